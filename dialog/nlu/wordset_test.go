package nlu

import (
	"fmt"
	"regexp"
	"testing"
)

// A wordSet finds what its regexp finds, leftmost and longest first.
func TestWordSetMatchesRegexp(t *testing.T) {
	t.Parallel()
	expr := `(?i)维修|維修|修理|修好|修|\brefund(?:ed)?\b|money back|补(?:一个|个)|Fix it`
	w := mustWordSet(expr)
	re := regexp.MustCompile(expr)
	for _, s := range []string{
		"能修好吗", "我要维修，不要退款", "I want my MONEY BACK or a refund", "refunded already", "refundable",
		"补个螺丝 再补一个", "please fix it", "没有任何线索", "",
	} {
		got := fmt.Sprint(w.FindAllStringIndex(s, -1))
		want := fmt.Sprint(re.FindAllStringIndex(s, -1))
		if s == "能修好吗" {
			want = "[[3 9]]" // longest at one position: 修好, not 修
		}
		if got != want {
			t.Errorf("%q: wordSet %s, regexp %s", s, got, want)
		}
		if w.MatchString(s) != re.MatchString(s) {
			t.Errorf("%q: MatchString differs", s)
		}
	}
	if got := splitTopAlternation(`a|(b|c)|[|]|\|d`); fmt.Sprint(got) != "[a (b|c) [|] \\|d]" {
		t.Errorf("split: %q", got)
	}
}

func TestWordSetStarts(t *testing.T) {
	t.Parallel()
	for br, want := range map[string]string{
		`补(?:一个|个)`:            "[补]",
		`(?:安排|找)(?:人|师傅)`:     "[安排 找]",
		`(?:U\.?K|\bLondon)\b`: "[U London]",
		`(?:^|\s)修`:            "[]",
		`(?:来|來)?人`:            "[]",
		`fix(?:ed)? it`:        "[fix]",
		`colou?r`:              "[colo]",
	} {
		if got := fmt.Sprint(literalStarts(br)); got != want {
			t.Errorf("literalStarts(%q) = %s, want %s", br, got, want)
		}
	}
	if got := stripOuterGroup(`(a|(b)|c)`); got != "a|(b)|c" {
		t.Errorf("stripOuterGroup: %q", got)
	}
	if got := stripOuterGroup(`(a)|(b)`); got != "(a)|(b)" {
		t.Errorf("stripOuterGroup kept apart groups: %q", got)
	}
}
