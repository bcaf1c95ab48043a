package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// The customer archive: see service.CustomerStore and service.CustomerTx.

func scanCustomer(r rowScanner) (service.Customer, error) {
	var c service.Customer
	err := r.Scan(&c.ID, &c.DisplayName, timeCol{&c.CreatedAt}, scan.ID(&c.MergedInto))
	return c, err
}

// CustomerGet returns a customer.
func (s *Store) CustomerGet(ctx context.Context, id int64) (service.Customer, error) {
	c, err := scanCustomer(s.stmt(ctx, stmtCustomerGet).QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("customer", id)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: get customer %d: %w", id, err)
	}
	return c, nil
}

// CustomerIdentities lists a customer's channel identities, oldest first.
func (s *Store) CustomerIdentities(ctx context.Context, customerID int64) ([]service.Identity, error) {
	rows, err := s.stmt(ctx, stmtCustomerIdentities).QueryContext(ctx, customerID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: customer %d identities: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.Identity
	for rows.Next() {
		var i service.Identity
		if err := rows.Scan(&i.Channel, &i.ExternalUserID, &i.CustomerID, timeCol{&i.CreatedAt}); err != nil {
			return nil, fmt.Errorf("sqlite: scan identity: %w", err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: customer %d identities: %w", customerID, err)
	}
	return out, nil
}

// CustomerContacts lists the verified contacts of a customer's cases.
func (s *Store) CustomerContacts(ctx context.Context, customerID int64) ([]service.Contact, error) {
	rows, err := s.stmt(ctx, stmtCustomerContacts).QueryContext(ctx, customerID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: customer %d contacts: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.Contact
	for rows.Next() {
		var c service.Contact
		if err := rows.Scan(&c.Kind, &c.Value, &c.CaseID); err != nil {
			return nil, fmt.Errorf("sqlite: scan contact: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: customer %d contacts: %w", customerID, err)
	}
	return out, nil
}

// CustomerByContact returns the customer of the newest case with this
// verified contact, 0 when none.
func (s *Store) CustomerByContact(ctx context.Context, kind service.ContactKind, value string) (int64, error) {
	var id int64
	err := s.stmt(ctx, stmtCustomerByContact).QueryRowContext(ctx, kind, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: find customer by %s: %w", kind, err)
	}
	return id, nil
}

// CustomerSearch lists unmerged customers matching every given filter.
func (s *Store) CustomerSearch(ctx context.Context, p service.CustomerSearchParams) ([]service.Customer, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.stmt(ctx, stmtCustomerSearch).QueryContext(ctx, p.Phone, p.PhoneKey, p.Email, p.Name, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search customers: %w", err)
	}
	defer rows.Close()
	var out []service.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan customer: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: search customers: %w", err)
	}
	return out, nil
}

func scanMerge(r rowScanner) (service.CustomerMerge, error) {
	var m service.CustomerMerge
	var mv scan.Moved
	err := r.Scan(&m.ID, &m.IntoID, &m.FromID, &m.Actor, &m.Reason, scan.JSON(&mv), timeCol{&m.At}, &m.UndoneBy, timeCol{&m.UndoneAt})
	mv.Of(&m)
	return m, err
}

// CustomerMerges lists the merges into or out of a customer, newest first.
func (s *Store) CustomerMerges(ctx context.Context, customerID int64) ([]service.CustomerMerge, error) {
	rows, err := s.stmt(ctx, stmtCustomerMerges).QueryContext(ctx, customerID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: customer %d merges: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.CustomerMerge
	for rows.Next() {
		m, err := scanMerge(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan merge: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: customer %d merges: %w", customerID, err)
	}
	return out, nil
}

// CustomerCreate stores a customer without a channel identity.
func (t *Tx) CustomerCreate(ctx context.Context, displayName string, now time.Time) (service.Customer, error) {
	now = t.s.orNow(now)
	c := service.Customer{DisplayName: displayName, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	if err := t.stmt(ctx, stmtCustomerInsert).QueryRowContext(ctx, displayName, ts(now)).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("sqlite: insert customer: %w", err)
	}
	return c, nil
}

// ContactInsert records a verified contact of a case.
func (t *Tx) ContactInsert(ctx context.Context, caseID int64, kind service.ContactKind, value string, now time.Time) error {
	if _, err := t.stmt(ctx, stmtContactInsert).ExecContext(ctx, caseID, kind, value, ts(t.s.orNow(now))); err != nil {
		return fmt.Errorf("sqlite: insert contact of case %d: %w", caseID, err)
	}
	return nil
}

// CustomerMerge moves everything of p.FromID to p.IntoID and records it.
func (t *Tx) CustomerMerge(ctx context.Context, p service.CustomerMergeParams) (service.CustomerMerge, error) {
	m := service.CustomerMerge{IntoID: p.IntoID, FromID: p.FromID, Actor: p.Actor, Reason: p.Reason, At: t.s.orNow(p.At).UTC().Truncate(time.Microsecond)}
	for _, id := range []int64{p.IntoID, p.FromID} {
		c, err := scanCustomer(t.stmt(ctx, stmtCustomerGet).QueryRowContext(ctx, id))
		if errors.Is(err, sql.ErrNoRows) {
			return m, notFound("customer", id)
		}
		if err != nil {
			return m, fmt.Errorf("sqlite: get customer %d: %w", id, err)
		}
		if c.MergedInto != 0 {
			return m, cases.Errorf(cases.EConflict, fmt.Sprintf("customer %d was merged into customer %d", id, c.MergedInto))
		}
	}
	if p.IntoID == p.FromID {
		return m, cases.Errorf(cases.EInvalid, "merge: a customer cannot be merged into itself")
	}
	var mv scan.Moved
	rows, err := t.stmt(ctx, stmtMergeIdentities).QueryContext(ctx, p.IntoID, p.FromID)
	if err != nil {
		return m, fmt.Errorf("sqlite: merge identities: %w", err)
	}
	for rows.Next() {
		var k service.IdentityKey
		if err := rows.Scan(&k.Channel, &k.ExternalUserID); err != nil {
			rows.Close()
			return m, fmt.Errorf("sqlite: merge identities: %w", err)
		}
		mv.Identities = append(mv.Identities, k)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return m, fmt.Errorf("sqlite: merge identities: %w", err)
	}
	if mv.Conversations, err = t.moveIDs(ctx, stmtMergeConversations, p.IntoID, p.FromID); err != nil {
		return m, err
	}
	if mv.Cases, err = t.moveIDs(ctx, stmtMergeCases, p.IntoID, p.FromID); err != nil {
		return m, err
	}
	if _, err := t.stmt(ctx, stmtCustomerSetMerged).ExecContext(ctx, p.IntoID, p.FromID); err != nil {
		return m, fmt.Errorf("sqlite: mark customer %d merged: %w", p.FromID, err)
	}
	moved, err := jsonText(mv)
	if err != nil {
		return m, err
	}
	if err := t.stmt(ctx, stmtMergeInsert).QueryRowContext(ctx, p.IntoID, p.FromID, p.Actor, p.Reason, moved, ts(m.At)).Scan(&m.ID); err != nil {
		return m, fmt.Errorf("sqlite: insert merge: %w", err)
	}
	mv.Of(&m)
	return m, nil
}

// moveIDs runs an UPDATE … RETURNING id and collects the ids.
func (t *Tx) moveIDs(ctx context.Context, id stmtID, args ...any) ([]int64, error) {
	rows, err := t.stmt(ctx, id).QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: merge: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: merge: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: merge: %w", err)
	}
	return out, nil
}

// CustomerMergeGet returns a merge record.
func (t *Tx) CustomerMergeGet(ctx context.Context, id int64) (service.CustomerMerge, error) {
	m, err := scanMerge(t.stmt(ctx, stmtMergeGet).QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("merge", id)
	}
	if err != nil {
		return m, fmt.Errorf("sqlite: get merge %d: %w", id, err)
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
	movedOn := func(what string, key any) error {
		return cases.Errorf(cases.EConflict, fmt.Sprintf("merge %d: %s %v is no longer on customer %d; undo the later merge first", id, what, key, m.IntoID))
	}
	for _, k := range m.Identities {
		res, err := t.stmt(ctx, stmtIdentityMove).ExecContext(ctx, m.FromID, k.Channel, k.ExternalUserID, m.IntoID)
		if err != nil {
			return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return m, movedOn("identity", string(k.Channel)+"/"+k.ExternalUserID)
		}
	}
	for _, conv := range m.Conversations {
		res, err := t.stmt(ctx, stmtConversationMove).ExecContext(ctx, m.FromID, conv, m.IntoID)
		if err != nil {
			return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return m, movedOn("conversation", conv)
		}
		// Cases the conversation started since the merge go with it.
		if _, err := t.stmt(ctx, stmtCasesMoveWithConversation).ExecContext(ctx, m.FromID, conv, m.IntoID); err != nil {
			return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
		}
	}
	for _, c := range m.Cases {
		res, err := t.stmt(ctx, stmtCaseMove).ExecContext(ctx, m.FromID, c, m.IntoID)
		if err != nil {
			return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Moved back with its conversation above, or moved on.
			cs, err := caseGet(ctx, t.stmt(ctx, stmtCaseGet), c)
			if err != nil {
				return m, err
			}
			if cs.CustomerID != m.FromID {
				return m, movedOn("case", c)
			}
		}
	}
	if _, err := t.stmt(ctx, stmtCustomerSetMerged).ExecContext(ctx, nil, m.FromID); err != nil {
		return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
	}
	m.UndoneBy, m.UndoneAt = actor, t.s.orNow(now).UTC().Truncate(time.Microsecond)
	if _, err := t.stmt(ctx, stmtMergeUndo).ExecContext(ctx, actor, ts(m.UndoneAt), id); err != nil {
		return m, fmt.Errorf("sqlite: undo merge %d: %w", id, err)
	}
	return m, nil
}
