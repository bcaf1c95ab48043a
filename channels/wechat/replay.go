package wechat

import (
	"context"
	"encoding/xml"
	"strconv"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/kefu-dev/kefu/channels"
)

// Replay hands on a message the webhook acknowledged while the database
// was away (Receipt.Spooled). The webhook's window record may have failed
// with the database, and without it the reply would be refused as outside
// the 48-hour window, so Replay records the window again, as of the
// message's arrival, and maps a msgmenu tap to its choice, from the
// payload kept in in.Raw. Then it hands in to inbox, the service.
func (c *Channel) Replay(ctx context.Context, in channels.Inbound, inbox channels.Inbox) (channels.Receipt, error) {
	var msg message.MixMessage
	if err := xml.Unmarshal(in.Raw, &msg); err == nil && msg.FromUserName != "" {
		_, kind, _ := normalize(&msg)
		err := c.windows.UpdateWindow(ctx, in.ExternalUserID, func(win *Window) error {
			if msg.BizMsgMenuID != 0 && in.Choice == "" {
				in.Choice = win.Menus[strconv.FormatInt(msg.BizMsgMenuID, 10)]
			}
			// A newer interaction, recorded live meanwhile, stays.
			last := win.MessageAt
			if kind == byEvent {
				last = win.EventAt
			}
			if !last.Before(in.ReceivedAt) {
				return noChange{}
			}
			win.touch(c.cfg.Window, kind, in.ExternalMessageID, in.ReceivedAt)
			return nil
		})
		if err != nil {
			// As in the webhook: the message matters more; Send will
			// refuse and the service falls back or defers.
			c.log.ErrorContext(ctx, "wechat: record window on replay", "openid", in.ExternalUserID, "err", err)
		}
	}
	return inbox.Receive(ctx, in)
}
