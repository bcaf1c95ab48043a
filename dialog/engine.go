// Package dialog is kefu's dialog engine: a pure step function from
// (conversation state, event, now) to (new state, actions). It extracts case
// fields from free text, asks only for what is missing (one question at a
// time, with choices where there are choices), confirms, classifies, and
// hands off to a person when asked or when it fails to understand. It does
// no I/O: the caller stores the state and carries out the actions.
package dialog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// FAQEntry is one answer the bot may give without opening a case. It
// matches when every group in All has at least one word in the question.
type FAQEntry struct {
	ID      string            `yaml:"id"`
	All     [][]string        `yaml:"all"`
	Answers map[string]string `yaml:"answers"` // language -> answer
}

// Config is everything the engine needs, loaded by the caller.
type Config struct {
	Rules     *cases.Rules
	SLA       cases.SLAPolicy
	Extractor *nlu.Extractor
	// Model is the statistical classifier combined with the rules; nil
	// classifies by the rules alone.
	Model     *nlu.Model
	Templates *Templates
	FAQ       []FAQEntry
	// MaxAttempts is how many invalid answers to one question are tolerated
	// before a person takes over (SPEC: 3).
	MaxAttempts int
	// ReminderAfter is how long the bot waits for an answer mid-intake before
	// reminding the customer once; 0 disables the reminder.
	ReminderAfter time.Duration
	// Location is the customer-facing time zone for dates and deadlines.
	Location *time.Location
}

// Engine runs dialog steps. It is safe for concurrent use: it holds only
// immutable configuration.
type Engine struct {
	cfg   Config
	nlu   *nlu.Interpreter
	cls   *nlu.Classifier
	zones zoneCache
}

// NewEngine checks cfg and returns an engine.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.Rules == nil || cfg.Extractor == nil || cfg.Templates == nil {
		return nil, fmt.Errorf("dialog: rules, extractor and templates are required")
	}
	cls, err := nlu.NewClassifier(cfg.Rules, cfg.Model)
	if err != nil {
		return nil, err
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.Location == nil {
		cfg.Location = engineLocation()
	}
	for i, f := range cfg.FAQ {
		if len(f.All) == 0 || len(f.Answers) == 0 {
			return nil, fmt.Errorf("faq[%d] (%s): needs all and answers", i, f.ID)
		}
	}
	return &Engine{cfg: cfg, cls: cls, nlu: nlu.NewInterpreter(cfg.Extractor, cls)}, nil
}

// step carries one Step call's working data.
type step struct {
	e    *Engine
	ev   Event
	text string // the customer's message, cleaned
	st   State
	now  time.Time
	out  []Action
	// asideNote: the customer's own question came with an answer; the next
	// question says it will be answered.
	asideNote bool
	// in is the message as interpreted, which reclassify may reuse.
	in *nlu.Interpretation
}

// Step advances the conversation by one event. It never fails: anything it
// cannot understand becomes a question, a retry or a handoff.
func (e *Engine) Step(st State, ev Event, now time.Time) (State, []Action) {
	s := &step{e: e, ev: ev, st: cloneState(st), now: now}
	if s.st.Phase == "" {
		s.st.Phase = PhaseNew
	}
	switch ev.Kind {
	case EventMessage:
		s.onMessage(ev)
	case EventTimer:
		s.onTimer(ev)
	case EventAgent:
		s.onAgent(ev)
	case EventCaseRegistered:
		s.onRegistered(ev)
	case EventCaseResolved:
		s.onResolved(ev)
	case EventCaseReopened:
		s.onReopened()
	case EventCare:
		s.onCare(ev)
	}
	s.refreshZone()
	return s.st, s.out
}

