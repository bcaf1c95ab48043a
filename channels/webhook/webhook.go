// Package webhook delivers kefu's events (case.created, case.updated,
// case.resolved, sla.breached, survey.answered, complaint.opened,
// report.monthly, …) to CRMs and ticket systems as signed HTTP POSTs.
// Events ride the outbox like customer messages: they are written in the
// transaction that caused them and retried with backoff until the
// receiver answers 2xx.
//
// Every request carries:
//
//	X-Kefu-Event:     the event type
//	X-Kefu-Delivery:  a delivery id, the same on every retry (dedupe on it)
//	X-Kefu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>
//
// Receivers should reject a signature whose t is far from their clock.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// ID is the outbox channel of webhook deliveries.
const ID channels.ID = "webhook"

// Endpoint is one configured receiver.
type Endpoint struct {
	Name   string   `yaml:"name"`
	URL    string   `yaml:"url"`
	Secret string   `yaml:"secret" secret:"true"`
	Events []string `yaml:"events"` // empty = every event
}

// Wants reports whether the endpoint subscribes to an event type.
func (e Endpoint) Wants(typ string) bool {
	if len(e.Events) == 0 {
		return true
	}
	for _, t := range e.Events {
		if t == typ || t == "*" {
			return true
		}
	}
	return false
}

// Sender posts outbox rows of channel "webhook": ExternalUserID names the
// endpoint, Kind is the event type and Text the JSON body.
type Sender struct {
	endpoints map[string]Endpoint
	client    *http.Client
	now       func() time.Time
}

// New returns a Sender for endpoints; client nil gets one with a timeout,
// because a receiver that never answers must not hold the outbox.
func New(endpoints []Endpoint, client *http.Client, now func() time.Time) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	m := make(map[string]Endpoint, len(endpoints))
	for _, e := range endpoints {
		m[e.Name] = e
	}
	return &Sender{endpoints: m, client: client, now: now}
}

// Sign returns the X-Kefu-Signature value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts one event. Any non-2xx answer is an error, so the outbox
// retries it.
func (s *Sender) Send(ctx context.Context, m channels.Outbound) error {
	ep, ok := s.endpoints[m.ExternalUserID]
	if !ok {
		return fmt.Errorf("webhook %q is no longer configured", m.ExternalUserID)
	}
	body := []byte(m.Text)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ep.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kefu-webhook/1")
	req.Header.Set("X-Kefu-Event", m.Kind)
	req.Header.Set("X-Kefu-Delivery", strconv.FormatInt(m.OutboxID, 10))
	req.Header.Set("X-Kefu-Signature", Sign(ep.Secret, s.now(), body))
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ep.Name, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s: %s answered %d", ep.Name, ep.URL, resp.StatusCode)
	}
	return nil
}
