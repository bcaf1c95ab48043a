package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/channels"
)

// OutboxFiles returns the files stored with an outbox row.
func (s *Store) OutboxFiles(ctx context.Context, outboxID int64) ([]channels.Attachment, error) {
	rows, err := s.q(ctx).Query(ctx, `SELECT name, content_type, data FROM outbox_files WHERE outbox_id = $1 ORDER BY n`, outboxID)
	if err != nil {
		return nil, fmt.Errorf("postgres: files of outbox %d: %w", outboxID, err)
	}
	defer rows.Close()
	var out []channels.Attachment
	for rows.Next() {
		var a channels.Attachment
		if err := rows.Scan(&a.Name, &a.ContentType, &a.Data); err != nil {
			return nil, fmt.Errorf("postgres: files of outbox %d: %w", outboxID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: files of outbox %d: %w", outboxID, err)
	}
	return out, nil
}

// MonthlyReportSent reports whether month's report was queued.
func (s *Store) MonthlyReportSent(ctx context.Context, month string) (bool, error) {
	var one int
	err := s.q(ctx).QueryRow(ctx, `SELECT 1 FROM monthly_reports WHERE month = $1`, month).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: monthly report %s: %w", month, err)
	}
	return true, nil
}

// MonthlyReportInsert records month's report; false when it was already.
// A second process inserting the same month waits for the first one's
// transaction and then inserts nothing.
func (t *Tx) MonthlyReportInsert(ctx context.Context, month string, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `INSERT INTO monthly_reports (month, created_at) VALUES ($1, $2) ON CONFLICT (month) DO NOTHING`,
		month, t.s.orNow(at).UTC())
	if err != nil {
		return false, fmt.Errorf("postgres: record monthly report %s: %w", month, err)
	}
	return tag.RowsAffected() == 1, nil
}