func cloneState(st State) State {
	c := st
	c.Fields = make(map[cases.FieldKey]string, len(st.Fields))
	for k, v := range st.Fields {
		c.Fields[k] = v
	}
	c.Texts = slices.Clone(st.Texts)
	c.Attachments = slices.Clone(st.Attachments)
	if st.Survey != nil || st.Phase == PhaseSurvey {
		c.Survey = make(map[SurveyDimension]int, len(st.Survey))
		for k, v := range st.Survey {
			c.Survey[k] = v
		}
	}
	if st.Care != nil {
		cc := *st.Care
		c.Care = &cc
	}
	c.Reasons = slices.Clone(st.Reasons)
	c.Declined = slices.Clone(st.Declined)
	if st.Asked != nil {
		c.Asked = make(map[cases.FieldKey]int, len(st.Asked))
		for k, v := range st.Asked {
			c.Asked[k] = v
		}
	}
	return c
}

// ---- rendering helpers ----

func (s *step) t(key string, data any) string { return s.e.cfg.Templates.Render(s.lang(), key, data) }

func (s *step) lang() string {
	if s.st.Lang == "" {
		return Languages[0]
	}
	return s.st.Lang
}

func (s *step) reply(r Reply) { s.out = append(s.out, Action{Kind: ActReply, Reply: &r}) }

func (s *step) say(key string, data any) { s.reply(Reply{Text: s.t(key, data)}) }

// fmtTime formats t on the customer's clock (zone.go).
func (s *step) fmtTime(t time.Time) string {
	s.refreshZone()
	return s.e.FormatTimeIn(s.lang(), s.st.Zone, t)
}

// fieldValue renders a field value for the customer.
func (s *step) fieldValue(k cases.FieldKey, v string) string {
	switch {
	case v == cases.Unknown:
		return s.t("unknown_value", nil)
	case v == "none":
		return s.t("none_value", nil)
	case k == cases.FieldDemand:
		return s.t("demand."+v, nil)
	}
	return v
}

// listSep separates items of an inline list.
func (s *step) listSep() string {
	if s.lang() == "en" {
		return "; "
	}
	return "，"
}

// summary lists the given fields (all known ones when keys is nil).
func (s *step) summary(keys []cases.FieldKey, sep string) string {
	if keys == nil {
		keys = cases.AllFields
	}
	var parts []string
	for _, k := range keys {
		v := s.st.Fields[k]
		if v == "" {
			continue
		}
		parts = append(parts, s.t("summary.item", map[string]any{"Field": s.t("field."+string(k), nil), "Value": s.fieldValue(k, v)}))
	}
	return strings.Join(parts, sep)
}

var apostrophes = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\uFF07", "'")

// switchLanguage decides the conversation language after text. Short
// Latin replies ("ok", "XQG80") must not turn a Chinese conversation into
// English, and a name like "林小姐", written the same in both scripts, must
// not turn Traditional into Simplified Chinese.
func switchLanguage(cur, text string) string {
	l := nlu.DetectLanguage(text)
	switch {
	case l == "" || l == cur || cur == "":
		if l == "" {
			return cur
		}
		return l
	case l == "en":
		// A sentence switches; a model code ("CXW-200-E900C"), "ok thanks"
		// or a short aside ("No, nobody was hurt") in a Chinese
		// conversation does not.
		words := 0
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r < 128 && unicode.IsLetter(r)) }) {
			if len(w) >= 2 {
				words++
			}
		}
		if words >= 5 {
			return l
		}
		return cur
	case l == "zh-CN" && cur == "zh-TW":
		for _, r := range text {
			if nlu.SimplifiedOnly(r) {
				return l
			}
		}
		return cur
	}
	return l
}

// conversationLanguage decides the conversation's language after a
// message: the customer's words when they show one, else the channel's
// hint while nothing better is known. A hint gives way to the first words
// that show a language, except that script-neutral Chinese ("林小姐")
// keeps a Traditional hint.
func conversationLanguage(st State, hint, text string) (lang string, hinted bool) {
	if st.Lang != "" && !st.LangHinted {
		return switchLanguage(st.Lang, text), false
	}
	if l := nlu.DetectLanguage(text); l != "" {
		if st.LangHinted && st.Lang == "zh-TW" && l == "zh-CN" {
			return switchLanguage(st.Lang, text), false
		}
		return l, false
	}
	if st.Lang == "" {
		if h := hintLanguage(hint); h != "" {
			return h, true
		}
	}
	return st.Lang, st.LangHinted
}

