package service_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// reportBundle is a store seeded with a month of cases in Asia/Shanghai
// (November 2026) and a service whose deployment zone is that zone.
type reportBundle struct {
	*staffBundle
	sh      *time.Location
	handler cases.User
	seeded  []*cases.Case // in the period, in seed order c1…c7
}

func reportSetup(t *testing.T, be backend) *reportBundle {
	t.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	b := staffSetup(t, be)
	b.clk.t = time.Date(2026, 11, 20, 12, 0, 0, 0, sh)
	b.svc = service.New(service.Options{
		Store: b.st, Engine: engine(t), SLA: configs.Default().SLA, Now: b.clk.Now, Logger: quiet(),
		Lifecycle: service.Lifecycle{Location: sh},
	})
	rb := &reportBundle{staffBundle: b, sh: sh, handler: b.user("质检小陈", cases.RoleHandler, cases.DeptQualityControl)}
	rb.seed()
	return rb
}

func (b *reportBundle) at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, b.sh)
}

// seed stores the cases the hand counts below are made from. Each comment
// says what every clock of the case is at now (Nov 20 12:00): first
// response, registration, classification, start-by, plan, resolve notice.
func (b *reportBundle) seed() {
	b.t.Helper()
	sla := configs.Default().SLA
	mk := func(created, firstContact time.Time, cat cases.Category, sub string, pr cases.Priority, channel, source string, st cases.State) *cases.Case {
		c := &cases.Case{Channel: channel, Source: source, Category: cat, Subtype: sub, Priority: pr,
			Department: cases.Route(cat), State: st, CreatedAt: created}
		if !firstContact.IsZero() {
			c.Deadlines = sla.IntakeDeadlines(firstContact, created, pr)
		} else { // registered by staff: no intake clocks before registration
			d := sla.IntakeDeadlines(created, created, pr)
			c.Deadlines = cases.Deadlines{Classification: d.Classification, StartBy: d.StartBy}
		}
		return c
	}
	h := time.Hour
	var all []*cases.Case

	// c1 technical P1 webchat, at the period's first instant: everything met.
	c1 := mk(b.at(1, 0, 0), b.at(1, 0, 0).Add(-10*time.Minute), cases.CategoryTechnical, "crash", cases.P1, "webchat", "webchat", cases.StateClosed)
	c1.Milestones = cases.Milestones{FirstResponse: c1.CreatedAt.Add(-5 * time.Minute), Registered: c1.CreatedAt, Classified: c1.CreatedAt,
		Assigned: c1.CreatedAt, PlanWritten: c1.CreatedAt.Add(h), Started: c1.CreatedAt.Add(3 * h),
		Resolved: b.at(2, 10, 0), ResolveNotified: b.at(2, 10, 30), Closed: b.at(3, 10, 0)}
	// c2 logistics P2 email, Nov 6 01:00 local (Nov 5 in UTC): FR missed,
	// reg met, class missed, start-by missed, plan missed, no notice.
	// Surveyed (timeliness only), then reopened: resolved is zero again.
	c2 := mk(b.at(6, 1, 0), b.at(6, 1, 0).Add(-10*time.Minute), cases.CategoryLogistics, "late_delivery", cases.P2, "email", "email", cases.StateAssigned)
	c2.Milestones = cases.Milestones{FirstResponse: c2.CreatedAt.Add(35 * time.Minute).UTC(), Registered: c2.CreatedAt.UTC(),
		Classified: c2.CreatedAt.Add(2 * h).UTC(), Assigned: c2.CreatedAt.Add(2 * h).UTC()}
	// c3 quality P3 hotline, assigned to the handler: no intake clocks,
	// class met, start-by met by the resolution, plan missed (resolved
	// 3 h after assignment), notice met 90 min after the resolution because
	// it runs from the end of the customer's quiet hours.
	c3 := mk(b.at(10, 9, 0), time.Time{}, cases.CategoryQuality, "scratch", cases.P3, "hotline", "hotline", cases.StateResolved)
	c3.Assignee = b.handler.ID
	c3.Milestones = cases.Milestones{Registered: c3.CreatedAt, Classified: c3.CreatedAt, Assigned: c3.CreatedAt,
		Resolved: b.at(10, 12, 0), NoticeFrom: b.at(10, 13, 0), ResolveNotified: b.at(10, 13, 30)}
	// c4 consultation P3 telegram, registered an hour ago: FR met, reg
	// met, class missed exactly at its due time (now), start-by pending,
	// no plan clock (not assigned), no notice.
	c4 := mk(b.at(20, 11, 0), b.at(20, 11, 0).Add(-10*time.Minute), cases.CategoryConsultation, "", cases.P3, "telegram", "telegram", cases.StateRegistered)
	c4.Milestones = cases.Milestones{FirstResponse: c4.CreatedAt.Add(time.Minute), Registered: c4.CreatedAt}
	// c5 technical P1 webchat, 5 min old, the handler's, no milestones
	// (classified at registration by the intake): FR pending, reg met,
	// class met, start-by pending, plan pending, no notice.
	c5 := mk(b.at(20, 11, 55), b.at(20, 11, 50), cases.CategoryTechnical, "crash", cases.P1, "webchat", "webchat", cases.StateAssigned)
	c5.Assignee = b.handler.ID
	// c6 logistics P2 webchat closed 10 min after registration: FR none
	// (closed before due), reg met, class met, start-by none, plan none.
	c6 := mk(b.at(15, 8, 0), b.at(15, 8, 0).Add(-10*time.Minute), cases.CategoryLogistics, "wrong_item", cases.P2, "webchat", "webchat", cases.StateClosed)
	c6.Milestones = cases.Milestones{Registered: c6.CreatedAt, Classified: c6.CreatedAt, Closed: c6.CreatedAt.Add(10 * time.Minute)}
	// c7 quality P1 from a dealer, on WeChat: no intake clocks, class met,
	// start-by missed (5 h), plan met, notice missed (90 min); asked, not
	// answered.
	c7 := mk(b.at(28, 20, 0), time.Time{}, cases.CategoryQuality, "crack", cases.P1, "wechat", "dealer", cases.StateResolved)
	c7.Milestones = cases.Milestones{Registered: c7.CreatedAt, Classified: c7.CreatedAt, Assigned: c7.CreatedAt,
		PlanWritten: c7.CreatedAt.Add(h), Started: c7.CreatedAt.Add(5 * h), Resolved: b.at(29, 10, 0), ResolveNotified: b.at(29, 11, 30)}
	all = append(all, c1, c2, c3, c4, c5, c6, c7)

	// Outside the period: a minute before it and at its end.
	x1 := mk(b.at(1, 0, 0).Add(-time.Minute), b.at(1, 0, 0).Add(-20*time.Minute), cases.CategoryTechnical, "crash", cases.P1, "webchat", "webchat", cases.StateResolved)
	x1.Milestones = cases.Milestones{Resolved: b.at(1, 8, 0)}
	// Complaints count in the period they were opened in, whenever their
	// case was registered (x1's counts, c1's does not).
	c3.Complaints = []cases.Complaint{
		{N: 1, Stage: cases.ComplaintClosed, Source: cases.ComplaintFromSurvey, OpenedAt: b.at(10, 14, 0), Valid: true,
			JudgedAt: b.at(10, 16, 0), Classification: cases.ComplaintClassResult, FollowUpAt: b.at(12, 14, 0)},
		{N: 2, Stage: cases.ComplaintFollowUp, Source: cases.ComplaintFromCustomer, OpenedAt: b.at(11, 9, 0).UTC(), JudgedAt: b.at(11, 10, 0).UTC()},
	}
	c7.Complaints = []cases.Complaint{{N: 1, Stage: cases.ComplaintReceived, Source: cases.ComplaintFromStaff, OpenedAt: b.at(29, 12, 0)}}
	x1.Complaints = []cases.Complaint{{N: 1, Stage: cases.ComplaintInvestigating, Source: cases.ComplaintFromCustomer,
		OpenedAt: b.at(2, 9, 0), Valid: true, JudgedAt: b.at(2, 12, 0)}}
	c1.Complaints = []cases.Complaint{{N: 1, Stage: cases.ComplaintReceived, Source: cases.ComplaintFromCustomer, OpenedAt: time.Date(2026, 12, 2, 9, 0, 0, 0, b.sh)}}
	x2 := mk(time.Date(2026, 12, 1, 0, 0, 0, 0, b.sh), time.Time{}, cases.CategoryQuality, "crack", cases.P2, "email", "email", cases.StateRegistered)

	surveys := []struct {
		c       *cases.Case
		scores  string
		comment string
	}{
		{c1, "timeliness=5,professionalism=4,effectiveness=5", "师傅很专业"},
		{c3, "timeliness=1,professionalism=1,effectiveness=1", "太慢"},
		{c3, "timeliness=2,professionalism=3,effectiveness=2", ""}, // the latest counts
		{c2, "timeliness=4", "还在等"},
		{x1, "timeliness=1,professionalism=1,effectiveness=1", "outside"},
	}
	err := b.st.InTx(b.ctx, func(ctx context.Context, tx service.Tx) error {
		for _, c := range append(slices.Clone(all), x1, x2) {
			if err := tx.CaseInsert(ctx, c); err != nil {
				return err
			}
		}
		for i, s := range surveys {
			at := s.c.CreatedAt.Add(time.Duration(i+1) * time.Hour)
			if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: s.c.ID, At: at, Actor: "customer", Action: "survey", To: s.scores, Reason: s.comment}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	b.seeded = all
}

func (b *reportBundle) report(u cases.User, f service.ReportFilter) service.Report {
	b.t.Helper()
	r, err := b.svc.Team().ReportSummary(b.ctx, u, f)
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

func counts(kv ...any) []service.ReportCount {
	out := []service.ReportCount{}
	for i := 0; i < len(kv); i += 2 {
		out = append(out, service.ReportCount{Key: kv[i].(string), Count: kv[i+1].(int)})
	}
	return out
}

func TestReportSummary(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			sup := b.user("张主管", cases.RoleSupervisor, cases.DeptCustomerService)
			nov := service.ReportFilter{From: b.at(1, 0, 0), To: time.Date(2026, 12, 1, 0, 0, 0, 0, b.sh)}
			r := b.report(sup, nov)

			v := r.Volume
			if v.Total != 7 {
				t.Errorf("total = %d, want 7", v.Total)
			}
			for _, tc := range []struct {
				name      string
				got, want []service.ReportCount
			}{
				{"category", v.ByCategory, counts("consultation", 1, "logistics", 2, "quality", 2, "technical", 2)},
				{"subtype", v.BySubtype, counts("consultation/", 1, "logistics/late_delivery", 1, "logistics/wrong_item", 1,
					"quality/crack", 1, "quality/scratch", 1, "technical/crash", 2)},
				{"priority", v.ByPriority, counts("P1", 3, "P2", 2, "P3", 2)},
				{"department", v.ByDepartment, counts("customer_service", 1, "logistics", 2, "quality_control", 2, "technical_support", 2)},
				{"channel", v.ByChannel, counts("email", 1, "hotline", 1, "telegram", 1, "webchat", 3, "wechat", 1)},
				{"source", v.BySource, counts("dealer", 1, "email", 1, "hotline", 1, "telegram", 1, "webchat", 3)},
			} {
				if !slices.Equal(tc.got, tc.want) {
					t.Errorf("by %s = %v, want %v", tc.name, tc.got, tc.want)
				}
			}
			// Days are local: c1 at 00:00 on Nov 1 is Oct 31 in UTC, c2 at
			// 01:00 on Nov 6 is Nov 5.
			wantDays := map[string]int{"2026-11-01": 1, "2026-11-06": 1, "2026-11-10": 1, "2026-11-15": 1, "2026-11-20": 2, "2026-11-28": 1}
			if len(v.PerDay) != 30 || v.PerDay[0].Key != "2026-11-01" || v.PerDay[29].Key != "2026-11-30" {
				t.Fatalf("per day = %v, want the 30 days of November", v.PerDay)
			}
			for _, d := range v.PerDay {
				if d.Count != wantDays[d.Key] {
					t.Errorf("day %s = %d, want %d", d.Key, d.Count, wantDays[d.Key])
				}
			}

			// Actual times (start to done, met or late), sorted: first
			// response 5, 11, 45 min; registration 5, 10, 10, 10, 10;
			// classification 0 ×5, 120; start-by 180, 180, 300; plan 60,
			// 60, 180; notice 30, 90, 90. Nearest rank: the median is the
			// ⌈n/2⌉th, the 90th percentile the ⌈0.9n⌉th.
			m := time.Minute
			wantSLA := []service.ReportClock{
				{Clock: cases.ClockFirstResponse, Met: 2, Missed: 1, Pending: 1, Median: 11 * m, P90: 45 * m},
				{Clock: cases.ClockRegistration, Met: 5, Median: 10 * m, P90: 10 * m},
				{Clock: cases.ClockClassification, Met: 5, Missed: 2, Median: 0, P90: 120 * m},
				{Clock: cases.ClockStartBy, Met: 2, Missed: 2, Pending: 2, Median: 180 * m, P90: 300 * m},
				{Clock: cases.ClockPlan, Met: 2, Missed: 2, Pending: 1, Median: 60 * m, P90: 180 * m},
				{Clock: cases.ClockResolveNotice, Met: 2, Missed: 1, Median: 90 * m, P90: 90 * m},
			}
			for i, k := range wantSLA {
				if d := k.Met + k.Missed; d > 0 {
					wantSLA[i].Rate = float64(k.Met) / float64(d)
				}
				wantSLA[i].MedianMinutes, wantSLA[i].P90Minutes = k.Median.Minutes(), k.P90.Minutes()
			}
			if !slices.Equal(r.SLA, wantSLA) {
				t.Errorf("sla =\n%+v, want\n%+v", r.SLA, wantSLA)
			}
			// The SQL restates cases.SLAPolicy.Clocks: both must agree.
			if got := clocksInGo(b.seeded, b.clk.Now()); !sameCounts(r.SLA, got) {
				t.Errorf("sla = %+v, but cases.SLAPolicy.Clocks counts %+v", r.SLA, got)
			}

			s := r.Satisfaction
			if s.Asked != 4 || s.Answered != 3 || s.ResponseRate != 0.75 {
				t.Errorf("asked %d answered %d rate %v, want 4, 3, 0.75", s.Asked, s.Answered, s.ResponseRate)
			}
			wantDims := []service.ReportDimension{
				{Dimension: "timeliness", Answers: 3, Mean: 11.0 / 3, Distribution: [5]int{0, 1, 0, 1, 1}},
				{Dimension: "professionalism", Answers: 2, Mean: 3.5, Distribution: [5]int{0, 0, 1, 1, 0}},
				{Dimension: "effectiveness", Answers: 2, Mean: 3.5, Distribution: [5]int{0, 1, 0, 0, 1}},
			}
			if !slices.Equal(s.Dimensions, wantDims) {
				t.Errorf("dimensions =\n%+v, want\n%+v", s.Dimensions, wantDims)
			}

			k := r.Complaints
			if k.Total != 4 || k.HoursToJudge != 2 || k.HoursToClose != 48 {
				t.Errorf("complaints %d, %v h to judge, %v h to close; want 4, 2, 48", k.Total, k.HoursToJudge, k.HoursToClose)
			}
			for _, tc := range []struct {
				name      string
				got, want []service.ReportCount
			}{
				{"classification", k.ByClassification, counts("", 3, "handling_result", 1)},
				{"validity", k.ByValidity, counts("invalid", 1, "not_judged", 1, "valid", 2)},
				{"source", k.BySource, counts("customer", 2, "staff", 1, "survey", 1)},
				{"stage", k.ByStage, counts("closed", 1, "follow_up", 1, "investigating", 1, "received", 1)},
			} {
				if !slices.Equal(tc.got, tc.want) {
					t.Errorf("complaints by %s = %v, want %v", tc.name, tc.got, tc.want)
				}
			}

			wantWork := service.ReportWorkloads{
				Handlers: []service.ReportWorkload{{Key: strconv.FormatInt(b.handler.ID, 10), Name: b.handler.Name,
					Cases: 2, Open: 1, Resolved: 1, MedianHoursToResolve: 3}},
				Departments: []service.ReportWorkload{
					{Key: "customer_service", Cases: 1, Open: 1, Overdue: 1},
					{Key: "logistics", Cases: 2, Open: 1, Overdue: 1},
					{Key: "quality_control", Cases: 2, Resolved: 2, MedianHoursToResolve: 8.5},
					{Key: "technical_support", Cases: 2, Open: 1, Resolved: 1, MedianHoursToResolve: 34},
				},
			}
			if !reflect.DeepEqual(r.Workload, wantWork) {
				t.Errorf("workload =\n%+v, want\n%+v", r.Workload, wantWork)
			}
			// Overdue is what the case list's overdue filter shows.
			overdue := map[string]int{}
			for _, c := range b.seeded {
				if len(configs.Default().SLA.Breaches(c, b.clk.Now())) > 0 {
					overdue[string(c.Department)]++
				}
			}
			for _, d := range r.Workload.Departments {
				if d.Overdue != overdue[d.Key] {
					t.Errorf("%s: %d overdue, cases.SLAPolicy.Breaches finds %d", d.Key, d.Overdue, overdue[d.Key])
				}
			}

			// The latest answers with a comment, newest first: c2's (Nov 6
			// 05:00), c1's (Nov 1 01:00); c3's latest has none.
			wantComments := []service.ReportComment{
				{Number: b.seeded[1].Number, At: b.at(6, 5, 0), Scores: map[string]int{"timeliness": 4}, Comment: "还在等"},
				{Number: b.seeded[0].Number, At: b.at(1, 1, 0), Scores: map[string]int{"timeliness": 5, "professionalism": 4, "effectiveness": 5}, Comment: "师傅很专业"},
			}
			if len(s.Comments) != len(wantComments) {
				t.Fatalf("comments %+v, want %+v", s.Comments, wantComments)
			}
			for i, c := range s.Comments {
				w := wantComments[i]
				if c.Number != w.Number || !c.At.Equal(w.At) || c.Comment != w.Comment || !reflect.DeepEqual(c.Scores, w.Scores) {
					t.Errorf("comment %d = %+v, want %+v", i, c, w)
				}
			}

			// This month is the default period.
			if def := b.report(sup, service.ReportFilter{}); def.Volume.Total != 7 || !def.From.Equal(nov.From) || !def.To.Equal(nov.To) {
				t.Errorf("default period %s–%s with %d cases, want November's 7", def.From, def.To, def.Volume.Total)
			}
		})
	}
}

