package wechat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeAPI is a local WeChat API: stable_token, token, custom send,
// template send and menu create. It records calls and can be told to
// answer the next call of a path with an errcode or to hang.
type fakeAPI struct {
	t      *testing.T
	srv    *httptest.Server
	appID  string
	secret string

	mu      sync.Mutex
	token   string // the valid access token
	issued  int    // tokens issued
	calls   []apiCall
	inject  map[string][]int // path -> errcodes for the next calls (-1: hang)
	release chan struct{}    // closed at cleanup to end hanging calls
}

type apiCall struct {
	Path  string
	Token string
	Body  map[string]any
}

func newFakeAPI(t *testing.T, appID, secret string) *fakeAPI {
	f := &fakeAPI{t: t, appID: appID, secret: secret, inject: map[string][]int{}, release: make(chan struct{})}
	f.rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", f.stableToken)
	mux.HandleFunc("GET /cgi-bin/token", f.classicToken)
	for _, p := range []string{"/cgi-bin/message/custom/send", "/cgi-bin/message/template/send", "/cgi-bin/menu/create"} {
		mux.HandleFunc("POST "+p, f.authorized)
	}
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

func (f *fakeAPI) rotate() {
	f.issued++
	f.token = fmt.Sprintf("ACCESS_TOKEN_%d", f.issued)
}

// revoke makes the current token invalid (another client forced a
// refresh): calls with it get 40001 and stable_token returns a new one.
func (f *fakeAPI) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rotate()
}

// fail makes the next calls of path answer these errcodes (-1 hangs).
func (f *fakeAPI) fail(path string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inject[path] = append(f.inject[path], codes...)
}

func (f *fakeAPI) record(r *http.Request) (apiCall, int) {
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &body); err != nil {
			f.t.Errorf("fake API %s: body is not JSON: %v: %s", r.URL.Path, err, b)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := apiCall{Path: r.URL.Path, Token: r.URL.Query().Get("access_token"), Body: body}
	f.calls = append(f.calls, c)
	code := 0
	if q := f.inject[r.URL.Path]; len(q) > 0 {
		code, f.inject[r.URL.Path] = q[0], q[1:]
	}
	return c, code
}

func (f *fakeAPI) stableToken(w http.ResponseWriter, r *http.Request) {
	c, code := f.record(r)
	if f.answerInjected(w, r, code) {
		return
	}
	if c.Body["grant_type"] != "client_credential" || c.Body["appid"] != f.appID || c.Body["secret"] != f.secret {
		writeAPI(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
		return
	}
	f.mu.Lock()
	if c.Body["force_refresh"] == true {
		f.rotate()
	}
	tok := f.token
	f.mu.Unlock()
	writeAPI(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

func (f *fakeAPI) classicToken(w http.ResponseWriter, r *http.Request) {
	_, code := f.record(r)
	if f.answerInjected(w, r, code) {
		return
	}
	q := r.URL.Query()
	if q.Get("appid") != f.appID || q.Get("secret") != f.secret {
		writeAPI(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
		return
	}
	f.mu.Lock()
	f.rotate()
	tok := f.token
	f.mu.Unlock()
	writeAPI(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

func (f *fakeAPI) authorized(w http.ResponseWriter, r *http.Request) {
	c, code := f.record(r)
	f.mu.Lock()
	valid := c.Token == f.token
	f.mu.Unlock()
	if !valid {
		writeAPI(w, map[string]any{"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
		return
	}
	if f.answerInjected(w, r, code) {
		return
	}
	writeAPI(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(f.calls)})
}

func (f *fakeAPI) answerInjected(w http.ResponseWriter, r *http.Request, code int) bool {
	switch code {
	case 0:
		return false
	case -1:
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return true
	}
	writeAPI(w, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("injected %d", code)})
	return true
}

func writeAPI(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	json.NewEncoder(w).Encode(v)
}

// callsTo returns the recorded calls of a path.
func (f *fakeAPI) callsTo(path string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Path)
	}
	return out
}

const (
	pathCustom   = "/cgi-bin/message/custom/send"
	pathTemplate = "/cgi-bin/message/template/send"
	pathMenu     = "/cgi-bin/menu/create"
	pathStable   = "/cgi-bin/stable_token"
)
