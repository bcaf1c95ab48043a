package cases_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// resolvedWithComplaint is a resolved technical case whose customer has
// just complained.
func resolvedWithComplaint(t *testing.T) *cases.Case {
	t.Helper()
	c := assigned(cases.CategoryTechnical, cases.P2)
	c.State = cases.StateResolved
	c.Fields = map[cases.FieldKey]string{cases.FieldCustomerName: "李雷"}
	must(t)(c.OpenComplaint(cases.Customer, cases.OpenComplaintParams{Source: cases.ComplaintFromCustomer, Content: "师傅迟到三小时还态度很差"}, t0))
	return c
}

// complaintStep is one step of the workflow, for tables.
type complaintStep struct {
	name string
	do   func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error)
	by   cases.User
}

func validJudgement(now time.Time) cases.JudgeComplaintParams {
	return cases.JudgeComplaintParams{Valid: true, Department: cases.DeptLogistics, InvestigationDue: now.Add(72 * time.Hour), Reason: "上门迟到属实"}
}

// walk is the whole workflow of a valid complaint, in order. The
// investigation is done by the head of the responsible department
// (logistics), not of the case's (technical).
var walk = []complaintStep{
	{"judge", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.JudgeComplaint(u, 1, validJudgement(now), now)
	}, supervisor},
	{"investigate", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.InvestigateComplaint(u, 1, cases.InvestigateComplaintParams{Cause: "调度排班冲突", ResponsibleParty: "物流调度组"}, now)
	}, logHead},
	{"plans", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.ProposeComplaintPlans(u, 1, []string{"书面道歉", "赠送延保一年", "退还上门费"}, now)
	}, supervisor},
	{"choose", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.ChooseComplaintPlan(u, 1, cases.ChooseComplaintPlanParams{Plan: 2, Comment: "成本合理"}, now)
	}, supervisor},
	{"acceptance", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.RecordComplaintAcceptance(u, 1, cases.ComplaintAcceptanceParams{Accepted: true, Feedback: "可以接受"}, now)
	}, supervisor},
	{"summary", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.SummarizeComplaint(u, 1, cases.ComplaintSummaryParams{Classification: cases.ComplaintClassTimeliness, Improvements: []string{"调度预留路上时间"}}, now)
	}, supervisor},
	{"follow-up", func(c *cases.Case, u cases.User, now time.Time) ([]cases.Change, error) {
		return c.CompleteComplaintFollowUp(u, 1, "客户表示满意", now)
	}, supervisor},
}

func TestComplaintWalksEveryStage(t *testing.T) {
	t.Parallel()
	c := resolvedWithComplaint(t)
	k := &c.Complaints[0]
	if k.N != 1 || k.Stage != cases.ComplaintReceived || k.Complainant != "李雷" || k.OpenedBy != "customer" || !c.Escalated {
		t.Fatalf("received: %+v (escalated %v)", k, c.Escalated)
	}
	wantStages := []cases.ComplaintStage{cases.ComplaintInvestigating, cases.ComplaintPlanning, cases.ComplaintProposed,
		cases.ComplaintCarryingOut, cases.ComplaintSummarizing, cases.ComplaintFollowUp, cases.ComplaintClosed}
	now := t0
	for i, st := range walk {
		now = now.Add(time.Hour)
		hist := must(t)(st.do(c, st.by, now))
		k = &c.Complaints[0]
		if k.Stage != wantStages[i] {
			t.Fatalf("%s: stage %s, want %s", st.name, k.Stage, wantStages[i])
		}
		if len(hist) != 1 || hist[0].Actor != st.by.Actor() || hist[0].Field != "complaint#1" || hist[0].To != string(wantStages[i]) || hist[0].Reason == "" || !hist[0].At.Equal(now) {
			t.Errorf("%s: history %+v", st.name, hist)
		}
	}
	if k.Plan() != "赠送延保一年" || k.ChosenBy != supervisor.Actor() || !k.CustomerAccepted || k.Classification != cases.ComplaintClassTimeliness ||
		k.Cause == "" || k.ResponsibleParty == "" || k.FollowUpAt.IsZero() || !k.Valid || k.Department != cases.DeptLogistics {
		t.Errorf("complaint after the walk: %+v", k)
	}
	if c.State != cases.StateResolved {
		t.Errorf("a complaint moved the case to %s", c.State)
	}
	// Closed: a new complaint may be opened, numbered 2.
	must(t)(c.OpenComplaint(supervisor, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Complainant: "李雷（电话）", Content: "延保卡没收到"}, now))
	if len(c.Complaints) != 2 || c.Complaints[1].N != 2 || c.Complaints[1].Complainant != "李雷（电话）" {
		t.Errorf("second complaint: %+v", c.Complaints)
	}
}

