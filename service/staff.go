package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// Staff operations (SPEC §3–§6): everything an agent, handler or head does
// to a case or a conversation runs in one transaction under the
// conversation's lock, writes the case, its history and any message to the
// customer together, and is refused with a *cases.Error the API maps to a
// status.

// NewToken returns a fresh API token: 32 random bytes, URL-safe.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return "kefu_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is how tokens are kept at rest: a lookup needs equality only, and
// a high-entropy token needs no slow hash.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// UserAdd creates a staff user and returns the token, shown once.
func (s *Team) UserAdd(ctx context.Context, name string, role cases.Role, dept cases.Department) (cases.User, string, error) {
	u := cases.User{Name: name, Role: role, Department: dept, ID: -1}
	if err := u.Validate(); err != nil {
		return cases.User{}, "", err
	}
	token, err := NewToken()
	if err != nil {
		return cases.User{}, "", err
	}
	u, err = s.opt.Store.UserInsert(ctx, UserParams{Name: name, Role: role, Department: dept, TokenHash: HashToken(token), Now: s.opt.Now()})
	if err != nil {
		return cases.User{}, "", err
	}
	return u, token, nil
}

// UserList lists the staff users, for the operator (kefu user list).
func (s *Team) UserList(ctx context.Context) ([]UserRecord, error) {
	return s.opt.Store.UserList(ctx)
}

// UserSetDisabled disables a user (their token stops working at once) or
// enables them again.
func (s *Team) UserSetDisabled(ctx context.Context, id int64, disabled bool) error {
	if err := s.opt.Store.UserUpdate(ctx, id, UserUpdateParams{Disabled: &disabled}); err != nil {
		return err
	}
	if !disabled {
		return nil
	}
	// Sessions would stop anyway (their query joins enabled users); ending
	// them keeps a re-enabled user from finding old browsers signed in.
	return s.opt.Store.SessionDeleteUser(ctx, id, s.opt.Now())
}

// UserNewToken replaces a user's API token (the old one stops working at
// once) and returns the new one, shown once.
func (s *Team) UserNewToken(ctx context.Context, id int64) (string, error) {
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := s.opt.Store.UserUpdate(ctx, id, UserUpdateParams{TokenHash: HashToken(token)}); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the user a bearer token belongs to.
func (s *Team) Authenticate(ctx context.Context, token string) (cases.User, error) {
	if strings.TrimSpace(token) == "" {
		return cases.User{}, cases.Errorf(cases.EUnauthorized, "an API token is required")
	}
	u, err := s.opt.Store.UserByTokenHash(ctx, HashToken(token))
	if cases.ErrorCode(err) == cases.ENotFound {
		return cases.User{}, cases.Errorf(cases.EUnauthorized, "unknown or disabled API token")
	}
	return u, err
}

// overdueScanPages bounds how many store pages one overdue (or deadline)
// list reads before it returns what it found with a cursor to go on.
const overdueScanPages = 20

// CaseList lists one page of the cases u may read, newest first. The
// department a user is restricted to is a filter of the query itself, so
// a page is never emptied by other departments' newer cases; the overdue
// and deadline filters, which need the clocks, read on page by page.
func (s *Team) CaseList(ctx context.Context, u cases.User, f CaseFilter) (CasePage, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return CasePage{}, err
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = 100
	case limit > MaxCaseList:
		limit = MaxCaseList
	}
	p, ok := caseParams(u, f, limit)
	if !ok {
		return CasePage{}, nil // another department's cases: none readable
	}
	now := s.opt.Now()
	var page CasePage
	for range overdueScanPages {
		list, err := s.opt.Store.CaseList(ctx, p)
		if err != nil {
			return CasePage{}, err
		}
		for _, c := range list {
			if u.Can(cases.ActionRead, c) != nil || f.Overdue && len(s.opt.SLA.Breaches(c, now)) == 0 ||
				f.Clock != "" && !s.clockIs(c, now, f.Clock, f.ClockStatus) {
				continue
			}
			page.Cases = append(page.Cases, c)
			if clk, ok := s.nextDeadline(c, now); ok {
				if page.Due == nil {
					page.Due = map[int64]cases.Clock{}
				}
				page.Due[c.ID] = clk
			}
			if len(page.Cases) == limit {
				page.Next = c.ID
				return page, nil
			}
		}
		if len(list) < p.Limit {
			return page, nil // the end
		}
		p.BeforeID = list[len(list)-1].ID
		page.Next = p.BeforeID
		if !f.Overdue && f.Clock == "" {
			break
		}
	}
	return page, nil
}

