package web

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/service"
)

// A change announced with changed is read at once, not at the next poll.
func TestHubReadsWhenNudged(t *testing.T) {
	var n atomic.Int64
	h := newHub(func(context.Context) (service.Activity, error) {
		return service.Activity{Waiting: int(n.Load())}, nil
	}, time.Hour, slog.New(slog.DiscardHandler))
	ch, first := h.subscribe()
	defer h.unsubscribe(ch)
	if first.Waiting != 0 {
		t.Fatalf("first read: %+v", first)
	}
	n.Store(3)
	h.changed()
	select {
	case a := <-ch:
		if a.Waiting != 3 {
			t.Errorf("after the nudge: %+v", a)
		}
	case <-time.After(5 * time.Second): // the poll is an hour: only the nudge can deliver
		t.Fatal("a nudge did not make the hub read")
	}
}
