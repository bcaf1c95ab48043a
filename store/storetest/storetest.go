// Package storetest is the conformance suite every service.Store passes.
// store/sqlite and store/postgres run the same Run from their tests, so the
// two behave alike where the service can tell.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// Run runs the suite. open must return a fresh, empty, migrated store and
// close it in t.Cleanup; it is called once per subtest, and subtests run in
// parallel.
func Run(t *testing.T, open func(t *testing.T) service.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s service.Store)
	}{
		{"CustomerGetOrCreate", testCustomer},
		{"ConversationGetOrCreate", testConversation},
		{"ConcurrentGetOrCreate", testConcurrentGetOrCreate},
		{"MessageInsert", testMessage},
		{"MessageConcurrentDuplicate", testMessageConcurrentDuplicate},
		{"CaseRoundTrip", testCaseRoundTrip},
		{"CaseJSONTimes", testCaseJSONTimes},
		{"CaseList", testCaseList},
		{"CaseListFilters", testCaseListFilters},
		{"CaseListReportFilters", testCaseListReportFilters},
		{"CaseHistory", testCaseHistory},
		{"ConversationList", testConversationList},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"OutboxDueAndLease", testOutboxDueAndLease},
		{"OutboxConversationOrder", testOutboxOrder},
		{"OutboxLanes", testOutboxLanes},
		{"OutboxOrigin", testOutboxOrigin},
		{"OutboxMarkSentAndFail", testOutboxSentAndFail},
		{"OutboxRelease", testOutboxRelease},
		{"OutboxQueuedSupersede", testOutboxQueuedSupersede},
		{"Cursors", testCursors},
		{"ChannelState", testChannelState},
		{"ChannelStateConcurrent", testChannelStateConcurrent},
		{"OutboxConcurrentClaim", testOutboxConcurrentClaim},
		{"RollbackLeavesNothing", testRollback},
		{"NestedRollbackAndRefusal", testNestedRefused},
		{"ReadsInTxContext", testReadsInTx},
		{"LockSerializes", testLock},
		{"InboundRejected", testRejected},
		{"Timers", testTimers},
		{"Tasks", testTasks},
		{"TaskConcurrentClaim", testTaskConcurrentClaim},
		{"Attachments", testAttachments},
		{"CustomerArchive", testCustomerArchive},
		{"OutboxStats", testOutboxStats},
		{"OutboxUnclaim", testOutboxUnclaim},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// t0 has microseconds, the precision both stores keep.
var t0 = time.Date(2025, 3, 1, 8, 30, 0, 123456000, time.UTC)

var errBoom = errors.New("boom")

func inTx(t *testing.T, s service.Store, fn func(ctx context.Context, tx service.Tx) error) {
	t.Helper()
	if err := s.InTx(t.Context(), fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if code := cases.ErrorCode(err); code != cases.ENotFound {
		t.Errorf("%s: error %v (code %q), want %s", what, err, code, cases.ENotFound)
	}
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v in UTC", what, got, want.UTC())
	}
}

// seed opens a customer and a conversation for a web chat user.
func seed(t *testing.T, s service.Store, user string) service.Conversation {
	t.Helper()
	var conv service.Conversation
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		cu, err := tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.WebChat, ExternalUserID: user, DisplayName: user, Now: t0})
		if err != nil {
			return err
		}
		conv, err = tx.ConversationGetOrCreate(ctx, service.ConversationParams{Channel: channels.WebChat, ExternalUserID: user, CustomerID: cu.ID, Now: t0})
		return err
	})
	return conv
}

func testCustomer(t *testing.T, s service.Store) {
	cst := time.FixedZone("CST", 8*3600)
	var a, b, other service.Customer
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		a, err = tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.WeChat, ExternalUserID: "o1", DisplayName: "王先生", Now: t0.In(cst)})
		return err
	})
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if b, err = tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.WeChat, ExternalUserID: "o1", DisplayName: "Renamed", Now: t0.Add(time.Hour)}); err != nil {
			return err
		}
		other, err = tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.Telegram, ExternalUserID: "o1", Now: t0})
		return err
	})
	if a.ID == 0 || a != b {
		t.Errorf("second get-or-create = %+v, want %+v", b, a)
	}
	if a.DisplayName != "王先生" {
		t.Errorf("DisplayName = %q", a.DisplayName)
	}
	sameTime(t, "CreatedAt", a.CreatedAt, t0)
	if other.ID == a.ID {
		t.Errorf("another channel's user got the same customer %d", a.ID)
	}
}

func testConversation(t *testing.T, s service.Store) {
	ctx := t.Context()
	c1 := seed(t, s, "u1")
	if c1.ID == 0 || c1.CustomerID == 0 || c1.Phase != "new" || c1.Channel != channels.WebChat || c1.ExternalUserID != "u1" || c1.CaseID != 0 {
		t.Fatalf("new conversation = %+v", c1)
	}
	sameTime(t, "CreatedAt", c1.CreatedAt, t0)
	if again := seed(t, s, "u1"); again.ID != c1.ID {
		t.Errorf("second get-or-create opened conversation %d, want %d", again.ID, c1.ID)
	}
	if c2 := seed(t, s, "u2"); c2.ID == c1.ID {
		t.Errorf("another user got conversation %d", c1.ID)
	}

	saved := c1
	saved.Phase = "collecting"
	saved.State = []byte(`{"phase":"collecting","slots":{"phone":"138"}}`)
	saved.UpdatedAt = t0.Add(time.Minute)
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		var c cases.Case
		if err := tx.CaseInsert(ctx, &c); err != nil {
			return err
		}
		saved.CaseID = c.ID
		if err := tx.ConversationSave(ctx, saved); err != nil {
			return err
		}
		got, err := tx.ConversationGet(ctx, c1.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, saved) {
			t.Errorf("ConversationGet in tx = %+v, want %+v", got, saved)
		}
		return nil
	})
	got, err := s.ConversationGetByID(ctx, c1.ID)
	if err != nil || !reflect.DeepEqual(got, saved) {
		t.Errorf("ConversationGetByID = %+v, %v; want %+v", got, err, saved)
	}
	got, err = s.ConversationFind(ctx, channels.WebChat, "u1")
	if err != nil || !reflect.DeepEqual(got, saved) {
		t.Errorf("ConversationFind = %+v, %v; want %+v", got, err, saved)
	}

	_, err = s.ConversationGetByID(ctx, 999999)
	wantNotFound(t, "ConversationGetByID", err)
	_, err = s.ConversationFind(ctx, channels.Email, "u1")
	wantNotFound(t, "ConversationFind", err)
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.ConversationGet(ctx, 999999)
		wantNotFound(t, "Tx.ConversationGet", err)
		missing := saved
		missing.ID = 999999
		wantNotFound(t, "ConversationSave", tx.ConversationSave(ctx, missing))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testConcurrentGetOrCreate opens the same user from several transactions
