package nlu

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rx is a regexp with a prefilter: the literal words one of which every
// match must contain. Most of the package's patterns match nothing in most
// messages, and Go's engine pays for every position of the text before it
// knows; a single pass over the text with a trie of those words says
// "cannot match" far faster. The answers are those of the regexp itself.
//
// Where every match starts with one of a set of literals, the expression
// is also tried anchored at the few places they occur, instead of at
// every position of the text: that is where the engine spent its time.
type rx struct {
	*regexp.Regexp
	pre need // zero: no useful prefilter, always run the regexp
	// set answers MatchString: whether something matches does not depend
	// on which of two overlapping matches is preferred, so the trie of
	// the alternation's words answers it exactly. nil when the expression
	// uses flags a wordSet does not keep.
	set *wordSet
	// starts holds the literals every match starts with (ASCII folded);
	// at0 is the expression anchored at the start of the text, at1 the
	// same after one rune of context, so that ^ and \b read the text
	// before the match as the whole-text search would. nil: no such set.
	starts   *wordSet
	at0, at1 *regexp.Regexp
	// span bounds the bytes a match takes (0: unbounded, or the
	// expression reads the end of the text): the anchored expression is
	// then given only that much text, as the engine clears state in
	// proportion to the text it is given.
	span int
	// begin: every match starts at the start of the text (^).
	begin bool
	// exact: the answers are the regexp's on any text, also where the
	// ASCII-folded prefilter would miss a match (see foldTraps).
	exact bool
}

// mustRx compiles expr like regexp.MustCompile, with its prefilter.
func mustRx(expr string) *rx { return newRx(expr, true) }

// mustRxExact is mustRx for a pattern that answered as a plain regexp:
// its answers stay the regexp's on every text.
func mustRxExact(expr string) *rx {
	r := newRx(expr, false)
	r.exact = true
	return r
}

// compileRx is mustRx for patterns read from configuration.
func compileRx(expr string) (*rx, error) {
	if _, err := regexp.Compile(expr); err != nil {
		return nil, err
	}
	return newRx(expr, true), nil
}

// inlineFlags finds flag groups other than a leading (?i) and (?:.
var inlineFlags = regexp.MustCompile(`\(\?[a-zA-Z-]`)

func newRx(expr string, withSet bool) *rx {
	r := &rx{Regexp: regexp.MustCompile(expr)}
	if withSet && !inlineFlags.MatchString(strings.TrimPrefix(expr, "(?i)")) {
		r.set = mustWordSet(expr)
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return r
	}
	if starts, ok := startLiterals(re); ok && !nullable(re) && len(starts) > 0 {
		r.starts = literalTrie(starts)
		r.at0 = regexp.MustCompile(`^(?:` + expr + `)`)
		r.at1 = regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
		r.span = matchSpan(re)
		r.begin = beginsText(re)
	}
	if lits, ok := requiredLiterals(re); ok {
		r.pre = needOf(lits)
	}
	return r
}

// literalTrie is a wordSet of plain words, matched ASCII-folded.
func literalTrie(lits []string) *wordSet {
	w := &wordSet{root: &wsNode{}, fold: true}
	for _, l := range lits {
		w.node(asciiLower(l)).end = true
	}
	return w
}

// may reports whether the regexp can match s at all.
func (r *rx) may(s string) bool { return r.pre.in(s) }

// maxStarts bounds the places tried one by one: a text with more is
// searched by the regexp itself.
const maxStarts = 24

// foldTraps are the non-ASCII runes that (?i) matches to ASCII letters
// (the Kelvin sign, the long s): the ASCII-folded tries do not see them,
// so a text holding one is left to the regexp as before.
func foldTraps(s string) bool {
	// Their first bytes are rare: one vector search for each says "none".
	return strings.IndexByte(s, 0xE2) >= 0 && strings.Contains(s, "\u212a") ||
		strings.IndexByte(s, 0xC5) >= 0 && strings.Contains(s, "\u017f")
}

