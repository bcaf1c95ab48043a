package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// The case's life after registration runs on durable timers (River jobs
// inserted in the transaction that caused them):
//
//   - progress_update: the customer's progress update on the cadence of
//     SPEC §3/§5, moved out of quiet hours (SPEC §8);
//   - sla_check: the next deadline of cases.SLAPolicy.Clocks falls due or
//     escalates one more step (SPEC §5);
//   - survey_callback: a P1/P2 survey still unanswered 24 h after it was
//     sent becomes a phone-callback task (SPEC §6);
//   - follow_up: the post-service follow-up task (SPEC §8).
//
// Every handler re-reads the case under the conversation's lock and checks
// that its timer is still the one the case expects, so a timer made stale
// by a re-plan, a reopen or a second resolution does nothing. Unique keys
// include the due time: a handler re-arming its own purpose needs a new key.

// Case timer names.
const (
	TimerProgress       = "progress_update"
	TimerSLA            = "sla_check"
	TimerSurveyCallback = "survey_callback"
	TimerFollowUp       = "follow_up"
)

// History actions the timers write.
const (
	HistUpdateOverdue = "update_overdue" // no customer-visible progress since the last update; kefu sent a status
	HistSLABreached   = "sla_breached"   // Field: the clock, To: the escalation target
	HistTask          = "task"           // Field: the task kind, To: "#<task id>"
)

// Lifecycle configures the timers. The zero value has no quiet hours, no
// follow-up task, UTC as the customers' zone and the SPEC's 24 h callback.
type Lifecycle struct {
	QuietHours cases.QuietHours
	// Location is the customers' time zone (dialog.timezone): quiet hours
	// are wall-clock times there.
	Location *time.Location
	// CallbackAfter is how long a P1/P2 survey may stay unanswered before a
	// phone callback task is created (SPEC §6: 24 h); CallbackWithin is how
	// long the agents then have.
	CallbackAfter  time.Duration
	CallbackWithin time.Duration
	FollowUp       FollowUp
	// TaskRetry is when a call that did not reach the customer is due
	// again (moved out of their quiet hours), and TaskAttempts how many
	// calls are tried before the task is done as unreachable.
	TaskRetry    time.Duration
	TaskAttempts int
}

// FollowUp is the post-service follow-up task (SPEC §8: every completed
// service is called back within 72 h).
type FollowUp struct {
	Enabled bool
	Delay   time.Duration // after resolution, when the task is created
	Within  time.Duration // after resolution, when it is due
}

// DefaultLifecycle is SPEC §6 and §8 as shipped.
func DefaultLifecycle() Lifecycle {
	return Lifecycle{
		QuietHours: cases.DefaultQuietHours(), CallbackAfter: 24 * time.Hour, CallbackWithin: 24 * time.Hour,
		FollowUp:  FollowUp{Enabled: true, Delay: 24 * time.Hour, Within: 72 * time.Hour},
		TaskRetry: 2 * time.Hour, TaskAttempts: 3,
	}
}

// lc is the configured lifecycle with missing numbers defaulted.
func (s *Service) lc() Lifecycle {
	l := s.opt.Lifecycle
	if l.Location == nil {
		l.Location = time.UTC
	}
	if l.CallbackAfter <= 0 {
		l.CallbackAfter = 24 * time.Hour
	}
	if l.CallbackWithin <= 0 {
		l.CallbackWithin = 24 * time.Hour
	}
	if l.FollowUp.Within <= 0 {
		l.FollowUp.Within = 72 * time.Hour
	}
	if l.FollowUp.Delay <= 0 || l.FollowUp.Delay > l.FollowUp.Within {
		l.FollowUp.Delay = l.FollowUp.Within
	}
	if l.TaskRetry <= 0 {
		l.TaskRetry = 2 * time.Hour
	}
	if l.TaskAttempts <= 0 {
		l.TaskAttempts = 3
	}
	return l
}

