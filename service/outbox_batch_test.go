package service_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// storedSender delivers by storing, as web chat does, and counts the
// wake-ups it is given.
type storedSender struct {
	mu    sync.Mutex
	woken map[int64]int
}

func (s *storedSender) Send(_ context.Context, m channels.Outbound) error {
	if m.ExternalUserID == "" {
		return errors.New("no session")
	}
	return nil
}
func (*storedSender) DeliveredByStore() bool { return true }
func (s *storedSender) Delivered(_ context.Context, conv int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.woken[conv]++
}

// txCounter counts the transactions the service opens.
type txCounter struct {
	service.Store
	n atomic.Int64
}

func (c *txCounter) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	c.n.Add(1)
	return c.Store.InTx(ctx, fn)
}

// TestOutboxBatchesStoredDeliveries: replies of a channel that delivers by
// storing go in one transaction per claim, each becomes one message of its
// conversation (once), and its stream is woken.
func TestOutboxBatchesStoredDeliveries(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			cnt := &txCounter{Store: st}
			snd := &storedSender{woken: map[int64]int{}}
			svc := service.New(service.Options{Store: cnt, Engine: engine(t), Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: snd}})
			ctx := context.Background()
			const n = 12
			convs := map[int64]bool{}
			for i := range n {
				rc, err := svc.Receive(ctx, channels.Inbound{Channel: channels.WebChat, ExternalUserID: fmt.Sprintf("s%d", i),
					ExternalMessageID: fmt.Sprintf("m%d", i), Text: "你好，洗衣机不脱水了"})
				if err != nil {
					t.Fatal(err)
				}
				convs[rc.ConversationID] = true
			}
			pending, err := st.OutboxPending(ctx)
			if err != nil || pending < n {
				t.Fatalf("pending %d, %v", pending, err)
			}
			before := cnt.n.Load()
			drain(t, svc)
			if left, _ := st.OutboxPending(ctx); left != 0 {
				t.Fatalf("%d rows left", left)
			}
			if used := cnt.n.Load() - before; used >= int64(pending) {
				t.Errorf("%d rows took %d transactions: not batched", pending, used)
			}
			got := 0
			for conv := range convs {
				msgs, err := st.MessagesList(ctx, service.MessagesListParams{ConversationID: conv, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range msgs {
					if m.Direction == "out" {
						got++
					}
				}
				if snd.woken[conv] == 0 {
					t.Errorf("conversation %d: its stream was not woken", conv)
				}
			}
			if got != pending {
				t.Errorf("%d replies stored for %d rows", got, pending)
			}
		})
	}
}
