// Keeps a meeting screen up to date: joins the meeting's room over Socket.IO and swaps
// in the server-rendered regions it pushes. Without this script every page still works:
// forms post and the page reloads.
(function () {
  "use strict";
  var root = document.querySelector("[data-meeting][data-view]");
  if (!root || typeof io === "undefined" || typeof htmx === "undefined") return;
  var meeting = Number(root.dataset.meeting);
  var view = root.dataset.view;
  var version = Number(root.dataset.version);
  var display = root.dataset.display || ""; // the projector opened by its display link
  var stateLine = document.querySelector("[data-live-state]");
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function fillTokens() {
    // Pushed forms carry no token: they take the page's.
    if (!csrf) return;
    document.querySelectorAll("input[data-csrf]").forEach(function (input) {
      if (!input.value) input.value = csrf.content;
    });
  }

  function apply(html) {
    htmx.swap(document.body, html, { swapStyle: "none" });
    fillTokens();
    tick();
  }

  function setVersion(next) {
    version = next;
    root.dataset.version = String(next);
  }

  var socket = io({ transports: ["websocket", "polling"] });

  function join() {
    var data = { meeting: meeting, view: view, version: version, display: display };
    socket.emit("join", data, function (reply) {
      if (reply && reply.error && stateLine) {
        stateLine.textContent = reply.error.message;
        stateLine.hidden = false;
      }
    });
  }

  function resync() {
    socket.emit("resync", { meeting: meeting, view: view, display: display });
  }

  socket.on("connect", function () {
    if (stateLine) stateLine.hidden = true;
    join(); // a reconnect sends the version we know; the server resyncs if it moved on
  });
  socket.on("disconnect", function () {
    if (stateLine) stateLine.hidden = false;
  });

  socket.on("fragments", function (event) {
    if (event.meeting !== meeting) return;
    if (event.base === -1) {
      apply(event.html); // a full resync
      setVersion(event.version);
      return;
    }
    // Older than what we show: dropped. The same version is applied: two pushes of one
    // version carry different regions (another worker's, or a write that committed while
    // the previous push was rendered).
    if (event.version < version) return;
    if (event.base > version) {
      resync(); // we missed an event
      return;
    }
    apply(event.html);
    setVersion(event.version);
  });

  // The chair gave the projector a new display link: this one no longer works.
  socket.on("display_ended", function (event) {
    if (event.meeting === meeting) window.location.reload();
  });

  socket.on("mine", function (event) {
    if (event.meeting === meeting) apply(event.html);
  });

  // Countdowns and speaking timers tick locally between pushes.
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.dataset.deadline) - now) / 1000;
      el.textContent = clock(left);
      el.classList.toggle("over", left <= 0);
    });
    document.querySelectorAll("time.timer.running[data-since]").forEach(function (el) {
      var used = Number(el.dataset.base) + (now - Date.parse(el.dataset.since)) / 1000;
      el.textContent = clock(used);
      el.classList.toggle("over", used > Number(el.dataset.limit));
    });
  }

  fillTokens();
  tick();
  setInterval(tick, 1000);
})();