// hintLanguage maps a channel's language tag (IETF: "en-GB", "zh-hans",
// "zh-Hant-HK", "zh_TW") to a language kefu speaks: Chinese by script or
// region, anything else English (a customer whose app is in German reads
// English sooner than Chinese); "" without a tag.
func hintLanguage(tag string) string {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if t == "" {
		return ""
	}
	parts := strings.Split(t, "-")
	if parts[0] != "zh" {
		return "en"
	}
	for _, p := range parts[1:] {
		if p == "hans" {
			return "zh-CN"
		}
	}
	for _, p := range parts[1:] {
		switch p {
		case "hant", "tw", "hk", "mo":
			return "zh-TW"
		}
	}
	return "zh-CN"
}

// ---- events ----

func (s *step) onMessage(ev Event) {
	// Phones type curly apostrophes ("that’s right"); every matcher expects '.
	text := strings.TrimSpace(apostrophes.Replace(strings.ToValidUTF8(ev.Text, "\uFFFD")))
	choice := strings.TrimSpace(ev.Choice)
	s.text = text
	s.st.Batch = ev.Batch
	s.st.Lang, s.st.LangHinted = conversationLanguage(s.st, ev.Lang, text)
	if s.st.FirstContactAt.IsZero() {
		s.st.FirstContactAt = s.now
		s.schedule(TimerRegistration, s.now.Add(s.e.cfg.SLA.Registration), "registration")
	}
	s.st.LastCustomerAt = s.now
	if ev.ChannelEmail != "" && s.st.Fields[cases.FieldEmail] == "" {
		s.st.Fields[cases.FieldEmail] = strings.ToLower(ev.ChannelEmail)
	}

	if s.optOut(text, choice) {
		return
	}
	switch s.st.Phase {
	case PhaseAgent:
		// The agent answers; the bot only listens, so that after a hand
		// back it asks nothing the customer told the agent.
		s.careWhileAgent(text, choice)
		s.whileWaiting(text)
		return
	case PhaseWaitingAgent:
		s.careWhileAgent(text, choice)
		if !s.st.HandoffAcked {
			s.st.HandoffAcked = true
			s.say("handoff.waiting", nil)
		}
		s.whileWaiting(text)
		return
	}
	if s.st.CaseID == 0 {
		s.st.Attachments = append(s.st.Attachments, ev.Attachments...)
	}
	if text == "" && choice == "" {
		if len(ev.Attachments) > 0 && s.st.Phase != PhaseAgent && s.st.Phase != PhaseWaitingAgent {
			// A photo alone: thank for it and keep the open question.
			s.say("attachment.received", nil)
			s.reaskOpen()
		}
		return
	}
	if s.channelAction(choice) {
		return
	}
	if choice == "" && nlu.AsksIfBot(text) && !nlu.WantsHuman(text) {
		// "Are you a robot?" is a question, not a request for a person.
		s.say("bot.identity", nil)
		if s.intakeOpen() && len(s.st.Fields) > 0 {
			s.reaskOpen()
		}
		return
	}
	if choice == "" && nlu.WantsHuman(text) {
		if s.intakeOpen() || s.st.Phase == PhaseNew {
			// What they said on the way is kept for the agent.
			s.apply(s.interpret(text), "")
		}
		s.handoff("customer_request", "handoff")
		return
	}
	if choice == "" && nlu.IsCancel(text) && (s.st.Phase == PhaseCollecting || s.st.Phase == PhaseConfirming || s.st.Phase == PhaseFAQ) {
		s.say("cancelled", nil)
		s.resetIntake()
		return
	}
	switch s.st.Phase {
	case PhaseCare:
		s.onCareAnswer(text, choice)
	case PhaseCheck:
		s.onCheck(text, choice)
	case PhaseSurvey:
		s.onSurvey(text, choice)
	case PhaseDone:
		s.afterDone(text, choice)
	case PhaseRegistered, PhaseRegistering:
		if s.complaint(text, choice) {
			return
		}
		s.afterRegistration(text, choice)
	case PhaseFAQ:
		s.onFAQAnswer(text, choice)
	case PhaseConfirming:
		s.onConfirm(text, choice)
	default:
		s.collect(text, choice)
	}
}