// µs is the precision stores keep times in; due times are compared at it.
func µs(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func timerKey(c *cases.Case, purpose string, due time.Time) string {
	return fmt.Sprintf("case:%d:%s:%s", c.ID, purpose, µs(due).Format(time.RFC3339Nano))
}

func (s *Service) arm(ctx context.Context, tx Tx, c *cases.Case, name string, due time.Time) error {
	due = µs(due)
	return insertTimer(ctx, tx, TimerParams{ConversationID: c.ConversationID, CaseID: c.ID, Name: name, At: due, UniqueKey: timerKey(c, name, due)})
}

// scheduleRegistered starts the timers of a newly registered case. The
// intake answers every message in the step that received it, and
// registers, classifies and assigns in one step: those clocks stop now.
func (s *Service) scheduleRegistered(ctx context.Context, tx Tx, c *cases.Case, firstContact, now time.Time) error {
	m := &c.Milestones
	m.FirstResponse, m.Registered, m.Classified, m.Assigned = firstContact, now, now, now
	m.LastUpdate = now // the registration notice is the first thing the customer heard
	return s.reschedule(ctx, tx, c, cases.StateRegistered, c.Priority, now)
}

// reschedule re-plans the timers after a change to c (a staff operation,
// a reopen); prevState and prevPriority are c's before it. The caller
// stores c afterwards.
func (s *Service) reschedule(ctx context.Context, tx Tx, c *cases.Case, prevState cases.State, prevPriority cases.Priority, now time.Time) error {
	lc := s.lc()
	m := &c.Milestones
	switch {
	case c.State.Open():
		// A new priority re-plans from now (cases.SLAPolicy.NextUpdate), and
		// so does a reopen: the cadence had ended with the resolution.
		if m.NextUpdate.IsZero() || c.Priority != prevPriority || !prevState.Open() {
			if m.LastUpdate.IsZero() {
				m.LastUpdate = now
			}
			loc, err := s.caseLoc(ctx, tx, c)
			if err != nil {
				return err
			}
			m.NextUpdate = µs(s.opt.SLA.NextUpdate(c.Priority, now, lc.QuietHours, loc))
			if err := s.arm(ctx, tx, c, TimerProgress, m.NextUpdate); err != nil {
				return err
			}
		}
	default:
		m.NextUpdate = time.Time{} // SPEC §5: updates until resolved
	}
	if c.State == cases.StateResolved && prevState != cases.StateResolved {
		if c.Priority == cases.P1 || c.Priority == cases.P2 {
			if err := s.arm(ctx, tx, c, TimerSurveyCallback, m.Resolved.Add(lc.CallbackAfter)); err != nil {
				return err
			}
		}
		// The care plan's follow-up (care.go) replaces the legacy task.
		followed, err := s.careAfterService(ctx, tx, c, now)
		if err != nil {
			return err
		}
		if lc.FollowUp.Enabled && !followed {
			if err := s.arm(ctx, tx, c, TimerFollowUp, m.Resolved.Add(lc.FollowUp.Delay)); err != nil {
				return err
			}
		}
	}
	if next := s.opt.SLA.NextCheck(c, now); !next.IsZero() {
		return s.arm(ctx, tx, c, TimerSLA, next)
	}
	return nil
}

// caseLoc is the clock of c's customer (custLoc of their conversation).
func (s *Service) caseLoc(ctx context.Context, tx Tx, c *cases.Case) (*time.Location, error) {
	if c.ConversationID == 0 {
		return s.lc().Location, nil
	}
	conv, err := tx.ConversationGet(ctx, c.ConversationID)
	if err != nil {
		return nil, err
	}
	return s.custLoc(zoneOf(&conv)), nil
}

// caseTimerFunc handles one case timer inside its transaction.
type caseTimerFunc func(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, t TimerArgs, now time.Time) error

// caseTimer returns the handler of a case timer, nil for dialog timers.
func (s *Service) caseTimer(name string) caseTimerFunc {
	switch name {
	case TimerProgress:
		return s.onProgress
	case TimerSLA:
		return s.onSLACheck
	case TimerSurveyCallback:
		return s.onSurveyCallback
	case TimerFollowUp:
		return s.onFollowUp
	}
	return nil
}

// handleCaseTimer runs h on the timer's case under the conversation's lock.
func (s *Service) handleCaseTimer(ctx context.Context, t TimerArgs, h caseTimerFunc) error {
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.CaseGet(ctx, t.CaseID)
		if cases.ErrorCode(err) == cases.ENotFound {
			return nil // the case is gone; nothing to do
		}
		if err != nil {
			return err
		}
		var conv *Conversation
		if c.ConversationID != 0 {
			cv, err := tx.ConversationGet(ctx, c.ConversationID)
			if err != nil {
				return err
			}
			if err := tx.Lock(ctx, convKey(cv.Channel, cv.ExternalUserID)); err != nil {
				return err
			}
			if c, err = tx.CaseGet(ctx, t.CaseID); err != nil { // as of the lock
				return err
			}
			conv = &cv
		} else if err := tx.Lock(ctx, fmt.Sprintf("case:%d", c.ID)); err != nil {
			return err
		}
		return h(ctx, tx, c, conv, t, now)
	})
	if err != nil {
		return fmt.Errorf("case %d timer %s: %w", t.CaseID, t.Name, err)
	}
	s.Wake()
	return nil
}

