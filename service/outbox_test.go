package service_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// gateSender hangs on every message to one user until released (a
// channel whose API stopped answering) and reports the others.
type gateSender struct {
	hang    string
	started chan struct{} // closed when the hanging send began
	once    sync.Once
	release chan struct{}
	sent    chan channels.Outbound
}

func newGate(hang string) *gateSender {
	return &gateSender{hang: hang, started: make(chan struct{}), release: make(chan struct{}), sent: make(chan channels.Outbound, 64)}
}

func (g *gateSender) Send(ctx context.Context, m channels.Outbound) error {
	if m.ExternalUserID == g.hang {
		g.once.Do(func() { close(g.started) })
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	g.sent <- m
	return nil
}

// waitSent waits for a send to user; the timeout guards against a hang,
// it is not the behaviour under test.
func (g *gateSender) waitSent(t *testing.T, user, why string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-g.sent:
			if m.ExternalUserID == user {
				return
			}
		case <-timeout:
			t.Fatalf("nothing sent to %s: %s", user, why)
		}
	}
}

// TestOutboxLanes: a channel whose sends hang delays neither another
// channel nor its own other conversations.
func TestOutboxLanes(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			wx, web := newGate("stuck"), newGate("")
			svc := service.New(service.Options{
				Store: st, Engine: engine(t), Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WeChat: wx, channels.WebChat: web},
			})
			ctx := context.Background()
			// The stuck customer's reply is the oldest row.
			for _, in := range []channels.Inbound{
				{Channel: channels.WeChat, ExternalUserID: "stuck", ExternalMessageID: "1", Text: "你好"},
				{Channel: channels.WeChat, ExternalUserID: "fine", ExternalMessageID: "2", Text: "你好"},
				{Channel: channels.WebChat, ExternalUserID: "web", ExternalMessageID: "3", Text: "你好"},
			} {
				if _, err := svc.Receive(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			defer runOutbox(svc)()
			select {
			case <-wx.started:
			case <-time.After(10 * time.Second):
				t.Fatal("the stuck send never started")
			}
			web.waitSent(t, "web", "web chat waited for WeChat")
			wx.waitSent(t, "fine", "one WeChat customer waited for another")
			close(wx.release)
			wx.waitSent(t, "stuck", "the stuck send did not finish once released")
		})
	}
}

// cancellingSender stops its caller (shutdown) while the message goes
// out: the send succeeded and must be recorded.
type cancellingSender struct {
	countingSender
	cancel context.CancelFunc
}

func (c *cancellingSender) Send(ctx context.Context, m channels.Outbound) error {
	c.cancel()
	return c.countingSender.Send(ctx, m)
}

// TestOutboxRecordsSendAtShutdown: a send that succeeded while kefu was
// stopping is marked sent, not sent again after its lease.
func TestOutboxRecordsSendAtShutdown(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			snd := &cancellingSender{}
			svc := newService(t, st, clk, snd)
			if _, err := svc.Receive(context.Background(), msg("u", "m1", "你好")); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			snd.cancel = cancel
			if _, err := svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			snd.cancel = func() {}
			clk.Add(time.Hour) // every lease long over
			drain(t, svc)
			if n, err := st.OutboxPending(context.Background()); err != nil || n != 0 {
				t.Fatalf("pending %d, %v; want 0", n, err)
			}
			snd.mu.Lock()
			defer snd.mu.Unlock()
			for id, n := range snd.sends {
				if n != 1 {
					t.Errorf("outbox %d sent %d times, want once", id, n)
				}
			}
		})
	}
}

// windowSender refuses messages to the users whose window is closed (a
// WeChat customer silent for 48 h) and records the others in order.
type windowSender struct {
	mu     sync.Mutex
	closed map[string]bool
	sent   []channels.Outbound
}

func (w *windowSender) Send(_ context.Context, m channels.Outbound) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed[m.ExternalUserID] {
		return &channels.RefusedError{Reason: "window closed"}
	}
	w.sent = append(w.sent, m)
	return nil
}

func (w *windowSender) ids(user string) []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []int64
	for _, m := range w.sent {
		if m.ExternalUserID == user {
			out = append(out, m.OutboxID)
		}
	}
	return out
}

