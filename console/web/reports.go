package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/console"
	"github.com/kefu-dev/kefu/service"
)

// The supervisor reports (SPEC §9, issue 13): a period (this month by
// default; a day, a week, a month or any range of days in the
// deployment's zone) with the report's filters. The page shows every
// figure as a table whose numbers link to the cases behind them (the
// search page's case list with the same filters); reports.js draws the
// charts from the report's JSON, the same service call and encoding as
// GET /api/v1/reports/summary, and the export buttons download the API's
// CSV and xlsx with the columns named in the viewer's language.

// Report periods.
const (
	periodDay    = "day"
	periodWeek   = "week"
	periodMonth  = "month"
	periodCustom = "custom"
)

// reportForm is what the period and filter form holds.
type reportForm struct {
	Period, Date, From, To                            string
	Department, Channel, Category, Priority, Assignee string
}

// reportPage is the report as the template reads it.
type reportPage struct {
	Form reportForm
	// Query is the report's query in the API's terms (from, to as local
	// dates, the filters), for the JSON and the exports.
	Query      template.URL
	Prev, Next template.URL // the previous and next period's page query; "" for a custom range
	Rep        service.Report
	Last       time.Time // the period's last day, for the heading
	Head       bool      // a head sees their own department only

	Users    []service.UserRecord
	Channels []string

	Total       figure
	ByCategory  []figure
	BySubtype   []figure
	ByPriority  []figure
	ByDept      []figure
	ByChannel   []figure
	BySource    []figure
	PerDay      []figure
	SLA         []slaRow
	Dimensions  []dimRow
	Complaints  complaintFigures
	Handlers    []workRow
	Departments []workRow

	base url.Values // the case list's filters every link starts from
}

// figure is one number of the report and the case list behind it (Href
// "" when no filter selects exactly those cases, e.g. cases without a
// category). Fig names it for the charts: "group:key".
type figure struct {
	Fig, Key, Label string
	Count           int
	Href            string
}

// slaRow is one deadline's compliance.
type slaRow struct {
	Clock                cases.ClockName
	Label                string
	Met, Missed, Pending figure
	Rate, Median, P90    string
}

// dimRow is one survey dimension.
type dimRow struct {
	Key, Label, Mean string
	Answers          int
	Distribution     [5]int
}

type complaintFigures struct {
	Total                                  int
	ByClassification, ByValidity, BySource []figure
	ByStage                                []figure
	HoursToJudge, HoursToClose             string
}

// workRow is one handler's or department's workload.
type workRow struct {
	Key, Label           string
	Cases, Open, Overdue figure
	Resolved             int
	Median               string
}

// reportChannels are the channels a report can be filtered by: a case
// staff register has its source (service.NewCaseParams) for channel.
var reportChannels = []string{"webchat", "wechat", "email", "telegram", "hotline", "dealer", "walk_in"}

// reportAllowed refuses a role without reports in the viewer's language;
// the service would refuse too, but in English and naming the user.
func (c *Console) reportAllowed(v *view) error {
	if v.User.Can(cases.ActionReport, nil) != nil {
		return cases.Errorf(cases.EForbidden, v.T("report.forbidden"))
	}
	return nil
}

func (c *Console) reports(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.reportAllowed(v); err != nil {
		return err
	}
	p, f, err := c.reportPeriod(r, v)
	if err != nil {
		return err
	}
	rep, err := c.svc.ReportSummary(r.Context(), v.User, f)
	if err != nil {
		return err
	}
	users, err := c.svc.UserList(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		if !u.Disabled || strconv.FormatInt(u.ID, 10) == p.Form.Assignee {
			p.Users = append(p.Users, u)
		}
	}
	p.Rep, p.Channels, p.Head = rep, reportChannels, v.User.Role == cases.RoleHead
	p.Last = rep.To.Add(-time.Nanosecond)
	p.figures(v, f)
	v.Tab, v.Data = "reports", p
	c.render(w, http.StatusOK, "reports", v)
	return nil
}

