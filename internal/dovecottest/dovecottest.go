// Package dovecottest runs a throwaway Dovecot IMAP server for tests (the
// email channel's and the end-to-end tests of kefu serve): its own config,
// users, port and directories under /tmp, so the system service and
// configuration are untouched. Dovecot refuses to run mail processes as
// root, so mail belongs to nobody and every parent of the directory is
// readable by nobody (a test's TempDir is not). Dovecot is installed from
// Debian's packages when missing (channels/email/dovecot_install.sh).
package dovecottest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Password is every test user's password; users are u1 … uN.
const Password = "secret"

// Server is one running Dovecot.
type Server struct {
	Dir  string
	Conf string
	Addr string // host:port of plain IMAP
	cmd  *exec.Cmd
}

// EnsureInstalled installs dovecot-imapd with the project's script when
// dovecot or doveadm is missing.
func EnsureInstalled() error {
	if _, err := exec.LookPath("dovecot"); err == nil {
		if _, err := exec.LookPath("doveadm"); err == nil {
			return nil
		}
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "channels", "email", "dovecot_install.sh")
	if out, err := exec.Command("sh", script).CombinedOutput(); err != nil {
		return fmt.Errorf("install dovecot-imapd (%s): %v\n%s", script, err, out)
	}
	return nil
}

// Start installs (if needed) and starts a server with users u1 … uN. The
// caller stops it; an error means there is no server (tests must fail, not
// skip, on it).
func Start(users int) (*Server, error) {
	if err := EnsureInstalled(); err != nil {
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{Dir: dir, Conf: filepath.Join(dir, "dovecot.conf"), Addr: "127.0.0.1:" + strconv.Itoa(port)}
	// Users are made up front: Dovecot notices a changed passwd-file by its
	// mtime, which misses appends within the same second.
	var b strings.Builder
	for i := 1; i <= users; i++ {
		fmt.Fprintf(&b, "u%d:{PLAIN}%s::::::\n", i, Password)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(b.String()), 0o644); err != nil {
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
	if err := os.WriteFile(s.Conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		return nil, err
	}
	// Output goes to a file: an inherited pipe would keep `go test` waiting.
	s.cmd = exec.Command("dovecot", "-F", "-c", s.Conf)
	s.cmd.Stdout, s.cmd.Stderr = out, out
	// Should the test binary die without its cleanup, Dovecot goes too.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dovecot: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			so, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			s.Stop()
			return nil, fmt.Errorf("dovecot did not listen on %s: %v\n%s\n%s", s.Addr, err, so, log)
		}
		time.Sleep(20 * time.Millisecond) // waiting for the server to listen
	}
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	_ = exec.Command("doveadm", "-c", s.Conf, "stop").Run()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	_ = os.RemoveAll(s.Dir)
}

// Doveadm runs doveadm against this server.
func (s *Server) Doveadm(stdin []byte, args ...string) error {
	cmd := exec.Command("doveadm", append([]string{"-c", s.Conf}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("doveadm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Deliver saves messages into a mailbox as an MTA's local delivery would.
func (s *Server) Deliver(user, mailbox string, raws ...[]byte) error {
	for _, raw := range raws {
		if err := s.Doveadm(raw, "save", "-u", user, "-m", mailbox); err != nil {
			return err
		}
	}
	return nil
}

// Append stores many messages quickly over one IMAP connection.
func (s *Server) Append(user, mailbox string, raws ...[]byte) error {
	c, err := s.Client(user)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, raw := range raws {
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		if _, err := cmd.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// Client logs a user in over plain IMAP.
func (s *Server) Client(user string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, Password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
