package telegram

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

func out(id int64, text string) channels.Outbound {
	return channels.Outbound{OutboxID: id, Channel: channels.Telegram, ExternalUserID: testChat, Text: text, Kind: "reply"}
}

// TestSend429: flood control is a refusal with RetryAt from retry_after,
// and the chat stays quiet until then without calling Telegram.
func TestSend429(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.bot.fail("sendMessage", "error_429.json")
	err := b.ch.Send(ctx(t), out(1, "您的工单已受理"))
	var refused *channels.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("got %v, want *channels.RefusedError", err)
	}
	if want := testEpoch.Add(7 * time.Second); !refused.RetryAt.Equal(want) {
		t.Errorf("RetryAt %v, want %v", refused.RetryAt, want)
	}
	calls := len(b.bot.callsTo("sendMessage"))
	b.clock.Advance(time.Second)
	err = b.ch.Send(ctx(t), out(2, "第二条"))
	if !errors.As(err, &refused) || !refused.RetryAt.Equal(testEpoch.Add(7*time.Second)) {
		t.Errorf("during retry_after: %v", err)
	}
	if len(b.bot.callsTo("sendMessage")) != calls {
		t.Error("sent during retry_after")
	}
	b.clock.Advance(6 * time.Second)
	if err := b.ch.Send(ctx(t), out(1, "您的工单已受理")); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
}

// TestSendBlocked: a customer who blocked the bot is a BlockedError that
// the outbox treats as a refusal.
func TestSendBlocked(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.bot.fail("sendMessage", "error_403_blocked.json")
	err := b.ch.Send(ctx(t), out(3, "您的工单已受理"))
	var blocked *BlockedError
	if !errors.As(err, &blocked) || blocked.ChatID != testChatID || !strings.Contains(blocked.Reason, "blocked by the user") {
		t.Fatalf("got %v, want *BlockedError", err)
	}
	var refused *channels.RefusedError
	if !errors.As(err, &refused) || !refused.RetryAt.Equal(testEpoch.Add(24*time.Hour)) {
		t.Errorf("got %v, want it to unwrap to a RefusedError retrying in 24h", err)
	}
}

