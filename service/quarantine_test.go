package service_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
	"github.com/kefu-dev/kefu/store/storetest"
)

// A message the store refuses for good is kept as rejected with its raw
// bytes, its channel position moves past it in the same transaction, and
// the next message is answered; a message that fails for a reason that
// may pass (the database going away) is neither quarantined nor skipped:
// the error comes back and the position stays, so the channel offers it
// again.
func TestReceiveQuarantinesWhatTheStoreRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
		open func(t *testing.T, url string) service.Store
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "kefu.db") },
			func(t *testing.T, url string) service.Store {
				st, err := sqlite.Open(context.Background(), url, sqlite.Options{Logger: quiet()})
				if err != nil {
					t.Fatal(err)
				}
				return st
			}},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDB(t) }, func(t *testing.T, url string) service.Store {
			st, err := postgres.Open(context.Background(), url, postgres.Options{Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := tc.url(t)
			st := tc.open(t, url)
			t.Cleanup(func() { st.Close() })
			snd := &countingSender{}
			svc := newService(t, st, newClock(), snd)
			ctx := context.Background()
			poison := storetest.NewPoison(t, url)
			poison.Refuse("POISON")
			poison.Fail("FLAKY")

			// Transient: an error, no rejected row, the cursor where it was.
			flaky := msg("u-flaky", "f1", "FLAKY 冰箱不制冷")
			if _, err := svc.ReceiveAt(ctx, flaky, "pos", "1"); err == nil {
				t.Fatal("a message the database failed transiently was taken")
			}
			if _, ok, _ := svc.Cursor(ctx, "pos"); ok {
				t.Error("the position moved past a message that failed transiently")
			}
			if got := poison.Rejected(); len(got) != 0 {
				t.Errorf("a transient failure was quarantined: %+v", got)
			}

			// Permanent: quarantined, the position moves, no error.
			bad := msg("u-poison", "p1", "POISON 洗衣机不脱水")
			bad.Raw = []byte(`{"text":"POISON \u0000"}`)
			rc, err := svc.ReceiveAt(ctx, bad, "pos", "2")
			if err != nil || !rc.Quarantined {
				t.Fatalf("ReceiveAt(refused message) = %+v, %v; want quarantined without error", rc, err)
			}
			if v, _, _ := svc.Cursor(ctx, "pos"); v != "2" {
				t.Errorf("position after the quarantine = %q, want 2", v)
			}
			got := poison.Rejected()
			if len(got) != 1 || got[0].Channel != string(channels.WebChat) || string(got[0].Raw) != string(bad.Raw) ||
				!strings.Contains(got[0].Reason, "p1") {
				t.Fatalf("rejected = %+v, want the message with its raw bytes", got)
			}
			if _, err := st.ConversationFind(ctx, channels.WebChat, "u-poison"); err == nil {
				t.Error("the refused message left a conversation behind")
			}

			// The next message of another chat is answered; so is the next
			// one of the same chat, and the flaky one once the database works.
			for i, in := range []channels.Inbound{msg("u-next", "n1", "你好，冰箱不制冷了"), msg("u-poison", "p2", "洗衣机不脱水")} {
				rc, err := svc.ReceiveAt(ctx, in, "pos", string(rune('3'+i)))
				if err != nil || rc.Quarantined {
					t.Fatalf("next message %s: %+v, %v", in.ExternalMessageID, rc, err)
				}
			}
			poison.Clear()
			if rc, err := svc.ReceiveAt(ctx, flaky, "pos", "5"); err != nil || rc.Quarantined {
				t.Fatalf("the flaky message once the database works: %+v, %v", rc, err)
			}
			drain(t, svc)
			if n := len(snd.texts); n < 3 {
				t.Errorf("%d replies sent, want one to each of the three customers at least", n)
			}
		})
	}
}
