package care

import "time"

// When touchpoints are due. Date-based delays (days, months, seasons) are
// due at the plan's SendAt on the customer's clock; the service then moves
// a due time out of quiet hours and off a day that already had a proactive
// message.

// dayAt is the day of t in loc at the plan's send time.
func (p *Plan) dayAt(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	at, _ := clock(p.SendAt) // checked by Validate
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).Add(at)
}

// PurchaseDue is when tp falls due for a purchase made on day purchased
// (its date on the customer's clock loc).
func (p *Plan) PurchaseDue(tp *Touchpoint, purchased time.Time, loc *time.Location) time.Time {
	return tp.After.From(p.dayAt(purchased, loc))
}

// ServiceDue is when tp falls due after a resolution (or, for guidance,
// after the guidance was given) at t.
func (p *Plan) ServiceDue(tp *Touchpoint, t time.Time, loc *time.Location) time.Time {
	if tp.After.Calendar() {
		return tp.After.From(p.dayAt(t, loc))
	}
	return tp.After.From(t)
}

// SeasonDue is the next window of a season touchpoint that has not ended
// by t: due at its first day, or at t when t is inside it. year names the
// window (the year it starts in), so each year's tip is sent once.
func (p *Plan) SeasonDue(tp *Touchpoint, t time.Time, loc *time.Location) (due time.Time, year int) {
	fm, fd, _ := monthDay(tp.Window.From)
	tm, td, _ := monthDay(tp.Window.To)
	local := t.In(loc)
	for y := local.Year() - 1; ; y++ {
		start := p.dayAt(time.Date(y, fm, fd, 0, 0, 0, 0, loc), loc)
		endYear := y
		if tm < fm || tm == fm && td < fd {
			endYear++ // the window spans the new year
		}
		end := time.Date(endYear, tm, td, 0, 0, 0, 0, loc).AddDate(0, 0, 1) // the day after its last
		if !end.After(local) {
			continue
		}
		if start.After(local) {
			return start, y
		}
		return t, y
	}
}

// SeasonOpen reports whether t (on loc's clock) is still inside the window
// of year: a tip that could not go out before its season ended is dropped.
func (p *Plan) SeasonOpen(tp *Touchpoint, year int, t time.Time, loc *time.Location) bool {
	due, y := p.SeasonDue(tp, t, loc)
	return y == year && !due.After(t)
}

// SeasonEnd is the day after the last day of a season's window of year.
func (p *Plan) SeasonEnd(tp *Touchpoint, year int, loc *time.Location) time.Time {
	fm, fd, _ := monthDay(tp.Window.From)
	tm, td, _ := monthDay(tp.Window.To)
	if tm < fm || tm == fm && td < fd {
		year++
	}
	return time.Date(year, tm, td, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
}
