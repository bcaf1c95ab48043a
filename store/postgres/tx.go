package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/casejson"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// Tx is one PostgreSQL transaction; see service.Tx.
type Tx struct {
	s  *Store
	tx pgx.Tx
}

var _ service.Tx = (*Tx)(nil)

// Lock takes a transaction-scoped advisory lock on key.
func (t *Tx) Lock(ctx context.Context, key string) error {
	if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
		return fmt.Errorf("postgres: lock %q: %w", key, err)
	}
	return nil
}

// CustomerGetOrCreate returns the customer of a channel identity, creating
// both when the identity is new. Two transactions racing on a new identity
// end up with the same customer.
func (t *Tx) CustomerGetOrCreate(ctx context.Context, p service.CustomerParams) (service.Customer, error) {
	c, err := t.customerFind(ctx, p)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return c, err
	}
	now := t.s.orNow(p.Now).UTC()
	c = service.Customer{DisplayName: p.DisplayName}
	if err := t.tx.QueryRow(ctx,
		`INSERT INTO customers (display_name, created_at) VALUES ($1, $2) RETURNING id, created_at`,
		p.DisplayName, now).Scan(&c.ID, timeCol{&c.CreatedAt}); err != nil {
		return c, fmt.Errorf("postgres: insert customer: %w", err)
	}
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO customer_identities (channel, external_user_id, customer_id, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, p.Channel, p.ExternalUserID, c.ID, now)
	if err != nil {
		return c, fmt.Errorf("postgres: insert customer identity: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return c, nil
	}
	// Another transaction created the identity meanwhile: use its customer.
	if _, err := t.tx.Exec(ctx, `DELETE FROM customers WHERE id = $1`, c.ID); err != nil {
		return c, fmt.Errorf("postgres: drop duplicate customer: %w", err)
	}
	c, err = t.customerFind(ctx, p)
	if err != nil {
		return c, fmt.Errorf("postgres: find customer: %w", err)
	}
	return c, nil
}

func (t *Tx) customerFind(ctx context.Context, p service.CustomerParams) (service.Customer, error) {
	var c service.Customer
	err := t.tx.QueryRow(ctx, `
		SELECT c.id, c.display_name, c.created_at
		FROM customer_identities i JOIN customers c ON c.id = i.customer_id
		WHERE i.channel = $1 AND i.external_user_id = $2`,
		p.Channel, p.ExternalUserID).Scan(&c.ID, &c.DisplayName, timeCol{&c.CreatedAt})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("postgres: find customer: %w", err)
	}
	return c, err
}

