package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// Transcript is one scripted conversation (format in the README).
type Transcript struct {
	Name     string    `yaml:"name"`
	Channel  string    `yaml:"channel"`  // webchat (default), wechat, email, telegram
	Customer string    `yaml:"customer"` // the channel identity (session, OpenID, address, chat id)
	Start    time.Time `yaml:"start"`
	Turns    []Turn    `yaml:"turns"`
	Expect   *Expect   `yaml:"expect"`
}

// Turn is one customer action or a clock advance.
type Turn struct {
	Say   string        `yaml:"say"`
	Press string        `yaml:"press"` // a button value, e.g. confirm
	After time.Duration `yaml:"after"`
	// Staff is what the team does, as an admin: "plan [type]", "approve",
	// "resolve [proof]", "reopen", "takeover", "reply TEXT", "handback".
	Staff string `yaml:"staff"`
}

// Expect is what a transcript must produce; empty parts are not checked.
type Expect struct {
	Case           *ExpectCase `yaml:"case"`
	NoCase         bool        `yaml:"no_case"`
	Phase          string      `yaml:"phase"`
	NeverAsked     []string    `yaml:"never_asked"`
	RepliesContain []string    `yaml:"replies_contain"`
}

// ExpectCase is the expected case, compared field by field.
type ExpectCase struct {
	Category   string            `yaml:"category"`
	Subtype    string            `yaml:"subtype"`
	Priority   string            `yaml:"priority"`
	Department string            `yaml:"department"`
	State      string            `yaml:"state"`
	Escalated  *bool             `yaml:"escalated"`
	Fields     map[string]string `yaml:"fields"`
}

// SimResult is what `kefu simulate` prints for one transcript.
type SimResult struct {
	Name         string    `json:"name"`
	Conversation []SimLine `json:"conversation"`
	Phase        string    `json:"phase"`
	Case         *SimCase  `json:"case"`
	// Draft is what the engine understood when no case was registered
	// (yet): the fields, the tentative category and priority, and why.
	Draft     *SimDraft   `json:"draft,omitempty"`
	Asked     []string    `json:"-"`
	Replies   []string    `json:"-"`
	CaseValue *cases.Case `json:"-"`
}

// SimDraft is the engine's draft of a case not registered.
type SimDraft struct {
	Category string            `json:"category"`
	Subtype  string            `json:"subtype"`
	Priority string            `json:"priority"`
	Language string            `json:"language"`
	Fields   map[string]string `json:"fields"`
	Reasons  []string          `json:"reasons"`
}

// SimLine is one message of the replayed conversation.
type SimLine struct {
	At      time.Time `json:"at"`
	From    string    `json:"from"` // customer or bot
	Text    string    `json:"text"`
	Field   string    `json:"field,omitempty"`
	Kind    string    `json:"kind,omitempty"`
	Choices []string  `json:"choices,omitempty"`
}

// SimCase is the JSON view of the resulting case.
type SimCase struct {
	Number     string            `json:"number"`
	Category   string            `json:"category"`
	Subtype    string            `json:"subtype"`
	Priority   string            `json:"priority"`
	Department string            `json:"department"`
	State      string            `json:"state"`
	Escalated  bool              `json:"escalated"`
	Language   string            `json:"language"`
	Fields     map[string]string `json:"fields"`
	Reasons    []string          `json:"reasons"`
	Deadlines  cases.Deadlines   `json:"deadlines"`
}

func simulateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (rules, templates, SLA)")
	check := fs.Bool("check", false, "compare each result with the transcript's expect block; fail on a difference")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("simulate: name at least one transcript file")
	}
	cfg, err := configs.Load(*cfgPath, os.Environ())
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kefu-simulate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log := slog.New(slog.DiscardHandler)
	clock := &simClock{}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "sim.db"), sqlite.Options{Logger: log, Now: clock.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	for _, path := range fs.Args() {
		tr, err := LoadTranscript(path)
		if err != nil {
			return err
		}
		res, err := Simulate(ctx, cfg, st, clock, tr)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		if *check {
			if diffs := res.Check(tr.Expect); len(diffs) > 0 {
				failed++
				fmt.Fprintf(stderr, "%s: %s\n", path, strings.Join(diffs, "; "))
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("simulate: %d transcript(s) differ from their expectations", failed)
	}
	return nil
}

// LoadTranscript reads one transcript file.
func LoadTranscript(path string) (Transcript, error) {
	var tr Transcript
	b, err := os.ReadFile(path)
	if err != nil {
		return tr, err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&tr); err != nil {
		return tr, fmt.Errorf("%s: %w", path, err)
	}
	if tr.Name == "" {
		tr.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if tr.Channel == "" {
		tr.Channel = string(channels.WebChat)
	}
	if tr.Customer == "" {
		tr.Customer = "sim-" + tr.Name
	}
	if tr.Start.IsZero() {
		tr.Start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	}
	return tr, nil
}

// simClock is the fake clock of a simulation.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// recorder delivers nothing; the outbox worker stores what it "sent".
type recorder struct{}

func (recorder) Send(context.Context, channels.Outbound) error { return nil }

// timerStore records committed timers so the simulation can fire them on
// the fake clock (River's scheduler runs on real time).
type timerStore struct {
	service.Store
	mu      sync.Mutex
	pending []service.TimerArgs
}

type timerTx struct {
	service.Tx
	added []service.TimerArgs
}

func (t *timerTx) TimerInsert(ctx context.Context, p service.TimerParams) error {
	t.added = append(t.added, service.TimerArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: p.At, UniqueKey: p.UniqueKey, TouchpointID: p.TouchpointID})
	return t.Tx.TimerInsert(ctx, p)
}

func (t *timerTx) TimerInsertMany(ctx context.Context, ps []service.TimerParams) error {
	for _, p := range ps {
		t.added = append(t.added, service.TimerArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: p.At, UniqueKey: p.UniqueKey, TouchpointID: p.TouchpointID})
	}
	return t.Tx.TimerInsertMany(ctx, ps)
}

func (s *timerStore) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	var wrapped *timerTx
	err := s.Store.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		wrapped = &timerTx{Tx: tx}
		return fn(ctx, wrapped)
	})
	if err == nil && wrapped != nil {
		s.mu.Lock()
		for _, a := range wrapped.added {
			if !slices.ContainsFunc(s.pending, func(p service.TimerArgs) bool { return p.UniqueKey == a.UniqueKey }) {
				s.pending = append(s.pending, a)
			}
		}
		s.mu.Unlock()
	}
	return err
}

// due removes and returns the timers due at or before t, earliest first.
func (s *timerStore) due(t time.Time) []service.TimerArgs {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.SliceStable(s.pending, func(i, j int) bool { return s.pending[i].Due.Before(s.pending[j].Due) })
	var out []service.TimerArgs
	rest := s.pending[:0]
	for _, p := range s.pending {
		if !p.Due.After(t) {
			out = append(out, p)
		} else {
			rest = append(rest, p)
		}
	}
	s.pending = rest
	return out
}

// Simulate replays one transcript on st with the fake clock and returns the
// conversation and resulting case.
func Simulate(ctx context.Context, cfg configs.Config, st service.Store, clock *simClock, tr Transcript) (*SimResult, error) {
	engine, err := cfg.Engine()
	if err != nil {
		return nil, err
	}
	sim, err := newSimulator(cfg, engine, st, clock)
	if err != nil {
		return nil, err
	}
	r := sim.start(tr)
	for i, turn := range tr.Turns {
		if err := r.turn(ctx, i, turn); err != nil {
			return nil, err
		}
	}
	return collect(ctx, st, tr)
}

// simulator replays conversations on one store through one service, with
// timers fired on the fake clock.
type simulator struct {
	svc   *service.Service
	ts    *timerStore
	st    service.Store
	clock *simClock
}

func newSimulator(cfg configs.Config, engine *dialog.Engine, st service.Store, clock *simClock) (*simulator, error) {
	ts := &timerStore{Store: st}
	senders := map[channels.ID]channels.Sender{}
	for _, ch := range []channels.ID{channels.WebChat, channels.WeChat, channels.Email, channels.Telegram} {
		senders[ch] = recorder{}
	}
	plan, err := cfg.CarePlan()
	if err != nil {
		return nil, err
	}
	svc := service.New(service.Options{
		Store: ts, Engine: engine, SLA: cfg.SLA, Now: clock.Now, Logger: slog.New(slog.DiscardHandler), Lifecycle: lifecycle(cfg),
		Senders: senders, Care: plan,
	})
	return &simulator{svc: svc, ts: ts, st: st, clock: clock}, nil
}

// simRun is one transcript being replayed.
type simRun struct {
	*simulator
	tr Transcript
}

