package nlu

import (
	"strings"
	"unicode/utf8"
)

// A Lexicon finds every word of a word list in folded text in one pass: a
// trie walked from each position, the longest word winning. It replaces one
// strings.Index (or one regular expression) per keyword per clause, which
// cost most of a dialog step.
type Lexicon struct {
	root *trieNode
	n    int
	// first has the first bytes of the words: where a text has another
	// byte no word starts, and the trie is not asked. A word that starts
	// with U+FFFD, which a stray byte decodes to, turns this off.
	first    [256]bool
	anyFirst bool
}

type trieNode struct {
	next map[rune]*trieNode
	tags []Tag // set on the node that ends a word
}

// Tag says what a word is evidence of: Kind names the list ("category",
// "p1", "negation"…), Name the entry in it ("technical", "safety"…).
type Tag struct {
	Kind, Name string
	// Weight scales the evidence (1 when unset).
	Weight float64
}

// Hit is a word found at Lower[Start:End].
type Hit struct {
	Start, End int
	Word       string
	Tags       []Tag
}

// Has reports whether the hit carries a tag of kind (and name, if given).
func (h Hit) Has(kind, name string) bool {
	for _, t := range h.Tags {
		if t.Kind == kind && (name == "" || t.Name == name) {
			return true
		}
	}
	return false
}

// Tag returns the first tag of kind.
func (h Hit) Tag(kind string) (Tag, bool) {
	for _, t := range h.Tags {
		if t.Kind == kind {
			return t, true
		}
	}
	return Tag{}, false
}

// NewLexicon returns an empty lexicon.
func NewLexicon() *Lexicon { return &Lexicon{root: &trieNode{}} }

// Add adds a word (folded on the way in, so lists may be written in either
// script and width) with a tag. Adding the same word twice merges tags.
func (l *Lexicon) Add(word string, tag Tag) {
	w := strings.TrimSpace(Fold(word))
	if w == "" {
		return
	}
	if tag.Weight == 0 {
		tag.Weight = 1
	}
	l.first[w[0]] = true
	if r, _ := utf8.DecodeRuneInString(w); r == utf8.RuneError {
		l.anyFirst = true
	}
	n := l.root
	for _, r := range w {
		if n.next == nil {
			n.next = map[rune]*trieNode{}
		}
		c := n.next[r]
		if c == nil {
			c = &trieNode{}
			n.next[r] = c
		}
		n = c
	}
	for _, t := range n.tags {
		if t.Kind == tag.Kind && t.Name == tag.Name {
			return
		}
	}
	if len(n.tags) == 0 {
		l.n++
	}
	n.tags = append(n.tags, tag)
}

// Len is the number of distinct words.
func (l *Lexicon) Len() int { return l.n }

// Scan returns the words found in lower (folded text): at each position the
// longest word that starts there, then scanning goes on after it, so "不脱水"
// hides the "脱水" inside it. Latin words match on word boundaries only,
// with plural and verb endings allowed ("leaks", "smoking").
func (l *Lexicon) Scan(lower string) []Hit {
	var hits []Hit
	for i := 0; i < len(lower); {
		if l.skip(lower[i]) {
			i++
			continue
		}
		end, tags := l.longest(lower, i)
		if end > i {
			hits = append(hits, Hit{Start: i, End: end, Word: lower[i:end], Tags: tags})
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(lower[i:])
		i += size
	}
	return hits
}

// ScanAll is Scan without hiding: every word at every position (used where
// a word inside a longer one still counts as a cue).
func (l *Lexicon) ScanAll(lower string) []Hit {
	var hits []Hit
	for i := 0; i < len(lower); {
		if l.skip(lower[i]) {
			i++
			continue
		}
		n := l.root
		for j := i; j < len(lower); {
			r, size := utf8.DecodeRuneInString(lower[j:])
			n = n.next[r]
			if n == nil {
				break
			}
			j += size
			if len(n.tags) > 0 && boundaryOK(lower, i, j) {
				hits = append(hits, Hit{Start: i, End: j, Word: lower[i:j], Tags: n.tags})
			}
		}
		_, size := utf8.DecodeRuneInString(lower[i:])
		i += size
	}
	return hits
}

// skip reports whether no word starts at a byte b (no rune either, when
// b is inside one: the scan then steps a byte).
func (l *Lexicon) skip(b byte) bool { return !l.first[b] && !l.anyFirst }

func (l *Lexicon) longest(s string, i int) (int, []Tag) {
	if i > 0 && isWordByte(s[i-1]) && isWordByte(s[i]) {
		return i, nil // inside a Latin word or a number
	}
	n := l.root
	best, bestTags := i, []Tag(nil)
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		n = n.next[r]
		if n == nil {
			break
		}
		j += size
		if len(n.tags) > 0 && boundaryOK(s, i, j) {
			best, bestTags = j, n.tags
		}
	}
	if best > i {
		// "leak" matched in "leaks": take the ending too, so the next word
		// does not start inside this one.
		best = extendSuffix(s, i, best)
	}
	return best, bestTags
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// boundaryOK reports whether s[i:j] may be a word: a Latin (or digit) edge
// must not continue into a letter, except for common endings.
func boundaryOK(s string, i, j int) bool {
	if i > 0 && isWordByte(s[i-1]) && isWordByte(s[i]) {
		return false
	}
	if j < len(s) && isWordByte(s[j-1]) && isWordByte(s[j]) {
		rest := s[j:]
		for _, suf := range []string{"s", "es", "ed", "d", "ing", "ly"} {
			if strings.HasPrefix(rest, suf) && (len(rest) == len(suf) || !isWordByte(rest[len(suf)])) {
				return true
			}
		}
		return false
	}
	return true
}

func extendSuffix(s string, i, j int) int {
	if j >= len(s) || !isWordByte(s[j-1]) || !isWordByte(s[j]) {
		return j
	}
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	return j
}
