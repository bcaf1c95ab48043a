package main

import (
	"testing"

	"github.com/kefu-dev/kefu/internal/corpus"
)

func TestAuthorFoldsKeepAnAuthorTogether(t *testing.T) {
	train, err := corpus.Load("../../testdata/corpus/train")
	if err != nil {
		t.Fatal(err)
	}
	folds, err := authorFolds(train, 5)
	if err != nil {
		t.Fatal(err)
	}
	home := map[string]int{}
	total := 0
	for f, fc := range folds {
		if len(fc) == 0 {
			t.Errorf("fold %d is empty", f)
		}
		total += len(fc)
		for _, c := range fc {
			a := author(c)
			if g, ok := home[a]; ok && g != f {
				t.Fatalf("author %s is in folds %d and %d: a model would be judged on a writer it was trained on", a, g, f)
			}
			home[a] = f
		}
	}
	if total != len(train) {
		t.Errorf("folds hold %d conversations, the corpus %d", total, len(train))
	}
	if author(corpus.Conversation{ID: "a35-016"}) != "a35" {
		t.Errorf("author of a35-016 = %q", author(corpus.Conversation{ID: "a35-016"}))
	}
	if _, err := authorFolds(train[:1], 2); err == nil {
		t.Error("two folds of one author: want an error")
	}
}

// The threshold with the best recall at the precision asked wins; of equal
// recall, the highest (the most precise).
func TestPickThreshold(t *testing.T) {
	counts := []p1Counts{
		{tp: 80, fp: 2, fn: 20}, // 0.9: precise, misses many
		{tp: 95, fp: 8, fn: 5},  // 0.5
		{tp: 95, fp: 9, fn: 5},  // 0.4: same recall, less precise
		{tp: 99, fp: 30, fn: 1}, // 0.3: too imprecise
	}
	if got := pickThreshold(counts, 0.9); got != 1 {
		t.Errorf("pickThreshold = %d, want 1", got)
	}
	if got := pickThreshold(counts, 0.99); got != -1 {
		t.Errorf("pickThreshold with nothing precise enough = %d, want -1", got)
	}
}
