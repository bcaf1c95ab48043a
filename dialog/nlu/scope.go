package nlu

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Scope says whether a piece of evidence is about this product, now.
type Scope string

const (
	InScope      Scope = ""             // it is so
	Negated      Scope = "negated"      // 没有冒烟, no smoke, 外包装完好
	Hypothetical Scope = "hypothetical" // 会不会漏电, what if it catches fire
	Hearsay      Scope = "hearsay"      // 听说会爆, a friend's one caught fire
	Figurative   Scope = "figurative"   // 气得我冒烟, my blood is boiling
	Named        Scope = "named"        // the product's own name: StreamBox Fire 4K
)

//go:embed scope.yaml
var scopeYAML []byte

// scopeWords are the lists of scope.yaml.
type scopeWords struct {
	Negations     []string `yaml:"negations"`
	Fillers       []string `yaml:"fillers"`
	DenialsAfter  []string `yaml:"denials_after"`
	Hypothetical  []string `yaml:"hypothetical"`
	QuestionAfter []string `yaml:"question_after"`
	Hearsay       []string `yaml:"hearsay"`
	Neutral       []string `yaml:"neutral"`
	Anger         []string `yaml:"anger"`
	Reality       []string `yaml:"reality"`
	SelfStart     []string `yaml:"self_start"`
	Outbursts     []string `yaml:"outbursts"`
	Persons       []string `yaml:"persons"`
	Intensifiers  []string `yaml:"intensifiers"`
	Openers       []string `yaml:"question_openers"`
	NotOpeners    []string `yaml:"not_openers"`
	NormalAsked   []string `yaml:"normal_asked"`
	FirstUse      []string `yaml:"first_use"`
	AskedAfter    []string `yaml:"asked_after"`
}

// sentenceCues are the scope lists read around a hit rather than found by
// the lexicon: what stands at the start of its clause or sentence.
type sentenceCues struct {
	persons, intensifiers []string // 我真的快(爆炸了), i'm honestly about to (explode)
	openers, notOpeners   []string // would (the X catch fire…?), not: could you…
	normalAsked, firstUse []string // is that normal… the first time
	askedAfter            []string // (can catch fire,) is that true?
}

// Scope tag names (Tag.Kind "scope").
const (
	scNeg     = "neg"
	scFiller  = "filler"
	scDeny    = "deny"
	scHypo    = "hypo"
	scQAfter  = "qafter"
	scHearsay = "hearsay"
	scNeutral = "neutral"
	scAnger   = "anger"
	scReal    = "real"
	scConj    = "conj"
	scSelf    = "self"
	scBurst   = "outburst"
)

// addScopeWords puts the scope lists into lex and returns those read
// around a hit.
func addScopeWords(lex *Lexicon) (*sentenceCues, error) {
	var w scopeWords
	if err := yaml.Unmarshal(scopeYAML, &w); err != nil {
		return nil, fmt.Errorf("nlu: scope.yaml: %w", err)
	}
	for _, l := range []struct {
		name  string
		words []string
	}{
		{scNeg, w.Negations}, {scFiller, w.Fillers}, {scDeny, w.DenialsAfter}, {scHypo, w.Hypothetical},
		{scQAfter, w.QuestionAfter}, {scHearsay, w.Hearsay}, {scNeutral, w.Neutral}, {scAnger, w.Anger},
		{scReal, w.Reality}, {scSelf, w.SelfStart}, {scBurst, w.Outbursts}, {scConj, []string{"or", "nor", "and", "或", "和", "或者", "也", "及", "以及", "跟", "与"}},
	} {
		for _, word := range l.words {
			lex.Add(word, Tag{Kind: "scope", Name: l.name})
		}
	}
	return &sentenceCues{persons: w.Persons, intensifiers: longestFirst(w.Intensifiers),
		openers: w.Openers, notOpeners: w.NotOpeners, normalAsked: w.NormalAsked, firstUse: w.FirstUse, askedAfter: w.AskedAfter}, nil
}

