package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// TestGoldenTranscripts replays every transcript in testdata/transcripts on
// both stores and checks the expected case.
func TestGoldenTranscripts(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../testdata/transcripts/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts found")
	}
	var trs []Transcript
	for _, f := range files {
		tr, err := LoadTranscript(f)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Expect == nil {
			t.Errorf("%s: no expect block", f)
		}
		trs = append(trs, tr)
	}
	cfg := configs.Default()
	for _, b := range []struct {
		name string
		open func(t *testing.T, clk *simClock) service.Store
	}{
		{"sqlite", func(t *testing.T, clk *simClock) service.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "golden.db"), sqlite.Options{Logger: discard(), Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"postgres", func(t *testing.T, clk *simClock) service.Store {
			st, err := postgres.Open(context.Background(), testPostgres(t), postgres.Options{Logger: discard(), Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			clk := &simClock{}
			st := b.open(t, clk)
			defer st.Close()
			for _, tr := range trs {
				t.Run(tr.Name, func(t *testing.T) {
					res, err := Simulate(context.Background(), cfg, st, clk, tr)
					if err != nil {
						t.Fatal(err)
					}
					if diffs := res.Check(tr.Expect); len(diffs) > 0 {
						out, _ := json.MarshalIndent(res, "", "  ")
						t.Errorf("%s\n%s", strings.Join(diffs, "\n"), out)
					}
				})
			}
		})
	}
}

// testPostgres creates a throwaway database; the test fails (never skips)
// when PostgreSQL is unreachable.
func testPostgres(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("KEFU_TEST_POSTGRES_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL is required for this test: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("kefu_cmd_%d_%d", time.Now().UnixNano(), rand.IntN(1e6))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(context.Background(), admin); err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o600) }
