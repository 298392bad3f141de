// Source form: show the App Store country only for the App Store kind, and the competitor's
// name only when the reviews are about a competitor. Without this script every field shows and
// the server ignores what does not apply.
(function () {
  "use strict";

  function chosen(form, name) {
    const field = form.elements.namedItem(name);
    if (!field) return "";
    return field.value !== undefined ? field.value : "";
  }

  function update(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (part) {
      const shown = chosen(form, part.dataset.shownWhen) === part.dataset.shownFor;
      part.hidden = !shown;
    });
  }

  function updateAll() {
    const form = document.getElementById("source-form");
    if (form) update(form);
  }

  document.addEventListener("change", function (event) {
    const form = event.target.form;
    if (form && form.id === "source-form") update(form);
  });
  // "Test this source" swaps the whole form in again.
  document.addEventListener("htmx:afterSettle", updateAll);
  updateAll();
})();
