package cases_test

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

func statuses(ks []cases.Clock) map[cases.ClockName]cases.ClockStatus {
	out := map[cases.ClockName]cases.ClockStatus{}
	for _, k := range ks {
		out[k.Name] = k.Status
	}
	return out
}

func clock(t *testing.T, ks []cases.Clock, name cases.ClockName) cases.Clock {
	t.Helper()
	for _, k := range ks {
		if k.Name == name {
			return k
		}
	}
	t.Fatalf("no clock %s", name)
	return cases.Clock{}
}

// TestClocksThroughAP1Case follows one P1 case and checks what the console
// shows as met, missed and pending at each moment.
func TestClocksThroughAP1Case(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	c := assigned(cases.CategoryTechnical, cases.P1)
	const (
		pending = cases.ClockPending
		met     = cases.ClockMet
		missed  = cases.ClockMissed
		none    = cases.ClockNone
	)
	type want map[cases.ClockName]cases.ClockStatus
	steps := []struct {
		at   time.Duration // after registration
		do   func(now time.Time) error
		want want
	}{
		{time.Hour, nil, want{"first_response": met, "registration": met, "classification": met, "start_by": pending, "plan": pending, "resolve_notice": none}},
		{2 * time.Hour, nil, want{"plan": missed, "start_by": pending}}, // plan due exactly now and not written
		{150 * time.Minute, func(now time.Time) error {
			_, err := c.SetPlan(techHandler, onsite(now), now)
			return err
		}, want{"plan": missed, "start_by": pending}}, // written 30 min late: stays missed
		{5 * time.Hour, nil, want{"start_by": missed}}, // the head has not approved: handling has not started
		{5 * time.Hour, func(now time.Time) error {
			_, err := c.Approve(techHead, "", now)
			return err
		}, want{"start_by": missed}},
		{20 * time.Hour, func(now time.Time) error {
			_, err := c.Resolve(techHandler, cases.ResolveParams{Proof: "board replaced", Attachment: "a"}, now)
			return err
		}, want{"resolve_notice": pending}},
		{21 * time.Hour, nil, want{"resolve_notice": missed}},
		{21*time.Hour + 10*time.Minute, func(now time.Time) error {
			c.Milestones.ResolveNotified = now
			return nil
		}, want{"resolve_notice": missed}},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		if s.do != nil {
			if err := s.do(now); err != nil {
				t.Fatalf("+%v: %v", s.at, err)
			}
		}
		got := statuses(p.Clocks(c, now))
		for name, w := range s.want {
			if got[name] != w {
				t.Errorf("+%v: %s is %s, want %s", s.at, name, got[name], w)
			}
		}
	}
}

