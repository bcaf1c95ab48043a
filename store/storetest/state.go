package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/service"
)

// channelState is the atomic key/value primitive channels keep their
// state in (the WeChat windows); cmd/kefu hands the store to them through
// this method.
type channelState interface {
	ChannelStateUpdate(ctx context.Context, key string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error
}

func stateOf(t *testing.T, s service.Store) channelState {
	t.Helper()
	cs, ok := s.(channelState)
	if !ok {
		t.Fatalf("%T has no ChannelStateUpdate", s)
	}
	return cs
}

func stateGet(t *testing.T, cs channelState, key string) []byte {
	t.Helper()
	var got []byte
	if err := cs.ChannelStateUpdate(t.Context(), key, 0, func(old []byte) ([]byte, error) {
		got = old
		return nil, nil
	}); err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return got
}

func statePut(t *testing.T, cs channelState, key, val string, ttl time.Duration) {
	t.Helper()
	if err := cs.ChannelStateUpdate(t.Context(), key, ttl, func([]byte) ([]byte, error) { return []byte(val), nil }); err != nil {
		t.Fatalf("write %s: %v", key, err)
	}
}

func testChannelState(t *testing.T, s service.Store) {
	cs := stateOf(t, s)
	if got := stateGet(t, cs, "wechat:window:a"); got != nil {
		t.Fatalf("absent key read %q, want nil", got)
	}
	statePut(t, cs, "wechat:window:a", "one", time.Hour)
	statePut(t, cs, "wechat:window:b", "other", 0)
	err := cs.ChannelStateUpdate(t.Context(), "wechat:window:a", time.Hour, func(old []byte) ([]byte, error) {
		if string(old) != "one" {
			t.Errorf("fn got %q, want %q", old, "one")
		}
		return []byte("two"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(stateGet(t, cs, "wechat:window:a")); got != "two" {
		t.Fatalf("after update %q, want two", got)
	}
	// fn's error aborts the update and comes back as is.
	err = cs.ChannelStateUpdate(t.Context(), "wechat:window:a", time.Hour, func([]byte) ([]byte, error) {
		return []byte("three"), errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("fn error: got %v, want %v", err, errBoom)
	}
	if got := string(stateGet(t, cs, "wechat:window:a")); got != "two" {
		t.Fatalf("after a failed update %q, want two", got)
	}
	if got := string(stateGet(t, cs, "wechat:window:b")); got != "other" {
		t.Fatalf("other key %q, want other", got)
	}
	// A value past its ttl reads as absent and can be written again.
	statePut(t, cs, "wechat:window:c", "short", time.Nanosecond)
	if got := stateGet(t, cs, "wechat:window:c"); got != nil {
		t.Fatalf("expired value read %q, want nil", got)
	}
	statePut(t, cs, "wechat:window:c", "again", time.Hour)
	if got := string(stateGet(t, cs, "wechat:window:c")); got != "again" {
		t.Fatalf("rewritten expired key %q, want again", got)
	}
}

// testChannelStateConcurrent: read-modify-write from many goroutines (and
// on Postgres many connections) loses no update, including the races to
// create the key.
func testChannelStateConcurrent(t *testing.T, s service.Store) {
	cs := stateOf(t, s)
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				errs <- cs.ChannelStateUpdate(context.Background(), "counter", time.Hour, func(old []byte) ([]byte, error) {
					n := 0
					if old != nil {
						var err error
						if n, err = strconv.Atoi(string(old)); err != nil {
							return nil, err
						}
					}
					return []byte(strconv.Itoa(n + 1)), nil
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got, want := string(stateGet(t, cs, "counter")), strconv.Itoa(workers*rounds); got != want {
		t.Fatalf("counter %s after %s increments: updates were lost", got, want)
	}
}
