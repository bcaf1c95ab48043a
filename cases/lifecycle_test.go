package cases_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// cst is China Standard Time, the zone of most kefu customers (no DST).
var cst = time.FixedZone("CST", 8*3600)

// t0 is a Monday morning; every case in these tests is registered then.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, cst)

// assigned returns a case as the intake leaves it: registered, classified
// and assigned to its department at t0.
func assigned(cat cases.Category, pr cases.Priority) *cases.Case {
	p := cases.DefaultSLA()
	return &cases.Case{
		ID: 42, Number: "K-000042", Category: cat, Priority: pr, Department: cases.Route(cat),
		State: cases.StateAssigned, Escalated: pr == cases.P1,
		Deadlines: p.IntakeDeadlines(t0.Add(-20*time.Minute), t0, pr),
		CreatedAt: t0, UpdatedAt: t0,
		Milestones: cases.Milestones{Registered: t0, Classified: t0, Assigned: t0, FirstResponse: t0.Add(-15 * time.Minute)},
	}
}

func onsite(now time.Time) cases.PlanParams {
	return cases.PlanParams{
		Type: cases.PlanOnSiteRepair, Description: "engineer replaces the power board",
		VisitAt: now.Add(5 * time.Hour), PromisedAt: now.Add(30 * time.Hour),
	}
}

func actions(hist []cases.Change) []string {
	var out []string
	for _, h := range hist {
		a := h.Action
		if a == "state" {
			a += ":" + h.To
		}
		out = append(out, a)
	}
	return out
}

// must(t)(c.Op(...)) fails the test when the operation is refused.
func must(t *testing.T) func([]cases.Change, error) []cases.Change {
	return func(hist []cases.Change, err error) []cases.Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return hist
	}
}

func TestP1PlanTakesEffectOnlyAfterHeadApproves(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryTechnical, cases.P1)
	at := t0.Add(time.Hour)
	hist := must(t)(c.SetPlan(techHandler, onsite(at), at))
	if c.State != cases.StatePendingApproval || c.Plan.Status != cases.PlanPendingApproval {
		t.Fatalf("P1 plan: state %s, plan %s; want it waiting for the head", c.State, c.Plan.Status)
	}
	if got := actions(hist); !reflect.DeepEqual(got, []string{"plan", "state:pending_approval"}) {
		t.Errorf("history %v", got)
	}
	if hist[0].Actor != "user:3" || !strings.Contains(hist[0].To, "power board") {
		t.Errorf("plan entry %+v: want the handler and the plan", hist[0])
	}
	if !c.Milestones.PlanWritten.Equal(at) || !c.Milestones.Started.IsZero() {
		t.Errorf("plan written %v, started %v: the plan clock stops, handling has not started", c.Milestones.PlanWritten, c.Milestones.Started)
	}
	if _, err := c.Start(techHandler, at); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("work started on an unapproved P1 plan: %v", err)
	}
	if _, err := c.Approve(techHandler, "", at); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("handler approved own P1 plan: %v", err)
	}
	if _, err := c.Approve(logHead, "", at); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("another department's head approved: %v", err)
	}
	approved := at.Add(30 * time.Minute)
	hist = must(t)(c.Approve(techHead, "ok, take the spare from stock", approved))
	if c.State != cases.StatePlanned || c.Plan.Status != cases.PlanInEffect || c.Plan.DecidedBy != "user:4" {
		t.Fatalf("after approval: state %s, plan %+v", c.State, c.Plan)
	}
	if got := actions(hist); !reflect.DeepEqual(got, []string{"plan_approved", "state:planned"}) || hist[0].Reason != "ok, take the spare from stock" {
		t.Errorf("history %v %+v", got, hist[0])
	}
	if !c.Milestones.Started.Equal(approved) {
		t.Errorf("started %v, want the approval time %v", c.Milestones.Started, approved)
	}
	if _, err := c.Approve(techHead, "", approved); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("approved twice: %v", err)
	}
	must(t)(c.Start(techHandler, approved.Add(time.Hour)))
	if c.State != cases.StateInProgress || !c.Milestones.Started.Equal(approved) {
		t.Errorf("start: state %s, started %v (the first start counts)", c.State, c.Milestones.Started)
	}
}

