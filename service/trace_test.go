package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// failOnceSender fails the first send and records the span each send ran in.
type failOnceSender struct {
	mu     sync.Mutex
	failed bool
	spans  []trace.SpanContext
}

func (f *failOnceSender) Send(ctx context.Context, m channels.Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.spans = append(f.spans, trace.SpanContextFromContext(ctx))
	if !f.failed {
		f.failed = true
		return errors.New("connection reset")
	}
	return nil
}

// A reply's sends, retries included and by a Service that did not take the
// message in (another process), are spans of the trace of the customer
// message that caused it: the context travels in the outbox row.
func TestSendContinuesTheTraceOfTheMessage(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			exp := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
			defer tp.Shutdown(context.Background())
			opts := func(snd channels.Sender) service.Options {
				return service.Options{Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
					Senders: map[channels.ID]channels.Sender{channels.Telegram: snd}, Tracer: tp.Tracer("kefu")}
			}
			in := service.New(opts(&failOnceSender{}))
			ctx := context.Background()
			if _, err := in.Receive(ctx, channels.Inbound{Channel: channels.Telegram, ExternalUserID: "42", ExternalMessageID: "1", Text: "洗衣机不脱水了"}); err != nil {
				t.Fatal(err)
			}
			snd := &failOnceSender{}
			out := service.New(opts(snd)) // another process's outbox
			if _, err := out.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Add(10 * time.Minute) // past the retry's backoff
			drain(t, out)

			var receive sdktrace.ReadOnlySpan
			var sends []sdktrace.ReadOnlySpan
			for _, s := range exp.GetSpans().Snapshots() {
				switch s.Name() {
				case "kefu.receive":
					receive = s
				case "kefu.send":
					sends = append(sends, s)
				}
			}
			if receive == nil || len(sends) < 2 {
				t.Fatalf("spans: receive %v, %d sends; want one receive and a failed and a good send", receive != nil, len(sends))
			}
			for _, s := range sends {
				if s.SpanContext().TraceID() != receive.SpanContext().TraceID() || s.Parent().SpanID() != receive.SpanContext().SpanID() {
					t.Errorf("send span %s (parent %s) is not in the receipt's trace %s", s.SpanContext().TraceID(), s.Parent().SpanID(), receive.SpanContext().TraceID())
				}
			}
			if len(snd.spans) < 2 || snd.spans[0].TraceID() != receive.SpanContext().TraceID() {
				t.Errorf("the channel's Send did not run in the send span: %v", snd.spans)
			}
		})
	}
}

// A timer armed while a message was taken in (the reminder of a customer
// who went quiet) fires in a trace of its own, linked to that message's,
// and what it sends is in the timer's trace.
func TestTimerSpanLinksToWhatArmedIt(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			st := b.open(t, clk.Now)
			defer st.Close()
			rec := &recStore{Store: st}
			exp := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
			defer tp.Shutdown(context.Background())
			svc := service.New(service.Options{Store: rec, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.Telegram: &failOnceSender{failed: true}}, Tracer: tp.Tracer("kefu"),
				Lifecycle: lifecycle()})
			ctx := context.Background()
			if _, err := svc.Receive(ctx, channels.Inbound{Channel: channels.Telegram, ExternalUserID: "42", ExternalMessageID: "1", Text: "洗衣机不脱水了"}); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)
			a, ok := rec.next(clk.Now().Add(24 * time.Hour))
			if !ok {
				t.Fatal("no timer armed by the message")
			}
			if a.TraceParent == "" {
				t.Fatalf("timer %s armed without the trace that armed it", a.Name)
			}
			clk.Add(a.Due.Sub(clk.Now()))
			if err := svc.HandleTimer(ctx, a); err != nil {
				t.Fatal(err)
			}
			drain(t, svc)

			var receive, timer sdktrace.ReadOnlySpan
			for _, s := range exp.GetSpans().Snapshots() {
				switch s.Name() {
				case "kefu.receive":
					receive = s
				case "kefu.timer":
					timer = s
				}
			}
			if receive == nil || timer == nil {
				t.Fatalf("receive %v, timer %v", receive != nil, timer != nil)
			}
			if timer.SpanContext().TraceID() == receive.SpanContext().TraceID() {
				t.Error("the timer's span is in the trace of the message: hours long traces")
			}
			if l := timer.Links(); len(l) != 1 || l[0].SpanContext.SpanID() != receive.SpanContext().SpanID() {
				t.Errorf("timer links %v, want the receipt %s", l, receive.SpanContext().SpanID())
			}
		})
	}
}
