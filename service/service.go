package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/kefu-dev/kefu/care"
	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// Options configure a Service.
type Options struct {
	Store   Store
	Engine  *dialog.Engine
	SLA     cases.SLAPolicy
	Senders map[channels.ID]channels.Sender
	Now     func() time.Time // nil = time.Now
	Logger  *slog.Logger

	OutboxPoll        time.Duration // how often the outbox is swept without a wake-up
	OutboxLease       time.Duration
	OutboxBatch       int
	OutboxMaxAttempts int
	// OutboxWorkers is how many conversations of one channel are
	// delivered to at once (default 4); each channel has its own.
	OutboxWorkers int
	// LaneGate, when set, runs each outbox lane (named after its channel,
	// or "other"): a channel whose sends must come from one process at a
	// time (Telegram's rate limits are per bot) runs its lane only while
	// that process holds a lease. run returns when its ctx ends.
	LaneGate func(ctx context.Context, lane string, run func(context.Context))
	// DeferFor is when a message a channel refused (without a retry time
	// of its own) is tried again.
	DeferFor time.Duration

	// Webhooks are the endpoints events are queued for; their deliveries
	// go through the sender registered for WebhookChannel.
	Webhooks []Subscriber

	// Lifecycle configures the case timers: cadence, quiet hours, callbacks
	// and follow-ups (timers.go).
	Lifecycle Lifecycle

	// Canned are the agents' ready replies (快捷回复, canned.go).
	Canned []CannedReply

	// Observer is told what the pipeline does, for metrics (nil: nobody).
	Observer Observer
	// Tracer makes the spans of receipts and sends (trace.go; nil: none).
	Tracer trace.Tracer

	// Monthly is the monthly report (monthly.go).
	Monthly MonthlyReport

	// Care is the care plan of proactive care (care.go); nil: none.
	Care *care.Plan

	// IntakeLimit is how many inbound messages may be in the store at
	// once (0: no limit). On a pool of connections set it below the
	// pool's size: when a crowd of customers holds every connection, the
	// outbox, the timers and the console queue behind them, and answers
	// fall seconds behind while messages are still accepted quickly.
	IntakeLimit int
	// IntakeWait bounds how long a message waits for its turn under
	// IntakeLimit (0: as long as its request). Past it Receive fails with
	// cases.EBusy at once, which the channel turns into "try again" or a
	// spooled push.
	IntakeWait time.Duration
}

// Service is the pipeline. It implements channels.Inbox.
type Service struct {
	opt Options

	wakeMu   sync.Mutex
	wakes    []chan struct{} // one per outbox lane, see Wake
	onChange []func()        // see OnChange
	// origin names this process to the outbox: replies it keeps for the
	// request it holds (channels.Policy.ReplyInRequest).
	origin string
	// intake holds a token per inbound message in the store (IntakeLimit).
	intake chan struct{}
	// waiting counts messages waiting for a token.
	waiting atomic.Int64
}

// New returns a Service; it does not start anything.
func New(opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Observer == nil {
		opt.Observer = nopObserver{}
	}
	opt.Tracer = tracerOrNoop(opt.Tracer)
	if opt.OutboxPoll <= 0 {
		opt.OutboxPoll = time.Second
	}
	if opt.OutboxLease <= 0 {
		opt.OutboxLease = 30 * time.Second
	}
	if opt.OutboxBatch <= 0 {
		opt.OutboxBatch = 50
	}
	if opt.OutboxMaxAttempts <= 0 {
		opt.OutboxMaxAttempts = 10
	}
	if opt.DeferFor <= 0 {
		opt.DeferFor = time.Hour
	}
	if opt.OutboxWorkers <= 0 {
		opt.OutboxWorkers = 4
	}
	s := &Service{opt: opt, origin: newOrigin()}
	if opt.IntakeLimit > 0 {
		s.intake = make(chan struct{}, opt.IntakeLimit)
	}
	return s
}

// SetSender registers the adapter that delivers a channel's messages.
// Call before Run.
func (s *Service) SetSender(id channels.ID, snd channels.Sender) {
	if s.opt.Senders == nil {
		s.opt.Senders = map[channels.ID]channels.Sender{}
	}
	s.opt.Senders[id] = snd
}

func convKey(ch channels.ID, user string) string { return "conv:" + string(ch) + ":" + user }

// Receive stores an inbound message and runs the dialog step, all in one
// transaction under the conversation's lock. A redelivered message (same
// channel and external id) changes nothing.
func (s *Service) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	return s.ReceiveAt(ctx, in, "", "")
}

// sanitize makes what a customer sent storable anywhere: invalid UTF-8
// replaced and NUL dropped (PostgreSQL refuses NUL in text, and one such
// message would otherwise fail on every retry and stop its channel).
func sanitize(in channels.Inbound) channels.Inbound {
	in.Text, in.DisplayName, in.Choice = cleanText(in.Text), cleanText(in.DisplayName), cleanText(in.Choice)
	in.ExternalUserID, in.ExternalMessageID = cleanText(in.ExternalUserID), cleanText(in.ExternalMessageID)
	if len(in.Attachments) > 0 {
		atts := make([]channels.Attachment, len(in.Attachments))
		for i, a := range in.Attachments {
			a.Name, a.ContentType, a.URL = cleanText(a.Name), cleanText(a.ContentType), cleanText(a.URL)
			atts[i] = a
		}
		in.Attachments = atts
	}
	return in
}

