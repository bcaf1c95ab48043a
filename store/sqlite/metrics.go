package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/service"
)

// OutboxStats is the pending outbox per channel, for the metrics; only
// pending rows are read (the partial index holds them), never the sent
// history.
func (s *Store) OutboxStats(ctx context.Context) ([]service.OutboxStat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, count(*), min(created_at) FROM outbox WHERE status = 'pending' GROUP BY channel ORDER BY channel`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: outbox stats: %w", err)
	}
	defer rows.Close()
	var out []service.OutboxStat
	for rows.Next() {
		var st service.OutboxStat
		var oldest sql.NullString
		if err := rows.Scan(&st.Channel, &st.Pending, &oldest); err != nil {
			return nil, fmt.Errorf("sqlite: outbox stats: %w", err)
		}
		if oldest.Valid {
			if st.Oldest, err = time.Parse(timeFormat, oldest.String); err != nil {
				return nil, fmt.Errorf("sqlite: outbox stats: %w", err)
			}
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