// longestFirst sorts a copy of words so that a longer word is tried before
// its prefix or suffix.
func longestFirst(words []string) []string {
	out := slices.Clone(words)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// blank reports whether s holds only spaces and light punctuation, so two
// words on either side of it stand next to each other.
func blank(s string) bool {
	for _, r := range s {
		if !(unicode.IsSpace(r) || r == '、' || r == ',' || r == '，' || r == '"' || r == '\'') {
			return false
		}
	}
	return true
}

// particles may close a clause after a denial: 冒烟倒是没有的啊.
func onlyParticles(s string) bool {
	for _, r := range s {
		if !(unicode.IsSpace(r) || strings.ContainsRune("了的啊呀呢哦吧啦嘛哈噢喔~～!！.。", r)) {
			return false
		}
	}
	return true
}

// scoper decides the scope of evidence hits in one folded text.
type scoper struct {
	lower string
	hits  []Hit
	sg    segments
	cues  *sentenceCues
	memo  map[int]Scope
}

func newScoper(lower string, hits []Hit, sg segments, cues *sentenceCues) *scoper {
	return &scoper{lower: lower, hits: hits, sg: sg, cues: cues, memo: map[int]Scope{}}
}

func isScope(h Hit, name string) bool { return h.Has("scope", name) }

// isEvidence reports whether h is a word that is evidence of something
// (not a scope word).
func isEvidence(h Hit) bool {
	for _, t := range h.Tags {
		if t.Kind != "scope" {
			return true
		}
	}
	return false
}

// scope returns the scope of hits[k].
func (sc *scoper) scope(k int) Scope {
	if s, ok := sc.memo[k]; ok {
		return s
	}
	sc.memo[k] = InScope // a list refers back to itself at most once
	s := sc.compute(k)
	sc.memo[k] = s
	return s
}

func (sc *scoper) compute(k int) Scope {
	h := sc.hits[k]
	if isScope(h, scNeutral) {
		return Figurative
	}
	cl := sc.sg.clauseOf(h.Start)
	// A negation right before (fillers between), or a list whose first
	// member is negated: 没有冒烟、焦味; no smoke or sparks.
	cur := h.Start
	for j := k - 1; j >= 0; j-- {
		p := sc.hits[j]
		if p.Start < cl.start {
			break
		}
		if p.End > h.Start {
			continue // a word inside the hit ("can't" of a pattern's "can't really use")
		}
		if !blank(sc.between(p.End, cur)) {
			break
		}
		switch {
		case isScope(p, scFiller) || isScope(p, scConj):
			cur = p.Start
			continue
		case isScope(p, scNeg):
			return Negated
		case isEvidence(p) && sc.scope(j) == Negated:
			return Negated
		}
		break
	}
	// A denial after it, closing the clause: 外包装一点事没有.
	cur = h.End
	for j := k + 1; j < len(sc.hits); j++ {
		n := sc.hits[j]
		if n.Start >= cl.end || !blank(sc.between(cur, n.Start)) && !onlyFillerText(sc.between(cur, n.Start)) {
			break
		}
		if isScope(n, scFiller) {
			cur = n.End
			continue
		}
		if isScope(n, scDeny) && onlyParticles(sc.between(n.End, cl.end)) {
			return Negated
		}
		if isScope(n, scQAfter) && runesBetween(sc.lower, h.End, n.Start) <= 2 {
			return Hypothetical
		}
		break
	}
	// A yes/no particle right after it: 漏电吗.
	if rest := sc.between(h.End, cl.end); rest != "" {
		r := []rune(rest)
		if len(r) > 3 {
			r = r[:3]
		}
		t := string(r)
		if strings.ContainsAny(t, "吗嘛") || strings.HasPrefix(strings.TrimLeft(t, "了 "), "么") {
			return Hypothetical
		}
	}
	// Anger right before: 气得我冒烟.
	for j := k - 1; j >= 0; j-- {
		p := sc.hits[j]
		if runesBetween(sc.lower, p.End, h.Start) > 4 || p.Start < cl.start {
			break
		}
		if isScope(p, scAnger) {
			return Figurative
		}
	}
	// The customer's own temper: 我真的快爆炸了, I'm about to explode.
	if isScope(h, scBurst) && sc.personBefore(cl.start, h.Start) {
		return Figurative
	}
	sent := sc.sg.sentenceOf(h.Start)
	if isHazard(h) && sc.askedAbout(h, cl, sent) {
		return Hypothetical
	}
	// A fear, a question or someone else's story before it in the same
	// sentence, unless the customer turns to what happened since.
	if sc.selfStart(cl) {
		sent.start = cl.start
	}
	for j := k - 1; j >= 0; j-- {
		p := sc.hits[j]
		if p.Start < sent.start {
			break
		}
		if isScope(p, scReal) {
			break
		}
		if sc.distance(p.End, h.Start) > 14 {
			break
		}
		if isScope(p, scHypo) {
			return Hypothetical
		}
		if isScope(p, scHearsay) {
			return Hearsay
		}
	}
	return InScope
}

// onlyFillerText allows a single Chinese character of glue (是, 倒) between
// evidence and its denial.
func onlyFillerText(s string) bool {
	return utf8.RuneCountInString(strings.TrimSpace(s)) <= 1 && strings.ContainsAny(strings.TrimSpace(s)+"是", "是倒也都还")
}

// distance counts Chinese characters and Latin words between a and b.
func (sc *scoper) distance(a, b int) int {
	if a >= b {
		return 0
	}
	n := 0
	inWord := false
	for _, r := range sc.lower[a:b] {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if !inWord {
				n++
			}
			inWord = true
		case unicode.IsSpace(r) || unicode.IsPunct(r):
			inWord = false
		default:
			n++
			inWord = false
		}
	}
	return n
}

