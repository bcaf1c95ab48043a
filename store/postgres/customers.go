package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// The customer archive: see service.CustomerStore and service.CustomerTx.

const customerCols = `id, display_name, created_at, merged_into`

const mergeCols = `id, into_id, from_id, actor, reason, moved, created_at, undone_by, undone_at`

func scanCustomer(r pgx.Row) (service.Customer, error) {
	var c service.Customer
	err := r.Scan(&c.ID, &c.DisplayName, timeCol{&c.CreatedAt}, scan.ID(&c.MergedInto))
	return c, err
}

func customerGet(ctx context.Context, q querier, id int64, lock string) (service.Customer, error) {
	c, err := scanCustomer(q.QueryRow(ctx, `SELECT `+customerCols+` FROM customers WHERE id = $1`+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, notFound("customer", id)
	}
	if err != nil {
		return c, fmt.Errorf("postgres: get customer %d: %w", id, err)
	}
	return c, nil
}

// CustomerGet returns a customer.
func (s *Store) CustomerGet(ctx context.Context, id int64) (service.Customer, error) {
	return customerGet(ctx, s.q(ctx), id, "")
}

// CustomerIdentities lists a customer's channel identities, oldest first.
func (s *Store) CustomerIdentities(ctx context.Context, customerID int64) ([]service.Identity, error) {
	rows, err := s.q(ctx).Query(ctx, `
		SELECT channel, external_user_id, customer_id, created_at FROM customer_identities
		WHERE customer_id = $1 ORDER BY created_at, channel, external_user_id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("postgres: customer %d identities: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.Identity
	for rows.Next() {
		var i service.Identity
		if err := rows.Scan(&i.Channel, &i.ExternalUserID, &i.CustomerID, timeCol{&i.CreatedAt}); err != nil {
			return nil, fmt.Errorf("postgres: scan identity: %w", err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: customer %d identities: %w", customerID, err)
	}
	return out, nil
}

// CustomerContacts lists the verified contacts of a customer's cases.
func (s *Store) CustomerContacts(ctx context.Context, customerID int64) ([]service.Contact, error) {
	rows, err := s.q(ctx).Query(ctx, `
		SELECT t.kind, t.value, MIN(t.case_id) FROM case_contacts t JOIN cases k ON k.id = t.case_id
		WHERE k.customer_id = $1 GROUP BY t.kind, t.value ORDER BY MIN(t.case_id), t.kind`, customerID)
	if err != nil {
		return nil, fmt.Errorf("postgres: customer %d contacts: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.Contact
	for rows.Next() {
		var c service.Contact
		if err := rows.Scan(&c.Kind, &c.Value, &c.CaseID); err != nil {
			return nil, fmt.Errorf("postgres: scan contact: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: customer %d contacts: %w", customerID, err)
	}
	return out, nil
}

// CustomerByContact returns the customer of the newest case with this
// verified contact, 0 when none.
func (s *Store) CustomerByContact(ctx context.Context, kind service.ContactKind, value string) (int64, error) {
	var id int64
	err := s.q(ctx).QueryRow(ctx, `
		SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
		WHERE t.kind = $1 AND t.value = $2 AND k.customer_id IS NOT NULL ORDER BY k.id DESC LIMIT 1`,
		string(kind), value).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: find customer by %s: %w", kind, err)
	}
	return id, nil
}

// CustomerSearch lists unmerged customers matching every given filter.
func (s *Store) CustomerSearch(ctx context.Context, p service.CustomerSearchParams) ([]service.Customer, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.q(ctx).Query(ctx, `
		SELECT `+customerCols+` FROM customers c
		WHERE merged_into IS NULL
			AND ($1 = '' OR id IN (SELECT customer_id FROM cases WHERE fields->>'phone' = $1)
				OR id IN (SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
					WHERE t.kind = 'phone' AND t.value = $2))
			AND ($3 = '' OR id IN (SELECT customer_id FROM cases WHERE lower(fields->>'email') = $3)
				OR id IN (SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
					WHERE t.kind = 'email' AND t.value = $3)
				OR id IN (SELECT customer_id FROM customer_identities WHERE channel = 'email' AND external_user_id = $3))
			AND ($4 = '' OR strpos(lower(display_name), $4) > 0
				OR id IN (SELECT customer_id FROM cases
					WHERE strpos(lower(COALESCE(fields->>'customer_name', '')), $4) > 0
						OR strpos(lower(COALESCE(fields->>'company', '')), $4) > 0))
		ORDER BY id DESC LIMIT $5`, p.Phone, p.PhoneKey, p.Email, p.Name, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: search customers: %w", err)
	}
	defer rows.Close()
	var out []service.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan customer: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: search customers: %w", err)
	}
	return out, nil
}

func scanMerge(r pgx.Row) (service.CustomerMerge, error) {
	var m service.CustomerMerge
	var mv scan.Moved
	err := r.Scan(&m.ID, &m.IntoID, &m.FromID, &m.Actor, &m.Reason, scan.JSON(&mv), timeCol{&m.At}, &m.UndoneBy, timeCol{&m.UndoneAt})
	mv.Of(&m)
	return m, err
}

// CustomerMerges lists the merges into or out of a customer, newest first.
func (s *Store) CustomerMerges(ctx context.Context, customerID int64) ([]service.CustomerMerge, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT `+mergeCols+` FROM customer_merges
		WHERE into_id = $1 OR from_id = $1 ORDER BY id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("postgres: customer %d merges: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.CustomerMerge
	for rows.Next() {
		m, err := scanMerge(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan merge: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: customer %d merges: %w", customerID, err)
	}
	return out, nil
}

// CustomerCreate stores a customer without a channel identity.
func (t *Tx) CustomerCreate(ctx context.Context, displayName string, now time.Time) (service.Customer, error) {
	now = t.s.orNow(now).UTC()
	c := service.Customer{DisplayName: displayName, CreatedAt: now.Truncate(time.Microsecond)}
	if err := t.tx.QueryRow(ctx, `INSERT INTO customers (display_name, created_at) VALUES ($1, $2) RETURNING id`,
		displayName, now).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("postgres: insert customer: %w", err)
	}
	return c, nil
}

// ContactInsert records a verified contact of a case.
func (t *Tx) ContactInsert(ctx context.Context, caseID int64, kind service.ContactKind, value string, now time.Time) error {
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO case_contacts (case_id, kind, value, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, caseID, string(kind), value, t.s.orNow(now).UTC()); err != nil {
		return fmt.Errorf("postgres: insert contact of case %d: %w", caseID, err)
	}
	return nil
}

// CustomerMerge moves everything of p.FromID to p.IntoID and records it.
// Both customer rows are locked first (in id order, so two merges of the
// same pair cannot deadlock); the rows move with UPDATE … RETURNING, so the
// record names exactly what moved.
func (t *Tx) CustomerMerge(ctx context.Context, p service.CustomerMergeParams) (service.CustomerMerge, error) {
	m := service.CustomerMerge{IntoID: p.IntoID, FromID: p.FromID, Actor: p.Actor, Reason: p.Reason, At: t.s.orNow(p.At).UTC().Truncate(time.Microsecond)}
	if p.IntoID == p.FromID {
		return m, cases.Errorf(cases.EInvalid, "merge: a customer cannot be merged into itself")
	}
	for _, id := range []int64{min(p.IntoID, p.FromID), max(p.IntoID, p.FromID)} {
		c, err := customerGet(ctx, t.tx, id, " FOR UPDATE")
		if err != nil {
			return m, err
		}
		if c.MergedInto != 0 {
			return m, cases.Errorf(cases.EConflict, fmt.Sprintf("customer %d was merged into customer %d", id, c.MergedInto))
		}
	}
	var mv scan.Moved
	rows, err := t.tx.Query(ctx, `UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2
		RETURNING channel, external_user_id`, p.IntoID, p.FromID)
	if err != nil {
		return m, fmt.Errorf("postgres: merge identities: %w", err)
	}
	for rows.Next() {
		var k service.IdentityKey
		if err := rows.Scan(&k.Channel, &k.ExternalUserID); err != nil {
			rows.Close()
			return m, fmt.Errorf("postgres: merge identities: %w", err)
		}
		mv.Identities = append(mv.Identities, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("postgres: merge identities: %w", err)
	}
	if mv.Conversations, err = t.moveIDs(ctx, `UPDATE conversations SET customer_id = $1 WHERE customer_id = $2 RETURNING id`, p.IntoID, p.FromID); err != nil {
		return m, err
	}
	if mv.Cases, err = t.moveIDs(ctx, `UPDATE cases SET customer_id = $1 WHERE customer_id = $2 RETURNING id`, p.IntoID, p.FromID); err != nil {
		return m, err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE customers SET merged_into = $1 WHERE id = $2`, p.IntoID, p.FromID); err != nil {
		return m, fmt.Errorf("postgres: mark customer %d merged: %w", p.FromID, err)
	}
	moved, err := jsonb(mv)
	if err != nil {
		return m, err
	}
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO customer_merges (into_id, from_id, actor, reason, moved, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		p.IntoID, p.FromID, p.Actor, p.Reason, moved, m.At).Scan(&m.ID); err != nil {
		return m, fmt.Errorf("postgres: insert merge: %w", err)
	}
	mv.Of(&m)
	return m, nil
}

// moveIDs runs an UPDATE … RETURNING id and collects the ids.
func (t *Tx) moveIDs(ctx context.Context, sql string, args ...any) ([]int64, error) {
	rows, err := t.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: merge: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("postgres: merge: %w", err)
	}
	return out, nil
}

