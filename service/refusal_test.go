package service_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// refusingSender refuses until open is set; with fallback it offers one.
type refusingSender struct {
	mu       sync.Mutex
	open     bool
	fallback bool
	sent     []string
	fellBack []string
}

func (r *refusingSender) Send(_ context.Context, m channels.Outbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open {
		return &channels.RefusedError{Reason: "window closed"}
	}
	r.sent = append(r.sent, m.Text)
	return nil
}

type fallbackSender struct{ *refusingSender }

func (f fallbackSender) Fallback(_ context.Context, m channels.Outbound) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fellBack = append(f.fellBack, m.Text)
	return "template", nil
}

// A message the channel refuses is never dropped: it goes by the channel's
// fallback, or waits and goes out once the channel accepts it, however many
// tries that takes.
func TestRefusedMessagesFallBackOrWait(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			st := be.open(t, clk.Now)
			defer st.Close()
			wait := &refusingSender{}
			svc := service.New(service.Options{Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: wait}, OutboxMaxAttempts: 2, DeferFor: time.Hour})
			rc, err := svc.Receive(ctx, msg("refused-user", "m1", "冰箱不制冷了"))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 5; i++ { // more tries than OutboxMaxAttempts
				drain(t, svc)
				clk.Add(61 * time.Minute)
			}
			if p, _ := st.OutboxPending(ctx); p == 0 {
				t.Fatal("a refused message was dropped")
			}
			wait.mu.Lock()
			wait.open = true
			wait.mu.Unlock()
			clk.Add(61 * time.Minute)
			drain(t, svc)
			drain(t, svc)
			if p, _ := st.OutboxPending(ctx); p != 0 || len(wait.sent) == 0 {
				t.Fatalf("after the channel opened: %d pending, %d sent", p, len(wait.sent))
			}
			msgs, _ := st.MessagesList(ctx, service.MessagesListParams{ConversationID: rc.ConversationID})
			if len(msgs) < 2 {
				t.Errorf("the deferred reply is not in the conversation: %+v", msgs)
			}

			fb := fallbackSender{&refusingSender{}}
			svc = service.New(service.Options{Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: fb}})
			if _, err := svc.Receive(ctx, msg("fallback-user", "f1", "电视开不了机")); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)
			if p, _ := st.OutboxPending(ctx); p != 0 || len(fb.fellBack) == 0 {
				t.Errorf("fallback not used: %d pending, %d by fallback", p, len(fb.fellBack))
			}
		})
	}
}
