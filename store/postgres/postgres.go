// Package postgres is kefu's store on PostgreSQL (pgx), for running several
// kefu processes on one database: conversations are serialized with
// transaction-scoped advisory locks and outbox claims use SKIP LOCKED.
//
// A Store method called with the context InTx passed to fn runs inside that
// transaction, as on SQLite. Times are timestamptz (microseconds) and come
// back in UTC.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/timers"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure a Store.
type Options struct {
	Logger *slog.Logger
	// Now is the clock for timestamps the store sets itself; nil = time.Now.
	Now func() time.Time
}

// Store is a service.Store on PostgreSQL.
type Store struct {
	pool   *pgxpool.Pool
	log    *slog.Logger
	now    func() time.Time
	timers *timers.Runner[pgx.Tx]
}

var _ service.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or DSN) and
// migrates it.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	// Migrate holds one connection for its lock while using another.
	cfg.MaxConns = max(cfg.MaxConns, 4)
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default (the CPUs, at least 4) and one more: kefu keeps
		// one for the outbox and the timers, out of customers' reach.
		cfg.MaxConns++
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	s.timers, err = timers.New(riverpgxv5.New(pool), s.log)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

// Migrate applies kefu's and River's migrations; it is idempotent, and a
// session advisory lock makes processes starting together take turns.
func (s *Store) Migrate(ctx context.Context) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	const lockKey = "kefu:migrate"
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, lockKey); err != nil {
		return fmt.Errorf("postgres: migrate lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx is done, or the pooled session keeps the lock.
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, lockKey); uerr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
			err = errors.Join(err, fmt.Errorf("postgres: migrate unlock: %w", uerr))
		}
	}()

	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithSlog(s.log))
	if err != nil {
		return fmt.Errorf("postgres: goose: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := timers.Migrate(ctx, riverpgxv5.New(s.pool), s.log); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// Conns is how many connections the store may open at most.
func (s *Store) Conns() int { return int(s.pool.Config().MaxConns) }

// Close stops the timer runner and closes the pool.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.timers.Stop(ctx)
	s.pool.Close()
	return err
}

// TimersStart starts working due timers; see service.Store.
func (s *Store) TimersStart(ctx context.Context, h service.TimerHandler) error {
	return s.timers.Start(ctx, h)
}

// TimersStop stops the timer runner, waiting for running handlers.
func (s *Store) TimersStop(ctx context.Context) error { return s.timers.Stop(ctx) }

// txKey marks a context that carries an open transaction.
type txKey struct{}

// querier is what *pgxpool.Pool and pgx.Tx have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) ctxTx(ctx context.Context) *Tx {
	if t, ok := ctx.Value(txKey{}).(*Tx); ok && t.s == s {
		return t
	}
	return nil
}

// q is the pool, or the transaction ctx carries, so reads inside InTx see
// its writes.
func (s *Store) q(ctx context.Context) querier {
	if t := s.ctxTx(ctx); t != nil {
		return t.tx
	}
	return s.pool
}

// InTx runs fn in one transaction and commits if fn returns nil. Called with
// a context from an enclosing InTx, it joins that transaction under a
// savepoint: a failed fn undoes its own writes only, and the enclosing fn
// decides. An error that will recur on every retry (PostgreSQL refuses the
// data) has a Permanent method returning true.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	return s.inTx(ctx, func(ctx context.Context, t *Tx) error { return fn(ctx, t) })
}

func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, t *Tx) error) error {
	if t := s.ctxTx(ctx); t != nil {
		return t.nested(ctx, func() error { return fn(ctx, t) })
	}
	pgTx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	t := &Tx{s: s, tx: pgTx}
	defer func() {
		if p := recover(); p != nil {
			_ = pgTx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, t), t); err != nil {
		// Roll back even when ctx is what failed.
		if rbErr := pgTx.Rollback(context.WithoutCancel(ctx)); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			s.log.ErrorContext(ctx, "postgres: rollback", "err", rbErr)
		}
		return classify(err)
	}
	if err := pgTx.Commit(ctx); err != nil {
		// A deferred constraint fails at the commit.
		return classify(fmt.Errorf("postgres: commit: %w", err))
	}
	return nil
}