// cleanText is valid UTF-8 without NUL.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// ReceiveAt is Receive that also moves a durable channel position (cursor
// key to value) in the same transaction, so a crash either keeps both the
// message and the position or neither: nothing is lost and nothing is
// processed twice. The position moves even for a duplicate.
func (s *Service) ReceiveAt(ctx context.Context, in channels.Inbound, cursorKey, cursorValue string) (channels.Receipt, error) {
	start := time.Now() // a duration for the metrics: the monotonic clock, not the injected one
	ctx, span := s.startReceive(ctx, in)
	rc, err := s.receiveAt(ctx, in, cursorKey, cursorValue)
	outcome := OutcomeStored
	switch {
	case err != nil:
		outcome = OutcomeFailed
	case rc.Quarantined:
		outcome = OutcomeQuarantined
	case rc.Duplicate:
		outcome = OutcomeDuplicate
	}
	s.opt.Observer.Received(in.Channel, outcome, time.Since(start))
	receiveAttrs(span, rc)
	endSpan(span, outcome, err)
	return rc, err
}

func (s *Service) receiveAt(ctx context.Context, in channels.Inbound, cursorKey, cursorValue string) (channels.Receipt, error) {
	if in.Channel == "" || in.ExternalUserID == "" || in.ExternalMessageID == "" {
		return channels.Receipt{}, cases.Errorf(cases.EInvalid, "inbound message needs channel, user and message id")
	}
	if s.intake != nil {
		release, err := s.intakeTurn(ctx)
		if err != nil {
			return channels.Receipt{}, fmt.Errorf("receive %s message: %w", in.Channel, err)
		}
		defer release()
	}
	now := s.opt.Now()
	in = sanitize(in)
	var rc channels.Receipt
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if err := tx.Lock(ctx, convKey(in.Channel, in.ExternalUserID)); err != nil {
			return err
		}
		if cursorKey != "" {
			if err := tx.CursorSet(ctx, cursorKey, cursorValue, now); err != nil {
				return err
			}
		}
		cust, err := tx.CustomerGetOrCreate(ctx, CustomerParams{Channel: in.Channel, ExternalUserID: in.ExternalUserID, DisplayName: in.DisplayName, Now: now})
		if err != nil {
			return err
		}
		conv, err := tx.ConversationGetOrCreate(ctx, ConversationParams{Channel: in.Channel, ExternalUserID: in.ExternalUserID, CustomerID: cust.ID, Now: now})
		if err != nil {
			return err
		}
		rc.ConversationID = conv.ID
		text := in.Text
		if text == "" && in.Choice != "" {
			text = in.Choice
		}
		for _, a := range in.Attachments {
			// Kept with the message so agents see it; the case gets it below.
			text = strings.TrimSpace(text + "\n" + attachmentLine(a))
		}
		id, inserted, err := tx.MessageInsert(ctx, MessageParams{
			ConversationID: conv.ID, Channel: in.Channel, ExternalID: in.ExternalMessageID,
			Direction: "in", Text: text, Kind: choiceKind(in.Choice), Raw: in.Raw, At: now,
		})
		if err != nil {
			return err
		}
		rc.MessageID = id
		if !inserted {
			rc.Duplicate = true
			return nil
		}
		// The files themselves are kept; the history lines name their ids.
		lines, err := s.storeAttachments(ctx, tx, &conv, id, in.Attachments, now)
		if err != nil {
			return err
		}
		ev := dialog.Event{Kind: dialog.EventMessage, Text: in.Text, Choice: in.Choice, Attachments: lines, Lang: in.Lang, Zone: in.Zone}
		ev.ChannelEmail, ev.Batch = in.ContactEmail, in.Batch
		if in.NameIsPersonal {
			ev.DisplayName = in.DisplayName
		}
		if conv.CaseID != 0 {
			c, err := tx.CaseGet(ctx, conv.CaseID)
			if err != nil {
				return err
			}
			ev.CaseState, ev.CaseStartBy, ev.Case = string(c.State), c.Deadlines.StartBy, c
		}
		// The customer wrote: messages a channel deferred (a closed WeChat
		// window) or quiet hours held may go now, and a reminder to come
		// back is moot.
		if _, err := tx.OutboxRelease(ctx, conv.ID, now); err != nil {
			return err
		}
		if err := s.supersede(ctx, tx, conv.ID, []string{KindReminder}, "the customer wrote", 0); err != nil {
			return err
		}
		if strings.HasPrefix(in.Choice, "event:auto_reply") {
			// An out-of-office, bounce or list mail: kept for agents, never
			// answered and never the start of an intake.
			return s.attach(ctx, tx, &conv, lines, now)
		}
		hadCase := conv.CaseID != 0
		if err := s.step(ctx, tx, &conv, ev, now); err != nil {
			return err
		}
		if !hadCase {
			return nil // a case registered now got them from the draft
		}
		return s.attach(ctx, tx, &conv, lines, now)
	})
	if err != nil && Refused(err) {
		return s.quarantine(ctx, in, cursorKey, cursorValue, err)
	}
	if err != nil {
		return channels.Receipt{}, fmt.Errorf("receive %s message: %w", in.Channel, err)
	}
	if !rc.Duplicate {
		s.Wake()
	}
	return rc, nil
}

