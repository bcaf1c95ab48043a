package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// maxStateRaces bounds the retries when two processes create the same
// key at once; the loser finds the winner's row on its next round.
const maxStateRaces = 4

// ChannelStateUpdate reads the value kept at key (nil when there is none
// or it expired), calls fn with it and stores what fn returns, atomically
// against every process on the database: the row is locked (FOR UPDATE)
// while fn runs, and a first value is inserted only if no other process
// inserted one meanwhile, else fn runs again on that one. fn returning a
// nil value writes nothing; an error from fn aborts and is returned as
// is. ttl > 0 makes the value expire ttl after the store's now; 0 keeps it
// until replaced.
func (s *Store) ChannelStateUpdate(ctx context.Context, key string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	for range maxStateRaces {
		raced := false
		err := s.inTx(ctx, func(ctx context.Context, t *Tx) error {
			now := s.now().UTC()
			var old []byte
			var expires *time.Time
			err := t.tx.QueryRow(ctx, `SELECT value, expires_at FROM channel_state WHERE key = $1 FOR UPDATE`, key).Scan(&old, &expires)
			exists := err == nil
			switch {
			case errors.Is(err, pgx.ErrNoRows):
			case err != nil:
				return fmt.Errorf("postgres: read channel state %s: %w", key, err)
			case expires != nil && !expires.After(now):
				old = nil
			}
			val, err := fn(old)
			if err != nil || val == nil {
				return err
			}
			var exp any
			if ttl > 0 {
				exp = now.Add(ttl)
			}
			// The sweep skips rows other transactions hold, so it never
			// waits on (or deadlocks with) another update.
			const sweep = `swept AS (
				DELETE FROM channel_state WHERE key IN (
					SELECT key FROM channel_state WHERE expires_at <= $4 AND key <> $1
					LIMIT 8 FOR UPDATE SKIP LOCKED))`
			if exists {
				_, err = t.tx.Exec(ctx, `WITH `+sweep+`
					UPDATE channel_state SET value = $2, expires_at = $3, updated_at = $4 WHERE key = $1`, key, val, exp, now)
				if err != nil {
					return fmt.Errorf("postgres: write channel state %s: %w", key, err)
				}
				return nil
			}
			tag, err := t.tx.Exec(ctx, `WITH `+sweep+`
				INSERT INTO channel_state (key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO NOTHING`, key, val, exp, now)
			if err != nil {
				return fmt.Errorf("postgres: write channel state %s: %w", key, err)
			}
			raced = tag.RowsAffected() == 0
			return nil
		})
		if err != nil || !raced {
			return err
		}
	}
	return fmt.Errorf("postgres: channel state %s: too much contention", key)
}
