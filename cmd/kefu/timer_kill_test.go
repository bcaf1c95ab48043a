package main

// Timers survive a crash promptly (issue 12): a `kefu serve` process is
// killed with SIGKILL while a timer's job is running; the next process
// fires that timer once, within a minute of its start. This is the one
// durability test that waits on River in real time (its rescuer runs on
// the leader every 30 s and the leader lease of the killed process must
// expire first): about 20-50 s. SLA logic itself is tested with fake
// clocks elsewhere.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestKefuServeChild is not a test: it is `kefu serve` in a child process
// of TestTimerFiresAfterKill, which can kill it for real.
func TestKefuServeChild(t *testing.T) {
	if os.Getenv("KEFU_H12B_CHILD") != "1" {
		t.Skip("the child process of TestTimerFiresAfterKill")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, []string{"serve"}, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kefu serve:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// kefuChild is one `kefu serve` process.
type kefuChild struct {
	cmd *exec.Cmd
	log *syncLog
}

func startKefuChild(t *testing.T, addr, dbURL, spoolDir string, env ...string) *kefuChild {
	t.Helper()
	c := &kefuChild{log: &syncLog{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestKefuServeChild$")
	c.cmd.Env = append(os.Environ(), "KEFU_H12B_CHILD=1", "KEFU_SERVER_ADDR="+addr, "KEFU_DATABASE_URL="+dbURL,
		"KEFU_SERVER_SPOOL_DIR="+spoolDir,
		"KEFU_DIALOG_REMINDER_AFTER=2s", "KEFU_OUTBOX_POLL_INTERVAL=50ms")
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Signal(syscall.SIGTERM)
			c.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("kefu (pid %d) log:\n%s", c.cmd.Process.Pid, c.log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("kefu serve did not come up on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond) // polling a starting process
	}
}

func TestTimerFiresAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's rescuer in real time (20-50 s)")
	}
	t.Parallel()
	ctx := context.Background()
	dbURL := testPostgres(t)
	addr := freeAddr(t)
	spoolDir := t.TempDir() // the restarted process takes over the killed one's
	a := startKefuChild(t, addr, dbURL, spoolDir)

	// A customer starts an intake: the bot asks and schedules its
	// reminder (dialog.reminder_after, 2 s here).
	const session = "timer-kill-session-01"
	body := []byte(`{"session":"` + session + `","client_message_id":"m1","text":"你好，冰箱不制冷了"}`)
	if code, b := postWebChat(t, "http://"+addr, body); code != http.StatusAccepted {
		t.Fatalf("post: %d %s", code, b)
	}

	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	// Hold the conversation's lock, as a slow step would: the reminder's
	// job starts and waits for it, and the process is killed meanwhile.
	hold, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(ctx)
	if _, err := hold.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "conv:webchat:"+session); err != nil {
		t.Fatal(err)
	}
	var jobID int64
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := pool.QueryRow(ctx, `SELECT id FROM river_job WHERE kind = 'kefu_timer' AND state = 'running'
			AND args->>'name' = 'intake_reminder'`).Scan(&jobID)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reminder's job never ran: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // polling River's table
	}
	if err := a.cmd.Process.Kill(); err != nil { // SIGKILL: nothing is flushed
		t.Fatal(err)
	}
	a.cmd.Wait()
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	var restart time.Time
	if err := pool.QueryRow(ctx, `SELECT now()`).Scan(&restart); err != nil {
		t.Fatal(err)
	}
	startKefuChild(t, addr, dbURL, spoolDir)
	var (
		state     string
		attempt   int
		finalized *time.Time
	)
	deadline = time.Now().Add(2 * time.Minute)
	for {
		if err := pool.QueryRow(ctx, `SELECT state, attempt, finalized_at FROM river_job WHERE id = $1`, jobID).Scan(&state, &attempt, &finalized); err != nil {
			t.Fatal(err)
		}
		if state == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed process's reminder job is still %s %s after the restart", state, time.Since(restart.Local()).Round(time.Second))
		}
		time.Sleep(200 * time.Millisecond) // polling River's table
	}
	late := finalized.Sub(restart)
	t.Logf("the reminder fired %s after the restart (attempt %d)", late.Round(time.Millisecond), attempt)
	if late > time.Minute {
		t.Errorf("the reminder fired %s after the restart, want within a minute", late)
	}
	if attempt != 2 {
		t.Errorf("the job ran %d times, want twice: the killed attempt and one more", attempt)
	}
	// Fired once: one reminder queued for the customer (the killed
	// attempt's transaction never committed).
	var reminders int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox o JOIN conversations c ON c.id = o.conversation_id
		WHERE c.external_user_id = $1 AND o.kind = 'reminder'`, session).Scan(&reminders); err != nil {
		t.Fatal(err)
	}
	if reminders != 1 {
		t.Errorf("%d reminders queued, want exactly one", reminders)
	}
	if strings.Contains(a.log.String(), "panic") {
		t.Errorf("the first process panicked:\n%s", a.log.String())
	}
}