// Refused reports whether err will recur however often the message is
// tried: the store refuses its data (see Store.InTx) or the domain finds
// it invalid. A transient failure (the database down) is not: the
// channel must offer the message again, or spool it (internal/spool).
func Refused(err error) bool {
	var perm interface{ Permanent() bool }
	if errors.As(err, &perm) {
		return perm.Permanent()
	}
	switch cases.ErrorCode(err) {
	case cases.EInvalid, cases.ETooLarge:
		return true
	}
	return false
}

// quarantine keeps a message the store refused as rejected, with its raw
// bytes, and moves the channel position past it in the same transaction,
// so one poison message never stops its channel. When even that fails the
// original error is returned, and the channel offers the message again.
func (s *Service) quarantine(ctx context.Context, in channels.Inbound, cursorKey, cursorValue string, cause error) (channels.Receipt, error) {
	log := s.opt.Logger.With("channel", string(in.Channel), "external_message_id", in.ExternalMessageID)
	raw := in.Raw
	if len(raw) == 0 {
		raw = []byte(in.Text) // the adapter kept no payload; the text is what there is
	}
	reason := fmt.Sprintf("store refused message %s of %s: %v", in.ExternalMessageID, in.ExternalUserID, cause)
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if cursorKey != "" {
			if err := tx.CursorSet(ctx, cursorKey, cursorValue, now); err != nil {
				return err
			}
		}
		return s.opt.Store.InboundRejectedInsert(ctx, RejectedParams{Channel: in.Channel, Reason: cleanText(reason), Raw: raw, At: now})
	})
	if err != nil {
		log.Error("quarantine refused message", "cause", cause, "err", err)
		return channels.Receipt{}, fmt.Errorf("receive %s message: %w", in.Channel, cause)
	}
	log.Error("inbound message quarantined: the store refuses it", "err", cause)
	return channels.Receipt{Quarantined: true}, nil
}

func choiceKind(choice string) string {
	if choice != "" {
		return "choice:" + choice
	}
	return ""
}

// HandleTimer feeds a due timer to the dialog step. It is the TimerHandler
// given to the store's timer runner.
func (s *Service) HandleTimer(ctx context.Context, t TimerArgs) (err error) {
	ctx, span := s.startTimer(ctx, t)
	defer func() {
		outcome := "done"
		if err != nil {
			outcome = "retry"
		}
		endSpan(span, outcome, err)
	}()
	if h := s.caseTimer(t.Name); h != nil {
		return s.handleCaseTimer(ctx, t, h) // the case's own timers (timers.go)
	}
	if t.Name == TimerHandoffWait {
		return s.onHandoffWait(ctx, t) // queue.go
	}
	switch t.Name {
	case TimerCare:
		return s.onCare(ctx, t) // care.go
	case TimerCareNoAnswer:
		return s.onCareNoAnswer(ctx, t)
	}
	now := s.opt.Now()
	err = s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		conv, err := tx.ConversationGet(ctx, t.ConversationID)
		if err != nil {
			if cases.ErrorCode(err) == cases.ENotFound {
				return nil // the conversation is gone; nothing to remind
			}
			return err
		}
		if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
			return err
		}
		if conv, err = tx.ConversationGet(ctx, t.ConversationID); err != nil {
			return err
		}
		return s.step(ctx, tx, &conv, dialog.Event{Kind: dialog.EventTimer, Timer: t.Name, TimerDue: t.Due}, now)
	})
	if err == nil {
		s.Wake()
	}
	return err
}

// stateOf decodes the dialog state stored with conv (zero when none).
func stateOf(conv *Conversation) (dialog.State, error) {
	var st dialog.State
	if len(conv.State) > 0 {
		if err := json.Unmarshal(conv.State, &st); err != nil {
			return st, fmt.Errorf("conversation %d: decode state: %w", conv.ID, err)
		}
	}
	return st, nil
}

