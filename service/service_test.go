package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
	"github.com/kefu-dev/kefu/store/storetest"
)

// backend opens the same database again and again, so a test can "restart".
type backend struct {
	name string
	open func(t testing.TB, now func() time.Time) service.Store
}

func backends(t testing.TB) []backend {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kefu.db")
	pgURL := freshPostgres(t)
	return []backend{
		{"sqlite", func(t testing.TB, now func() time.Time) service.Store {
			st, err := sqlite.Open(context.Background(), path, sqlite.Options{Logger: quiet(), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"postgres", func(t testing.TB, now func() time.Time) service.Store {
			st, err := postgres.Open(context.Background(), pgURL, postgres.Options{Logger: quiet(), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func freshPostgres(t testing.TB) string { return storetest.PostgresDB(t) }

// countingSender records every Send per outbox id.
type countingSender struct {
	mu    sync.Mutex
	sends map[int64]int
	texts []string
}

func (c *countingSender) Send(_ context.Context, m channels.Outbound) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sends == nil {
		c.sends = map[int64]int{}
	}
	c.sends[m.OutboxID]++
	c.texts = append(c.texts, m.Text)
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC)} }
func engine(t testing.TB) *dialog.Engine {
	t.Helper()
	cfg := configs.Default()
	e, err := cfg.Engine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newService(t testing.TB, st service.Store, clk *clock, snd channels.Sender) *service.Service {
	return service.New(service.Options{
		Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
		Senders: map[channels.ID]channels.Sender{channels.WebChat: snd},
	})
}

func msg(user, id, text string) channels.Inbound {
	return channels.Inbound{Channel: channels.WebChat, ExternalUserID: user, ExternalMessageID: id, Text: text}
}

func drain(t testing.TB, svc *service.Service) {
	t.Helper()
	for {
		n, err := svc.DeliverDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func TestDuplicateDeliveryIsNoOp(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			snd := &countingSender{}
			svc := newService(t, st, clk, snd)
			ctx := context.Background()
			in := msg("dup-user", "m1", "冰箱不制冷了，型号BCD-520W")
			first, err := svc.Receive(ctx, in)
			if err != nil || first.Duplicate {
				t.Fatalf("first delivery: %+v %v", first, err)
			}
			pending, _ := st.OutboxPending(ctx)
			for i := 0; i < 3; i++ {
				again, err := svc.Receive(ctx, in)
				if err != nil || !again.Duplicate || again.MessageID != first.MessageID {
					t.Fatalf("redelivery %d: %+v %v", i, again, err)
				}
			}
			if p, _ := st.OutboxPending(ctx); p != pending {
				t.Errorf("redelivery queued replies: %d pending, want %d", p, pending)
			}
			drain(t, svc)
			msgs, _ := st.MessagesList(ctx, service.MessagesListParams{ConversationID: first.ConversationID})
			in1 := 0
			for _, m := range msgs {
				if m.Direction == "in" {
					in1++
				}
			}
			if in1 != 1 {
				t.Errorf("%d inbound messages stored, want 1", in1)
			}
		})
	}
}

func TestRestartBetweenCommitAndDeliveryDeliversOnce(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			svc := newService(t, st, clk, &countingSender{})
			rc, err := svc.Receive(ctx, msg("restart-user", "m1", "你好，我的洗衣机不脱水了"))
			if err != nil {
				t.Fatal(err)
			}
			// The process dies after the commit, before the outbox worker ran.
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st = b.open(t, clk.Now)
			defer st.Close()
			snd := &countingSender{}
			svc = newService(t, st, clk, snd)
			drain(t, svc)
			drain(t, svc)
			if len(snd.sends) == 0 {
				t.Fatal("nothing delivered after restart")
			}
			for id, n := range snd.sends {
				if n != 1 {
					t.Errorf("outbox row %d sent %d times", id, n)
				}
			}
			msgs, _ := st.MessagesList(ctx, service.MessagesListParams{ConversationID: rc.ConversationID})
			out := 0
			for _, m := range msgs {
				if m.Direction == "out" {
					out++
				}
			}
			if out != len(snd.sends) {
				t.Errorf("%d outbound messages recorded for %d sends", out, len(snd.sends))
			}
			if p, _ := st.OutboxPending(ctx); p != 0 {
				t.Errorf("%d outbox rows still pending", p)
			}
		})
	}
}

// A delivery that crashed after Send but before it was recorded is retried
// when its lease ends, and the conversation still shows the message once.
func TestCrashAfterSendRecordsOnce(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			svc := newService(t, st, clk, &countingSender{})
			rc, err := svc.Receive(ctx, msg("crash-user", "m1", "电视黑屏了"))
			if err != nil {
				t.Fatal(err)
			}
			// Claim as a worker would, then "crash" without recording.
			rows, err := st.OutboxClaim(ctx, service.OutboxClaimParams{Now: clk.Now(), Limit: 10, LeaseFor: 30 * time.Second})
			if err != nil || len(rows) == 0 {
				t.Fatalf("claim: %v %d", err, len(rows))
			}
			snd := &countingSender{}
			svc = newService(t, st, clk, snd)
			drain(t, svc) // leased rows are not due yet
			if snd.sends[rows[0].OutboxID] != 0 {
				t.Fatal("a leased row was delivered before its lease ended")
			}
			clk.Add(31 * time.Second)
			drain(t, svc)
			if snd.sends[rows[0].OutboxID] != 1 {
				t.Fatalf("row %d sent %d times after the lease ended", rows[0].OutboxID, snd.sends[rows[0].OutboxID])
			}
			msgs, _ := st.MessagesList(ctx, service.MessagesListParams{ConversationID: rc.ConversationID})
			seen := map[string]int{}
			for _, m := range msgs {
				if m.Direction == "out" {
					seen[m.Text]++
				}
			}
			for text, n := range seen {
				if n != 1 {
					t.Errorf("%q recorded %d times", text, n)
				}
			}
		})
	}
}

