package cases

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Lifecycle operations after intake (SPEC §4–§6). Each checks the acting
// user's permission, validates everything before it changes anything (a
// refused operation leaves the case as it was), and returns the history
// entries to store in the same transaction as the case. Input problems are
// EInvalid errors naming the field ("plan.promised_at: ..."); asking for an
// operation the case's state does not allow is EConflict (409 at the API).
//
// Notes are history entries (Action "note") with Change.Visible set for the
// ones the customer is shown: the progress cadence sends the visible notes
// written since the last update (ProgressSince), and the case record keeps
// every note in order with everything else, which SPEC §9 asks for.

// History actions written by the lifecycle, besides "state" (Transition).
const (
	HistNote          = "note"
	HistPlan          = "plan"           // a plan was written (To: the plan)
	HistPlanApproved  = "plan_approved"  // Reason: the head's comment
	HistPlanRejected  = "plan_rejected"  // Reason: the head's comment
	HistPlanChanged   = "plan_changed"   // From/To: old and new plan, Reason: why
	HistPlanWithdrawn = "plan_withdrawn" // the case moved to another department
	HistResolved      = "resolved"       // To: the proof text, Reason: attachment and link
	HistOverride      = "override"       // Field: category, subtype, priority, department or start_by
	HistEscalated     = "escalated"      // To: who was told at once

	// NoteReasonPlanChange marks the visible note carrying a plan change's
	// alternative, which is sent at once rather than with the next update.
	NoteReasonPlanChange = "plan change"
)

// PlanType is a kind of handling plan (处理方案, SPEC §4).
type PlanType string

const (
	PlanOnSiteRepair   PlanType = "onsite_repair"   // 上门维修
	PlanFactoryRepair  PlanType = "factory_repair"  // 返厂维修
	PlanExchange       PlanType = "exchange"        // 换货
	PlanRefund         PlanType = "refund"          // 退款
	PlanRemoteGuidance PlanType = "remote_guidance" // 远程指导
	PlanReship         PlanType = "reship"          // 补发 / 重发
	PlanRepair         PlanType = "repair"          // quality: e.g. free repair plus extended warranty
	PlanCompensation   PlanType = "compensation"    // 补偿
	PlanStandardAnswer PlanType = "standard_answer" // 标准答复
	PlanGuide          PlanType = "guide"           // 使用指南
	PlanExpertAnswer   PlanType = "expert_answer"   // a complex question's second, expert answer
)

// PlanTypes is SPEC §4's list of plans per category, in the order a
// department would offer them.
var PlanTypes = map[Category][]PlanType{
	CategoryTechnical:    {PlanOnSiteRepair, PlanFactoryRepair, PlanExchange, PlanRefund, PlanRemoteGuidance},
	CategoryLogistics:    {PlanReship, PlanExchange},
	CategoryQuality:      {PlanRepair, PlanExchange, PlanCompensation},
	CategoryConsultation: {PlanStandardAnswer, PlanGuide, PlanExpertAnswer},
}

// Time limits a plan must keep (SPEC §4), counted from when it is written.
const (
	P1OnSiteWithin     = 48 * time.Hour // a P1 on-site inspection
	ArrivalSameCity    = 24 * time.Hour // logistics reship or exchange
	ArrivalOtherCity   = 48 * time.Hour
	ExpertAnswerWithin = time.Hour
)

// NeedsFunctionCheck reports whether the customer is asked, after
// resolution, whether the product works again (SPEC §6: repair and exchange).
func (t PlanType) NeedsFunctionCheck() bool {
	switch t {
	case PlanOnSiteRepair, PlanFactoryRepair, PlanRepair, PlanExchange:
		return true
	}
	return false
}

// PlanParams is what the handler writes.
type PlanParams struct {
	Type        PlanType
	Description string
	PromisedAt  time.Time // promised completion; for logistics the arrival time
	VisitAt     time.Time // on-site repair: when the engineer will be there
	SameCity    bool      // logistics: delivered within the same city (24 h, else 48 h)
}

// PlanStatus says whether a plan may be carried out.
type PlanStatus string

