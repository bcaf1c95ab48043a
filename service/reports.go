package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// Supervisor reports (SPEC §9, issue 13). The store aggregates in SQL over
// the cases registered in a period; nothing here loads cases into memory.
// A case belongs to the period it was registered in (created_at), so a
// report of a closed month does not change when its cases are worked on
// later — except the pending clocks, which fall due as time passes.

// MaxReportDays bounds a report's period: the per-day series has one row
// per day.
const MaxReportDays = 366

// ReportStore aggregates cases for the reports; store/sqlite and
// store/postgres implement it in SQL.
type ReportStore interface {
	// ReportVolume counts the selected cases by category, subtype,
	// priority, department, channel and source, and per day of p.Days.
	ReportVolume(ctx context.Context, p ReportParams) (ReportVolume, error)
	// ReportSLA counts, per clock, the selected cases whose deadline is
	// met, missed or pending at p.Now, as cases.SLAPolicy.Clocks decides
	// with p.SLA; a clock that does not apply (status none) is not
	// counted.
	ReportSLA(ctx context.Context, p ReportParams) ([]ReportClock, error)
	// ReportSatisfaction counts the latest survey answer of each selected
	// case per dimension (p.Dimensions) and score.
	ReportSatisfaction(ctx context.Context, p ReportParams) (ReportSurveys, error)
	// ReportComplaints counts the complaints opened in [p.From, p.To) on
	// cases matching p's other filters, whenever those were registered.
	ReportComplaints(ctx context.Context, p ReportParams) (ReportComplaints, error)
	// ReportWorkload counts the selected cases per handler (assignee) and
	// per department.
	ReportWorkload(ctx context.Context, p ReportParams) ([]ReportWorkloadRow, error)
	// ReportBot counts the bot's events of the period (BotEvent) as
	// ReportBot describes; the shares are left to the caller.
	ReportBot(ctx context.Context, p ReportParams) (ReportBot, error)
	// ReportCare lists the care touchpoints due in [p.From, p.To); with a
	// department, only those of its cases.
	ReportCare(ctx context.Context, p ReportParams) ([]CareReportItem, error)
	// ReportCases calls fn with each selected case, oldest first, and the
	// text of its latest survey answer ("" when none), streaming: fn must
	// not use the store.
	ReportCases(ctx context.Context, p ReportParams, fn func(c *cases.Case, survey string) error) error
}

// ReportWorkloadRow is one handler's or department's share of the cases.
type ReportWorkloadRow struct {
	Group    string // handler or department
	Key      string // the user id or the department
	Cases    int
	Open     int // neither resolved nor closed
	Overdue  int // with a missed deadline still live (cases.SLAPolicy.Breaches)
	Resolved int
	// MedianToResolve is the median time from registration to the latest
	// resolution of the resolved cases; 0 when none is.
	MedianToResolve time.Duration
}

// ReportParams select the cases of a report: registered in [From, To) and
// matching every non-empty filter.
type ReportParams struct {
	From, To   time.Time
	Department cases.Department
	Channel    string
	Category   cases.Category
	Priority   cases.Priority
	Assignee   int64

	// Days are the local days of the period (the first and last may be
	// partial), for the per-day series.
	Days []ReportDay
	// SLA and Now decide each clock's status.
	SLA cases.SLAPolicy
	Now time.Time
	// Dimensions are the survey's dimensions (dialog.SurveyDimensions).
	Dimensions []string
	// Comments is how many survey comments to list.
	Comments int
}

// ReportDay is one local day of a period: [From, To) in UTC terms.
type ReportDay struct {
	Day      string // 2006-01-02 in the deployment's zone
	From, To time.Time
}

// ReportCount is a number of cases with one value of a dimension.
type ReportCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// ReportVolume is how many cases came in. Every list is sorted by key;
// PerDay has every day of the period, zeros included.
type ReportVolume struct {
	Total        int           `json:"total"`
	ByCategory   []ReportCount `json:"by_category"`
	BySubtype    []ReportCount `json:"by_subtype"` // key "category/subtype"
	ByPriority   []ReportCount `json:"by_priority"`
	ByDepartment []ReportCount `json:"by_department"`
	ByChannel    []ReportCount `json:"by_channel"`
	BySource     []ReportCount `json:"by_source"`
	PerDay       []ReportCount `json:"per_day"`
}

