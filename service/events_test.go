package service_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/webhook"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// A case registered over chat reaches a webhook as a signed case.created
// event; a receiver that fails first gets it again later, once it answers.
func TestWebhookEventsAreSignedAndRetried(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			var mu sync.Mutex
			var events []map[string]any
			var sigs []string
			fail := true
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				defer mu.Unlock()
				if fail {
					fail = false
					http.Error(w, "down", http.StatusServiceUnavailable)
					return
				}
				var ev map[string]any
				_ = json.Unmarshal(b, &ev)
				events = append(events, ev)
				sigs = append(sigs, r.Header.Get("X-Kefu-Signature"))
			}))
			defer srv.Close()

			clk := newClock()
			st := be.open(t, clk.Now)
			defer st.Close()
			svc := service.New(service.Options{
				Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{
					channels.WebChat:       &countingSender{},
					service.WebhookChannel: webhook.New([]webhook.Endpoint{{Name: "crm", URL: srv.URL, Secret: "0123456789abcdef"}}, srv.Client(), clk.Now),
				},
				Webhooks: []service.Subscriber{{Name: "crm", Events: []string{service.EventCaseCreated}}},
			})
			for i, text := range []string{"我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修", "确认"} {
				if _, err := svc.Receive(t.Context(), msg("hook-user", string(rune('a'+i)), text)); err != nil {
					t.Fatal(err)
				}
			}
			drain(t, svc) // the first attempt fails
			mu.Lock()
			n := len(events)
			mu.Unlock()
			if n != 0 {
				t.Fatalf("delivered despite the failure: %v", events)
			}
			clk.Add(10 * time.Minute) // past the backoff
			drain(t, svc)
			mu.Lock()
			defer mu.Unlock()
			if len(events) != 1 || events[0]["type"] != "case.created" {
				t.Fatalf("events: %v", events)
			}
			c, _ := events[0]["case"].(map[string]any)
			if c["category"] != "technical" || c["number"] == "" {
				t.Errorf("case in event: %v", c)
			}
			if sigs[0] == "" {
				t.Error("unsigned event")
			}
			if p, _ := st.OutboxPending(t.Context()); p != 0 {
				t.Errorf("%d outbox rows pending", p)
			}
		})
	}
}
