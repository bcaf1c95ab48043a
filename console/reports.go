package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/service"
)

// Supervisor reports (SPEC §9, issue 13): the figures of a period,
// aggregated by the store. Supervisors and admins read every department's,
// a head their own.

// ReportService is the part of Service the report endpoints use.
type ReportService interface {
	// ReportSummary is the volume, SLA compliance, satisfaction, complaints
	// and workload of a period.
	ReportSummary(ctx context.Context, u cases.User, f service.ReportFilter) (service.Report, error)
	// ReportCases calls fn with each case of the period, oldest first.
	ReportCases(ctx context.Context, u cases.User, f service.ReportFilter, fn func(service.ReportCase) error) error
}

func (a *API) reportRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/reports/summary", h: a.reportSummary},
		{method: "GET", path: "/api/v1/reports/cases.csv", h: a.reportCasesCSV},
		{method: "GET", path: "/api/v1/reports/cases.xlsx", h: a.reportCasesXLSX},
		{method: "GET", path: "/api/v1/reports/report.xlsx", h: a.reportXLSX}, // reports_xlsx.go
	}
}

func (a *API) reportSummary(w http.ResponseWriter, r *http.Request, u cases.User) error {
	f, err := ReportFilterOf(r, u)
	if err != nil {
		return err
	}
	rep, err := a.svc.ReportSummary(r.Context(), u, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// ReportFilterOf reads the filters every report takes, refusing any other
// query parameter than those and more (which the caller reads). from and
// to are a date (a local midnight in the deployment's zone) or an RFC 3339
// time; the period is [from, to).
func ReportFilterOf(r *http.Request, u cases.User, more ...string) (service.ReportFilter, error) {
	q, err := query(r, append([]string{"from", "to", "department", "channel", "category", "priority", "assignee"}, more...)...)
	if err != nil {
		return service.ReportFilter{}, err
	}
	f := service.ReportFilter{Channel: q.Get("channel")}
	if f.FromDate, f.From, err = periodBound("from", q.Get("from")); err != nil {
		return f, err
	}
	if f.ToDate, f.To, err = periodBound("to", q.Get("to")); err != nil {
		return f, err
	}
	if f.Department, err = departmentParam(q); err != nil {
		return f, err
	}
	if f.Category, err = categoryParam(q); err != nil {
		return f, err
	}
	if f.Priority, err = priorityParam(q); err != nil {
		return f, err
	}
	switch s := q.Get("assignee"); s {
	case "":
	case "me":
		f.Assignee = u.ID
	default:
		if f.Assignee, err = strconv.ParseInt(s, 10, 64); err != nil || f.Assignee <= 0 {
			return f, invalid("assignee: %q is not me or a user id", s)
		}
	}
	return f, nil
}

// periodBound reads a date (returned as is, for the service to place in
// its zone) or an RFC 3339 time.
func periodBound(name, s string) (string, time.Time, error) {
	if s == "" || !strings.Contains(s, "T") {
		return s, time.Time{}, nil
	}
	t, err := parseTime(name, s)
	return "", t, err
}

// utf8BOM starts every CSV: without it Excel reads UTF-8 as the local ANSI
// code page and the Chinese is garbled.
const utf8BOM = "\uFEFF"

// ExportNames name an export's sheet and columns. The API's exports keep
// the canonical keys (SPEC §2), which programs read; the console's name
// them in the viewer's language.
type ExportNames struct {
	Sheet  string                  // "" = "cases"
	Column func(key string) string // nil = the key itself
}

func (n ExportNames) sheet() string {
	if n.Sheet == "" {
		return "cases"
	}
	return n.Sheet
}

func (n ExportNames) header(dims []string) []string {
	head := reportxlsx.CaseKeys(reportxlsx.CaseColumns(dims))
	if n.Column != nil {
		for i, k := range head {
			head[i] = n.Column(k)
		}
	}
	return head
}

func (a *API) reportCasesCSV(w http.ResponseWriter, r *http.Request, u cases.User) error {
	return a.WriteCasesCSV(w, r, u, ExportNames{})
}

// WriteCasesCSV exports the period's cases (the filters of
// ReportFilterOf), one row per case with every field, each SLA clock's
// status, due and done times, and the latest survey scores, under names.
// Rows stream as the store reads them; an error after the first row can
// only cut the file short, so the status is decided before it.
func (a *API) WriteCasesCSV(w http.ResponseWriter, r *http.Request, u cases.User, names ExportNames) error {
	f, err := ReportFilterOf(r, u)
	if err != nil {
		return err
	}
	dims := service.SurveyDimensionNames()
	cw := csv.NewWriter(w)
	started := false
	start := func() {
		started = true
		exportHeaders(w, "text/csv; charset=utf-8", "cases.csv")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, utf8BOM)
		cw.Write(names.header(dims))
	}
	err = a.svc.ReportCases(r.Context(), u, f, func(rc service.ReportCase) error {
		if !started {
			start()
		}
		return cw.Write(reportxlsx.CaseRow(rc, reportxlsx.CaseColumns(dims), cell))
	})
	if err != nil && !started {
		return err
	}
	if !started {
		start()
	}
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil { // the status is sent: log it, the client sees a short file
		a.log.ErrorContext(r.Context(), "report export cut short", "err", err)
	}
	return nil
}

func (a *API) reportCasesXLSX(w http.ResponseWriter, r *http.Request, u cases.User) error {
	return a.WriteCasesXLSX(w, r, u, ExportNames{})
}

// WriteCasesXLSX exports what WriteCasesCSV does as an Excel workbook of
// one sheet. excelize's stream writer keeps rows on disk past a small
// buffer, so a year of cases fits in memory; the workbook is zipped only
// at the end, so any error still becomes a proper response.
func (a *API) WriteCasesXLSX(w http.ResponseWriter, r *http.Request, u cases.User, names ExportNames) error {
	f, err := ReportFilterOf(r, u)
	if err != nil {
		return err
	}
	dims := service.SurveyDimensionNames()
	book := excelize.NewFile()
	defer book.Close()
	if err := book.SetSheetName("Sheet1", names.sheet()); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := book.NewStreamWriter(names.sheet())
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	n := 1
	put := func(cells []string) error {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = c // strings are stored as text, never run as formulas
		}
		ref, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		n++
		if err := sw.SetRow(ref, row); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		return nil
	}
	if err := put(names.header(dims)); err != nil {
		return err
	}
	if err := a.svc.ReportCases(r.Context(), u, f, func(rc service.ReportCase) error {
		return put(reportxlsx.CaseRow(rc, reportxlsx.CaseColumns(dims), func(s string) string { return s }))
	}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	exportHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "cases.xlsx")
	w.WriteHeader(http.StatusOK)
	if _, err := book.WriteTo(w); err != nil {
		a.log.ErrorContext(r.Context(), "report export cut short", "err", err)
	}
	return nil
}

// exportHeaders are the headers of a downloaded export of personal data.
func exportHeaders(w http.ResponseWriter, contentType, name string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// reportClockNames are the clocks of the export, in the order a case lives
// through them.
var reportClockNames = reportxlsx.ClockNames

// cell defuses what a customer typed: Excel runs a cell starting with
// = + - @ as a formula (CSV injection), so such text gets a leading quote.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
