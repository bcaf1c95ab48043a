package nlu

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/cases"
)

// testClassifier uses the shipped rules without a model: the rules alone
// must get these right.
func testClassifier(t testing.TB) *Classifier {
	t.Helper()
	b, err := os.ReadFile("../../configs/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r cases.Rules
	if err := yaml.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(&r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClassifyScope(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
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
		{"冷氣不冷了", "", cases.CategoryTechnical, cases.P2},
		{"没有冒烟、焦味，就是不转", "", cases.CategoryTechnical, cases.P2},
		{"no smoke or sparks, it just won't start", "", cases.CategoryTechnical, cases.P2},
		{"气得我冒烟，洗衣机又不脱水了", "", cases.CategoryTechnical, cases.P2},
		{"听说这款会爆炸，我的经常死机", "", cases.CategoryTechnical, cases.P2},
		{"会不会漏电啊，有点担心", "", cases.CategoryConsultation, cases.P3},
		{"热水壶把手太烫，把我手烫伤了", "", cases.CategoryTechnical, cases.P1},
		{"没有人受伤，就是不转了", "", cases.CategoryTechnical, cases.P2},
		{"nobody was injured, it just stopped", "", cases.CategoryTechnical, cases.P2},
	}
	for _, tc := range tests {
		got := c.Classify([]string{tc.text}, map[cases.FieldKey]string{cases.FieldCompany: tc.company})
		if got.Category != tc.cat || got.Priority != tc.pr {
			t.Errorf("%q (company %q): %s/%s %v ignored %v, want %s/%s", tc.text, tc.company, got.Category, got.Priority, got.Reasons, got.Ignored, tc.cat, tc.pr)
		}
	}
}
