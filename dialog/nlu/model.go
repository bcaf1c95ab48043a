package nlu

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

// Model is a statistical classifier trained on labelled conversations
// (`kefu train`): multinomial logistic regression over Chinese character
// uni-, bi- and trigrams and English words and word pairs of the folded
// text. Rules know the words someone wrote down; the model has seen how
// customers put things, so together they generalise better than either.
type Model struct {
	// Weight scales the model's log-odds against the rules' keyword
	// counts when categories are combined.
	Weight float64
	// P1Threshold is the probability of P1 above which the model alone
	// raises a case to P1 (recall first: set low).
	P1Threshold float64
	// Alone is the probability the model needs to name a category when
	// no keyword of the rules points anywhere.
	Alone float64

	category *linear // classes: cases.Categories
	priority *linear // classes: P1, P2, P3
}

// linear is one multinomial logistic regression.
type linear struct {
	classes []string
	bias    []float64
	w       map[string][]float64
}

// Predict returns the probability of each of cases.Categories and of P1,
// P2 and P3, from one reading of the text.
func (m *Model) Predict(lower string) (categories, priorities []float64) {
	fs := features(lower)
	return m.category.predict(fs), m.priority.predict(fs)
}

func (l *linear) predict(fs []string) []float64 {
	z := make([]float64, len(l.classes))
	copy(z, l.bias)
	for _, f := range fs {
		if w, ok := l.w[f]; ok {
			for i := range z {
				z[i] += w[i]
			}
		}
	}
	return softmax(z)
}

func softmax(z []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for i, v := range z {
		z[i] = math.Exp(v - mx)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
	return z
}

// features turns folded text into feature names: Chinese character
// n-grams (1–3) within runs of Han, English words (a final s dropped) and
// word pairs. Digits and identifiers carry no meaning here and are left out.
// The n-grams and words are cut out of lower, not built rune by rune.
func features(lower string) []string {
	seen := make(map[string]bool, len(lower))
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	// han holds the offsets of a run of Han runes in lower, and its end.
	var han []int
	flushHan := func(end int) {
		han = append(han, end)
		for i := 0; i+1 < len(han); i++ {
			add(lower[han[i]:han[i+1]])
			if i+2 < len(han) {
				add(lower[han[i]:han[i+2]])
			}
			if i+3 < len(han) {
				add(lower[han[i]:han[i+3]])
			}
		}
		han = han[:0]
	}
	prev := ""
	word := -1 // start of the word being read, -1 none
	flushWord := func(end int) {
		if word < 0 {
			return
		}
		w := lower[word:end]
		word = -1
		if len(w) > 3 {
			w = strings.TrimSuffix(w, "s")
		}
		if hasDigit(w) {
			prev = ""
			return
		}
		add("w:" + w)
		if prev != "" {
			add("w:" + prev + "_" + w)
		}
		prev = w
	}
	for i, r := range lower {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord(i)
			prev = ""
			han = append(han, i)
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''):
			if len(han) > 0 {
				flushHan(i)
			}
			if word < 0 {
				word = i
			}
		case r == ' ':
			if len(han) > 0 {
				flushHan(i)
			}
			flushWord(i)
		default:
			if len(han) > 0 {
				flushHan(i)
			}
			flushWord(i)
			prev = ""
		}
	}
	if len(han) > 0 {
		flushHan(len(lower))
	}
	flushWord(len(lower))
	return out
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// TrainExample is one labelled text.
type TrainExample struct {
	Text     string
	Category cases.Category
	Priority cases.Priority
}

// TrainOptions tune training; zero values take the defaults.
type TrainOptions struct {
	Epochs  int     // passes over the data (default 40)
	L2      float64 // weight decay per update (default 0.03)
	Rate    float64 // AdaGrad learning rate (default 0.5)
	MinDocs int     // a feature must occur in this many examples (default 2)
}

