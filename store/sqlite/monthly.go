package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// OutboxFiles returns the files stored with an outbox row.
func (s *Store) OutboxFiles(ctx context.Context, outboxID int64) ([]channels.Attachment, error) {
	rows, err := s.query(ctx, `SELECT name, content_type, data FROM outbox_files WHERE outbox_id = ? ORDER BY n`, outboxID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: files of outbox %d: %w", outboxID, err)
	}
	defer rows.Close()
	var out []channels.Attachment
	for rows.Next() {
		var a channels.Attachment
		if err := rows.Scan(&a.Name, &a.ContentType, &a.Data); err != nil {
			return nil, fmt.Errorf("sqlite: files of outbox %d: %w", outboxID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: files of outbox %d: %w", outboxID, err)
	}
	return out, nil
}

// MonthlyReportSent reports whether month's report was queued.
func (s *Store) MonthlyReportSent(ctx context.Context, month string) (bool, error) {
	var one int
	var err error
	if t := s.ctxTx(ctx); t != nil {
		err = t.tx.QueryRowContext(ctx, `SELECT 1 FROM monthly_reports WHERE month = ?`, month).Scan(&one)
	} else {
		err = s.db.QueryRowContext(ctx, `SELECT 1 FROM monthly_reports WHERE month = ?`, month).Scan(&one)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: monthly report %s: %w", month, err)
	}
	return true, nil
}

// MonthlyReportInsert records month's report; false when it was already.
func (t *Tx) MonthlyReportInsert(ctx context.Context, month string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO monthly_reports (month, created_at) VALUES (?, ?) ON CONFLICT (month) DO NOTHING`,
		month, ts(t.s.orNow(at)))
	if err != nil {
		return false, fmt.Errorf("sqlite: record monthly report %s: %w", month, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: record monthly report %s: %w", month, err)
	}
	return n == 1, nil
}
