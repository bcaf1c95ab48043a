package main

// Shared helpers of the Telegram end-to-end tests (telegram_*_test.go): a
// local fake of the Bot API, updates built from the real payloads in
// channels/telegram/testdata, a controllable clock and `kefu serve` run
// with the Telegram channel in polling or webhook mode.
//
// The fake answers as Telegram does: form-encoded POSTs to
// /bot<token>/<method>, {"ok":...} envelopes, getUpdates confirming every
// update below the offset it is asked for, files under
// /file/bot<token>/<file_path>. It keeps what the bot sent (with the
// inline keyboards) so a test can tap a button of a message the bot
// really sent.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

const (
	// tgToken belongs to the bot of getMe.json (id 7012345678).
	tgToken    = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	tgBotID    = 7012345678
	tgSecret   = "kefu-e2e_Secret-Token_0001"
	tgHookURL  = "https://kefu.example.com/telegram"
	tgHookPath = "/telegram"
	// tgTestdata holds the real Bot API payloads the channel's own tests use.
	tgTestdata = "../../channels/telegram/testdata"
)

func tgReadTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(tgTestdata, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ---- the clock ----

// tgClock runs at the speed of the real clock from a start years ahead of
// it (so River, which schedules on the real clock, never fires a case
// timer by itself during a test).
type tgClock struct {
	base  time.Time
	start time.Time
}

func newTgClock(base time.Time) *tgClock { return &tgClock{base: base, start: time.Now()} }

func (c *tgClock) Now() time.Time { return c.base.Add(time.Since(c.start)) }

// tgShanghai is the customers' zone of the default config.
var tgShanghai = time.FixedZone("CST", 8*3600)

// tgEpoch is a Tuesday 10:00 in Beijing, outside quiet hours.
var tgEpoch = time.Date(2030, 6, 11, 10, 0, 0, 0, tgShanghai)

// ---- the fake Bot API ----

// tgCall is one recorded API call.
type tgCall struct {
	Method string
	Params url.Values
}

// tgButton is an inline keyboard button.
type tgButton struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// tgSent is a message the bot sent, as the fake keeps it.
type tgSent struct {
	MessageID int
	ChatID    int64
	Text      string
	Markup    json.RawMessage // reply_markup as sent, nil without a keyboard
	Buttons   []tgButton      // as the customer sees them now (edits applied)
}

// button returns the button with this callback data.
func (s tgSent) button(data string) (tgButton, bool) {
	for _, b := range s.Buttons {
		if b.Data == data {
			return b, true
		}
	}
	return tgButton{}, false
}

type tgFake struct {
	tb  testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	pending []json.RawMessage // updates not yet confirmed
	calls   []tgCall
	sent    []tgSent
	nextID  int // message ids, shared by the customers' and the bot's messages
	nextUpd int
	holdAt  int            // getUpdates with offset >= holdAt hangs without confirming (0: off)
	blocked map[int64]bool // chats that blocked the bot: sendMessage answers 403
	arrived chan struct{}
	release chan struct{}
}

func newTgFake(tb testing.TB) *tgFake {
	f := &tgFake{tb: tb, nextID: 500, nextUpd: 815000100,
		arrived: make(chan struct{}, 1), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bot"+tgToken+"/{method}", f.method)
	mux.HandleFunc("GET /file/bot"+tgToken+"/{path...}", f.file)
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

// block makes the chat refuse the bot (403) until unblocked.
func (f *tgFake) block(chat int64, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.blocked == nil {
		f.blocked = map[int64]bool{}
	}
	f.blocked[chat] = on
}

// messageID allocates a message id in a chat (Telegram numbers the
// messages of both sides in one sequence).
func (f *tgFake) messageID() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return f.nextID
}

func (f *tgFake) updateID() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextUpd++
	return f.nextUpd
}

// push queues updates for getUpdates, in one batch.
func (f *tgFake) push(updates ...[]byte) {
	f.mu.Lock()
	for _, u := range updates {
		f.pending = append(f.pending, json.RawMessage(u))
	}
	f.mu.Unlock()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

// hold makes getUpdates calls with an offset of at least offset hang
// without confirming anything until the caller gives up (as if the
// request never reached Telegram); 0 ends it.
func (f *tgFake) hold(offset int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdAt = offset
}

func (f *tgFake) pendingCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending)
}

