package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-dev/kefu/service"
)

// readiness is what /readyz checks: every dependency the configuration
// enables, each with its own answer, so an operator sees which one is down.
type readiness struct {
	checks []readyCheck
}

type readyCheck struct {
	name string
	fn   func(ctx context.Context) error
}

func (r *readiness) add(name string, fn func(ctx context.Context) error) {
	r.checks = append(r.checks, readyCheck{name, fn})
}

// ServeHTTP answers 200 when every check passes and 503 otherwise, with
// each check's result. A check gets two seconds: a load balancer asking
// must not wait on a hung dependency.
func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
	defer cancel()
	type result struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	out := result{Status: "ready", Checks: map[string]string{}}
	code := http.StatusOK
	for _, c := range r.checks {
		if err := c.fn(ctx); err != nil {
			out.Checks[c.name] = err.Error()
			out.Status, code = "unavailable", http.StatusServiceUnavailable
			continue
		}
		out.Checks[c.name] = "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(out)
}

// redisCheck pings the Redis at url with a client of its own, so the
// check says whether Redis answers, not whether a channel's pool is busy.
func redisCheck(url string) (func(ctx context.Context) error, func() error, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("redis url: %w", err)
	}
	o.PoolSize, o.MaxRetries = 1, 0
	c := redis.NewClient(o)
	return func(ctx context.Context) error {
		if err := c.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
		return nil
	}, c.Close, nil
}

// adminHandler serves what operators use and customers must never reach:
// profiles (net/http/pprof on a mux of its own, not the default one) and
// metrics.
func adminHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	return mux
}

// serveAdmin listens on addr; the server stops with the others.
func (m *Main) serveAdmin(addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("server.admin_addr: %w", err)
	}
	m.adminLn = ln
	m.admin = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.admin.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("admin server", "err", err)
		}
	}()
	m.Log.Info("kefu admin serving", "addr", "http://"+ln.Addr().String()+"/")
	return nil
}

// AdminAddr is the admin listener's address ("" when off).
func (m *Main) AdminAddr() string {
	if m.adminLn == nil {
		return ""
	}
	return m.adminLn.Addr().String()
}

// observeTimers reports each timer's lateness (how long after its due
// time it ran) and failures: timers of a killed process wait for River's
// rescue, and this is where that shows.
func (m *Main) observeTimers(h func(context.Context, service.TimerArgs) error) func(context.Context, service.TimerArgs) error {
	return func(ctx context.Context, t service.TimerArgs) error {
		var late time.Duration
		if !t.Due.IsZero() {
			late = m.Now().Sub(t.Due)
		}
		err := h(ctx, t)
		m.metrics.TimerFired(t.Name, late, err != nil)
		return err
	}
}
