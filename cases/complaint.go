package cases

import (
	"fmt"
	"strings"
	"time"
)

// Complaints (投诉处理, SPEC §7). A complaint belongs to a case and walks
// receive → judge → investigate → propose plans → carry out → summarize,
// and every complaint, valid or not, ends with a follow-up. Like the
// lifecycle operations, each step checks the acting user's permission,
// validates before it changes anything, and returns history entries; a step
// the complaint's stage does not allow is EConflict.
//
// Complaints are numbered from 1 within their case (Complaint.N), which is
// also how the API addresses them. Every history entry of a step has Field
// "complaint#N", From and To the stages before and after, and Reason the
// step's content, so the case record reads as the complaint's file.

// ComplaintStage is where a complaint is; each stage names the step that
// comes next.
type ComplaintStage string

const (
	ComplaintReceived      ComplaintStage = "received"      // waits for the judgement
	ComplaintInvestigating ComplaintStage = "investigating" // valid: the responsible department investigates
	ComplaintPlanning      ComplaintStage = "planning"      // investigated: plans are proposed
	ComplaintProposed      ComplaintStage = "proposed"      // a supervisor picks one plan
	ComplaintCarryingOut   ComplaintStage = "carrying_out"  // the plan is carried out; the customer accepts it or not
	ComplaintSummarizing   ComplaintStage = "summarizing"   // accepted: classification and improvements
	ComplaintFollowUp      ComplaintStage = "follow_up"     // summarized, or judged invalid: the follow-up is due
	ComplaintClosed        ComplaintStage = "closed"
)

// Open reports whether the complaint still needs work.
func (s ComplaintStage) Open() bool { return s != ComplaintClosed }

// ComplaintSource says how a complaint came in.
type ComplaintSource string

const (
	ComplaintFromSurvey   ComplaintSource = "survey"   // a score ≤ 2 in the satisfaction survey
	ComplaintFromCustomer ComplaintSource = "customer" // the customer said 投诉 / complain
	ComplaintFromStaff    ComplaintSource = "staff"    // registered by staff, e.g. from a phone call
)

// ComplaintClass is the classification a summary gives, counted in the
// monthly complaint statistics (SPEC §9); a fixed list keeps the counts
// comparable from month to month.
type ComplaintClass string

const (
	ComplaintClassAttitude   ComplaintClass = "service_attitude" // 服务态度
	ComplaintClassTimeliness ComplaintClass = "timeliness"       // slow response or handling
	ComplaintClassQuality    ComplaintClass = "product_quality"
	ComplaintClassResult     ComplaintClass = "handling_result" // the fix did not solve it
	ComplaintClassDelivery   ComplaintClass = "delivery"
	ComplaintClassCharges    ComplaintClass = "charges" // fees, compensation amounts
	ComplaintClassOther      ComplaintClass = "other"
)

// ComplaintClasses lists every classification.
var ComplaintClasses = []ComplaintClass{ComplaintClassAttitude, ComplaintClassTimeliness, ComplaintClassQuality,
	ComplaintClassResult, ComplaintClassDelivery, ComplaintClassCharges, ComplaintClassOther}

// Valid reports whether k is a known classification.
func (k ComplaintClass) Valid() bool {
	for _, x := range ComplaintClasses {
		if x == k {
			return true
		}
	}
	return false
}

// Complaint is one complaint about a case. Fields are filled in as the
// stages pass; the history keeps who did each step.
type Complaint struct {
	N           int             `json:"n"` // 1, 2, … within the case
	Stage       ComplaintStage  `json:"stage"`
	Source      ComplaintSource `json:"source"`
	Complainant string          `json:"complainant"`
	Content     string          `json:"content"`
	OpenedAt    time.Time       `json:"opened_at"`
	OpenedBy    string          `json:"opened_by"` // Change.Actor

	// Judgement.
	Valid            bool       `json:"valid"`
	JudgeReason      string     `json:"judge_reason,omitempty"`
	Department       Department `json:"department,omitempty"` // responsible for the investigation
	InvestigationDue time.Time  `json:"investigation_due,omitzero"`
	JudgedAt         time.Time  `json:"judged_at,omitzero"`

	// Investigation.
	Cause            string    `json:"cause,omitempty"`
	ResponsibleParty string    `json:"responsible_party,omitempty"`
	InvestigatedAt   time.Time `json:"investigated_at,omitzero"`

	// Plans: proposed, one chosen by a supervisor (1-based; 0 = none yet).
	ProposedPlans []string  `json:"proposed_plans,omitempty"`
	ChosenPlan    int       `json:"chosen_plan,omitempty"`
	ChosenBy      string    `json:"chosen_by,omitempty"`
	ChosenAt      time.Time `json:"chosen_at,omitzero"`

	// Carrying out: the customer's answer to the chosen plan.
	CustomerAccepted bool      `json:"customer_accepted"`
	CustomerFeedback string    `json:"customer_feedback,omitempty"`
	AcceptedAt       time.Time `json:"accepted_at,omitzero"`

	// Summary.
	Classification ComplaintClass `json:"classification,omitempty"`
	Improvements   []string       `json:"improvements,omitempty"`
	SummarizedAt   time.Time      `json:"summarized_at,omitzero"`

	// Follow-up, which closes the complaint.
	FollowUpNote string    `json:"follow_up_note,omitempty"`
	FollowUpAt   time.Time `json:"follow_up_at,omitzero"`
}

