package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/store/storetest"
)

// TestStreamOnAnotherProcess: a customer's page streams from one kefu
// process while their messages go to another (two processes behind a
// load balancer, one PostgreSQL). The streams' poll is set to an hour, so
// only a cross-process wake-up (LISTEN/NOTIFY) can bring the customer's
// own message and the bot's answer to the page during the test.
func TestStreamOnAnotherProcess(t *testing.T) {
	t.Parallel()
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = storetest.PostgresDB(t)
	cfg.Webchat.PollInterval = time.Hour
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	a, b := startProcess(t, cfg), startProcess(t, cfg)

	// The stream also re-reads at its 15 s keep-alive; waiting less than
	// that leaves a wake-up as the only way through.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const session = "wake-test-session-0001"
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+b.Addr()+"/api/webchat/stream?session="+session, nil)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	sc := bufio.NewScanner(stream.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "retry:") {
	}

	c := &chat{t: t, base: "http://" + a.Addr(), session: session}
	posted := time.Now()
	if r := c.post("你好，我家XQG100洗衣机昨天开始不脱水了"); r.StatusCode != http.StatusAccepted {
		t.Fatalf("post: %d", r.StatusCode)
	}
	var sawOwn, sawReply bool
	for sc.Scan() && !(sawOwn && sawReply) {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var msg channels.StoredMessage
		_ = json.Unmarshal([]byte(data), &msg)
		switch msg.Direction {
		case "in":
			if !sawOwn {
				t.Logf("own message on the other process's stream after %s", time.Since(posted).Round(time.Millisecond))
			}
			sawOwn = true
		case "out":
			if !sawReply {
				t.Logf("reply on the other process's stream after %s", time.Since(posted).Round(time.Millisecond))
			}
			sawReply = true
		}
	}
	if !sawOwn || !sawReply {
		t.Fatalf("the stream on the other process saw own=%v reply=%v (%v)", sawOwn, sawReply, sc.Err())
	}
}

// TestConsoleLiveOnAnotherProcess: a console connected to one process hears
// of a customer's message another process took in at once (LISTEN/NOTIFY),
// not at its fallback poll.
func TestConsoleLiveOnAnotherProcess(t *testing.T) {
	t.Parallel()
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = storetest.PostgresDB(t)
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	a, b := startProcess(t, cfg), startProcess(t, cfg)
	ctx := context.Background()
	u, _, err := b.Service().Team().UserAdd(ctx, "王芳", cases.RoleSpecialist, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Service().Team().UserSetPassword(ctx, u.ID, "wangfang", "correct-horse-battery-1"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm("http://"+b.Addr()+"/console/login", url.Values{"login": {"wangfang"}, "password": {"correct-horse-battery-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, "GET", "http://"+b.Addr()+"/console/events", nil)
	stream, err := hc.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("console events: %v %v", err, stream)
	}
	defer stream.Body.Close()
	sc := bufio.NewScanner(stream.Body)
	var first string
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			first = d
			break
		}
	}
	c := &chat{t: t, base: "http://" + a.Addr(), session: "console-live-0001"}
	posted := time.Now()
	if r := c.post("你好，我家XQG100洗衣机昨天开始不脱水了"); r.StatusCode != http.StatusAccepted {
		t.Fatalf("post: %d", r.StatusCode)
	}
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && d != first {
			// The fallback poll is 5 s: well under it, only the signal explains it.
			if took := time.Since(posted); took > 2*time.Second {
				t.Fatalf("the other process's console heard of the message after %s", took)
			} else {
				t.Logf("the other process's console heard of the message after %s", took.Round(time.Millisecond))
			}
			return
		}
	}
	t.Fatalf("no change on the other process's console: %v", sc.Err())
}

// startProcess runs one more kefu process on cfg's database, with a spool
// directory of its own.
func startProcess(t *testing.T, cfg configs.Config) *Main {
	t.Helper()
	cfg.Server.SpoolDir = t.TempDir()
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