// onProgress sends the progress update that is due: the visible notes
// written since the last one, or an automatic status and an
// "update_overdue" entry for the handler when there are none.
func (s *Service) onProgress(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, t TimerArgs, now time.Time) error {
	log := s.opt.Logger.With("case_id", c.ID, "conversation_id", c.ConversationID)
	m := &c.Milestones
	if !c.State.Open() || !µs(t.Due).Equal(µs(m.NextUpdate)) {
		log.Debug("stale progress timer", "due", t.Due, "expected", m.NextUpdate, "state", c.State)
		return nil
	}
	lc, zone := s.lc(), zoneOf(conv)
	loc := s.custLoc(zone)
	// A timer that fires late (kefu was down) must still not wake the
	// customer: inside quiet hours it waits for their end.
	if at := lc.QuietHours.SendAt(c.Priority, now, loc); at.After(now) {
		m.NextUpdate = µs(at)
		if err := tx.CaseUpdate(ctx, c); err != nil {
			return err
		}
		return s.arm(ctx, tx, c, TimerProgress, m.NextUpdate)
	}
	hist, err := s.opt.Store.CaseHistory(ctx, c.ID)
	if err != nil {
		return err
	}
	next := µs(s.opt.SLA.NextUpdate(c.Priority, now, lc.QuietHours, loc))
	e := s.opt.Engine
	data := map[string]any{"Number": c.Number, "NextUpdate": e.FormatTimeIn(c.Language, zone, next)}
	msg := outMsg{Kind: KindProgress, Facts: s.caseFacts(c, zone, "", now)}
	msg.Facts.Next = s.nextStep(c, zone)
	var add []cases.Change
	if notes := progressNotes(hist, m.LastUpdate); len(notes) > 0 {
		lines := make([]string, len(notes))
		texts := make([]string, len(notes))
		for i, n := range notes {
			lines[i], texts[i] = "· "+n.To, n.To
		}
		data["Notes"] = strings.Join(lines, "\n")
		msg.Text = e.Render(c.Language, "progress.update", data)
		msg.Facts.Note = strings.Join(texts, "; ")
	} else {
		data["State"] = msg.Facts.Status
		data["Department"] = e.Render(c.Language, "dept."+string(c.Department), nil)
		data["Next"] = msg.Facts.Next
		msg.Text = e.Render(c.Language, "progress.status", data)
		since := m.LastUpdate
		add = append(add, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: HistUpdateOverdue,
			Reason: "no customer-visible progress note since " + since.UTC().Format(time.RFC3339) + "; an automatic status was queued"})
		log.Info("progress update overdue: automatic status queued", "priority", c.Priority)
	}
	if conv == nil {
		// A hotline or dealer case without a channel: a person calls
		// with the update (SPEC §5 still wants it).
		if _, err := s.createTask(ctx, tx, c, TaskCallback, fmt.Sprintf("progress:%d:%d", c.ID, t.Due.UnixMicro()), next,
			"progress update due and the customer has no channel: call them", now); err != nil {
			return err
		}
	} else if err := s.queue(ctx, tx, conv, sendingFor(conv, c, false), []outMsg{msg}, now); err != nil {
		// Quiet hours were applied to the timer already (above).
		return err
	}
	m.LastUpdate, m.NextUpdate = now, next
	if err := tx.CaseUpdate(ctx, c); err != nil {
		return err
	}
	if err := tx.CaseHistoryInsert(ctx, add...); err != nil {
		return err
	}
	if len(add) > 0 {
		if err := s.emit(ctx, tx, EventCaseUpdated, c, map[string]any{"by": cases.System.Actor(), "actions": []string{HistUpdateOverdue}}, now); err != nil {
			return err
		}
	}
	return s.arm(ctx, tx, c, TimerProgress, next)
}