// Plan returns the chosen plan's text, or "".
func (k *Complaint) Plan() string {
	if k.ChosenPlan < 1 || k.ChosenPlan > len(k.ProposedPlans) {
		return ""
	}
	return k.ProposedPlans[k.ChosenPlan-1]
}

// History actions of the complaint steps.
const (
	HistComplaint             = "complaint" // opened; Reason: the content
	HistComplaintJudged       = "complaint_judged"
	HistComplaintInvestigated = "complaint_investigated"
	HistComplaintPlans        = "complaint_plans"
	HistComplaintPlanChosen   = "complaint_plan_chosen"
	HistComplaintAccepted     = "complaint_accepted"
	HistComplaintDeclined     = "complaint_declined"
	HistComplaintSummarized   = "complaint_summarized"
	HistComplaintFollowedUp   = "complaint_followed_up"
	HistComplaintNote         = "complaint_note" // more from the customer while a complaint is open
)

// Limits on what a complaint keeps, so one request cannot bloat the case.
const (
	maxComplaintPlans = 10
	maxImprovements   = 20
)

// OpenComplaintParams is what is received: who complains, about what, how
// it came in. An empty complainant defaults to the case's customer.
type OpenComplaintParams struct {
	Source      ComplaintSource
	Complainant string
	Content     string
}

// Complaint returns complaint n of the case, or an ENotFound error.
func (c *Case) Complaint(n int) (*Complaint, error) {
	if n < 1 || n > len(c.Complaints) {
		return nil, Errorf(ENotFound, fmt.Sprintf("case %s has no complaint %d", c.Number, n))
	}
	return &c.Complaints[n-1], nil
}

// OpenComplaint receives a complaint. Only one complaint is open at a time
// (a short channel: the customer deals with one complaint owner), so a
// second one while the first is open is EConflict; the caller adds it to
// the open one instead (AddComplaintNote). The supervisor is told at once,
// as before complaints were tracked: an "escalated" entry, and Escalated.
func (c *Case) OpenComplaint(u User, p OpenComplaintParams, now time.Time) ([]Change, error) {
	if err := u.Can(ActionOpenComplaint, c); err != nil {
		return nil, err
	}
	content := strings.TrimSpace(p.Content)
	switch p.Source {
	case ComplaintFromSurvey, ComplaintFromCustomer, ComplaintFromStaff:
	case "":
		return nil, invalid("complaint.source: required, one of survey, customer, staff")
	default:
		return nil, invalid("complaint.source: %q is not one of survey, customer, staff", p.Source)
	}
	if content == "" {
		return nil, invalid("complaint.content: required, what the customer complains about")
	}
	if k := c.OpenComplaintNow(); k != nil {
		return nil, Errorf(EConflict, fmt.Sprintf("case %s: complaint %d is still open (%s); add to it instead", c.Number, k.N, k.Stage))
	}
	who := strings.TrimSpace(p.Complainant)
	if who == "" {
		who = c.Fields[FieldCustomerName]
	}
	if who == "" {
		who = c.Fields[FieldCompany]
	}
	k := Complaint{N: len(c.Complaints) + 1, Stage: ComplaintReceived, Source: p.Source, Complainant: who, Content: content, OpenedAt: now, OpenedBy: u.Actor()}
	h := c.entry(u, now, HistComplaint)
	h.Field, h.To, h.Reason = k.field(), string(ComplaintReceived), content
	esc := c.entry(u, now, HistEscalated)
	esc.To, esc.Reason = "supervisor", "complaint"
	c.Complaints = append(c.Complaints, k)
	c.Escalated = true
	c.UpdatedAt = now
	return []Change{h, esc}, nil
}

