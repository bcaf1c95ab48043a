package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/kefu-dev/kefu/configs"
)

// collector is an OTLP/HTTP endpoint keeping the spans it is sent.
type collector struct {
	mu    sync.Mutex
	spans map[string][]string // span name -> trace ids (hex)
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "not OTLP traces", http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				c.spans[s.Name] = append(c.spans[s.Name], string(s.TraceId))
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Write(b)
}

// With telemetry.otlp_endpoint set, a web chat message and the bot's reply
// reach the collector as spans of one trace; the last are flushed on stop.
func TestServeExportsTraces(t *testing.T) {
	col := &collector{spans: map[string][]string{}}
	srv := httptest.NewServer(col)
	defer srv.Close()

	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = filepath.Join(t.TempDir(), "kefu.db")
	cfg.Server.SpoolDir = t.TempDir()
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	cfg.Telemetry.OTLPEndpoint = srv.URL
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := &chat{t: t, base: "http://" + m.Addr(), session: "trace-session-0001"}
	c.post("你好，洗衣机不脱水了")
	c.waitReply(0, field("product_model"))
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	col.mu.Lock()
	defer col.mu.Unlock()
	recv, send := col.spans["kefu.receive"], col.spans["kefu.send"]
	if len(recv) == 0 || len(send) == 0 {
		t.Fatalf("collector got %v; want kefu.receive and kefu.send spans", col.spans)
	}
	if recv[0] != send[0] {
		t.Errorf("the reply's send is in trace %x, the message's receipt in %x", send[0], recv[0])
	}
}