func TestRejectedPlanGoesBackToTheHandler(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryTechnical, cases.P1)
	must(t)(c.SetPlan(techHandler, onsite(t0), t0))
	if _, err := c.Reject(techHead, "  ", t0); cases.ErrorCode(err) != cases.EInvalid || !strings.Contains(err.Error(), "comment") {
		t.Fatalf("reject without comment: %v", err)
	}
	hist := must(t)(c.Reject(techHead, "send two engineers: it is a production line", t0.Add(time.Hour)))
	if c.State != cases.StateAssigned || c.Plan.Status != cases.PlanRejected || c.Plan.Comment != "send two engineers: it is a production line" {
		t.Fatalf("after reject: state %s, plan %+v", c.State, c.Plan)
	}
	if got := actions(hist); !reflect.DeepEqual(got, []string{"plan_rejected", "state:assigned"}) {
		t.Errorf("history %v", got)
	}
	p := onsite(t0.Add(2 * time.Hour))
	p.Description = "two engineers replace the power board"
	must(t)(c.SetPlan(techHandler, p, t0.Add(2*time.Hour)))
	if c.Plan.Version != 2 || c.State != cases.StatePendingApproval {
		t.Errorf("second plan: version %d, state %s", c.Plan.Version, c.State)
	}
	if !c.Milestones.PlanWritten.Equal(t0) {
		t.Errorf("plan clock moved to %v: the first plan was written on time", c.Milestones.PlanWritten)
	}
}

func TestNonP1PlanTakesEffectAtOnce(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryLogistics, cases.P2)
	at := t0.Add(30 * time.Minute)
	hist := must(t)(c.SetPlan(logHandler, cases.PlanParams{Type: cases.PlanReship, Description: "reship the missing filter", PromisedAt: at.Add(20 * time.Hour), SameCity: true}, at))
	if c.State != cases.StatePlanned || c.Plan.Status != cases.PlanInEffect || !c.Milestones.Started.Equal(at) {
		t.Fatalf("P2 plan: state %s, plan %s, started %v", c.State, c.Plan.Status, c.Milestones.Started)
	}
	if got := actions(hist); !reflect.DeepEqual(got, []string{"plan", "state:planned"}) {
		t.Errorf("history %v", got)
	}
	unclassified := &cases.Case{Number: "K-000043", State: cases.StateAssigned, Department: cases.DeptLogistics}
	if _, err := unclassified.SetPlan(logHandler, c.Plan.PlanParams, at); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("plan for a case without a category: %v", err)
	}
	if _, err := c.SetPlan(logHandler, c.Plan.PlanParams, at); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("second SetPlan on a plan in effect: %v, want a conflict pointing to plan change", err)
	}
}