// OpenComplaintNow returns the complaint still open, if any.
func (c *Case) OpenComplaintNow() *Complaint {
	for i := range c.Complaints {
		if c.Complaints[i].Stage.Open() {
			return &c.Complaints[i]
		}
	}
	return nil
}

// AddComplaintNote records more the customer said about an open complaint.
func (c *Case) AddComplaintNote(u User, n int, text string, now time.Time) ([]Change, error) {
	if err := u.Can(ActionOpenComplaint, c); err != nil {
		return nil, err
	}
	k, err := c.Complaint(n)
	if err != nil {
		return nil, err
	}
	if !k.Stage.Open() {
		return nil, k.conflict(c, "it is closed")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, invalid("complaint.note: required")
	}
	h := c.entry(u, now, HistComplaintNote)
	h.Field, h.From, h.To, h.Reason = k.field(), string(k.Stage), string(k.Stage), text
	c.UpdatedAt = now
	return []Change{h}, nil
}

func (k *Complaint) field() string { return fmt.Sprintf("complaint#%d", k.N) }

func (k *Complaint) conflict(c *Case, format string, a ...any) error {
	return Errorf(EConflict, fmt.Sprintf("case %s complaint %d is %s: ", c.Number, k.N, k.Stage)+fmt.Sprintf(format, a...))
}

// complaintStep is the common frame of every step after receipt:
// permission, the complaint, its stage. check validates; apply changes the
// complaint and returns the entry's Reason and the new stage. Nothing
// changes unless every check passed.
func (c *Case) complaintStep(u User, action Action, n int, stages []ComplaintStage, what, hist string, now time.Time,
	check func(k *Complaint) error, apply func(k *Complaint) (string, ComplaintStage)) ([]Change, error) {
	k, err := c.Complaint(n)
	if err != nil {
		if e := u.Can(ActionRead, c); e != nil {
			return nil, e // do not tell who may not read the case which complaints exist
		}
		return nil, err
	}
	if err := c.canComplaint(u, action, k); err != nil {
		return nil, err
	}
	ok := false
	for _, s := range stages {
		ok = ok || k.Stage == s
	}
	if !ok {
		return nil, k.conflict(c, "%s", what)
	}
	if err := check(k); err != nil {
		return nil, err
	}
	from := k.Stage
	reason, to := apply(k)
	k.Stage = to
	h := c.entry(u, now, hist)
	h.Field, h.From, h.To, h.Reason = k.field(), string(from), string(to), reason
	c.UpdatedAt = now
	return []Change{h}, nil
}

// canComplaint checks a complaint permission. The investigation belongs to
// the complaint's responsible department, which need not be the case's
// (a complaint about delivery on a technical case), so that check runs
// against the complaint's department.
func (c *Case) canComplaint(u User, action Action, k *Complaint) error {
	if action != ActionInvestigateComplaint || k.Department == "" {
		return u.Can(action, c)
	}
	probe := *c
	probe.Department = k.Department
	return u.Can(action, &probe)
}

// JudgeComplaintParams is the judgement. A valid complaint names the
// department responsible for investigating it and when the investigation
// ends, which the customer is told; an invalid one needs the reason, which
// the customer is told politely.
type JudgeComplaintParams struct {
	Valid            bool
	Reason           string
	Department       Department
	InvestigationDue time.Time
}