func TestReportFilters(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			admin := b.user("admin", cases.RoleAdmin, "")
			for _, tc := range []struct {
				name         string
				f            service.ReportFilter
				total        int
				startByMet   int
				answered     int
				firstPending int
				complaints   int
			}{
				{"department", service.ReportFilter{Department: cases.DeptTechnicalSupport}, 2, 1, 1, 1, 1},
				{"priority", service.ReportFilter{Priority: cases.P1}, 3, 1, 1, 1, 2},
				{"channel", service.ReportFilter{Channel: "webchat"}, 3, 1, 1, 1, 1},
				{"category", service.ReportFilter{Category: cases.CategoryQuality}, 2, 1, 1, 0, 3},
				{"handler", service.ReportFilter{Assignee: b.handler.ID}, 2, 1, 1, 1, 2},
				{"two filters", service.ReportFilter{Channel: "webchat", Priority: cases.P2}, 1, 0, 0, 0, 0},
				{"local dates", service.ReportFilter{FromDate: "2026-11-20", ToDate: "2026-11-21"}, 2, 0, 0, 1, 0},
				{"a partial day", service.ReportFilter{From: b.at(20, 11, 30), To: b.at(20, 12, 0)}, 1, 0, 0, 1, 0},
			} {
				r := b.report(admin, tc.f)
				if r.Volume.Total != tc.total || r.SLA[3].Met != tc.startByMet || r.Satisfaction.Answered != tc.answered || r.SLA[0].Pending != tc.firstPending || r.Complaints.Total != tc.complaints {
					t.Errorf("%s: total %d, start-by met %d, answered %d, first response pending %d, complaints %d; want %d, %d, %d, %d, %d", tc.name,
						r.Volume.Total, r.SLA[3].Met, r.Satisfaction.Answered, r.SLA[0].Pending, r.Complaints.Total,
						tc.total, tc.startByMet, tc.answered, tc.firstPending, tc.complaints)
				}
			}
			if r := b.report(admin, service.ReportFilter{From: b.at(20, 11, 30), To: b.at(20, 12, 0)}); len(r.Volume.PerDay) != 1 || r.Volume.PerDay[0] != (service.ReportCount{Key: "2026-11-20", Count: 1}) {
				t.Errorf("per day of half an hour = %v", r.Volume.PerDay)
			}
		})
	}
}

