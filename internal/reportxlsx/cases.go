package reportxlsx

import (
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// Column is one column of the case list: every field, each SLA clock's
// status, due and done times, and the latest survey scores. The CSV and
// cases.xlsx exports name columns by Key (the canonical keys of SPEC §2);
// the report workbook by their text in its language.
type Column struct {
	Key   string
	label func(t Texts) string
	// kind names the values' texts ("category": category.technical …);
	// "" when the value is shown as it is.
	kind string
	// customer: a customer typed the value (CaseRow's text applies).
	customer bool
	get      func(rc service.ReportCase) string
}

// Label is the column's name in t's language.
func (c Column) Label(t Texts) string { return c.label(t) }

// ClockNames are the clocks of the case list, in the order a case lives
// through them.
var ClockNames = []cases.ClockName{cases.ClockFirstResponse, cases.ClockRegistration, cases.ClockClassification,
	cases.ClockStartBy, cases.ClockPlan, cases.ClockResolveNotice}

// CaseColumns are the case list's columns with the survey's dimensions
// dims (service.SurveyDimensionNames).
func CaseColumns(dims []string) []Column {
	at := func(rc service.ReportCase, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(rc.Zone).Format(time.RFC3339)
	}
	plain := func(key, kind string, get func(c *cases.Case) string) Column {
		return Column{Key: key, kind: kind, label: func(t Texts) string { return t.Get("case." + key) },
			get: func(rc service.ReportCase) string { return get(rc.Case) }}
	}
	cols := []Column{
		plain("number", "", func(c *cases.Case) string { return c.Number }),
		{Key: "registered_at", label: func(t Texts) string { return t.Get("case.registered_at") },
			get: func(rc service.ReportCase) string { return at(rc, rc.Case.CreatedAt) }},
		plain("channel", "channel", func(c *cases.Case) string { return c.Channel }),
		plain("source", "channel", func(c *cases.Case) string { return c.Source }),
		plain("category", "category", func(c *cases.Case) string { return string(c.Category) }),
		plain("subtype", "", func(c *cases.Case) string { return c.Subtype }),
		plain("priority", "priority", func(c *cases.Case) string { return string(c.Priority) }),
		plain("department", "dept", func(c *cases.Case) string { return string(c.Department) }),
		plain("state", "state", func(c *cases.Case) string { return string(c.State) }),
		plain("assignee_id", "", func(c *cases.Case) string {
			if c.Assignee == 0 {
				return ""
			}
			return strconv.FormatInt(c.Assignee, 10)
		}),
	}
	for _, k := range cases.AllFields {
		cols = append(cols, Column{Key: string(k), customer: true,
			label: func(t Texts) string { return t.Get("field." + string(k)) },
			get:   func(rc service.ReportCase) string { return rc.Case.Fields[k] }})
	}
	for _, name := range ClockNames {
		clock := func(rc service.ReportCase) cases.Clock {
			for _, x := range rc.Clocks {
				if x.Name == name {
					return x
				}
			}
			return cases.Clock{}
		}
		clockText := func(t Texts) string { return t.Get("clock." + string(name)) }
		cols = append(cols,
			Column{Key: string(name), kind: "status", label: clockText, get: func(rc service.ReportCase) string {
				if k := clock(rc); k.Status != cases.ClockNone {
					return string(k.Status)
				}
				return ""
			}},
			Column{Key: string(name) + "_due", label: func(t Texts) string { return t.Get("case.clock_due", "clock", clockText(t)) },
				get: func(rc service.ReportCase) string { return at(rc, clock(rc).Due) }},
			Column{Key: string(name) + "_done", label: func(t Texts) string { return t.Get("case.clock_done", "clock", clockText(t)) },
				get: func(rc service.ReportCase) string { return at(rc, clock(rc).Done) }})
	}
	for _, d := range dims {
		cols = append(cols, Column{Key: d, label: func(t Texts) string { return t.Get("dim." + d) },
			get: func(rc service.ReportCase) string {
				if n, ok := rc.Survey[d]; ok {
					return strconv.Itoa(n)
				}
				return ""
			}})
	}
	return cols
}

// CaseKeys are the columns' keys, the header of the CSV and cases.xlsx
// exports.
func CaseKeys(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Key
	}
	return out
}

// CaseRow is one case under cols, values as stored (canonical); text is
// applied to what a customer typed.
func CaseRow(rc service.ReportCase, cols []Column, text func(string) string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		v := c.get(rc)
		if c.customer {
			v = text(v)
		}
		out[i] = v
	}
	return out
}