func TestClocksMetOnTime(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	c := assigned(cases.CategoryLogistics, cases.P2)
	now := t0.Add(90 * time.Minute)
	if _, err := c.SetPlan(logHandler, cases.PlanParams{Type: cases.PlanReship, Description: "reship", PromisedAt: now.Add(40 * time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	ks := p.Clocks(c, now.Add(10*time.Hour))
	for _, name := range []cases.ClockName{cases.ClockFirstResponse, cases.ClockRegistration, cases.ClockClassification, cases.ClockStartBy, cases.ClockPlan} {
		if k := clock(t, ks, name); k.Status != cases.ClockMet {
			t.Errorf("%s: %+v, want met", name, k)
		}
	}
	if k := clock(t, ks, cases.ClockPlan); !k.Due.Equal(t0.Add(2*time.Hour)) || !k.Done.Equal(now) {
		t.Errorf("plan clock %+v: due 2 h after assignment, done when written", k)
	}
	if k := clock(t, ks, cases.ClockStartBy); !k.Due.Equal(t0.Add(8 * time.Hour)) {
		t.Errorf("P2 start-by due %v, want 8 h after registration", k.Due)
	}
}

func TestClocksOfClosedAndLegacyCases(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	t.Run("closed before a deadline: it no longer applies", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P3)
		if _, err := c.Close(supervisor, "customer withdrew", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got := statuses(p.Clocks(c, t0.Add(72*time.Hour)))
		if got["plan"] != cases.ClockNone || got["start_by"] != cases.ClockNone {
			t.Errorf("clocks of a case closed early: %v", got)
		}
		if b := p.Breaches(c, t0.Add(72*time.Hour)); len(b) != 0 || !p.NextCheck(c, t0.Add(2*time.Hour)).IsZero() {
			t.Errorf("a closed case escalates: %+v", b)
		}
	})
	t.Run("closed after missing: stays missed, escalates no more", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryTechnical, cases.P3)
		if _, err := c.Close(supervisor, "duplicate", t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := statuses(p.Clocks(c, t0.Add(4*time.Hour))); got["plan"] != cases.ClockMissed {
			t.Errorf("plan clock %s, want missed", got["plan"])
		}
		if b := p.Breaches(c, t0.Add(4*time.Hour)); len(b) != 0 {
			t.Errorf("a closed case escalates: %+v", b)
		}
	})
	t.Run("stored before milestones: registration stands for classification and assignment", func(t *testing.T) {
		t.Parallel()
		c := assigned(cases.CategoryQuality, cases.P2)
		c.Milestones = cases.Milestones{}
		got := statuses(p.Clocks(c, t0.Add(3*time.Hour)))
		if got["registration"] != cases.ClockMet || got["classification"] != cases.ClockMet || got["plan"] != cases.ClockMissed || got["first_response"] != cases.ClockMissed {
			t.Errorf("clocks %v", got)
		}
	})
}

func TestEscalationChain(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	c := assigned(cases.CategoryTechnical, cases.P1)
	c.Milestones.PlanWritten = t0.Add(time.Hour) // only start-by is at stake
	tests := []struct {
		at     time.Duration
		target string
		role   cases.Role
		next   time.Duration // zero: no further step
	}{
		{3 * time.Hour, cases.TargetHandler, cases.RoleHandler, 4 * time.Hour}, // pending: first check at due
		{4 * time.Hour, cases.TargetSpecialist, cases.RoleSpecialist, 8 * time.Hour},
		{7*time.Hour + 59*time.Minute, cases.TargetSpecialist, cases.RoleSpecialist, 8 * time.Hour},
		{8 * time.Hour, cases.TargetDepartmentManager, cases.RoleHead, 12 * time.Hour},
		{12 * time.Hour, cases.TargetExecutive, "", 0},
		{100 * time.Hour, cases.TargetExecutive, "", 0},
	}
	chain := cases.EscalationChain(c.Department)
	for _, tc := range tests {
		now := t0.Add(tc.at)
		k := clock(t, p.Clocks(c, now), cases.ClockStartBy)
		step, next := k.Escalation(chain, now)
		if step.Target != tc.target || step.Role != tc.role {
			t.Errorf("+%v: step %+v, want %s (%s)", tc.at, step, tc.target, tc.role)
		}
		var wantNext time.Time
		if tc.next != 0 {
			wantNext = t0.Add(tc.next)
		}
		if !next.Equal(wantNext) {
			t.Errorf("+%v: next step at %v, want %v", tc.at, next, wantNext)
		}
	}

	// Started late at +9 h: the case reached the department manager and
	// stops there; nothing is still breached.
	c.Milestones.Started = t0.Add(9 * time.Hour)
	now := t0.Add(13 * time.Hour)
	k := clock(t, p.Clocks(c, now), cases.ClockStartBy)
	if step, next := k.Escalation(chain, now); k.Status != cases.ClockMissed || step.Target != cases.TargetDepartmentManager || !next.IsZero() {
		t.Errorf("met late: %s, step %+v, next %v", k.Status, step, next)
	}
	if b := p.Breaches(c, now); len(b) != 0 {
		t.Errorf("breaches after the deadline was met late: %+v", b)
	}
}

func TestConsultationEscalatesToTheSupervisor(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	c := assigned(cases.CategoryConsultation, cases.P3)
	tests := []struct {
		at     time.Duration
		target string
		role   cases.Role
	}{
		{2 * time.Hour, cases.TargetDepartmentManager, cases.RoleSupervisor}, // the specialist already owns it
		{4 * time.Hour, cases.TargetExecutive, ""},
	}
	for _, tc := range tests {
		b := p.Breaches(c, t0.Add(tc.at))
		if len(b) != 1 || b[0].Clock.Name != cases.ClockPlan || b[0].Step.Target != tc.target || b[0].Step.Role != tc.role {
			t.Errorf("+%v: breaches %+v, want the plan clock at %s", tc.at, b, tc.target)
		}
	}
}

func TestNextCheck(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	c := assigned(cases.CategoryTechnical, cases.P1)
	steps := []struct {
		at   time.Duration
		do   func(now time.Time)
		want time.Duration // after t0; zero: no timer needed
	}{
		{time.Hour, nil, 2 * time.Hour}, // plan due
		{90 * time.Minute, func(now time.Time) { must(t)(c.SetPlan(techHandler, onsite(now), now)) }, 4 * time.Hour},
		{5 * time.Hour, nil, 8 * time.Hour}, // start-by missed at 4 h: next step at 8 h
		{6 * time.Hour, func(now time.Time) { must(t)(c.Approve(techHead, "", now)) }, 0},
		{10 * time.Hour, func(now time.Time) {
			must(t)(c.Resolve(techHandler, cases.ResolveParams{Proof: "fixed", Attachment: "a"}, now))
		}, 11 * time.Hour}, // the resolution notice is due
		{10*time.Hour + 5*time.Minute, func(now time.Time) { c.Milestones.ResolveNotified = now }, 0},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		if s.do != nil {
			s.do(now)
		}
		var want time.Time
		if s.want != 0 {
			want = t0.Add(s.want)
		}
		if got := p.NextCheck(c, now); !got.Equal(want) {
			t.Errorf("+%v (%s): next check %v, want %v", s.at, c.State, got, want)
		}
	}
}
