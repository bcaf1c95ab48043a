package nlu

import (
	"strings"
	"unicode/utf8"
)

// span is a byte range of the folded text.
type span struct{ start, end int }

// segments splits folded text into sentences and clauses. Sentences end at
// 。！？ and a full stop followed by a space; clauses also at commas,
// semicolons, 但/但是/可是/不过 and the English "but", "and", "so", "then",
// "because", "when", which is where a negation or a "what if" stops.
type segments struct {
	sentences []span
	clauses   []span
}

func isSentenceEnd(s string, i int, r rune) bool {
	switch r {
	case '。', '!', '！', '?', '？', '\n', '\r', '…':
		return true
	case '.':
		next := i + 1
		return next >= len(s) || s[next] == ' ' || s[next] == '\n'
	}
	return false
}

func isClauseEnd(r rune) bool {
	switch r {
	case ',', '，', ';', '；', ':', '：', '~', '～', '(', ')', '（', '）', '"', '“', '”':
		return true
	}
	return false
}

// clauseWords end a clause before them (the word itself starts the next).
var clauseWords = []string{"但是", "可是", "不过", "但", "却", " but ", " and ", " so ", " then ", " because ", " when ", " however ", " although ", " though ", " while "}

// clauseWordFirst has the first bytes of clauseWords: most positions
// start none, and one lookup says so.
var clauseWordFirst = func() (t [256]bool) {
	for _, w := range clauseWords {
		t[w[0]] = true
	}
	return t
}()

func segment(s string) segments {
	var sg segments
	sentStart, clStart := 0, 0
	closeClause := func(end int) {
		if end > clStart {
			sg.clauses = append(sg.clauses, span{clStart, end})
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSentenceEnd(s, i, r):
			closeClause(i)
			if i > sentStart {
				sg.sentences = append(sg.sentences, span{sentStart, i})
			}
			sentStart, clStart = i+size, i+size
		case isClauseEnd(r):
			closeClause(i)
			clStart = i + size
		case clauseWordFirst[s[i]]:
			for _, w := range clauseWords {
				if strings.HasPrefix(s[i:], w) {
					closeClause(i)
					clStart = i
					if w[0] == ' ' {
						clStart = i + 1
					}
					break
				}
			}
		}
		i += size
	}
	closeClause(len(s))
	if len(s) > sentStart {
		sg.sentences = append(sg.sentences, span{sentStart, len(s)})
	}
	return sg
}

// clauseOf returns the clause holding byte offset at.
func (sg segments) clauseOf(at int) span {
	for _, c := range sg.clauses {
		if at >= c.start && at < c.end {
			return c
		}
	}
	return span{at, at}
}

// sentenceOf returns the sentence holding byte offset at.
func (sg segments) sentenceOf(at int) span {
	for _, c := range sg.sentences {
		if at >= c.start && at < c.end {
			return c
		}
	}
	return span{at, at}
}

// runesBetween counts the runes of s[a:b].
func runesBetween(s string, a, b int) int {
	if a >= b {
		return 0
	}
	return utf8.RuneCountInString(s[a:b])
}
