package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store/storetest"
)

// BenchmarkWeChatWebhook measures the WeChat webhook in safe mode through
// the real handler and service (`kefu serve`), on SQLite and on Postgres:
// requests per second and latency percentiles. Every request is a new
// text message (a fresh MsgId) from a rotating set of OpenIDs, which go
// through an intake (problem, name, purchase date, confirmation) and on;
// wxBenchClients customers post at once. A webhook request answers when
// the bot's reply is ready (a passive reply, encrypted) or, for replies
// with choices, at once with `success` while the msgmenu goes through the
// (fake) customer-service API.
//
// The baseline is the web chat POST of the same texts through the same
// server, so the figures read as ratios. It answers 202 once the message
// is stored and the dialog step ran; it does not wait for the outbox to
// deliver the reply, which the WeChat request does when it replies
// passively.
//
//	go test -run XXX -bench WeChat -benchtime 300x ./cmd/kefu/
func BenchmarkWeChatWebhook(b *testing.B) {
	for _, db := range benchDBs {
		e := startWeChat(b, wxEnvOpts{dbURL: db.url(b)})
		var seq atomic.Int64 // shared by the runs of a sub-benchmark: every message is new
		b.Run(db.name+"/wechat-safe", func(b *testing.B) {
			passive := benchLoad(b, &seq, func(i int64, openID, text string) (bool, error) {
				res, err := e.client.post(wxText(openID, e.m.Now(), 7_000_000_000+i, text, ""), wxForge{})
				if err == nil && res.Status != http.StatusOK {
					err = fmt.Errorf("webhook: %d %s", res.Status, res.Body)
				}
				return res.Reply != nil, err
			})
			b.ReportMetric(100*float64(passive)/float64(b.N), "passive-%")
			e.quiet(b) // the API sends still running do not weigh on the baseline
		})
		var wseq atomic.Int64
		b.Run(db.name+"/webchat-baseline", func(b *testing.B) {
			hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			benchLoad(b, &wseq, func(i int64, openID, text string) (bool, error) {
				body, _ := json.Marshal(map[string]string{"session": "bench-" + openID, "client_message_id": fmt.Sprintf("m%d", i), "text": text})
				resp, err := hc.Post(e.base+"/api/webchat/messages", "application/json", bytes.NewReader(body))
				if err != nil {
					return false, err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					return false, fmt.Errorf("webchat: %d", resp.StatusCode)
				}
				return false, nil
			})
			e.quiet(b)
		})
	}
}

// benchDBs are the databases the WeChat benchmarks run on.
var benchDBs = []struct {
	name string
	url  func(b *testing.B) string
}{
	{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "kefu.db") }},
	{"postgres", func(b *testing.B) string { return storetest.PostgresDB(b) }},
}

const (
	wxBenchClients   = 16 // requests in flight
	wxBenchCustomers = 48 // OpenIDs (sessions) the messages rotate over
)

// wxBenchTurns is what each customer says, in turn.
var wxBenchTurns = []string{
	"你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修",
	"张三",
	"去年双十一买的",
	"确认",
	"请问师傅什么时候上门？",
}

// benchLoad runs b.N requests, wxBenchClients at a time, and reports
// req/s, p50-ms and p99-ms. do sends message i of customer openID and
// says whether it got a passive reply.
func benchLoad(b *testing.B, seq *atomic.Int64, do func(i int64, openID, text string) (bool, error)) (passive int) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var npassive atomic.Int64
	var errMu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range wxBenchClients {
		wg.Go(func() {
			for {
				k := next.Add(1) - 1
				if k >= int64(b.N) {
					return
				}
				i := seq.Add(1) - 1
				openID := fmt.Sprintf("oBench_Q9zNjWeS6o_%04d", i%wxBenchCustomers)
				text := wxBenchTurns[(i/wxBenchCustomers)%int64(len(wxBenchTurns))]
				t0 := time.Now()
				p, err := do(i, openID, text)
				lat[k] = time.Since(t0)
				if p {
					npassive.Add(1)
				}
				if err != nil {
					errMu.Lock()
					firstErr = errors.Join(firstErr, err)
					errMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	return int(npassive.Load())
}
