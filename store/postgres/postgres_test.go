package postgres_test

import (
	"log/slog"
	"runtime"
	"testing"

	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/storetest"
)

func freshDatabase(t *testing.T) string { return storetest.PostgresDB(t) }

func open(t *testing.T) *postgres.Store {
	t.Helper()
	dbURL := freshDatabase(t)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := postgres.Open(t.Context(), dbURL, postgres.Options{Logger: logger})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) service.Store { return open(t) })
}

// TestMigrateConcurrently: processes starting together on one database take
// turns migrating instead of failing.
func TestMigrateConcurrently(t *testing.T) {
	dbURL := freshDatabase(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := postgres.Open(t.Context(), dbURL, postgres.Options{})
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// The pool has one connection more than pgxpool would give, for the work
// kefu keeps out of customers' reach (cmd/kefu's intake limit); a size
// set in the URL is taken as it is.
func TestPoolSize(t *testing.T) {
	dbURL := freshDatabase(t) // sets pool_max_conns=6
	for _, c := range []struct {
		url  string
		want int
	}{{dbURL, 6}, {storetest.LibpqURL(t, dbURL), max(4, runtime.NumCPU()) + 1}} {
		s, err := postgres.Open(t.Context(), c.url, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Conns(); got != c.want {
			t.Errorf("%s: %d connections, want %d", c.url, got, c.want)
		}
		s.Close()
	}
}
