package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/internal/corpus"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// evalThresholds are the figures below which `kefu eval` fails.
type evalThresholds struct {
	fields, category, priority, p1Recall, maxNotUnderstood float64
}

func evalCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (rules, templates, SLA)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "list what each conversation got wrong")
	dump := fs.String("dump", "", "write every replayed conversation (messages, replies, case or draft) to this file as JSON lines")
	var th evalThresholds
	fs.Float64Var(&th.fields, "min-fields", 0, "fail when the share of case fields right is below this (0..1)")
	fs.Float64Var(&th.category, "min-category", 0, "fail when category accuracy is below this (0..1)")
	fs.Float64Var(&th.priority, "min-priority", 0, "fail when priority accuracy is below this (0..1)")
	fs.Float64Var(&th.p1Recall, "min-p1-recall", 0, "fail when P1 recall is below this (0..1)")
	fs.Float64Var(&th.maxNotUnderstood, "max-not-understood", 1, "fail when the share of \"didn't understand\" replies is above this (0..1)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kefu eval [flags] FILE|DIR…   (a JSON array of labelled conversations; see testdata/corpus/README.md)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("eval: name at least one corpus file or directory")
	}
	convs, err := corpus.Load(fs.Args()...)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	cfg, err := configs.Load(*cfgPath, os.Environ())
	if err != nil {
		return err
	}
	var sims []*SimResult
	outs, err := replayCorpus(ctx, cfg, convs, func(r *SimResult) { sims = append(sims, r) })
	if err != nil {
		return err
	}
	if *dump != "" {
		if err := writeDump(*dump, convs, sims); err != nil {
			return err
		}
	}
	rep := corpus.Score(outs)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if !*verbose {
			rep.Failures = nil
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(stdout, rep, *verbose)
	}
	var below []string
	check := func(name string, got, min float64) {
		if got < min {
			below = append(below, fmt.Sprintf("%s %.1f %% < %.1f %%", name, 100*got, 100*min))
		}
	}
	check("fields", rep.Fields.Rate, th.fields)
	check("category", rep.Category.Rate, th.category)
	check("priority", rep.Priority.Rate, th.priority)
	if rep.P1Recall.Total > 0 {
		check("P1 recall", rep.P1Recall.Rate, th.p1Recall)
	}
	if rep.NotUnderstoodRate > th.maxNotUnderstood {
		below = append(below, fmt.Sprintf("\"didn't understand\" %.1f %% > %.1f %%", 100*rep.NotUnderstoodRate, 100*th.maxNotUnderstood))
	}
	if len(below) > 0 {
		return fmt.Errorf("eval: below the thresholds: %s", strings.Join(below, "; "))
	}
	return nil
}

// notUnderstoodKinds are the reply kinds that tell the customer the bot did
// not understand them.
var notUnderstoodKinds = map[string]bool{"retry": true, "not_understood": true}