// ConversationGetOrCreate returns the conversation of a channel user,
// creating it in phase "new".
func (t *Tx) ConversationGetOrCreate(ctx context.Context, p service.ConversationParams) (service.Conversation, error) {
	now := t.s.orNow(p.Now).UTC()
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO conversations (customer_id, channel, external_user_id, phase, created_at, updated_at)
		VALUES ($1, $2, $3, 'new', $4, $4)
		ON CONFLICT (channel, external_user_id) DO NOTHING`,
		p.CustomerID, p.Channel, p.ExternalUserID, now); err != nil {
		return service.Conversation{}, fmt.Errorf("postgres: insert conversation: %w", err)
	}
	return conversationFind(ctx, t.tx, p.Channel, p.ExternalUserID)
}

// ConversationGet returns a conversation by id.
func (t *Tx) ConversationGet(ctx context.Context, id int64) (service.Conversation, error) {
	return conversationGet(ctx, t.tx, id)
}

// ConversationSave stores the conversation's phase, state and case; its
// customer is set when it is created and moves only with a merge.
func (t *Tx) ConversationSave(ctx context.Context, c service.Conversation) error {
	tag, err := t.tx.Exec(ctx, `
		UPDATE conversations SET phase = $1, state = $2, case_id = $3, updated_at = $4
		WHERE id = $5`,
		c.Phase, c.State, idOrNull(c.CaseID), t.s.orNow(c.UpdatedAt).UTC(), c.ID)
	if err != nil {
		return fmt.Errorf("postgres: save conversation %d: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("conversation", c.ID)
	}
	return nil
}

// MessageInsert stores a message unless (channel, external id) exists; then
// it returns the existing id and inserted false. ON CONFLICT keeps the
// transaction usable and waits for a concurrent insert of the same message.
func (t *Tx) MessageInsert(ctx context.Context, p service.MessageParams) (int64, bool, error) {
	choices, err := jsonb(p.Choices)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = t.tx.QueryRow(ctx, `
		INSERT INTO messages (conversation_id, channel, external_id, direction, text, field, choices, kind, raw, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (channel, external_id) DO NOTHING
		RETURNING id`,
		p.ConversationID, p.Channel, p.ExternalID, p.Direction, p.Text, p.Field, choices, p.Kind, p.Raw,
		t.s.orNow(p.At).UTC()).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, false, fmt.Errorf("postgres: insert message: %w", err)
	}
	if err := t.tx.QueryRow(ctx, `SELECT id FROM messages WHERE channel = $1 AND external_id = $2`,
		p.Channel, p.ExternalID).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("postgres: find duplicate message: %w", err)
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
		return fmt.Errorf("postgres: %w", err)
	}
	var id int64
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO cases (customer_id, conversation_id, channel, source, language, fields, category,
			subtype, priority, reasons, department, state, escalated, deadline_first_response,
			deadline_registration, deadline_classification, deadline_start_by, created_at, updated_at,
			plan, resolution, milestones, complaints, assignee_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
			$20, $21, $22, $23, $24)
		RETURNING id`,
		idOrNull(c.CustomerID), idOrNull(c.ConversationID), c.Channel, c.Source, c.Language, fields,
		c.Category, c.Subtype, c.Priority, reasons, c.Department, c.State, c.Escalated,
		tsOrNull(c.Deadlines.FirstResponse), tsOrNull(c.Deadlines.Registration),
		tsOrNull(c.Deadlines.Classification), tsOrNull(c.Deadlines.StartBy),
		c.CreatedAt.UTC(), c.UpdatedAt.UTC(),
		jsonbOrNull(ext.Plan), jsonbOrNull(ext.Resolution), jsonbOrNull(ext.Milestones), jsonbOrNull(ext.Complaints),
		idOrNull(c.Assignee)).Scan(&id); err != nil {
		return fmt.Errorf("postgres: insert case: %w", err)
	}
	number := cases.NumberFor(id)
	if _, err := t.tx.Exec(ctx, `UPDATE cases SET number = $1 WHERE id = $2`, number, id); err != nil {
		return fmt.Errorf("postgres: number case %d: %w", id, err)
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
		return fmt.Errorf("postgres: %w", err)
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE cases SET customer_id = COALESCE(customer_id, $1), conversation_id = $2, channel = $3, source = $4, language = $5,
			fields = $6, category = $7, subtype = $8, priority = $9, reasons = $10, department = $11,
			state = $12, escalated = $13, deadline_first_response = $14, deadline_registration = $15,
			deadline_classification = $16, deadline_start_by = $17, updated_at = $18,
			plan = $19, resolution = $20, milestones = $21, complaints = $22, assignee_id = $24
		WHERE id = $23`,
		idOrNull(c.CustomerID), idOrNull(c.ConversationID), c.Channel, c.Source, c.Language, fields,
		c.Category, c.Subtype, c.Priority, reasons, c.Department, c.State, c.Escalated,
		tsOrNull(c.Deadlines.FirstResponse), tsOrNull(c.Deadlines.Registration),
		tsOrNull(c.Deadlines.Classification), tsOrNull(c.Deadlines.StartBy),
		c.UpdatedAt.UTC(), jsonbOrNull(ext.Plan), jsonbOrNull(ext.Resolution), jsonbOrNull(ext.Milestones),
		jsonbOrNull(ext.Complaints), c.ID, idOrNull(c.Assignee))
	if err != nil {
		return fmt.Errorf("postgres: update case %d: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("case", c.ID)
	}
	return nil
}

func caseJSON(c *cases.Case) (fields, reasons []byte, err error) {
	if fields, err = jsonb(c.Fields); err != nil {
		return nil, nil, err
	}
	if reasons, err = jsonb(c.Reasons); err != nil {
		return nil, nil, err
	}
	return fields, reasons, nil
}

// CaseGet returns a case by id.
func (t *Tx) CaseGet(ctx context.Context, id int64) (*cases.Case, error) {
	return caseGet(ctx, t.tx, id)
}

// CaseHistoryInsert appends history entries.
func (t *Tx) CaseHistoryInsert(ctx context.Context, changes ...cases.Change) error {
	for _, ch := range changes {
		if _, err := t.tx.Exec(ctx, `
			INSERT INTO case_history (case_id, at, actor, action, field, from_value, to_value, reason, visible)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ch.CaseID, t.s.orNow(ch.At).UTC(), ch.Actor, ch.Action, ch.Field, ch.From, ch.To, ch.Reason,
			ch.Visible); err != nil {
			return fmt.Errorf("postgres: insert case %d history: %w", ch.CaseID, err)
		}
	}
	return nil
}

