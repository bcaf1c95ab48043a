package webchat

import (
	"context"
	"strconv"
	"strings"
)

// Broadcaster carries wake-ups to the other processes serving web chat
// (PostgreSQL LISTEN/NOTIFY), so a stream open on one process shows a
// message another process stored at once rather than at its next poll.
// Without one, kefu is one process and the hub is enough.
type Broadcaster interface {
	Publish(ctx context.Context, topic, key string)
}

// Topic is the broadcaster topic of web chat wake-ups; the process that
// receives one calls Wake with its key.
const Topic = "webchat"

// SetBroadcaster makes every wake-up reach the other processes too. Call
// it before serving.
func (c *Channel) SetBroadcaster(b Broadcaster) { c.bcast = b }

// Wake wakes this process's streams for a key another process published
// ("" wakes every stream: the broadcaster may have missed signals).
func (c *Channel) Wake(key string) {
	switch {
	case key == "":
		c.hub.wakeAll()
	case strings.HasPrefix(key, "c:"):
		if id, err := strconv.ParseInt(key[2:], 10, 64); err == nil {
			c.hub.wake(hubKey{conversation: id})
		}
	case strings.HasPrefix(key, "s:"):
		c.hub.wake(hubKey{session: key[2:]})
	}
}

// signal wakes the streams of k here and, through the broadcaster, in
// every other process.
func (c *Channel) signal(ctx context.Context, k hubKey) {
	c.hub.wake(k)
	if c.bcast == nil {
		return
	}
	if k.conversation != 0 {
		c.bcast.Publish(ctx, Topic, "c:"+strconv.FormatInt(k.conversation, 10))
	} else {
		c.bcast.Publish(ctx, Topic, "s:"+k.session)
	}
}

func (h *hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.subs {
		for ch := range set {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
