package service_test

import (
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// TestHotlineCase: a caller whose phone number is on an earlier web chat
// case is matched: the hotline case goes on their record and its progress
// reaches them in that conversation. A caller kefu has never seen gets
// call tasks for the progress updates. A dealer case names the dealer.
func TestHotlineCase(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			amy := l.user("Amy", cases.RoleSpecialist, "")
			super := l.user("赵主管", cases.RoleSupervisor, "")
			tech := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			first := l.intake("h-1", p1Turns...) // 李雷, 13900001111
			m := l.lastID(first.ConversationID)

			known, err := l.svc.Team().CaseCreate(l.ctx, amy, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P3,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "李雷", cases.FieldPhone: "13900001111", cases.FieldSymptom: "洗衣机噪音大"}})
			if err != nil {
				t.Fatal(err)
			}
			if known.CustomerID != first.CustomerID || known.ConversationID != first.ConversationID || known.Source != "hotline" || known.State != cases.StateAssigned {
				t.Errorf("hotline case: customer %d conversation %d source %s state %s; want the customer and conversation of %s",
					known.CustomerID, known.ConversationID, known.Source, known.State, first.Number)
			}
			if _, err := l.svc.Team().CaseCreate(l.ctx, tech, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P3,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "x", cases.FieldPhone: "1"}}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler registered a hotline case: %v", err)
			}
			if _, err := l.svc.Team().CaseCreate(l.ctx, amy, service.NewCaseParams{Source: "dealer", Category: cases.CategoryTechnical, Priority: cases.P3,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "周敏", cases.FieldPhone: "13900002222"}}); cases.ErrorCode(err) != cases.EInvalid {
				t.Errorf("a dealer case without the dealer: %v", err)
			}
			stranger, err := l.svc.Team().CaseCreate(l.ctx, amy, service.NewCaseParams{Source: "dealer", Dealer: "苏宁南京店", Category: cases.CategoryLogistics, Priority: cases.P2,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "周敏", cases.FieldPhone: "13900002222", cases.FieldPurchaseProof: "SN2026030401"}})
			if err != nil {
				t.Fatal(err)
			}
			var dealer bool
			for _, h := range l.history(stranger.ID, "registered") {
				dealer = dealer || h.Reason == "dealer: 苏宁南京店"
			}
			if !dealer || stranger.ConversationID != 0 {
				t.Errorf("dealer case: dealer named %v, conversation %d", dealer, stranger.ConversationID)
			}

			// Search: the caller's cases by phone, one case by number.
			if page, err := l.svc.Team().CaseList(l.ctx, amy, service.CaseFilter{Phone: "13900001111"}); err != nil || len(page.Cases) != 2 {
				t.Errorf("by phone: %d cases, %v; want the web chat and the hotline case", len(page.Cases), err)
			}
			if page, _ := l.svc.Team().CaseList(l.ctx, amy, service.CaseFilter{Number: " " + strings.ToLower(stranger.Number)}); len(page.Cases) != 1 || page.Cases[0].ID != stranger.ID {
				t.Errorf("by number %s: %+v", stranger.Number, page.Cases)
			}
			if page, _ := l.svc.Team().CaseList(l.ctx, amy, service.CaseFilter{Phone: "13900009999"}); len(page.Cases) != 0 {
				t.Errorf("an unknown phone finds %d cases", len(page.Cases))
			}

			// A day on: the known caller's update reaches their web chat; the
			// stranger's becomes a call task.
			l.until(at(1, 12, 0))
			var progress bool
			for _, k := range l.outSince(first.ConversationID, m) {
				progress = progress || k[len(k)-8:] == "progress"
			}
			if !progress {
				t.Errorf("no progress update for the hotline case in the customer's conversation: %q", l.outSince(first.ConversationID, m))
			}
			tasks, err := l.svc.Team().TaskList(l.ctx, super, service.TaskFilter{CaseID: stranger.ID})
			if err != nil || len(tasks) == 0 || tasks[0].Kind != service.TaskCallback {
				t.Errorf("progress of a case without a channel: tasks %+v, %v; want a call", tasks, err)
			}
		})
	}
}
