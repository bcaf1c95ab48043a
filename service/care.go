package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/care"
	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// Proactive care (SPEC §8) runs the care plan (Options.Care): each
// touchpoint is a row planned in the transaction of its cause (a
// resolution, a purchase from a case or an import) with a River timer.
// When it falls due, onCare checks that it may go out — not opted out, no
// open complaint, not in the customer's quiet hours, no other proactive
// message that day, the conversation not busy — and moves it otherwise;
// then the dialog engine says it and runs its script, and the outcome goes
// on the touchpoint (and the case). A customer who does not answer gets a
// call task when their case was P1/P2 or they are a member.

// Care timer names.
const (
	TimerCare         = "care"
	TimerCareNoAnswer = "care_no_answer"
)

// HistCare is the case history entry of a touchpoint's outcome.
const HistCare = "care"

// carePlan is the configured plan, nil when care is off.
func (s *Service) carePlan() *care.Plan { return s.opt.Care }

func careKey(id int64, name string, due time.Time) string {
	return fmt.Sprintf("care:%d:%s:%s", id, name, µs(due).Format(time.RFC3339Nano))
}

// armCare arms the timer of a planned touchpoint at its due time.
func (s *Service) armCare(ctx context.Context, tx Tx, row Touchpoint, name string, due time.Time) error {
	due = µs(due)
	return insertTimer(ctx, tx, TimerParams{ConversationID: row.ConversationID, CaseID: row.CaseID, Name: name, At: due,
		UniqueKey: careKey(row.ID, name, due), TouchpointID: row.ID})
}

// planCare stores a touchpoint and arms it; an existing one (same
// customer, touchpoint and cause) is left as it is. It reports whether the
// touchpoint is new.
func (s *Service) planCare(ctx context.Context, tx Tx, p Touchpoint) (bool, error) {
	p.Due = µs(p.Due)
	if tp := s.carePlan().Get(p.Touchpoint); tp != nil {
		p.PlanSig = tp.Sig(s.carePlan().SendAt)
	}
	row, inserted, err := tx.TouchpointInsert(ctx, p)
	if err != nil || !inserted {
		return false, err
	}
	return true, s.armCare(ctx, tx, row, TimerCare, row.Due)
}

// resolutionCause names the resolution of c as a touchpoint's cause: a
// reopen and a second resolution plan their own.
func resolutionCause(c *cases.Case) string {
	return fmt.Sprintf("case:%d:%d", c.ID, c.Milestones.Resolved.UnixMicro())
}

// guidance reports whether c was resolved with guidance to observe.
func guidance(c *cases.Case) bool {
	return c.Plan != nil && (c.Plan.Type == cases.PlanRemoteGuidance || c.Plan.Type == cases.PlanGuide)
}

// careAfterService plans the touchpoints of a resolution; it reports
// whether the plan follows the service up (the legacy follow-up task is
// then not created).
func (s *Service) careAfterService(ctx context.Context, tx Tx, c *cases.Case, now time.Time) (bool, error) {
	plan := s.carePlan()
	if plan == nil {
		return false, nil
	}
	loc, err := s.caseLoc(ctx, tx, c)
	if err != nil {
		return false, err
	}
	followed := false
	for _, tp := range append(plan.Of(care.AfterGuidance), plan.Of(care.AfterService)...) {
		if tp.Trigger == care.AfterService {
			followed = true
		}
		if tp.Trigger == care.AfterGuidance && (!guidance(c) || c.ConversationID == 0) {
			continue
		}
		if c.CustomerID == 0 && tp.Runner == care.RunnerBot && c.ConversationID == 0 {
			continue // nobody to write to; the legacy task covers it
		}
		if _, err := s.planCare(ctx, tx, Touchpoint{CustomerID: c.CustomerID, Touchpoint: tp.ID, Cause: resolutionCause(c), CaseID: c.ID,
			Due: plan.ServiceDue(tp, c.Milestones.Resolved, loc), CreatedAt: now}); err != nil {
			return false, err
		}
	}
	return followed && c.CustomerID != 0, nil
}

