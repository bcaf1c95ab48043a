package telegram

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	testBotID  = 7012345678
	testChat   = "5123456789"
	testChatID = 5123456789
)

// fakeBot is a local Bot API: getMe, getUpdates (confirming by offset as
// Telegram does), sendMessage, editMessageReplyMarkup, answerCallbackQuery,
// setWebhook, deleteWebhook, getFile and file downloads. Answers come from
// testdata; the next calls of a method can be made to fail or hang.
type fakeBot struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	pending   []json.RawMessage // updates not yet confirmed
	calls     []botCall
	faults    map[string][]string // method -> testdata file to answer with, or "hang"
	nextMsgID int
	arrived   chan struct{}     // signalled when updates are queued
	offsets   chan int          // every getUpdates offset, for tests to wait on
	release   chan struct{}     // closed at cleanup to end hanging calls
	files     map[string]string // file path -> testdata file
}

type botCall struct {
	Method string
	Params url.Values
}

func newFakeBot(t *testing.T) *fakeBot {
	f := &fakeBot{
		t: t, faults: map[string][]string{}, nextMsgID: 57,
		arrived: make(chan struct{}, 1), offsets: make(chan int, 100), release: make(chan struct{}),
		files: map[string]string{"photos/file_3.jpg": "photo.jpg", "documents/file_4.pdf": "photo.jpg"},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bot"+testToken+"/{method}", f.method)
	mux.HandleFunc("GET /file/bot"+testToken+"/{path...}", f.file)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

// push queues updates (testdata files) for getUpdates.
func (f *fakeBot) push(files ...string) {
	f.mu.Lock()
	for _, name := range files {
		f.pending = append(f.pending, readTestdata(f.t, name))
	}
	f.mu.Unlock()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

// fail makes the next calls of method answer with these testdata files
// ("hang" waits until the client gives up).
func (f *fakeBot) fail(method string, files ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[method] = append(f.faults[method], files...)
}

func (f *fakeBot) method(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("fake bot: form: %v", err)
	}
	m := r.PathValue("method")
	f.mu.Lock()
	f.calls = append(f.calls, botCall{Method: m, Params: r.PostForm})
	var fault string
	if q := f.faults[m]; len(q) > 0 {
		fault, f.faults[m] = q[0], q[1:]
	}
	f.mu.Unlock()
	switch fault {
	case "":
	case "hang":
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	default:
		writeJSON(w, readTestdata(f.t, fault))
		return
	}
	switch m {
	case "getMe":
		writeJSON(w, readTestdata(f.t, "getMe.json"))
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendMessage":
		f.sendMessage(w, r)
	case "getFile":
		writeJSON(w, readTestdata(f.t, "getFile.json"))
	case "editMessageReplyMarkup", "answerCallbackQuery", "setWebhook", "deleteWebhook":
		writeJSON(w, readTestdata(f.t, "ok_true.json"))
	default:
		http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
	}
}

// getUpdates confirms updates below offset and returns the rest, waiting
// a little for new ones as a long poll does.
func (f *fakeBot) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset := atoi(r.PostForm.Get("offset"))
	select {
	case f.offsets <- offset:
	default:
	}
	for {
		f.mu.Lock()
		var keep []json.RawMessage
		for _, u := range f.pending {
			if id, _ := updateID(u); offset == 0 || id >= offset {
				keep = append(keep, u)
			}
		}
		f.pending = keep
		out := append([]json.RawMessage(nil), keep...)
		f.mu.Unlock()
		if len(out) > 0 {
			writeResult(w, out)
			return
		}
		select {
		case <-f.arrived:
		case <-time.After(200 * time.Millisecond): // a short long poll
			writeResult(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		case <-f.release:
			return
		}
	}
}

func (f *fakeBot) sendMessage(w http.ResponseWriter, r *http.Request) {
	var msg map[string]any
	if err := json.Unmarshal(readTestdata(f.t, "sendMessage.json"), &msg); err != nil {
		f.t.Fatal(err)
	}
	res := msg["result"].(map[string]any)
	f.mu.Lock()
	res["message_id"] = f.nextMsgID
	f.nextMsgID++
	f.mu.Unlock()
	res["text"] = r.PostForm.Get("text")
	res["chat"].(map[string]any)["id"] = json.Number(r.PostForm.Get("chat_id"))
	if mk := r.PostForm.Get("reply_markup"); mk != "" {
		res["reply_markup"] = json.RawMessage(mk)
	}
	b, _ := json.Marshal(msg)
	writeJSON(w, b)
}

func (f *fakeBot) file(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls = append(f.calls, botCall{Method: "download", Params: url.Values{"path": {r.PathValue("path")}}})
	name, ok := f.files[r.PathValue("path")]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(readTestdata(f.t, name))
}

// callsTo returns the recorded calls of a method.
func (f *fakeBot) callsTo(method string) []botCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []botCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeBot) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Method)
	}
	return out
}

func writeJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	// Telegram answers errors with their status code and the JSON body.
	var e struct {
		OK   bool `json:"ok"`
		Code int  `json:"error_code"`
	}
	if json.Unmarshal(b, &e) == nil && !e.OK && e.Code != 0 {
		w.WriteHeader(e.Code)
	}
	w.Write(b)
}

func writeResult(w http.ResponseWriter, updates []json.RawMessage) {
	b, _ := json.Marshal(map[string]any{"ok": true, "result": updates})
	writeJSON(w, b)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func atoi(s string) int {
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if r < '0' || r > '9' {
			return n
		}
		n = n*10 + int(r-'0')
	}
	return n
}
