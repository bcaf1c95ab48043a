//go:build unix

package spool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// Replayer is a channel that must redo, when its spooled message is
// replayed, the bookkeeping its webhook did (or failed to do, the
// database being away) when the message arrived: WeChat records the
// customer's service window, without which the reply would be refused.
// Replay does that and hands in to inbox, the service itself.
type Replayer interface {
	Replay(ctx context.Context, in channels.Inbound, inbox channels.Inbox) (channels.Receipt, error)
}

// Options tune an Intake. Zero values take the defaults.
type Options struct {
	// Refused reports an error that spooling cannot help (the store
	// refuses the data, the message is invalid); such errors go back to
	// the channel as before. Default: errors with Permanent() true.
	Refused func(error) bool
	// Ready reports whether the database answers. A spooled message whose
	// replay fails MaxAttempts times while it does is poison: it is set
	// aside (the inbox's Rejecter and the file "rejected.jsonl") so it
	// cannot hold up the rest. Without Ready a message is retried until
	// it goes or is refused.
	Ready       func(ctx context.Context) error
	MaxAttempts int // default 5
	// MinBackoff and MaxBackoff space replay attempts while the database
	// is away (default 100 ms to 2 s): the upper bound is how long after
	// the database's return replay may start.
	MinBackoff, MaxBackoff time.Duration
	// ReplayTimeout bounds one replayed message (default 30 s).
	ReplayTimeout time.Duration
	// HandTimeout bounds how long a push waits on the inbox before it is
	// spooled instead (0 = no bound). A database that hangs rather than
	// refuses (a dead connection, a full pool) would otherwise hold the
	// push past the peer's deadline (WeChat gives 5 s, then retries
	// three times) just as a refused connection would fail it. Should the
	// hand-on commit anyway, the replay is a duplicate, which the inbox
	// ignores.
	HandTimeout time.Duration
	// Busy reports an error that says the database answers but is too busy
	// for the message now (default channels.Busy). It goes back to a
	// channel whose peer retries (channels.Inbound.PeerRetries); other
	// messages are spooled, and the database is not taken to be away.
	Busy   func(error) bool
	Logger *slog.Logger
}

// Intake is the inbox webhook channels get instead of the service: it
// hands a message on, and when that fails for a reason that may pass (the
// database unreachable) it spools the message and reports
// Receipt.Spooled, so the channel acknowledges the push rather than
// answering 500 to a peer that retries only a few times. Run replays the
// spool in arrival order.
//
// Order: from the first failure until a replay goes through, every
// message is spooled without trying the database (the database is taken
// to be away; nor does each push then wait for it to fail); after that,
// a message of a customer who still has spooled messages is spooled
// behind them, and others go straight on. Messages of one customer thus
// reach the service in arrival order, except two pushes racing each
// other, whose order nothing defines anyway.
type Intake struct {
	q     *Queue
	inbox channels.Inbox
	opt   Options
	log   *slog.Logger

	mu        sync.Mutex
	pending   map[string]int // spooled messages per customer key
	down      bool           // the last attempt failed and no replay has gone through since
	replayers map[channels.ID]Replayer
	// crowded is the inbox's Crowded when it has one (service.Service).
	crowded  func() bool
	wake     chan struct{}
	rejected sync.Mutex // serialises appends to rejected.jsonl
}

