package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/casejson"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// Tx is one SQLite transaction; see service.Tx.
type Tx struct {
	s  *Store
	tx *sql.Tx

	mu    sync.Mutex
	stmts stmts // s.stmts bound to tx, filled on first use; see Tx.stmt
}

var _ service.Tx = (*Tx)(nil)

// Lock is a no-op: BEGIN IMMEDIATE already gives the transaction the
// database's single write lock.
func (t *Tx) Lock(ctx context.Context, key string) error { return nil }

// CustomerGetOrCreate returns the customer of a channel identity, creating
// both when the identity is new.
func (t *Tx) CustomerGetOrCreate(ctx context.Context, p service.CustomerParams) (service.Customer, error) {
	var c service.Customer
	err := t.stmt(ctx, stmtCustomerFind).QueryRowContext(ctx,
		p.Channel, p.ExternalUserID).Scan(&c.ID, &c.DisplayName, timeCol{&c.CreatedAt})
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("sqlite: find customer: %w", err)
	}
	now := t.s.orNow(p.Now)
	c = service.Customer{DisplayName: p.DisplayName, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	if err := t.stmt(ctx, stmtCustomerInsert).QueryRowContext(ctx,
		p.DisplayName, ts(now)).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("sqlite: insert customer: %w", err)
	}
	if _, err := t.stmt(ctx, stmtIdentityInsert).ExecContext(ctx,
		p.Channel, p.ExternalUserID, c.ID, ts(now)); err != nil {
		return c, fmt.Errorf("sqlite: insert customer identity: %w", err)
	}
	return c, nil
}

// ConversationGetOrCreate returns the conversation of a channel user,
// creating it in phase "new".
func (t *Tx) ConversationGetOrCreate(ctx context.Context, p service.ConversationParams) (service.Conversation, error) {
	now := ts(t.s.orNow(p.Now))
	if _, err := t.stmt(ctx, stmtConversationInsert).ExecContext(ctx,
		p.CustomerID, p.Channel, p.ExternalUserID, now, now); err != nil {
		return service.Conversation{}, fmt.Errorf("sqlite: insert conversation: %w", err)
	}
	return conversationFind(ctx, t.stmt(ctx, stmtConversationFind), p.Channel, p.ExternalUserID)
}

// ConversationGet returns a conversation by id.
func (t *Tx) ConversationGet(ctx context.Context, id int64) (service.Conversation, error) {
	return conversationGet(ctx, t.stmt(ctx, stmtConversationGet), id)
}

// ConversationSave stores the conversation's phase, state and case; its
// customer is set when it is created and moves only with a merge.
func (t *Tx) ConversationSave(ctx context.Context, c service.Conversation) error {
	res, err := t.stmt(ctx, stmtConversationSave).ExecContext(ctx,
		c.Phase, c.State, idOrNull(c.CaseID), ts(t.s.orNow(c.UpdatedAt)), c.ID)
	if err != nil {
		return fmt.Errorf("sqlite: save conversation %d: %w", c.ID, err)
	}
	return mustAffect(res, "conversation", c.ID)
}

// MessageInsert stores a message unless (channel, external id) exists; then
// it returns the existing id and inserted false.
func (t *Tx) MessageInsert(ctx context.Context, p service.MessageParams) (int64, bool, error) {
	choices, err := jsonText(p.Choices)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = t.stmt(ctx, stmtMessageInsert).QueryRowContext(ctx,
		p.ConversationID, p.Channel, p.ExternalID, p.Direction, p.Text, p.Field, choices, p.Kind, p.Raw,
		ts(t.s.orNow(p.At))).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("sqlite: insert message: %w", err)
	}
	if err := t.stmt(ctx, stmtMessageFind).QueryRowContext(ctx,
		p.Channel, p.ExternalID).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("sqlite: find duplicate message: %w", err)
	}
	return id, false, nil
}

