package nlu

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kefu-dev/kefu/cases"
)

// Classifier assigns category, subtype and priority to what a customer
// said. It reads the rules of configs/rules.yaml (keywords, patterns,
// priority signals) through one Lexicon, weighs every keyword by its scope
// (a denied, feared, heard-of or figurative hazard is no hazard), and
// combines that evidence with a statistical model trained on a labelled
// corpus, when one is given. It is immutable and safe for concurrent use.
type Classifier struct {
	rules    *cases.Rules
	lex      *Lexicon
	patterns []taggedPattern
	cues     *setCues // of the patterns
	sentence *sentenceCues
	model    *Model
}

type taggedPattern struct {
	re  *wordSet
	tag Tag
}

// Tag kinds used by the classifier.
const (
	kindCategory = "cat"  // Name: category
	kindSubtype  = "sub"  // Name: category/subtype
	kindSignal   = "sig"  // Name: P1/P2/P3 + ":" + signal name
	kindAllOf    = "all"  // Name: P1:signal:group index
	kindWeak     = "weak" // Name: category (weak evidence)
)

// modelUnless names the all_of tag of rules.priority.model_unless.
const modelUnless = "model:unless"

// NewClassifier builds a classifier from compiled rules and an optional
// model (nil: rules only).
func NewClassifier(rules *cases.Rules, model *Model) (*Classifier, error) {
	if err := rules.Compile(); err != nil {
		return nil, err
	}
	c := &Classifier{rules: rules, lex: NewLexicon(), model: model}
	sentence, err := addScopeWords(c.lex)
	if err != nil {
		return nil, err
	}
	c.sentence = sentence
	addPattern := func(key, p string, tag Tag) error {
		re, err := compileWordSet("(?i)" + p)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if tag.Weight == 0 {
			tag.Weight = 1
		}
		c.patterns = append(c.patterns, taggedPattern{re, tag})
		return nil
	}
	for i, cr := range rules.Categories {
		tag := Tag{Kind: kindCategory, Name: string(cr.Category)}
		for _, w := range cr.Keywords {
			c.lex.Add(w, tag)
		}
		for _, w := range cr.Weak {
			c.lex.Add(w, Tag{Kind: kindCategory, Name: string(cr.Category), Weight: 0.35})
		}
		for j, p := range cr.Patterns {
			if err := addPattern(fmt.Sprintf("rules.categories[%d].patterns[%d]", i, j), p, tag); err != nil {
				return nil, err
			}
		}
		for _, st := range cr.Subtypes {
			stag := Tag{Kind: kindSubtype, Name: string(cr.Category) + "/" + st.Name}
			for _, w := range st.Keywords {
				c.lex.Add(w, stag)
			}
			for j, p := range st.Patterns {
				if err := addPattern(fmt.Sprintf("rules.categories[%d].subtypes.%s.patterns[%d]", i, st.Name, j), p, stag); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, lv := range []struct {
		p    cases.Priority
		sigs []cases.Signal
	}{{cases.P1, rules.Priority.P1}, {cases.P2, rules.Priority.P2}, {cases.P3, rules.Priority.P3}} {
		for _, s := range lv.sigs {
			tag := Tag{Kind: kindSignal, Name: string(lv.p) + ":" + s.Name}
			for _, w := range s.Keywords {
				c.lex.Add(w, tag)
			}
			for j, p := range s.Patterns {
				if err := addPattern(fmt.Sprintf("rules.priority.%s.%s.patterns[%d]", strings.ToLower(string(lv.p)), s.Name, j), p, tag); err != nil {
					return nil, err
				}
			}
			for _, w := range s.Unless {
				c.lex.Add(w, Tag{Kind: kindAllOf, Name: fmt.Sprintf("%s:%s:unless", lv.p, s.Name)})
			}
			for g, group := range s.AllOf {
				gtag := Tag{Kind: kindAllOf, Name: fmt.Sprintf("%s:%s:%d", lv.p, s.Name, g)}
				for k, w := range group {
					switch {
					case w == "@company" || w == "@fault" || w == "@inuse":
					case strings.HasPrefix(w, "re:"):
						if err := addPattern(fmt.Sprintf("rules.priority.%s.%s.all_of[%d][%d]", strings.ToLower(string(lv.p)), s.Name, g, k), strings.TrimPrefix(w, "re:"), gtag); err != nil {
							return nil, err
						}
					default:
						c.lex.Add(w, gtag)
					}
				}
			}
		}
	}
	for _, w := range rules.Priority.ModelUnless {
		c.lex.Add(w, Tag{Kind: kindAllOf, Name: modelUnless})
	}
	sets := make([]*wordSet, len(c.patterns))
	for i, p := range c.patterns {
		sets[i] = p.re
	}
	c.cues = newSetCues(sets)
	return c, nil
}

// Evidence is one word (or pattern match) that counted, or would have
// counted in another scope.
type Evidence struct {
	Word  string
	Tag   Tag
	Scope Scope
}

// Classification is the result of Classify.
type Classification struct {
	Category cases.Category
	Subtype  string
	Priority cases.Priority
	// Reasons say why, for people: "category:technical(不脱水)",
	// "p1:safety(冒烟)", "p1:model(0.91)", "priority:default".
	Reasons []string
	// Scores are the combined category scores; Confidence the winner's
	// share of them (0..1).
	Scores     map[cases.Category]float64
	Confidence float64
	// Ignored is evidence that did not count because of its scope.
	Ignored []Evidence
}

// analysis is the evidence found in one text.
type analysis struct {
	lower    string
	prios    []float64 // the model's P1, P2, P3 (nil without a model)
	hits     []Hit
	scopes   []Scope
	catW     map[cases.Category]float64
	catWords map[cases.Category][]string
	subN     map[string]int
	sig      map[string][]string // "P1:safety" -> words in scope
	allOf    map[string]bool     // "P1:enterprise_down:0" -> seen in scope
	ignored  []Evidence
	category cases.Category // once classified: the category chosen
}

func (c *Classifier) analyse(t Text) *analysis { return c.analyseLower(Mainland(t)) }

// analyseLower finds the evidence in folded text.
func (c *Classifier) analyseLower(lower string) *analysis {
	hits := c.lex.Scan(lower)
	for i, h := range hits {
		// Words inside a longer one still count for the all_of groups:
		// "都停了" inside "设备都停了" is a stoppage for P1 although the
		// longer word is a category keyword. Hazards do not ("着火" inside
		// "打不着火"), and a neutral word ("防漏电") hides everything.
		if !isEvidence(h) || isScope(h, scNeutral) {
			continue
		}
		for _, in := range c.lex.ScanAll(lower[h.Start:h.End]) {
			for _, tag := range in.Tags {
				if tag.Kind == kindAllOf && !slices.ContainsFunc(hits[i].Tags, func(t Tag) bool { return t.Kind == tag.Kind && t.Name == tag.Name }) {
					hits[i].Tags = append(slices.Clip(hits[i].Tags), tag)
				}
			}
		}
	}
	may := c.cues.may(lower) // most patterns are not looked for at all
	for i, p := range c.patterns {
		if !mayMatch(may, i) {
			continue
		}
		for _, loc := range p.re.FindAllStringIndex(lower, -1) {
			hits = append(hits, Hit{Start: loc[0], End: loc[1], Word: lower[loc[0]:loc[1]], Tags: []Tag{p.tag}})
		}
	}
	if len(c.patterns) > 0 {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].Start < hits[j].Start })
	}
	a := &analysis{lower: lower, hits: hits, scopes: make([]Scope, len(hits)),
		catW: map[cases.Category]float64{}, catWords: map[cases.Category][]string{}, subN: map[string]int{},
		sig: map[string][]string{}, allOf: map[string]bool{}}
	sc := newScoper(lower, hits, segment(lower), c.sentence)
	for k, h := range hits {
		if !isEvidence(h) {
			continue
		}
		s := sc.scope(k)
		a.scopes[k] = s
		for _, tag := range h.Tags {
			if s != InScope {
				if tag.Kind == kindCategory || tag.Kind == kindSignal {
					a.ignored = append(a.ignored, Evidence{Word: h.Word, Tag: tag, Scope: s})
				}
				continue
			}
			switch tag.Kind {
			case kindCategory:
				cat := cases.Category(tag.Name)
				a.catW[cat] += tag.Weight
				a.catWords[cat] = append(a.catWords[cat], h.Word)
			case kindSubtype:
				a.subN[tag.Name]++
			case kindSignal:
				a.sig[tag.Name] = append(a.sig[tag.Name], h.Word)
			case kindAllOf:
				a.allOf[tag.Name] = true
			}
		}
	}
	a.askedHazard()
	// A subtype word can lie across a longer category word ("still
	// hasn't arrived" holds "hasn't arrived"): it still names the subtype,
	// unless the words around it are negated or hypothetical.
	for _, h := range c.lex.ScanAll(lower) {
		for _, tag := range h.Tags {
			if tag.Kind != kindSubtype || a.subN[tag.Name] > 0 && a.subSeen(h) {
				continue
			}
			if a.outOfScope(h) {
				continue
			}
			a.subN[tag.Name]++
		}
	}
	return a
}