// TestSendRateLimit: one message a second per chat, on the fake clock.
func TestSendRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	for i := range 3 {
		if err := b.ch.Send(ctx(t), out(int64(10+i), "消息")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ch.Send(ctx(t), channels.Outbound{OutboxID: 20, ExternalUserID: "42", Text: "another chat"}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.clock.Waits(), []time.Duration{time.Second, time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v (the other chat does not wait)", got, want)
	}
	if n := len(b.bot.callsTo("sendMessage")); n != 4 {
		t.Errorf("sent %d", n)
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	at := func(ms int) time.Time { return testEpoch.Add(time.Duration(ms) * time.Millisecond) }
	t.Run("per chat", func(t *testing.T) {
		l := newLimiter(RateLimit{PerChat: time.Second, PerSecond: 25, Burst: 5, MaxWait: 5 * time.Second})
		for i, want := range []time.Duration{0, time.Second, 2 * time.Second} {
			if w, ok := l.reserve(1, at(0)); !ok || w != want {
				t.Errorf("message %d: wait %v %v, want %v", i, w, ok, want)
			}
		}
		if w, ok := l.reserve(1, at(3500)); !ok || w != 0 {
			t.Errorf("after the queue drained: %v %v", w, ok)
		}
	})
	t.Run("bot-wide", func(t *testing.T) {
		l := newLimiter(RateLimit{PerChat: time.Second, PerSecond: 25, Burst: 5, MaxWait: 5 * time.Second})
		var waits []time.Duration
		for chat := range int64(8) {
			w, _ := l.reserve(chat, at(0))
			waits = append(waits, w)
		}
		// A burst of 5, then one every 40ms.
		want := []time.Duration{0, 0, 0, 0, 0, 40 * time.Millisecond, 80 * time.Millisecond, 120 * time.Millisecond}
		if !slices.Equal(waits, want) {
			t.Errorf("waits %v, want %v", waits, want)
		}
	})
	t.Run("max wait", func(t *testing.T) {
		l := newLimiter(RateLimit{PerChat: time.Second, PerSecond: 25, Burst: 1, MaxWait: 1500 * time.Millisecond})
		l.reserve(1, at(0))
		l.reserve(1, at(0))
		w, ok := l.reserve(1, at(0))
		if ok || w != 2*time.Second {
			t.Errorf("third message: %v %v, want refused, come back in 2s", w, ok)
		}
		if w, ok := l.reserve(1, at(2000)); !ok || w != 0 {
			t.Errorf("a refusal must not book a slot: %v %v", w, ok)
		}
	})
}

// TestSendRefusedByLimiter: a wait beyond MaxWait defers the message.
func TestSendRefusedByLimiter(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{config: func(c *Config) { c.RateLimit.PerChat = 10 * time.Second }})
	if err := b.ch.Send(ctx(t), out(1, "一")); err != nil {
		t.Fatal(err)
	}
	err := b.ch.Send(ctx(t), out(2, "二"))
	var refused *channels.RefusedError
	if !errors.As(err, &refused) || !refused.RetryAt.Equal(testEpoch.Add(10*time.Second)) {
		t.Errorf("got %v, want a refusal until the chat's next slot", err)
	}
}

// TestSendOnce: a retry of an OutboxID already sent sends nothing; a
// long text is split and a failed part is the only one sent again.
func TestSendOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	long := strings.Repeat("很长的说明。", 1000) // 6000 runes
	b.bot.fail("sendMessage", "", "error_403_blocked.json")
	if err := b.ch.Send(ctx(t), out(5, long)); err == nil {
		t.Fatal("want the second part to fail")
	}
	if err := b.ch.Send(ctx(t), out(5, long)); err != nil {
		t.Fatal(err)
	}
	if err := b.ch.Send(ctx(t), out(5, long)); err != nil {
		t.Fatal(err)
	}
	sent := b.bot.callsTo("sendMessage")
	if len(sent) != 3 {
		t.Fatalf("sendMessage calls %d, want 3 (part 1, part 2 refused, part 2)", len(sent))
	}
	p1, p2 := sent[0].Params.Get("text"), sent[2].Params.Get("text")
	if p1+p2 != long || len([]rune(p1)) > 4096 {
		t.Errorf("parts of %d and %d runes do not make the text", len([]rune(p1)), len([]rune(p2)))
	}
}

// TestTimeout: a hanging API call ends at the HTTP timeout, and the error
// does not carry the bot token.
func TestTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{config: func(c *Config) { c.HTTPTimeout = 200 * time.Millisecond }})
	b.bot.fail("sendMessage", "hang")
	err := b.ch.Send(ctx(t), out(1, "您好"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
	if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "<token>") {
		t.Errorf("error %q must not show the token", err)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	base := Config{Enabled: true, Token: testToken}
	tests := []struct {
		name string
		edit func(*Config)
		want string // error prefix, "" for valid
	}{
		{"polling defaults", func(c *Config) {}, ""},
		{"no token", func(c *Config) { c.Token = "" }, "telegram.token"},
		{"bad mode", func(c *Config) { c.Mode = "push" }, "telegram.mode"},
		{"webhook without url", func(c *Config) { c.Mode = Webhook; c.SecretToken = "abc" }, "telegram.webhook_url"},
		{"webhook without secret", func(c *Config) { c.Mode = Webhook; c.WebhookURL = "https://k.example.com/telegram" }, "telegram.secret_token"},
		{"secret with bad characters", func(c *Config) {
			c.Mode, c.WebhookURL, c.SecretToken = Webhook, "https://k.example.com/telegram", "a b"
		}, "telegram.secret_token"},
		{"webhook", func(c *Config) {
			c.Mode, c.WebhookURL, c.SecretToken = Webhook, "https://k.example.com/telegram", "abc_DEF-1"
		}, ""},
		{"api base", func(c *Config) { c.APIBaseURL = "api.telegram.org" }, "telegram.api_base_url"},
		{"file base", func(c *Config) { c.FileBaseURL = "ftp://x" }, "telegram.file_base_url"},
		{"rate", func(c *Config) { c.RateLimit.PerSecond = -1 }, "telegram.rate_limit"},
	}
	for _, tt := range tests {
		c := base
		tt.edit(&c)
		err := c.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	r := Config{Token: testToken, SecretToken: "abc"}.Redacted()
	if r.Token != "xxxxx" || r.SecretToken != "xxxxx" {
		t.Errorf("redacted %+v", r)
	}
	if _, err := New(base, &noOffsets{}, Options{}); err == nil || !strings.Contains(err.Error(), "OffsetInbox") {
		t.Errorf("polling with a plain inbox: %v", err)
	}
}

type noOffsets struct{}

func (noOffsets) Receive(context.Context, channels.Inbound) (channels.Receipt, error) {
	return channels.Receipt{}, nil
}
