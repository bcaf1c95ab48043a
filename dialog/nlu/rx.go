package nlu

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rx is a regexp with a prefilter: the literal words one of which every
// match must contain. Most of the package's patterns match nothing in most
// messages, and Go's engine pays for every position of the text before it
// knows; a single pass over the text with a trie of those words says
// "cannot match" far faster. The answers are those of the regexp itself.
type rx struct {
	*regexp.Regexp
	pre *wordSet // nil: no useful prefilter, always run the regexp
	// set answers MatchString: whether something matches does not depend
	// on which of two overlapping matches is preferred, so the trie of
	// the alternation's words answers it exactly. nil when the expression
	// uses flags a wordSet does not keep.
	set *wordSet
}

// mustRx compiles expr like regexp.MustCompile, with its prefilter.
func mustRx(expr string) *rx { return newRx(expr, true) }

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
	lits, ok := requiredLiterals(re)
	if !ok || len(lits) == 0 {
		return r
	}
	pre := &wordSet{root: &wsNode{}, fold: true}
	for _, l := range lits {
		if l == "" {
			return r // an empty word is in every text
		}
		pre.node(asciiLower(l)).end = true
	}
	r.pre = pre
	return r
}

// may reports whether the regexp can match s at all.
func (r *rx) may(s string) bool { return r.pre == nil || r.pre.MatchString(s) }

func (r *rx) MatchString(s string) bool {
	if r.set != nil {
		return r.set.MatchString(s) // exact on its own: the prefilter would read s twice
	}
	return r.may(s) && r.Regexp.MatchString(s)
}

func (r *rx) FindString(s string) string {
	if !r.may(s) {
		return ""
	}
	return r.Regexp.FindString(s)
}

func (r *rx) FindStringIndex(s string) []int {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindStringIndex(s)
}

func (r *rx) FindStringSubmatch(s string) []string {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindStringSubmatch(s)
}

func (r *rx) FindStringSubmatchIndex(s string) []int {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindStringSubmatchIndex(s)
}

func (r *rx) FindAllString(s string, n int) []string {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindAllString(s, n)
}

func (r *rx) FindAllStringIndex(s string, n int) [][]int {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindAllStringIndex(s, n)
}

func (r *rx) FindAllStringSubmatch(s string, n int) [][]string {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindAllStringSubmatch(s, n)
}

func (r *rx) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !r.may(s) {
		return nil
	}
	return r.Regexp.FindAllStringSubmatchIndex(s, n)
}

func (r *rx) ReplaceAllString(s, repl string) string {
	if !r.may(s) {
		return s
	}
	return r.Regexp.ReplaceAllString(s, repl)
}

func (r *rx) ReplaceAllStringFunc(s string, f func(string) string) string {
	if !r.may(s) {
		return s
	}
	return r.Regexp.ReplaceAllStringFunc(s, f)
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
