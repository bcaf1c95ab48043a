package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// The customer archive (客户档案, SPEC §9): a customer is one person or
// company across channels.
//
// Matching is automatic only on a verified contact, never on a name:
//   - a phone number or email address the customer confirmed at the
//     confirmation step (需求确认: the bot restated it and they said yes) —
//     a draft filed for a handoff before that is not verified;
//   - the phone or email staff took down when registering a hotline,
//     dealer, walk-in or mail case (they spoke to the customer).
//
// When a new case's verified contact is one an earlier case of another
// customer verified, the case's customer goes into that one — but only
// when it has no verified contact of its own (a fresh chat session, a new
// WeChat follower). Two customers who both have their own verified
// contacts stay apart, and the case's history suggests the match, for a
// person to merge. An automatic merge is recorded like a manual one
// (actor "system"), and one a person undid is not redone.
//
// Contacts are compared normalized (ContactValue): an email in lower case,
// a phone as its digits with a mainland +86 prefix dropped.

// ContactValue is the normalized form of a phone number or email address
// contacts are stored and compared in; "" when v is not one.
func ContactValue(kind ContactKind, v string) string {
	v = strings.TrimSpace(v)
	switch kind {
	case ContactEmail:
		v = strings.ToLower(v)
		at := strings.IndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t\r\n") {
			return ""
		}
		return v
	case ContactPhone:
		var b strings.Builder
		for _, r := range v {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		d := b.String()
		switch {
		case len(d) == 15 && strings.HasPrefix(d, "00861"):
			d = d[4:]
		case len(d) == 13 && strings.HasPrefix(d, "861"):
			d = d[2:]
		}
		if len(d) < 7 { // an extension or a fragment identifies no one
			return ""
		}
		return d
	}
	return ""
}

// contactsOf are the normalized contacts among a case's fields, phone
// first.
func contactsOf(fields map[cases.FieldKey]string) []Contact {
	var out []Contact
	if v := ContactValue(ContactPhone, fields[cases.FieldPhone]); v != "" {
		out = append(out, Contact{Kind: ContactPhone, Value: v})
	}
	if v := ContactValue(ContactEmail, fields[cases.FieldEmail]); v != "" {
		out = append(out, Contact{Kind: ContactEmail, Value: v})
	}
	return out
}

// matchCustomer finds the customer of an earlier case that verified one of
// these contacts (phone before email), other than not; 0 when none.
func (s *Service) matchCustomer(ctx context.Context, fields map[cases.FieldKey]string, not int64) (int64, Contact, error) {
	for _, k := range contactsOf(fields) {
		id, err := s.opt.Store.CustomerByContact(ctx, k.Kind, k.Value)
		if err != nil {
			return 0, k, err
		}
		if id != 0 && id != not {
			return id, k, nil
		}
	}
	// A customer an import brought (care.go) has these contacts from the
	// brand's own records.
	for _, k := range contactsOf(fields) {
		phone, email := "", ""
		if k.Kind == ContactPhone {
			phone = k.Value
		} else {
			email = k.Value
		}
		id, err := s.opt.Store.CustomerByImportedContact(ctx, phone, email)
		if err != nil {
			return 0, k, err
		}
		if id != 0 && id != not {
			return id, k, nil
		}
	}
	return 0, Contact{}, nil
}

// verify records the case's contacts as verified.
func (s *Service) verify(ctx context.Context, tx Tx, c *cases.Case, now time.Time) error {
	for _, k := range contactsOf(c.Fields) {
		if err := tx.ContactInsert(ctx, c.ID, k.Kind, k.Value, now); err != nil {
			return err
		}
	}
	return nil
}

// adopt links customer cur, whose case is about to be registered with the
// confirmed fields, to the customer who verified the same contact before:
// cur goes into that customer when cur has no verified contact of its own
// (see the top of this file). It returns the customer the case belongs to
// and the history entry to write on it (empty when nothing matched).
func (s *Service) adopt(ctx context.Context, tx Tx, cur int64, fields map[cases.FieldKey]string, now time.Time) (int64, cases.Change, error) {
	id, k, err := s.matchCustomer(ctx, fields, cur)
	if err != nil || id == 0 {
		return cur, cases.Change{}, err
	}
	why := fmt.Sprintf("same verified %s %s", k.Kind, k.Value)
	own, err := s.opt.Store.CustomerContacts(ctx, cur)
	if err != nil {
		return cur, cases.Change{}, err
	}
	suggest := cases.Change{At: now, Actor: cases.System.Actor(), Action: "customer_match_suggested", To: fmt.Sprintf("customer %d", id), Reason: why}
	if len(own) > 0 {
		return cur, suggest, nil
	}
	merges, err := s.opt.Store.CustomerMerges(ctx, cur)
	if err != nil {
		return cur, cases.Change{}, err
	}
	for _, m := range merges {
		if m.FromID == cur && m.IntoID == id && !m.UndoneAt.IsZero() {
			return cur, suggest, nil // a person undid this merge
		}
	}
	if _, err := s.merge(ctx, tx, CustomerMergeParams{IntoID: id, FromID: cur, Actor: cases.System.Actor(), Reason: why, At: now}); err != nil {
		return cur, cases.Change{}, err
	}
	return id, cases.Change{At: now, Actor: cases.System.Actor(), Action: "customer_matched", To: fmt.Sprintf("customer %d", id), Reason: why}, nil
}

