package telegram

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/kefu-dev/kefu/channels"
)

// syncBuffer is a log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestKeyboardRemovedOnce: the buttons of a tapped message are taken off
// once. The next question does not edit that message again (Telegram
// would refuse: 400 "message is not modified"), and when another process
// already removed them that refusal is no warning.
func TestKeyboardRemovedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	var logs syncBuffer
	ch, err := New(b.cfg, b.inbox, Options{Now: b.clock.Now, After: b.clock.After,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	confirm := []channels.Choice{{Value: "confirm", Label: "确认"}, {Value: "edit", Label: "修改"}}
	if err := ch.Send(ctx(t), channels.Outbound{OutboxID: 9, ExternalUserID: testChat, Text: "请确认以下信息", Choices: confirm}); err != nil {
		t.Fatal(err)
	}
	b.deliver(t, ch, "update_callback.json") // a tap on message 57
	if err := ch.Send(ctx(t), channels.Outbound{OutboxID: 10, ExternalUserID: testChat, Text: "请为本次服务打分",
		Choices: []channels.Choice{{Value: "rating:5", Label: "5"}, {Value: "rating:4", Label: "4"}}}); err != nil {
		t.Fatal(err)
	}
	edits := b.bot.callsTo("editMessageReplyMarkup")
	if len(edits) != 1 || edits[0].Params.Get("message_id") != "57" {
		t.Errorf("editMessageReplyMarkup calls %v, want one, for the tapped message 57", edits)
	}

	// The next question replaces a keyboard nobody tapped: that one is
	// taken off, once.
	if err := ch.Send(ctx(t), out(11, "工单已登记")); err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(ctx(t), channels.Outbound{OutboxID: 12, ExternalUserID: testChat, Text: "还有其他问题吗？", Choices: confirm}); err != nil {
		t.Fatal(err)
	}
	edits = b.bot.callsTo("editMessageReplyMarkup")
	if len(edits) != 2 || edits[1].Params.Get("message_id") != "58" {
		t.Errorf("editMessageReplyMarkup calls %v, want a second one for the untapped message 58", edits)
	}

	// Another process (a restart) sees a tap on a keyboard whose buttons
	// are gone already: Telegram refuses the edit, which is no warning.
	other, err := New(b.cfg, b.inbox, Options{Now: b.clock.Now, After: b.clock.After,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	b.bot.fail("editMessageReplyMarkup", "error_400_not_modified.json")
	b.deliver(t, other, "update_callback_again.json")
	if n := len(b.bot.callsTo("editMessageReplyMarkup")); n != 3 {
		t.Errorf("the other process made %d edits, want 1", n-2)
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a keyboard already removed was logged as a problem:\n%s", logs.String())
	}
}