// step runs the engine on one event and carries out its actions in tx.
// What the step says is queued at its end, after lead (what a staff
// operation tells the customer before the dialog goes on), as one plan
// (plan.go).
func (s *Service) step(ctx context.Context, tx Tx, conv *Conversation, ev dialog.Event, now time.Time, lead ...outMsg) error {
	st, err := stateOf(conv)
	if err != nil {
		return err
	}
	lastCustomer := st.LastCustomerAt
	st, actions := s.opt.Engine.Step(st, ev, now)
	said := lead
	var acts []dialog.Action // every action of the step, for recordBot
	// Registering a case yields an event back to the engine, whose actions
	// are carried out in the same transaction; bounded to stay safe.
	for round := 0; len(actions) > 0 && round < 4; round++ {
		acts = append(acts, actions...)
		var follow []dialog.Event
		for _, a := range actions {
			if a.Kind == dialog.ActReply {
				said = append(said, replyMsg(a.Reply))
				continue
			}
			evs, err := s.apply(ctx, tx, conv, st, a, now)
			if err != nil {
				return err
			}
			follow = append(follow, evs...)
		}
		actions = nil
		for _, fe := range follow {
			var more []dialog.Action
			st, more = s.opt.Engine.Step(st, fe, now)
			actions = append(actions, more...)
		}
	}
	// Only a message from the customer is answered at any hour; a timer or
	// a staff operation speaks first.
	sd := sending{proactive: ev.Kind != dialog.EventMessage, lang: st.Lang, zone: st.Zone, lastCustomer: lastCustomer}
	if conv.CaseID != 0 && sd.proactive {
		c, err := tx.CaseGet(ctx, conv.CaseID)
		if err != nil {
			return err
		}
		sd.priority = c.Priority
	}
	if err := s.queue(ctx, tx, conv, sd, said, now); err != nil {
		return err
	}
	if err := s.recordBot(ctx, tx, conv, st, ev, acts, now); err != nil { // botevents.go
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("conversation %d: encode state: %w", conv.ID, err)
	}
	conv.State, conv.Phase, conv.UpdatedAt = b, string(st.Phase), now
	if st.CaseID != 0 {
		conv.CaseID = st.CaseID
	}
	return tx.ConversationSave(ctx, *conv)
}

func (s *Service) apply(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, a dialog.Action, now time.Time) ([]dialog.Event, error) {
	log := s.opt.Logger.With("conversation_id", conv.ID, "channel", string(conv.Channel))
	switch a.Kind {
	case dialog.ActScheduleTimer:
		return nil, insertTimer(ctx, tx, TimerParams{
			ConversationID: conv.ID, CaseID: conv.CaseID, Name: a.Timer.Name, At: a.Timer.At,
			UniqueKey: fmt.Sprintf("%d:%s", conv.ID, a.Timer.Key),
		})
	case dialog.ActRegisterCase:
		c, err := s.register(ctx, tx, conv, a.Case, now)
		if err != nil {
			return nil, err
		}
		conv.CaseID = c.ID
		log.Info("case registered", "case_id", c.ID, "case", c.Number, "category", c.Category, "priority", c.Priority, "department", c.Department)
		return []dialog.Event{{Kind: dialog.EventCaseRegistered, CaseID: c.ID, CaseNumber: c.Number}}, nil
	case dialog.ActUpdateCase:
		return nil, s.updateCase(ctx, tx, conv, st, a, now)
	case dialog.ActCareOutcome:
		return nil, s.careOutcome(ctx, tx, a.Care, now) // care.go
	case dialog.ActOptOut, dialog.ActOptIn:
		return nil, s.optOut(ctx, tx, conv, a.Kind == dialog.ActOptOut, now)
	case dialog.ActReopenCase, dialog.ActSurvey, dialog.ActComplaint, dialog.ActFunctionCheck:
		return nil, s.afterResolution(ctx, tx, conv, a, now)
	case dialog.ActHandoff:
		log.Info("conversation handed off", "reason", a.Handoff)
		// The queue has its own deadline (sla.handoff_wait, by default the
		// first-response time).
		due := µs(now.Add(s.opt.SLA.WaitForAgent()))
		if err := insertTimer(ctx, tx, TimerParams{ConversationID: conv.ID, CaseID: conv.CaseID, Name: TimerHandoffWait, At: due,
			UniqueKey: fmt.Sprintf("%d:%s:%s", conv.ID, TimerHandoffWait, due.Format(time.RFC3339Nano))}); err != nil {
			return nil, err
		}
		if err := s.emit(ctx, tx, EventConversationWait, nil, map[string]any{"conversation_id": conv.ID, "channel": string(conv.Channel), "reason": a.Handoff}, now); err != nil {
			return nil, err
		}
		if conv.CaseID != 0 {
			return nil, tx.CaseHistoryInsert(ctx, cases.Change{CaseID: conv.CaseID, At: now, Actor: "bot", Action: "handoff", Reason: a.Handoff})
		}
	}
	return nil, nil
}

func replyKind(k string) string {
	if k == "" {
		return "reply"
	}
	return k
}

