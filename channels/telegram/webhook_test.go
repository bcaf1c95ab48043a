package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/channels"
)

// TestWebhookVerification: only requests carrying the secret token are
// handed on.
func TestWebhookVerification(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	body := readTestdata(t, "update_text.json")
	tests := []struct {
		name, secret string
		body         []byte
		want         int
	}{
		{"forged", "s3cr3t-Token_for-kefX", body, http.StatusForbidden},
		{"prefix", "s3cr3t", body, http.StatusForbidden},
		{"missing", "", body, http.StatusForbidden},
		{"malformed", b.cfg.SecretToken, readTestdata(t, "malformed.json"), http.StatusBadRequest},
		{"too large", b.cfg.SecretToken, bytes.Repeat([]byte(" "), defaultMaxBodyBytes+1), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		if got := b.post(t, b.ch, tt.secret, tt.body); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
	if msgs := b.inbox.Messages(); len(msgs) != 0 {
		t.Fatalf("handed on %+v from refused requests", msgs)
	}
	rej := b.inbox.RejectedPayloads()
	if len(rej) != 1 || rej[0].Reason != "invalid_json" || !bytes.Equal(rej[0].Raw, readTestdata(t, "malformed.json")) {
		t.Errorf("rejected %+v, want the malformed body", rej)
	}
	if calls := b.bot.methods(); len(calls) != 0 {
		t.Errorf("refused requests called the API: %v", calls)
	}

	// The genuine request, and Telegram delivering it again.
	b.deliver(t, b.ch, "update_text.json")
	b.deliver(t, b.ch, "update_text.json")
	msgs := b.inbox.Messages()
	if len(msgs) != 1 {
		t.Fatalf("stored %d messages, want 1", len(msgs))
	}
	in := msgs[0]
	if in.Channel != "telegram" || in.ExternalUserID != testChat || in.ExternalMessageID != testChat+":51" ||
		in.Text != "你好，空调不制冷了，型号 KFR-35GW" || in.DisplayName != "伟 李" || !bytes.Equal(in.Raw, body) {
		t.Errorf("inbound %+v", in)
	}

	r := httptest.NewRequest(http.MethodGet, "/telegram", nil)
	w := httptest.NewRecorder()
	b.ch.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
}

// TestWebhookInboxFailure: Telegram gets 500 and delivers again.
func TestWebhookInboxFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	fail := true
	b.inbox.BeforeCommit = func(in channels.Inbound, p *OffsetParams) error {
		if fail {
			fail = false
			return context.DeadlineExceeded
		}
		return nil
	}
	if code := b.post(t, b.ch, b.cfg.SecretToken, readTestdata(t, "update_text.json")); code != http.StatusInternalServerError {
		t.Fatalf("HTTP %d, want 500 so Telegram retries", code)
	}
	b.deliver(t, b.ch, "update_text.json")
	if n := len(b.inbox.Messages()); n != 1 {
		t.Errorf("stored %d, want 1", n)
	}
}

func TestSetWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	if err := b.ch.SetWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := b.bot.callsTo("setWebhook")
	if len(calls) != 1 {
		t.Fatalf("setWebhook calls %d", len(calls))
	}
	p := calls[0].Params
	var allowed []string
	json.Unmarshal([]byte(p.Get("allowed_updates")), &allowed)
	if p.Get("url") != b.cfg.WebhookURL || p.Get("secret_token") != b.cfg.SecretToken || !strings.Contains(strings.Join(allowed, ","), "callback_query") {
		t.Errorf("setWebhook params %v", p)
	}
	if p.Get("drop_pending_updates") == "true" {
		t.Error("pending updates dropped")
	}
}
