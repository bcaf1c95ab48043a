package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// The delivery plan (issue 10). What a conversation's outbox holds is
// decided when a message is queued, not left to pile up behind a channel
// that cannot deliver:
//
//   - a message kefu sends first (a timer, a staff action) waits out the
//     customer's quiet hours unless the case is P1 or the customer has just
//     written; an answer to the customer is never held;
//   - a newer automatic status replaces one still pending, and the
//     resolution replaces a pending status: never two statuses, never a
//     stale one after the resolution;
//   - a channel that wants one message per step (mail) gets one;
//   - the case records a resolution as notified when it was delivered, and
//     when it cannot be, a person is asked to call the customer.

// Message kinds the plan treats specially.
const (
	KindProgress = "progress" // the cadence update (notes or an automatic status)
	KindResolved = "resolved" // the resolution notice
	KindNote     = "note"     // a customer-visible note, sent at once
	KindReminder = "reminder" // the mid-intake reminder
)

// awakeFor is how long after the customer's last message kefu may still
// write in their quiet hours: they are there.
const awakeFor = 30 * time.Minute

// outMsg is one message for a conversation's customer.
type outMsg struct {
	Kind    string
	Text    string
	Field   string
	Choices []channels.Choice
	Facts   channels.Facts
}

// replyMsg is a dialog reply as a message.
func replyMsg(r *dialog.Reply) outMsg {
	m := outMsg{Kind: replyKind(r.Kind), Text: r.Text, Field: string(r.Field)}
	if r.Kind == "care" {
		// A care message may find WeChat's window closed: its first line
		// is what a template message (wechat.templates.care) carries.
		m.Facts.Note, _, _ = strings.Cut(r.Text, "\n")
	}
	for _, c := range r.Choices {
		m.Choices = append(m.Choices, channels.Choice{Value: c.Value, Label: c.Label})
	}
	return m
}

// sending is how a batch of messages goes: proactive ones (kefu speaks
// first) respect quiet hours, at the case's priority.
type sending struct {
	proactive bool
	priority  cases.Priority // "" before a case exists
	lang      string
	zone      string // the customer's zone (dialog State.Zone), "" unknown
	// lastCustomer is the customer's last message: shortly after it kefu
	// is answering, not waking them.
	lastCustomer time.Time
}

// sendingFor describes messages for conv: its state's language and last
// customer message, and c's priority (nil: before registration).
func sendingFor(conv *Conversation, c *cases.Case, proactive bool) sending {
	sd := sending{proactive: proactive}
	if st, err := stateOf(conv); err == nil {
		sd.lang, sd.zone, sd.lastCustomer = st.Lang, st.Zone, st.LastCustomerAt
	}
	if c != nil {
		sd.priority = c.Priority
		if c.Language != "" {
			sd.lang = c.Language
		}
	}
	return sd
}

// policy is the channel's delivery policy.
func (s *Service) policy(ch channels.ID) channels.Policy {
	if p, ok := s.opt.Senders[ch].(channels.PolicyHaver); ok {
		return p.Policy()
	}
	return channels.Policy{}
}

// queue plans msgs for conv's customer in tx: joined into one where the
// channel wants one message per step, held in quiet hours when proactive,
// and replacing what they make stale.
func (s *Service) queue(ctx context.Context, tx Tx, conv *Conversation, sd sending, msgs []outMsg, now time.Time) error {
	if conv == nil || conv.ID == 0 || len(msgs) == 0 {
		return nil // a case without a conversation has no channel to use
	}
	if s.policy(conv.Channel).OneMessagePerStep {
		msgs = joinMessages(msgs)
	}
	var notBefore, keepUntil time.Time
	held, origin := "", ""
	if rir := s.policy(conv.Channel).ReplyInRequest; !sd.proactive && rir > 0 {
		// The customer's request may still be waiting here: this
		// process answers in it, not another one by the API.
		origin, keepUntil = s.origin, now.Add(rir)
	}
	if sd.proactive && now.Sub(sd.lastCustomer) >= awakeFor {
		lc := s.lc()
		if at := lc.QuietHours.SendAt(sd.priority, now, s.custLoc(sd.zone)); at.After(now) {
			notBefore, held = at, "held: quiet hours until "+at.UTC().Format(time.RFC3339)
		}
	}
	for _, m := range msgs {
		if m.Facts.Case != "" && m.Facts.Time == "" {
			m.Facts.Time = s.opt.Engine.FormatTimeIn(sd.lang, sd.zone, now)
		}
		id, err := tx.OutboxInsert(ctx, OutboxParams{
			ConversationID: conv.ID, Channel: conv.Channel, ExternalUserID: conv.ExternalUserID,
			Text: m.Text, Field: m.Field, Choices: m.Choices, Kind: m.Kind, Lang: sd.lang, Facts: m.Facts,
			CreatedAt: now, NotBefore: notBefore, Held: held, TraceParent: traceParent(ctx),
			Origin: origin, OriginUntil: keepUntil,
		})
		if err != nil {
			return err
		}
		if err := s.supersede(ctx, tx, conv.ID, staleAfter(m.Kind), fmt.Sprintf("replaced by outbox %d (%s)", id, m.Kind), id); err != nil {
			return err
		}
	}
	return nil
}

// staleAfter lists the kinds a message of kind k makes stale while they
// are still pending.
func staleAfter(k string) []string {
	switch k {
	case KindProgress, KindResolved:
		return []string{KindProgress}
	}
	return nil
}