// NewIntake returns an Intake spooling to q and handing on to inbox.
// Messages already in q (from before a restart) are replayed first.
func NewIntake(q *Queue, inbox channels.Inbox, opt Options) *Intake {
	if opt.Refused == nil {
		opt.Refused = permanent
	}
	if opt.Busy == nil {
		opt.Busy = channels.Busy
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = 100 * time.Millisecond
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(opt.MinBackoff, 2*time.Second)
	}
	if opt.ReplayTimeout <= 0 {
		opt.ReplayTimeout = 30 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	in := &Intake{
		q: q, inbox: inbox, opt: opt, log: opt.Logger.With("component", "spool"),
		pending: q.Keys(), replayers: map[channels.ID]Replayer{}, wake: make(chan struct{}, 1),
	}
	if c, ok := inbox.(interface{ Crowded() bool }); ok {
		in.crowded = c.Crowded
	}
	return in
}

func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// SetReplayer registers the channel that replays its own messages. Call
// before Run.
func (s *Intake) SetReplayer(ch channels.ID, r Replayer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replayers[ch] = r
}

func key(in channels.Inbound) string { return string(in.Channel) + "\x00" + in.ExternalUserID }

// envelope is a spooled message. Attachment data is carried apart: the
// Inbound's JSON leaves it out.
type envelope struct {
	In   channels.Inbound `json:"in"`
	Data [][]byte         `json:"data,omitempty"`
}

// Receive implements channels.Inbox.
func (s *Intake) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	k := key(in)
	s.mu.Lock()
	queue := s.down || s.pending[k] > 0
	s.mu.Unlock()
	if queue {
		return s.spool(in, k, nil)
	}
	if s.crowded != nil && !in.PeerRetries && s.crowded() {
		// A line for the database as long as what it takes at once: the
		// push is spooled now and answered in milliseconds, rather than
		// waiting its turn against the peer's deadline (WeChat's 5 s).
		return s.spool(in, k, errCrowded)
	}
	hctx, cancel := ctx, context.CancelFunc(func() {})
	if s.opt.HandTimeout > 0 {
		hctx, cancel = context.WithTimeout(ctx, s.opt.HandTimeout)
	}
	rc, err := s.inbox.Receive(hctx, in)
	timedOut := err != nil && hctx.Err() != nil && ctx.Err() == nil
	cancel()
	if err == nil || !timedOut && s.opt.Refused(err) {
		return rc, err
	}
	busy := !timedOut && s.opt.Busy(err)
	if busy && in.PeerRetries {
		return rc, err
	}
	if ctx.Err() != nil {
		return rc, err // the push itself was abandoned: the peer will send it again
	}
	if !busy && (!timedOut || !s.ready(ctx, busyCheckWithin)) {
		s.mu.Lock()
		s.down = true
		s.mu.Unlock()
	}
	// A database that answers but was slow is busy, not away: this push is
	// spooled, the next ones still go straight on. Taken for away, every
	// push was spooled and replayed one at a time, far slower than they
	// were stored before: at 420 posts/s 5251 of 6301 had no answer after
	// 10 s (issue 12).
	return s.spool(in, k, err)
}

// busyCheckWithin bounds the check that tells a busy database from one
// that is away; it is short, as the push it decides on is still waiting.
const busyCheckWithin = 500 * time.Millisecond

// spool appends in; cause is why it did not go straight on.
func (s *Intake) spool(in channels.Inbound, k string, cause error) (channels.Receipt, error) {
	env := envelope{In: in}
	for _, a := range in.Attachments {
		env.Data = append(env.Data, a.Data)
	}
	b, err := json.Marshal(env)
	if err != nil {
		return channels.Receipt{}, errors.Join(cause, fmt.Errorf("spool: encode: %w", err))
	}
	// Counted before the append so a message arriving meanwhile queues
	// behind this one rather than overtaking it.
	s.mu.Lock()
	s.pending[k]++
	s.mu.Unlock()
	seq, err := s.q.Append(k, b)
	if err != nil {
		s.mu.Lock()
		s.dec(k)
		s.mu.Unlock()
		s.log.Error("spool: message neither stored nor spooled", "channel", string(in.Channel), "external_message_id", in.ExternalMessageID, "cause", cause, "err", err)
		// Nothing is kept: the channel must not acknowledge.
		return channels.Receipt{}, errors.Join(cause, err)
	}
	s.log.Warn("spool: message spooled", "channel", string(in.Channel), "external_message_id", in.ExternalMessageID, "seq", seq, "cause", cause)
	s.signal()
	return channels.Receipt{Spooled: true}, nil
}

func (s *Intake) dec(k string) {
	if s.pending[k]--; s.pending[k] <= 0 {
		delete(s.pending, k)
	}
}

func (s *Intake) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Reject implements channels.Rejecter by passing on to the inbox's.
func (s *Intake) Reject(ctx context.Context, ch channels.ID, reason string, raw []byte) {
	if rj, ok := s.inbox.(channels.Rejecter); ok {
		rj.Reject(ctx, ch, reason, raw)
	}
}

// Len is the number of spooled messages.
func (s *Intake) Len() int { return s.q.Len() }