// merge moves everything of p.FromID into p.IntoID under the locks of the
// conversations that move (a message being taken in for one of them
// finishes first), and writes the move into each moved case's history.
func (s *Service) merge(ctx context.Context, tx Tx, p CustomerMergeParams) (CustomerMerge, error) {
	convs, err := s.opt.Store.ConversationList(ctx, ConversationListParams{CustomerID: p.FromID, Limit: 10000})
	if err != nil {
		return CustomerMerge{}, err
	}
	for _, c := range convs {
		if err := tx.Lock(ctx, convKey(c.Channel, c.ExternalUserID)); err != nil {
			return CustomerMerge{}, err
		}
	}
	m, err := tx.CustomerMerge(ctx, p)
	if err != nil {
		return m, err
	}
	return m, s.mergeHistory(ctx, tx, m, "customer_merged", m.FromID, m.IntoID, p.Actor, p.Reason, p.At)
}

func (s *Service) mergeHistory(ctx context.Context, tx Tx, m CustomerMerge, action string, from, to int64, actor, reason string, now time.Time) error {
	hist := make([]cases.Change, 0, len(m.Cases))
	for _, id := range m.Cases {
		hist = append(hist, cases.Change{CaseID: id, At: now, Actor: actor, Action: action,
			From: fmt.Sprintf("customer %d", from), To: fmt.Sprintf("customer %d", to), Reason: reason})
	}
	if len(hist) == 0 {
		return nil
	}
	return tx.CaseHistoryInsert(ctx, hist...)
}

// CustomerDetail is a customer's page: who they are, how they reach us,
// and everything they wrote and reported, newest first.
type CustomerDetail struct {
	Customer Customer
	// Name is the display name, else the name or company of the newest
	// case that has one.
	Name          string
	Identities    []Identity
	Contacts      []Contact
	Conversations []ConversationSummary // most recently active first
	Cases         []*cases.Case         // newest first; only those the user may read
	Merges        []CustomerMerge       // into or out of this customer, newest first
	// Care is the customer's proactive care (care.go): member, opt-out,
	// the contact an import gave; what they bought; every touchpoint
	// planned or made, by due time.
	Care        CustomerCare
	Purchases   []Purchase
	Touchpoints []Touchpoint
}

// maxArchive bounds what one customer page lists.
const maxArchive = 500

// CustomerGet returns a customer's archive. A user restricted to one
// department sees the cases of that department (and their conversations)
// only, and no customer without one.
func (s *Team) CustomerGet(ctx context.Context, u cases.User, id int64) (CustomerDetail, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return CustomerDetail{}, err
	}
	cust, err := s.opt.Store.CustomerGet(ctx, id)
	if err != nil {
		return CustomerDetail{}, err
	}
	d := CustomerDetail{Customer: cust, Name: cust.DisplayName}
	all, err := s.opt.Store.CaseList(ctx, CaseListParams{CustomerID: id, Limit: maxArchive})
	if err != nil {
		return CustomerDetail{}, err
	}
	readable := map[int64]bool{}
	for _, c := range all {
		if u.Can(cases.ActionRead, c) != nil {
			continue
		}
		readable[c.ID] = true
		d.Cases = append(d.Cases, c)
		if d.Name == "" {
			d.Name = c.Fields[cases.FieldCustomerName]
			if d.Name == "" {
				d.Name = c.Fields[cases.FieldCompany]
			}
		}
	}
	_, restricted := u.ReadScope()
	if restricted && len(d.Cases) == 0 {
		return CustomerDetail{}, cases.Errorf(cases.EForbidden, fmt.Sprintf("%s may not read customer %d: none of their cases is of %s's department", u.Actor(), id, u.Name))
	}
	convs, err := s.opt.Store.ConversationList(ctx, ConversationListParams{CustomerID: id, Limit: maxArchive})
	if err != nil {
		return CustomerDetail{}, err
	}
	takeover := u.Can(cases.ActionTakeover, nil) == nil
	for _, c := range convs {
		if c.CaseID != 0 && !readable[c.CaseID] || c.CaseID == 0 && !takeover {
			continue
		}
		sum, err := s.summaryOf(&c)
		if err != nil {
			return CustomerDetail{}, err
		}
		d.Conversations = append(d.Conversations, sum)
	}
	if d.Identities, err = s.opt.Store.CustomerIdentities(ctx, id); err != nil {
		return CustomerDetail{}, err
	}
	if d.Contacts, err = s.opt.Store.CustomerContacts(ctx, id); err != nil {
		return CustomerDetail{}, err
	}
	if d.Merges, err = s.opt.Store.CustomerMerges(ctx, id); err != nil {
		return CustomerDetail{}, err
	}
	if d.Care, err = s.opt.Store.CustomerCare(ctx, id); err != nil {
		return CustomerDetail{}, err
	}
	if d.Purchases, err = s.opt.Store.Purchases(ctx, id); err != nil {
		return CustomerDetail{}, err
	}
	tps, err := s.opt.Store.Touchpoints(ctx, id)
	if err != nil {
		return CustomerDetail{}, err
	}
	for _, tp := range tps {
		// A department's user sees the touchpoints of its cases and the
		// customer's own (purchases), not other departments' cases'.
		if tp.CaseID == 0 || readable[tp.CaseID] {
			d.Touchpoints = append(d.Touchpoints, tp)
		}
	}
	return d, nil
}

