package console

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

func (f *fakeService) ReportSummary(ctx context.Context, u cases.User, flt service.ReportFilter) (service.Report, error) {
	if err := f.record(ctx, "ReportSummary", u, 0, flt); err != nil {
		return service.Report{}, err
	}
	return service.Report{
		From: t0, To: t0.AddDate(0, 1, 0), Zone: "Asia/Shanghai",
		Volume: service.ReportVolume{Total: 3, ByCategory: []service.ReportCount{{Key: "technical", Count: 3}}},
		SLA:    []service.ReportClock{{Clock: cases.ClockStartBy, Met: 2, Missed: 1, Rate: 2.0 / 3}},
	}, nil
}

func (f *fakeService) ReportCases(ctx context.Context, u cases.User, flt service.ReportFilter, fn func(service.ReportCase) error) error {
	if err := f.record(ctx, "ReportCases", u, 0, flt); err != nil {
		return err
	}
	c := sampleCase()
	c.Fields = map[cases.FieldKey]string{cases.FieldCustomerName: "周敏", cases.FieldSymptom: "=HYPERLINK(\"http://x\")"}
	c.Assignee = 9
	sh := time.FixedZone("CST", 8*3600)
	clocks := []cases.Clock{
		{Name: cases.ClockFirstResponse, Due: t0.Add(30 * time.Minute), Done: t0.Add(time.Minute), Status: cases.ClockMet},
		{Name: cases.ClockStartBy, Due: t0.Add(4 * time.Hour), Status: cases.ClockMissed},
		{Name: cases.ClockPlan, Status: cases.ClockNone},
	}
	if err := fn(service.ReportCase{Case: c, Clocks: clocks, Survey: map[string]int{"timeliness": 5, "effectiveness": 2}, Zone: sh}); err != nil {
		return err
	}
	return fn(service.ReportCase{Case: &cases.Case{Number: "K-000043", CreatedAt: t0, State: cases.StateRegistered}, Zone: sh})
}

func TestReportCasesCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/reports/cases.csv?from=2025-03-01&to=2025-04-01&priority=P1", "", "")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("%d %s: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	want := call{name: "ReportCases", user: head, arg: service.ReportFilter{FromDate: "2025-03-01", ToDate: "2025-04-01", Priority: cases.P1}}
	if calls := b.svc.Calls(); len(calls) != 1 || !reflect.DeepEqual(calls[0], want) {
		t.Errorf("calls %+v, want %+v", calls, want)
	}
	body, ok := strings.CutPrefix(w.Body.String(), "\uFEFF")
	if !ok {
		t.Fatalf("no byte order mark: %q", w.Body.String()[:10])
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want a header and 2 rows: %q", len(recs), recs)
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		if len(recs[1]) != len(recs[0]) || len(recs[2]) != len(recs[0]) {
			t.Fatalf("rows of %d and %d cells under a header of %d", len(recs[1]), len(recs[2]), len(recs[0]))
		}
		row[h] = recs[1][i]
	}
	for k, v := range map[string]string{
		"number": "K-000042", "registered_at": "2025-03-01T10:00:00+08:00", "priority": "P1", "assignee_id": "9",
		"customer_name": "周敏", "symptom": `'=HYPERLINK("http://x")`,
		"first_response": "met", "first_response_due": "2025-03-01T10:30:00+08:00", "first_response_done": "2025-03-01T10:01:00+08:00",
		"start_by": "missed", "start_by_done": "", "plan": "", "resolve_notice": "",
		"timeliness": "5", "professionalism": "", "effectiveness": "2",
	} {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}

	// Refused before the first row: a JSON error, not a CSV.
	b = setup(t)
	b.svc.err = cases.Errorf(cases.EForbidden, "no")
	if w := b.do(t, "GET", "/api/v1/reports/cases.csv", "", ""); w.Code != http.StatusForbidden || strings.HasPrefix(w.Body.String(), "\uFEFF") {
		t.Errorf("refused export: %d %s", w.Code, w.Body)
	}
}

