package cases_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST test must not depend on the machine's zoneinfo

	"github.com/kefu-dev/kefu/cases"
)

// at is a wall-clock time in CST in the week of t0 (Monday 2026-03-02).
func at(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, cst) }

func TestNextUpdate(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	quiet := cases.DefaultQuietHours()
	p1Waits := quiet
	p1Waits.P1Override = false
	lunch := cases.QuietHours{Start: "12:00", End: "14:00"}
	tests := []struct {
		name string
		pr   cases.Priority
		last time.Time
		q    cases.QuietHours
		want time.Time
	}{
		{"P1 every 4 h", cases.P1, at(2, 9, 0), quiet, at(2, 13, 0)},
		{"P2 every 8 h", cases.P2, at(2, 9, 0), quiet, at(2, 17, 0)},
		{"P3 daily", cases.P3, at(2, 9, 0), quiet, at(3, 9, 0)},
		{"P2 due at 23:00 waits for 08:00", cases.P2, at(2, 15, 0), quiet, at(3, 8, 0)},
		{"P2 due after midnight waits for 08:00 that morning", cases.P2, at(2, 23, 30), quiet, at(3, 8, 0)},
		{"P2 due at 07:59 waits a minute", cases.P2, at(2, 23, 59), quiet, at(3, 8, 0)},
		{"P2 due exactly at 08:00 goes", cases.P2, at(3, 0, 0), quiet, at(3, 8, 0)},
		{"P2 due exactly at 22:00 waits", cases.P2, at(2, 14, 0), quiet, at(3, 8, 0)},
		{"P2 due at 21:59 goes", cases.P2, at(2, 13, 59), quiet, at(2, 21, 59)},
		{"P3 due at 22:30 waits for the next morning", cases.P3, at(2, 22, 30), quiet, at(4, 8, 0)},
		{"P1 at 23:00 is sent anyway", cases.P1, at(2, 19, 0), quiet, at(2, 23, 0)},
		{"P1 waits when configured to", cases.P1, at(2, 19, 0), p1Waits, at(3, 8, 0)},
		{"quiet hours within a day", cases.P2, at(2, 5, 0), lunch, at(2, 14, 0)},
		{"outside quiet hours within a day", cases.P2, at(2, 7, 0), lunch, at(2, 15, 0)},
		{"no quiet hours", cases.P2, at(2, 15, 0), cases.QuietHours{}, at(2, 23, 0)},
		{"end of month", cases.P2, at(31, 20, 0), quiet, time.Date(2026, 4, 1, 8, 0, 0, 0, cst)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := p.NextUpdate(tc.pr, tc.last, tc.q, cst)
			if !got.Equal(tc.want) {
				t.Errorf("next update %v, want %v", got.In(cst), tc.want)
			}
		})
	}
}

func TestNextUpdateInTheCustomersZone(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	q := cases.DefaultQuietHours()
	// The server runs in UTC; 06:00 UTC is 14:00 in Shanghai, so a P2
	// update 8 h later would land at 22:00 for the customer.
	last := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	if got, want := p.NextUpdate(cases.P2, last, q, cst), at(3, 8, 0); !got.Equal(want) {
		t.Errorf("Shanghai customer: %v, want %v", got, want)
	}
	// The same instant for a customer in London (14:00 UTC is not quiet).
	if got, want := p.NextUpdate(cases.P2, last, q, time.UTC), last.Add(8*time.Hour); !got.Equal(want) {
		t.Errorf("UTC customer: %v, want %v", got, want)
	}
	// No zone: the time's own.
	if got, want := p.NextUpdate(cases.P2, at(2, 15, 0), q, nil), at(3, 8, 0); !got.Equal(want) {
		t.Errorf("nil zone: %v, want %v", got, want)
	}
}

