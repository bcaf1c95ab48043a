package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/service"
)

const taskCols = `id, case_id, kind, state, assignee, outcome, created_at, due_at, claimed_at, done_at, attempts, result, suggestion, complaint`

func scanTask(r pgx.Row) (service.Task, error) {
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
		return service.Task{}, false, fmt.Errorf("postgres: insert task: a key is required")
	}
	created := t.s.orNow(p.CreatedAt).UTC()
	task, err := scanTask(t.tx.QueryRow(ctx, `
		INSERT INTO tasks (case_id, kind, task_key, created_at, due_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (task_key) DO NOTHING
		RETURNING `+taskCols, p.CaseID, p.Kind, p.Key, created, p.DueAt.UTC()))
	if err == nil {
		return task, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return service.Task{}, false, fmt.Errorf("postgres: insert task for case %d: %w", p.CaseID, err)
	}
	task, err = scanTask(t.tx.QueryRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE task_key = $1`, p.Key))
	if err != nil {
		return service.Task{}, false, fmt.Errorf("postgres: find task %q: %w", p.Key, err)
	}
	return task, false, nil
}

// TaskGet returns a task by id, locked until the transaction ends so a
// concurrent claim waits and then sees this one's result.
func (t *Tx) TaskGet(ctx context.Context, id int64) (service.Task, error) {
	task, err := scanTask(t.tx.QueryRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return task, notFound("task", id)
	}
	if err != nil {
		return task, fmt.Errorf("postgres: get task %d: %w", id, err)
	}
	return task, nil
}

// TaskUpdate stores a task's state, assignee, outcome and times.
func (t *Tx) TaskUpdate(ctx context.Context, task service.Task) error {
	tag, err := t.tx.Exec(ctx, `
		UPDATE tasks SET state = $1, assignee = $2, outcome = $3, due_at = $4, claimed_at = $5, done_at = $6,
			attempts = $7, result = $8, suggestion = $9, complaint = $10
		WHERE id = $11`, task.State, task.Assignee, task.Outcome, task.DueAt.UTC(),
		tsOrNull(task.ClaimedAt), tsOrNull(task.DoneAt), task.Attempts, string(task.Result), task.Suggestion, task.Complaint, task.ID)
	if err != nil {
		return fmt.Errorf("postgres: update task %d: %w", task.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("task", task.ID)
	}
	return nil
}

// TaskList returns matching tasks, earliest due first.
func (s *Store) TaskList(ctx context.Context, p service.TaskListParams) ([]service.Task, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	order := `due_at, id`
	if p.Recent {
		order = `done_at DESC NULLS LAST, id DESC`
	}
	rows, err := s.q(ctx).Query(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE ($1 = 0 OR case_id = $1) AND ($2 = '' OR kind = $2) AND ($3 = '' OR state = $3) AND ($5 = '' OR assignee = $5)
		ORDER BY `+order+` LIMIT $4`, p.CaseID, string(p.Kind), string(p.State), limit, p.Assignee)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tasks: %w", err)
	}
	defer rows.Close()
	var out []service.Task
	for rows.Next() {
		task, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan task: %w", err)
		}
		out = append(out, task)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list tasks: %w", err)
	}
	return out, nil
}
