package service

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/kefu-dev/kefu/channels"
)

// Traces: taking in a customer's message is a span, and every outbox row
// it queues keeps that span's context (a W3C traceparent) in the
// database, so the reply's send, by whichever process and however much
// later, is a span of the same trace. An operator follows one message
// from the webhook to the customer's phone across processes and retries.

func tracerOrNoop(t trace.Tracer) trace.Tracer {
	if t == nil {
		return noop.NewTracerProvider().Tracer("kefu")
	}
	return t
}

// traceParent is ctx's span context as a traceparent header value, ""
// when ctx carries none (tracing off).
func traceParent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, c)
	return c["traceparent"]
}

// withTraceParent continues the trace of a stored traceparent.
func withTraceParent(ctx context.Context, tp string) context.Context {
	if tp == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": tp})
}

// startSend starts the span of one delivery attempt of r.
func (s *Service) startSend(ctx context.Context, r OutboxRow) (context.Context, trace.Span) {
	return s.opt.Tracer.Start(withTraceParent(ctx, r.TraceParent), "kefu.send",
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("kefu.channel", string(r.Channel)), attribute.Int64("kefu.outbox_id", r.OutboxID),
			attribute.Int64("kefu.conversation_id", r.ConversationID), attribute.String("kefu.kind", r.Kind),
			attribute.Int("kefu.attempt", r.Attempts+1)))
}

// endSpan records the outcome of a span and ends it.
func endSpan(span trace.Span, outcome string, err error) {
	span.SetAttributes(attribute.String("kefu.outcome", outcome))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, outcome)
	}
	span.End()
}

// insertTimer arms a timer that remembers the trace that armed it.
func insertTimer(ctx context.Context, tx Tx, p TimerParams) error {
	p.TraceParent = traceParent(ctx)
	if b, ok := ctx.Value(timerBatchKey{}).(*timerBatch); ok {
		b.ps = append(b.ps, p)
		return nil
	}
	return tx.TimerInsert(ctx, p)
}

// timerBatch collects the timers armed under a context (withTimerBatch)
// for one TimerInsertMany: an import arms thousands.
type timerBatch struct{ ps []TimerParams }

type timerBatchKey struct{}

func withTimerBatch(ctx context.Context) (context.Context, *timerBatch) {
	b := &timerBatch{}
	return context.WithValue(ctx, timerBatchKey{}, b), b
}

// startTimer starts the span of a due timer: a trace of its own (a
// progress update four hours later is no part of the request that armed
// it), linked to the one that armed it.
func (s *Service) startTimer(ctx context.Context, t TimerArgs) (context.Context, trace.Span) {
	opts := []trace.SpanStartOption{trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("kefu.timer", t.Name), attribute.Int64("kefu.conversation_id", t.ConversationID),
			attribute.Int64("kefu.case_id", t.CaseID))}
	if sc := trace.SpanContextFromContext(withTraceParent(ctx, t.TraceParent)); sc.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
	}
	return s.opt.Tracer.Start(ctx, "kefu.timer", opts...)
}

// startReceive starts the span of taking in one customer message.
func (s *Service) startReceive(ctx context.Context, in channels.Inbound) (context.Context, trace.Span) {
	return s.opt.Tracer.Start(ctx, "kefu.receive", trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("kefu.channel", string(in.Channel)),
			attribute.String("kefu.external_message_id", in.ExternalMessageID)))
}

// receiveAttrs adds what the receipt found.
func receiveAttrs(span trace.Span, rc channels.Receipt) {
	span.SetAttributes(attribute.Int64("kefu.conversation_id", rc.ConversationID), attribute.String("kefu.message_id", strconv.FormatInt(rc.MessageID, 10)))
}