// reportPeriod reads the form: the period around a day (today by
// default) or a range of days, both ends included, and the filters.
func (c *Console) reportPeriod(r *http.Request, v *view) (*reportPage, service.ReportFilter, error) {
	q := r.URL.Query()
	form := reportForm{Period: q.Get("period"), Date: q.Get("date"), From: q.Get("from"), To: q.Get("to"),
		Department: q.Get("department"), Channel: q.Get("channel"), Category: q.Get("category"),
		Priority: q.Get("priority"), Assignee: q.Get("assignee")}
	zone := c.opt.Zone
	bad := func(field, s string) error {
		return cases.Errorf(cases.EInvalid, v.Tf("report.bad_date", field, s))
	}
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, zone)
		if err != nil {
			return t, bad(field, s)
		}
		return t, nil
	}
	today := v.Now.In(zone)
	anchor := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
	if form.Date != "" {
		var err error
		if anchor, err = day("date", form.Date); err != nil {
			return nil, service.ReportFilter{}, err
		}
	}
	var from, to time.Time
	step := func(t time.Time, n int) time.Time { return t }
	switch form.Period {
	case periodDay:
		from, to = anchor, anchor.AddDate(0, 0, 1)
		step = func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }
	case periodWeek: // Monday to Sunday, as the calendar on the wall
		from = anchor.AddDate(0, 0, -(int(anchor.Weekday())+6)%7)
		to = from.AddDate(0, 0, 7)
		step = func(t time.Time, n int) time.Time { return t.AddDate(0, 0, 7*n) }
	case periodCustom:
		var err error
		if from, err = day("from", form.From); err != nil {
			return nil, service.ReportFilter{}, err
		}
		if to, err = day("to", form.To); err != nil {
			return nil, service.ReportFilter{}, err
		}
		if to.Before(from) {
			return nil, service.ReportFilter{}, cases.Errorf(cases.EInvalid, v.T("report.bad_range"))
		}
		to = to.AddDate(0, 0, 1) // the last day is included
	default:
		form.Period = periodMonth
		from = time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, zone)
		to = from.AddDate(0, 1, 0)
		step = func(t time.Time, n int) time.Time { return t.AddDate(0, n, 0) }
	}
	if form.Period != periodCustom {
		form.Date = anchor.Format(time.DateOnly)
		form.From, form.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	f := service.ReportFilter{FromDate: from.Format(time.DateOnly), ToDate: to.Format(time.DateOnly), Channel: form.Channel}
	api := url.Values{"from": {f.FromDate}, "to": {f.ToDate}}
	if form.Department != "" {
		if f.Department = cases.Department(form.Department); !f.Department.Valid() {
			return nil, f, cases.Errorf(cases.EInvalid, v.Tf("report.bad_filter", "department", form.Department))
		}
	}
	if form.Category != "" {
		if f.Category = cases.Category(form.Category); !f.Category.Valid() {
			return nil, f, cases.Errorf(cases.EInvalid, v.Tf("report.bad_filter", "category", form.Category))
		}
	}
	if form.Priority != "" {
		if f.Priority = cases.Priority(form.Priority); !f.Priority.Valid() {
			return nil, f, cases.Errorf(cases.EInvalid, v.Tf("report.bad_filter", "priority", form.Priority))
		}
	}
	if form.Assignee != "" {
		id, err := strconv.ParseInt(form.Assignee, 10, 64)
		if err != nil || id <= 0 {
			return nil, f, cases.Errorf(cases.EInvalid, v.Tf("report.bad_filter", "assignee", form.Assignee))
		}
		f.Assignee = id
	}
	for k, s := range map[string]string{"department": form.Department, "channel": form.Channel, "category": form.Category,
		"priority": form.Priority, "assignee": form.Assignee} {
		if s != "" {
			api.Set(k, s)
		}
	}
	p := &reportPage{Form: form, Query: template.URL(api.Encode())}
	if form.Period != periodCustom {
		page := func(n int) template.URL {
			q := url.Values{"period": {form.Period}, "date": {step(anchor, n).Format(time.DateOnly)}}
			for k, s := range api {
				if k != "from" && k != "to" {
					q[k] = s
				}
			}
			return template.URL(q.Encode())
		}
		p.Prev, p.Next = page(-1), page(1)
	}
	return p, f, nil
}

