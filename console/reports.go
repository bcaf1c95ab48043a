package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

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
}

func (a *API) reportRoutes() []route {
	return []route{{method: "GET", path: "/api/v1/reports/summary", h: a.reportSummary}}
}

func (a *API) reportSummary(w http.ResponseWriter, r *http.Request, u cases.User) error {
	f, err := reportFilter(r, u)
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

// reportFilter reads the filters every report takes. from and to are a
// date (a local midnight in the deployment's zone) or an RFC 3339 time;
// the period is [from, to).
func reportFilter(r *http.Request, u cases.User) (service.ReportFilter, error) {
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
	if s := q.Get("department"); s != "" {
		if f.Department = cases.Department(s); !f.Department.Valid() {
			return f, invalid("department: %q is not one of technical_support, logistics, quality_control, customer_service", s)
		}
	}
	if s := q.Get("category"); s != "" {
		if f.Category = cases.Category(s); !f.Category.Valid() {
			return f, invalid("category: %q is not one of technical, logistics, quality, consultation", s)
		}
	}
	if s := q.Get("priority"); s != "" {
		if f.Priority = cases.Priority(s); !f.Priority.Valid() {
			return f, invalid("priority: %q is not one of P1, P2, P3", s)
		}
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
