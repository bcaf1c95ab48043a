package email

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// responder is a kefu-like auto-responder: the email channel on its own
// Dovecot mailbox, with a bot that answers every message the inbox hands
// on as a customer message (what the dialog engine does).
type responder struct {
	ch    *Channel
	inbox *fakeInbox
	sent  atomic.Int32
}

func startResponder(t *testing.T, ctx context.Context, srv *dovecotServer, user, address, smtpAddr string, perHour int) *responder {
	t.Helper()
	cfg := srv.config(user)
	cfg.Address = address
	cfg.RepliesPerHour = perHour
	cfg.SMTP = SMTPConfig{Addr: smtpAddr, Security: Plain, AllowInsecure: true}
	store := NewMemoryStore()
	r := &responder{inbox: newFakeInbox()}
	r.inbox.bot = make(chan channels.Inbound, 100)
	var err error
	if r.ch, err = New(cfg, r.inbox, Options{Positions: store, Threads: store, Logger: quietLogger()}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = r.ch.Run(ctx) }()
	go func() {
		defer wg.Done()
		var id int64
		for {
			select {
			case <-ctx.Done():
				return
			case in := <-r.inbox.bot:
				id++
				out := channels.Outbound{OutboxID: id, ExternalUserID: in.ExternalUserID, Kind: "reply", Text: "已收到您的邮件 / We got your mail.", CreatedAt: time.Now()}
				if err := r.ch.Send(ctx, out); err == nil {
					r.sent.Add(1)
				}
			}
		}
	}()
	t.Cleanup(wg.Wait)
	return r
}

// mta returns an SMTP capture server that delivers into Dovecot mailboxes
// by address, like a mail exchanger would.
func mta(t *testing.T, srv *dovecotServer, users map[string]string) *smtpCapture {
	t.Helper()
	c := newSMTPCapture(t)
	c.onData = func(m captured) {
		for _, rcpt := range m.To {
			if u, ok := users[rcpt]; ok {
				cmd := exec.Command("doveadm", "-c", srv.conf, "save", "-u", u, "-m", "INBOX")
				cmd.Stdin = bytes.NewReader(m.Data)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("deliver to %s: %v %s", rcpt, err, out)
				}
			}
		}
	}
	return c
}

func TestAutorespondersFacingEachOtherStop(t *testing.T) {
	t.Parallel()
	srv := dovecot(t)
	ua, ub := srv.user(t), srv.user(t)
	smtpSrv := mta(t, srv, map[string]string{"a@kefu.test": ua, "b@other.test": ub})
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	a := startResponder(t, ctx, srv, ua, "a@kefu.test", smtpSrv.addr, 5)
	b := startResponder(t, ctx, srv, ub, "b@other.test", smtpSrv.addr, 5)

	// Someone at B writes to A by hand; both sides then answer everything.
	srv.deliver(t, ua, "INBOX", []byte("From: b@other.test\r\nTo: a@kefu.test\r\nSubject: hello\r\nMessage-ID: <start@other.test>\r\n\r\nhello\r\n"))
	waitFor(t, 10*time.Second, "A's reply to reach B", func() bool { s, _, _ := b.inbox.snapshot(); return len(s) == 1 })
	time.Sleep(1500 * time.Millisecond) // room for a reply that should not come
	if a.sent.Load() != 1 || b.sent.Load() != 0 {
		t.Errorf("replies: A %d, B %d; want 1 and 0", a.sent.Load(), b.sent.Load())
	}
	s, _, _ := b.inbox.snapshot()
	if s[0].Choice != "event:auto_reply:auto_submitted" {
		t.Errorf("B stored A's reply with choice %q", s[0].Choice)
	}
	if n := len(smtpSrv.messages()); n != 1 {
		t.Errorf("%d messages went over SMTP, want 1", n)
	}
}