// clockIs tells whether c's deadline name is in status now ("": in any
// but none), as cases.SLAPolicy.Clocks decides, which the report's SQL
// restates.
func (s *Service) clockIs(c *cases.Case, now time.Time, name cases.ClockName, status cases.ClockStatus) bool {
	for _, clk := range s.opt.SLA.Clocks(c, now) {
		if clk.Name == name {
			return status == "" && clk.Status != cases.ClockNone || clk.Status == status
		}
	}
	return false
}

// caseParams turns a filter into the store's query, with the department u
// is restricted to; false when the filter asks for cases u may not read.
func caseParams(u cases.User, f CaseFilter, limit int) (CaseListParams, bool) {
	p := CaseListParams{Department: f.Department, State: f.State, Priority: f.Priority, BeforeID: f.Before, Limit: limit,
		Phone: strings.TrimSpace(f.Phone), Email: strings.TrimSpace(f.Email), Number: strings.ToUpper(strings.TrimSpace(f.Number)), Open: f.Open, Assignee: f.Assignee,
		Q: strings.ToLower(strings.TrimSpace(f.Q)), CreatedFrom: f.From, CreatedTo: f.To, Channel: f.Channel, Category: f.Category,
		Subtype: f.Subtype, Source: f.Source}
	if d, ok := u.ReadScope(); ok {
		if p.Department != "" && p.Department != d {
			return p, false
		}
		p.Department = d
	}
	return p, true
}

// MaxCaseCount is where counting stops: past it a badge says "1000+".
const MaxCaseCount = 1000

// CaseCount counts the cases u may read that match f (Overdue, Clock and
// Before are not counted: a deadline needs the clocks), up to
// MaxCaseCount; the inbox tabs show it.
func (s *Team) CaseCount(ctx context.Context, u cases.User, f CaseFilter) (int, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return 0, err
	}
	f.Overdue, f.Clock, f.ClockStatus, f.Before = false, "", "", 0
	p, ok := caseParams(u, f, MaxCaseCount)
	if !ok {
		return 0, nil
	}
	return s.opt.Store.CaseCount(ctx, p)
}

// nextDeadline is the earliest deadline of c still to be met: what a list
// sorted "by the next deadline" sorts on.
func (s *Service) nextDeadline(c *cases.Case, now time.Time) (cases.Clock, bool) {
	var next cases.Clock
	found := false
	for _, clk := range s.opt.SLA.Clocks(c, now) {
		live := clk.Status == cases.ClockPending || clk.Status == cases.ClockMissed && clk.Done.IsZero()
		if live && !clk.Due.IsZero() && (!found || clk.Due.Before(next.Due)) {
			next, found = clk, true
		}
	}
	return next, found
}

// CaseGet returns a case with its history, conversation, clocks and
// attachments.
func (s *Team) CaseGet(ctx context.Context, u cases.User, id int64) (CaseDetail, error) {
	c, err := s.opt.Store.CaseGetByID(ctx, id)
	if err != nil {
		return CaseDetail{}, err
	}
	if err := u.Can(cases.ActionRead, c); err != nil {
		return CaseDetail{}, err
	}
	hist, err := s.opt.Store.CaseHistory(ctx, id)
	if err != nil {
		return CaseDetail{}, err
	}
	var msgs []channels.StoredMessage
	if c.ConversationID != 0 {
		if msgs, err = s.opt.Store.MessagesList(ctx, MessagesListParams{ConversationID: c.ConversationID, Limit: 1000}); err != nil {
			return CaseDetail{}, err
		}
	}
	atts, err := s.opt.Store.AttachmentList(ctx, id)
	if err != nil {
		return CaseDetail{}, err
	}
	now := s.opt.Now()
	clocks := append(s.opt.SLA.Clocks(c, now), s.surveyClock(c, hist, msgs, now))
	return CaseDetail{Case: c, History: hist, Messages: msgs, Clocks: clocks, Breaches: s.opt.SLA.Breaches(c, now), Attachments: atts}, nil
}

