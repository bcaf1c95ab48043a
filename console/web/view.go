package web

import (
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// view is what every template gets: the viewer, their language and zone,
// the page's data, and the helpers templates call as methods ({{.T "key"}}),
// so a translation always follows the viewer rather than the server.
type view struct {
	Lang  string
	User  cases.User
	CSRF  string
	Now   time.Time
	Zone  *time.Location
	Tab   string // the inbox tab the nav highlights
	Error string
	// Stamp is the change fingerprint read before the page's data: the
	// live script compares the stream's first event with it, so a change
	// between rendering and connecting is not missed.
	Stamp string
	Data  any

	token string // the session cookie, for logout
	tr    translations
	names map[string]string // actor ("user:7") → name
}

func (c *Console) newView(r *http.Request) *view {
	lang := pickLang(r)
	zone := c.opt.Zone
	if ck, err := r.Cookie("kefu_tz"); err == nil && ck.Value != "" {
		if loc, err := time.LoadLocation(ck.Value); err == nil {
			zone = loc
		}
	}
	return &view{Lang: lang, Now: c.opt.Now(), Zone: zone, tr: c.tr}
}

// T translates key into the viewer's language; a missing key shows itself,
// so a gap is visible rather than silent.
func (v *view) T(key string) string { return v.tr.get(v.Lang, key) }

// Tf translates and fills in fmt verbs.
func (v *view) Tf(key string, args ...any) string { return fmt.Sprintf(v.T(key), args...) }

// Time formats t in the viewer's zone.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(v.Zone).Format("2006-01-02 15:04")
}

// ISO is t for the datetime attribute the countdown script reads.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Until says how long until t (or how long overdue) in words, as the
// countdown script will keep saying it.
func (v *view) Until(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := t.Sub(v.Now)
	if d < 0 {
		return v.Tf("time.overdue", humanDur(-d, v.Lang))
	}
	return v.Tf("time.in", humanDur(d, v.Lang))
}

// Tel is a tel: link to a phone number the customer gave, keeping only
// digits and a leading plus, so no other scheme or text gets in.
func (v *view) Tel(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}

// Overdue tells whether t has passed.
func (v *view) Overdue(t time.Time) bool { return !t.IsZero() && t.Before(v.Now) }

// Soon tells whether t is less than 30 minutes away: at risk.
func (v *view) Soon(t time.Time) bool {
	return !t.IsZero() && !t.Before(v.Now) && t.Sub(v.Now) < 30*time.Minute
}

// Who names an actor ("user:7", "bot", "customer", "system").
func (v *view) Who(actor string) string {
	if n, ok := v.names[actor]; ok {
		return n
	}
	switch actor {
	case "bot", "customer", "system", "":
		return v.T("actor." + strings.ToLower(orDefault(actor, "system")))
	}
	return actor
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// humanDur: "2 h 5 min", "45 min", "3 d 2 h" in the language's units.
func humanDur(d time.Duration, lang string) string {
	mins := int(d.Round(time.Minute) / time.Minute)
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	u := map[string][3]string{"en": {" d", " h", " min"}, "zh-CN": {"天", "小时", "分钟"}, "zh-TW": {"天", "小時", "分鐘"}}[lang]
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprint(days)+u[0])
	}
	if hours > 0 && days < 3 {
		parts = append(parts, fmt.Sprint(hours)+u[1])
	}
	if days == 0 && (m > 0 || hours == 0) {
		parts = append(parts, fmt.Sprint(m)+u[2])
	}
	sep := " "
	if lang != "en" {
		sep = ""
	}
	return strings.Join(parts, sep)
}

var funcs = template.FuncMap{
	// dict builds a map for a sub-template that needs more than one value.
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"lower": strings.ToLower,
	// isImage: files shown as a thumbnail (only what the attachment
	// handler serves inline).
	"isImage": func(ct string) bool {
		switch ct {
		case "image/jpeg", "image/png", "image/gif", "image/webp":
			return true
		}
		return false
	},
	"list": func(s ...string) []string { return s },
	// complaintStep is the form a complaint's stage waits for;
	// complaintKey names it as casePage.Action does.
	"complaintStep": complaintStep,
	"complaintKey":  complaintFormKey,
	"inc":           func(i int) int { return i + 1 },
	// pct is a share as a percentage.
	"pct": func(f float64) float64 { return 100 * f },
	// field reads a case field by its name.
	"field": func(m map[cases.FieldKey]string, k string) string { return m[cases.FieldKey(k)] },
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func urlPathEscape(s string) string { return url.PathEscape(s) }

// maxUpload caps a form post: a file of service.MaxStaffFile and the
// form around it.
const maxUpload = service.MaxStaffFile + 1<<20

// pickLang: the viewer's choice (cookie), else the browser's languages,
// else Simplified Chinese.
func pickLang(r *http.Request) string {
	if ck, err := r.Cookie("kefu_lang"); err == nil {
		if l := normLang(ck.Value); l != "" {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := normLang(tag); l != "" {
			return l
		}
	}
	return "zh-CN"
}

// normLang maps a language tag to a console language, "" if none fits.
func normLang(tag string) string {
	t := strings.ToLower(tag)
	switch {
	case t == "zh-tw" || t == "zh-hk" || t == "zh-mo" || strings.HasPrefix(t, "zh-hant"):
		return "zh-TW"
	case strings.HasPrefix(t, "zh"):
		return "zh-CN"
	case strings.HasPrefix(t, "en"):
		return "en"
	}
	return ""
}
