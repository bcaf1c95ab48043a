package cases

import (
	"fmt"
	"time"
)

// Category is the problem category (问题分类, SPEC §3).
type Category string

const (
	CategoryTechnical    Category = "technical"
	CategoryLogistics    Category = "logistics"
	CategoryQuality      Category = "quality"
	CategoryConsultation Category = "consultation"
)

// Categories lists all categories in the order of SPEC §3.
var Categories = []Category{CategoryTechnical, CategoryLogistics, CategoryQuality, CategoryConsultation}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Priority is P1 (urgent), P2 (important) or P3 (normal).
type Priority string

const (
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return p == P1 || p == P2 || p == P3 }

// Higher reports whether p is more urgent than q.
func (p Priority) Higher(q Priority) bool { return q == "" || (p != "" && p < q) }

// Department is the team responsible for a case (SPEC §4).
type Department string

const (
	DeptTechnicalSupport Department = "technical_support"
	DeptLogistics        Department = "logistics"
	DeptQualityControl   Department = "quality_control"
	DeptCustomerService  Department = "customer_service"
)

// State is a case's lifecycle state.
type State string

const (
	StateRegistered      State = "registered"       // fields confirmed, case number given
	StateAssigned        State = "assigned"         // classified and sent to a department
	StatePendingApproval State = "pending_approval" // P1 plan waiting for the department head
	StatePlanned         State = "planned"
	StateInProgress      State = "in_progress"
	StateResolved        State = "resolved"
	StateClosed          State = "closed"
)

// transitions is the lifecycle table; anything not listed is refused, so a
// bug or a stale console cannot move a case backwards silently. Planned and
// in-progress cases go back to assigned when a supervisor moves them to another
// department, which then writes its own plan.
var transitions = map[State][]State{
	StateRegistered:      {StateAssigned, StateClosed},
	StateAssigned:        {StatePendingApproval, StatePlanned, StateInProgress, StateResolved, StateClosed},
	StatePendingApproval: {StatePlanned, StateAssigned, StateClosed},
	StatePlanned:         {StateInProgress, StatePendingApproval, StateResolved, StateClosed, StateAssigned},
	StateInProgress:      {StatePendingApproval, StatePlanned, StateResolved, StateClosed, StateAssigned},
	StateResolved:        {StateInProgress, StateClosed},
	StateClosed:          {StateInProgress},
}

// CanTransition reports whether a case may move from one state to another.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Open reports whether the case still needs work.
func (s State) Open() bool { return s != StateResolved && s != StateClosed }

// Case is one after-sales case (售后工单).
type Case struct {
	ID             int64
	Number         string // customer-facing, e.g. K-000042
	CustomerID     int64
	ConversationID int64
	Channel        string // channel the case was opened on
	Source         string // e.g. "webchat", "phone", "dealer"
	Language       string
	Fields         map[FieldKey]string
	Category       Category
	Subtype        string
	Priority       Priority
	Reasons        []string // why this category and priority (matched rules)
	Department     Department
	// Assignee is the one person responsible for the case (SPEC §4,
	// 责任到人): a user id, 0 while the department as a whole has it.
	Assignee  int64
	State     State
	Escalated bool // P1: reported to the department manager at once
	Deadlines Deadlines
	CreatedAt time.Time
	UpdatedAt time.Time

	Plan       *Plan       // current handling plan (lifecycle.go); nil until one is written
	Resolution *Resolution // proof of the latest resolution; nil while open and after a reopen
	Milestones Milestones  // when each SLA clock stopped (escalation.go)

	// Complaints about the case, oldest first (complaint.go, SPEC §7).
	Complaints []Complaint
}

// NumberFor formats the customer-facing case number for a stored id.
func NumberFor(id int64) string { return fmt.Sprintf("K-%06d", id) }

// Change is one entry of a case's history: who changed what, when and why.
type Change struct {
	CaseID int64
	At     time.Time
	Actor  string // "bot", "customer", "user:<id>", "system"
	Action string // e.g. "registered", "field", "classified", "assigned", "state", "note"
	Field  string
	From   string
	To     string
	Reason string
	// Visible marks a note the customer is shown (progress updates, the
	// alternative of a plan change); false keeps it internal, which is also
	// what a store that does not know the flag yields.
	Visible bool
}

// Transition moves c to state to at now and returns the history entry, or an
// error naming both states when the table forbids it.
func (c *Case) Transition(to State, actor, reason string, now time.Time) (Change, error) {
	if !CanTransition(c.State, to) {
		return Change{}, &Error{Code: EInvalid, Message: fmt.Sprintf("case %s cannot go from %s to %s", c.Number, c.State, to)}
	}
	ch := Change{CaseID: c.ID, At: now, Actor: actor, Action: "state", From: string(c.State), To: string(to), Reason: reason}
	c.State = to
	c.UpdatedAt = now
	return ch, nil
}

// SetField updates one field and returns the history entry; ok is false when
// nothing changed.
func (c *Case) SetField(k FieldKey, v, actor, reason string, now time.Time) (Change, bool) {
	if c.Fields == nil {
		c.Fields = map[FieldKey]string{}
	}
	old := c.Fields[k]
	if old == v {
		return Change{}, false
	}
	c.Fields[k] = v
	c.UpdatedAt = now
	return Change{CaseID: c.ID, At: now, Actor: actor, Action: "field", Field: string(k), From: old, To: v, Reason: reason}, true
}
