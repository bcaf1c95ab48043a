package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/kefu-dev/kefu/channels"
)

type sendBundle struct {
	smtp  *smtpCapture
	store *MemoryStore
	inbox *fakeInbox
	ch    *Channel
	now   time.Time
	mu    sync.Mutex
}

func setupSend(t *testing.T, mod func(*Config)) *sendBundle {
	t.Helper()
	b := &sendBundle{smtp: newSMTPCapture(t), store: NewMemoryStore(), inbox: newFakeInbox(),
		now: time.Date(2024, 3, 1, 16, 0, 0, 0, time.UTC)}
	b.smtp.needAuth = true
	cfg := Config{
		Address: "service@kefu.test", DisplayName: "客服",
		IMAP: IMAPConfig{Addr: "127.0.0.1:1", Security: Plain, AllowInsecure: true, Username: "x"},
		SMTP: SMTPConfig{Addr: b.smtp.addr, Security: Plain, AllowInsecure: true, Username: "kefu", Password: "smtp-secret"},
	}
	if mod != nil {
		mod(&cfg)
	}
	var err error
	b.ch, err = New(cfg, b.inbox, Options{Positions: b.store, Threads: b.store, Logger: quietLogger(), Now: b.clock,
		CaseNumber: func(_ context.Context, conv int64) (string, error) {
			if conv == 42 {
				return "K-000123", nil
			}
			return "", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *sendBundle) clock() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now
}

func (b *sendBundle) advance(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = b.now.Add(d)
}

// receive runs a raw message through the same path as the IMAP intake.
func (b *sendBundle) receive(t *testing.T, raw []byte) channels.Inbound {
	t.Helper()
	m, err := Parse(raw, b.ch.limits())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ch.commitMessage(context.Background(), "INBOX", Position{UIDValidity: 1, LastUID: 1}, m, raw, b.clock()); err != nil {
		t.Fatal(err)
	}
	in, ok := b.inbox.byID(m.ExternalID())
	if !ok {
		t.Fatalf("%s not stored", m.ExternalID())
	}
	return in
}

func parsed(t *testing.T, raw []byte) (mail.Header, map[string]string) {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := p.Header.(*mail.InlineHeader).ContentType()
		body, _ := io.ReadAll(p.Body)
		parts[ct] = string(body)
	}
	return mr.Header, parts
}

func reply(from, inReplyTo, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: service@kefu.test\r\nSubject: Re: x\r\nMessage-ID: <%d@customer.test>\r\n"+
		"In-Reply-To: <%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", from, time.Now().UnixNano(), inReplyTo, body))
}

