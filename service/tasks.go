package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Agent tasks (SPEC §6, §8): phone callbacks for unanswered P1/P2 surveys
// and post-service follow-ups, created by the timers (timers.go). One agent
// claims a task, calls the customer and completes it with the outcome,
// which goes into the case history.

// TaskFilter selects tasks for the staff API; zero values do not filter.
type TaskFilter struct {
	CaseID int64
	Kind   TaskKind
	State  TaskState
	Limit  int // 0 = 100
}

// TaskList lists tasks, earliest due first.
func (s *Service) TaskList(ctx context.Context, u cases.User, f TaskFilter) ([]Task, error) {
	if err := u.Can(cases.ActionCallback, nil); err != nil {
		return nil, err
	}
	if f.Kind != "" && f.Kind != TaskCallback && f.Kind != TaskFollowUp {
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("kind: %q is not callback or follow_up", f.Kind))
	}
	if f.State != "" && f.State != TaskOpen && f.State != TaskClaimed && f.State != TaskDone {
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("state: %q is not open, claimed or done", f.State))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.opt.Store.TaskList(ctx, TaskListParams{CaseID: f.CaseID, Kind: f.Kind, State: f.State, Limit: limit})
}

// taskOp runs fn on task id and its case in one transaction; fn changes
// the task and returns the history entry to record.
func (s *Service) taskOp(ctx context.Context, u cases.User, id int64, fn func(t *Task, c *cases.Case, now time.Time) (cases.Change, error)) (Task, error) {
	now := s.opt.Now()
	var out Task
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.TaskGet(ctx, id)
		if err != nil {
			return err
		}
		c, err := tx.CaseGet(ctx, t.CaseID)
		if err != nil {
			return err
		}
		if err := u.Can(cases.ActionCallback, c); err != nil {
			return err
		}
		h, err := fn(&t, c, now)
		if err != nil {
			return err
		}
		if err := tx.TaskUpdate(ctx, t); err != nil {
			return err
		}
		if h.Action != "" {
			if err := tx.CaseHistoryInsert(ctx, h); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return Task{}, err
	}
	return out, nil
}

// TaskClaim makes u the one agent of an open task; claiming a task one
// holds already is a no-op, and anyone else gets EConflict.
func (s *Service) TaskClaim(ctx context.Context, u cases.User, id int64) (Task, error) {
	return s.taskOp(ctx, u, id, func(t *Task, c *cases.Case, now time.Time) (cases.Change, error) {
		switch {
		case t.State == TaskClaimed && t.Assignee == u.Actor():
			return cases.Change{}, nil
		case t.State != TaskOpen:
			return cases.Change{}, cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is %s by %s", t.ID, t.State, t.Assignee))
		}
		t.State, t.Assignee, t.ClaimedAt = TaskClaimed, u.Actor(), now
		s.opt.Logger.Info("task claimed", "task_id", t.ID, "case_id", c.ID, "conversation_id", c.ConversationID, "by", u.Actor())
		return cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: HistTask, Field: string(t.Kind), To: fmt.Sprintf("#%d", t.ID), Reason: "claimed"}, nil
	})
}

// TaskComplete records the outcome of a claimed task (the agent's notes on
// the call: reached or not, satisfied or not, suggestions). Only the agent
// holding it completes it; a supervisor or admin may complete anyone's.
func (s *Service) TaskComplete(ctx context.Context, u cases.User, id int64, outcome string) (Task, error) {
	outcome = strings.TrimSpace(strings.ToValidUTF8(outcome, "\uFFFD"))
	if outcome == "" {
		return Task{}, cases.Errorf(cases.EInvalid, "outcome: required, what came of the call")
	}
	return s.taskOp(ctx, u, id, func(t *Task, c *cases.Case, now time.Time) (cases.Change, error) {
		switch {
		case t.State == TaskOpen:
			return cases.Change{}, cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is open; claim it first", t.ID))
		case t.State == TaskDone:
			return cases.Change{}, cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is done already", t.ID))
		case t.Assignee != u.Actor() && u.Role != cases.RoleSupervisor && u.Role != cases.RoleAdmin:
			return cases.Change{}, cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is claimed by %s", t.ID, t.Assignee))
		}
		t.State, t.Outcome, t.DoneAt = TaskDone, outcome, now
		s.opt.Logger.Info("task done", "task_id", t.ID, "case_id", c.ID, "conversation_id", c.ConversationID, "by", u.Actor())
		return cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: HistTask, Field: string(t.Kind), To: fmt.Sprintf("#%d", t.ID), Reason: "done: " + outcome}, nil
	})
}