func (f *tgFake) method(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.tb.Errorf("fake bot API: form: %v", err)
	}
	m := r.PathValue("method")
	f.mu.Lock()
	f.calls = append(f.calls, tgCall{Method: m, Params: r.PostForm})
	f.mu.Unlock()
	switch m {
	case "getMe":
		tgWrite(w, tgReadTestdata(f.tb, "getMe.json"))
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendMessage":
		f.sendMessage(w, r)
	case "editMessageReplyMarkup":
		f.editMarkup(w, r)
	case "getFile":
		tgWrite(w, tgReadTestdata(f.tb, "getFile.json"))
	case "answerCallbackQuery", "setWebhook", "deleteWebhook":
		tgWrite(w, tgReadTestdata(f.tb, "ok_true.json"))
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// getUpdates confirms the updates below offset and returns the rest,
// waiting a little for new ones as a long poll does.
func (f *tgFake) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	f.mu.Lock()
	held := f.holdAt != 0 && offset >= f.holdAt
	f.mu.Unlock()
	if held {
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	}
	deadline := time.After(200 * time.Millisecond) // a short long poll
	for {
		f.mu.Lock()
		var keep []json.RawMessage
		for _, u := range f.pending {
			var h struct {
				ID int `json:"update_id"`
			}
			_ = json.Unmarshal(u, &h)
			if offset == 0 || h.ID >= offset {
				keep = append(keep, u)
			}
		}
		f.pending = keep
		out := append([]json.RawMessage{}, keep...)
		f.mu.Unlock()
		if len(out) > 0 {
			b, _ := json.Marshal(map[string]any{"ok": true, "result": out})
			tgWrite(w, b)
			return
		}
		select {
		case <-f.arrived:
		case <-deadline:
			tgWrite(w, []byte(`{"ok":true,"result":[]}`))
			return
		case <-r.Context().Done():
			return
		case <-f.release:
			return
		}
	}
}

