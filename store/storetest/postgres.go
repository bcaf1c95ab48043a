package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresURL is the server tests create their databases on:
// KEFU_TEST_POSTGRES_URL, or the local trust-auth server.
func PostgresURL() string {
	if u := os.Getenv("KEFU_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// PostgresDB creates an empty database, drops it after the test and
// returns its URL. A missing server fails the test: it never skips.
func PostgresDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	base := PostgresURL()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KEFU_TEST_POSTGRES_URL must be a postgres:// URL: %v", err)
	}
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL is required for this test (%s): %v", u.Redacted(), err)
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
	// Tests run in parallel; small pools keep the server under max_connections.
	q := u.Query()
	q.Set("pool_max_conns", "6")
	u.RawQuery = q.Encode()
	return u.String()
}

// LibpqURL is u without the pool settings pgx reads and libpq (psql,
// pgbench) refuses; a pool size set there is dropped.
func LibpqURL(tb testing.TB, u string) string {
	tb.Helper()
	p, err := url.Parse(u)
	if err != nil {
		tb.Fatal(err)
	}
	q := p.Query()
	q.Del("pool_max_conns")
	p.RawQuery = q.Encode()
	return p.String()
}
