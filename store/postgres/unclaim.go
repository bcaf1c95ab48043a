package postgres

import (
	"context"
	"fmt"
	"time"
)

// OutboxUnclaim gives back rows claimed with the lease ending at leaseEnd
// and not tried; a row another claim took meanwhile has another lease end
// and is left alone.
func (s *Store) OutboxUnclaim(ctx context.Context, ids []int64, leaseEnd time.Time) error {
	if _, err := s.q(ctx).Exec(ctx, `UPDATE outbox SET locked_until = NULL, attempts = GREATEST(attempts - 1, 0)
		WHERE id = ANY($1) AND status = 'pending' AND locked_until = $2`, ids, leaseEnd); err != nil {
		return fmt.Errorf("postgres: unclaim outbox: %w", err)
	}
	return nil
}