// selfStart reports whether a clause opens with the customer's own thing.
func (sc *scoper) selfStart(cl span) bool {
	for _, h := range sc.hits {
		if h.Start >= cl.start && blank(sc.between(cl.start, h.Start)) {
			return isScope(h, scSelf)
		}
		if h.Start > cl.start {
			return false
		}
	}
	return false
}

// between is lower[a:b], empty when the two overlap (a pattern match may
// overlap a word).
func (sc *scoper) between(a, b int) string {
	if a >= b || a < 0 || b > len(sc.lower) {
		return ""
	}
	return sc.lower[a:b]
}

// isHazard reports whether h is a word of a P1 signal: a question makes
// it one asked about, while the question's own words ("can it…?") stay
// evidence of a consultation.
func isHazard(h Hit) bool {
	for _, t := range h.Tags {
		if t.Kind == kindSignal && strings.HasPrefix(t.Name, "P1:") {
			return true
		}
	}
	return false
}

// personBefore reports whether lower[from:to] ends with the customer as
// the subject, only words of degree between: "我真的快", "i'm honestly
// about to". "我的充电宝快" and "the battery is about to" do not.
func (sc *scoper) personBefore(from, to int) bool {
	if sc.cues == nil {
		return false
	}
	t := strings.TrimRight(sc.between(from, to), " ")
	for stripped := true; stripped; {
		stripped = false
		for _, w := range sc.cues.intensifiers {
			if endsWithWord(t, w) {
				t, stripped = strings.TrimRight(t[:len(t)-len(w)], " "), true
				break
			}
		}
	}
	for _, p := range sc.cues.persons {
		if endsWithWord(t, p) {
			return true
		}
	}
	return false
}

// endsWithWord reports whether t ends with w, on a word boundary when w
// is Latin.
func endsWithWord(t, w string) bool {
	if !strings.HasSuffix(t, w) {
		return false
	}
	if w == "" || w[0] >= utf8.RuneSelf || w[0] == '\'' {
		return true
	}
	i := len(t) - len(w)
	return i == 0 || !isWordByte(t[i-1]) && t[i-1] != '\''
}

// askedAbout reports whether the sentence asks whether what h says is
// true or possible, whether the clause asks whether the thing could
// happen ("would the PowerCell catch fire if…?", not "could you come, it
// sparked?") or whether what it does is normal the first time it is used
// (the burn-off smell of a new oven).
func (sc *scoper) askedAbout(h Hit, cl, sent span) bool {
	if sc.cues == nil {
		return false
	}
	// "…can catch fire, is that true?": the question follows.
	if after := sc.between(h.End, min(sent.end+1, len(sc.lower))); containsAny(after, sc.cues.askedAfter) {
		return true
	}
	if sent.end < len(sc.lower) && strings.HasPrefix(sc.lower[sent.end:], "?") {
		head := strings.TrimLeft(sc.between(cl.start, cl.end), " ")
		if hasWordPrefix(head, sc.cues.openers) && !hasWordPrefix(head, sc.cues.notOpeners) {
			return true
		}
	}
	text := sc.between(sent.start, sent.end)
	if !containsAny(text, sc.cues.normalAsked) {
		return false
	}
	return containsAny(sc.lower, sc.cues.firstUse)
}

// hasWordPrefix reports whether s starts with one of words followed by a
// space (or is that word).
func hasWordPrefix(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) && (len(s) == len(w) || s[len(w)] == ' ') {
			return true
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
