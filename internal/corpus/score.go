package corpus

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// Outcome is what the engine made of one conversation: the registered
// case, or its draft when none was registered.
type Outcome struct {
	Conversation *Conversation
	Category     cases.Category
	Priority     cases.Priority
	Fields       map[string]string
	Reasons      []string
	// Ignore names fields that came from the channel identity (the sender's
	// address of an email), not from what the customer wrote.
	Ignore     map[string]bool
	Registered bool // a case was registered
	Confirm    bool // the bot restated the case and asked to confirm
	Handoff    bool // the conversation was handed to a person
	Phase      string
	// Bot replies, those saying it did not understand, and questions asked.
	Replies, NotUnderstood, Questions int
}

// Rate is a share with its counts.
type Rate struct {
	Right int     `json:"right"`
	Total int     `json:"total"`
	Rate  float64 `json:"rate"`
}

func (r *Rate) add(ok bool) {
	r.Total++
	if ok {
		r.Right++
	}
	r.Rate = float64(r.Right) / float64(r.Total)
}

func (r Rate) String() string {
	if r.Total == 0 {
		return "   –   (0)"
	}
	return fmt.Sprintf("%5.1f %% (%d/%d)", 100*r.Rate, r.Right, r.Total)
}

// Report is the score of a corpus.
type Report struct {
	Conversations int             `json:"conversations"`
	Category      Rate            `json:"category"`
	NoCategory    int             `json:"no_category"`
	Priority      Rate            `json:"priority"`
	Confusion     map[string]Rows `json:"priority_confusion"` // expected -> got -> count
	P1Recall      Rate            `json:"p1_recall"`
	P1Precision   Rate            `json:"p1_precision"`
	Fields        Rate            `json:"fields"`
	PerField      map[string]Rate `json:"per_field"`
	Spurious      int             `json:"spurious_fields"`
	SpuriousBy    map[string]int  `json:"spurious_by_field"`
	Handoff       Rate            `json:"handoff"`
	// Replies and "didn't understand" replies; conversations with one.
	Replies             int                   `json:"replies"`
	NotUnderstood       int                   `json:"not_understood"`
	NotUnderstoodRate   float64               `json:"not_understood_rate"`
	NotUnderstoodConvs  int                   `json:"not_understood_conversations"`
	QuestionsPerConv    float64               `json:"questions_per_conversation"`
	ReachedConfirmation int                   `json:"reached_confirmation"`
	Registered          int                   `json:"registered"`
	Phases              Rows                  `json:"phases"`
	ByLanguage          map[string]*LangScore `json:"by_language"`
	Failures            []Failure             `json:"failures,omitempty"`
}

// Rows counts by name.
type Rows map[string]int

// LangScore is the headline figures of one language.
type LangScore struct {
	Conversations int  `json:"conversations"`
	Category      Rate `json:"category"`
	Priority      Rate `json:"priority"`
	Fields        Rate `json:"fields"`
}

// Failure lists what one conversation got wrong.
type Failure struct {
	ID       string   `json:"id"`
	File     string   `json:"file"`
	Problems []string `json:"problems"`
}

