package postgres_test

import (
	"log/slog"
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