const (
	PlanPendingApproval PlanStatus = "pending_approval" // P1: waits for the department head
	PlanInEffect        PlanStatus = "in_effect"
	PlanRejected        PlanStatus = "rejected" // back with the handler, see Comment
)

// Plan is the case's current handling plan; earlier ones live in the history.
type Plan struct {
	PlanParams
	Version   int // 1 for the first plan; every new or changed plan adds one
	Status    PlanStatus
	Author    string // Change.Actor of the writer
	WrittenAt time.Time
	DecidedBy string // Change.Actor of the head who approved or rejected it
	DecidedAt time.Time
	Comment   string // the head's comment
}

// String is the plan as one history line.
func (p *Plan) String() string {
	if p == nil {
		return ""
	}
	s := string(p.Type)
	if !p.VisitAt.IsZero() {
		s += ", visit " + p.VisitAt.Format(histTime)
	}
	return s + ", by " + p.PromisedAt.Format(histTime) + ": " + p.Description
}

const histTime = "2006-01-02 15:04 -07:00"

// validate names the first problem of a plan for c written at now.
func (p PlanParams) validate(c *Case, now time.Time) error {
	if !c.Category.Valid() {
		return c.conflict("classify it first: the plan types depend on the category")
	}
	types := PlanTypes[c.Category]
	ok := false
	for _, t := range types {
		ok = ok || t == p.Type
	}
	switch {
	case p.Type == "":
		return invalid("plan.type: required, one of %s", joinTypes(types))
	case !ok:
		return invalid("plan.type: %q is not a plan for a %s case (%s)", p.Type, c.Category, joinTypes(types))
	case strings.TrimSpace(p.Description) == "":
		return invalid("plan.description: required")
	case p.PromisedAt.IsZero():
		return invalid("plan.promised_at: required")
	case !p.PromisedAt.After(now):
		return invalid("plan.promised_at: %s is not in the future", p.PromisedAt.Format(histTime))
	}
	if p.Type == PlanOnSiteRepair {
		switch {
		case p.VisitAt.IsZero():
			return invalid("plan.visit_at: required for an on-site repair (the customer has to be there)")
		case !p.VisitAt.After(now):
			return invalid("plan.visit_at: %s is not in the future", p.VisitAt.Format(histTime))
		case p.VisitAt.After(p.PromisedAt):
			return invalid("plan.visit_at: %s is after the promised completion %s", p.VisitAt.Format(histTime), p.PromisedAt.Format(histTime))
		case c.Priority == P1 && p.VisitAt.After(now.Add(P1OnSiteWithin)):
			return invalid("plan.visit_at: a P1 on-site inspection must happen within 48 h, by %s", now.Add(P1OnSiteWithin).Format(histTime))
		}
	}
	if c.Category == CategoryLogistics {
		limit, where := ArrivalOtherCity, "another city"
		if p.SameCity {
			limit, where = ArrivalSameCity, "the same city"
		}
		if p.PromisedAt.After(now.Add(limit)) {
			return invalid("plan.promised_at: a delivery within %s must arrive within %d h, by %s", where, int(limit.Hours()), now.Add(limit).Format(histTime))
		}
	}
	if p.Type == PlanExpertAnswer && p.PromisedAt.After(now.Add(ExpertAnswerWithin)) {
		return invalid("plan.promised_at: an expert answer is due within 1 h, by %s", now.Add(ExpertAnswerWithin).Format(histTime))
	}
	return nil
}

func joinTypes(ts []PlanType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func invalid(format string, a ...any) error { return Errorf(EInvalid, fmt.Sprintf(format, a...)) }

func (c *Case) conflict(format string, a ...any) error {
	return Errorf(EConflict, fmt.Sprintf("case %s is %s: ", c.Number, c.State)+fmt.Sprintf(format, a...))
}

// entry is a history entry by u at now.
func (c *Case) entry(u User, now time.Time, action string) Change {
	return Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: action}
}