// CustomerSearch selects customers; zero fields do not filter.
type CustomerSearch struct {
	Phone string
	Email string
	Name  string // a part of the name or company
	Limit int    // 0 = 50, at most MaxCustomerSearch
}

// MaxCustomerSearch is the most customers one search lists.
const MaxCustomerSearch = 200

// CustomerSearch finds customers by phone or email (as typed or as a
// verified contact) and by a part of their name or company, newest first.
// It is the customer-service desk's tool: a user restricted to one
// department finds cases through the case list instead.
func (s *Team) CustomerSearch(ctx context.Context, u cases.User, f CustomerSearch) ([]Customer, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return nil, err
	}
	if _, restricted := u.ReadScope(); restricted && u.Can(cases.ActionTakeover, nil) != nil {
		return nil, cases.Errorf(cases.EForbidden, fmt.Sprintf("%s (%s) may not search customers", u.Actor(), u.Role))
	}
	p := CustomerSearchParams{Phone: strings.TrimSpace(f.Phone), Email: strings.ToLower(strings.TrimSpace(f.Email)),
		Name: strings.ToLower(strings.TrimSpace(f.Name)), Limit: f.Limit}
	p.PhoneKey = ContactValue(ContactPhone, p.Phone)
	if p.Phone == "" && p.Email == "" && p.Name == "" {
		return nil, cases.Errorf(cases.EInvalid, "phone, email or name: one is required")
	}
	switch {
	case p.Limit <= 0:
		p.Limit = 50
	case p.Limit > MaxCustomerSearch:
		p.Limit = MaxCustomerSearch
	}
	return s.opt.Store.CustomerSearch(ctx, p)
}

// CustomerMerge moves every identity, conversation and case of customer
// from into customer into, for a person who found they are one (the same
// person on WeChat and by mail, with no shared verified contact). The
// merge is recorded with who, when and why, and can be undone.
func (s *Team) CustomerMerge(ctx context.Context, u cases.User, into, from int64, reason string) (CustomerMerge, error) {
	if err := u.Can(cases.ActionMergeCustomers, nil); err != nil {
		return CustomerMerge{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case from <= 0:
		return CustomerMerge{}, cases.Errorf(cases.EInvalid, "from: the id of the customer to merge in is required")
	case from == into:
		return CustomerMerge{}, cases.Errorf(cases.EInvalid, "from: a customer cannot be merged into itself")
	case reason == "":
		return CustomerMerge{}, cases.Errorf(cases.EInvalid, "reason: required (why these are one customer)")
	case len([]rune(reason)) > MaxFieldLen:
		return CustomerMerge{}, cases.Errorf(cases.EInvalid, fmt.Sprintf("reason: at most %d characters", MaxFieldLen))
	}
	var m CustomerMerge
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) (err error) {
		m, err = s.merge(ctx, tx, CustomerMergeParams{IntoID: into, FromID: from, Actor: u.Actor(), Reason: reason, At: s.opt.Now()})
		return err
	})
	return m, err
}

// CustomerMergeUndo moves back what a merge moved (and the cases its
// conversations started since), recording who undid it.
func (s *Team) CustomerMergeUndo(ctx context.Context, u cases.User, id int64, reason string) (CustomerMerge, error) {
	if err := u.Can(cases.ActionMergeCustomers, nil); err != nil {
		return CustomerMerge{}, err
	}
	reason = strings.TrimSpace(reason)
	var m CustomerMerge
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		prev, err := tx.CustomerMergeGet(ctx, id)
		if err != nil {
			return err
		}
		for _, cid := range prev.Conversations {
			conv, err := tx.ConversationGet(ctx, cid)
			if err != nil {
				return err
			}
			if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
				return err
			}
		}
		if m, err = tx.CustomerMergeUndo(ctx, id, u.Actor(), now); err != nil {
			return err
		}
		if reason == "" {
			reason = fmt.Sprintf("merge %d undone", id)
		}
		return s.mergeHistory(ctx, tx, m, "customer_unmerged", m.IntoID, m.FromID, u.Actor(), reason, now)
	})
	return m, err
}
