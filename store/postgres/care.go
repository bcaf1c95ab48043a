package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/scan"
)

// Proactive care's records: see service.CareStore and service.CareTx.

const touchpointCols = `id, customer_id, touchpoint, cause, case_id, purchase_id, due_at, status,
	conversation_id, sent_at, answered_at, outcome, note, created_at, updated_at, plan_sig`

func scanTouchpoint(r pgx.Row) (service.Touchpoint, error) {
	var p service.Touchpoint
	err := r.Scan(&p.ID, &p.CustomerID, &p.Touchpoint, &p.Cause, scan.ID(&p.CaseID), scan.ID(&p.PurchaseID),
		timeCol{&p.Due}, &p.Status, scan.ID(&p.ConversationID), timeCol{&p.SentAt}, timeCol{&p.AnsweredAt},
		&p.Outcome, &p.Note, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, &p.PlanSig)
	return p, err
}

const purchaseCols = `id, customer_id, product, model, purchased_on, source, case_id, created_at`

func scanPurchase(r pgx.Row) (service.Purchase, error) {
	var p service.Purchase
	err := r.Scan(&p.ID, &p.CustomerID, &p.Product, &p.Model, timeCol{&p.On}, &p.Source, scan.ID(&p.CaseID), timeCol{&p.CreatedAt})
	return p, err
}

// CustomerCare returns a customer's care facts.
func (s *Store) CustomerCare(ctx context.Context, customerID int64) (service.CustomerCare, error) {
	var c service.CustomerCare
	err := s.q(ctx).QueryRow(ctx, `SELECT member, opted_out_at, opt_out_via, phone, email, language FROM customers WHERE id = $1`,
		customerID).Scan(&c.Member, timeCol{&c.OptedOutAt}, &c.OptOutVia, &c.Phone, &c.Email, &c.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, notFound("customer", customerID)
	}
	if err != nil {
		return c, fmt.Errorf("postgres: customer %d care: %w", customerID, err)
	}
	return c, nil
}

// Purchases lists a customer's purchases, newest first.
func (s *Store) Purchases(ctx context.Context, customerID int64) ([]service.Purchase, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = $1 ORDER BY purchased_on DESC, id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("postgres: customer %d purchases: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (service.Purchase, error) { return scanPurchase(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: customer %d purchases: %w", customerID, err)
	}
	return out, nil
}

func (s *Store) touchpoints(ctx context.Context, what, where string, args ...any) ([]service.Touchpoint, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (service.Touchpoint, error) { return scanTouchpoint(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}

// Touchpoints lists a customer's touchpoints by due time.
func (s *Store) Touchpoints(ctx context.Context, customerID int64) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "customer touchpoints", `customer_id = $1 ORDER BY due_at, id`, customerID)
}

// TouchpointsPlanned lists every planned touchpoint.
func (s *Store) TouchpointsPlanned(ctx context.Context) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "planned touchpoints", `status = 'planned' ORDER BY id`)
}

// TouchpointsOfCase lists the touchpoints a case caused.
func (s *Store) TouchpointsOfCase(ctx context.Context, caseID int64) ([]service.Touchpoint, error) {
	return s.touchpoints(ctx, "case touchpoints", `case_id = $1 ORDER BY id`, caseID)
}

// CareSentBetween counts proactive messages sent to a customer in [from, to).
func (s *Store) CareSentBetween(ctx context.Context, customerID int64, from, to time.Time) (int, error) {
	var n int
	if err := s.q(ctx).QueryRow(ctx, `SELECT count(*) FROM care_touchpoints WHERE customer_id = $1 AND sent_at >= $2 AND sent_at < $3`,
		customerID, from.UTC(), to.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: customer %d care sent: %w", customerID, err)
	}
	return n, nil
}

