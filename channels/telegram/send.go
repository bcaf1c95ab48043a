package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// BlockedError is returned by Send when Telegram answers 403: the
// customer blocked the bot, deleted the account, or never started it.
// It unwraps to *channels.RefusedError, so the outbox defers the message
// (to Config.BlockedRetry, or the customer's next message) instead of
// counting a failure.
//
// What the service should do on errors.As(err, &*BlockedError): record on
// the conversation that the customer cannot be reached on Telegram (with
// Reason and the time), note it on the case, and send the message through
// another channel the customer is known on (their other conversations:
// WeChat, email), marking the Telegram row as delivered by that path. When
// the customer writes on Telegram again, the mark is cleared and deferred
// messages are released (OutboxRelease).
type BlockedError struct {
	ChatID  int64
	Reason  string // Telegram's description, e.g. "Forbidden: bot was blocked by the user"
	Refused channels.RefusedError
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("telegram: chat %d unreachable: %s", e.ChatID, e.Reason)
}

func (e *BlockedError) Unwrap() error { return &e.Refused }

// maxText is Telegram's limit of a message, in UTF-16 code units.
const maxText = 4096

// maxCallbackData is Telegram's limit of callback_data, in bytes.
const maxCallbackData = 64

// shortPrefix marks callback_data that is a short id for a longer value.
const shortPrefix = "#"

// Send implements channels.Sender. Long texts are split at Telegram's
// limit; choices go as an inline keyboard on the last part.
func (c *Channel) Send(ctx context.Context, m channels.Outbound) error {
	chatID, err := strconv.ParseInt(m.ExternalUserID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: outbound %d: chat id %q: %w", m.OutboxID, m.ExternalUserID, err)
	}
	text := strings.TrimSpace(m.Text)
	if text == "" && len(m.Choices) == 0 {
		return fmt.Errorf("telegram: outbound %d is empty", m.OutboxID)
	}
	if text == "" {
		text = c.cfg.ChoicePrompt
	}
	parts := splitText(text, maxText)
	log := c.log.With("chat_id", chatID, "outbox_id", m.OutboxID, "conversation_id", m.ConversationID)
	for i, part := range parts {
		// Parts already sent (an earlier attempt failed midway) are not
		// sent again.
		key := "out:" + strconv.FormatInt(m.OutboxID, 10) + ":" + strconv.Itoa(i)
		if m.OutboxID != 0 && c.sent(key) {
			continue
		}
		msg := tgbotapi.NewMessage(chatID, part)
		withKeyboard := i == len(parts)-1 && len(m.Choices) > 0
		if withKeyboard {
			msg.ReplyMarkup = c.keyboard(m.Choices)
		}
		if err := c.pace(ctx, chatID); err != nil {
			return err
		}
		if withKeyboard {
			c.dropStaleKeyboard(ctx, chatID)
		}
		resp, err := c.request(ctx, "sendMessage", msg)
		if err != nil {
			return c.sendError(ctx, chatID, err)
		}
		if withKeyboard {
			c.rememberKeyboard(chatID, resp)
		}
		if m.OutboxID != 0 {
			c.markSent(key)
		}
	}
	log.InfoContext(ctx, "telegram: message sent", "parts", len(parts), "choices", len(m.Choices), "kind", m.Kind)
	return nil
}

func (c *Channel) sent(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen.has(key)
}

func (c *Channel) markSent(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen.add(key)
}

// pace waits for the rate limiter, or refuses when the wait would hold
// the outbox worker too long.
func (c *Channel) pace(ctx context.Context, chatID int64) error {
	now := c.now()
	wait, ok := c.limit.reserve(chatID, now)
	if !ok {
		return &channels.RefusedError{Reason: "rate limit", RetryAt: now.Add(wait)}
	}
	if !c.sleep(ctx, wait) {
		return ctx.Err()
	}
	return nil
}

