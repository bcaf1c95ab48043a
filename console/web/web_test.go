package web_test

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/console/web"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// The browser flows are tested in Chromium (cmd/kefu); these tests pin the
// HTTP-level rules a browser test would not show: headers, throttling,
// CSRF, redirects and the completeness of the texts.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bed struct {
	t   *testing.T
	h   http.Handler
	clk *clock
	svc *service.Service
}

func setup(t *testing.T) *bed {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kefu.db"), sqlite.Options{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(service.Options{Store: st, Now: clk.Now, SLA: cases.DefaultSLA(), Logger: slog.New(slog.DiscardHandler)})
	u, _, err := svc.Team().UserAdd(t.Context(), "王芳", cases.RoleSpecialist, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Team().UserSetPassword(t.Context(), u.ID, "wangfang", "correct-horse-1"); err != nil {
		t.Fatal(err)
	}
	c, err := web.New(svc.Team(), web.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &bed{t: t, h: c.Handler(), clk: clk, svc: svc}
}

func (b *bed) do(method, path string, form url.Values, hdr map[string]string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	b.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	return w
}

func (b *bed) login(pw string) *httptest.ResponseRecorder {
	return b.do("POST", "/console/login", url.Values{"login": {"wangfang"}, "password": {pw}}, nil)
}

// signIn returns the session cookie and the page's CSRF token.
func (b *bed) signIn() (*http.Cookie, string) {
	b.t.Helper()
	w := b.login("correct-horse-1")
	if w.Code != http.StatusSeeOther {
		b.t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	var sess *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "kefu_session" {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/console/" {
		b.t.Fatalf("session cookie %+v", sess)
	}
	page := b.do("GET", "/console/", nil, nil, sess)
	m := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if m == nil {
		b.t.Fatalf("no CSRF token on the page:\n%s", page.Body)
	}
	return sess, m[1]
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/console/login", "/console/static/console.js"} {
		w := b.do("GET", path, nil, nil)
		csp := w.Header().Get("Content-Security-Policy")
		if w.Code != http.StatusOK || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d, CSP %q, headers %v", path, w.Code, csp, w.Header())
		}
	}
	// Signed out, a page redirects to the sign-in with the way back; the
	// live endpoints answer 401 instead of a page.
	if w := b.do("GET", "/console/cases/3", nil, nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/login?next=%2Fconsole%2Fcases%2F3" {
		t.Errorf("signed out: %d %v", w.Code, w.Header())
	}
	if w := b.do("GET", "/console/pulse", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("pulse signed out: %d", w.Code)
	}
	if w := b.do("GET", "/console/inbox", nil, map[string]string{"HX-Request": "true"}); w.Code != http.StatusUnauthorized || w.Header().Get("HX-Redirect") == "" {
		t.Errorf("htmx signed out: %d %v", w.Code, w.Header())
	}
}

// After five wrong passwords for a login, the right one is refused too
// until the window has passed.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 5 {
		if w := b.login("wrong-password"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "账号或密码错误") {
			t.Fatalf("attempt %d: %d", i, w.Code)
		}
	}
	if w := b.login("correct-horse-1"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt with the right password: %d", w.Code)
	}
	b.clk.Add(16 * time.Minute)
	if w := b.login("correct-horse-1"); w.Code != http.StatusSeeOther {
		t.Fatalf("after the window: %d %s", w.Code, w.Body)
	}
	// An unknown login answers like a wrong password.
	w := b.do("POST", "/console/login", url.Values{"login": {"nobody"}, "password": {"x"}}, map[string]string{"Accept-Language": "en"})
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "The login or password is wrong.") {
		t.Errorf("unknown login: %d", w.Code)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sess, token := b.signIn()
	post := func(form url.Values, hdr map[string]string) int {
		return b.do("POST", "/console/logout", form, hdr, sess).Code
	}
	if code := post(url.Values{}, nil); code != http.StatusForbidden {
		t.Errorf("no token: %d", code)
	}
	if code := post(url.Values{"csrf": {"guess"}}, nil); code != http.StatusForbidden {
		t.Errorf("wrong token: %d", code)
	}
	if code := post(url.Values{"csrf": {token}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
		t.Errorf("cross-site with the token: %d", code)
	}
	if code := post(url.Values{"csrf": {token}}, map[string]string{"Origin": "http://evil.example"}); code != http.StatusForbidden {
		t.Errorf("foreign Origin: %d", code)
	}
	if code := post(nil, map[string]string{"X-CSRF-Token": token, "Origin": "http://example.com"}); code != http.StatusSeeOther {
		t.Errorf("htmx-style header from the same origin: %d", code)
	}
	// Logged out: the session is gone.
	if w := b.do("GET", "/console/", nil, nil, sess); w.Code != http.StatusSeeOther {
		t.Errorf("after logout: %d", w.Code)
	}
}

// The way back after signing in stays inside the console.
func TestLoginNext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for next, want := range map[string]string{
		"/console/cases/7":       "/console/cases/7",
		"//evil.example/console": "/console/",
		"https://evil.example/":  "/console/",
		"/console/\\evil":        "/console/",
	} {
		w := b.do("POST", "/console/login", url.Values{"login": {"wangfang"}, "password": {"correct-horse-1"}, "next": {next}}, nil)
		if got := w.Header().Get("Location"); got != want {
			t.Errorf("next %q: redirected to %q, want %q", next, got, want)
		}
	}
}