// CustomerMergeGet returns a merge record, locked until the transaction
// ends so two undos cannot both run.
func (t *Tx) CustomerMergeGet(ctx context.Context, id int64) (service.CustomerMerge, error) {
	m, err := scanMerge(t.tx.QueryRow(ctx, `SELECT `+mergeCols+` FROM customer_merges WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return m, notFound("merge", id)
	}
	if err != nil {
		return m, fmt.Errorf("postgres: get merge %d: %w", id, err)
	}
	return m, nil
}

// CustomerMergeUndo moves back what merge id moved.
func (t *Tx) CustomerMergeUndo(ctx context.Context, id int64, actor string, now time.Time) (service.CustomerMerge, error) {
	m, err := t.CustomerMergeGet(ctx, id)
	if err != nil {
		return m, err
	}
	if !m.UndoneAt.IsZero() {
		return m, cases.Errorf(cases.EConflict, fmt.Sprintf("merge %d was undone already", id))
	}
	for _, cid := range []int64{min(m.IntoID, m.FromID), max(m.IntoID, m.FromID)} {
		if _, err := customerGet(ctx, t.tx, cid, " FOR UPDATE"); err != nil {
			return m, err
		}
	}
	movedOn := func(what string, key any) error {
		return cases.Errorf(cases.EConflict, fmt.Sprintf("merge %d: %s %v is no longer on customer %d; undo the later merge first", id, what, key, m.IntoID))
	}
	for _, k := range m.Identities {
		tag, err := t.tx.Exec(ctx, `UPDATE customer_identities SET customer_id = $1
			WHERE channel = $2 AND external_user_id = $3 AND customer_id = $4`, m.FromID, k.Channel, k.ExternalUserID, m.IntoID)
		if err != nil {
			return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
		}
		if tag.RowsAffected() != 1 {
			return m, movedOn("identity", string(k.Channel)+"/"+k.ExternalUserID)
		}
	}
	for _, conv := range m.Conversations {
		tag, err := t.tx.Exec(ctx, `UPDATE conversations SET customer_id = $1 WHERE id = $2 AND customer_id = $3`, m.FromID, conv, m.IntoID)
		if err != nil {
			return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
		}
		if tag.RowsAffected() != 1 {
			return m, movedOn("conversation", conv)
		}
		// Cases the conversation started since the merge go with it.
		if _, err := t.tx.Exec(ctx, `UPDATE cases SET customer_id = $1 WHERE conversation_id = $2 AND customer_id = $3`, m.FromID, conv, m.IntoID); err != nil {
			return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
		}
	}
	for _, c := range m.Cases {
		var cur *int64
		err := t.tx.QueryRow(ctx, `UPDATE cases SET customer_id = CASE WHEN customer_id = $3 THEN $1 ELSE customer_id END
			WHERE id = $2 RETURNING customer_id`, m.FromID, c, m.IntoID).Scan(&cur)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
		}
		if cur == nil || *cur != m.FromID { // moved back with its conversation, or moved on
			return m, movedOn("case", c)
		}
	}
	if _, err := t.tx.Exec(ctx, `UPDATE customers SET merged_into = NULL WHERE id = $1`, m.FromID); err != nil {
		return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
	}
	m.UndoneBy, m.UndoneAt = actor, t.s.orNow(now).UTC().Truncate(time.Microsecond)
	if _, err := t.tx.Exec(ctx, `UPDATE customer_merges SET undone_by = $1, undone_at = $2 WHERE id = $3`, actor, m.UndoneAt, id); err != nil {
		return m, fmt.Errorf("postgres: undo merge %d: %w", id, err)
	}
	return m, nil
}