// at once, as two webhooks for one customer do.
func testConcurrentGetOrCreate(t *testing.T, s service.Store) {
	const n = 6
	var wg sync.WaitGroup
	convs := make([]service.Conversation, n)
	for i := range n {
		wg.Go(func() {
			err := s.InTx(t.Context(), func(ctx context.Context, tx service.Tx) error {
				cu, err := tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.Email, ExternalUserID: "a@example.com", Now: t0})
				if err != nil {
					return err
				}
				convs[i], err = tx.ConversationGetOrCreate(ctx, service.ConversationParams{Channel: channels.Email, ExternalUserID: "a@example.com", CustomerID: cu.ID, Now: t0})
				return err
			})
			if err != nil {
				t.Errorf("InTx %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for i, c := range convs {
		if c.ID != convs[0].ID || c.CustomerID != convs[0].CustomerID {
			t.Errorf("tx %d got conversation %d of customer %d, tx 0 got %d of %d", i, c.ID, c.CustomerID, convs[0].ID, convs[0].CustomerID)
		}
	}
}

func testMessage(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	in := service.MessageParams{
		ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "m1", Direction: "in",
		Text: "空调不制冷", Raw: []byte(`{"text":"空调不制冷"}`), At: t0.Add(789), // ns are dropped
	}
	out := service.MessageParams{
		ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "out:1", Direction: "out",
		Text: "Which model?", Field: "product_model", Kind: "reply", At: t0.Add(time.Second),
		Choices: []channels.Choice{{Value: "a", Label: "KF-35"}, {Value: "b", Label: "KF-50"}},
	}
	var id1, id2 int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		var ok bool
		var err error
		if id1, ok, err = tx.MessageInsert(ctx, in); err != nil || !ok || id1 == 0 {
			return fmt.Errorf("first insert: id %d inserted %v err %w", id1, ok, err)
		}
		// A duplicate inside the same transaction must not spoil it.
		dup := in
		dup.Text = "changed"
		if id, ok, err := tx.MessageInsert(ctx, dup); err != nil || ok || id != id1 {
			return fmt.Errorf("duplicate in tx: id %d inserted %v err %w, want %d false", id, ok, err, id1)
		}
		id2, ok, err = tx.MessageInsert(ctx, out)
		if err != nil || !ok {
			return fmt.Errorf("second insert: inserted %v err %w", ok, err)
		}
		return nil
	})
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		dup := in
		dup.Text = "redelivered"
		if id, ok, err := tx.MessageInsert(ctx, dup); err != nil || ok || id != id1 {
			t.Errorf("redelivery: id %d inserted %v err %v, want %d false", id, ok, err, id1)
		}
		return nil
	})

	msgs, err := s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []channels.StoredMessage{
		{ID: id1, Direction: "in", Text: "空调不制冷", At: t0},
		{ID: id2, Direction: "out", Text: "Which model?", Field: "product_model", Kind: "reply", Choices: out.Choices, At: t0.Add(time.Second)},
	}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("MessagesList = %+v\nwant %+v", msgs, want)
	}
	msgs, err = s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, AfterID: id1})
	if err != nil || len(msgs) != 1 || msgs[0].ID != id2 {
		t.Errorf("MessagesList after %d = %+v, %v", id1, msgs, err)
	}
	msgs, err = s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1})
	if err != nil || len(msgs) != 1 || msgs[0].ID != id1 {
		t.Errorf("MessagesList limit 1 = %+v, %v", msgs, err)
	}
}

