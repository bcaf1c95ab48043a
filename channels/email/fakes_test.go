package email

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/kefu-dev/kefu/channels"
)

// fakeInbox stores messages once per ExternalMessageID, as the service
// does, and counts every call.
type fakeInbox struct {
	mu       sync.Mutex
	stored   []channels.Inbound
	seen     map[string]bool
	calls    int
	dups     int
	rejected []string
	// before, if set, runs first inside Receive; an error fails the call
	// (nothing stored).
	before func(ctx context.Context, in channels.Inbound) error
	// bot, if set, gets each newly stored message that is not an event,
	// as the dialog would (after Receive returns, like the outbox).
	bot chan channels.Inbound
}

// quietLogger drops the channel's logs; set EMAIL_TEST_LOG to see them.
func quietLogger() *slog.Logger {
	if os.Getenv("EMAIL_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newFakeInbox() *fakeInbox { return &fakeInbox{seen: map[string]bool{}} }

func (f *fakeInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	if f.before != nil {
		if err := f.before(ctx, in); err != nil {
			return channels.Receipt{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.seen[in.ExternalMessageID] {
		f.dups++
		return channels.Receipt{ConversationID: 1, Duplicate: true}, nil
	}
	f.seen[in.ExternalMessageID] = true
	f.stored = append(f.stored, in)
	if f.bot != nil && !strings.HasPrefix(in.Choice, "event:") {
		f.bot <- in
	}
	return channels.Receipt{ConversationID: 1, MessageID: int64(len(f.stored))}, nil
}

func (f *fakeInbox) Reject(_ context.Context, _ channels.ID, reason string, _ []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejected = append(f.rejected, reason)
}

func (f *fakeInbox) snapshot() (stored []channels.Inbound, calls, dups int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]channels.Inbound(nil), f.stored...), f.calls, f.dups
}

func (f *fakeInbox) byID(id string) (channels.Inbound, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, in := range f.stored {
		if in.ExternalMessageID == id {
			return in, true
		}
	}
	return channels.Inbound{}, false
}

// captured is one message the SMTP capture server accepted.
type captured struct {
	From string
	To   []string
	Data []byte
}

// smtpCapture is a local SMTP server (go-smtp's server package) that keeps
// what it gets, optionally hands it on (to Dovecot), and rejects
// recipients in reject with 550.
type smtpCapture struct {
	addr     string
	srv      *smtp.Server
	mu       sync.Mutex
	msgs     []captured
	reject   map[string]bool
	onData   func(c captured)
	authed   []string
	needAuth bool
}

func newSMTPCapture(t testing.TB) *smtpCapture {
	t.Helper()
	c := &smtpCapture{reject: map[string]bool{}}
	c.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &captureSession{c: c}, nil }))
	c.srv.Domain = "capture.test"
	c.srv.AllowInsecureAuth = true
	c.srv.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = l.Addr().String()
	go c.srv.Serve(l)
	t.Cleanup(func() { c.srv.Close() })
	return c
}

func (c *smtpCapture) messages() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.msgs...)
}

type captureSession struct {
	c      *smtpCapture
	from   string
	to     []string
	authed bool
}

func (s *captureSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *captureSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != "smtp-secret" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		s.authed = true
		s.c.mu.Lock()
		s.c.authed = append(s.c.authed, user)
		s.c.mu.Unlock()
		return nil
	}), nil
}

func (s *captureSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.c.needAuth && !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.from = from
	return nil
}

func (s *captureSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.c.mu.Lock()
	rej := s.c.reject[to]
	s.c.mu.Unlock()
	if rej {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *captureSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := captured{From: s.from, To: s.to, Data: bytes.Clone(b)}
	s.c.mu.Lock()
	s.c.msgs = append(s.c.msgs, m)
	on := s.c.onData
	s.c.mu.Unlock()
	if on != nil {
		on(m)
	}
	return nil
}

func (s *captureSession) Reset()        { s.from, s.to = "", nil }
func (s *captureSession) Logout() error { return nil }
