package dialog

import (
	"slices"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// Around the intake: FAQ answers, messages once the case is registered,
// status questions and the handoff to a person.

// tryFAQ answers a consultation from the FAQ when one entry matches fully
// and no other does; it reports whether it answered.
func (s *step) tryFAQ(text string) bool {
	if text == "" || s.st.Category != cases.CategoryConsultation || s.st.CaseID != 0 {
		return false
	}
	lower := nlu.Fold(strings.Join(s.st.Texts, "。") + "。" + text)
	var hit *FAQEntry
	for i := range s.e.cfg.FAQ {
		f := &s.e.cfg.FAQ[i]
		ok := true
		for _, group := range f.All {
			if !slices.ContainsFunc(group, func(w string) bool { return strings.Contains(lower, nlu.Fold(w)) }) {
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
	case choice == "resolved" || choice == "" && nlu.IsYes(text):
		s.say("faq.thanks", nil)
		s.resetIntake()
	case choice == "not_resolved" || choice == "" && nlu.IsNo(text):
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
	s.st = State{Phase: PhaseNew, Lang: s.st.Lang, LangHinted: s.st.LangHinted, Fields: keep, FirstContactAt: s.st.FirstContactAt, LastCustomerAt: s.st.LastCustomerAt}
}

func (s *step) afterRegistration(text, choice string) {
	if nlu.IsStatusQuery(text) {
		s.sayStatus()
		return
	}
	if nlu.IsPolite(text) || nlu.IsYes(text) || nlu.IsGreeting(text) {
		// Politeness is not news for the case record.
		s.say("thanks.reply", map[string]any{"Number": s.st.CaseNumber})
		return
	}
	if nlu.IsNewProblem(text) {
		s.resetIntake()
		s.say("new_case", nil)
		s.collect(text, choice)
		return
	}
	// Corrections and extra details go to the case record; a hazard said
	// now raises the priority (staff may have set the category: it stays).
	before := cloneState(s.st)
	in := s.interpret(text)
	for _, k := range cases.AllFields {
		if v, ok := in.Values[k]; ok && k != cases.FieldSymptom {
			s.setValue(k, v)
		}
	}
	if s.st.Priority != cases.P1 {
		c := s.e.cls.Classify(append(slices.Clone(s.st.Texts), text), s.st.Fields)
		if c.Priority == cases.P1 {
			s.addText(text)
			s.st.Priority, s.st.Reasons = cases.P1, c.Reasons
		}
	}
	var changed []cases.FieldKey
	for _, k := range cases.AllFields {
		if before.Fields[k] != s.st.Fields[k] {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 || s.st.Priority != before.Priority {
		d := s.draft()
		d.Category, d.Subtype = "", "" // the category may have been set by staff
		if s.st.Priority == before.Priority {
			d.Priority = ""
		}
		s.out = append(s.out, Action{Kind: ActUpdateCase, Case: d, Note: text})
		if len(changed) > 0 {
			s.say("updated", map[string]any{"Number": s.st.CaseNumber, "Summary": s.summary(changed, s.listSep())})
		} else {
			s.say("noted", map[string]any{"Number": s.st.CaseNumber})
		}
		if s.st.Priority == cases.P1 && s.safetyKey() != "" && !s.st.SafetyAdvised {
			s.st.SafetyAdvised = true
			s.say(s.safetyKey(), nil)
		}
		return
	}
	s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
	s.say("noted", map[string]any{"Number": s.st.CaseNumber})
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
	dept, prio := cases.Route(s.st.Category), s.st.Priority
	c := s.ev.Case
	if c != nil && c.Department != "" && c.Priority != "" {
		dept, prio = c.Department, c.Priority // staff may have rerouted or reprioritised it
	}
	data := map[string]any{
		"Number":     s.st.CaseNumber,
		"State":      s.t("state."+state, nil),
		"Department": s.t("dept."+string(dept), nil),
		"Priority":   s.t("priority."+string(prio), nil),
		"StartBy":    s.fmtTime(startBy),
	}
	key := "status"
	switch cases.State(state) {
	case cases.StateResolved:
		key, data["ResolvedAt"], data["Next"] = "status.resolved", "", ""
		if c != nil {
			data["ResolvedAt"] = s.fmtTime(c.Milestones.Resolved)
		}
		switch s.st.Phase {
		case PhaseCheck:
			data["Next"] = s.t("status.next.check", nil)
		case PhaseSurvey:
			data["Next"] = s.t("status.next.survey", nil)
		}
	case cases.StateClosed:
		key, data["ClosedAt"] = "status.closed", ""
		if c != nil {
			data["ClosedAt"] = s.fmtTime(c.Milestones.Closed)
		}
	case cases.StatePendingApproval:
		key = "status.pending_approval"
	case cases.StatePlanned, cases.StateInProgress:
		key = "status.in_progress"
		if c != nil && c.Plan != nil && c.Plan.Status == cases.PlanInEffect {
			key = "status.plan"
			data["Plan"] = s.t("plan."+string(c.Plan.Type), nil)
			data["PromisedAt"] = s.fmtTime(c.Plan.PromisedAt)
			data["VisitAt"] = s.fmtTime(c.Plan.VisitAt)
		}
	}
	s.reply(Reply{Kind: "status", Text: s.t(key, data)})
}

// handoff hands the conversation to a person. What was collected goes on a
// case the agent can see when there is a problem to work on.
func (s *step) handoff(reason, key string) {
	s.st.Resume = s.st.Phase
	s.st.Phase = PhaseWaitingAgent
	s.st.HandoffReason, s.st.HandoffAt = reason, s.now
	s.st.HandoffAcked = false
	s.say(key, nil)
	s.out = append(s.out, Action{Kind: ActHandoff, Handoff: reason})
	if s.st.CaseID == 0 && s.st.Fields[cases.FieldSymptom] != "" {
		s.out = append(s.out, Action{Kind: ActRegisterCase, Case: s.handoffDraft()})
	}
}

// handoffDraft is the draft registered for an agent: a case needs a
// category, so an unclassified one is filed as a consultation.
func (s *step) handoffDraft() *CaseDraft {
	d := s.draft()
	if d.Category == "" {
		d.Category, d.Subtype = cases.CategoryConsultation, "other"
		if d.Priority == "" {
			d.Priority = cases.P3
		}
	}
	return d
}

// whileWaiting keeps understanding what the customer writes while they
// wait for a person, so the agent finds a full draft: fields, category and
// priority go on the case (or stay in the draft until there is one).
func (s *step) whileWaiting(text string) {
	if text == "" {
		return
	}
	before := cloneState(s.st)
	if !s.apply(s.interpret(text), "") {
		s.lateName(text) // "Graham": the name, said while waiting for an agent
	}
	if s.st.CaseID == 0 {
		if s.st.Fields[cases.FieldSymptom] != "" && before.Fields[cases.FieldSymptom] == "" {
			s.out = append(s.out, Action{Kind: ActRegisterCase, Case: s.handoffDraft()})
		}
		return
	}
	changed := s.st.Category != before.Category || s.st.Priority != before.Priority
	for _, k := range cases.AllFields {
		if before.Fields[k] != s.st.Fields[k] {
			changed = true
		}
	}
	if changed {
		s.out = append(s.out, Action{Kind: ActUpdateCase, Case: s.handoffDraft(), Note: text})
		return
	}
	s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
}
