package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// requestSender stands for WeChat: it can answer in the customer's request
// for a while after the message (channels.Policy.ReplyInRequest).
type requestSender struct{ countingSender }

func (*requestSender) Policy() channels.Policy {
	return channels.Policy{ReplyInRequest: 3 * time.Second}
}

// Two processes on one database: the reply to a customer's message is kept
// for the process that took the message in (it holds the request) until
// the reply budget is over, even when the other process's outbox looks
// first; a message kefu writes first (a timer, an operation) is anyone's.
func TestReplyKeptForTheProcessHoldingTheRequest(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			clk := newClock()
			st := be.open(t, clk.Now)
			defer st.Close()
			cfg := configs.Default()
			process := func(snd *requestSender) *service.Service {
				return service.New(service.Options{Store: st, Engine: engine(t), SLA: cfg.SLA, Now: clk.Now, Logger: quiet(),
					Senders: map[channels.ID]channels.Sender{channels.WeChat: snd}})
			}
			sa, sb := &requestSender{}, &requestSender{}
			a, b := process(sa), process(sb)
			ctx := context.Background()
			in := channels.Inbound{Channel: channels.WeChat, ExternalUserID: "oKeep_0001", ExternalMessageID: "9001", Text: "你好"}
			if _, err := a.Receive(ctx, in); err != nil {
				t.Fatal(err)
			}
			if n, err := b.DeliverDue(ctx); err != nil || n != 0 {
				t.Fatalf("the other process claimed %d rows (%v) of a reply the first holds the request for", n, err)
			}
			if n, err := a.DeliverDue(ctx); err != nil || n == 0 || len(sa.texts) == 0 {
				t.Fatalf("the process holding the request delivered %d rows (%v)", n, err)
			}
			// Past the budget the first process is gone or done: anyone sends.
			in.ExternalMessageID, in.Text = "9002", "洗衣机不脱水了"
			if _, err := a.Receive(ctx, in); err != nil {
				t.Fatal(err)
			}
			clk.Add(4 * time.Second)
			if n, err := b.DeliverDue(ctx); err != nil || n == 0 || len(sb.texts) == 0 {
				t.Fatalf("after the budget the other process delivered %d rows (%v)", n, err)
			}
		})
	}
}
