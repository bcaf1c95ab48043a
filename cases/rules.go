package cases

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Rules are the classification and priority rules (SPEC §3) as data. The
// shipped defaults live in configs/rules.yaml; an administrator edits them
// without a release.
type Rules struct {
	Categories []CategoryRule `yaml:"categories"`
	Priority   PriorityRules  `yaml:"priority"`
	// Negations are words that cancel a keyword that follows them in the same
	// clause ("没有冒烟", "no smoke"), and question forms ("会不会漏电").
	Negations []string `yaml:"negations"`
	// NegationWindow is how many runes before a keyword a negation may stand.
	NegationWindow int `yaml:"negation_window"`

	compiled bool
}

// CategoryRule describes one category: the words that point to it, its
// subtypes and the fields a case of this category needs.
type CategoryRule struct {
	Category Category `yaml:"category"`
	Keywords []string `yaml:"keywords"`
	// Weak are words that point to the category only a little ("请问",
	// "能不能" in a consultation): a third of a keyword.
	Weak     []string      `yaml:"weak"`
	Patterns []string      `yaml:"patterns"`
	Subtypes []SubtypeRule `yaml:"subtypes"`
	// Required lists the fields to collect; "phone|email" means any one of them.
	Required []string `yaml:"required"`
	// DefaultPriority applies when no priority signal matches.
	DefaultPriority Priority `yaml:"default_priority"`

	res []*regexp.Regexp
}

// SubtypeRule is one subtype of a category (e.g. technical/wont_start).
type SubtypeRule struct {
	Name     string   `yaml:"name"`
	Keywords []string `yaml:"keywords"`
	Patterns []string `yaml:"patterns"`

	res []*regexp.Regexp
}

// Signal is a named reason for a priority. It matches when any keyword or
// pattern matches, and, if AllOf is set, when every group has a match too.
// The token "@company" in a group is satisfied by a known company name,
// "@fault" by any technical or quality keyword (a count of units is a
// batch failure only with a fault), "@inuse" when the problem is not
// mainly the delivery's, and a word written "re:…" is a regular expression.
type Signal struct {
	Name     string     `yaml:"name"`
	Keywords []string   `yaml:"keywords"`
	Patterns []string   `yaml:"patterns"`
	AllOf    [][]string `yaml:"all_of"`
	// Weak marks a P3 signal that yields to a P2 one: a fault that comes
	// and goes is minor unless the customer says it leaves the product
	// unusable.
	Weak bool `yaml:"weak"`
	// Unless words, said in scope, cancel the signal: "only this one does
	// it" is no batch failure whatever count was said.
	Unless []string `yaml:"unless"`
	// Category, when set, is the category the signal is also evidence of:
	// a hazard of a working product is a technical fault, whatever else
	// about it is cracked or smells.
	Category Category `yaml:"category"`

	res    []*regexp.Regexp
	allRes map[string]*regexp.Regexp // the "re:" words of AllOf
}

// PriorityRules map signals to priorities. P1 wins over everything; a P3
// signal ("还能用") lowers a category default of P2 but never a P1.
type PriorityRules struct {
	P1 []Signal `yaml:"p1"`
	P2 []Signal `yaml:"p2"`
	P3 []Signal `yaml:"p3"`
	// ModelUnless are words that, said in scope, keep the statistical
	// model from raising P1 on its own: one unit of several failed, or a
	// stand-in holds ("另一台还能用", "one of our two"). A business with a
	// spare is not stopped; the P1 signals above still count.
	ModelUnless []string `yaml:"model_unless"`
}

// Classification is the result of Classify.
type Classification struct {
	Category   Category
	Subtype    string
	Priority   Priority
	Reasons    []string
	Confidence float64 // share of category evidence held by the winner, 0..1
}

