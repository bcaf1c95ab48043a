// Package web is the agent console in the browser, served under /console/:
// server-rendered html/template pages, htmx (vendored, embedded) for the
// parts that refresh, and Server-Sent Events for live updates that fall
// back to polling. It calls the same service methods as the staff API
// (package console), so everything the console does is in /api/v1 too.
//
// Security: sign-in with a password opens a server-side session (an
// HttpOnly, SameSite=Lax cookie; Secure behind TLS); every POST carries the
// session's CSRF token and is refused when the browser says it comes from
// another site; the Content-Security-Policy allows scripts and styles from
// this origin only (no inline code, no eval), and every customer-supplied
// text is escaped by html/template.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/console"
	"github.com/kefu-dev/kefu/service"
)

// Prefix is where the console is served.
const Prefix = "/console/"

//go:embed static templates i18n
var assets embed.FS

// Service is what the console needs: the staff API's service plus sign-in
// and the change fingerprint.
type Service interface {
	console.Service // CaseAttach included
	Login(ctx context.Context, login, password string) (service.Session, error)
	SessionUser(ctx context.Context, token string) (cases.User, string, error)
	Logout(ctx context.Context, token string) error
	Activity(ctx context.Context) (service.Activity, error)
	ConversationGet(ctx context.Context, u cases.User, id int64) (service.ConversationSummary, error)
	UserList(ctx context.Context) ([]service.UserRecord, error)
}

// Options configure the console.
type Options struct {
	Now    func() time.Time // nil = time.Now
	Logger *slog.Logger
	// Zone is the default zone times are shown in; a browser that reports
	// its own zone sees times in that one.
	Zone *time.Location
	// Poll is how often the change fingerprint is read for live updates
	// (default 1s); one read per process, whatever the number of consoles.
	// With Changed called on every change, it is only the fallback.
	Poll time.Duration
	// SecureCookies marks the session cookie Secure even when the request
	// did not arrive over TLS (kefu behind a TLS-terminating proxy).
	SecureCookies bool
}

// Console serves the pages.
type Console struct {
	svc   Service
	opt   Options
	pages map[string]*template.Template
	tr    translations
	limit *limiter
	hub   *hub
	api   *console.API // the exports, written as the API writes them
}

// New returns the console over svc.
func New(svc Service, opt Options) (*Console, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Zone == nil {
		opt.Zone = time.FixedZone("CST", 8*3600)
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	tr, err := loadTranslations()
	if err != nil {
		return nil, err
	}
	c := &Console{svc: svc, opt: opt, tr: tr, limit: newLimiter(opt.Now), api: console.New(svc, opt.Logger)}
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	c.hub = newHub(svc.Activity, opt.Poll, opt.Logger)
	return c, nil
}

// parsePages parses each page with the shared layout and partials.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(assets, "templates/page_*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", n, err)
		}
		key := strings.TrimSuffix(strings.TrimPrefix(n, "templates/page_"), ".html")
		pages[key] = t
	}
	return pages, nil
}

// handlerFunc serves a signed-in user; a returned error is rendered as an
// error page (or fragment) with the status its code maps to.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// Handler serves the console at its full paths (/console/...).
// Changed tells the live updates that something changed (a message, a
// staff operation, here or in another process): they read the database
// now instead of at the next poll.
func (c *Console) Changed() { c.hub.changed() }

func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", staticFiles(static)))
	mux.HandleFunc("GET /console/login", c.loginPage)
	mux.HandleFunc("POST /console/login", c.loginPost)
	mux.HandleFunc("POST /console/lang", c.setLang)

	signedIn := map[string]handlerFunc{
		"GET /console/{$}":                          c.inbox,
		"GET /console/inbox":                        c.inbox,
		"GET /console/nav":                          c.nav,
		"GET /console/events":                       c.events,
		"GET /console/pulse":                        c.pulse,
		"POST /console/logout":                      c.logout,
		"GET /console/conversations/{id}":           c.conversation,
		"GET /console/conversations/{id}/messages":  c.conversationMessages,
		"POST /console/conversations/{id}/takeover": c.takeOver,
		"POST /console/conversations/{id}/reply":    c.reply,
		"POST /console/conversations/{id}/handback": c.handBack,
		"GET /console/cases/{id}":                   c.casePage,
		"POST /console/cases/{id}/{action}":         c.caseAction,
		"GET /console/new":                          c.newCasePage,
		"POST /console/new":                         c.newCasePost,
		"GET /console/search":                       c.search,
		"GET /console/customers/{id}":               c.customerPage,
		"POST /console/customers/{id}/merge":        c.customerMerge,
		"POST /console/customers/merges/{id}/undo":  c.customerUndo,
		"GET /console/attachments/{id}":             c.attachment,
		"GET /console/tasks":                        c.tasks,
		"GET /console/tasks/{id}":                   c.task,
		"POST /console/tasks/{id}/claim":            c.taskClaim,
		"POST /console/tasks/{id}/outcome":          c.taskOutcome,
		"GET /console/reports":                      c.reports,
		"GET /console/reports/summary.json":         c.reportJSON,
		"GET /console/reports/cases.csv":            c.reportCSV,
		"GET /console/reports/cases.xlsx":           c.reportXLSX,
	}
	for pattern, h := range signedIn {
		mux.Handle(pattern, c.session(h))
	}
	return securityHeaders(mux)
}