// ReportClock is one SLA deadline's compliance over the selected cases.
type ReportClock struct {
	Clock   cases.ClockName `json:"clock"`
	Met     int             `json:"met"`
	Missed  int             `json:"missed"` // due and not met, or met late
	Pending int             `json:"pending"`
	// Rate is Met / (Met + Missed), the decided clocks; 0 when none is.
	Rate float64 `json:"rate"`
	// The median and 90th percentile (nearest rank) of the actual times,
	// from the clock's start to when it was met, on time or late; in
	// minutes for the API, 0 when no clock was met.
	Median        time.Duration `json:"-"`
	P90           time.Duration `json:"-"`
	MedianMinutes float64       `json:"median_minutes"`
	P90Minutes    float64       `json:"p90_minutes"`
}

// ReportScore is how many latest answers gave score to a dimension.
type ReportScore struct {
	Dimension string
	Score     int
	Count     int
}

// ReportSurveys is what the store counts of the surveys.
type ReportSurveys struct {
	Asked    int // cases resolved (or answered after a resolution since reopened)
	Answered int // cases with a survey answer
	Scores   []ReportScore
	// Comments are the latest answers that came with a comment, newest
	// first, at most ReportParams.Comments.
	Comments []ReportComment
}

// ReportComment is a customer's comment with the answer it came with.
type ReportComment struct {
	Number  string         `json:"number"` // the case
	At      time.Time      `json:"at"`
	Scores  map[string]int `json:"scores"`
	Comment string         `json:"comment"`
	Answer  string         `json:"-"` // the history entry's scores, as stored
}

// MaxReportComments is how many comments a report lists.
const MaxReportComments = 50

// ReportSatisfaction is satisfaction per dimension (SPEC §6).
type ReportSatisfaction struct {
	Asked        int               `json:"asked"`
	Answered     int               `json:"answered"`
	ResponseRate float64           `json:"response_rate"` // Answered / Asked
	Dimensions   []ReportDimension `json:"dimensions"`
	Comments     []ReportComment   `json:"comments"`
}

// ReportDimension is one survey dimension's scores.
type ReportDimension struct {
	Dimension string  `json:"dimension"`
	Answers   int     `json:"answers"`
	Mean      float64 `json:"mean"`
	// Distribution[i] is how many answers scored i+1 (1–5).
	Distribution [5]int `json:"distribution"`
}

// ReportComplaints is the complaint statistics of SPEC §7 and §9.
type ReportComplaints struct {
	Total int `json:"total"`
	// ByClassification uses the summary's fixed list; "" is a complaint
	// not summarized yet.
	ByClassification []ReportCount `json:"by_classification"`
	ByValidity       []ReportCount `json:"by_validity"` // valid, invalid, not_judged
	BySource         []ReportCount `json:"by_source"`
	ByStage          []ReportCount `json:"by_stage"`
	// Mean hours from opening to the judgement and to the close (after
	// the follow-up), over the complaints that got there; 0 when none.
	HoursToJudge float64 `json:"hours_to_judge"`
	HoursToClose float64 `json:"hours_to_close"`
}

// ReportWorkload is one handler's or department's workload.
type ReportWorkload struct {
	Key                  string  `json:"key"`            // the user id or the department
	Name                 string  `json:"name,omitempty"` // the handler's name
	Cases                int     `json:"cases"`
	Open                 int     `json:"open"`
	Overdue              int     `json:"overdue"`
	Resolved             int     `json:"resolved"`
	MedianHoursToResolve float64 `json:"median_hours_to_resolve"`
}

// ReportWorkloads are the workload per handler and per department, each
// sorted by key.
type ReportWorkloads struct {
	Handlers    []ReportWorkload `json:"handlers"`
	Departments []ReportWorkload `json:"departments"`
}

// ReportFilter is what a report is asked for.
type ReportFilter struct {
	From, To time.Time // zero From and To: this month in the deployment's zone
	// FromDate and ToDate (2006-01-02), when set, are local midnights in
	// the deployment's zone and replace From and To: the API's callers
	// think in days, and only the service knows the zone.
	FromDate, ToDate string
	Department       cases.Department
	Channel          string
	Category         cases.Category
	Priority         cases.Priority
	Assignee         int64
}

// Report is the summary of a period.
type Report struct {
	From         time.Time          `json:"from"`
	To           time.Time          `json:"to"`
	Zone         string             `json:"zone"`
	Volume       ReportVolume       `json:"volume"`
	SLA          []ReportClock      `json:"sla"`
	Satisfaction ReportSatisfaction `json:"satisfaction"`
	Complaints   ReportComplaints   `json:"complaints"`
	Workload     ReportWorkloads    `json:"workload"`
	Bot          ReportBot          `json:"bot"`
	Care         ReportCare         `json:"care"`
}

