package service_test

import (
	"context"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// TestCaseListPages: with 121 newer logistics cases, a technical handler
// still sees the older technical case (the department is filtered in the
// query, not after its LIMIT); pages follow one another with Next, every
// case once; a limit above 100 is honoured.
func TestCaseListPages(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			ctx := context.Background()
			insert := func(dept cases.Department, n int) {
				err := b.st.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
					for range n {
						c := &cases.Case{Channel: "hotline", Source: "hotline", Language: "zh-CN", Category: cases.CategoryTechnical,
							Priority: cases.P3, Department: dept, State: cases.StateAssigned, CreatedAt: b.clk.Now(), UpdatedAt: b.clk.Now(),
							Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "测试"}}
						if err := tx.CaseInsert(ctx, c); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			insert(cases.DeptTechnicalSupport, 1)
			insert(cases.DeptLogistics, 121)
			insert(cases.DeptTechnicalSupport, 129)
			tech := b.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			admin := b.user("管理员", cases.RoleAdmin, "")

			seen := map[int64]bool{}
			var pages int
			for f := (service.CaseFilter{}); ; pages++ {
				page, err := b.svc.Team().CaseList(ctx, tech, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page.Cases {
					if c.Department != cases.DeptTechnicalSupport || seen[c.ID] {
						t.Fatalf("page %d: case %d of %s (seen before: %v)", pages, c.ID, c.Department, seen[c.ID])
					}
					seen[c.ID] = true
				}
				if page.Next == 0 {
					break
				}
				f.Before = page.Next
			}
			if len(seen) != 130 || pages != 1 {
				t.Errorf("technical handler: %d cases over %d more pages, want 130 over 1", len(seen), pages)
			}
			page, err := b.svc.Team().CaseList(ctx, admin, service.CaseFilter{Limit: 1000})
			if err != nil || len(page.Cases) != 251 || page.Next != 0 {
				t.Errorf("limit 1000: %d cases, next %d, %v; want all 251 on one page", len(page.Cases), page.Next, err)
			}
			if page, _ := b.svc.Team().CaseList(ctx, tech, service.CaseFilter{Department: cases.DeptLogistics}); len(page.Cases) != 0 {
				t.Errorf("a technical handler filtering on logistics sees %d cases", len(page.Cases))
			}
		})
	}
}

// TestConversationMessages: an agent reads the transcript of a
// conversation, also one without a case; a conversation with a case is
// readable by whoever may read the case, page by page.
func TestConversationMessages(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			ctx := context.Background()
			amy := b.user("Amy", cases.RoleSpecialist, "")
			tech := b.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			logistics := b.user("刘工", cases.RoleHandler, cases.DeptLogistics)

			// No case yet: the customer is still describing.
			rc, err := b.svc.Receive(ctx, msg("cm-1", "cm-1-a", "你好，我想问一下"))
			if err != nil {
				t.Fatal(err)
			}
			drain(t, b.svc)
			msgs, err := b.svc.Team().ConversationMessages(ctx, amy, rc.ConversationID, 0, 0)
			if err != nil || len(msgs) < 2 || msgs[0].Direction != "in" || msgs[0].Text != "你好，我想问一下" {
				t.Fatalf("transcript before a case: %+v, %v", msgs, err)
			}
			if more, err := b.svc.Team().ConversationMessages(ctx, amy, rc.ConversationID, msgs[0].ID, 1); err != nil || len(more) != 1 || more[0].ID != msgs[1].ID {
				t.Errorf("second page: %+v, %v", more, err)
			}

			c := b.intake("cm-2", p1Turns...)
			if msgs, err := b.svc.Team().ConversationMessages(ctx, tech, c.ConversationID, 0, 0); err != nil || len(msgs) == 0 {
				t.Errorf("the technical handler reads the transcript of a technical case: %d, %v", len(msgs), err)
			}
			if _, err := b.svc.Team().ConversationMessages(ctx, logistics, c.ConversationID, 0, 0); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a logistics handler read a technical case's transcript: %v", err)
			}
			if _, err := b.svc.Team().ConversationMessages(ctx, amy, 999999, 0, 0); cases.ErrorCode(err) != cases.ENotFound {
				t.Errorf("unknown conversation: %v", err)
			}
		})
	}
}

// TestUserLifecycle: users are listed; a disabled user's token stops
// working at once and works again when enabled; a new token replaces the
// old one at once.
func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			ctx := context.Background()
			u, token, err := b.svc.Team().UserAdd(ctx, "王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			if err != nil {
				t.Fatal(err)
			}
			list, err := b.svc.Team().UserList(ctx)
			if err != nil || len(list) == 0 || list[len(list)-1].ID != u.ID || list[len(list)-1].Disabled || list[len(list)-1].CreatedAt.IsZero() {
				t.Fatalf("list: %+v, %v", list, err)
			}
			if err := b.svc.Team().UserSetDisabled(ctx, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().Authenticate(ctx, token); cases.ErrorCode(err) != cases.EUnauthorized {
				t.Errorf("a disabled user's token: %v", err)
			}
			if list, _ := b.svc.Team().UserList(ctx); !list[len(list)-1].Disabled {
				t.Errorf("the list does not show the user disabled")
			}
			if err := b.svc.Team().UserSetDisabled(ctx, u.ID, false); err != nil {
				t.Fatal(err)
			}
			if got, err := b.svc.Team().Authenticate(ctx, token); err != nil || got.ID != u.ID {
				t.Errorf("enabled again: %+v, %v", got, err)
			}
			fresh, err := b.svc.Team().UserNewToken(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().Authenticate(ctx, token); cases.ErrorCode(err) != cases.EUnauthorized {
				t.Errorf("the replaced token still works: %v", err)
			}
			if got, err := b.svc.Team().Authenticate(ctx, fresh); err != nil || got.ID != u.ID {
				t.Errorf("the new token: %+v, %v", got, err)
			}
			if err := b.svc.Team().UserSetDisabled(ctx, 999999, true); cases.ErrorCode(err) != cases.ENotFound {
				t.Errorf("unknown user: %v", err)
			}
		})
	}
}
