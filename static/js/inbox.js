// Inbox keyboard: j/k move, Enter opens, a assigns to me, e resolves, # dismisses, ? lists keys.
// Keys are ignored while typing in a field. Rows are looked up afresh on every key because
// htmx replaces a row after each action.
(function () {
  "use strict";

  var currentId = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-case-row]"));
  }

  function caseId(row) {
    return row.getAttribute("data-case").split(":")[0];
  }

  function currentRow() {
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      if (caseId(all[i]) === currentId) return all[i];
    }
    return null;
  }

  function select(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); });
    if (!row) return;
    currentId = caseId(row);
    row.classList.add("is-current");
    row.querySelector("[data-case-link]").focus();
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(currentRow());
    var next = index === -1 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[next]);
  }

  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (dialog && !dialog.open) dialog.showModal();
    return dialog;
  }

  function dismiss(row) {
    var dialog = document.getElementById("dismiss-dialog");
    dialog.querySelector("[data-dismiss-case]").value = row.getAttribute("data-case");
    openDialog("dismiss-dialog");
    dialog.querySelector("select").focus();
  }

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // In the dismiss dialog, Enter on the reason list submits: "#", type the reason, Enter.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("dialog select")) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var row = currentRow();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "?": openDialog("keys-dialog"); break;
      case "Enter":
        if (!row || event.target.closest("a, button")) return;
        window.location.assign(row.querySelector("[data-case-link]").href);
        break;
      case "a":
      case "e":
        if (!row) return;
        var button = row.querySelector('[data-key="' + event.key + '"]');
        if (button) button.click();
        break;
      case "#":
        if (row && row.querySelector("[data-dismiss]")) dismiss(row);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-keys-open]")) openDialog("keys-dialog");
    if (target.closest("[data-dialog-close]")) target.closest("dialog").close();
    var dismissButton = target.closest("[data-dismiss]");
    if (dismissButton) {
      select(dismissButton.closest("[data-case-row]"));
      dismiss(dismissButton.closest("[data-case-row]"));
    }
  });

  // Keep the keyboard position on the row htmx has just replaced. After the settle, not the
  // swap: htmx's settle step puts the new row's own class attribute back, dropping ours.
  document.addEventListener("htmx:afterSettle", function () {
    var row = currentRow();
    if (row) select(row);
  });
})();