func TestPlanValidation(t *testing.T) {
	t.Parallel()
	now := t0.Add(time.Hour)
	tests := []struct {
		name string
		cat  cases.Category
		pr   cases.Priority
		p    cases.PlanParams
		want string // substring of the EInvalid message, "" for valid
	}{
		{"technical on-site", cases.CategoryTechnical, cases.P2, onsite(now), ""},
		{"technical refund", cases.CategoryTechnical, cases.P3, cases.PlanParams{Type: cases.PlanRefund, Description: "refund", PromisedAt: now.Add(72 * time.Hour)}, ""},
		{"no type lists the choices", cases.CategoryTechnical, cases.P2, cases.PlanParams{Description: "x", PromisedAt: now.Add(time.Hour)}, "plan.type: required, one of onsite_repair, factory_repair, exchange, refund, remote_guidance"},
		{"reship is not a technical plan", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanReship, Description: "x", PromisedAt: now.Add(time.Hour)}, `"reship" is not a plan for a technical case`},
		{"refund is not a logistics plan", cases.CategoryLogistics, cases.P2, cases.PlanParams{Type: cases.PlanRefund, Description: "x", PromisedAt: now.Add(time.Hour)}, "(reship, exchange)"},
		{"quality compensation", cases.CategoryQuality, cases.P3, cases.PlanParams{Type: cases.PlanCompensation, Description: "free repair plus one year extended warranty", PromisedAt: now.Add(96 * time.Hour)}, ""},
		{"consultation guide", cases.CategoryConsultation, cases.P3, cases.PlanParams{Type: cases.PlanGuide, Description: "descaling guide", PromisedAt: now.Add(10 * time.Minute)}, ""},
		{"no description", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanRemoteGuidance, Description: " ", PromisedAt: now.Add(time.Hour)}, "plan.description: required"},
		{"no promised time", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanRemoteGuidance, Description: "call"}, "plan.promised_at: required"},
		{"promised in the past", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanRemoteGuidance, Description: "call", PromisedAt: now.Add(-time.Minute)}, "not in the future"},
		{"on-site needs a visit time", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "visit", PromisedAt: now.Add(time.Hour)}, "plan.visit_at: required"},
		{"visit after completion", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "visit", VisitAt: now.Add(3 * time.Hour), PromisedAt: now.Add(2 * time.Hour)}, "after the promised completion"},
		{"P1 on-site within 48 h", cases.CategoryTechnical, cases.P1, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "visit", VisitAt: now.Add(48 * time.Hour), PromisedAt: now.Add(50 * time.Hour)}, ""},
		{"P1 on-site after 48 h", cases.CategoryTechnical, cases.P1, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "visit", VisitAt: now.Add(49 * time.Hour), PromisedAt: now.Add(50 * time.Hour)}, "P1 on-site inspection must happen within 48 h, by 2026-03-04 10:00 +08:00"},
		{"P2 on-site may take longer", cases.CategoryTechnical, cases.P2, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "visit", VisitAt: now.Add(72 * time.Hour), PromisedAt: now.Add(73 * time.Hour)}, ""},
		{"same city arrives within 24 h", cases.CategoryLogistics, cases.P2, cases.PlanParams{Type: cases.PlanReship, Description: "x", SameCity: true, PromisedAt: now.Add(24 * time.Hour)}, ""},
		{"same city late", cases.CategoryLogistics, cases.P2, cases.PlanParams{Type: cases.PlanReship, Description: "x", SameCity: true, PromisedAt: now.Add(30 * time.Hour)}, "same city must arrive within 24 h"},
		{"other city within 48 h", cases.CategoryLogistics, cases.P3, cases.PlanParams{Type: cases.PlanExchange, Description: "x", PromisedAt: now.Add(48 * time.Hour)}, ""},
		{"other city late", cases.CategoryLogistics, cases.P3, cases.PlanParams{Type: cases.PlanExchange, Description: "x", PromisedAt: now.Add(49 * time.Hour)}, "another city must arrive within 48 h"},
		{"expert answer within 1 h", cases.CategoryConsultation, cases.P3, cases.PlanParams{Type: cases.PlanExpertAnswer, Description: "x", PromisedAt: now.Add(61 * time.Minute)}, "expert answer is due within 1 h"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := assigned(tc.cat, tc.pr)
			u := cases.User{ID: 9, Name: "a", Role: cases.RoleAdmin}
			before := *c
			_, err := c.SetPlan(u, tc.p, now)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if cases.ErrorCode(err) != cases.EInvalid || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want invalid with %q", err, tc.want)
			}
			if !reflect.DeepEqual(*c, before) {
				t.Errorf("a refused plan changed the case: %+v", c)
			}
		})
	}
}

func TestPlanChangeTellsHeadAndCustomerAtOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pr        cases.Priority
		wantState cases.State
		wantPlan  cases.PlanStatus
	}{
		{cases.P2, cases.StateInProgress, cases.PlanInEffect},
		{cases.P1, cases.StatePendingApproval, cases.PlanPendingApproval}, // the head approves the new P1 plan too
	}
	for _, tc := range tests {
		t.Run(string(tc.pr), func(t *testing.T) {
			t.Parallel()
			c := assigned(cases.CategoryTechnical, tc.pr)
			c.Escalated = false
			must(t)(c.SetPlan(techHandler, onsite(t0), t0))
			if tc.pr == cases.P1 {
				must(t)(c.Approve(techHead, "", t0))
			}
			must(t)(c.Start(techHandler, t0))
			now := t0.Add(6 * time.Hour)
			newPlan := cases.PlanParams{Type: cases.PlanExchange, Description: "exchange for a new unit", PromisedAt: now.Add(40 * time.Hour)}
			for _, bad := range []cases.ChangePlanParams{
				{Alternative: "loaner", Plan: newPlan},
				{Reason: "out of stock", Plan: newPlan},
				{Reason: "out of stock", Alternative: "loaner", Plan: cases.PlanParams{Type: cases.PlanReship, Description: "x", PromisedAt: now.Add(time.Hour)}},
			} {
				if _, err := c.ChangePlan(techHandler, bad, now); cases.ErrorCode(err) != cases.EInvalid {
					t.Errorf("%+v: %v, want invalid", bad, err)
				}
			}
			hist := must(t)(c.ChangePlan(techHandler, cases.ChangePlanParams{
				Reason: "power board out of stock until next month", Alternative: "我们明天先给您送一台备用机", Plan: newPlan,
			}, now))
			want := []string{"plan_changed", "note", "escalated"}
			if tc.pr == cases.P1 {
				want = append(want, "state:pending_approval")
			}
			if got := actions(hist); !reflect.DeepEqual(got, want) {
				t.Fatalf("history %v, want %v", got, want)
			}
			if !strings.Contains(hist[0].From, "onsite_repair") || !strings.Contains(hist[0].To, "exchange") || hist[0].Reason != "power board out of stock until next month" {
				t.Errorf("plan change entry %+v", hist[0])
			}
			if !hist[1].Visible || hist[1].To != "我们明天先给您送一台备用机" {
				t.Errorf("alternative %+v: want a customer-visible note", hist[1])
			}
			if hist[2].To != "department_head" || !c.Escalated {
				t.Errorf("escalation %+v, flag %v", hist[2], c.Escalated)
			}
			if c.State != tc.wantState || c.Plan.Status != tc.wantPlan || c.Plan.Version != 2 {
				t.Errorf("state %s, plan %s v%d", c.State, c.Plan.Status, c.Plan.Version)
			}
			if got := cases.ProgressSince(hist, t0); len(got) != 0 {
				t.Errorf("the alternative would be repeated in the next update: %+v", got)
			}
		})
	}
}

