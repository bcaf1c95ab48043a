package dialog

import (
	"regexp"
	"strings"

	"github.com/kefu-dev/kefu/dialog/nlu"
)

// Proactive care in the conversation (SPEC §8): the bot writes first —
// the re-check of guidance, the follow-up after service, the follow-up
// after a purchase, a seasonal tip — and runs the script on the answers.
// Every such message says how to opt out, and the opt-out ("TD", "STOP")
// is understood in any phase. The service decides whether and when a
// touchpoint goes out; the engine only says it and reads the answers.

// Care scripts (care.Script values).
const (
	CareRecheck  = "recheck"
	CareFollowUp = "follow_up"
	CarePurchase = "purchase"
	CareTip      = "tip"
)

// Care outcomes, recorded on the touchpoint.
const (
	CareOutcomeSatisfied   = "satisfied"   // follow-up: satisfied (Note: the suggestion, if any)
	CareOutcomeUnsatisfied = "unsatisfied" // follow-up: not satisfied (Note: what to improve); a complaint opens
	CareOutcomeFixed       = "fixed"       // re-check: it works now
	CareOutcomeNotFixed    = "not_fixed"   // re-check: still broken; the case reopens
	CareOutcomeOK          = "ok"          // purchase: all well
	CareOutcomeProblem     = "problem"     // a new problem: a new intake starts with what was said
	CareOutcomeReplied     = "replied"     // an answer that was none of these (Note: what was said)
)

// CareCall is a touchpoint the service asks the engine to say.
type CareCall struct {
	TouchpointID int64
	Script       string
	Tip          string // tip script: the tip's name (template care.tip.<Tip>)
	Product      string // what the customer bought, as they or the import named it
	Bought       string // when, formatted for the customer
	// AfterReply: a re-check of guidance an agent gave in a reply, not of
	// a resolution: "still broken" goes back to a person.
	AfterReply bool
}

// CareState is the script open in the conversation.
type CareState struct {
	TouchpointID int64  `json:"touchpoint_id"`
	Script       string `json:"script"`
	Step         string `json:"step"`
	Resume       Phase  `json:"resume,omitempty"` // the phase the conversation returns to
	Retried      bool   `json:"retried,omitempty"`
}

// CareOutcome is what came of a touchpoint.
type CareOutcome struct {
	TouchpointID int64
	Outcome      string
	Note         string
}

const (
	careStepSatisfied = "satisfied"
	careStepSuggest   = "suggest"
	careStepImprove   = "improve"
	careStepHow       = "how"
	careStepReply     = "reply" // the re-check of an agent's guidance
)

// Choices of the follow-up question.
const (
	ChoiceCareSatisfied   = "care:satisfied"
	ChoiceCareUnsatisfied = "care:unsatisfied"
)

// onCare says a touchpoint and opens its script.
func (s *step) onCare(ev Event) {
	c := ev.Care
	if c == nil {
		return
	}
	data := map[string]any{"Number": s.st.CaseNumber, "Product": c.Product, "Bought": c.Bought}
	optOut := s.t("care.optout.hint", nil)
	switch c.Script {
	case CareTip:
		s.reply(Reply{Kind: "care", Text: s.t("care.tip."+c.Tip, data) + "\n" + optOut})
	case CareRecheck:
		if c.AfterReply {
			s.st.Care = &CareState{TouchpointID: c.TouchpointID, Script: c.Script, Step: careStepReply, Resume: s.st.Phase}
			if s.st.Phase != PhaseAgent && s.st.Phase != PhaseWaitingAgent {
				s.st.Phase = PhaseCare
			}
			s.reply(Reply{Kind: "function_check", Text: s.t("care.recheck.ask", data), Field: "function_check", Choices: []Choice{
				{Value: "check:works", Label: s.t("choice.check_works", nil)},
				{Value: "check:broken", Label: s.t("choice.check_broken", nil)},
			}})
			return
		}
		// The check question of the function check: onCheck reads the
		// answer, a "still broken" reopens the case.
		s.st.Phase, s.st.CheckAsked, s.st.RecheckPending = PhaseCheck, 0, false
		s.st.Care = &CareState{TouchpointID: c.TouchpointID, Script: c.Script}
		// Part of the service, not a reminder: no opt-out line.
		s.reply(Reply{Kind: "function_check", Text: s.t("care.recheck.ask", data), Field: "function_check", Choices: []Choice{
			{Value: "check:works", Label: s.t("choice.check_works", nil)},
			{Value: "check:broken", Label: s.t("choice.check_broken", nil)},
		}})
	case CareFollowUp:
		s.openCare(c, careStepSatisfied)
		s.reply(Reply{Kind: "care", Text: s.t("care.follow_up.ask", data) + "\n" + optOut, Field: "care", Choices: []Choice{
			{Value: ChoiceCareSatisfied, Label: s.t("choice.care_satisfied", nil)},
			{Value: ChoiceCareUnsatisfied, Label: s.t("choice.care_unsatisfied", nil)},
		}})
	case CarePurchase:
		s.openCare(c, careStepHow)
		s.reply(Reply{Kind: "care", Text: s.t("care.purchase.ask", data) + "\n" + optOut, Field: "care"})
	}
}