// The viewer's language: the cookie, else the browser's, else Simplified
// Chinese; Traditional Chinese for zh-TW and zh-HK.
func TestLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for al, want := range map[string]string{"": "登录客服工作台", "zh-TW,zh;q=0.9": "登入客服工作臺", "zh-HK": "登入客服工作臺", "en-GB,en": "Sign in to the service console", "fr": "登录客服工作台"} {
		w := b.do("GET", "/console/login", nil, map[string]string{"Accept-Language": al})
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("Accept-Language %q: no %q", al, want)
		}
	}
	w := b.do("GET", "/console/login", nil, map[string]string{"Accept-Language": "zh-CN"}, &http.Cookie{Name: "kefu_lang", Value: "en"})
	if !strings.Contains(w.Body.String(), "Sign in") {
		t.Error("the language cookie does not win over the browser's")
	}
}

// Every text key a template names exists (the three files have the same
// keys: New refuses them otherwise).
func TestTemplateKeys(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("i18n/zh-CN.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	if err := yaml.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.(?:T|Tf) "([a-z0-9_.-]+)"`)
	err = fs.WalkDir(os.DirFS("templates"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join("templates", path))
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if _, ok := keys[m[1]]; !ok {
				t.Errorf("%s: text %q is not in i18n/zh-CN.yaml", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The tab bar carries the viewer's alerts: a supervisor sees a case that
// missed its deadline, a handler a new P1 case of their department.
func TestNavAlerts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	sup, _, err := b.svc.Team().UserAdd(ctx, "赵主管", cases.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Team().UserSetPassword(ctx, sup.ID, "zhao", "correct-horse-2"); err != nil {
		t.Fatal(err)
	}
	h, _, err := b.svc.Team().UserAdd(ctx, "王工", cases.RoleHandler, cases.DeptTechnicalSupport)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Team().UserSetPassword(ctx, h.ID, "wanggong", "correct-horse-3"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Team().CaseCreate(ctx, sup, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P1,
		Fields: map[cases.FieldKey]string{cases.FieldSymptom: "热水器漏电", cases.FieldPhone: "13900001111", cases.FieldCustomerName: "李雷"}}); err != nil {
		t.Fatal(err)
	}
	nav := func(login, pw string) string {
		w := b.do("POST", "/console/login", url.Values{"login": {login}, "password": {pw}}, nil)
		var ck *http.Cookie
		for _, c := range w.Result().Cookies() {
			if c.Name == "kefu_session" {
				ck = c
			}
		}
		if ck == nil {
			t.Fatalf("sign in %s: %d", login, w.Code)
		}
		return b.do("GET", "/console/nav", nil, nil, ck).Body.String()
	}
	if got := nav("wanggong", "correct-horse-3"); !strings.Contains(got, `id="alert-p1"`) || !strings.Contains(got, `data-p1="1"`) {
		t.Errorf("the handler's tab bar lacks the new P1:\n%s", got)
	}
	if got := nav("zhao", "correct-horse-2"); strings.Contains(got, `id="alert-overdue"`) {
		t.Errorf("overdue before any deadline passed:\n%s", got)
	}
	b.clk.Add(5 * time.Hour) // past the P1 start-by of 4 h
	if got := nav("zhao", "correct-horse-2"); !strings.Contains(got, `id="alert-overdue"`) || !strings.Contains(got, `data-overdue="1"`) {
		t.Errorf("the supervisor's tab bar lacks the missed deadline:\n%s", got)
	}
}

// The open inbox counts its cases and filters by priority in the query;
// the filter stays in the page's links.
func TestInboxFilterAndCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	sup, _, err := b.svc.Team().UserAdd(ctx, "赵主管", cases.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range []cases.Priority{cases.P1, cases.P3, cases.P3} {
		if _, err := b.svc.Team().CaseCreate(ctx, sup, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: pr,
			Fields: map[cases.FieldKey]string{cases.FieldSymptom: "不制冷", cases.FieldPhone: fmt.Sprintf("1390000111%d", i), cases.FieldCustomerName: "李雷"}}); err != nil {
			t.Fatal(err)
		}
	}
	sess, _ := b.signIn()
	page := b.do("GET", "/console/inbox?tab=open&priority=P1", nil, nil, sess).Body.String()
	if !strings.Contains(page, "K-000001") || strings.Contains(page, "K-000002") || !strings.Contains(page, `hx-get="/console/inbox?priority=P1&amp;tab=open"`) {
		t.Errorf("filtered inbox:\n%s", page)
	}
	if nav := b.do("GET", "/console/nav", nil, nil, sess).Body.String(); !strings.Contains(nav, `id="count-open">3<`) {
		t.Errorf("open count:\n%s", nav)
	}
}