// figures turns the report into the page's rows, each number with the
// case list behind it.
func (p *reportPage) figures(v *view, f service.ReportFilter) {
	rep := p.Rep
	p.base = url.Values{"from": {rep.From.Format(time.RFC3339)}, "to": {rep.To.Format(time.RFC3339)}}
	if f.Department != "" {
		p.base.Set("department", string(f.Department))
	}
	if f.Channel != "" {
		p.base.Set("channel", f.Channel)
	}
	if f.Category != "" {
		p.base.Set("category", string(f.Category))
	}
	if f.Priority != "" {
		p.base.Set("priority", string(f.Priority))
	}
	if f.Assignee != 0 {
		p.base.Set("assignee", strconv.FormatInt(f.Assignee, 10))
	}
	p.Total = figure{Fig: "total:", Label: v.T("report.total"), Count: rep.Volume.Total, Href: p.href()}
	list := func(group, param, labels string, counts []service.ReportCount) []figure {
		out := make([]figure, 0, len(counts))
		for _, n := range counts {
			fg := figure{Fig: group + ":" + n.Key, Key: n.Key, Label: orDefault(n.Key, "—"), Count: n.Count}
			if labels != "" {
				fg.Label = v.T(labels + n.Key)
			}
			if n.Key != "" && param != "" { // an empty value is "any" to a filter
				fg.Href = p.href(param, n.Key)
			}
			out = append(out, fg)
		}
		return out
	}
	p.ByCategory = list("category", "category", "category.", rep.Volume.ByCategory)
	p.ByPriority = list("priority", "priority", "", rep.Volume.ByPriority)
	p.ByDept = list("department", "department", "dept.", rep.Volume.ByDepartment)
	p.ByChannel = list("channel", "channel", "channel.", rep.Volume.ByChannel)
	p.BySource = list("source", "source", "source.", rep.Volume.BySource)
	for _, n := range rep.Volume.BySubtype {
		cat, sub, _ := strings.Cut(n.Key, "/")
		fg := figure{Fig: "subtype:" + n.Key, Key: n.Key, Label: v.T("category."+cat) + " / " + orDefault(sub, "—"), Count: n.Count}
		if cat != "" && sub != "" {
			fg.Href = p.href("category", cat, "subtype", sub)
		}
		p.BySubtype = append(p.BySubtype, fg)
	}
	zone, _ := time.LoadLocation(rep.Zone)
	if zone == nil {
		zone = rep.From.Location()
	}
	for _, n := range rep.Volume.PerDay {
		fg := figure{Fig: "day:" + n.Key, Key: n.Key, Label: n.Key, Count: n.Count}
		if from, err := time.ParseInLocation(time.DateOnly, n.Key, zone); err == nil {
			to := from.AddDate(0, 0, 1)
			from, to = later(from, rep.From), earlier(to, rep.To)
			fg.Href = p.hrefPeriod(from, to)
		}
		p.PerDay = append(p.PerDay, fg)
	}
	for _, k := range rep.SLA {
		clock := string(k.Clock)
		row := slaRow{Clock: k.Clock, Label: v.T("clock." + clock), Rate: "—",
			Met:     figure{Fig: "sla:" + clock + ":met", Count: k.Met, Href: p.href("clock", clock, "clock_status", "met")},
			Missed:  figure{Fig: "sla:" + clock + ":missed", Count: k.Missed, Href: p.href("clock", clock, "clock_status", "missed")},
			Pending: figure{Fig: "sla:" + clock + ":pending", Count: k.Pending, Href: p.href("clock", clock, "clock_status", "pending")},
			Median:  v.minutes(k.MedianMinutes, k.Met+k.Missed), P90: v.minutes(k.P90Minutes, k.Met+k.Missed)}
		if k.Met+k.Missed > 0 {
			row.Rate = fmt.Sprintf("%.1f%%", 100*k.Rate)
		}
		p.SLA = append(p.SLA, row)
	}
	for _, d := range rep.Satisfaction.Dimensions {
		row := dimRow{Key: d.Dimension, Label: v.T("report.dim." + d.Dimension), Answers: d.Answers, Distribution: d.Distribution, Mean: "—"}
		if d.Answers > 0 {
			row.Mean = fmt.Sprintf("%.2f", d.Mean)
		}
		p.Dimensions = append(p.Dimensions, row)
	}
	k := rep.Complaints
	p.Complaints = complaintFigures{Total: k.Total, HoursToJudge: hours(k.HoursToJudge), HoursToClose: hours(k.HoursToClose),
		ByClassification: list("complaint_class", "", "complaintclass.", k.ByClassification),
		ByValidity:       list("complaint_validity", "", "report.validity.", k.ByValidity),
		BySource:         list("complaint_source", "", "complaint.source.", k.BySource),
		ByStage:          list("complaint_stage", "", "complaint.stage.", k.ByStage)}
	// Complaints count by when they were opened, not by their case's
	// registration: no case list selects them, so they have no links.
	for _, l := range [][]figure{p.Complaints.ByClassification, p.Complaints.BySource, p.Complaints.ByStage} {
		for i := range l {
			if l[i].Key == "" {
				l[i].Label = v.T("report.not_yet")
			}
		}
	}
	for _, w := range rep.Workload.Handlers {
		p.Handlers = append(p.Handlers, p.workRow(v, w, "assignee", orDefault(w.Name, "#"+w.Key)))
	}
	for _, w := range rep.Workload.Departments {
		p.Departments = append(p.Departments, p.workRow(v, w, "department", v.T("dept."+w.Key)))
	}
}

