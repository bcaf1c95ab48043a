package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kefu-dev/kefu/cases"
)

// Sources of a case registered by staff (SPEC §2: the 400 hotline, a
// dealer passing a customer's problem on, a walk-in, a mail read by staff).
var caseSources = []string{"hotline", "dealer", "walk_in", "email"}

// NewCaseParams describe a case staff register for a customer who did not
// write in (issue 11: hotline and dealer cases).
type NewCaseParams struct {
	Source   string // one of hotline, dealer, walk_in, email
	Dealer   string // the dealer's name, for a dealer case
	Language string // the customer's language; "" = zh-CN
	Fields   map[cases.FieldKey]string
	Category cases.Category
	Subtype  string
	Priority cases.Priority
}

// CaseCreate registers a case taken by phone, from a dealer or at the
// counter: registered, classified and assigned at once, its clocks
// running from now. The customer is matched by a phone number or email
// address an earlier case verified, so the case goes on their customer
// record and its progress reaches them on the channel they used; a caller
// kefu has not seen gets a customer record of their own. With no channel,
// progress updates become call tasks (onProgress).
func (s *Team) CaseCreate(ctx context.Context, u cases.User, p NewCaseParams) (*cases.Case, error) {
	if err := u.Can(cases.ActionRegister, nil); err != nil {
		return nil, err
	}
	switch {
	case !slices.Contains(caseSources, p.Source):
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("source: %q is not one of %s", p.Source, strings.Join(caseSources, ", ")))
	case p.Source == "dealer" && strings.TrimSpace(p.Dealer) == "":
		return nil, cases.Errorf(cases.EInvalid, "dealer: required for a dealer case")
	case strings.TrimSpace(p.Fields[cases.FieldCustomerName]) == "":
		return nil, cases.Errorf(cases.EInvalid, "fields.customer_name: required")
	case strings.TrimSpace(p.Fields[cases.FieldPhone]) == "" && strings.TrimSpace(p.Fields[cases.FieldEmail]) == "":
		return nil, cases.Errorf(cases.EInvalid, "fields.phone or fields.email: required, to reach the customer")
	case !p.Category.Valid():
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("category: %q is not a category", p.Category))
	case !p.Priority.Valid():
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("priority: %q is not one of P1, P2, P3", p.Priority))
	}
	for k := range p.Fields {
		if !slices.Contains(cases.AllFields, k) {
			return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("fields.%s: not a case field", k))
		}
	}
	if p.Language == "" {
		p.Language = "zh-CN"
	}
	var out *cases.Case
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		c := &cases.Case{
			Channel: p.Source, Source: p.Source, Language: p.Language, Fields: p.Fields,
			Category: p.Category, Subtype: p.Subtype, Priority: p.Priority, Department: cases.Route(p.Category),
			State: cases.StateRegistered, Escalated: p.Priority == cases.P1,
			Deadlines: s.opt.SLA.IntakeDeadlines(now, now, p.Priority), CreatedAt: now, UpdatedAt: now,
		}
		// The customer is matched by a contact an earlier case verified
		// (customers.go); the case goes on their record and its progress
		// reaches them on the conversation they were last active in.
		var match cases.Change
		if id, k, err := s.matchCustomer(ctx, p.Fields, 0); err != nil {
			return err
		} else if id != 0 {
			c.CustomerID = id
			convs, err := s.opt.Store.ConversationList(ctx, ConversationListParams{CustomerID: id, Limit: 1})
			if err != nil {
				return err
			}
			if len(convs) == 1 {
				c.ConversationID, c.Channel = convs[0].ID, string(convs[0].Channel)
			}
			match = cases.Change{At: now, Actor: cases.System.Actor(), Action: "customer_matched",
				To: fmt.Sprintf("customer %d", id), Reason: fmt.Sprintf("same verified %s %s", k.Kind, k.Value)}
		} else {
			name := strings.TrimSpace(p.Fields[cases.FieldCustomerName])
			if co := strings.TrimSpace(p.Fields[cases.FieldCompany]); co != "" {
				name = co
			}
			cust, err := tx.CustomerCreate(ctx, name, now)
			if err != nil {
				return err
			}
			c.CustomerID = cust.ID
		}
		if err := tx.CaseInsert(ctx, c); err != nil {
			return err
		}
		source := p.Source
		if p.Source == "dealer" {
			source += ": " + strings.TrimSpace(p.Dealer)
		}
		hist := []cases.Change{
			{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "registered", Field: "source", To: c.Number, Reason: source},
			{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "classified", Field: "category", To: string(c.Category) + "/" + c.Subtype},
			{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "classified", Field: "priority", To: string(c.Priority)},
		}
		if match.Action != "" {
			match.CaseID = c.ID
			hist = append(hist, match)
		}
		// Staff took the contact down from the customer: it is verified.
		if err := s.verify(ctx, tx, c, now); err != nil {
			return err
		}
		out = c
		return s.assignRegistered(ctx, tx, c, hist, u.Actor(), cases.System.Actor(), now, now, map[string]any{"by": u.Actor(), "source": p.Source})
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return out, nil
}
