package nlu

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// wordSet is a large alternation of cue words ("维修|維修|修理|…|\brepair\b")
// that is searched often. Go's regexp engine walks every branch at every
// position, which made such lists the bulk of the time spent on a message;
// here the plain-literal branches are looked up in a trie and only the
// branches that use regexp syntax are left to a (much smaller) regexp.
//
// Matches are leftmost and, at one position, the longest; they do not
// overlap. That is what the callers rely on ("修好" before "修").
type wordSet struct {
	fold bool // (?i): literals are matched against ASCII-lowered text
	root *wsNode
	rest *rx // branches with no literal start; nil when none
	// top are the root's children by byte, for upper-case ASCII too when
	// the set folds: most bytes of a text start no word, one lookup says so.
	top [256]*wsNode
	// anchored are the branches that start with a literal: they are tried,
	// anchored, only where their start is found in the trie.
	anchored []wsBranch
}

// wsBranch is one regexp branch with a literal start.
type wsBranch struct {
	re       *regexp.Regexp // ^(?:branch)
	boundary bool           // the branch began with \b
	span     int            // see rx.span
	// need are words one of which every match holds (zero: none known),
	// looked for before the regexp runs.
	need need
}

// match runs the branch at s[i:], giving it only the text its match can
// take; nil when it does not match there. trap: s holds a rune that
// (?i) folds to ASCII, which need does not see.
func (br wsBranch) match(s string, i int, trap bool) []int {
	t := s[i:spanEnd(s, i, br.span)]
	if !trap && !br.need.in(t) {
		return nil
	}
	return br.re.FindStringIndex(t)
}

// need is a prefilter: words one of which a match must hold. The zero
// need lets everything through.
type need struct {
	set *wordSet // the words, ASCII folded
	// words are the same words when they are few and hold no ASCII
	// letter: strings.Contains finds one faster than the trie.
	words []string
}

// maxNeedWords bounds the words looked for one by one.
const maxNeedWords = 4

// newNeed returns the prefilter of expr (flags included): its required
// literals, or none.
func newNeed(expr string) need {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return need{}
	}
	lits, ok := requiredLiterals(re)
	if !ok {
		return need{}
	}
	return needOf(lits)
}

// needOf returns the prefilter for words one of which a match must hold.
func needOf(lits []string) need {
	if len(lits) == 0 || slices.Contains(lits, "") {
		return need{} // an empty word is in every text
	}
	n := need{set: literalTrie(lits)}
	if len(lits) <= maxNeedWords && !slices.ContainsFunc(lits, hasASCIILetter) {
		n.words = lits
	}
	return n
}

