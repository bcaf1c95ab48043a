package nlu

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// corpusMessages reads the customers' messages of the train corpus.
func corpusMessages(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("../../testdata/corpus/train/*.json")
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var convs []struct {
			Messages []string `json:"messages"`
		}
		if err := json.Unmarshal(b, &convs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range convs {
			for _, m := range c.Messages {
				out = append(out, m, extNormalize(m), Fold(m))
			}
		}
	}
	return out
}

// The prefilter never changes an answer: over every corpus message, each
// pattern finds with it exactly what the plain regexp finds.
func TestRxPrefilterIsExact(t *testing.T) {
	t.Parallel()
	msgs := corpusMessages(t)
	pats := []*rx{refuseRe, politeOnlyRe, questionRe, correctionRe, statusRe, newProblemRe, unknownRe, purchaseRe, entityRe, extNegBefore, extNegAfter, extCorrect, extCountryCueRx()}
	for _, r := range dtRules {
		if r.re != nil {
			pats = append(pats, r.re)
		}
	}
	for _, p := range pats {
		plain := regexp.MustCompile(p.String())
		for _, m := range msgs {
			got := fmt.Sprint(p.FindAllStringSubmatchIndex(m, -1))
			want := fmt.Sprint(plain.FindAllStringSubmatchIndex(m, -1))
			if got != want {
				t.Fatalf("%s on %q: %s, want %s", p.String(), m, got, want)
			}
			if p.MatchString(m) != plain.MatchString(m) {
				t.Fatalf("%s on %q: MatchString %v", p.String(), m, p.MatchString(m))
			}
		}
	}
}

// extCountryCueRx is a pattern with (?i) words and a \b group, compiled
// with a prefilter for the test.
func extCountryCueRx() *rx {
	return mustRx(`(?i)\b(?:U\.?K|United Kingdom|London|HK)\b|英国|香港`)
}

func TestRequiredLiterals(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		`维修|修理`:                 "[修理 维修]",
		`(?i)\brefund(?:ed)?\b`: "[refund]",
		`(\d+)\s*台`:             "[台]",
		`a*b?`:                  "<none>",
		`[一二三]个月`:               "[个月]",
		`(?:x|.)y`:              "[y]",
	} {
		r := mustRx(expr)
		got := "<none>"
		if r.pre.set != nil {
			var lits []string
			var walk func(n *wsNode, prefix string)
			walk = func(n *wsNode, prefix string) {
				if n.end {
					lits = append(lits, prefix)
				}
				for i, c := range n.kids {
					walk(c, prefix+string([]byte{n.keys[i]}))
				}
			}
			walk(r.pre.set.root, "")
			sort.Strings(lits)
			got = fmt.Sprint(lits)
		}
		if got != want {
			t.Errorf("requiredLiterals(%q) = %s, want %s", expr, got, want)
		}
	}
}
