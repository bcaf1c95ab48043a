package wake_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/internal/wake"
	"github.com/kefu-dev/kefu/store/storetest"
)

// TestSignalsReachTheOtherProcess: every key published on one bus reaches
// the subscribers of another on the same database, however many are
// published at once; a topic nobody subscribed to is ignored.
func TestSignalsReachTheOtherProcess(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	open := func() *wake.Bus {
		b, err := wake.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := open(), open()
	var mu sync.Mutex
	got := map[string]bool{}
	ready := make(chan struct{}, 1)
	b.Subscribe("webchat", func(key string) {
		mu.Lock()
		defer mu.Unlock()
		if key == "" { // the listener (re)connected
			select {
			case ready <- struct{}{}:
			default:
			}
			return
		}
		got[key] = true
	})
	var wg sync.WaitGroup
	for _, bus := range []*wake.Bus{a, b} {
		wg.Go(func() { bus.Run(ctx) })
	}
	defer func() { cancel(); wg.Wait(); a.Close(); b.Close() }()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never connected")
	}
	const n = 200
	for i := range n {
		a.Publish(ctx, "webchat", fmt.Sprintf("c:%d", i))
		a.Publish(ctx, "console", "x")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		k := len(got)
		mu.Unlock()
		if k == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d signals arrived", k, n)
		}
		time.Sleep(20 * time.Millisecond) // waiting on another connection
	}
}
