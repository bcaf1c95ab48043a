package sqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// refusedError is an error SQLite will give again on every retry: it
// refuses the data itself, not the moment. It says so through
// Permanent(), which the service checks (see service.Store).
type refusedError struct{ err error }

func (e *refusedError) Error() string   { return e.err.Error() }
func (e *refusedError) Unwrap() error   { return e.err }
func (e *refusedError) Permanent() bool { return true }

// classify marks err permanent when SQLite refused the data: a constraint
// (CHECK, NOT NULL, foreign key, unique: kefu's own racy inserts use ON
// CONFLICT), a value too big or of the wrong type. A trigger's own
// RAISE is not kefu's schema speaking and may pass on retry; so may a
// busy or locked database, a full disk or an I/O error.
func classify(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	var perm interface{ Permanent() bool }
	if errors.As(err, &perm) {
		return err // marked already (a nested transaction)
	}
	code := se.Code()
	if code == sqlite3.SQLITE_CONSTRAINT_TRIGGER {
		return err
	}
	switch code & 0xff { // the primary result code
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH:
		return &refusedError{err: err}
	}
	return err
}

// nested runs fn under a savepoint of the open transaction t, so a failed
// fn undoes only its own writes: the caller may still record what went
// wrong, such as a quarantined message, and commit.
func (t *Tx) nested(ctx context.Context, fn func() error) error {
	if _, err := t.tx.ExecContext(ctx, `SAVEPOINT kefu_nested`); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := t.tx.ExecContext(context.WithoutCancel(ctx), `ROLLBACK TO SAVEPOINT kefu_nested; RELEASE SAVEPOINT kefu_nested`); rbErr != nil {
			return errors.Join(classify(err), fmt.Errorf("sqlite: rollback to savepoint: %w", rbErr))
		}
		return classify(err)
	}
	if _, err := t.tx.ExecContext(ctx, `RELEASE SAVEPOINT kefu_nested`); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
}