// sendMessage answers with sendMessage.json made into the message sent.
func (f *tgFake) sendMessage(w http.ResponseWriter, r *http.Request) {
	chat, err := strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
	if err != nil || r.PostForm.Get("text") == "" {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`)
		return
	}
	f.mu.Lock()
	blocked := f.blocked[chat]
	f.mu.Unlock()
	if blocked {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
		return
	}
	s := tgSent{MessageID: f.messageID(), ChatID: chat, Text: r.PostForm.Get("text")}
	if mk := r.PostForm.Get("reply_markup"); mk != "" {
		s.Markup = json.RawMessage(mk)
		s.Buttons = tgButtons(f.tb, s.Markup)
	}
	msg := tgDecode(f.tb, tgReadTestdata(f.tb, "sendMessage.json"))
	res := msg["result"].(map[string]any)
	res["message_id"] = s.MessageID
	res["text"] = s.Text
	res["chat"].(map[string]any)["id"] = chat
	if s.Markup != nil {
		res["reply_markup"] = s.Markup
	}
	f.mu.Lock()
	f.sent = append(f.sent, s)
	f.mu.Unlock()
	b, _ := json.Marshal(msg)
	tgWrite(w, b)
}

// editMarkup applies editMessageReplyMarkup to the message kept; like
// Telegram it refuses an edit that changes nothing.
func (f *tgFake) editMarkup(w http.ResponseWriter, r *http.Request) {
	chat, _ := strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
	id, _ := strconv.Atoi(r.PostForm.Get("message_id"))
	buttons := tgButtons(f.tb, json.RawMessage(r.PostForm.Get("reply_markup")))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.sent {
		s := &f.sent[i]
		if s.ChatID != chat || s.MessageID != id {
			continue
		}
		if len(s.Buttons) == 0 && len(buttons) == 0 {
			tgWrite(w, tgReadTestdata(f.tb, "error_400_not_modified.json"))
			return
		}
		s.Buttons = buttons
		tgWrite(w, tgReadTestdata(f.tb, "ok_true.json"))
		return
	}
	w.WriteHeader(http.StatusBadRequest)
	io.WriteString(w, `{"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"}`)
}

func (f *tgFake) file(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	f.mu.Lock()
	f.calls = append(f.calls, tgCall{Method: "download", Params: url.Values{"path": {p}}})
	f.mu.Unlock()
	if p != "photos/file_3.jpg" { // the file_path of getFile.json
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(tgReadTestdata(f.tb, "photo.jpg"))
}

// mark is the position after the calls so far.
func (f *tgFake) mark() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// callsTo returns the calls of a method from position from on.
func (f *tgFake) callsTo(method string, from int) []tgCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []tgCall
	for _, c := range f.calls[min(from, len(f.calls)):] {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// offsets are the offsets of the getUpdates calls from position from on.
func (f *tgFake) offsets(from int) []int {
	var out []int
	for _, c := range f.callsTo("getUpdates", from) {
		n, _ := strconv.Atoi(c.Params.Get("offset"))
		out = append(out, n)
	}
	return out
}

// waitCall polls until a call of method after position from satisfies ok.
func (f *tgFake) waitCall(tb testing.TB, from int, method, what string, ok func(tgCall) bool) tgCall {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, c := range f.callsTo(method, from) {
			if ok(c) {
				return c
			}
		}
		if time.Now().After(deadline) {
			calls := f.callsTo(method, from)
			tb.Fatalf("no %s call %s; %d calls since, the last: %+v", method, what, len(calls), calls[max(len(calls)-3, 0):])
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

// sentMark is the position after the messages sent so far.
func (f *tgFake) sentMark() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

// sentTo returns the messages to chat from position from on.
func (f *tgFake) sentTo(chat int64, from int) []tgSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []tgSent
	for _, s := range f.sent[min(from, len(f.sent)):] {
		if s.ChatID == chat {
			out = append(out, s)
		}
	}
	return out
}

// message returns the message kept under this id, edits applied.
func (f *tgFake) message(chat int64, id int) tgSent {
	for _, s := range f.sentTo(chat, 0) {
		if s.MessageID == id {
			return s
		}
	}
	f.tb.Fatalf("no message %d in chat %d", id, chat)
	return tgSent{}
}

// waitSent polls until a message to chat after position from satisfies ok.
func (f *tgFake) waitSent(tb testing.TB, from int, chat int64, what string, ok func(tgSent) bool) tgSent {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, s := range f.sentTo(chat, from) {
			if ok(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no message %s to chat %d; sent since: %s", what, chat, tgTexts(f.sentTo(chat, from)))
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

func tgTexts(ss []tgSent) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "\n  #%d %q %v", s.MessageID, s.Text, s.Buttons)
	}
	return b.String()
}

func tgContains(sub string) func(tgSent) bool {
	return func(s tgSent) bool { return strings.Contains(s.Text, sub) }
}

// tgWithButton matches a message carrying a button with this data.
func tgWithButton(data string) func(tgSent) bool {
	return func(s tgSent) bool { _, ok := s.button(data); return ok }
}

func tgButtons(tb testing.TB, markup json.RawMessage) []tgButton {
	var mk struct {
		Rows [][]tgButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal(markup, &mk); err != nil {
		tb.Errorf("reply_markup %s: %v", markup, err)
	}
	var out []tgButton
	for _, row := range mk.Rows {
		out = append(out, row...)
	}
	return out
}

// tgWrite writes a Bot API answer; errors carry their code as the status.
func tgWrite(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	var e struct {
		OK   bool `json:"ok"`
		Code int  `json:"error_code"`
	}
	if json.Unmarshal(b, &e) == nil && !e.OK && e.Code != 0 {
		w.WriteHeader(e.Code)
	}
	w.Write(b)
}

// ---- updates, from the real payloads ----

func tgDecode(tb testing.TB, b []byte) map[string]any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // chat ids stay exact
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// tgSet sets a value at a dotted path of a decoded payload.
func tgSet(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	m[keys[len(keys)-1]] = v
}

// tgCustomer is a Telegram user in a private chat with the bot.
type tgCustomer struct {
	chat   int64
	first  string
	last   string
	handle string
	lang   string // the app's language_code; "" keeps the payload's (zh-hans)
}

func (c tgCustomer) id() string { return strconv.FormatInt(c.chat, 10) }

// personal makes a payload's sender and chat this customer.
func (c tgCustomer) personal(m map[string]any, msg string) {
	for _, who := range []string{msg + ".chat", msg + ".from"} {
		tgSet(m, who+".id", c.chat)
		tgSet(m, who+".first_name", c.first)
		tgSet(m, who+".last_name", c.last)
		tgSet(m, who+".username", c.handle)
	}
	if c.lang != "" {
		tgSet(m, msg+".from.language_code", c.lang)
	}
}

// tgUpdate is an update built for a test: its id and payload.
type tgUpdate struct {
	ID        int
	MessageID int // of the message, or of the keyboard's message for a tap
	Text      string
	Raw       []byte
}

// text is a text message (update_text.json).
func (e *tgEnv) text(c tgCustomer, text string) tgUpdate {
	m := tgDecode(e.tb, tgReadTestdata(e.tb, "update_text.json"))
	u := tgUpdate{ID: e.api.updateID(), MessageID: e.api.messageID(), Text: text}
	tgSet(m, "update_id", u.ID)
	tgSet(m, "message.message_id", u.MessageID)
	tgSet(m, "message.date", e.clock.Now().Unix())
	tgSet(m, "message.text", text)
	c.personal(m, "message")
	u.Raw, _ = json.Marshal(m)
	return u
}

// command is a bot command such as /start or /status
// (update_start.json, with its bot_command entity).
func (e *tgEnv) command(c tgCustomer, cmd string) tgUpdate {
	u := e.text(c, cmd)
	m := tgDecode(e.tb, tgReadTestdata(e.tb, "update_start.json"))
	tgSet(m, "update_id", u.ID)
	tgSet(m, "message.message_id", u.MessageID)
	tgSet(m, "message.date", e.clock.Now().Unix())
	tgSet(m, "message.text", cmd)
	tgSet(m, "message.entities", []any{map[string]any{"offset": 0, "length": len(cmd), "type": "bot_command"}})
	c.personal(m, "message")
	u.Raw, _ = json.Marshal(m)
	return u
}

// photo is a photo in three sizes with a caption (update_photo.json).
func (e *tgEnv) photo(c tgCustomer, caption string) tgUpdate {
	m := tgDecode(e.tb, tgReadTestdata(e.tb, "update_photo.json"))
	u := tgUpdate{ID: e.api.updateID(), MessageID: e.api.messageID(), Text: caption}
	tgSet(m, "update_id", u.ID)
	tgSet(m, "message.message_id", u.MessageID)
	tgSet(m, "message.date", e.clock.Now().Unix())
	tgSet(m, "message.caption", caption)
	c.personal(m, "message")
	u.Raw, _ = json.Marshal(m)
	return u
}

// tap is a press of the button with this callback data on a message the
// bot sent (update_callback.json); the message is as the customer's app
// last showed it, keyboard included.
func (e *tgEnv) tap(c tgCustomer, on tgSent, data string) tgUpdate {
	if _, ok := (tgSent{Buttons: tgButtons(e.tb, on.Markup)}).button(data); !ok {
		e.tb.Fatalf("message %d was sent without a button %q: %s", on.MessageID, data, on.Markup)
	}
	m := tgDecode(e.tb, tgReadTestdata(e.tb, "update_callback.json"))
	u := tgUpdate{ID: e.api.updateID(), MessageID: on.MessageID, Text: data}
	tgSet(m, "update_id", u.ID)
	tgSet(m, "callback_query.id", fmt.Sprintf("22008801234567%05d", u.ID%100000))
	tgSet(m, "callback_query.data", data)
	tgSet(m, "callback_query.message.message_id", on.MessageID)
	tgSet(m, "callback_query.message.text", on.Text)
	tgSet(m, "callback_query.message.date", e.clock.Now().Unix())
	tgSet(m, "callback_query.message.chat.id", c.chat)
	tgSet(m, "callback_query.message.chat.first_name", c.first)
	tgSet(m, "callback_query.message.chat.last_name", c.last)
	tgSet(m, "callback_query.message.chat.username", c.handle)
	tgSet(m, "callback_query.message.reply_markup", on.Markup)
	tgSet(m, "callback_query.from.id", c.chat)
	tgSet(m, "callback_query.from.first_name", c.first)
	tgSet(m, "callback_query.from.last_name", c.last)
	tgSet(m, "callback_query.from.username", c.handle)
	if c.lang != "" {
		tgSet(m, "callback_query.from.language_code", c.lang)
	}
	u.Raw, _ = json.Marshal(m)
	return u
}

// callbackID is the callback query id of a tap.
func (u tgUpdate) callbackID() string {
	var v struct {
		Q struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	_ = json.Unmarshal(u.Raw, &v)
	return v.Q.ID
}

// ---- the running program ----

type tgEnv struct {
	tb    testing.TB
	dbURL string
	mode  telegram.Mode
	api   *tgFake
	clock *tgClock
	logs  *syncLog
	m     *Main
	base  string
	staff string // an admin's API token
	http  *http.Client
}

// startTelegram runs `kefu serve` with the Telegram channel against a
// fake Bot API and waits until the channel is receiving.
func startTelegram(tb testing.TB, dbURL string, mode telegram.Mode) *tgEnv {
	tb.Helper()
	e := &tgEnv{tb: tb, dbURL: dbURL, mode: mode, api: newTgFake(tb), clock: newTgClock(tgEpoch), logs: &syncLog{},
		http: &http.Client{Timeout: 30 * time.Second}}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("kefu log:\n%s", e.logs.String())
		}
	})
	e.start(tb)
	_, tok, err := e.m.Service().Team().UserAdd(context.Background(), "赵管理", cases.RoleAdmin, "")
	if err != nil {
		tb.Fatal(err)
	}
	e.staff = tok
	return e
}

// start runs a new Main on the environment's database and fake.
func (e *tgEnv) start(tb testing.TB) {
	tb.Helper()
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = e.dbURL
	cfg.Server.SpoolDir = tb.TempDir()
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	cfg.Telegram = telegram.Config{
		Enabled: true, Token: tgToken, Mode: e.mode,
		APIBaseURL: e.api.srv.URL, FileBaseURL: e.api.srv.URL + "/file",
		WebhookURL: tgHookURL, WebhookPath: tgHookPath, SecretToken: tgSecret,
		PollTimeout: time.Second, HTTPTimeout: 5 * time.Second,
		// Telegram's 1 s per chat would make every test slow; the limits
		// are tested in channels/telegram.
		RateLimit: telegram.RateLimit{PerChat: 10 * time.Millisecond},
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("test config: %v", err)
	}
	from := e.api.mark()
	m := NewMain(cfg, e.logs)
	m.Now = e.clock.Now
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	e.m, e.base = m, "http://"+m.Addr()
	if e.mode == telegram.Webhook {
		c := e.api.waitCall(tb, from, "setWebhook", "registering the webhook", func(tgCall) bool { return true })
		if c.Params.Get("url") != tgHookURL || c.Params.Get("secret_token") != tgSecret {
			tb.Fatalf("setWebhook: %v", c.Params)
		}
		var allowed []string
		if err := json.Unmarshal([]byte(c.Params.Get("allowed_updates")), &allowed); err != nil || !strings.Contains(strings.Join(allowed, ","), "callback_query") {
			tb.Errorf("setWebhook allowed_updates %q: callback queries are needed for the buttons", c.Params.Get("allowed_updates"))
		}
	} else {
		e.api.waitCall(tb, from, "getUpdates", "polling", func(tgCall) bool { return true })
		if n := len(e.api.callsTo("deleteWebhook", from)); n == 0 {
			tb.Errorf("polling started without deleting a webhook")
		}
		for _, c := range e.api.callsTo("deleteWebhook", from) {
			if c.Params.Get("drop_pending_updates") == "true" {
				tb.Errorf("deleteWebhook drops pending updates: %v", c.Params)
			}
		}
	}
}

// restart stops the program (as a kill would: nothing is flushed beyond
// what was committed) and starts a new one on the same database.
func (e *tgEnv) restart(tb testing.TB) {
	tb.Helper()
	if err := e.m.Close(); err != nil {
		tb.Fatal(err)
	}
	e.start(tb)
}

// post delivers a webhook request as Telegram would; secret "" sends no
// secret header.
func (e *tgEnv) post(tb testing.TB, secret string, body []byte) int {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.base+tgHookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// deliver hands updates to kefu the way the mode has them arrive: queued
// for getUpdates, or posted to the webhook with the secret token that
// kefu registered.
func (e *tgEnv) deliver(tb testing.TB, us ...tgUpdate) {
	tb.Helper()
	if e.mode == telegram.Polling {
		raws := make([][]byte, 0, len(us))
		for _, u := range us {
			raws = append(raws, u.Raw)
		}
		e.api.push(raws...)
		return
	}
	for _, u := range us {
		if code := e.post(tb, tgSecret, u.Raw); code != http.StatusOK {
			tb.Fatalf("webhook update %d: HTTP %d", u.ID, code)
		}
	}
}

// say delivers an update and waits for a reply to c that satisfies ok.
func (e *tgEnv) say(tb testing.TB, c tgCustomer, u tgUpdate, what string, ok func(tgSent) bool) tgSent {
	tb.Helper()
	from := e.api.sentMark()
	e.deliver(tb, u)
	return e.api.waitSent(tb, from, c.chat, what, ok)
}

// staffCall calls the staff API as the admin and decodes into out.
func (e *tgEnv) staffCall(tb testing.TB, method, path, body string, out any) {
	tb.Helper()
	staffRequest(tb, e.http, e.base, e.staff, method, path, body, out)
}

func (e *tgEnv) listCases(tb testing.TB) []apiCase {
	tb.Helper()
	var out struct {
		Cases []apiCase `json:"cases"`
	}
	e.staffCall(tb, "GET", "/api/v1/cases", "", &out)
	return out.Cases
}

func (e *tgEnv) caseDetail(tb testing.TB, id int64) (apiCase, []apiChange) {
	tb.Helper()
	var out struct {
		Case    apiCase     `json:"case"`
		History []apiChange `json:"history"`
	}
	e.staffCall(tb, "GET", fmt.Sprintf("/api/v1/cases/%d", id), "", &out)
	return out.Case, out.History
}

// waitHistory polls the case history until an entry satisfies ok.
func (e *tgEnv) waitHistory(tb testing.TB, id int64, what string, ok func(apiChange) bool) apiChange {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, hist := e.caseDetail(tb, id)
		for _, h := range hist {
			if ok(h) {
				return h
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no history entry %s on case %d: %+v", what, id, hist)
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

// inbound returns the texts of the customer's stored messages, nil when
// there is no conversation.
func (e *tgEnv) inbound(tb testing.TB, c tgCustomer) []string {
	tb.Helper()
	ctx := context.Background()
	conv, err := e.m.store.ConversationFind(ctx, channels.Telegram, c.id())
	if cases.ErrorCode(err) == cases.ENotFound {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	msgs, err := e.m.store.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == "in" {
			out = append(out, m.Text)
		}
	}
	return out
}

// waitStored polls until the customer has a stored message containing
// text.
func (e *tgEnv) waitStored(tb testing.TB, c tgCustomer, text string) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, s := range e.inbound(tb, c) {
			if strings.Contains(s, text) {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%q never stored for chat %d; stored: %q", text, c.chat, e.inbound(tb, c))
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

// quiet waits until the outbox has nothing left to send.
func (e *tgEnv) quiet(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := e.m.store.OutboxPending(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox still has %d rows pending", n)
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

// offset is the polling offset kefu committed for the bot.
func (e *tgEnv) offset(tb testing.TB) int {
	tb.Helper()
	n, err := telegramInbox{e.m.Service()}.OffsetLoad(context.Background(), tgBotID)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
