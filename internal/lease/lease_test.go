package lease_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-dev/kefu/internal/lease"
	"github.com/kefu-dev/kefu/store/storetest"
)

// lockers are the two kinds, each on its own fresh place.
func lockers(t *testing.T) map[string]lease.Locker {
	return map[string]lease.Locker{
		"file":     lease.File{Dir: t.TempDir()},
		"postgres": lease.Postgres{URL: storetest.PostgresDB(t)},
	}
}

func TestOneHolderAtATime(t *testing.T) {
	t.Parallel()
	for name, l := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, ok, err := l.TryLock(ctx, "telegram:bot")
			if err != nil || !ok {
				t.Fatalf("first: %v %v", ok, err)
			}
			if _, ok, err := l.TryLock(ctx, "telegram:bot"); err != nil || ok {
				t.Fatalf("second while held: %v %v", ok, err)
			}
			other, ok, err := l.TryLock(ctx, "email:box")
			if err != nil || !ok {
				t.Fatalf("another name: %v %v", ok, err)
			}
			other.Release()
			if err := a.Check(ctx); err != nil {
				t.Errorf("check while held: %v", err)
			}
			a.Release()
			b, ok, err := l.TryLock(ctx, "telegram:bot")
			if err != nil || !ok {
				t.Fatalf("after release: %v %v", ok, err)
			}
			b.Release()
		})
	}
}

// TestRunHandsOver: two processes' loops share one lease; the work never
// runs twice at once, and when the holder stops the other takes over.
func TestRunHandsOver(t *testing.T) {
	t.Parallel()
	for name, l := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			var running, overlap atomic.Int32
			started := make(chan string, 10)
			work := func(who string) func(context.Context) error {
				return func(ctx context.Context) error {
					if running.Add(1) > 1 {
						overlap.Add(1)
					}
					defer running.Add(-1)
					started <- who
					<-ctx.Done()
					return nil
				}
			}
			o := lease.Options{Retry: 50 * time.Millisecond, Check: 50 * time.Millisecond}
			ctxA, stopA := context.WithCancel(context.Background())
			ctxB, stopB := context.WithCancel(context.Background())
			defer stopB()
			doneA := make(chan error)
			go func() { doneA <- lease.Run(ctxA, l, "telegram:bot", o, work("a")) }()
			if who := <-started; who != "a" {
				t.Fatalf("%s started first", who)
			}
			go lease.Run(ctxB, l, "telegram:bot", o, work("b"))
			select {
			case who := <-started:
				t.Fatalf("%s started while a held the lease", who)
			case <-time.After(300 * time.Millisecond): // b tried several times
			}
			stopA()
			<-doneA
			select {
			case who := <-started:
				if who != "b" {
					t.Fatalf("%s took over", who)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("b did not take over")
			}
			if overlap.Load() != 0 {
				t.Errorf("the work ran twice at once")
			}
		})
	}
}

// TestLostSessionStopsTheWork: when the database ends the holder's session
// (a failover, an operator), the holder stops its work before another
// process can take the lease.
func TestLostSessionStopsTheWork(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresDB(t)
	l := lease.Postgres{URL: url}
	stopped := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	holding := make(chan struct{})
	go lease.Run(ctx, l, "email:box", lease.Options{Retry: time.Hour, Check: 50 * time.Millisecond}, func(ctx context.Context) error {
		close(holding)
		<-ctx.Done()
		stopped <- context.Cause(ctx)
		return nil
	})
	<-holding
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.ConnectConfig(context.Background(), cfg.ConnConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
		t.Fatal(err)
	}
	select {
	case cause := <-stopped:
		if cause == nil || cause == context.Canceled {
			t.Errorf("work stopped without the lease being lost: %v", cause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the work went on after its session ended")
	}
}

// TestKilledHolderIsTakenOver: a process holding the lease is killed
// with SIGKILL (no cleanup of its own); the lease is free within seconds.
func TestKilledHolderIsTakenOver(t *testing.T) {
	t.Parallel()
	for name, l := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLease$")
			env := append(os.Environ(), "KEFU_LEASE_HELPER=1")
			switch l := l.(type) {
			case lease.File:
				env = append(env, "KEFU_LEASE_DIR="+l.Dir)
			case lease.Postgres:
				env = append(env, "KEFU_LEASE_PG="+l.URL)
			}
			cmd.Env = env
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() }) // a helper that never holds fails the test, not hangs it
			sc := bufio.NewScanner(out)
			for sc.Scan() && sc.Text() != "holding" {
			}
			if sc.Err() != nil {
				t.Fatal(sc.Err())
			}
			if _, ok, _ := l.TryLock(context.Background(), "telegram:bot"); ok {
				t.Fatal("the lease was free while the helper held it")
			}
			cmd.Process.Kill() // SIGKILL
			cmd.Wait()
			deadline := time.Now().Add(10 * time.Second)
			for {
				h, ok, err := l.TryLock(context.Background(), "telegram:bot")
				if ok {
					h.Release()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the killed holder's lease was not free after 10 s: %v", err)
				}
				time.Sleep(100 * time.Millisecond) // polling a real peer, not asserting time
			}
		})
	}
}

// TestHelperHoldLease is the process TestKilledHolderIsTakenOver kills.
func TestHelperHoldLease(t *testing.T) {
	if os.Getenv("KEFU_LEASE_HELPER") != "1" {
		t.Skip("run by TestKilledHolderIsTakenOver")
	}
	var l lease.Locker = lease.File{Dir: os.Getenv("KEFU_LEASE_DIR")}
	if u := os.Getenv("KEFU_LEASE_PG"); u != "" {
		l = lease.Postgres{URL: u}
	}
	lease.Run(context.Background(), l, "telegram:bot", lease.Options{}, func(ctx context.Context) error {
		fmt.Println("holding")
		<-ctx.Done()
		return nil
	})
}
