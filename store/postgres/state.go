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

// sweepState deletes a few expired rows in the statement that writes, so
// the table stays the size of what is live. It skips rows other
// transactions hold, so it never waits on (or deadlocks with) another
// update; $1 is the key written, $4 now.
const sweepState = `WITH swept AS (
	DELETE FROM channel_state WHERE key IN (
		SELECT key FROM channel_state WHERE expires_at <= $4 AND key <> $1
		LIMIT 8 FOR UPDATE SKIP LOCKED)) `

// ChannelStateUpdate reads the value kept at key (nil when there is none
// or it expired), calls fn with it and stores what fn returns, atomically
// against every process on the database. fn returning a nil value writes
// nothing; an error from fn aborts and is returned as is. ttl > 0 makes
// the value expire ttl after the store's now; 0 keeps it until replaced.
//
// It is optimistic first: a read, then a write only if the value is still
// the one read (two round trips, one when fn writes nothing, where a
// locking transaction takes four). Under contention it falls back to
// locking the row; fn may run more than once.
func (s *Store) ChannelStateUpdate(ctx context.Context, key string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	for range 2 {
		done, err := s.stateSwap(ctx, key, ttl, fn)
		if err != nil || done {
			return err
		}
	}
	return s.stateLocked(ctx, key, ttl, fn)
}

// stateRead returns the stored value (nil and false when there is no
// row) and the value fn sees (nil when expired).
func stateRead(ctx context.Context, q querier, key, lock string, now time.Time) (stored, cur []byte, exists bool, err error) {
	var expires *time.Time
	err = q.QueryRow(ctx, `SELECT value, expires_at FROM channel_state WHERE key = $1`+lock, key).Scan(&stored, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil, false, nil
	case err != nil:
		return nil, nil, false, fmt.Errorf("postgres: read channel state %s: %w", key, err)
	case expires != nil && !expires.After(now):
		return stored, nil, true, nil
	}
	return stored, stored, true, nil
}

func expiry(now time.Time, ttl time.Duration) any {
	if ttl > 0 {
		return now.Add(ttl)
	}
	return nil
}

// stateSwap is one optimistic round: done is false when another process
// changed or created the row between the read and the write.
func (s *Store) stateSwap(ctx context.Context, key string, ttl time.Duration, fn func([]byte) ([]byte, error)) (done bool, err error) {
	now := s.now().UTC()
	q := s.q(ctx)
	stored, cur, exists, err := stateRead(ctx, q, key, "", now)
	if err != nil {
		return false, err
	}
	val, err := fn(cur)
	if err != nil || val == nil {
		return true, err
	}
	var sql string
	args := []any{key, val, expiry(now, ttl), now}
	if exists {
		// Equal bytes are the same state, so a change and its undo in
		// between do no harm.
		sql = sweepState + `UPDATE channel_state SET value = $2, expires_at = $3, updated_at = $4 WHERE key = $1 AND value = $5`
		args = append(args, stored)
	} else {
		sql = sweepState + `INSERT INTO channel_state (key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO NOTHING`
	}
	tag, err := q.Exec(ctx, sql, args...)
	if err != nil {
		return false, fmt.Errorf("postgres: write channel state %s: %w", key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// stateLocked updates under the row's lock (FOR UPDATE); a first value is
// inserted only if no other process inserted one meanwhile, else fn runs
// again on that one.
func (s *Store) stateLocked(ctx context.Context, key string, ttl time.Duration, fn func([]byte) ([]byte, error)) error {
	for range maxStateRaces {
		raced := false
		err := s.inTx(ctx, func(ctx context.Context, t *Tx) error {
			now := s.now().UTC()
			_, cur, exists, err := stateRead(ctx, t.tx, key, " FOR UPDATE", now)
			if err != nil {
				return err
			}
			val, err := fn(cur)
			if err != nil || val == nil {
				return err
			}
			if exists {
				_, err = t.tx.Exec(ctx, sweepState+`UPDATE channel_state SET value = $2, expires_at = $3, updated_at = $4 WHERE key = $1`,
					key, val, expiry(now, ttl), now)
				if err != nil {
					return fmt.Errorf("postgres: write channel state %s: %w", key, err)
				}
				return nil
			}
			tag, err := t.tx.Exec(ctx, sweepState+`INSERT INTO channel_state (key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO NOTHING`, key, val, expiry(now, ttl), now)
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