// testMessageConcurrentDuplicate delivers one message to several
// transactions at once: exactly one stores it.
func testMessageConcurrentDuplicate(t *testing.T, s service.Store) {
	conv := seed(t, s, "u1")
	const n = 8
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted int
	)
	for i := range n {
		wg.Go(func() {
			err := s.InTx(t.Context(), func(ctx context.Context, tx service.Tx) error {
				_, ok, err := tx.MessageInsert(ctx, service.MessageParams{
					ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "same", Direction: "in",
					Text: fmt.Sprint("copy ", i), At: t0,
				})
				if ok {
					mu.Lock()
					inserted++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Errorf("InTx %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if inserted != 1 {
		t.Errorf("%d transactions inserted the message, want 1", inserted)
	}
	msgs, err := s.MessagesList(t.Context(), service.MessagesListParams{ConversationID: conv.ID})
	if err != nil || len(msgs) != 1 {
		t.Errorf("MessagesList = %d messages, %v; want 1", len(msgs), err)
	}
}

func fullCase(conv service.Conversation) *cases.Case {
	return &cases.Case{
		CustomerID:     conv.CustomerID,
		ConversationID: conv.ID,
		Channel:        string(conv.Channel),
		Source:         "webchat",
		Language:       "zh",
		Fields: map[cases.FieldKey]string{
			cases.FieldCustomerName: "王伟", cases.FieldPhone: "13800000000", cases.FieldSymptom: "不制冷",
		},
		Category:   cases.CategoryTechnical,
		Subtype:    "cooling",
		Priority:   cases.P2,
		Reasons:    []string{"symptom matches 不制冷", "batch recall"},
		Department: cases.DeptTechnicalSupport,
		State:      cases.StateRegistered,
		Deadlines: cases.Deadlines{
			FirstResponse:  t0.Add(30 * time.Minute),
			Registration:   t0.Add(2 * time.Hour),
			Classification: t0.Add(time.Hour),
			StartBy:        t0.Add(8 * time.Hour),
		},
		CreatedAt: t0,
		UpdatedAt: t0,
		Plan: &cases.Plan{
			PlanParams: cases.PlanParams{
				Type: cases.PlanOnSiteRepair, Description: "更换压缩机", PromisedAt: t0.Add(48 * time.Hour),
				VisitAt: t0.Add(24 * time.Hour), SameCity: true,
			},
			Version: 2, Status: cases.PlanInEffect, Author: "user:7", WrittenAt: t0.Add(time.Hour),
			DecidedBy: "user:9", DecidedAt: t0.Add(90 * time.Minute), Comment: "同意",
		},
		Resolution: &cases.Resolution{
			ResolveParams: cases.ResolveParams{
				Proof: "压缩机已更换", Attachment: "att/42.jpg", Link: "https://example.com/receipt/42",
			},
			By: "user:7", At: t0.Add(30 * time.Hour),
		},
		Milestones: cases.Milestones{
			FirstResponse:   t0.Add(time.Minute),
			Registered:      t0.Add(2 * time.Minute),
			Classified:      t0.Add(3 * time.Minute),
			Assigned:        t0.Add(4 * time.Minute),
			PlanWritten:     t0.Add(time.Hour),
			Started:         t0.Add(2 * time.Hour),
			Resolved:        t0.Add(30 * time.Hour),
			ResolveNotified: t0.Add(31 * time.Hour),
			NoticeFrom:      t0.Add(30*time.Hour + 30*time.Minute),
			Closed:          t0.Add(50 * time.Hour),
			LastUpdate:      t0.Add(8 * time.Hour),
			NextUpdate:      t0.Add(16 * time.Hour),
		},
		Complaints: []cases.Complaint{fullComplaint(), {
			N: 2, Stage: cases.ComplaintReceived, Source: cases.ComplaintFromSurvey, Complainant: "王伟",
			Content: "low survey score timeliness=1", OpenedAt: t0.Add(60 * time.Hour), OpenedBy: "customer",
		}},
	}
}

// fullComplaint is a complaint through every stage, every field set.
func fullComplaint() cases.Complaint {
	return cases.Complaint{
		N: 1, Stage: cases.ComplaintClosed, Source: cases.ComplaintFromCustomer, Complainant: "王伟",
		Content: "师傅迟到", OpenedAt: t0.Add(31 * time.Hour), OpenedBy: "customer",
		Valid: true, JudgeReason: "属实", Department: cases.DeptLogistics,
		InvestigationDue: t0.Add(100 * time.Hour), JudgedAt: t0.Add(32 * time.Hour),
		Cause: "排班冲突", ResponsibleParty: "调度组", InvestigatedAt: t0.Add(33 * time.Hour),
		ProposedPlans: []string{"道歉", "延保一年"}, ChosenPlan: 2, ChosenBy: "user:2", ChosenAt: t0.Add(34 * time.Hour),
		CustomerAccepted: true, CustomerFeedback: "可以", AcceptedAt: t0.Add(35 * time.Hour),
		Classification: cases.ComplaintClassTimeliness, Improvements: []string{"预留路上时间"}, SummarizedAt: t0.Add(36 * time.Hour),
		FollowUpNote: "满意", FollowUpAt: t0.Add(37 * time.Hour),
	}
}

// allSet fails when a field of v (a struct, walked into embedded and nested
// structs other than time.Time) is zero, so a field added later is covered
// by the round trip or noticed.
func allSet(t *testing.T, what string, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		if rv.Kind() == reflect.Struct && rv.Type() != reflect.TypeFor[time.Time]() {
			for i := range rv.NumField() {
				walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
			}
			return
		}
		if rv.IsZero() {
			t.Errorf("%s is zero: set it so the round trip covers it", path)
		}
	}
	walk(what, reflect.Indirect(reflect.ValueOf(v)))
}

func testCaseRoundTrip(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	c := fullCase(conv)
	// The responsible person is a stored user.
	who, err := s.UserInsert(ctx, service.UserParams{Name: "王工", Role: cases.RoleHandler, Department: cases.DeptTechnicalSupport, TokenHash: []byte("round-trip")})
	if err != nil {
		t.Fatal(err)
	}
	c.Assignee = who.ID
	allSet(t, "Plan", c.Plan)
	allSet(t, "Resolution", c.Resolution)
	allSet(t, "Milestones", c.Milestones)
	allSet(t, "Complaint", c.Complaints[0])
	want := *c
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		if err := tx.CaseInsert(ctx, c); err != nil {
			return err
		}
		if c.ID == 0 || c.Number != cases.NumberFor(c.ID) {
			t.Errorf("CaseInsert set ID %d Number %q", c.ID, c.Number)
		}
		want.ID, want.Number = c.ID, c.Number
		got, err := tx.CaseGet(ctx, c.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("CaseGet in tx = %+v\nwant %+v", got, &want)
		}
		return nil
	})
	got, err := s.CaseGetByID(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, &want) {
		t.Errorf("CaseGetByID = %+v, %v\nwant %+v", got, err, &want)
	}

	// Change every stored field but the customer, which only a merge
	// moves; zero deadlines and no reasons round-trip too.
	other := seed(t, s, "u2")
	upd := want
	upd.ConversationID = other.ID
	upd.Channel, upd.Source, upd.Language = "email", "dealer", "en"
	upd.Fields = map[cases.FieldKey]string{cases.FieldEmail: "a@example.com"}
	upd.Category, upd.Subtype, upd.Priority = cases.CategoryQuality, "noise", cases.P1
	upd.Reasons = nil
	upd.Department, upd.State, upd.Escalated = cases.DeptQualityControl, cases.StateAssigned, true
	upd.Deadlines = cases.Deadlines{StartBy: t0.Add(4 * time.Hour)}
	upd.UpdatedAt = t0.Add(5 * time.Minute)
	upd.Plan = &cases.Plan{
		PlanParams: cases.PlanParams{Type: cases.PlanRepair, Description: "免费维修", PromisedAt: t0.Add(72 * time.Hour)},
		Version:    3, Status: cases.PlanPendingApproval, Author: "user:8", WrittenAt: t0.Add(2 * time.Hour),
	}
	upd.Resolution = nil
	upd.Milestones = cases.Milestones{Assigned: t0.Add(10 * time.Minute)}
	upd.Complaints = []cases.Complaint{fullComplaint()}
	upd.Complaints[0].Stage, upd.Complaints[0].FollowUpNote, upd.Complaints[0].FollowUpAt = cases.ComplaintFollowUp, "", time.Time{}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		u := upd
		u.CustomerID = other.CustomerID // ignored
		return tx.CaseUpdate(ctx, &u)
	})
	got, err = s.CaseGetByID(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, &upd) {
		t.Errorf("after CaseUpdate = %+v, %v\nwant %+v", got, err, &upd)
	}
	if err == nil && (got.Plan == upd.Plan || got.Plan.Status != cases.PlanPendingApproval || got.Plan.Version != 3) {
		t.Errorf("after CaseUpdate Plan = %+v, want a stored copy of %+v", got.Plan, upd.Plan)
	}

	// Clearing the plan, the milestones and the complaints stores NULL again.
	upd.Plan, upd.Milestones, upd.Complaints = nil, cases.Milestones{}, nil
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		u := upd
		return tx.CaseUpdate(ctx, &u)
	})
	got, err = s.CaseGetByID(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, &upd) {
		t.Errorf("after clearing plan and milestones = %+v, %v\nwant %+v", got, err, &upd)
	}

	// A bare case (no customer, conversation or fields) round-trips as well.
	bare := &cases.Case{State: cases.StateRegistered, CreatedAt: t0, UpdatedAt: t0}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error { return tx.CaseInsert(ctx, bare) })
	if got, err := s.CaseGetByID(ctx, bare.ID); err != nil || !reflect.DeepEqual(got, bare) || bare.ID == c.ID {
		t.Errorf("bare case = %+v, %v\nwant %+v", got, err, bare)
	}

	_, err = s.CaseGetByID(ctx, 999999)
	wantNotFound(t, "CaseGetByID", err)
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.CaseGet(ctx, 999999)
		wantNotFound(t, "Tx.CaseGet", err)
		wantNotFound(t, "CaseUpdate", tx.CaseUpdate(ctx, &cases.Case{ID: 999999, State: cases.StateClosed}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testCaseList(t *testing.T, s service.Store) {
	ctx := t.Context()
	c1, c2 := seed(t, s, "u1"), seed(t, s, "u2")
	var ids []int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		for _, conv := range []service.Conversation{c1, c2, c1} {
			c := fullCase(conv)
			if err := tx.CaseInsert(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	for _, tc := range []struct {
		p    service.CaseListParams
		want []int64
	}{
		{service.CaseListParams{}, []int64{ids[2], ids[1], ids[0]}},
		{service.CaseListParams{ConversationID: c1.ID}, []int64{ids[2], ids[0]}},
		{service.CaseListParams{CustomerID: c2.CustomerID}, []int64{ids[1]}},
		{service.CaseListParams{ConversationID: c2.ID, CustomerID: c1.CustomerID}, nil},
		{service.CaseListParams{Limit: 1}, []int64{ids[2]}},
	} {
		got, err := s.CaseList(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		if !reflect.DeepEqual(gotIDs, tc.want) {
			t.Errorf("CaseList(%+v) = %v, want %v (newest first)", tc.p, gotIDs, tc.want)
		}
		cp := tc.p
		if cp.Limit == 0 {
			cp.Limit = 100
		}
		if n, err := s.CaseCount(ctx, cp); err != nil || n != len(tc.want) {
			t.Errorf("CaseCount(%+v) = %d, %v; want %d", cp, n, err, len(tc.want))
		}
	}
}

func testCaseHistory(t *testing.T, s service.Store) {
	conv := seed(t, s, "u1")
	c := fullCase(conv)
	var want []cases.Change
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		if err := tx.CaseInsert(ctx, c); err != nil {
			return err
		}
		want = []cases.Change{
			{CaseID: c.ID, At: t0, Actor: "bot", Action: "registered", To: c.Number},
			{CaseID: c.ID, At: t0.Add(time.Minute), Actor: "customer", Action: "field", Field: "phone", From: "", To: "138", Reason: "answered"},
			{CaseID: c.ID, At: t0.Add(time.Minute), Actor: "user:7", Action: "state", From: "registered", To: "assigned", Reason: "triage"},
			{CaseID: c.ID, At: t0.Add(2 * time.Minute), Actor: "user:7", Action: cases.HistNote, To: "工程师已出发", Visible: true},
		}
		// Inserted out of time order: history is read back by time, then
		// by insertion.
		if err := tx.CaseHistoryInsert(ctx, want[1], want[0]); err != nil {
			return err
		}
		return tx.CaseHistoryInsert(ctx, want[2], want[3])
	})
	got, err := s.CaseHistory(t.Context(), c.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("CaseHistory = %+v, %v\nwant %+v", got, err, want)
	}
	if got, err := s.CaseHistory(t.Context(), 999999); err != nil || len(got) != 0 {
		t.Errorf("CaseHistory of a missing case = %v, %v; want none", got, err)
	}
}

func outboxInsert(t *testing.T, s service.Store, p service.OutboxParams) int64 {
	t.Helper()
	var id int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		id, err = tx.OutboxInsert(ctx, p)
		return err
	})
	return id
}

func claimIDs(t *testing.T, s service.Store, now time.Time, limit int) []int64 {
	t.Helper()
	rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: now, Limit: limit, LeaseFor: time.Minute})
	if err != nil {
		t.Fatalf("OutboxClaim: %v", err)
	}
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.OutboxID)
	}
	return ids
}

