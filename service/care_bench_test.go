package service_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

var careRows = flag.Int("care.rows", 10000, "rows of BenchmarkCareImport")

// importRows makes n customers, each with a purchase in the 60 days before
// the fake clock's day, so each plans its follow-ups (and a summer tip for
// the air conditioners).
func benchImportRows(n int) []service.CustomerImport {
	products := []struct{ product, model string }{{"空调", "KFR-35GW"}, {"净水器", "RO-400"}, {"洗衣机", "XQG100"}}
	rows := make([]service.CustomerImport, n)
	for i := range rows {
		p := products[i%len(products)]
		rows[i] = service.CustomerImport{Name: fmt.Sprintf("客户%d", i), Phone: fmt.Sprintf("139%08d", i), Telegram: fmt.Sprintf("tg-%d", i),
			Product: p.product, Model: p.model, Bought: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(i % 60)), Member: i%5 == 0}
	}
	return rows
}

// BenchmarkCareImport compares `kefu customers import` (match, identities,
// purchase, touchpoints and their River jobs) with a plain insert of the
// same customers and purchases, on both stores: report the ratio of the
// two ns/op in one run. Run with -benchtime=1x (each op is a whole file).
func BenchmarkCareImport(b *testing.B) {
	rows := benchImportRows(*careRows)
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name+"/plain_insert", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := benchStore(b, name)
				ctx := context.Background()
				b.StartTimer()
				for start := 0; start < len(rows); start += 250 {
					err := st.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
						for _, r := range rows[start:min(start+250, len(rows))] {
							c, err := tx.CustomerCreate(ctx, r.Name, time.Time{})
							if err != nil {
								return err
							}
							if _, _, err := tx.PurchaseInsert(ctx, service.Purchase{CustomerID: c.ID, Product: r.Product, Model: r.Model, On: r.Bought, Source: "import"}); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				st.Close()
			}
			b.ReportMetric(float64(len(rows)), "rows/op")
		})
		b.Run(name+"/import", func(b *testing.B) {
			var jobs int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := benchStore(b, name)
				clk := newClock()
				cfg := configs.Default()
				plan, err := cfg.CarePlan()
				if err != nil {
					b.Fatal(err)
				}
				svc := service.New(service.Options{Store: st, Engine: engine(b), SLA: cfg.SLA, Now: clk.Now, Logger: quiet(),
					Lifecycle: lifecycle(), Care: plan, Senders: map[channels.ID]channels.Sender{channels.Telegram: &countingSender{}}})
				b.StartTimer()
				res, err := svc.ImportCustomers(context.Background(), rows)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				jobs = res.Touchpoints
				st.Close()
			}
			b.ReportMetric(float64(len(rows)), "rows/op")
			b.ReportMetric(float64(jobs), "jobs/op")
		})
	}
}

// benchStore opens a fresh store of the named kind.
func benchStore(b *testing.B, name string) service.Store {
	b.Helper()
	for _, be := range backends(b) {
		if be.name == name {
			return be.open(b, newClock().Now)
		}
	}
	b.Fatalf("no backend %s", name)
	return nil
}
