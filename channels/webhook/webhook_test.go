package webhook_test

import (
	"context"
	"crypto/hmac"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/webhook"
)

func TestSendSignsAndReportsFailures(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []*http.Request
	var bodies []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, string(b))
		st := status
		mu.Unlock()
		w.WriteHeader(st)
	}))
	defer srv.Close()
	now := time.Unix(1_800_000_000, 0)
	s := webhook.New([]webhook.Endpoint{{Name: "crm", URL: srv.URL, Secret: "s3cret"}}, srv.Client(), func() time.Time { return now })
	m := channels.Outbound{OutboxID: 42, Channel: webhook.ID, ExternalUserID: "crm", Kind: "case.created", Text: `{"type":"case.created"}`}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := got[0]
	if r.Header.Get("X-Kefu-Event") != "case.created" || r.Header.Get("X-Kefu-Delivery") != "42" || bodies[0] != m.Text {
		t.Errorf("headers %v body %q", r.Header, bodies[0])
	}
	want := webhook.Sign("s3cret", now, []byte(m.Text))
	if sig := r.Header.Get("X-Kefu-Signature"); !hmac.Equal([]byte(sig), []byte(want)) || !strings.HasPrefix(sig, "t=1800000000,v1=") {
		t.Errorf("signature %q, want %q", sig, want)
	}
	if webhook.Sign("other", now, []byte(m.Text)) == want {
		t.Error("the signature does not depend on the secret")
	}
	mu.Lock()
	status = http.StatusBadGateway
	mu.Unlock()
	if err := s.Send(context.Background(), m); err == nil {
		t.Error("a 502 must fail so the outbox retries")
	}
	m.ExternalUserID = "gone"
	if err := s.Send(context.Background(), m); err == nil {
		t.Error("an unknown endpoint must fail")
	}
}

func TestWants(t *testing.T) {
	t.Parallel()
	all := webhook.Endpoint{}
	some := webhook.Endpoint{Events: []string{"case.resolved", "sla.breached"}}
	if !all.Wants("survey.answered") || !some.Wants("sla.breached") || some.Wants("case.created") {
		t.Error("subscription filter wrong")
	}
}
