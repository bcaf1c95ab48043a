package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kefu-dev/kefu/service"
)

func scanTask(r rowScanner) (service.Task, error) {
	var t service.Task
	err := r.Scan(&t.ID, &t.CaseID, &t.Kind, &t.State, &t.Assignee, &t.Outcome,
		timeCol{&t.CreatedAt}, timeCol{&t.DueAt}, timeCol{&t.ClaimedAt}, timeCol{&t.DoneAt},
		&t.Attempts, &t.Result, &t.Suggestion, &t.Complaint)
	return t, err
}

// TaskInsert stores an open task unless its key exists; then it returns the
// existing task and inserted false.
func (t *Tx) TaskInsert(ctx context.Context, p service.TaskParams) (service.Task, bool, error) {
	if p.Key == "" {
		return service.Task{}, false, fmt.Errorf("sqlite: insert task: a key is required")
	}
	created := t.s.orNow(p.CreatedAt)
	task, err := scanTask(t.stmt(ctx, stmtTaskInsert).QueryRowContext(ctx,
		p.CaseID, p.Kind, p.Key, ts(created), ts(p.DueAt)))
	if err == nil {
		return task, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return service.Task{}, false, fmt.Errorf("sqlite: insert task for case %d: %w", p.CaseID, err)
	}
	task, err = scanTask(t.stmt(ctx, stmtTaskByKey).QueryRowContext(ctx, p.Key))
	if err != nil {
		return service.Task{}, false, fmt.Errorf("sqlite: find task %q: %w", p.Key, err)
	}
	return task, false, nil
}

// TaskGet returns a task by id; the transaction already holds SQLite's one
// write lock, so nobody else can claim it meanwhile.
func (t *Tx) TaskGet(ctx context.Context, id int64) (service.Task, error) {
	task, err := scanTask(t.stmt(ctx, stmtTaskGet).QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return task, notFound("task", id)
	}
	if err != nil {
		return task, fmt.Errorf("sqlite: get task %d: %w", id, err)
	}
	return task, nil
}

// TaskUpdate stores a task's state, assignee, outcome and times.
func (t *Tx) TaskUpdate(ctx context.Context, task service.Task) error {
	res, err := t.stmt(ctx, stmtTaskUpdate).ExecContext(ctx, task.State, task.Assignee, task.Outcome,
		ts(task.DueAt), tsOrNull(task.ClaimedAt), tsOrNull(task.DoneAt),
		task.Attempts, task.Result, task.Suggestion, task.Complaint, task.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update task %d: %w", task.ID, err)
	}
	return mustAffect(res, "task", task.ID)
}

// TaskList returns matching tasks, earliest due first.
func (s *Store) TaskList(ctx context.Context, p service.TaskListParams) ([]service.Task, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	id := stmtTaskList
	if p.Recent {
		id = stmtTaskListRecent
	}
	rows, err := s.stmt(ctx, id).QueryContext(ctx, p.CaseID, p.Kind, p.State, limit, p.Assignee)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tasks: %w", err)
	}
	defer rows.Close()
	var out []service.Task
	for rows.Next() {
		task, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan task: %w", err)
		}
		out = append(out, task)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list tasks: %w", err)
	}
	return out, nil
}
