// Package casejson encodes the parts of a case both stores keep as JSON
// columns: the plan, the resolution, the milestones and the complaints. Times are stored in
// UTC with microsecond precision, like every other stored time, so they read
// back as the time columns do. A nil plan or resolution, zero milestones
// and no complaints encode as nil (NULL).
package casejson

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Columns are the JSON columns of one case; nil means NULL.
type Columns struct {
	Plan       []byte
	Resolution []byte
	Milestones []byte
	Complaints []byte
}

// Encode returns c's JSON columns. c is not changed.
func Encode(c *cases.Case) (Columns, error) {
	var cols Columns
	var err error
	if c.Plan != nil {
		p := *c.Plan
		p.PromisedAt, p.VisitAt = norm(p.PromisedAt), norm(p.VisitAt)
		p.WrittenAt, p.DecidedAt = norm(p.WrittenAt), norm(p.DecidedAt)
		if cols.Plan, err = marshal("plan", p); err != nil {
			return cols, err
		}
	}
	if c.Resolution != nil {
		r := *c.Resolution
		r.At = norm(r.At)
		if cols.Resolution, err = marshal("resolution", r); err != nil {
			return cols, err
		}
	}
	m := c.Milestones
	for _, t := range []*time.Time{&m.FirstResponse, &m.Registered, &m.Classified, &m.Assigned,
		&m.PlanWritten, &m.Started, &m.Resolved, &m.ResolveNotified, &m.NoticeFrom, &m.Closed, &m.LastUpdate, &m.NextUpdate} {
		*t = norm(*t)
	}
	if m != (cases.Milestones{}) {
		if cols.Milestones, err = marshal("milestones", m); err != nil {
			return cols, err
		}
	}
	if len(c.Complaints) > 0 {
		ks := make([]cases.Complaint, len(c.Complaints))
		for i, k := range c.Complaints {
			k.OpenedAt, k.InvestigationDue, k.JudgedAt = norm(k.OpenedAt), norm(k.InvestigationDue), norm(k.JudgedAt)
			k.InvestigatedAt, k.ChosenAt, k.AcceptedAt = norm(k.InvestigatedAt), norm(k.ChosenAt), norm(k.AcceptedAt)
			k.SummarizedAt, k.FollowUpAt = norm(k.SummarizedAt), norm(k.FollowUpAt)
			ks[i] = k
		}
		if cols.Complaints, err = marshal("complaints", ks); err != nil {
			return cols, err
		}
	}
	return cols, nil
}

// norm is t as the time columns keep it; the zero time stays zero.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func marshal(what string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode case %s: %w", what, err)
	}
	return b, nil
}
