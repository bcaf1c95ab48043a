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
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
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
	cfg Config
}

// NewEngine checks cfg and returns an engine.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.Rules == nil || cfg.Extractor == nil || cfg.Templates == nil {
		return nil, fmt.Errorf("dialog: rules, extractor and templates are required")
	}
	if err := cfg.Rules.Compile(); err != nil {
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
	return &Engine{cfg: cfg}, nil
}

// step carries one Step call's working data.
type step struct {
	e    *Engine
	ev   Event
	text string // the customer's message, cleaned
	st   State
	now  time.Time
	out  []Action
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
	}
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
	c.Reasons = slices.Clone(st.Reasons)
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

func (s *step) fmtTime(t time.Time) string {
	return t.In(s.e.cfg.Location).Format(s.t("time_format", nil))
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
		// Three Latin words make a sentence; a model code ("CXW-200-E900C")
		// or "ok thanks" does not.
		words := 0
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r < 128 && unicode.IsLetter(r)) }) {
			if len(w) >= 2 {
				words++
			}
		}
		if words >= 3 {
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

// ---- events ----

func (s *step) onMessage(ev Event) {
	// Phones type curly apostrophes ("that’s right"); every matcher expects '.
	text := strings.TrimSpace(apostrophes.Replace(strings.ToValidUTF8(ev.Text, "\uFFFD")))
	choice := strings.TrimSpace(ev.Choice)
	s.text = text
	s.st.Batch = ev.Batch
	s.st.Lang = switchLanguage(s.st.Lang, text)
	if s.st.FirstContactAt.IsZero() {
		s.st.FirstContactAt = s.now
		s.schedule(TimerRegistration, s.now.Add(s.e.cfg.SLA.Registration), "registration")
	}
	s.st.LastCustomerAt = s.now
	if ev.ChannelEmail != "" && s.st.Fields[cases.FieldEmail] == "" {
		s.st.Fields[cases.FieldEmail] = strings.ToLower(ev.ChannelEmail)
	}

	switch s.st.Phase {
	case PhaseAgent:
		return // the agent answers; the caller routes the message to them
	case PhaseWaitingAgent:
		if !s.st.HandoffAcked {
			s.st.HandoffAcked = true
			s.say("handoff.waiting", nil)
		}
		if s.st.CaseID != 0 && text != "" {
			s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
		}
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
	if choice == "" && wantsHuman(text) {
		s.handoff("customer_request", "handoff")
		return
	}
	if choice == "" && cancelRe.MatchString(text) && (s.st.Phase == PhaseCollecting || s.st.Phase == PhaseConfirming || s.st.Phase == PhaseFAQ) {
		s.say("cancelled", nil)
		s.resetIntake()
		return
	}
	switch s.st.Phase {
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
	ChoiceSubscribe  = "event:subscribe"
	ChoiceScan       = "event:scan"
	ChoiceMenuRepair = "menu:repair"
	ChoiceMenuStatus = "menu:status"
	ChoiceMenuHuman  = "menu:human"
)

// channelAction handles an event or menu choice and reports whether it did.
func (s *step) channelAction(choice string) bool {
	switch {
	case strings.HasPrefix(choice, ChoiceSubscribe), strings.HasPrefix(choice, ChoiceScan):
		s.say("welcome", nil)
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
		if s.hasReason("p1:safety") && !s.st.SafetyAdvised {
			s.st.SafetyAdvised = true
			s.say("safety.advice", nil)
		}
	}
}

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

// ---- intake ----

var greetingRe = regexp.MustCompile(`(?i)^(你好|您好|妳好|在吗|在嗎|在不在|hi|hello|hey|哈喽|嗨|客服|有人吗|有人嗎|good (morning|afternoon|evening))[\s,，!！。.~～?？]*$`)

// collect handles a message while fields are being collected.
func (s *step) collect(text, choice string) {
	s.st.Phase = PhaseCollecting
	if s.isStatusQuery(text) {
		s.say("status.none", nil)
		return
	}
	if text != "" && choice == "" && greetingRe.MatchString(text) && len(s.st.Fields) == 0 && len(s.st.Texts) == 0 {
		s.st.Asking = cases.FieldSymptom
		s.st.LastAskedAt = s.now
		s.reply(Reply{Text: s.t("greeting", nil), Field: cases.FieldSymptom})
		return
	}
	before := s.knownFields()

	switch {
	case len(s.st.AskingAll) > 0:
		if !s.fillAll(text) {
			if !s.absorb(text) {
				s.retry("hint.all")
				return
			}
		}
		s.st.AskingAll = nil
	case s.st.Clarifying:
		s.st.Clarifying = false
		var detail string
		switch choice {
		case "power_light_off", "screen_abnormal":
			detail = s.t("choice."+choice, nil)
		case "":
			// A typed answer may be the detail, or something else entirely
			// ("型号是 55X90L"); only problem words count as detail.
			detail = s.symptomOf(text, false)
			s.absorb(text)
		}
		if detail != "" && !isNo(detail) {
			if !strings.Contains(s.st.Fields[cases.FieldSymptom], detail) {
				s.st.Fields[cases.FieldSymptom] += "（" + detail + "）"
			}
		}
	case s.st.AskingCategory:
		if c, ok := s.parseCategory(text, choice); ok {
			s.st.AskingCategory = false
			s.st.Category, s.st.CategoryChosen = c, true
			s.st.Attempts = 0
			s.reclassify()
		} else if !s.absorb(text) {
			s.retry("hint.category.invalid")
			return
		}
	case s.st.Asking != "":
		field := s.st.Asking
		answer := text
		if choice != "" {
			answer = choice
		}
		if v, ok, hint := s.parseAnswer(field, answer); ok && v != "" {
			// Other fields in the same answer count too ("XQG80，去年买的").
			s.absorb(text)
			s.setField(field, v)
			if field == cases.FieldSymptom {
				s.addText(text)
			}
			s.st.Asking, s.st.Attempts = "", 0
		} else if choice == "" && !s.st.Aside && questionRe.MatchString(text) {
			// Their own question: keep any details in it, but it is not
			// the problem description and not a wrong answer.
			for k, v := range s.e.cfg.Extractor.Extract(text, s.now) {
				if k != cases.FieldDemand {
					s.setField(k, v)
				}
			}
			s.retry("hint.generic")
			return
		} else if s.absorb(text) {
			// The customer said something else useful; ask again without
			// counting it as a failure.
		} else {
			if hint == "" {
				hint = "hint.generic"
			} else {
				hint = "hint." + hint
			}
			s.retry(hint)
			return
		}
	default:
		s.absorb(text)
		if choice != "" {
			if d, ok := nlu.ParseDemand(choice); ok {
				s.setField(cases.FieldDemand, string(d))
			}
		}
	}

	if s.tryFAQ(text) {
		return
	}
	if s.st.Priority == cases.P1 && s.hasReason("p1:safety") && !s.st.SafetyAdvised {
		// Safety first: the advice cannot wait for the questions.
		s.st.SafetyAdvised = true
		s.say("safety.advice", nil)
	}
	var gained []cases.FieldKey
	for _, k := range s.knownFields() {
		if !slices.Contains(before, k) {
			gained = append(gained, k)
		}
	}
	if len(gained) >= 2 && s.st.Phase == PhaseCollecting {
		// Show what was understood so the customer sees nothing is asked twice.
		s.say("ack", map[string]any{"Summary": s.summary(gained, s.listSep())})
	}
	s.next()
}

// parseAnswer reads text as the answer to a question about field. A reply
// often carries more than the answer ("王五，电话021-55667788"), so when the
// whole text is not an answer, each clause is tried on its own.
func (s *step) parseAnswer(field cases.FieldKey, text string) (string, bool, string) {
	if field == cases.FieldSymptom {
		if isYes(text) || isNo(text) || utf8.RuneCountInString(strings.TrimSpace(text)) < 2 {
			return "", false, ""
		}
		if sym := s.symptomOf(text, false); sym != "" {
			return sym, true, ""
		}
		return strings.TrimSpace(text), true, ""
	}
	// "想修一下" or "是的" is not a name, however short.
	isName := field == cases.FieldCustomerName || field == cases.FieldCompany
	v, ok, hint := "", false, ""
	if !isName || plausibleName(text, s) {
		v, ok, hint = s.e.cfg.Extractor.ParseFieldAnswer(field, text, s.now)
		if ok && v != "" {
			return v, ok, hint
		}
	}
	for _, cl := range clauseSplit.Split(text, -1) {
		if cl = strings.TrimSpace(cl); cl == "" || cl == strings.TrimSpace(text) || isName && !plausibleName(cl, s) {
			continue
		}
		if len(s.e.cfg.Extractor.Extract(cl, s.now)) > 0 && field != cases.FieldProductModel {
			continue // "13500001234" is a phone, not a name
		}
		if v2, ok2, _ := s.e.cfg.Extractor.ParseFieldAnswer(field, cl, s.now); ok2 && v2 != "" {
			return v2, true, ""
		}
	}
	return v, ok, hint
}

// plausibleName rejects replies that are clearly about something else: a
// demand, a yes or no, problem words, a date.
func plausibleName(text string, s *step) bool {
	if isYes(text) || isNo(text) || wantsHuman(text) {
		return false
	}
	if _, ok := nlu.ParseDemand(text); ok {
		return false
	}
	if s.e.cfg.Rules.Classify(text, nil).Category != "" {
		return false
	}
	if _, ok := nlu.ParseDate(text, s.now, s.e.cfg.Location); ok {
		return false
	}
	return true
}

// knownFields lists the fields with a value, in canonical order.
func (s *step) knownFields() []cases.FieldKey {
	var out []cases.FieldKey
	for _, k := range cases.AllFields {
		if s.st.Fields[k] != "" {
			out = append(out, k)
		}
	}
	return out
}

// absorb extracts every field it can from free text; later values win (a
// correction). It reports whether it learned anything.
func (s *step) absorb(text string) bool {
	if text == "" {
		return false
	}
	learned := false
	for k, v := range s.e.cfg.Extractor.Extract(text, s.now) {
		if s.setField(k, v) {
			learned = true
		}
	}
	if sym := s.symptomOf(text, s.st.Asking != "" && s.st.Asking != cases.FieldSymptom || s.st.AskingCategory); sym != "" {
		s.addText(text) // classify on the whole message: "上个月采购的三十多台" counts
		if s.st.Fields[cases.FieldSymptom] == "" {
			s.st.Fields[cases.FieldSymptom] = sym
		} else if !strings.Contains(s.st.Fields[cases.FieldSymptom], sym) && s.st.Phase != PhaseConfirming {
			if hasHan(sym) {
				s.st.Fields[cases.FieldSymptom] += "；" + sym
			} else {
				s.st.Fields[cases.FieldSymptom] += "; " + sym
			}
		}
		learned = true
	}
	if learned {
		s.reclassify()
	}
	return learned
}

func (s *step) setField(k cases.FieldKey, v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || s.st.Fields[k] == v {
		return false
	}
	s.st.Fields[k] = v
	return true
}

func (s *step) addText(t string) {
	if t == "" || slices.Contains(s.st.Texts, t) {
		return
	}
	s.st.Texts = append(s.st.Texts, t)
	if len(s.st.Texts) > 20 {
		s.st.Texts = s.st.Texts[len(s.st.Texts)-20:]
	}
}

var clauseSplit = regexp.MustCompile(`[，,。.！!？?；;\n]+`)
var purchaseRe = regexp.MustCompile(`(?i)(买|買|购|購|入手|下单|下單|bought|purchased|ordered|got it)`)
var entityRe = regexp.MustCompile(`(?i)(\d[\d\s\-]{6,}\d|@|电话|電話|手机|手機|号码|號碼|phone|mobile|email|邮箱|郵箱|订单|訂單|order|invoice|发票|發票|我叫|我是|姓名|my name|this is)`)

// symptomOf keeps the clauses of text that describe a problem: greetings,
// contact details and bare demands are dropped.
// With needEvidence (an answer to another question) only clauses that point
// to a category count: "12345" answering "phone?" is not a symptom.
func (s *step) symptomOf(text string, needEvidence bool) string {
	var keep []string
	for _, cl := range clauseSplit.Split(text, -1) {
		cl = strings.TrimSpace(cl)
		if cl == "" || greetingRe.MatchString(cl) || wantsHuman(cl) {
			continue
		}
		evidence := s.e.cfg.Rules.Classify(cl, nil).Category != ""
		if !evidence {
			if needEvidence {
				continue
			}
			if entityRe.MatchString(cl) || utf8.RuneCountInString(cl) < 4 {
				continue
			}
			// A bare request ("想上门维修", "Please send a technician ASAP")
			// or a sign-off is not the problem.
			if _, ok := nlu.ParseDemand(cl); ok && utf8.RuneCountInString(cl) < 40 {
				continue
			}
			if isPolite(cl) {
				continue
			}
			if isYes(cl) || isNo(cl) {
				continue
			}
			// Clauses about the purchase ("去年双十一买的", "bought it two
			// months ago") carry field values, not the problem.
			if x := s.e.cfg.Extractor.Extract(cl, s.now); len(x) > 0 && (purchaseRe.MatchString(cl) || utf8.RuneCountInString(cl) < 16) {
				continue
			}
		}
		keep = append(keep, cl)
	}
	sep := "，"
	if !hasHan(text) {
		sep = ", "
	}
	return strings.Join(keep, sep)
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// reclassify recomputes category and priority from everything said. A
// category the customer picked is kept, but priority is always recomputed:
// a later "it's smoking now" must raise it.
func (s *step) reclassify() {
	all := strings.Join(s.st.Texts, "。")
	c := s.e.cfg.Rules.Classify(all, s.st.Fields)
	if s.st.CategoryChosen && s.st.Category != "" {
		c2 := s.e.cfg.Rules.Classify(all+"。", s.st.Fields)
		c2.Category = s.st.Category
		if rule := s.e.cfg.Rules.Category(s.st.Category); rule != nil && c.Priority != cases.P1 {
			if c.Category != s.st.Category && rule.DefaultPriority != "" {
				c2.Priority = rule.DefaultPriority
			}
		}
		c = c2
		if c.Subtype == "" {
			c.Subtype = "other"
		}
	}
	if c.Category == "" {
		d := cases.Demand(s.st.Fields[cases.FieldDemand])
		if d == cases.DemandRepair && len(s.st.Texts) > 0 {
			// Asking for a repair of a described problem is a fault report.
			c.Category, c.Subtype = cases.CategoryTechnical, "other"
			if c.Priority == "" || c.Priority == cases.P3 && !slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.HasPrefix(r, "p3:") }) {
				c.Priority = cases.P2
			}
			c.Reasons = append(c.Reasons, "category:technical(demand:repair)")
		}
		if d == cases.DemandConsultation {
			c.Category, c.Subtype = cases.CategoryConsultation, "other"
			if c.Priority != cases.P1 {
				c.Priority = cases.P3
			}
		}
	}
	s.st.Category, s.st.Subtype, s.st.Priority, s.st.Reasons = c.Category, c.Subtype, c.Priority, c.Reasons
	if c.Category == cases.CategoryConsultation && s.st.Fields[cases.FieldDemand] == "" {
		// A question asks for an answer: that is the demand.
		s.st.Fields[cases.FieldDemand] = string(cases.DemandConsultation)
	}
}

// next asks the next question, or restates the case for confirmation.
func (s *step) next() {
	s.st.Phase = PhaseCollecting
	if s.st.Fields[cases.FieldSymptom] == "" {
		s.ask(cases.FieldSymptom)
		return
	}
	if s.st.Batch {
		s.st.Clarified = true // one round trip per question is too slow by mail
		missing := s.e.cfg.Rules.Missing(s.st.Category, s.st.Fields)
		if s.st.Category == "" {
			missing = s.e.cfg.Rules.Missing(s.unknownCategoryFields(), s.st.Fields)
		}
		if len(missing) > 0 {
			s.askAll(missing)
			return
		}
		if s.st.Category == "" {
			s.askCategory()
			return
		}
		s.askConfirm()
		return
	}
	if s.st.Category == "" {
		// Without a category we still know what every case needs: ask
		// that first, the category last (with buttons).
		if missing := s.e.cfg.Rules.Missing(s.unknownCategoryFields(), s.st.Fields); len(missing) > 0 && !s.st.AskingCategory {
			s.ask(missing[0])
			return
		}
		s.askCategory()
		return
	}
	if s.needsClarifying() {
		s.st.Clarifying, s.st.Clarified, s.st.Asking = true, true, ""
		s.markAsked()
		s.reply(Reply{Text: s.t("ask.symptom_detail", nil), Field: cases.FieldSymptom, Choices: []Choice{
			{Value: "power_light_off", Label: s.t("choice.power_light_off", nil)},
			{Value: "screen_abnormal", Label: s.t("choice.screen_abnormal", nil)},
		}})
		return
	}
	if missing := s.e.cfg.Rules.Missing(s.st.Category, s.st.Fields); len(missing) > 0 {
		s.ask(missing[0])
		return
	}
	s.askConfirm()
}

// needsClarifying reports whether the symptom is a bare "won't turn on"
// (SPEC §2: ask whether the power light is off or the screen is abnormal).
func (s *step) needsClarifying() bool {
	if s.st.Clarified || s.st.Subtype != "wont_start" || s.st.Priority == cases.P1 {
		return false
	}
	sym := s.st.Fields[cases.FieldSymptom]
	return utf8.RuneCountInString(sym) <= 20 && !detailRe.MatchString(sym)
}

var detailRe = regexp.MustCompile(`(?i)(指示灯|指示燈|灯不亮|燈不亮|屏幕|螢幕|屏|显示|顯示|黑屏|蓝屏|藍屏|light|screen|display|led)`)

// choicesFor offers buttons for fields that have a closed set of answers.
func (s *step) choicesFor(k cases.FieldKey) []Choice {
	switch k {
	case cases.FieldDemand:
		var cs []Choice
		for _, d := range cases.Demands {
			if s.st.Category != cases.CategoryConsultation && d == cases.DemandConsultation {
				continue
			}
			cs = append(cs, Choice{Value: string(d), Label: s.t("demand."+string(d), nil)})
		}
		return cs
	case cases.FieldBatch, cases.FieldOccurredAt, cases.FieldPurchaseDate, cases.FieldEnvironment:
		return []Choice{{Value: cases.Unknown, Label: s.t("choice.unknown", nil)}}
	case cases.FieldPurchaseProof, cases.FieldTried:
		return []Choice{{Value: "none", Label: s.t("choice.none", nil)}}
	}
	return nil
}

func (s *step) ask(k cases.FieldKey) {
	if s.st.Asking != k {
		s.st.Attempts, s.st.Aside = 0, false
	}
	s.st.Asking, s.st.AskingCategory = k, false
	q := s.t("ask."+string(k), nil)
	s.markAsked()
	s.reply(Reply{Text: q, Field: k, Choices: s.choicesFor(k)})
}

func (s *step) categoryChoices() []Choice {
	var cs []Choice
	for _, c := range cases.Categories {
		cs = append(cs, Choice{Value: "category:" + string(c), Label: s.t("category."+string(c), nil)})
	}
	return cs
}

func (s *step) askCategory() {
	if !s.st.AskingCategory {
		s.st.Attempts = 0
	}
	s.st.AskingCategory, s.st.Asking = true, ""
	s.markAsked()
	s.reply(Reply{Text: s.t("ask.category", nil), Field: "category", Choices: s.categoryChoices()})
}

func (s *step) markAsked() {
	s.st.LastAskedAt = s.now
	s.st.Reminded = false
	if s.e.cfg.ReminderAfter > 0 {
		at := s.now.Add(s.e.cfg.ReminderAfter)
		s.schedule(TimerReminder, at, "reminder:"+at.UTC().Format(time.RFC3339))
	}
}

func (s *step) schedule(name string, at time.Time, key string) {
	s.out = append(s.out, Action{Kind: ActScheduleTimer, Timer: &Timer{Name: name, At: at, Key: key}})
}

// currentQuestion re-renders the open question (for reminders and retries).
func (s *step) currentQuestion() (string, cases.FieldKey, []Choice) {
	switch {
	case s.st.Phase == PhaseConfirming:
		return s.t("hint.confirm", nil), "confirm", s.confirmChoices()
	case len(s.st.AskingAll) > 0:
		return s.allText(s.st.AskingAll), "fields", nil
	case s.st.AskingCategory:
		return s.t("ask.category", nil), "category", s.categoryChoices()
	case s.st.AskingWhich:
		return s.t("ask.which", nil), "which", s.whichChoices()
	case s.st.Asking != "":
		return s.t("ask."+string(s.st.Asking), nil), s.st.Asking, s.choicesFor(s.st.Asking)
	}
	return s.t("ask.symptom", nil), cases.FieldSymptom, nil
}

// retry re-asks the open question with a hint, or hands off after too many
// failed attempts.
func (s *step) retry(hintKey string) {
	if s.ev.Choice == "" && !s.st.Aside && questionRe.MatchString(s.text) {
		s.st.Aside = true
		// "多久能修好？" mid-intake is a question, not a wrong answer: say
		// when it will be answered and ask again without counting it.
		q, field, choices := s.currentQuestion()
		s.markAsked()
		s.reply(Reply{Text: s.t("aside.question", map[string]any{"Question": q}), Field: field, Choices: choices, Kind: "retry"})
		return
	}
	s.st.Attempts++
	if s.st.Attempts >= s.e.cfg.MaxAttempts {
		s.handoff("too_many_attempts", "handoff.attempts")
		return
	}
	q, field, choices := s.currentQuestion()
	s.markAsked()
	s.reply(Reply{Text: s.t("retry", map[string]any{"Hint": s.t(hintKey, nil), "Question": q}), Field: field, Choices: choices, Kind: "retry"})
}

var categoryWords = map[cases.Category][]string{
	cases.CategoryTechnical:    {"故障", "坏", "技术", "壞", "technical", "fault", "broken"},
	cases.CategoryLogistics:    {"物流", "配送", "快递", "快遞", "发货", "發貨", "delivery", "shipping"},
	cases.CategoryQuality:      {"质量", "品質", "質量", "外观", "外觀", "quality"},
	cases.CategoryConsultation: {"咨询", "諮詢", "问题咨询", "question", "consult"},
}

// unknownCategoryFields names the category whose required fields are asked
// while the category is still unknown: the technical one, the most common.
func (s *step) unknownCategoryFields() cases.Category { return cases.CategoryTechnical }

func (s *step) parseCategory(text, choice string) (cases.Category, bool) {
	if c, ok := strings.CutPrefix(choice, "category:"); ok && cases.Category(c).Valid() {
		return cases.Category(c), true
	}
	if c := s.e.cfg.Rules.Classify(text, nil).Category; c != "" {
		return c, true
	}
	t := strings.ToLower(text)
	for _, c := range cases.Categories {
		if strings.Contains(t, strings.ToLower(s.t("category."+string(c), nil))) {
			return c, true
		}
		for _, w := range categoryWords[c] {
			if strings.Contains(t, w) {
				return c, true
			}
		}
	}
	if n := strings.TrimSpace(t); len(n) == 1 && n[0] >= '1' && n[0] <= '4' {
		return cases.Categories[n[0]-'1'], true
	}
	return "", false
}

// ---- FAQ ----

// tryFAQ answers a consultation from the FAQ when one entry matches fully
// and no other does; it reports whether it answered.
func (s *step) tryFAQ(text string) bool {
	if text == "" || s.st.Category != cases.CategoryConsultation || s.st.CaseID != 0 {
		return false
	}
	lower := strings.ToLower(strings.Join(s.st.Texts, "。") + "。" + text)
	var hit *FAQEntry
	for i := range s.e.cfg.FAQ {
		f := &s.e.cfg.FAQ[i]
		ok := true
		for _, group := range f.All {
			if !slices.ContainsFunc(group, func(w string) bool { return strings.Contains(lower, strings.ToLower(w)) }) {
				ok = false
				break
			}
		}
		if ok {
			if hit != nil {
				return false // two answers fit: not confident, open a case instead
			}
			hit = f
		}
	}
	if hit == nil {
		return false
	}
	ans := hit.Answers[s.lang()]
	if ans == "" {
		ans = hit.Answers[Languages[0]]
	}
	s.st.Phase, s.st.Asking = PhaseFAQ, ""
	s.reply(Reply{Kind: "faq", Text: s.t("faq.answer", map[string]any{"Answer": ans})})
	s.reply(Reply{Text: s.t("faq.followup", nil), Field: "faq", Choices: []Choice{
		{Value: "resolved", Label: s.t("choice.resolved", nil)},
		{Value: "not_resolved", Label: s.t("choice.not_resolved", nil)},
	}})
	return true
}

func (s *step) onFAQAnswer(text, choice string) {
	switch {
	case choice == "resolved" || choice == "" && isYes(text):
		s.say("faq.thanks", nil)
		s.resetIntake()
	case choice == "not_resolved" || choice == "" && isNo(text):
		s.st.Phase = PhaseCollecting
		s.next()
	default:
		// A new message: treat it as a new or more detailed question.
		s.st.Phase = PhaseCollecting
		s.collect(text, choice)
	}
}

// resetIntake starts over, keeping who the customer is.
func (s *step) resetIntake() {
	keep := map[cases.FieldKey]string{}
	for _, k := range []cases.FieldKey{cases.FieldCustomerName, cases.FieldCompany, cases.FieldPhone, cases.FieldEmail} {
		if v := s.st.Fields[k]; v != "" {
			keep[k] = v
		}
	}
	s.st = State{Phase: PhaseNew, Lang: s.st.Lang, Fields: keep, FirstContactAt: s.st.FirstContactAt, LastCustomerAt: s.st.LastCustomerAt}
}

// ---- confirmation ----

func (s *step) confirmChoices() []Choice {
	return []Choice{{Value: "confirm", Label: s.t("choice.confirm", nil)}, {Value: "edit", Label: s.t("choice.edit", nil)}}
}

func (s *step) whichChoices() []Choice {
	var cs []Choice
	for _, k := range s.knownFields() {
		cs = append(cs, Choice{Value: "field:" + string(k), Label: s.t("field."+string(k), nil)})
	}
	return cs
}

func (s *step) askConfirm() {
	s.st.Phase, s.st.Asking, s.st.AskingCategory, s.st.AskingWhich = PhaseConfirming, "", false, false
	keys := s.knownFields()
	sum := s.summary(keys, "\n")
	if s.st.Category != "" {
		sum += "\n" + s.t("summary.category", map[string]any{"Category": s.t("category."+string(s.st.Category), nil)})
	}
	s.markAsked()
	s.reply(Reply{Kind: "confirm", Text: s.t("confirm", map[string]any{"Summary": sum}), Field: "confirm", Choices: s.confirmChoices()})
}

func (s *step) onConfirm(text, choice string) {
	if s.st.AskingWhich {
		if f, ok := strings.CutPrefix(choice, "field:"); ok && cases.FieldKey(f).Valid() {
			s.st.AskingWhich = false
			s.st.Phase = PhaseCollecting
			s.ask(cases.FieldKey(f))
			return
		}
	}
	switch {
	case choice == "confirm" || choice == "" && isYes(text) && !hasCorrection(text):
		s.register()
		return
	case choice == "edit":
		s.st.AskingWhich = true
		s.markAsked()
		s.reply(Reply{Text: s.t("ask.which", nil), Field: "which", Choices: s.whichChoices()})
		return
	}
	before := cloneState(s.st)
	learned := s.absorbCorrection(text)
	if !learned {
		if isNo(text) || hasCorrection(text) {
			s.st.AskingWhich = true
			s.markAsked()
			s.reply(Reply{Text: s.t("ask.which", nil), Field: "which", Choices: s.whichChoices()})
			return
		}
		s.retry("hint.generic") // the re-asked question already says how to confirm
		return
	}
	s.st.Attempts = 0
	var changed []cases.FieldKey
	for _, k := range cases.AllFields {
		if before.Fields[k] != s.st.Fields[k] {
			changed = append(changed, k)
		}
	}
	// A correction may have changed the category; it may need more fields.
	if s.st.Category == "" || len(s.e.cfg.Rules.Missing(s.st.Category, s.st.Fields)) > 0 {
		s.next()
		return
	}
	s.askConfirm()
}

// absorbCorrection applies a correction during confirmation: extracted
// fields replace old values; a correction of the problem itself replaces the
// symptom instead of appending to it.
func (s *step) absorbCorrection(text string) bool {
	if s.st.AskingWhich {
		s.st.AskingWhich = false
	}
	learned := false
	for k, v := range s.e.cfg.Extractor.Extract(text, s.now) {
		if s.setField(k, v) {
			learned = true
		}
	}
	if !learned {
		if sym := s.symptomOf(stripCorrection(text), true); sym != "" && s.e.cfg.Rules.Classify(sym, nil).Category != "" {
			s.st.Fields[cases.FieldSymptom] = sym
			s.st.Texts = []string{sym}
			learned = true
		}
	}
	if learned {
		s.reclassify()
	}
	return learned
}

func (s *step) register() {
	draft := s.draft()
	s.st.Asking, s.st.AskingWhich = "", false
	if s.st.CaseID != 0 {
		// Registered earlier for a handoff: complete that case instead.
		s.st.Phase = PhaseRegistered
		s.out = append(s.out, Action{Kind: ActUpdateCase, Case: draft})
		s.say("updated", map[string]any{"Number": s.st.CaseNumber, "Summary": s.summary(nil, s.listSep())})
		return
	}
	s.st.Phase = PhaseRegistering
	s.out = append(s.out, Action{Kind: ActRegisterCase, Case: draft})
}

func (s *step) draft() *CaseDraft {
	f := make(map[cases.FieldKey]string, len(s.st.Fields))
	for k, v := range s.st.Fields {
		f[k] = v
	}
	return &CaseDraft{
		Fields: f, Category: s.st.Category, Subtype: s.st.Subtype, Priority: s.st.Priority,
		Reasons: slices.Clone(s.st.Reasons), Language: s.lang(), FirstContactAt: s.st.FirstContactAt,
		Escalated: s.st.Priority == cases.P1, Handoff: s.st.HandoffReason,
		Attachments: slices.Clone(s.st.Attachments),
	}
}

// ---- after registration ----

var cancelRe = regexp.MustCompile(`(?i)^(算了|不用了|不需要了|不要了|取消|取消吧|不报了|不報了|没事了|沒事了|先不用了|never ?mind|cancel|forget it|no need( anymore)?)[\s,，。.!！~～吧啦了]*$`)

// questionRe recognizes a customer's own question.
var questionRe = regexp.MustCompile(`(?i)([?？]\s*$|多久|多长时间|多長時間|什么时候|什麼時候|何时|何時|能不能|可不可以|要多少钱|要多少錢|收费吗|收費嗎|^(how|when|what|why|can|could|will|is|are|do|does)\b)`)

// politeRe matches one politeness token; a message made only of them
// ("好的，谢谢", "ok thanks!") is politeness, not news.
var politeRe = regexp.MustCompile(`(?i)(好的|好滴|好|嗯+|哦|噢|谢谢您?|謝謝您?|多谢|多謝|感谢|感謝|辛苦了?|麻烦了|麻煩了|收到|了解|知道了|明白了?|行|ok(ay)?|thanks|thank you( so much| very much)?|thx|ty|great|got it|cheers|perfect|noted|much appreciated|啦|了|哈+|呀|啊|[\s,，。.!！~～:：)）]+)`)

func isPolite(text string) bool {
	t := strings.TrimSpace(text)
	return t != "" && strings.TrimSpace(politeRe.ReplaceAllString(t, "")) == ""
}

var newProblemRe = regexp.MustCompile(`(?i)(还有一个问题|還有一個問題|另外一个问题|另外一個問題|另一个问题|另一個問題|新的问题|新的問題|another (problem|issue|question)|new (problem|issue))`)

func (s *step) afterRegistration(text, choice string) {
	if s.isStatusQuery(text) {
		s.sayStatus()
		return
	}
	if isPolite(text) || isYes(text) || greetingRe.MatchString(text) {
		// Politeness is not news for the case record.
		s.say("thanks.reply", map[string]any{"Number": s.st.CaseNumber})
		return
	}
	if newProblemRe.MatchString(text) {
		s.resetIntake()
		s.say("new_case", nil)
		s.collect(text, choice)
		return
	}
	// Corrections and extra details go to the case record.
	before := cloneState(s.st)
	for k, v := range s.e.cfg.Extractor.Extract(text, s.now) {
		s.setField(k, v)
	}
	var changed []cases.FieldKey
	for _, k := range cases.AllFields {
		if before.Fields[k] != s.st.Fields[k] {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 {
		s.out = append(s.out, Action{Kind: ActUpdateCase, Case: s.draft(), Note: text})
		s.say("updated", map[string]any{"Number": s.st.CaseNumber, "Summary": s.summary(changed, s.listSep())})
		return
	}
	s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
	s.say("noted", map[string]any{"Number": s.st.CaseNumber})
}

var statusRe = regexp.MustCompile(`(?i)(查询进度|查詢進度|进度|進度|进展|進展|处理到哪|處理到哪|怎么样了|怎麼樣了|status|progress|any update)`)

func (s *step) isStatusQuery(text string) bool {
	return text != "" && utf8.RuneCountInString(text) <= 30 && statusRe.MatchString(text)
}

func (s *step) sayStatus() {
	if s.st.CaseID == 0 {
		s.say("status.none", nil)
		return
	}
	state, startBy := s.ev.CaseState, s.ev.CaseStartBy
	if state == "" {
		state = string(cases.StateAssigned)
	}
	if startBy.IsZero() {
		startBy = s.e.cfg.SLA.IntakeDeadlines(s.st.FirstContactAt, s.st.FirstContactAt, s.st.Priority).StartBy
	}
	s.reply(Reply{Kind: "status", Text: s.t("status", map[string]any{
		"Number":     s.st.CaseNumber,
		"State":      s.t("state."+state, nil),
		"Department": s.t("dept."+string(cases.Route(s.st.Category)), nil),
		"Priority":   s.t("priority."+string(s.st.Priority), nil),
		"StartBy":    s.fmtTime(startBy),
	})})
}

// ---- handoff ----

func (s *step) handoff(reason, key string) {
	s.st.Resume = s.st.Phase
	s.st.Phase = PhaseWaitingAgent
	s.st.HandoffReason = reason
	s.st.HandoffAcked = false
	s.say(key, nil)
	s.out = append(s.out, Action{Kind: ActHandoff, Handoff: reason})
	// Keep what was collected on a case an agent can see, when there is a
	// problem to work on.
	if s.st.CaseID == 0 && s.st.Fields[cases.FieldSymptom] != "" {
		d := s.draft()
		if d.Category == "" {
			d.Category, d.Subtype = cases.CategoryConsultation, "other"
			if d.Priority == "" {
				d.Priority = cases.P3
			}
		}
		s.out = append(s.out, Action{Kind: ActRegisterCase, Case: d})
	}
}

// Render renders a bot text outside a dialog step (e.g. a plan or a
// resolution notice written by staff), in lang with the zh-CN fallback.
func (e *Engine) Render(lang, key string, data any) string {
	if lang == "" {
		lang = Languages[0]
	}
	return e.cfg.Templates.Render(lang, key, data)
}

// FormatTime formats t for a customer speaking lang, in the customer zone.
func (e *Engine) FormatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(e.cfg.Location).Format(e.Render(lang, "time_format", nil))
}
