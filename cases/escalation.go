package cases

import "time"

// Milestones are the moments the SLA clocks stop. The lifecycle operations
// set the ones they cause; the wiring sets FirstResponse, Registered,
// Classified, Assigned and ResolveNotified when it does those things.
type Milestones struct {
	FirstResponse   time.Time `json:"first_response,omitzero"` // the customer first got an answer that counts for SPEC §2
	Registered      time.Time `json:"registered,omitzero"`     // zero: CreatedAt (a case is stored at registration)
	Classified      time.Time `json:"classified,omitzero"`
	Assigned        time.Time `json:"assigned,omitzero"`     // again after a department override: the plan clock restarts
	PlanWritten     time.Time `json:"plan_written,omitzero"` // first plan since the assignment; a P1 plan counts when submitted
	Started         time.Time `json:"started,omitzero"`      // a plan took effect, work started, or the case was resolved
	Resolved        time.Time `json:"resolved,omitzero"`     // the latest resolution; zero again after a reopen
	ResolveNotified time.Time `json:"resolve_notified,omitzero"`
	// NoticeFrom is when the resolution notice may first reach the
	// customer: the end of their quiet hours when the case was resolved in
	// them (zero: at once). The resolve-notice deadline runs from it.
	NoticeFrom time.Time `json:"notice_from,omitzero"`
	Closed     time.Time `json:"closed,omitzero"`

	// The progress cadence (SPEC §5): when the customer last got a progress
	// update (registration counts as the first) and when the next one is
	// due. A progress timer due at any other time than NextUpdate is stale
	// (the cadence was re-planned) and does nothing.
	LastUpdate time.Time `json:"last_update,omitzero"`
	NextUpdate time.Time `json:"next_update,omitzero"`
}

// registeredAt is when the case was registered. The intake stores a case at
// registration, so CreatedAt stands in for cases stored before milestones.
func (c *Case) registeredAt() time.Time {
	if !c.Milestones.Registered.IsZero() {
		return c.Milestones.Registered
	}
	return c.CreatedAt
}

// assignedAt is when the department got the case. The intake registers,
// classifies and assigns in one step, so an assigned case without the
// milestone was assigned at registration.
func (c *Case) assignedAt() time.Time {
	if !c.Milestones.Assigned.IsZero() {
		return c.Milestones.Assigned
	}
	if c.State != StateRegistered && c.Department != "" {
		return c.registeredAt()
	}
	return time.Time{}
}

// ClockName names one SLA deadline.
type ClockName string

const (
	ClockFirstResponse  ClockName = "first_response" // 30 min from the first message (SPEC §2)
	ClockRegistration   ClockName = "registration"   // 2 h from the first message
	ClockClassification ClockName = "classification" // 1 h from registration (SPEC §3)
	ClockStartBy        ClockName = "start_by"       // 4/8/24 h from registration by priority
	ClockPlan           ClockName = "plan"           // 2 h from assignment (SPEC §4)
	ClockResolveNotice  ClockName = "resolve_notice" // 1 h from resolution (SPEC §6)
	ClockSurvey         ClockName = "survey"         // 24 h from the survey for the customer's answer (SPEC §6, §8)
)

// ClockStatus is where a deadline stands.
type ClockStatus string

const (
	ClockPending ClockStatus = "pending" // running, not yet due
	ClockMet     ClockStatus = "met"
	ClockMissed  ClockStatus = "missed" // due and not met, or met late (Done is then set)
	ClockNone    ClockStatus = "none"   // not started, or the case was closed before it fell due
)

// Clock is one deadline of a case at a given moment.
type Clock struct {
	Name   ClockName   `json:"name"`
	Start  time.Time   `json:"start,omitzero"`
	Due    time.Time   `json:"due,omitzero"`
	Done   time.Time   `json:"done,omitzero"`
	Status ClockStatus `json:"status"`
}

