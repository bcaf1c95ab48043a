// Package metrics exposes what kefu does as Prometheus metrics: inbound
// messages by channel and outcome, the time of a step, deliveries and
// refusals, the outbox's depth and age per channel, timer lateness and
// SLA breaches. It implements service.Observer; nothing here is global,
// each process has its own registry.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// OutboxReader reads the outbox's state at scrape time; both stores
// implement it.
type OutboxReader interface {
	OutboxStats(ctx context.Context) ([]service.OutboxStat, error)
}

// Metrics holds kefu's collectors in a registry of its own.
type Metrics struct {
	reg        *prometheus.Registry
	inbound    *prometheus.CounterVec
	step       *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
	waited     *prometheus.HistogramVec
	timers     *prometheus.HistogramVec
	timerFails *prometheus.CounterVec
	breaches   *prometheus.CounterVec
}

var _ service.Observer = (*Metrics)(nil)

// New registers kefu's metrics, the Go runtime's and the process's; the
// outbox gauges read outbox (nil: none) at each scrape.
func New(outbox OutboxReader, now func() time.Time, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	latency := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &Metrics{
		reg: reg,
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_inbound_messages_total",
			Help: "Inbound customer messages by channel and outcome (stored, duplicate, quarantined, failed)."}, []string{"channel", "outcome"}),
		step: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kefu_inbound_step_seconds",
			Help: "Time to store an inbound message and run the dialog step, by channel.", Buckets: latency}, []string{"channel"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_outbox_deliveries_total",
			Help: "Outbox rows tried, by channel and outcome (sent, retry, deferred, dead)."}, []string{"channel", "outcome"}),
		waited: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kefu_outbox_wait_seconds",
			Help: "Time from queueing to a successful send, by channel.", Buckets: append(latency, 30, 60, 300, 3600)}, []string{"channel"}),
		timers: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kefu_timer_lateness_seconds",
			Help: "How late timers fired after their due time, by timer.", Buckets: []float64{.1, .5, 1, 5, 15, 30, 60, 300, 3600}}, []string{"timer"}),
		timerFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_timer_failures_total",
			Help: "Timer runs whose handler failed (retried), by timer."}, []string{"timer"}),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kefu_sla_breaches_total",
			Help: "SLA deadlines recorded missed, by clock and escalation level."}, []string{"clock", "level"}),
	}
	reg.MustRegister(m.inbound, m.step, m.deliveries, m.waited, m.timers, m.timerFails, m.breaches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outbox != nil {
		reg.MustRegister(&outboxCollector{r: outbox, now: now, log: log})
	}
	return m
}

// WatchSpool reports depth (the messages a process holds in its spool,
// waiting for the database) at each scrape: a spool that grows while the
// database is back is what an operator must see.
func (m *Metrics) WatchSpool(depth func() int) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kefu_spool_messages",
		Help: "Pushes acknowledged and held in this process's spool until the database stores them."},
		func() float64 { return float64(depth()) }))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Received implements service.Observer.
func (m *Metrics) Received(ch channels.ID, outcome string, took time.Duration) {
	m.inbound.WithLabelValues(string(ch), outcome).Inc()
	m.step.WithLabelValues(string(ch)).Observe(took.Seconds())
}

// Delivered implements service.Observer.
func (m *Metrics) Delivered(ch channels.ID, outcome string, waited time.Duration) {
	m.deliveries.WithLabelValues(string(ch), outcome).Inc()
	if outcome == service.DeliverySent {
		m.waited.WithLabelValues(string(ch)).Observe(waited.Seconds())
	}
}

// TimerFired implements service.Observer.
func (m *Metrics) TimerFired(name string, late time.Duration, failed bool) {
	m.timers.WithLabelValues(name).Observe(max(late, 0).Seconds())
	if failed {
		m.timerFails.WithLabelValues(name).Inc()
	}
}

// Breached implements service.Observer.
func (m *Metrics) Breached(clock cases.ClockName, level int) {
	m.breaches.WithLabelValues(string(clock), strconv.Itoa(level)).Inc()
}

// outboxCollector reads the outbox at scrape time: gauges kept by the
// workers would be per process, while the outbox is shared.
type outboxCollector struct {
	r   OutboxReader
	now func() time.Time
	log *slog.Logger
}

var (
	descPending = prometheus.NewDesc("kefu_outbox_pending", "Outbox rows waiting to be sent, by channel (all processes).", []string{"channel"}, nil)
	descOldest  = prometheus.NewDesc("kefu_outbox_oldest_pending_seconds", "Age of the oldest pending outbox row, by channel.", []string{"channel"}, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPending
	ch <- descOldest
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stats, err := c.r.OutboxStats(ctx)
	if err != nil {
		c.log.Warn("metrics: outbox stats", "err", err)
		ch <- prometheus.NewInvalidMetric(descPending, err)
		return
	}
	now := c.now()
	for _, s := range stats {
		age := 0.0
		if !s.Oldest.IsZero() {
			age = max(now.Sub(s.Oldest), 0).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(s.Pending), string(s.Channel))
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age, string(s.Channel))
	}
}