// CustomerCareSet stores a customer's care facts.
func (t *Tx) CustomerCareSet(ctx context.Context, customerID int64, c service.CustomerCare) error {
	tag, err := t.tx.Exec(ctx, `UPDATE customers SET member = $2, opted_out_at = $3, opt_out_via = $4, phone = $5, email = $6, language = $7 WHERE id = $1`,
		customerID, c.Member, tsOrNull(c.OptedOutAt), c.OptOutVia, c.Phone, c.Email, c.Language)
	if err != nil {
		return fmt.Errorf("postgres: customer %d care: %w", customerID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("customer", customerID)
	}
	return nil
}

// IdentityAttach gives customerID the identity unless another has it.
func (t *Tx) IdentityAttach(ctx context.Context, customerID int64, ch channels.ID, externalUserID string, now time.Time) (int64, error) {
	var owner int64
	err := t.tx.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO customer_identities (channel, external_user_id, customer_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING RETURNING customer_id)
		SELECT customer_id FROM ins
		UNION ALL SELECT customer_id FROM customer_identities WHERE channel = $1 AND external_user_id = $2
		LIMIT 1`, ch, externalUserID, customerID, t.s.orNow(now).UTC()).Scan(&owner)
	if err != nil {
		return 0, fmt.Errorf("postgres: attach identity %s/%s: %w", ch, externalUserID, err)
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
	err := s.q(ctx).QueryRow(ctx, `SELECT min(id) FROM (
		SELECT id FROM customers WHERE phone = $1 AND $1 <> '' AND merged_into IS NULL
		UNION ALL SELECT id FROM customers WHERE email = $2 AND $2 <> '' AND merged_into IS NULL) m
		HAVING count(*) > 0`, phone, email).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: customer by imported contact: %w", err)
	}
	return id, nil
}

// PurchaseInsert stores a purchase once per customer, model and day.
func (t *Tx) PurchaseInsert(ctx context.Context, p service.Purchase) (service.Purchase, bool, error) {
	day := time.Date(p.On.Year(), p.On.Month(), p.On.Day(), 0, 0, 0, 0, time.UTC)
	out, err := scanPurchase(t.tx.QueryRow(ctx, `
		INSERT INTO purchases (customer_id, product, model, purchased_on, source, case_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (customer_id, model, purchased_on) DO NOTHING RETURNING `+purchaseCols,
		p.CustomerID, p.Product, p.Model, day, p.Source, idOrNull(p.CaseID), t.s.orNow(p.CreatedAt).UTC()))
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return out, false, fmt.Errorf("postgres: insert purchase: %w", err)
	}
	out, err = scanPurchase(t.tx.QueryRow(ctx, `SELECT `+purchaseCols+` FROM purchases WHERE customer_id = $1 AND model = $2 AND purchased_on = $3`,
		p.CustomerID, p.Model, day))
	if err != nil {
		return out, false, fmt.Errorf("postgres: find purchase: %w", err)
	}
	return out, false, nil
}

// TouchpointInsert stores a planned touchpoint once per customer,
// touchpoint and cause.
func (t *Tx) TouchpointInsert(ctx context.Context, p service.Touchpoint) (service.Touchpoint, bool, error) {
	now := t.s.orNow(p.CreatedAt).UTC()
	status := p.Status
	if status == "" {
		status = service.CarePlanned
	}
	out, err := scanTouchpoint(t.tx.QueryRow(ctx, `
		INSERT INTO care_touchpoints (customer_id, touchpoint, cause, case_id, purchase_id, due_at, status, outcome, created_at, updated_at, plan_sig, conversation_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)
		ON CONFLICT (customer_id, touchpoint, cause) DO NOTHING RETURNING `+touchpointCols,
		p.CustomerID, p.Touchpoint, p.Cause, idOrNull(p.CaseID), idOrNull(p.PurchaseID), p.Due.UTC(), status, p.Outcome, now, p.PlanSig, idOrNull(p.ConversationID)))
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return out, false, fmt.Errorf("postgres: insert touchpoint: %w", err)
	}
	out, err = scanTouchpoint(t.tx.QueryRow(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints
		WHERE customer_id = $1 AND touchpoint = $2 AND cause = $3`, p.CustomerID, p.Touchpoint, p.Cause))
	if err != nil {
		return out, false, fmt.Errorf("postgres: find touchpoint: %w", err)
	}
	return out, false, nil
}

// TouchpointGet returns a touchpoint, locked until the transaction ends.
func (t *Tx) TouchpointGet(ctx context.Context, id int64) (service.Touchpoint, error) {
	p, err := scanTouchpoint(t.tx.QueryRow(ctx, `SELECT `+touchpointCols+` FROM care_touchpoints WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, notFound("touchpoint", id)
	}
	if err != nil {
		return p, fmt.Errorf("postgres: get touchpoint %d: %w", id, err)
	}
	return p, nil
}

// TouchpointUpdate stores a touchpoint's progress.
func (t *Tx) TouchpointUpdate(ctx context.Context, p service.Touchpoint) error {
	tag, err := t.tx.Exec(ctx, `UPDATE care_touchpoints SET due_at = $2, status = $3, conversation_id = $4, sent_at = $5,
		answered_at = $6, outcome = $7, note = $8, updated_at = $9, plan_sig = $10 WHERE id = $1`,
		p.ID, p.Due.UTC(), p.Status, idOrNull(p.ConversationID), tsOrNull(p.SentAt), tsOrNull(p.AnsweredAt), p.Outcome, p.Note,
		t.s.orNow(p.UpdatedAt).UTC(), p.PlanSig)
	if err != nil {
		return fmt.Errorf("postgres: update touchpoint %d: %w", p.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("touchpoint", p.ID)
	}
	return nil
}

// CustomerByIdentity returns the customer of a channel identity.
func (s *Store) CustomerByIdentity(ctx context.Context, ch channels.ID, externalUserID string) (int64, error) {
	var id int64
	err := s.q(ctx).QueryRow(ctx, `SELECT customer_id FROM customer_identities WHERE channel = $1 AND external_user_id = $2`, ch, externalUserID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: customer of %s/%s: %w", ch, externalUserID, err)
	}
	return id, nil
}

// ReportCare lists the touchpoints due in the period.
func (s *Store) ReportCare(ctx context.Context, p service.ReportParams) ([]service.CareReportItem, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT t.touchpoint, t.status, t.outcome, t.cause, t.case_id, cu.member, t.due_at, t.sent_at
		FROM care_touchpoints t JOIN customers cu ON cu.id = t.customer_id LEFT JOIN cases c ON c.id = t.case_id
		WHERE t.due_at >= $1 AND t.due_at < $2 AND ($3 = '' OR c.department = $3) ORDER BY t.id`, p.From.UTC(), p.To.UTC(), string(p.Department))
	if err != nil {
		return nil, fmt.Errorf("postgres: report care: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (service.CareReportItem, error) {
		var it service.CareReportItem
		err := r.Scan(&it.Touchpoint, &it.Status, &it.Outcome, &it.Cause, scan.ID(&it.CaseID), &it.Member, timeCol{&it.Due}, timeCol{&it.SentAt})
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: report care: %w", err)
	}
	return out, nil
}
