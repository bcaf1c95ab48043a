package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/service"
)

// OutboxStats is the pending outbox per channel, for the metrics; only
// pending rows are read (the partial index holds them), never the sent
// history.
func (s *Store) OutboxStats(ctx context.Context) ([]service.OutboxStat, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT channel, count(*), min(created_at) FROM outbox WHERE status = 'pending' GROUP BY channel ORDER BY channel`)
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox stats: %w", err)
	}
	defer rows.Close()
	var out []service.OutboxStat
	for rows.Next() {
		var st service.OutboxStat
		var oldest *time.Time
		if err := rows.Scan(&st.Channel, &st.Pending, &oldest); err != nil {
			return nil, fmt.Errorf("postgres: outbox stats: %w", err)
		}
		if oldest != nil {
			st.Oldest = *oldest
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
