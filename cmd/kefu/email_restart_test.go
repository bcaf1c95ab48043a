package main

// The email channel through `kefu serve` across failures: the database
// failing in the middle of a batch and the process stopped while it
// retries, then started again; the mailbox recreated under a running
// kefu (new UIDVALIDITY); and two kefus answering each other's mail.

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// failInboundAfter makes the database refuse to store inbound messages
// once n are stored (a trigger, as a full disk or a lost primary would);
// the returned func lifts it.
func failInboundAfter(t *testing.T, dbURL string, n int) (lift func()) {
	t.Helper()
	ctx := context.Background()
	cfg := configs.Config{}
	cfg.Database.URL = dbURL
	if cfg.Postgres() {
		pool, err := pgxpool.New(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		if _, err := pool.Exec(ctx, fmt.Sprintf(`
CREATE FUNCTION kefu_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.direction = 'in' AND (SELECT count(*) FROM messages WHERE direction = 'in') >= %d THEN
		RAISE EXCEPTION 'test: the disk is full';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER kefu_test_fail BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION kefu_test_fail();`, n)); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := pool.Exec(ctx, `DROP TRIGGER kefu_test_fail ON messages`); err != nil {
				t.Fatal(err)
			}
		}
	}
	db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`
CREATE TRIGGER kefu_test_fail BEFORE INSERT ON messages
WHEN NEW.direction = 'in' AND (SELECT count(*) FROM messages WHERE direction = 'in') >= %d
BEGIN SELECT RAISE(ABORT, 'test: the disk is full'); END`, n)); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.ExecContext(ctx, `DROP TRIGGER kefu_test_fail`); err != nil {
			t.Fatal(err)
		}
	}
}

// waitLog polls kefu's log until it holds s at least n times.
func (e *emEnv) waitLog(t *testing.T, s string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(e.logs.String(), s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q in the log", s)
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
}

var crashNames = []string{"张三", "李四", "王五", "赵六", "刘洋", "陈静", "杨帆", "黄磊", "周杰", "吴昊"}

// testEmailCrashMidBatch: ten customers are waiting to confirm; a batch of
// twenty mails arrives (their ten confirmations and ten new customers);
// the database fails after four of them are stored, kefu retries and is
// stopped while it does; it starts again on the same database: every mail
// is stored once, every case registered once, and no reply is lost or
// sent twice.
func testEmailCrashMidBatch(t *testing.T, dbURL string) {
	e := startEmail(t, emOpts{dbURL: dbURL})
	addr := func(kind string, i int) string { return fmt.Sprintf("%s%02d@example.com", kind, i) }
	var first [][]byte
	for i, name := range crashNames {
		first = append(first, custMail{From: addr("confirm", i), Subject: "洗衣机不脱水", MessageID: fmt.Sprintf("c%02d-1@example.com", i),
			Text: fmt.Sprintf("我叫%s，电话138123456%02d，XQG100洗衣机不脱水了，上个月买的，想上门维修", name, i)}.Raw())
	}
	e.dc.appendIMAP(t, e.user, "INBOX", first...)
	e.settled(t, "INBOX")
	confirms := map[int]*sentMail{}
	for i := range crashNames {
		got := e.smtp.to(t, addr("confirm", i))
		if len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "请核对") {
			t.Fatalf("%s was not asked to confirm: %d replies", addr("confirm", i), len(got))
		}
		confirms[i] = got[len(got)-1]
	}
	before := len(e.smtp.all())

	// The batch; the database takes four of its mails, then fails.
	lift := failInboundAfter(t, dbURL, len(crashNames)+4)
	var batch [][]byte
	for i := range crashNames {
		batch = append(batch, replyTo(confirms[i], addr("confirm", i), fmt.Sprintf("c%02d-2@example.com", i), "确认").Raw(),
			custMail{From: addr("new", i), Subject: "冰箱", MessageID: fmt.Sprintf("n%02d@example.com", i),
				Text: "你好，我家的冰箱不制冷了，型号BCD-215"}.Raw())
	}
	e.dc.appendIMAP(t, e.user, "INBOX", batch...)
	e.waitLog(t, "test: the disk is full", 2) // failed, reconnected, failed again
	stored := len(crashNames) + 4
	if got := e.countInbound(t); got != stored {
		t.Fatalf("%d mails stored before the failure, want %d", got, stored)
	}
	// Stopped while it retries, mid-batch.
	if err := e.m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, _, unseen := e.dc.status(t, e.user, "INBOX"); unseen != len(batch)-4 {
		t.Errorf("%d mails unseen after the stop, want %d (seen only once committed)", unseen, len(batch)-4)
	}
	lift()
	e.start(t)
	e.settled(t, "INBOX")

	if got := e.countInbound(t); got != len(first)+len(batch) {
		t.Errorf("%d mails stored, want %d", got, len(first)+len(batch))
	}
	for _, kind := range []string{"confirm", "new"} {
		for i := range crashNames {
			a := addr(kind, i)
			want := 1
			if kind == "confirm" {
				want = 2
			}
			if in := e.inbound(t, a); len(in) != want {
				t.Errorf("%s: %d mails stored, want %d", a, len(in), want)
			}
		}
	}
	list := e.listCases(t)
	byConv := map[int64]int{}
	for _, c := range list {
		byConv[c.ConversationID]++
	}
	if len(list) != len(crashNames) || len(byConv) != len(crashNames) {
		t.Errorf("%d cases in %d conversations, want one for each of the %d who confirmed", len(list), len(byConv), len(crashNames))
	}
	for i := range crashNames {
		a := addr("confirm", i)
		got := e.smtp.to(t, a)
		var reg []string
		for _, m := range got {
			if strings.Contains(m.Text, "已为您登记售后工单") {
				reg = append(reg, m.Subject)
			}
		}
		if len(reg) != 1 {
			t.Errorf("%s: %d registration mails %q, want 1", a, len(reg), reg)
		}
	}
	// Every reply stored as sent went over SMTP exactly once (a Message-ID
	// twice would be a resend), and the new customers got the list.
	ids := map[string]int{}
	for _, m := range e.smtp.all()[before:] {
		ids[parseSent(t, m).ID]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("Message-ID %s sent %d times", id, n)
		}
	}
	if out := e.countOutbound(t); out != len(e.smtp.all()) {
		t.Errorf("%d replies stored, %d sent", out, len(e.smtp.all()))
	}
	for i := range crashNames {
		got := e.smtp.to(t, addr("new", i))
		if len(got) == 0 || !isAskAll(got[len(got)-1]) {
			t.Errorf("%s: no list of missing fields", addr("new", i))
		}
	}
	if p := e.position(t, "INBOX"); p.LastUID != uint32(len(first)+len(batch)) {
		t.Errorf("position %+v, want last UID %d", p, len(first)+len(batch))
	}
}

