package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// archiveCase stores a case of conv's customer with these fields.
func archiveCase(t *testing.T, s service.Store, conv service.Conversation, fields map[cases.FieldKey]string) *cases.Case {
	t.Helper()
	c := &cases.Case{CustomerID: conv.CustomerID, ConversationID: conv.ID, Channel: string(conv.Channel), Fields: fields,
		Category: cases.CategoryTechnical, Priority: cases.P3, Department: cases.DeptTechnicalSupport,
		State: cases.StateRegistered, CreatedAt: t0, UpdatedAt: t0}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error { return tx.CaseInsert(ctx, c) })
	return c
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, 0, len(xs))
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func customerIDs(cs []service.Customer) []int64 {
	return ids(cs, func(c service.Customer) int64 { return c.ID })
}

// testCustomerArchive: verified contacts find their customer, customers
// are found by phone, email and name, and a merge moves identities,
// conversations and cases and is undone exactly.
func testCustomerArchive(t *testing.T, s service.Store) {
	ctx := context.Background()
	a := seed(t, s, "archive-a")
	b := seed(t, s, "archive-b")
	ca := archiveCase(t, s, a, map[cases.FieldKey]string{cases.FieldCustomerName: "张三", cases.FieldPhone: "138 1234 5678", cases.FieldProductModel: "XQG100-B12"})
	cb := archiveCase(t, s, b, map[cases.FieldKey]string{cases.FieldCompany: "远景科技有限公司", cases.FieldEmail: "Li@Example.com", cases.FieldPurchaseProof: "SN2026030401"})

	// Only contacts recorded as verified match.
	if id, err := s.CustomerByContact(ctx, service.ContactPhone, "13812345678"); err != nil || id != 0 {
		t.Errorf("before verification: customer %d, %v", id, err)
	}
	var hot service.Customer
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if err = tx.ContactInsert(ctx, ca.ID, service.ContactPhone, "13812345678", t0); err != nil {
			return err
		}
		if err = tx.ContactInsert(ctx, ca.ID, service.ContactPhone, "13812345678", t0); err != nil { // again: nothing
			return err
		}
		if err = tx.ContactInsert(ctx, cb.ID, service.ContactEmail, "li@example.com", t0); err != nil {
			return err
		}
		hot, err = tx.CustomerCreate(ctx, "周敏", t0)
		return err
	})
	if id, err := s.CustomerByContact(ctx, service.ContactPhone, "13812345678"); err != nil || id != a.CustomerID {
		t.Errorf("by phone: customer %d, %v; want %d", id, err, a.CustomerID)
	}
	if id, _ := s.CustomerByContact(ctx, service.ContactEmail, "li@example.com"); id != b.CustomerID {
		t.Errorf("by email: customer %d, want %d", id, b.CustomerID)
	}
	if cs, err := s.CustomerContacts(ctx, a.CustomerID); err != nil || len(cs) != 1 || cs[0] != (service.Contact{Kind: service.ContactPhone, Value: "13812345678", CaseID: ca.ID}) {
		t.Errorf("contacts of a: %+v, %v", cs, err)
	}
	if got, err := s.CustomerGet(ctx, hot.ID); err != nil || got.DisplayName != "周敏" || got.MergedInto != 0 || !got.CreatedAt.Equal(t0) {
		t.Errorf("hotline customer: %+v, %v", got, err)
	}
	_, err := s.CustomerGet(ctx, 99999)
	wantNotFound(t, "CustomerGet", err)

	for _, tc := range []struct {
		name string
		p    service.CustomerSearchParams
		want []int64
	}{
		{"phone as stored", service.CustomerSearchParams{Phone: "138 1234 5678"}, []int64{a.CustomerID}},
		{"verified phone", service.CustomerSearchParams{Phone: "+86 13812345678", PhoneKey: "13812345678"}, []int64{a.CustomerID}},
		{"email", service.CustomerSearchParams{Email: "li@example.com"}, []int64{b.CustomerID}},
		{"name part", service.CustomerSearchParams{Name: "张"}, []int64{a.CustomerID}},
		{"company part", service.CustomerSearchParams{Name: "远景"}, []int64{b.CustomerID}},
		{"display name", service.CustomerSearchParams{Name: "archive"}, []int64{b.CustomerID, a.CustomerID}},
		{"every filter must hold", service.CustomerSearchParams{Name: "张", Email: "li@example.com"}, []int64{}},
		{"nothing", service.CustomerSearchParams{Phone: "10000"}, []int64{}},
	} {
		got, err := s.CustomerSearch(ctx, tc.p)
		if err != nil || !slices.Equal(customerIDs(got), tc.want) {
			t.Errorf("search %s: %v, %v; want %v", tc.name, customerIDs(got), err, tc.want)
		}
	}

	// Cases by a part of the order number, model, name or company, or by
	// the whole number.
	for q, want := range map[string][]int64{
		"sn20260304": {cb.ID}, "xqg100": {ca.ID}, "张三": {ca.ID}, "远景": {cb.ID},
		"k-000001": {ca.ID}, "k-00000": {}, "nothing": {},
	} {
		got, err := s.CaseList(ctx, service.CaseListParams{Q: q})
		if err != nil || !slices.Equal(ids(got, func(c *cases.Case) int64 { return c.ID }), want) {
			t.Errorf("cases q=%q: %v, %v; want %v", q, ids(got, func(c *cases.Case) int64 { return c.ID }), err, want)
		}
		if n, err := s.CaseCount(ctx, service.CaseListParams{Q: q, Limit: 10}); err != nil || n != len(want) {
			t.Errorf("count q=%q: %d, %v", q, n, err)
		}
	}

	// Merge b into a: b's identity, conversation and case move; b is marked.
	var m service.CustomerMerge
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		m, err = tx.CustomerMerge(ctx, service.CustomerMergeParams{IntoID: a.CustomerID, FromID: b.CustomerID, Actor: "user:1", Reason: "同一个人", At: t0.Add(time.Hour)})
		return err
	})
	if m.ID == 0 || m.IntoID != a.CustomerID || m.FromID != b.CustomerID || m.Actor != "user:1" || m.Reason != "同一个人" ||
		!slices.Equal(m.Conversations, []int64{b.ID}) || !slices.Equal(m.Cases, []int64{cb.ID}) ||
		!slices.Equal(m.Identities, []service.IdentityKey{{Channel: channels.WebChat, ExternalUserID: "archive-b"}}) {
		t.Errorf("merge: %+v", m)
	}
	ids2, err := s.CustomerIdentities(ctx, a.CustomerID)
	if err != nil || len(ids2) != 2 {
		t.Errorf("identities after merge: %+v, %v", ids2, err)
	}
	if convs, _ := s.ConversationList(ctx, service.ConversationListParams{CustomerID: a.CustomerID}); len(convs) != 2 {
		t.Errorf("conversations of a after merge: %d", len(convs))
	}
	if cs, _ := s.CaseList(ctx, service.CaseListParams{CustomerID: a.CustomerID}); len(cs) != 2 {
		t.Errorf("cases of a after merge: %d", len(cs))
	}
	if got, _ := s.CustomerGet(ctx, b.CustomerID); got.MergedInto != a.CustomerID {
		t.Errorf("b after merge: %+v", got)
	}
	if got, _ := s.CustomerSearch(ctx, service.CustomerSearchParams{Name: "archive"}); !slices.Equal(customerIDs(got), []int64{a.CustomerID}) {
		t.Errorf("a merged customer is found: %v", customerIDs(got))
	}
	if id, _ := s.CustomerByContact(ctx, service.ContactEmail, "li@example.com"); id != a.CustomerID {
		t.Errorf("a verified contact follows its case: customer %d", id)
	}
	// Merging a merged customer again, or into itself, is refused.
	for _, p := range []service.CustomerMergeParams{{IntoID: a.CustomerID, FromID: b.CustomerID}, {IntoID: hot.ID, FromID: hot.ID}} {
		err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			_, err := tx.CustomerMerge(ctx, p)
			return err
		})
		if code := cases.ErrorCode(err); code != cases.EConflict && code != cases.EInvalid {
			t.Errorf("merge %+v: %v", p, err)
		}
	}

	// A case the moved conversation starts after the merge goes back with
	// it on undo.
	later := archiveCase(t, s, service.Conversation{ID: b.ID, CustomerID: a.CustomerID, Channel: b.Channel}, map[cases.FieldKey]string{cases.FieldSymptom: "又坏了"})
	list, err := s.CustomerMerges(ctx, b.CustomerID)
	if err != nil || len(list) != 1 || list[0].ID != m.ID || !list[0].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("merges of b: %+v, %v", list, err)
	}
	var undone service.CustomerMerge
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		undone, err = tx.CustomerMergeUndo(ctx, m.ID, "user:2", t0.Add(2*time.Hour))
		return err
	})
	if undone.UndoneBy != "user:2" || !undone.UndoneAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("undone: %+v", undone)
	}
	for _, c := range []*cases.Case{cb, later} {
		if got, _ := s.CaseGetByID(ctx, c.ID); got.CustomerID != b.CustomerID {
			t.Errorf("case %d after undo is on customer %d, want %d", c.ID, got.CustomerID, b.CustomerID)
		}
	}
	if got, _ := s.CaseGetByID(ctx, ca.ID); got.CustomerID != a.CustomerID {
		t.Errorf("a's own case moved: customer %d", got.CustomerID)
	}
	if conv, _ := s.ConversationGetByID(ctx, b.ID); conv.CustomerID != b.CustomerID {
		t.Errorf("conversation after undo: customer %d", conv.CustomerID)
	}
	if got, _ := s.CustomerIdentities(ctx, b.CustomerID); len(got) != 1 || got[0].ExternalUserID != "archive-b" {
		t.Errorf("b's identities after undo: %+v", got)
	}
	if got, _ := s.CustomerGet(ctx, b.CustomerID); got.MergedInto != 0 {
		t.Errorf("b after undo: %+v", got)
	}
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.CustomerMergeUndo(ctx, m.ID, "user:2", t0)
		return err
	})
	if cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("undo twice: %v", err)
	}

	// An undo after a later merge moved things on is refused, and changes
	// nothing.
	var m2, m3 service.CustomerMerge
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if m2, err = tx.CustomerMerge(ctx, service.CustomerMergeParams{IntoID: a.CustomerID, FromID: b.CustomerID, Actor: "user:1", At: t0}); err != nil {
			return err
		}
		m3, err = tx.CustomerMerge(ctx, service.CustomerMergeParams{IntoID: hot.ID, FromID: a.CustomerID, Actor: "user:1", At: t0})
		return err
	})
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.CustomerMergeUndo(ctx, m2.ID, "user:2", t0)
		return err
	})
	if cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("undo under a later merge: %v", err)
	}
	if got, _ := s.CaseGetByID(ctx, cb.ID); got.CustomerID != hot.ID {
		t.Errorf("after a refused undo case %d is on customer %d, want %d", cb.ID, got.CustomerID, hot.ID)
	}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		if _, err := tx.CustomerMergeUndo(ctx, m3.ID, "user:2", t0); err != nil {
			return err
		}
		_, err := tx.CustomerMergeUndo(ctx, m2.ID, "user:2", t0)
		return err
	})
	if got, _ := s.CaseGetByID(ctx, cb.ID); got.CustomerID != b.CustomerID {
		t.Errorf("after undoing both, case %d is on customer %d", cb.ID, got.CustomerID)
	}
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.CustomerMergeGet(ctx, 99999)
		return err
	})
	wantNotFound(t, "CustomerMergeGet", err)
}
