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

  // Canned replies (快捷回复): picking one puts its text into the reply
  // box at the cursor (or fills an empty box); the agent edits and sends.
  document.querySelectorAll("select.canned").forEach(function (s) {
    s.addEventListener("change", function () {
      var opt = s.options[s.selectedIndex], box = document.getElementById(s.dataset.target);
      if (!opt || !opt.value || !box) return;
      var text = opt.dataset.text || "";
      if (box.value.trim() === "") {
        box.value = text;
      } else {
        var a = box.selectionStart, b = box.selectionEnd;
        box.value = box.value.slice(0, a) + text + box.value.slice(b);
      }
      s.selectedIndex = 0;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  });

  // A call that did not get through has no satisfaction to record.
  var reachedNo = document.getElementById("reached-no"), satisfiedSet = document.getElementById("satisfied-set");
  if (reachedNo && satisfiedSet) {
    var sync = function () { satisfiedSet.disabled = reachedNo.checked; };
    document.querySelectorAll('input[name="reached"]').forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

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

  // Notifications: each time the tab bar is refreshed it carries the
  // viewer's counts (the queue, plans to approve, new P1 cases). The title
  // shows their sum; a count that grew plays a short tone and, where the
  // browser allows, raises a desktop notification that opens the case.
  var baseTitle = document.title, seen = null;
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
  var kinds = [
    { key: "waiting", text: "tWaiting", link: null },
    { key: "approvals", text: "tApprovals", link: "alert-approvals" },
    { key: "p1", text: "tP1", link: "alert-p1" },
    { key: "overdue", text: "tOverdueAlert", link: "alert-overdue" }
  ];
  function onNav() {
    var tabs = document.getElementById("tabs");
    if (!tabs) return;
    var now = {}, total = 0;
    kinds.forEach(function (k) { now[k.key] = parseInt(tabs.dataset[k.key] || "0", 10); total += now[k.key]; });
    document.title = (total > 0 ? "(" + total + ") " : "") + baseTitle;
    if (seen) {
      kinds.forEach(function (k) {
        if (now[k.key] <= seen[k.key]) return;
        var text = body.dataset[k.text], a = k.link && document.getElementById(k.link);
        tone();
        var live = document.getElementById("live-status");
        if (live) live.textContent = text;
        if ("Notification" in window && Notification.permission === "granted") {
          var n = new Notification(text, { tag: "kefu-" + k.key });
          n.onclick = function () { window.focus(); location.href = a ? a.href : "/console/inbox?tab=waiting"; };
        }
      });
    }
    seen = now;
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === "nav") onNav();
  });

  // The fingerprint the page was rendered at: a first event that differs
  // means something changed in between.
  var stamp = body.dataset.stamp || null;
  function onPulse(p) {
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
