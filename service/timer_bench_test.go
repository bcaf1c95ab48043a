package service_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/service"
)

var (
	timerBacklog = flag.Int("timers.backlog", 100000, "pending timers behind BenchmarkTimerLateness (about what as many open cases hold)")
	timerDue     = flag.Int("timers.due", 300, "timers falling due together in BenchmarkTimerLateness")
)

// BenchmarkTimerLateness measures how late timers fire when many others
// are pending: every open case holds its next progress update and SLA
// checks as River jobs, so 100,000 open cases are a job table of that size.
// A burst of timers falls due together; each one's lateness is the time
// from its due time to its handler. The same burst on an empty table, in
// the same run, is the baseline: compare p50/p99 of the two. The handler
// only records: the dialog step a timer runs is BenchmarkInbound's.
// Run with -benchtime=1x (one op is one burst).
func BenchmarkTimerLateness(b *testing.B) {
	for _, backlog := range []int{0, *timerBacklog} {
		for _, be := range benchBackends(b) {
			b.Run(fmt.Sprintf("%s/backlog=%d", be.name, backlog), func(b *testing.B) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				clk := newClock()
				st := be.open(b, clk.Now)
				defer st.Close()
				// The backlog: due between 1 h and 24 h from now, as open
				// cases' next updates and deadlines are.
				now := time.Now()
				for from := 0; from < backlog; from += 5000 {
					ps := make([]service.TimerParams, 0, 5000)
					for i := from; i < min(from+5000, backlog); i++ {
						ps = append(ps, service.TimerParams{CaseID: int64(i + 1), Name: "progress_update",
							At: now.Add(time.Hour + time.Duration(i%(23*60))*time.Minute), UniqueKey: fmt.Sprintf("backlog-%d", i)})
					}
					if err := st.InTx(ctx, func(ctx context.Context, tx service.Tx) error { return tx.TimerInsertMany(ctx, ps) }); err != nil {
						b.Fatal(err)
					}
				}
				var (
					mu   sync.Mutex
					late []time.Duration
					done = make(chan struct{})
					want = *timerDue * b.N
				)
				warm := make(chan struct{})
				err := st.TimersStart(ctx, func(_ context.Context, t service.TimerArgs) error {
					if t.Name == "probe" {
						close(warm)
						return nil
					}
					mu.Lock()
					defer mu.Unlock()
					late = append(late, time.Since(t.Due))
					if len(late) == want {
						close(done)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				// A first timer fired means a leader was elected and River's
				// scheduler runs: what a process that has been up a while has.
				probe := []service.TimerParams{{CaseID: 1, Name: "probe", At: time.Now().Add(time.Second), UniqueKey: "probe"}}
				if err := st.InTx(ctx, func(ctx context.Context, tx service.Tx) error { return tx.TimerInsertMany(ctx, probe) }); err != nil {
					b.Fatal(err)
				}
				select {
				case <-warm:
				case <-time.After(time.Minute):
					b.Fatal("the first timer did not fire within a minute")
				}
				b.ResetTimer()
				for n := 0; n < b.N; n++ {
					// Due 8 s after they are written: past River's scheduler
					// interval (5 s), as real timers are written minutes to
					// days ahead, so what is measured is the pick-up, not
					// the first tick after an insert.
					due := time.Now().Add(8 * time.Second)
					ps := make([]service.TimerParams, *timerDue)
					for i := range ps {
						ps[i] = service.TimerParams{CaseID: int64(1_000_000 + n*len(ps) + i), Name: "sla_check", At: due, UniqueKey: fmt.Sprintf("burst-%d-%d", n, i)}
					}
					if err := st.InTx(ctx, func(ctx context.Context, tx service.Tx) error { return tx.TimerInsertMany(ctx, ps) }); err != nil {
						b.Fatal(err)
					}
				}
				select {
				case <-done:
				case <-time.After(2 * time.Minute):
					mu.Lock()
					b.Fatalf("%d of %d timers fired within 2 minutes", len(late), want)
				}
				b.StopTimer()
				mu.Lock()
				defer mu.Unlock()
				slices.Sort(late)
				q := func(f float64) float64 { return float64(late[int(f*float64(len(late)-1))]) / float64(time.Millisecond) }
				b.ReportMetric(q(0.5), "p50_ms")
				b.ReportMetric(q(0.99), "p99_ms")
				b.ReportMetric(q(1), "max_ms")
				if err := st.TimersStop(context.Background()); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}