func testOutboxDueAndLease(t *testing.T, s service.Store) {
	conv := seed(t, s, "u1")
	p := service.OutboxParams{
		ConversationID: conv.ID, Channel: channels.WebChat, ExternalUserID: "u1", Text: "请问型号？",
		Field: "product_model", Choices: []channels.Choice{{Value: "x", Label: "X"}}, Kind: "reply",
		CreatedAt: t0, NotBefore: t0.Add(10 * time.Minute),
	}
	id := outboxInsert(t, s, p)
	if got := claimIDs(t, s, t0.Add(10*time.Minute-time.Microsecond), 10); len(got) != 0 {
		t.Errorf("claimed %v before it was due", got)
	}
	due := t0.Add(10 * time.Minute)
	rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: due, Limit: 10, LeaseFor: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	want := []service.OutboxRow{{Outbound: channels.Outbound{
		OutboxID: id, Channel: channels.WebChat, ConversationID: conv.ID, ExternalUserID: "u1", Text: p.Text,
		Field: p.Field, Choices: p.Choices, Kind: "reply", CreatedAt: t0,
	}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("OutboxClaim = %+v\nwant %+v", rows, want)
	}
	if got := claimIDs(t, s, due.Add(time.Minute-time.Microsecond), 10); len(got) != 0 {
		t.Errorf("claimed %v again while leased", got)
	}
	rows, err = s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: due.Add(time.Minute), Limit: 10, LeaseFor: time.Minute})
	if err != nil || len(rows) != 1 || rows[0].OutboxID != id || rows[0].Attempts != 1 {
		t.Errorf("claim after the lease expired = %+v, %v; want row %d with 1 attempt before", rows, err, id)
	}

	// NotBefore zero means due at once; Limit caps a claim.
	for i := range 3 {
		other := seed(t, s, fmt.Sprint("other-", i))
		outboxInsert(t, s, service.OutboxParams{ConversationID: other.ID, Channel: channels.WebChat, Text: "hi", CreatedAt: t0})
	}
	if got := claimIDs(t, s, t0, 2); len(got) != 2 {
		t.Errorf("claim with limit 2 = %v", got)
	}
	if n, err := s.OutboxPending(t.Context()); err != nil || n != 4 {
		t.Errorf("OutboxPending = %d, %v; want 4", n, err)
	}
}

func testOutboxOrder(t *testing.T, s service.Store) {
	c1, c2 := seed(t, s, "u1"), seed(t, s, "u2")
	a1 := outboxInsert(t, s, service.OutboxParams{ConversationID: c1.ID, Channel: channels.WebChat, Text: "a1", CreatedAt: t0})
	a2 := outboxInsert(t, s, service.OutboxParams{ConversationID: c1.ID, Channel: channels.WebChat, Text: "a2", CreatedAt: t0})
	b1 := outboxInsert(t, s, service.OutboxParams{ConversationID: c2.ID, Channel: channels.WebChat, Text: "b1", CreatedAt: t0})
	a3 := outboxInsert(t, s, service.OutboxParams{ConversationID: c1.ID, Channel: channels.WebChat, Text: "a3", CreatedAt: t0})

	now := t0.Add(time.Second)
	if got := claimIDs(t, s, now, 10); !reflect.DeepEqual(got, []int64{a1, b1}) {
		t.Fatalf("first claim = %v, want %v (oldest row per conversation)", got, []int64{a1, b1})
	}
	// a2 waits for a1 even after a1's lease ends, until a1 is sent.
	if got := claimIDs(t, s, now.Add(30*time.Second), 10); len(got) != 0 {
		t.Errorf("claimed %v while a1 and b1 are leased", got)
	}
	markSent(t, s, a1, true)
	if got := claimIDs(t, s, now.Add(30*time.Second), 10); !reflect.DeepEqual(got, []int64{a2}) {
		t.Errorf("claim after a1 sent = %v, want [%d]", got, a2)
	}
	markSent(t, s, a2, true)
	markSent(t, s, b1, true)
	if got := claimIDs(t, s, now.Add(30*time.Second), 10); !reflect.DeepEqual(got, []int64{a3}) {
		t.Errorf("last claim = %v, want [%d]", got, a3)
	}
}

// testOutboxConcurrentClaim: senders claiming at once never get the same
// row, nor two rows of one conversation.
func testOutboxConcurrentClaim(t *testing.T, s service.Store) {
	const convs, senders = 20, 5
	var first []int64
	for i := range convs {
		conv := seed(t, s, fmt.Sprint("u", i))
		p := service.OutboxParams{ConversationID: conv.ID, Channel: channels.WebChat, Text: "x", CreatedAt: t0}
		first = append(first, outboxInsert(t, s, p))
		outboxInsert(t, s, p)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed []int64
	)
	for range senders {
		wg.Go(func() {
			rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: t0, Limit: convs, LeaseFor: time.Minute})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range rows {
				claimed = append(claimed, r.OutboxID)
			}
		})
	}
	wg.Wait()
	slices.Sort(claimed)
	if !slices.Equal(claimed, first) {
		t.Errorf("claimed %v, want each conversation's first row once: %v", claimed, first)
	}
}

func markSent(t *testing.T, s service.Store, id int64, want bool) {
	t.Helper()
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		ok, err := tx.OutboxMarkSent(ctx, id, t0.Add(time.Minute))
		if err != nil {
			return err
		}
		if ok != want {
			t.Errorf("OutboxMarkSent(%d) = %v, want %v", id, ok, want)
		}
		return nil
	})
}