func TestReportPermissions(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			head := b.user("质检经理", cases.RoleHead, cases.DeptQualityControl)
			// A head sees their own department, asked or not.
			for _, f := range []service.ReportFilter{{}, {Department: cases.DeptQualityControl}} {
				if r := b.report(head, f); r.Volume.Total != 2 || !slices.Equal(r.Volume.ByDepartment, counts("quality_control", 2)) || r.Complaints.Total != 3 {
					t.Errorf("head's report %+v: %+v, want quality control's 2 cases", f, r.Volume)
				}
			}
			if _, err := b.svc.Team().ReportSummary(b.ctx, head, service.ReportFilter{Department: cases.DeptLogistics}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("head asking for another department: %v, want forbidden", err)
			}
			for _, u := range []cases.User{b.handler, b.user("小李", cases.RoleSpecialist, cases.DeptCustomerService)} {
				if _, err := b.svc.Team().ReportSummary(b.ctx, u, service.ReportFilter{}); cases.ErrorCode(err) != cases.EForbidden {
					t.Errorf("%s: %v, want forbidden", u.Role, err)
				}
			}
			sup := b.user("张主管", cases.RoleSupervisor, cases.DeptCustomerService)
			for _, f := range []service.ReportFilter{
				{From: b.at(2, 0, 0), To: b.at(1, 0, 0)},
				{From: b.at(2, 0, 0)},
				{From: b.at(1, 0, 0), To: b.at(1, 0, 0).AddDate(2, 0, 0)},
				{Department: "sales"},
				{FromDate: "2026-11-31", ToDate: "2026-12-01"},
			} {
				if _, err := b.svc.Team().ReportSummary(b.ctx, sup, f); cases.ErrorCode(err) != cases.EInvalid {
					t.Errorf("%+v: %v, want invalid", f, err)
				}
			}
		})
	}
}

