package service_test

import (
	"slices"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

func TestContactValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind service.ContactKind
		in   string
		want string
	}{
		{service.ContactPhone, "138 1234 5678", "13812345678"},
		{service.ContactPhone, "+86 138-1234-5678", "13812345678"},
		{service.ContactPhone, "0086 13812345678", "13812345678"},
		{service.ContactPhone, "(021) 6123 4567", "02161234567"},
		{service.ContactPhone, "+44 7700 900123", "447700900123"},
		{service.ContactPhone, "8021", ""},
		{service.ContactPhone, "", ""},
		{service.ContactEmail, " Li.Lei@Example.COM ", "li.lei@example.com"},
		{service.ContactEmail, "not an email", ""},
		{service.ContactEmail, "@example.com", ""},
	} {
		if got := service.ContactValue(tc.kind, tc.in); got != tc.want {
			t.Errorf("ContactValue(%s, %q) = %q, want %q", tc.kind, tc.in, got, tc.want)
		}
	}
}

// TestCustomerArchive: two web chat sessions that confirm the same phone
// are one customer, with both conversations and cases on one page; a
// case filed for a handoff before anything was confirmed matches no one;
// a specialist merges a hotline caller in and undoes it; customers and
// cases are found by phone, name, order number and model.
func TestCustomerArchive(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			amy := b.user("Amy", cases.RoleSpecialist, "")
			tech := b.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			logi := b.user("物流李", cases.RoleHandler, cases.DeptLogistics)
			team := b.svc.Team()

			first := b.intake("arch-1", p1Turns...) // 李雷, 13900001111, confirmed
			second := b.intake("arch-2", p1Turns...)
			if second.CustomerID != first.CustomerID || second.ConversationID == first.ConversationID {
				t.Fatalf("second session: customer %d conversation %d; want customer %d on its own conversation", second.CustomerID, second.ConversationID, first.CustomerID)
			}
			hist, _ := b.st.CaseHistory(b.ctx, second.ID)
			if !slices.ContainsFunc(hist, func(h cases.Change) bool { return h.Action == "customer_matched" && h.Actor == "system" }) {
				t.Errorf("no customer_matched entry on %s: %+v", second.Number, hist)
			}

			d, err := team.CustomerGet(b.ctx, amy, first.CustomerID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Identities) != 2 || len(d.Conversations) != 2 || len(d.Cases) != 2 || d.Cases[0].ID != second.ID || d.Name != "李雷" {
				t.Errorf("customer page: name %q, %d identities, %d conversations, %d cases", d.Name, len(d.Identities), len(d.Conversations), len(d.Cases))
			}
			if len(d.Contacts) != 1 || d.Contacts[0].Value != "13900001111" {
				t.Errorf("contacts: %+v", d.Contacts)
			}
			if len(d.Merges) != 1 || d.Merges[0].Actor != "system" || d.Merges[0].IntoID != first.CustomerID {
				t.Fatalf("the automatic merge is not recorded: %+v", d.Merges)
			}
			auto := d.Merges[0]
			if _, err := team.CustomerGet(b.ctx, logi, first.CustomerID); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a logistics handler reads a customer with technical cases only: %v", err)
			}
			if d, err := team.CustomerGet(b.ctx, tech, first.CustomerID); err != nil || len(d.Cases) != 2 {
				t.Errorf("the technical handler's view: %d cases, %v", len(d.Cases), err)
			}

			// Filed for a handoff before confirming: the phone matches no one.
			for i, text := range []string{"我家热水器漏电了，电话13900001111", "转人工"} {
				if _, err := b.svc.Receive(b.ctx, msg("arch-3", "arch-3-"+string(rune('a'+i)), text)); err != nil {
					t.Fatal(err)
				}
			}
			drain(t, b.svc)
			if page, _ := team.CaseList(b.ctx, amy, service.CaseFilter{Phone: "13900001111"}); len(page.Cases) == 3 && page.Cases[0].CustomerID == first.CustomerID {
				t.Errorf("an unconfirmed handoff case went on the customer")
			}

			// A caller with another phone is one person too: merged by hand,
			// with a reason, and undone.
			caller, err := team.CaseCreate(b.ctx, amy, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P3,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "李雷", cases.FieldPhone: "13900002222", cases.FieldPurchaseProof: "JD-8812345", cases.FieldProductModel: "KFR-35GW"}})
			if err != nil {
				t.Fatal(err)
			}
			if caller.CustomerID == 0 || caller.CustomerID == first.CustomerID {
				t.Fatalf("a new caller's customer: %d", caller.CustomerID)
			}
			if _, err := team.CustomerMerge(b.ctx, tech, first.CustomerID, caller.CustomerID, "same person"); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler merged customers: %v", err)
			}
			if _, err := team.CustomerMerge(b.ctx, amy, first.CustomerID, caller.CustomerID, " "); cases.ErrorCode(err) != cases.EInvalid {
				t.Errorf("a merge without a reason: %v", err)
			}
			m, err := team.CustomerMerge(b.ctx, amy, first.CustomerID, caller.CustomerID, "他用了公司的电话")
			if err != nil {
				t.Fatal(err)
			}
			if moved := b.caseOf(caller.ID); moved.CustomerID != first.CustomerID || m.Actor != amy.Actor() || !slices.Equal(m.Cases, []int64{caller.ID}) {
				t.Errorf("after the merge: case on customer %d, record %+v", moved.CustomerID, m)
			}
			hist, _ = b.st.CaseHistory(b.ctx, caller.ID)
			if !slices.ContainsFunc(hist, func(h cases.Change) bool {
				return h.Action == "customer_merged" && h.Reason == "他用了公司的电话"
			}) {
				t.Errorf("the merge is not in the case's history: %+v", hist)
			}
			if _, err := team.CustomerMergeUndo(b.ctx, amy, m.ID, "不是同一人"); err != nil {
				t.Fatal(err)
			}
			if back := b.caseOf(caller.ID); back.CustomerID != caller.CustomerID {
				t.Errorf("after the undo the case is on customer %d, want %d", back.CustomerID, caller.CustomerID)
			}
			if _, err := team.CustomerMergeUndo(b.ctx, amy, m.ID, ""); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("undo twice: %v", err)
			}

			// An automatic merge is undone like any other.
			if _, err := team.CustomerMergeUndo(b.ctx, amy, auto.ID, "两个人共用一个电话"); err != nil {
				t.Fatal(err)
			}
			if back := b.caseOf(second.ID); back.CustomerID == first.CustomerID {
				t.Fatalf("undone automatic merge: case still on customer %d", back.CustomerID)
			}

			// Search.
			if cs, err := team.CustomerSearch(b.ctx, amy, service.CustomerSearch{Phone: "139 0000 1111"}); err != nil || len(cs) == 0 || cs[len(cs)-1].ID != first.CustomerID {
				t.Errorf("by phone: %+v, %v", cs, err)
			}
			if cs, _ := team.CustomerSearch(b.ctx, amy, service.CustomerSearch{Name: "李"}); len(cs) < 2 {
				t.Errorf("by name: %+v", cs)
			}
			if _, err := team.CustomerSearch(b.ctx, tech, service.CustomerSearch{Name: "李"}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler searched customers: %v", err)
			}
			if _, err := team.CustomerSearch(b.ctx, amy, service.CustomerSearch{}); cases.ErrorCode(err) != cases.EInvalid {
				t.Errorf("an empty search: %v", err)
			}
			for q, want := range map[string]int64{"jd-88123": caller.ID, "KFR-35": caller.ID} {
				if page, err := team.CaseList(b.ctx, amy, service.CaseFilter{Q: q}); err != nil || len(page.Cases) != 1 || page.Cases[0].ID != want {
					t.Errorf("cases q=%q: %d cases, %v", q, len(page.Cases), err)
				}
			}
			if page, _ := team.CaseList(b.ctx, logi, service.CaseFilter{Q: "李雷"}); len(page.Cases) != 0 {
				t.Errorf("a logistics handler finds technical cases by name: %d", len(page.Cases))
			}
		})
	}
}

func (b *staffBundle) caseOf(id int64) *cases.Case {
	b.t.Helper()
	c, err := b.st.CaseGetByID(b.ctx, id)
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}
