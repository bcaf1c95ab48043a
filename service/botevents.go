package service

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// The bot's figures in the report (issue 13: is the bot helping?) are
// counted from what each dialog step did, recorded in the step's own
// transaction: a row exists if and only if the customer was answered so.

// Kinds of BotEvent.
const (
	BotMessage       = "message"        // the bot answered a customer's message
	BotQuestion      = "question"       // it asked for something (Reason: the field)
	BotNotUnderstood = "not_understood" // it said it did not understand (Reason: the field asked)
	BotHandoff       = "handoff"        // it handed the conversation to a person (Reason: why)
	BotRegistered    = "registered"     // it registered a case (Reason: RegisteredAlone or RegisteredForAgent)
)

// Reasons of a BotRegistered event.
const (
	RegisteredAlone    = "bot"     // the bot's own intake, confirmed by the customer
	RegisteredForAgent = "handoff" // a draft filed for the agent taking over
)

// BotEvent is one thing the bot did in a conversation.
type BotEvent struct {
	ConversationID int64
	// CaseID is the case the conversation's intake led to; 0 until it is
	// registered (Tx.BotEventsLink sets it then).
	CaseID  int64
	Channel channels.ID
	Kind    string
	Reason  string
	At      time.Time
}

// recordBot stores what the bot did in one step: acts are the step's
// actions in order, st the state after it.
func (s *Service) recordBot(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, ev dialog.Event, acts []dialog.Action, now time.Time) error {
	var head, tail []BotEvent
	mk := func(kind, reason string) BotEvent {
		return BotEvent{ConversationID: conv.ID, CaseID: st.CaseID, Channel: conv.Channel, Kind: kind, Reason: reason, At: now}
	}
	registered := false
	for _, a := range acts {
		switch a.Kind {
		case dialog.ActReply:
			if ev.Kind != dialog.EventMessage || a.Reply == nil {
				continue // a reminder or a staff operation: nobody was answered
			}
			if len(head) == 0 {
				head = append(head, mk(BotMessage, ""))
			}
			if a.Reply.Kind == dialog.KindNotUnderstood {
				head = append(head, mk(BotNotUnderstood, string(a.Reply.Field)))
			}
			if a.Reply.Field != "" {
				head = append(head, mk(BotQuestion, string(a.Reply.Field)))
			}
		case dialog.ActHandoff:
			tail = append(tail, mk(BotHandoff, a.Handoff))
		case dialog.ActRegisterCase:
			reason := RegisteredAlone
			if a.Case != nil && a.Case.Handoff != "" {
				reason = RegisteredForAgent
			}
			registered = true
			tail = append(tail, mk(BotRegistered, reason))
		}
	}
	// The questions of a step come before its registration: they count
	// towards it (see ReportBot).
	evs := append(head, tail...)
	if len(evs) == 0 {
		return nil
	}
	if err := tx.BotEventsInsert(ctx, evs...); err != nil {
		return err
	}
	if registered && st.CaseID != 0 {
		return tx.BotEventsLink(ctx, conv.ID, st.CaseID)
	}
	return nil
}

// ReportBot is what the bot did in a period (issue 13): the events of
// the period's conversations on the selected channel; with a department,
// category, priority or handler filter, only those of intakes that led to
// a matching case.
type ReportBot struct {
	// Conversations the bot answered at least once.
	Conversations int `json:"conversations"`
	// Intakes are the conversations whose intake ended in a registration
	// or a handoff; Alone those in which the bot registered a case on its
	// own, without a person. AloneShare is Alone / Intakes.
	Intakes    int     `json:"intakes"`
	Alone      int     `json:"alone"`
	AloneShare float64 `json:"alone_share"`
	// Registered counts the cases the bot registered on its own, and
	// ForAgent the drafts it filed for an agent at a handoff.
	Registered int `json:"registered"`
	ForAgent   int `json:"for_agent"`
	// Questions are those the bot put in the intakes of the Registered
	// cases (re-asked ones included); QuestionsPerCase is Questions /
	// Registered.
	Questions        int     `json:"questions"`
	QuestionsPerCase float64 `json:"questions_per_case"`
	// Handoffs to a person, and why (customer_request,
	// too_many_attempts, registration_overdue, …), sorted by reason.
	Handoffs         int           `json:"handoffs"`
	HandoffsByReason []ReportCount `json:"handoffs_by_reason"`
	// Messages are the customer's messages the bot answered;
	// NotUnderstood those it answered with "didn't understand", and
	// NotUnderstoodRate their share.
	Messages          int     `json:"messages"`
	NotUnderstood     int     `json:"not_understood"`
	NotUnderstoodRate float64 `json:"not_understood_rate"`
}

// botReport fills in the shares.
func botReport(b ReportBot) ReportBot {
	if b.HandoffsByReason == nil {
		b.HandoffsByReason = []ReportCount{}
	}
	share := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return float64(n) / float64(d)
	}
	b.AloneShare = share(b.Alone, b.Intakes)
	b.QuestionsPerCase = share(b.Questions, b.Registered)
	b.NotUnderstoodRate = share(b.NotUnderstood, b.Messages)
	return b
}