// sendError turns Telegram's refusals into what the outbox acts on.
func (c *Channel) sendError(ctx context.Context, chatID int64, err error) error {
	var tg *tgbotapi.Error
	if !errors.As(err, &tg) {
		return err
	}
	now := c.now()
	switch {
	case tg.Code == 429 || tg.RetryAfter > 0:
		retry := now.Add(secondsDur(max(tg.RetryAfter, 1)))
		c.limit.hold(chatID, retry)
		c.log.WarnContext(ctx, "telegram: flood control", "chat_id", chatID, "retry_after", tg.RetryAfter)
		return &channels.RefusedError{Reason: "telegram flood control: " + tg.Message, RetryAt: retry}
	case tg.Code == 403:
		c.log.WarnContext(ctx, "telegram: chat unreachable", "chat_id", chatID, "reason", tg.Message)
		return &BlockedError{ChatID: chatID, Reason: tg.Message, Refused: channels.RefusedError{
			Reason: "telegram: " + tg.Message, RetryAt: now.Add(c.cfg.BlockedRetry),
		}}
	}
	return fmt.Errorf("telegram sendMessage: %d %s", tg.Code, tg.Message)
}

func secondsDur(s int) time.Duration { return time.Duration(s) * time.Second }

// keyboard renders choices as inline buttons: short labels (ratings) side
// by side, longer ones one per row so they are not cut off.
func (c *Channel) keyboard(choices []channels.Choice) tgbotapi.InlineKeyboardMarkup {
	short := len(choices) <= 5
	for _, ch := range choices {
		if utf8.RuneCountInString(label(ch)) > 6 {
			short = false
		}
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, ch := range choices {
		b := tgbotapi.NewInlineKeyboardButtonData(label(ch), c.callbackData(ch.Value))
		if short && len(rows) == 1 {
			rows[0] = append(rows[0], b)
			continue
		}
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(b))
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

func label(ch channels.Choice) string {
	if ch.Label != "" {
		return ch.Label
	}
	return ch.Value
}

// callbackData is the value itself when it fits Telegram's 64 bytes, else
// a short id derived from it (the same in every process) and remembered
// here to map the tap back.
func (c *Channel) callbackData(value string) string {
	if len(value) <= maxCallbackData && !strings.HasPrefix(value, shortPrefix) {
		return value
	}
	sum := sha256.Sum256([]byte(value))
	id := shortPrefix + base64.RawURLEncoding.EncodeToString(sum[:18])
	c.mu.Lock()
	if len(c.data) >= 10000 {
		clear(c.data) // long values are rare; older taps fall back to the label
	}
	c.data[id] = value
	c.mu.Unlock()
	return id
}

// choiceValue maps callback_data back to the Choice.Value.
func (c *Channel) choiceValue(data string) (string, bool) {
	if !strings.HasPrefix(data, shortPrefix) {
		return data, data != ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.data[data]
	return v, ok
}

// splitText cuts s into parts of at most limit UTF-16 code units (how
// Telegram counts), at a line break or space when there is one.
func splitText(s string, limit int) []string {
	var parts []string
	for s != "" {
		n, units, cut := 0, 0, -1
		for i, r := range s {
			u := utf16.RuneLen(r)
			if u < 0 {
				u = 1
			}
			if units+u > limit {
				break
			}
			units += u
			_, size := utf8.DecodeRuneInString(s[i:])
			n = i + size
			if r == '\n' || r == ' ' {
				cut = n
			}
		}
		if n == len(s) {
			parts = append(parts, s)
			break
		}
		if cut > 0 {
			n = cut
		}
		parts = append(parts, strings.TrimSpace(s[:n]))
		s = strings.TrimSpace(s[n:])
	}
	return parts
}

// rememberKeyboard records the message that now shows the chat's buttons.
func (c *Channel) rememberKeyboard(chatID int64, resp *tgbotapi.APIResponse) {
	var sent tgbotapi.Message
	if resp == nil || json.Unmarshal(resp.Result, &sent) != nil || sent.MessageID == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keyboards == nil {
		c.keyboards = map[int64]int{}
	}
	c.keyboards[chatID] = sent.MessageID
}

// dropStaleKeyboard removes the buttons of the chat's previous question
// before a new message goes out (best effort: a failure only leaves
// buttons the dialog would take for the open question).
func (c *Channel) dropStaleKeyboard(ctx context.Context, chatID int64) {
	c.mu.Lock()
	id, ok := c.keyboards[chatID]
	c.mu.Unlock()
	if !ok {
		return // none, or removed after its tap
	}
	c.removeKeyboard(ctx, chatID, id)
}
