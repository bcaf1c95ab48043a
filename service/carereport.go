package service

import (
	"context"

	"github.com/kefu-dev/kefu/care"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The care part of the report (SPEC §8, §9): what came of the
// touchpoints due in the period, and whether every member customer was
// followed up within 3 days of their service.

// CareReportItem is one touchpoint as the report reads it.
type CareReportItem struct {
	Touchpoint string
	Status     string
	Outcome    string
	Cause      string
	CaseID     int64
	Member     bool // the customer is a member
	Due        time.Time
	SentAt     time.Time
}

// ReportCareRow counts one touchpoint of the care plan.
type ReportCareRow struct {
	Touchpoint string         `json:"touchpoint"`
	Due        int            `json:"due"`      // due in the period
	Sent       int            `json:"sent"`     // went out (sent, answered or over after sending)
	Answered   int            `json:"answered"` // the customer answered
	Tasks      int            `json:"tasks"`    // handed to a person
	NoAnswer   int            `json:"no_answer"`
	Skipped    int            `json:"skipped"`
	Planned    int            `json:"planned"`  // still ahead
	Outcomes   map[string]int `json:"outcomes"` // what the answers said (satisfied, unsatisfied, fixed, …)
	Skips      map[string]int `json:"skips"`    // why those not sent were not
}

// ReportCare is the care part of a report.
type ReportCare struct {
	Touchpoints []ReportCareRow `json:"touchpoints"`
	// MembersServed counts members' resolutions whose follow-up fell due
	// in the period; MembersFollowedUp those followed up within 3 days of
	// the resolution (the bot's follow-up sent, or a person's task).
	MembersServed     int     `json:"members_served"`
	MembersFollowedUp int     `json:"members_followed_up"`
	MembersShare      float64 `json:"members_share"`
}

// memberFollowUpWithin is SPEC §8's "within 3 days of service".
const memberFollowUpWithin = 72 * time.Hour

// CareReportOf counts items as the report does; Member must be set only
// on follow-ups after service.
func CareReportOf(items []CareReportItem) ReportCare {
	var r ReportCare
	rows := map[string]*ReportCareRow{}
	for _, it := range items {
		row := rows[it.Touchpoint]
		if row == nil {
			row = &ReportCareRow{Touchpoint: it.Touchpoint, Outcomes: map[string]int{}, Skips: map[string]int{}}
			rows[it.Touchpoint] = row
		}
		row.Due++
		sent := !it.SentAt.IsZero()
		if sent {
			row.Sent++
		}
		switch it.Status {
		case CarePlanned:
			row.Planned++
		case CareAnswered:
			row.Answered++
			row.Outcomes[it.Outcome]++
		case CareSkipped:
			row.Skipped++
			why, _, _ := strings.Cut(strings.TrimPrefix(it.Outcome, "skipped: "), " on case ")
			row.Skips[why]++
		case CareDone:
			switch it.Outcome {
			case "task":
				row.Tasks++
			case "no_answer":
				row.NoAnswer++
			}
		}
		// Member is set only on the follow-ups after service (reportCare).
		if it.Member && strings.HasPrefix(it.Cause, "case:") {
			r.MembersServed++
			resolved := causeTime(it.Cause)
			if it.Status == CareDone && it.Outcome == "task" || sent && !resolved.IsZero() && it.SentAt.Sub(resolved) <= memberFollowUpWithin {
				r.MembersFollowedUp++
			}
		}
	}
	for _, row := range rows {
		r.Touchpoints = append(r.Touchpoints, *row)
	}
	slices.SortFunc(r.Touchpoints, func(a, b ReportCareRow) int { return strings.Compare(a.Touchpoint, b.Touchpoint) })
	if r.MembersServed > 0 {
		r.MembersShare = float64(r.MembersFollowedUp) / float64(r.MembersServed)
	}
	return r
}

// causeTime is the resolution time a "case:<id>:<µs>" cause names.
func causeTime(cause string) time.Time {
	i := strings.LastIndexByte(cause, ':')
	us, err := strconv.ParseInt(cause[i+1:], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func (s *Service) reportCare(ctx context.Context, p ReportParams) (ReportCare, error) {
	items, err := s.opt.Store.ReportCare(ctx, p)
	if err != nil {
		return ReportCare{}, err
	}
	// The plan names which touchpoints follow a service up; the member
	// figure is theirs alone.
	follow := map[string]bool{}
	for _, tp := range s.carePlan().Of(care.AfterService) {
		follow[tp.ID] = true
	}
	var filtered []CareReportItem
	for _, it := range items {
		if !follow[it.Touchpoint] {
			it.Member = false // counted per touchpoint only
		}
		filtered = append(filtered, it)
	}
	return CareReportOf(filtered), nil
}