// surveyClock is the deadline of the latest resolution's survey: sent is
// its message in the conversation, answered its history entry, as the
// survey callback timer reads them.
func (s *Service) surveyClock(c *cases.Case, hist []cases.Change, msgs []channels.StoredMessage, now time.Time) cases.Clock {
	var sent, answered time.Time
	if resolved := c.Milestones.Resolved; !resolved.IsZero() {
		sent, answered = surveyMoments(resolved, hist, msgs)
	}
	return cases.SurveyClock(sent, answered, s.lc().CallbackAfter, c.Milestones.Closed, now)
}

// surveyMoments finds when the survey of the resolution at resolved went
// out (its first question in the conversation) and when the customer
// answered it (its history entry); zero when not (yet).
func surveyMoments(resolved time.Time, hist []cases.Change, msgs []channels.StoredMessage) (sent, answered time.Time) {
	for _, m := range msgs {
		if m.Direction == "out" && m.Kind == "survey" && !m.At.Before(resolved) {
			sent = m.At
			break
		}
	}
	for _, h := range hist {
		if h.Action == "survey" && !h.At.Before(resolved) {
			answered = h.At
			break
		}
	}
	return sent, answered
}

// caseOp is one lifecycle operation; tell decides what the customer hears.
type caseOp struct {
	apply func(c *cases.Case, now time.Time) ([]cases.Change, error)
	tell  func(c *cases.Case, prev *cases.Plan, zone string) []outMsg
	// event, when set, is fed to the conversation's dialog after the
	// change (e.g. a resolution starts the function check and survey).
	event func(c *cases.Case) dialog.Event
	// webhook, when set, names the event sent instead of case.updated
	// (e.g. complaint.updated), so a subscriber gets one event per change.
	webhook func(c *cases.Case, hist []cases.Change) (string, map[string]any)
}