func testOutboxSentAndFail(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	p := service.OutboxParams{ConversationID: conv.ID, Channel: channels.WebChat, Text: "x", CreatedAt: t0}
	a1, a2, a3 := outboxInsert(t, s, p), outboxInsert(t, s, p), outboxInsert(t, s, p)

	claimIDs(t, s, t0, 10)
	markSent(t, s, a1, true)
	markSent(t, s, a1, false) // a second delivery records nothing twice
	// A late failure report does not revive a sent row.
	if err := s.OutboxFail(ctx, service.OutboxFailParams{ID: a1, Error: "late", NextAttemptAt: t0}); err != nil {
		t.Errorf("OutboxFail on a sent row: %v", err)
	}
	if n, _ := s.OutboxPending(ctx); n != 2 {
		t.Errorf("OutboxPending = %d, want 2", n)
	}

	// a2 fails and backs off; a3 keeps waiting behind it.
	if got := claimIDs(t, s, t0, 10); !reflect.DeepEqual(got, []int64{a2}) {
		t.Fatalf("claim = %v, want [%d]", got, a2)
	}
	retry := t0.Add(5 * time.Minute)
	if err := s.OutboxFail(ctx, service.OutboxFailParams{ID: a2, Error: "503", NextAttemptAt: retry}); err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(t, s, retry.Add(-time.Microsecond), 10); len(got) != 0 {
		t.Errorf("claimed %v before the retry time", got)
	}
	rows, err := s.OutboxClaim(ctx, service.OutboxClaimParams{Now: retry, Limit: 10, LeaseFor: time.Minute})
	if err != nil || len(rows) != 1 || rows[0].OutboxID != a2 || rows[0].Attempts != 1 {
		t.Fatalf("retry claim = %+v, %v; want a2 after 1 attempt", rows, err)
	}
	// Dead: a2 stays for inspection, no longer pending, and a3 moves on.
	if err := s.OutboxFail(ctx, service.OutboxFailParams{ID: a2, Error: "gave up", Dead: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.OutboxPending(ctx); n != 1 {
		t.Errorf("OutboxPending after dead = %d, want 1", n)
	}
	if got := claimIDs(t, s, retry, 10); !reflect.DeepEqual(got, []int64{a3}) {
		t.Errorf("claim after a2 died = %v, want [%d]", got, a3)
	}

	wantNotFound(t, "OutboxFail", s.OutboxFail(ctx, service.OutboxFailParams{ID: 999999, Error: "x", NextAttemptAt: t0}))
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, err := tx.OutboxMarkSent(ctx, 999999, t0)
		wantNotFound(t, "OutboxMarkSent", err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testRollback: whatever a failed transaction wrote is gone. Timers are
// covered by testTimers.
// permanent reports whether err says it will recur on every retry.
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// testNestedRefused: data the database refuses (a message of a
// conversation that does not exist) is an error marked permanent, so the
// service quarantines it instead of retrying forever; a failure that may
// pass (fn's own error, a cancelled context) is not. A nested InTx that
// fails undoes its own writes only, and the enclosing transaction still
// commits (on PostgreSQL a failed statement would otherwise abort it):
// that is how a mail's position moves past a quarantined message.
func testNestedRefused(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	refused := service.MessageParams{ConversationID: conv.ID + 1000, Channel: channels.WebChat, ExternalID: "orphan", Direction: "in", At: t0}
	err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, _, err := tx.MessageInsert(ctx, refused)
		return err
	})
	if err == nil || !permanent(err) {
		t.Errorf("InTx inserting a message of no conversation = %v, want an error marked permanent", err)
	}
	if err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error { return errBoom }); permanent(err) {
		t.Errorf("fn's own error %v marked permanent", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.InTx(cancelled, func(ctx context.Context, tx service.Tx) error {
		_, _, err := tx.MessageInsert(ctx, refused)
		return err
	}); err == nil || permanent(err) {
		t.Errorf("InTx with a cancelled context = %v, want an error not marked permanent", err)
	}

	var inner error
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		inner = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			if _, _, err := tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "undone", Direction: "in", At: t0}); err != nil {
				return err
			}
			_, _, err := tx.MessageInsert(ctx, refused)
			return err
		})
		if err := tx.CursorSet(ctx, "past", "1", t0); err != nil {
			return err
		}
		// A nested InTx that succeeds keeps its writes.
		return s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			_, _, err := tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "kept", Direction: "in", Text: "kept", At: t0})
			return err
		})
	})
	if !permanent(inner) {
		t.Errorf("nested InTx = %v, want the refusal marked permanent", inner)
	}
	if v, ok, err := s.CursorGet(ctx, "past"); err != nil || !ok || v != "1" {
		t.Errorf("cursor written after the failed nested InTx = %q, %v, %v; want it committed", v, ok, err)
	}
	msgs, err := s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID})
	if err != nil || len(msgs) != 1 || msgs[0].Text != "kept" {
		t.Errorf("messages = %+v, %v; want only the one of the nested InTx that succeeded", msgs, err)
	}
}

func testRollback(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		if _, _, err := tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "m1", Direction: "in", At: t0}); err != nil {
			return err
		}
		if _, err := tx.OutboxInsert(ctx, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WebChat, Text: "x", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.CaseInsert(ctx, fullCase(conv)); err != nil {
			return err
		}
		c := conv
		c.Phase = "collecting"
		if err := tx.ConversationSave(ctx, c); err != nil {
			return err
		}
		return fmt.Errorf("dialog step: %w", errBoom)
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx = %v, want the error of fn", err)
	}
	if msgs, err := s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID}); err != nil || len(msgs) != 0 {
		t.Errorf("messages after rollback = %v, %v", msgs, err)
	}
	if n, err := s.OutboxPending(ctx); err != nil || n != 0 {
		t.Errorf("outbox after rollback = %d, %v", n, err)
	}
	if cs, err := s.CaseList(ctx, service.CaseListParams{}); err != nil || len(cs) != 0 {
		t.Errorf("cases after rollback = %d, %v", len(cs), err)
	}
	if c, err := s.ConversationGetByID(ctx, conv.ID); err != nil || c.Phase != "new" {
		t.Errorf("conversation after rollback = %+v, %v", c, err)
	}
	// The redelivered message is new again.
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		_, ok, err := tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "m1", Direction: "in", At: t0})
		if !ok {
			t.Error("message of a rolled back transaction counted as a duplicate")
		}
		return err
	})
}

// testReadsInTx: Store reads made with the context InTx passes to fn see
// the transaction's writes (and do not wait for the connection it holds).
func testReadsInTx(t *testing.T, s service.Store) {
	conv := seed(t, s, "u1")
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		if _, _, err := tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: "m1", Direction: "in", At: t0}); err != nil {
			return err
		}
		msgs, err := s.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID})
		if err != nil {
			return err
		}
		if len(msgs) != 1 {
			t.Errorf("MessagesList inside the transaction = %d messages, want 1", len(msgs))
		}
		return nil
	})
}