func TestResolveNeedsProof(t *testing.T) {
	t.Parallel()
	now := t0.Add(20 * time.Hour)
	tests := []struct {
		name string
		p    cases.ResolveParams
		want string
	}{
		{"text and attachment", cases.ResolveParams{Proof: "power board replaced, tested 2 h", Attachment: "att-17"}, ""},
		{"text and link", cases.ResolveParams{Proof: "delivered", Link: "https://track.example.com/SF123"}, ""},
		{"no text", cases.ResolveParams{Attachment: "att-17"}, "resolution.proof: required"},
		{"text only", cases.ResolveParams{Proof: "fixed"}, "resolution.attachment"},
		{"not a link", cases.ResolveParams{Proof: "fixed", Link: "see photo"}, "resolution.link"},
		{"other scheme", cases.ResolveParams{Proof: "fixed", Link: "javascript:alert(1)"}, "resolution.link"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := assigned(cases.CategoryTechnical, cases.P2)
			must(t)(c.SetPlan(techHandler, onsite(t0), t0))
			hist, err := c.Resolve(techHandler, tc.p, now)
			if tc.want != "" {
				if cases.ErrorCode(err) != cases.EInvalid || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err %v, want invalid with %q", err, tc.want)
				}
				if c.State != cases.StatePlanned || c.Resolution != nil {
					t.Errorf("refused resolution changed the case: %s", c.State)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.State != cases.StateResolved || c.Resolution == nil || !c.Milestones.Resolved.Equal(now) {
				t.Fatalf("state %s, resolution %+v", c.State, c.Resolution)
			}
			if got := actions(hist); !reflect.DeepEqual(got, []string{"state:resolved", "resolved"}) || hist[1].To != tc.p.Proof {
				t.Errorf("history %v %+v", got, hist)
			}
		})
	}
}

func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	proof := cases.ResolveParams{Proof: "answered", Link: "https://kb.example.com/descale"}
	t.Run("consultation answered directly", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryConsultation, cases.P3)
		must(t)(c.Resolve(specialist, proof, t0.Add(10*time.Minute)))
		if c.State != cases.StateResolved || !c.Milestones.Started.Equal(t0.Add(10*time.Minute)) {
			t.Errorf("state %s, started %v", c.State, c.Milestones.Started)
		}
	})
	t.Run("P1 waiting for approval", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P1)
		must(t)(c.SetPlan(techHandler, onsite(t0), t0))
		if _, err := c.Resolve(techHandler, proof, t0); cases.ErrorCode(err) != cases.EConflict || !strings.Contains(err.Error(), "department head") {
			t.Errorf("resolved a P1 before approval: %v", err)
		}
	})
	t.Run("P1 without any plan", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P1)
		if _, err := c.Resolve(techHead, proof, t0); cases.ErrorCode(err) != cases.EConflict {
			t.Errorf("resolved a P1 without an approved plan: %v", err)
		}
	})
	t.Run("other department", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P3)
		if _, err := c.Resolve(logHandler, proof, t0); cases.ErrorCode(err) != cases.EForbidden {
			t.Errorf("logistics resolved a technical case: %v", err)
		}
	})
}