// start sets the clock to the transcript's start; timers left from an
// earlier transcript are dropped (they belong to other conversations).
func (s *simulator) start(tr Transcript) *simRun {
	s.ts.mu.Lock()
	s.ts.pending = nil
	s.ts.mu.Unlock()
	s.clock.Set(tr.Start)
	return &simRun{simulator: s, tr: tr}
}

func (r *simRun) deliver(ctx context.Context) error {
	for {
		n, err := r.svc.DeliverDue(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// turn replays turn number i (0-based).
func (r *simRun) turn(ctx context.Context, i int, turn Turn) error {
	tr, clock := r.tr, r.clock
	switch {
	case turn.After > 0:
		target := clock.Now().Add(turn.After)
		for {
			due := r.ts.due(target)
			if len(due) == 0 {
				break
			}
			for _, d := range due {
				if d.Due.After(clock.Now()) {
					clock.Set(d.Due)
				}
				if err := r.svc.HandleTimer(ctx, d); err != nil {
					return fmt.Errorf("timer %s: %w", d.Name, err)
				}
				if err := r.deliver(ctx); err != nil {
					return err
				}
			}
		}
		clock.Set(target)
	case turn.Staff != "":
		if err := staffTurn(ctx, r.svc, r.st, tr, turn.Staff, clock.Now()); err != nil {
			return fmt.Errorf("turn %d (staff %q): %w", i+1, turn.Staff, err)
		}
		if err := r.deliver(ctx); err != nil {
			return err
		}
		clock.Set(clock.Now().Add(time.Minute))
	case turn.Say != "" || turn.Press != "":
		in := channels.Inbound{
			Channel: channels.ID(tr.Channel), ExternalUserID: tr.Customer,
			ExternalMessageID: fmt.Sprintf("%s-%d", tr.Name, i), Text: turn.Say, Choice: turn.Press,
			ReceivedAt: clock.Now(),
		}
		if in.Channel == channels.Email {
			// What the mail adapter declares of its messages.
			in.Batch, in.ContactEmail, in.NameIsPersonal = true, tr.Customer, true
		}
		if _, err := r.svc.Receive(ctx, in); err != nil {
			return fmt.Errorf("turn %d: %w", i+1, err)
		}
		if err := r.deliver(ctx); err != nil {
			return err
		}
		// Customers do not type instantly; keep messages apart in time.
		clock.Set(clock.Now().Add(20 * time.Second))
	}
	return nil
}

func collect(ctx context.Context, st service.Store, tr Transcript) (*SimResult, error) {
	conv, err := st.ConversationFind(ctx, channels.ID(tr.Channel), tr.Customer)
	if err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	msgs, err := st.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	res := &SimResult{Name: tr.Name, Phase: conv.Phase}
	for _, m := range msgs {
		from := "customer"
		if m.Direction == "out" {
			from = "bot"
			res.Replies = append(res.Replies, m.Text)
			if m.Field != "" {
				res.Asked = append(res.Asked, m.Field)
			}
		}
		line := SimLine{At: m.At, From: from, Text: m.Text, Field: m.Field}
		if from == "bot" {
			line.Kind = m.Kind
		}
		for _, c := range m.Choices {
			line.Choices = append(line.Choices, c.Value+"="+c.Label)
		}
		res.Conversation = append(res.Conversation, line)
	}
	if conv.CaseID == 0 && len(conv.State) > 0 {
		var ds dialog.State
		if err := json.Unmarshal(conv.State, &ds); err != nil {
			return nil, fmt.Errorf("conversation state: %w", err)
		}
		f := map[string]string{}
		for k, v := range ds.Fields {
			f[string(k)] = v
		}
		res.Draft = &SimDraft{Category: string(ds.Category), Subtype: ds.Subtype, Priority: string(ds.Priority),
			Language: ds.Lang, Fields: f, Reasons: ds.Reasons}
	}
	if conv.CaseID != 0 {
		c, err := st.CaseGetByID(ctx, conv.CaseID)
		if err != nil {
			return nil, err
		}
		res.CaseValue = c
		f := map[string]string{}
		for k, v := range c.Fields {
			f[string(k)] = v
		}
		res.Case = &SimCase{
			Number: c.Number, Category: string(c.Category), Subtype: c.Subtype, Priority: string(c.Priority),
			Department: string(c.Department), State: string(c.State), Escalated: c.Escalated, Language: c.Language,
			Fields: f, Reasons: c.Reasons, Deadlines: c.Deadlines,
		}
	}
	return res, nil
}

// Check compares the result with the expectations and lists differences.
func (r *SimResult) Check(e *Expect) []string {
	if e == nil {
		return nil
	}
	var d []string
	if e.Phase != "" && r.Phase != e.Phase {
		d = append(d, fmt.Sprintf("phase: got %s, want %s", r.Phase, e.Phase))
	}
	if e.NoCase && r.Case != nil {
		d = append(d, fmt.Sprintf("expected no case, got %s (%s/%s)", r.Case.Number, r.Case.Category, r.Case.Priority))
	}
	for _, f := range e.NeverAsked {
		if slices.Contains(r.Asked, f) {
			d = append(d, fmt.Sprintf("asked for %s although it was given", f))
		}
	}
	all := strings.Join(r.Replies, "\n")
	for _, s := range e.RepliesContain {
		if !strings.Contains(all, s) {
			d = append(d, fmt.Sprintf("no reply contains %q", s))
		}
	}
	if ec := e.Case; ec != nil {
		if r.Case == nil {
			return append(d, "expected a case, none was registered")
		}
		c := r.Case
		for _, x := range [][3]string{
			{"category", ec.Category, c.Category}, {"subtype", ec.Subtype, c.Subtype}, {"priority", ec.Priority, c.Priority},
			{"department", ec.Department, c.Department}, {"state", ec.State, c.State},
		} {
			if x[1] != "" && x[1] != x[2] {
				d = append(d, fmt.Sprintf("%s: got %q, want %q", x[0], x[2], x[1]))
			}
		}
		if ec.Escalated != nil && *ec.Escalated != c.Escalated {
			d = append(d, fmt.Sprintf("escalated: got %v, want %v", c.Escalated, *ec.Escalated))
		}
		keys := make([]string, 0, len(ec.Fields))
		for k := range ec.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			want, got := ec.Fields[k], c.Fields[k]
			if want == "*" {
				if got == "" {
					d = append(d, fmt.Sprintf("field %s: missing", k))
				}
				continue
			}
			if !strings.EqualFold(got, want) {
				d = append(d, fmt.Sprintf("field %s: got %q, want %q", k, got, want))
			}
		}
	}
	return d
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// simAdmin is who acts in staff turns.
var simAdmin = cases.User{ID: 1, Name: "simulator", Role: cases.RoleAdmin}

// staffTurn carries out one staff action on the transcript's case or
// conversation through the same service methods the staff API uses.
func staffTurn(ctx context.Context, svc *service.Service, st service.Store, tr Transcript, action string, now time.Time) error {
	conv, err := st.ConversationFind(ctx, channels.ID(tr.Channel), tr.Customer)
	if err != nil {
		return err
	}
	verb, arg, _ := strings.Cut(strings.TrimSpace(action), " ")
	arg = strings.TrimSpace(arg)
	switch verb {
	case "takeover":
		return svc.Team().ConversationTakeOver(ctx, simAdmin, conv.ID)
	case "reply":
		return svc.Team().ConversationReply(ctx, simAdmin, conv.ID, arg)
	case "handback":
		return svc.Team().ConversationHandBack(ctx, simAdmin, conv.ID)
	}
	if conv.CaseID == 0 {
		return fmt.Errorf("the conversation has no case yet")
	}
	c, err := st.CaseGetByID(ctx, conv.CaseID)
	if err != nil {
		return err
	}
	switch verb {
	case "plan":
		typ := cases.PlanType(arg)
		if typ == "" {
			typ = cases.PlanTypes[c.Category][0]
		}
		p := cases.PlanParams{Type: typ, Description: "simulated plan", PromisedAt: now.Add(24 * time.Hour)}
		if typ == cases.PlanOnSiteRepair {
			p.VisitAt = now.Add(4 * time.Hour)
		}
		_, err = svc.Team().CasePlan(ctx, simAdmin, c.ID, p)
	case "approve":
		_, err = svc.Team().CaseApprove(ctx, simAdmin, c.ID, "simulated approval")
	case "resolve":
		if arg == "" {
			arg = "simulated resolution record"
		}
		_, err = svc.Team().CaseResolve(ctx, simAdmin, c.ID, cases.ResolveParams{Proof: arg, Attachment: "record.pdf"})
	case "reopen":
		_, err = svc.Team().CaseReopen(ctx, simAdmin, c.ID, "simulated reopen")
	default:
		return fmt.Errorf("unknown staff action %q", verb)
	}
	return err
}