// Score compares outcomes with their labels.
func Score(outs []Outcome) *Report {
	r := &Report{Confusion: map[string]Rows{}, PerField: map[string]Rate{}, SpuriousBy: map[string]int{},
		Phases: Rows{}, ByLanguage: map[string]*LangScore{}}
	questions := 0
	for i := range outs {
		o := &outs[i]
		c := o.Conversation
		e := c.Expect
		r.Conversations++
		ls := r.ByLanguage[c.Lang]
		if ls == nil {
			ls = &LangScore{}
			r.ByLanguage[c.Lang] = ls
		}
		ls.Conversations++
		var probs []string

		r.Category.add(o.Category == e.Category)
		ls.Category.add(o.Category == e.Category)
		if o.Category == "" {
			r.NoCategory++
		}
		if o.Category != e.Category {
			probs = append(probs, fmt.Sprintf("category %s, want %s", orNone(string(o.Category)), e.Category))
		}
		r.Priority.add(o.Priority == e.Priority)
		ls.Priority.add(o.Priority == e.Priority)
		if r.Confusion[string(e.Priority)] == nil {
			r.Confusion[string(e.Priority)] = Rows{}
		}
		r.Confusion[string(e.Priority)][orNone(string(o.Priority))]++
		if o.Priority != e.Priority {
			probs = append(probs, fmt.Sprintf("priority %s, want %s (%s)", orNone(string(o.Priority)), e.Priority, strings.Join(o.Reasons, " ")))
		}
		if e.Priority == cases.P1 {
			r.P1Recall.add(o.Priority == cases.P1)
		}
		if o.Priority == cases.P1 {
			r.P1Precision.add(e.Priority == cases.P1)
		}

		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			want, got := e.Fields[k], o.Fields[k]
			ok := Match(cases.FieldKey(k), want, got)
			r.Fields.add(ok)
			ls.Fields.add(ok)
			pf := r.PerField[k]
			pf.add(ok)
			r.PerField[k] = pf
			if !ok {
				probs = append(probs, fmt.Sprintf("%s %q, want %q", k, got, want))
			}
		}
		for k, v := range o.Fields {
			if _, labelled := e.Fields[k]; labelled || v == "" || o.Ignore[k] {
				continue
			}
			r.Spurious++
			r.SpuriousBy[k]++
			probs = append(probs, fmt.Sprintf("spurious %s %q", k, v))
		}
		r.Handoff.add(o.Handoff == e.Handoff)
		if o.Handoff != e.Handoff {
			probs = append(probs, fmt.Sprintf("handoff %v, want %v", o.Handoff, e.Handoff))
		}
		r.Replies += o.Replies
		r.NotUnderstood += o.NotUnderstood
		if o.NotUnderstood > 0 {
			r.NotUnderstoodConvs++
			probs = append(probs, fmt.Sprintf("%d \"didn't understand\" replies", o.NotUnderstood))
		}
		questions += o.Questions
		if o.Confirm {
			r.ReachedConfirmation++
		}
		if o.Registered {
			r.Registered++
		}
		r.Phases[orNone(o.Phase)]++
		if len(probs) > 0 {
			r.Failures = append(r.Failures, Failure{ID: c.ID, File: c.File, Problems: probs})
		}
	}
	if r.Replies > 0 {
		r.NotUnderstoodRate = float64(r.NotUnderstood) / float64(r.Replies)
	}
	if r.Conversations > 0 {
		r.QuestionsPerConv = float64(questions) / float64(r.Conversations)
	}
	return r
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Match reports whether got is an acceptable value for a field labelled
// want (rules in testdata/corpus/README.md).
func Match(k cases.FieldKey, want, got string) bool {
	if strings.TrimSpace(got) == "" {
		return false
	}
	w, g := squash(want), squash(got)
	if w == g {
		return true
	}
	switch k {
	case cases.FieldPhone:
		return phoneKey(want) == phoneKey(got)
	case cases.FieldPurchaseDate:
		return false
	case cases.FieldOccurredAt:
		// A time of day may follow the date ("2026-05-11 02:00").
		return len(w) == len("2006-01-02") && strings.HasPrefix(g, w)
	case cases.FieldCustomerName:
		return nameKey(want) == nameKey(got)
	case cases.FieldCompany:
		a, b := []rune(w), []rune(g)
		if len(a) > len(b) {
			a, b = b, a
		}
		return len(a) >= 2 && 2*len(a) >= len(b) && strings.Contains(string(b), string(a))
	case cases.FieldSymptom, cases.FieldEnvironment, cases.FieldTried:
		if w == cases.Unknown || w == "none" {
			return false
		}
		return overlap(want, got) >= 0.5
	}
	return false
}

// squash folds width, script and case and drops spaces.
func squash(s string) string {
	s = nlu.Fold(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func phoneKey(s string) string {
	var b strings.Builder
	for _, r := range nlu.Fold(s) {
		if r >= '0' && r <= '9' || r == '+' && b.Len() == 0 {
			b.WriteRune(r)
		}
	}
	k := b.String()
	k = strings.TrimPrefix(k, "+86")
	return strings.TrimPrefix(k, "0086")
}

var honorifics = []string{"先生", "女士", "小姐", "太太", "mrs.", "mrs", "mr.", "mr", "ms.", "ms", "miss", "dr.", "dr"}

func nameKey(s string) string {
	s = nlu.Fold(strings.TrimSpace(s))
	for _, h := range honorifics {
		if strings.HasSuffix(s, h) && utf8.RuneCountInString(s) > utf8.RuneCountInString(h) && !isLatin(h) {
			s = strings.TrimSuffix(s, h)
		}
		if isLatin(h) && strings.HasPrefix(s, h+" ") {
			s = strings.TrimPrefix(s, h+" ")
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '·' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

var stopWords = map[string]bool{"the": true, "a": true, "an": true, "it": true, "is": true, "my": true, "to": true,
	"of": true, "and": true, "in": true, "on": true, "at": true, "its": true, "it's": true, "was": true, "be": true,
	"for": true, "with": true, "i": true, "this": true, "that": true, "our": true, "we": true, "has": true, "have": true,
	"了": true, "的": true}

// grams are the units compared for free-text fields: Chinese character
// pairs (single characters for one-character runs) and Latin words.
func grams(s string) map[string]bool {
	out := map[string]bool{}
	var han []rune
	flush := func() {
		switch {
		case len(han) == 1:
			out[string(han)] = true
		case len(han) > 1:
			for i := 0; i+1 < len(han); i++ {
				out[string(han[i:i+2])] = true
			}
		}
		han = han[:0]
	}
	var word []rune
	flushWord := func() {
		w := strings.TrimSuffix(string(word), "s")
		if len(word) > 0 && !stopWords[string(word)] && w != "" {
			out[w] = true
		}
		word = word[:0]
	}
	for _, r := range nlu.Fold(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			if r != '的' && r != '了' {
				han = append(han, r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			flush()
			word = append(word, r)
		default:
			flush()
			flushWord()
		}
	}
	flush()
	flushWord()
	return out
}

// overlap is the share of want's grams found in got.
func overlap(want, got string) float64 {
	w, g := grams(want), grams(got)
	if len(w) == 0 {
		return 0
	}
	n := 0
	for x := range w {
		if g[x] {
			n++
		}
	}
	return float64(n) / float64(len(w))
}