// securityHeaders: a CSP with no inline script or style and no eval, no
// framing, no MIME sniffing, and no referrer leaking case URLs.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// staticFiles serves the embedded assets with a short cache: they change
// only with the binary.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

const sessionCookie = "kefu_session"

// session resolves the signed-in user, checks CSRF on every POST, and
// renders the handler's error.
func (c *Console) session(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := c.newView(r)
		ck, err := r.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			c.toLogin(w, r)
			return
		}
		u, csrf, err := c.svc.SessionUser(r.Context(), ck.Value)
		if err != nil {
			if cases.ErrorCode(err) == cases.EUnauthorized {
				c.clearSession(w, r)
				c.toLogin(w, r)
				return
			}
			c.fail(w, r, v, err)
			return
		}
		v.User, v.CSRF, v.token = u, csrf, ck.Value
		if r.Method == http.MethodGet && r.Header.Get("HX-Request") != "true" && r.URL.Path != "/console/events" && r.URL.Path != "/console/pulse" {
			if a, err := c.svc.Activity(r.Context()); err == nil {
				v.Stamp = pulseOf(a).Stamp
			}
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			// ParseMultipartForm also reads urlencoded bodies.
			// Up to 1 MiB of a form stays in memory; a larger file goes to
			// a temporary file, removed when the request ends.
			if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				c.fail(w, r, v, cases.Errorf(cases.ETooLarge, v.T("error.too_large")))
				return
			}
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
			if err := checkCSRF(r, csrf); err != nil {
				c.opt.Logger.Warn("console: refused a cross-site or tokenless form", "path", r.URL.Path, "user_id", u.ID, "err", err)
				c.fail(w, r, v, cases.Errorf(cases.EForbidden, v.T("error.csrf")))
				return
			}
		}
		if err := h(w, r, v); err != nil {
			c.fail(w, r, v, err)
		}
	})
}

// checkCSRF refuses a POST the browser marks as cross-site, or without the
// session's token (form field csrf or header X-CSRF-Token).
func checkCSRF(r *http.Request, want string) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return errors.New("Sec-Fetch-Site: " + site)
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
		if host := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://"); host != r.Host {
			return errors.New("Origin " + origin + " is not " + r.Host)
		}
	} else if origin == "null" {
		return errors.New("Origin null")
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if got == "" || !constantTimeEqual(got, want) {
		return errors.New("CSRF token missing or wrong")
	}
	return nil
}

// toLogin sends a signed-out browser to the sign-in page; an htmx request
// gets HX-Redirect so the whole page goes, not a fragment.
func (c *Console) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/console/login"
	if r.Method == http.MethodGet && r.URL.Path != "/console/" {
		to += "?next=" + urlQueryEscape(r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/console/events" || r.URL.Path == "/console/pulse" {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// fail renders err: a domain error's message for the user, anything else
// a generic message (the cause goes to the log only).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := console.StatusOf(err), v.T("error.internal")
	var e *cases.Error
	if status != http.StatusInternalServerError && errors.As(err, &e) {
		msg = e.Message
	}
	if status == http.StatusInternalServerError {
		c.opt.Logger.Error("console: request failed", "method", r.Method, "path", r.URL.Path, "user_id", v.User.ID, "err", err)
	}
	v.Error = msg
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = c.pages["error"].ExecuteTemplate(w, "error-fragment", v)
		return
	}
	c.render(w, status, "error", v)
}

// render writes a whole page.
func (c *Console) render(w http.ResponseWriter, status int, page string, v *view) {
	var b strings.Builder
	if err := c.pages[page].Execute(&b, v); err != nil {
		c.opt.Logger.Error("console: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// fragment writes one named template of a page (an htmx refresh).
func (c *Console) fragment(w http.ResponseWriter, page, name string, v *view) error {
	var b strings.Builder
	if err := c.pages[page].ExecuteTemplate(&b, name, v); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(b.String()))
	return nil
}

// pathID reads the {id} of the path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, cases.Errorf(cases.ENotFound, "no such page")
	}
	return id, nil
}

// back answers a successful form post: to the page it came from.
func back(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