// askedHazard counts a hazard the customer asks or worries about ("would
// it catch fire if…?") as weak evidence of a consultation: they want to
// know whether it is safe.
func (a *analysis) askedHazard() {
	for _, e := range a.ignored {
		if e.Scope == Hypothetical && e.Tag.Kind == kindSignal && strings.HasPrefix(e.Tag.Name, "P1:") {
			a.catW[cases.CategoryConsultation] += 0.35
			a.catWords[cases.CategoryConsultation] = append(a.catWords[cases.CategoryConsultation], e.Word+"?")
			return
		}
	}
}

// subSeen reports whether h is itself one of the hits already counted.
func (a *analysis) subSeen(h Hit) bool {
	for _, k := range a.hits {
		if k.Start == h.Start && k.End == h.End {
			return true
		}
	}
	return false
}

// outOfScope reports whether a hit overlapping h was found negated,
// hypothetical or otherwise not about the customer's product.
func (a *analysis) outOfScope(h Hit) bool {
	for k, o := range a.hits {
		if o.Start < h.End && h.Start < o.End && isEvidence(o) && a.scopes[k] != InScope {
			return true
		}
	}
	return false
}

// Classify classifies everything the customer said about the problem
// (texts, oldest first) with the case fields known so far.
func (c *Classifier) Classify(texts []string, fields map[cases.FieldKey]string) Classification {
	return c.classify(c.analyse(NewText(strings.Join(texts, "\n"))), fields)
}

