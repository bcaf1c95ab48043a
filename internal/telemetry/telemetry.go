// Package telemetry sends kefu's traces to an OpenTelemetry collector
// over OTLP/HTTP (Jaeger, Tempo, SigNoz and the vendors' agents all take
// it). The spans themselves are made where the work is (service/trace.go).
package telemetry

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Options say where traces go.
type Options struct {
	// Endpoint is the collector's OTLP/HTTP URL ("http://otel:4318");
	// traces are sent to its /v1/traces.
	Endpoint string
	// Service names this deployment in the traces (default "kefu").
	Service string
	// Instance tells the processes of one deployment apart (the host).
	Instance string
}

// Tracer is a tracer exporting in batches, and how to flush it.
type Tracer struct {
	trace.Tracer
	provider *sdktrace.TracerProvider
}

// Open returns a tracer sending to o.Endpoint. Nothing is sent until a
// span ends; an unreachable collector costs dropped spans, never a
// customer message.
func Open(ctx context.Context, o Options) (*Tracer, error) {
	if o.Service == "" {
		o.Service = "kefu"
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(o.Endpoint+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", o.Service), attribute.String("service.instance.id", o.Instance))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracer{Tracer: tp.Tracer("github.com/kefu-dev/kefu"), provider: tp}, nil
}

// Close sends what is buffered and stops.
func (t *Tracer) Close(ctx context.Context) error {
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	return nil
}