// Channel actions: events and menu buttons some channels have (a WeChat
// subscription, a QR-code scan, a menu click). They are not answers to
// questions.
const (
	ChoiceSubscribe  = channels.IntentSubscribe
	ChoiceStart      = channels.IntentStart
	ChoiceScan       = channels.IntentScan
	ChoiceMenuRepair = channels.IntentRepair
	ChoiceMenuStatus = channels.IntentStatus
	ChoiceMenuHuman  = channels.IntentHuman
)

// channelAction handles an event or menu choice and reports whether it did.
func (s *step) channelAction(choice string) bool {
	switch {
	case strings.HasPrefix(choice, ChoiceSubscribe), strings.HasPrefix(choice, ChoiceScan):
		s.say("welcome", nil)
		s.reaskOpen()
		return true
	case strings.HasPrefix(choice, ChoiceStart):
		// No menu here: the greeting names the commands instead.
		s.say("welcome.commands", nil)
		s.reaskOpen()
		return true
	case choice == ChoiceMenuStatus:
		s.sayStatus()
		s.reaskOpen()
		return true
	case choice == ChoiceMenuHuman:
		s.handoff("customer_request", "handoff")
		return true
	case choice == ChoiceMenuRepair:
		if s.intakeOpen() {
			s.reaskOpen()
			return true
		}
		if s.st.Phase != PhaseNew && s.st.Phase != PhaseDone {
			s.resetIntake()
		}
		s.st.Phase, s.st.Asking = PhaseCollecting, cases.FieldSymptom
		s.markAsked()
		s.reply(Reply{Text: s.t("ask.symptom", nil), Field: cases.FieldSymptom})
		return true
	case strings.HasPrefix(choice, "event:"), strings.HasPrefix(choice, "menu:"):
		return true // an event kefu does not act on
	}
	return false
}

// intakeOpen reports whether a question of the intake is waiting.
func (s *step) intakeOpen() bool {
	return s.st.Phase == PhaseCollecting || s.st.Phase == PhaseConfirming
}

// reaskOpen repeats the open question after an interruption, if any.
func (s *step) reaskOpen() {
	switch s.st.Phase {
	case PhaseCollecting, PhaseConfirming:
		q, field, choices := s.currentQuestion()
		s.reply(Reply{Text: q, Field: field, Choices: choices})
	case PhaseSurvey:
		s.askSurvey()
	case PhaseCheck:
		s.askCheck("check.ask")
	}
}

func (s *step) onTimer(ev Event) {
	switch ev.Timer {
	case TimerRegistration:
		if s.st.Phase == PhaseCollecting || s.st.Phase == PhaseConfirming {
			s.handoff("registration_overdue", "handoff.overdue")
		}
	case TimerReminder:
		// Stale reminders (the customer answered since) do nothing.
		if s.st.Reminded || s.st.Phase != PhaseCollecting && s.st.Phase != PhaseConfirming {
			return
		}
		if s.st.LastCustomerAt.After(s.st.LastAskedAt) || !ev.TimerDue.IsZero() && ev.TimerDue.Before(s.st.LastAskedAt.Add(s.e.cfg.ReminderAfter)) {
			return
		}
		s.st.Reminded = true
		q, field, choices := s.currentQuestion()
		s.reply(Reply{Text: s.t("reminder", map[string]any{"Question": q}), Field: field, Choices: choices, Kind: "reminder"})
	}
}