// startsIn puts in at the offsets of s where a match may start, leftmost
// first, and returns how many; ok is false when the regexp should search
// s itself.
func (r *rx) startsIn(s string, at *[maxStarts]int) (n int, ok bool) {
	if r.begin {
		// Only the start of the text can start a match. The prefilter's
		// pass over all of it is not needed: it lets through every text
		// the regexp matches.
		if len(s) > 0 && r.starts.startsAt(s, 0) {
			at[0], n = 0, 1
		}
		return n, true
	}
	if !r.may(s) {
		return 0, true
	}
	for i := 0; i < len(s); i++ {
		if r.starts.startsAt(s, i) {
			if n == maxStarts {
				return 0, false
			}
			at[n], n = i, n+1
		}
	}
	return n, true
}

// anchored returns the expression to try at s[i], the text to give it
// and the offset of that text in s.
func (r *rx) anchored(s string, i int) (re *regexp.Regexp, t string, j int) {
	re, t = r.at0, s
	if i > 0 {
		// The rune before i is matched by at1's leading (?s:.): the
		// expression then starts at i with the context it has in s.
		_, size := utf8.DecodeLastRuneInString(s[:i])
		re, t, j = r.at1, s[i-size:], i-size
	}
	return re, t[:spanEnd(s, i, r.span)-j], j
}

// spanEnd is where the text given to an expression that matches at most
// span bytes from i may end (len(s) when span is 0: unbounded): after the
// rune at i+span, which \b there reads.
func spanEnd(s string, i, span int) int {
	e := i + span
	if span == 0 || e >= len(s) {
		return len(s)
	}
	for e < len(s) && !utf8.RuneStart(s[e]) {
		e++
	}
	if e < len(s) {
		_, size := utf8.DecodeRuneInString(s[e:])
		e += size
	}
	return e
}

// anchoredAt returns the match starting at s[i:] as the whole-text search
// reports it (offsets of s), or nil. sub asks for the submatches too.
func (r *rx) anchoredAt(s string, i int, sub bool) []int {
	re, t, j := r.anchored(s, i)
	var m []int
	if sub {
		m = re.FindStringSubmatchIndex(t)
	} else {
		m = re.FindStringIndex(t)
	}
	if m == nil {
		return nil
	}
	for k := range m {
		if m[k] >= 0 {
			m[k] += j
		}
	}
	m[0] = i
	return m
}

// findAll returns the leftmost non-overlapping matches of s (at most n;
// n < 0: all) that r's methods return: none when the prefilter says so,
// else those of the regexp. ok is false when the regexp must search s
// itself (the prefilter passed it, or r is exact and s has a fold trap).
// No match is empty: startLiterals refuses expressions that can match
// the empty string.
func (r *rx) findAll(s string, n int, sub bool) (ms [][]int, ok bool) {
	trap := foldTraps(s)
	if trap && r.exact {
		return nil, false
	}
	if r.starts == nil || trap {
		return nil, !r.may(s)
	}
	var at [maxStarts]int
	k, ok := r.startsIn(s, &at)
	if !ok {
		return nil, false
	}
	end := 0
	for _, i := range at[:k] {
		if n >= 0 && len(ms) >= n {
			break
		}
		if i < end {
			continue
		}
		if m := r.anchoredAt(s, i, sub); m != nil {
			ms = append(ms, m)
			end = m[1]
		}
	}
	return ms, true
}

// find returns the leftmost match of s, as findAll with n = 1.
func (r *rx) find(s string, sub bool) (m []int, ok bool) {
	ms, ok := r.findAll(s, 1, sub)
	if len(ms) == 0 {
		return nil, ok
	}
	return ms[0], ok
}

