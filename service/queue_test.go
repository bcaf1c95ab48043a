package service_test

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// TestWaitingQueueDeadline: a conversation nobody takes over within the
// first-response time is escalated to the supervisor on its case; one
// taken over in time is not; the queue shows by when to take over.
func TestWaitingQueueDeadline(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			amy := l.user("Amy", cases.RoleSpecialist, "")
			for _, u := range []string{"wq-1", "wq-2"} {
				l.customer(u, "微波炉不加热了，型号MW-20")
				l.customer(u, "转人工")
			}
			queue, err := l.svc.Team().Conversations(l.ctx, amy, "")
			if err != nil || len(queue) != 2 {
				t.Fatalf("queue: %+v, %v", queue, err)
			}
			for _, q := range queue {
				if q.WaitDue.Sub(q.WaitingSince) != 30*time.Minute || q.CaseID == 0 {
					t.Errorf("queue entry %d: waiting since %v, due %v, case %d", q.ID, q.WaitingSince, q.WaitDue, q.CaseID)
				}
			}
			taken := queue[0]
			if err := l.svc.Team().ConversationTakeOver(l.ctx, amy, taken.ID); err != nil {
				t.Fatal(err)
			}
			l.until(l.clk.Now().Add(time.Hour))
			for _, q := range queue {
				var breached bool
				for _, h := range l.history(q.CaseID, service.HistSLABreached) {
					breached = breached || h.Field == service.TimerHandoffWait && h.To == string(cases.RoleSupervisor)
				}
				if want := q.ID != taken.ID; breached != want {
					t.Errorf("conversation %d (taken over: %v): queue deadline breached %v", q.ID, q.ID == taken.ID, breached)
				}
			}
		})
	}
}