// reportParams checks who asks for what and turns f into the store's
// query: supervisors and admins see every department, a head their own;
// everyone else is refused.
func (s *Team) reportParams(u cases.User, f ReportFilter) (ReportParams, error) {
	if err := u.Can(cases.ActionReport, nil); err != nil {
		return ReportParams{}, err
	}
	if u.Role == cases.RoleHead {
		if f.Department != "" && f.Department != u.Department {
			return ReportParams{}, cases.Errorf(cases.EForbidden, fmt.Sprintf("user %d reports on %s only", u.ID, u.Department))
		}
		f.Department = u.Department
	}
	return s.periodParams(f)
}

// periodParams turns f into the store's query, whoever asks.
func (s *Service) periodParams(f ReportFilter) (ReportParams, error) {
	loc := s.lc().Location
	now := s.opt.Now()
	for _, d := range []struct {
		name string
		s    string
		t    *time.Time
	}{{"from", f.FromDate, &f.From}, {"to", f.ToDate, &f.To}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.s, loc)
		if err != nil {
			return ReportParams{}, cases.Errorf(cases.EInvalid, fmt.Sprintf("%s: %q is not a date (2006-01-02) or an RFC 3339 time", d.name, d.s))
		}
		*d.t = t
	}
	if f.From.IsZero() && f.To.IsZero() {
		l := now.In(loc)
		f.From = time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
		f.To = f.From.AddDate(0, 1, 0)
	}
	if f.From.IsZero() || f.To.IsZero() || !f.From.Before(f.To) {
		return ReportParams{}, cases.Errorf(cases.EInvalid, "from and to: both or neither, and from before to")
	}
	days := reportDays(f.From, f.To, loc)
	if len(days) > MaxReportDays {
		return ReportParams{}, cases.Errorf(cases.EInvalid, fmt.Sprintf("from and to: at most %d days", MaxReportDays))
	}
	if f.Department != "" && !f.Department.Valid() {
		return ReportParams{}, cases.Errorf(cases.EInvalid, fmt.Sprintf("department: %q is not a department", f.Department))
	}
	dims := SurveyDimensionNames()
	return ReportParams{
		From: f.From.UTC(), To: f.To.UTC(), Department: f.Department, Channel: f.Channel, Category: f.Category,
		Priority: f.Priority, Assignee: f.Assignee, Days: days, SLA: s.opt.SLA, Now: now, Dimensions: dims,
		Comments: MaxReportComments,
	}, nil
}

// reportDays splits [from, to) at local midnights; days are calendar days,
// so a day with a DST change is 23 or 25 hours long.
func reportDays(from, to time.Time, loc *time.Location) []ReportDay {
	var out []ReportDay
	l := from.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	for day.Before(to) && len(out) <= MaxReportDays {
		next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
		lo, hi := day, next
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		out = append(out, ReportDay{Day: day.Format(time.DateOnly), From: lo.UTC(), To: hi.UTC()})
		day = next
	}
	return out
}

// ReportSummary is the report of a period: volume, SLA compliance,
// satisfaction and complaints.
func (s *Team) ReportSummary(ctx context.Context, u cases.User, f ReportFilter) (Report, error) {
	p, err := s.reportParams(u, f)
	if err != nil {
		return Report{}, err
	}
	return s.summary(ctx, p)
}

// summary is the report of p.
func (s *Service) summary(ctx context.Context, p ReportParams) (Report, error) {
	vol, err := s.opt.Store.ReportVolume(ctx, p)
	if err != nil {
		return Report{}, err
	}
	clocks, err := s.opt.Store.ReportSLA(ctx, p)
	if err != nil {
		return Report{}, err
	}
	for i, k := range clocks {
		if d := k.Met + k.Missed; d > 0 {
			clocks[i].Rate = float64(k.Met) / float64(d)
		}
		clocks[i].MedianMinutes, clocks[i].P90Minutes = k.Median.Minutes(), k.P90.Minutes()
	}
	sv, err := s.opt.Store.ReportSatisfaction(ctx, p)
	if err != nil {
		return Report{}, err
	}
	ks, err := s.opt.Store.ReportComplaints(ctx, p)
	if err != nil {
		return Report{}, err
	}
	wl, err := s.workload(ctx, p)
	if err != nil {
		return Report{}, err
	}
	bot, err := s.opt.Store.ReportBot(ctx, p)
	if err != nil {
		return Report{}, err
	}
	careFigs, err := s.reportCare(ctx, p) // carereport.go
	if err != nil {
		return Report{}, err
	}
	return Report{
		From: p.From.In(s.lc().Location), To: p.To.In(s.lc().Location), Zone: s.lc().Location.String(),
		Volume: vol, SLA: clocks, Satisfaction: satisfaction(sv, p.Dimensions), Complaints: ks, Workload: wl,
		Bot: botReport(bot), Care: careFigs,
	}, nil
}

