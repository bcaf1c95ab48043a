package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// testOutboxStats: the metrics' view of the outbox, per channel, pending
// rows only, with the oldest's queueing time.
func testOutboxStats(t *testing.T, s service.Store) {
	st, ok := s.(interface {
		OutboxStats(ctx context.Context) ([]service.OutboxStat, error)
	})
	if !ok {
		t.Fatal("the store has no OutboxStats")
	}
	if got, err := st.OutboxStats(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("empty outbox: %+v, %v", got, err)
	}
	a, b := seed(t, s, "stats-a"), seed(t, s, "stats-b")
	outboxInsert(t, s, service.OutboxParams{ConversationID: a.ID, Channel: channels.WebChat, ExternalUserID: "stats-a", Text: "1", CreatedAt: t0.Add(time.Minute)})
	outboxInsert(t, s, service.OutboxParams{ConversationID: b.ID, Channel: channels.WebChat, ExternalUserID: "stats-b", Text: "2", CreatedAt: t0})
	outboxInsert(t, s, service.OutboxParams{ConversationID: b.ID, Channel: channels.Telegram, ExternalUserID: "stats-b", Text: "3", CreatedAt: t0.Add(2 * time.Minute)})
	got, err := st.OutboxStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Oldest = got[i].Oldest.UTC()
	}
	want := []service.OutboxStat{
		{Channel: channels.Telegram, Pending: 1, Oldest: t0.Add(2 * time.Minute)},
		{Channel: channels.WebChat, Pending: 2, Oldest: t0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OutboxStats = %+v\nwant %+v", got, want)
	}
}