// register turns a draft into a stored case: registered, classified and
// assigned to its department at once (SPEC §3: the department is notified
// at once), with every step in the history.
func (s *Service) register(ctx context.Context, tx Tx, conv *Conversation, d *dialog.CaseDraft, now time.Time) (*cases.Case, error) {
	first := d.FirstContactAt
	if first.IsZero() {
		first = now
	}
	var match cases.Change
	if d.Confirmed {
		// Before the insert, so the case is born on the customer it
		// belongs to (customers.go).
		var err error
		if conv.CustomerID, match, err = s.adopt(ctx, tx, conv.CustomerID, d.Fields, now); err != nil {
			return nil, err
		}
	}
	c := &cases.Case{
		CustomerID: conv.CustomerID, ConversationID: conv.ID, Channel: string(conv.Channel), Source: string(conv.Channel),
		Language: d.Language, Fields: d.Fields, Category: d.Category, Subtype: d.Subtype, Priority: d.Priority,
		Reasons: d.Reasons, Department: cases.Route(d.Category), State: cases.StateRegistered,
		Escalated: d.Escalated, Deadlines: s.opt.SLA.IntakeDeadlines(first, now, d.Priority),
		CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.CaseInsert(ctx, c); err != nil {
		return nil, err
	}
	if d.Confirmed {
		// What they bought plans its care (care.go).
		if err := s.purchaseOfCase(ctx, tx, c, conv, now); err != nil {
			return nil, err
		}
	}
	// The photos sent during intake go on the case with their lines below.
	if err := tx.AttachmentsLink(ctx, conv.ID, c.ID); err != nil {
		return nil, err
	}
	reason := ""
	if d.Handoff != "" {
		reason = "handoff: " + d.Handoff
	}
	hist := []cases.Change{
		{CaseID: c.ID, At: now, Actor: "bot", Action: "registered", To: c.Number, Reason: reason},
		{CaseID: c.ID, At: now, Actor: "bot", Action: "classified", Field: "category", To: string(c.Category) + "/" + c.Subtype, Reason: strings.Join(c.Reasons, "; ")},
		{CaseID: c.ID, At: now, Actor: "bot", Action: "classified", Field: "priority", To: string(c.Priority), Reason: strings.Join(c.Reasons, "; ")},
	}
	for _, a := range d.Attachments {
		hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: "customer", Action: "attachment", To: a, Reason: string(conv.Channel)})
	}
	if match.Action != "" {
		match.CaseID = c.ID
		hist = append(hist, match)
	}
	if d.Confirmed {
		if err := s.verify(ctx, tx, c, now); err != nil {
			return nil, err
		}
	}
	return c, s.assignRegistered(ctx, tx, c, hist, "bot", "bot", first, now, nil)
}

// assignRegistered completes the registration of the inserted case c, whose
// history so far is hist: routed to its department by routedBy, escalated
// by escalatedBy when P1, its clocks started, stored and announced.
func (s *Service) assignRegistered(ctx context.Context, tx Tx, c *cases.Case, hist []cases.Change, routedBy, escalatedBy string, first, now time.Time, data map[string]any) error {
	ch, err := c.Transition(cases.StateAssigned, routedBy, "routed to "+string(c.Department), now)
	if err != nil {
		return err
	}
	hist = append(hist, ch)
	if c.Escalated {
		hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: escalatedBy, Action: "escalated", To: "department_head", Reason: "P1"})
	}
	if err := s.scheduleRegistered(ctx, tx, c, first, now); err != nil {
		return err
	}
	if err := tx.CaseUpdate(ctx, c); err != nil {
		return err
	}
	if err := tx.CaseHistoryInsert(ctx, hist...); err != nil {
		return err
	}
	return s.emit(ctx, tx, EventCaseCreated, c, data, now)
}

// updateCase records field corrections and customer notes on the case.
func (s *Service) updateCase(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, a dialog.Action, now time.Time) error {
	id := conv.CaseID
	if id == 0 {
		id = st.CaseID
	}
	if id == 0 {
		return nil
	}
	c, err := tx.CaseGet(ctx, id)
	if err != nil {
		return err
	}
	var hist []cases.Change
	if d := a.Case; d != nil {
		for _, k := range cases.AllFields {
			if v, ok := d.Fields[k]; ok {
				if ch, changed := c.SetField(k, v, "customer", "", now); changed {
					hist = append(hist, ch)
				}
			}
		}
		if d.Category != "" && d.Category != c.Category {
			hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: "bot", Action: "classified", Field: "category", From: string(c.Category), To: string(d.Category), Reason: strings.Join(d.Reasons, "; ")})
			c.Category, c.Subtype, c.Department = d.Category, d.Subtype, cases.Route(d.Category)
		}
		if d.Priority != "" && d.Priority != c.Priority {
			hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: "bot", Action: "classified", Field: "priority", From: string(c.Priority), To: string(d.Priority), Reason: strings.Join(d.Reasons, "; ")})
			c.Priority = d.Priority
			c.Deadlines.StartBy = c.CreatedAt.Add(s.opt.SLA.StartBy[d.Priority])
			if d.Priority == cases.P1 && !c.Escalated {
				c.Escalated = true
				hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: "bot", Action: "escalated", To: "department_head", Reason: "P1"})
			}
		}
		c.UpdatedAt = now
	}
	fieldsChanged := len(hist) > 0
	if d := a.Case; d != nil && d.Confirmed {
		// A case filed for a handoff, now confirmed: its contacts are
		// verified from here on and may match an earlier customer.
		cust, match, err := s.adopt(ctx, tx, c.CustomerID, c.Fields, now)
		if err != nil {
			return err
		}
		conv.CustomerID, c.CustomerID = cust, cust // the merge moved both already
		if match.Action != "" {
			match.CaseID = c.ID
			hist = append(hist, match)
		}
		if err := s.verify(ctx, tx, c, now); err != nil {
			return err
		}
	}
	if a.Note != "" {
		hist = append(hist, cases.Change{CaseID: c.ID, At: now, Actor: "customer", Action: "note", To: a.Note})
	}
	if len(hist) == 0 {
		return nil
	}
	if err := tx.CaseUpdate(ctx, c); err != nil {
		return err
	}
	if err := tx.CaseHistoryInsert(ctx, hist...); err != nil {
		return err
	}
	if !fieldsChanged {
		return nil
	}
	return s.emit(ctx, tx, EventCaseUpdated, c, map[string]any{"by": "customer"}, now)
}

