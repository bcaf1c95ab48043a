package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
	"github.com/kefu-dev/kefu/store/storetest"
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

func testPostgres(t *testing.T) string { return storetest.PostgresDB(t) }

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o600) }
