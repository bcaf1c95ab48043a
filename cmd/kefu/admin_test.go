package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAdminListener: profiles are served on the admin address only, never
// next to the customers' web chat.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	cfg := configs.Default()
	cfg.Server.Addr, cfg.Server.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Database.URL = filepath.Join(t.TempDir(), "kefu.db")
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if code, body := httpGet(t, "http://"+m.AdminAddr()+"/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("admin pprof: %d %.200s", code, body)
	}
	if code, body := httpGet(t, "http://"+m.Addr()+"/debug/pprof/"); code == 200 && strings.Contains(body, "goroutine") {
		t.Errorf("the public address serves profiles")
	}
	// The metrics count what the pipeline did.
	c := &chat{t: t, base: "http://" + m.Addr(), session: "admin-metrics-0001"}
	c.post("你好，我家XQG100洗衣机昨天开始不脱水了")
	c.waitReply(0, func(channels.StoredMessage) bool { return true })
	c.n-- // the same client message id again: a duplicate
	c.post("你好，我家XQG100洗衣机昨天开始不脱水了")
	code, body := httpGet(t, "http://"+m.AdminAddr()+"/metrics")
	for _, want := range []string{
		`kefu_inbound_messages_total{channel="webchat",outcome="stored"} 1`,
		`kefu_inbound_messages_total{channel="webchat",outcome="duplicate"} 1`,
		`kefu_outbox_deliveries_total{channel="webchat",outcome="sent"}`,
	} {
		if code != 200 || !strings.Contains(body, "\n"+want) {
			t.Errorf("metrics (%d) lack %q", code, want)
		}
	}
	if code, _ := httpGet(t, "http://"+m.Addr()+"/metrics"); code == 200 {
		t.Errorf("the public address serves metrics")
	}
	code, body = httpGet(t, "http://"+m.Addr()+"/readyz")
	var r struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || code != 200 || r.Status != "ready" || r.Checks["database"] != "ok" {
		t.Errorf("readyz: %d %s", code, body)
	}
}

// TestReadyzSaysWhichDependencyIsDown: a Redis that does not answer makes
// the process unready and is named; the real one answers.
func TestReadyzSaysWhichDependencyIsDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a port nothing answers on once closed
	if err != nil {
		t.Fatal(err)
	}
	dead := "redis://" + ln.Addr().String() + "/0"
	ln.Close()
	down, closeDown, err := redisCheck(dead)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDown()
	up, closeUp, err := redisCheck("redis://127.0.0.1:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	defer closeUp()

	r := &readiness{}
	r.add("database", func(context.Context) error { return nil })
	r.add("redis", up)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"redis":"ok"`) {
		t.Errorf("with Redis up: %d %s", w.Code, w.Body)
	}

	r = &readiness{}
	r.add("database", func(context.Context) error { return nil })
	r.add("redis", down)
	r.add("slow", func(ctx context.Context) error {
		select { // a hung dependency is cut off by the check's own deadline
		case <-ctx.Done():
			return errors.New("timed out")
		case <-time.After(time.Minute):
			return nil
		}
	})
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	var got struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != http.StatusServiceUnavailable || got.Status != "unavailable" || got.Checks["database"] != "ok" ||
		!strings.HasPrefix(got.Checks["redis"], "redis:") || got.Checks["slow"] != "timed out" {
		t.Errorf("with Redis down: %d %s", w.Code, w.Body)
	}
}
