package telegram

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

func messageIDs(in []channels.Inbound) []string {
	var out []string
	for _, m := range in {
		out = append(out, m.ExternalMessageID)
	}
	return out
}

// crashPoll runs Poll until the inbox hook "kills the process" by
// cancelling its context, and waits for it to return.
func crashPoll(t *testing.T, ch *Channel, arm func(kill func())) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	arm(cancel)
	done := make(chan error, 1)
	go func() { done <- ch.Poll(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the crash did not happen")
	}
}

// TestPollLossless kills the poller between receiving an update and
// committing it, then right after a commit, and restarts it each time:
// every message is stored exactly once and in order.
func TestPollLossless(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Polling})
	b.bot.push("update_text.json", "update_text2.json", "update_text3.json")
	const (
		m1, m2, m3 = testChat + ":51", testChat + ":52", testChat + ":53"
	)

	// 1. Killed inside the transaction of the second update: it rolls back.
	crashPoll(t, b.ch, func(kill func()) {
		b.inbox.BeforeCommit = func(in channels.Inbound, p *OffsetParams) error {
			if in.ExternalMessageID == m2 {
				kill()
				return errors.New("killed before commit")
			}
			return nil
		}
	})
	if got := messageIDs(b.inbox.Messages()); !slices.Equal(got, []string{m1}) {
		t.Fatalf("after a crash before commit: stored %v, want only %s", got, m1)
	}
	if off, _ := b.inbox.OffsetLoad(context.Background(), testBotID); off != 815000102 {
		t.Fatalf("offset %d, want 815000102 (the lost transaction must not advance it)", off)
	}

	// 2. Restart; killed right after the second update committed, before
	// the next getUpdates could confirm it to Telegram.
	drain(b.bot.offsets)
	b.inbox.BeforeCommit = nil
	crashPoll(t, b.newChannel(t), func(kill func()) {
		b.inbox.AfterCommit = func(in channels.Inbound, p *OffsetParams) {
			if in.ExternalMessageID == m2 {
				kill()
			}
		}
	})
	if first := <-b.bot.offsets; first != 815000102 {
		t.Errorf("restart asked from offset %d, want 815000102 (the stored one)", first)
	}
	if got := messageIDs(b.inbox.Messages()); !slices.Equal(got, []string{m1, m2}) {
		t.Fatalf("after a crash after commit: stored %v", got)
	}

	// 3. Restart again: Telegram still holds update 102 unconfirmed, but
	// the stored offset skips it; 103 comes next.
	drain(b.bot.offsets)
	b.inbox.AfterCommit = nil
	stop := runPoll(t, b.newChannel(t))
	if first := <-b.bot.offsets; first != 815000103 {
		t.Errorf("second restart asked from offset %d, want 815000103", first)
	}
	b.waitOffset(t, 815000104)
	stop()
	if got := messageIDs(b.inbox.Messages()); !slices.Equal(got, []string{m1, m2, m3}) {
		t.Errorf("stored %v, want each message once in order", got)
	}
	if off, _ := b.inbox.OffsetLoad(context.Background(), testBotID); off != 815000104 {
		t.Errorf("offset %d, want 815000104", off)
	}
	if got := b.bot.methods(); len(got) < 2 || got[0] != "getMe" || got[1] != "deleteWebhook" {
		t.Errorf("calls start %v, want getMe, deleteWebhook (getUpdates fails while a webhook is set)", got)
	}
}

// TestPollInboxFailure: a store that fails (without a crash) holds the
// loop on the same update until it is taken.
func TestPollInboxFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Polling})
	b.bot.push("update_text.json", "update_text2.json")
	failed := false
	b.inbox.BeforeCommit = func(in channels.Inbound, p *OffsetParams) error {
		if in.ExternalMessageID == testChat+":52" && !failed {
			failed = true
			return errors.New("database is locked")
		}
		return nil
	}
	stop := runPoll(t, b.ch)
	b.waitOffset(t, 815000103)
	stop()
	if got := messageIDs(b.inbox.Messages()); !slices.Equal(got, []string{testChat + ":51", testChat + ":52"}) {
		t.Errorf("stored %v", got)
	}
	if !slices.Contains(b.clock.Waits(), time.Second) {
		t.Errorf("waits %v, want a 1s backoff before trying again", b.clock.Waits())
	}
}

// TestPollUpdates: updates that store nothing still move the offset; a
// 429 on getUpdates waits retry_after; a tap via polling is answered.
func TestPollUpdates(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Polling})
	b.bot.fail("getUpdates", "error_429.json", "error_409_conflict.json")
	b.bot.push("update_edited.json", "update_sticker.json", "update_group.json", "update_blocked.json", "update_callback.json")
	stop := runPoll(t, b.ch)
	b.waitOffset(t, 815000131)
	stop()
	msgs := b.inbox.Messages()
	if len(msgs) != 1 || msgs[0].Choice != "confirm" {
		t.Fatalf("handed on %+v, want only the tap", msgs)
	}
	rej := b.inbox.RejectedPayloads()
	if len(rej) != 1 || rej[0].Reason != "unsupported: sticker" {
		t.Errorf("rejected %+v, want the sticker", rej)
	}
	if off, _ := b.inbox.OffsetLoad(context.Background(), testBotID); off != 815000131 {
		t.Errorf("offset %d, want 815000131", off)
	}
	if !slices.Contains(b.clock.Waits(), 7*time.Second) {
		t.Errorf("waits %v, want retry_after 7s", b.clock.Waits())
	}
	if n := len(b.bot.callsTo("deleteWebhook")); n != 2 {
		t.Errorf("deleteWebhook calls %d, want 2 (at start and after the 409)", n)
	}
	if len(b.bot.callsTo("answerCallbackQuery")) != 1 || len(b.bot.callsTo("editMessageReplyMarkup")) != 1 {
		t.Errorf("calls %v, want the tap answered and its keyboard removed", b.bot.methods())
	}
}

func drain(c chan int) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