// CaseInsert stores a new case and sets its ID and Number.
func (t *Tx) CaseInsert(ctx context.Context, c *cases.Case) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t.s.now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	fields, reasons, err := caseJSON(c)
	if err != nil {
		return err
	}
	ext, err := casejson.Encode(c)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	var id int64
	if err := t.stmt(ctx, stmtCaseInsert).QueryRowContext(ctx,
		idOrNull(c.CustomerID), idOrNull(c.ConversationID), c.Channel, c.Source, c.Language, fields,
		c.Category, c.Subtype, c.Priority, reasons, c.Department, c.State, c.Escalated,
		tsOrNull(c.Deadlines.FirstResponse), tsOrNull(c.Deadlines.Registration),
		tsOrNull(c.Deadlines.Classification), tsOrNull(c.Deadlines.StartBy),
		ts(c.CreatedAt), ts(c.UpdatedAt),
		textOrNull(ext.Plan), textOrNull(ext.Resolution), textOrNull(ext.Milestones), textOrNull(ext.Complaints),
		idOrNull(c.Assignee)).Scan(&id); err != nil {
		return fmt.Errorf("sqlite: insert case: %w", err)
	}
	number := cases.NumberFor(id)
	if _, err := t.stmt(ctx, stmtCaseNumber).ExecContext(ctx, number, id); err != nil {
		return fmt.Errorf("sqlite: number case %d: %w", id, err)
	}
	c.ID, c.Number = id, number
	return nil
}

// CaseUpdate stores every field of c except ID, Number and CreatedAt.
func (t *Tx) CaseUpdate(ctx context.Context, c *cases.Case) error {
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = t.s.now()
	}
	fields, reasons, err := caseJSON(c)
	if err != nil {
		return err
	}
	ext, err := casejson.Encode(c)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	res, err := t.stmt(ctx, stmtCaseUpdate).ExecContext(ctx,
		idOrNull(c.CustomerID), idOrNull(c.ConversationID), c.Channel, c.Source, c.Language, fields,
		c.Category, c.Subtype, c.Priority, reasons, c.Department, c.State, c.Escalated,
		tsOrNull(c.Deadlines.FirstResponse), tsOrNull(c.Deadlines.Registration),
		tsOrNull(c.Deadlines.Classification), tsOrNull(c.Deadlines.StartBy),
		ts(c.UpdatedAt), textOrNull(ext.Plan), textOrNull(ext.Resolution), textOrNull(ext.Milestones),
		textOrNull(ext.Complaints), idOrNull(c.Assignee), c.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update case %d: %w", c.ID, err)
	}
	return mustAffect(res, "case", c.ID)
}

func caseJSON(c *cases.Case) (fields, reasons string, err error) {
	if fields, err = jsonText(c.Fields); err != nil {
		return "", "", err
	}
	if reasons, err = jsonText(c.Reasons); err != nil {
		return "", "", err
	}
	return fields, reasons, nil
}

// CaseGet returns a case by id.
func (t *Tx) CaseGet(ctx context.Context, id int64) (*cases.Case, error) {
	return caseGet(ctx, t.stmt(ctx, stmtCaseGet), id)
}

// CaseHistoryInsert appends history entries.
func (t *Tx) CaseHistoryInsert(ctx context.Context, changes ...cases.Change) error {
	for _, ch := range changes {
		if _, err := t.stmt(ctx, stmtCaseHistoryInsert).ExecContext(ctx,
			ch.CaseID, ts(t.s.orNow(ch.At)), ch.Actor, ch.Action, ch.Field, ch.From, ch.To, ch.Reason, ch.Visible); err != nil {
			return fmt.Errorf("sqlite: insert case %d history: %w", ch.CaseID, err)
		}
	}
	return nil
}