func (s *step) openCare(c *CareCall, stepName string) {
	resume := s.st.Phase
	if resume == PhaseCare && s.st.Care != nil {
		resume = s.st.Care.Resume
	}
	s.st.Phase = PhaseCare
	s.st.Care = &CareState{TouchpointID: c.TouchpointID, Script: c.Script, Step: stepName, Resume: resume}
}

// closeCare records the outcome and returns to where the conversation was.
func (s *step) closeCare(outcome, note string) {
	cs := s.st.Care
	if cs == nil {
		return
	}
	s.out = append(s.out, Action{Kind: ActCareOutcome, Care: &CareOutcome{TouchpointID: cs.TouchpointID, Outcome: outcome, Note: strings.TrimSpace(note)}})
	s.st.Care = nil
	if s.st.Phase == PhaseCare {
		s.st.Phase = cs.Resume
		if s.st.Phase == "" || s.st.Phase == PhaseCare {
			s.st.Phase = PhaseNew
		}
	}
}

// onCareAnswer runs the open script on the customer's answer.
func (s *step) onCareAnswer(text, choice string) {
	cs := s.st.Care
	if cs == nil {
		s.st.Phase = PhaseNew
		s.collect(text, choice)
		return
	}
	switch cs.Step {
	case careStepSatisfied:
		switch careSatisfaction(text, choice) {
		case 1:
			cs.Step = careStepSuggest
			s.reply(Reply{Kind: "care", Text: s.t("care.follow_up.suggest", nil), Field: "care", Choices: []Choice{{Value: "none", Label: s.t("choice.none", nil)}}})
		case -1:
			cs.Step = careStepImprove
			s.reply(Reply{Kind: "care", Text: s.t("care.follow_up.improve", nil), Field: "care"})
		default:
			if s.careNewProblem(text, choice) {
				return
			}
			if !cs.Retried {
				cs.Retried = true
				s.reply(Reply{Kind: "care", Text: s.t("care.follow_up.retry", nil), Field: "care", Choices: []Choice{
					{Value: ChoiceCareSatisfied, Label: s.t("choice.care_satisfied", nil)},
					{Value: ChoiceCareUnsatisfied, Label: s.t("choice.care_unsatisfied", nil)},
				}})
				return
			}
			s.closeCare(CareOutcomeReplied, text)
			s.say("care.thanks", nil)
		}
	case careStepSuggest:
		note := text
		if choice == "none" || SkipsComment(text) || nlu.IsNo(text) || nlu.IsPolite(text) {
			note = ""
		}
		s.closeCare(CareOutcomeSatisfied, note)
		s.say("care.thanks", nil)
	case careStepImprove:
		s.closeCare(CareOutcomeUnsatisfied, text)
		// SPEC §7: an unsatisfied follow-up opens the complaint flow, and
		// a person takes it from here.
		s.out = append(s.out, Action{Kind: ActComplaint, Note: "follow-up: not satisfied: " + text})
		s.say("care.follow_up.complaint", map[string]any{"Number": s.st.CaseNumber})
	case careStepReply:
		ans := FunctionCheck(text)
		if choice != "" {
			ans = FunctionCheck(choice)
		}
		resume := cs.Resume
		switch ans {
		case CheckWorks:
			s.closeCare(CareOutcomeFixed, text)
			s.say("care.recheck.fixed", nil)
		case CheckBroken:
			s.closeCare(CareOutcomeNotFixed, text)
			if s.st.CaseID != 0 {
				s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
			}
			s.handoff("guidance_failed", "care.recheck.handoff")
		default:
			// Not an answer: the message is taken as it comes.
			s.closeCare(CareOutcomeReplied, text)
			if resume == PhaseRegistered {
				s.afterRegistration(text, choice)
			} else {
				s.collect(text, choice)
			}
		}
	case careStepHow:
		if choice == "" && careAllWell(text) {
			s.closeCare(CareOutcomeOK, text)
			s.say("care.purchase.thanks", nil)
			return
		}
		// Anything else is about the product: a new intake starts with it.
		s.closeCare(CareOutcomeProblem, text)
		s.resetIntake()
		s.collect(text, choice)
	default:
		s.closeCare(CareOutcomeReplied, text)
		s.collect(text, choice)
	}
}