// recheckOnResolve reports whether the resolution event waits for the
// care plan's re-check instead of asking the function check now.
func (s *Service) recheckOnResolve(c *cases.Case) bool {
	return len(s.carePlan().Of(care.AfterGuidance)) > 0 && guidance(c) && c.ConversationID != 0 && c.CustomerID != 0
}

// resolvedEvent is the dialog event of c's resolution.
func (s *Service) resolvedEvent(c *cases.Case) dialog.Event {
	return dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: c.Plan != nil && c.Plan.Type.NeedsFunctionCheck(), Recheck: s.recheckOnResolve(c)}
}

// PurchaseParams describe a purchase to record.
type PurchaseParams struct {
	CustomerID int64
	Product    string
	Model      string
	On         time.Time // the day (its date is what counts)
	Source     string    // "case" or "import"
	CaseID     int64
	Zone       string // the customer's zone, for the due times
}

// carePurchase records a purchase and plans its touchpoints: those still
// ahead after the purchase, and the next season of each seasonal tip
// for that product.
func (s *Service) carePurchase(ctx context.Context, tx Tx, p PurchaseParams, now time.Time) (Purchase, error) {
	row, inserted, err := tx.PurchaseInsert(ctx, Purchase{CustomerID: p.CustomerID, Product: p.Product, Model: p.Model,
		On: p.On, Source: p.Source, CaseID: p.CaseID, CreatedAt: now})
	if err != nil || !inserted {
		return row, err
	}
	_, err = s.planPurchase(ctx, tx, row, s.custLoc(p.Zone), now)
	return row, err
}

