package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store/internal/scan"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

func scanConversationRow(r rowScanner) (service.Conversation, error) {
	var c service.Conversation
	err := r.Scan(&c.ID, &c.CustomerID, &c.Channel, &c.ExternalUserID, &c.Phase, &c.State,
		scan.ID(&c.CaseID), timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	return c, err
}

func scanConversation(row *sql.Row, what string, key any) (service.Conversation, error) {
	c, err := scanConversationRow(row)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound(what, key)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: get %s %v: %w", what, key, err)
	}
	return c, nil
}

func conversationGet(ctx context.Context, st *sql.Stmt, id int64) (service.Conversation, error) {
	row := st.QueryRowContext(ctx, id)
	return scanConversation(row, "conversation", id)
}

func conversationFind(ctx context.Context, st *sql.Stmt, ch channels.ID, externalUserID string) (service.Conversation, error) {
	row := st.QueryRowContext(ctx, ch, externalUserID)
	return scanConversation(row, "conversation", string(ch)+"/"+externalUserID)
}

// ConversationGetByID returns a conversation by id.
func (s *Store) ConversationGetByID(ctx context.Context, id int64) (service.Conversation, error) {
	return conversationGet(ctx, s.stmt(ctx, stmtConversationGet), id)
}

// ConversationFind returns the conversation of a channel user.
func (s *Store) ConversationFind(ctx context.Context, ch channels.ID, externalUserID string) (service.Conversation, error) {
	return conversationFind(ctx, s.stmt(ctx, stmtConversationFind), ch, externalUserID)
}

