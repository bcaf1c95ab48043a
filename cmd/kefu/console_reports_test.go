package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// testConsoleReports: a supervisor opens the reports page over cases a
// specialist registered; the charts are drawn (SVG inside every chart
// container) without a Content-Security-Policy violation or a script
// error, the numbers on them are those of GET /api/v1/reports/summary for
// the page's query, and a figure's link lands on the case list of exactly
// the cases it counts.
func testConsoleReports(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	defer m.Close()
	base := "http://" + m.Addr()
	ctx := context.Background()
	team := m.Service().Team()
	spec := staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")
	sup, token, err := team.UserAdd(ctx, "张主管", cases.RoleSupervisor, cases.DeptCustomerService)
	if err != nil {
		t.Fatal(err)
	}
	if err := team.UserSetPassword(ctx, sup.ID, "zhang", "zhang-password-1"); err != nil {
		t.Fatal(err)
	}
	byCategory := map[cases.Category][]string{}
	for i, s := range []struct {
		cat cases.Category
		pr  cases.Priority
		src string
	}{
		{cases.CategoryTechnical, cases.P1, "hotline"},
		{cases.CategoryTechnical, cases.P2, "dealer"},
		{cases.CategoryTechnical, cases.P3, "hotline"},
		{cases.CategoryQuality, cases.P2, "hotline"},
		{cases.CategoryLogistics, cases.P3, "dealer"},
	} {
		p := service.NewCaseParams{Source: s.src, Category: s.cat, Priority: s.pr, Fields: map[cases.FieldKey]string{
			cases.FieldCustomerName: "客户" + strconv.Itoa(i), cases.FieldPhone: fmt.Sprintf("1390000%04d", i), cases.FieldSymptom: "不开机"}}
		if s.src == "dealer" {
			p.Dealer = "华东经销商"
		}
		cs, err := team.CaseCreate(ctx, spec, p)
		if err != nil {
			t.Fatal(err)
		}
		byCategory[s.cat] = append(byCategory[s.cat], cs.Number)
	}

	b := browser(t)
	// Every console message and uncaught exception of the page, from
	// before the first navigation: a CSP violation is reported there.
	var mu sync.Mutex
	var messages []string
	lctx, stop := context.WithCancel(b)
	defer stop()
	console := chromedp.Console(lctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg, err := range console {
			if err != nil {
				return
			}
			mu.Lock()
			messages = append(messages, msg.String()+" ("+msg.URL+")")
			mu.Unlock()
		}
	}()

	signIn(t, b, base, "zhang")
	browse(t, b, "open the reports from the nav",
		chromedp.WaitVisible(chromedp.CSS("#nav-reports")),
		chromedp.Click(chromedp.CSS("#nav-reports")),
		chromedp.WaitVisible(chromedp.CSS("#report-range")),
	)
	for _, id := range []string{"chart-trend", "chart-category", "chart-department", "chart-priority", "chart-sla", "chart-satisfaction"} {
		browse(t, b, "wait for "+id, chromedp.WaitVisible(chromedp.CSS(`#`+id+`[data-rendered="1"] svg`)))
	}
	query := get(t, b, "the page's query", chromedp.Evaluate[string](`document.getElementById("report").dataset.query`))
	// The care section renders with the page (no touchpoint is due yet).
	browse(t, b, "the care section", chromedp.WaitVisible(chromedp.CSS("#care-touchpoints")))
	if members := get(t, b, "members followed up", chromedp.Text(chromedp.CSS("#care-members"))); strings.TrimSpace(members) != "0 / 0" {
		t.Errorf("members followed up within 3 days: %q, want 0 / 0", members)
	}

	// The API's report for the same query.
	req, _ := http.NewRequest("GET", base+"/api/v1/reports/summary?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep service.Report
	err = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("API report: %d %v", resp.StatusCode, err)
	}
	if rep.Volume.Total != 5 {
		t.Fatalf("the API counts %d cases, 5 were registered", rep.Volume.Total)
	}

	// texts are the texts drawn in a chart; labels the page's names of a
	// group's keys (what the chart shows for them).
	texts := func(id string) []string {
		return get(t, b, "texts of "+id, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#`+id+` svg text")).map(t => t.textContent.trim()).filter(s => s)`))
	}
	label := func(fig string) string {
		return get(t, b, "label of "+fig, chromedp.Evaluate[string](
			`(Array.from(document.querySelectorAll("[data-fig]")).find(e => e.dataset.fig === `+strconv.Quote(fig)+`) || {dataset: {}}).dataset.label || ""`))
	}
	number := regexp.MustCompile(`^\d+(\.\d+)?$`)
	numbers := func(ts []string) []string {
		var out []string
		for _, s := range ts {
			if number.MatchString(s) {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return out
	}
	counts := func(vs ...int) []string {
		var out []string
		for _, v := range vs {
			if v != 0 { // a zero is not labelled
				out = append(out, strconv.Itoa(v))
			}
		}
		slices.Sort(out)
		return out
	}
	sameNumbers := func(id string, want []string) {
		t.Helper()
		if got := numbers(texts(id)); !slices.Equal(got, want) {
			t.Errorf("%s shows the numbers %q, the API's report %q", id, got, want)
		}
	}

	// Bars: each key's name and count.
	for _, c := range []struct {
		id, group string
		list      []service.ReportCount
	}{
		{"chart-category", "category", rep.Volume.ByCategory},
		{"chart-department", "department", rep.Volume.ByDepartment},
	} {
		ts := texts(c.id)
		var vs []int
		for _, n := range c.list {
			if name := label(c.group + ":" + n.Key); name == "" || !slices.Contains(ts, name) {
				t.Errorf("%s: no bar named %q for %s in %q", c.id, name, n.Key, ts)
			}
			vs = append(vs, n.Count)
		}
		sameNumbers(c.id, counts(vs...))
	}
	// The priority pie's legend: "P1: 1".
	pie := texts("chart-priority")
	for _, n := range rep.Volume.ByPriority {
		if want := fmt.Sprintf("%s: %d", n.Key, n.Count); !slices.Contains(pie, want) {
			t.Errorf("priority legend %q has no %q", pie, want)
		}
	}
	// The trend: each day's count.
	var days []int
	for _, d := range rep.Volume.PerDay {
		days = append(days, d.Count)
	}
	sameNumbers("chart-trend", counts(days...))
	// SLA: every deadline's met, missed and pending, and their legend.
	var sla []int
	for _, k := range rep.SLA {
		sla = append(sla, k.Met, k.Missed, k.Pending)
	}
	sameNumbers("chart-sla", counts(sla...))
	legend := texts("chart-sla")
	for _, k := range rep.SLA {
		if name := label("clock:" + string(k.Clock)); !slices.Contains(legend, name) {
			t.Errorf("SLA chart has no row %q: %q", name, legend)
		}
	}
	sameNumbers("chart-satisfaction", nil) // no survey answered yet

	// Drill down from a figure: the technical cases, exactly.
	browse(t, b, "open the technical cases",
		chromedp.Click(chromedp.CSS(`a[data-fig="category:technical"]`)),
		chromedp.WaitVisible(chromedp.CSS("#list-filters")),
	)
	listed := func() []string {
		got := get(t, b, "the listed cases", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#case-list tbody a")).map(a => a.textContent.trim())`))
		slices.Sort(got)
		return got
	}
	want := slices.Sorted(slices.Values(byCategory[cases.CategoryTechnical]))
	if got := listed(); !slices.Equal(got, want) {
		t.Errorf("the technical figure lists %q, want %q", got, want)
	}
	// And from a deadline: the cases whose start-by clock still runs.
	var pending int
	for _, k := range rep.SLA {
		if k.Clock == cases.ClockStartBy {
			pending = k.Pending
		}
	}
	browse(t, b, "back to the report, then the pending start-by figure",
		chromedp.NavigateBack(),
		chromedp.WaitVisible(chromedp.CSS(`a[data-fig="sla:start_by:pending"]`)),
		chromedp.Click(chromedp.CSS(`a[data-fig="sla:start_by:pending"]`)),
		chromedp.WaitVisible(chromedp.CSS("#list-filters")),
	)
	if got := listed(); len(got) != pending || pending == 0 {
		t.Errorf("the pending start-by figure says %d and lists %q", pending, got)
	}

	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for _, msg := range messages {
		if strings.HasSuffix(msg, "/favicon.ico)") {
			continue // the browser asks for it on its own; kefu has none
		}
		if strings.Contains(msg, "Content Security Policy") || strings.Contains(strings.ToLower(msg), "error") {
			t.Errorf("the page reported: %s", msg)
		}
	}
}

func TestConsoleReportsOnSQLite(t *testing.T) {
	t.Parallel()
	testConsoleReports(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestConsoleReportsOnPostgres(t *testing.T) {
	t.Parallel()
	testConsoleReports(t, testPostgres(t))
}
