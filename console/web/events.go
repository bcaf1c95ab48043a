package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/service"
)

// Live updates: one goroutine per process reads the change fingerprint
// (service.Activity) while any console is connected and tells every
// stream when it changed. The fingerprint comes from the database, so a
// message taken in by another kefu process shows up here too; the
// browser then re-fetches the parts of the page it shows. When the stream
// cannot be held (a proxy that buffers, a dropped connection), the script
// falls back to asking /console/pulse on a timer.

type hub struct {
	read  func(context.Context) (service.Activity, error)
	poll  time.Duration
	log   *slog.Logger
	nudge chan struct{} // something changed: read now (Console.Changed)

	mu     sync.Mutex
	subs   map[chan service.Activity]struct{}
	last   service.Activity
	cancel context.CancelFunc
}

func newHub(read func(context.Context) (service.Activity, error), poll time.Duration, log *slog.Logger) *hub {
	return &hub{read: read, poll: poll, log: log, nudge: make(chan struct{}, 1), subs: map[chan service.Activity]struct{}{}}
}

// subscribe returns a channel of changes and the current fingerprint; the
// reader starts with the first subscriber and stops with the last.
func (h *hub) subscribe() (chan service.Activity, service.Activity) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan service.Activity, 1)
	h.subs[ch] = struct{}{}
	if h.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		if a, err := h.read(ctx); err == nil {
			h.last = a
		}
		go h.run(ctx)
	}
	return ch, h.last
}

func (h *hub) unsubscribe(ch chan service.Activity) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
	if len(h.subs) == 0 && h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
}

func (h *hub) run(ctx context.Context) {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.nudge:
		}
		a, err := h.read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("console: reading activity", "err", err)
			}
			continue
		}
		h.mu.Lock()
		if a != h.last {
			h.last = a
			for ch := range h.subs {
				select {
				case ch <- a:
				default: // the stream has not taken the last one; it will see this one's successor
					select {
					case <-ch:
					default:
					}
					ch <- a
				}
			}
		}
		h.mu.Unlock()
	}
}

// changed asks the reader to read now; a nudge while one is pending is
// the same nudge.
func (h *hub) changed() {
	select {
	case h.nudge <- struct{}{}:
	default:
	}
}

// pulseBody is what the script learns on each change.
type pulseBody struct {
	Stamp   string `json:"stamp"`
	Waiting int    `json:"waiting"`
}

func pulseOf(a service.Activity) pulseBody {
	return pulseBody{Stamp: fmt.Sprintf("%d.%d.%d.%d", a.LastMessage, a.LastChange, a.Waiting, a.Held), Waiting: a.Waiting}
}

// events is the SSE stream: a "change" event whenever the fingerprint
// changes, and a comment every 25 s so proxies keep the connection.
func (c *Console) events(w http.ResponseWriter, r *http.Request, v *view) error {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	ch, cur := c.hub.subscribe()
	defer c.hub.unsubscribe(ch)
	send := func(a service.Activity) error {
		b, _ := json.Marshal(pulseOf(a))
		if _, err := fmt.Fprintf(w, "event: change\ndata: %s\n\n", b); err != nil {
			return err
		}
		return rc.Flush()
	}
	// The retry hint keeps reconnects gentle after a restart.
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return nil
	}
	if err := send(cur); err != nil {
		return nil
	}
	keep := time.NewTicker(25 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case a := <-ch:
			if err := send(a); err != nil {
				return nil
			}
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
	}
}

// pulse is the polling fallback: the same body as a change event.
func (c *Console) pulse(w http.ResponseWriter, r *http.Request, v *view) error {
	a, err := c.svc.Activity(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(pulseOf(a))
}