// OutboxInsert queues a message to deliver.
func (t *Tx) OutboxInsert(ctx context.Context, p service.OutboxParams) (int64, error) {
	choices, err := jsonText(p.Choices)
	if err != nil {
		return 0, err
	}
	created := t.s.orNow(p.CreatedAt)
	notBefore := p.NotBefore
	if notBefore.IsZero() {
		notBefore = created
	}
	facts, err := jsonText(p.Facts)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := t.stmt(ctx, stmtOutboxInsert).QueryRowContext(ctx,
		idOrNull(p.ConversationID), p.Channel, p.ExternalUserID, p.Text, p.Field, choices, p.Kind,
		p.Lang, facts, p.Held, ts(notBefore), ts(created), p.TraceParent, p.Origin, tsOrNull(p.OriginUntil)).Scan(&id); err != nil {
		return 0, fmt.Errorf("sqlite: insert outbox: %w", err)
	}
	for i, f := range p.Files {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO outbox_files (outbox_id, n, name, content_type, data) VALUES (?, ?, ?, ?, ?)`,
			id, i, f.Name, f.ContentType, f.Data); err != nil {
			return 0, fmt.Errorf("sqlite: insert outbox %d file: %w", id, err)
		}
	}
	return id, nil
}

// OutboxQueued lists the conversation's pending rows, oldest first.
func (t *Tx) OutboxQueued(ctx context.Context, conversationID int64) ([]service.OutboxRow, error) {
	rows, err := t.stmt(ctx, stmtOutboxQueued).QueryContext(ctx, conversationID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: queued outbox of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []service.OutboxRow
	for rows.Next() {
		var r service.OutboxRow
		if err := rows.Scan(&r.OutboxID, scan.ID(&r.ConversationID), &r.Channel, &r.ExternalUserID, &r.Text,
			&r.Field, scan.JSON(&r.Choices), &r.Kind, &r.Lang, scan.JSON(&r.Facts), timeCol{&r.CreatedAt}, &r.Attempts,
			timeCol{&r.NextAttemptAt}, &r.LastError); err != nil {
			return nil, fmt.Errorf("sqlite: scan outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: queued outbox of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// OutboxSupersede ends a pending row unsent.
func (t *Tx) OutboxSupersede(ctx context.Context, id int64, why string) (bool, error) {
	res, err := t.stmt(ctx, stmtOutboxSupersede).ExecContext(ctx, "superseded: "+why, id)
	if err != nil {
		return false, fmt.Errorf("sqlite: supersede outbox %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: supersede outbox %d: %w", id, err)
	}
	return n == 1, nil
}

// OutboxMarkSent marks a row sent; false when it was sent already.
// CursorSet writes a durable channel position in this transaction.
func (t *Tx) CursorSet(ctx context.Context, key, value string, at time.Time) error {
	if _, err := t.stmt(ctx, stmtCursorSet).ExecContext(ctx, key, value, ts(t.s.orNow(at))); err != nil {
		return fmt.Errorf("sqlite: write cursor %s: %w", key, err)
	}
	return nil
}

// OutboxRelease makes the conversation's deferred rows due now.
func (t *Tx) OutboxRelease(ctx context.Context, conversationID int64, now time.Time) (int, error) {
	now = t.s.orNow(now)
	res, err := t.stmt(ctx, stmtOutboxRelease).ExecContext(ctx, ts(now), conversationID, ts(now))
	if err != nil {
		return 0, fmt.Errorf("sqlite: release outbox of conversation %d: %w", conversationID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: release outbox of conversation %d: %w", conversationID, err)
	}
	return int(n), nil
}

func (t *Tx) OutboxMarkSent(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.stmt(ctx, stmtOutboxMarkSent).ExecContext(ctx, ts(t.s.orNow(at)), id)
	if err != nil {
		return false, fmt.Errorf("sqlite: mark outbox %d sent: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("sqlite: mark outbox %d sent: %w", id, err)
	} else if n == 1 {
		return true, nil
	}
	var one int
	err = t.stmt(ctx, stmtOutboxExists).QueryRowContext(ctx, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound("outbox row", id)
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: find outbox %d: %w", id, err)
	}
	return false, nil
}

// TimerInsert schedules a River job in this transaction.
func (t *Tx) TimerInsert(ctx context.Context, p service.TimerParams) error {
	if err := t.s.timers.Insert(ctx, t.tx, p); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// TimerInsertMany schedules River jobs in this transaction, in one insert.
func (t *Tx) TimerInsertMany(ctx context.Context, ps []service.TimerParams) error {
	if err := t.s.timers.InsertMany(ctx, t.tx, ps); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// mustAffect turns "no row updated" into ENotFound.
func mustAffect(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s %d: %w", what, id, err)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}
