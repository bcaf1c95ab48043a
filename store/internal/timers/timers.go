// Package timers runs kefu's durable timers on River for both stores. The
// River client is created when the store opens, with its worker registered up
// front, so timers can be inserted in a transaction before (or without) the
// runner being started; the handler is only attached by Start.
package timers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/kefu-dev/kefu/service"
)

// jobArgs mirrors service.TimerArgs field for field (same JSON, same kind)
// but marks UniqueKey as the only unique field: River's ByArgs would
// otherwise hash every field, so the same key with another due time would
// count as a different timer.
type jobArgs struct {
	ConversationID int64     `json:"conversation_id"`
	CaseID         int64     `json:"case_id"`
	Name           string    `json:"name"`
	Due            time.Time `json:"due"`
	UniqueKey      string    `json:"unique_key" river:"unique"`
	TraceParent    string    `json:"trace_parent,omitempty"`
	TouchpointID   int64     `json:"touchpoint_id,omitempty"`
}

func (jobArgs) Kind() string { return service.TimerArgs{}.Kind() }

// pendingStates are the states in which a timer blocks a duplicate. River
// requires running among them, so a handler that re-arms its own timer must
// use a new UniqueKey; completed and failed timers do not block.
var pendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// How long a timer job may run, and when a job still "running" counts as
// an orphan of a killed process; see New.
const (
	JobTimeout  = 10 * time.Second
	RescueAfter = 15 * time.Second
)

// Runner owns the River client of one store.
type Runner[TTx any] struct {
	client *river.Client[TTx]

	mu      sync.Mutex
	handler service.TimerHandler
	started bool
}

// New creates the River client; it does not touch the database.
func New[TTx any](driver riverdriver.Driver[TTx], logger *slog.Logger) (*Runner[TTx], error) {
	r := &Runner[TTx]{}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(r.work))
	client, err := river.NewClient(driver, &river.Config{
		Logger: logger,
		// Timers are coarse (minutes to days) but tests and short SLA
		// clocks want a due job picked up promptly.
		FetchPollInterval: 200 * time.Millisecond,
		// A timer job is one dialog step in one transaction: milliseconds,
		// seconds when it waits for the conversation's lock. Past the
		// timeout its context is cancelled and River retries it.
		JobTimeout: JobTimeout,
		// A killed process leaves its jobs "running"; River's default
		// rescue after an hour would make those progress updates and SLA
		// checks an hour late. A job still running RescueAfter after it
		// started (the timeout has cancelled any live one by then) is an
		// orphan: River's rescuer, on the leader every 30 s, retries it,
		// so a killed process's timers fire within a minute of a restart.
		RescueStuckJobsAfter: RescueAfter,
		// Timers fall due in bursts (the morning after quiet hours, a
		// deadline many cases share). River fetches at most MaxWorkers
		// jobs a round: with 8, the last of a burst of 300 fired 3.8 s
		// (SQLite) and 6.2 s (PostgreSQL) after its due time, with 32
		// about 1 s on both (BenchmarkTimerLateness). A handler waits for
		// a database connection like any request.
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 32}},
		Workers: workers,
	})
	if err != nil {
		return nil, fmt.Errorf("timers: new river client: %w", err)
	}
	r.client = client
	return r, nil
}

// Migrate applies River's own migrations.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], logger *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("timers: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("timers: river migrate: %w", err)
	}
	return nil
}

func (r *Runner[TTx]) work(ctx context.Context, job *river.Job[jobArgs]) error {
	r.mu.Lock()
	h := r.handler
	r.mu.Unlock()
	if h == nil {
		// Cannot happen while started; returning an error lets River retry.
		return errors.New("timers: no handler")
	}
	a := job.Args
	return h(ctx, service.TimerArgs{
		ConversationID: a.ConversationID,
		CaseID:         a.CaseID,
		Name:           a.Name,
		Due:            a.Due,
		UniqueKey:      a.UniqueKey,
		TraceParent:    a.TraceParent,
		TouchpointID:   a.TouchpointID,
	})
}

// Insert schedules a timer in tx. A timer whose UniqueKey is still pending
// is not inserted again; an empty UniqueKey is never deduplicated.
func (r *Runner[TTx]) Insert(ctx context.Context, tx TTx, p service.TimerParams) error {
	at := p.At.UTC()
	opts := &river.InsertOpts{ScheduledAt: at}
	if p.UniqueKey != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: pendingStates}
	}
	args := jobArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: at, UniqueKey: p.UniqueKey, TraceParent: p.TraceParent, TouchpointID: p.TouchpointID}
	if _, err := r.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("timers: insert %s: %w", p.Name, err)
	}
	return nil
}

// InsertMany schedules many timers in tx in one statement (an import plans
// thousands): the same rules as Insert for each.
func (r *Runner[TTx]) InsertMany(ctx context.Context, tx TTx, ps []service.TimerParams) error {
	if len(ps) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ps))
	for i, p := range ps {
		at := p.At.UTC()
		opts := &river.InsertOpts{ScheduledAt: at}
		if p.UniqueKey != "" {
			opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: pendingStates}
		}
		params[i] = river.InsertManyParams{Args: jobArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: at,
			UniqueKey: p.UniqueKey, TraceParent: p.TraceParent, TouchpointID: p.TouchpointID}, InsertOpts: opts}
	}
	if _, err := r.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("timers: insert %d: %w", len(ps), err)
	}
	return nil
}

// Start attaches h and starts working due timers. ctx bounds the runner's
// life like River's Start: cancelling it stops the runner.
func (r *Runner[TTx]) Start(ctx context.Context, h service.TimerHandler) error {
	if h == nil {
		return errors.New("timers: nil handler")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handler = h
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("timers: start: %w", err)
	}
	r.started = true
	return nil
}

// Stop stops fetching and waits for running handlers (or ctx).
func (r *Runner[TTx]) Stop(ctx context.Context) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return nil
	}
	if err := r.client.Stop(ctx); err != nil {
		// Still started: a later Stop (or Close) tries again.
		return fmt.Errorf("timers: stop: %w", err)
	}
	r.mu.Lock()
	r.started = false
	r.mu.Unlock()
	return nil
}
