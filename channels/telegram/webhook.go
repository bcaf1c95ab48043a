package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// secretHeader carries Config.SecretToken on every webhook request.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// SetWebhook registers Config.WebhookURL with the secret token. The
// library's WebhookConfig has no secret_token, so the request is built
// here. Pending updates are kept.
func (c *Channel) SetWebhook(ctx context.Context) error {
	allowed, _ := json.Marshal(allowedUpdates)
	p := tgbotapi.Params{
		"url":             c.cfg.WebhookURL,
		"secret_token":    c.cfg.SecretToken,
		"allowed_updates": string(allowed),
		"max_connections": strconv.Itoa(40),
	}
	if _, err := c.call(ctx, "setWebhook", p); err != nil {
		return err
	}
	c.log.InfoContext(ctx, "telegram: webhook set", "url", c.cfg.WebhookURL)
	return nil
}

// DeleteWebhook removes the webhook, keeping pending updates (for a switch
// to polling; Poll does it too).
func (c *Channel) DeleteWebhook(ctx context.Context) error {
	_, err := c.request(ctx, "deleteWebhook", tgbotapi.DeleteWebhookConfig{DropPendingUpdates: false})
	return err
}

// ServeHTTP is the webhook: Telegram POSTs one update per request.
func (c *Channel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !c.secretOK(r.Header.Get(secretHeader)) {
		c.log.WarnContext(r.Context(), "telegram: webhook request refused", "reason", "secret token mismatch", "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(c.cfg.MaxBodyBytes)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			c.log.WarnContext(r.Context(), "telegram: body too large", "limit", c.cfg.MaxBodyBytes)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	if _, err := updateID(raw); err != nil {
		c.log.WarnContext(r.Context(), "telegram: malformed update", "err", err, "bytes", len(raw))
		c.keep(r.Context(), "invalid_json", raw)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := c.handle(r.Context(), raw, nil); err != nil {
		// Telegram delivers the update again; the inbox dedupes it.
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// secretOK compares in constant time; hashing first hides the length too.
func (c *Channel) secretOK(got string) bool {
	if c.cfg.SecretToken == "" || got == "" {
		return false
	}
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(c.cfg.SecretToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
