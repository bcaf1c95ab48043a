// Package report assembles what both stores' report queries return, so
// SQLite and PostgreSQL shape their answers the same way.
package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// Row is one line of the volume query: a group (total, category, subtype,
// priority, department, channel, source, day), a key and a count.
type Row struct {
	Group string
	Key   string
	Count int
}

// Volume puts the rows into their lists, sorted by key, and the days in
// the order of days with zeros for days the query did not return.
func Volume(rows []Row, days []service.ReportDay) service.ReportVolume {
	var v service.ReportVolume
	perDay := map[string]int{}
	for _, r := range rows {
		c := service.ReportCount{Key: r.Key, Count: r.Count}
		switch r.Group {
		case "total":
			v.Total = r.Count
		case "category":
			v.ByCategory = append(v.ByCategory, c)
		case "subtype":
			v.BySubtype = append(v.BySubtype, c)
		case "priority":
			v.ByPriority = append(v.ByPriority, c)
		case "department":
			v.ByDepartment = append(v.ByDepartment, c)
		case "channel":
			v.ByChannel = append(v.ByChannel, c)
		case "source":
			v.BySource = append(v.BySource, c)
		case "day":
			perDay[r.Key] += r.Count
		}
	}
	for _, l := range []*[]service.ReportCount{&v.ByCategory, &v.BySubtype, &v.ByPriority, &v.ByDepartment, &v.ByChannel, &v.BySource} {
		if *l == nil {
			*l = []service.ReportCount{} // an empty list, not null, in JSON
		}
		slices.SortFunc(*l, func(a, b service.ReportCount) int { return cmp.Compare(a.Key, b.Key) })
	}
	v.PerDay = make([]service.ReportCount, 0, len(days))
	for _, d := range days {
		v.PerDay = append(v.PerDay, service.ReportCount{Key: d.Day, Count: perDay[d.Day]})
	}
	return v
}

// Clocks is the order a case lives through its deadlines
// (cases.SLAPolicy.Clocks); every clock is reported, zeros included.
var Clocks = []cases.ClockName{cases.ClockFirstResponse, cases.ClockRegistration, cases.ClockClassification,
	cases.ClockStartBy, cases.ClockPlan, cases.ClockResolveNotice}

// SLA orders the per-clock counts by Clocks.
func SLA(got map[string]service.ReportClock) []service.ReportClock {
	out := make([]service.ReportClock, 0, len(Clocks))
	for _, name := range Clocks {
		k := got[string(name)]
		k.Clock = name
		out = append(out, k)
	}
	return out
}

// StartBy is the start-by duration of a priority, nil when the policy has
// none (the clock then does not apply, as in cases.SLAPolicy.Clocks).
func StartBy(p service.ReportParams, priority cases.Priority, unit time.Duration) any {
	d := p.SLA.StartBy[priority]
	if d <= 0 {
		return nil
	}
	return int64(d / unit)
}

// Complaints puts the complaint rows into their lists, sorted by key; the
// groups mean_judge and mean_close carry a mean in milliseconds as Count.
func Complaints(rows []Row) service.ReportComplaints {
	var k service.ReportComplaints
	for _, r := range rows {
		c := service.ReportCount{Key: r.Key, Count: r.Count}
		switch r.Group {
		case "total":
			k.Total = r.Count
		case "classification":
			k.ByClassification = append(k.ByClassification, c)
		case "validity":
			k.ByValidity = append(k.ByValidity, c)
		case "source":
			k.BySource = append(k.BySource, c)
		case "stage":
			k.ByStage = append(k.ByStage, c)
		case "mean_judge":
			k.HoursToJudge = float64(r.Count) / float64(time.Hour/time.Millisecond)
		case "mean_close":
			k.HoursToClose = float64(r.Count) / float64(time.Hour/time.Millisecond)
		}
	}
	for _, l := range []*[]service.ReportCount{&k.ByClassification, &k.ByValidity, &k.BySource, &k.ByStage} {
		if *l == nil {
			*l = []service.ReportCount{}
		}
		slices.SortFunc(*l, func(a, b service.ReportCount) int { return cmp.Compare(a.Key, b.Key) })
	}
	return k
}

// Bot puts the rows of the bot query into service.ReportBot: groups
// conversations, intakes, alone, messages, not_understood and questions
// are counts, registered and handoff are counted per reason.
func Bot(rows []Row) service.ReportBot {
	var b service.ReportBot
	for _, r := range rows {
		switch r.Group {
		case "conversations":
			b.Conversations = r.Count
		case "intakes":
			b.Intakes = r.Count
		case "alone":
			b.Alone = r.Count
		case "registered":
			switch r.Key {
			case service.RegisteredAlone:
				b.Registered += r.Count
			case service.RegisteredForAgent:
				b.ForAgent += r.Count
			}
		case "handoff":
			b.Handoffs += r.Count
			b.HandoffsByReason = append(b.HandoffsByReason, service.ReportCount{Key: r.Key, Count: r.Count})
		case "messages":
			b.Messages = r.Count
		case "not_understood":
			b.NotUnderstood = r.Count
		case "questions":
			b.Questions = r.Count
		}
	}
	if b.HandoffsByReason == nil {
		b.HandoffsByReason = []service.ReportCount{}
	}
	slices.SortFunc(b.HandoffsByReason, func(a, c service.ReportCount) int { return cmp.Compare(a.Key, c.Key) })
	return b
}
