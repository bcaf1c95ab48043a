// kefu web chat client. No build step, no dependencies.
//
// Message text comes from customers and from the bot's templates; it is only
// ever put into the page with textContent, never parsed as HTML.
(function () {
  "use strict";

  const LABELS = {
    "zh-CN": {
      send: "发送",
      placeholder: "请输入消息…",
      hint: "您好！请描述您遇到的问题，我们会尽快为您处理。",
      connecting: "连接中…",
      reconnecting: "连接中断，正在重连…",
      retrying: "发送失败，正在重试…",
      failed: "发送失败，请稍后再试。",
      tooLong: "消息太长，请分成几条发送。",
    },
    "zh-TW": {
      send: "傳送",
      placeholder: "請輸入訊息…",
      hint: "您好！請描述您遇到的問題，我們會盡快為您處理。",
      connecting: "連線中…",
      reconnecting: "連線中斷，正在重新連線…",
      retrying: "傳送失敗，正在重試…",
      failed: "傳送失敗，請稍後再試。",
      tooLong: "訊息太長，請分成幾則傳送。",
    },
    en: {
      send: "Send",
      placeholder: "Type a message…",
      hint: "Hello! Please describe your problem and we will take care of it.",
      connecting: "Connecting…",
      reconnecting: "Connection lost, reconnecting…",
      retrying: "Not sent yet, retrying…",
      failed: "Could not send, please try again later.",
      tooLong: "That message is too long; please split it into shorter ones.",
    },
  };

  // Chinese by default; Traditional for Taiwan, Hong Kong, Macau and
  // explicit Hant; English only when the browser asks for it.
  function pickLang() {
    const l = String(navigator.language || "").toLowerCase();
    if (l.startsWith("zh")) {
      return /hant|^zh-(tw|hk|mo)/.test(l) ? "zh-TW" : "zh-CN";
    }
    if (l.startsWith("en")) return "en";
    return "zh-CN";
  }

  const lang = pickLang();
  const L = LABELS[lang];
  const SESSION_KEY = "kefu.webchat.session";
  const POLL_MS = 2000;
  const MAX_STREAM_ERRORS = 3;

  function randomId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // The session lives in localStorage so a reload continues the
  // conversation. Storage can be unavailable (private modes, blocked
  // cookies); then the session lasts as long as the page.
  function loadSession() {
    let s = null;
    try {
      s = localStorage.getItem(SESSION_KEY);
    } catch (e) {}
    if (!s || !/^[A-Za-z0-9_-]{16,64}$/.test(s)) {
      s = randomId();
      try {
        localStorage.setItem(SESSION_KEY, s);
      } catch (e) {}
    }
    return s;
  }

  const session = loadSession();
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const status = document.getElementById("status");

  document.documentElement.lang = lang;
  sendButton.textContent = L.send;
  input.placeholder = L.placeholder;
  input.setAttribute("aria-label", L.placeholder);

  let lastId = 0; // highest message id seen; the stream and polls resume after it
  const seen = new Set(); // message ids already on the page
  let activeChoices = null; // only the newest message's buttons stay usable
  let hint = null;

  function setStatus(text) {
    status.textContent = text;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function showHint() {
    hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = L.hint;
    log.appendChild(hint);
  }

  function addRow(direction, text) {
    if (hint) {
      hint.remove();
      hint = null;
    }
    if (activeChoices) {
      disableChoices(activeChoices, null);
      activeChoices = null;
    }
    const row = document.createElement("div");
    row.className = "row " + (direction === "in" ? "in" : "out");
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    row.appendChild(bubble);
    log.appendChild(row);
    return row;
  }

  function disableChoices(group, picked) {
    for (const b of group.querySelectorAll("button")) {
      b.disabled = true;
      if (b === picked) b.classList.add("picked");
    }
  }

  function addChoices(row, choices) {
    const group = document.createElement("div");
    group.className = "choices";
    for (const c of choices) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "choice";
      b.textContent = c.label;
      b.addEventListener("click", () => {
        disableChoices(group, b);
        if (activeChoices === group) activeChoices = null;
        send(c.label, c.value);
      });
      group.appendChild(b);
    }
    row.appendChild(group);
    activeChoices = group;
  }

  // showMessage renders one stored message unless it is on the page already.
  function showMessage(m) {
    if (!m || typeof m.id !== "number") return;
    lastId = Math.max(lastId, m.id);
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const row = addRow(m.direction, m.text || "");
    if (m.direction !== "in" && Array.isArray(m.choices) && m.choices.length) {
      addChoices(row, m.choices);
    }
    scrollDown();
  }

  function setNote(p, text) {
    let note = p.row.querySelector(".note");
    if (!note) {
      note = document.createElement("div");
      note.className = "note";
      p.row.appendChild(note);
    }
    note.textContent = text;
  }

  // Sends go one at a time so the server sees them in the order typed.
  let queue = Promise.resolve();

  function send(text, choice) {
    const p = {
      id: randomId(), // reused on every retry: the server drops repeats
      text: text,
      choice: choice || "",
      row: null,
    };
    p.row = addRow("in", text);
    p.row.classList.add("pending");
    scrollDown();
    queue = queue.then(() => deliver(p));
  }

  function zoneName() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function deliver(p) {
    const body = JSON.stringify({
      session: session,
      client_message_id: p.id,
      text: p.text,
      choice: p.choice,
      // The browser's language and clock: texts and times on the customer's terms.
      lang: String(navigator.language || ""),
      zone: zoneName(),
    });
    let delay = 1000;
    for (;;) {
      let res = null;
      try {
        res = await fetch("api/webchat/messages", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: body,
          credentials: "same-origin",
        });
      } catch (e) {
        res = null; // offline or connection reset: retry
      }
      if (res && res.status === 202) {
        let r = null;
        try {
          r = await res.json();
        } catch (e) {}
        settle(p, r && r.message_id);
        return;
      }
      if (res && res.status === 413) {
        fail(p, L.tooLong);
        // Give the text back so it can be split rather than retyped.
        if (!input.value) {
          input.value = p.text;
          autosize();
        }
        return;
      }
      if (res && res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        fail(p, L.failed);
        return;
      }
      setNote(p, L.retrying);
      await sleep(delay);
      delay = Math.min(delay * 2, 30000);
    }
  }

  function settle(p, messageId) {
    p.row.classList.remove("pending");
    const note = p.row.querySelector(".note");
    if (note) note.remove();
    if (typeof messageId !== "number") return;
    if (seen.has(messageId)) {
      // The stream was faster and already shows it.
      p.row.remove();
      return;
    }
    seen.add(messageId); // don't bump lastId: earlier bot messages may be in flight
    pollSoon();
  }

  function fail(p, text) {
    p.row.classList.remove("pending");
    p.row.classList.add("failed");
    setNote(p, text);
    scrollDown();
  }

  // --- receiving: EventSource, or polling when that does not work ---

  let polling = false;
  let pollTimer = 0;
  let pollInFlight = false;

  function connect() {
    if (!("EventSource" in window)) {
      startPolling();
      return;
    }
    setStatus(L.connecting);
    let errors = 0;
    const es = new EventSource(
      "api/webchat/stream?session=" + encodeURIComponent(session) + "&after=" + lastId
    );
    es.onopen = () => {
      errors = 0;
      setStatus("");
    };
    es.addEventListener("message", (ev) => {
      try {
        showMessage(JSON.parse(ev.data));
      } catch (e) {}
    });
    es.onerror = () => {
      errors++;
      // CLOSED means the browser gave up (e.g. an error status or a proxy
      // that does not pass text/event-stream); repeated errors mean the
      // stream keeps breaking. Either way polling is more dependable.
      if (es.readyState === EventSource.CLOSED || errors >= MAX_STREAM_ERRORS) {
        es.close();
        startPolling();
        return;
      }
      setStatus(L.reconnecting);
    };
  }

  function startPolling() {
    if (polling) return;
    polling = true;
    poll();
  }

  async function poll() {
    clearTimeout(pollTimer);
    if (pollInFlight) return;
    pollInFlight = true;
    try {
      const res = await fetch(
        "api/webchat/messages?session=" + encodeURIComponent(session) + "&after=" + lastId,
        { cache: "no-store", credentials: "same-origin" }
      );
      if (!res.ok) throw new Error("status " + res.status);
      const r = await res.json();
      (r.messages || []).forEach(showMessage);
      setStatus("");
    } catch (e) {
      setStatus(L.reconnecting);
    } finally {
      pollInFlight = false;
      pollTimer = setTimeout(poll, POLL_MS);
    }
  }

  // pollSoon shows the reply sooner after a send when polling.
  function pollSoon() {
    if (polling && !pollInFlight) {
      clearTimeout(pollTimer);
      pollTimer = setTimeout(poll, 300);
    }
  }

  // --- composing ---

  // Grow the textarea with its text (up to the CSS max-height). scrollHeight
  // leaves out the border, which border-box sizing counts.
  function autosize() {
    input.style.height = "auto";
    const border = input.offsetHeight - input.clientHeight;
    input.style.height = Math.min(input.scrollHeight + border, 120) + "px";
  }

  function submit() {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    autosize();
    send(text, "");
    input.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", (e) => {
    // Enter sends, Shift+Enter breaks the line. While an IME is composing
    // (Chinese input), Enter confirms the composition instead.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });

  showHint();
  connect();
})();