// OutboxInsert queues a message to deliver.
func (t *Tx) OutboxInsert(ctx context.Context, p service.OutboxParams) (int64, error) {
	choices, err := jsonb(p.Choices)
	if err != nil {
		return 0, err
	}
	created := t.s.orNow(p.CreatedAt).UTC()
	notBefore := p.NotBefore
	if notBefore.IsZero() {
		notBefore = created
	}
	facts, err := jsonb(p.Facts)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO outbox (conversation_id, channel, external_user_id, text, field, choices, kind,
			lang, facts, last_error, next_attempt_at, created_at, trace_parent, origin, origin_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING id`,
		idOrNull(p.ConversationID), p.Channel, p.ExternalUserID, p.Text, p.Field, choices, p.Kind,
		p.Lang, facts, p.Held, notBefore.UTC(), created, p.TraceParent, p.Origin, tsOrNull(p.OriginUntil)).Scan(&id); err != nil {
		return 0, fmt.Errorf("postgres: insert outbox: %w", err)
	}
	for i, f := range p.Files {
		if _, err := t.tx.Exec(ctx, `INSERT INTO outbox_files (outbox_id, n, name, content_type, data) VALUES ($1, $2, $3, $4, $5)`,
			id, i, f.Name, f.ContentType, f.Data); err != nil {
			return 0, fmt.Errorf("postgres: insert outbox %d file: %w", id, err)
		}
	}
	return id, nil
}

// OutboxQueued lists the conversation's pending rows, oldest first.
func (t *Tx) OutboxQueued(ctx context.Context, conversationID int64) ([]service.OutboxRow, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT id, conversation_id, channel, external_user_id, text, field, choices,
			kind, lang, facts, created_at, attempts, next_attempt_at, last_error
		FROM outbox WHERE conversation_id = $1 AND status = 'pending' ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("postgres: queued outbox of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []service.OutboxRow
	for rows.Next() {
		var r service.OutboxRow
		if err := rows.Scan(&r.OutboxID, scan.ID(&r.ConversationID), &r.Channel, &r.ExternalUserID, &r.Text,
			&r.Field, scan.JSON(&r.Choices), &r.Kind, &r.Lang, scan.JSON(&r.Facts), timeCol{&r.CreatedAt}, &r.Attempts,
			timeCol{&r.NextAttemptAt}, &r.LastError); err != nil {
			return nil, fmt.Errorf("postgres: scan outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: queued outbox of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// OutboxSupersede ends a pending row unsent.
func (t *Tx) OutboxSupersede(ctx context.Context, id int64, why string) (bool, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE outbox SET status = 'superseded', last_error = $1, locked_until = NULL
		WHERE id = $2 AND status = 'pending'`, "superseded: "+why, id)
	if err != nil {
		return false, fmt.Errorf("postgres: supersede outbox %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// OutboxMarkSent marks a row sent; false when it was sent already.
// CursorSet writes a durable channel position in this transaction.
func (t *Tx) CursorSet(ctx context.Context, key, value string, at time.Time) error {
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO cursors (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, t.s.orNow(at).UTC()); err != nil {
		return fmt.Errorf("postgres: write cursor %s: %w", key, err)
	}
	return nil
}

// OutboxRelease makes the conversation's deferred rows due now.
func (t *Tx) OutboxRelease(ctx context.Context, conversationID int64, now time.Time) (int, error) {
	now = t.s.orNow(now).UTC()
	tag, err := t.tx.Exec(ctx, `
		UPDATE outbox SET next_attempt_at = $1
		WHERE conversation_id = $2 AND status = 'pending' AND next_attempt_at > $1
			AND (last_error LIKE 'deferred:%' OR last_error LIKE 'held:%')`, now, conversationID)
	if err != nil {
		return 0, fmt.Errorf("postgres: release outbox of conversation %d: %w", conversationID, err)
	}
	return int(tag.RowsAffected()), nil
}

func (t *Tx) OutboxMarkSent(ctx context.Context, id int64, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE outbox SET status = 'sent', sent_at = $1, locked_until = NULL
		WHERE id = $2 AND status <> 'sent'`, t.s.orNow(at).UTC(), id)
	if err != nil {
		return false, fmt.Errorf("postgres: mark outbox %d sent: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	var one int
	err = t.tx.QueryRow(ctx, `SELECT 1 FROM outbox WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, notFound("outbox row", id)
	}
	if err != nil {
		return false, fmt.Errorf("postgres: find outbox %d: %w", id, err)
	}
	return false, nil
}

// TimerInsert schedules a River job in this transaction.
func (t *Tx) TimerInsert(ctx context.Context, p service.TimerParams) error {
	if err := t.s.timers.Insert(ctx, t.tx, p); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// TimerInsertMany schedules River jobs in this transaction, in one insert.
func (t *Tx) TimerInsertMany(ctx context.Context, ps []service.TimerParams) error {
	if err := t.s.timers.InsertMany(ctx, t.tx, ps); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}