func (s *Service) planPurchase(ctx context.Context, tx Tx, row Purchase, loc *time.Location, now time.Time) (int, error) {
	plan := s.carePlan()
	if plan == nil {
		return 0, nil
	}
	n := 0
	bought := time.Date(row.On.Year(), row.On.Month(), row.On.Day(), 0, 0, 0, 0, loc)
	for _, tp := range plan.Of(care.AfterPurchase) {
		if !tp.Applies(row.Product, row.Model) {
			continue
		}
		due := plan.PurchaseDue(tp, bought, loc)
		if !due.After(now) {
			continue // that moment has passed: a follow-up a week after a purchase two years ago helps nobody
		}
		ok, err := s.planCare(ctx, tx, Touchpoint{CustomerID: row.CustomerID, Touchpoint: tp.ID, Cause: fmt.Sprintf("purchase:%d", row.ID),
			PurchaseID: row.ID, Due: due, CreatedAt: now})
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	for _, tp := range plan.Of(care.Season) {
		if !tp.Applies(row.Product, row.Model) {
			continue
		}
		from := now
		if bought.After(from) {
			from = bought
		}
		ok, err := s.planSeason(ctx, tx, tp, row.CustomerID, row.ID, from, loc, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// planSeason plans the next window of a seasonal tip for a customer: once
// per customer and year, however many such products they bought.
func (s *Service) planSeason(ctx context.Context, tx Tx, tp *care.Touchpoint, customerID, purchaseID int64, from time.Time, loc *time.Location, now time.Time) (bool, error) {
	due, year := s.carePlan().SeasonDue(tp, from, loc)
	return s.planCare(ctx, tx, Touchpoint{CustomerID: customerID, Touchpoint: tp.ID, Cause: "season:" + strconv.Itoa(year),
		PurchaseID: purchaseID, Due: due, CreatedAt: now})
}

// purchaseOfCase records the purchase a registered case tells of: its
// model and purchase day, the product line named in its description.
func (s *Service) purchaseOfCase(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, now time.Time) error {
	zone := zoneOf(conv)
	if s.carePlan() == nil || c.CustomerID == 0 {
		return nil
	}
	model := strings.TrimSpace(c.Fields[cases.FieldProductModel])
	day, err := time.Parse("2006-01-02", strings.TrimSpace(c.Fields[cases.FieldPurchaseDate]))
	if err != nil || model == "" || model == cases.Unknown {
		return nil // a month or "unknown" is no day to count a week from
	}
	// The product line is named anywhere the customer described it.
	said := c.Fields[cases.FieldSymptom]
	if conv != nil {
		if st, err := stateOf(conv); err == nil {
			said += " " + strings.Join(st.Texts, " ")
		}
	}
	_, err = s.carePurchase(ctx, tx, PurchaseParams{CustomerID: c.CustomerID, Product: s.productLine(said),
		Model: model, On: day, Source: "case", CaseID: c.ID, Zone: zone}, now)
	return err
}

// productLine is the first product word of the care plan found in text
// ("空调不制冷" → "空调"), so a case's purchase matches product-line
// touchpoints even when its model does not say what it is.
func (s *Service) productLine(text string) string {
	lower := strings.ToLower(text)
	for _, tp := range s.carePlan().Touchpoints {
		for _, w := range tp.Products {
			if w != "" && strings.Contains(lower, strings.ToLower(w)) {
				return w
			}
		}
	}
	return ""
}

// onCare handles a due touchpoint.
func (s *Service) onCare(ctx context.Context, t TimerArgs) error {
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		row, err := tx.TouchpointGet(ctx, t.TouchpointID)
		if cases.ErrorCode(err) == cases.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if row.Status != CarePlanned || !µs(row.Due).Equal(µs(t.Due)) {
			return nil // sent, skipped or moved since this timer was armed
		}
		// Two touchpoints of one customer due together must see each
		// other's "sent today": one lock per customer.
		if err := tx.Lock(ctx, fmt.Sprintf("customer:%d", row.CustomerID)); err != nil {
			return err
		}
		return s.runCare(ctx, tx, row, now)
	})
	if err != nil {
		return fmt.Errorf("touchpoint %d: %w", t.TouchpointID, err)
	}
	s.Wake()
	return nil
}

// careSkip ends a touchpoint unsent.
func (s *Service) careSkip(ctx context.Context, tx Tx, row Touchpoint, why string, now time.Time) error {
	s.opt.Logger.Info("care touchpoint skipped", "touchpoint_id", row.ID, "touchpoint", row.Touchpoint, "customer_id", row.CustomerID, "why", why)
	row.Status, row.Outcome, row.UpdatedAt = CareSkipped, why, now
	return tx.TouchpointUpdate(ctx, row)
}

// careMove re-arms a touchpoint at a later time.
func (s *Service) careMove(ctx context.Context, tx Tx, row Touchpoint, at time.Time, now time.Time) error {
	row.Due, row.UpdatedAt = µs(at), now
	if err := tx.TouchpointUpdate(ctx, row); err != nil {
		return err
	}
	return s.armCare(ctx, tx, row, TimerCare, row.Due)
}

// nextCareDay is the plan's send time on the customer's next day.
func (s *Service) nextCareDay(now time.Time, loc *time.Location) time.Time {
	at, _ := time.Parse("15:04", s.carePlan().SendAt)
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, at.Hour(), at.Minute(), 0, 0, loc)
}

// busyPhases are the conversation phases a proactive script must not
// interrupt while the customer is at it: an intake, another script, the
// survey. A person's conversation is never interrupted.
var busyPhases = []dialog.Phase{dialog.PhaseCollecting, dialog.PhaseConfirming, dialog.PhaseRegistering,
	dialog.PhaseCare, dialog.PhaseSurvey}

// idleAfter is how long after the customer's last message a conversation
// left in a busy phase counts as abandoned: a script nobody answered must
// not hold back every later touchpoint.
const idleAfter = 12 * time.Hour

func busy(phase string, st dialog.State, now time.Time) bool {
	p := dialog.Phase(phase)
	if p == dialog.PhaseWaitingAgent || p == dialog.PhaseAgent {
		return true
	}
	return slices.Contains(busyPhases, p) && now.Sub(st.LastCustomerAt) < idleAfter
}

func (s *Service) runCare(ctx context.Context, tx Tx, row Touchpoint, now time.Time) error {
	log := s.opt.Logger.With("touchpoint_id", row.ID, "touchpoint", row.Touchpoint, "customer_id", row.CustomerID)
	tp := s.carePlan().Get(row.Touchpoint)
	if tp == nil {
		return s.careSkip(ctx, tx, row, "skipped: no longer in the care plan", now)
	}
	cust, cc, err := s.careOf(ctx, row.CustomerID)
	if err != nil {
		return err
	}
	// The re-check is the function check of SPEC §6 asked later, part of
	// the service itself: an opt-out or a complaint does not hold it back.
	recheck := tp.Script == care.ScriptRecheck
	if !cc.OptedOutAt.IsZero() && !recheck {
		return s.careSkip(ctx, tx, row, "skipped: opted out", now)
	}
	open, err := s.openCustomerCases(ctx, cust)
	if err != nil {
		return err
	}
	for _, oc := range open.complaints {
		if !recheck && (oc.ID != row.CaseID || tp.Script != care.ScriptFollowUp) {
			return s.careSkip(ctx, tx, row, fmt.Sprintf("skipped: open complaint on case %s", oc.Number), now)
		}
	}
	// A re-check an agent asked for after guidance in a reply
	// (Team.ConversationRecheck) is caused by the reply, not a resolution.
	afterReply := strings.HasPrefix(row.Cause, "reply:")
	var c *cases.Case
	if row.CaseID != 0 {
		if c, err = tx.CaseGet(ctx, row.CaseID); err != nil {
			return err
		}
		switch {
		case afterReply && !c.State.Open():
			return s.careSkip(ctx, tx, row, "skipped: the case was resolved since the reply", now)
		case !afterReply && (resolutionCause(c) != row.Cause || c.State.Open()):
			return s.careSkip(ctx, tx, row, "skipped: the case was reopened or resolved again", now)
		}
	}
	if tp.Runner == care.RunnerPerson {
		return s.careTask(ctx, tx, row, tp, c, "follow-up by a person (care plan)", now)
	}
	var conv *Conversation
	if afterReply {
		cv, err := tx.ConversationGet(ctx, row.ConversationID)
		if err != nil {
			return err
		}
		conv = &cv
	} else if conv, err = s.careConversation(ctx, tx, cust, c, now); err != nil {
		return err
	}
	if conv == nil {
		if c != nil {
			// A hotline or dealer case: a person calls instead (SPEC §8:
			// every completed service is followed up).
			return s.careTask(ctx, tx, row, tp, c, "no channel to write on: call", now)
		}
		return s.careSkip(ctx, tx, row, "skipped: no channel to write on", now)
	}
	// What the conversation is doing decides below: read it under its lock,
	// as a message of the customer's would be.
	if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
		return err
	}
	cv, err := tx.ConversationGet(ctx, conv.ID)
	if err != nil {
		return err
	}
	conv = &cv
	st, err := stateOf(conv)
	if err != nil {
		return err
	}
	loc := s.custLoc(st.Zone)
	if afterReply {
		switch dialog.Phase(conv.Phase) {
		case dialog.PhaseCollecting, dialog.PhaseConfirming, dialog.PhaseRegistering, dialog.PhaseCheck, dialog.PhaseSurvey, dialog.PhaseCare:
			return s.careSkip(ctx, tx, row, "skipped: the conversation had moved on to "+conv.Phase, now)
		}
	} else if tp.Script == care.ScriptRecheck {
		if dialog.Phase(conv.Phase) != dialog.PhaseCheck || !st.RecheckPending {
			return s.careSkip(ctx, tx, row, "skipped: the customer answered before the re-check", now)
		}
	} else if busy(conv.Phase, st, now) || len(open.cases) > 0 && tp.Script != care.ScriptFollowUp {
		// Not now: the customer is busy with us, or has a case open.
		if tp.Script == care.ScriptPurchase && len(open.cases) > 0 {
			return s.careSkip(ctx, tx, row, "skipped: the customer has a case open", now)
		}
		log.Info("care touchpoint postponed: conversation busy", "phase", conv.Phase)
		return s.careMove(ctx, tx, row, s.nextCareDay(now, loc), now)
	}
	prio := cases.P3
	if c != nil && tp.Script == care.ScriptRecheck {
		prio = c.Priority // a P1 safety re-check may break quiet hours
	}
	if at := s.lc().QuietHours.SendAt(prio, now, loc); at.After(now) {
		return s.careMove(ctx, tx, row, at, now)
	}
	if tp.Script != care.ScriptRecheck {
		l := now.In(loc)
		dayStart := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
		n, err := s.opt.Store.CareSentBetween(ctx, cust, dayStart, dayStart.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if n > 0 {
			return s.careMove(ctx, tx, row, s.nextCareDay(now, loc), now)
		}
	}
	year := 0
	if tp.Trigger == care.Season {
		year, _ = strconv.Atoi(strings.TrimPrefix(row.Cause, "season:"))
		if !s.carePlan().SeasonOpen(tp, year, now, loc) {
			return s.careSkip(ctx, tx, row, "skipped: the season was over", now)
		}
	}
	call := &dialog.CareCall{TouchpointID: row.ID, Script: string(tp.Script), Tip: tp.Tip, AfterReply: afterReply}
	if row.PurchaseID != 0 {
		if p, ok, err := s.purchaseOf(ctx, cust, row.PurchaseID); err != nil {
			return err
		} else if ok {
			call.Product = p.Model
			if p.Product != "" {
				call.Product = strings.TrimSpace(p.Product + " " + p.Model)
			}
			call.Bought = s.opt.Engine.FormatDateIn(st.Lang, p.On)
		}
	}
	if err := s.step(ctx, tx, conv, dialog.Event{Kind: dialog.EventCare, Care: call}, now); err != nil {
		return err
	}
	row.Status, row.SentAt, row.ConversationID, row.UpdatedAt = CareSent, now, conv.ID, now
	if tp.Script == care.ScriptTip {
		row.Status, row.Outcome = CareDone, "sent"
	}
	if err := tx.TouchpointUpdate(ctx, row); err != nil {
		return err
	}
	log.Info("care touchpoint sent", "conversation_id", conv.ID, "channel", string(conv.Channel), "script", tp.Script)
	if c != nil {
		if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: HistCare,
			Field: row.Touchpoint, To: "sent", Reason: string(conv.Channel)}); err != nil {
			return err
		}
	}
	if tp.Script != care.ScriptTip && tp.AnswerWithin > 0 {
		if err := s.armCare(ctx, tx, row, TimerCareNoAnswer, now.Add(tp.AnswerWithin)); err != nil {
			return err
		}
	}
	if tp.Trigger == care.Season {
		// Next year's tip, from the day after this window.
		_, err := s.planSeason(ctx, tx, tp, row.CustomerID, row.PurchaseID, s.carePlan().SeasonEnd(tp, year, loc), loc, now)
		return err
	}
	return nil
}

