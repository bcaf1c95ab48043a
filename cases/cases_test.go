package cases_test

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

func TestTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to cases.State
		ok       bool
	}{
		{cases.StateRegistered, cases.StateAssigned, true},
		{cases.StateAssigned, cases.StatePendingApproval, true},
		{cases.StatePendingApproval, cases.StatePlanned, true},
		{cases.StateResolved, cases.StateInProgress, true}, // reopened after a failed function check
		{cases.StateRegistered, cases.StateResolved, false},
		{cases.StateClosed, cases.StateRegistered, false},
	}
	for _, tc := range tests {
		c := &cases.Case{Number: "K-1", State: tc.from}
		ch, err := c.Transition(tc.to, "user:1", "test", time.Unix(0, 0))
		if (err == nil) != tc.ok {
			t.Errorf("%s -> %s: err %v, want ok=%v", tc.from, tc.to, err, tc.ok)
			continue
		}
		if tc.ok && (c.State != tc.to || ch.From != string(tc.from) || ch.To != string(tc.to) || ch.Actor != "user:1") {
			t.Errorf("%s -> %s: case %s, change %+v", tc.from, tc.to, c.State, ch)
		}
		if !tc.ok && (c.State != tc.from || cases.ErrorCode(err) != cases.EInvalid) {
			t.Errorf("refused transition changed the case or has code %s", cases.ErrorCode(err))
		}
	}
}

func TestIntakeDeadlines(t *testing.T) {
	t.Parallel()
	p := cases.DefaultSLA()
	first := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	reg := first.Add(40 * time.Minute)
	for pr, want := range map[cases.Priority]time.Duration{cases.P1: 4 * time.Hour, cases.P2: 8 * time.Hour, cases.P3: 24 * time.Hour} {
		d := p.IntakeDeadlines(first, reg, pr)
		if d.StartBy != reg.Add(want) {
			t.Errorf("%s start by %v, want %v", pr, d.StartBy, reg.Add(want))
		}
		if d.FirstResponse != first.Add(30*time.Minute) || d.Registration != first.Add(2*time.Hour) || d.Classification != reg.Add(time.Hour) {
			t.Errorf("%s intake deadlines %+v", pr, d)
		}
	}
	bad := p
	bad.StartBy = map[cases.Priority]time.Duration{cases.P1: time.Hour}
	if err := bad.Validate(); err == nil {
		t.Error("missing P2/P3 start-by accepted")
	}
}

func TestSetFieldRecordsHistory(t *testing.T) {
	t.Parallel()
	c := &cases.Case{ID: 3}
	now := time.Unix(100, 0)
	ch, ok := c.SetField(cases.FieldProductModel, "XQG100", "customer", "", now)
	if !ok || ch.To != "XQG100" || ch.From != "" || ch.Field != "product_model" {
		t.Fatalf("first set: %+v %v", ch, ok)
	}
	if _, ok := c.SetField(cases.FieldProductModel, "XQG100", "customer", "", now); ok {
		t.Error("setting the same value recorded a change")
	}
	ch, _ = c.SetField(cases.FieldProductModel, "XQG80", "customer", "correction", now)
	if ch.From != "XQG100" || ch.To != "XQG80" || ch.Reason != "correction" {
		t.Errorf("correction: %+v", ch)
	}
}

func testRules(t *testing.T) *cases.Rules {
	t.Helper()
	r := &cases.Rules{
		Negations: []string{"没有", "没", "不是", "no", "not", "n't"},
		Categories: []cases.CategoryRule{
			{Category: cases.CategoryTechnical, DefaultPriority: cases.P2, Keywords: []string{"冒烟", "不制冷", "smoke", "won't start"},
				Required: []string{"phone|email", "product_model"},
				Subtypes: []cases.SubtypeRule{{Name: "safety", Keywords: []string{"冒烟", "smoke"}}}},
			{Category: cases.CategoryQuality, DefaultPriority: cases.P3, Keywords: []string{"划痕", "scratch"}},
		},
		Priority: cases.PriorityRules{
			P1: []cases.Signal{
				{Name: "safety", Keywords: []string{"冒烟", "smoke"}},
				{Name: "enterprise_down", AllOf: [][]string{{"@company", "工厂"}, {"停产"}}},
			},
			P3: []cases.Signal{{Name: "minor", Keywords: []string{"还能用"}}},
		},
	}
	if err := r.Compile(); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestClassifyNegationsAndSignals(t *testing.T) {
	t.Parallel()
	r := testRules(t)
	tests := []struct {
		text    string
		company string
		cat     cases.Category
		pr      cases.Priority
	}{
		{"空调冒烟了", "", cases.CategoryTechnical, cases.P1},
		{"空调没有冒烟，就是不制冷", "", cases.CategoryTechnical, cases.P2},
		{"没用多久就冒烟了", "", cases.CategoryTechnical, cases.P1},
		{"there is no smoke but it won't start", "", cases.CategoryTechnical, cases.P2},
		{"it doesn't smoke, it won't start", "", cases.CategoryTechnical, cases.P2},
		{"no power and smoke comes out", "", cases.CategoryTechnical, cases.P1},
		{"不制冷，我们已经停产了", "", cases.CategoryTechnical, cases.P2},
		{"不制冷，我们已经停产了", "ACME 有限公司", cases.CategoryTechnical, cases.P1},
		{"有一道划痕", "", cases.CategoryQuality, cases.P3},
		{"不制冷但还能用", "", cases.CategoryTechnical, cases.P3},
		{"今天天气不错", "", "", cases.P3},
		{"这个会冒烟吗？", "", "", cases.P3},
		{"冒烟了怎么办", "", cases.CategoryTechnical, cases.P1},
		{"it doesn’t smoke, it won't start", "", cases.CategoryTechnical, cases.P2},
	}
	for _, tc := range tests {
		c := r.Classify(tc.text, map[cases.FieldKey]string{cases.FieldCompany: tc.company})
		if c.Category != tc.cat || c.Priority != tc.pr {
			t.Errorf("%q (company %q): %s/%s %v, want %s/%s", tc.text, tc.company, c.Category, c.Priority, c.Reasons, tc.cat, tc.pr)
		}
	}
	if got := r.Missing(cases.CategoryTechnical, map[cases.FieldKey]string{cases.FieldEmail: "a@b.c"}); len(got) != 1 || got[0] != cases.FieldProductModel {
		t.Errorf("missing = %v, want [product_model] (email satisfies phone|email)", got)
	}
}

func TestCompileNamesTheKey(t *testing.T) {
	t.Parallel()
	r := &cases.Rules{Categories: []cases.CategoryRule{{Category: cases.CategoryTechnical, Required: []string{"phone|fax"}}}}
	if err := r.Compile(); err == nil || err.Error() != `rules.categories[0].required: unknown field "fax"` {
		t.Errorf("err = %v", err)
	}
	r = &cases.Rules{Categories: []cases.CategoryRule{{Category: cases.CategoryTechnical, Patterns: []string{"("}}}}
	if err := r.Compile(); err == nil || !contains(err.Error(), "rules.categories[0].patterns[0]") {
		t.Errorf("err = %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