// Run replays the spool until ctx ends.
func (s *Intake) Run(ctx context.Context) error {
	backoff := s.opt.MinBackoff
	attempts := 0
	for {
		rec, ok, err := s.q.Head()
		if err != nil {
			// A record unreadable after Open checked it: the disk is failing.
			s.log.Error("spool: read", "err", err)
		}
		if err != nil || !ok {
			if !s.wait(ctx, s.opt.MaxBackoff, true) {
				return ctx.Err()
			}
			continue
		}
		err = s.replay(ctx, rec)
		switch {
		case err == nil:
			s.done(rec)
			backoff, attempts = s.opt.MinBackoff, 0
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case s.opt.Refused(err) || errors.Is(err, errUndecodable):
			s.setAside(ctx, rec, err)
			backoff, attempts = s.opt.MinBackoff, 0
			continue
		}
		if !s.opt.Busy(err) {
			// Too busy is no fault of the message: under a long overload
			// it would otherwise be set aside as poison after MaxAttempts.
			attempts++
		}
		if attempts >= s.opt.MaxAttempts && s.ready(ctx, 5*time.Second) {
			s.setAside(ctx, rec, fmt.Errorf("failed %d times while the database answers: %w", attempts, err))
			backoff, attempts = s.opt.MinBackoff, 0
			continue
		}
		s.log.Info("spool: replay deferred", "seq", rec.Seq, "attempt", attempts, "retry_in", backoff, "err", err)
		// Not woken by new pushes: during an outage each would be one more
		// futile attempt.
		if !s.wait(ctx, backoff, false) {
			return ctx.Err()
		}
		backoff = min(2*backoff, s.opt.MaxBackoff)
	}
}

var errUndecodable = errors.New("spooled record cannot be decoded")

// errCrowded is why a push was spooled without being offered.
var errCrowded = errors.New("the database has a line of messages waiting")

// replay hands one record on, through its channel's Replayer if any.
func (s *Intake) replay(ctx context.Context, rec Record) error {
	var env envelope
	if err := json.Unmarshal(rec.Payload, &env); err != nil {
		return fmt.Errorf("%w: %w", errUndecodable, err)
	}
	in := env.In
	for i := range in.Attachments {
		if i < len(env.Data) {
			in.Attachments[i].Data = env.Data[i]
		}
	}
	s.mu.Lock()
	r := s.replayers[in.Channel]
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.opt.ReplayTimeout)
	defer cancel()
	var rc channels.Receipt
	var err error
	if r != nil {
		rc, err = r.Replay(ctx, in, s.inbox)
	} else {
		rc, err = s.inbox.Receive(ctx, in)
	}
	if err == nil {
		s.log.Info("spool: message replayed", "channel", string(in.Channel), "external_message_id", in.ExternalMessageID,
			"seq", rec.Seq, "conversation_id", rc.ConversationID, "duplicate", rc.Duplicate, "quarantined", rc.Quarantined)
	}
	return err
}

// done removes the head; the database evidently answers again.
func (s *Intake) done(rec Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.q.Remove(rec.Seq); err != nil {
		s.log.Error("spool: remove replayed record", "seq", rec.Seq, "err", err)
	}
	s.dec(rec.Key)
	s.down = false
}

// ready reports whether the database answers within d.
func (s *Intake) ready(ctx context.Context, d time.Duration) bool {
	if s.opt.Ready == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return s.opt.Ready(ctx) == nil
}

// setAside takes a poison record out of the way: kept in rejected.jsonl
// beside the queue and offered to the inbox's Rejecter, like any message
// the store refuses, then removed.
func (s *Intake) setAside(ctx context.Context, rec Record, cause error) {
	s.log.Error("spool: message set aside", "seq", rec.Seq, "err", cause)
	line, _ := json.Marshal(struct {
		Seq     uint64          `json:"seq"`
		At      time.Time       `json:"at"`
		Reason  string          `json:"reason"`
		Payload json.RawMessage `json:"payload,omitempty"`
		Raw     []byte          `json:"raw,omitempty"`
	}{Seq: rec.Seq, At: time.Now().UTC(), Reason: cause.Error(), Payload: validJSON(rec.Payload), Raw: rawIfInvalid(rec.Payload)})
	if err := s.appendRejected(append(line, '\n')); err != nil {
		s.log.Error("spool: keep set-aside message", "seq", rec.Seq, "err", err)
	}
	var env envelope
	if json.Unmarshal(rec.Payload, &env) == nil {
		raw := env.In.Raw
		if len(raw) == 0 {
			raw = rec.Payload
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		s.Reject(rctx, env.In.Channel, "spool: "+cause.Error(), raw)
		cancel()
	}
	s.done(rec)
}

func validJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	return nil
}

func rawIfInvalid(b []byte) []byte {
	if json.Valid(b) {
		return nil
	}
	return b
}

func (s *Intake) appendRejected(line []byte) error {
	s.rejected.Lock()
	defer s.rejected.Unlock()
	f, err := os.OpenFile(filepath.Join(s.q.dir, "rejected.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	return f.Close()
}

// wait sleeps d, or until something is spooled when wakeable; false
// when ctx ended.
func (s *Intake) wait(ctx context.Context, d time.Duration, wakeable bool) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	wake := s.wake
	if !wakeable {
		wake = nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-wake:
		return true
	case <-t.C:
		return true
	}
}
