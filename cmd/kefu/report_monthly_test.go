package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/channels/webhook"
	"github.com/kefu-dev/kefu/configs"
)

// monthClock is the clock both processes read.
type monthClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *monthClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *monthClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// signedEvents is a webhook receiver that keeps the report.monthly events
// whose signature is right, and counts the others.
type signedEvents struct {
	secret string
	mu     sync.Mutex
	bodies [][]byte
	bad    int
}

func (h *signedEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ts, v1 string
	for _, kv := range strings.Split(r.Header.Get("X-Kefu-Signature"), ",") {
		if v, ok := strings.CutPrefix(kv, "t="); ok {
			ts = v
		}
		if v, ok := strings.CutPrefix(kv, "v1="); ok {
			v1 = v
		}
	}
	mac := hmac.New(sha256.New, []byte(h.secret))
	mac.Write([]byte(ts + "." + string(body)))
	h.mu.Lock()
	defer h.mu.Unlock()
	if v1 == "" || !hmac.Equal([]byte(v1), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		h.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Header.Get("X-Kefu-Event") == "report.monthly" {
		h.bodies = append(h.bodies, body)
	}
}

func (h *signedEvents) months(tb testing.TB) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, b := range h.bodies {
		var ev struct {
			Data struct {
				Period struct {
					Month string `json:"month"`
				} `json:"period"`
				Summary struct {
					Volume struct {
						Total *int `json:"total"`
					} `json:"volume"`
				} `json:"summary"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &ev); err != nil || ev.Data.Summary.Volume.Total == nil {
			tb.Fatalf("event %s: %v", b, err)
		}
		out = append(out, ev.Data.Period.Month)
	}
	return out
}

// TestServeMonthlyReport runs `kefu serve` twice on one PostgreSQL
// database with the monthly report on and a fake clock: crossing midnight
// of Dec 1 in Shanghai, November's report reaches the recipient once, by
// the mail channel with the workbook attached, and the webhook once,
// signed; a restart sends nothing again.
func TestServeMonthlyReport(t *testing.T) {
	t.Parallel()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := &monthClock{t: time.Date(2026, 11, 30, 23, 58, 0, 0, sh)}
	hooks := &signedEvents{secret: "sixteen-chars-or-more"}
	recv := httptest.NewServer(hooks)
	defer recv.Close()
	mod := func(c *configs.Config) {
		c.Dialog.Timezone = "Asia/Shanghai"
		c.Webhooks = []webhook.Endpoint{{Name: "crm", URL: recv.URL, Secret: hooks.secret}}
		m := &c.Reports.Monthly
		m.Enabled, m.Recipients, m.Language, m.CheckInterval = true, []string{"boss@corp.test"}, "en", 20*time.Millisecond
	}
	dbURL := testPostgres(t)
	a := startEmail(t, emOpts{dbURL: dbURL, mod: mod, now: clk.Now})
	// The first look sends October's: the report was just turned on.
	a.smtp.wait(t, "boss@corp.test", 1, "October's report")
	b := startEmail(t, emOpts{dbURL: dbURL, dc: a.dc, smtp: a.smtp, mod: mod, now: clk.Now})

	clk.Set(time.Date(2026, 12, 1, 0, 1, 0, 0, sh))
	got := a.smtp.wait(t, "boss@corp.test", 2, "November's report")
	nov := got[1]
	if nov.Subject != "After-sales monthly report 2026-11" || !strings.Contains(nov.Text, "2026-11-01 to 2026-11-30 (Asia/Shanghai)") {
		t.Errorf("November's mail: %q\n%s", nov.Subject, nov.Text)
	}
	if nov.Header.Get("In-Reply-To") != "" || nov.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("November's mail header %v", nov.Header.Header.Map())
	}
	book := attachment(t, nov.Raw, "kefu-report-2026-11.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("the attachment is no workbook: %v", err)
	}
	if want := []string{"Volume", "SLA compliance", "Satisfaction", "Complaints", "Workload", "Bot", "Care", "Cases"}; !slices.Equal(f.GetSheetList(), want) {
		t.Errorf("sheets %q", f.GetSheetList())
	}
	f.Close()

	// Both processes look again, one restarts: nothing more goes out.
	ctx := context.Background()
	for _, e := range []*emEnv{a, b} {
		if m, err := e.m.Service().MonthlyReportDue(ctx); err != nil || m != "" {
			t.Errorf("a later look queued %q: %v", m, err)
		}
	}
	b.restart(t)
	if m, err := b.m.Service().MonthlyReportDue(ctx); err != nil || m != "" {
		t.Errorf("after a restart the look queued %q: %v", m, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := b.m.store.OutboxPending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && len(hooks.months(t)) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d rows pending, events %q", n, hooks.months(t))
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
	if n := len(a.smtp.to(t, "boss@corp.test")); n != 2 {
		t.Errorf("%d mails to the recipient, want October's and November's", n)
	}
	if months := hooks.months(t); !slices.Equal(months, []string{"2026-10", "2026-11"}) || hooks.bad != 0 {
		t.Errorf("events for %q (%d badly signed), want one for October and one for November", months, hooks.bad)
	}
}

// attachment returns the bytes of the mail's attachment called name.
func attachment(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*mail.AttachmentHeader); ok {
			if n, _ := h.Filename(); n == name {
				b, err := io.ReadAll(p.Body)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
	}
	t.Fatalf("no attachment %s", name)
	return nil
}