// ConversationList returns the conversations in p.Phase ("" = all), most
// recently updated first.
func (s *Store) ConversationList(ctx context.Context, p service.ConversationListParams) ([]service.Conversation, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.stmt(ctx, stmtConversationList).QueryContext(ctx, p.Phase, limit, p.CustomerID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list conversations: %w", err)
	}
	defer rows.Close()
	var out []service.Conversation
	for rows.Next() {
		c, err := scanConversationRow(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan conversation: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list conversations: %w", err)
	}
	return out, nil
}

// MessagesList returns a conversation's messages after p.AfterID, oldest first.
func (s *Store) MessagesList(ctx context.Context, p service.MessagesListParams) ([]channels.StoredMessage, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := s.stmt(ctx, stmtMessagesList).QueryContext(ctx, p.ConversationID, p.AfterID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list messages: %w", err)
	}
	defer rows.Close()
	var out []channels.StoredMessage
	for rows.Next() {
		var m channels.StoredMessage
		if err := rows.Scan(&m.ID, &m.Direction, &m.Text, &m.Field, scan.JSON(&m.Choices), &m.Kind, timeCol{&m.At}); err != nil {
			return nil, fmt.Errorf("sqlite: scan message: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list messages: %w", err)
	}
	return out, nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanCase(r rowScanner) (*cases.Case, error) {
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

func caseGet(ctx context.Context, st *sql.Stmt, id int64) (*cases.Case, error) {
	c, err := scanCase(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("case", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get case %d: %w", id, err)
	}
	return c, nil
}

// CaseGetByID returns a case by id.
func (s *Store) CaseGetByID(ctx context.Context, id int64) (*cases.Case, error) {
	return caseGet(ctx, s.stmt(ctx, stmtCaseGet), id)
}

// caseArgs are the parameters of caseWhere.
func caseArgs(p service.CaseListParams, limit int) []any {
	return []any{p.ConversationID, p.CustomerID, p.Department, p.State, p.Priority, limit, p.BeforeID, p.Phone,
		strings.ToLower(p.Email), p.Number, p.Open, p.Assignee, strings.ToLower(p.Q),
		tsOrEmpty(p.CreatedFrom), tsOrEmpty(p.CreatedTo), p.Channel, string(p.Category), p.Subtype, p.Source}
}

// tsOrEmpty is t as the columns store it, "" (no bound) for zero.
func tsOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ts(t)
}

// CaseCount counts the matching cases, up to p.Limit (a badge says "N+"
// past it, and the count stays cheap).
func (s *Store) CaseCount(ctx context.Context, p service.CaseListParams) (int, error) {
	var n int
	if err := s.stmt(ctx, stmtCaseCount).QueryRowContext(ctx, caseArgs(p, max(p.Limit, 1))...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count cases: %w", err)
	}
	return n, nil
}

// CaseList returns matching cases, newest first.
func (s *Store) CaseList(ctx context.Context, p service.CaseListParams) ([]*cases.Case, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.stmt(ctx, stmtCaseList).QueryContext(ctx, caseArgs(p, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list cases: %w", err)
	}
	defer rows.Close()
	var out []*cases.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan case: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list cases: %w", err)
	}
	return out, nil
}

// CaseHistory returns a case's history, oldest first.
func (s *Store) CaseHistory(ctx context.Context, caseID int64) ([]cases.Change, error) {
	rows, err := s.stmt(ctx, stmtCaseHistory).QueryContext(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: case %d history: %w", caseID, err)
	}
	defer rows.Close()
	var out []cases.Change
	for rows.Next() {
		var ch cases.Change
		if err := rows.Scan(&ch.CaseID, timeCol{&ch.At}, &ch.Actor, &ch.Action, &ch.Field, &ch.From, &ch.To, &ch.Reason, &ch.Visible); err != nil {
			return nil, fmt.Errorf("sqlite: scan case history: %w", err)
		}
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: case %d history: %w", caseID, err)
	}
	return out, nil
}

// OutboxClaim leases due rows, at most the oldest pending one per
// conversation (deferred and held rows aside). BEGIN IMMEDIATE makes the select-then-update atomic against
// other processes on the same file.
func (s *Store) OutboxClaim(ctx context.Context, p service.OutboxClaimParams) ([]service.OutboxRow, error) {
	now := s.orNow(p.Now)
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	lease := p.LeaseFor
	if lease <= 0 {
		lease = time.Minute
	}
	except, err := jsonText(append([]channels.ID{}, p.Except...)) // [] not null: NOT IN (NULL) is never true
	if err != nil {
		return nil, err
	}
	var out []service.OutboxRow
	err = s.inTx(ctx, func(ctx context.Context, t *Tx) error {
		out = nil
		rows, err := t.stmt(ctx, stmtOutboxClaim).QueryContext(ctx, ts(now), limit, string(p.Channel), except, p.Origin)
		if err != nil {
			return fmt.Errorf("sqlite: claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r service.OutboxRow
			if err := rows.Scan(&r.OutboxID, scan.ID(&r.ConversationID), &r.Channel, &r.ExternalUserID, &r.Text,
				&r.Field, scan.JSON(&r.Choices), &r.Kind, &r.Lang, scan.JSON(&r.Facts), timeCol{&r.CreatedAt}, &r.Attempts, &r.TraceParent); err != nil {
				return fmt.Errorf("sqlite: scan outbox: %w", err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: claim outbox: %w", err)
		}
		rows.Close()
		for _, r := range out {
			if _, err := t.stmt(ctx, stmtOutboxLease).ExecContext(ctx, ts(now.Add(lease)), r.OutboxID); err != nil {
				return fmt.Errorf("sqlite: lease outbox %d: %w", r.OutboxID, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OutboxFail records a failed attempt. A row that was sent meanwhile stays
// sent.
func (s *Store) OutboxFail(ctx context.Context, p service.OutboxFailParams) error {
	res, err := s.stmt(ctx, stmtOutboxFail).ExecContext(ctx, p.Error, tsOrNull(p.NextAttemptAt), p.Dead, p.ID)
	if err != nil {
		return fmt.Errorf("sqlite: fail outbox %d: %w", p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: fail outbox %d: %w", p.ID, err)
	}
	if n == 1 {
		return nil
	}
	var one int
	if err := s.stmt(ctx, stmtOutboxExists).QueryRowContext(ctx, p.ID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return notFound("outbox row", p.ID)
	} else if err != nil {
		return fmt.Errorf("sqlite: find outbox %d: %w", p.ID, err)
	}
	return nil
}

// OutboxPending counts rows still to deliver (dead rows are not counted).
func (s *Store) OutboxPending(ctx context.Context) (int, error) {
	var n int
	if err := s.stmt(ctx, stmtOutboxPending).QueryRowContext(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count outbox: %w", err)
	}
	return n, nil
}

// InboundRejectedInsert keeps a payload that could not be parsed.
func (s *Store) InboundRejectedInsert(ctx context.Context, p service.RejectedParams) error {
	if _, err := s.stmt(ctx, stmtInboundRejectedInsert).ExecContext(ctx,
		p.Channel, p.Reason, p.Raw, ts(s.orNow(p.At))); err != nil {
		return fmt.Errorf("sqlite: insert rejected inbound: %w", err)
	}
	return nil
}

// CursorGet reads a durable channel position.
func (s *Store) CursorGet(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.stmt(ctx, stmtCursorGet).QueryRowContext(ctx, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("sqlite: read cursor %s: %w", key, err)
	}
	return v, true, nil
}

// UserInsert stores a staff user; a token hash already in use is EConflict.
func (s *Store) UserInsert(ctx context.Context, p service.UserParams) (cases.User, error) {
	u := cases.User{Name: p.Name, Role: p.Role, Department: p.Department}
	if len(p.TokenHash) == 0 {
		return u, cases.Errorf(cases.EInvalid, "user.token_hash: required")
	}
	err := s.stmt(ctx, stmtUserInsert).QueryRowContext(ctx,
		p.Name, p.Role, p.Department, p.TokenHash, ts(s.orNow(p.Now)), scan.NullIfEmpty(p.Login), bytesOrNull(p.PasswordHash)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, cases.Errorf(cases.EConflict, fmt.Sprintf("user %q: token already in use", p.Name))
	}
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return u, cases.Errorf(cases.EConflict, fmt.Sprintf("user.login: %q is taken", p.Login))
	}
	if err != nil {
		return u, fmt.Errorf("sqlite: insert user: %w", err)
	}
	return u, nil
}

// UserByTokenHash returns the enabled user with this token hash.
func (s *Store) UserByTokenHash(ctx context.Context, hash []byte) (cases.User, error) {
	var u cases.User
	if len(hash) == 0 {
		return u, userNotFound()
	}
	err := s.stmt(ctx, stmtUserByTokenHash).QueryRowContext(ctx, hash).Scan(&u.ID, &u.Name, &u.Role, &u.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.User{}, userNotFound()
	}
	if err != nil {
		return cases.User{}, fmt.Errorf("sqlite: find user by token: %w", err)
	}
	return u, nil
}

// UserList lists every staff user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]service.UserRecord, error) {
	rows, err := s.stmt(ctx, stmtUserList).QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	defer rows.Close()
	var out []service.UserRecord
	for rows.Next() {
		var u service.UserRecord
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Department, &u.Disabled, timeCol{&u.CreatedAt}, &u.Login); err != nil {
			return nil, fmt.Errorf("sqlite: scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	return out, nil
}

// UserUpdate disables, enables or re-keys a user.
func (s *Store) UserUpdate(ctx context.Context, id int64, p service.UserUpdateParams) error {
	var hash any
	if len(p.TokenHash) > 0 {
		hash = p.TokenHash
	}
	res, err := s.stmt(ctx, stmtUserUpdate).ExecContext(ctx, id, p.Disabled, hash, p.Login, bytesOrNull(p.PasswordHash))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return cases.Errorf(cases.EConflict, fmt.Sprintf("user %d: login or token already in use", id))
		}
		return fmt.Errorf("sqlite: update user %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: update user %d: %w", id, err)
	} else if n == 0 {
		return notFound("user", id)
	}
	return nil
}