// move is Transition for a move the caller has already checked; the
// operations check first so that a refusal leaves the case untouched.
func (c *Case) move(u User, to State, reason string, now time.Time) []Change {
	if c.State == to {
		return nil
	}
	ch, err := c.Transition(to, u.Actor(), reason, now)
	if err != nil {
		panic(err) // a lifecycle operation did not check its own move
	}
	return []Change{ch}
}

func (c *Case) started(now time.Time) {
	if c.Milestones.Started.IsZero() {
		c.Milestones.Started = now
	}
}

// SetPlan writes the plan of an assigned case, or replaces a plan still
// waiting for approval. A P1 plan waits for the department head (Approve),
// even one the head wrote, so the approval is its own entry in the record;
// any other plan takes effect at once, which starts handling.
func (c *Case) SetPlan(u User, p PlanParams, now time.Time) ([]Change, error) {
	if err := u.Can(ActionPlan, c); err != nil {
		return nil, err
	}
	if c.State != StateAssigned && c.State != StatePendingApproval {
		return nil, c.conflict("a plan is written once the case is assigned; a plan in effect is changed with a plan change")
	}
	if err := p.validate(c, now); err != nil {
		return nil, err
	}
	plan := &Plan{PlanParams: p, Version: 1, Author: u.Actor(), WrittenAt: now}
	h := c.entry(u, now, HistPlan)
	if c.Plan != nil {
		plan.Version = c.Plan.Version + 1
		if c.Plan.Status == PlanPendingApproval {
			h.From = c.Plan.String()
		}
	}
	h.To = plan.String()
	hist := []Change{h}
	if c.Milestones.PlanWritten.IsZero() {
		c.Milestones.PlanWritten = now
	}
	if c.Priority == P1 {
		plan.Status = PlanPendingApproval
		hist = append(hist, c.move(u, StatePendingApproval, "P1 plan waits for the department head", now)...)
	} else {
		plan.Status = PlanInEffect
		hist = append(hist, c.move(u, StatePlanned, "plan in effect", now)...)
		c.started(now)
	}
	c.Plan = plan
	c.UpdatedAt = now
	return hist, nil
}

// Approve puts a pending P1 plan into effect; only the case's department
// head (or an admin) may.
func (c *Case) Approve(u User, comment string, now time.Time) ([]Change, error) {
	if err := u.Can(ActionApprove, c); err != nil {
		return nil, err
	}
	if c.State != StatePendingApproval || c.Plan == nil || c.Plan.Status != PlanPendingApproval {
		return nil, c.conflict("there is no plan waiting for approval")
	}
	c.Plan.Status, c.Plan.DecidedBy, c.Plan.DecidedAt, c.Plan.Comment = PlanInEffect, u.Actor(), now, strings.TrimSpace(comment)
	h := c.entry(u, now, HistPlanApproved)
	h.To, h.Reason = c.Plan.String(), c.Plan.Comment
	hist := append([]Change{h}, c.move(u, StatePlanned, "plan approved", now)...)
	c.started(now)
	c.UpdatedAt = now
	return hist, nil
}

// Reject returns a pending P1 plan to the handler with the head's comment;
// the case is assigned again and waits for a new plan.
func (c *Case) Reject(u User, comment string, now time.Time) ([]Change, error) {
	if err := u.Can(ActionApprove, c); err != nil {
		return nil, err
	}
	if c.State != StatePendingApproval || c.Plan == nil || c.Plan.Status != PlanPendingApproval {
		return nil, c.conflict("there is no plan waiting for approval")
	}
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return nil, invalid("comment: required when rejecting a plan, so the handler knows what to change")
	}
	c.Plan.Status, c.Plan.DecidedBy, c.Plan.DecidedAt, c.Plan.Comment = PlanRejected, u.Actor(), now, comment
	h := c.entry(u, now, HistPlanRejected)
	h.From, h.Reason = c.Plan.String(), comment
	hist := append([]Change{h}, c.move(u, StateAssigned, "plan rejected", now)...)
	c.UpdatedAt = now
	return hist, nil
}

// NoteParams is a progress note; Visible ones are sent to the customer
// with the next progress update.
type NoteParams struct {
	Text    string
	Visible bool
}

