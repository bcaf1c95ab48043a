package wechat

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Window is what kefu knows of one customer's customer-service window.
// It is kept per OpenID in a WindowStore.
type Window struct {
	// MessageAt is the customer's last message; MessageLeft the sends it
	// still allows; MessageKey its id, so a redelivery does not grant a
	// fresh allowance.
	MessageAt   time.Time `json:"message_at,omitzero"`
	MessageLeft int       `json:"message_left,omitempty"`
	MessageKey  string    `json:"message_key,omitempty"`
	// EventAt is the last menu click, subscription or scan.
	EventAt   time.Time `json:"event_at,omitzero"`
	EventLeft int       `json:"event_left,omitempty"`
	EventKey  string    `json:"event_key,omitempty"`
	// Closed is set when WeChat said 45015 (window closed) or the
	// customer unsubscribed; the next customer message clears it.
	Closed       bool `json:"closed,omitempty"`
	Unsubscribed bool `json:"unsubscribed,omitempty"`
	// Menus maps msgmenu item ids sent recently to Choice values, so a
	// tap comes back as a choice.
	Menus map[string]string `json:"menus,omitempty"`
	// Sent lists recent OutboxIDs WeChat accepted: Send is idempotent
	// per OutboxID.
	Sent []int64 `json:"sent,omitempty"`
}

const (
	maxMenus = 40 // menu items remembered (a few menus)
	maxSent  = 50
)

// WindowStore keeps windows per OpenID. UpdateWindow runs fn on the
// current window (zero if none) and stores the result atomically with
// respect to other updates of that OpenID, in any process sharing the
// store. fn may run more than once and must not have other effects; an
// error from fn aborts the update and is returned.
type WindowStore interface {
	UpdateWindow(ctx context.Context, openID string, fn func(*Window) error) error
}

// noChange, returned by fn, skips the write; UpdateWindow returns nil.
type noChange struct{}

func (noChange) Error() string { return "no change" }

// MemoryWindowStore is the in-process WindowStore.
type MemoryWindowStore struct {
	mu  sync.Mutex
	m   map[string]Window
	now func() time.Time
}

// NewMemoryWindowStore returns an empty store; now (nil: time.Now) is
// only used to drop windows long expired.
func NewMemoryWindowStore(now func() time.Time) *MemoryWindowStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryWindowStore{m: map[string]Window{}, now: now}
}

// UpdateWindow implements WindowStore.
func (s *MemoryWindowStore) UpdateWindow(ctx context.Context, openID string, fn func(*Window) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := cloneWindow(s.m[openID])
	if err := fn(&w); err != nil {
		if _, ok := err.(noChange); ok {
			return nil
		}
		return err
	}
	s.m[openID] = w
	if len(s.m)%1024 == 0 {
		s.sweep()
	}
	return nil
}

// sweep drops windows untouched for a week, bounding memory.
func (s *MemoryWindowStore) sweep() {
	cut := s.now().Add(-7 * 24 * time.Hour)
	for k, w := range s.m {
		if w.MessageAt.Before(cut) && w.EventAt.Before(cut) {
			delete(s.m, k)
		}
	}
}

func cloneWindow(w Window) Window {
	if w.Menus != nil {
		m := make(map[string]string, len(w.Menus))
		for k, v := range w.Menus {
			m[k] = v
		}
		w.Menus = m
	}
	w.Sent = slices.Clone(w.Sent)
	return w
}

// interaction is what a customer did that opens sending.
type interaction int

const (
	byMessage interaction = iota
	byEvent
)

// touch records a customer's interaction.
func (w *Window) touch(cfg WindowConfig, kind interaction, key string, at time.Time) {
	w.Closed, w.Unsubscribed = false, false
	switch kind {
	case byMessage:
		if key != "" && key == w.MessageKey {
			return // a redelivery grants nothing new
		}
		w.MessageAt, w.MessageLeft, w.MessageKey = at, cfg.PerMessage, key
	case byEvent:
		if key != "" && key == w.EventKey {
			return
		}
		w.EventAt, w.EventLeft, w.EventKey = at, cfg.PerEvent, key
	}
}

// quota sources, for refunds.
const (
	fromNone = iota
	fromEvent
	fromMessage
)

// take uses one send of the allowance, the short event one first (it
// expires soonest). A routine message does not take the last
// cfg.Reserve sends of a customer message. It returns why not when it
// cannot.
func (w *Window) take(cfg WindowConfig, now time.Time, routine bool) (from int, refusal string) {
	switch {
	case w.Unsubscribed:
		return fromNone, "customer unsubscribed"
	case w.EventLeft > 0 && now.Before(w.EventAt.Add(cfg.EventWindow)) && !w.Closed:
		w.EventLeft--
		return fromEvent, ""
	case w.Closed || !now.Before(w.MessageAt.Add(cfg.MessageWindow)):
		return fromNone, "customer-service window closed (48 h after the customer's last message)"
	case w.MessageLeft <= 0:
		return fromNone, "customer-service quota used up until the customer writes again"
	case routine && w.MessageLeft <= min(cfg.Reserve, cfg.PerMessage-1):
		return fromNone, "the customer-service quota left is kept for the resolution"
	}
	w.MessageLeft--
	return fromMessage, ""
}

func (w *Window) refund(from int) {
	switch from {
	case fromEvent:
		w.EventLeft++
	case fromMessage:
		w.MessageLeft++
	}
}

func (w *Window) sent(id int64) bool { return id != 0 && slices.Contains(w.Sent, id) }

func (w *Window) markSent(id int64) {
	if id == 0 || w.sent(id) {
		return
	}
	w.Sent = append(w.Sent, id)
	if len(w.Sent) > maxSent {
		w.Sent = w.Sent[len(w.Sent)-maxSent:]
	}
}

// addMenu remembers menu item ids; ids grow, so the smallest are the
// oldest and go first.
func (w *Window) addMenu(items map[string]string) {
	if w.Menus == nil {
		w.Menus = map[string]string{}
	}
	for k, v := range items {
		w.Menus[k] = v
	}
	for len(w.Menus) > maxMenus {
		oldest := ""
		for k := range w.Menus {
			if oldest == "" || len(k) < len(oldest) || len(k) == len(oldest) && k < oldest {
				oldest = k
			}
		}
		delete(w.Menus, oldest)
	}
}
