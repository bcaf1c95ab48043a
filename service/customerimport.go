package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// A brand's own sales records (`kefu customers import`): each row becomes
// or joins a customer of the archive, with its channel identities, and its
// purchase plans that customer's care.

// CustomerImport is one imported customer and purchase.
type CustomerImport struct {
	Name     string
	Phone    string
	Email    string
	WeChat   string // OpenID on the Official Account
	Telegram string // chat id
	Product  string // what it is ("空调", "Water purifier")
	Model    string
	Bought   time.Time // the purchase day; zero: no purchase on this row
	Member   bool
	Language string // zh-CN, zh-TW or en; "" = as they write
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows        int
	Created     int // new customers
	Matched     int // rows that joined an existing customer
	Purchases   int // new purchases (a repeated row adds none)
	Touchpoints int // touchpoints planned
}

// importBatch is how many rows go in one transaction: a failure costs a
// batch, not the file, and a batch holds SQLite's one writer briefly.
const importBatch = 250

// ImportCustomers stores the rows. A row joins the customer who has one of
// its channel identities, or its phone or email (from an earlier import
// or a verified case), else a new one. Importing the same file twice
// changes nothing the second time.
func (s *Service) ImportCustomers(ctx context.Context, rows []CustomerImport) (ImportResult, error) {
	var res ImportResult
	for start := 0; start < len(rows); start += importBatch {
		batch := rows[start:min(start+importBatch, len(rows))]
		var got ImportResult
		err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			got = ImportResult{}
			bctx, timers := withTimerBatch(ctx)
			for i := range batch {
				if err := s.importRow(bctx, tx, &batch[i], &got); err != nil {
					return fmt.Errorf("row %d: %w", start+i+1, err)
				}
			}
			return tx.TimerInsertMany(ctx, timers.ps)
		})
		if err != nil {
			return res, fmt.Errorf("import customers: %w", err)
		}
		res.Rows += got.Rows
		res.Created += got.Created
		res.Matched += got.Matched
		res.Purchases += got.Purchases
		res.Touchpoints += got.Touchpoints
	}
	return res, nil
}

func (s *Service) importRow(ctx context.Context, tx Tx, r *CustomerImport, res *ImportResult) error {
	now := s.opt.Now()
	phone, email := ContactValue(ContactPhone, r.Phone), ContactValue(ContactEmail, r.Email)
	if r.Phone != "" && phone == "" || r.Email != "" && email == "" {
		return fmt.Errorf("invalid phone %q or email %q", r.Phone, r.Email)
	}
	type ident struct {
		ch channels.ID
		id string
	}
	var ids []ident
	if v := strings.TrimSpace(r.WeChat); v != "" {
		ids = append(ids, ident{channels.WeChat, v})
	}
	if v := strings.TrimSpace(r.Telegram); v != "" {
		ids = append(ids, ident{channels.Telegram, v})
	}
	if email != "" {
		ids = append(ids, ident{channels.Email, email})
	}
	res.Rows++
	cust, err := s.opt.Store.CustomerByImportedContact(ctx, phone, email)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if cust != 0 {
			break
		}
		if cust, err = s.opt.Store.CustomerByIdentity(ctx, id.ch, id.id); err != nil {
			return err
		}
	}
	if cust == 0 {
		if cust, _, err = s.matchCustomer(ctx, map[cases.FieldKey]string{cases.FieldPhone: r.Phone, cases.FieldEmail: r.Email}, 0); err != nil {
			return err
		}
	}
	if cust == 0 {
		c, err := tx.CustomerCreate(ctx, strings.TrimSpace(r.Name), now)
		if err != nil {
			return err
		}
		cust = c.ID
		res.Created++
	} else {
		if cust, err = s.customerNow(ctx, cust); err != nil {
			return err
		}
		res.Matched++
	}
	for _, id := range ids {
		owner, err := tx.IdentityAttach(ctx, cust, id.ch, id.id, now)
		if err != nil {
			return err
		}
		if owner != cust {
			s.opt.Logger.Warn("import: identity belongs to another customer; left there", "channel", string(id.ch), "customer_id", cust, "owner", owner)
		}
	}
	cc, err := s.opt.Store.CustomerCare(ctx, cust)
	if err != nil {
		return err
	}
	cc.Member = cc.Member || r.Member
	if phone != "" {
		cc.Phone = phone
	}
	if email != "" {
		cc.Email = email
	}
	if r.Language != "" {
		cc.Language = r.Language
	}
	if err := tx.CustomerCareSet(ctx, cust, cc); err != nil {
		return err
	}
	if r.Bought.IsZero() {
		return nil
	}
	day := time.Date(r.Bought.Year(), r.Bought.Month(), r.Bought.Day(), 0, 0, 0, 0, time.UTC)
	row, inserted, err := tx.PurchaseInsert(ctx, Purchase{CustomerID: cust, Product: strings.TrimSpace(r.Product), Model: strings.TrimSpace(r.Model),
		On: day, Source: "import", CreatedAt: now})
	if err != nil || !inserted {
		return err
	}
	res.Purchases++
	n, err := s.planPurchase(ctx, tx, row, s.lc().Location, now)
	res.Touchpoints += n
	return err
}
