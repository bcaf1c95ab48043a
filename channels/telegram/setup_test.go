package telegram

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

var testEpoch = time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC)

// fakeClock advances by exactly what is waited for, at once: waits are
// recorded and no test sleeps for correctness.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

type testBundle struct {
	bot   *fakeBot
	inbox *MemoryInbox
	clock *fakeClock
	ch    *Channel
	cfg   Config
}

type setupOpts struct {
	mode   Mode
	config func(*Config)
}

func setup(t *testing.T, o setupOpts) *testBundle {
	t.Helper()
	b := &testBundle{bot: newFakeBot(t), inbox: &MemoryInbox{}, clock: &fakeClock{now: testEpoch}}
	b.cfg = Config{
		Enabled: true, Token: testToken, Mode: o.mode,
		APIBaseURL: b.bot.srv.URL, FileBaseURL: b.bot.srv.URL + "/file",
		WebhookURL: "https://kefu.example.com/telegram", SecretToken: "s3cr3t-Token_for-kefu",
		PollTimeout: time.Second, HTTPTimeout: 5 * time.Second,
	}
	if o.config != nil {
		o.config(&b.cfg)
	}
	b.ch = b.newChannel(t)
	return b
}

// newChannel is a fresh channel on the same fake and inbox: another
// process, or the same one after a restart.
func (b *testBundle) newChannel(t *testing.T) *Channel {
	t.Helper()
	ch, err := New(b.cfg, b.inbox, Options{Now: b.clock.Now, After: b.clock.After})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// post delivers one update to the webhook handler as Telegram would.
func (b *testBundle) post(t *testing.T, ch *Channel, secret string, body []byte) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if secret != "" {
		r.Header.Set(secretHeader, secret)
	}
	w := httptest.NewRecorder()
	ch.ServeHTTP(w, r)
	return w.Code
}

// deliver posts a testdata update with the right secret and expects 200.
func (b *testBundle) deliver(t *testing.T, ch *Channel, file string) {
	t.Helper()
	if code := b.post(t, ch, b.cfg.SecretToken, readTestdata(t, file)); code != http.StatusOK {
		t.Fatalf("%s: HTTP %d, want 200", file, code)
	}
}

// runPoll runs Poll in the background until the returned stop is called.
func runPoll(t *testing.T, ch *Channel) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ch.Poll(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Poll: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Poll did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitOffset waits until the fake sees a getUpdates with this offset.
func (b *testBundle) waitOffset(t *testing.T, want int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-b.bot.offsets:
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("no getUpdates with offset %d", want)
		}
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }
