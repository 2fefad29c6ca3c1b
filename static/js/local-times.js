// Times are written in UTC; show each in the reader's own time zone, in the page's
// language. A form's time zone field is filled with the device's zone when empty or UTC.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var format;
  try {
    format = new Intl.DateTimeFormat(lang, {
      dateStyle: "medium", timeStyle: "short", timeZoneName: "short"
    });
  } catch (e) {
    return; // an old browser: the UTC text stays
  }
  function localise(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.title = el.textContent;
        el.textContent = format.format(when);
      }
    });
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.querySelectorAll("input[data-own-zone]").forEach(function (input) {
      if (zone && (!input.value || input.value === "UTC")) input.value = zone;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
})();
