package wechat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testRedis connects to the Redis on 127.0.0.1:6379 and fails (does not
// skip) when it is not there: the shared token and windows are features.
// Keys get a per-test prefix and are removed afterwards.
func testRedis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis on 127.0.0.1:6379 is required: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	prefix := "kefu-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	return rdb, prefix
}

// exerciseWindowStore is the conformance suite every WindowStore passes.
func exerciseWindowStore(t *testing.T, s WindowStore) {
	ctx := context.Background()
	cfg := WindowConfig{MessageWindow: 48 * time.Hour, PerMessage: 5, EventWindow: time.Minute, PerEvent: 3}
	now := testEpoch

	t.Run("missing is zero", func(t *testing.T) {
		err := s.UpdateWindow(ctx, "nobody", func(w *Window) error {
			if w.MessageLeft != 0 || !w.MessageAt.IsZero() || w.Menus != nil {
				t.Errorf("got %+v", w)
			}
			return noChange{}
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		err := s.UpdateWindow(ctx, "rt", func(w *Window) error {
			w.touch(cfg, byMessage, "m1", now)
			w.addMenu(map[string]string{"101": "yes"})
			w.markSent(9)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.UpdateWindow(ctx, "rt", func(w *Window) error {
			if !w.MessageAt.Equal(now) || w.MessageLeft != 5 || w.Menus["101"] != "yes" || !w.sent(9) {
				t.Errorf("got %+v", w)
			}
			return noChange{}
		})
	})
	t.Run("concurrent takes", func(t *testing.T) {
		s.UpdateWindow(ctx, "busy", func(w *Window) error {
			w.touch(cfg, byMessage, "m1", now)
			return nil
		})
		var mu sync.Mutex
		granted := 0
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				var ok bool
				err := s.UpdateWindow(ctx, "busy", func(w *Window) error {
					from, refusal := w.take(cfg, now, false)
					ok = from != fromNone && refusal == ""
					if !ok {
						return noChange{}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					granted++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if granted != 5 {
			t.Errorf("%d sends granted, want 5", granted)
		}
	})
	t.Run("redelivery grants nothing", func(t *testing.T) {
		s.UpdateWindow(ctx, "redo", func(w *Window) error {
			w.touch(cfg, byMessage, "m1", now)
			w.take(cfg, now, false)
			w.touch(cfg, byMessage, "m1", now) // the same message again
			if w.MessageLeft != 4 {
				t.Errorf("left %d, want 4", w.MessageLeft)
			}
			return nil
		})
	})
}

func TestMemoryWindowStore(t *testing.T) {
	t.Parallel()
	exerciseWindowStore(t, NewMemoryWindowStore(nil))
}

func TestRedisWindowStore(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	exerciseWindowStore(t, NewRedisWindowStore(rdb, prefix+"window:", time.Hour))
}

func TestRedisTokenCache(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	c := NewRedisTokenCache(rdb, prefix)
	if err := c.Set("k", "ACCESS_TOKEN_1", time.Minute); err != nil {
		t.Fatal(err)
	}
	// The SDK asserts Get's result to string.
	if v, ok := c.Get("k").(string); !ok || v != "ACCESS_TOKEN_1" {
		t.Errorf("Get = %#v", c.Get("k"))
	}
	if !c.IsExist("k") || c.Get("missing") != nil {
		t.Error("IsExist/Get of missing")
	}
	if err := c.Set("k", []byte("x"), time.Minute); err == nil {
		t.Error("non-string stored")
	}
	if err := c.Delete("k"); err != nil || c.IsExist("k") {
		t.Errorf("Delete: %v", err)
	}
}

// TestSharedToken: two kefu processes (two channels) on one Redis fetch
// the access token once, and a refresh by one is seen by the other.
func TestSharedToken(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	b1 := setup(t, setupOpts{options: func(o *Options) {
		o.Tokens = NewRedisTokenCache(rdb, prefix)
		o.Windows = NewRedisWindowStore(rdb, prefix+"window:", time.Hour)
	}})
	b1.open(t)
	ch2, err := New(b1.ch.cfg, b1.inbox, Options{
		Tokens:  NewRedisTokenCache(rdb, prefix),
		Windows: NewRedisWindowStore(rdb, prefix+"window:", time.Hour),
		Now:     b1.clock.Now, After: b1.clock.After,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := b1.ch.Send(ctx, out(1, "一")); err != nil {
		t.Fatal(err)
	}
	// The second process sees the window the first recorded, and the token.
	if err := ch2.Send(ctx, out(2, "二")); err != nil {
		t.Fatal(err)
	}
	if n := len(b1.api.callsTo(pathStable)); n != 1 {
		t.Errorf("stable_token calls %d, want 1", n)
	}
	b1.api.revoke()
	if err := b1.ch.Send(ctx, out(3, "三")); err != nil {
		t.Fatal(err)
	}
	if err := ch2.Send(ctx, out(4, "四")); err != nil {
		t.Fatal(err)
	}
	if n := len(b1.api.callsTo(pathStable)); n != 2 {
		t.Errorf("stable_token calls %d, want 2 (one refresh, shared)", n)
	}
	// The quota is shared too: 5 per message across both.
	if err := ch2.Send(ctx, out(5, "五")); err != nil {
		t.Fatal(err)
	}
	refusal(t, b1.ch.Send(ctx, out(6, "六")))
}

// TestRedisFromURL: Config.RedisURL alone makes the channel share state.
func TestRedisFromURL(t *testing.T) {
	t.Parallel()
	testRedis(t) // fails when Redis is down
	b := setup(t, setupOpts{config: func(c *Config) { c.RedisURL = "redis://127.0.0.1:6379/0" }})
	if _, ok := b.ch.windows.(*RedisWindowStore); !ok {
		t.Fatalf("windows %T", b.ch.windows)
	}
	if _, ok := b.ch.api.tokens.(*RedisTokenCache); !ok {
		t.Fatalf("tokens %T", b.ch.api.tokens)
	}
}