// mutateCase runs op on case id in one transaction under the conversation's
// lock.
func (s *Service) mutateCase(ctx context.Context, id int64, op caseOp) (*cases.Case, error) {
	now := s.opt.Now()
	var out *cases.Case
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		out, err = s.mutateCaseTx(ctx, tx, id, op, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return out, nil
}

// mutateCaseTx is mutateCase inside tx, for an operation that changes
// more than the case in the same transaction (a task's outcome opening a
// complaint); the caller wakes the outbox after the commit.
func (s *Service) mutateCaseTx(ctx context.Context, tx Tx, id int64, op caseOp, now time.Time) (*cases.Case, error) {
	var out *cases.Case
	err := func() error {
		c, err := tx.CaseGet(ctx, id)
		if err != nil {
			return err
		}
		var conv Conversation
		if c.ConversationID != 0 {
			if conv, err = tx.ConversationGet(ctx, c.ConversationID); err != nil {
				return err
			}
			if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
				return err
			}
			if c, err = tx.CaseGet(ctx, id); err != nil { // as of the lock
				return err
			}
		}
		var prev *cases.Plan // a copy: the operation may change the plan in place
		if c.Plan != nil {
			cp := *c.Plan
			prev = &cp
		}
		prevState, prevPriority := c.State, c.Priority
		hist, err := op.apply(c, now)
		if err != nil {
			return err
		}
		if c.State == cases.StateResolved && prevState != cases.StateResolved && conv.ID != 0 {
			// Resolved in the customer's night: the notice waits for the
			// morning (plan.go), and so does its deadline.
			if at := s.lc().QuietHours.SendAt(c.Priority, now, s.custLoc(zoneOf(&conv))); at.After(now) {
				c.Milestones.NoticeFrom = at
			}
		}
		if err := s.reschedule(ctx, tx, c, prevState, prevPriority, now); err != nil {
			return err
		}
		if err := tx.CaseUpdate(ctx, c); err != nil {
			return err
		}
		if err := tx.CaseHistoryInsert(ctx, hist...); err != nil {
			return err
		}
		var told []outMsg
		if op.tell != nil && conv.ID != 0 {
			told = op.tell(c, prev, zoneOf(&conv))
		}
		if op.event == nil || conv.ID == 0 {
			if err := s.queue(ctx, tx, &conv, sendingFor(&conv, c, true), told, now); err != nil {
				return err
			}
		}
		typ := EventCaseUpdated
		if c.State == cases.StateResolved && prevState != cases.StateResolved {
			typ = EventCaseResolved
		}
		actions := make([]string, 0, len(hist))
		for _, h := range hist {
			actions = append(actions, h.Action)
		}
		data := map[string]any{"by": actorOf(hist), "actions": actions}
		if op.webhook != nil {
			typ, data = op.webhook(c, hist)
		}
		if err := s.emit(ctx, tx, typ, c, data, now); err != nil {
			return err
		}
		if op.event != nil && conv.ID != 0 {
			// What the dialog says next (the function check) goes with what
			// the operation told: one plan, one mail.
			if err := s.step(ctx, tx, &conv, op.event(c), now, told...); err != nil {
				return err
			}
		}
		out = c
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// say renders a customer message in the case's language, with the case's
// facts (the caller adds the note).
func (s *Service) say(c *cases.Case, kind, key string, data map[string]any) outMsg {
	if data == nil {
		data = map[string]any{}
	}
	data["Number"] = c.Number
	return outMsg{Kind: kind, Text: s.opt.Engine.Render(c.Language, key, data),
		Facts: channels.Facts{Case: c.Number, Status: s.opt.Engine.Render(c.Language, "state."+string(c.State), nil)}}
}

func (s *Service) planText(c *cases.Case, zone string) map[string]any {
	p := c.Plan
	d := map[string]any{
		"Plan":        s.opt.Engine.Render(c.Language, "plan."+string(p.Type), nil),
		"Description": p.Description,
		"PromisedAt":  s.opt.Engine.FormatTimeIn(c.Language, zone, p.PromisedAt),
	}
	if !p.VisitAt.IsZero() {
		d["VisitAt"] = s.opt.Engine.FormatTimeIn(c.Language, zone, p.VisitAt)
	}
	return d
}

// tellPlanInEffect tells the customer the plan once it takes effect (a P1
// plan only after the head approved it).
func (s *Service) tellPlanInEffect(c *cases.Case, prev *cases.Plan, zone string) []outMsg {
	if c.Plan == nil || c.Plan.Status != cases.PlanInEffect || prev != nil && prev.Status == cases.PlanInEffect && prev.Version == c.Plan.Version {
		return nil
	}
	d := s.planText(c, zone)
	m := s.say(c, "plan", "plan.in_effect", d)
	m.Facts.Note, m.Facts.Next = c.Plan.Description, fmt.Sprint(d["PromisedAt"])
	if m.Facts.Note == "" {
		m.Facts.Note = fmt.Sprint(d["Plan"])
	}
	return []outMsg{m}
}

// CasePlan writes the handling plan.
func (s *Team) CasePlan(ctx context.Context, u cases.User, id int64, p cases.PlanParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.SetPlan(u, p, now) },
		tell:  s.tellPlanInEffect,
	})
}

// CaseApprove puts a pending P1 plan into effect.
func (s *Team) CaseApprove(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Approve(u, comment, now) },
		tell:  s.tellPlanInEffect,
	})
}

// CaseReject sends a pending P1 plan back to the handler.
func (s *Team) CaseReject(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Reject(u, comment, now) },
	})
}

// CaseNote adds a progress note. A visible note goes to the customer at
// once (quiet hours and the channel's limits aside) and is the progress
// update: the cadence starts again from it.
func (s *Team) CaseNote(ctx context.Context, u cases.User, id int64, p cases.NoteParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			hist, err := c.AddNote(u, p, now)
			if err == nil && p.Visible && c.ConversationID != 0 && c.State.Open() {
				// reschedule plans the next update from now.
				c.Milestones.LastUpdate, c.Milestones.NextUpdate = now, time.Time{}
			}
			return hist, err
		},
		tell: func(c *cases.Case, _ *cases.Plan, _ string) []outMsg {
			if !p.Visible {
				return nil
			}
			m := s.say(c, KindNote, "progress.note", map[string]any{"Note": p.Text})
			m.Facts.Note = p.Text
			return []outMsg{m}
		},
	})
}