func (p *reportPage) workRow(v *view, w service.ReportWorkload, param, label string) workRow {
	fig := param + ":" + w.Key
	row := workRow{Key: w.Key, Label: label, Resolved: w.Resolved, Median: "—",
		Cases: figure{Fig: "work:" + fig, Count: w.Cases}, Open: figure{Fig: "work_open:" + fig, Count: w.Open},
		Overdue: figure{Fig: "work_overdue:" + fig, Count: w.Overdue}}
	if w.Resolved > 0 {
		row.Median = v.minutes(w.MedianHoursToResolve*60, w.Resolved)
	}
	if w.Key != "" {
		row.Cases.Href = p.href(param, w.Key)
		row.Open.Href = p.href(param, w.Key, "open", "true")
		row.Overdue.Href = p.href(param, w.Key, "overdue", "true")
	}
	return row
}

// href is the case list of the report's period and filters narrowed by
// the figure's key-value pairs.
func (p *reportPage) href(kv ...string) string {
	q := url.Values{}
	for k, s := range p.base {
		q[k] = s
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/console/search?" + q.Encode()
}

// hrefPeriod is the case list of a part of the period (a day).
func (p *reportPage) hrefPeriod(from, to time.Time) string {
	return p.href("from", from.Format(time.RFC3339), "to", to.Format(time.RFC3339))
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}

// minutes says a duration of m minutes in words; "—" when nothing was
// measured.
func (v *view) minutes(m float64, measured int) string {
	if measured == 0 {
		return "—"
	}
	return humanDur(time.Duration(m*float64(time.Minute)), v.Lang)
}

func hours(h float64) string {
	if h == 0 {
		return "—"
	}
	return strconv.FormatFloat(h, 'f', 1, 64)
}

// reportJSON is the report of the page's query as the API encodes it, for
// the charts.
func (c *Console) reportJSON(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.reportAllowed(v); err != nil {
		return err
	}
	f, err := console.ReportFilterOf(r, v.User)
	if err != nil {
		return err
	}
	rep, err := c.svc.ReportSummary(r.Context(), v.User, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(rep)
}

// exportNames name the export's sheet and columns in the viewer's
// language (i18n export.*).
func (v *view) exportNames() console.ExportNames {
	return console.ExportNames{Sheet: v.T("export.sheet"), Column: func(k string) string { return v.T("export." + k) }}
}

func (c *Console) reportCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.reportAllowed(v); err != nil {
		return err
	}
	return c.api.WriteCasesCSV(w, r, v.User, v.exportNames())
}

func (c *Console) reportXLSX(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.reportAllowed(v); err != nil {
		return err
	}
	return c.api.WriteCasesXLSX(w, r, v.User, v.exportNames())
}
