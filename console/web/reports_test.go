package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/console"
	"github.com/kefu-dev/kefu/console/web"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// reportBed is a console over a store with cases registered on several
// days of March 2026 in Asia/Shanghai, the deployment's zone, and a
// supervisor, a quality head and a specialist who can sign in.
type reportBed struct {
	*bed
	api        http.Handler
	sh         *time.Location
	supToken   string
	numbers    map[string]cases.Category // case number → category
	supervisor cases.User
}

func reportSetup(t *testing.T) *reportBed {
	t.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, sh)}
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kefu.db"), sqlite.Options{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(service.Options{Store: st, Now: clk.Now, SLA: cases.DefaultSLA(), Logger: slog.New(slog.DiscardHandler),
		Lifecycle: service.Lifecycle{Location: sh}})
	team := svc.Team()
	users := map[string]cases.User{}
	var supToken string
	for _, u := range []struct {
		login, name string
		role        cases.Role
		dept        cases.Department
	}{
		{"wangfang", "王芳", cases.RoleSpecialist, ""},
		{"zhang", "张主管", cases.RoleSupervisor, cases.DeptCustomerService},
		{"chen", "陈部长", cases.RoleHead, cases.DeptQualityControl},
	} {
		user, token, err := team.UserAdd(t.Context(), u.name, u.role, u.dept)
		if err != nil {
			t.Fatal(err)
		}
		if err := team.UserSetPassword(t.Context(), user.ID, u.login, "correct-horse-1"); err != nil {
			t.Fatal(err)
		}
		users[u.login] = user
		if u.login == "zhang" {
			supToken = token
		}
	}
	c, err := web.New(team, web.Options{Now: clk.Now, Zone: sh})
	if err != nil {
		t.Fatal(err)
	}
	b := &reportBed{bed: &bed{t: t, h: c.Handler(), clk: clk, svc: svc}, api: console.New(team, nil).Handler(), sh: sh,
		supToken: supToken, numbers: map[string]cases.Category{}, supervisor: users["zhang"]}
	// Cases registered by the hotline on Mar 2, 3 and 10 (and one in
	// February, outside the month); time passes so some deadlines are
	// missed and some still run.
	for _, s := range []struct {
		at  time.Time
		cat cases.Category
		pr  cases.Priority
		src string
	}{
		{time.Date(2026, 2, 27, 10, 0, 0, 0, sh), cases.CategoryTechnical, cases.P2, "hotline"},
		{time.Date(2026, 3, 2, 9, 0, 0, 0, sh), cases.CategoryTechnical, cases.P1, "hotline"},
		{time.Date(2026, 3, 2, 23, 30, 0, 0, sh), cases.CategoryQuality, cases.P2, "dealer"},
		{time.Date(2026, 3, 3, 8, 0, 0, 0, sh), cases.CategoryLogistics, cases.P3, "hotline"},
		{time.Date(2026, 3, 10, 15, 0, 0, 0, sh), cases.CategoryTechnical, cases.P3, "dealer"},
		{time.Date(2026, 3, 10, 16, 0, 0, 0, sh), cases.CategoryQuality, cases.P1, "hotline"},
	} {
		clk.t = s.at
		dealer := ""
		if s.src == "dealer" {
			dealer = "华东经销商"
		}
		cs, err := team.CaseCreate(t.Context(), users["wangfang"], service.NewCaseParams{Source: s.src, Dealer: dealer, Category: s.cat, Priority: s.pr,
			Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "周敏", cases.FieldPhone: "13900001111", cases.FieldSymptom: "不开机"}})
		if err != nil {
			t.Fatal(err)
		}
		if s.at.Month() == time.March {
			b.numbers[cs.Number] = s.cat
		}
	}
	clk.t = time.Date(2026, 3, 10, 18, 0, 0, 0, sh)
	return b
}

// as signs in login and returns its session cookie.
func (b *reportBed) as(login string) *http.Cookie {
	b.t.Helper()
	w := b.do("POST", "/console/login", url.Values{"login": {login}, "password": {"correct-horse-1"}}, nil)
	for _, c := range w.Result().Cookies() {
		if c.Name == "kefu_session" {
			return c
		}
	}
	b.t.Fatalf("sign in %s: %d %s", login, w.Code, w.Body)
	return nil
}

func lang(l string) *http.Cookie { return &http.Cookie{Name: "kefu_lang", Value: l} }

