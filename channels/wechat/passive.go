package wechat

import (
	"sync"

	"github.com/kefu-dev/kefu/channels"
)

// waits is the registry of webhook requests waiting for a passive reply:
// at most one per OpenID, the newest (see the package comment on
// retries), and the number of requests running per message key.
type waits struct {
	mu       sync.Mutex
	byUser   map[string]*waiter
	inflight map[string]int
}

// waiter is one request's slot. Exactly one of three things happens to
// it, under waits.mu: Send takes it (and puts one offer), a newer request
// or a choice message evicts it (evicted is closed), or its own request
// withdraws it.
type waiter struct {
	openID  string
	offer   chan offer // capacity 1: Send never blocks putting
	evicted chan struct{}
	taken   bool
}

// offer is a reply handed to a waiting request; done receives nil once it
// was written, or an error when it could not be, so Send uses the API.
type offer struct {
	m    channels.Outbound
	done chan error
}

// claim registers a request for openID carrying message key. inherited
// reports that another request with the same key is running: this one
// may be the only connection WeChat still listens to.
func (ws *waits) claim(openID, key string) (w *waiter, inherited bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	inherited = ws.inflight[key] > 0
	ws.inflight[key]++
	if old := ws.byUser[openID]; old != nil {
		close(old.evicted)
	}
	w = &waiter{openID: openID, offer: make(chan offer, 1), evicted: make(chan struct{})}
	ws.byUser[openID] = w
	return w, inherited
}

// done ends a request's part in the key count.
func (ws *waits) done(key string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.inflight[key]--; ws.inflight[key] <= 0 {
		delete(ws.inflight, key)
	}
}

// withdraw removes w if it is still waiting. It reports whether Send took
// it, in which case the offer is (or is about to be) in w.offer and must
// be answered.
func (ws *waits) withdraw(w *waiter) (taken bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.byUser[w.openID] == w {
		delete(ws.byUser, w.openID)
	}
	return w.taken
}

// take removes and returns the waiting request of openID, if any.
func (ws *waits) take(openID string) *waiter {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	w := ws.byUser[openID]
	if w == nil {
		return nil
	}
	delete(ws.byUser, openID)
	w.taken = true
	return w
}

// evict releases the waiting request of openID (it answers `success`).
func (ws *waits) evict(openID string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if w := ws.byUser[openID]; w != nil {
		delete(ws.byUser, openID)
		close(w.evicted)
	}
}
