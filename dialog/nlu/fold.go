package nlu

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// The matchers are written once, for Simplified Chinese and ASCII. Customer
// text is folded to that form rune by rune, so a position in the folded
// text is the same rune position in what the customer wrote and a value can
// be cut from the original (a Taiwanese customer's symptom stays in
// Traditional characters).

// t2s maps each Traditional character that differs from its Simplified
// form. It is derived once from OpenCC's character table: converting every
// ideograph on its own gives the rune-for-rune mapping (phrase conversions
// that change the length are applied separately, for classification only).
var t2s = sync.OnceValue(func() *hanTable {
	m := new(hanTable)
	cc, err := opencc.New("t2s")
	if err != nil {
		return m
	}
	var b strings.Builder
	for r := rune(hanFirst); r <= hanLast; r++ {
		b.WriteRune(r)
		b.WriteByte('\n')
	}
	out, err := cc.Convert(b.String())
	if err != nil {
		return m
	}
	in, conv := []rune(b.String()), []rune(out)
	if len(in) != len(conv) {
		return m // a phrase spanned the separators: never seen, but never misalign
	}
	for i := 0; i < len(in); i += 2 {
		if conv[i] != in[i] {
			m[in[i]-hanFirst] = conv[i]
		}
	}
	return m
})

// The ideographs t2s covers.
const hanFirst, hanLast = 0x3400, 0x9FFF

// hanTable holds, for each ideograph r, its Simplified form at r-hanFirst
// (0: r is its own): an array lookup, where a map cost most of folding.
type hanTable [hanLast - hanFirst + 1]rune

// tw2s converts Taiwan and Hong Kong wording to mainland wording (軟體 →
// 软件, 滑鼠 → 鼠标) for the classifier, where lengths may change.
var tw2s = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("tw2sp")
	if err != nil {
		return nil
	}
	return cc
})

// foldRune maps one rune to its matching form: full-width ASCII to ASCII,
// ideographic and no-break spaces to a space, curly quotes to straight ones,
// Traditional to Simplified, ASCII letters to lower case. Zero-width
// characters become spaces so that positions stay aligned.
func foldRune(r rune, m *hanTable) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000 || r == 0x00A0 || r == '\u200B' || r == '\uFEFF' || r == '\t':
		return ' '
	case r == '\u2018' || r == '\u2019' || r == '\u2032':
		return '\''
	case r == '\u201C' || r == '\u201D':
		return '"'
	case r == '\u3002' || r == '\uFF61':
		return '。'
	case r >= hanFirst && r <= hanLast:
		if s := m[r-hanFirst]; s != 0 {
			return s
		}
		return r
	}
	if r >= 'A' && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

// Text is a customer message in its original and its folded form.
type Text struct {
	Orig string
	// Norm is the folded text, Lower its ASCII-lower-cased twin; both have
	// the same runes at the same rune positions as Orig.
	Norm  string
	Lower string
	// normToOrig maps a byte offset of Norm (at a rune start) to the byte
	// offset of the same rune in Orig; one more entry for the end.
	normToOrig []int
	// Trad says the text held Traditional characters.
	Trad bool
}

// NewText folds s. Invalid UTF-8 is replaced first.
func NewText(s string) Text {
	s = strings.ToValidUTF8(s, "\uFFFD")
	m := t2s()
	var norm, lower strings.Builder
	norm.Grow(len(s))
	lower.Grow(len(s))
	idx := make([]int, 0, len(s)+1)
	t := Text{Orig: s}
	for i, r := range s {
		f := foldRune(r, m)
		if f != r && r >= 0x3400 && r <= 0x9FFF {
			t.Trad = true
		}
		// The case-preserving form keeps capitals (names, models).
		keep := f
		if r >= 'A' && r <= 'Z' {
			keep = r
		} else if r >= 0xFF21 && r <= 0xFF3A {
			keep = r - 0xFEE0
		}
		n := utf8.RuneLen(keep)
		for k := 0; k < n; k++ {
			idx = append(idx, i)
		}
		norm.WriteRune(keep)
		lower.WriteRune(f)
	}
	idx = append(idx, len(s))
	t.Norm, t.Lower, t.normToOrig = norm.String(), lower.String(), idx
	return t
}

// OrigSpan returns the original text of Norm[start:end].
func (t Text) OrigSpan(start, end int) string {
	if start < 0 || end > len(t.Norm) || start >= end {
		return ""
	}
	return t.Orig[t.normToOrig[start]:t.normToOrig[end]]
}

// Fold returns the folded, lower-cased form of s (for comparisons): the
// Lower of NewText(s), without the rest.
func Fold(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	m := t2s()
	var lower strings.Builder
	lower.Grow(len(s))
	for _, r := range s {
		lower.WriteRune(foldRune(r, m))
	}
	return lower.String()
}

// Mainland returns s with Taiwan and Hong Kong wording converted to
// mainland Simplified wording, for the classifier; text without
// Traditional characters is returned folded as is.
func Mainland(t Text) string {
	if !t.Trad {
		return t.Lower
	}
	cc := tw2s()
	if cc == nil {
		return t.Lower
	}
	out, err := cc.Convert(t.Orig)
	if err != nil {
		return t.Lower
	}
	return NewText(out).Lower
}
