package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/service"
)

// telegramInbox gives the Telegram poller the service with offsets kept as
// durable cursors, moved in the transaction that stores each update.
type telegramInbox struct{ *service.Service }

var _ telegram.OffsetInbox = telegramInbox{}

func offsetKey(botID int64) string { return fmt.Sprintf("telegram:%d:offset", botID) }

func (t telegramInbox) OffsetLoad(ctx context.Context, botID int64) (int, error) {
	v, ok, err := t.Cursor(ctx, offsetKey(botID))
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("telegram offset %q: %w", v, err)
	}
	return n, nil
}

func (t telegramInbox) ReceiveWithOffset(ctx context.Context, in channels.Inbound, p telegram.OffsetParams) (channels.Receipt, error) {
	return t.ReceiveAt(ctx, in, offsetKey(p.BotID), strconv.Itoa(p.Next))
}

func (t telegramInbox) OffsetCommit(ctx context.Context, p telegram.OffsetParams) error {
	return t.CursorSet(ctx, offsetKey(p.BotID), strconv.Itoa(p.Next))
}
