package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// OffsetParams is the polling position after one update.
type OffsetParams struct {
	// BotID is the bot's numeric id (getMe): the offset belongs to the
	// bot, so a new token for the same bot keeps it and another bot starts
	// afresh.
	BotID int64
	// UpdateID is the update just handled, for the record.
	UpdateID int
	// Next is the offset to ask for next: UpdateID+1.
	Next int
}

// Offsets is where polling resumes after a restart.
type Offsets interface {
	// OffsetLoad returns the Next last committed for the bot, or 0 when
	// none was (Telegram then returns every update it still holds).
	OffsetLoad(ctx context.Context, botID int64) (int, error)
}

// OffsetInbox is the inbox polling needs: the kefu service backed by its
// store. The guarantee rests on ReceiveWithOffset being one transaction.
type OffsetInbox interface {
	channels.Inbox
	Offsets

	// ReceiveWithOffset does what Receive does with in (dedupe by
	// Channel and ExternalMessageID, the dialog step, the outbox) and, in
	// the same transaction, sets the bot's offset to p.Next: both are
	// committed or neither is. The offset is set when the message is a
	// duplicate too (Receipt.Duplicate), and set as given, not raised to
	// a maximum: update_ids restart at a random value after a week
	// without updates.
	ReceiveWithOffset(ctx context.Context, in channels.Inbound, p OffsetParams) (channels.Receipt, error)

	// OffsetCommit sets the bot's offset alone, for an update that
	// carries nothing to store (an edited message, a group chat).
	OffsetCommit(ctx context.Context, p OffsetParams) error
}

// allowedUpdates are the kinds of update kefu asks for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Poll runs the getUpdates loop until ctx ends and returns nil then. It
// removes a webhook first (getUpdates fails while one is set) and resumes
// from the stored offset. An update is taken only when the inbox commits
// it with the offset; when that fails the loop waits and fetches the same
// update again, so updates are handed on in order and none is skipped.
func (c *Channel) Poll(ctx context.Context) error {
	inbox, ok := c.inbox.(OffsetInbox)
	if !ok {
		return errors.New("telegram: polling needs an OffsetInbox")
	}
	var botID int64
	var offset int
	for attempt := 0; ; attempt++ {
		err := c.startPolling(ctx, inbox, &botID, &offset)
		if err == nil {
			break
		}
		c.log.ErrorContext(ctx, "telegram: start polling", "err", err, "attempt", attempt+1)
		if !c.sleep(ctx, backoff(attempt)) {
			return nil
		}
	}
	c.log.InfoContext(ctx, "telegram: polling", "offset", offset)
	failures := 0
	for ctx.Err() == nil {
		raws, err := c.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := backoff(failures)
			var tg *tgbotapi.Error
			if errors.As(err, &tg) && tg.RetryAfter > 0 {
				wait = secondsDur(tg.RetryAfter)
			}
			if errors.As(err, &tg) && tg.Code == 409 && strings.Contains(tg.Message, "webhook") {
				// Someone set a webhook since we started: polling was chosen.
				if derr := c.DeleteWebhook(ctx); derr != nil {
					c.log.WarnContext(ctx, "telegram: delete webhook", "err", derr)
				}
			}
			failures++
			c.log.WarnContext(ctx, "telegram: getUpdates", "err", err, "retry_in", wait)
			c.sleep(ctx, wait)
			continue
		}
		failures = 0
		for _, raw := range raws {
			if ctx.Err() != nil {
				break // shutting down: the rest comes again from the offset
			}
			id, err := updateID(raw)
			if err != nil {
				// Without an id there is no offset past it; Telegram never
				// sends such a thing, so stop rather than guess.
				c.log.ErrorContext(ctx, "telegram: update without update_id", "err", err)
				c.keep(ctx, "no update_id", raw)
				return fmt.Errorf("telegram: update without update_id: %w", err)
			}
			off := OffsetParams{BotID: botID, UpdateID: id, Next: id + 1}
			if err := c.handle(ctx, raw, &off); err != nil {
				// Not taken: fetch again from the same offset after a pause.
				failures++
				c.sleep(ctx, backoff(failures-1))
				break
			}
			offset = off.Next
		}
	}
	c.log.InfoContext(context.WithoutCancel(ctx), "telegram: polling stopped", "offset", offset)
	return nil
}

func (c *Channel) startPolling(ctx context.Context, inbox OffsetInbox, botID *int64, offset *int) error {
	bot, err := c.api(ctx)
	if err != nil {
		return err
	}
	*botID = bot.Self.ID
	// Keep pending updates: they are what we must not lose.
	if _, err := c.request(ctx, "deleteWebhook", tgbotapi.DeleteWebhookConfig{DropPendingUpdates: false}); err != nil {
		return err
	}
	if *offset, err = inbox.OffsetLoad(ctx, *botID); err != nil {
		return fmt.Errorf("load offset: %w", err)
	}
	return nil
}

// getUpdates long-polls once and returns the updates as received, so each
// is kept byte for byte.
func (c *Channel) getUpdates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.PollTimeout+c.cfg.HTTPTimeout)
	defer cancel()
	bot, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	cfg := tgbotapi.UpdateConfig{Offset: offset, Timeout: int(c.cfg.PollTimeout.Seconds()), Limit: 100, AllowedUpdates: allowedUpdates}
	resp, err := bot.Request(cfg)
	if err != nil {
		return nil, c.scrub("getUpdates", err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", err)
	}
	return raws, nil
}

func updateID(raw []byte) (int, error) {
	var u struct {
		ID *int `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return 0, err
	}
	if u.ID == nil {
		return 0, errors.New("missing")
	}
	return *u.ID, nil
}