// Clocks returns every deadline of c at now, in the order a case lives
// through them. A resolution stops the start-by and plan clocks: a
// consultation answered at once needed neither a plan nor a separate start.
func (p SLAPolicy) Clocks(c *Case, now time.Time) []Clock {
	m, reg := c.Milestones, c.registeredAt()
	orResolved := func(t time.Time) time.Time {
		if t.IsZero() || (!m.Resolved.IsZero() && m.Resolved.Before(t)) {
			return m.Resolved
		}
		return t
	}
	first := time.Time{}
	if !c.Deadlines.FirstResponse.IsZero() {
		first = c.Deadlines.FirstResponse.Add(-p.FirstResponse)
	}
	startBy := c.Deadlines.StartBy
	if startBy.IsZero() && p.StartBy[c.Priority] > 0 {
		startBy = reg.Add(p.StartBy[c.Priority])
	}
	classified := m.Classified
	if classified.IsZero() && m.Registered.IsZero() && c.Category != "" && c.Priority != "" {
		classified = c.CreatedAt // the intake classifies at registration
	}
	ks := []Clock{
		{Name: ClockFirstResponse, Start: first, Due: c.Deadlines.FirstResponse, Done: m.FirstResponse},
		{Name: ClockRegistration, Start: first, Due: c.Deadlines.Registration, Done: reg},
		{Name: ClockClassification, Start: reg, Due: c.Deadlines.Classification, Done: classified},
		{Name: ClockStartBy, Start: reg, Due: startBy, Done: orResolved(m.Started)},
	}
	if a := c.assignedAt(); !a.IsZero() {
		ks = append(ks, Clock{Name: ClockPlan, Start: a, Due: a.Add(p.PlanWithin), Done: orResolved(m.PlanWritten)})
	} else {
		ks = append(ks, Clock{Name: ClockPlan})
	}
	if !m.Resolved.IsZero() {
		from := m.Resolved
		if m.NoticeFrom.After(from) {
			from = m.NoticeFrom
		}
		ks = append(ks, Clock{Name: ClockResolveNotice, Start: m.Resolved, Due: from.Add(p.ResolveNotice), Done: m.ResolveNotified})
	} else {
		ks = append(ks, Clock{Name: ClockResolveNotice})
	}
	for i := range ks {
		ks[i].Status = ks[i].status(now, m.Closed)
	}
	return ks
}

// SurveyClock is the satisfaction survey's deadline: sent is when the survey
// of the latest resolution went out (zero: not yet), answered when the
// customer scored it. Past the deadline a P1/P2 customer gets a call, so
// staff watch it like the other clocks; it lives outside Clocks because
// when the survey went out is known from the conversation, not the case.
func SurveyClock(sent, answered time.Time, within time.Duration, closed, now time.Time) Clock {
	k := Clock{Name: ClockSurvey, Start: sent, Done: answered}
	if !sent.IsZero() {
		k.Due = sent.Add(within)
	}
	k.Status = k.status(now, closed)
	return k
}

// status: a deadline is missed from the instant it falls due unmet, so a
// timer that fires exactly at Due sees the miss.
func (k Clock) status(now, closed time.Time) ClockStatus {
	switch {
	case k.Due.IsZero() || k.Start.IsZero():
		return ClockNone
	case !k.Done.IsZero() && !k.Done.After(k.Due):
		return ClockMet
	case !k.Done.IsZero():
		return ClockMissed
	case !closed.IsZero() && closed.Before(k.Due):
		return ClockNone
	case !now.Before(k.Due):
		return ClockMissed
	}
	return ClockPending
}

// Escalation targets, in chain order (SPEC §5, seed 002: 处理人 → 技术专员 →
// 部门经理 → 主管副总).
const (
	TargetHandler           = "handler"
	TargetSpecialist        = "specialist"
	TargetDepartmentManager = "department_manager"
	TargetExecutive         = "executive"
)