func TestNaiveAutoresponderIsCapped(t *testing.T) {
	t.Parallel()
	srv := dovecot(t)
	ua := srv.user(t)
	smtpSrv := mta(t, srv, map[string]string{"a@kefu.test": ua})
	// B ignores every header and answers each mail at once, without
	// Auto-Submitted: only A's cap can stop the loop.
	var bReplies atomic.Int32
	next := smtpSrv.onData
	smtpSrv.onData = func(m captured) {
		next(m)
		if len(m.To) == 1 && m.To[0] == "naive@other.test" {
			n := bReplies.Add(1)
			srv.deliverAsync(t, ua, []byte(fmt.Sprintf("From: naive@other.test\r\nTo: a@kefu.test\r\nSubject: Re: hello\r\nMessage-ID: <naive-%d@other.test>\r\n\r\nThanks for your mail (%d).\r\n", n, n)))
		}
	}
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	a := startResponder(t, ctx, srv, ua, "a@kefu.test", smtpSrv.addr, 3)
	srv.deliver(t, ua, "INBOX", []byte("From: naive@other.test\r\nTo: a@kefu.test\r\nSubject: hello\r\nMessage-ID: <naive-0@other.test>\r\n\r\nhello\r\n"))
	waitFor(t, 15*time.Second, "the cap to be reached", func() bool { return a.sent.Load() >= 3 })
	time.Sleep(1500 * time.Millisecond)
	if a.sent.Load() != 3 {
		t.Errorf("A sent %d replies, want the cap of 3", a.sent.Load())
	}
	s, _, _ := a.inbox.snapshot()
	last := s[len(s)-1]
	if !strings.HasSuffix(last.Choice, AutoRateLimit) {
		t.Errorf("the message over the cap has choice %q", last.Choice)
	}
}

// deliverAsync is deliver for goroutines other than the test's.
func (s *dovecotServer) deliverAsync(t testing.TB, user string, raw []byte) {
	cmd := exec.Command("doveadm", "-c", s.conf, "save", "-u", user, "-m", "INBOX")
	cmd.Stdin = bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("deliver: %v %s", err, out)
	}
}

// TestHeaderlessEchoIsStoppedByItsText: a helpdesk on the other side that
// marks nothing and threads properly (In-Reply-To our Message-ID, like a
// person's reply) but says the same thing every time. Its second mail is
// a repetition and gets no answer; its mails are all stored.
func TestHeaderlessEchoIsStoppedByItsText(t *testing.T) {
	t.Parallel()
	srv := dovecot(t)
	ua := srv.user(t)
	smtpSrv := mta(t, srv, map[string]string{"a@kefu.test": ua})
	var echoes atomic.Int32
	next := smtpSrv.onData
	smtpSrv.onData = func(m captured) {
		next(m)
		if len(m.To) != 1 || m.To[0] != "desk@other.test" {
			return
		}
		id := ""
		for _, l := range strings.Split(string(m.Data), "\r\n") {
			if v, ok := strings.CutPrefix(l, "Message-Id: "); ok {
				id = v
			} else if v, ok := strings.CutPrefix(l, "Message-ID: "); ok {
				id = v
			}
		}
		n := echoes.Add(1)
		srv.deliverAsync(t, ua, []byte(fmt.Sprintf("From: Help Desk <desk@other.test>\r\nTo: a@kefu.test\r\nSubject: Re: hello\r\n"+
			"Message-ID: <desk-%d@other.test>\r\nIn-Reply-To: %s\r\nReferences: %s\r\n\r\n"+
			"Thank you for contacting the help desk. We will get back to you shortly.\r\n", n, id, id)))
	}
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	a := startResponder(t, ctx, srv, ua, "a@kefu.test", smtpSrv.addr, 0)
	srv.deliver(t, ua, "INBOX", []byte("From: desk@other.test\r\nTo: a@kefu.test\r\nSubject: hello\r\nMessage-ID: <desk-0@other.test>\r\n\r\nhello, a question\r\n"))
	waitFor(t, 15*time.Second, "the echo to be stored", func() bool { s, _, _ := a.inbox.snapshot(); return len(s) >= 3 })
	time.Sleep(1500 * time.Millisecond) // room for a reply that should not come
	if a.sent.Load() != 2 {
		t.Errorf("A sent %d replies, want 2 (the question and the first echo)", a.sent.Load())
	}
	s, _, _ := a.inbox.snapshot()
	if len(s) != 3 || s[1].Choice != "" || s[2].Choice != "event:auto_reply:repeated" {
		for _, in := range s {
			t.Logf("stored %s choice %q", in.ExternalMessageID, in.Choice)
		}
		t.Errorf("want the question and the first echo answered, the second echo stored as repeated")
	}
}
