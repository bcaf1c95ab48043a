package sqlite_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/sqlite"
	"github.com/kefu-dev/kefu/store/storetest"
)

func open(t *testing.T) *sqlite.Store {
	t.Helper()
	return openPath(t, filepath.Join(t.TempDir(), "kefu data", "kefu.db"))
}

func openPath(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{Logger: logger})
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

// TestMigrateTwice: Migrate is idempotent, so `kefu migrate` may run on a
// database Open already migrated.
func TestMigrateTwice(t *testing.T) {
	s := open(t)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcesses: two stores on one file (say the server and `kefu
// migrate`, or a second instance) write at once without "database is
// locked" errors: BEGIN IMMEDIATE plus busy_timeout make them queue.
func TestTwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kefu.db")
	stores := []*sqlite.Store{openPath(t, path), openPath(t, path)}
	var conv service.Conversation
	err := stores[0].InTx(t.Context(), func(ctx context.Context, tx service.Tx) error {
		cu, err := tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.WebChat, ExternalUserID: "u"})
		if err != nil {
			return err
		}
		conv, err = tx.ConversationGetOrCreate(ctx, service.ConversationParams{Channel: channels.WebChat, ExternalUserID: "u", CustomerID: cu.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2*50)
	for i, s := range stores {
		go func() {
			for j := range 50 {
				errs <- s.InTx(t.Context(), func(ctx context.Context, tx service.Tx) error {
					// Read first, then write: the upgrade a deferred
					// transaction could not make.
					if _, err := tx.ConversationGet(ctx, conv.ID); err != nil {
						return err
					}
					_, _, err := tx.MessageInsert(ctx, service.MessageParams{
						ConversationID: conv.ID, Channel: channels.WebChat, ExternalID: fmt.Sprint(i, "-", j), Direction: "in",
					})
					return err
				})
			}
		}()
	}
	for range 2 * 50 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := stores[1].MessagesList(t.Context(), service.MessagesListParams{ConversationID: conv.ID})
	if err != nil || len(msgs) != 100 {
		t.Fatalf("MessagesList = %d messages, %v; want 100", len(msgs), err)
	}
}