// Compile checks and compiles the rules; errors name the offending key.
func (r *Rules) Compile() error {
	if len(r.Categories) == 0 {
		return fmt.Errorf("rules.categories: at least one category is required")
	}
	if r.NegationWindow <= 0 {
		r.NegationWindow = 6
	}
	seen := map[Category]bool{}
	for i := range r.Categories {
		c := &r.Categories[i]
		key := fmt.Sprintf("rules.categories[%d]", i)
		if !c.Category.Valid() {
			return fmt.Errorf("%s.category: unknown category %q", key, c.Category)
		}
		if seen[c.Category] {
			return fmt.Errorf("%s.category: %q listed twice", key, c.Category)
		}
		seen[c.Category] = true
		if c.DefaultPriority != "" && !c.DefaultPriority.Valid() {
			return fmt.Errorf("%s.default_priority: unknown priority %q", key, c.DefaultPriority)
		}
		for _, req := range c.Required {
			for _, alt := range strings.Split(req, "|") {
				if !FieldKey(alt).Valid() {
					return fmt.Errorf("%s.required: unknown field %q", key, alt)
				}
			}
		}
		var err error
		if c.res, err = compileAll(key+".patterns", c.Patterns); err != nil {
			return err
		}
		for j := range c.Subtypes {
			s := &c.Subtypes[j]
			if s.res, err = compileAll(fmt.Sprintf("%s.subtypes[%d].patterns", key, j), s.Patterns); err != nil {
				return err
			}
		}
	}
	for name, list := range map[string][]Signal{"p1": r.Priority.P1, "p2": r.Priority.P2, "p3": r.Priority.P3} {
		for i := range list {
			var err error
			if list[i].res, err = compileAll(fmt.Sprintf("rules.priority.%s[%d].patterns", name, i), list[i].Patterns); err != nil {
				return err
			}
			for g, group := range list[i].AllOf {
				for _, w := range group {
					if !strings.HasPrefix(w, "re:") {
						continue
					}
					re, err := regexp.Compile("(?i)" + strings.TrimPrefix(w, "re:"))
					if err != nil {
						return fmt.Errorf("rules.priority.%s[%d].all_of[%d]: %w", name, i, g, err)
					}
					if list[i].allRes == nil {
						list[i].allRes = map[string]*regexp.Regexp{}
					}
					list[i].allRes[w] = re
				}
			}
		}
	}
	// Lower-case every word once here, not on every match.
	lowerAll(r.Negations)
	lowerAll(r.Priority.ModelUnless)
	for i := range r.Categories {
		c := &r.Categories[i]
		lowerAll(c.Keywords)
		for j := range c.Subtypes {
			lowerAll(c.Subtypes[j].Keywords)
		}
	}
	for _, list := range [][]Signal{r.Priority.P1, r.Priority.P2, r.Priority.P3} {
		for i := range list {
			lowerAll(list[i].Keywords)
			for _, g := range list[i].AllOf {
				for j, w := range g {
					if !strings.HasPrefix(w, "re:") {
						g[j] = strings.ToLower(strings.TrimSpace(w))
					}
				}
			}
		}
	}
	r.compiled = true
	return nil
}

func lowerAll(words []string) {
	for i, w := range words {
		words[i] = strings.ToLower(strings.TrimSpace(w))
	}
}