// JudgeComplaint decides whether a received complaint is valid. A valid one
// goes to investigation; an invalid one skips to the follow-up, since every
// complaint ends with one.
func (c *Case) JudgeComplaint(u User, n int, p JudgeComplaintParams, now time.Time) ([]Change, error) {
	reason := strings.TrimSpace(p.Reason)
	return c.complaintStep(u, ActionHandleComplaint, n, []ComplaintStage{ComplaintReceived}, "it was already judged", HistComplaintJudged, now,
		func(*Complaint) error {
			if !p.Valid {
				if reason == "" {
					return invalid("judgement.reason: required for an invalid complaint, it is explained to the customer")
				}
				if p.Department != "" || !p.InvestigationDue.IsZero() {
					return invalid("judgement.department: an invalid complaint is not investigated")
				}
				return nil
			}
			switch {
			case p.Department == "":
				return invalid("judgement.department: required, the department responsible for the investigation")
			case !p.Department.Valid():
				return invalid("judgement.department: %q is not one of technical_support, logistics, quality_control, customer_service", p.Department)
			case p.InvestigationDue.IsZero():
				return invalid("judgement.investigation_due: required, the customer is told how long the investigation takes")
			case !p.InvestigationDue.After(now):
				return invalid("judgement.investigation_due: %s is not in the future", p.InvestigationDue.Format(histTime))
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.Valid, k.JudgeReason, k.JudgedAt = p.Valid, reason, now
			if !p.Valid {
				return "invalid: " + reason, ComplaintFollowUp
			}
			k.Department, k.InvestigationDue = p.Department, p.InvestigationDue
			s := fmt.Sprintf("valid; %s investigates by %s", p.Department, p.InvestigationDue.Format(histTime))
			if reason != "" {
				s += ": " + reason
			}
			return s, ComplaintInvestigating
		})
}

// InvestigateComplaintParams is what the investigation found.
type InvestigateComplaintParams struct {
	Cause            string
	ResponsibleParty string // a person, a team, a carrier, a supplier
}

// InvestigateComplaint records the cause and the responsible party; the
// supervisor or the head of the responsible department may.
func (c *Case) InvestigateComplaint(u User, n int, p InvestigateComplaintParams, now time.Time) ([]Change, error) {
	cause, party := strings.TrimSpace(p.Cause), strings.TrimSpace(p.ResponsibleParty)
	return c.complaintStep(u, ActionInvestigateComplaint, n, []ComplaintStage{ComplaintInvestigating}, "only a complaint under investigation takes its findings", HistComplaintInvestigated, now,
		func(*Complaint) error {
			switch {
			case cause == "":
				return invalid("investigation.cause: required")
			case party == "":
				return invalid("investigation.responsible_party: required")
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.Cause, k.ResponsibleParty, k.InvestigatedAt = cause, party, now
			return "cause: " + cause + "; responsible: " + party, ComplaintPlanning
		})
}

// ProposeComplaintPlans sets the plans a supervisor chooses from. Proposing
// again before one is chosen replaces the list, and so does proposing after
// the customer declined the chosen plan.
func (c *Case) ProposeComplaintPlans(u User, n int, plans []string, now time.Time) ([]Change, error) {
	var clean []string
	for _, p := range plans {
		if p = strings.TrimSpace(p); p != "" {
			clean = append(clean, p)
		}
	}
	return c.complaintStep(u, ActionHandleComplaint, n, []ComplaintStage{ComplaintPlanning, ComplaintProposed}, "plans are proposed after the investigation", HistComplaintPlans, now,
		func(*Complaint) error {
			switch {
			case len(clean) == 0:
				return invalid("plans: at least one plan is required")
			case len(clean) > maxComplaintPlans:
				return invalid("plans: at most %d plans", maxComplaintPlans)
			case len(clean) != len(plans):
				return invalid("plans: a plan is empty")
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.ProposedPlans, k.ChosenPlan, k.ChosenBy, k.ChosenAt = clean, 0, "", time.Time{}
			var b strings.Builder
			for i, p := range clean {
				if i > 0 {
					b.WriteString("; ")
				}
				fmt.Fprintf(&b, "%d. %s", i+1, p)
			}
			return b.String(), ComplaintProposed
		})
}

// ChooseComplaintPlanParams is the supervisor's pick: a proposed plan's
// number (from 1) and an optional comment.
type ChooseComplaintPlanParams struct {
	Plan    int
	Comment string
}

// ChooseComplaintPlan is the supervisor's pick; the plan is then carried
// out and offered to the customer.
func (c *Case) ChooseComplaintPlan(u User, n int, p ChooseComplaintPlanParams, now time.Time) ([]Change, error) {
	plan, comment := p.Plan, strings.TrimSpace(p.Comment)
	return c.complaintStep(u, ActionChooseComplaintPlan, n, []ComplaintStage{ComplaintProposed}, "there are no proposed plans to choose from", HistComplaintPlanChosen, now,
		func(k *Complaint) error {
			if plan < 1 || plan > len(k.ProposedPlans) {
				return invalid("choice.plan: %d is not a proposed plan (1 to %d)", plan, len(k.ProposedPlans))
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.ChosenPlan, k.ChosenBy, k.ChosenAt = plan, u.Actor(), now
			k.CustomerAccepted, k.AcceptedAt = false, time.Time{}
			s := fmt.Sprintf("%d. %s", plan, k.Plan())
			if comment != "" {
				s += " (" + comment + ")"
			}
			return s, ComplaintCarryingOut
		})
}

// ComplaintAcceptanceParams is the customer's answer to the chosen plan
// and their feedback, as staff recorded it.
type ComplaintAcceptanceParams struct {
	Accepted bool
	Feedback string
}

// RecordComplaintAcceptance records whether the customer accepts the plan.
// Accepted goes on to the summary; declined goes back to the proposed
// plans, where the supervisor picks another or new plans are proposed, so
// the feedback of a decline is required.
func (c *Case) RecordComplaintAcceptance(u User, n int, p ComplaintAcceptanceParams, now time.Time) ([]Change, error) {
	fb := strings.TrimSpace(p.Feedback)
	hist := HistComplaintDeclined
	if p.Accepted {
		hist = HistComplaintAccepted
	}
	return c.complaintStep(u, ActionHandleComplaint, n, []ComplaintStage{ComplaintCarryingOut}, "no plan is being carried out", hist, now,
		func(*Complaint) error {
			if !p.Accepted && fb == "" {
				return invalid("acceptance.feedback: required when the customer declines, what they want instead")
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.CustomerAccepted, k.CustomerFeedback = p.Accepted, fb
			if !p.Accepted {
				declined := k.Plan()
				k.ChosenPlan, k.ChosenBy, k.ChosenAt = 0, "", time.Time{}
				return "declined " + declined + ": " + fb, ComplaintProposed
			}
			k.AcceptedAt = now
			s := "accepted " + k.Plan()
			if fb != "" {
				s += ": " + fb
			}
			return s, ComplaintSummarizing
		})
}

// ComplaintSummaryParams is the summary: the classification for the
// statistics and what will change so it does not happen again.
type ComplaintSummaryParams struct {
	Classification ComplaintClass
	Improvements   []string
}

// SummarizeComplaint classifies an accepted complaint and records the
// improvement actions; the follow-up is then due.
func (c *Case) SummarizeComplaint(u User, n int, p ComplaintSummaryParams, now time.Time) ([]Change, error) {
	var imp []string
	for _, s := range p.Improvements {
		if s = strings.TrimSpace(s); s != "" {
			imp = append(imp, s)
		}
	}
	return c.complaintStep(u, ActionHandleComplaint, n, []ComplaintStage{ComplaintSummarizing}, "a complaint is summarized once the customer accepted the plan", HistComplaintSummarized, now,
		func(*Complaint) error {
			switch {
			case p.Classification == "":
				return invalid("summary.classification: required, one of %s", joinClasses())
			case !p.Classification.Valid():
				return invalid("summary.classification: %q is not one of %s", p.Classification, joinClasses())
			case len(imp) == 0:
				return invalid("summary.improvements: at least one improvement action is required")
			case len(imp) > maxImprovements:
				return invalid("summary.improvements: at most %d", maxImprovements)
			case len(imp) != len(p.Improvements):
				return invalid("summary.improvements: an improvement is empty")
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.Classification, k.Improvements, k.SummarizedAt = p.Classification, imp, now
			return string(p.Classification) + "; improvements: " + strings.Join(imp, "; "), ComplaintFollowUp
		})
}

func joinClasses() string {
	s := make([]string, len(ComplaintClasses))
	for i, k := range ComplaintClasses {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// CompleteComplaintFollowUp records the follow-up with the customer and
// closes the complaint.
func (c *Case) CompleteComplaintFollowUp(u User, n int, note string, now time.Time) ([]Change, error) {
	note = strings.TrimSpace(note)
	return c.complaintStep(u, ActionHandleComplaint, n, []ComplaintStage{ComplaintFollowUp}, "the follow-up comes after the summary (or an invalid judgement)", HistComplaintFollowedUp, now,
		func(*Complaint) error {
			if note == "" {
				return invalid("follow_up.note: required, what the customer said")
			}
			return nil
		},
		func(k *Complaint) (string, ComplaintStage) {
			k.FollowUpNote, k.FollowUpAt = note, now
			return note, ComplaintClosed
		})
}
