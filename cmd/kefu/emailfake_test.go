package main

// The world around `kefu serve` for the email end-to-end tests
// (email_serve_test.go): a throwaway Dovecot per test (its own config,
// users, port and directories, installed with the channel's script when
// missing), a local SMTP server that captures kefu's replies and can
// deliver them into Dovecot like a mail exchanger, and the running
// program with the email channel pointed at both.
//
// Dovecot comes from internal/dovecottest, shared with the channel's own
// tests: one server per test here, stopped by the test's cleanup.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-message/charset" // Chinese charsets in parseSent
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/email"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/internal/dovecottest"
	"github.com/kefu-dev/kefu/service"
)

// ---- Dovecot ----

// dcServer is one throwaway Dovecot (internal/dovecottest), stopped by the
// test's cleanup.
type dcServer struct {
	*dovecottest.Server
	addr string
}

const dcUsers = 8 // u1 … u8, password "secret"

// startDovecot starts a Dovecot for this test; it fails the test when that
// is impossible (never skips).
func startDovecot(tb testing.TB) *dcServer {
	tb.Helper()
	srv, err := dovecottest.Start(dcUsers)
	if err != nil {
		tb.Fatalf("Dovecot is required for this test: %v", err)
	}
	tb.Cleanup(srv.Stop)
	return &dcServer{Server: srv, addr: srv.Addr}
}

func (s *dcServer) doveadm(tb testing.TB, stdin []byte, args ...string) {
	tb.Helper()
	if err := s.Doveadm(stdin, args...); err != nil {
		tb.Fatal(err)
	}
}

// doveadmErr is doveadm for goroutines other than the test's.
func (s *dcServer) doveadmErr(stdin []byte, args ...string) error { return s.Doveadm(stdin, args...) }

// deliver saves messages into a mailbox as an MTA's local delivery would.
func (s *dcServer) deliver(tb testing.TB, user, mailbox string, raws ...[]byte) {
	tb.Helper()
	if err := s.Deliver(user, mailbox, raws...); err != nil {
		tb.Fatal(err)
	}
}

// appendIMAP stores many messages quickly over one IMAP connection.
func (s *dcServer) appendIMAP(tb testing.TB, user, mailbox string, raws ...[]byte) {
	tb.Helper()
	if err := s.Append(user, mailbox, raws...); err != nil {
		tb.Fatal(err)
	}
}

func (s *dcServer) client(tb testing.TB, user string) *imapclient.Client {
	tb.Helper()
	c, err := s.Client(user)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// status returns a mailbox's UIDVALIDITY and how many messages lack \Seen.
func (s *dcServer) status(tb testing.TB, user, mailbox string) (uidValidity uint32, messages, unseen int) {
	tb.Helper()
	c := s.client(tb, user)
	defer c.Close()
	st, err := c.Status(mailbox, &imap.StatusOptions{UIDValidity: true, NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		tb.Fatal(err)
	}
	return st.UIDValidity, int(*st.NumMessages), int(*st.NumUnseen)
}

// ---- SMTP ----

// smtpMsg is one message kefu handed to the SMTP server.
type smtpMsg struct {
	From string
	To   []string
	Data []byte
}

// smtpSink is a local SMTP server keeping what it gets. With deliverTo
// set it is also the mail exchanger: mail to those addresses is saved into
// the mapped Dovecot mailbox.
type smtpSink struct {
	addr string
	srv  *smtp.Server
	mu   sync.Mutex
	msgs []smtpMsg
	// deliver maps recipient addresses to Dovecot users.
	dc        *dcServer
	deliverTo map[string]string
	errs      []error
}

func newSMTPSink(tb testing.TB) *smtpSink {
	tb.Helper()
	k := &smtpSink{}
	k.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{k: k}, nil }))
	k.srv.Domain = "mx.capture.test"
	k.srv.AllowInsecureAuth = true
	k.srv.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	k.addr = l.Addr().String()
	go k.srv.Serve(l)
	tb.Cleanup(func() {
		k.srv.Close()
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, err := range k.errs {
			tb.Errorf("mail exchanger: %v", err)
		}
	})
	return k
}

func (k *smtpSink) all() []smtpMsg {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]smtpMsg(nil), k.msgs...)
}

