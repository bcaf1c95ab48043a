package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Sign-in throttling: after loginFailures wrong passwords for one login or
// from one address within loginWindow, further attempts are refused until
// the window passes. Counted per process; with several processes an
// attacker gets that many tries per process, still far too few to guess a
// password of MinPasswordLen characters.
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
)

type limiter struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, fails: map[string][]time.Time{}}
}

// blocked tells whether any of keys has too many recent failures.
func (l *limiter) blocked(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(k)) >= loginFailures {
			return true
		}
	}
	return false
}

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.fails[k] = append(l.recent(k), l.now())
	}
	// Forget keys whose failures have all aged out, so the map stays small.
	if len(l.fails) > 10000 {
		for k := range l.fails {
			if len(l.recent(k)) == 0 {
				delete(l.fails, k)
			}
		}
	}
}

func (l *limiter) recent(k string) []time.Time {
	cut := l.now().Add(-loginWindow)
	ts := l.fails[k]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	l.fails[k] = ts
	return ts
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type loginData struct {
	Login string
	Next  string
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView(r)
	v.Data = loginData{Next: safeNext(r.URL.Query().Get("next"))}
	c.render(w, http.StatusOK, "login", v)
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/console/"
	}
	return next
}

func (c *Console) loginPost(w http.ResponseWriter, r *http.Request) {
	v := c.newView(r)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	login, password := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	d := loginData{Login: login, Next: safeNext(r.PostFormValue("next"))}
	v.Data = d
	// The sign-in form has no session yet, so no CSRF token: a browser's
	// own word that the post is cross-site is enough to refuse it.
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		v.Error = v.T("error.csrf")
		c.render(w, http.StatusForbidden, "login", v)
		return
	}
	keys := []string{"login:" + strings.ToLower(login), "ip:" + clientIP(r)}
	if c.limit.blocked(keys...) {
		v.Error = v.T("login.throttled")
		c.render(w, http.StatusTooManyRequests, "login", v)
		return
	}
	sess, err := c.svc.Login(r.Context(), login, password)
	if err != nil {
		if cases.ErrorCode(err) == cases.EUnauthorized {
			c.limit.fail(keys...)
			c.opt.Logger.Warn("console: sign-in failed", "login", login, "ip", clientIP(r))
			v.Error = v.T("login.wrong")
			c.render(w, http.StatusUnauthorized, "login", v)
			return
		}
		c.fail(w, r, v, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: Prefix, Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.secure(r),
	})
	c.opt.Logger.Info("console: signed in", "user_id", sess.User.ID, "ip", clientIP(r))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) secure(r *http.Request) bool {
	return c.opt.SecureCookies || r.TLS != nil
}

func (c *Console) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.secure(r)})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.svc.Logout(r.Context(), v.token); err != nil {
		return err
	}
	c.clearSession(w, r)
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}

// setLang keeps the viewer's language choice for a year.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if l := normLang(r.PostFormValue("lang")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: "kefu_lang", Value: l, Path: Prefix, MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, Secure: c.secure(r)})
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
