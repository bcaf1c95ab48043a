package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/storetest"
)

// baseURL is the server the tests create their databases on. It must be
// reachable: a missing Postgres fails the tests rather than skipping them.
func baseURL() string {
	if u := os.Getenv("KEFU_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// freshDatabase creates an empty database and drops it after the test.
func freshDatabase(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	base := baseURL()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KEFU_TEST_POSTGRES_URL must be a postgres:// URL: %v", err)
	}
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to test Postgres at %s: %v", u.Redacted(), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kefu_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(ctx)
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		admin.Close(ctx)
	})
	u.Path = "/" + name
	// Subtests run in parallel; keep each store's pool small so a many-core
	// machine stays under the server's max_connections.
	q := u.Query()
	q.Set("pool_max_conns", "6")
	u.RawQuery = q.Encode()
	return u.String()
}

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
