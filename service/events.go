package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// WebhookChannel is the outbox channel of event deliveries; the webhook
// adapter registers as its sender.
const WebhookChannel channels.ID = "webhook"

// Subscriber is a configured webhook endpoint: its name and the event types
// it wants (empty = all).
type Subscriber struct {
	Name   string
	Events []string
}

func (sub Subscriber) wants(typ string) bool {
	if len(sub.Events) == 0 {
		return true
	}
	for _, e := range sub.Events {
		if e == typ || e == "*" {
			return true
		}
	}
	return false
}

// Event types sent to webhooks.
const (
	EventCaseCreated      = "case.created"
	EventCaseUpdated      = "case.updated"
	EventCaseResolved     = "case.resolved"
	EventSLABreached      = "sla.breached"
	EventSurveyAnswered   = "survey.answered"
	EventComplaintOpened  = "complaint.opened"
	EventConversationWait = "conversation.waiting_agent"
	// EventConversationWaitOverdue: nobody took a waiting conversation over
	// within its deadline.
	EventConversationWaitOverdue = "conversation.wait_overdue"
)

// eventBody is what a webhook receives.
type eventBody struct {
	Type string         `json:"type"`
	At   time.Time      `json:"at"`
	Case *caseEvent     `json:"case,omitempty"`
	Data map[string]any `json:"data,omitempty"`
}

type caseEvent struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	CustomerID     int64             `json:"customer_id"`
	ConversationID int64             `json:"conversation_id"`
	Channel        string            `json:"channel"`
	Language       string            `json:"language"`
	Category       string            `json:"category"`
	Subtype        string            `json:"subtype"`
	Priority       string            `json:"priority"`
	Department     string            `json:"department"`
	State          string            `json:"state"`
	Escalated      bool              `json:"escalated"`
	Fields         map[string]string `json:"fields"`
	Deadlines      cases.Deadlines   `json:"deadlines"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// emit queues event typ for every subscriber that wants it, in tx: the
// event exists if and only if the change that caused it committed.
func (s *Service) emit(ctx context.Context, tx Tx, typ string, c *cases.Case, data map[string]any, now time.Time) error {
	var body []byte
	for _, sub := range s.opt.Webhooks {
		if !sub.wants(typ) {
			continue
		}
		if body == nil {
			ev := eventBody{Type: typ, At: now.UTC(), Data: data}
			if c != nil {
				f := make(map[string]string, len(c.Fields))
				for k, v := range c.Fields {
					f[string(k)] = v
				}
				ev.Case = &caseEvent{
					ID: c.ID, Number: c.Number, CustomerID: c.CustomerID, ConversationID: c.ConversationID,
					Channel: c.Channel, Language: c.Language, Category: string(c.Category), Subtype: c.Subtype,
					Priority: string(c.Priority), Department: string(c.Department), State: string(c.State),
					Escalated: c.Escalated, Fields: f, Deadlines: c.Deadlines, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
				}
			}
			var err error
			if body, err = json.Marshal(ev); err != nil {
				return fmt.Errorf("encode %s event: %w", typ, err)
			}
		}
		if _, err := tx.OutboxInsert(ctx, OutboxParams{Channel: WebhookChannel, ExternalUserID: sub.Name, Text: string(body), Kind: typ, CreatedAt: now, TraceParent: traceParent(ctx)}); err != nil {
			return err
		}
	}
	return nil
}