// careNewProblem starts a new intake when the answer to the follow-up is a
// new problem rather than a verdict.
func (s *step) careNewProblem(text, choice string) bool {
	if choice != "" || !(nlu.IsNewProblem(text) || ChangesSubject(text) || FunctionCheck(text) == CheckBroken) {
		return false
	}
	s.closeCare(CareOutcomeProblem, text)
	s.resetIntake()
	s.say("new_case", nil)
	s.collect(text, choice)
	return true
}

// careSatisfaction reads the follow-up answer: 1 satisfied, -1 not, 0 unclear.
func careSatisfaction(text, choice string) int {
	switch choice {
	case ChoiceCareSatisfied:
		return 1
	case ChoiceCareUnsatisfied:
		return -1
	}
	if choice != "" {
		return 0
	}
	if WantsComplaint(text) {
		return -1
	}
	if r, ok := ParseRating(text); ok {
		if r <= 2 {
			return -1
		}
		return 1
	}
	switch {
	case nlu.IsYes(text):
		return 1
	case nlu.IsNo(text):
		return -1
	}
	return 0
}

// careAllWell reads "how is the product going?" answered with "fine".
func careAllWell(text string) bool {
	if ChangesSubject(text) || nlu.IsNewProblem(text) || nlu.IsStatusQuery(text) {
		return false
	}
	if FunctionCheck(text) == CheckBroken {
		return false
	}
	if r, ok := ParseRating(text); ok {
		return r >= 3
	}
	return FunctionCheck(text) == CheckWorks || nlu.IsYes(text) || nlu.IsPolite(text) || nlu.IsGreeting(text)
}

// The opt-out and opt-in words: a whole message, as the care messages
// tell customers to send it.
var (
	optOutRe = regexp.MustCompile(`(?i)^\s*(?:td|退订|退訂|取消订阅|取消訂閱|不要再发了|不要再發了|stop|unsubscribe|opt[ -]?out)\s*[.!。！]?\s*$`)
	optInRe  = regexp.MustCompile(`(?i)^\s*(?:恢复订阅|恢復訂閱|重新订阅|重新訂閱|start|subscribe|opt[ -]?in)\s*[.!。！]?\s*$`)
)

// optOut handles an opt-out or opt-in message; it reports whether it did.
// "STOP" in the middle of an intake is left to the intake (a cancel).
func (s *step) optOut(text, choice string) bool {
	if choice != "" {
		return false
	}
	out := optOutRe.MatchString(text)
	in := !out && optInRe.MatchString(text)
	if !out && !in {
		return false
	}
	lower := strings.ToLower(strings.TrimSpace(text))
	if strings.HasPrefix(lower, "stop") && s.intakeOpen() && s.st.Phase != PhaseCare {
		return false
	}
	if strings.HasPrefix(lower, "start") && s.st.Phase != PhaseDone && s.st.Phase != PhaseNew {
		return false
	}
	if out {
		if s.st.Care != nil {
			s.closeCare("opted_out", text)
		}
		s.out = append(s.out, Action{Kind: ActOptOut, Note: text})
		s.say("care.optout.done", nil)
		return true
	}
	s.out = append(s.out, Action{Kind: ActOptIn, Note: text})
	s.say("care.optin.done", nil)
	return true
}

// careWhileAgent records the answer to a re-check that reached the
// customer while a person holds the conversation: the person reads it and
// answers; the touchpoint keeps the outcome.
func (s *step) careWhileAgent(text, choice string) {
	cs := s.st.Care
	if cs == nil || cs.Step != careStepReply {
		return
	}
	ans := FunctionCheck(text)
	if choice != "" {
		ans = FunctionCheck(choice)
	}
	switch ans {
	case CheckWorks:
		s.closeCare(CareOutcomeFixed, text)
	case CheckBroken:
		s.closeCare(CareOutcomeNotFixed, text)
	}
}
