package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// refusedError is an error PostgreSQL will give again on every retry: it
// refuses the data itself, not the moment. It says so through
// Permanent(), which the service checks (see service.Store).
type refusedError struct{ err error }

func (e *refusedError) Error() string   { return e.err.Error() }
func (e *refusedError) Unwrap() error   { return e.err }
func (e *refusedError) Permanent() bool { return true }

// classify marks err permanent when PostgreSQL refused the data: a data
// exception (class 22: a value out of range, bytes not valid in the
// encoding), an integrity constraint (23: a CHECK, NOT NULL, foreign key;
// kefu's own racy inserts use ON CONFLICT, so a unique violation is data
// too) or a program limit (54: an index row too big). Everything else (a
// lost connection, a serialization failure, a shutdown, a trigger's own
// exception) may pass on retry and is returned as is.
func classify(err error) error {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	var perm interface{ Permanent() bool }
	if errors.As(err, &perm) {
		return err // marked already (a nested transaction)
	}
	if c := pe.Code; len(c) == 5 && (c[:2] == "22" || c[:2] == "23" || c[:2] == "54") {
		return &refusedError{err: err}
	}
	return err
}

// nested runs fn under a savepoint of the open transaction t, so a failed
// fn undoes only its own writes and leaves the transaction usable (on
// PostgreSQL a failed statement otherwise aborts the whole transaction):
// the caller may still record what went wrong, such as a quarantined
// message, and commit.
func (t *Tx) nested(ctx context.Context, fn func() error) error {
	if _, err := t.tx.Exec(ctx, `SAVEPOINT kefu_nested`); err != nil {
		return fmt.Errorf("postgres: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := t.tx.Exec(context.WithoutCancel(ctx), `ROLLBACK TO SAVEPOINT kefu_nested; RELEASE SAVEPOINT kefu_nested`); rbErr != nil {
			return errors.Join(classify(err), fmt.Errorf("postgres: rollback to savepoint: %w", rbErr))
		}
		return classify(err)
	}
	if _, err := t.tx.Exec(ctx, `RELEASE SAVEPOINT kefu_nested`); err != nil {
		return fmt.Errorf("postgres: release savepoint: %w", err)
	}
	return nil
}