// ClassifyAfter is Classify where the texts may be just the message in
// was read from (the first message of a conversation): its evidence was
// found while interpreting it and is not looked for again.
func (c *Classifier) ClassifyAfter(in *Interpretation, texts []string, fields map[cases.FieldKey]string) Classification {
	joined := strings.Join(texts, "\n")
	if in == nil || in.an == nil || in.cls != c || in.Text.Trad || joined != in.Text.Orig {
		return c.Classify(texts, fields)
	}
	// Without Traditional characters the text is analysed in its folded
	// form both ways. The copy keeps in's analysis as it was.
	a := *in.an
	return c.classify(&a, fields)
}

// classify is Classify on the evidence found in the texts.
func (c *Classifier) classify(a *analysis, fields map[cases.FieldKey]string) Classification {
	a = a.withoutModelName(fields[cases.FieldProductModel])
	res := Classification{Scores: map[cases.Category]float64{}, Ignored: a.ignored}

	var probs []float64
	if c.model != nil && len(a.lower) > 0 {
		probs, a.prios = c.model.Predict(a.lower)
	}
	signalW := c.signalCategories(a, fields)
	words := func(cat cases.Category) float64 { return a.catW[cat] + signalW[cat] }
	total := 0.0
	for _, cat := range cases.Categories {
		s := words(cat)
		if probs != nil {
			// The model's log-odds against a uniform guess, added to the
			// rule evidence: a keyword is worth about one doubling.
			s += c.model.Weight * math.Log(probs[catIndex(cat)]*float64(len(cases.Categories)))
		}
		res.Scores[cat] = s
	}
	best, bestS := cases.Category(""), 0.0
	for _, cat := range cases.Categories {
		if s := res.Scores[cat]; s > bestS+1e-9 {
			best, bestS = cat, s
		}
	}
	for _, s := range res.Scores {
		if s > 0 {
			total += s
		}
	}
	if best != "" && words(best) == 0 && probs != nil {
		// The model weighs between the categories the words point to; it
		// does not overrule them all for one no word points to.
		alt, altS := cases.Category(""), math.Inf(-1)
		for _, cat := range cases.Categories {
			if words(cat) > 0 && res.Scores[cat] > altS+1e-9 {
				alt, altS = cat, res.Scores[cat]
			}
		}
		if alt != "" {
			best, bestS = alt, math.Max(altS, 1e-9)
		}
	}
	if best != "" && words(best) < 1 && probs != nil {
		// Only weak words ("怎么", "问一下", "是不是") for the rules' pick:
		// a model sure of another category knows the problem told in words
		// the rules lack ("你们这电锤质量怎么回事…四把打不动了").
		m := cases.Categories[0]
		for _, cat := range cases.Categories {
			if probs[catIndex(cat)] > probs[catIndex(m)] {
				m = cat
			}
		}
		if m != best && probs[catIndex(m)] >= c.model.Alone {
			best, bestS = m, math.Max(res.Scores[m], 1e-9)
		}
	}
	if best != "" && words(best) == 0 && probs != nil && probs[catIndex(best)] < c.model.Alone {
		// No word of the rules and a model unsure of itself: better to
		// ask than to guess.
		best = ""
	}
	if best != "" {
		res.Category = best
		res.Confidence = bestS / total
		why := strings.Join(dedupe(a.catWords[best]), ",")
		if why == "" && probs != nil {
			why = fmt.Sprintf("model %.2f", probs[catIndex(best)])
		}
		res.Reasons = append(res.Reasons, fmt.Sprintf("category:%s(%s)", best, why))
		res.Subtype = "other"
		n := 0
		if rule := c.rules.Category(best); rule != nil {
			for _, st := range rule.Subtypes {
				if k := a.subN[string(best)+"/"+st.Name]; k > n {
					res.Subtype, n = st.Name, k
				}
			}
		}
	}
	a.category = res.Category
	res.Priority, res.Reasons = c.priority(a, res.Category, fields, probs, res.Reasons)
	return res
}