// progressNotes are the notes the next update carries: cases.ProgressSince
// without an agent's direct replies, which the customer has already read.
func progressNotes(hist []cases.Change, since time.Time) []cases.Change {
	var out []cases.Change
	for _, n := range cases.ProgressSince(hist, since) {
		if n.Reason != "agent reply" {
			out = append(out, n)
		}
	}
	return out
}

// nextStep says what comes next, for the automatic status.
func (s *Service) nextStep(c *cases.Case, zone string) string {
	e := s.opt.Engine
	switch {
	case c.State == cases.StatePendingApproval:
		return e.Render(c.Language, "progress.next.approval", nil)
	case c.Plan != nil && c.Plan.Status == cases.PlanInEffect:
		return e.Render(c.Language, "progress.next.work", s.planText(c, zone))
	}
	return e.Render(c.Language, "progress.next.plan", map[string]any{"Department": e.Render(c.Language, "dept."+string(c.Department), nil)})
}

// onSLACheck records every missed deadline at the escalation step it has
// reached, once per clock and step, and arms the next check.
func (s *Service) onSLACheck(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, t TimerArgs, now time.Time) error {
	breaches := s.opt.SLA.Breaches(c, now)
	var add []cases.Change
	var fresh []cases.Breach
	if len(breaches) > 0 {
		hist, err := s.opt.Store.CaseHistory(ctx, c.ID)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, h := range hist {
			if h.Action == HistSLABreached {
				seen[h.Field+"/"+h.To] = true
			}
		}
		for _, b := range breaches {
			if seen[string(b.Clock.Name)+"/"+b.Step.Target] {
				continue
			}
			fresh = append(fresh, b)
			add = append(add, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: HistSLABreached,
				Field: string(b.Clock.Name), To: b.Step.Target,
				Reason: fmt.Sprintf("due %s; escalation level %d", b.Clock.Due.UTC().Format(time.RFC3339), b.Step.Level)})
			s.opt.Logger.Warn("SLA deadline missed", "case_id", c.ID, "conversation_id", c.ConversationID,
				"clock", b.Clock.Name, "due", b.Clock.Due, "target", b.Step.Target, "level", b.Step.Level)
			s.opt.Observer.Breached(b.Clock.Name, b.Step.Level)
		}
	}
	if len(add) > 0 {
		c.Escalated = true
		if err := tx.CaseUpdate(ctx, c); err != nil {
			return err
		}
		if err := tx.CaseHistoryInsert(ctx, add...); err != nil {
			return err
		}
		for _, b := range fresh {
			if err := s.emit(ctx, tx, EventSLABreached, c, map[string]any{
				"clock": string(b.Clock.Name), "due": b.Clock.Due.UTC(), "level": b.Step.Level, "target": b.Step.Target, "role": string(b.Step.Role),
			}, now); err != nil {
				return err
			}
		}
	}
	if next := s.opt.SLA.NextCheck(c, now); !next.IsZero() {
		return s.arm(ctx, tx, c, TimerSLA, next)
	}
	return nil
}

