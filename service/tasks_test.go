package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// task stores a follow-up task on case c due at due, as the timers would.
func (l *life) task(c *cases.Case, key string, due time.Time) service.Task {
	l.t.Helper()
	var task service.Task
	err := l.st.InTx(l.ctx, func(ctx context.Context, tx service.Tx) error {
		var err error
		task, _, err = tx.TaskInsert(ctx, service.TaskParams{CaseID: c.ID, Kind: service.TaskFollowUp, Key: key, CreatedAt: l.clk.Now(), DueAt: due})
		return err
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return task
}

// TestTaskOutcomes walks the follow-up script's outcomes on the fake
// clock: a customer not reached is called again 2 h later (never in their
// rest hours) by whoever is on duty and, after three calls, the task is
// done as unreachable; a satisfied customer's suggestion is kept; a
// customer not satisfied gets a complaint, or their words go to the one
// already open; each call is on the case's record.
func TestTaskOutcomes(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			amy := l.user("Amy", cases.RoleSpecialist, "")
			bob := l.user("Bob", cases.RoleSpecialist, "")
			c := l.intake("fu-user", "我叫韩梅梅，电话13700001111，洗衣机XQG80不脱水了，上个月买的，想上门维修", "确认")
			l.clk.Add(at(0, 10, 5).Sub(l.clk.Now()))
			task := l.task(c, "fu:outcomes", at(0, 12, 0))

			// Validation: the script's answers must fit together.
			if _, err := l.svc.Team().TaskClaim(l.ctx, amy, task.ID); err != nil {
				t.Fatal(err)
			}
			for name, o := range map[string]service.TaskOutcome{
				"reached, satisfaction not asked": {Reached: yes()},
				"not reached yet satisfied":       {Reached: no(), Satisfied: yes()},
				"satisfied without reached":       {Satisfied: yes()},
				"nothing at all":                  {},
			} {
				if _, err := l.svc.Team().TaskComplete(l.ctx, amy, task.ID, o); cases.ErrorCode(err) != cases.EInvalid {
					t.Errorf("%s: %v", name, err)
				}
			}

			// Call 1 at 10:05 CST: no answer. Open again, due 12:05, unclaimed.
			got, err := l.svc.Team().TaskComplete(l.ctx, amy, task.ID, service.TaskOutcome{Reached: no(), Note: "无人接听"})
			if err != nil {
				t.Fatal(err)
			}
			if got.State != service.TaskOpen || got.Assignee != "" || got.Attempts != 1 || got.Result != service.ResultUnreachable || !got.DueAt.Equal(at(0, 12, 5)) {
				t.Errorf("after call 1: %+v", got)
			}
			// Call 2 at 20:30, by Bob: no answer; 22:30 is the customer's
			// night, so the retry is due when quiet hours end, 08:00.
			l.clk.Add(at(0, 20, 30).Sub(l.clk.Now()))
			if _, err := l.svc.Team().TaskClaim(l.ctx, bob, task.ID); err != nil {
				t.Fatalf("another agent claims the retry: %v", err)
			}
			if got, err = l.svc.Team().TaskComplete(l.ctx, bob, task.ID, service.TaskOutcome{Reached: no()}); err != nil {
				t.Fatal(err)
			}
			if got.State != service.TaskOpen || got.Attempts != 2 || !got.DueAt.Equal(at(1, 8, 0)) {
				t.Errorf("after call 2: %+v, due %s", got, got.DueAt.In(shanghai))
			}
			// Call 3: no answer; done as unreachable.
			l.clk.Add(at(1, 8, 5).Sub(l.clk.Now()))
			if _, err := l.svc.Team().TaskClaim(l.ctx, amy, task.ID); err != nil {
				t.Fatal(err)
			}
			if got, err = l.svc.Team().TaskComplete(l.ctx, amy, task.ID, service.TaskOutcome{Reached: no(), Note: "关机"}); err != nil {
				t.Fatal(err)
			}
			if got.State != service.TaskDone || got.Attempts != 3 || got.Result != service.ResultUnreachable || got.Complaint != 0 {
				t.Errorf("after call 3: %+v", got)
			}
			var calls []string
			for _, h := range l.history(c.ID, service.HistTask) {
				if strings.Contains(h.To, fmt.Sprint(task.ID)) {
					calls = append(calls, h.Reason)
				}
			}
			diffLines(t, "calls on the record", calls, []string{
				"claimed",
				"not reached (call 1 of 3), retry due 2026-03-04 12:05; note: 无人接听",
				"claimed",
				"not reached (call 2 of 3), retry due 2026-03-05 08:00",
				"claimed",
				"done: unreachable after 3 calls; note: 关机",
			})

			// Satisfied: done, suggestion kept, no complaint.
			sat := l.task(c, "fu:satisfied", at(1, 12, 0))
			l.svc.Team().TaskClaim(l.ctx, amy, sat.ID)
			if got, err = l.svc.Team().TaskComplete(l.ctx, amy, sat.ID, service.TaskOutcome{Reached: yes(), Satisfied: yes(), Suggestion: "希望配件多备货"}); err != nil {
				t.Fatal(err)
			}
			if got.State != service.TaskDone || got.Result != service.ResultSatisfied || got.Suggestion != "希望配件多备货" || got.Attempts != 1 || got.Complaint != 0 {
				t.Errorf("satisfied: %+v", got)
			}

			// Not satisfied: a complaint is opened and the customer told.
			m := l.lastID(c.ConversationID)
			unsat := l.task(c, "fu:unsatisfied", at(1, 12, 0))
			l.svc.Team().TaskClaim(l.ctx, amy, unsat.ID)
			if got, err = l.svc.Team().TaskComplete(l.ctx, amy, unsat.ID, service.TaskOutcome{Reached: yes(), Satisfied: no(), Suggestion: "师傅迟到了两个小时"}); err != nil {
				t.Fatal(err)
			}
			if got.State != service.TaskDone || got.Result != service.ResultNotSatisfied || got.Complaint != 1 {
				t.Errorf("not satisfied: %+v", got)
			}
			cs, err := l.st.CaseGetByID(l.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs.Complaints) != 1 || cs.Complaints[0].Source != cases.ComplaintFromStaff || !strings.Contains(cs.Complaints[0].Content, "师傅迟到了两个小时") ||
				cs.Complaints[0].OpenedBy != amy.Actor() || !cs.Escalated {
				t.Errorf("complaint: %+v", cs.Complaints)
			}
			if !l.saidSince(c.ConversationID, m, "客服主管") {
				t.Error("the customer was not told their complaint was received")
			}
			// A second unhappy call while it is open adds to that complaint.
			again := l.task(c, "fu:again", at(1, 12, 0))
			l.svc.Team().TaskClaim(l.ctx, bob, again.ID)
			if got, err = l.svc.Team().TaskComplete(l.ctx, bob, again.ID, service.TaskOutcome{Reached: yes(), Satisfied: no(), Note: "还是不满意"}); err != nil {
				t.Fatal(err)
			}
			cs, _ = l.st.CaseGetByID(l.ctx, c.ID)
			if got.Complaint != 1 || len(cs.Complaints) != 1 {
				t.Errorf("second unhappy call: task %+v, complaints %+v", got, cs.Complaints)
			}
			if notes := l.history(c.ID, cases.HistComplaintNote); len(notes) != 1 || !strings.Contains(notes[0].Reason, "还是不满意") {
				t.Errorf("complaint notes: %+v", notes)
			}
			if _, err := l.svc.Team().TaskComplete(l.ctx, bob, again.ID, service.TaskOutcome{Reached: yes(), Satisfied: yes()}); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("a done task completed again: %v", err)
			}

			// The lists: mine, done (latest first), with their cases.
			mine, err := l.svc.Team().TaskItems(l.ctx, amy, service.TaskFilter{Assignee: amy.Actor()})
			if err != nil || len(mine) != 3 || mine[0].Case == nil || mine[0].Case.Number != c.Number {
				t.Errorf("amy's tasks: %+v %v", mine, err)
			}
			done, err := l.svc.Team().TaskItems(l.ctx, amy, service.TaskFilter{State: service.TaskDone})
			if err != nil || len(done) != 4 || done[0].ID != again.ID {
				t.Errorf("done, latest first: %+v %v", done, err)
			}
			one, err := l.svc.Team().TaskGet(l.ctx, amy, unsat.ID)
			if err != nil || one.Complaint != 1 || one.Case.ID != c.ID {
				t.Errorf("task get: %+v %v", one, err)
			}
		})
	}
}