func (r *rx) MatchString(s string) bool {
	if r.set != nil {
		return r.set.MatchString(s) // exact on its own: the prefilter would read s twice
	}
	trap := foldTraps(s)
	if trap && r.exact {
		return r.Regexp.MatchString(s)
	}
	if r.starts == nil || trap {
		return r.may(s) && r.Regexp.MatchString(s)
	}
	var at [maxStarts]int
	k, ok := r.startsIn(s, &at)
	if !ok {
		return r.Regexp.MatchString(s)
	}
	for _, i := range at[:k] {
		if re, t, _ := r.anchored(s, i); re.MatchString(t) {
			return true
		}
	}
	return false
}

func (r *rx) FindString(s string) string {
	if m, ok := r.find(s, false); ok {
		if m == nil {
			return ""
		}
		return s[m[0]:m[1]]
	}
	return r.Regexp.FindString(s)
}

func (r *rx) FindStringIndex(s string) []int {
	if m, ok := r.find(s, false); ok {
		return m
	}
	return r.Regexp.FindStringIndex(s)
}

func (r *rx) FindStringSubmatch(s string) []string {
	if m, ok := r.find(s, true); ok {
		if m == nil {
			return nil
		}
		return submatches(s, m)
	}
	return r.Regexp.FindStringSubmatch(s)
}

func (r *rx) FindStringSubmatchIndex(s string) []int {
	if m, ok := r.find(s, true); ok {
		return m
	}
	return r.Regexp.FindStringSubmatchIndex(s)
}

func (r *rx) FindAllString(s string, n int) []string {
	if ms, ok := r.findAll(s, n, false); ok {
		var out []string
		for _, m := range ms {
			out = append(out, s[m[0]:m[1]])
		}
		return out
	}
	return r.Regexp.FindAllString(s, n)
}

func (r *rx) FindAllStringIndex(s string, n int) [][]int {
	if ms, ok := r.findAll(s, n, false); ok {
		return ms
	}
	return r.Regexp.FindAllStringIndex(s, n)
}

func (r *rx) FindAllStringSubmatch(s string, n int) [][]string {
	if ms, ok := r.findAll(s, n, true); ok {
		var out [][]string
		for _, m := range ms {
			out = append(out, submatches(s, m))
		}
		return out
	}
	return r.Regexp.FindAllStringSubmatch(s, n)
}

func (r *rx) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if ms, ok := r.findAll(s, n, true); ok {
		return ms
	}
	return r.Regexp.FindAllStringSubmatchIndex(s, n)
}

func (r *rx) ReplaceAllString(s, repl string) string {
	expand := strings.Contains(repl, "$")
	if ms, ok := r.findAll(s, -1, expand); ok {
		return replace(s, ms, func(dst []byte, m []int) []byte {
			if expand {
				return r.Regexp.ExpandString(dst, repl, s, m)
			}
			return append(dst, repl...)
		})
	}
	return r.Regexp.ReplaceAllString(s, repl)
}

func (r *rx) ReplaceAllStringFunc(s string, f func(string) string) string {
	if ms, ok := r.findAll(s, -1, false); ok {
		return replace(s, ms, func(dst []byte, m []int) []byte { return append(dst, f(s[m[0]:m[1]])...) })
	}
	return r.Regexp.ReplaceAllStringFunc(s, f)
}

// replace writes s with each match replaced by what with appends.
func replace(s string, ms [][]int, with func(dst []byte, m []int) []byte) string {
	if len(ms) == 0 {
		return s
	}
	var b []byte
	last := 0
	for _, m := range ms {
		b = append(b, s[last:m[0]]...)
		b = with(b, m)
		last = m[1]
	}
	return string(append(b, s[last:]...))
}

// submatches turns match offsets into the texts, "" for a group that did
// not take part.
func submatches(s string, m []int) []string {
	out := make([]string, len(m)/2)
	for i := range out {
		if m[2*i] >= 0 {
			out[i] = s[m[2*i]:m[2*i+1]]
		}
	}
	return out
}

// maxStartRunes bounds the character classes a match may start with.
const maxStartRunes = 128

// maxSeqLits bounds the literals litSeq builds.
const maxSeqLits = 256