// to returns the parsed messages sent to addr, in order.
func (k *smtpSink) to(tb testing.TB, addr string) []*sentMail {
	tb.Helper()
	var out []*sentMail
	for _, m := range k.all() {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, parseSent(tb, m))
			}
		}
	}
	return out
}

// wait polls until addr received at least n messages and returns them.
func (k *smtpSink) wait(tb testing.TB, addr string, n int, what string) []*sentMail {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if got := k.to(tb, addr); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s: %d mails to %s, want %d", what, len(k.to(tb, addr)), addr, n)
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
}

type sinkSession struct {
	k    *smtpSink
	from string
	to   []string
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := smtpMsg{From: s.from, To: s.to, Data: b}
	s.k.mu.Lock()
	s.k.msgs = append(s.k.msgs, m)
	dc, to := s.k.dc, s.k.deliverTo
	s.k.mu.Unlock()
	for _, rcpt := range m.To {
		if u, ok := to[strings.ToLower(rcpt)]; ok && dc != nil {
			if err := dc.doveadmErr(m.Data, "save", "-u", u, "-m", "INBOX"); err != nil {
				s.k.mu.Lock()
				s.k.errs = append(s.k.errs, err)
				s.k.mu.Unlock()
			}
		}
	}
	return nil
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

// sentMail is a captured reply, parsed as a mail client would.
type sentMail struct {
	Header  mail.Header
	Subject string
	ID      string // Message-ID without brackets
	Text    string
	HTML    string
	Parts   []string // content types of the leaves
	Raw     []byte
}

func parseSent(tb testing.TB, m smtpMsg) *sentMail {
	tb.Helper()
	r, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		tb.Fatalf("captured mail does not parse: %v\n%s", err, m.Data)
	}
	s := &sentMail{Header: r.Header, Raw: m.Data}
	if s.Subject, err = r.Header.Subject(); err != nil {
		tb.Fatalf("subject: %v", err)
	}
	s.ID, _ = r.Header.MessageID()
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("captured mail part: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, _ := io.ReadAll(p.Body)
		s.Parts = append(s.Parts, ct)
		switch ct {
		case "text/plain":
			s.Text += string(b)
		case "text/html":
			s.HTML += string(b)
		}
	}
	return s
}

// msgIDs returns a header's message ids, without brackets.
func (s *sentMail) msgIDs(key string) []string {
	ids, _ := s.Header.MsgIDList(key)
	return ids
}

// ---- building customer mail ----

// custMail is a customer's mail; Raw renders it.
type custMail struct {
	From, FromName string
	To             string
	Subject        string
	MessageID      string // without brackets
	InReplyTo      []string
	References     []string
	Headers        map[string]string
	Text           string
	GBK            bool // the body in GBK, as many Chinese mail clients send it
	Attachments    []custAttachment
}

type custAttachment struct {
	Name, ContentType string
	Data              []byte
}

func (c custMail) Raw() []byte {
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{{Name: c.FromName, Address: c.From}})
	to := c.To
	if to == "" {
		to = "service@kefu.test"
	}
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject(c.Subject)
	h.SetDate(time.Now())
	if c.MessageID != "" {
		h.SetMessageID(c.MessageID)
	}
	if len(c.InReplyTo) > 0 {
		h.SetMsgIDList("In-Reply-To", c.InReplyTo)
	}
	if len(c.References) > 0 {
		h.SetMsgIDList("References", c.References)
	}
	for k, v := range c.Headers {
		h.Set(k, v)
	}
	h.Set("MIME-Version", "1.0")
	body := strings.ReplaceAll(strings.ReplaceAll(c.Text, "\r\n", "\n"), "\n", "\r\n") + "\r\n"
	cs := "utf-8"
	if c.GBK {
		b, err := simplifiedchinese.GBK.NewEncoder().String(body)
		if err != nil {
			panic(err)
		}
		body, cs = b, "gbk"
	}
	textHeader := "Content-Type: text/plain; charset=" + cs + "\r\nContent-Transfer-Encoding: 8bit\r\n"
	var buf bytes.Buffer
	if len(c.Attachments) > 0 {
		h.Set("Content-Type", `multipart/mixed; boundary="b1"`)
	} else {
		for _, l := range strings.Split(strings.TrimSpace(textHeader), "\r\n") {
			k, v, _ := strings.Cut(l, ": ")
			h.Set(k, v)
		}
	}
	for f := h.Fields(); f.Next(); {
		raw, err := f.Raw()
		if err != nil {
			panic(err)
		}
		buf.Write(raw)
	}
	buf.WriteString("\r\n")
	if len(c.Attachments) == 0 {
		buf.WriteString(body)
		return buf.Bytes()
	}
	buf.WriteString("--b1\r\n" + textHeader + "\r\n" + body)
	for _, a := range c.Attachments {
		buf.WriteString("--b1\r\nContent-Type: " + a.ContentType + "\r\nContent-Transfer-Encoding: base64\r\n" +
			"Content-Disposition: attachment; filename*=UTF-8''" + url.PathEscape(a.Name) + "\r\n\r\n" +
			base64.StdEncoding.EncodeToString(a.Data) + "\r\n")
	}
	buf.WriteString("--b1--\r\n")
	return buf.Bytes()
}

