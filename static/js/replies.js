// Replies panel: "Copy reply" puts the approved text on the clipboard, or, where the clipboard
// is not available (plain http, older browsers), selects the text so Ctrl+C / Cmd+C copies it.
// One delegated listener, so it keeps working after htmx replaces the panel.
(function () {
  "use strict";

  function say(button, message) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (status) status.textContent = message;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    element.focus();
  }

  function fallback(button, element) {
    selectText(element);
    say(button, "The reply is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var element = document.querySelector(button.getAttribute("data-copy"));
    if (!element) return;
    var text = element.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(button, "Copied. Paste it as your reply on the review site."); },
        function () { fallback(button, element); }
      );
    } else {
      fallback(button, element);
    }
  });
})();
