package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ChannelStateUpdate reads the value kept at key (nil when there is none
// or it expired), calls fn with it and stores what fn returns, in one
// transaction: BEGIN IMMEDIATE holds the database's write lock, so the
// update is atomic against every other process on the file. fn returning
// a nil value writes nothing; an error from fn aborts and is returned as
// is. ttl > 0 makes the value expire ttl after the store's now; 0 keeps it
// until replaced.
func (s *Store) ChannelStateUpdate(ctx context.Context, key string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	return s.inTx(ctx, func(ctx context.Context, t *Tx) error {
		now := s.now()
		var old []byte
		var expires sql.NullString
		err := t.stmt(ctx, stmtChannelStateGet).QueryRowContext(ctx, key).Scan(&old, &expires)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			old = nil
		case err != nil:
			return fmt.Errorf("sqlite: read channel state %s: %w", key, err)
		case expires.Valid && expires.String <= ts(now):
			old = nil
		}
		val, err := fn(old)
		if err != nil || val == nil {
			return err
		}
		var exp any
		if ttl > 0 {
			exp = ts(now.Add(ttl))
		}
		if _, err := t.stmt(ctx, stmtChannelStatePut).ExecContext(ctx, key, val, exp, ts(now)); err != nil {
			return fmt.Errorf("sqlite: write channel state %s: %w", key, err)
		}
		if _, err := t.stmt(ctx, stmtChannelStateSweep).ExecContext(ctx, ts(now), key); err != nil {
			return fmt.Errorf("sqlite: sweep channel state: %w", err)
		}
		return nil
	})
}