// replyTo is the customer answering our mail in its thread, as a mail
// client does: Re: our subject, In-Reply-To our Message-ID, References
// extended, our text quoted below.
func replyTo(ours *sentMail, from, id, text string) custMail {
	refs := append(ours.msgIDs("References"), ours.ID)
	var quoted strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(ours.Text), "\n") {
		quoted.WriteString("> " + l + "\n")
	}
	subj := ours.Subject
	if !strings.HasPrefix(strings.ToLower(subj), "re:") {
		subj = "Re: " + subj
	}
	return custMail{From: from, Subject: subj, MessageID: id, InReplyTo: []string{ours.ID}, References: refs,
		Text: text + "\n\nOn " + time.Now().Format(time.RFC1123Z) + ", 客服 <service@kefu.test> wrote:\n" + quoted.String()}
}

func readChannelEML(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "channels", "email", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ---- the running program ----

type emEnv struct {
	dc    *dcServer
	user  string // Dovecot user kefu reads
	smtp  *smtpSink
	dbURL string
	// spoolDir is the process's spool, the same across restarts.
	spoolDir string
	m        *Main
	base     string
	staff    string
	logs     *syncLog
	mod      func(*configs.Config)
	now      func() time.Time // nil: the real clock
}

type emOpts struct {
	dbURL string
	dc    *dcServer // nil: a new one
	smtp  *smtpSink // nil: a new one
	user  string    // default u1
	mod   func(*configs.Config)
	now   func() time.Time // nil: the real clock
}

// startEmail runs `kefu serve` with the email channel reading a Dovecot
// mailbox and sending through the capture server.
func startEmail(tb testing.TB, o emOpts) *emEnv {
	tb.Helper()
	e := &emEnv{dc: o.dc, smtp: o.smtp, user: o.user, dbURL: o.dbURL, spoolDir: tb.TempDir(), logs: &syncLog{}, mod: o.mod, now: o.now}
	if e.dc == nil {
		e.dc = startDovecot(tb)
	}
	if e.smtp == nil {
		e.smtp = newSMTPSink(tb)
	}
	if e.user == "" {
		e.user = "u1"
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("kefu log:\n%s", e.logs.String())
		}
	})
	e.start(tb)
	_, tok, err := e.m.Service().Team().UserAdd(context.Background(), "李主管", cases.RoleSupervisor, cases.DeptCustomerService)
	if err != nil {
		tb.Fatal(err)
	}
	e.staff = tok
	return e
}

func (e *emEnv) config() configs.Config {
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = e.dbURL
	cfg.Server.SpoolDir = e.spoolDir
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	cfg.Email = email.Config{
		Enabled: true, Address: "service@kefu.test", DisplayName: "客服",
		IMAP: email.IMAPConfig{Addr: e.dc.addr, Security: email.Plain, AllowInsecure: true, Username: e.user, Password: "secret",
			PollInterval: 2 * time.Second, BatchSize: 5, ReconnectMin: 50 * time.Millisecond, ReconnectMax: 500 * time.Millisecond},
		SMTP: email.SMTPConfig{Addr: e.smtp.addr, Security: email.Plain, AllowInsecure: true, Timeout: 10 * time.Second},
	}
	if e.mod != nil {
		e.mod(&cfg)
	}
	return cfg
}