// replayCorpus replays every conversation through the real engine and
// service on a throwaway SQLite store with a fake clock, as simulate does,
// pressing "confirm" when the bot's last question is the confirmation.
func replayCorpus(ctx context.Context, cfg configs.Config, convs []corpus.Conversation, seen func(*SimResult)) ([]corpus.Outcome, error) {
	dir, err := os.MkdirTemp("", "kefu-eval-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	clock := &simClock{}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "eval.db"), sqlite.Options{Logger: discard(), Now: clock.Now})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	engine, err := cfg.Engine()
	if err != nil {
		return nil, err
	}
	sim, err := newSimulator(cfg, engine, st, clock)
	if err != nil {
		return nil, err
	}
	outs := make([]corpus.Outcome, 0, len(convs))
	for i := range convs {
		c := &convs[i]
		tr := Transcript{Name: "eval-" + c.ID, Channel: c.Channel, Customer: "eval-" + c.ID, Start: c.Now}
		ignore := map[string]bool{}
		if c.Channel == "email" {
			// The sender's address is the mail's identity; a label has the
			// address only when the customer wrote it out.
			tr.Customer = "customer-" + strings.ToLower(c.ID) + "@example.com"
			if e := c.Expect.Fields["email"]; e != "" {
				tr.Customer = strings.ToLower(e)
			} else {
				ignore["email"] = true
			}
		}
		for _, m := range c.Messages {
			tr.Turns = append(tr.Turns, Turn{Say: m})
		}
		run := sim.start(tr)
		for j, t := range tr.Turns {
			if err := run.turn(ctx, j, t); err != nil {
				return nil, fmt.Errorf("%s: %w", c.ID, err)
			}
		}
		res, err := collect(ctx, st, tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		confirm := lastQuestion(res) == "confirm"
		if confirm {
			if err := run.turn(ctx, len(tr.Turns), Turn{Press: "confirm"}); err != nil {
				return nil, fmt.Errorf("%s: confirm: %w", c.ID, err)
			}
			if res, err = collect(ctx, st, tr); err != nil {
				return nil, fmt.Errorf("%s: %w", c.ID, err)
			}
		}
		if seen != nil {
			seen(res)
		}
		outs = append(outs, outcomeOf(c, res, confirm, ignore))
	}
	return outs, nil
}

// lastQuestion is the field the bot's last question asked for.
func lastQuestion(res *SimResult) string {
	for i := len(res.Conversation) - 1; i >= 0; i-- {
		if l := res.Conversation[i]; l.From == "bot" && l.Field != "" {
			return l.Field
		}
	}
	return ""
}

func outcomeOf(c *corpus.Conversation, res *SimResult, confirm bool, ignore map[string]bool) corpus.Outcome {
	o := corpus.Outcome{Conversation: c, Ignore: ignore, Confirm: confirm, Phase: res.Phase}
	switch {
	case res.Case != nil:
		o.Category, o.Priority, o.Fields, o.Reasons = cases.Category(res.Case.Category), cases.Priority(res.Case.Priority), res.Case.Fields, res.Case.Reasons
		o.Registered = true
	case res.Draft != nil:
		o.Category, o.Priority, o.Fields, o.Reasons = cases.Category(res.Draft.Category), cases.Priority(res.Draft.Priority), res.Draft.Fields, res.Draft.Reasons
	}
	o.Handoff = res.Phase == "waiting_agent" || res.Phase == "agent"
	for _, l := range res.Conversation {
		if l.From != "bot" {
			continue
		}
		o.Replies++
		if notUnderstoodKinds[l.Kind] {
			o.NotUnderstood++
		}
		if l.Field != "" && l.Field != "confirm" {
			o.Questions++
		}
	}
	return o
}

func printReport(w io.Writer, r *corpus.Report, verbose bool) {
	fmt.Fprintf(w, "conversations               %d\n", r.Conversations)
	fmt.Fprintf(w, "case fields right           %s\n", r.Fields)
	fmt.Fprintf(w, "category right              %s   no category: %d\n", r.Category, r.NoCategory)
	fmt.Fprintf(w, "priority right              %s\n", r.Priority)
	fmt.Fprintf(w, "P1 recall                   %s\n", r.P1Recall)
	fmt.Fprintf(w, "P1 precision                %s\n", r.P1Precision)
	fmt.Fprintf(w, "handoff right               %s\n", r.Handoff)
	fmt.Fprintf(w, "\"didn't understand\" replies %5.1f %% (%d of %d replies, in %d conversations)\n",
		100*r.NotUnderstoodRate, r.NotUnderstood, r.Replies, r.NotUnderstoodConvs)
	fmt.Fprintf(w, "questions per conversation  %.2f\n", r.QuestionsPerConv)
	fmt.Fprintf(w, "reached confirmation        %d   registered: %d\n", r.ReachedConfirmation, r.Registered)
	fmt.Fprintf(w, "spurious fields             %d\n", r.Spurious)

	fmt.Fprintf(w, "\npriority (rows expected, columns got)\n        P1    P2    P3  none\n")
	for _, want := range []string{"P1", "P2", "P3"} {
		row := r.Confusion[want]
		fmt.Fprintf(w, "  %s %5d %5d %5d %5d\n", want, row["P1"], row["P2"], row["P3"], row["none"])
	}
	fmt.Fprintf(w, "\nper field                     right         spurious\n")
	for _, k := range cases.AllFields {
		pf, sp := r.PerField[string(k)], r.SpuriousBy[string(k)]
		if pf.Total == 0 && sp == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-16s %-22s %d\n", k, pf, sp)
	}
	fmt.Fprintf(w, "\nby language\n")
	langs := make([]string, 0, len(r.ByLanguage))
	for l := range r.ByLanguage {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		s := r.ByLanguage[l]
		fmt.Fprintf(w, "  %-6s %4d  fields %s  category %s  priority %s\n", l, s.Conversations, s.Fields, s.Category, s.Priority)
	}
	fmt.Fprintf(w, "\nphases at the end\n")
	phases := make([]string, 0, len(r.Phases))
	for p := range r.Phases {
		phases = append(phases, p)
	}
	sort.Strings(phases)
	for _, p := range phases {
		fmt.Fprintf(w, "  %-16s %d\n", p, r.Phases[p])
	}
	if verbose {
		fmt.Fprintf(w, "\nwhat went wrong\n")
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %s (%s)\n", f.ID, filepath.Base(f.File))
			for _, p := range f.Problems {
				fmt.Fprintf(w, "      %s\n", p)
			}
		}
	}
}

// writeDump writes one JSON line per conversation: the labels and what the
// replay produced, for reading what went wrong.
func writeDump(path string, convs []corpus.Conversation, sims []*SimResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for i := range sims {
		if err := enc.Encode(struct {
			ID     string        `json:"id"`
			Expect corpus.Expect `json:"expect"`
			Result *SimResult    `json:"result"`
		}{convs[i].ID, convs[i].Expect, sims[i]}); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
