package telegram

import (
	"sync"
	"time"
)

// limiter spaces messages per chat (RateLimit.PerChat) and for the whole
// bot (RateLimit.PerSecond with a burst, as a GCRA: over any stretch of
// time the bot sends at most PerSecond a second plus Burst). It only computes
// times; the caller waits on its own clock, so tests need no sleeps.
type limiter struct {
	perChat  time.Duration
	interval time.Duration // between messages of the bot
	burst    time.Duration // how far ahead the bot may run: (Burst-1)*interval
	maxWait  time.Duration

	mu   sync.Mutex
	tat  time.Time           // the bot's theoretical arrival time
	next map[int64]time.Time // each chat's earliest next message
}

func newLimiter(r RateLimit) *limiter {
	l := &limiter{perChat: r.PerChat, maxWait: r.MaxWait, next: map[int64]time.Time{}}
	if r.PerSecond > 0 {
		l.interval = time.Second / time.Duration(r.PerSecond)
		l.burst = time.Duration(max(r.Burst-1, 0)) * l.interval
	}
	return l
}

// reserve books the earliest slot for a message to chat and returns how
// long to wait for it. When that is beyond maxWait nothing is booked and
// ok is false; wait then says when to come back.
func (l *limiter) reserve(chat int64, now time.Time) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The bot-wide bucket counts a message when it is booked, so a chat
	// waiting for its own slot does not hold up other chats.
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	at := tat.Add(-l.burst)
	if at.Before(now) {
		at = now
	}
	if t := l.next[chat]; t.After(at) {
		at = t
	}
	wait = at.Sub(now)
	if wait > l.maxWait {
		return wait, false
	}
	l.tat = tat.Add(l.interval)
	l.next[chat] = at.Add(l.perChat)
	if len(l.next) > 10000 {
		l.prune(now)
	}
	return wait, true
}

// hold keeps a chat quiet until t (Telegram's retry_after).
func (l *limiter) hold(chat int64, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.next[chat]) {
		l.next[chat] = t
	}
}

// prune forgets chats whose next slot has passed.
func (l *limiter) prune(now time.Time) {
	for k, t := range l.next {
		if !t.After(now) {
			delete(l.next, k)
		}
	}
}