// CaseChangePlan records a plan change: the head is told at once (in the
// history) and so is the customer, with the alternative, in the same step.
func (s *Team) CaseChangePlan(ctx context.Context, u cases.User, id int64, p cases.ChangePlanParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.ChangePlan(u, p, now) },
		tell: func(c *cases.Case, _ *cases.Plan, _ string) []outMsg {
			m := s.say(c, "plan_change", "plan.changed", map[string]any{"Reason": p.Reason, "Alternative": p.Alternative})
			m.Facts.Note = p.Alternative
			return []outMsg{m}
		},
	})
}

// CaseResolve marks the case resolved and tells the customer at once, with
// the proof.
func (s *Team) CaseResolve(ctx context.Context, u cases.User, id int64, p cases.ResolveParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			hist, err := c.Resolve(u, p, now)
			if err != nil {
				return nil, err
			}
			if c.ConversationID == 0 {
				// No channel to tell: the resolving agent informs the
				// customer. Otherwise the notice counts once delivered.
				c.Milestones.ResolveNotified = now
			}
			return hist, nil
		},
		tell: func(c *cases.Case, _ *cases.Plan, _ string) []outMsg { return []outMsg{s.resolvedMsg(c, p)} },
		event: func(c *cases.Case) dialog.Event {
			return s.resolvedEvent(c)
		},
	})
}

// resolvedMsg is the resolution notice, with its proof.
func (s *Service) resolvedMsg(c *cases.Case, p cases.ResolveParams) outMsg {
	proof := p.Proof
	if p.Link != "" {
		proof += " " + p.Link
	} else if p.Attachment != "" {
		proof += " " + p.Attachment
	}
	m := s.say(c, KindResolved, "case.resolved", map[string]any{"Proof": proof})
	m.Facts.Note = p.Proof
	return m
}

// CaseReopen reopens a resolved or closed case.
func (s *Team) CaseReopen(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Reopen(u, reason, now) },
		tell: func(c *cases.Case, _ *cases.Plan, _ string) []outMsg {
			return []outMsg{s.say(c, "reopened", "case.reopened", nil)}
		},
		event: func(*cases.Case) dialog.Event { return dialog.Event{Kind: dialog.EventCaseReopened} },
	})
}

// CaseClose closes a case.
func (s *Team) CaseClose(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Close(u, reason, now) },
	})
}

// CaseAssign makes user the one person responsible for the case (SPEC §4);
// userID 0 hands it back to the department. The user must exist and be
// enabled; cases.Case.Assign decides who may assign whom.
func (s *Team) CaseAssign(ctx context.Context, u cases.User, id, userID int64, reason string) (*cases.Case, error) {
	var to cases.User
	if userID != 0 {
		users, err := s.opt.Store.UserList(ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(users, func(r UserRecord) bool { return r.ID == userID && !r.Disabled })
		if i < 0 {
			return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("assign.user_id: no enabled user %d", userID))
		}
		to = users[i].User
	}
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Assign(u, to, reason, now) },
	})
}

// CaseOverride changes category, priority or department (supervisor).
func (s *Team) CaseOverride(ctx context.Context, u cases.User, id int64, p cases.OverrideParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.Override(u, p, s.opt.SLA, now) },
	})
}

