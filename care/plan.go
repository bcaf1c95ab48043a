// Package care holds the care plans of SPEC §8: the touchpoints kefu
// reaches out on by itself — the 30-minute re-check of guidance, the
// follow-up after service, the follow-ups one week, one month and three
// months after a purchase, and seasonal maintenance tips — as data, with
// the arithmetic of when each is due. Sending, quiet hours and the records
// are the service's; this package decides nothing that needs a store.
package care

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Trigger is what causes a touchpoint.
type Trigger string

const (
	// AfterGuidance: a case resolved with guidance the customer must
	// observe (remote guidance, a usage guide): checked again after a
	// while (SPEC §8: 30 min).
	AfterGuidance Trigger = "guidance"
	// AfterService: a case resolved (SPEC §8: followed up within 72 h,
	// members within 3 days).
	AfterService Trigger = "resolved"
	// AfterPurchase: a purchase is known (a case's purchase date, an
	// import): follow-ups one week / one month / three months later.
	AfterPurchase Trigger = "purchase"
	// Season: a dated window each year, for the products it names
	// (air conditioners before summer, heaters before winter).
	Season Trigger = "season"
)

// Script is what the bot runs in the conversation.
type Script string

const (
	ScriptRecheck  Script = "recheck"   // does it work now? no → the case reopens
	ScriptFollowUp Script = "follow_up" // satisfied? → suggestions / what to improve
	ScriptPurchase Script = "purchase"  // how is the product going? a problem → a new intake
	ScriptTip      Script = "tip"       // a maintenance tip; no question
)

// Runner is who runs a touchpoint.
type Runner string

const (
	RunnerBot    Runner = "bot"    // the bot, in the customer's conversation
	RunnerPerson Runner = "person" // a follow-up task for an agent (after service only)
)

// Touchpoint is one kind of proactive contact.
type Touchpoint struct {
	ID      string  `yaml:"id"`
	Trigger Trigger `yaml:"trigger"`
	// After is the delay from the cause: "30m", "24h", "7d", "1mo", "3mo".
	After  Offset `yaml:"after"`
	Script Script `yaml:"script"`
	Runner Runner `yaml:"runner"`
	// Tip names the tip text (template "care.tip.<Tip>") of a tip script.
	Tip string `yaml:"tip"`
	// Products limits the touchpoint to purchases whose product or model
	// contains one of these words (case-insensitive); empty: every one.
	Products []string `yaml:"products"`
	// Window is a season's dates each year ("05-15" to "06-15").
	Window Window `yaml:"window"`
	// AnswerWithin is how long the customer has to answer before a person
	// calls instead (P1/P2 cases and members); 0: nobody calls.
	AnswerWithin time.Duration `yaml:"answer_within"`
	// TaskDue is when that call is due, after the cause.
	TaskDue time.Duration `yaml:"task_due"`
}

// Window is a yearly span of days, both ends included.
type Window struct {
	From string `yaml:"from"` // "MM-DD"
	To   string `yaml:"to"`
}

// Plan is the whole care configuration.
type Plan struct {
	// SendAt is the local time of day a day-based touchpoint is due
	// ("10:00"): a follow-up a week after a purchase comes mid-morning,
	// not at the minute of midnight the date names.
	SendAt      string       `yaml:"send_at"`
	Touchpoints []Touchpoint `yaml:"touchpoints"`
}

// Offset is a delay of months, days and a duration. Months are calendar
// months: one month after 31 January is the last day of February.
type Offset struct {
	Months int
	Days   int
	D      time.Duration
}

var offsetRe = regexp.MustCompile(`^(\d+)(mo|d|h|m)$`)

// ParseOffset reads "3mo", "7d", "24h", "30m" or a Go duration.
func ParseOffset(s string) (Offset, error) {
	s = strings.TrimSpace(s)
	if m := offsetRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "mo":
			return Offset{Months: n}, nil
		case "d":
			return Offset{Days: n}, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return Offset{}, fmt.Errorf("%q is not a delay like 30m, 24h, 7d or 3mo", s)
	}
	return Offset{D: d}, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (o *Offset) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseOffset(n.Value)
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// Zero reports whether o is no delay at all.
func (o Offset) Zero() bool { return o == Offset{} }

// Calendar reports whether o counts days or months (a date-based delay).
func (o Offset) Calendar() bool { return o.Months != 0 || o.Days != 0 }