// testLock: a second transaction locking the same key waits until the
// first one ends.
func testLock(t *testing.T, s service.Store) {
	ctx := t.Context()
	const key = "conversation:1"
	events := make(chan string, 2)
	held, release := make(chan struct{}), make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce() // on failure too, or the held transaction blocks Close
	errs := make(chan error, 2)
	go func() {
		errs <- s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			if err := tx.Lock(ctx, key); err != nil {
				return err
			}
			close(held)
			<-release
			events <- "first done"
			return nil
		})
	}()
	<-held
	go func() {
		errs <- s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			if err := tx.Lock(ctx, key); err != nil {
				return err
			}
			events <- "second locked"
			return nil
		})
	}()
	// Give a broken lock the chance to show; a working one passes anyway.
	select {
	case e := <-events:
		t.Fatalf("%q while the first transaction held the lock", e)
	case <-time.After(200 * time.Millisecond):
	}
	releaseOnce()
	for _, want := range []string{"first done", "second locked"} {
		if got := <-events; got != want {
			t.Errorf("event %q, want %q", got, want)
		}
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func testRejected(t *testing.T, s service.Store) {
	for _, p := range []service.RejectedParams{
		{Channel: channels.WeChat, Reason: "bad xml", Raw: []byte("<xml><bad"), At: t0},
		{Channel: channels.Telegram, Reason: "empty body"},
	} {
		if err := s.InboundRejectedInsert(t.Context(), p); err != nil {
			t.Errorf("InboundRejectedInsert(%+v): %v", p, err)
		}
	}
}

// testTimers uses River for real, so it runs on the wall clock and allows
// for River's scheduler (every ~5 s) and leader election.
func testTimers(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	now := time.Now().UTC().Truncate(time.Microsecond)
	insert := func(p service.TimerParams, fail bool) {
		t.Helper()
		err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			if err := tx.TimerInsert(ctx, p); err != nil {
				return err
			}
			if fail {
				return errBoom
			}
			return nil
		})
		if fail != errors.Is(err, errBoom) || (!fail && err != nil) {
			t.Fatalf("InTx inserting timer %s: %v", p.UniqueKey, err)
		}
	}
	due := service.TimerParams{ConversationID: conv.ID, CaseID: 7, Name: "first_response", At: now.Add(-time.Second), UniqueKey: "due"}
	insert(service.TimerParams{ConversationID: conv.ID, Name: "rolled_back", At: now.Add(-2 * time.Second), UniqueKey: "rolled-back"}, true)
	insert(due, false)
	// The same key while the first is pending is not scheduled twice (were
	// it, it would fire at once too).
	insert(service.TimerParams{ConversationID: conv.ID, Name: "first_response", At: now.Add(-time.Second / 2), UniqueKey: "due"}, false)
	// Scheduled in the future: River's scheduler must make it available.
	insert(service.TimerParams{ConversationID: conv.ID, Name: "update", At: now.Add(time.Second), UniqueKey: "scheduled"}, false)
	// Many at once (an import): the same rules, the touchpoint carried.
	if err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		return tx.TimerInsertMany(ctx, []service.TimerParams{
			{ConversationID: conv.ID, Name: "first_response", At: now.Add(-time.Second / 3), UniqueKey: "due"},
			{ConversationID: conv.ID, Name: "care", At: now.Add(-time.Second / 4), UniqueKey: "many", TouchpointID: 42},
		})
	}); err != nil {
		t.Fatalf("TimerInsertMany: %v", err)
	}

	var (
		mu    sync.Mutex
		calls = map[string][]service.TimerArgs{}
	)
	err := s.TimersStart(ctx, func(ctx context.Context, a service.TimerArgs) error {
		// A handler works through the store like the service does.
		err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			_, err := tx.ConversationGet(ctx, a.ConversationID)
			return err
		})
		mu.Lock()
		calls[a.UniqueKey] = append(calls[a.UniqueKey], a)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatalf("TimersStart: %v", err)
	}
	t.Cleanup(func() { _ = s.TimersStop(context.Background()) })

	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		done := len(calls["due"]) > 0 && len(calls["scheduled"]) > 0 && len(calls["many"]) > 0
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("timers did not fire within 30s: %v", calls)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.TimersStop(ctx); err != nil {
		t.Fatalf("TimersStop: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := service.TimerArgs{ConversationID: conv.ID, CaseID: 7, Name: "first_response", Due: due.At, UniqueKey: "due"}
	if got := calls["due"]; len(got) != 1 || !got[0].Due.Equal(want.Due) || got[0].ConversationID != want.ConversationID ||
		got[0].CaseID != want.CaseID || got[0].Name != want.Name {
		t.Errorf("handler calls for %q = %+v, want once %+v", "due", got, want)
	}
	if got := calls["many"]; len(got) != 1 || got[0].TouchpointID != 42 {
		t.Errorf("handler calls for %q = %+v, want once with touchpoint 42", "many", got)
	}
	if got := calls["scheduled"]; len(got) != 1 {
		t.Errorf("handler calls for %q = %d, want 1", "scheduled", len(got))
	}
	// The rolled back timer was due before both; River would have run it,
	// as it would have run a duplicate of "due" before "scheduled".
	if got := calls["rolled-back"]; len(got) != 0 {
		t.Errorf("timer of a rolled back transaction fired: %+v", got)
	}
}

// testCaseJSONTimes: times inside the plan, the resolution and the
// milestones read back like the time columns: in UTC, to the microsecond.
func testCaseJSONTimes(t *testing.T, s service.Store) {
	cst := time.FixedZone("CST", 8*3600)
	at := t0.In(cst).Add(789) // ns are dropped
	c := &cases.Case{
		State: cases.StatePlanned, CreatedAt: t0, UpdatedAt: t0,
		Plan: &cases.Plan{
			PlanParams: cases.PlanParams{Type: cases.PlanRefund, PromisedAt: at, VisitAt: at},
			WrittenAt:  at, DecidedAt: at,
		},
		Resolution: &cases.Resolution{At: at},
		Milestones: cases.Milestones{Assigned: at, Closed: at},
	}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error { return tx.CaseInsert(ctx, c) })
	if c.Plan.PromisedAt != at || c.Milestones.Closed != at {
		t.Errorf("CaseInsert changed the caller's times")
	}
	got, err := s.CaseGetByID(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Plan == nil || got.Resolution == nil {
		t.Fatalf("Plan %v, Resolution %v; want both", got.Plan, got.Resolution)
	}
	for name, tm := range map[string]time.Time{
		"Plan.PromisedAt": got.Plan.PromisedAt, "Plan.VisitAt": got.Plan.VisitAt,
		"Plan.WrittenAt": got.Plan.WrittenAt, "Plan.DecidedAt": got.Plan.DecidedAt,
		"Resolution.At": got.Resolution.At, "Milestones.Assigned": got.Milestones.Assigned,
		"Milestones.Closed": got.Milestones.Closed,
	} {
		sameTime(t, name, tm, t0)
	}
	if !got.Milestones.Started.IsZero() {
		t.Errorf("Milestones.Started = %v, want zero", got.Milestones.Started)
	}
}

func testCaseListFilters(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	specs := []struct {
		dept  cases.Department
		state cases.State
		prio  cases.Priority
	}{
		{cases.DeptTechnicalSupport, cases.StateAssigned, cases.P1},
		{cases.DeptLogistics, cases.StateAssigned, cases.P2},
		{cases.DeptTechnicalSupport, cases.StateResolved, cases.P2},
		{"", cases.StateRegistered, ""},
		{cases.DeptTechnicalSupport, cases.StateAssigned, cases.P3},
	}
	var ids []int64
	li, err := s.UserInsert(ctx, service.UserParams{Name: "物流李", Role: cases.RoleHandler, Department: cases.DeptLogistics, TokenHash: []byte("filters")})
	if err != nil {
		t.Fatal(err)
	}
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		for i, sp := range specs {
			c := fullCase(conv)
			c.Department, c.State, c.Priority = sp.dept, sp.state, sp.prio
			if i == 1 {
				c.Assignee = li.ID
			}
			if err := tx.CaseInsert(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	for _, tc := range []struct {
		p    service.CaseListParams
		want []int64
	}{
		{service.CaseListParams{}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{service.CaseListParams{Department: cases.DeptTechnicalSupport}, []int64{ids[4], ids[2], ids[0]}},
		{service.CaseListParams{State: cases.StateAssigned}, []int64{ids[4], ids[1], ids[0]}},
		{service.CaseListParams{Priority: cases.P2}, []int64{ids[2], ids[1]}},
		{service.CaseListParams{Department: cases.DeptTechnicalSupport, State: cases.StateAssigned}, []int64{ids[4], ids[0]}},
		{service.CaseListParams{Department: cases.DeptTechnicalSupport, State: cases.StateAssigned, Priority: cases.P1}, []int64{ids[0]}},
		{service.CaseListParams{Department: cases.DeptTechnicalSupport, State: cases.StateAssigned, Limit: 1}, []int64{ids[4]}},
		{service.CaseListParams{ConversationID: conv.ID, CustomerID: conv.CustomerID, State: cases.StateRegistered}, []int64{ids[3]}},
		{service.CaseListParams{Department: cases.DeptQualityControl}, nil},
		{service.CaseListParams{Department: cases.DeptLogistics, Priority: cases.P1}, nil},
		{service.CaseListParams{Open: true}, []int64{ids[4], ids[3], ids[1], ids[0]}},
		{service.CaseListParams{Assignee: li.ID}, []int64{ids[1]}},
		{service.CaseListParams{Assignee: li.ID, Open: true, Department: cases.DeptTechnicalSupport}, nil},
	} {
		got, err := s.CaseList(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		if !reflect.DeepEqual(gotIDs, tc.want) {
			t.Errorf("CaseList(%+v) = %v, want %v (newest first)", tc.p, gotIDs, tc.want)
		}
	}
}

// testCaseListReportFilters: the filters a report's figure drills down
// with (the period of registration, channel, category, subtype, source)
// select the same cases in the list and in its count.
func testCaseListReportFilters(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	specs := []struct {
		at       time.Time
		channel  string
		source   string
		category cases.Category
		subtype  string
	}{
		{t0.Add(-time.Microsecond), "webchat", "webchat", cases.CategoryTechnical, "cooling"}, // just before the period
		{t0, "webchat", "webchat", cases.CategoryTechnical, "noise"},                          // its first instant
		{t0.Add(10 * time.Hour), "", "hotline", cases.CategoryTechnical, "cooling"},
		{t0.Add(20 * time.Hour), "email", "email", cases.CategoryLogistics, "late"},
		{t0.Add(24*time.Hour - time.Microsecond), "", "dealer", cases.CategoryQuality, "scratch"}, // its last instant
		{t0.Add(24 * time.Hour), "webchat", "webchat", cases.CategoryTechnical, "cooling"},        // the next day
	}
	var ids []int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) error {
		for _, sp := range specs {
			c := fullCase(conv)
			c.CreatedAt, c.UpdatedAt, c.Channel, c.Source, c.Category, c.Subtype = sp.at, sp.at, sp.channel, sp.source, sp.category, sp.subtype
			if err := tx.CaseInsert(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	day := service.CaseListParams{CreatedFrom: t0, CreatedTo: t0.Add(24 * time.Hour)}
	with := func(f func(p *service.CaseListParams)) service.CaseListParams {
		p := day
		f(&p)
		return p
	}
	for _, tc := range []struct {
		name string
		p    service.CaseListParams
		want []int64
	}{
		{"period", day, []int64{ids[4], ids[3], ids[2], ids[1]}},
		{"from only", service.CaseListParams{CreatedFrom: t0.Add(20 * time.Hour)}, []int64{ids[5], ids[4], ids[3]}},
		{"to only", service.CaseListParams{CreatedTo: t0}, []int64{ids[0]}},
		{"period in another zone", service.CaseListParams{CreatedFrom: t0.In(time.FixedZone("CST", 8*3600)), CreatedTo: t0.Add(24 * time.Hour).In(time.FixedZone("CST", 8*3600))},
			[]int64{ids[4], ids[3], ids[2], ids[1]}},
		{"channel", with(func(p *service.CaseListParams) { p.Channel = "webchat" }), []int64{ids[1]}},
		{"category", with(func(p *service.CaseListParams) { p.Category = cases.CategoryTechnical }), []int64{ids[2], ids[1]}},
		{"subtype", with(func(p *service.CaseListParams) { p.Category, p.Subtype = cases.CategoryTechnical, "cooling" }), []int64{ids[2]}},
		{"source", with(func(p *service.CaseListParams) { p.Source = "dealer" }), []int64{ids[4]}},
		{"source and category", with(func(p *service.CaseListParams) { p.Source, p.Category = "hotline", cases.CategoryLogistics }), nil},
		{"no period", service.CaseListParams{Category: cases.CategoryTechnical, Subtype: "cooling"}, []int64{ids[5], ids[2], ids[0]}},
	} {
		got, err := s.CaseList(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		if !reflect.DeepEqual(gotIDs, tc.want) {
			t.Errorf("%s: CaseList = %v, want %v (newest first)", tc.name, gotIDs, tc.want)
		}
		tc.p.Limit = 100
		if n, err := s.CaseCount(ctx, tc.p); err != nil || n != len(tc.want) {
			t.Errorf("%s: CaseCount = %d, %v; want %d", tc.name, n, err, len(tc.want))
		}
	}
}

func testConversationList(t *testing.T, s service.Store) {
	ctx := t.Context()
	// a is updated last, b and c share an update time (the newer id comes
	// first), d stays new.
	a, b, c, d := seed(t, s, "a"), seed(t, s, "b"), seed(t, s, "c"), seed(t, s, "d")
	save := func(conv service.Conversation, phase string, at time.Time) service.Conversation {
		conv.Phase, conv.UpdatedAt = phase, at
		inTx(t, s, func(ctx context.Context, tx service.Tx) error { return tx.ConversationSave(ctx, conv) })
		return conv
	}
	b = save(b, "collecting", t0.Add(time.Minute))
	c = save(c, "collecting", t0.Add(time.Minute))
	a = save(a, "collecting", t0.Add(time.Hour))
	ids := func(cs []service.Conversation) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		p    service.ConversationListParams
		want []int64
	}{
		{service.ConversationListParams{}, []int64{a.ID, c.ID, b.ID, d.ID}},
		{service.ConversationListParams{Phase: "collecting"}, []int64{a.ID, c.ID, b.ID}},
		{service.ConversationListParams{Phase: "new"}, []int64{d.ID}},
		{service.ConversationListParams{Phase: "closed"}, nil},
		{service.ConversationListParams{Limit: 2}, []int64{a.ID, c.ID}},
	} {
		got, err := s.ConversationList(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tc.want) {
			t.Errorf("ConversationList(%+v) = %v, want %v (most recently updated first)", tc.p, ids(got), tc.want)
		}
	}
	got, err := s.ConversationList(ctx, service.ConversationListParams{Phase: "collecting", Limit: 1})
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], a) {
		t.Errorf("ConversationList = %+v, %v; want [%+v]", got, err, a)
	}
	// Inside a transaction it sees the transaction's writes.
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		d := d
		d.Phase, d.UpdatedAt = "collecting", t0.Add(2*time.Hour)
		if err := tx.ConversationSave(ctx, d); err != nil {
			return err
		}
		got, err := s.ConversationList(ctx, service.ConversationListParams{Phase: "collecting", Limit: 1})
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != d.ID {
			t.Errorf("ConversationList in tx = %v, want [%d]", ids(got), d.ID)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx = %v, want the error of fn", err)
	}
}

func testUsers(t *testing.T, s service.Store) {
	ctx := t.Context()
	cst := time.FixedZone("CST", 8*3600)
	hash := func(s string) []byte { return []byte("sha256:" + s) } // any bytes do
	head, err := s.UserInsert(ctx, service.UserParams{
		Name: "李工", Role: cases.RoleHead, Department: cases.DeptTechnicalSupport, TokenHash: hash("t1"), Now: t0.In(cst),
	})
	want := cases.User{ID: head.ID, Name: "李工", Role: cases.RoleHead, Department: cases.DeptTechnicalSupport}
	if err != nil || head.ID == 0 || head != want {
		t.Fatalf("UserInsert = %+v, %v; want %+v with an id", head, err, want)
	}
	spec, err := s.UserInsert(ctx, service.UserParams{Name: "小王", Role: cases.RoleSpecialist, TokenHash: hash("t2")})
	if err != nil || spec.ID == 0 || spec.ID == head.ID {
		t.Fatalf("second UserInsert = %+v, %v", spec, err)
	}

	if got, err := s.UserByTokenHash(ctx, hash("t1")); err != nil || got != head {
		t.Errorf("UserByTokenHash(t1) = %+v, %v; want %+v", got, err, head)
	}
	if got, err := s.UserByTokenHash(ctx, hash("t2")); err != nil || got != spec {
		t.Errorf("UserByTokenHash(t2) = %+v, %v; want %+v", got, err, spec)
	}
	for _, h := range [][]byte{hash("unknown"), hash("t")[:len(hash("t"))-1], nil, {}} {
		_, err := s.UserByTokenHash(ctx, h)
		wantNotFound(t, fmt.Sprintf("UserByTokenHash(%q)", h), err)
	}

	// A token hash belongs to one user.
	if u, err := s.UserInsert(ctx, service.UserParams{Name: "dup", Role: cases.RoleAdmin, TokenHash: hash("t1")}); err == nil {
		t.Errorf("UserInsert with a taken token hash = %+v, want an error", u)
	} else if code := cases.ErrorCode(err); code != cases.EConflict {
		t.Errorf("UserInsert with a taken token hash: %v (code %q), want %s", err, code, cases.EConflict)
	}
	if got, err := s.UserByTokenHash(ctx, hash("t1")); err != nil || got != head {
		t.Errorf("after the duplicate, UserByTokenHash(t1) = %+v, %v; want %+v", got, err, head)
	}
	if _, err := s.UserInsert(ctx, service.UserParams{Name: "no token", Role: cases.RoleAdmin}); err == nil {
		t.Error("UserInsert without a token hash succeeded")
	}

	// Inside a transaction both run in it; a rollback forgets the user.
	err = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		u, err := s.UserInsert(ctx, service.UserParams{Name: "temp", Role: cases.RoleHandler, Department: cases.DeptLogistics, TokenHash: hash("t3")})
		if err != nil {
			return err
		}
		if got, err := s.UserByTokenHash(ctx, hash("t3")); err != nil || got != u {
			t.Errorf("UserByTokenHash in tx = %+v, %v; want %+v", got, err, u)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx = %v, want the error of fn", err)
	}
	_, err = s.UserByTokenHash(ctx, hash("t3"))
	wantNotFound(t, "UserByTokenHash of a rolled back user", err)
}

// testOutboxRelease: a deferred row becomes due when the customer writes;
// rows failing for other reasons keep their backoff.
func testOutboxRelease(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	p := service.OutboxParams{ConversationID: conv.ID, Channel: channels.WebChat, Text: "x", CreatedAt: t0}
	deferred := outboxInsert(t, s, p)
	claimIDs(t, s, t0, 10)
	later := t0.Add(48 * time.Hour)
	if err := s.OutboxFail(ctx, service.OutboxFailParams{ID: deferred, Error: "deferred: window closed", NextAttemptAt: later}); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	if got := claimIDs(t, s, now, 10); len(got) != 0 {
		t.Fatalf("claimed %v before release", got)
	}
	var n int
	err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		var err error
		n, err = tx.OutboxRelease(ctx, conv.ID, now)
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("OutboxRelease = %d, %v; want 1", n, err)
	}
	if got := claimIDs(t, s, now, 10); !reflect.DeepEqual(got, []int64{deferred}) {
		t.Errorf("claim after release = %v, want [%d]", got, deferred)
	}
	// A row backing off after an error is not released.
	if err := s.OutboxFail(ctx, service.OutboxFailParams{ID: deferred, Error: "503", NextAttemptAt: later}); err != nil {
		t.Fatal(err)
	}
	_ = s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		n, err = tx.OutboxRelease(ctx, conv.ID, now)
		return err
	})
	if n != 0 {
		t.Errorf("released %d rows that failed for another reason", n)
	}
}

// testOutboxQueuedSupersede: a held row waits and keeps its language and
// facts; a superseded row is neither queued nor claimed, and it stays
// superseded; a held row goes at once when the customer writes.
func testOutboxQueuedSupersede(t *testing.T, s service.Store) {
	ctx := t.Context()
	conv := seed(t, s, "u1")
	facts := channels.Facts{Case: "K-000001", Status: "处理中", Note: "配件已到", Next: "明天上门", Time: "12月4日 10:00"}
	old := outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WeChat, Text: "old", Kind: "progress",
		Lang: "zh-CN", Facts: facts, CreatedAt: t0})
	held := outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WeChat, Text: "new", Kind: "progress",
		CreatedAt: t0, NotBefore: t0.Add(8 * time.Hour), Held: "held: quiet hours"})
	var queued []service.OutboxRow
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		queued, err = tx.OutboxQueued(ctx, conv.ID)
		return err
	})
	if len(queued) != 2 || queued[0].OutboxID != old || queued[1].OutboxID != held {
		t.Fatalf("queued = %+v, want rows %d and %d", queued, old, held)
	}
	if q := queued[0]; q.Lang != "zh-CN" || q.Facts != facts || q.Kind != "progress" {
		t.Errorf("queued row lost its language or facts: %+v", q)
	}
	if q := queued[1]; q.LastError != "held: quiet hours" || !q.NextAttemptAt.Equal(t0.Add(8*time.Hour)) {
		t.Errorf("held row: last error %q, next attempt %v", q.LastError, q.NextAttemptAt)
	}
	var ok, again bool
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if ok, err = tx.OutboxSupersede(ctx, old, "a newer status"); err != nil {
			return err
		}
		again, err = tx.OutboxSupersede(ctx, old, "a newer status")
		return err
	})
	if !ok || again {
		t.Errorf("OutboxSupersede = %v then %v; want true then false", ok, again)
	}
	if got := claimIDs(t, s, t0.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("claimed %v: the superseded row or the held one", got)
	}
	// An answer queued behind the held row goes first.
	answer := outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WeChat, Text: "answer", CreatedAt: t0.Add(time.Hour)})
	if got := claimIDs(t, s, t0.Add(time.Hour), 10); !reflect.DeepEqual(got, []int64{answer}) {
		t.Errorf("claimed %v, want the answer %d ahead of the held row", got, answer)
	}
	markSent(t, s, answer, true)
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		queued, err = tx.OutboxQueued(ctx, conv.ID)
		return err
	})
	if len(queued) != 1 || queued[0].OutboxID != held {
		t.Errorf("queued after supersede = %+v, want only %d", queued, held)
	}
	// The customer wrote at night: the held row goes now.
	now := t0.Add(time.Hour)
	var n int
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		n, err = tx.OutboxRelease(ctx, conv.ID, now)
		return err
	})
	if n != 1 {
		t.Errorf("released %d rows, want the held one", n)
	}
	rows, err := s.OutboxClaim(ctx, service.OutboxClaimParams{Now: now, Limit: 10, LeaseFor: time.Minute})
	if err != nil || len(rows) != 1 || rows[0].OutboxID != held {
		t.Fatalf("claim after release = %+v, %v", rows, err)
	}
	if pending, err := s.OutboxPending(ctx); err != nil || pending != 1 {
		t.Errorf("OutboxPending = %d, %v; want 1 (superseded rows are not pending)", pending, err)
	}
}

// testCursors: a position moves with its transaction and only then.
func testCursors(t *testing.T, s service.Store) {
	ctx := t.Context()
	if _, ok, err := s.CursorGet(ctx, "telegram:offset"); ok || err != nil {
		t.Fatalf("unset cursor: %v %v", ok, err)
	}
	set := func(v string, fail bool) error {
		return s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
			if err := tx.CursorSet(ctx, "telegram:offset", v, t0); err != nil {
				return err
			}
			if fail {
				return errors.New("crash before commit")
			}
			return nil
		})
	}
	if err := set("41", false); err != nil {
		t.Fatal(err)
	}
	if err := set("42", false); err != nil {
		t.Fatal(err)
	}
	_ = set("43", true)
	if v, ok, err := s.CursorGet(ctx, "telegram:offset"); v != "42" || !ok || err != nil {
		t.Errorf("cursor = %q %v %v, want 42 (the failed transaction must not move it)", v, ok, err)
	}
}
