package lease

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres leases are session advisory locks, each on a connection of its
// own: PostgreSQL releases the lock when the session ends, which it does
// as soon as a killed process's socket closes.
type Postgres struct {
	URL string
}

// TryLock implements Locker.
func (p Postgres) TryLock(ctx context.Context, name string) (Held, bool, error) {
	// Parsed as the store's pool parses it, so pool_* settings in
	// database.url are not sent to the server as session parameters.
	cfg, err := pgxpool.ParseConfig(p.URL)
	if err != nil {
		return nil, false, fmt.Errorf("lease %s: %w", name, err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, false, fmt.Errorf("lease %s: connect: %w", name, err)
	}
	var ok bool
	// hashtextextended gives the 64-bit key advisory locks take; kefu's
	// names are few and distinct, and a collision would only serialise two
	// pieces of work, never run one twice.
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, "kefu:"+name).Scan(&ok); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, false, fmt.Errorf("lease %s: %w", name, err)
	}
	if !ok {
		conn.Close(context.WithoutCancel(ctx))
		return nil, false, nil
	}
	return &pgHeld{conn: conn}, true, nil
}

type pgHeld struct {
	mu   sync.Mutex
	conn *pgx.Conn
}

// Check pings the session holding the lock: if it answers, the lock is
// still ours.
func (h *pgHeld) Check(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conn.Ping(ctx)
}

// Release ends the session, which releases the lock.
func (h *pgHeld) Release() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conn.Close(context.Background())
}
