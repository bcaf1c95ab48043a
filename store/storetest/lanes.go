package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

func claimLane(t *testing.T, s service.Store, now time.Time, ch channels.ID, except ...channels.ID) []int64 {
	t.Helper()
	rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: now, Limit: 10, LeaseFor: time.Minute, Channel: ch, Except: except})
	if err != nil {
		t.Fatalf("OutboxClaim: %v", err)
	}
	var ids []int64
	for _, r := range rows {
		if ch != "" && r.Channel != ch {
			t.Errorf("lane %s claimed row %d of %s", ch, r.OutboxID, r.Channel)
		}
		ids = append(ids, r.OutboxID)
	}
	return ids
}

// testOutboxLanes: a claim for one channel takes only that channel's
// rows, one with Except everything else, so each channel's lane works
// on its own.
func testOutboxLanes(t *testing.T, s service.Store) {
	web, wx, tg := seed(t, s, "w"), seed(t, s, "x"), seed(t, s, "t")
	ins := func(conv service.Conversation, ch channels.ID) int64 {
		return outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: ch, ExternalUserID: "u", Text: "hi", CreatedAt: t0})
	}
	w1, x1, t1 := ins(web, channels.WebChat), ins(wx, channels.WeChat), ins(tg, channels.Telegram)
	ins(wx, channels.WeChat) // behind x1
	now := t0.Add(time.Second)
	if got := claimLane(t, s, now, channels.WeChat); !reflect.DeepEqual(got, []int64{x1}) {
		t.Errorf("WeChat lane claimed %v, want [%d] (its conversation's oldest)", got, x1)
	}
	if got := claimLane(t, s, now, "", channels.WeChat, channels.Telegram); !reflect.DeepEqual(got, []int64{w1}) {
		t.Errorf("lane of the other channels claimed %v, want [%d]", got, w1)
	}
	if got := claimLane(t, s, now, ""); !reflect.DeepEqual(got, []int64{t1}) {
		t.Errorf("claim of every channel got %v, want [%d] (the rest is leased)", got, t1)
	}
}

// testOutboxOrigin: a row kept for the process holding the customer's
// request (a WeChat passive reply) is claimed by that process only, until
// its time is up; then by anyone.
func testOutboxOrigin(t *testing.T, s service.Store) {
	conv := seed(t, s, "o")
	kept := outboxInsert(t, s, service.OutboxParams{ConversationID: conv.ID, Channel: channels.WeChat, ExternalUserID: "u", Text: "hi",
		CreatedAt: t0, Origin: "proc-a", OriginUntil: t0.Add(3 * time.Second)})
	claim := func(at time.Time, origin string) []int64 {
		t.Helper()
		rows, err := s.OutboxClaim(t.Context(), service.OutboxClaimParams{Now: at, Limit: 10, LeaseFor: time.Second, Origin: origin})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range rows {
			ids = append(ids, r.OutboxID)
		}
		return ids
	}
	if got := claim(t0.Add(time.Second), "proc-b"); len(got) != 0 {
		t.Errorf("another process claimed the kept row: %v", got)
	}
	if got := claim(t0.Add(time.Second), "proc-a"); !reflect.DeepEqual(got, []int64{kept}) {
		t.Errorf("the process holding the request claimed %v, want [%d]", got, kept)
	}
	// Its lease (1 s) and the keep (3 s) are over: anyone may send it.
	if got := claim(t0.Add(4*time.Second), "proc-b"); !reflect.DeepEqual(got, []int64{kept}) {
		t.Errorf("after the keep another process claimed %v, want [%d]", got, kept)
	}
}
