package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// The complaint workflow of SPEC §7 on the case page: a form to register a
// complaint staff received (e.g. on the phone), and on each open complaint
// the form of the step its stage waits for. Every form posts to
// /console/cases/{id}/complaint[-step] with the complaint's number in n and
// calls the service method the API's complaint endpoints call.

// complaintSteps maps a complaint's stage to the form that moves it on.
var complaintSteps = map[cases.ComplaintStage]string{
	cases.ComplaintReceived:      "judge",
	cases.ComplaintInvestigating: "investigate",
	cases.ComplaintPlanning:      "plans",
	cases.ComplaintProposed:      "choose",
	cases.ComplaintCarryingOut:   "acceptance",
	cases.ComplaintSummarizing:   "summary",
	cases.ComplaintFollowUp:      "follow-up",
}

// complaintStep is the form a complaint's stage waits for ("" when closed).
func complaintStep(stage cases.ComplaintStage) string { return complaintSteps[stage] }

// complaintFormKey names a complaint step's form in casePage.Action, so a
// refusal re-opens the right form of the right complaint.
func complaintFormKey(step string, n int) string { return "complaint-" + step + "#" + strconv.Itoa(n) }

// runComplaintAction runs a complaint form; handled is false when action
// is not one.
func (c *Console) runComplaintAction(r *http.Request, v *view, id int64, action string, f map[string]string) (handled bool, err error) {
	ctx, u := r.Context(), v.User
	if action == "complaint" {
		_, err = c.svc.ComplaintOpen(ctx, u, id, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff,
			Complainant: f["complainant"], Content: f["content"]})
		return true, err
	}
	step, ok := strings.CutPrefix(action, "complaint-")
	if !ok {
		return false, nil
	}
	n, perr := strconv.Atoi(f["n"])
	if perr != nil || n < 1 {
		return true, cases.Errorf(cases.ENotFound, "no such complaint")
	}
	switch step {
	case "judge":
		p := cases.JudgeComplaintParams{Valid: f["valid"] == "yes", Reason: f["reason"]}
		if p.Valid {
			p.Department = cases.Department(f["department"])
			if p.InvestigationDue, err = formTime(f, "investigation_due", v.Zone); err != nil {
				return true, err
			}
		}
		_, err = c.svc.ComplaintJudge(ctx, u, id, n, p)
	case "investigate":
		_, err = c.svc.ComplaintInvestigate(ctx, u, id, n, cases.InvestigateComplaintParams{Cause: f["cause"], ResponsibleParty: f["responsible_party"]})
	case "plans":
		_, err = c.svc.ComplaintPlans(ctx, u, id, n, strings.Split(f["plans"], "\n"))
	case "choose":
		plan, _ := strconv.Atoi(f["plan"])
		_, err = c.svc.ComplaintChoose(ctx, u, id, n, cases.ChooseComplaintPlanParams{Plan: plan, Comment: f["comment"]})
	case "acceptance":
		_, err = c.svc.ComplaintAcceptance(ctx, u, id, n, cases.ComplaintAcceptanceParams{Accepted: f["accepted"] == "yes", Feedback: f["feedback"]})
	case "summary":
		var imp []string
		for _, s := range strings.Split(f["improvements"], "\n") {
			if s = strings.TrimSpace(s); s != "" {
				imp = append(imp, s)
			}
		}
		_, err = c.svc.ComplaintSummary(ctx, u, id, n, cases.ComplaintSummaryParams{Classification: cases.ComplaintClass(f["classification"]), Improvements: imp})
	case "follow-up":
		_, err = c.svc.ComplaintFollowUp(ctx, u, id, n, f["note"])
	default:
		return true, cases.Errorf(cases.ENotFound, "no such action")
	}
	return true, err
}

// formTime reads a datetime-local field typed in the viewer's zone; an
// empty field is the zero time.
func formTime(f map[string]string, key string, zone *time.Location) (time.Time, error) {
	if f[key] == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", f[key], zone)
	if err != nil {
		return time.Time{}, cases.Errorf(cases.EInvalid, key+": not a date and time")
	}
	return t, nil
}
