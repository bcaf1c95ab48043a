package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	wxOpenRate = flag.Float64("wx.rate", 1000, "messages per second offered in BenchmarkWeChatOpenLoop")
	wxOpenFor  = flag.Duration("wx.duration", 5*time.Second, "how long BenchmarkWeChatOpenLoop offers them")
)

// BenchmarkWeChatOpenLoop offers WeChat pushes (safe mode: encrypted and
// signed) at a fixed rate whatever the server answers, as WeChat's servers
// do, and reports how long the webhook took to answer: p50, p99, max and
// how many took longer than WeChat's 5 s (after which it retries, and
// after three tries drops the message). The baseline is web chat posts of
// the same texts at the same rate to the same server, in the same run.
// Open loop, because a closed loop slows down with the server and hides
// the queue a real crowd builds.
//
//	go test -run XXX -bench WeChatOpenLoop -benchtime 1x ./cmd/kefu/ -wx.rate 1000 -wx.duration 5s
func BenchmarkWeChatOpenLoop(b *testing.B) {
	for _, db := range benchDBs {
		b.Run(db.name, func(b *testing.B) {
			e := startWeChat(b, wxEnvOpts{dbURL: db.url(b), now: time.Now})
			run := time.Now().UnixNano()
			b.Run("wechat", func(b *testing.B) {
				var passive atomic.Int64
				n := openLoop(b, func(k int, customer int, text string) (int, error) {
					openID := fmt.Sprintf("oOpen_%d_%05d", run, customer)
					res, err := e.client.post(wxText(openID, time.Now(), run%1_000_000_000*1000+int64(k), text, ""), wxForge{})
					if res.Reply != nil {
						passive.Add(1) // the reply went back in the response, using no quota
					}
					return res.Status, err
				})
				b.ReportMetric(100*float64(passive.Load())/float64(max(n, 1)), "passive-%")
			})
			drained(b, e)
			hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
			b.Run("webchat", func(b *testing.B) {
				openLoop(b, func(k int, customer int, text string) (int, error) {
					body, _ := json.Marshal(map[string]string{"session": fmt.Sprintf("open-%d-%05d", run, customer),
						"client_message_id": fmt.Sprintf("o%d-%d", run, k), "text": text})
					resp, err := hc.Post(e.base+"/api/webchat/messages", "application/json", bytes.NewReader(body))
					if err != nil {
						return 0, err
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					return resp.StatusCode, nil
				})
			})
			drained(b, e)
		})
	}
}

// drained waits up to 60 s for the replies the run left in the outbox and
// reports how many were left then: an outbox that does not keep up is a
// finding, not a failure of the benchmark.
func drained(b *testing.B, e *wxEnv) {
	b.Helper()
	start := time.Now()
	first := -1
	for {
		n, err := e.m.store.OutboxPending(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if first < 0 {
			first = n
		}
		if n == 0 || time.Since(start) > time.Minute {
			b.Logf("outbox: %d replies pending after the run, %d a minute later at most (%.0f delivered/s)", first, n, float64(first-n)/time.Since(start).Seconds())
			return
		}
		time.Sleep(50 * time.Millisecond) // polling a live server, not asserting time
	}
}

// openLoop sends *wxOpenRate messages a second for *wxOpenFor, each on
// its own schedule, to customers who each say the intake's turns in order,
// and reports the answer times. do returns the HTTP status.
func openLoop(b *testing.B, do func(k, customer int, text string) (int, error)) (offered int) {
	interval := time.Duration(float64(time.Second) / *wxOpenRate)
	customers := max(100, int(3**wxOpenRate))
	var mu sync.Mutex
	var lat []time.Duration
	var refused, failed int
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for k := 0; ; k++ {
		at := start.Add(time.Duration(k) * interval)
		if at.Sub(start) >= *wxOpenFor {
			break
		}
		time.Sleep(time.Until(at)) // the schedule, not the server, decides
		offered++
		wg.Go(func() {
			t0 := time.Now()
			status, err := do(k, k%customers, wxBenchTurns[(k/customers)%len(wxBenchTurns)])
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed++
			case status != http.StatusOK && status != http.StatusAccepted:
				refused++
			default:
				lat = append(lat, took)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	over := 0
	for _, d := range lat {
		if d > 5*time.Second {
			over++
		}
	}
	b.ReportMetric(float64(len(lat))/time.Since(start).Seconds(), "answered/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(over), "over-5s")
	b.ReportMetric(float64(refused), "refused")
	b.ReportMetric(float64(failed), "failed")
	return offered
}
