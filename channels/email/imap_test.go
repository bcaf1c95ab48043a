package email

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/kefu-dev/kefu/channels"
)

var allTestdata = []string{
	"gbk_plain.eml", "gb18030_qp.eml", "big5.eml", "html_only.eml", "attachments.eml", "thread_1.eml",
	"thread_2.eml", "outlook_reply.eml", "ooo_autoreply.eml", "bounce.eml", "list.eml", "no_message_id.eml",
}

type intakeBundle struct {
	srv   *dovecotServer
	user  string
	cfg   Config
	store *MemoryStore
	inbox *fakeInbox
}

func setupIntake(t *testing.T) *intakeBundle {
	t.Helper()
	srv := dovecot(t)
	user := srv.user(t)
	return &intakeBundle{srv: srv, user: user, cfg: srv.config(user), store: NewMemoryStore(), inbox: newFakeInbox()}
}

func (b *intakeBundle) channel(t testing.TB) *Channel {
	t.Helper()
	c, err := New(b.cfg, b.inbox, Options{Positions: b.store, Threads: b.store, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// numbered returns n distinct messages (Message-ID msg-N@test).
func numbered(from string, n int) [][]byte {
	var out [][]byte
	for i := 1; i <= n; i++ {
		out = append(out, []byte(fmt.Sprintf("From: %s\r\nTo: service@kefu.test\r\nSubject: n%d\r\nMessage-ID: <msg-%d@test>\r\n"+
			"Date: Fri, 01 Mar 2024 10:00:00 +0800\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n第 %d 封\r\n", from, i, i, i)))
	}
	return out
}

func TestIntakeFetchesAndNormalizesEveryKind(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	for _, f := range allTestdata {
		b.srv.deliver(t, b.user, "INBOX", readEML(t, f))
	}
	ctx := testContext(t)
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	stored, _, _ := b.inbox.snapshot()
	if len(stored) != len(allTestdata) {
		t.Fatalf("stored %d messages, want %d", len(stored), len(allTestdata))
	}
	check := func(id, user, choice, text string) channels.Inbound {
		t.Helper()
		in, ok := b.inbox.byID(id)
		if !ok {
			t.Fatalf("message %s not stored", id)
		}
		if in.Channel != channels.Email || in.ExternalUserID != user || in.Choice != choice || !strings.Contains(in.Text, text) {
			t.Errorf("%s: got user %q choice %q text %q; want %q %q ~%q", id, in.ExternalUserID, in.Choice, in.Text, user, choice, text)
		}
		if in.ReceivedAt.IsZero() || len(in.Raw) == 0 {
			t.Errorf("%s: no ReceivedAt or Raw", id)
		}
		return in
	}
	if in := check("<gbk-0001@example.com>", "wang.fang@example.com", "", "洗衣机不转了"); in.Zone != "+0800" {
		t.Errorf("zone %q, want the Date header's +0800", in.Zone)
	}
	check("<gb18030-0001@example.net>", "yoshida@example.net", "", "𠮷")
	check("<big5-0001@example.hk>", "chan.taiman@example.hk", "", "電視機沒有畫面")
	check("<html-0001@example.org>", "alice@example.org", "", "leaks water")
	att := check("<att-0001@example.com>", "li.lei@example.com", "", "照片")
	if len(att.Attachments) != 3 || att.Attachments[0].Name != "损坏照片.jpg" || len(att.Attachments[0].Data) == 0 {
		t.Errorf("attachments = %+v", att.Attachments)
	}
	th := check("<thread-0002@example.com>", "zhang.wei@example.com", "", "BCD-215")
	if !strings.Contains(string(th.Raw), "X-Kefu-Case: K-000123\r\n") || !strings.Contains(string(th.Raw), "X-Kefu-Reply-To-Outbox: 7\r\n") {
		t.Errorf("thread headers missing from Raw:\n%.300s", th.Raw)
	}
	check("<ooo-0001@example.com>", "zhao.liu@example.com", "event:auto_reply:auto_submitted", "休假")
	check("<bounce-0001@mx.kefu.test>", "mailer-daemon@mx.kefu.test", "event:auto_reply:bounce", "could not be delivered")
	check("<list-0001@lists.example.org>", "news@lists.example.org", "event:auto_reply:list", "new models")

	pos, _ := b.store.Load(ctx, "INBOX")
	if pos.LastUID != uint32(len(allTestdata)) || pos.UIDValidity == 0 {
		t.Errorf("position = %+v", pos)
	}
	for uid, fl := range b.srv.flags(t, b.user, "INBOX") {
		if !hasFlag(fl, imap.FlagSeen) {
			t.Errorf("UID %d not \\Seen after commit", uid)
		}
	}
	// A thread kept for replies: the customer's latest message and case.
	thr, _ := b.store.ThreadGet(ctx, "zhang.wei@example.com")
	if thr.LastMessageID != "thread-0002@example.com" || thr.CaseNumber != "K-000123" {
		t.Errorf("thread = %+v", thr)
	}
}

func TestIntakeCrashMidBatchNoDuplicateNoLoss(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.IMAP.BatchSize = 3
	b.srv.deliver(t, b.user, "INBOX", numbered("crash@example.com", 10)...)
	ctx := testContext(t)

	// Run 1: the process dies after the inbox stored message 4 and before
	// its position committed (a real store rolls both back; here the
	// message stays, the harder case for duplicates).
	b.store.FailCommit = func(_ string, p Position) bool { return p.LastUID == 4 }
	if err := b.channel(t).RunOnce(ctx); err == nil {
		t.Fatal("RunOnce survived the crash")
	}
	if p, _ := b.store.Load(ctx, "INBOX"); p.LastUID != 3 {
		t.Fatalf("position after crash = %d, want 3", p.LastUID)
	}
	fl := b.srv.flags(t, b.user, "INBOX")
	if !hasFlag(fl[3], imap.FlagSeen) || hasFlag(fl[4], imap.FlagSeen) {
		t.Fatalf("flags after crash: 3=%v 4=%v; want 3 seen, 4 not", fl[3], fl[4])
	}

	// Run 2: the inbox fails on message 7 (the database is down).
	b.store.FailCommit = nil
	var failed atomic.Bool
	b.inbox.before = func(_ context.Context, in channels.Inbound) error {
		if in.ExternalMessageID == "<msg-7@test>" && !failed.Swap(true) {
			return fmt.Errorf("database is down")
		}
		return nil
	}
	if err := b.channel(t).RunOnce(ctx); err == nil {
		t.Fatal("RunOnce hid the inbox failure")
	}

	// Run 3: everything works.
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	stored, _, dups := b.inbox.snapshot()
	if len(stored) != 10 {
		t.Fatalf("stored %d, want 10", len(stored))
	}
	for i, in := range stored {
		if want := fmt.Sprintf("<msg-%d@test>", i+1); in.ExternalMessageID != want {
			t.Errorf("stored[%d] = %s, want %s (order)", i, in.ExternalMessageID, want)
		}
	}
	if dups != 1 {
		t.Errorf("duplicates offered = %d, want 1 (message 4, stored before the crash)", dups)
	}
	for uid, fl := range b.srv.flags(t, b.user, "INBOX") {
		if !hasFlag(fl, imap.FlagSeen) {
			t.Errorf("UID %d not seen at the end", uid)
		}
	}
}

func TestIntakeUIDValidityChangeResyncsWithoutDuplicates(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.IMAP.Mailbox = "Support"
	b.srv.doveadm(t, nil, "mailbox", "create", "-u", b.user, "Support")
	first := [][]byte{readEML(t, "gbk_plain.eml"), readEML(t, "big5.eml"), readEML(t, "no_message_id.eml")}
	b.srv.deliver(t, b.user, "Support", first...)
	ctx := testContext(t)
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := b.store.Load(ctx, "Support")

	// The mailbox is recreated (a server migration, a restore): new
	// UIDVALIDITY, the same messages again, unseen, plus two new ones.
	b.srv.doveadm(t, nil, "mailbox", "delete", "-u", b.user, "Support")
	b.srv.doveadm(t, nil, "mailbox", "create", "-u", b.user, "Support")
	b.srv.deliver(t, b.user, "Support", first...)
	b.srv.deliver(t, b.user, "Support", readEML(t, "html_only.eml"), readEML(t, "list.eml"))
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := b.store.Load(ctx, "Support")
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY did not change (%d); the test proves nothing", after.UIDValidity)
	}
	stored, _, dups := b.inbox.snapshot()
	if len(stored) != 5 || dups != 3 {
		t.Errorf("stored %d (want 5), duplicates %d (want 3, deduped by Message-ID and content hash)", len(stored), dups)
	}
	if after.LastUID != 5 {
		t.Errorf("position = %+v, want last UID 5", after)
	}
}

func TestIntakeIdleWakesOnNewMail(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.IMAP.PollInterval = time.Hour // only IDLE can bring the second message in time
	msgs := numbered("idle@example.com", 2)
	b.srv.deliver(t, b.user, "INBOX", msgs[0])
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	ch := b.channel(t)
	go func() { done <- ch.Run(ctx) }()
	count := func() int { s, _, _ := b.inbox.snapshot(); return len(s) }
	waitFor(t, 10*time.Second, "the first message", func() bool { return count() == 1 })
	time.Sleep(200 * time.Millisecond) // let the session enter IDLE
	start := time.Now()
	b.srv.deliver(t, b.user, "INBOX", msgs[1])
	waitFor(t, 10*time.Second, "the message announced during IDLE", func() bool { return count() == 2 })
	t.Logf("new mail ingested %v after delivery", time.Since(start))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestIntakePollsWithoutIdleAndReconnects(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.IMAP.PollInterval = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	// The inbox fails once: the session ends and Run reconnects with backoff.
	var failed atomic.Bool
	b.inbox.before = func(context.Context, channels.Inbound) error {
		if !failed.Swap(true) {
			return fmt.Errorf("transient")
		}
		return nil
	}
	ch := b.channel(t)
	done := make(chan error, 1)
	go func() { done <- ch.Run(ctx) }()
	b.srv.deliver(t, b.user, "INBOX", numbered("poll@example.com", 3)...)
	waitFor(t, 10*time.Second, "three messages after a reconnect", func() bool { s, _, _ := b.inbox.snapshot(); return len(s) == 3 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestIntakeSeenOnlyAfterCommit(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.srv.deliver(t, b.user, "INBOX", numbered("seen@example.com", 2)...)
	ctx := testContext(t)
	b.inbox.before = func(_ context.Context, in channels.Inbound) error {
		// Inside the transaction: the message being stored is not marked.
		var n imap.UID
		fmt.Sscanf(in.ExternalMessageID, "<msg-%d@test>", &n)
		if fl := b.srv.flags(t, b.user, "INBOX"); hasFlag(fl[n], imap.FlagSeen) {
			t.Errorf("UID %d \\Seen before its commit", n)
		}
		return nil
	}
	// The first commit fails: its message must stay unseen.
	b.store.FailCommit = func(_ string, p Position) bool { return p.LastUID == 1 }
	_ = b.channel(t).RunOnce(ctx)
	if fl := b.srv.flags(t, b.user, "INBOX"); hasFlag(fl[1], imap.FlagSeen) {
		t.Fatal("message \\Seen although its commit failed")
	}
	b.store.FailCommit = nil
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for uid, fl := range b.srv.flags(t, b.user, "INBOX") {
		if !hasFlag(fl, imap.FlagSeen) {
			t.Errorf("UID %d not seen after commit", uid)
		}
	}
}

func TestIntakeMovesCommittedMessages(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.IMAP.MoveTo = "Processed"
	b.srv.deliver(t, b.user, "INBOX", numbered("move@example.com", 3)...)
	ctx := testContext(t)
	// Message 3's commit fails: it stays in INBOX, 1 and 2 move.
	b.store.FailCommit = func(_ string, p Position) bool { return p.LastUID == 3 }
	_ = b.channel(t).RunOnce(ctx)
	if n := len(b.srv.flags(t, b.user, "INBOX")); n != 1 {
		t.Fatalf("INBOX holds %d after the failed commit, want 1", n)
	}
	b.store.FailCommit = nil
	if err := b.channel(t).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, m := len(b.srv.flags(t, b.user, "INBOX")), len(b.srv.flags(t, b.user, "Processed")); n != 0 || m != 3 {
		t.Errorf("INBOX %d, Processed %d; want 0 and 3", n, m)
	}
	if s, _, _ := b.inbox.snapshot(); len(s) != 3 {
		t.Errorf("stored %d, want 3", len(s))
	}
}

func TestIntakeOversizedMessageKeepsHeaderOnly(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	b.cfg.MaxMessageBytes = 800
	b.srv.deliver(t, b.user, "INBOX", readEML(t, "attachments.eml"), readEML(t, "gbk_plain.eml"))
	if err := b.channel(t).RunOnce(testContext(t)); err != nil {
		t.Fatal(err)
	}
	big, ok := b.inbox.byID("<att-0001@example.com>")
	if !ok {
		t.Fatal("the oversized message was not stored")
	}
	if !strings.Contains(big.Text, "above the limit") || len(big.Attachments) != 0 || strings.Contains(string(big.Raw), "JFIF") {
		t.Errorf("oversized: text %q, %d attachments", big.Text, len(big.Attachments))
	}
	if small, _ := b.inbox.byID("<gbk-0001@example.com>"); !strings.Contains(small.Text, "洗衣机") {
		t.Errorf("the small message beside it: %q", small.Text)
	}
}

func TestIntakeFirstRunSkipsMailAlreadyRead(t *testing.T) {
	t.Parallel()
	b := setupIntake(t)
	// The mailbox had a life before kefu: read mail is history, not work.
	b.srv.deliver(t, b.user, "INBOX", numbered("old@example.com", 3)...)
	b.srv.doveadm(t, nil, "flags", "add", "-u", b.user, `\Seen`, "mailbox", "INBOX", "all")
	ctx, cancel := context.WithCancel(testContext(t))
	ch := b.channel(t)
	done := make(chan error, 1)
	go func() { done <- ch.Run(ctx) }()
	time.Sleep(300 * time.Millisecond) // the first sync finds nothing unread and idles
	b.srv.deliver(t, b.user, "INBOX", numbered("new@example.com", 4)[3])
	waitFor(t, 10*time.Second, "the new message", func() bool { s, _, _ := b.inbox.snapshot(); return len(s) >= 1 })
	time.Sleep(200 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stored, calls, _ := b.inbox.snapshot()
	if len(stored) != 1 || calls != 1 || stored[0].ExternalMessageID != "<msg-4@test>" {
		var ids []string
		for _, in := range stored {
			ids = append(ids, in.ExternalMessageID)
		}
		t.Errorf("stored %v in %d calls; want only <msg-4@test>", ids, calls)
	}
}