func (s *Service) deliver(sendCtx context.Context, r OutboxRow) {
	sendCtx, span := s.startSend(sendCtx, r)
	outcome, failure := DeliverySent, error(nil)
	defer func() { endSpan(span, outcome, failure) }()
	log := s.opt.Logger.With("conversation_id", r.ConversationID, "channel", string(r.Channel), "outbox_id", r.OutboxID)
	snd, ok := s.opt.Senders[r.Channel]
	var err error
	if !ok {
		err = fmt.Errorf("no sender for channel %s", r.Channel)
	} else if err = s.withFiles(sendCtx, snd, &r); err == nil { // outbox.go
		err = snd.Send(sendCtx, r.Outbound)
	}
	// What happened is recorded even when sendCtx ended meanwhile
	// (shutdown): a message that went out but is not marked sent goes
	// again once its lease expires, and for a channel without an
	// idempotency key (Telegram, mail) that is a duplicate the customer
	// sees. This keeps that window to a crash, not a clean stop.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(sendCtx), recordTimeout)
	defer cancel()
	now := s.opt.Now()
	path := ""
	var refused *channels.RefusedError
	if errors.As(err, &refused) {
		// Never dropped: the channel's own fallback, or a later try.
		if fb, ok := snd.(channels.Fallbacker); ok {
			if path, err = fb.Fallback(ctx, r.Outbound); err == nil {
				log.Info("outbox delivered by fallback", "path", path, "refusal", refused.Reason)
			}
		}
		if err != nil {
			retry := refused.RetryAt
			if !retry.After(now) {
				retry = now.Add(s.opt.DeferFor)
			}
			log.Info("outbox delivery deferred", "reason", refused.Reason, "retry_at", retry)
			if ferr := s.opt.Store.OutboxFail(ctx, OutboxFailParams{ID: r.OutboxID, Error: "deferred: " + refused.Reason, NextAttemptAt: retry}); ferr != nil {
				log.Error("outbox: record deferral", "err", ferr)
			}
			s.noteDelivery(ctx, r, "deferred: "+refused.Reason, now)
			s.undelivered(ctx, r, refused.Reason, now)
			s.opt.Observer.Delivered(r.Channel, DeliveryDeferred, now.Sub(r.CreatedAt))
			outcome = DeliveryDeferred
			return
		}
	}
	if err != nil {
		attempts := r.Attempts + 1
		dead := attempts >= s.opt.OutboxMaxAttempts
		var perm interface{ Permanent() bool }
		if errors.As(err, &perm) && perm.Permanent() {
			dead = true // a 5xx from the mail server will not change on retry
		}
		backoff := time.Duration(math.Min(float64(time.Second)*math.Pow(2, float64(attempts)), float64(10*time.Minute)))
		log.Warn("outbox delivery failed", "attempt", attempts, "dead", dead, "err", err)
		if ferr := s.opt.Store.OutboxFail(ctx, OutboxFailParams{ID: r.OutboxID, Error: err.Error(), NextAttemptAt: now.Add(backoff), Dead: dead}); ferr != nil {
			log.Error("outbox: record failure", "err", ferr)
		}
		outcome = DeliveryRetry
		if dead {
			// Surfaced on the case so the team can reach the customer another way.
			s.noteDelivery(ctx, r, "failed after "+strconv.Itoa(attempts)+" attempts: "+err.Error(), now)
			s.undelivered(ctx, r, err.Error(), now)
			outcome = DeliveryDead
		}
		s.opt.Observer.Delivered(r.Channel, outcome, now.Sub(r.CreatedAt))
		failure = err
		return
	}
	err = s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		first, err := tx.OutboxMarkSent(ctx, r.OutboxID, now)
		if err != nil || !first || r.ConversationID == 0 {
			return err // events to webhooks belong to no conversation
		}
		if _, _, err = tx.MessageInsert(ctx, MessageParams{
			ConversationID: r.ConversationID, Channel: r.Channel, ExternalID: fmt.Sprintf("out:%d", r.OutboxID),
			Direction: "out", Text: r.Text, Field: r.Field, Choices: r.Choices, Kind: r.Kind, At: now,
		}); err != nil {
			return err
		}
		return s.delivered(ctx, tx, r, now)
	})
	if err != nil {
		log.Error("outbox: mark sent", "err", err)
		failure = err
		return
	}
	s.opt.Observer.Delivered(r.Channel, DeliverySent, now.Sub(r.CreatedAt))
	if path != "" {
		s.noteDelivery(ctx, r, "delivered via "+path, now)
	}
	if n, ok := snd.(channels.Notifier); ok {
		n.Delivered(ctx, r.ConversationID)
	}
}