// TestReportCasesXLSX reads the workbook back and compares it with the CSV
// of the same cases: the same cells, but a customer's text as typed (a
// workbook stores it as text, never as a formula).
func TestReportCasesXLSX(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/reports/cases.csv", "", "")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	w = b.do(t, "GET", "/api/v1/reports/cases.xlsx?department=quality_control", "", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Disposition"), "cases.xlsx") {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	book, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs) {
		t.Fatalf("%d rows, the CSV has %d", len(rows), len(recs))
	}
	for i := range recs {
		for j, want := range recs[i] {
			got := ""
			if j < len(rows[i]) { // GetRows drops trailing empty cells
				got = rows[i][j]
			}
			if want == `'=HYPERLINK("http://x")` {
				want = want[1:]
			}
			if got != want {
				t.Errorf("row %d %s = %q, CSV %q", i, recs[0][j], got, want)
			}
		}
	}
	if calls := b.svc.Calls(); len(calls) != 2 || calls[1].arg.(service.ReportFilter).Department != cases.DeptQualityControl {
		t.Errorf("calls %+v", calls)
	}

	b = setup(t)
	b.svc.err = cases.Errorf(cases.EForbidden, "no")
	if w := b.do(t, "GET", "/api/v1/reports/cases.xlsx", "", ""); w.Code != http.StatusForbidden {
		t.Errorf("refused export: %d %s", w.Code, w.Body)
	}
}

func TestReportSummaryAPI(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("", 8*3600))
	for _, tc := range []struct {
		path string
		want service.ReportFilter
	}{
		{"/api/v1/reports/summary", service.ReportFilter{}},
		{"/api/v1/reports/summary?from=2026-11-01&to=2026-12-01&department=logistics&channel=wechat&category=logistics&priority=P2&assignee=9",
			service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01", Department: cases.DeptLogistics, Channel: "wechat",
				Category: cases.CategoryLogistics, Priority: cases.P2, Assignee: 9}},
		{"/api/v1/reports/summary?from=2026-11-01T00:00:00%2B08:00&to=2026-11-08T00:00:00%2B08:00&assignee=me",
			service.ReportFilter{From: at, To: at.AddDate(0, 0, 7), Assignee: head.ID}},
	} {
		b := setup(t)
		w := b.do(t, "GET", tc.path, "", "")
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d %s", tc.path, w.Code, w.Body)
			continue
		}
		calls := b.svc.Calls()
		want := call{name: "ReportSummary", user: head, arg: tc.want}
		if len(calls) != 1 || !reflect.DeepEqual(reportUTC(calls[0]), reportUTC(want)) {
			t.Errorf("%s: calls %+v, want %+v", tc.path, calls, want)
		}
		var body struct {
			Volume struct {
				Total      int `json:"total"`
				ByCategory []struct {
					Key   string `json:"key"`
					Count int    `json:"count"`
				} `json:"by_category"`
			} `json:"volume"`
			SLA []struct {
				Clock string  `json:"clock"`
				Met   int     `json:"met"`
				Rate  float64 `json:"rate"`
			} `json:"sla"`
			Zone string `json:"zone"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body.Volume.Total != 3 || len(body.Volume.ByCategory) != 1 || body.Volume.ByCategory[0].Key != "technical" ||
			len(body.SLA) != 1 || body.SLA[0].Clock != "start_by" || body.SLA[0].Met != 2 || body.Zone != "Asia/Shanghai" {
			t.Errorf("%s: body %s", tc.path, w.Body)
		}
	}
}

func TestReportSummaryBadRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, message string }{
		{"/api/v1/reports/summary?department=sales", `department: "sales" is not one of`},
		{"/api/v1/reports/summary?category=billing", `category: "billing" is not one of`},
		{"/api/v1/reports/summary?priority=p1", `priority: "p1" is not one of`},
		{"/api/v1/reports/summary?assignee=wang", `assignee: "wang" is not me or a user id`},
		{"/api/v1/reports/summary?from=2026-11-01T00:00:00", "from:"},
		{"/api/v1/reports/summary?handler=3", "handler: unknown query parameter"},
	} {
		b := setup(t)
		w := b.do(t, "GET", tc.path, "", "")
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.path, w.Code)
			continue
		}
		if e := decodeError(t, w); e.Error != cases.EInvalid || !strings.HasPrefix(e.Message, tc.message) {
			t.Errorf("%s: %+v, want a message starting %q", tc.path, e, tc.message)
		}
		if len(b.svc.Calls()) != 0 {
			t.Errorf("%s: the service was called", tc.path)
		}
	}
}

// reportUTC makes a ReportSummary call's times comparable with DeepEqual.
func reportUTC(c call) call {
	if f, ok := c.arg.(service.ReportFilter); ok {
		f.From, f.To = f.From.UTC(), f.To.UTC()
		c.arg = f
	}
	return c
}
