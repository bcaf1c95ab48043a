package service

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Complaint steps for the staff API (SPEC §7). Each runs through
// mutateCase like every lifecycle operation, so the complaint, its history
// entry, what the customer is told and the complaint.updated event commit
// together. The customer hears the steps that concern them: the judgement
// (the department and how long the investigation takes, or a polite
// explanation), the chosen plan, the answer to their acceptance, and the
// close after the follow-up; the investigation, the proposals and the
// summary are internal.

// EventComplaintUpdated is sent after every complaint step but the opening
// (complaint.opened).
const EventComplaintUpdated = "complaint.updated"

// complaintOp is a caseOp for complaint n whose webhook event names the
// complaint, its stage and the step instead of a generic case.updated.
func (s *Service) complaintOp(n int, apply func(c *cases.Case, now time.Time) ([]cases.Change, error), tell func(c *cases.Case, k *cases.Complaint, zone string) []outMsg) caseOp {
	return caseOp{
		apply: apply,
		tell: func(c *cases.Case, _ *cases.Plan, zone string) []outMsg {
			k, err := c.Complaint(n)
			if err != nil || tell == nil {
				return nil
			}
			return tell(c, k, zone)
		},
		webhook: func(c *cases.Case, hist []cases.Change) (string, map[string]any) {
			return EventComplaintUpdated, complaintEvent(c, n, hist)
		},
	}
}

// complaintEvent is the data of a complaint event.
func complaintEvent(c *cases.Case, n int, hist []cases.Change) map[string]any {
	d := map[string]any{"complaint": n, "by": actorOf(hist)}
	actions := make([]string, 0, len(hist))
	for _, h := range hist {
		actions = append(actions, h.Action)
	}
	d["actions"] = actions
	if k, err := c.Complaint(n); err == nil {
		d["stage"] = string(k.Stage)
		d["source"] = string(k.Source)
	}
	return d
}

// ComplaintOpen registers a complaint staff received (e.g. on the phone);
// the customer is told, on their channel, that it is with the supervisor.
func (s *Team) ComplaintOpen(ctx context.Context, u cases.User, id int64, p cases.OpenComplaintParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, caseOp{
		apply: func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.OpenComplaint(u, p, now) },
		tell: func(c *cases.Case, _ *cases.Plan, zone string) []outMsg {
			return []outMsg{s.say(c, "complaint", "complaint.received", nil)}
		},
		webhook: func(c *cases.Case, hist []cases.Change) (string, map[string]any) {
			d := complaintEvent(c, len(c.Complaints), hist)
			d["text"] = strings.TrimSpace(p.Content)
			return EventComplaintOpened, d
		},
	})
}

// ComplaintJudge records the judgement and tells the customer: a valid
// complaint with the responsible department and how long the investigation
// takes, an invalid one with the reason, politely.
func (s *Team) ComplaintJudge(ctx context.Context, u cases.User, id int64, n int, p cases.JudgeComplaintParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.JudgeComplaint(u, n, p, now) },
		func(c *cases.Case, k *cases.Complaint, zone string) []outMsg {
			if !k.Valid {
				return []outMsg{s.say(c, "complaint", "complaint.invalid", map[string]any{"Reason": k.JudgeReason})}
			}
			return []outMsg{s.say(c, "complaint", "complaint.valid", map[string]any{
				"Department": s.opt.Engine.Render(c.Language, "dept."+string(k.Department), nil),
				"Duration":   s.duration(c.Language, k.InvestigationDue.Sub(k.JudgedAt)),
				"Due":        s.opt.Engine.FormatTimeIn(c.Language, zone, k.InvestigationDue),
			})}
		}))
}

// duration is how long something takes, as the customer reads it: hours
// up to two days, days beyond, rounded up so the promise is not shorter
// than the deadline.
func (s *Service) duration(lang string, d time.Duration) string {
	if d < 48*time.Hour {
		return s.opt.Engine.Render(lang, "complaint.duration.hours", map[string]any{"N": int(math.Ceil(d.Hours()))})
	}
	return s.opt.Engine.Render(lang, "complaint.duration.days", map[string]any{"N": int(math.Ceil(d.Hours() / 24))})
}

// ComplaintInvestigate records the investigation's findings (internal).
func (s *Team) ComplaintInvestigate(ctx context.Context, u cases.User, id int64, n int, p cases.InvestigateComplaintParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			return c.InvestigateComplaint(u, n, p, now)
		}, nil))
}

// ComplaintPlans records the proposed plans (internal: the supervisor
// picks one before the customer hears it).
func (s *Team) ComplaintPlans(ctx context.Context, u cases.User, id int64, n int, plans []string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			return c.ProposeComplaintPlans(u, n, plans, now)
		}, nil))
}

// ComplaintChoose records the supervisor's pick and offers it to the
// customer.
func (s *Team) ComplaintChoose(ctx context.Context, u cases.User, id int64, n int, p cases.ChooseComplaintPlanParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.ChooseComplaintPlan(u, n, p, now) },
		func(c *cases.Case, k *cases.Complaint, zone string) []outMsg {
			return []outMsg{s.say(c, "complaint", "complaint.plan", map[string]any{"Plan": k.Plan()})}
		}))
}

// ComplaintAcceptance records whether the customer accepts the plan, with
// their feedback, and acknowledges it.
func (s *Team) ComplaintAcceptance(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintAcceptanceParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			return c.RecordComplaintAcceptance(u, n, p, now)
		},
		func(c *cases.Case, k *cases.Complaint, zone string) []outMsg {
			key := "complaint.declined"
			if p.Accepted {
				key = "complaint.accepted"
			}
			return []outMsg{s.say(c, "complaint", key, nil)}
		}))
}

// ComplaintSummary records the classification and improvements (internal).
func (s *Team) ComplaintSummary(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintSummaryParams) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) { return c.SummarizeComplaint(u, n, p, now) }, nil))
}

// ComplaintFollowUp records the follow-up and thanks the customer as the
// complaint closes.
func (s *Team) ComplaintFollowUp(ctx context.Context, u cases.User, id int64, n int, note string) (*cases.Case, error) {
	return s.mutateCase(ctx, id, s.complaintOp(n,
		func(c *cases.Case, now time.Time) ([]cases.Change, error) {
			return c.CompleteComplaintFollowUp(u, n, note, now)
		},
		func(c *cases.Case, k *cases.Complaint, zone string) []outMsg {
			return []outMsg{s.say(c, "complaint", "complaint.closed", nil)}
		}))
}

// openComplaint is the bot's side: the customer complained in the
// conversation, or scored the survey low. A second complaint while one is
// open is added to it rather than refused, so nothing the customer said is
// lost. It returns the history and the complaint's number.
func openComplaint(c *cases.Case, note string, now time.Time) ([]cases.Change, int, error) {
	src := cases.ComplaintFromCustomer
	// The dialog marks a low score this way (dialog/post.go); the customer's
	// own words never start so.
	if strings.HasPrefix(note, "low survey score") {
		src = cases.ComplaintFromSurvey
	}
	content := strings.TrimSpace(note)
	if content == "" {
		content = "complaint" // the dialog always gives one; keep a record regardless
	}
	if k := c.OpenComplaintNow(); k != nil {
		hist, err := c.AddComplaintNote(cases.Customer, k.N, content, now)
		return hist, k.N, err
	}
	hist, err := c.OpenComplaint(cases.Customer, cases.OpenComplaintParams{Source: src, Content: content}, now)
	return hist, len(c.Complaints), err
}