func TestFailedFunctionCheckReopens(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryTechnical, cases.P2)
	must(t)(c.SetPlan(techHandler, onsite(t0), t0))
	if !c.Plan.Type.NeedsFunctionCheck() {
		t.Fatal("an on-site repair asks the customer whether it works again")
	}
	must(t)(c.Resolve(techHandler, cases.ResolveParams{Proof: "board replaced", Attachment: "att-1"}, t0.Add(20*time.Hour)))
	c.Milestones.ResolveNotified = t0.Add(20*time.Hour + 5*time.Minute)
	if _, err := c.Reopen(cases.Customer, "", t0.Add(21*time.Hour)); cases.ErrorCode(err) != cases.EInvalid {
		t.Errorf("reopen without reason: %v", err)
	}
	hist := must(t)(c.Reopen(cases.Customer, "function check: still will not start", t0.Add(21*time.Hour)))
	if c.State != cases.StateInProgress || c.Resolution != nil || !c.Milestones.Resolved.IsZero() || !c.Milestones.ResolveNotified.IsZero() {
		t.Errorf("after reopen: state %s, resolution %+v, milestones %+v", c.State, c.Resolution, c.Milestones)
	}
	if len(hist) != 1 || hist[0].Actor != "customer" || hist[0].From != "resolved" || !strings.Contains(hist[0].Reason, "still will not start") {
		t.Errorf("history %+v", hist)
	}
	if c.Plan == nil || c.Plan.Status != cases.PlanInEffect {
		t.Errorf("the plan stays in effect after a reopen: %+v", c.Plan)
	}
	if _, err := c.Reopen(techHandler, "again", t0.Add(22*time.Hour)); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("reopened an open case: %v", err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryLogistics, cases.P3)
	if _, err := c.Close(logHandler, "duplicate", t0); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("a handler closed a case: %v", err)
	}
	if _, err := c.Close(supervisor, "", t0); cases.ErrorCode(err) != cases.EInvalid {
		t.Errorf("closed an unresolved case without a reason: %v", err)
	}
	hist := must(t)(c.Close(supervisor, "duplicate of K-000041", t0.Add(time.Hour)))
	if c.State != cases.StateClosed || !c.Milestones.Closed.Equal(t0.Add(time.Hour)) || hist[0].Reason != "duplicate of K-000041" {
		t.Errorf("state %s, closed %v, history %+v", c.State, c.Milestones.Closed, hist)
	}
	if _, err := c.Close(supervisor, "again", t0); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("closed twice: %v", err)
	}
	if _, err := c.AddNote(supervisor, cases.NoteParams{Text: "we will call", Visible: true}, t0); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("visible note on a closed case: %v", err)
	}
	must(t)(c.AddNote(supervisor, cases.NoteParams{Text: "customer called again, told them"}, t0))

	r := assigned(cases.CategoryConsultation, cases.P3)
	must(t)(r.Resolve(specialist, cases.ResolveParams{Proof: "answered", Link: "https://kb.example.com/1"}, t0))
	must(t)(r.Close(cases.Bot, "", t0.Add(24*time.Hour))) // after the survey, no reason needed
}

func TestNotes(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryTechnical, cases.P2)
	tests := []struct {
		u    cases.User
		n    cases.NoteParams
		want string // error code
	}{
		{techHandler, cases.NoteParams{Text: "工程师已出发,预计14:00到达", Visible: true}, ""},
		{techHandler, cases.NoteParams{Text: "customer sounds upset, handle gently"}, ""},
		{specialist, cases.NoteParams{Text: "customer called for status", Visible: false}, ""},
		{cases.Customer, cases.NoteParams{Text: "还是不行", Visible: true}, ""}, // not echoed back as progress
		{techHandler, cases.NoteParams{Text: "  "}, cases.EInvalid},
		{logHandler, cases.NoteParams{Text: "x"}, cases.EForbidden},
	}
	var hist []cases.Change
	for i, tc := range tests {
		h, err := c.AddNote(tc.u, tc.n, t0.Add(time.Duration(i)*time.Minute))
		if cases.ErrorCode(err) != tc.want {
			t.Errorf("%d: %v, want %q", i, err, tc.want)
		}
		hist = append(hist, h...)
	}
	got := cases.ProgressSince(hist, t0.Add(-time.Minute))
	if len(got) != 1 || got[0].To != "工程师已出发,预计14:00到达" || got[0].Actor != "user:3" {
		t.Errorf("progress for the customer: %+v; want only the visible note", got)
	}
	if got := cases.ProgressSince(hist, t0); len(got) != 0 {
		t.Errorf("progress since the note was sent: %+v", got)
	}
}

