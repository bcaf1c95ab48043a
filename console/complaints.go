package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Complaint endpoints (SPEC §7): a case's complaints are numbered from 1
// and addressed as /cases/{id}/complaints/{n}/<step>; each step answers
// with the changed case, whose complaints list shows the new stage.

// ComplaintService is the part of Service that walks complaints.
type ComplaintService interface {
	ComplaintOpen(ctx context.Context, u cases.User, id int64, p cases.OpenComplaintParams) (*cases.Case, error)
	ComplaintJudge(ctx context.Context, u cases.User, id int64, n int, p cases.JudgeComplaintParams) (*cases.Case, error)
	ComplaintInvestigate(ctx context.Context, u cases.User, id int64, n int, p cases.InvestigateComplaintParams) (*cases.Case, error)
	ComplaintPlans(ctx context.Context, u cases.User, id int64, n int, plans []string) (*cases.Case, error)
	ComplaintChoose(ctx context.Context, u cases.User, id int64, n int, p cases.ChooseComplaintPlanParams) (*cases.Case, error)
	ComplaintAcceptance(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintAcceptanceParams) (*cases.Case, error)
	ComplaintSummary(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintSummaryParams) (*cases.Case, error)
	ComplaintFollowUp(ctx context.Context, u cases.User, id int64, n int, note string) (*cases.Case, error)
}

func (a *API) complaintRoutes() []route {
	const k = "/api/v1/cases/{id}/complaints/{n}"
	return []route{
		{method: "POST", path: "/api/v1/cases/{id}/complaints", h: caseWrite(a.svc.ComplaintOpen, complaintOpenRequest.params)},
		{method: "POST", path: k + "/judge", h: complaintWrite(a.svc.ComplaintJudge, judgeRequest.params)},
		{method: "POST", path: k + "/investigate", h: complaintWrite(a.svc.ComplaintInvestigate, investigateRequest.params)},
		{method: "POST", path: k + "/plans", h: complaintWrite(a.svc.ComplaintPlans, plansRequest.params)},
		{method: "POST", path: k + "/choose", h: complaintWrite(a.svc.ComplaintChoose, chooseRequest.params)},
		{method: "POST", path: k + "/acceptance", h: complaintWrite(a.svc.ComplaintAcceptance, acceptanceRequest.params)},
		{method: "POST", path: k + "/summary", h: complaintWrite(a.svc.ComplaintSummary, summaryRequest.params)},
		{method: "POST", path: k + "/follow-up", h: complaintWrite(a.svc.ComplaintFollowUp, followUpRequest.params)},
	}
}

// complaintWrite is caseWrite for a complaint step: the {n} path value is
// checked here like {id}, so a malformed one never reaches the service.
func complaintWrite[R any, P any](
	do func(ctx context.Context, u cases.User, id int64, n int, p P) (*cases.Case, error),
	params func(R) (P, error),
) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, u cases.User) error {
		id, err := caseID(r)
		if err != nil {
			return err
		}
		n, err := complaintN(r)
		if err != nil {
			return err
		}
		var req R
		if err := decode(w, r, &req); err != nil {
			return err
		}
		p, err := params(req)
		if err != nil {
			return err
		}
		c, err := do(r.Context(), u, id, n, p)
		if err != nil {
			return err
		}
		if c == nil {
			return fmt.Errorf("case %d complaint %d: the service returned no case", id, n)
		}
		writeJSON(w, http.StatusOK, caseResponse{Case: newCaseView(c)})
		return nil
	}
}

// complaintN reads {n}: decimal digits, 1 or more, small.
func complaintN(r *http.Request) (int, error) {
	s := r.PathValue("n")
	bad := s == "" || len(s) > 6
	for i := 0; i < len(s); i++ {
		bad = bad || s[i] < '0' || s[i] > '9'
	}
	n, err := strconv.Atoi(s)
	if bad || err != nil || n <= 0 {
		return 0, invalid("n: %q is not a complaint number (1, 2, …)", s)
	}
	return n, nil
}

type complaintOpenRequest struct {
	Complainant string `json:"complainant"`
	Content     string `json:"content"`
}

// params: complaints opened through the API are registered by staff; the
// bot opens the customer's and the survey's itself.
func (q complaintOpenRequest) params() (cases.OpenComplaintParams, error) {
	return cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Complainant: q.Complainant, Content: q.Content}, nil
}

type judgeRequest struct {
	Valid            *bool  `json:"valid"`
	Reason           string `json:"reason"`
	Department       string `json:"department"`
	InvestigationDue string `json:"investigation_due"`
}

// params requires valid explicitly: a forgotten field must not judge a
// complaint invalid and send the customer an explanation.
func (q judgeRequest) params() (cases.JudgeComplaintParams, error) {
	if q.Valid == nil {
		return cases.JudgeComplaintParams{}, invalid("judgement.valid: required, true or false")
	}
	p := cases.JudgeComplaintParams{Valid: *q.Valid, Reason: q.Reason, Department: cases.Department(q.Department)}
	var err error
	p.InvestigationDue, err = parseTime("judgement.investigation_due", q.InvestigationDue)
	return p, err
}