func TestQuietHoursAcrossDST(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	p := cases.DefaultSLA()
	q := cases.DefaultQuietHours()
	// Clocks spring forward at 02:00 on 2026-03-08: the night is an hour
	// shorter, and the update still goes at 08:00 on the customer's clock.
	last := time.Date(2026, 3, 7, 15, 0, 0, 0, ny)
	got := p.NextUpdate(cases.P2, last, q, ny)
	if want := time.Date(2026, 3, 8, 8, 0, 0, 0, ny); !got.Equal(want) || got.Sub(last.Add(8*time.Hour)) != 8*time.Hour {
		t.Errorf("spring forward: %v, want %v (08:00 EDT, 8 h after 23:00 EST)", got, want)
	}
	// Fall back on 2026-11-01: 01:30 happens twice and both are quiet.
	for _, offset := range []time.Duration{0, time.Hour} {
		tt := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC).Add(offset) // 01:30 EDT, then 01:30 EST
		if !q.InQuiet(tt.In(ny)) {
			t.Errorf("%v is quiet in New York", tt.In(ny))
		}
		if got, want := q.SendAt(cases.P3, tt, ny), time.Date(2026, 11, 1, 8, 0, 0, 0, ny); !got.Equal(want) {
			t.Errorf("fall back %v: send at %v, want %v", tt.In(ny), got, want)
		}
	}
	// A quiet end of 02:30 does not exist that night: quiet hours end with
	// the jump from 02:00 to 03:00.
	skip := cases.QuietHours{Start: "01:00", End: "02:30"}
	due := time.Date(2026, 3, 8, 1, 15, 0, 0, ny)
	if got, want := skip.SendAt(cases.P2, due, ny), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC); !got.Equal(want) || skip.InQuiet(got) {
		t.Errorf("skipped quiet end: %v, want the jump at %v", got, want.In(ny))
	}
}

func TestPriorityChangeReplansFromNow(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	q := cases.DefaultQuietHours()
	lastUpdate := at(2, 9, 0) // a P3 case was updated Monday morning
	changed := at(2, 15, 0)   // and became P1 in the afternoon
	tests := []struct {
		name string
		pr   cases.Priority
		want time.Time
	}{
		{"upgraded to P1: 4 h from the change, not Tuesday morning", cases.P1, at(2, 19, 0)},
		{"upgraded to P2: 8 h from the change lands at 23:00, so 08:00", cases.P2, at(3, 8, 0)},
		{"downgraded to P3: a day from the change", cases.P3, at(3, 15, 0)},
	}
	for _, tc := range tests {
		if got := p.NextUpdate(tc.pr, changed, q, cst); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if old := p.NextUpdate(cases.P3, lastUpdate, q, cst); !old.Equal(at(3, 9, 0)) {
		t.Errorf("P3 cadence before the change: %v", old)
	}
}

func TestInQuiet(t *testing.T) {
	t.Parallel()
	q := cases.DefaultQuietHours()
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(2, 21, 59), false},
		{at(2, 22, 0), true},
		{at(2, 23, 59), true},
		{at(3, 0, 0), true},
		{at(3, 7, 59), true},
		{at(3, 8, 0), false},
		{at(3, 12, 0), false},
		{time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC).In(cst), true}, // 23:00 in Shanghai
	}
	for _, tc := range tests {
		if got := q.InQuiet(tc.t); got != tc.want {
			t.Errorf("InQuiet(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if (cases.QuietHours{Start: "08:00", End: "08:00"}).InQuiet(at(2, 8, 0)) {
		t.Error("equal start and end means no quiet hours")
	}
}

func TestQuietHoursValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    cases.QuietHours
		want string // substring of the error, "" for valid
	}{
		{cases.DefaultQuietHours(), ""},
		{cases.QuietHours{}, ""},
		{cases.QuietHours{Start: "00:00", End: "23:59"}, ""},
		{cases.QuietHours{Start: "24:00", End: "08:00"}, "quiet_hours.start"},
		{cases.QuietHours{Start: "22:00", End: "8:00"}, "quiet_hours.end"},
		{cases.QuietHours{Start: "22-00", End: "08:00"}, "quiet_hours.start"},
		{cases.QuietHours{Start: "+2:00", End: "08:00"}, "quiet_hours.start"},
		{cases.QuietHours{Start: "22:60", End: "08:00"}, "quiet_hours.start"},
		{cases.QuietHours{Start: "22:00"}, "both"},
	}
	for _, tc := range tests {
		err := tc.q.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.q, err, tc.want)
		}
	}
	if !cases.DefaultQuietHours().P1Override {
		t.Error("P1 updates are sent during quiet hours by default")
	}
}

func TestNextUpdateWithoutCadenceIsDaily(t *testing.T) {
	t.Parallel()
	var p cases.SLAPolicy // unconfigured: never a zero interval that would spin
	if got := p.NextUpdate(cases.P2, at(2, 9, 0), cases.QuietHours{}, cst); !got.Equal(at(3, 9, 0)) {
		t.Errorf("%v, want a day later", got)
	}
}