// startLiterals returns literals one of which every non-empty match of re
// starts with; ok is false when there is no such set. The longer the
// literals the fewer places are tried: "修" after a space or a comma
// ("[\s,，]修") starts fewer matches than any space or comma.
func startLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	if lits, _ := litSeq(re); lits != nil && !slices.Contains(lits, "") {
		return lits, true
	}
	return firstLiterals(re)
}

// litSeq returns the literals every match of re starts with, nil when
// unknown; exact says each is a whole match, so that what follows re in
// a concatenation may be appended. An assertion matches "" here: that
// only lets more places through.
func litSeq(re *syntax.Regexp) (lits []string, exact bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		rs := foldablePrefix(re)
		if len(rs) == 0 {
			return nil, false
		}
		return []string{string(rs)}, len(rs) == len(re.Rune)
	case syntax.OpCharClass:
		return classLiterals(re), true
	case syntax.OpCapture:
		return litSeq(re.Sub[0])
	case syntax.OpQuest, syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		lits, exact = litSeq(re.Sub[0])
		if lits == nil {
			return nil, false
		}
		if re.Op == syntax.OpQuest || re.Op == syntax.OpStar || re.Op == syntax.OpRepeat && re.Min == 0 {
			lits = append(lits, "")
		}
		return lits, exact && re.Op == syntax.OpQuest
	case syntax.OpAlternate:
		exact = true
		for _, sub := range re.Sub {
			l, e := litSeq(sub)
			if l == nil {
				return nil, false
			}
			lits, exact = append(lits, l...), exact && e
		}
		return lits, exact
	case syntax.OpConcat:
		lits, exact = []string{""}, true
		for _, sub := range re.Sub {
			l, e := litSeq(sub)
			if l == nil || len(lits)*len(l) > maxSeqLits {
				return lits, false
			}
			var next []string
			for _, a := range lits {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			if lits, exact = next, e; !exact {
				break
			}
		}
		return lits, exact
	}
	return nil, false
}

// foldablePrefix returns the runes of a literal, up to the first one that
// (?i) folds to another outside ASCII: the tries fold only ASCII.
func foldablePrefix(re *syntax.Regexp) []rune {
	rs := re.Rune
	if re.Flags&syntax.FoldCase != 0 {
		for i, c := range rs {
			if c >= utf8.RuneSelf && unicode.SimpleFold(c) != c {
				return rs[:i]
			}
		}
	}
	return rs
}

// classLiterals returns the runes of a character class as strings, nil
// when it has more than maxStartRunes.
func classLiterals(re *syntax.Regexp) (lits []string) {
	n := 0
	for i := 0; i+1 < len(re.Rune); i += 2 {
		n += int(re.Rune[i+1]-re.Rune[i]) + 1
		if n > maxStartRunes {
			return nil
		}
	}
	for i := 0; i+1 < len(re.Rune); i += 2 {
		for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
			lits = append(lits, string(c))
		}
	}
	return lits
}

// firstLiterals is startLiterals one rune or literal deep.
func firstLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpNoMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return nil, true // no non-empty match starts here
	case syntax.OpLiteral:
		if rs := foldablePrefix(re); len(rs) > 0 {
			return []string{string(rs)}, true
		}
		return nil, false
	case syntax.OpCharClass:
		lits = classLiterals(re)
		return lits, lits != nil
	case syntax.OpCapture, syntax.OpPlus, syntax.OpStar, syntax.OpQuest, syntax.OpRepeat:
		return firstLiterals(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := firstLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	case syntax.OpConcat:
		// A match starts in the first part that cannot be empty, or in
		// one of the parts before it that can.
		for _, sub := range re.Sub {
			l, ok := firstLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
			if !nullable(sub) {
				return lits, true
			}
		}
		return lits, true
	}
	return nil, false
}

// nullable reports whether re can match the empty string.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpNoMatch:
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if nullable(sub) {
				return true
			}
		}
		return false
	}
	return true // empty match, assertions, star, quest
}

// maxClassRunes bounds the character classes turned into literal words.
const maxClassRunes = 12

