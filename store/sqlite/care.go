package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// Proactive care's records: see service.CareStore and service.CareTx.

const touchpointCols = `id, customer_id, touchpoint, cause, case_id, purchase_id, due_at, status,
	conversation_id, sent_at, answered_at, outcome, note, created_at, updated_at, plan_sig`

func scanTouchpoint(r rowScanner) (service.Touchpoint, error) {
	var p service.Touchpoint
	err := r.Scan(&p.ID, &p.CustomerID, &p.Touchpoint, &p.Cause, scan.ID(&p.CaseID), scan.ID(&p.PurchaseID),
		timeCol{&p.Due}, &p.Status, scan.ID(&p.ConversationID), timeCol{&p.SentAt}, timeCol{&p.AnsweredAt},
		&p.Outcome, &p.Note, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, &p.PlanSig)
	return p, err
}

const purchaseCols = `id, customer_id, product, model, purchased_on, source, case_id, created_at`

const dayFormat = "2006-01-02"

func scanPurchase(r rowScanner) (service.Purchase, error) {
	var p service.Purchase
	var day string
	err := r.Scan(&p.ID, &p.CustomerID, &p.Product, &p.Model, &day, &p.Source, scan.ID(&p.CaseID), timeCol{&p.CreatedAt})
	if err == nil {
		p.On, err = time.Parse(dayFormat, day)
	}
	return p, err
}

// queryRow runs one query in the caller's transaction when there is one.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if t := s.ctxTx(ctx); t != nil {
		return t.tx.QueryRowContext(ctx, q, args...)
	}
	return s.db.QueryRowContext(ctx, q, args...)
}

// CustomerCare returns a customer's care facts.
func (s *Store) CustomerCare(ctx context.Context, customerID int64) (service.CustomerCare, error) {
	var c service.CustomerCare
	err := s.queryRow(ctx, `SELECT member, opted_out_at, opt_out_via, phone, email, language FROM customers WHERE id = ?`,
		customerID).Scan(&c.Member, timeCol{&c.OptedOutAt}, &c.OptOutVia, &c.Phone, &c.Email, &c.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("customer", customerID)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: customer %d care: %w", customerID, err)
	}
	return c, nil
}

// Purchases lists a customer's purchases, newest first.
func (s *Store) Purchases(ctx context.Context, customerID int64) ([]service.Purchase, error) {
	rows, err := s.query(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = ? ORDER BY purchased_on DESC, id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: customer %d purchases: %w", customerID, err)
	}
	defer rows.Close()
	var out []service.Purchase
	for rows.Next() {
		p, err := scanPurchase(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan purchase: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: customer %d purchases: %w", customerID, err)
	}
	return out, nil
}

func (s *Store) touchpoints(ctx context.Context, what, where string, args ...any) ([]service.Touchpoint, error) {
	rows, err := s.query(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	var out []service.Touchpoint
	for rows.Next() {
		p, err := scanTouchpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan touchpoint: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

// Touchpoints lists a customer's touchpoints by due time.
func (s *Store) Touchpoints(ctx context.Context, customerID int64) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "customer touchpoints", `customer_id = ? ORDER BY due_at, id`, customerID)
}

// TouchpointsPlanned lists every planned touchpoint.
func (s *Store) TouchpointsPlanned(ctx context.Context) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "planned touchpoints", `status = 'planned' ORDER BY id`)
}

// TouchpointsOfCase lists the touchpoints a case caused.
func (s *Store) TouchpointsOfCase(ctx context.Context, caseID int64) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "case touchpoints", `case_id = ? ORDER BY id`, caseID)
}

// CareSentBetween counts proactive messages sent to a customer in [from, to).
func (s *Store) CareSentBetween(ctx context.Context, customerID int64, from, to time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM care_touchpoints WHERE customer_id = ? AND sent_at >= ? AND sent_at < ?`,
		customerID, ts(from), ts(to)).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: customer %d care sent: %w", customerID, err)
	}
	return n, nil
}

// CustomerCareSet stores a customer's care facts.
func (t *Tx) CustomerCareSet(ctx context.Context, customerID int64, c service.CustomerCare) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE customers SET member = ?, opted_out_at = ?, opt_out_via = ?, phone = ?, email = ?, language = ? WHERE id = ?`,
		c.Member, tsOrNull(c.OptedOutAt), c.OptOutVia, c.Phone, c.Email, c.Language, customerID)
	if err != nil {
		return fmt.Errorf("sqlite: customer %d care: %w", customerID, err)
	}
	return mustAffect(res, "customer", customerID)
}

// IdentityAttach gives customerID the identity unless another has it.
func (t *Tx) IdentityAttach(ctx context.Context, customerID int64, ch channels.ID, externalUserID string, now time.Time) (int64, error) {
	if _, err := t.tx.ExecContext(ctx, `INSERT OR IGNORE INTO customer_identities (channel, external_user_id, customer_id, created_at) VALUES (?, ?, ?, ?)`,
		ch, externalUserID, customerID, ts(t.s.orNow(now))); err != nil {
		return 0, fmt.Errorf("sqlite: attach identity %s/%s: %w", ch, externalUserID, err)
	}
	var owner int64
	if err := t.tx.QueryRowContext(ctx, `SELECT customer_id FROM customer_identities WHERE channel = ? AND external_user_id = ?`,
		ch, externalUserID).Scan(&owner); err != nil {
		return 0, fmt.Errorf("sqlite: attach identity %s/%s: %w", ch, externalUserID, err)
	}
	return owner, nil
}

