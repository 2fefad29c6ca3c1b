// Times are written in UTC; show each in the reader's own time zone, in the page's
// language. A form's time zone field is filled with the device's zone when empty or UTC.
(function () {
  "use strict";
  function localise(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.querySelectorAll("input[data-own-zone]").forEach(function (input) {
      if (zone && (!input.value || input.value === "UTC")) input.value = zone;
    });
    var format;
    try {
      format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        weekday: "short", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    } catch (e) {
      return; // an old browser: the UTC text stays
    }
    root.querySelectorAll("time[data-local]:not([data-localised])").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.dataset.localised = "";
        el.title = el.textContent;
        el.textContent = format.format(when);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
})();
