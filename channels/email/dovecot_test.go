package email

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/kefu-dev/kefu/internal/dovecottest"
)

// dovecotServer is a throwaway Dovecot for this test binary: its own
// config, users, ports and directories under /tmp, started on first use
// and stopped by TestMain. Dovecot refuses to run mail processes as root,
// so mail belongs to nobody, and every parent of its directory must be
// readable by nobody (t.TempDir() is not).
type dovecotServer struct {
	*dovecottest.Server
	conf  string
	addr  string
	users atomic.Int64
}

// testEnv holds what TestMain sets up; tests reach it through dovecot(t).
type testEnv struct {
	once sync.Once
	srv  *dovecotServer
	err  error
}

// env is the test binary's one shared server, stopped by TestMain.
var env testEnv

func TestMain(m *testing.M) {
	code := m.Run()
	if env.srv != nil {
		env.srv.stop()
	}
	os.Exit(code)
}

// dovecot returns the running server, starting it (and installing Dovecot
// if missing) on first use. It fails the test if that is impossible: a
// test that silently skips is no test of the IMAP code.
func dovecot(t testing.TB) *dovecotServer {
	t.Helper()
	env.once.Do(func() { env.srv, env.err = startDovecot() })
	if env.err != nil {
		t.Fatalf("dovecot: %v", env.err)
	}
	return env.srv
}

func startDovecot() (*dovecotServer, error) {
	srv, err := dovecottest.Start(maxTestUsers)
	if err != nil {
		return nil, err
	}
	return &dovecotServer{Server: srv, conf: srv.Conf, addr: srv.Addr}, nil
}

func (s *dovecotServer) stop() { s.Stop() }

const maxTestUsers = 500

// user hands out a fresh mail user, so parallel tests do not share a
// mailbox.
func (s *dovecotServer) user(t testing.TB) string {
	t.Helper()
	n := s.users.Add(1)
	if n > maxTestUsers {
		t.Fatalf("more than %d test users", maxTestUsers)
	}
	return fmt.Sprintf("u%d", n)
}

func (s *dovecotServer) doveadm(t testing.TB, stdin []byte, args ...string) {
	t.Helper()
	if err := s.Doveadm(stdin, args...); err != nil {
		t.Fatal(err)
	}
}

// deliver saves raw messages into a user's mailbox, as an MTA would.
func (s *dovecotServer) deliver(t testing.TB, user, mailbox string, raws ...[]byte) {
	t.Helper()
	if err := s.Deliver(user, mailbox, raws...); err != nil {
		t.Fatal(err)
	}
}

// appendIMAP stores many messages quickly over IMAP APPEND (doveadm save
// starts a process per message).
func (s *dovecotServer) appendIMAP(t testing.TB, user, mailbox string, raws ...[]byte) {
	t.Helper()
	if err := s.Append(user, mailbox, raws...); err != nil {
		t.Fatal(err)
	}
}

// config is a channel Config reading the user's mailbox.
func (s *dovecotServer) config(user string) Config {
	return Config{
		Address: "service@kefu.test",
		IMAP: IMAPConfig{Addr: s.addr, Security: Plain, AllowInsecure: true, Username: user, Password: "secret",
			PollInterval: time.Hour, ReconnectMin: 50 * time.Millisecond, ReconnectMax: time.Second},
		SMTP: SMTPConfig{Addr: "127.0.0.1:1", Security: Plain, AllowInsecure: true},
	}
}

// client is the test's own IMAP connection, to look at flags and folders.
func (s *dovecotServer) client(t testing.TB, user string) *imapclient.Client {
	t.Helper()
	c, err := s.Client(user)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// flags returns the flags of every message in a mailbox, by UID.
func (s *dovecotServer) flags(t testing.TB, user, mailbox string) map[imap.UID][]imap.Flag {
	t.Helper()
	c := s.client(t, user)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil && !strings.Contains(err.Error(), "Invalid messageset") {
		t.Fatal(err)
	}
	out := map[imap.UID][]imap.Flag{}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

func hasFlag(fs []imap.Flag, f imap.Flag) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