func compileAll(key string, pats []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(pats))
	for i, p := range pats {
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// Category returns the rule of a category, or nil.
func (r *Rules) Category(c Category) *CategoryRule {
	for i := range r.Categories {
		if r.Categories[i].Category == c {
			return &r.Categories[i]
		}
	}
	return nil
}

// Missing returns the required fields of category c that fields lacks, in
// the configured order; for "a|b" it returns a (the first alternative).
func (r *Rules) Missing(c Category, fields map[FieldKey]string) []FieldKey {
	rule := r.Category(c)
	if rule == nil {
		return nil
	}
	var out []FieldKey
	for _, req := range rule.Required {
		alts := strings.Split(req, "|")
		ok := false
		for _, a := range alts {
			if strings.TrimSpace(fields[FieldKey(a)]) != "" {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, FieldKey(alts[0]))
		}
	}
	return out
}

// Classify assigns category, subtype and priority to a customer's text. An
// empty Category means the text gave no evidence; the caller should ask.
func (r *Rules) Classify(text string, fields map[FieldKey]string) Classification {
	if !r.compiled {
		if err := r.Compile(); err != nil {
			return Classification{}
		}
	}
	m := newMatcher(text, r.Negations, r.NegationWindow)
	var res Classification
	type score struct {
		c   Category
		n   int
		hit []string
	}
	var scores []score
	total := 0
	for _, c := range r.Categories {
		n, hits := m.count(c.Keywords, c.res)
		if n > 0 {
			scores = append(scores, score{c.Category, n, hits})
			total += n
		}
	}
	if len(scores) > 0 {
		sort.SliceStable(scores, func(i, j int) bool { return scores[i].n > scores[j].n })
		best := scores[0]
		res.Category = best.c
		res.Confidence = float64(best.n) / float64(total)
		res.Reasons = append(res.Reasons, fmt.Sprintf("category:%s(%s)", best.c, strings.Join(best.hit, ",")))
		rule := r.Category(best.c)
		bestSub, bestN := "", 0
		for _, s := range rule.Subtypes {
			if n, _ := m.count(s.Keywords, s.res); n > bestN {
				bestSub, bestN = s.Name, n
			}
		}
		if bestSub == "" {
			bestSub = "other"
		}
		res.Subtype = bestSub
	}
	company := strings.TrimSpace(fields[FieldCompany]) != ""
	m.fault = res.Category == CategoryTechnical || res.Category == CategoryQuality
	if sig, hit := m.firstSignal(r.Priority.P1, company); sig != "" {
		res.Priority = P1
		res.Reasons = append(res.Reasons, fmt.Sprintf("p1:%s(%s)", sig, hit))
		return res
	}
	def := P3
	if rule := r.Category(res.Category); rule != nil && rule.DefaultPriority != "" {
		def = rule.DefaultPriority
	}
	if sig, hit := m.firstSignal(r.Priority.P3, company); sig != "" {
		res.Priority = P3
		res.Reasons = append(res.Reasons, fmt.Sprintf("p3:%s(%s)", sig, hit))
		return res
	}
	if sig, hit := m.firstSignal(r.Priority.P2, company); sig != "" && res.Category != CategoryConsultation {
		res.Priority = P2
		res.Reasons = append(res.Reasons, fmt.Sprintf("p2:%s(%s)", sig, hit))
		return res
	}
	res.Priority = def
	res.Reasons = append(res.Reasons, "priority:default")
	return res
}

// matcher finds keywords in text while honouring negations within a clause.
type matcher struct {
	// fault: the text was classified technical or quality; it stands for
	// both "@fault" and "@inuse" here (this classifier has no weights to
	// tell a delivery's damage from a fault in use, as nlu does).
	fault   bool
	lower   string
	neg     []string
	window  int
	clauses []string
}

func newMatcher(text string, neg []string, window int) *matcher {
	lower := strings.ToLower(strings.NewReplacer("\u2019", "'", "\u2018", "'").Replace(text))
	clauses := strings.FieldsFunc(lower, func(r rune) bool {
		switch r {
		case '，', ',', '。', '.', '！', '!', '？', '?', '；', ';', '\n', '但':
			return true
		}
		return false
	})
	return &matcher{lower: lower, neg: neg, window: window, clauses: clauses}
}

// has reports whether kw occurs un-negated in some clause.
func (m *matcher) has(kw string) bool {
	_, ok := m.find(kw)
	return ok
}

// span is where a keyword matched: clause index and byte range.
type span struct{ clause, start, end int }

func (a span) overlaps(b span) bool {
	return a.clause == b.clause && a.start < b.end && b.start < a.end
}

// find returns where kw first occurs un-negated.
func (m *matcher) find(kw string) (span, bool) {
	if kw == "" {
		return span{}, false
	}
	for ci, cl := range m.clauses {
		from := 0
		for {
			i := strings.Index(cl[from:], kw)
			if i < 0 {
				break
			}
			at := from + i
			if isWordy(kw) && !wordBoundary(cl, at, len(kw)) {
				from = at + len(kw)
				continue
			}
			if !m.negated(cl[:at]) && !asked(cl[at+len(kw):]) {
				return span{ci, at, at + len(kw)}, true
			}
			from = at + len(kw)
		}
	}
	return span{}, false
}

// negated reports whether the text just before a keyword negates it: the
// text, after dropping filler words ("任何", "发现", "any", "visible"), must
// end with a negation. "没有冒烟" and "no visible smoke" are negated; "没用多久
// 就冒烟了" and "no power and smoke" are not.
func (m *matcher) negated(before string) bool {
	r := []rune(strings.TrimRight(before, " "))
	if start := len(r) - m.window*4; start > 0 {
		r = r[start:]
	}
	tail := string(r)
	for changed := true; changed; {
		changed = false
		for _, f := range fillers {
			if !strings.HasSuffix(tail, f) {
				continue
			}
			if at := len(tail) - len(f); isWordy(f) && at > 0 && isWordByte(tail[at-1]) {
				continue // "idea" does not end in the word "a"
			}
			tail = strings.TrimRight(strings.TrimSuffix(tail, f), " ")
			changed = true
		}
	}
	for _, n := range m.neg {
		if !strings.HasSuffix(tail, n) {
			continue
		}
		// A Latin negation must be a whole word ("piano" does not end in
		// the word "no"); "n't" is a suffix by nature.
		if isWordy(n) && n != "n't" {
			at := len(tail) - len(n)
			if at > 0 && isWordByte(tail[at-1]) {
				continue
			}
		}
		return true
	}
	return false
}

// asked reports whether the words right after a keyword make it a yes/no
// question ("漏电吗？" asks; it does not report a leak).
func asked(after string) bool {
	r := []rune(after)
	if len(r) > 3 {
		r = r[:3]
	}
	return strings.ContainsAny(string(r), "吗嗎")
}

// fillers may stand between a negation and what it negates.
var fillers = []string{"任何", "什么", "什麼", "发现", "發現", "出现", "出現", "看到", "闻到", "聞到", "明显", "明顯", "再", "有", "会", "會", "过", "過", "的", "就",
	"any", "visible", "signs of", "sign of", "evidence of", "a", "the", "more", "longer", "been", "be", "there", "is", "are"}

func isWordByte(b byte) bool {
	return b == '_' || b == '\'' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func (m *matcher) count(kws []string, res []*regexp.Regexp) (int, []string) {
	n := 0
	var hits []string
	var seen []span
	for _, k := range kws {
		sp, ok := m.find(k)
		if !ok || slices.ContainsFunc(seen, sp.overlaps) {
			continue // "crack" inside "cracked" is one piece of evidence, not two
		}
		seen = append(seen, sp)
		n++
		hits = append(hits, k)
	}
	for _, re := range res {
		for _, cl := range m.clauses {
			if loc := re.FindStringIndex(cl); loc != nil && !m.negated(cl[:loc[0]]) {
				n++
				hits = append(hits, cl[loc[0]:loc[1]])
				break
			}
		}
	}
	return n, hits
}

// groupHas reports whether one word of an all_of group is satisfied.
func (m *matcher) groupHas(k string, re *regexp.Regexp, company bool) bool {
	switch {
	case k == "@company":
		return company
	case k == "@fault", k == "@inuse":
		return m.fault
	case re != nil:
		return slices.ContainsFunc(m.clauses, re.MatchString)
	}
	return m.has(k)
}

func (m *matcher) firstSignal(sigs []Signal, company bool) (string, string) {
	for _, s := range sigs {
		n, hits := m.count(s.Keywords, s.res)
		if len(s.Keywords)+len(s.res) > 0 && n == 0 {
			continue
		}
		ok := true
		for _, group := range s.AllOf {
			gok := false
			for _, k := range group {
				if m.groupHas(k, s.allRes[k], company) {
					gok = true
					hits = append(hits, k)
					break
				}
			}
			if !gok {
				ok = false
				break
			}
		}
		if ok && (n > 0 || len(s.AllOf) > 0) {
			return s.Name, strings.Join(hits, ",")
		}
	}
	return "", ""
}

// isWordy reports whether s is Latin text, which must match on word
// boundaries ("fire" must not match "firewall").
func isWordy(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

func wordBoundary(s string, at, n int) bool {
	isW := func(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	if at > 0 && isW(s[at-1]) && isW(s[at]) {
		return false
	}
	end := at + n
	if end < len(s) && isW(s[end]) && isW(s[end-1]) {
		// allow simple plural/verb endings: "leaks", "smoking"
		rest := s[end:]
		for _, suf := range []string{"s", "es", "ed", "ing", "d"} {
			if strings.HasPrefix(rest, suf) && (len(rest) == len(suf) || !isW(rest[len(suf)])) {
				return true
			}
		}
		return false
	}
	return true
}