// resolvedSince reports whether c is still resolved (or closed) from the
// resolution a timer armed at due = Resolved + after belongs to: a reopen
// or a later resolution makes the timer stale.
func resolvedSince(c *cases.Case, due time.Time, after time.Duration) bool {
	if c.State != cases.StateResolved && c.State != cases.StateClosed || c.Milestones.Resolved.IsZero() {
		return false
	}
	return !µs(due).Before(µs(c.Milestones.Resolved.Add(after)))
}

// onSurveyCallback creates the phone callback of a P1/P2 case whose survey
// stayed unanswered for CallbackAfter since it was sent. The survey starts
// after the function check, so when it went out later than the resolution
// the timer waits for its own 24 h.
func (s *Service) onSurveyCallback(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, t TimerArgs, now time.Time) error {
	lc := s.lc()
	if !resolvedSince(c, t.Due, lc.CallbackAfter) || (c.Priority != cases.P1 && c.Priority != cases.P2) {
		return nil
	}
	resolved := c.Milestones.Resolved
	hist, err := s.opt.Store.CaseHistory(ctx, c.ID)
	if err != nil {
		return err
	}
	var msgs []channels.StoredMessage
	if conv != nil {
		if msgs, err = s.opt.Store.MessagesList(ctx, MessagesListParams{ConversationID: conv.ID, Limit: 1000}); err != nil {
			return err
		}
	}
	sent, answered := surveyMoments(resolved, hist, msgs)
	if !answered.IsZero() {
		return nil
	}
	if sent.IsZero() {
		sent = resolved
	}
	if due := sent.Add(lc.CallbackAfter); due.After(now) {
		return s.arm(ctx, tx, c, TimerSurveyCallback, due)
	}
	_, err = s.createTask(ctx, tx, c, TaskCallback, fmt.Sprintf("callback:%d:%d", c.ID, resolved.UnixMicro()),
		now.Add(lc.CallbackWithin), fmt.Sprintf("survey not answered within %s", lc.CallbackAfter), now)
	return err
}

// onFollowUp creates the post-service follow-up task of a resolution.
func (s *Service) onFollowUp(ctx context.Context, tx Tx, c *cases.Case, conv *Conversation, t TimerArgs, now time.Time) error {
	lc := s.lc()
	if !lc.FollowUp.Enabled || !resolvedSince(c, t.Due, lc.FollowUp.Delay) {
		return nil
	}
	resolved := c.Milestones.Resolved
	_, err := s.createTask(ctx, tx, c, TaskFollowUp, fmt.Sprintf("follow_up:%d:%d", c.ID, resolved.UnixMicro()),
		resolved.Add(lc.FollowUp.Within), fmt.Sprintf("post-service follow-up within %s of resolution", lc.FollowUp.Within), now)
	return err
}

// createTask creates the task of key once; it reports whether it did now.
func (s *Service) createTask(ctx context.Context, tx Tx, c *cases.Case, kind TaskKind, key string, due time.Time, why string, now time.Time) (bool, error) {
	task, inserted, err := tx.TaskInsert(ctx, TaskParams{CaseID: c.ID, Kind: kind, Key: key, CreatedAt: now, DueAt: due})
	if err != nil || !inserted {
		return false, err
	}
	s.opt.Logger.Info("task created", "case_id", c.ID, "conversation_id", c.ConversationID, "task_id", task.ID, "kind", kind, "due", due)
	return true, tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: HistTask,
		Field: string(kind), To: fmt.Sprintf("#%d", task.ID), Reason: why})
}

// afterReopen restarts the cadence of a case the customer reopened.
func (s *Service) afterReopen(ctx context.Context, tx Tx, c *cases.Case, now time.Time) error {
	return s.reschedule(ctx, tx, c, cases.StateResolved, c.Priority, now)
}