type investigateRequest struct {
	Cause            string `json:"cause"`
	ResponsibleParty string `json:"responsible_party"`
}

func (q investigateRequest) params() (cases.InvestigateComplaintParams, error) {
	return cases.InvestigateComplaintParams{Cause: q.Cause, ResponsibleParty: q.ResponsibleParty}, nil
}

type plansRequest struct {
	Plans []string `json:"plans"`
}

func (q plansRequest) params() ([]string, error) { return q.Plans, nil }

type chooseRequest struct {
	Plan    int    `json:"plan"`
	Comment string `json:"comment"`
}

func (q chooseRequest) params() (cases.ChooseComplaintPlanParams, error) {
	return cases.ChooseComplaintPlanParams{Plan: q.Plan, Comment: q.Comment}, nil
}

type acceptanceRequest struct {
	Accepted *bool  `json:"accepted"`
	Feedback string `json:"feedback"`
}

// params requires accepted explicitly, for the same reason as valid.
func (q acceptanceRequest) params() (cases.ComplaintAcceptanceParams, error) {
	if q.Accepted == nil {
		return cases.ComplaintAcceptanceParams{}, invalid("acceptance.accepted: required, true or false")
	}
	return cases.ComplaintAcceptanceParams{Accepted: *q.Accepted, Feedback: q.Feedback}, nil
}

type summaryRequest struct {
	Classification string   `json:"classification"`
	Improvements   []string `json:"improvements"`
}

func (q summaryRequest) params() (cases.ComplaintSummaryParams, error) {
	return cases.ComplaintSummaryParams{Classification: cases.ComplaintClass(q.Classification), Improvements: q.Improvements}, nil
}

type followUpRequest struct {
	Note string `json:"note"`
}

func (q followUpRequest) params() (string, error) { return q.Note, nil }

// complaintView is one complaint in a case view.
type complaintView struct {
	N                int       `json:"n"`
	Stage            string    `json:"stage"`
	Source           string    `json:"source"`
	Complainant      string    `json:"complainant"`
	Content          string    `json:"content"`
	OpenedAt         time.Time `json:"opened_at"`
	OpenedBy         string    `json:"opened_by"`
	Valid            bool      `json:"valid"`
	JudgeReason      string    `json:"judge_reason,omitempty"`
	Department       string    `json:"department,omitempty"`
	InvestigationDue time.Time `json:"investigation_due,omitzero"`
	JudgedAt         time.Time `json:"judged_at,omitzero"`
	Cause            string    `json:"cause,omitempty"`
	ResponsibleParty string    `json:"responsible_party,omitempty"`
	InvestigatedAt   time.Time `json:"investigated_at,omitzero"`
	ProposedPlans    []string  `json:"proposed_plans"`
	ChosenPlan       int       `json:"chosen_plan,omitempty"`
	ChosenBy         string    `json:"chosen_by,omitempty"`
	ChosenAt         time.Time `json:"chosen_at,omitzero"`
	CustomerAccepted bool      `json:"customer_accepted"`
	CustomerFeedback string    `json:"customer_feedback,omitempty"`
	AcceptedAt       time.Time `json:"accepted_at,omitzero"`
	Classification   string    `json:"classification,omitempty"`
	Improvements     []string  `json:"improvements"`
	SummarizedAt     time.Time `json:"summarized_at,omitzero"`
	FollowUpNote     string    `json:"follow_up_note,omitempty"`
	FollowUpAt       time.Time `json:"follow_up_at,omitzero"`
}

func newComplaintViews(ks []cases.Complaint) []complaintView {
	out := make([]complaintView, 0, len(ks))
	for _, k := range ks {
		out = append(out, complaintView{
			N: k.N, Stage: string(k.Stage), Source: string(k.Source), Complainant: k.Complainant, Content: k.Content,
			OpenedAt: k.OpenedAt, OpenedBy: k.OpenedBy, Valid: k.Valid, JudgeReason: k.JudgeReason,
			Department: string(k.Department), InvestigationDue: k.InvestigationDue, JudgedAt: k.JudgedAt,
			Cause: k.Cause, ResponsibleParty: k.ResponsibleParty, InvestigatedAt: k.InvestigatedAt,
			ProposedPlans: append([]string{}, k.ProposedPlans...), ChosenPlan: k.ChosenPlan, ChosenBy: k.ChosenBy, ChosenAt: k.ChosenAt,
			CustomerAccepted: k.CustomerAccepted, CustomerFeedback: k.CustomerFeedback, AcceptedAt: k.AcceptedAt,
			Classification: string(k.Classification), Improvements: append([]string{}, k.Improvements...), SummarizedAt: k.SummarizedAt,
			FollowUpNote: k.FollowUpNote, FollowUpAt: k.FollowUpAt,
		})
	}
	return out
}
