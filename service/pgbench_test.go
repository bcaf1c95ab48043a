package service_test

import (
	"context"
	"flag"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/storetest"
)

var pgbFor = flag.Duration("pgb.duration", 5*time.Second, "how long each side of BenchmarkInboundVsPgbench runs")

// pgbClients is how many messages are offered at once on both sides.
const pgbClients = 16

// BenchmarkInboundVsPgbench compares kefu's inbound pipeline on PostgreSQL
// with the physical limit of its writes: pgbench running the same
// statements as one transaction each (testdata/bench/inbound.pgbench),
// pgbClients at once, against a database kefu migrated. kefu's side is
// service.Receive (lock, dedupe, dialog step, case, outbox and timer
// writes), pgbClients customers' messages at once, with the intake limit
// kefu serve uses. The ratio kefu/pgbench is the figure to compare
// between runs; the goal is 1.
//
//	go test -run XXX -bench InboundVsPgbench -benchtime 1x ./service/ -pgb.duration 10s
func BenchmarkInboundVsPgbench(b *testing.B) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		b.Skip("pgbench is not installed")
	}
	ctx := context.Background()
	b.ResetTimer()

	// pgbench on a migrated database with its customers seeded.
	pgURL := freshPostgres(b)
	st, err := postgres.Open(ctx, pgURL, postgres.Options{Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	plain := storetest.LibpqURL(b, pgURL)
	conn, err := pgx.Connect(ctx, plain)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `
		INSERT INTO customers (display_name, created_at) SELECT '', now() FROM generate_series(1, 10000);
		INSERT INTO customer_identities (channel, external_user_id, customer_id, created_at)
			SELECT 'webchat', 'pgb-' || id, id, now() FROM customers`); err != nil {
		b.Fatal(err)
	}
	conn.Close(ctx)
	out, err := exec.CommandContext(ctx, "pgbench", "-n", "-M", "prepared", "-f", "../testdata/bench/inbound.pgbench",
		"-c", strconv.Itoa(pgbClients), "-j", "2", "-T", strconv.Itoa(int(pgbFor.Seconds())), plain).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no tps:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)

	// kefu on a database of its own.
	st2, err := postgres.Open(ctx, freshPostgres(b), postgres.Options{Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer st2.Close()
	svc := service.New(service.Options{Store: st2, Engine: engine(b), SLA: configs.Default().SLA, Logger: quiet(),
		IntakeLimit: max(1, st2.Conns()-1)})
	texts := []string{"你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修", "张三", "去年双十一买的", "确认", "请问师傅什么时候上门？"}
	run := time.Now().UnixNano()
	var n atomic.Int64
	var wg sync.WaitGroup
	var errOnce sync.Once
	var firstErr error
	start := time.Now()
	stop := start.Add(*pgbFor)
	for c := range pgbClients {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				user := fmt.Sprintf("pgb-%d-%d-%d", run, c, i/len(texts))
				if _, err := svc.Receive(ctx, msg(user, fmt.Sprintf("%d-%d-%d", run, c, i), texts[i%len(texts)])); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	kefu := float64(n.Load()) / time.Since(start).Seconds()
	b.ReportMetric(kefu, "kefu-msgs/s")
	b.ReportMetric(tps, "pgbench-tx/s")
	b.ReportMetric(kefu/tps, "ratio")
}