// Conversations lists conversations in a phase (default: waiting for an agent).
func (s *Team) Conversations(ctx context.Context, u cases.User, phase string) ([]ConversationSummary, error) {
	if err := u.Can(cases.ActionTakeover, nil); err != nil {
		return nil, err
	}
	if phase == "" {
		phase = string(dialog.PhaseWaitingAgent)
	}
	list, err := s.opt.Store.ConversationList(ctx, ConversationListParams{Phase: phase})
	if err != nil {
		return nil, err
	}
	out := make([]ConversationSummary, 0, len(list))
	for _, c := range list {
		sum, err := s.summaryOf(&c)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, nil
}

// summaryOf is what the queue and the conversation page show of one
// conversation.
func (s *Service) summaryOf(c *Conversation) (ConversationSummary, error) {
	st, err := stateOf(c)
	if err != nil {
		return ConversationSummary{}, err
	}
	sum := ConversationSummary{
		ID: c.ID, CustomerID: c.CustomerID, Channel: c.Channel, ExternalUserID: c.ExternalUserID, Phase: c.Phase, Agent: st.Agent,
		HandoffReason: st.HandoffReason, CaseID: c.CaseID, CaseNumber: st.CaseNumber, UpdatedAt: c.UpdatedAt,
		Lang: st.Lang, Draft: st.Fields, Category: st.Category, Priority: st.Priority,
	}
	if st.Phase == dialog.PhaseWaitingAgent && !st.HandoffAt.IsZero() {
		sum.WaitingSince, sum.WaitDue = st.HandoffAt, st.HandoffAt.Add(s.opt.SLA.WaitForAgent())
	}
	return sum, nil
}

// ConversationGet returns one conversation as the queue shows it, for
// whoever may read its transcript.
func (s *Team) ConversationGet(ctx context.Context, u cases.User, id int64) (ConversationSummary, error) {
	conv, err := s.readableConversation(ctx, u, id)
	if err != nil {
		return ConversationSummary{}, err
	}
	sum, err := s.summaryOf(&conv)
	if err != nil || conv.CustomerID == 0 {
		return sum, err
	}
	cust, err := s.opt.Store.CustomerGet(ctx, conv.CustomerID)
	if err != nil {
		return sum, fmt.Errorf("conversation %d: customer: %w", id, err)
	}
	sum.CustomerName = cust.DisplayName
	return sum, nil
}

// Activity is the fingerprint the console watches for changes.
func (s *Team) Activity(ctx context.Context) (Activity, error) {
	return s.opt.Store.Activity(ctx)
}

// MaxMessages is the most messages one page of a transcript holds.
const MaxMessages = 500

// ConversationMessages returns a page of a conversation's transcript,
// oldest first, after message id after: what an agent who takes over reads,
// also before any case exists (whoever may take conversations over reads
// it then). A conversation with a case is readable by whoever may read
// the case.
func (s *Team) ConversationMessages(ctx context.Context, u cases.User, id, after int64, limit int) ([]channels.StoredMessage, error) {
	if _, err := s.readableConversation(ctx, u, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxMessages {
		limit = MaxMessages
	}
	return s.opt.Store.MessagesList(ctx, MessagesListParams{ConversationID: id, AfterID: after, Limit: limit})
}

// readableConversation returns a conversation u may read: before a case
// exists, whoever may take conversations over; then whoever may read the
// case.
func (s *Service) readableConversation(ctx context.Context, u cases.User, id int64) (Conversation, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return Conversation{}, err
	}
	conv, err := s.opt.Store.ConversationGetByID(ctx, id)
	if err != nil {
		return Conversation{}, err
	}
	if conv.CaseID == 0 {
		err = u.Can(cases.ActionTakeover, nil)
	} else {
		var c *cases.Case
		if c, err = s.opt.Store.CaseGetByID(ctx, conv.CaseID); err == nil {
			err = u.Can(cases.ActionRead, c)
		}
	}
	return conv, err
}

// conversationOp runs fn on a conversation under its lock; fn sees the
// decoded dialog state and the case, if any.
func (s *Service) conversationOp(ctx context.Context, id int64, fn func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error) error {
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		conv, err := tx.ConversationGet(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
			return err
		}
		if conv, err = tx.ConversationGet(ctx, id); err != nil {
			return err
		}
		st, err := stateOf(&conv)
		if err != nil {
			return err
		}
		var c *cases.Case
		if conv.CaseID != 0 {
			if c, err = tx.CaseGet(ctx, conv.CaseID); err != nil {
				return err
			}
		}
		return fn(ctx, tx, &conv, st, c, now)
	})
	if err == nil {
		s.Wake()
	}
	return err
}

