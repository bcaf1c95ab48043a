package service_test

import (
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The head assigns a case to one handler, it is in that handler's list and
// history, a disabled user cannot be given cases, and the assignee stays
// through a reload from the store.
func TestCaseAssign(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			head := b.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
			wang := b.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			zhou := b.user("周工", cases.RoleHandler, cases.DeptTechnicalSupport)
			c := b.intake("assign-user", "我叫李雷，电话13900001111，洗衣机不脱水，型号XQG100，上个月买的，需要上门维修", "确认")

			if _, err := b.svc.Team().CaseAssign(b.ctx, head, c.ID, wang.ID, "熟悉这款机型"); err != nil {
				t.Fatal(err)
			}
			page, err := b.svc.Team().CaseList(b.ctx, wang, service.CaseFilter{Assignee: wang.ID, Open: true})
			if err != nil || len(page.Cases) != 1 || page.Cases[0].Assignee != wang.ID {
				t.Fatalf("wang's cases: %+v %v", page.Cases, err)
			}
			if page, _ := b.svc.Team().CaseList(b.ctx, zhou, service.CaseFilter{Assignee: zhou.ID}); len(page.Cases) != 0 {
				t.Errorf("zhou has %d cases", len(page.Cases))
			}
			d, err := b.svc.Team().CaseGet(b.ctx, head, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := d.History[len(d.History)-1]
			if last.Action != cases.HistAssignee || last.To != wang.Actor() || last.Actor != head.Actor() {
				t.Errorf("history ends with %+v", last)
			}

			if err := b.svc.Team().UserSetDisabled(b.ctx, zhou.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().CaseAssign(b.ctx, head, c.ID, zhou.ID, ""); cases.ErrorCode(err) != cases.EInvalid {
				t.Errorf("assigning a disabled user: %v", err)
			}
			if _, err := b.svc.Team().CaseAssign(b.ctx, wang, c.ID, 0, ""); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler giving the case back: %v", err)
			}
		})
	}
}
