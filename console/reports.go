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
// query parameter. from and to are a date (a local midnight in the
// deployment's zone) or an RFC 3339 time; the period is [from, to).
func ReportFilterOf(r *http.Request, u cases.User) (service.ReportFilter, error) {
	q, err := query(r, "from", "to", "department", "channel", "category", "priority", "assignee")
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
	head := caseExportColumns(dims)
	if n.Column != nil {
		for i, k := range head {
			head[i] = n.Column(k)
		}
	}
	return head
}

// caseExportColumns are the keys of the export's columns: the canonical
// keys of SPEC §2, and each clock's status, due and done times.
func caseExportColumns(dims []string) []string {
	head := []string{"number", "registered_at", "channel", "source", "category", "subtype", "priority", "department", "state", "assignee_id"}
	for _, k := range cases.AllFields {
		head = append(head, string(k))
	}
	for _, k := range reportClockNames {
		head = append(head, string(k), string(k)+"_due", string(k)+"_done")
	}
	return append(head, dims...)
}

// caseExportRow is one case under caseExportColumns; text is applied to
// what a customer typed.
func caseExportRow(rc service.ReportCase, dims []string, text func(string) string) []string {
	c, zone := rc.Case, rc.Zone
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zone).Format(time.RFC3339)
	}
	assignee := ""
	if c.Assignee != 0 {
		assignee = strconv.FormatInt(c.Assignee, 10)
	}
	row := []string{c.Number, at(c.CreatedAt), c.Channel, c.Source, string(c.Category), c.Subtype, string(c.Priority),
		string(c.Department), string(c.State), assignee}
	for _, k := range cases.AllFields {
		row = append(row, text(c.Fields[k]))
	}
	for _, name := range reportClockNames {
		var k cases.Clock
		for _, x := range rc.Clocks {
			if x.Name == name {
				k = x
			}
		}
		status := string(k.Status)
		if k.Status == cases.ClockNone {
			status = ""
		}
		row = append(row, status, at(k.Due), at(k.Done))
	}
	for _, d := range dims {
		score := ""
		if n, ok := rc.Survey[d]; ok {
			score = strconv.Itoa(n)
		}
		row = append(row, score)
	}
	return row
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
		return cw.Write(caseExportRow(rc, dims, cell))
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
		return put(caseExportRow(rc, dims, func(s string) string { return s }))
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
var reportClockNames = []cases.ClockName{cases.ClockFirstResponse, cases.ClockRegistration, cases.ClockClassification,
	cases.ClockStartBy, cases.ClockPlan, cases.ClockResolveNotice}

// cell defuses what a customer typed: Excel runs a cell starting with
// = + - @ as a formula (CSV injection), so such text gets a leading quote.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