// TestDeferredRowDueWhenCustomerWrites: a row refused for a closed window
// is parked without holding up anyone else, and when the customer writes
// again (which reopens the window) it goes at once — not an hour later —
// and before the reply to the new message.
func TestDeferredRowDueWhenCustomerWrites(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			snd := &windowSender{closed: map[string]bool{"silent": true}}
			svc := service.New(service.Options{Store: st, Engine: engine(t), Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: snd}, DeferFor: time.Hour})
			if _, err := svc.Receive(ctx, msg("silent", "s1", "冰箱不制冷了")); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)
			if got := snd.ids("silent"); len(got) != 0 {
				t.Fatalf("sent %v into a closed window", got)
			}
			if _, err := svc.Receive(ctx, msg("other", "o1", "洗衣机不脱水")); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)
			if len(snd.ids("other")) == 0 {
				t.Fatal("another customer waited for the parked row")
			}
			snd.mu.Lock()
			snd.closed["silent"] = false // the customer writes: the window opens
			snd.mu.Unlock()
			clk.Add(time.Minute)
			if _, err := svc.Receive(ctx, msg("silent", "s2", "在吗")); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)
			got := snd.ids("silent")
			if len(got) < 2 {
				t.Fatalf("after the customer wrote, sent %v; want the parked rows and the new reply", got)
			}
			for i := 1; i < len(got); i++ {
				if got[i] < got[i-1] {
					t.Errorf("sent out of order: %v", got)
				}
			}
			if n, err := st.OutboxPending(ctx); err != nil || n != 0 {
				t.Errorf("pending %d, %v; want 0", n, err)
			}
		})
	}
}

// slowSender's first send outlives the outbox lease (a hung API); if
// anything is sent to user "b" after that, another process's outbox runs
// at that moment, as it may once the lease is over.
type slowSender struct {
	countingSender
	clk   *clock
	other *service.Service
	state int // 0 first send, 1 after it, 2 inside the other process
	users []string
}

func (s *slowSender) Send(ctx context.Context, m channels.Outbound) error {
	s.mu.Lock()
	state := s.state
	s.users = append(s.users, m.ExternalUserID)
	s.mu.Unlock()
	switch {
	case state == 0:
		s.clk.Add(31 * time.Second)
		s.mu.Lock()
		s.state = 1
		s.mu.Unlock()
	case state == 1 && m.ExternalUserID == "b":
		s.mu.Lock()
		s.state = 2
		s.mu.Unlock()
		if _, err := s.other.DeliverDue(ctx); err != nil {
			return err
		}
	}
	return s.countingSender.Send(ctx, m)
}

// TestOutboxLeaseOverrun: when a send outlives the lease, the rows
// claimed with it are left to whoever claims them next, never sent by
// two processes.
func TestOutboxLeaseOverrun(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			snd := &slowSender{clk: clk}
			opt := service.Options{Store: st, Engine: engine(t), Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: snd}, OutboxLease: 30 * time.Second}
			svc := service.New(opt)
			snd.other = service.New(opt)
			for _, u := range []string{"a", "b", "c"} {
				if _, err := svc.Receive(ctx, msg(u, u+"1", "你好")); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Add(time.Hour)
			drain(t, svc)
			if n, err := st.OutboxPending(ctx); err != nil || n != 0 {
				t.Fatalf("pending %d, %v; want 0", n, err)
			}
			snd.mu.Lock()
			defer snd.mu.Unlock()
			for id, n := range snd.sends {
				if n != 1 {
					t.Errorf("outbox %d sent %d times, want once (sends to %v)", id, n, snd.users)
				}
			}
		})
	}
}

// barrierSender holds every send until want of them are in flight at once.
type barrierSender struct {
	want    int
	mu      sync.Mutex
	n       int
	all     chan struct{}
	workers int
}

func (s *barrierSender) Policy() channels.Policy { return channels.Policy{SendWorkers: s.workers} }

func (s *barrierSender) Send(ctx context.Context, m channels.Outbound) error {
	s.mu.Lock()
	if s.n++; s.n == s.want {
		close(s.all)
	}
	s.mu.Unlock()
	select {
	case <-s.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A channel that asks for more workers (channels.Policy.SendWorkers) gets
// them in its lane: three customers' sends are in flight at once though
// outbox.workers is 1.
func TestOutboxLaneWorkersFromPolicy(t *testing.T) {
	t.Parallel()
	clk := newClock()
	st := backends(t)[0].open(t, clk.Now)
	defer st.Close()
	snd := &barrierSender{want: 3, all: make(chan struct{}), workers: 3}
	svc := service.New(service.Options{
		Store: st, Engine: engine(t), Now: clk.Now, Logger: quiet(), OutboxWorkers: 1,
		Senders: map[channels.ID]channels.Sender{channels.WeChat: snd},
	})
	for i := range 3 {
		if _, err := svc.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: fmt.Sprintf("u%d", i), ExternalMessageID: fmt.Sprint(i), Text: "你好"}); err != nil {
			t.Fatal(err)
		}
	}
	defer runOutbox(svc)()
	select {
	case <-snd.all:
	case <-time.After(10 * time.Second):
		t.Fatal("the three sends were never in flight together")
	}
}

// runOutbox runs svc's outbox until the returned stop is called, which
// waits for it to end.
func runOutbox(svc *service.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunOutbox(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
