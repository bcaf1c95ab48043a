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
	CaseID   int64
	Kind     TaskKind
	State    TaskState
	Assignee string // the claiming actor ("user:7")
	Limit    int    // 0 = 100
}

// TaskList lists tasks, earliest due first; done tasks (State done) are
// listed the latest done first.
func (s *Team) TaskList(ctx context.Context, u cases.User, f TaskFilter) ([]Task, error) {
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
	return s.opt.Store.TaskList(ctx, TaskListParams{CaseID: f.CaseID, Kind: f.Kind, State: f.State, Assignee: f.Assignee,
		Recent: f.State == TaskDone, Limit: limit})
}

// TaskItem is a task with its case, as the task list and page show it:
// the agent needs the number, the customer's name and phone to call.
type TaskItem struct {
	Task
	Case *cases.Case
}

// TaskItems is TaskList with each task's case; a page holds at most a
// few hundred tasks, so the cases are read one by one (each once).
func (s *Team) TaskItems(ctx context.Context, u cases.User, f TaskFilter) ([]TaskItem, error) {
	list, err := s.TaskList(ctx, u, f)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*cases.Case{}
	out := make([]TaskItem, 0, len(list))
	for _, t := range list {
		c, ok := byID[t.CaseID]
		if !ok {
			if c, err = s.opt.Store.CaseGetByID(ctx, t.CaseID); err != nil {
				return nil, fmt.Errorf("task %d: %w", t.ID, err)
			}
			byID[t.CaseID] = c
		}
		out = append(out, TaskItem{Task: t, Case: c})
	}
	return out, nil
}

// TaskGet returns one task with its case. It reads in a transaction
// (the stores read tasks there, locked for a moment on Postgres).
func (s *Team) TaskGet(ctx context.Context, u cases.User, id int64) (TaskItem, error) {
	var out TaskItem
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		t, c, err := taskWithCase(ctx, tx, u, id)
		out = TaskItem{Task: t, Case: c}
		return err
	})
	return out, err
}

// taskWithCase reads a task and its case in tx, for whoever may work
// callbacks on that case.
func taskWithCase(ctx context.Context, tx Tx, u cases.User, id int64) (Task, *cases.Case, error) {
	t, err := tx.TaskGet(ctx, id)
	if err != nil {
		return Task{}, nil, err
	}
	c, err := tx.CaseGet(ctx, t.CaseID)
	if err != nil {
		return Task{}, nil, err
	}
	if err := u.Can(cases.ActionCallback, c); err != nil {
		return Task{}, nil, err
	}
	return t, c, nil
}