// noteDelivery records on the conversation's case how a message went out
// when it did not go the ordinary way (issue: the case history shows which
// path was used).
func (s *Service) noteDelivery(ctx context.Context, r OutboxRow, what string, now time.Time) {
	if r.ConversationID == 0 {
		return
	}
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		conv, err := tx.ConversationGet(ctx, r.ConversationID)
		if err != nil || conv.CaseID == 0 {
			return err
		}
		return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: conv.CaseID, At: now, Actor: "system", Action: "delivery",
			Field: r.Kind, To: what, Reason: fmt.Sprintf("outbox %d", r.OutboxID)})
	})
	if err != nil {
		s.opt.Logger.Error("record delivery path", "outbox_id", r.OutboxID, "err", err)
	}
}

// Reject keeps a malformed inbound payload for inspection (channels.Rejecter).
func (s *Service) Reject(ctx context.Context, ch channels.ID, reason string, raw []byte) {
	err := s.opt.Store.InboundRejectedInsert(ctx, RejectedParams{Channel: ch, Reason: reason, Raw: raw, At: s.opt.Now()})
	if err != nil {
		s.opt.Logger.Error("keep rejected payload", "channel", string(ch), "reason", reason, "err", err)
	}
}

// Conversation resolves a web chat session to its conversation.
func (s *Service) Conversation(ctx context.Context, sessionID string) (int64, bool, error) {
	c, err := s.opt.Store.ConversationFind(ctx, channels.WebChat, sessionID)
	if cases.ErrorCode(err) == cases.ENotFound {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return c.ID, true, nil
}

// Messages lists a conversation's messages after an id.
func (s *Service) Messages(ctx context.Context, conversationID, afterID int64, limit int) ([]channels.StoredMessage, error) {
	return s.opt.Store.MessagesList(ctx, MessagesListParams{ConversationID: conversationID, AfterID: afterID, Limit: limit})
}

// afterResolution records what the customer said after resolution: a failed
// function check reopens the case, a survey is kept on the case record, a
// complaint is recorded and escalated to the supervisor (SPEC §6–§7).
func (s *Service) afterResolution(ctx context.Context, tx Tx, conv *Conversation, a dialog.Action, now time.Time) error {
	if conv.CaseID == 0 {
		return nil
	}
	c, err := tx.CaseGet(ctx, conv.CaseID)
	if err != nil {
		return err
	}
	log := s.opt.Logger.With("conversation_id", conv.ID, "case_id", c.ID, "channel", string(conv.Channel))
	if a.Kind == dialog.ActFunctionCheck { // the answer on the record; a failed check reopens next
		return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: "customer", Action: "function_check", To: a.Check.String(), Reason: a.Note})
	}
	var hist []cases.Change
	var complaint int // the complaint opened or added to
	switch a.Kind {
	case dialog.ActReopenCase:
		reason := "function check failed"
		if a.Note != "" {
			reason += ": " + a.Note
		}
		if hist, err = c.Reopen(cases.Customer, reason, now); err != nil {
			if cases.ErrorCode(err) == cases.EConflict {
				log.Warn("function check failed on a case that cannot reopen", "state", c.State)
				return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: "customer", Action: cases.HistNote, To: reason})
			}
			return err
		}
		log.Info("case reopened by the function check")
		if err := s.afterReopen(ctx, tx, c, now); err != nil {
			return err
		}
	case dialog.ActSurvey:
		var parts []string
		for _, d := range dialog.SurveyDimensions {
			if v, ok := a.Survey.Scores[d]; ok {
				parts = append(parts, fmt.Sprintf("%s=%d", d, v))
			}
		}
		hist = []cases.Change{{CaseID: c.ID, At: now, Actor: "customer", Action: "survey", To: strings.Join(parts, ","), Reason: a.Survey.Comment}}
		log.Info("survey answered", "scores", strings.Join(parts, ","))
	case dialog.ActComplaint:
		if hist, complaint, err = openComplaint(c, a.Note, now); err != nil { // complaints.go
			return err
		}
		log.Info("complaint opened", "complaint", complaint)
	}
	if err := tx.CaseUpdate(ctx, c); err != nil {
		return err
	}
	if err := tx.CaseHistoryInsert(ctx, hist...); err != nil {
		return err
	}
	switch a.Kind {
	case dialog.ActSurvey:
		scores := map[string]int{}
		for d, v := range a.Survey.Scores {
			scores[string(d)] = v
		}
		return s.emit(ctx, tx, EventSurveyAnswered, c, map[string]any{"scores": scores, "comment": a.Survey.Comment}, now)
	case dialog.ActComplaint:
		typ, data := EventComplaintOpened, complaintEvent(c, complaint, hist)
		if hist[0].Action != cases.HistComplaint {
			typ = EventComplaintUpdated // added to the complaint still open
		}
		data["text"] = a.Note
		return s.emit(ctx, tx, typ, c, data, now)
	}
	return s.emit(ctx, tx, EventCaseUpdated, c, map[string]any{"by": "customer", "reason": "function check failed"}, now)
}