func TestSendHeadersThreadingAndChoices(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ctx := testContext(t)
	b.receive(t, readEML(t, "thread_1.eml"))
	out := channels.Outbound{OutboxID: 7, ConversationID: 42, ExternalUserID: "zhang.wei@example.com", Kind: "confirm",
		Text: "请确认：冰箱不制冷，型号 BCD-215。", Choices: []channels.Choice{{Value: "yes", Label: "是"}, {Value: "no", Label: "否"}},
		CreatedAt: time.Date(2024, 3, 1, 15, 59, 0, 0, time.UTC)}
	if err := b.ch.Send(ctx, out); err != nil {
		t.Fatal(err)
	}
	msgs := b.smtp.messages()
	if len(msgs) != 1 || msgs[0].From != "service@kefu.test" || msgs[0].To[0] != "zhang.wei@example.com" {
		t.Fatalf("captured %+v", msgs)
	}
	if len(b.smtp.authed) != 1 || b.smtp.authed[0] != "kefu" {
		t.Errorf("AUTH = %v", b.smtp.authed)
	}
	h, parts := parsed(t, msgs[0].Data)
	id, _ := h.MessageID()
	wantID := b.ch.messageID(out)
	irt, _ := h.MsgIDList("In-Reply-To")
	refs, _ := h.MsgIDList("References")
	subj, _ := h.Subject()
	date, _ := h.Date()
	ct, _, _ := h.ContentType()
	for _, c := range []struct{ name, got, want string }{
		{"Message-ID", id, wantID},
		{"In-Reply-To", strings.Join(irt, " "), "thread-0001@example.com"},
		{"References", strings.Join(refs, " "), "thread-0001@example.com"},
		{"Subject", subj, "Re: [K-000123] 冰箱不制冷"},
		{"Auto-Submitted", h.Get("Auto-Submitted"), "auto-replied"},
		{"X-Auto-Response-Suppress", h.Get("X-Auto-Response-Suppress"), "All"},
		{"Date", date.UTC().Format(time.RFC3339), "2024-03-01T16:00:00Z"},
		{"Content-Type", ct, "multipart/alternative"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !strings.HasPrefix(id, "kefu.7.") || !strings.HasSuffix(id, "@kefu.test") {
		t.Errorf("Message-ID %q does not carry the OutboxID", id)
	}
	if !strings.Contains(parts["text/plain"], "请确认") || !strings.Contains(parts["text/plain"], "1. 是\n2. 否\n") {
		t.Errorf("text part:\n%s", parts["text/plain"])
	}
	if !strings.Contains(parts["text/html"], "<ol>\n<li>是</li>\n<li>否</li>") {
		t.Errorf("html part:\n%s", parts["text/html"])
	}

	// A retry of the same outbox row (the outbox did not record the
	// success) sends nothing; after losing the thread store too, the
	// resend carries the same Message-ID.
	if err := b.ch.Send(ctx, out); err != nil || len(b.smtp.messages()) != 1 {
		t.Fatalf("retry: err %v, %d messages", err, len(b.smtp.messages()))
	}
	other := setupSend(t, nil)
	if err := other.ch.Send(ctx, out); err != nil {
		t.Fatal(err)
	}
	h2, _ := parsed(t, other.smtp.messages()[0].Data)
	if id2, _ := h2.MessageID(); id2 != id {
		t.Errorf("Message-ID after a crash %q, want %q", id2, id)
	}

	// The customer answers "2" under our message: the choice "no", linked
	// to outbox 7, quoted text gone.
	in := b.receive(t, reply("Zhang Wei <zhang.wei@example.com>", id, "2\r\n\r\nOn Fri, 1 Mar 2024 at 16:00, 客服 <service@kefu.test> wrote:\r\n> 请确认\r\n"))
	if in.Choice != "no" || in.Text != "2" || !strings.Contains(string(in.Raw), "X-Kefu-Reply-To-Outbox: 7\r\n") {
		t.Errorf("reply: choice %q text %q raw %.120q", in.Choice, in.Text, in.Raw)
	}

	// Agents write themselves: no Auto-Submitted.
	if err := b.ch.Send(ctx, channels.Outbound{OutboxID: 8, ConversationID: 42, ExternalUserID: "zhang.wei@example.com", Kind: "agent", Text: "师傅明天上午到。"}); err != nil {
		t.Fatal(err)
	}
	h3, _ := parsed(t, b.smtp.messages()[1].Data)
	if h3.Has("Auto-Submitted") {
		t.Error("agent message marked Auto-Submitted")
	}
	if irt, _ := h3.MsgIDList("In-Reply-To"); len(irt) != 1 || !strings.HasSuffix(irt[0], "@customer.test") {
		t.Errorf("agent message In-Reply-To %v, want the customer's latest", irt)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ctx := testContext(t)
	b.smtp.reject["gone@example.com"] = true
	err := b.ch.Send(ctx, channels.Outbound{OutboxID: 1, ExternalUserID: "gone@example.com", Text: "hi"})
	var pe *PermanentError
	if !errors.As(err, &pe) || pe.Code != 550 || pe.Enhanced != "5.1.1" {
		t.Errorf("5xx: err %v, want *PermanentError 550 5.1.1", err)
	}
	down := setupSend(t, func(c *Config) { c.SMTP.Addr = "127.0.0.1:1" })
	if err := down.ch.Send(ctx, channels.Outbound{OutboxID: 2, ExternalUserID: "a@example.com", Text: "hi"}); err == nil || errors.As(err, &pe) {
		t.Errorf("connection refused: err %v, want a temporary error", err)
	}
	bad := setupSend(t, func(c *Config) { c.SMTP.Password = "wrong" })
	if err := bad.ch.Send(ctx, channels.Outbound{OutboxID: 3, ExternalUserID: "a@example.com", Text: "hi"}); !errors.As(err, &pe) {
		t.Errorf("bad credentials: err %v, want *PermanentError (535)", err)
	}
}

func TestLoopGuard(t *testing.T) {
	t.Parallel()
	b := setupSend(t, func(c *Config) { c.RepliesPerHour = 2; c.OwnAddresses = []string{"noreply@kefu.test"} })
	ctx := testContext(t)
	for file, want := range map[string]string{
		"ooo_autoreply.eml": "event:auto_reply:auto_submitted",
		"bounce.eml":        "event:auto_reply:bounce",
		"list.eml":          "event:auto_reply:list",
		"gbk_plain.eml":     "",
	} {
		if in := b.receive(t, readEML(t, file)); in.Choice != want {
			t.Errorf("%s: Choice %q, want %q", file, in.Choice, want)
		}
	}
	for _, tc := range []struct{ name, headers, want string }{
		{"precedence bulk", "Precedence: bulk\r\n", "event:auto_reply:precedence"},
		{"precedence auto_reply", "Precedence: auto_reply\r\n", "event:auto_reply:precedence"},
		{"x-autorespond", "X-Autorespond: yes\r\n", "event:auto_reply:autoresponder"},
		{"exchange suppress", "X-Auto-Response-Suppress: All\r\n", "event:auto_reply:autoresponder"},
		{"auto-submitted no", "Auto-Submitted: no\r\n", ""},
		{"list-unsubscribe", "List-Unsubscribe: <mailto:u@x>\r\n", "event:auto_reply:list"},
		{"null sender", "Return-Path: <>\r\n", "event:auto_reply:bounce"},
	} {
		raw := []byte(fmt.Sprintf("From: p%d@example.com\r\n%sMessage-ID: <%s@t>\r\nContent-Type: text/plain\r\n\r\nhello\r\n", len(tc.name), tc.headers, strings.ReplaceAll(tc.name, " ", "-")))
		if in := b.receive(t, raw); in.Choice != tc.want {
			t.Errorf("%s: Choice %q, want %q", tc.name, in.Choice, tc.want)
		}
	}
	for _, from := range []string{"service@kefu.test", "NoReply@kefu.test"} {
		if in := b.receive(t, reply(from, "x@y", "hello")); in.Choice != "event:auto_reply:own_address" {
			t.Errorf("from %s: Choice %q", from, in.Choice)
		}
	}

	// The cap: two automatic replies within the hour, then mail from that
	// address is stored without a bot run, until the hour has passed.
	for i := int64(1); i <= 2; i++ {
		if in := b.receive(t, reply("loop@example.com", "x@y", "again")); in.Choice != "" {
			t.Fatalf("message %d limited too early: %q", i, in.Choice)
		}
		if err := b.ch.Send(ctx, channels.Outbound{OutboxID: 100 + i, ExternalUserID: "loop@example.com", Text: "ok", Kind: "reply"}); err != nil {
			t.Fatal(err)
		}
	}
	if in := b.receive(t, reply("loop@example.com", "x@y", "again")); in.Choice != "event:auto_reply:rate_limited" {
		t.Errorf("third message: Choice %q, want rate_limited", in.Choice)
	}
	b.advance(61 * time.Minute)
	if in := b.receive(t, reply("loop@example.com", "x@y", "again")); in.Choice != "" {
		t.Errorf("after an hour: Choice %q, want none", in.Choice)
	}
}

func TestSendStartTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	b := setupSend(t, func(c *Config) { c.SMTP.Security = StartTLS; c.SMTP.AllowInsecure = false })
	b.smtp.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	b.smtp.srv.AllowInsecureAuth = false // AUTH only after STARTTLS
	b.ch.opt.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "localhost"}
	if err := b.ch.Send(testContext(t), channels.Outbound{OutboxID: 1, ExternalUserID: "a@example.com", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if len(b.smtp.messages()) != 1 {
		t.Fatal("nothing delivered over STARTTLS")
	}
	// Without trusting the certificate the channel refuses to talk.
	b.ch.opt.TLSConfig = nil
	if err := b.ch.Send(testContext(t), channels.Outbound{OutboxID: 2, ExternalUserID: "a@example.com", Text: "hi"}); err == nil {
		t.Fatal("sent to a server with an untrusted certificate")
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestIngestRejectsMailWithoutSenderAndMovesOn(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ctx := testContext(t)
	if err := b.ch.ingest(ctx, "INBOX", Position{UIDValidity: 1, LastUID: 9}, []byte("Subject: no sender\r\n\r\nbody\r\n"), time.Now(), 30); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.store.Load(ctx, "INBOX"); p.LastUID != 9 || len(b.inbox.rejected) != 1 {
		t.Errorf("position %+v, rejected %v; want 9 and one rejection", p, b.inbox.rejected)
	}
}
