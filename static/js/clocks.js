// Response clocks tick without a reload. Every element with data-due-at (rendered by
// {% case_clock case %}, templates/responses/partials/case_clock.html) shows "12 min left",
// "1 h 05 min left" or "3 min overdue" with the state class clock-running, clock-due-soon or
// clock-overdue: the same wording and thresholds as clock() in responses/cases.py. It updates
// at least every 30 s, and at the very moment a clock's minute changes or it runs out.
// data-now is the server's time at rendering, so a computer whose clock is off still counts right.
(function () {
  "use strict";

  var MINUTE = 60000;
  var HOUR = 60 * MINUTE;
  var TICK = 30000;
  var STATES = ["clock-running", "clock-due-soon", "clock-overdue"];
  var timer = null;

  function shortDuration(ms) {
    var minutes = Math.max(0, Math.floor(ms / MINUTE));
    if (minutes < 60) return minutes + " min";
    if (minutes < 48 * 60) {
      var rest = minutes % 60;
      return Math.floor(minutes / 60) + " h " + (rest < 10 ? "0" : "") + rest + " min";
    }
    return Math.floor(minutes / (24 * 60)) + " days";
  }

  // The server's time minus this computer's, measured when the element is first seen.
  function offset(element) {
    if (element.clockOffset === undefined) {
      var rendered = Date.parse(element.getAttribute("data-now"));
      element.clockOffset = isNaN(rendered) ? 0 : rendered - Date.now();
    }
    return element.clockOffset;
  }

  // Shows the clock as of now; returns the milliseconds until its text next changes.
  function show(element) {
    var due = Date.parse(element.getAttribute("data-due-at"));
    if (isNaN(due)) return TICK;
    var left = due - (Date.now() + offset(element));
    var overdue = left < 0;
    var text = overdue ? shortDuration(-left) + " overdue" : shortDuration(left) + " left";
    var state = overdue ? "clock-overdue" : left < HOUR ? "clock-due-soon" : "clock-running";
    if (element.textContent !== text) element.textContent = text;
    STATES.forEach(function (name) { element.classList.toggle(name, name === state); });
    return overdue ? MINUTE - (-left % MINUTE) : (left % MINUTE) + 1;
  }

  function update() {
    clearTimeout(timer);
    var wait = TICK;
    document.querySelectorAll("[data-clock][data-due-at]").forEach(function (element) {
      wait = Math.min(wait, show(element));
    });
    timer = setTimeout(update, Math.max(wait, 0) + 20);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) update();
  });
  document.addEventListener("htmx:afterSettle", update);
  update();
})();