// TestReportsPermission: a specialist sees no link to the reports and
// gets 403 from the page, its JSON and its exports.
func TestReportsPermission(t *testing.T) {
	t.Parallel()
	b := reportSetup(t)
	spec := b.as("wangfang")
	for _, path := range []string{"/console/reports", "/console/reports/summary.json", "/console/reports/cases.csv", "/console/reports/cases.xlsx"} {
		w := b.do("GET", path, nil, nil, spec, lang("en"))
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Reports are for supervisors") {
			t.Errorf("specialist GET %s: %d %.300s", path, w.Code, w.Body)
		}
	}
	if nav := b.do("GET", "/console/nav", nil, nil, spec).Body.String(); strings.Contains(nav, "nav-reports") {
		t.Errorf("the specialist's nav links the reports:\n%s", nav)
	}
	sup := b.as("zhang")
	if nav := b.do("GET", "/console/nav", nil, nil, sup).Body.String(); !strings.Contains(nav, `href="/console/reports"`) {
		t.Errorf("the supervisor's nav has no reports link:\n%s", nav)
	}
	// A head reads their own department's report, not another's.
	head := b.as("chen")
	if w := b.do("GET", "/console/reports", nil, nil, head); w.Code != http.StatusOK {
		t.Errorf("head: %d", w.Code)
	}
	if w := b.do("GET", "/console/reports?department=logistics", nil, nil, head); w.Code != http.StatusForbidden {
		t.Errorf("head, another department: %d", w.Code)
	}
}

var figLink = regexp.MustCompile(`<a href="([^"]+)" data-fig="([^"]+)" data-label="[^"]*">(\d+)</a>`)

