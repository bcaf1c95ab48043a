package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// seedCase stores a case for tasks to refer to.
func seedCase(t *testing.T, s service.Store, user string) *cases.Case {
	t.Helper()
	conv := seed(t, s, user)
	c := fullCase(conv)
	inTx(t, s, func(ctx context.Context, tx service.Tx) error { return tx.CaseInsert(ctx, c) })
	return c
}

func testTasks(t *testing.T, s service.Store) {
	c := seedCase(t, s, "task-user")
	ctx := context.Background()
	var cb, fu service.Task
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		var ins bool
		var err error
		if cb, ins, err = tx.TaskInsert(ctx, service.TaskParams{CaseID: c.ID, Kind: service.TaskCallback, Key: "cb:1", CreatedAt: t0, DueAt: t0.Add(24 * time.Hour)}); err != nil || !ins {
			t.Fatalf("insert callback: %v inserted=%v", err, ins)
		}
		again, ins, err := tx.TaskInsert(ctx, service.TaskParams{CaseID: c.ID, Kind: service.TaskCallback, Key: "cb:1", CreatedAt: t0.Add(time.Hour), DueAt: t0.Add(48 * time.Hour)})
		if err != nil || ins || again.ID != cb.ID {
			t.Fatalf("same key again: %+v inserted=%v %v", again, ins, err)
		}
		fu, _, err = tx.TaskInsert(ctx, service.TaskParams{CaseID: c.ID, Kind: service.TaskFollowUp, Key: "fu:1", CreatedAt: t0, DueAt: t0.Add(72 * time.Hour)})
		return err
	})
	if cb.State != service.TaskOpen || cb.Kind != service.TaskCallback || cb.CaseID != c.ID || cb.Assignee != "" || !cb.ClaimedAt.IsZero() {
		t.Errorf("new task: %+v", cb)
	}
	sameTime(t, "CreatedAt", cb.CreatedAt, t0)
	sameTime(t, "DueAt", cb.DueAt, t0.Add(24*time.Hour))

	list, err := s.TaskList(ctx, service.TaskListParams{})
	if err != nil || len(list) != 2 || list[0].ID != cb.ID || list[1].ID != fu.ID {
		t.Fatalf("list (earliest due first): %+v %v", list, err)
	}
	if l, _ := s.TaskList(ctx, service.TaskListParams{Kind: service.TaskFollowUp}); len(l) != 1 || l[0].ID != fu.ID {
		t.Errorf("kind filter: %+v", l)
	}
	if l, _ := s.TaskList(ctx, service.TaskListParams{CaseID: c.ID + 1000}); len(l) != 0 {
		t.Errorf("case filter: %+v", l)
	}

	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		got, err := tx.TaskGet(ctx, cb.ID)
		if err != nil {
			return err
		}
		got.State, got.Assignee, got.ClaimedAt = service.TaskClaimed, "user:3", t0.Add(25*time.Hour)
		if err := tx.TaskUpdate(ctx, got); err != nil {
			return err
		}
		got.State, got.Outcome, got.DoneAt = service.TaskDone, "reached, satisfied", t0.Add(26*time.Hour)
		got.Attempts, got.Result, got.Suggestion, got.Complaint = 2, service.ResultNotSatisfied, "师傅要准时", 1
		return tx.TaskUpdate(ctx, got)
	})
	if l, _ := s.TaskList(ctx, service.TaskListParams{Assignee: "user:3"}); len(l) != 1 || l[0].ID != cb.ID {
		t.Errorf("assignee filter: %+v", l)
	}
	if l, _ := s.TaskList(ctx, service.TaskListParams{Assignee: "user:4"}); len(l) != 0 {
		t.Errorf("assignee filter, another agent: %+v", l)
	}
	// The done list shows the latest first; open tasks (no done time) last.
	if l, _ := s.TaskList(ctx, service.TaskListParams{Recent: true}); len(l) != 2 || l[0].ID != cb.ID {
		t.Errorf("recent first: %+v", l)
	}
	if l, _ := s.TaskList(ctx, service.TaskListParams{State: service.TaskDone}); len(l) != 1 {
		t.Fatalf("state filter: %+v", l)
	} else {
		d := l[0]
		if d.Assignee != "user:3" || d.Outcome != "reached, satisfied" || d.Attempts != 2 || d.Result != service.ResultNotSatisfied || d.Suggestion != "师傅要准时" || d.Complaint != 1 {
			t.Errorf("done task: %+v", d)
		}
		sameTime(t, "ClaimedAt", d.ClaimedAt, t0.Add(25*time.Hour))
		sameTime(t, "DoneAt", d.DoneAt, t0.Add(26*time.Hour))
	}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.TaskGet(ctx, 999999)
		wantNotFound(t, "TaskGet", err)
		wantNotFound(t, "TaskUpdate", tx.TaskUpdate(ctx, service.Task{ID: 999999, State: service.TaskDone, DueAt: t0}))
		return nil
	})
}

// testTaskConcurrentClaim: two agents claim at once; TaskGet serializes
// them, so exactly one sees the task open.
func testTaskConcurrentClaim(t *testing.T, s service.Store) {
	c := seedCase(t, s, "claim-user")
	var task service.Task
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		var err error
		task, _, err = tx.TaskInsert(ctx, service.TaskParams{CaseID: c.ID, Kind: service.TaskCallback, Key: "claim", CreatedAt: t0, DueAt: t0})
		return err
	})
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := s.InTx(context.Background(), func(ctx context.Context, tx service.Tx) error {
				got, err := tx.TaskGet(ctx, task.ID)
				if err != nil || got.State != service.TaskOpen {
					return err
				}
				got.State, got.Assignee, got.ClaimedAt = service.TaskClaimed, "agent", t0
				if err := tx.TaskUpdate(ctx, got); err != nil {
					return err
				}
				mu.Lock()
				won++
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Errorf("claim %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d claims won, want 1", won)
	}
}