// Every step out of its stage is a conflict and changes nothing.
func TestComplaintStagesAreEnforced(t *testing.T) {
	t.Parallel()
	for done := 0; done <= len(walk); done++ {
		c := resolvedWithComplaint(t)
		now := t0
		for _, st := range walk[:done] {
			now = now.Add(time.Hour)
			must(t)(st.do(c, st.by, now))
		}
		for i, st := range walk {
			if i == done || (i == 2 && done == 3) { // plans may be proposed again until one is chosen
				continue
			}
			before := clone(c)
			if _, err := st.do(c, admin, now.Add(time.Minute)); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("after %d steps, %s: %v, want a conflict", done, st.name, err)
			}
			if !reflect.DeepEqual(before, c) {
				t.Errorf("after %d steps, a refused %s changed the case", done, st.name)
			}
		}
	}
}

func clone(c *cases.Case) *cases.Case {
	cp := *c
	cp.Complaints = nil
	for _, k := range c.Complaints {
		k.ProposedPlans = append([]string(nil), k.ProposedPlans...)
		k.Improvements = append([]string(nil), k.Improvements...)
		cp.Complaints = append(cp.Complaints, k)
	}
	return &cp
}

func TestInvalidComplaintIsExplainedAndFollowedUp(t *testing.T) {
	t.Parallel()
	c := resolvedWithComplaint(t)
	if _, err := c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Valid: false}, t0); !strings.HasPrefix(errMsg(err), "judgement.reason:") {
		t.Fatalf("invalid without a reason: %v", err)
	}
	hist := must(t)(c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Reason: "上门时间是客户改约的"}, t0))
	if k := c.Complaints[0]; k.Stage != cases.ComplaintFollowUp || k.Valid || k.JudgeReason != "上门时间是客户改约的" || !strings.HasPrefix(hist[0].Reason, "invalid: ") {
		t.Fatalf("invalid: %+v %+v", k, hist)
	}
	if _, err := c.InvestigateComplaint(supervisor, 1, cases.InvestigateComplaintParams{Cause: "x", ResponsibleParty: "y"}, t0); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("an invalid complaint was investigated: %v", err)
	}
	must(t)(c.CompleteComplaintFollowUp(supervisor, 1, "已电话解释，客户理解", t0.Add(time.Hour)))
	if c.Complaints[0].Stage != cases.ComplaintClosed {
		t.Errorf("stage %s", c.Complaints[0].Stage)
	}
}

func TestDeclinedPlanGoesBackToTheSupervisor(t *testing.T) {
	t.Parallel()
	c := resolvedWithComplaint(t)
	now := t0
	for _, st := range walk[:4] {
		now = now.Add(time.Hour)
		must(t)(st.do(c, st.by, now))
	}
	if _, err := c.RecordComplaintAcceptance(supervisor, 1, cases.ComplaintAcceptanceParams{}, now); !strings.HasPrefix(errMsg(err), "acceptance.feedback:") {
		t.Fatalf("decline without feedback: %v", err)
	}
	hist := must(t)(c.RecordComplaintAcceptance(supervisor, 1, cases.ComplaintAcceptanceParams{Feedback: "希望退还上门费"}, now))
	k := c.Complaints[0]
	if k.Stage != cases.ComplaintProposed || k.ChosenPlan != 0 || k.CustomerFeedback != "希望退还上门费" || hist[0].Action != cases.HistComplaintDeclined || !strings.Contains(hist[0].Reason, "延保") {
		t.Fatalf("declined: %+v %+v", k, hist)
	}
	must(t)(c.ChooseComplaintPlan(supervisor, 1, cases.ChooseComplaintPlanParams{Plan: 3}, now))
	must(t)(c.RecordComplaintAcceptance(supervisor, 1, cases.ComplaintAcceptanceParams{Accepted: true}, now))
	if k := c.Complaints[0]; k.Plan() != "退还上门费" || k.Stage != cases.ComplaintSummarizing {
		t.Errorf("after the second choice: %+v", k)
	}
}