// Messages of one conversation arriving at once are processed one after the
// other: no step works on a stale state, so no message is lost from it.
func TestConcurrentMessagesOfOneConversationAreSerialized(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			svc := newService(t, st, clk, &countingSender{})
			const n = 8
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := svc.Receive(ctx, msg("race-user", fmt.Sprintf("m%d", i), fmt.Sprintf("第%d台设备出现异响编号%d", i, i*111)))
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			conv, err := st.ConversationFind(ctx, channels.WebChat, "race-user")
			if err != nil {
				t.Fatal(err)
			}
			var state dialog.State
			if err := json.Unmarshal(conv.State, &state); err != nil {
				t.Fatal(err)
			}
			if len(state.Texts) != n {
				t.Errorf("state holds %d of %d messages: %q", len(state.Texts), n, state.Texts)
			}
		})
	}
}

func TestAwkwardInputIsStoredAsText(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			svc := newService(t, st, clk, &countingSender{})
			cases := []struct{ id, text, want string }{
				{"html", `<script>alert("x")</script> 冰箱坏了`, `<script>alert("x")</script> 冰箱坏了`},
				{"utf8", "洗衣机\xff\xfe坏了", "洗衣机\uFFFD坏了"},
				{"empty", "", ""},
			}
			for _, c := range cases {
				rc, err := svc.Receive(ctx, msg("awkward-"+c.id, c.id, c.text))
				if err != nil {
					t.Fatalf("%s: %v", c.id, err)
				}
				msgs, _ := st.MessagesList(ctx, service.MessagesListParams{ConversationID: rc.ConversationID})
				if len(msgs) == 0 || msgs[0].Text != c.want {
					t.Errorf("%s: stored %+v, want text %q", c.id, msgs, c.want)
				}
			}
			if _, err := svc.Receive(ctx, channels.Inbound{Channel: channels.WebChat, Text: "x"}); err == nil || !strings.Contains(err.Error(), "needs") {
				t.Errorf("a message without identity must be refused, got %v", err)
			}
		})
	}
}

func benchBackends(b *testing.B) []backend { return backends(b) }

// Photos sent before or after registration end up on the case.
func TestAttachmentsGoOnTheCase(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			svc := newService(t, st, clk, &countingSender{})
			photo := func(id, url string) channels.Inbound {
				return channels.Inbound{Channel: channels.WebChat, ExternalUserID: "photo-user", ExternalMessageID: id,
					Attachments: []channels.Attachment{{Name: id, ContentType: "image/jpeg", URL: url}}}
			}
			if _, err := svc.Receive(ctx, msg("photo-user", "t1", "我叫王芳，电话13800002222，冰箱BCD-520W外壳有很深的凹痕，订单号JD2026030112345，想换货")); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Receive(ctx, photo("p1", "https://img.example.com/dent1.jpg")); err != nil {
				t.Fatal(err)
			}
			rc, err := svc.Receive(ctx, msg("photo-user", "t2", "确认"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Receive(ctx, photo("p2", "https://img.example.com/dent2.jpg")); err != nil {
				t.Fatal(err)
			}
			conv, _ := st.ConversationGetByID(ctx, rc.ConversationID)
			if conv.CaseID == 0 {
				t.Fatal("no case registered")
			}
			hist, _ := st.CaseHistory(ctx, conv.CaseID)
			var got []string
			for _, h := range hist {
				if h.Action == "attachment" {
					got = append(got, h.To)
				}
			}
			if len(got) != 2 || !strings.Contains(got[0], "dent1.jpg") || !strings.Contains(got[1], "dent2.jpg") {
				t.Errorf("attachments on the case: %q", got)
			}
		})
	}
}

