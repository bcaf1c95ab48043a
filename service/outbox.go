package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// recordTimeout bounds recording the outcome of a delivery attempt.
const recordTimeout = 10 * time.Second

// The outbox is worked in lanes, one per channel with a sender and one for
// the rows of any other channel. A lane claims only its own rows, so a
// channel whose sends hang or fail never delays another: with one worker
// for every channel, failing WeChat sends while Redis was down slowed web
// chat replies from p95 0.35 s to 5.5 s (issue 12). Within a lane,
// OutboxWorkers conversations are served side by side: a send that hangs
// holds up its own conversation only. A claim holds at most one row per
// conversation (see Store.OutboxClaim), so replies keep their order.

// lane is one channel's share of the outbox.
type lane struct {
	name    string
	params  OutboxClaimParams // Channel or Except
	wake    chan struct{}
	workers int // conversations served at once
}

func (s *Service) outboxLanes() []*lane {
	ids := slices.Sorted(maps.Keys(s.opt.Senders))
	lanes := make([]*lane, 0, len(ids)+1)
	for _, id := range ids {
		workers := s.opt.OutboxWorkers
		if w := s.policy(id).SendWorkers; w > 0 {
			workers = w
		}
		lanes = append(lanes, &lane{name: string(id), params: OutboxClaimParams{Channel: id}, wake: make(chan struct{}, 1), workers: workers})
	}
	// A row of a channel without a sender (one turned off in the config)
	// fails, and dies after OutboxMaxAttempts, in a lane of its own.
	return append(lanes, &lane{name: "other", params: OutboxClaimParams{Except: ids}, wake: make(chan struct{}, 1), workers: s.opt.OutboxWorkers})
}

// Wake asks the outbox lanes to look for work now.
func (s *Service) Wake() {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	for _, w := range s.wakes {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	for _, fn := range s.onChange {
		fn()
	}
}

// OnChange registers fn to be called after every committed change Wake
// announces (a message taken in, a staff operation, a timer): the
// console's live lists read the database again at once instead of at
// their next poll. fn must return at once.
func (s *Service) OnChange(fn func()) {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	s.onChange = append(s.onChange, fn)
}

// RunOutbox delivers outbox rows until ctx ends, one lane per channel.
// Register every sender (SetSender) before.
func (s *Service) RunOutbox(ctx context.Context) error {
	lanes := s.outboxLanes()
	s.wakeMu.Lock()
	for _, l := range lanes {
		s.wakes = append(s.wakes, l.wake)
	}
	s.wakeMu.Unlock()
	var wg sync.WaitGroup
	for _, l := range lanes {
		wg.Go(func() {
			if s.opt.LaneGate != nil {
				s.opt.LaneGate(ctx, l.name, func(ctx context.Context) { s.runLane(ctx, l) })
				return
			}
			s.runLane(ctx, l)
		})
	}
	wg.Wait()
	return nil
}

func (s *Service) runLane(ctx context.Context, l *lane) {
	t := time.NewTicker(s.opt.OutboxPoll)
	defer t.Stop()
	for {
		for {
			n, err := s.deliverClaimed(ctx, l.params, l.workers)
			if err != nil && ctx.Err() == nil {
				s.opt.Logger.Error("outbox", "lane", l.name, "err", err)
			}
			if n == 0 || err != nil || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-l.wake:
		case <-t.C:
		}
	}
}

// DeliverDue makes one delivery pass over every channel, one row at a
// time in claim order, and returns how many rows it claimed. Tests and
// `kefu simulate` use it; the server runs RunOutbox.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	return s.deliverClaimed(ctx, OutboxClaimParams{}, 1)
}

