// Package sqlite is kefu's embedded store: one SQLite file (modernc.org/sqlite,
// no cgo) holding kefu's tables and River's timer jobs.
//
// Caveats: the pool has exactly one connection, as River's SQLite driver
// needs, and every transaction starts with BEGIN IMMEDIATE, so writers never
// fail on a lock upgrade. A Store method called with the context InTx passed
// to fn runs inside that transaction instead of waiting for the connection
// the transaction holds (which would deadlock). Times are stored as UTC text
// with microsecond precision, as on Postgres.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

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

// Store is a service.Store on one SQLite file.
type Store struct {
	db     *sql.DB
	log    *slog.Logger
	now    func() time.Time
	timers *timers.Runner[*sql.Tx]
	stmts  *stmts // kefu's queries, prepared at Open
}

var _ service.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection: River's SQLite driver needs it, and SQLite has one
	// writer anyway.
	db.SetMaxOpenConns(1)

	s := &Store{db: db, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Prepare after migrating (the tables exist) and before River or any
	// transaction can hold the one connection.
	if s.stmts, err = prepareAll(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s.timers, err = timers.New(riversqlite.New(db), s.log)
	if err != nil {
		s.stmts.close()
		db.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return s, nil
}

// Migrate applies kefu's and River's migrations; it is idempotent.
func (s *Store) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithSlog(s.log))
	if err != nil {
		return fmt.Errorf("sqlite: goose: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if err := timers.Migrate(ctx, riversqlite.New(s.db), s.log); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// Close stops the timer runner, closes the prepared statements and closes
// the database.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stopErr := s.timers.Stop(ctx)
	stmtErr := s.stmts.close()
	return errors.Join(stopErr, stmtErr, s.db.Close())
}

// TimersStart starts working due timers; see service.Store.
func (s *Store) TimersStart(ctx context.Context, h service.TimerHandler) error {
	return s.timers.Start(ctx, h)
}

// TimersStop stops the timer runner, waiting for running handlers.
func (s *Store) TimersStop(ctx context.Context) error { return s.timers.Stop(ctx) }

// txKey marks a context that carries an open transaction.
type txKey struct{}

// ctxTx returns the transaction of this store carried by ctx, if any.
func (s *Store) ctxTx(ctx context.Context) *Tx {
	if t, ok := ctx.Value(txKey{}).(*Tx); ok && t.s == s {
		return t
	}
	return nil
}

// InTx runs fn in one transaction and commits if fn returns nil. Called with
// a context from an enclosing InTx, it joins that transaction under a
// savepoint: a failed fn undoes its own writes only, and the enclosing fn
// decides. An error that will recur on every retry (SQLite refuses the
// data) has a Permanent method returning true.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	return s.inTx(ctx, func(ctx context.Context, t *Tx) error { return fn(ctx, t) })
}

func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, t *Tx) error) (err error) {
	if t := s.ctxTx(ctx); t != nil {
		return t.nested(ctx, func() error { return fn(ctx, t) })
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	t := &Tx{s: s, tx: sqlTx}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, t), t); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			s.log.ErrorContext(ctx, "sqlite: rollback", "err", rbErr)
		}
		return classify(err)
	}
	if err := sqlTx.Commit(); err != nil {
		// A deferred foreign key fails at the commit.
		return classify(fmt.Errorf("sqlite: commit: %w", err))
	}
	return nil
}