func errMsg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestComplaintValidation(t *testing.T) {
	t.Parallel()
	due := t0.Add(48 * time.Hour)
	tests := []struct {
		name  string
		steps int // of walk done first
		do    func(c *cases.Case) ([]cases.Change, error)
		want  string // message prefix
	}{
		{"open without source", -1, func(c *cases.Case) ([]cases.Change, error) {
			return c.OpenComplaint(supervisor, cases.OpenComplaintParams{Content: "x"}, t0)
		}, "complaint.source: required"},
		{"open with unknown source", -1, func(c *cases.Case) ([]cases.Change, error) {
			return c.OpenComplaint(supervisor, cases.OpenComplaintParams{Source: "fax", Content: "x"}, t0)
		}, `complaint.source: "fax"`},
		{"open without content", -1, func(c *cases.Case) ([]cases.Change, error) {
			return c.OpenComplaint(supervisor, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: "  "}, t0)
		}, "complaint.content: required"},
		{"open while one is open", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.OpenComplaint(supervisor, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: "again"}, t0)
		}, "case K-000042: complaint 1 is still open"},
		{"unknown complaint", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 2, validJudgement(t0), t0)
		}, "case K-000042 has no complaint 2"},
		{"valid without department", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Valid: true, InvestigationDue: due}, t0)
		}, "judgement.department: required"},
		{"valid with unknown department", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Valid: true, Department: "sales", InvestigationDue: due}, t0)
		}, `judgement.department: "sales"`},
		{"valid without due", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Valid: true, Department: cases.DeptLogistics}, t0)
		}, "judgement.investigation_due: required"},
		{"valid with past due", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Valid: true, Department: cases.DeptLogistics, InvestigationDue: t0}, t0)
		}, "judgement.investigation_due: 2026-03-02 09:00 +08:00 is not in the future"},
		{"invalid with a department", 0, func(c *cases.Case) ([]cases.Change, error) {
			return c.JudgeComplaint(supervisor, 1, cases.JudgeComplaintParams{Reason: "r", Department: cases.DeptLogistics}, t0)
		}, "judgement.department: an invalid complaint"},
		{"investigation without cause", 1, func(c *cases.Case) ([]cases.Change, error) {
			return c.InvestigateComplaint(supervisor, 1, cases.InvestigateComplaintParams{ResponsibleParty: "p"}, t0)
		}, "investigation.cause: required"},
		{"investigation without party", 1, func(c *cases.Case) ([]cases.Change, error) {
			return c.InvestigateComplaint(supervisor, 1, cases.InvestigateComplaintParams{Cause: "c"}, t0)
		}, "investigation.responsible_party: required"},
		{"no plans", 2, func(c *cases.Case) ([]cases.Change, error) { return c.ProposeComplaintPlans(supervisor, 1, nil, t0) }, "plans: at least one"},
		{"empty plan", 2, func(c *cases.Case) ([]cases.Change, error) {
			return c.ProposeComplaintPlans(supervisor, 1, []string{"a", " "}, t0)
		}, "plans: a plan is empty"},
		{"too many plans", 2, func(c *cases.Case) ([]cases.Change, error) {
			return c.ProposeComplaintPlans(supervisor, 1, strings.Split(strings.Repeat("p,", 11)+"p", ","), t0)
		}, "plans: at most 10"},
		{"choose plan 0", 3, func(c *cases.Case) ([]cases.Change, error) {
			return c.ChooseComplaintPlan(supervisor, 1, cases.ChooseComplaintPlanParams{}, t0)
		}, "choice.plan: 0 is not a proposed plan (1 to 3)"},
		{"choose plan 4", 3, func(c *cases.Case) ([]cases.Change, error) {
			return c.ChooseComplaintPlan(supervisor, 1, cases.ChooseComplaintPlanParams{Plan: 4}, t0)
		}, "choice.plan: 4"},
		{"summary without class", 5, func(c *cases.Case) ([]cases.Change, error) {
			return c.SummarizeComplaint(supervisor, 1, cases.ComplaintSummaryParams{Improvements: []string{"x"}}, t0)
		}, "summary.classification: required"},
		{"summary with unknown class", 5, func(c *cases.Case) ([]cases.Change, error) {
			return c.SummarizeComplaint(supervisor, 1, cases.ComplaintSummaryParams{Classification: "rude", Improvements: []string{"x"}}, t0)
		}, `summary.classification: "rude"`},
		{"summary without improvements", 5, func(c *cases.Case) ([]cases.Change, error) {
			return c.SummarizeComplaint(supervisor, 1, cases.ComplaintSummaryParams{Classification: cases.ComplaintClassOther}, t0)
		}, "summary.improvements: at least one"},
		{"follow-up without note", 6, func(c *cases.Case) ([]cases.Change, error) { return c.CompleteComplaintFollowUp(supervisor, 1, "", t0) }, "follow_up.note: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := assigned(cases.CategoryTechnical, cases.P2)
			if tt.steps >= 0 {
				c = resolvedWithComplaint(t)
				for _, st := range walk[:tt.steps] {
					must(t)(st.do(c, st.by, t0.Add(-time.Hour)))
				}
			}
			before := clone(c)
			_, err := tt.do(c)
			if !strings.HasPrefix(errMsg(err), tt.want) {
				t.Fatalf("error %v, want %q…", err, tt.want)
			}
			if !reflect.DeepEqual(before, c) {
				t.Errorf("a refused step changed the case")
			}
		})
	}
}

func TestComplaintPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		step int // index in walk
		user cases.User
		want string
	}{
		{0, supervisor, ""},
		{0, admin, ""},
		{0, specialist, cases.EForbidden},
		{0, techHead, cases.EForbidden},
		{0, techHandler, cases.EForbidden},
		{1, logHead, ""},                // head of the responsible department
		{1, techHead, cases.EForbidden}, // head of the case's department, not responsible
		{1, logHandler, cases.EForbidden},
		{1, supervisor, ""},
		{2, techHead, cases.EForbidden},
		{3, supervisor, ""},
		{3, specialist, cases.EForbidden},
		{3, logHead, cases.EForbidden}, // only a supervisor picks the plan
		{4, specialist, cases.EForbidden},
		{5, logHead, cases.EForbidden},
		{6, techHandler, cases.EForbidden},
		{6, cases.Customer, cases.EForbidden},
	}
	for _, tt := range tests {
		st := walk[tt.step]
		t.Run(st.name+"/"+tt.user.Name, func(t *testing.T) {
			t.Parallel()
			c := resolvedWithComplaint(t)
			for _, prev := range walk[:tt.step] {
				must(t)(prev.do(c, prev.by, t0))
			}
			_, err := st.do(c, tt.user, t0.Add(time.Minute))
			if got := cases.ErrorCode(err); got != tt.want {
				t.Fatalf("%s by %s: %v, want %q", st.name, tt.user.Name, err, tt.want)
			}
		})
	}
	t.Run("open", func(t *testing.T) {
		t.Parallel()
		for u, want := range map[cases.User]string{specialist: "", supervisor: "", cases.Customer: "", techHandler: cases.EForbidden, logHead: cases.EForbidden} {
			c := assigned(cases.CategoryTechnical, cases.P2)
			_, err := c.OpenComplaint(u, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: "x"}, t0)
			if got := cases.ErrorCode(err); got != want {
				t.Errorf("open by %s: %v, want %q", u.Name, err, want)
			}
		}
	})
	t.Run("unknown complaint does not leak to a stranger", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P2)
		if _, err := c.JudgeComplaint(logHandler, 1, validJudgement(t0), t0); cases.ErrorCode(err) != cases.EForbidden {
			t.Errorf("judge a missing complaint of another department's case: %v", err)
		}
	})
}

func TestComplaintNoteAndOpenHistory(t *testing.T) {
	t.Parallel()
	c := assigned(cases.CategoryTechnical, cases.P2)
	hist := must(t)(c.OpenComplaint(cases.Customer, cases.OpenComplaintParams{Source: cases.ComplaintFromSurvey, Content: "low survey score effectiveness=1"}, t0))
	if got := actions(hist); !reflect.DeepEqual(got, []string{"complaint", "escalated"}) || hist[1].To != "supervisor" || hist[0].Reason != "low survey score effectiveness=1" {
		t.Errorf("open history %+v", hist)
	}
	hist = must(t)(c.AddComplaintNote(cases.Customer, 1, "还有，客服电话一直打不通", t0))
	if hist[0].Action != cases.HistComplaintNote || hist[0].Field != "complaint#1" || hist[0].Reason != "还有，客服电话一直打不通" {
		t.Errorf("note %+v", hist)
	}
}
