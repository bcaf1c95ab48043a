package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/dialog/nlu"
	"github.com/kefu-dev/kefu/internal/corpus"
)

// trainCmd trains the statistical classifier on labelled conversations
// (the corpus format of `kefu eval`) and writes it where
// dialog.model_file can load it. With -dev, the weight of the model
// against the rules and the P1 threshold are chosen on that split.
func trainCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (the rules the model is combined with)")
	out := fs.String("out", "model.txt", "where to write the model")
	dev := fs.String("dev", "", "corpus file or directory to tune the combination on (never the test split)")
	minPrec := fs.Float64("min-p1-precision", 0.85, "lowest P1 precision the P1 threshold may cost (on -dev, or on the held-out folds with -cv)")
	cv := fs.Int("cv", 0, "choose the P1 threshold by cross-validation over this many folds of the training authors (0 = on -dev)")
	epochs := fs.Int("epochs", 0, "training passes (0 = default)")
	l2 := fs.Float64("l2", 0, "weight decay (0 = default)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kefu train [-dev DIR] [-out FILE] FILE|DIR…   (labelled conversations, as for kefu eval)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("train: name at least one corpus file or directory")
	}
	train, err := corpus.Load(fs.Args()...)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	cfg, err := configs.Load(*cfgPath, os.Environ())
	if err != nil {
		return err
	}
	rules, err := cfg.Rules()
	if err != nil {
		return err
	}
	opt := nlu.TrainOptions{Epochs: *epochs, L2: *l2}
	m := nlu.Train(examples(train), opt)
	fmt.Fprintf(stdout, "trained on %d conversations\n", len(train))
	if *dev != "" {
		devSet, err := corpus.Load(*dev)
		if err != nil {
			return fmt.Errorf("train: -dev: %w", err)
		}
		if err := tune(m, rules, devSet, *minPrec, stdout); err != nil {
			return err
		}
	}
	if *cv > 0 {
		t, err := cvThreshold(train, rules, opt, m.Weight, m.Alone, *cv, *minPrec, stdout)
		if err != nil {
			return err
		}
		m.P1Threshold = t
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model written to %s (weight %g, p1_threshold %g)\n", *out, m.Weight, m.P1Threshold)
	return nil
}

// examples turns conversations into training texts as the engine sees
// them: the first message alone, then what was said so far, up to the
// whole conversation (the engine classifies after every message).
func examples(cs []corpus.Conversation) []nlu.TrainExample {
	var out []nlu.TrainExample
	for _, c := range cs {
		for n := 1; n <= len(c.Messages) && n <= 3; n++ {
			out = append(out, nlu.TrainExample{Text: strings.Join(c.Messages[:n], "\n"), Category: c.Expect.Category, Priority: c.Expect.Priority})
		}
		if len(c.Messages) > 3 {
			out = append(out, nlu.TrainExample{Text: strings.Join(c.Messages, "\n"), Category: c.Expect.Category, Priority: c.Expect.Priority})
		}
	}
	return out
}

// tune picks the model's weight against the rules for the best category
// accuracy on dev, then the lowest P1 threshold whose precision on dev
// stays at or above minPrec (recall first).
func tune(m *nlu.Model, rules *cases.Rules, dev []corpus.Conversation, minPrec float64, stdout io.Writer) error {
	score := func() (cat, prio float64, recall, prec float64) {
		c, err := nlu.NewClassifier(rules, m)
		if err != nil {
			return
		}
		var okC, okP int
		var p1 p1Counts
		for _, d := range dev {
			r := c.Classify(d.Messages, nil)
			if r.Category == d.Expect.Category {
				okC++
			}
			if r.Priority == d.Expect.Priority {
				okP++
			}
			p1.add(r.Priority, d.Expect.Priority)
		}
		n := float64(len(dev))
		recall, prec = p1.recall(), p1.precision()
		return float64(okC) / n, float64(okP) / n, recall, prec
	}
	m.P1Threshold = 2 // off while the weight is chosen
	bestW, bestCat := 0.0, -1.0
	m.Alone = 0
	for _, w := range []float64{0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4} {
		m.Weight = w
		if cat, _, _, _ := score(); cat > bestCat+1e-9 {
			bestW, bestCat = w, cat
		}
	}
	m.Weight = bestW
	// The highest bar for the model alone that costs no accuracy: when
	// unsure, the bot asks the category rather than guess.
	bestA := 0.5
	for _, a := range []float64{0.5, 0.6, 0.7} {
		m.Alone = a
		if cat, _, _, _ := score(); cat >= bestCat-0.005 {
			bestA = a
		}
	}
	m.Alone = bestA
	fmt.Fprintf(stdout, "dev: category %.1f %% with weight %g, alone %g\n", 100*bestCat, bestW, bestA)
	bestT := 2.0
	for _, t := range p1Thresholds {
		m.P1Threshold = t
		if _, _, _, prec := score(); prec >= minPrec {
			bestT = t
		}
	}
	m.P1Threshold = bestT
	cat, prio, recall, prec := score()
	fmt.Fprintf(stdout, "dev: category %.1f %%, priority %.1f %%, P1 recall %.1f %%, precision %.1f %% (p1_threshold %g)\n",
		100*cat, 100*prio, 100*recall, 100*prec, bestT)
	return nil
}