// in reports whether t may hold a match.
func (n need) in(t string) bool {
	switch {
	case n.words != nil:
		for _, w := range n.words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	case n.set != nil:
		return n.set.MatchString(t)
	}
	return true
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := lowerByte(s[i]); c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// wsNode is a trie node. Children are a short byte list searched in
// order: UTF-8 text fans out little past the first byte, and a map costs
// more than the search.
type wsNode struct {
	keys []byte
	kids []*wsNode
	// mask has bit k%64 set for each key k: most bytes of a text are no
	// key, and one test says so without reading the list.
	mask     uint64
	end      bool  // a literal ends here
	branches []int // anchored branches whose literal start ends here
}

func (n *wsNode) child(b byte) *wsNode {
	if n.mask&(1<<(b&63)) == 0 {
		return nil
	}
	for i, k := range n.keys {
		if k == b {
			return n.kids[i]
		}
	}
	return nil
}

// regexpMeta are the characters that make a branch more than a literal.
const regexpMeta = `\.+*?()|[]{}^$`

// mustWordSet builds a wordSet from a regexp source whose top level is an
// alternation. A leading (?i) applies to the whole set.
func mustWordSet(expr string) *wordSet {
	w, err := compileWordSet(expr)
	if err != nil {
		panic(err)
	}
	return w
}

// compileWordSet is mustWordSet for expressions read from configuration.
func compileWordSet(expr string) (w *wordSet, err error) {
	if _, err := regexp.Compile(expr); err != nil {
		return nil, err
	}
	w = &wordSet{root: &wsNode{}}
	src := expr
	if strings.HasPrefix(src, "(?i)") {
		w.fold, src = true, src[len("(?i)"):]
	}
	src = stripOuterGroup(src)
	var rest []string
	for _, br := range splitTopAlternation(src) {
		if br == "" {
			continue
		}
		if strings.ContainsAny(br, regexpMeta) {
			body, boundary := strings.CutPrefix(br, `\b`)
			starts := literalStarts(body)
			for _, st := range starts {
				if w.fold && !foldableASCIIOnly(st) {
					starts = nil
				}
			}
			if starts == nil {
				rest = append(rest, br)
				continue
			}
			flags := ""
			if w.fold {
				flags = "(?i)"
			}
			br := wsBranch{re: regexp.MustCompile(flags + "^(?:" + body + ")"), boundary: boundary}
			if re, err := syntax.Parse(flags+body, syntax.Perl); err == nil {
				br.span = matchSpan(re)
			}
			br.need = newNeed(flags + body)
			w.anchored = append(w.anchored, br)
			for _, start := range starts {
				if w.fold {
					start = asciiLower(start)
				}
				n := w.node(start)
				n.branches = append(n.branches, len(w.anchored)-1)
			}
			continue
		}
		if w.fold {
			if !foldableASCIIOnly(br) {
				rest = append(rest, br) // only ASCII is folded here
				continue
			}
			br = asciiLower(br)
		}
		w.node(br).end = true
	}
	if len(rest) > 0 {
		flags := ""
		if w.fold {
			flags = "(?i)"
		}
		w.rest = newRx(flags+"(?:"+strings.Join(rest, "|")+")", false)
	}
	return w, nil
}

// node returns the trie node for lit, adding it if needed.
func (w *wordSet) node(lit string) *wsNode {
	n := w.root
	for i := 0; i < len(lit); i++ {
		c := n.child(lit[i])
		if c == nil {
			c = &wsNode{}
			n.keys, n.kids = append(n.keys, lit[i]), append(n.kids, c)
			n.mask |= 1 << (lit[i] & 63)
		}
		n = c
	}
	c := lit[0]
	w.top[c] = w.root.child(c)
	if w.fold && c >= 'a' && c <= 'z' {
		w.top[c-'a'+'A'] = w.top[c]
	}
	return n
}

// literalStarts returns the literal texts one of which a regexp branch
// must start with: its literal start, or the words of a leading group of
// plain alternatives ("(?:安排|找|叫)(?:个|…)" → 安排, 找, 叫); nil when it
// has none.
func literalStarts(br string) []string {
	g, ok := strings.CutPrefix(br, "(?:")
	if !ok && strings.HasPrefix(br, "(") && !strings.HasPrefix(br, "(?") {
		g, ok = br[1:], true // a capturing group: only spans are read here
	}
	if ok {
		end := groupEnd(g)
		if end < 0 || end+1 < len(g) && strings.ContainsRune("?*{", rune(g[end+1])) {
			return nil // unbalanced, or the group is optional
		}
		var out []string
		for _, a := range splitTopAlternation(g[:end]) {
			a, _ = strings.CutPrefix(a, `\b`)
			starts := literalStarts(a)
			if starts == nil {
				return nil
			}
			out = append(out, starts...)
		}
		return out
	}
	if start := literalStart(br); start != "" {
		return []string{start}
	}
	return nil
}

// groupEnd returns the index in g of the ) that closes a group whose
// opening parenthesis was just before g, or -1.
func groupEnd(g string) int {
	depth, class := 1, false
	for i := 0; i < len(g); i++ {
		switch c := g[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// stripOuterGroup removes parentheses around the whole expression
// ("(a|b|c)"), so its alternatives are the top-level branches. Only for
// callers that do not read the group's submatch.
func stripOuterGroup(src string) string {
	inner, ok := strings.CutPrefix(src, "(?:")
	if !ok {
		if inner, ok = strings.CutPrefix(src, "("); !ok || strings.HasPrefix(inner, "?") {
			return src
		}
	}
	if groupEnd(inner) == len(inner)-1 {
		return inner[:len(inner)-1]
	}
	return src
}

// literalStart returns the literal text a regexp branch must start with
// ("补(?:一个|个)" → "补", "fix(?:ed)? it" → "fi"), or "" when it has none.
func literalStart(br string) string {
	end := 0
	for end < len(br) && !strings.ContainsRune(regexpMeta, rune(br[end])) {
		end++
	}
	if end < len(br) && strings.ContainsRune("?*{", rune(br[end])) && end > 0 {
		// The last rune is optional: it is not part of the start.
		_, size := utf8.DecodeLastRuneInString(br[:end])
		end -= size
	}
	return br[:end]
}

// splitTopAlternation splits a regexp source at the | that are not inside
// parentheses or a character class.
func splitTopAlternation(src string) []string {
	var out []string
	depth, class, start := 0, false, 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\':
			i++ // the escaped byte is never structure
		case class:
			if c == ']' {
				class = false
			}
		case c == '[':
			class = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, src[start:i])
			start = i + 1
		}
	}
	return append(out, src[start:])
}

// asciiLower lowers ASCII letters only, so byte offsets stay those of s.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// at returns s[j], ASCII-lowered when the set folds: the text is read
// as if lowered, without a lowered copy.
func (w *wordSet) at(s string, j int) byte {
	if w.fold {
		return lowerByte(s[j])
	}
	return s[j]
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchAt returns the end of the longest word starting at i, or -1. The
// trie reads s folded when the set folds; the anchored branches read s
// (trap: see wsBranch.match).
func (w *wordSet) matchAt(s string, i int, trap bool) int {
	n, end := w.top[s[i]], -1
	for j := i + 1; n != nil; j++ {
		// n is the node after s[i:j].
		if n.end && j > end {
			end = j
		}
		for _, b := range n.branches {
			br := w.anchored[b]
			if br.boundary && i > 0 && isWordByte(s[i-1]) {
				continue
			}
			if m := br.match(s, i, trap); m != nil && i+m[1] > end {
				end = i + m[1]
			}
		}
		if j >= len(s) {
			break
		}
		n = n.child(w.at(s, j))
	}
	return end
}

// hasAt reports whether a word starts at i: matchAt(s, i) > i, without
// looking for the longest.
func (w *wordSet) hasAt(s string, i int, trap bool) bool {
	for n, j := w.top[s[i]], i+1; n != nil; j++ {
		if n.end {
			return true
		}
		for _, b := range n.branches {
			br := w.anchored[b]
			if br.boundary && i > 0 && isWordByte(s[i-1]) {
				continue
			}
			if m := br.match(s, i, trap); m != nil && m[1] > 0 {
				return true
			}
		}
		if j >= len(s) {
			break
		}
		n = n.child(w.at(s, j))
	}
	return false
}

// FindAllStringIndex is regexp.FindAllStringIndex over the set (n < 0: all).
func (w *wordSet) FindAllStringIndex(s string, n int) [][]int {
	var found [][]int
	trap := w.traps(s)
	for i := 0; i < len(s) && len(w.root.keys) > 0; {
		if w.top[s[i]] != nil {
			if end := w.matchAt(s, i, trap); end > i {
				found = append(found, []int{i, end})
				i = end
				continue
			}
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	if w.rest != nil {
		if more := w.rest.FindAllStringIndex(s, -1); len(more) > 0 {
			found = mergeMatches(found, more)
		}
	}
	if n >= 0 && len(found) > n {
		found = found[:n]
	}
	return found
}

// mergeMatches joins two lists of matches into one of leftmost-longest
// matches that do not overlap.
func mergeMatches(a, b [][]int) [][]int {
	all := append(append([][]int{}, a...), b...)
	sort.Slice(all, func(i, j int) bool {
		if all[i][0] != all[j][0] {
			return all[i][0] < all[j][0]
		}
		return all[i][1] > all[j][1]
	})
	out := all[:0]
	last := -1
	for _, m := range all {
		if m[0] < last {
			continue
		}
		out = append(out, m)
		last = m[1]
		if m[1] == m[0] {
			last++ // an empty match does not hide the next
		}
	}
	return out
}

// FindStringIndex returns the leftmost (longest) match, or nil.
func (w *wordSet) FindStringIndex(s string) []int {
	if m := w.FindAllStringIndex(s, -1); len(m) > 0 {
		return m[0]
	}
	return nil
}

// FindString returns the text of the leftmost match, or "".
func (w *wordSet) FindString(s string) string {
	if m := w.FindStringIndex(s); m != nil {
		return s[m[0]:m[1]]
	}
	return ""
}

// MatchString reports whether any word of the set is in s.
func (w *wordSet) MatchString(s string) bool {
	// A set of regexp branches only has an empty trie.
	trap := w.traps(s)
	for i := 0; i < len(s) && len(w.root.keys) > 0; i++ {
		if w.top[s[i]] != nil && w.hasAt(s, i, trap) {
			return true
		}
	}
	return w.rest != nil && w.rest.MatchString(s)
}

// startsAt reports whether a literal of the set starts at s[i]; it is
// hasAt for sets without anchored branches.
func (w *wordSet) startsAt(s string, i int) bool { return w.hasAt(s, i, false) }

// traps reports whether the anchored branches must run without their
// prefilters on s (see foldTraps).
func (w *wordSet) traps(s string) bool { return len(w.anchored) > 0 && foldTraps(s) }