// careTask hands a touchpoint to a person as a follow-up task.
func (s *Service) careTask(ctx context.Context, tx Tx, row Touchpoint, tp *care.Touchpoint, c *cases.Case, why string, now time.Time) error {
	if c == nil {
		return s.careSkip(ctx, tx, row, "skipped: "+why+" (no case for a task)", now)
	}
	due := c.Milestones.Resolved.Add(tp.TaskDue)
	if tp.TaskDue <= 0 || !due.After(now) {
		due = now.Add(24 * time.Hour)
	}
	if _, err := s.createTask(ctx, tx, c, TaskFollowUp, fmt.Sprintf("care:%d", row.ID), due, why, now); err != nil {
		return err
	}
	row.Status, row.Outcome, row.UpdatedAt = CareDone, "task", now
	return tx.TouchpointUpdate(ctx, row)
}

// onCareNoAnswer turns a touchpoint the customer left unanswered into a
// call for P1/P2 cases and members.
func (s *Service) onCareNoAnswer(ctx context.Context, t TimerArgs) error {
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		row, err := tx.TouchpointGet(ctx, t.TouchpointID)
		if cases.ErrorCode(err) == cases.ENotFound {
			return nil
		}
		if err != nil || row.Status != CareSent {
			return err
		}
		tp := s.carePlan().Get(row.Touchpoint)
		_, cc, err := s.careOf(ctx, row.CustomerID)
		if err != nil {
			return err
		}
		if row.CaseID != 0 && tp != nil {
			c, err := tx.CaseGet(ctx, row.CaseID)
			if err != nil {
				return err
			}
			if cc.Member || c.Priority == cases.P1 || c.Priority == cases.P2 {
				return s.careTask(ctx, tx, row, tp, c, fmt.Sprintf("%s not answered within %s: call", row.Touchpoint, tp.AnswerWithin), now)
			}
		}
		row.Status, row.Outcome, row.UpdatedAt = CareDone, "no_answer", now
		return tx.TouchpointUpdate(ctx, row)
	})
	if err != nil {
		return fmt.Errorf("touchpoint %d: %w", t.TouchpointID, err)
	}
	return nil
}