// workload names the handlers (the users table is small) and orders the
// rows.
func (s *Service) workload(ctx context.Context, p ReportParams) (ReportWorkloads, error) {
	rows, err := s.opt.Store.ReportWorkload(ctx, p)
	if err != nil {
		return ReportWorkloads{}, err
	}
	users, err := s.opt.Store.UserList(ctx)
	if err != nil {
		return ReportWorkloads{}, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[strconv.FormatInt(u.ID, 10)] = u.Name
	}
	out := ReportWorkloads{Handlers: []ReportWorkload{}, Departments: []ReportWorkload{}}
	for _, r := range rows {
		w := ReportWorkload{Key: r.Key, Cases: r.Cases, Open: r.Open, Overdue: r.Overdue, Resolved: r.Resolved,
			MedianHoursToResolve: r.MedianToResolve.Hours()}
		switch r.Group {
		case "handler":
			w.Name = names[r.Key]
			out.Handlers = append(out.Handlers, w)
		case "department":
			out.Departments = append(out.Departments, w)
		}
	}
	for _, l := range [][]ReportWorkload{out.Handlers, out.Departments} {
		slices.SortFunc(l, func(a, b ReportWorkload) int { return cmp.Compare(a.Key, b.Key) })
	}
	return out, nil
}

// satisfaction turns the store's counts into means and distributions, one
// entry per dimension in the order the survey asks them.
func satisfaction(sv ReportSurveys, dims []string) ReportSatisfaction {
	out := ReportSatisfaction{Asked: sv.Asked, Answered: sv.Answered, Comments: []ReportComment{}}
	for _, c := range sv.Comments {
		c.Scores = surveyScores(c.Answer)
		out.Comments = append(out.Comments, c)
	}
	if sv.Asked > 0 {
		out.ResponseRate = float64(sv.Answered) / float64(sv.Asked)
	}
	for _, d := range dims {
		st := ReportDimension{Dimension: d}
		sum := 0
		for _, sc := range sv.Scores {
			if sc.Dimension != d || sc.Score < 1 || sc.Score > 5 {
				continue
			}
			st.Distribution[sc.Score-1] += sc.Count
			st.Answers += sc.Count
			sum += sc.Score * sc.Count
		}
		if st.Answers > 0 {
			st.Mean = float64(sum) / float64(st.Answers)
		}
		out.Dimensions = append(out.Dimensions, st)
	}
	return out
}

// ReportCase is one row of the case export: the case, each of its SLA
// clocks now, and its latest survey scores by dimension.
type ReportCase struct {
	Case   *cases.Case
	Clocks []cases.Clock
	Survey map[string]int
	Zone   *time.Location // the deployment's, for the times people read
}

// SurveyDimensionNames are the survey's dimensions in the order asked, the
// columns of an export.
func SurveyDimensionNames() []string {
	out := make([]string, len(dialog.SurveyDimensions))
	for i, d := range dialog.SurveyDimensions {
		out[i] = string(d)
	}
	return out
}

// ReportCases calls fn with every case of the report's period and filters,
// oldest first, for an export; rows stream from the store, so a year of
// cases is never held at once. fn must not call the service.
func (s *Team) ReportCases(ctx context.Context, u cases.User, f ReportFilter, fn func(ReportCase) error) error {
	p, err := s.reportParams(u, f)
	if err != nil {
		return err
	}
	return s.reportCases(ctx, p, fn)
}

// reportCases calls fn with every case of p, oldest first.
func (s *Service) reportCases(ctx context.Context, p ReportParams, fn func(ReportCase) error) error {
	return s.opt.Store.ReportCases(ctx, p, func(c *cases.Case, survey string) error {
		return fn(ReportCase{Case: c, Clocks: s.opt.SLA.Clocks(c, p.Now), Survey: surveyScores(survey), Zone: s.lc().Location})
	})
}

// surveyScores reads a survey history entry ("timeliness=5,…", see
// afterResolution); nil for none.
func surveyScores(s string) map[string]int {
	if s == "" {
		return nil
	}
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if n, err := strconv.Atoi(v); ok && err == nil {
			out[k] = n
		}
	}
	return out
}