// start runs a new process on the same database, mailbox and SMTP server.
func (e *emEnv) start(tb testing.TB) {
	tb.Helper()
	cfg := e.config()
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("test config: %v", err)
	}
	m := NewMain(cfg, e.logs)
	if e.now != nil {
		m.Now = e.now
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	e.m, e.base = m, "http://"+m.Addr()
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
}

// restart stops the running process (as Close does on SIGTERM) and starts
// another.
func (e *emEnv) restart(tb testing.TB) {
	tb.Helper()
	if err := e.m.Close(); err != nil {
		tb.Fatalf("close: %v", err)
	}
	e.start(tb)
}

func (e *emEnv) deliver(tb testing.TB, raws ...[]byte) { e.dc.deliver(tb, e.user, "INBOX", raws...) }

func (e *emEnv) staffGet(tb testing.TB, path string, out any) {
	tb.Helper()
	staffRequest(tb, nil, e.base, e.staff, "GET", path, "", out)
}

type emMessage struct {
	Direction string `json:"direction"`
	Text      string `json:"text"`
	Kind      string `json:"kind"`
}

func (e *emEnv) listCases(tb testing.TB) []apiCase {
	tb.Helper()
	var out struct {
		Cases []apiCase `json:"cases"`
	}
	e.staffGet(tb, "/api/v1/cases", &out)
	return out.Cases
}

func (e *emEnv) caseDetail(tb testing.TB, id int64) (apiCase, []apiChange, []emMessage) {
	tb.Helper()
	var out struct {
		Case     apiCase     `json:"case"`
		History  []apiChange `json:"history"`
		Messages []emMessage `json:"messages"`
	}
	e.staffGet(tb, fmt.Sprintf("/api/v1/cases/%d", id), &out)
	return out.Case, out.History, out.Messages
}

// conversation returns the stored email conversation of addr and its
// messages; ok is false when there is none.
func (e *emEnv) conversation(tb testing.TB, addr string) (service.Conversation, []channels.StoredMessage, bool) {
	tb.Helper()
	ctx := context.Background()
	conv, err := e.m.store.ConversationFind(ctx, channels.Email, addr)
	if cases.ErrorCode(err) == cases.ENotFound {
		return service.Conversation{}, nil, false
	}
	if err != nil {
		tb.Fatalf("conversation of %s: %v", addr, err)
	}
	msgs, err := e.m.store.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return conv, msgs, true
}

// inbound returns the mail stored from addr.
func (e *emEnv) inbound(tb testing.TB, addr string) []channels.StoredMessage {
	tb.Helper()
	_, msgs, _ := e.conversation(tb, addr)
	var out []channels.StoredMessage
	for _, m := range msgs {
		if m.Direction == "in" {
			out = append(out, m)
		}
	}
	return out
}

// waitInbound polls until n mails from addr are stored.
func (e *emEnv) waitInbound(tb testing.TB, addr string, n int) []channels.StoredMessage {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if in := e.inbound(tb, addr); len(in) >= n {
			return in
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %d stored mails from %s, have %d", n, addr, len(e.inbound(tb, addr)))
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
}

// quiet waits until the outbox has nothing left to send: every reply the
// stored mail caused went to the SMTP server.
func (e *emEnv) quiet(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := e.m.store.OutboxPending(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox still has %d rows pending", n)
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
}

// settled waits until the mailbox has no unseen mail (everything in it is
// committed) and the outbox is empty.
func (e *emEnv) settled(tb testing.TB, mailbox string) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, _, unseen := e.dc.status(tb, e.user, mailbox); unseen == 0 {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mail in %s still unseen", mailbox)
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
	e.quiet(tb)
}

// position reads the mailbox position kefu committed.
func (e *emEnv) position(tb testing.TB, mailbox string) email.Position {
	tb.Helper()
	cfg := e.config().Email
	st := emailStore{st: e.m.store, prefix: cfg.IMAP.Username + "@" + cfg.IMAP.Addr, now: time.Now}
	p, err := st.Load(context.Background(), mailbox)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