// careOutcome records what came of a touchpoint the customer answered.
func (s *Service) careOutcome(ctx context.Context, tx Tx, o *dialog.CareOutcome, now time.Time) error {
	row, err := tx.TouchpointGet(ctx, o.TouchpointID)
	if cases.ErrorCode(err) == cases.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	row.Status, row.Outcome, row.Note, row.AnsweredAt, row.UpdatedAt = CareAnswered, o.Outcome, o.Note, now, now
	if err := tx.TouchpointUpdate(ctx, row); err != nil {
		return err
	}
	if row.CaseID == 0 {
		return nil
	}
	return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: row.CaseID, At: now, Actor: "customer", Action: HistCare,
		Field: row.Touchpoint, To: o.Outcome, Reason: o.Note})
}

// optOut records that the customer opted out of proactive messages (or
// back in); it holds on every channel, being the customer's.
func (s *Service) optOut(ctx context.Context, tx Tx, conv *Conversation, out bool, now time.Time) error {
	cust, cc, err := s.careOf(ctx, conv.CustomerID)
	if err != nil {
		return err
	}
	if out {
		cc.OptedOutAt, cc.OptOutVia = now, string(conv.Channel)
	} else {
		cc.OptedOutAt, cc.OptOutVia = time.Time{}, ""
	}
	s.opt.Logger.Info("customer care opt-out", "customer_id", cust, "opted_out", out, "channel", string(conv.Channel))
	return tx.CustomerCareSet(ctx, cust, cc)
}

