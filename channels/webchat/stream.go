package webchat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// stream serves GET /api/webchat/stream: the messages after `after`, then
// every new one as it is stored, as Server-Sent Events.
func (c *Channel) stream(w http.ResponseWriter, r *http.Request) {
	session, after, ok := c.streamParams(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)
	// A server-wide WriteTimeout would cut every stream; this one lives as
	// long as the customer keeps the page open. Not every writer supports it.
	_ = rc.SetWriteDeadline(time.Time{})

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	// The retry hint paces EventSource reconnects; sending something at once
	// lets the page show "connected" before the first message.
	if _, err := io.WriteString(w, "retry: 3000\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		c.log.ErrorContext(ctx, "webchat: stream cannot flush", "session", session, "err", err)
		return
	}

	wake := make(chan struct{}, 1)
	unsubSession := c.hub.subscribe(hubKey{session: session}, wake)
	defer unsubSession()

	poll := time.NewTicker(c.cfg.PollInterval)
	defer poll.Stop()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()

	var conv int64
	for {
		if conv == 0 {
			id, found, err := c.hist.Conversation(ctx, session)
			if err != nil {
				// Ending the stream makes the browser reconnect after the
				// retry delay, which is the backoff we want.
				c.logStreamError(ctx, "webchat: find conversation", session, 0, err)
				return
			}
			if found {
				conv = id
				// Subscribe before reading, so a message stored between
				// the read and the wait still wakes us.
				unsubConv := c.hub.subscribe(hubKey{conversation: conv}, wake)
				defer unsubConv()
			}
		}
		if conv != 0 {
			last, sent, err := c.sendAfter(ctx, w, rc, conv, after)
			if err != nil {
				c.logStreamError(ctx, "webchat: list messages", session, conv, err)
				return
			}
			if !sent {
				return // the customer left
			}
			after = last
		}

		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		case <-beat.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}

// sendAfter writes the conversation's messages after `after` as events and
// returns the id of the last one sent. err is a History failure; sent is
// false when writing failed, i.e. the customer left, which is not worth a
// log line.
func (c *Channel) sendAfter(ctx context.Context, w io.Writer, rc *http.ResponseController, conv, after int64) (last int64, sent bool, err error) {
	for {
		page, err := c.hist.Messages(ctx, conv, after, pageSize)
		if err != nil {
			return after, false, err
		}
		for _, m := range page {
			if err := writeEvent(w, m); err != nil {
				return after, false, nil
			}
			after = max(after, m.ID)
		}
		if len(page) > 0 {
			if err := rc.Flush(); err != nil {
				return after, false, nil
			}
		}
		if len(page) < pageSize {
			return after, true, nil
		}
	}
}

func writeEvent(w io.Writer, m channels.StoredMessage) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	// json.Marshal escapes newlines, so the data fits on one SSE line.
	_, err = fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", m.ID, data)
	return err
}

// logStreamError logs History failures; a customer closing the page is not
// one.
func (c *Channel) logStreamError(ctx context.Context, msg, session string, conv int64, err error) {
	if ctx.Err() != nil {
		return
	}
	c.log.ErrorContext(ctx, msg, "session", session, "conversation_id", conv, "err", err)
}
