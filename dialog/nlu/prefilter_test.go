package nlu

import "testing"

// The one-pass date prefilter says, for every rule, what reading the
// rule's runes and words one by one says.
func TestDateCuesAreExact(t *testing.T) {
	t.Parallel()
	msgs := append(corpusMessages(t), "ÉTÉ March", "\u212aitchen day", "bad \xe4 utf8 昨天", "")
	for _, m := range msgs {
		var cues dtCueState
		for k, r := range dtRules {
			if r.runes == "" && len(r.words) == 0 {
				continue
			}
			var lower string
			want := dtRuleMayMatchSlow(r, m, &lower)
			if got := dtRuleMayMatch(k, dtRule{runes: r.runes, words: r.words}, m, &cues); got != want {
				t.Fatalf("rule %d on %q: %v, want %v", k, m, got, want)
			}
		}
	}
}

// Tried anchored at the places a match may start, a pattern finds what
// the regexp finds over the whole text, with every method.
func TestRxStartsAreExact(t *testing.T) {
	t.Parallel()
	msgs := append(corpusMessages(t), "\u212aitchen Kitchen ſtop", "a\xe4b\xe4\xbd c\xbd 修")
	pats := []*rx{extTriedZhRe, extCountryCue.rest, dtBareWords, extMobileRe, extLandlineRe, extIntlRe, extTriedEnRe, extEnvEnMore, extEmailRe}
	for _, p := range pats {
		if p.starts == nil {
			t.Fatalf("%s: no starts", p.String())
		}
		for _, m := range msgs {
			var want [][]int
			if p.may(m) {
				want = p.Regexp.FindAllStringSubmatchIndex(m, -1)
			}
			if got := p.FindAllStringSubmatchIndex(m, -1); !sameMatches(got, want) {
				t.Fatalf("%s on %q: %v, want %v", p.String(), m, got, want)
			}
			wantR := m
			if p.may(m) {
				wantR = p.Regexp.ReplaceAllString(m, "<$0>")
			}
			if got := p.ReplaceAllString(m, "<$0>"); got != wantR {
				t.Fatalf("%s on %q: %q, want %q", p.String(), m, got, wantR)
			}
			if got, want := p.MatchString(m), p.may(m) && p.Regexp.MatchString(m); got != want {
				t.Fatalf("%s on %q: MatchString %v", p.String(), m, got)
			}
		}
	}
}

func sameMatches(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// A set the one-pass cues rule out matches nothing.
func TestSetCuesAreSound(t *testing.T) {
	t.Parallel()
	sets := []*wordSet{extTriedRe, extEnvZhMore, extCountryCue, humanRe, askBotRe, waitRe, remarkRe}
	for _, w := range extDemandWords {
		sets = append(sets, w.re)
	}
	for _, p := range testClassifier(t).patterns {
		sets = append(sets, p.re)
	}
	cues := newSetCues(sets)
	ruled := 0
	for _, m := range append(corpusMessages(t), "\u212aitchen ſtop") {
		may := cues.may(m)
		for g, w := range sets {
			if mayMatch(may, g) {
				continue
			}
			ruled++
			if got := w.FindAllStringIndex(m, -1); got != nil || w.MatchString(m) {
				t.Fatalf("set %d ruled out on %q matches %v", g, m, got)
			}
		}
	}
	if ruled == 0 {
		t.Error("the cues ruled nothing out")
	}
}
