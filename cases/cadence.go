package cases

import (
	"fmt"
	"time"
)

// QuietHours is the customers' rest time (SPEC §8: never disturb customers
// during their rest hours; P1 may override), as wall-clock times in the
// customer's own zone. Start == End (or both empty) means no quiet hours.
type QuietHours struct {
	Start string `yaml:"start"` // "22:00"
	End   string `yaml:"end"`   // "08:00"; before Start means the quiet spans midnight
	// P1Override sends P1 updates during quiet hours anyway. It defaults to
	// true through DefaultQuietHours: configs start from the defaults, so a
	// missing key keeps P1 urgent rather than silently holding it back.
	P1Override bool `yaml:"p1_override"`
}

// DefaultQuietHours is 22:00–08:00 with P1 sent anyway.
func DefaultQuietHours() QuietHours {
	return QuietHours{Start: "22:00", End: "08:00", P1Override: true}
}

// Validate names the first malformed time.
func (q QuietHours) Validate() error {
	if _, err := clockOf(q.Start); err != nil {
		return fmt.Errorf("quiet_hours.start: %w", err)
	}
	if _, err := clockOf(q.End); err != nil {
		return fmt.Errorf("quiet_hours.end: %w", err)
	}
	if (q.Start == "") != (q.End == "") {
		return fmt.Errorf("quiet_hours: set both start and end, or neither")
	}
	return nil
}

// clockOf parses "HH:MM" into seconds after midnight; "" is 0.
func clockOf(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	digit := func(i int) int { return int(s[i] - '0') }
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not a time of day like 22:00", s)
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a time of day like 22:00", s)
		}
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time of day like 22:00", s)
	}
	return h*3600 + m*60, nil
}

// bounds returns the window in seconds after midnight; ok is false when
// there are no quiet hours (or they do not parse: Validate runs at start).
func (q QuietHours) bounds() (start, end int, ok bool) {
	s, err1 := clockOf(q.Start)
	e, err2 := clockOf(q.End)
	if err1 != nil || err2 != nil || s == e {
		return 0, 0, false
	}
	return s, e, true
}

// InQuiet reports whether t falls inside quiet hours on the wall clock of
// t's own location; pass t.In(customerZone). Start is inside, End is not.
func (q QuietHours) InQuiet(t time.Time) bool {
	_, ok := q.quietEnd(t)
	return ok
}

// quietEnd returns the end of the quiet period that contains t, in t's
// location, and whether t is inside one at all.
func (q QuietHours) quietEnd(t time.Time) (time.Time, bool) {
	s, e, ok := q.bounds()
	if !ok {
		return time.Time{}, false
	}
	h, m, sec := t.Clock()
	tod := h*3600 + m*60 + sec
	y, mo, d := t.Date()
	end := func(day int) time.Time {
		u := time.Date(y, mo, day, e/3600, e%3600/60, 0, 0, t.Location())
		if h, m, _ := u.Clock(); h*3600+m*60 == e {
			return u
		}
		// The end's wall time falls in a spring-forward gap and time.Date
		// moved it to either side: quiet hours end with the jump itself.
		start, stop := u.ZoneBounds()
		if d := stop.Sub(u); !stop.IsZero() && d > 0 && d < 6*time.Hour {
			return stop
		}
		return start
	}
	switch {
	case s < e && tod >= s && tod < e: // e.g. 13:00–14:00
		return end(d), true
	case s > e && tod >= s: // 22:00–08:00, before midnight
		return end(d + 1), true
	case s > e && tod < e: // 22:00–08:00, after midnight
		return end(d), true
	}
	return time.Time{}, false
}

// SendAt is when a message due at t may reach a customer in loc: t itself,
// or the end of quiet hours for P2/P3 (and for P1 unless P1Override). A nil
// loc means t's own location.
func (q QuietHours) SendAt(pr Priority, t time.Time, loc *time.Location) time.Time {
	if loc != nil {
		t = t.In(loc)
	}
	if pr == P1 && q.P1Override {
		return t
	}
	if end, ok := q.quietEnd(t); ok {
		return end
	}
	return t
}

// NextUpdate is when the customer's next progress update is due after the
// one at lastUpdate: every UpdateEvery[pr] (P1 4 h, P2 8 h, P3 daily, SPEC
// §3), moved out of quiet hours by SendAt. After a priority change pass now
// as lastUpdate: the new cadence runs from the change, so an upgrade to P1
// does not wait out the rest of a P3 day. A priority without a configured
// cadence is updated daily, the gentlest cadence.
func (p SLAPolicy) NextUpdate(pr Priority, lastUpdate time.Time, q QuietHours, loc *time.Location) time.Time {
	every := p.UpdateEvery[pr]
	if every <= 0 {
		every = 24 * time.Hour
	}
	return q.SendAt(pr, lastUpdate.Add(every), loc)
}

// ProgressSince returns the customer-visible notes of history written after
// since, in order: what the next progress update tells the customer. Empty
// means the handler wrote nothing, and kefu sends its automatic status. The
// alternative of a plan change is left out: it was sent at once.
func ProgressSince(history []Change, since time.Time) []Change {
	var out []Change
	for _, ch := range history {
		if ch.Action == HistNote && ch.Visible && ch.At.After(since) && ch.Reason != NoteReasonPlanChange {
			out = append(out, ch)
		}
	}
	return out
}
