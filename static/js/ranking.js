// Tap to rank: on an election ballot, tapping a candidate gives it the next rank, tapping
// it again takes it out (the ranks after it move up). The selects stay the ballot: the
// form works without this script, by keyboard and with a screen reader.
(function () {
  "use strict";

  function setUp(form) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select.rank"));
    var help = form.querySelector(".ranking-help");
    if (help) help.hidden = false;

    function ranked() {
      return selects
        .filter(function (s) { return s.value; })
        .sort(function (a, b) { return Number(a.value) - Number(b.value); });
    }
    function show() {
      selects.forEach(function (s) {
        var item = s.closest(".candidate");
        item.classList.toggle("is-ranked", Boolean(s.value));
        item.setAttribute("data-rank", s.value || "");
      });
    }
    function renumber(list) {
      list.forEach(function (s, i) { s.value = String(i + 1); });
      show();
    }
    selects.forEach(function (select) {
      var item = select.closest(".candidate");
      var name = item.querySelector(".candidate-name");
      name.setAttribute("role", "button");
      name.setAttribute("tabindex", "0");
      function toggle() {
        var order = ranked();
        if (select.value) {
          renumber(order.filter(function (s) { return s !== select; }));
          select.value = "";
        } else {
          select.value = String(order.length + 1);
        }
        show();
      }
      name.addEventListener("click", function (event) { event.preventDefault(); toggle(); });
      name.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
      });
      select.addEventListener("change", show);
    });
    form.addEventListener("reset", function () { setTimeout(show, 0); });
    show();
  }

  function scan(root) {
    Array.prototype.forEach.call(
      root.querySelectorAll('form[data-ranking="ranked"]:not([data-ranking-ready])'),
      function (form) { form.setAttribute("data-ranking-ready", ""); setUp(form); }
    );
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();
