package wechat

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
	"github.com/kefu-dev/kefu/store/storetest"
)

// The windows in kefu's own database (the default without Redis): the
// real stores, as cmd/kefu wires them.

func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStateWindowStoreSQLite(t *testing.T) {
	t.Parallel()
	st := openSQLite(t, filepath.Join(t.TempDir(), "kefu.db"))
	t.Cleanup(func() { st.Close() })
	exerciseWindowStore(t, NewStateWindowStore(st, "", time.Hour))
}

func TestStateWindowStorePostgres(t *testing.T) {
	t.Parallel()
	st, err := postgres.Open(t.Context(), storetest.PostgresDB(t), postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	exerciseWindowStore(t, NewStateWindowStore(st, "", time.Hour))
}

// TestRestartKeepsWindow: kefu restarts (a new store and a new channel on
// the same database file); the customer's window, its quota and the
// record of what was sent are still there, so WeChat delivery goes on and
// nothing already sent goes twice.
func TestRestartKeepsWindow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kefu.db")
	st := openSQLite(t, path)
	b := setup(t, setupOpts{options: func(o *Options) { o.Windows = NewStateWindowStore(st, "", 0) }})
	b.open(t)
	ctx := context.Background()
	for id := int64(1); id <= 2; id++ {
		if err := b.ch.Send(ctx, out(id, "重启前")); err != nil {
			t.Fatalf("Send %d before the restart: %v", id, err)
		}
	}
	b.ch.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2 := openSQLite(t, path)
	t.Cleanup(func() { st2.Close() })
	ch2, err := New(b.ch.cfg, b.inbox, Options{Windows: NewStateWindowStore(st2, "", 0), Now: b.clock.Now, After: b.clock.After})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	// Row 2 again, as after a lease expiry: recorded, so not resent.
	if err := ch2.Send(ctx, out(2, "重启前")); err != nil {
		t.Fatalf("resend of 2: %v", err)
	}
	for id := int64(3); id <= 5; id++ {
		if err := ch2.Send(ctx, out(id, "重启后")); err != nil {
			t.Fatalf("Send %d after the restart: %v", id, err)
		}
	}
	if n := len(b.api.callsTo(pathCustom)); n != 5 {
		t.Errorf("custom sends %d, want 5 (1 and 2 before, 3 to 5 after)", n)
	}
	// The quota carried over: 5 sends per customer message, all used.
	if r := refusal(t, ch2.Send(ctx, out(6, "第六条"))); !strings.Contains(r.Reason, "quota") {
		t.Errorf("refusal %q, want the quota used up", r.Reason)
	}
}

// TestPassiveReplyRecorded: a passive reply is recorded as sent by the
// request that wrote it, so the outbox row, tried again after a crash
// (lease expiry), sends nothing — not passively to the customer's next
// request, not by the API.
func TestPassiveReplyRecorded(t *testing.T) {
	t.Parallel()
	st := openSQLite(t, filepath.Join(t.TempDir(), "kefu.db"))
	t.Cleanup(func() { st.Close() })
	b := setup(t, setupOpts{options: func(o *Options) { o.Windows = NewStateWindowStore(st, "", 0) }})
	errs := b.replyOnFresh(t, "收到，正在为您登记。") // OutboxID 1
	r := b.client.do(t, req{body: readTestdata(t, "text.xml")})
	if x, ok := b.client.reply(t, r); !ok || x.Content != "收到，正在为您登记。" {
		t.Fatalf("passive reply %+v %v", x, ok)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	b.clock.WaitAfter(t, 1) // the first request's wait, so the next counts the second's
	// The customer writes again and a request waits; the old row comes
	// back meanwhile.
	b.inbox.mu.Lock()
	b.inbox.onFresh = nil // nothing answers the second message
	b.inbox.mu.Unlock()
	done := make(chan resp, 1)
	go func() { done <- b.client.do(t, req{body: withMsgID(readTestdata(t, "text.xml"), 2)}) }()
	b.clock.WaitAfter(t, 1)
	if err := b.ch.Send(context.Background(), out(1, "收到，正在为您登记。")); err != nil {
		t.Fatalf("retry of the passive reply: %v", err)
	}
	b.clock.Fire(true)
	if r := <-done; r.body != "success" {
		t.Errorf("second request answered %q, want success (the reply went before)", r.body)
	}
	if n := len(b.api.callsTo(pathCustom)); n != 0 {
		t.Errorf("custom sends %d, want 0", n)
	}
}

// BenchmarkUpdateWindow: the cost of one window update (a webhook
// message, a send, a passive reply's record each make one or two) per
// store.
//
//	go test -run '^$' -bench UpdateWindow ./channels/wechat/
func BenchmarkUpdateWindow(b *testing.B) {
	cfg := WindowConfig{MessageWindow: 48 * time.Hour, PerMessage: 5}
	sq, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "kefu.db"), sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer sq.Close()
	pg, err := postgres.Open(b.Context(), storetest.PostgresDB(b), postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	rdb, prefix := testRedis(b)
	for _, tc := range []struct {
		name string
		s    WindowStore
	}{
		{"memory", NewMemoryWindowStore(nil)},
		{"redis", NewRedisWindowStore(rdb, prefix+"window:", time.Hour)},
		{"sqlite", NewStateWindowStore(sq, "", time.Hour)},
		{"postgres", NewStateWindowStore(pg, "", time.Hour)},
	} {
		b.Run(tc.name+"/write", func(b *testing.B) {
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				err := tc.s.UpdateWindow(ctx, "bench-"+strconv.Itoa(i%100), func(w *Window) error {
					w.touch(cfg, byMessage, strconv.Itoa(i), testEpoch)
					w.markSent(int64(i))
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		// A read (Send's check of what was sent) writes nothing.
		b.Run(tc.name+"/read", func(b *testing.B) {
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				err := tc.s.UpdateWindow(ctx, "bench-"+strconv.Itoa(i%100), func(w *Window) error {
					_ = w.sent(int64(i))
					return noChange{}
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPassiveReplyWithoutStore: when the window store is unreachable
// (Redis down), the customer waiting on the webhook still gets the reply
// passively; only the record of it is missing.
func TestPassiveReplyWithoutStore(t *testing.T) {
	t.Parallel()
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { dead.Close() })
	b := setup(t, setupOpts{options: func(o *Options) { o.Windows = NewRedisWindowStore(dead, "h12a:window:", time.Hour) }})
	errs := b.replyOnFresh(t, "收到，正在为您登记。")
	done := make(chan resp, 1)
	go func() { done <- b.client.do(t, req{body: readTestdata(t, "text.xml")}) }()
	err := <-errs
	b.clock.Fire(true) // end the wait if the reply did not come
	r := <-done
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if x, ok := b.client.reply(t, r); !ok || x.Content != "收到，正在为您登记。" {
		t.Fatalf("no passive reply with the store down: %+v", r)
	}
}