// AddNote records a progress note. A closed case takes internal notes only:
// nobody would send a visible one. A customer's own note is never visible:
// it would be echoed back to them as progress.
func (c *Case) AddNote(u User, n NoteParams, now time.Time) ([]Change, error) {
	if err := u.Can(ActionNote, c); err != nil {
		return nil, err
	}
	if u.Role == RoleCustomer {
		n.Visible = false
	}
	text := strings.TrimSpace(n.Text)
	if text == "" {
		return nil, invalid("note.text: required")
	}
	if n.Visible && c.State == StateClosed {
		return nil, c.conflict("a customer-visible note would never be sent; write an internal one or reopen the case")
	}
	h := c.entry(u, now, HistNote)
	h.To, h.Visible = text, n.Visible
	c.UpdatedAt = now
	return []Change{h}, nil
}

// Start records that work on a plan in effect has begun (e.g. the engineer
// has left).
func (c *Case) Start(u User, now time.Time) ([]Change, error) {
	if err := u.Can(ActionPlan, c); err != nil {
		return nil, err
	}
	if c.State != StatePlanned {
		return nil, c.conflict("work starts on a plan in effect")
	}
	hist := c.move(u, StateInProgress, "work started", now)
	c.started(now)
	c.UpdatedAt = now
	return hist, nil
}

// ChangePlanParams is a plan change (异常处理): why the plan cannot be kept,
// what the customer gets meanwhile, and the new plan.
type ChangePlanParams struct {
	Reason      string // e.g. "part out of stock"
	Alternative string // customer-facing, e.g. "a loaner unit arrives tomorrow"
	Plan        PlanParams
}

// ChangePlan replaces a plan in effect. SPEC §5: the department head is told
// at once (an "escalated" entry, and Escalated is set) and the customer is
// told the alternative in the same step (a visible note to send now, not
// with the next update). A changed P1 plan waits for approval again; other
// plans take effect at once.
func (c *Case) ChangePlan(u User, p ChangePlanParams, now time.Time) ([]Change, error) {
	if err := u.Can(ActionChangePlan, c); err != nil {
		return nil, err
	}
	if (c.State != StatePlanned && c.State != StateInProgress) || c.Plan == nil || c.Plan.Status != PlanInEffect {
		return nil, c.conflict("only a plan in effect can be changed")
	}
	reason, alt := strings.TrimSpace(p.Reason), strings.TrimSpace(p.Alternative)
	if reason == "" {
		return nil, invalid("plan_change.reason: required")
	}
	if alt == "" {
		return nil, invalid("plan_change.alternative: required, what the customer is offered meanwhile (e.g. a loaner unit)")
	}
	if err := p.Plan.validate(c, now); err != nil {
		return nil, err
	}
	plan := &Plan{PlanParams: p.Plan, Version: c.Plan.Version + 1, Status: PlanInEffect, Author: u.Actor(), WrittenAt: now}
	changed := c.entry(u, now, HistPlanChanged)
	changed.From, changed.To, changed.Reason = c.Plan.String(), plan.String(), reason
	note := c.entry(u, now, HistNote)
	note.To, note.Reason, note.Visible = alt, NoteReasonPlanChange, true
	esc := c.entry(u, now, HistEscalated)
	esc.To, esc.Reason = "department_head", "plan change: "+reason
	hist := []Change{changed, note, esc}
	if c.Priority == P1 {
		plan.Status = PlanPendingApproval
		hist = append(hist, c.move(u, StatePendingApproval, "changed P1 plan waits for the department head", now)...)
	}
	c.Plan = plan
	c.Escalated = true
	c.UpdatedAt = now
	return hist, nil
}

// ResolveParams is the proof of a resolution (repair record, delivery
// receipt, exchange confirmation): a text plus an attachment or a link.
type ResolveParams struct {
	Proof      string
	Attachment string // a stored attachment's reference
	Link       string // http(s) URL, e.g. the carrier's delivery receipt
}