// From is t moved by o on the calendar of t's location, the day clamped
// to the month's end.
func (o Offset) From(t time.Time) time.Time {
	if o.Months != 0 {
		y, m, d := t.Date()
		first := time.Date(y, m+time.Month(o.Months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		last := first.AddDate(0, 1, -1).Day()
		t = first.AddDate(0, 0, min(d, last)-1)
	}
	return t.AddDate(0, 0, o.Days).Add(o.D)
}

func (o Offset) String() string {
	switch {
	case o.Months != 0:
		return fmt.Sprintf("%dmo", o.Months)
	case o.Days != 0:
		return fmt.Sprintf("%dd", o.Days)
	}
	return o.D.String()
}

// Parse reads and checks a care plan.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	if err := yaml.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("care plan: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate names the first problem.
func (p *Plan) Validate() error {
	if p.SendAt == "" {
		p.SendAt = "10:00"
	}
	if _, err := clock(p.SendAt); err != nil {
		return fmt.Errorf("care plan: send_at: %w", err)
	}
	seen := map[string]bool{}
	for i := range p.Touchpoints {
		tp := &p.Touchpoints[i]
		where := fmt.Sprintf("care plan: touchpoints[%d] (%s)", i, tp.ID)
		if tp.ID == "" || strings.ContainsAny(tp.ID, ": ") {
			return fmt.Errorf("%s: id: required, without spaces or colons", where)
		}
		if seen[tp.ID] {
			return fmt.Errorf("%s: id: used twice", where)
		}
		seen[tp.ID] = true
		if tp.Runner == "" {
			tp.Runner = RunnerBot
		}
		if tp.Runner != RunnerBot && tp.Runner != RunnerPerson {
			return fmt.Errorf("%s: runner: %q is not bot or person", where, tp.Runner)
		}
		if !slices.Contains([]Script{ScriptRecheck, ScriptFollowUp, ScriptPurchase, ScriptTip}, tp.Script) {
			return fmt.Errorf("%s: script: %q is not recheck, follow_up, purchase or tip", where, tp.Script)
		}
		if tp.Script == ScriptTip && tp.Tip == "" {
			return fmt.Errorf("%s: tip: a tip script names its tip", where)
		}
		if tp.AnswerWithin < 0 || tp.TaskDue < 0 {
			return fmt.Errorf("%s: answer_within and task_due must not be negative", where)
		}
		switch tp.Trigger {
		case AfterGuidance:
			if tp.Script != ScriptRecheck {
				return fmt.Errorf("%s: a guidance touchpoint runs the recheck script", where)
			}
		case AfterService:
		case AfterPurchase:
			if tp.Runner == RunnerPerson {
				// A task belongs to a case; a purchase may have none.
				return fmt.Errorf("%s: runner: a purchase touchpoint is run by the bot", where)
			}
			if tp.Script == ScriptRecheck || tp.Script == ScriptFollowUp {
				return fmt.Errorf("%s: script: a purchase touchpoint runs purchase or tip", where)
			}
		case Season:
			if _, _, err := monthDay(tp.Window.From); err != nil {
				return fmt.Errorf("%s: window.from: %w", where, err)
			}
			if _, _, err := monthDay(tp.Window.To); err != nil {
				return fmt.Errorf("%s: window.to: %w", where, err)
			}
			if tp.Runner == RunnerPerson || tp.Script != ScriptTip {
				return fmt.Errorf("%s: a season touchpoint is a tip run by the bot", where)
			}
		default:
			return fmt.Errorf("%s: trigger: %q is not guidance, resolved, purchase or season", where, tp.Trigger)
		}
		if tp.Trigger != Season && tp.After.Zero() && tp.Trigger != AfterService {
			return fmt.Errorf("%s: after: required", where)
		}
	}
	return nil
}

// Get returns the touchpoint of id, nil when the plan has none.
func (p *Plan) Get(id string) *Touchpoint {
	if p == nil {
		return nil
	}
	for i := range p.Touchpoints {
		if p.Touchpoints[i].ID == id {
			return &p.Touchpoints[i]
		}
	}
	return nil
}

// Of lists the touchpoints of a trigger, in the plan's order.
func (p *Plan) Of(tr Trigger) []*Touchpoint {
	if p == nil {
		return nil
	}
	var out []*Touchpoint
	for i := range p.Touchpoints {
		if p.Touchpoints[i].Trigger == tr {
			out = append(out, &p.Touchpoints[i])
		}
	}
	return out
}

// Applies reports whether tp is for a purchase of this product and model.
func (tp *Touchpoint) Applies(product, model string) bool {
	if len(tp.Products) == 0 {
		return true
	}
	hay := strings.ToLower(product + " " + model)
	for _, w := range tp.Products {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && strings.Contains(hay, w) {
			return true
		}
	}
	return false
}

// clock parses "HH:MM" into hours and minutes.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 10:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func monthDay(s string) (time.Month, int, error) {
	t, err := time.Parse("01-02", s)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a day of the year like 05-15", s)
	}
	return t.Month(), t.Day(), nil
}

// Sig is what decides a touchpoint's due time, as text: a planned
// touchpoint whose definition changed is re-planned.
func (tp *Touchpoint) Sig(sendAt string) string {
	return fmt.Sprintf("%s|%s|%s|%s-%s|%s", tp.Trigger, tp.After, sendAt, tp.Window.From, tp.Window.To, strings.Join(tp.Products, ","))
}