// supersede ends the conversation's pending rows of the given kinds older
// than before (0: all) unsent.
func (s *Service) supersede(ctx context.Context, tx Tx, conversationID int64, kinds []string, why string, before int64) error {
	if len(kinds) == 0 {
		return nil
	}
	rows, err := tx.OutboxQueued(ctx, conversationID)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if before != 0 && r.OutboxID >= before || !slices.Contains(kinds, r.Kind) {
			continue
		}
		ok, err := tx.OutboxSupersede(ctx, r.OutboxID, why)
		if err != nil {
			return err
		}
		if ok {
			s.opt.Logger.Info("outbox row superseded", "conversation_id", conversationID, "outbox_id", r.OutboxID, "kind", r.Kind, "why", why)
		}
	}
	return nil
}

// kindRank orders kinds by what a joined message is: a resolution joined
// with the function check is still the resolution notice.
func kindRank(k string) int {
	switch k {
	case KindResolved:
		return 2
	case KindProgress, KindNote, "plan", "plan_change":
		return 1
	}
	return 0
}

// joinMessages joins a step's messages into one: by mail an
// acknowledgement and a question are one email, not two. The question
// (its field and choices) is what the message asks; its kind is the most
// important one joined.
func joinMessages(msgs []outMsg) []outMsg {
	if len(msgs) < 2 {
		return msgs
	}
	m := msgs[0]
	m.Choices = slices.Clone(m.Choices)
	for _, n := range msgs[1:] {
		m.Text += "\n\n" + n.Text
		if n.Field != "" || len(n.Choices) > 0 {
			m.Field, m.Choices = n.Field, n.Choices
		}
		if kindRank(n.Kind) > kindRank(m.Kind) || kindRank(n.Kind) == kindRank(m.Kind) && (n.Field != "" || len(n.Choices) > 0) {
			m.Kind = n.Kind
		}
		if m.Facts.Empty() {
			m.Facts = n.Facts
		}
	}
	return []outMsg{m}
}

// caseFacts are the facts every case message carries.
func (s *Service) caseFacts(c *cases.Case, zone, note string, now time.Time) channels.Facts {
	e := s.opt.Engine
	return channels.Facts{
		Case: c.Number, Status: e.Render(c.Language, "state."+string(c.State), nil),
		Note: note, Time: e.FormatTimeIn(c.Language, zone, now),
	}
}

// zoneOf is the customer's zone in conv's dialog state ("" unknown).
func zoneOf(conv *Conversation) string {
	if conv == nil {
		return ""
	}
	st, _ := stateOf(conv)
	return st.Zone
}

// custLoc is the clock of the customer's night: their zone when known,
// else the customers' zone of the deployment (dialog.timezone).
func (s *Service) custLoc(zone string) *time.Location {
	if loc := s.opt.Engine.ZoneLocation(zone); loc != nil {
		return loc
	}
	return s.lc().Location
}

// delivered records on the case what a delivered row achieved: a
// resolution notice that reached the customer (directly or by a channel's
// fallback) meets the resolve-notice clock, not its queueing.
func (s *Service) delivered(ctx context.Context, tx Tx, r OutboxRow, now time.Time) error {
	_, c, err := awaitingNotice(ctx, tx, r)
	if err != nil || c == nil {
		return err
	}
	c.Milestones.ResolveNotified = now
	return tx.CaseUpdate(ctx, c)
}

// awaitingNotice returns the case (and its conversation) whose resolution
// notice r is while the customer has not had it; nil when r is no such
// notice, tells of an earlier resolution or the notice was counted.
func awaitingNotice(ctx context.Context, tx Tx, r OutboxRow) (*Conversation, *cases.Case, error) {
	if kindRank(r.Kind) < kindRank(KindResolved) || r.ConversationID == 0 {
		return nil, nil, nil
	}
	conv, err := tx.ConversationGet(ctx, r.ConversationID)
	if err != nil || conv.CaseID == 0 {
		return nil, nil, err
	}
	c, err := tx.CaseGet(ctx, conv.CaseID)
	if err != nil {
		return nil, nil, err
	}
	m := c.Milestones
	if c.State != cases.StateResolved && c.State != cases.StateClosed || !m.ResolveNotified.IsZero() || µs(r.CreatedAt).Before(µs(m.Resolved)) {
		return nil, nil, nil
	}
	return &conv, c, nil
}

// undelivered asks a person to reach the customer when the resolution
// notice could not go (the channel deferred it or gave up): the customer
// must hear within the resolve-notice deadline.
func (s *Service) undelivered(ctx context.Context, r OutboxRow, why string, now time.Time) {
	if kindRank(r.Kind) < kindRank(KindResolved) || r.ConversationID == 0 {
		return
	}
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		conv, c, err := awaitingNotice(ctx, tx, r)
		if err != nil || c == nil || c.State != cases.StateResolved {
			return err
		}
		m := c.Milestones
		due := now
		for _, k := range s.opt.SLA.Clocks(c, now) {
			if k.Name == cases.ClockResolveNotice && k.Due.After(now) {
				due = k.Due
			}
		}
		first, err := s.createTask(ctx, tx, c, TaskCallback, fmt.Sprintf("notify:%d:%d", c.ID, m.Resolved.UnixMicro()), due,
			fmt.Sprintf("the resolution notice did not reach the customer on %s (%s): call them", conv.Channel, why), now)
		if err != nil || !first {
			return err
		}
		return s.secondChannel(ctx, tx, conv, c, now) // second.go
	})
	if err != nil {
		s.opt.Logger.Error("undelivered resolution: create task", "outbox_id", r.OutboxID, "err", err)
	}
}

// newOrigin is a process's outbox token: random, so two processes (or a
// restarted one) never share one.
func newOrigin() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