// careOf is the customer id is now (after merges) and their care facts.
func (s *Service) careOf(ctx context.Context, id int64) (int64, CustomerCare, error) {
	cust, err := s.customerNow(ctx, id)
	if err != nil {
		return 0, CustomerCare{}, err
	}
	cc, err := s.opt.Store.CustomerCare(ctx, cust)
	return cust, cc, err
}

// customerNow follows merges to the customer id holds now.
func (s *Service) customerNow(ctx context.Context, id int64) (int64, error) {
	for range 8 {
		c, err := s.opt.Store.CustomerGet(ctx, id)
		if err != nil {
			return 0, err
		}
		if c.MergedInto == 0 {
			return id, nil
		}
		id = c.MergedInto
	}
	return id, nil
}

type customerOpen struct {
	cases      []*cases.Case // neither resolved nor closed
	complaints []*cases.Case // with a complaint not closed
}

// openCustomerCases finds a customer's open cases and open complaints.
func (s *Service) openCustomerCases(ctx context.Context, customerID int64) (customerOpen, error) {
	var out customerOpen
	list, err := s.opt.Store.CaseList(ctx, CaseListParams{CustomerID: customerID, Limit: 200})
	if err != nil {
		return out, err
	}
	for _, c := range list {
		if c.State.Open() {
			out.cases = append(out.cases, c)
		}
		if slices.ContainsFunc(c.Complaints, func(k cases.Complaint) bool { return k.Stage.Open() }) {
			out.complaints = append(out.complaints, c)
		}
	}
	return out, nil
}