// Resolve marks the case resolved with its proof; the customer must be told
// within the resolve-notice deadline (Milestones.ResolveNotified). A P1 case
// cannot be resolved without an approved plan: that is the point of approval.
func (c *Case) Resolve(u User, p ResolveParams, now time.Time) ([]Change, error) {
	if err := u.Can(ActionResolve, c); err != nil {
		return nil, err
	}
	switch {
	case c.State == StatePendingApproval:
		return nil, c.conflict("the plan still waits for the department head")
	case !CanTransition(c.State, StateResolved):
		return nil, c.conflict("it cannot be resolved now")
	case c.Priority == P1 && (c.Plan == nil || c.Plan.Status != PlanInEffect):
		return nil, c.conflict("a P1 case is resolved by carrying out an approved plan")
	}
	p.Proof, p.Attachment, p.Link = strings.TrimSpace(p.Proof), strings.TrimSpace(p.Attachment), strings.TrimSpace(p.Link)
	if p.Proof == "" {
		return nil, invalid("resolution.proof: required, what was done (repair record, delivery receipt, exchange confirmation)")
	}
	if p.Attachment == "" && p.Link == "" {
		return nil, invalid("resolution.attachment: an attachment or a link to the proof is required")
	}
	if p.Link != "" {
		if l, err := url.Parse(p.Link); err != nil || (l.Scheme != "http" && l.Scheme != "https") || l.Host == "" {
			return nil, invalid("resolution.link: %q is not an http(s) link", p.Link)
		}
	}
	h := c.entry(u, now, HistResolved)
	h.Field, h.To = "proof", p.Proof
	var where []string
	if p.Attachment != "" {
		where = append(where, "attachment: "+p.Attachment)
	}
	if p.Link != "" {
		where = append(where, "link: "+p.Link)
	}
	h.Reason = strings.Join(where, "; ")
	hist := append(c.move(u, StateResolved, "resolved", now), h)
	c.Resolution = &Resolution{ResolveParams: p, By: u.Actor(), At: now}
	c.started(now)
	c.Milestones.Resolved, c.Milestones.ResolveNotified, c.Milestones.NoticeFrom = now, time.Time{}, time.Time{}
	c.UpdatedAt = now
	return hist, nil
}

// Resolution is the proof of the latest resolution.
type Resolution struct {
	ResolveParams
	By string // Change.Actor
	At time.Time
}

// Reopen puts a resolved or closed case back in progress, e.g. when the
// customer's function check fails. The proof and resolution clock go (the
// history keeps them): the next resolution gets a fresh 1 h notice clock.
func (c *Case) Reopen(u User, reason string, now time.Time) ([]Change, error) {
	if err := u.Can(ActionReopen, c); err != nil {
		return nil, err
	}
	if c.State != StateResolved && c.State != StateClosed {
		return nil, c.conflict("only a resolved or closed case can be reopened")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason: required, why the case is reopened")
	}
	hist := c.move(u, StateInProgress, "reopened: "+reason, now)
	c.Resolution = nil
	c.Milestones.Resolved, c.Milestones.ResolveNotified, c.Milestones.NoticeFrom, c.Milestones.Closed = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	c.UpdatedAt = now
	return hist, nil
}

// Close ends the case. An unresolved case needs a reason (duplicate,
// withdrawn, invalid complaint) because its clocks stop unmet.
func (c *Case) Close(u User, reason string, now time.Time) ([]Change, error) {
	if err := u.Can(ActionClose, c); err != nil {
		return nil, err
	}
	if !CanTransition(c.State, StateClosed) {
		return nil, c.conflict("it cannot be closed")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" && c.State != StateResolved {
		return nil, invalid("reason: required to close a case that was not resolved")
	}
	if reason == "" {
		reason = "closed"
	}
	hist := c.move(u, StateClosed, reason, now)
	c.Milestones.Closed = now
	c.UpdatedAt = now
	return hist, nil
}

// OverrideParams is a supervisor's correction; empty fields stay as they are.
type OverrideParams struct {
	Category   Category
	Subtype    string // with a new category; cleared when the category changes without one
	Priority   Priority
	Department Department // defaults to the new category's department
	Reason     string
}

