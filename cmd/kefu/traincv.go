package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
	"github.com/kefu-dev/kefu/internal/corpus"
)

// p1Thresholds are the candidate P1 thresholds, highest first.
var p1Thresholds = []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2}

// p1Counts are the true positives, false positives and misses of P1.
type p1Counts struct{ tp, fp, fn int }

func (c p1Counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c p1Counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c *p1Counts) add(got, want cases.Priority) {
	switch {
	case got == cases.P1 && want == cases.P1:
		c.tp++
	case got == cases.P1:
		c.fp++
	case want == cases.P1:
		c.fn++
	}
}

// author is the writer of a corpus conversation: its id up to the last
// dash ("a35-016" → "a35").
func author(c corpus.Conversation) string {
	if i := strings.LastIndex(c.ID, "-"); i > 0 {
		return c.ID[:i]
	}
	return c.ID
}

// authorFolds splits the conversations into k folds, each author's
// conversations all in one fold, so a fold's authors are unseen by a
// model trained on the others.
func authorFolds(train []corpus.Conversation, k int) ([][]corpus.Conversation, error) {
	if k < 2 {
		return nil, fmt.Errorf("train: -cv needs at least 2 folds")
	}
	var authors []string
	seen := map[string]bool{}
	for _, c := range train {
		if a := author(c); !seen[a] {
			seen[a] = true
			authors = append(authors, a)
		}
	}
	if len(authors) < k {
		return nil, fmt.Errorf("train: -cv %d needs at least %d authors, the corpus has %d", k, k, len(authors))
	}
	sort.Strings(authors)
	fold := map[string]int{}
	for i, a := range authors {
		fold[a] = i % k
	}
	folds := make([][]corpus.Conversation, k)
	for _, c := range train {
		folds[fold[author(c)]] = append(folds[fold[author(c)]], c)
	}
	return folds, nil
}

// cvThreshold picks the P1 threshold by cross-validation grouped by
// author: each fold's model is trained without some authors and judged
// on them. Customers the model has never seen are what it meets in use;
// the dev split is written by authors the model was trained on and has
// too few P1 cases to choose a threshold on. Of the thresholds whose pooled
// precision stays at or above minPrec, the one with the best recall wins
// (recall first), the highest of those that tie.
func cvThreshold(train []corpus.Conversation, rules *cases.Rules, opt nlu.TrainOptions, weight, alone float64, k int, minPrec float64, stdout io.Writer) (float64, error) {
	folds, err := authorFolds(train, k)
	if err != nil {
		return 0, err
	}
	counts := make([]p1Counts, len(p1Thresholds))
	for f := 0; f < k; f++ {
		out := folds[f]
		var in []corpus.Conversation
		for g, fc := range folds {
			if g != f {
				in = append(in, fc...)
			}
		}
		m := nlu.Train(examples(in), opt)
		m.Weight, m.Alone = weight, alone
		for i, t := range p1Thresholds {
			m.P1Threshold = t
			cl, err := nlu.NewClassifier(rules, m)
			if err != nil {
				return 0, fmt.Errorf("train: fold %d: %w", f+1, err)
			}
			for _, c := range out {
				counts[i].add(cl.Classify(c.Messages, nil).Priority, c.Expect.Priority)
			}
		}
		fmt.Fprintf(stdout, "cv: fold %d of %d held out %d conversations\n", f+1, k, len(out))
	}
	best := pickThreshold(counts, minPrec)
	if best < 0 {
		return 2, nil // the model never names P1 alone; the rules still do
	}
	c := counts[best]
	fmt.Fprintf(stdout, "cv: P1 recall %.1f %%, precision %.1f %% on authors held out (p1_threshold %g)\n",
		100*c.recall(), 100*c.precision(), p1Thresholds[best])
	return p1Thresholds[best], nil
}

// pickThreshold returns the index of the threshold (counts are ordered
// highest threshold first) with the best recall among those whose precision
// is at least minPrec, or -1. A lower threshold wins only when it finds more
// P1s, so precision is not given away for nothing.
func pickThreshold(counts []p1Counts, minPrec float64) int {
	best := -1
	for i, c := range counts {
		if c.precision() >= minPrec && (best < 0 || c.recall() > counts[best].recall()) {
			best = i
		}
	}
	return best
}
