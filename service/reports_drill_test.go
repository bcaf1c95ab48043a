package service_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// TestReportDrillDown: every figure of the report that names a set of
// cases (volume by each dimension and per day, each deadline's met /
// missed / pending, each handler's and department's cases, open and
// overdue) is the number of cases the case list shows with the same
// filters — the console's drill-down links rely on it. The report counts
// in SQL, the list filters in SQL and, for the deadlines, in Go.
func TestReportDrillDown(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			sup := b.user("张主管", cases.RoleSupervisor, cases.DeptCustomerService)
			head := b.user("质检部长", cases.RoleHead, cases.DeptQualityControl)
			for _, tc := range []struct {
				name string
				u    cases.User
				f    service.ReportFilter
			}{
				{"the month", sup, service.ReportFilter{}},
				{"P1 on webchat", sup, service.ReportFilter{Priority: cases.P1, Channel: "webchat"}},
				{"a handler", sup, service.ReportFilter{Assignee: b.handler.ID}},
				{"a head's department", head, service.ReportFilter{}},
				{"a category in a week", sup, service.ReportFilter{FromDate: "2026-11-16", ToDate: "2026-11-23", Category: cases.CategoryConsultation}},
			} {
				rep := b.report(tc.u, tc.f)
				if rep.Volume.Total == 0 {
					t.Fatalf("%s: an empty report tests nothing", tc.name)
				}
				base := service.CaseFilter{From: rep.From, To: rep.To, Department: tc.f.Department, Channel: tc.f.Channel,
					Category: tc.f.Category, Priority: tc.f.Priority, Assignee: tc.f.Assignee}
				list := func(what string, want int, edit func(f *service.CaseFilter)) {
					t.Helper()
					f := base
					edit(&f)
					f.Limit = service.MaxCaseList
					page, err := b.svc.Team().CaseList(b.ctx, tc.u, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(page.Cases) != want {
						t.Errorf("%s: %s: the list shows %d cases, the report counts %d", tc.name, what, len(page.Cases), want)
					}
				}
				list("total", rep.Volume.Total, func(*service.CaseFilter) {})
				figures := 1
				for _, dim := range []struct {
					name   string
					counts []service.ReportCount
					set    func(f *service.CaseFilter, key string)
				}{
					{"category", rep.Volume.ByCategory, func(f *service.CaseFilter, k string) { f.Category = cases.Category(k) }},
					{"priority", rep.Volume.ByPriority, func(f *service.CaseFilter, k string) { f.Priority = cases.Priority(k) }},
					{"department", rep.Volume.ByDepartment, func(f *service.CaseFilter, k string) { f.Department = cases.Department(k) }},
					{"channel", rep.Volume.ByChannel, func(f *service.CaseFilter, k string) { f.Channel = k }},
					{"source", rep.Volume.BySource, func(f *service.CaseFilter, k string) { f.Source = k }},
					{"subtype", rep.Volume.BySubtype, func(f *service.CaseFilter, k string) {
						cat, sub, _ := strings.Cut(k, "/")
						f.Category, f.Subtype = cases.Category(cat), sub
					}},
				} {
					for _, c := range dim.counts {
						if c.Key == "" || strings.HasSuffix(c.Key, "/") {
							continue // no value: "any" to a filter
						}
						list(dim.name+" "+c.Key, c.Count, func(f *service.CaseFilter) { dim.set(f, c.Key) })
						figures++
					}
				}
				for _, d := range rep.Volume.PerDay {
					from, err := time.ParseInLocation(time.DateOnly, d.Key, b.sh)
					if err != nil {
						t.Fatal(err)
					}
					to := from.AddDate(0, 0, 1)
					if from.Before(rep.From) {
						from = rep.From
					}
					if to.After(rep.To) {
						to = rep.To
					}
					list("day "+d.Key, d.Count, func(f *service.CaseFilter) { f.From, f.To = from, to })
					figures++
				}
				for _, k := range rep.SLA {
					for _, st := range []struct {
						status cases.ClockStatus
						n      int
					}{{cases.ClockMet, k.Met}, {cases.ClockMissed, k.Missed}, {cases.ClockPending, k.Pending}} {
						list(string(k.Clock)+" "+string(st.status), st.n, func(f *service.CaseFilter) { f.Clock, f.ClockStatus = k.Clock, st.status })
						figures++
					}
					list(string(k.Clock)+" any", k.Met+k.Missed+k.Pending, func(f *service.CaseFilter) { f.Clock = k.Clock })
				}
				for _, w := range rep.Workload.Handlers {
					id, err := strconv.ParseInt(w.Key, 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					list("handler "+w.Key, w.Cases, func(f *service.CaseFilter) { f.Assignee = id })
					list("handler open "+w.Key, w.Open, func(f *service.CaseFilter) { f.Assignee, f.Open = id, true })
					list("handler overdue "+w.Key, w.Overdue, func(f *service.CaseFilter) { f.Assignee, f.Overdue = id, true })
					figures += 3
				}
				for _, w := range rep.Workload.Departments {
					if w.Key == "" {
						continue
					}
					dept := cases.Department(w.Key)
					list("department "+w.Key, w.Cases, func(f *service.CaseFilter) { f.Department = dept })
					list("department open "+w.Key, w.Open, func(f *service.CaseFilter) { f.Department, f.Open = dept, true })
					list("department overdue "+w.Key, w.Overdue, func(f *service.CaseFilter) { f.Department, f.Overdue = dept, true })
					figures += 3
				}
				t.Logf("%s: %d figures of %d cases", tc.name, figures, rep.Volume.Total)
			}
		})
	}
}