// attachmentLine names a file in the message text and the case history:
// by its link when that is all kefu has, else by its name (a link next to
// bytes is not shown: Telegram's carries the bot token).
func attachmentLine(a channels.Attachment) string {
	ref := a.URL
	if ref == "" || len(a.Data) > 0 {
		ref = a.Name
	}
	return "[" + a.ContentType + "] " + ref
}

// storeAttachments keeps a message's files in tx: the bytes when the
// channel handed them over, the channel's link otherwise (a link next to
// bytes is not kept: Telegram's carries the bot token). It returns each
// file's line for the case history, naming its stored id.
func (s *Service) storeAttachments(ctx context.Context, tx Tx, conv *Conversation, messageID int64, atts []channels.Attachment, now time.Time) ([]string, error) {
	var lines []string
	for _, a := range atts {
		p := AttachmentParams{ConversationID: conv.ID, MessageID: messageID, Name: a.Name, ContentType: a.ContentType, Data: a.Data, At: now}
		if len(a.Data) == 0 {
			p.URL = a.URL
		}
		id, err := tx.AttachmentInsert(ctx, p)
		if err != nil {
			return nil, err
		}
		lines = append(lines, attachmentLine(a)+" #"+strconv.FormatInt(id, 10))
	}
	return lines, nil
}

// attach files a message's attachments (photos of the damage, a receipt) on
// the conversation's case, once there is one: the stored files and a
// history line for each.
func (s *Service) attach(ctx context.Context, tx Tx, conv *Conversation, lines []string, now time.Time) error {
	if len(lines) == 0 || conv.CaseID == 0 {
		return nil
	}
	if err := tx.AttachmentsLink(ctx, conv.ID, conv.CaseID); err != nil {
		return err
	}
	hist := make([]cases.Change, 0, len(lines))
	for _, l := range lines {
		hist = append(hist, cases.Change{CaseID: conv.CaseID, At: now, Actor: "customer", Action: "attachment", To: l, Reason: string(conv.Channel)})
	}
	return tx.CaseHistoryInsert(ctx, hist...)
}

// Cursor reads a durable channel position written by ReceiveAt.
func (s *Service) Cursor(ctx context.Context, key string) (string, bool, error) {
	return s.opt.Store.CursorGet(ctx, key)
}

// CursorSet moves a durable channel position on its own (e.g. past an
// update kefu ignores).
func (s *Service) CursorSet(ctx context.Context, key, value string) error {
	return s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		return tx.CursorSet(ctx, key, value, s.opt.Now())
	})
}

// CaseNumberOf returns the number of a conversation's current case, or "".
func (s *Service) CaseNumberOf(ctx context.Context, conversationID int64) (string, error) {
	conv, err := s.opt.Store.ConversationGetByID(ctx, conversationID)
	if err != nil || conv.CaseID == 0 {
		return "", err
	}
	c, err := s.opt.Store.CaseGetByID(ctx, conv.CaseID)
	if err != nil {
		return "", err
	}
	return c.Number, nil
}

// intakeTurn waits for a turn at the store (IntakeLimit), at most
// IntakeWait: past that the store is busy, and saying so at once beats
// every customer waiting longer and longer.
func (s *Service) intakeTurn(ctx context.Context) (release func(), err error) {
	select {
	case s.intake <- struct{}{}:
		return func() { <-s.intake }, nil
	default:
	}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	var expired <-chan time.Time
	if s.opt.IntakeWait > 0 {
		t := time.NewTimer(s.opt.IntakeWait) // a latency budget, not a business clock
		defer t.Stop()
		expired = t.C
	}
	select {
	case s.intake <- struct{}{}:
		return func() { <-s.intake }, nil
	case <-expired:
		return nil, cases.Errorf(cases.EBusy, "too busy to take the message now: try again shortly")
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the store: %w", ctx.Err())
	}
}

// Crowded reports whether as many messages wait for their turn at the
// store as it takes at once: a push whose peer gives it only seconds
// (WeChat) is better spooled at once than put at the end of that line.
func (s *Service) Crowded() bool {
	return s.intake != nil && s.waiting.Load() >= int64(cap(s.intake))
}