func TestOverride(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	t.Run("needs a supervisor and a reason", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P3)
		if _, err := c.Override(techHead, cases.OverrideParams{Priority: cases.P1, Reason: "x"}, p, t0); cases.ErrorCode(err) != cases.EForbidden {
			t.Errorf("head overrode: %v", err)
		}
		for _, bad := range []cases.OverrideParams{
			{Priority: cases.P1},
			{Priority: "P0", Reason: "x"},
			{Category: "billing", Reason: "x"},
			{Department: "sales", Reason: "x"},
			{Priority: cases.P3, Reason: "no change"},
		} {
			if _, err := c.Override(supervisor, bad, p, t0); cases.ErrorCode(err) != cases.EInvalid {
				t.Errorf("%+v: %v, want invalid", bad, err)
			}
		}
	})
	t.Run("priority up recomputes start-by and tells the head", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P3)
		now := t0.Add(3 * time.Hour)
		hist := must(t)(c.Override(supervisor, cases.OverrideParams{Priority: cases.P1, Reason: "enterprise customer's production line is down"}, p, now))
		if !c.Deadlines.StartBy.Equal(t0.Add(4 * time.Hour)) {
			t.Errorf("start by %v, want 4 h after registration %v", c.Deadlines.StartBy, t0.Add(4*time.Hour))
		}
		if got := actions(hist); !reflect.DeepEqual(got, []string{"override", "override", "escalated"}) {
			t.Errorf("history %v", got)
		}
		if hist[0].Field != "priority" || hist[0].From != "P3" || hist[0].To != "P1" || hist[0].Actor != "user:2" || hist[0].Reason == "" {
			t.Errorf("priority entry %+v", hist[0])
		}
		if hist[1].Field != "start_by" || !c.Escalated {
			t.Errorf("start-by entry %+v, escalated %v", hist[1], c.Escalated)
		}
	})
	t.Run("no longer P1: the pending plan takes effect", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P1)
		must(t)(c.SetPlan(techHandler, onsite(t0), t0))
		must(t)(c.Override(supervisor, cases.OverrideParams{Priority: cases.P2, Reason: "no smoke after all, one unit"}, p, t0.Add(time.Hour)))
		if c.State != cases.StatePlanned || c.Plan.Status != cases.PlanInEffect || !c.Deadlines.StartBy.Equal(t0.Add(8*time.Hour)) {
			t.Errorf("state %s, plan %s, start by %v", c.State, c.Plan.Status, c.Deadlines.StartBy)
		}
	})
	t.Run("category moves the case and withdraws the old plan", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryLogistics, cases.P2)
		c.Subtype = "damaged packaging"
		must(t)(c.SetPlan(logHandler, cases.PlanParams{Type: cases.PlanReship, Description: "reship", PromisedAt: t0.Add(40 * time.Hour)}, t0))
		now := t0.Add(5 * time.Hour)
		hist := must(t)(c.Override(supervisor, cases.OverrideParams{Category: cases.CategoryQuality, Subtype: "cracking", Reason: "the box was fine, the housing is cracked"}, p, now))
		if c.Department != cases.DeptQualityControl || c.State != cases.StateAssigned || c.Plan != nil || c.Subtype != "cracking" {
			t.Fatalf("department %s, state %s, plan %+v, subtype %q", c.Department, c.State, c.Plan, c.Subtype)
		}
		if !c.Milestones.Assigned.Equal(now) || !c.Milestones.PlanWritten.IsZero() {
			t.Errorf("plan clock: assigned %v, written %v; want it restarted for quality control", c.Milestones.Assigned, c.Milestones.PlanWritten)
		}
		want := []string{"override", "override", "override", "plan_withdrawn", "state:assigned"}
		if got := actions(hist); !reflect.DeepEqual(got, want) {
			t.Errorf("history %v, want %v", got, want)
		}
		if err := logHandler.Can(cases.ActionRead, c); cases.ErrorCode(err) != cases.EForbidden {
			t.Errorf("logistics still sees the case: %v", err)
		}
	})
	t.Run("a resolved case is relabelled for the reports only", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryConsultation, cases.P3)
		must(t)(c.Resolve(specialist, cases.ResolveParams{Proof: "answered", Attachment: "a"}, t0))
		must(t)(c.Override(supervisor, cases.OverrideParams{Category: cases.CategoryTechnical, Reason: "was a fault"}, p, t0.Add(time.Hour)))
		if c.State != cases.StateResolved || c.Department != cases.DeptTechnicalSupport {
			t.Errorf("state %s, department %s", c.State, c.Department)
		}
	})
}