// requiredLiterals returns words one of which every match of re contains;
// ok is false when there is no such set (a match may contain anything).
func requiredLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 && !foldableASCIIOnly(s) {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxClassRunes {
				return nil, false
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				if c >= utf8.RuneSelf && unicode.SimpleFold(c) != c {
					return nil, false
				}
				lits = append(lits, string(c))
			}
		}
		return lits, len(lits) > 0
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return requiredLiterals(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	case syntax.OpConcat:
		// Every part is in the match: the part with the most telling words
		// (the longest shortest word, then the fewest words) will do. Runs of
		// plain literals are joined first ("维" "修" → "维修").
		best, bestOK := []string(nil), false
		for i := 0; i < len(re.Sub); i++ {
			var l []string
			var ok bool
			if re.Sub[i].Op == syntax.OpLiteral && re.Sub[i].Flags&syntax.FoldCase == 0 {
				var sb strings.Builder
				for ; i < len(re.Sub) && re.Sub[i].Op == syntax.OpLiteral && re.Sub[i].Flags&syntax.FoldCase == 0; i++ {
					sb.WriteString(string(re.Sub[i].Rune))
				}
				i--
				l, ok = []string{sb.String()}, true
			} else {
				l, ok = requiredLiterals(re.Sub[i])
			}
			if ok && (!bestOK || better(l, best)) {
				best, bestOK = l, true
			}
		}
		return best, bestOK
	}
	return nil, false
}

// better reports whether the word set a filters more than b.
func better(a, b []string) bool {
	ma, mb := shortest(a), shortest(b)
	if ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func shortest(ws []string) int {
	m := -1
	for _, w := range ws {
		if n := len(w); m < 0 || n < m {
			m = n
		}
	}
	return m
}

// foldableASCIIOnly reports whether s has no non-ASCII letter with a case
// (the prefilter folds ASCII only).
func foldableASCIIOnly(s string) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf && unicode.SimpleFold(c) != c {
			return false
		}
	}
	return true
}

// matchSpan is the most bytes a match of re takes, 0 when that is
// unbounded or re reads the end of the text (then the whole text is given).
func matchSpan(re *syntax.Regexp) int {
	if n, ok := maxBytes(re); ok && n > 0 && !readsEnd(re) {
		return n
	}
	return 0
}

// maxBytes returns the most bytes a match of re can take; ok is false
// when that is unbounded.
func maxBytes(re *syntax.Regexp) (n int, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return utf8.UTFMax * len(re.Rune), true // a fold may be longer
		}
		for _, c := range re.Rune {
			n += utf8.RuneLen(c)
		}
		return n, true
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return 0, true
		}
		if n := utf8.RuneLen(re.Rune[len(re.Rune)-1]); n > 0 {
			return n, true
		}
		return utf8.UTFMax, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return maxBytes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return 0, false
		}
		n, ok := maxBytes(re.Sub[0])
		return n * re.Max, ok
	case syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			k, ok := maxBytes(sub)
			if !ok {
				return 0, false
			}
			if re.Op == syntax.OpConcat {
				n += k
			} else {
				n = max(n, k)
			}
		}
		return n, true
	case syntax.OpStar, syntax.OpPlus:
		return 0, false
	}
	return 0, true // empty match, assertions
}

// readsEnd reports whether re holds $ or \z, which read the end of the text.
func readsEnd(re *syntax.Regexp) bool {
	if re.Op == syntax.OpEndText || re.Op == syntax.OpEndLine {
		return true
	}
	for _, sub := range re.Sub {
		if readsEnd(sub) {
			return true
		}
	}
	return false
}

// beginsText reports whether every match of re starts at the start of
// the text (^ or \A first, outside multi-line mode).
func beginsText(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText:
		return true
	case syntax.OpCapture, syntax.OpConcat:
		return len(re.Sub) > 0 && beginsText(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !beginsText(sub) {
				return false
			}
		}
		return true
	}
	return false
}