func (s *Service) purchaseOf(ctx context.Context, customerID, id int64) (Purchase, bool, error) {
	ps, err := s.opt.Store.Purchases(ctx, customerID)
	if err != nil {
		return Purchase{}, false, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, true, nil
		}
	}
	return Purchase{}, false, nil
}

// careChannels is the order channels are preferred in for a customer
// without a conversation: those that reach them when they are away.
var careChannels = []channels.ID{channels.WeChat, channels.Telegram, channels.Email, channels.WebChat}

// careConversation picks the conversation to write on: the case's, else
// the customer's most recently active one, else a new one on their best
// channel identity (an imported customer who never wrote). nil: none.
func (s *Service) careConversation(ctx context.Context, tx Tx, customerID int64, c *cases.Case, now time.Time) (*Conversation, error) {
	if c != nil && c.ConversationID != 0 {
		conv, err := tx.ConversationGet(ctx, c.ConversationID)
		if err != nil {
			return nil, err
		}
		return &conv, nil
	}
	convs, err := s.opt.Store.ConversationList(ctx, ConversationListParams{CustomerID: customerID, Limit: 20})
	if err != nil {
		return nil, err
	}
	if len(convs) > 0 {
		best := convs[0] // most recently updated first
		conv, err := tx.ConversationGet(ctx, best.ID)
		if err != nil {
			return nil, err
		}
		return &conv, nil
	}
	ids, err := s.opt.Store.CustomerIdentities(ctx, customerID)
	if err != nil {
		return nil, err
	}
	for _, ch := range careChannels {
		for _, id := range ids {
			if id.Channel != ch || s.opt.Senders[ch] == nil {
				continue
			}
			conv, err := tx.ConversationGetOrCreate(ctx, ConversationParams{CustomerID: customerID, Channel: ch, ExternalUserID: id.ExternalUserID, Now: now})
			if err != nil {
				return nil, err
			}
			cc, err := s.opt.Store.CustomerCare(ctx, customerID)
			if err != nil {
				return nil, err
			}
			if cc.Language != "" {
				// Write to them in the language the import gave.
				st := dialog.State{Phase: dialog.PhaseNew, Lang: cc.Language, LangHinted: true}
				if conv.State, err = json.Marshal(st); err != nil {
					return nil, fmt.Errorf("conversation %d: encode state: %w", conv.ID, err)
				}
				conv.Phase = string(st.Phase)
				if err := tx.ConversationSave(ctx, conv); err != nil {
					return nil, err
				}
			}
			return &conv, nil
		}
	}
	return nil, nil
}