// Train fits the category and priority models on examples. Weight and
// P1Threshold start at 1 and 0.5; `kefu train` tunes them on a dev split.
func Train(examples []TrainExample, opt TrainOptions) *Model {
	if opt.Epochs <= 0 {
		opt.Epochs = 40
	}
	if opt.L2 <= 0 {
		opt.L2 = 0.03
	}
	if opt.Rate <= 0 {
		opt.Rate = 0.5
	}
	if opt.MinDocs <= 0 {
		opt.MinDocs = 2
	}
	docs := make([][]string, len(examples))
	df := map[string]int{}
	for i, ex := range examples {
		docs[i] = features(NewText(ex.Text).Lower)
		for _, f := range docs[i] {
			df[f]++
		}
	}
	for i, fs := range docs {
		kept := fs[:0]
		for _, f := range fs {
			if df[f] >= opt.MinDocs {
				kept = append(kept, f)
			}
		}
		docs[i] = kept
	}
	cats := make([]string, len(cases.Categories))
	for i, c := range cases.Categories {
		cats[i] = string(c)
	}
	catY := make([]int, len(examples))
	prioY := make([]int, len(examples))
	prios := []string{string(cases.P1), string(cases.P2), string(cases.P3)}
	for i, ex := range examples {
		catY[i] = indexOf(cats, string(ex.Category))
		prioY[i] = indexOf(prios, string(ex.Priority))
	}
	return &Model{
		Weight: 1, P1Threshold: 0.5, Alone: 0.6,
		category: fit(cats, docs, catY, opt),
		priority: fit(prios, docs, prioY, opt),
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// fit trains one multinomial logistic regression with AdaGrad; examples
// whose label is unknown (-1) are skipped. The order of examples is fixed,
// so training is reproducible.
func fit(classes []string, docs [][]string, y []int, opt TrainOptions) *linear {
	k := len(classes)
	l := &linear{classes: classes, bias: make([]float64, k), w: map[string][]float64{}}
	g2 := map[string][]float64{}
	bg2 := make([]float64, k)
	for _, fs := range docs {
		for _, f := range fs {
			if l.w[f] == nil {
				l.w[f] = make([]float64, k)
				g2[f] = make([]float64, k)
			}
		}
	}
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		for n := range docs {
			// A fixed stride visits the examples in a mixed but repeatable order.
			i := (n*7919 + epoch*104729) % len(docs)
			if y[i] < 0 {
				continue
			}
			p := l.predict(docs[i])
			for c := 0; c < k; c++ {
				grad := p[c]
				if c == y[i] {
					grad -= 1
				}
				bg2[c] += grad * grad
				l.bias[c] -= opt.Rate * grad / (math.Sqrt(bg2[c]) + 1e-8)
				for _, f := range docs[i] {
					g := grad + opt.L2*l.w[f][c]
					g2[f][c] += g * g
					l.w[f][c] -= opt.Rate * g / (math.Sqrt(g2[f][c]) + 1e-8)
				}
			}
		}
	}
	// Features whose weights all stayed tiny carry nothing: drop them so
	// the shipped file stays small.
	for f, w := range l.w {
		keep := false
		for _, v := range w {
			if math.Abs(v) >= 0.01 {
				keep = true
				break
			}
		}
		if !keep {
			delete(l.w, f)
		}
	}
	return l
}

// WriteTo writes the model in its text format: a header, then per task a
// "task" line with the classes, a "bias" line and one line per feature.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "kefu-model 1\nweight %g\np1_threshold %g\nalone %g\n", m.Weight, m.P1Threshold, m.Alone)
	for _, t := range []struct {
		name string
		l    *linear
	}{{"category", m.category}, {"priority", m.priority}} {
		fmt.Fprintf(bw, "task %s %s\nbias %s\n", t.name, strings.Join(t.l.classes, " "), floats(t.l.bias))
		names := make([]string, 0, len(t.l.w))
		for f := range t.l.w {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			fmt.Fprintf(bw, "f %s %s\n", f, floats(t.l.w[f])) // names hold no spaces
		}
	}
	return 0, bw.Flush()
}

func floats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', 4, 64)
	}
	return strings.Join(parts, " ")
}

// ReadModel reads a model written by WriteTo.
func ReadModel(r io.Reader) (*Model, error) {
	m := &Model{}
	var cur *linear
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		bad := func(what string) error { return fmt.Errorf("model line %d: %s", line, what) }
		switch f[0] {
		case "kefu-model":
			if len(f) != 2 || f[1] != "1" {
				return nil, bad("unknown version")
			}
		case "weight", "p1_threshold", "alone":
			if len(f) != 2 {
				return nil, bad(f[0])
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return nil, bad(err.Error())
			}
			switch f[0] {
			case "weight":
				m.Weight = v
			case "p1_threshold":
				m.P1Threshold = v
			default:
				m.Alone = v
			}
		case "task":
			if len(f) < 3 {
				return nil, bad("task needs a name and classes")
			}
			cur = &linear{classes: f[2:], w: map[string][]float64{}}
			switch f[1] {
			case "category":
				m.category = cur
			case "priority":
				m.priority = cur
			default:
				return nil, bad("unknown task " + f[1])
			}
		case "bias", "f":
			if cur == nil {
				return nil, bad("weights before a task line")
			}
			vals := f[1:]
			name := ""
			if f[0] == "f" {
				if len(f) < 2 {
					return nil, bad("feature without a name")
				}
				name, vals = f[1], f[2:]
			}
			if len(vals) != len(cur.classes) {
				return nil, bad(fmt.Sprintf("%d weights for %d classes", len(vals), len(cur.classes)))
			}
			ws := make([]float64, len(vals))
			for i, v := range vals {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, bad(err.Error())
				}
				ws[i] = x
			}
			if f[0] == "bias" {
				cur.bias = ws
			} else {
				cur.w[name] = ws
			}
		default:
			return nil, bad("unknown line " + f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if m.category == nil || m.priority == nil {
		return nil, fmt.Errorf("model: the category and priority tasks are both required")
	}
	if len(m.category.classes) != len(cases.Categories) || len(m.priority.classes) != 3 {
		return nil, fmt.Errorf("model: unexpected classes")
	}
	for i, c := range cases.Categories {
		if m.category.classes[i] != string(c) {
			return nil, fmt.Errorf("model: category classes must be %v", cases.Categories)
		}
	}
	if m.priority.classes[0] != "P1" {
		return nil, fmt.Errorf("model: priority classes must start with P1")
	}
	return m, nil
}
