package care

import (
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func TestOffsetsCountCalendarMonths(t *testing.T) {
	for _, c := range []struct {
		off, from, want string
	}{
		{"1mo", "2026-01-31 10:00", "2026-02-28 10:00"},
		{"3mo", "2026-03-10 10:00", "2026-06-10 10:00"},
		{"7d", "2026-03-29 10:00", "2026-04-05 10:00"},
		{"30m", "2026-03-29 23:50", "2026-03-30 00:20"},
		{"24h", "2026-03-29 10:00", "2026-03-30 10:00"},
	} {
		o, err := ParseOffset(c.off)
		if err != nil {
			t.Fatal(err)
		}
		from, _ := time.ParseInLocation("2006-01-02 15:04", c.from, cst)
		if got := o.From(from).Format("2006-01-02 15:04"); got != c.want {
			t.Errorf("%s after %s = %s, want %s", c.off, c.from, got, c.want)
		}
	}
	if _, err := ParseOffset("soon"); err == nil {
		t.Error("soon parsed as an offset")
	}
}

func TestSeasonDueIsTheNextWindowNotYetOver(t *testing.T) {
	p := &Plan{SendAt: "10:00"}
	summer := &Touchpoint{ID: "summer", Trigger: Season, Window: Window{From: "05-15", To: "06-15"}}
	winter := &Touchpoint{ID: "winter", Trigger: Season, Window: Window{From: "12-01", To: "01-31"}}
	for _, c := range []struct {
		tp       *Touchpoint
		at, want string
		year     int
	}{
		{summer, "2026-03-20 09:00", "2026-05-15 10:00", 2026}, // bought in March: this summer
		{summer, "2026-05-20 16:30", "2026-05-20 16:30", 2026}, // inside the window: now
		{summer, "2026-06-15 23:00", "2026-06-15 23:00", 2026}, // its last day still counts
		{summer, "2026-06-16 08:00", "2027-05-15 10:00", 2027}, // over: next year
		{winter, "2027-01-10 12:00", "2027-01-10 12:00", 2026}, // the window that began in 2026
		{winter, "2027-02-01 12:00", "2027-12-01 10:00", 2027},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, cst)
		due, y := p.SeasonDue(c.tp, at, cst)
		if got := due.In(cst).Format("2006-01-02 15:04"); got != c.want || y != c.year {
			t.Errorf("%s at %s: %s (%d), want %s (%d)", c.tp.ID, c.at, got, y, c.want, c.year)
		}
	}
	at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-16 08:00", cst)
	if end := p.SeasonEnd(winter, 2026, cst); end.Format("2006-01-02") != "2027-02-01" {
		t.Errorf("the 2026 winter window ends before %s", end)
	}
	if p.SeasonOpen(summer, 2026, at, cst) {
		t.Error("2026's summer window is open on 16 June")
	}
}

func TestPurchaseDueIsAtTheSendTime(t *testing.T) {
	p, err := Parse([]byte("send_at: \"10:30\"\ntouchpoints:\n  - {id: m1, trigger: purchase, after: 1mo, script: purchase}\n"))
	if err != nil {
		t.Fatal(err)
	}
	bought := time.Date(2026, 3, 31, 0, 0, 0, 0, cst)
	if got := p.PurchaseDue(p.Get("m1"), bought, cst).Format("2006-01-02 15:04"); got != "2026-04-30 10:30" {
		t.Errorf("a month after 31 March = %s", got)
	}
}

func TestValidateNamesTheProblem(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"touchpoints: [{id: a, trigger: purchase, after: 7d, script: follow_up}]", "purchase touchpoint runs purchase or tip"},
		{"touchpoints: [{id: a, trigger: purchase, after: 7d, script: purchase, runner: person}]", "run by the bot"},
		{"touchpoints: [{id: a, trigger: season, script: tip, tip: x, window: {from: 13-01, to: 06-01}}]", "window.from"},
		{"touchpoints: [{id: a, trigger: purchase, after: soon, script: purchase}]", "not a delay"},
		{"touchpoints: [{id: a, trigger: purchase, after: 7d, script: purchase}, {id: a, trigger: purchase, after: 7d, script: purchase}]", "used twice"},
		{"touchpoints: [{id: a, trigger: purchase, after: 7d, script: tip}]", "names its tip"},
		{"touchpoints: [{id: a, trigger: guidance, after: 30m, script: tip, tip: x}]", "recheck"},
	} {
		_, err := Parse([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.yaml, err, c.want)
		}
	}
}

func TestAppliesMatchesProductOrModel(t *testing.T) {
	tp := &Touchpoint{Products: []string{"空调", "air conditioner", "KFR"}}
	for _, c := range []struct {
		product, model string
		want           bool
	}{
		{"格力空调", "", true}, {"", "KFR-35GW/BP", true}, {"Split Air Conditioner", "", true}, {"洗衣机", "XQG80", false},
	} {
		if got := tp.Applies(c.product, c.model); got != c.want {
			t.Errorf("%q %q: %v", c.product, c.model, got)
		}
	}
}