// deliverClaimed claims due rows (p selects the lane) and delivers them,
// workers conversations at a time. Rows of one conversation (and events,
// which belong to none) go one after the other, in order.
func (s *Service) deliverClaimed(ctx context.Context, p OutboxClaimParams, workers int) (int, error) {
	now := s.opt.Now()
	p.Now, p.Limit, p.LeaseFor, p.Origin = now, s.opt.OutboxBatch, s.opt.OutboxLease, s.origin
	// The claim is not cut short by a stop: a claim the database made but
	// whose answer was abandoned would hold its rows for a whole lease,
	// and their conversations on every other process with them. A stop
	// that came meanwhile gives the rows back below, untried.
	cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	rows, err := s.opt.Store.OutboxClaim(cctx, p)
	ccancel()
	if err != nil {
		return 0, fmt.Errorf("claim: %w", err)
	}
	rows = s.deliverStored(ctx, rows)
	var order []int64
	byConv := map[int64][]OutboxRow{}
	for _, r := range rows {
		if _, ok := byConv[r.ConversationID]; !ok {
			order = append(order, r.ConversationID)
		}
		byConv[r.ConversationID] = append(byConv[r.ConversationID], r)
	}
	// Past half its lease a row is left for the next claim: once the
	// lease ends another process may take it, and two sends at once would
	// reach the customer twice.
	stopAt := now.Add(s.opt.OutboxLease / 2)
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var untried []int64
	for _, id := range order {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for i, r := range byConv[id] {
				if ctx.Err() != nil || s.opt.Now().After(stopAt) {
					mu.Lock()
					for _, u := range byConv[id][i:] {
						untried = append(untried, u.OutboxID)
					}
					mu.Unlock()
					return
				}
				s.deliver(ctx, r)
			}
		})
	}
	wg.Wait()
	if len(untried) > 0 {
		// Stopping (a deploy, a restart): another process takes these now,
		// not when the lease runs out.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := s.opt.Store.OutboxUnclaim(uctx, untried, now.Add(s.opt.OutboxLease)); err != nil {
			s.opt.Logger.Warn("outbox: give back untried rows", "rows", len(untried), "err", err)
		}
	}
	return len(rows), nil
}

// deliverStored records in one transaction the claimed rows whose channel
// delivers by storing (web chat), and returns the rest. One transaction
// per row made the outbox, not the dialog, the bottleneck under load: at
// 300 posts/s the answers fell seconds behind. If the batch fails, its
// rows are returned and go the ordinary way, one by one.
func (s *Service) deliverStored(ctx context.Context, rows []OutboxRow) []OutboxRow {
	var batch, rest []OutboxRow
	for _, r := range rows {
		snd, ok := s.opt.Senders[r.Channel]
		sd, isStored := snd.(channels.StoreDelivered)
		if ok && isStored && sd.DeliveredByStore() && snd.Send(ctx, r.Outbound) == nil {
			batch = append(batch, r)
		} else {
			rest = append(rest, r)
		}
	}
	if len(batch) < 2 {
		return rows // one row gains nothing from a batch
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := s.opt.Now()
	var sent []OutboxRow
	err := s.opt.Store.InTx(rctx, func(ctx context.Context, tx Tx) error {
		sent = sent[:0]
		for _, r := range batch {
			first, err := tx.OutboxMarkSent(ctx, r.OutboxID, now)
			if err != nil {
				return err
			}
			if !first || r.ConversationID == 0 {
				continue
			}
			if _, _, err = tx.MessageInsert(ctx, MessageParams{
				ConversationID: r.ConversationID, Channel: r.Channel, ExternalID: fmt.Sprintf("out:%d", r.OutboxID),
				Direction: "out", Text: r.Text, Field: r.Field, Choices: r.Choices, Kind: r.Kind, At: now,
			}); err != nil {
				return err
			}
			if err := s.delivered(ctx, tx, r, now); err != nil {
				return err
			}
			sent = append(sent, r)
		}
		return nil
	})
	if err != nil {
		s.opt.Logger.Warn("outbox: batch of stored deliveries failed; one by one", "rows", len(batch), "err", err)
		return rows
	}
	for _, r := range sent {
		_, span := s.startSend(ctx, r)
		endSpan(span, DeliverySent, nil) // recorded with the batch: the span marks it in the row's trace
		s.opt.Observer.Delivered(r.Channel, DeliverySent, now.Sub(r.CreatedAt))
		if n, ok := s.opt.Senders[r.Channel].(channels.Notifier); ok {
			n.Delivered(rctx, r.ConversationID)
		}
	}
	return rest
}

// withFiles reads the files stored with r for a channel that carries
// them (channels.Attacher); other channels never get them.
func (s *Service) withFiles(ctx context.Context, snd channels.Sender, r *OutboxRow) error {
	if a, ok := snd.(channels.Attacher); !ok || !a.Attaches() {
		return nil
	}
	files, err := s.opt.Store.OutboxFiles(ctx, r.OutboxID)
	if err != nil {
		return fmt.Errorf("files of outbox %d: %w", r.OutboxID, err)
	}
	r.Attachments = files
	return nil
}