// EscalationStep is one link of the chain.
type EscalationStep struct {
	Level  int    `json:"level"`  // 0: the owner, nothing escalated yet
	Target string `json:"target"` // one of the Target constants
	// Role is who in kefu is told, within the case's department for handler
	// and head. Empty: the target is outside kefu (the sla.breached webhook
	// carries the level).
	Role Role `json:"role,omitempty"`
}

// EscalationChain is the chain for a department's cases. kefu has no
// technical-specialist role, so that step goes to the customer-service
// specialists, who watch the clocks and keep the customer informed. In
// customer service the specialist is already the owner, and the supervisor
// is its department manager.
func EscalationChain(d Department) []EscalationStep {
	if d == DeptCustomerService {
		return []EscalationStep{
			{Level: 0, Target: TargetSpecialist, Role: RoleSpecialist},
			{Level: 1, Target: TargetDepartmentManager, Role: RoleSupervisor},
			{Level: 2, Target: TargetExecutive},
		}
	}
	return []EscalationStep{
		{Level: 0, Target: TargetHandler, Role: RoleHandler},
		{Level: 1, Target: TargetSpecialist, Role: RoleSpecialist},
		{Level: 2, Target: TargetDepartmentManager, Role: RoleHead},
		{Level: 3, Target: TargetExecutive},
	}
}

// Escalation returns the step of chain that k has reached at now and when
// the next step falls due. The first breach goes one step up; every further
// full length of the deadline (another 4 h for a P1 start-by, another 30 min
// for a first response) without it being met goes one more, up to the top.
// A clock met late keeps the step it reached and escalates no further;
// next is zero when nothing more will happen, and the due time for a
// pending clock (when it may first escalate).
func (k Clock) Escalation(chain []EscalationStep, now time.Time) (step EscalationStep, next time.Time) {
	if len(chain) == 0 {
		return EscalationStep{}, time.Time{}
	}
	switch k.Status {
	case ClockPending:
		return chain[0], k.Due
	case ClockMissed:
	default:
		return chain[0], time.Time{}
	}
	at := now
	if !k.Done.IsZero() {
		at = k.Done
	}
	period := k.Due.Sub(k.Start)
	level := 1
	if period > 0 {
		level += int(at.Sub(k.Due) / period)
	}
	if level >= len(chain)-1 {
		return chain[len(chain)-1], time.Time{}
	}
	if !k.Done.IsZero() || period <= 0 {
		return chain[level], time.Time{}
	}
	return chain[level], k.Due.Add(time.Duration(level) * period)
}

// Breach is a missed deadline and where it stands on the chain.
type Breach struct {
	Clock Clock          `json:"clock"`
	Step  EscalationStep `json:"step"`
	Next  time.Time      `json:"next,omitzero"` // when it escalates again; zero at the top
}

// live reports whether k can still escalate: nothing does on a closed case,
// and on a resolved one only the customer's resolution notice is still owed.
func live(c *Case, k Clock) bool {
	switch {
	case c.State == StateClosed:
		return false
	case c.State == StateResolved:
		return k.Name == ClockResolveNotice
	}
	return k.Done.IsZero()
}

// Breaches returns the missed deadlines of c that are still unmet at now,
// with the escalation step each has reached.
func (p SLAPolicy) Breaches(c *Case, now time.Time) []Breach {
	chain := EscalationChain(c.Department)
	var out []Breach
	for _, k := range p.Clocks(c, now) {
		if k.Status == ClockMissed && k.Done.IsZero() && live(c, k) {
			step, next := k.Escalation(chain, now)
			out = append(out, Breach{Clock: k, Step: step, Next: next})
		}
	}
	return out
}

// NextCheck is the earliest moment after now at which a clock of c falls
// due or escalates again, or zero when none will: the one timer a case needs
// for its deadlines.
func (p SLAPolicy) NextCheck(c *Case, now time.Time) time.Time {
	chain := EscalationChain(c.Department)
	var next time.Time
	for _, k := range p.Clocks(c, now) {
		if !live(c, k) {
			continue
		}
		if _, t := k.Escalation(chain, now); !t.IsZero() && t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}
