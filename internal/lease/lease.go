// Package lease makes per-process work (polling one Telegram bot, reading
// one IMAP mailbox) run in exactly one process at a time. A process that
// holds a lease runs the work; the others wait and take over within
// seconds when the holder stops or dies, because the lease lives in
// something the operating system or the database releases with the
// process: a PostgreSQL session advisory lock, or a file lock.
package lease

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Locker hands out named leases.
type Locker interface {
	// TryLock takes the lease called name if it is free; ok is false when
	// another process holds it.
	TryLock(ctx context.Context, name string) (h Held, ok bool, err error)
}

// Held is a lease this process holds.
type Held interface {
	// Check reports whether the lease is still certainly held (the
	// database session that holds it still answers).
	Check(ctx context.Context) error
	// Release gives the lease up.
	Release() error
}

// Options tune Run; zero values take the defaults.
type Options struct {
	Retry  time.Duration // how often a waiting process tries again (1 s)
	Check  time.Duration // how often the holder checks it still holds it (2 s)
	Logger *slog.Logger
}

// Run calls work whenever this process holds the lease called name, and
// until ctx ends. work's context is cancelled when the lease is lost;
// when work returns by itself the lease is released and taken again
// later, so a crashed loop is restarted (by whichever process is first).
func Run(ctx context.Context, l Locker, name string, o Options, work func(ctx context.Context) error) error {
	if o.Retry <= 0 {
		o.Retry = time.Second
	}
	if o.Check <= 0 {
		o.Check = 2 * time.Second
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	waiting := false
	for {
		h, ok, err := l.TryLock(ctx, name)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("lease: cannot ask for the lease", "lease", name, "err", err)
		case ok:
			log.Info("lease: taken; this process does the work", "lease", name)
			waiting = false
			err := hold(ctx, h, o.Check, work)
			if rerr := h.Release(); rerr != nil {
				log.Warn("lease: release", "lease", name, "err", rerr)
			}
			if ctx.Err() != nil {
				return nil
			}
			log.Warn("lease: given up", "lease", name, "err", err)
		case !waiting:
			log.Info("lease: held by another process; waiting to take over", "lease", name)
			waiting = true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Retry):
		}
	}
}

var errLost = errors.New("lease lost")

// hold runs work while h is held, checking every period.
func hold(ctx context.Context, h Held, period time.Duration, work func(ctx context.Context) error) error {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan error, 1)
	go func() { done <- work(wctx) }()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("work returned")
			}
			return err
		case <-t.C:
			if err := h.Check(ctx); err != nil && ctx.Err() == nil {
				// Stop the work before anyone else may start it.
				cancel(errLost)
				<-done
				return errors.Join(errLost, err)
			}
		case <-ctx.Done():
			<-done
			return ctx.Err()
		}
	}
}