// ConversationTakeOver gives the conversation to u; a second agent gets a
// conflict while the first holds it.
func (s *Team) ConversationTakeOver(ctx context.Context, u cases.User, id int64) error {
	return s.conversationOp(ctx, id, func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error {
		if err := u.Can(cases.ActionTakeover, c); err != nil {
			return err
		}
		if st.Phase == dialog.PhaseAgent {
			if st.Agent == u.Actor() {
				return nil // taking over twice is the same as once
			}
			return cases.Errorf(cases.EConflict, fmt.Sprintf("conversation %d is already taken over by %s", conv.ID, st.Agent))
		}
		if c != nil {
			if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "takeover", To: u.Name}); err != nil {
				return err
			}
		}
		return s.step(ctx, tx, conv, dialog.Event{Kind: dialog.EventAgent, AgentAction: dialog.AgentTakeOver, AgentName: u.Actor()}, now)
	})
}

// holds refuses agent actions on a conversation u does not hold.
func holds(u cases.User, conv *Conversation, st dialog.State) error {
	if st.Phase != dialog.PhaseAgent {
		return cases.Errorf(cases.EConflict, fmt.Sprintf("conversation %d is not taken over; take it over first", conv.ID))
	}
	if st.Agent != u.Actor() && u.Role != cases.RoleSupervisor && u.Role != cases.RoleAdmin {
		return cases.Errorf(cases.EConflict, fmt.Sprintf("conversation %d is held by %s", conv.ID, st.Agent))
	}
	return nil
}

// ConversationReply sends the agent's text through the customer's channel.
func (s *Team) ConversationReply(ctx context.Context, u cases.User, id int64, text string) error {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if text == "" {
		return cases.Errorf(cases.EInvalid, "text: required")
	}
	return s.conversationOp(ctx, id, func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error {
		if err := holds(u, conv, st); err != nil {
			return err
		}
		// An agent in the conversation answers; nothing is held.
		if err := s.queue(ctx, tx, conv, sendingFor(conv, c, false), []outMsg{{Kind: "agent", Text: text}}, now); err != nil {
			return err
		}
		if c != nil {
			return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: cases.HistNote, To: text, Visible: true, Reason: "agent reply"})
		}
		return nil
	})
}

// ConversationHandBack returns the conversation to the bot, which resumes
// where the intake left off.
func (s *Team) ConversationHandBack(ctx context.Context, u cases.User, id int64) error {
	return s.conversationOp(ctx, id, func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error {
		if err := holds(u, conv, st); err != nil {
			return err
		}
		if c != nil {
			if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "handback"}); err != nil {
				return err
			}
		}
		return s.step(ctx, tx, conv, dialog.Event{Kind: dialog.EventAgent, AgentAction: dialog.AgentHandBack, AgentName: u.Actor()}, now)
	})
}

// actorOf names who made a change, for events.
func actorOf(hist []cases.Change) string {
	if len(hist) == 0 {
		return ""
	}
	return hist[0].Actor
}

// MaxFieldLen caps one case field a person edits.
const MaxFieldLen = 500

// CaseEditFields corrects case fields (a misheard phone number, the model
// read off the rating plate), for whoever may add notes to the case. Each
// change is a history entry with the editor and the reason; an empty value
// clears the field.
func (s *Team) CaseEditFields(ctx context.Context, u cases.User, id int64, fields map[cases.FieldKey]string, reason string) (*cases.Case, error) {
	for k, v := range fields {
		if !k.Valid() {
			return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("fields: %q is not a case field", k))
		}
		if len([]rune(v)) > MaxFieldLen {
			return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("fields.%s: at most %d characters", k, MaxFieldLen))
		}
	}
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			if err := u.Can(cases.ActionNote, c); err != nil {
				return nil, err
			}
			var hist []cases.Change
			for _, k := range cases.AllFields {
				v, ok := fields[k]
				if !ok {
					continue
				}
				v = strings.TrimSpace(strings.ToValidUTF8(v, ""))
				if ch, changed := c.SetField(k, v, u.Actor(), strings.TrimSpace(reason), now); changed {
					if v == "" {
						delete(c.Fields, k)
					}
					hist = append(hist, ch)
				}
			}
			return hist, nil
		},
	})
}
