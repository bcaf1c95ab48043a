// Package wake carries "something changed" signals between kefu processes
// sharing a PostgreSQL database, with LISTEN/NOTIFY: a web chat stream
// served by one process sees a message another process stored at once
// instead of at its next poll. A signal carries no data; the receiver
// reads the database as it would after a poll, so a lost signal only
// delays (the poll stays as the fallback) and never loses anything.
package wake

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// channelName is the NOTIFY channel of every kefu signal; the payload is
// "topic\x1fkey".
const channelName = "kefu_wake"

// Bus sends and receives signals by topic.
type Bus struct {
	url  string
	pool *pgxpool.Pool
	log  *slog.Logger

	mu   sync.Mutex
	subs map[string][]func(key string)

	// Signals to send, coalesced: Publish never waits on the database,
	// and the sender sends all that gathered in one statement.
	outMu sync.Mutex
	out   map[string]struct{}
	poke  chan struct{}
}

// Open connects a Bus to the database at url; Run must be called to
// receive.
func Open(ctx context.Context, url string, log *slog.Logger) (*Bus, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("wake: %w", err)
	}
	cfg.MaxConns = 2 // NOTIFY is one short statement
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("wake: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bus{url: url, pool: pool, log: log, subs: map[string][]func(string){},
		out: map[string]struct{}{}, poke: make(chan struct{}, 1)}, nil
}

// Subscribe calls fn with the key of every signal of topic, from any
// process (this one included). Call it before Run.
func (b *Bus) Subscribe(topic string, fn func(key string)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[topic] = append(b.subs[topic], fn)
}

// Publish signals topic/key to every process. It returns at once: the
// signal is sent by Run's sender with the others gathered meanwhile, and a
// failure is only logged (the receivers' polls still find the change).
func (b *Bus) Publish(_ context.Context, topic, key string) {
	b.outMu.Lock()
	b.out[topic+"\x1f"+key] = struct{}{}
	b.outMu.Unlock()
	select {
	case b.poke <- struct{}{}:
	default:
	}
}

// send sends every gathered signal in one statement until ctx ends.
func (b *Bus) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.poke:
		}
		b.outMu.Lock()
		payloads := make([]string, 0, len(b.out))
		for p := range b.out {
			payloads = append(payloads, p)
		}
		clear(b.out)
		b.outMu.Unlock()
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if _, err := b.pool.Exec(sctx, `SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, channelName, payloads); err != nil && ctx.Err() == nil {
			b.log.Warn("wake: notify", "signals", len(payloads), "err", err)
		}
		cancel()
	}
}

// Run listens and sends until ctx ends, reconnecting after a lost
// connection.
func (b *Bus) Run(ctx context.Context) {
	sent := make(chan struct{})
	go func() { b.send(ctx); close(sent) }()
	defer func() { <-sent }() // no statement in flight when the pool closes
	for attempt := 0; ctx.Err() == nil; attempt++ {
		err := b.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := min(time.Duration(attempt+1)*500*time.Millisecond, 10*time.Second)
		b.log.Warn("wake: listening stopped; polling covers meanwhile", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (b *Bus) listen(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, b.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+channelName); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Signals sent while we were not listening are lost: wake everyone once
	// so nothing waits for its poll.
	b.deliverAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		topic, key, _ := strings.Cut(n.Payload, "\x1f")
		b.deliver(topic, key)
	}
}

func (b *Bus) handlers(topic string) []func(string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.subs[topic]
}

func (b *Bus) deliver(topic, key string) {
	for _, fn := range b.handlers(topic) {
		fn(key)
	}
}

// deliverAll sends the "" key to every topic: "anything may have changed".
func (b *Bus) deliverAll() {
	b.mu.Lock()
	topics := make([]string, 0, len(b.subs))
	for t := range b.subs {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		b.deliver(t, "")
	}
}

// Close releases the publishing connections.
func (b *Bus) Close() { b.pool.Close() }