// CustomerByImportedContact returns the unmerged customer an import gave
// this phone or email.
func (s *Store) CustomerByImportedContact(ctx context.Context, phone, email string) (int64, error) {
	if phone == "" && email == "" {
		return 0, nil
	}
	var id int64
	// Two indexed lookups, not one OR that scans the table.
	err := s.queryRow(ctx, `SELECT min(id) FROM (
		SELECT id FROM customers WHERE phone = ?1 AND ?1 <> '' AND merged_into IS NULL
		UNION ALL SELECT id FROM customers WHERE email = ?2 AND ?2 <> '' AND merged_into IS NULL)
		HAVING count(*) > 0`, phone, email).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: customer by imported contact: %w", err)
	}
	return id, nil
}

// PurchaseInsert stores a purchase once per customer, model and day.
func (t *Tx) PurchaseInsert(ctx context.Context, p service.Purchase) (service.Purchase, bool, error) {
	day := p.On.Format(dayFormat)
	out, err := scanPurchase(t.tx.QueryRowContext(ctx, `
		INSERT INTO purchases (customer_id, product, model, purchased_on, source, case_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, model, purchased_on) DO NOTHING RETURNING `+purchaseCols,
		p.CustomerID, p.Product, p.Model, day, p.Source, idOrNull(p.CaseID), ts(t.s.orNow(p.CreatedAt))))
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return out, false, fmt.Errorf("sqlite: insert purchase: %w", err)
	}
	out, err = scanPurchase(t.tx.QueryRowContext(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = ? AND model = ? AND purchased_on = ?`,
		p.CustomerID, p.Model, day))
	if err != nil {
		return out, false, fmt.Errorf("sqlite: find purchase: %w", err)
	}
	return out, false, nil
}

// TouchpointInsert stores a planned touchpoint once per customer,
// touchpoint and cause.
func (t *Tx) TouchpointInsert(ctx context.Context, p service.Touchpoint) (service.Touchpoint, bool, error) {
	now := ts(t.s.orNow(p.CreatedAt))
	status := p.Status
	if status == "" {
		status = service.CarePlanned
	}
	out, err := scanTouchpoint(t.tx.QueryRowContext(ctx, `
		INSERT INTO care_touchpoints (customer_id, touchpoint, cause, case_id, purchase_id, due_at, status, outcome, created_at, updated_at, plan_sig, conversation_id)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)
		ON CONFLICT (customer_id, touchpoint, cause) DO NOTHING RETURNING `+touchpointCols,
		p.CustomerID, p.Touchpoint, p.Cause, idOrNull(p.CaseID), idOrNull(p.PurchaseID), ts(p.Due), status, p.Outcome, now, p.PlanSig, idOrNull(p.ConversationID)))
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return out, false, fmt.Errorf("sqlite: insert touchpoint: %w", err)
	}
	out, err = scanTouchpoint(t.tx.QueryRowContext(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints
		WHERE customer_id = ? AND touchpoint = ? AND cause = ?`, p.CustomerID, p.Touchpoint, p.Cause))
	if err != nil {
		return out, false, fmt.Errorf("sqlite: find touchpoint: %w", err)
	}
	return out, false, nil
}

// TouchpointGet returns a touchpoint.
func (t *Tx) TouchpointGet(ctx context.Context, id int64) (service.Touchpoint, error) {
	p, err := scanTouchpoint(t.tx.QueryRowContext(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("touchpoint", id)
	}
	if err != nil {
		return p, fmt.Errorf("sqlite: get touchpoint %d: %w", id, err)
	}
	return p, nil
}

// TouchpointUpdate stores a touchpoint's progress.
func (t *Tx) TouchpointUpdate(ctx context.Context, p service.Touchpoint) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE care_touchpoints SET due_at = ?, status = ?, conversation_id = ?, sent_at = ?,
		answered_at = ?, outcome = ?, note = ?, updated_at = ?, plan_sig = ? WHERE id = ?`,
		ts(p.Due), p.Status, idOrNull(p.ConversationID), tsOrNull(p.SentAt), tsOrNull(p.AnsweredAt), p.Outcome, p.Note,
		ts(t.s.orNow(p.UpdatedAt)), p.PlanSig, p.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update touchpoint %d: %w", p.ID, err)
	}
	return mustAffect(res, "touchpoint", p.ID)
}

// CustomerByIdentity returns the customer of a channel identity.
func (s *Store) CustomerByIdentity(ctx context.Context, ch channels.ID, externalUserID string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT customer_id FROM customer_identities WHERE channel = ? AND external_user_id = ?`, ch, externalUserID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: customer of %s/%s: %w", ch, externalUserID, err)
	}
	return id, nil
}

// ReportCare lists the touchpoints due in the period.
func (s *Store) ReportCare(ctx context.Context, p service.ReportParams) ([]service.CareReportItem, error) {
	rows, err := s.query(ctx, `SELECT t.touchpoint, t.status, t.outcome, t.cause, t.case_id, cu.member, t.due_at, t.sent_at
		FROM care_touchpoints t JOIN customers cu ON cu.id = t.customer_id LEFT JOIN cases c ON c.id = t.case_id
		WHERE t.due_at >= ?1 AND t.due_at < ?2 AND (?3 = '' OR c.department = ?3) ORDER BY t.id`, ts(p.From), ts(p.To), string(p.Department))
	if err != nil {
		return nil, fmt.Errorf("sqlite: report care: %w", err)
	}
	defer rows.Close()
	var out []service.CareReportItem
	for rows.Next() {
		var it service.CareReportItem
		if err := rows.Scan(&it.Touchpoint, &it.Status, &it.Outcome, &it.Cause, scan.ID(&it.CaseID), &it.Member, timeCol{&it.Due}, timeCol{&it.SentAt}); err != nil {
			return nil, fmt.Errorf("sqlite: report care: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: report care: %w", err)
	}
	return out, nil
}
