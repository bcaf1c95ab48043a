package storetest

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// testOutboxUnclaim: rows claimed and not tried are given back at once, the
// claim's attempt undone; a row under another claim is left alone.
func testOutboxUnclaim(t *testing.T, s service.Store) {
	conv := seed(t, s, "unclaim")
	id := outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WebChat, ExternalUserID: "unclaim", Text: "hi", CreatedAt: t0})
	claim := func(at time.Time) []service.OutboxRow {
		t.Helper()
		rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: at, Limit: 10, LeaseFor: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if rows := claim(t0); len(rows) != 1 || rows[0].OutboxID != id {
		t.Fatalf("first claim: %+v", rows)
	}
	// Another lease end is another claim's: nothing changes.
	if err := s.OutboxUnclaim(t.Context(), []int64{id}, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if rows := claim(t0.Add(time.Second)); len(rows) != 0 {
		t.Fatalf("a row under a claim was given back by another: %+v", rows)
	}
	if err := s.OutboxUnclaim(t.Context(), []int64{id}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	rows := claim(t0.Add(time.Second))
	if len(rows) != 1 || rows[0].OutboxID != id || rows[0].Attempts != 0 {
		t.Fatalf("after giving it back: %+v (want the row, 0 attempts before)", rows)
	}
}