// countInbound and countOutbound count the email messages stored.
func (e *emEnv) countInbound(t *testing.T) int  { return e.countMessages(t, "in") }
func (e *emEnv) countOutbound(t *testing.T) int { return e.countMessages(t, "out") }

func (e *emEnv) countMessages(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, c := range e.conversations(t) {
		_, msgs, _ := e.conversation(t, c)
		for _, m := range msgs {
			if m.Direction == dir {
				n++
			}
		}
	}
	return n
}

// conversations lists the addresses with an email conversation.
func (e *emEnv) conversations(t *testing.T) []string {
	t.Helper()
	all, err := e.m.store.ConversationList(context.Background(), service.ConversationListParams{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range all {
		if c.Channel == channels.Email {
			out = append(out, c.ExternalUserID)
		}
	}
	return out
}

func TestEmailServeCrashMidBatchSQLite(t *testing.T) {
	t.Parallel()
	testEmailCrashMidBatch(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestEmailServeCrashMidBatchPostgres(t *testing.T) {
	t.Parallel()
	testEmailCrashMidBatch(t, testPostgres(t))
}

// testEmailUIDValidity: kefu reads a Support folder; while it runs the
// folder is deleted and created again (a server migration or restore: a
// new UIDVALIDITY) and the same mail lands in it again, with two new
// ones: kefu resyncs, stores and answers only the new mail.
func testEmailUIDValidity(t *testing.T, dbURL string) {
	dc := startDovecot(t)
	dc.doveadm(t, nil, "mailbox", "create", "-u", "u1", "Support")
	e := startEmail(t, emOpts{dbURL: dbURL, dc: dc, mod: func(c *configs.Config) {
		c.Email.IMAP.Mailbox = "Support"
		c.Email.IMAP.PollInterval = 300 * time.Millisecond
	}})
	old := [][]byte{readChannelEML(t, "gbk_plain.eml"), readChannelEML(t, "big5.eml"), readChannelEML(t, "no_message_id.eml")}
	oldFrom := []string{"wang.fang@example.com", "chan.taiman@example.hk", "carol@example.com"}
	dc.deliver(t, "u1", "Support", old...)
	e.settled(t, "Support")
	before := e.position(t, "Support")
	sent := len(e.smtp.all())
	for _, a := range oldFrom {
		if len(e.smtp.to(t, a)) == 0 {
			t.Fatalf("%s was not answered", a)
		}
	}

	dc.doveadm(t, nil, "mailbox", "delete", "-u", "u1", "Support")
	dc.doveadm(t, nil, "mailbox", "create", "-u", "u1", "Support")
	dc.deliver(t, "u1", "Support", old...)
	dc.deliver(t, "u1", "Support", readChannelEML(t, "html_only.eml"), readChannelEML(t, "list.eml"))
	uv, total, _ := dc.status(t, "u1", "Support")
	if uv == before.UIDValidity || total != 5 {
		t.Fatalf("the recreated folder: UIDVALIDITY %d (was %d), %d messages; the test proves nothing", uv, before.UIDValidity, total)
	}
	e.waitInbound(t, "alice@example.org", 1)
	e.waitInbound(t, "news@lists.example.org", 1)
	e.settled(t, "Support")

	for _, a := range append(oldFrom, "alice@example.org", "news@lists.example.org") {
		if in := e.inbound(t, a); len(in) != 1 {
			t.Errorf("%s: %d mails stored, want 1", a, len(in))
		}
	}
	if got := e.countInbound(t); got != 5 {
		t.Errorf("%d mails stored, want 5", got)
	}
	// Only Alice's mail was new and from a person.
	for _, m := range e.smtp.all()[sent:] {
		if len(m.To) != 1 || m.To[0] != "alice@example.org" {
			t.Errorf("after the resync a mail went to %v: %q", m.To, parseSent(t, m).Subject)
		}
	}
	if len(e.smtp.to(t, "alice@example.org")) == 0 {
		t.Error("the new mail was not answered")
	}
	if p := e.position(t, "Support"); p.UIDValidity != uv || p.LastUID != 5 {
		t.Errorf("position %+v, want UIDVALIDITY %d and last UID 5", p, uv)
	}
}

func TestEmailServeUIDValiditySQLite(t *testing.T) {
	t.Parallel()
	testEmailUIDValidity(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestEmailServeUIDValidityPostgres(t *testing.T) {
	t.Parallel()
	testEmailUIDValidity(t, testPostgres(t))
}

// testEmailFacingKefus: two kefus, each the other's customer: someone
// writes from B's address to A by hand; A answers (Auto-Submitted:
// auto-replied); B stores that answer for its agents and does not answer
// it, so the exchange ends after one reply.
func testEmailFacingKefus(t *testing.T, dbA, dbB string) {
	dc := startDovecot(t)
	mx := newSMTPSink(t)
	mx.dc, mx.deliverTo = dc, map[string]string{"service@kefu.test": "u1", "service@other.test": "u2"}
	a := startEmail(t, emOpts{dbURL: dbA, dc: dc, smtp: mx, user: "u1"})
	b := startEmail(t, emOpts{dbURL: dbB, dc: dc, smtp: mx, user: "u2", mod: func(c *configs.Config) {
		c.Email.Address, c.Email.DisplayName = "service@other.test", "Other Service"
	}})

	start := custMail{From: "service@other.test", Subject: "洗衣机", MessageID: "start@other.test",
		Text: "你好，我们的洗衣机不转了"}
	a.deliver(t, start.Raw())
	// B stored A's answer: whatever B was going to answer is in B's outbox
	// in the same transaction; once both outboxes are empty and both
	// mailboxes read, nothing more is coming.
	got := b.waitInbound(t, "service@kefu.test", 1)
	for range 2 {
		b.settled(t, "INBOX")
		a.settled(t, "INBOX")
	}
	if got[0].Kind != "choice:event:auto_reply:auto_submitted" {
		t.Errorf("B stored A's answer as %q", got[0].Kind)
	}
	fromA, fromB := mx.to(t, "service@other.test"), mx.to(t, "service@kefu.test")
	if len(fromB) != 0 {
		t.Errorf("B answered A %d times: %q", len(fromB), fromB[0].Text)
	}
	if len(fromA) != 1 {
		t.Errorf("A sent %d mails, want one answer", len(fromA))
	}
	for _, m := range fromA {
		checkReply(t, m, "service@other.test", "洗衣机", "start@other.test")
	}
	if in := a.inbound(t, "service@other.test"); len(in) != 1 {
		t.Errorf("A stored %d mails, want the one written by hand", len(in))
	}
	if in := b.inbound(t, "service@kefu.test"); len(in) != len(fromA) {
		t.Errorf("B stored %d of A's %d mails", len(in), len(fromA))
	}
}

func TestEmailServeFacingKefusSQLite(t *testing.T) {
	t.Parallel()
	testEmailFacingKefus(t, filepath.Join(t.TempDir(), "a.db"), filepath.Join(t.TempDir(), "b.db"))
}

func TestEmailServeFacingKefusPostgres(t *testing.T) {
	t.Parallel()
	testEmailFacingKefus(t, testPostgres(t), testPostgres(t))
}
