package sqlite

import (
	"context"
	"fmt"
	"time"
)

// OutboxUnclaim gives back rows claimed with the lease ending at leaseEnd
// and not tried; a row another claim took meanwhile has another lease end
// and is left alone.
func (s *Store) OutboxUnclaim(ctx context.Context, ids []int64, leaseEnd time.Time) error {
	for _, id := range ids {
		if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET locked_until = NULL, attempts = MAX(attempts - 1, 0)
			WHERE id = ? AND status = 'pending' AND locked_until = ?`, id, ts(leaseEnd)); err != nil {
			return fmt.Errorf("sqlite: unclaim outbox %d: %w", id, err)
		}
	}
	return nil
}