// withoutModelName drops the hazard words that are part of the product's
// model as the customer wrote it ("StreamBox Fire 4K", "Smoke-Guard S3"):
// a name is not a hazard. a is shared with the interpretation it came
// from, so what changes is copied.
func (a *analysis) withoutModelName(model string) *analysis {
	model = strings.TrimSpace(model)
	if model == "" || model == "none" {
		return a
	}
	name := Mainland(NewText(model))
	var spans [][2]int
	for from := 0; ; {
		i := strings.Index(a.lower[from:], name)
		if i < 0 {
			break
		}
		spans = append(spans, [2]int{from + i, from + i + len(name)})
		from += i + len(name)
	}
	if len(spans) == 0 {
		return a
	}
	var out *analysis
	for k, h := range a.hits {
		if a.scopes[k] != InScope || !slices.ContainsFunc(spans, func(sp [2]int) bool { return sp[0] <= h.Start && h.End <= sp[1] }) {
			continue
		}
		for _, tag := range h.Tags {
			if tag.Kind != kindSignal || !strings.HasPrefix(tag.Name, "P1:") {
				continue
			}
			if out == nil {
				cp := *a
				cp.sig = make(map[string][]string, len(a.sig))
				for key, ws := range a.sig {
					cp.sig[key] = slices.Clone(ws)
				}
				cp.ignored = slices.Clone(a.ignored)
				out = &cp
			}
			if i := slices.Index(out.sig[tag.Name], h.Word); i >= 0 {
				out.sig[tag.Name] = slices.Delete(out.sig[tag.Name], i, i+1)
				out.ignored = append(out.ignored, Evidence{Word: h.Word, Tag: tag, Scope: Named})
			}
		}
	}
	if out == nil {
		return a
	}
	return out
}

