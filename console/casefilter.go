package console

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// CaseFilterParams are the query parameters of a case list, the API's and
// the console's: what ParseCaseFilter reads.
func CaseFilterParams() []string {
	return []string{"department", "state", "priority", "overdue", "open", "limit", "before", "phone", "email", "number",
		"assignee", "q", "from", "to", "channel", "category", "subtype", "source", "clock", "clock_status"}
}

// ParseCaseFilter reads a case list's filters; the ones a report's figures
// drill down with (from, to, channel, category, subtype, source, clock,
// clock_status) are read here too, so a figure's link selects in the
// console what it selects in the API. from and to are RFC 3339 times.
func ParseCaseFilter(q url.Values, u cases.User) (service.CaseFilter, error) {
	var err error
	f := service.CaseFilter{Phone: q.Get("phone"), Email: q.Get("email"), Number: q.Get("number"), Q: q.Get("q"),
		Channel: q.Get("channel"), Subtype: q.Get("subtype"), Source: q.Get("source")}
	switch s := q.Get("assignee"); s {
	case "":
	case "me":
		f.Assignee = u.ID
	default:
		if f.Assignee, err = strconv.ParseInt(s, 10, 64); err != nil || f.Assignee <= 0 {
			return f, invalid("assignee: %q is not me or a user id", s)
		}
	}
	if f.Department, err = departmentParam(q); err != nil {
		return f, err
	}
	if s := q.Get("state"); s != "" {
		if f.State = cases.State(s); !slices.Contains(states, f.State) {
			return f, invalid("state: %q is not one of registered, assigned, pending_approval, planned, in_progress, resolved, closed", s)
		}
	}
	if f.Priority, err = priorityParam(q); err != nil {
		return f, err
	}
	if f.Category, err = categoryParam(q); err != nil {
		return f, err
	}
	if s := q.Get("overdue"); s != "" {
		if f.Overdue, err = strconv.ParseBool(s); err != nil {
			return f, invalid("overdue: %q is not true or false", s)
		}
	}
	if s := q.Get("open"); s != "" {
		if f.Open, err = strconv.ParseBool(s); err != nil {
			return f, invalid("open: %q is not true or false", s)
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			return f, invalid("limit: %q is not a whole number from 1 to %d", s, maxListLimit)
		}
		f.Limit = n
	}
	if s := q.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return f, invalid("before: %q is not a case id (the next_before of the previous page)", s)
		}
		f.Before = n
	}
	if f.From, err = parseTime("from", q.Get("from")); err != nil {
		return f, err
	}
	if f.To, err = parseTime("to", q.Get("to")); err != nil {
		return f, err
	}
	if s := q.Get("clock"); s != "" {
		if f.Clock = cases.ClockName(s); !slices.Contains(reportClockNames, f.Clock) {
			return f, invalid("clock: %q is not one of first_response, registration, classification, start_by, plan, resolve_notice", s)
		}
	}
	if s := q.Get("clock_status"); s != "" {
		f.ClockStatus = cases.ClockStatus(s)
		switch {
		case f.Clock == "":
			return f, invalid("clock_status: needs a clock")
		case f.ClockStatus != cases.ClockMet && f.ClockStatus != cases.ClockMissed && f.ClockStatus != cases.ClockPending:
			return f, invalid("clock_status: %q is not one of met, missed, pending", s)
		}
	}
	return f, nil
}

// departmentParam, priorityParam and categoryParam read the optional
// enumerated filters every list and report takes.
func departmentParam(q url.Values) (cases.Department, error) {
	d := cases.Department(q.Get("department"))
	if d != "" && !d.Valid() {
		return "", invalid("department: %q is not one of technical_support, logistics, quality_control, customer_service", d)
	}
	return d, nil
}

func priorityParam(q url.Values) (cases.Priority, error) {
	p := cases.Priority(q.Get("priority"))
	if p != "" && !p.Valid() {
		return "", invalid("priority: %q is not one of P1, P2, P3", p)
	}
	return p, nil
}

func categoryParam(q url.Values) (cases.Category, error) {
	c := cases.Category(q.Get("category"))
	if c != "" && !c.Valid() {
		return "", invalid("category: %q is not one of technical, logistics, quality, consultation", c)
	}
	return c, nil
}
