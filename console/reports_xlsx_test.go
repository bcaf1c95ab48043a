package console

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/service"
)

// TestReportXLSX: the report workbook in the asked language, with the
// summary's filters passed on to both the summary and the case list.
func TestReportXLSX(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query, accept string
		sheets        []string
		total         string // the label of the case count
	}{
		{"?lang=en", "zh-CN", []string{"Volume", "SLA compliance", "Satisfaction", "Complaints", "Workload", "Bot", "Care", "Cases"}, "Cases"},
		{"", "zh-TW,zh;q=0.8", []string{"工單量", "時限達成", "滿意度", "投訴", "工作量", "機器人", "回訪與提醒", "工單明細"}, "工單總數"},
		{"", "", []string{"工单量", "时限达成", "满意度", "投诉", "工作量", "机器人", "回访与提醒", "工单明细"}, "工单总数"},
	} {
		b := setup(t)
		path := "/api/v1/reports/report.xlsx?from=2025-03-01&to=2025-04-01&priority=P1"
		if tc.query != "" {
			path += "&" + tc.query[1:]
		}
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+goodToken)
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		w := httptest.NewRecorder()
		b.handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != reportxlsx.ContentType ||
			!strings.Contains(w.Header().Get("Content-Disposition"), "kefu-report-2025-03-01.xlsx") {
			t.Fatalf("%s: %d %v %s", path, w.Code, w.Header(), w.Body)
		}
		f := service.ReportFilter{FromDate: "2025-03-01", ToDate: "2025-04-01", Priority: cases.P1}
		want := []call{{name: "ReportSummary", user: head, arg: f}, {name: "ReportCases", user: head, arg: f}}
		if calls := b.svc.Calls(); !reflect.DeepEqual(calls, want) {
			t.Errorf("%s: calls %+v, want %+v", path, calls, want)
		}
		book, err := excelize.OpenReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		if got := book.GetSheetList(); !slices.Equal(got, tc.sheets) {
			t.Errorf("%s: sheets %q, want %q", path, got, tc.sheets)
		}
		rows, err := book.GetRows(tc.sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows {
			found = found || len(row) == 2 && row[0] == tc.total && row[1] == "3"
		}
		if !found {
			t.Errorf("%s: no row %q with the fake's 3 cases in %q", path, tc.total, rows)
		}
		list, err := book.GetRows(tc.sheets[len(tc.sheets)-1])
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[1][0] != "K-000042" || list[2][0] != "K-000043" {
			t.Errorf("%s: case list %q", path, list)
		}
		book.Close()
	}

	b := setup(t)
	if w := b.do(t, "GET", "/api/v1/reports/report.xlsx?lang=fr", "", ""); w.Code != http.StatusBadRequest || len(b.svc.Calls()) != 0 {
		t.Errorf("lang=fr: %d %s", w.Code, w.Body)
	}
	// Refused: a JSON error, not half a workbook.
	b = setup(t)
	b.svc.err = cases.Errorf(cases.EForbidden, "no")
	if w := b.do(t, "GET", "/api/v1/reports/report.xlsx", "", ""); w.Code != http.StatusForbidden || decodeError(t, w).Error != cases.EForbidden {
		t.Errorf("refused report: %d %s", w.Code, w.Body)
	}
}
