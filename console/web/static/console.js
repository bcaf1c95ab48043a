// kefu console: live updates (SSE, falling back to polling), countdowns,
// notifications. No inline script anywhere: the page's CSP forbids it.
(function () {
  "use strict";
  var body = document.body;
  var csrf = document.querySelector('meta[name="csrf-token"]');

  // htmx requests carry the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (e) {
    if (csrf) e.detail.headers["X-CSRF-Token"] = csrf.content;
  });

  // The language picker submits itself.
  document.querySelectorAll("select.autosubmit").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });

  // Times are shown in the viewer's zone: tell the server which it is.
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("kefu_tz=" + tz) < 0) {
      document.cookie = "kefu_tz=" + tz + "; path=/console/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: the server's zone is used */ }

  // Countdowns: every deadline says how long is left, or how late it is.
  function human(ms) {
    var mins = Math.round(Math.abs(ms) / 60000);
    var d = Math.floor(mins / 1440), h = Math.floor(mins / 60) % 24, m = mins % 60;
    var zh = body.dataset.lang !== "en", tw = body.dataset.lang === "zh-TW";
    var u = zh ? ["天", tw ? "小時" : "小时", tw ? "分鐘" : "分钟"] : [" d", " h", " min"];
    var parts = [];
    if (d > 0) parts.push(d + u[0]);
    if (h > 0 && d < 3) parts.push(h + u[1]);
    if (d === 0 && (m > 0 || h === 0)) parts.push(m + u[2]);
    return parts.join(zh ? "" : " ");
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (t) {
      var left = Date.parse(t.getAttribute("datetime")) - now;
      var tpl = left < 0 ? body.dataset.tOverdue : body.dataset.tIn;
      t.textContent = tpl.replace("%s", human(left));
      t.classList.toggle("overdue", left < 0);
      t.classList.toggle("soon", left >= 0 && left < 30 * 60000);
    });
  }
  tick();
  setInterval(tick, 30000);
  document.addEventListener("htmx:afterSwap", function () {
    tick();
    var end = document.getElementById("transcript");
    if (end && end.lastElementChild) end.lastElementChild.scrollIntoView({ block: "nearest" });
  });

  if (!body.dataset.signedIn) return;

  // Notifications: badge and title count always; a short tone and a
  // desktop notification when the queue grows and the browser allows it.
  var baseTitle = document.title, waiting = null;
  function askPermission() {
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
    document.removeEventListener("click", askPermission);
  }
  document.addEventListener("click", askPermission);
  function tone() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 880; g.gain.value = 0.05;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.15);
    } catch (e) { /* no audio */ }
  }
  function onWaiting(n) {
    document.title = (n > 0 ? "(" + n + ") " : "") + baseTitle;
    if (waiting !== null && n > waiting) {
      tone();
      if ("Notification" in window && Notification.permission === "granted") {
        new Notification(body.dataset.tWaiting, { tag: "kefu-waiting" });
      }
      var live = document.getElementById("live-status");
      if (live) live.textContent = body.dataset.tWaiting;
    }
    waiting = n;
    body.dataset.waitingCount = String(n);
  }

  var stamp = null;
  function onPulse(p) {
    onWaiting(p.waiting);
    if (stamp !== null && p.stamp !== stamp && window.htmx) htmx.trigger(body, "kefu:change");
    stamp = p.stamp;
    body.dataset.live = "1";
  }

  // Live updates over SSE; when the stream cannot be held, poll.
  var polling = null;
  function poll() {
    if (polling) return;
    body.dataset.mode = "poll";
    var run = function () {
      fetch("/console/pulse", { credentials: "same-origin" }).then(function (r) {
        if (r.status === 401) { location.href = "/console/login"; return null; }
        return r.ok ? r.json() : null;
      }).then(function (p) { if (p) onPulse(p); }).catch(function () {});
    };
    run();
    polling = setInterval(run, 10000);
  }
  if ("EventSource" in window) {
    body.dataset.mode = "sse";
    var es = new EventSource("/console/events");
    es.addEventListener("change", function (e) { onPulse(JSON.parse(e.data)); });
    es.onerror = function () {
      if (es.readyState === EventSource.CLOSED) poll();
    };
  } else {
    poll();
  }
})();