// TestReportsPage: the month by default, in the deployment's zone; the
// JSON the charts draw is the API's for the same query; every linked
// figure opens a case list of exactly that many cases, and the category
// links list the cases of that category.
func TestReportsPage(t *testing.T) {
	t.Parallel()
	b := reportSetup(t)
	sup := b.as("zhang")
	w := b.do("GET", "/console/reports", nil, nil, sup, lang("en"))
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, "2026-03-01 – 2026-03-31") {
		t.Fatalf("%d %s", w.Code, page)
	}
	if !strings.Contains(page, `data-query="from=2026-03-01&amp;to=2026-04-01"`) || !strings.Contains(page, `href="/console/reports/cases.xlsx?from=2026-03-01&amp;to=2026-04-01"`) {
		t.Errorf("the page's query for the charts and exports is not the month's")
	}
	if !strings.Contains(page, `id="report-prev"`) || !strings.Contains(page, `href="/console/reports?date=2026-02-10&amp;period=month"`) ||
		!strings.Contains(page, `href="/console/reports?date=2026-04-10&amp;period=month"`) {
		t.Errorf("no links to the previous and next month")
	}

	// The charts' JSON is the API's.
	j := b.do("GET", "/console/reports/summary.json?from=2026-03-01&to=2026-04-01", nil, nil, sup)
	r := httptest.NewRequest("GET", "/api/v1/reports/summary?from=2026-03-01&to=2026-04-01", nil)
	r.Header.Set("Authorization", "Bearer "+b.supToken)
	a := httptest.NewRecorder()
	b.api.ServeHTTP(a, r)
	if j.Code != http.StatusOK || a.Code != http.StatusOK || j.Body.String() != a.Body.String() {
		t.Fatalf("console JSON %d and API JSON %d differ:\n%s\n%s", j.Code, a.Code, j.Body, a.Body)
	}
	var rep service.Report
	if err := json.Unmarshal(j.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Volume.Total != len(b.numbers) {
		t.Fatalf("total %d, seeded %d in March", rep.Volume.Total, len(b.numbers))
	}

	links := figLink.FindAllStringSubmatch(page, -1)
	if len(links) < 10 {
		t.Fatalf("only %d linked figures on the page", len(links))
	}
	rows := regexp.MustCompile(`<td><a href="/console/cases/\d+">(K-\d+)</a></td>`)
	for _, l := range links {
		href, name := html.UnescapeString(l[1]), l[2]
		want, _ := strconv.Atoi(l[3])
		list := b.do("GET", href, nil, nil, sup, lang("en"))
		body := list.Body.String()
		got := rows.FindAllStringSubmatch(body, -1)
		if list.Code != http.StatusOK || !strings.Contains(body, `id="list-filters"`) || len(got) != want {
			t.Errorf("%s (%s): %d, %d cases listed, the figure says %d", name, href, list.Code, len(got), want)
		}
		if cat, ok := strings.CutPrefix(name, "category:"); ok {
			for _, m := range got {
				if b.numbers[m[1]] != cases.Category(cat) {
					t.Errorf("%s lists %s of %s", name, m[1], b.numbers[m[1]])
				}
			}
		}
	}
	if !strings.Contains(page, `data-fig="day:2026-03-02"`) || !strings.Contains(page, `data-fig="sla:start_by:missed"`) {
		t.Errorf("no per-day or SLA figures on the page")
	}

	// A week: Monday to Sunday around the day asked for.
	w = b.do("GET", "/console/reports?period=week&date=2026-03-04", nil, nil, sup)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "2026-03-02 – 2026-03-08") || !strings.Contains(w.Body.String(), `data-query="from=2026-03-02&amp;to=2026-03-09"`) {
		t.Errorf("week: %d %.500s", w.Code, w.Body)
	}
	w = b.do("GET", "/console/reports?period=day&date=2026-03-02", nil, nil, sup)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-query="from=2026-03-02&amp;to=2026-03-03"`) || !regexp.MustCompile(`data-fig="total:" data-label="[^"]*">2<`).MatchString(w.Body.String()) {
		t.Errorf("a day: %d %.500s", w.Code, w.Body)
	}
	w = b.do("GET", "/console/reports?period=custom&from=2026-03-02&to=2026-03-03", nil, nil, sup)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-query="from=2026-03-02&amp;to=2026-03-04"`) {
		t.Errorf("a range, its last day included: %d %.500s", w.Code, w.Body)
	}
	w = b.do("GET", "/console/reports?period=custom&from=2026-03-10&to=2026-03-02", nil, nil, sup)
	if w.Code != http.StatusBadRequest {
		t.Errorf("a range ending before it starts: %d", w.Code)
	}
}

// TestReportsExportLanguage: the exports name the sheet and the columns
// in the viewer's language; the rows are the same.
func TestReportsExportLanguage(t *testing.T) {
	t.Parallel()
	b := reportSetup(t)
	sup := b.as("zhang")
	const q = "?from=2026-03-01&to=2026-04-01"
	heads := map[string][]string{}
	for _, l := range []struct{ lang, sheet string }{{"en", "Cases"}, {"zh-CN", "案件"}, {"zh-TW", "案件"}} {
		w := b.do("GET", "/console/reports/cases.xlsx"+q, nil, nil, sup, lang(l.lang))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", l.lang, w.Code, w.Body)
		}
		book, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got := book.GetSheetList(); len(got) != 1 || got[0] != l.sheet {
			t.Errorf("%s: sheets %q, want %q", l.lang, got, l.sheet)
		}
		rows, err := book.GetRows(l.sheet)
		book.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+len(b.numbers) {
			t.Fatalf("%s: %d rows, want a header and %d cases", l.lang, len(rows), len(b.numbers))
		}
		heads[l.lang] = rows[0]
		c := b.do("GET", "/console/reports/cases.csv"+q, nil, nil, sup, lang(l.lang))
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.Body.String(), "\uFEFF"))).ReadAll()
		if err != nil || len(recs) != len(rows) || strings.Join(recs[0], "|") != strings.Join(rows[0], "|") {
			t.Errorf("%s: the CSV's header is not the workbook's: %v\n%q\n%q", l.lang, err, recs[0], rows[0])
		}
	}
	en, cn := heads["en"], heads["zh-CN"]
	for i, want := range map[int]string{0: "Case number", 1: "Registered at", 6: "Priority", 10: "Name"} {
		if en[i] != want {
			t.Errorf("en column %d = %q, want %q", i, en[i], want)
		}
	}
	for i, want := range map[int]string{0: "案件编号", 1: "登记时间", 6: "优先级", 10: "姓名"} {
		if cn[i] != want {
			t.Errorf("zh-CN column %d = %q, want %q", i, cn[i], want)
		}
	}
	// Every column is named: none shows its key, and Chinese names are
	// Chinese.
	seen := map[string]bool{}
	for i, h := range cn {
		han := strings.ContainsFunc(h, func(r rune) bool { return unicode.Is(unicode.Han, r) })
		if !han || seen[h] || en[i] == "" || strings.Contains(en[i], "_") || seen["en:"+en[i]] {
			t.Errorf("column %d: zh-CN %q, en %q (untranslated or twice)", i, h, en[i])
		}
		seen[h], seen["en:"+en[i]] = true, true
	}
	if heads["zh-TW"][0] != "案件編號" {
		t.Errorf("zh-TW column 0 = %q", heads["zh-TW"][0])
	}
}
