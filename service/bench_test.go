package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// BenchmarkInbound measures the whole inbound pipeline (dedupe, lock, dialog
// step, case/outbox/timer writes in one transaction, then delivery) against
// a baseline of the smallest transaction the store can do (one message
// insert), on both stores. Compare msgs/s of the two in the same run.
func BenchmarkInbound(b *testing.B) {
	for _, be := range benchBackends(b) {
		b.Run(be.name+"/pipeline", func(b *testing.B) {
			clk := newClock()
			st := be.open(b, clk.Now)
			defer st.Close()
			svc := newService(b, st, clk, &countingSender{})
			ctx := context.Background()
			texts := []string{"你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修", "张三", "去年双十一买的", "确认"}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				user := fmt.Sprintf("bench-%s-%d", be.name, i/len(texts))
				if _, err := svc.Receive(ctx, msg(user, fmt.Sprintf("b%d", i), texts[i%len(texts)])); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.DeliverDue(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
		b.Run(be.name+"/baseline_tx", func(b *testing.B) {
			clk := newClock()
			st := be.open(b, clk.Now)
			defer st.Close()
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				err := st.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
					cu, err := tx.CustomerGetOrCreate(ctx, service.CustomerParams{Channel: channels.WebChat, ExternalUserID: "baseline", Now: clk.Now()})
					if err != nil {
						return err
					}
					c, err := tx.ConversationGetOrCreate(ctx, service.ConversationParams{Channel: channels.WebChat, ExternalUserID: "baseline", CustomerID: cu.ID, Now: clk.Now()})
					if err != nil {
						return err
					}
					_, _, err = tx.MessageInsert(ctx, service.MessageParams{ConversationID: c.ID, Channel: channels.WebChat, ExternalID: fmt.Sprintf("x%d", i), Direction: "in", Text: "x", At: clk.Now()})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
