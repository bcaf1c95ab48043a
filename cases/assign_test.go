package cases_test

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// One person is responsible for a case (SPEC §4): the department's head
// assigns and reassigns, a handler takes an unassigned case of their own
// department, nobody hands a case to someone of another department, and a
// move to another department leaves it unassigned again.
func TestAssign(t *testing.T) {
	head := cases.User{ID: 1, Name: "李部长", Role: cases.RoleHead, Department: cases.DeptTechnicalSupport}
	wang := cases.User{ID: 2, Name: "王工", Role: cases.RoleHandler, Department: cases.DeptTechnicalSupport}
	zhou := cases.User{ID: 3, Name: "周工", Role: cases.RoleHandler, Department: cases.DeptTechnicalSupport}
	logi := cases.User{ID: 4, Name: "物流李", Role: cases.RoleHandler, Department: cases.DeptLogistics}
	sup := cases.User{ID: 5, Name: "赵主管", Role: cases.RoleSupervisor}

	c := assigned(cases.CategoryTechnical, cases.P2)
	hist := must(t)(c.Assign(head, wang, "熟悉这款机型", t0))
	if c.Assignee != wang.ID || len(hist) != 1 || hist[0].Action != cases.HistAssignee || hist[0].To != "user:2" || hist[0].From != "" || hist[0].Reason != "熟悉这款机型" {
		t.Fatalf("assign: assignee %d, history %+v", c.Assignee, hist)
	}
	if hist := must(t)(c.Assign(head, wang, "", t0)); len(hist) != 0 {
		t.Errorf("assigning the same person again records %+v", hist)
	}
	// A handler cannot take a case someone else has, nor give it away.
	if _, err := c.Assign(zhou, zhou, "", t0); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("taking an assigned case: %v", err)
	}
	if _, err := c.Assign(wang, zhou, "", t0); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("a handler reassigning: %v", err)
	}
	hist = must(t)(c.Assign(head, zhou, "王工休假", t0))
	if c.Assignee != zhou.ID || hist[0].From != "user:2" || hist[0].To != "user:3" {
		t.Errorf("reassign: %d %+v", c.Assignee, hist)
	}
	if _, err := c.Assign(head, logi, "", t0); cases.ErrorCode(err) != cases.EInvalid {
		t.Errorf("assigning to another department's handler: %v", err)
	}
	if _, err := c.Assign(sup, wang, "", t0); cases.ErrorCode(err) != cases.EForbidden {
		t.Errorf("the supervisor assigning a technical case: %v", err)
	}
	must(t)(c.Assign(head, cases.User{}, "重新分配", t0))
	if c.Assignee != 0 {
		t.Errorf("unassign: %d", c.Assignee)
	}
	// Unassigned, a handler of the department takes it; one of another
	// department cannot.
	if _, err := c.Assign(logi, logi, "", t0); err == nil {
		t.Error("a logistics handler took a technical case")
	}
	must(t)(c.Assign(wang, wang, "", t0))
	if c.Assignee != wang.ID {
		t.Errorf("take: %d", c.Assignee)
	}

	// Moving the case to logistics leaves it to that department.
	hist = must(t)(c.Override(sup, cases.OverrideParams{Category: cases.CategoryLogistics, Reason: "其实是运输损坏"}, cases.DefaultSLA(), t0))
	if c.Assignee != 0 {
		t.Errorf("after a move to logistics the case is still assigned to %d", c.Assignee)
	}
	found := false
	for _, h := range hist {
		found = found || h.Action == cases.HistAssignee && h.From == "user:2" && h.To == ""
	}
	if !found {
		t.Errorf("the move does not record the unassignment: %+v", hist)
	}

	// Customer service's cases: the supervisor assigns a specialist.
	cs := assigned(cases.CategoryConsultation, cases.P3)
	spec := cases.User{ID: 6, Name: "王芳", Role: cases.RoleSpecialist}
	must(t)(cs.Assign(sup, spec, "", t0))
	if cs.Assignee != spec.ID {
		t.Errorf("consultation assignee %d", cs.Assignee)
	}
	cs.State = cases.StateClosed
	if _, err := cs.Assign(sup, cases.User{}, "", t0); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("assigning a closed case: %v", err)
	}
}

// The queue's take-over deadline is its own setting, the first-response
// time unless set; a negative one is refused.
func TestWaitForAgent(t *testing.T) {
	p := cases.DefaultSLA()
	if got := p.WaitForAgent(); got != p.FirstResponse {
		t.Errorf("default: %v", got)
	}
	p.HandoffWait = 10 * time.Minute
	if got := p.WaitForAgent(); got != 10*time.Minute {
		t.Errorf("set: %v", got)
	}
	p.HandoffWait = -time.Minute
	if err := p.Validate(); err == nil {
		t.Error("a negative handoff_wait is accepted")
	}
}
