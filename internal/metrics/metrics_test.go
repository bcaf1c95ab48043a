package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/internal/metrics"
	"github.com/kefu-dev/kefu/service"
)

type outbox struct {
	stats []service.OutboxStat
	err   error
}

func (o *outbox) OutboxStats(context.Context) ([]service.OutboxStat, error) { return o.stats, o.err }

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(w.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ob := &outbox{stats: []service.OutboxStat{
		{Channel: channels.WeChat, Pending: 7, Oldest: now.Add(-90 * time.Second)},
		{Channel: channels.WebChat, Pending: 0},
	}}
	m := metrics.New(ob, func() time.Time { return now }, nil)
	m.Received(channels.WebChat, service.OutcomeStored, 30*time.Millisecond)
	m.Received(channels.WebChat, service.OutcomeStored, 40*time.Millisecond)
	m.Received(channels.WebChat, service.OutcomeDuplicate, time.Millisecond)
	m.Delivered(channels.WeChat, service.DeliveryDeferred, time.Hour)
	m.Delivered(channels.WebChat, service.DeliverySent, 200*time.Millisecond)
	m.TimerFired("progress", 45*time.Second, false)
	m.TimerFired("sla_check", -time.Second, true) // early counts as on time
	m.Breached(cases.ClockPlan, 2)
	m.WatchSpool(func() int { return 4 })

	got := scrape(t, m)
	for _, want := range []string{
		`kefu_inbound_messages_total{channel="webchat",outcome="stored"} 2`,
		`kefu_inbound_messages_total{channel="webchat",outcome="duplicate"} 1`,
		`kefu_inbound_step_seconds_count{channel="webchat"} 3`,
		`kefu_outbox_deliveries_total{channel="wechat",outcome="deferred"} 1`,
		`kefu_outbox_wait_seconds_count{channel="webchat"} 1`,
		`kefu_outbox_pending{channel="wechat"} 7`,
		`kefu_outbox_oldest_pending_seconds{channel="wechat"} 90`,
		`kefu_outbox_oldest_pending_seconds{channel="webchat"} 0`,
		`kefu_timer_lateness_seconds_bucket{timer="progress",le="30"} 0`,
		`kefu_timer_lateness_seconds_bucket{timer="progress",le="60"} 1`,
		`kefu_timer_lateness_seconds_bucket{timer="sla_check",le="0.1"} 1`,
		`kefu_timer_failures_total{timer="sla_check"} 1`,
		`kefu_sla_breaches_total{clock="plan",level="2"} 1`,
		`kefu_spool_messages 4`,
	} {
		if !strings.Contains(got, "\n"+want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !strings.Contains(got, "\ngo_goroutines ") || !strings.Contains(got, "\nprocess_resident_memory_bytes ") {
		t.Errorf("no runtime or process metrics")
	}
	if strings.Contains(got, `kefu_outbox_wait_seconds_count{channel="wechat"}`) {
		t.Errorf("a deferred row counted as a delivery wait")
	}

	// The outbox unreadable: the scrape says so instead of showing stale numbers.
	ob.err = errors.New("database down")
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), "database down") {
		t.Errorf("scrape with the outbox unreadable: %d %.300s", w.Code, w.Body)
	}
}