// signalCategories weighs the P1 signals that name a category (a hazard
// is a technical fault): each one found in scope counts as a keyword of it.
func (c *Classifier) signalCategories(a *analysis, fields map[cases.FieldKey]string) map[cases.Category]float64 {
	var w map[cases.Category]float64
	for _, s := range c.rules.Priority.P1 {
		if s.Category == "" {
			continue
		}
		if _, _, ok := c.signal(a, cases.P1, []cases.Signal{s}, hasCompany(fields)); ok {
			if w == nil {
				w = map[cases.Category]float64{}
			}
			w[s.Category]++
		}
	}
	return w
}

func hasCompany(fields map[cases.FieldKey]string) bool {
	return strings.TrimSpace(fields[cases.FieldCompany]) != "" && fields[cases.FieldCompany] != "none"
}

func catIndex(c cases.Category) int {
	for i, x := range cases.Categories {
		if x == c {
			return i
		}
	}
	return 0
}

func dedupe(ws []string) []string {
	var out []string
	for _, w := range ws {
		w = strings.Trim(w, " \t\n,.;:!?()#-") // a pattern may take the character before its word
		dup := false
		for _, o := range out {
			if o == w {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}

// priority applies the signals in order: any P1 signal in scope (or the
// model, for recall) makes P1; a P3 signal ("still works", "no rush") lowers
// to P3; a P2 signal ("cannot be used") raises a non-consultation to P2;
// otherwise the category's default.
func (c *Classifier) priority(a *analysis, cat cases.Category, fields map[cases.FieldKey]string, probs []float64, reasons []string) (cases.Priority, []string) {
	company := hasCompany(fields)
	if name, why, ok := c.signal(a, cases.P1, c.rules.Priority.P1, company); ok {
		return cases.P1, append(reasons, fmt.Sprintf("p1:%s(%s)", name, why))
	}
	if c.model != nil && cat != "" && a.prios != nil {
		// A customer who denies the hazards ("no smoke, no burning smell")
		// has told us what the model cannot weigh, unless a business is
		// speaking (its stoppage is what the model may have seen).
		if p := a.prios[0]; p >= c.model.P1Threshold && !a.allOf[modelUnless] && (company || a.allOf["P1:enterprise_down:0"] || !a.p1Denied()) {
			return cases.P1, append(reasons, fmt.Sprintf("p1:model(%.2f)", p))
		}
	}
	strong, weak := splitWeak(c.rules.Priority.P3)
	if name, why, ok := c.signal(a, cases.P3, strong, company); ok {
		return cases.P3, append(reasons, fmt.Sprintf("p3:%s(%s)", name, why))
	}
	if name, why, ok := c.signal(a, cases.P2, c.rules.Priority.P2, company); ok && cat != "" && cat != cases.CategoryConsultation {
		return cases.P2, append(reasons, fmt.Sprintf("p2:%s(%s)", name, why))
	}
	if name, why, ok := c.signal(a, cases.P3, weak, company); ok {
		return cases.P3, append(reasons, fmt.Sprintf("p3:%s(%s)", name, why))
	}
	if cat == cases.CategoryConsultation {
		return cases.P3, append(reasons, "priority:consultation")
	}
	if c.model != nil && cat != "" && a.prios != nil {
		// No signal either way: the model has seen how customers whose
		// product is unusable put it.
		p := a.prios
		switch share := p[1] / (p[1] + p[2]); {
		case share >= 0.65:
			return cases.P2, append(reasons, fmt.Sprintf("p2:model(%.2f)", share))
		case share <= 0.2:
			return cases.P3, append(reasons, fmt.Sprintf("p3:model(%.2f)", 1-share))
		}
	}
	def := cases.P3
	if rule := c.rules.Category(cat); rule != nil && rule.DefaultPriority != "" {
		def = rule.DefaultPriority
	}
	return def, append(reasons, "priority:default")
}

// p1Denied reports whether the customer denies a hazard ("no smoke, no
// burning smell") or speaks in a figure ("气冒烟了"): the words the model
// learnt P1 from are there, but not as a hazard.
func (a *analysis) p1Denied() bool {
	for _, e := range a.ignored {
		if (e.Scope == Negated || e.Scope == Figurative) && e.Tag.Kind == kindSignal && strings.HasPrefix(e.Tag.Name, "P1:") {
			return true
		}
	}
	return false
}

// splitWeak separates the signals that yield to a P2 one.
func splitWeak(sigs []cases.Signal) (strong, weak []cases.Signal) {
	for _, s := range sigs {
		if s.Weak {
			weak = append(weak, s)
		} else {
			strong = append(strong, s)
		}
	}
	return strong, weak
}

// signal finds the first signal of a level whose words matched in scope
// and whose all_of groups are all satisfied.
func (c *Classifier) signal(a *analysis, p cases.Priority, sigs []cases.Signal, company bool) (string, string, bool) {
	for _, s := range sigs {
		key := string(p) + ":" + s.Name
		words := a.sig[key]
		if len(s.Keywords)+len(s.Patterns) > 0 && len(words) == 0 || a.allOf[key+":unless"] {
			continue
		}
		ok := true
		for g, group := range s.AllOf {
			gok := a.allOf[fmt.Sprintf("%s:%s:%d", p, s.Name, g)]
			for _, w := range group {
				if !gok && (w == "@company" && company || w == "@fault" && a.fault() || w == "@inuse" && a.inUse()) {
					gok = true
				}
			}
			if !gok {
				ok = false
				break
			}
		}
		if !ok || len(words) == 0 && len(s.AllOf) == 0 {
			continue
		}
		why := strings.Join(dedupe(words), ",")
		if why == "" {
			why = "all_of"
		}
		return s.Name, why, true
	}
	return "", "", false
}

// fault reports whether a keyword of a technical or quality problem was
// said in scope, more than of a delivery: what "@fault" in an all_of group
// asks for.
func (a *analysis) fault() bool {
	return max(a.catW[cases.CategoryTechnical], a.catW[cases.CategoryQuality]) >= 1 && a.inUse()
}

// inUse reports whether the problem is not mainly the delivery's: units
// that arrived damaged or a box that never came are a delivery gone wrong,
// not a batch that fails in use ("@inuse").
func (a *analysis) inUse() bool {
	if a.category != "" {
		return a.category != cases.CategoryLogistics
	}
	l := a.catW[cases.CategoryLogistics]
	return l == 0 || l < max(a.catW[cases.CategoryTechnical], a.catW[cases.CategoryQuality])
}

// Evidence reports whether text holds in-scope evidence of any category
// (the problem is described, not only a name or a number).
func (c *Classifier) Evidence(text string) (cases.Category, bool) {
	a := c.analyse(NewText(text))
	best, bw := cases.Category(""), 0.0
	for _, cat := range cases.Categories {
		if w := a.catW[cat]; w > bw {
			best, bw = cat, w
		}
	}
	return best, best != ""
}

// evidenceIn returns the category with the most in-scope evidence between
// byte offsets from and to of the analysed text ("" when none).
func (a *analysis) evidenceIn(from, to int) cases.Category {
	var w [4]float64
	for k, h := range a.hits {
		if h.Start < from || h.End > to || a.scopes[k] != InScope {
			continue
		}
		for _, tag := range h.Tags {
			if tag.Kind == kindCategory {
				w[catIndex(cases.Category(tag.Name))] += tag.Weight
			}
		}
	}
	best, bw := cases.Category(""), 0.0
	for i, c := range cases.Categories {
		if w[i] > bw {
			best, bw = c, w[i]
		}
	}
	return best
}