// The bytes of a photo (Telegram and email hand them over) are kept and
// reach staff through the case: one sent before registration is linked to
// the case when it is registered, one sent after goes on it at once.
func TestAttachmentBytesReachStaff(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			sb := staffSetup(t, b)
			ctx := sb.ctx
			dent := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 'd', 'e', 'n', 't', '1'}
			dent2 := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 'd', 'e', 'n', 't', '2'}
			photo := func(id string, data []byte) channels.Inbound {
				return channels.Inbound{Channel: channels.WebChat, ExternalUserID: "bytes-user", ExternalMessageID: id,
					Attachments: []channels.Attachment{{Name: id + ".jpg", ContentType: "image/jpeg", Data: data, URL: "https://secret.example/" + id}}}
			}
			if _, err := sb.svc.Receive(ctx, msg("bytes-user", "t1", "我叫王芳，电话13800002222，冰箱BCD-520W外壳有很深的凹痕，订单号JD2026030112345，想换货")); err != nil {
				t.Fatal(err)
			}
			if _, err := sb.svc.Receive(ctx, photo("p1", dent)); err != nil {
				t.Fatal(err)
			}
			rc, err := sb.svc.Receive(ctx, msg("bytes-user", "t2", "确认"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sb.svc.Receive(ctx, photo("p2", dent2)); err != nil {
				t.Fatal(err)
			}
			if again, err := sb.svc.Receive(ctx, photo("p2", dent2)); err != nil || !again.Duplicate {
				t.Fatalf("redelivery: %+v %v", again, err)
			}
			conv, _ := sb.st.ConversationGetByID(ctx, rc.ConversationID)
			if conv.CaseID == 0 {
				t.Fatal("no case registered")
			}
			admin := sb.user("admin", cases.RoleAdmin, "")
			d, err := sb.svc.Team().CaseGet(ctx, admin, conv.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Attachments) != 2 {
				t.Fatalf("case attachments: %+v", d.Attachments)
			}
			var lines []string
			for _, h := range d.History {
				if h.Action == "attachment" {
					lines = append(lines, h.To)
				}
			}
			for i, want := range [][]byte{dent, dent2} {
				info := d.Attachments[i]
				if info.CaseID != conv.CaseID || info.Size != int64(len(want)) || info.Name != fmt.Sprintf("p%d.jpg", i+1) || info.URL != "" {
					t.Errorf("attachment %d: %+v", i, info)
				}
				a, err := sb.svc.Team().AttachmentGet(ctx, admin, info.ID)
				if err != nil || !bytes.Equal(a.Data, want) || a.ContentType != "image/jpeg" || a.CaseID != conv.CaseID {
					t.Errorf("attachment %d: %+v %v", info.ID, a, err)
				}
				if i >= len(lines) || lines[i] != fmt.Sprintf("[image/jpeg] p%d.jpg #%d", i+1, info.ID) {
					t.Errorf("history lines %q, want #%d in line %d", lines, info.ID, i)
				}
			}
			other := cases.DeptLogistics
			if d.Case.Department == other {
				other = cases.DeptQualityControl
			}
			stranger := sb.user("stranger", cases.RoleHandler, other)
			if _, err := sb.svc.Team().AttachmentGet(ctx, stranger, d.Attachments[0].ID); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("handler of %s: %v, want forbidden", other, err)
			}
			if _, err := sb.svc.Team().AttachmentGet(ctx, admin, 999999); cases.ErrorCode(err) != cases.ENotFound {
				t.Errorf("missing attachment: %v, want not found", err)
			}
		})
	}
}

// ReceiveAt moves a channel position with the message, also for a
// duplicate, and not when the transaction fails.
func TestReceiveAtMovesTheCursorWithTheMessage(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			svc := newService(t, st, clk, &countingSender{})
			in := channels.Inbound{Channel: channels.Telegram, ExternalUserID: "chat-1", ExternalMessageID: "upd-100", Text: "冰箱不制冷"}
			if _, err := svc.ReceiveAt(ctx, in, "telegram:offset", "101"); err != nil {
				t.Fatal(err)
			}
			if rc, err := svc.ReceiveAt(ctx, in, "telegram:offset", "102"); err != nil || !rc.Duplicate {
				t.Fatalf("duplicate: %+v %v", rc, err)
			}
			if v, _, _ := svc.Cursor(ctx, "telegram:offset"); v != "102" {
				t.Errorf("cursor %q after a duplicate, want 102", v)
			}
			bad := channels.Inbound{Channel: channels.Telegram, ExternalUserID: "chat-1"}
			if _, err := svc.ReceiveAt(ctx, bad, "telegram:offset", "103"); err == nil {
				t.Fatal("a message without id was accepted")
			}
			if v, _, _ := svc.Cursor(ctx, "telegram:offset"); v != "102" {
				t.Errorf("a refused message moved the cursor to %q", v)
			}
		})
	}
}