// Override corrects category, priority and department (SPEC §3). A new
// priority recomputes start-by from registration (as the intake does) and a
// new P1 is reported to the department head at once; a P1 plan waiting for
// approval that is no longer P1 takes effect. A new department is a new
// assignment: the plan clock restarts and a plan of the old department is
// withdrawn, because the new one writes its own.
func (c *Case) Override(u User, p OverrideParams, policy SLAPolicy, now time.Time) ([]Change, error) {
	if err := u.Can(ActionOverride, c); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(p.Reason)
	switch {
	case p.Category != "" && !p.Category.Valid():
		return nil, invalid("override.category: %q is not one of technical, logistics, quality, consultation", p.Category)
	case p.Priority != "" && !p.Priority.Valid():
		return nil, invalid("override.priority: %q is not one of P1, P2, P3", p.Priority)
	case p.Department != "" && !p.Department.Valid():
		return nil, invalid("override.department: %q is not one of technical_support, logistics, quality_control, customer_service", p.Department)
	case p.Priority != "" && policy.StartBy[p.Priority] <= 0:
		return nil, Errorf(EInternal, fmt.Sprintf("sla.start_by.%s: not configured", p.Priority))
	case reason == "":
		return nil, invalid("override.reason: required")
	}
	cat, sub, pr, dept := c.Category, c.Subtype, c.Priority, c.Department
	if p.Category != "" && p.Category != cat {
		cat, sub, dept = p.Category, p.Subtype, Route(p.Category)
	} else if p.Subtype != "" {
		sub = p.Subtype
	}
	if p.Priority != "" {
		pr = p.Priority
	}
	if p.Department != "" {
		dept = p.Department
	}
	if cat == c.Category && sub == c.Subtype && pr == c.Priority && dept == c.Department {
		return nil, invalid("override: nothing to change")
	}
	var hist []Change
	set := func(field, from, to string) {
		if from != to {
			h := c.entry(u, now, HistOverride)
			h.Field, h.From, h.To, h.Reason = field, from, to, reason
			hist = append(hist, h)
		}
	}
	set("category", string(c.Category), string(cat))
	set("subtype", c.Subtype, sub)
	set("priority", string(c.Priority), string(pr))
	set("department", string(c.Department), string(dept))
	newDept, newPr := dept != c.Department, pr != c.Priority
	c.Category, c.Subtype, c.Priority, c.Department = cat, sub, pr, dept
	if newDept && c.Assignee != 0 {
		// The person was of the old department; the new one assigns its own.
		h := c.entry(u, now, HistAssignee)
		h.Field, h.From, h.Reason = "assignee", User{ID: c.Assignee, Role: RoleHandler}.Actor(), "moved to "+string(dept)
		hist = append(hist, h)
		c.Assignee = 0
	}
	if newPr {
		old := c.Deadlines.StartBy
		c.Deadlines.StartBy = c.registeredAt().Add(policy.StartBy[pr])
		set("start_by", fmtTime(old), fmtTime(c.Deadlines.StartBy))
	}
	if newDept && c.State.Open() && c.State != StateRegistered {
		if c.Plan != nil {
			h := c.entry(u, now, HistPlanWithdrawn)
			h.From, h.Reason = c.Plan.String(), "moved to "+string(dept)
			hist = append(hist, h)
			c.Plan = nil
		}
		hist = append(hist, c.move(u, StateAssigned, "moved to "+string(dept), now)...)
		c.Milestones.Assigned, c.Milestones.PlanWritten = now, time.Time{}
	}
	if newPr && pr != P1 && c.State == StatePendingApproval && c.Plan != nil {
		c.Plan.Status = PlanInEffect
		hist = append(hist, c.move(u, StatePlanned, "no longer P1: the plan needs no approval", now)...)
		c.started(now)
	}
	if pr == P1 && c.State.Open() && (newPr || newDept) {
		c.Escalated = true
		h := c.entry(u, now, HistEscalated)
		h.To, h.Reason = "department_head", "P1"
		hist = append(hist, h)
	}
	c.UpdatedAt = now
	return hist, nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