// taskOp runs fn on task id and its case in one transaction; fn changes
// the task and returns the history entry to record.
func (s *Service) taskOp(ctx context.Context, u cases.User, id int64, fn func(t *Task, c *cases.Case, now time.Time) (cases.Change, error)) (Task, error) {
	now := s.opt.Now()
	var out Task
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		t, c, err := taskWithCase(ctx, tx, u, id)
		if err != nil {
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
func (s *Team) TaskClaim(ctx context.Context, u cases.User, id int64) (Task, error) {
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

// TaskOutcome is what came of a call (the script of SPEC §8: greet, ask
// whether they were satisfied; satisfied → ask for suggestions, not
// satisfied → ask what to improve; thank and close).
type TaskOutcome struct {
	// Reached says whether the customer answered. Nil is an outcome in
	// free text only (Note), as API clients wrote before outcomes had a
	// structure: the task is done with it.
	Reached *bool
	// Satisfied is required when reached and refused when not.
	Satisfied *bool
	// Suggestion is what the customer suggests (satisfied) or wants
	// improved (not satisfied).
	Suggestion string
	Note       string // the agent's own note
}

func boolOf(b *bool) bool { return b != nil && *b }

func (o *TaskOutcome) check() error {
	clean := func(s string) string { return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")) }
	o.Suggestion, o.Note = clean(o.Suggestion), clean(o.Note)
	switch {
	case o.Reached == nil && (o.Satisfied != nil || o.Suggestion != ""):
		return cases.Errorf(cases.EInvalid, "reached: required with satisfied or suggestion")
	case o.Reached == nil && o.Note == "":
		return cases.Errorf(cases.EInvalid, "outcome: required, what came of the call (or reached and satisfied)")
	case boolOf(o.Reached) && o.Satisfied == nil:
		return cases.Errorf(cases.EInvalid, "satisfied: required when the customer was reached")
	case o.Reached != nil && !*o.Reached && (o.Satisfied != nil || o.Suggestion != ""):
		return cases.Errorf(cases.EInvalid, "satisfied, suggestion: only when the customer was reached")
	}
	return nil
}

// TaskComplete records the outcome of a call on a claimed task and in the
// case history. Only the agent holding the task records it; a supervisor
// or admin may record anyone's. What an after-sales team expects:
//
//   - reached and satisfied: the task is done, the suggestion kept;
//   - reached and not satisfied: the task is done and the case gets a
//     complaint (SPEC §6, §7) with what the customer wants improved, or
//     the words are added to the complaint already open; the customer is
//     told on their channel, as when staff register a complaint;
//   - not reached: the task goes back to the open list, due again after
//     Lifecycle.TaskRetry (2 h) and never inside the customer's quiet
//     hours, so whoever is on duty calls; after Lifecycle.TaskAttempts
//     (3) calls it is done as unreachable;
//   - a free-text outcome only (Reached nil): done, as before.
func (s *Team) TaskComplete(ctx context.Context, u cases.User, id int64, o TaskOutcome) (Task, error) {
	if err := o.check(); err != nil {
		return Task{}, err
	}
	now, lc := s.opt.Now(), s.lc()
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
		switch {
		case t.State == TaskOpen:
			return cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is open; claim it first", t.ID))
		case t.State == TaskDone:
			return cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is done already", t.ID))
		case t.Assignee != u.Actor() && u.Role != cases.RoleSupervisor && u.Role != cases.RoleAdmin:
			return cases.Errorf(cases.EConflict, fmt.Sprintf("task %d is claimed by %s", t.ID, t.Assignee))
		}
		h := cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: HistTask, Field: string(t.Kind), To: fmt.Sprintf("#%d", t.ID)}
		t.Outcome = o.Note
		var why []string
		switch {
		case o.Reached == nil:
			t.State, t.DoneAt = TaskDone, now
			why = append(why, "done")
		case !*o.Reached:
			t.Attempts++
			t.Result, t.Suggestion = ResultUnreachable, ""
			if t.Attempts >= lc.TaskAttempts {
				t.State, t.DoneAt = TaskDone, now
				why = append(why, fmt.Sprintf("done: unreachable after %d calls", t.Attempts))
			} else {
				// Back to the pool: whoever is on duty when it is due calls.
				t.State, t.Assignee, t.ClaimedAt = TaskOpen, "", time.Time{}
				t.DueAt = lc.QuietHours.SendAt(cases.P3, now.Add(lc.TaskRetry), lc.Location).UTC()
				why = append(why, fmt.Sprintf("not reached (call %d of %d), retry due %s", t.Attempts, lc.TaskAttempts, t.DueAt.In(lc.Location).Format("2006-01-02 15:04")))
			}
		default:
			t.Attempts++
			t.State, t.DoneAt, t.Suggestion = TaskDone, now, o.Suggestion
			t.Result = ResultSatisfied
			if !*o.Satisfied {
				t.Result = ResultNotSatisfied
			}
			why = append(why, "done: reached, "+strings.ReplaceAll(string(t.Result), "_", " "))
			if o.Suggestion != "" {
				why = append(why, "suggestion: "+o.Suggestion)
			}
		}
		if o.Note != "" {
			why = append(why, "note: "+o.Note)
		}
		h.Reason = strings.Join(why, "; ")
		if t.Result == ResultNotSatisfied {
			n, err := s.complainFromTask(ctx, tx, u, c.ID, t, o, now)
			if err != nil {
				return err
			}
			t.Complaint = n
			h.Reason += fmt.Sprintf("; complaint #%d", n)
		}
		if err := tx.TaskUpdate(ctx, t); err != nil {
			return err
		}
		if err := tx.CaseHistoryInsert(ctx, h); err != nil {
			return err
		}
		s.opt.Logger.Info("task outcome", "task_id", t.ID, "case_id", c.ID, "conversation_id", c.ConversationID, "by", u.Actor(),
			"state", t.State, "result", t.Result, "attempts", t.Attempts)
		out = t
		return nil
	})
	if err != nil {
		return Task{}, err
	}
	s.Wake()
	return out, nil
}

// complainFromTask opens a complaint for a customer not satisfied on the
// phone (source staff: registered from a call), or adds their words to the
// complaint already open, in the task's transaction; it returns the
// complaint's number.
func (s *Service) complainFromTask(ctx context.Context, tx Tx, u cases.User, caseID int64, t Task, o TaskOutcome, now time.Time) (int, error) {
	words := o.Suggestion
	if words == "" {
		words = o.Note
	}
	content := fmt.Sprintf("not satisfied on the %s call (task #%d)", strings.ReplaceAll(string(t.Kind), "_", "-"), t.ID)
	if words != "" {
		content += ": " + words
	}
	var n int
	var opened bool
	_, err := s.mutateCaseTx(ctx, tx, caseID, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			if k := c.OpenComplaintNow(); k != nil {
				n = k.N
				return c.AddComplaintNote(u, k.N, content, now)
			}
			hist, err := c.OpenComplaint(u, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: content}, now)
			n, opened = len(c.Complaints), err == nil
			return hist, err
		},
		tell: func(c *cases.Case, _ *cases.Plan, zone string) []outMsg {
			if !opened {
				return nil
			}
			return []outMsg{s.say(c, "complaint", "complaint.received", nil)}
		},
		webhook: func(c *cases.Case, hist []cases.Change) (string, map[string]any) {
			d := complaintEvent(c, n, hist)
			d["text"] = content
			d["task"] = t.ID
			if opened {
				return EventComplaintOpened, d
			}
			return EventComplaintUpdated, d
		},
	}, now)
	return n, err
}
