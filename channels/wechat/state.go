package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// StateStore keeps small values per key, read and replaced atomically
// against every process sharing it: kefu's database implements it
// (store/sqlite and store/postgres, table channel_state). fn gets the
// current value (nil when none, or expired) and returns the new one, nil
// to write nothing; it may run more than once. An error from fn aborts
// the update and is returned as is. ttl > 0 lets the value expire.
type StateStore interface {
	ChannelStateUpdate(ctx context.Context, key string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error
}

// StateWindowStore is the WindowStore in a StateStore: kefu's database
// by default, so windows, quotas and the record of what was sent survive
// a restart and are shared by every process on the same database.
type StateWindowStore struct {
	st     StateStore
	prefix string
	ttl    time.Duration
}

// NewStateWindowStore returns the store; prefix defaults to
// "wechat:window:", ttl (how long an untouched window is kept) to 72h.
func NewStateWindowStore(st StateStore, prefix string, ttl time.Duration) *StateWindowStore {
	if prefix == "" {
		prefix = "wechat:window:"
	}
	if ttl <= 0 {
		ttl = 72 * time.Hour
	}
	return &StateWindowStore{st: st, prefix: prefix, ttl: ttl}
}

// UpdateWindow implements WindowStore.
func (s *StateWindowStore) UpdateWindow(ctx context.Context, openID string, fn func(*Window) error) error {
	err := s.st.ChannelStateUpdate(ctx, s.prefix+openID, s.ttl, func(old []byte) ([]byte, error) {
		var w Window
		if old != nil {
			if err := json.Unmarshal(old, &w); err != nil {
				return nil, fmt.Errorf("wechat: window of %s: %w", openID, err)
			}
		}
		if err := fn(&w); err != nil {
			return nil, err
		}
		return json.Marshal(w)
	})
	if errors.As(err, new(noChange)) {
		return nil
	}
	return err
}