// ReplanCare brings the touchpoints still planned in line with the care
// plan as configured now (run at start): one whose definition changed is
// due when the new one says (at once if that has passed), one the plan no
// longer has is skipped. What was sent stays as it was.
func (s *Service) ReplanCare(ctx context.Context) (moved, dropped int, err error) {
	plan := s.carePlan()
	if plan == nil {
		return 0, 0, nil
	}
	rows, err := s.opt.Store.TouchpointsPlanned(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		tp := plan.Get(r.Touchpoint)
		if tp != nil && r.PlanSig == tp.Sig(plan.SendAt) {
			continue
		}
		err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			now := s.opt.Now()
			row, err := tx.TouchpointGet(ctx, r.ID)
			if err != nil || row.Status != CarePlanned || tp != nil && row.PlanSig == tp.Sig(plan.SendAt) {
				return err // another process re-planned it meanwhile
			}
			if tp == nil {
				dropped++
				return s.careSkip(ctx, tx, row, "skipped: no longer in the care plan", now)
			}
			due, ok, err := s.replannedDue(ctx, tx, row, tp, now)
			if err != nil {
				return err
			}
			if !ok {
				dropped++
				return s.careSkip(ctx, tx, row, "skipped: the changed care plan has it no more", now)
			}
			row.PlanSig = tp.Sig(plan.SendAt)
			moved++
			return s.careMove(ctx, tx, row, due, now)
		})
		if err != nil {
			return moved, dropped, fmt.Errorf("re-plan touchpoint %d: %w", r.ID, err)
		}
	}
	if moved+dropped > 0 {
		s.opt.Logger.Info("care plan changed: touchpoints re-planned", "moved", moved, "dropped", dropped)
	}
	return moved, dropped, nil
}

// replannedDue is when a planned touchpoint falls due under tp as it is
// now; false when it no longer applies.
func (s *Service) replannedDue(ctx context.Context, tx Tx, row Touchpoint, tp *care.Touchpoint, now time.Time) (time.Time, bool, error) {
	plan, loc := s.carePlan(), s.lc().Location
	var due time.Time
	switch {
	case row.CaseID != 0:
		c, err := tx.CaseGet(ctx, row.CaseID)
		if err != nil {
			return due, false, err
		}
		if tp.Trigger != care.AfterService && tp.Trigger != care.AfterGuidance {
			return due, false, nil
		}
		due = plan.ServiceDue(tp, c.Milestones.Resolved, loc)
	case row.PurchaseID != 0:
		p, ok, err := s.purchaseOf(ctx, row.CustomerID, row.PurchaseID)
		if err != nil || !ok || !tp.Applies(p.Product, p.Model) {
			return due, false, err
		}
		bought := time.Date(p.On.Year(), p.On.Month(), p.On.Day(), 0, 0, 0, 0, loc)
		switch tp.Trigger {
		case care.AfterPurchase:
			due = plan.PurchaseDue(tp, bought, loc)
		case care.Season:
			year, err := strconv.Atoi(strings.TrimPrefix(row.Cause, "season:"))
			if err != nil || !plan.SeasonEnd(tp, year, loc).After(now) {
				return due, false, nil
			}
			due, _ = plan.SeasonDue(tp, time.Date(year, 1, 1, 0, 0, 0, 0, loc), loc)
		default:
			return due, false, nil
		}
	default:
		return due, false, nil
	}
	if due.Before(now) {
		due = now
	}
	return due, true, nil
}

// ConversationRecheck plans the care plan's re-check of guidance an agent
// gave in the conversation (SPEC §8: checked again after 30 min): the bot
// then asks whether it works; "still broken" goes back to a person.
func (s *Team) ConversationRecheck(ctx context.Context, u cases.User, id int64) error {
	tps := s.carePlan().Of(care.AfterGuidance)
	if len(tps) == 0 {
		return cases.Errorf(cases.EInvalid, "recheck: the care plan has no re-check of guidance")
	}
	tp := tps[0]
	return s.conversationOp(ctx, id, func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error {
		if err := holds(u, conv, st); err != nil {
			return err
		}
		row := Touchpoint{CustomerID: conv.CustomerID, Touchpoint: tp.ID, Cause: fmt.Sprintf("reply:%d:%d", conv.ID, now.UnixMicro()),
			ConversationID: conv.ID, Due: s.carePlan().ServiceDue(tp, now, s.custLoc(st.Zone)), CreatedAt: now}
		if c != nil && c.State.Open() {
			row.CaseID = c.ID
		}
		if _, err := s.planCare(ctx, tx, row); err != nil {
			return err
		}
		if row.CaseID != 0 {
			return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: HistCare, Field: tp.ID,
				To: "planned", Reason: "re-check of the guidance in the agent's reply"})
		}
		return nil
	})
}