func (s *step) onAgent(ev Event) {
	switch ev.AgentAction {
	case AgentTakeOver:
		if s.st.Phase != PhaseAgent && s.st.Phase != PhaseWaitingAgent {
			s.st.Resume = s.st.Phase
		}
		s.st.Phase = PhaseAgent
		s.st.Agent = ev.AgentName
	case AgentHandBack:
		resume := s.st.Resume
		if resume == "" || resume == PhaseRegistering {
			resume = PhaseCollecting
			if s.st.CaseID != 0 {
				resume = PhaseRegistered
			}
		}
		s.st.Phase = resume
		s.st.Agent, s.st.HandoffReason, s.st.HandoffAcked = "", "", false
		s.st.Attempts = 0
		s.say("handback", nil)
		switch resume {
		case PhaseCollecting, PhaseNew:
			s.st.Phase = PhaseCollecting
			s.next()
		case PhaseConfirming:
			s.askConfirm()
		}
	}
}

func (s *step) onRegistered(ev Event) {
	s.st.CaseID, s.st.CaseNumber = ev.CaseID, ev.CaseNumber
	if s.st.Phase != PhaseRegistering {
		return // registered because of a handoff: the agent speaks next
	}
	s.st.Phase = PhaseRegistered
	d := s.e.cfg.SLA.IntakeDeadlines(s.st.FirstContactAt, s.now, s.st.Priority)
	s.reply(Reply{Kind: "registered", Text: s.t("registered", map[string]any{
		"Number":     ev.CaseNumber,
		"Category":   s.t("category."+string(s.st.Category), nil),
		"Priority":   s.t("priority."+string(s.st.Priority), nil),
		"Department": s.t("dept."+string(cases.Route(s.st.Category)), nil),
		"StartBy":    s.fmtTime(d.StartBy),
	})})
	if s.st.Priority == cases.P1 {
		s.say("registered.escalated", map[string]any{"Why": s.p1Why()})
		if s.safetyKey() != "" && !s.st.SafetyAdvised {
			s.st.SafetyAdvised = true
			s.say(s.safetyKey(), nil)
		}
	}
}

// safetyKey is the safety advice the P1 reasons call for: for gas, a
// swollen battery or any other hazard; "" when there is none.
func (s *step) safetyKey() string {
	key := ""
	for _, r := range s.st.Reasons {
		switch {
		case strings.HasPrefix(r, "p1:safety") && gasWordRe.MatchString(r):
			return "safety.advice.gas"
		case strings.HasPrefix(r, "p1:swollen_battery"):
			key = "safety.advice.battery"
		case strings.HasPrefix(r, "p1:safety") && key == "":
			key = "safety.advice"
		}
	}
	return key
}

// gasWordRe names a gas supply: its leak calls for other advice (no
// switches, no flames) than an electrical hazard.
var gasWordRe = regexp.MustCompile(`(?i)煤气|燃气|天然气|液化气|瓦斯|\bgas\b|\blpg\b`)

func (s *step) hasReason(prefix string) bool {
	for _, r := range s.st.Reasons {
		if strings.HasPrefix(r, prefix) {
			return true
		}
	}
	return false
}

// p1Why names the P1 reason for the customer.
func (s *step) p1Why() string {
	for _, r := range s.st.Reasons {
		if name, ok := strings.CutPrefix(r, "p1:"); ok {
			if i := strings.IndexByte(name, '('); i >= 0 {
				name = name[:i]
			}
			if s.e.cfg.Templates.Has("reason." + name) {
				return s.t("reason."+name, nil)
			}
			return name
		}
	}
	return ""
}

// Render renders a bot text outside a dialog step (e.g. a plan or a
// resolution notice written by staff), in lang with the zh-CN fallback.
func (e *Engine) Render(lang, key string, data any) string {
	if lang == "" {
		lang = Languages[0]
	}
	return e.cfg.Templates.Render(lang, key, data)
}

// FormatTime formats t for a customer speaking lang, in the deployment's
// zone (dialog.timezone); FormatTimeIn uses the customer's.
func (e *Engine) FormatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(e.cfg.Location).Format(e.Render(lang, "time_format", nil))
}

// FormatDateIn formats a calendar day (a purchase date) for a customer
// speaking lang; the day is t's date as stored, whatever the zone.
func (e *Engine) FormatDateIn(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(e.Render(lang, "date_format", nil))
}

// engineLocation is the default customer time zone: China Standard Time,
// fixed when the zone database is missing (a static binary in a scratch
// image has none).
func engineLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
