package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store/internal/scan"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

const conversationCols = `id, customer_id, channel, external_user_id, phase, state, case_id, created_at, updated_at`

func scanConversationRow(row pgx.Row) (service.Conversation, error) {
	var c service.Conversation
	err := row.Scan(&c.ID, &c.CustomerID, &c.Channel, &c.ExternalUserID, &c.Phase, &c.State,
		scan.ID(&c.CaseID), timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	return c, err
}

func scanConversation(row pgx.Row, what string, key any) (service.Conversation, error) {
	c, err := scanConversationRow(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, notFound(what, key)
	}
	if err != nil {
		return c, fmt.Errorf("postgres: get %s %v: %w", what, key, err)
	}
	return c, nil
}

func conversationGet(ctx context.Context, q querier, id int64) (service.Conversation, error) {
	row := q.QueryRow(ctx, `SELECT `+conversationCols+` FROM conversations WHERE id = $1`, id)
	return scanConversation(row, "conversation", id)
}

func conversationFind(ctx context.Context, q querier, ch channels.ID, externalUserID string) (service.Conversation, error) {
	row := q.QueryRow(ctx, `SELECT `+conversationCols+` FROM conversations
		WHERE channel = $1 AND external_user_id = $2`, ch, externalUserID)
	return scanConversation(row, "conversation", string(ch)+"/"+externalUserID)
}

// ConversationGetByID returns a conversation by id.
func (s *Store) ConversationGetByID(ctx context.Context, id int64) (service.Conversation, error) {
	return conversationGet(ctx, s.q(ctx), id)
}

// ConversationFind returns the conversation of a channel user.
func (s *Store) ConversationFind(ctx context.Context, ch channels.ID, externalUserID string) (service.Conversation, error) {
	return conversationFind(ctx, s.q(ctx), ch, externalUserID)
}

// ConversationList returns the conversations in p.Phase ("" = all), most
// recently updated first.
func (s *Store) ConversationList(ctx context.Context, p service.ConversationListParams) ([]service.Conversation, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	// Most recently updated first; id breaks ties so the order is stable.
	rows, err := s.q(ctx).Query(ctx, `SELECT `+conversationCols+` FROM conversations
		WHERE ($1 = '' OR phase = $1) AND ($3 = 0 OR customer_id = $3)
		ORDER BY updated_at DESC, id DESC LIMIT $2`, p.Phase, limit, p.CustomerID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list conversations: %w", err)
	}
	defer rows.Close()
	var out []service.Conversation
	for rows.Next() {
		c, err := scanConversationRow(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan conversation: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list conversations: %w", err)
	}
	return out, nil
}

// MessagesList returns a conversation's messages after p.AfterID, oldest first.
func (s *Store) MessagesList(ctx context.Context, p service.MessagesListParams) ([]channels.StoredMessage, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := s.q(ctx).Query(ctx, `
		SELECT id, direction, text, field, choices, kind, at FROM messages
		WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3`, p.ConversationID, p.AfterID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: list messages: %w", err)
	}
	defer rows.Close()
	var out []channels.StoredMessage
	for rows.Next() {
		var m channels.StoredMessage
		if err := rows.Scan(&m.ID, &m.Direction, &m.Text, &m.Field, scan.JSON(&m.Choices), &m.Kind, timeCol{&m.At}); err != nil {
			return nil, fmt.Errorf("postgres: scan message: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list messages: %w", err)
	}
	return out, nil
}

const caseCols = `id, number, customer_id, conversation_id, channel, source, language, fields, category,
	subtype, priority, reasons, department, state, escalated, deadline_first_response,
	deadline_registration, deadline_classification, deadline_start_by, created_at, updated_at,
	plan, resolution, milestones, complaints, assignee_id`

func scanCase(r pgx.Row) (*cases.Case, error) {
	c := &cases.Case{}
	err := r.Scan(&c.ID, &c.Number, scan.ID(&c.CustomerID), scan.ID(&c.ConversationID), &c.Channel, &c.Source,
		&c.Language, scan.JSON(&c.Fields), &c.Category, &c.Subtype, &c.Priority, scan.JSON(&c.Reasons),
		&c.Department, &c.State, &c.Escalated, timeCol{&c.Deadlines.FirstResponse},
		timeCol{&c.Deadlines.Registration}, timeCol{&c.Deadlines.Classification},
		timeCol{&c.Deadlines.StartBy}, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt},
		scan.JSON(&c.Plan), scan.JSON(&c.Resolution), scan.JSON(&c.Milestones), scan.JSON(&c.Complaints),
		scan.ID(&c.Assignee))
	return c, err
}

func caseGet(ctx context.Context, q querier, id int64) (*cases.Case, error) {
	c, err := scanCase(q.QueryRow(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("case", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get case %d: %w", id, err)
	}
	return c, nil
}

// CaseGetByID returns a case by id.
func (s *Store) CaseGetByID(ctx context.Context, id int64) (*cases.Case, error) {
	return caseGet(ctx, s.q(ctx), id)
}

// caseWhere is the filter of service.CaseListParams, shared by the list
// and its count so they never disagree.
const caseWhere = `
		WHERE ($1 = 0 OR conversation_id = $1) AND ($2 = 0 OR customer_id = $2)
			AND ($3 = '' OR department = $3) AND ($4 = '' OR state = $4) AND ($5 = '' OR priority = $5)
			AND ($7 = 0 OR id < $7) AND ($8 = '' OR fields->>'phone' = $8)
			AND ($9 = '' OR lower(fields->>'email') = $9) AND ($10 = '' OR number = $10)
			AND (NOT $11 OR state NOT IN ('resolved', 'closed')) AND ($12 = 0 OR assignee_id = $12)
			AND ($13 = '' OR lower(number) = $13
				OR strpos(lower(COALESCE(fields->>'purchase_proof', '')), $13) > 0
				OR strpos(lower(COALESCE(fields->>'product_model', '')), $13) > 0
				OR strpos(lower(COALESCE(fields->>'customer_name', '')), $13) > 0
				OR strpos(lower(COALESCE(fields->>'company', '')), $13) > 0)
			AND ($14::timestamptz IS NULL OR created_at >= $14) AND ($15::timestamptz IS NULL OR created_at < $15)
			AND ($16 = '' OR channel = $16) AND ($17 = '' OR category = $17)
			AND ($18 = '' OR subtype = $18) AND ($19 = '' OR source = $19)`

// caseArgs are the parameters of caseWhere.
func caseArgs(p service.CaseListParams, limit int) []any {
	return []any{p.ConversationID, p.CustomerID, string(p.Department), string(p.State), string(p.Priority), limit, p.BeforeID, p.Phone,
		strings.ToLower(p.Email), p.Number, p.Open, p.Assignee, strings.ToLower(p.Q),
		tsOrNull(p.CreatedFrom), tsOrNull(p.CreatedTo), p.Channel, string(p.Category), p.Subtype, p.Source}
}

// CaseCount counts the matching cases, up to p.Limit (a badge says "N+"
// past it, and the count stays cheap).
func (s *Store) CaseCount(ctx context.Context, p service.CaseListParams) (int, error) {
	var n int
	if err := s.q(ctx).QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM cases `+caseWhere+` LIMIT $6) AS c`, caseArgs(p, max(p.Limit, 1))...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count cases: %w", err)
	}
	return n, nil
}

// CaseList returns matching cases, newest first.
func (s *Store) CaseList(ctx context.Context, p service.CaseListParams) ([]*cases.Case, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.q(ctx).Query(ctx, `SELECT `+caseCols+` FROM cases `+caseWhere+` ORDER BY id DESC LIMIT $6`, caseArgs(p, limit)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list cases: %w", err)
	}
	defer rows.Close()
	var out []*cases.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan case: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list cases: %w", err)
	}
	return out, nil
}

// CaseHistory returns a case's history, oldest first.
func (s *Store) CaseHistory(ctx context.Context, caseID int64) ([]cases.Change, error) {
	rows, err := s.q(ctx).Query(ctx, `
		SELECT case_id, at, actor, action, field, from_value, to_value, reason, visible
		FROM case_history WHERE case_id = $1 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("postgres: case %d history: %w", caseID, err)
	}
	defer rows.Close()
	var out []cases.Change
	for rows.Next() {
		var ch cases.Change
		if err := rows.Scan(&ch.CaseID, timeCol{&ch.At}, &ch.Actor, &ch.Action, &ch.Field, &ch.From, &ch.To, &ch.Reason, &ch.Visible); err != nil {
			return nil, fmt.Errorf("postgres: scan case history: %w", err)
		}
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: case %d history: %w", caseID, err)
	}
	return out, nil
}

// OutboxClaim leases due rows, at most the oldest pending one per
// conversation (deferred and held rows aside). SKIP LOCKED lets several processes claim at once: a row
// another claim is leasing is skipped, and the rows behind it still see it
// pending, so they wait.
func (s *Store) OutboxClaim(ctx context.Context, p service.OutboxClaimParams) ([]service.OutboxRow, error) {
	now := s.orNow(p.Now).UTC()
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	lease := p.LeaseFor
	if lease <= 0 {
		lease = time.Minute
	}
	except := make([]string, len(p.Except))
	for i, c := range p.Except {
		except[i] = string(c)
	}
	rows, err := s.q(ctx).Query(ctx, `
		WITH due AS (
			SELECT o.id FROM outbox o
			WHERE o.status = 'pending' AND o.next_attempt_at <= $1
				AND (o.locked_until IS NULL OR o.locked_until <= $1)
				AND NOT EXISTS (SELECT 1 FROM outbox e
					WHERE e.conversation_id = o.conversation_id AND e.status = 'pending' AND e.id < o.id
						AND NOT (e.next_attempt_at > $1 AND (e.last_error LIKE 'deferred:%' OR e.last_error LIKE 'held:%')))
				AND ($4 = '' OR o.channel = $4)
				AND NOT (o.channel = ANY($5::text[]))
				AND (o.origin_until IS NULL OR o.origin_until <= $1 OR o.origin = $6)
			ORDER BY o.id LIMIT $2
			FOR UPDATE SKIP LOCKED
		)
		UPDATE outbox o SET locked_until = $3, attempts = o.attempts + 1
		FROM due WHERE o.id = due.id
		RETURNING o.id, o.conversation_id, o.channel, o.external_user_id, o.text, o.field, o.choices,
			o.kind, o.lang, o.facts, o.created_at, o.attempts - 1, o.trace_parent`, now, limit, now.Add(lease), string(p.Channel), except, p.Origin)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim outbox: %w", err)
	}
	defer rows.Close()
	var out []service.OutboxRow
	for rows.Next() {
		var r service.OutboxRow
		if err := rows.Scan(&r.OutboxID, scan.ID(&r.ConversationID), &r.Channel, &r.ExternalUserID, &r.Text,
			&r.Field, scan.JSON(&r.Choices), &r.Kind, &r.Lang, scan.JSON(&r.Facts), timeCol{&r.CreatedAt}, &r.Attempts, &r.TraceParent); err != nil {
			return nil, fmt.Errorf("postgres: scan outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim outbox: %w", err)
	}
	// RETURNING has no order; send oldest first.
	slices.SortFunc(out, func(a, b service.OutboxRow) int { return int(a.OutboxID - b.OutboxID) })
	return out, nil
}

// OutboxFail records a failed attempt. A row that was sent meanwhile stays
// sent.
func (s *Store) OutboxFail(ctx context.Context, p service.OutboxFailParams) error {
	tag, err := s.q(ctx).Exec(ctx, `
		UPDATE outbox SET last_error = $1, next_attempt_at = COALESCE($2, next_attempt_at), locked_until = NULL,
			status = CASE WHEN $3 THEN 'dead' ELSE status END
		WHERE id = $4 AND status <> 'sent'`, p.Error, tsOrNull(p.NextAttemptAt), p.Dead, p.ID)
	if err != nil {
		return fmt.Errorf("postgres: fail outbox %d: %w", p.ID, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	if err := s.q(ctx).QueryRow(ctx, `SELECT 1 FROM outbox WHERE id = $1`, p.ID).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
		return notFound("outbox row", p.ID)
	} else if err != nil {
		return fmt.Errorf("postgres: find outbox %d: %w", p.ID, err)
	}
	return nil
}

// CursorGet reads a durable channel position.
func (s *Store) CursorGet(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.q(ctx).QueryRow(ctx, `SELECT value FROM cursors WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("postgres: read cursor %s: %w", key, err)
	}
	return v, true, nil
}

// OutboxPending counts rows still to deliver (dead rows are not counted).
func (s *Store) OutboxPending(ctx context.Context) (int, error) {
	var n int
	if err := s.q(ctx).QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count outbox: %w", err)
	}
	return n, nil
}

// InboundRejectedInsert keeps a payload that could not be parsed.
func (s *Store) InboundRejectedInsert(ctx context.Context, p service.RejectedParams) error {
	if _, err := s.q(ctx).Exec(ctx, `INSERT INTO inbound_rejected (channel, reason, raw, at) VALUES ($1, $2, $3, $4)`,
		p.Channel, p.Reason, p.Raw, s.orNow(p.At).UTC()); err != nil {
		return fmt.Errorf("postgres: insert rejected inbound: %w", err)
	}
	return nil
}

// UserInsert stores a staff user; a token hash already in use is EConflict.
func (s *Store) UserInsert(ctx context.Context, p service.UserParams) (cases.User, error) {
	u := cases.User{Name: p.Name, Role: p.Role, Department: p.Department}
	if len(p.TokenHash) == 0 {
		return u, cases.Errorf(cases.EInvalid, "user.token_hash: required")
	}
	// A taken token hash inserts nothing, so RETURNING yields no row.
	err := s.q(ctx).QueryRow(ctx, `
		INSERT INTO users (name, role, department, token_hash, created_at, login, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (token_hash) DO NOTHING
		RETURNING id`,
		p.Name, string(p.Role), string(p.Department), p.TokenHash, s.orNow(p.Now).UTC(), scan.NullIfEmpty(p.Login), bytesOrNull(p.PasswordHash)).Scan(&u.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, cases.Errorf(cases.EConflict, fmt.Sprintf("user %q: token already in use", p.Name))
	}
	if err != nil && strings.Contains(err.Error(), "23505") {
		return u, cases.Errorf(cases.EConflict, fmt.Sprintf("user.login: %q is taken", p.Login))
	}
	if err != nil {
		return u, fmt.Errorf("postgres: insert user: %w", err)
	}
	return u, nil
}

// UserByTokenHash returns the enabled user with this token hash.
func (s *Store) UserByTokenHash(ctx context.Context, hash []byte) (cases.User, error) {
	var u cases.User
	if len(hash) == 0 {
		return u, userNotFound()
	}
	err := s.q(ctx).QueryRow(ctx, `
		SELECT id, name, role, department FROM users WHERE token_hash = $1 AND NOT disabled`,
		hash).Scan(&u.ID, &u.Name, &u.Role, &u.Department)
	if errors.Is(err, pgx.ErrNoRows) {
		return cases.User{}, userNotFound()
	}
	if err != nil {
		return cases.User{}, fmt.Errorf("postgres: find user by token: %w", err)
	}
	return u, nil
}

// UserList lists every staff user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]service.UserRecord, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT id, name, role, department, disabled, created_at, COALESCE(login, '') FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	defer rows.Close()
	var out []service.UserRecord
	for rows.Next() {
		var u service.UserRecord
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Department, &u.Disabled, timeCol{&u.CreatedAt}, &u.Login); err != nil {
			return nil, fmt.Errorf("postgres: scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	return out, nil
}

// UserUpdate disables, enables or re-keys a user.
func (s *Store) UserUpdate(ctx context.Context, id int64, p service.UserUpdateParams) error {
	var hash any
	if len(p.TokenHash) > 0 {
		hash = p.TokenHash
	}
	tag, err := s.q(ctx).Exec(ctx, `
		UPDATE users SET disabled = COALESCE($2, disabled), token_hash = COALESCE($3, token_hash),
			login = COALESCE($4, login), password_hash = COALESCE($5, password_hash) WHERE id = $1`,
		id, p.Disabled, hash, p.Login, bytesOrNull(p.PasswordHash))
	if err != nil {
		if strings.Contains(err.Error(), "23505") {
			return cases.Errorf(cases.EConflict, fmt.Sprintf("user %d: login or token already in use", id))
		}
		return fmt.Errorf("postgres: update user %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("user", id)
	}
	return nil
}
