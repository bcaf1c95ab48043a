package email

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// dovecotServer is a throwaway Dovecot for this test binary: its own
// config, users, ports and directories under /tmp, started on first use
// and stopped by TestMain. Dovecot refuses to run mail processes as root,
// so mail belongs to nobody, and every parent of its directory must be
// readable by nobody (t.TempDir() is not).
type dovecotServer struct {
	dir    string
	conf   string
	passwd string
	addr   string
	cmd    *exec.Cmd
	users  atomic.Int64
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

func ensureDovecotInstalled() error {
	if _, err := exec.LookPath("dovecot"); err == nil {
		if _, err := exec.LookPath("doveadm"); err == nil {
			return nil
		}
	}
	script, err := filepath.Abs("dovecot_install.sh")
	if err != nil {
		return err
	}
	out, err := exec.Command("sh", script).CombinedOutput()
	if err != nil {
		return fmt.Errorf("install dovecot-imapd (%s): %v\n%s", script, err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startDovecot() (*dovecotServer, error) {
	if err := ensureDovecotInstalled(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("/tmp", "kefu-dovecot-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	for _, d := range []string{"run", "state", "mail"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	// Mail processes run as nobody and create the users' maildirs here.
	if err := os.Chmod(filepath.Join(dir, "mail"), 0o777); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &dovecotServer{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), passwd: filepath.Join(dir, "passwd"),
		addr: "127.0.0.1:" + strconv.Itoa(port)}
	// Users are made up front: Dovecot notices a changed passwd-file by its
	// mtime, which misses appends within the same second.
	var users strings.Builder
	for i := 1; i <= maxTestUsers; i++ {
		fmt.Fprintf(&users, "u%d:{PLAIN}secret::::::\n", i)
	}
	if err := os.WriteFile(s.passwd, []byte(users.String()), 0o644); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`instance_name = %[1]s
base_dir = %[1]s/run
state_dir = %[1]s/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
log_path = %[1]s/dovecot.log
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
`, dir, port)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		return nil, err
	}
	// -F keeps the master in the foreground so the test owns the process;
	// output goes to a file, or the test would wait on the inherited pipe.
	s.cmd = exec.Command("dovecot", "-F", "-c", s.conf)
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dovecot: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			so, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			s.stop()
			return nil, fmt.Errorf("dovecot did not listen on %s: %v\n%s\n%s", s.addr, err, so, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *dovecotServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = exec.Command("doveadm", "-c", s.conf, "stop").Run()
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	_ = os.RemoveAll(s.dir)
}

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
	cmd := exec.Command("doveadm", append([]string{"-c", s.conf}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("doveadm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// deliver saves raw messages into a user's mailbox, as an MTA would.
func (s *dovecotServer) deliver(t testing.TB, user, mailbox string, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		s.doveadm(t, raw, "save", "-u", user, "-m", mailbox)
	}
}

// appendIMAP stores many messages quickly over IMAP APPEND (doveadm save
// starts a process per message).
func (s *dovecotServer) appendIMAP(t testing.TB, user, mailbox string, raws ...[]byte) {
	t.Helper()
	c := s.client(t, user)
	for _, raw := range raws {
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
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
	c, err := imapclient.DialInsecure(s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, "secret").Wait(); err != nil {
		t.Fatal(err)
	}
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