// clocksInGo counts the clocks of cs as the case page shows them.
func clocksInGo(cs []*cases.Case, now time.Time) map[cases.ClockName][3]int {
	out := map[cases.ClockName][3]int{}
	for _, c := range cs {
		for _, k := range configs.Default().SLA.Clocks(c, now) {
			n := out[k.Name]
			switch k.Status {
			case cases.ClockMet:
				n[0]++
			case cases.ClockMissed:
				n[1]++
			case cases.ClockPending:
				n[2]++
			}
			out[k.Name] = n
		}
	}
	return out
}

func sameCounts(got []service.ReportClock, want map[cases.ClockName][3]int) bool {
	if len(got) != len(want) {
		return false
	}
	for _, k := range got {
		if want[k.Clock] != [3]int{k.Met, k.Missed, k.Pending} {
			return false
		}
	}
	return true
}

func TestReportCases(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			sup := b.user("张主管", cases.RoleSupervisor, cases.DeptCustomerService)
			var got []service.ReportCase
			err := b.svc.Team().ReportCases(b.ctx, sup, service.ReportFilter{}, func(rc service.ReportCase) error {
				got = append(got, rc)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Oldest first: c1, c2, c3, c6, c4, c5, c7.
			order := []int{0, 1, 2, 5, 3, 4, 6}
			if len(got) != len(order) {
				t.Fatalf("%d cases, want %d", len(got), len(order))
			}
			for i, j := range order {
				if got[i].Case.ID != b.seeded[j].ID {
					t.Errorf("row %d is case %d, want %d", i, got[i].Case.ID, b.seeded[j].ID)
				}
			}
			c3 := got[2]
			if want := map[string]int{"timeliness": 2, "professionalism": 3, "effectiveness": 2}; !reflect.DeepEqual(c3.Survey, want) {
				t.Errorf("c3 survey %v, want the latest %v", c3.Survey, want)
			}
			if want := map[string]int{"timeliness": 4}; !reflect.DeepEqual(got[1].Survey, want) {
				t.Errorf("c2 survey %v, want %v", got[1].Survey, want)
			}
			if got[3].Survey != nil || c3.Case.Assignee != b.handler.ID || c3.Zone != b.sh {
				t.Errorf("c6 survey %v; c3 assignee %d, zone %v", got[3].Survey, c3.Case.Assignee, c3.Zone)
			}
			if k := c3.Clocks[4]; k.Name != cases.ClockPlan || k.Status != cases.ClockMissed {
				t.Errorf("c3 plan clock %+v, want missed", k)
			}
			if err := b.svc.Team().ReportCases(b.ctx, b.handler, service.ReportFilter{}, func(service.ReportCase) error { return nil }); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler's export: %v, want forbidden", err)
			}
		})
	}
}
