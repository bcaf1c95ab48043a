package dialog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// The conversation after resolution (SPEC §6–§7): for repair and exchange
// the customer is asked whether the product works again (no → the case
// reopens), then the satisfaction survey runs inside the conversation, one
// dimension at a time, and a low score or the wish to complain opens a
// complaint. A customer who changes the subject is answered and brought
// back to the open question.

func (s *step) onResolved(ev Event) {
	if s.st.Phase == PhaseAgent || s.st.Phase == PhaseWaitingAgent {
		return // an agent is talking to the customer; they close the loop
	}
	s.st.Asking, s.st.CheckAsked, s.st.RecheckPending, s.st.Care = "", 0, false, nil
	if ev.Recheck {
		// Guidance to observe: the function check is asked at the
		// re-check (care.go); an answer before it is taken as it comes.
		s.st.Phase, s.st.RecheckPending = PhaseCheck, true
		s.say("care.recheck.later", nil)
		return
	}
	if ev.NeedsCheck {
		s.st.Phase = PhaseCheck
		s.askCheck("check.ask")
		return
	}
	s.startSurvey()
}

func (s *step) onReopened() {
	switch s.st.Phase {
	case PhaseCheck, PhaseSurvey, PhaseDone:
		s.st.Phase = PhaseRegistered
	}
}

func (s *step) askCheck(key string) {
	s.markAsked()
	s.reply(Reply{Kind: "function_check", Text: s.t(key, nil), Field: "function_check", Choices: []Choice{
		{Value: "check:works", Label: s.t("choice.check_works", nil)},
		{Value: "check:broken", Label: s.t("choice.check_broken", nil)},
	}})
}

func (s *step) onCheck(text, choice string) {
	if s.complaint(text, choice) {
		return
	}
	ans := FunctionCheck(text)
	if choice != "" {
		ans = FunctionCheck(choice)
	}
	if s.st.RecheckPending && ans == CheckUnknown && choice == "" {
		// "OK, I'll try" to the guidance: the re-check asks later.
		if !s.aside(text, choice) {
			s.say("care.recheck.noted", nil)
		}
		return
	}
	if ans != CheckUnknown {
		// The answer goes on the case record, whichever it is.
		s.out = append(s.out, Action{Kind: ActFunctionCheck, Check: ans, Note: text})
		s.st.RecheckPending = false
		if s.st.Care != nil && s.st.Care.Script == CareRecheck {
			outcome := CareOutcomeFixed
			if ans == CheckBroken {
				outcome = CareOutcomeNotFixed
			}
			s.closeCare(outcome, text)
		}
	}
	switch ans {
	case CheckWorks:
		s.say("check.works", nil)
		s.startSurvey()
	case CheckBroken:
		s.st.Phase = PhaseRegistered
		s.out = append(s.out, Action{Kind: ActReopenCase, Note: text})
		s.say("check.broken", map[string]any{"Number": s.st.CaseNumber})
	default:
		if s.aside(text, choice) {
			s.askCheck("check.ask")
			return
		}
		s.st.CheckAsked++
		s.askCheck("check.retry")
	}
}

func (s *step) startSurvey() {
	s.st.Phase, s.st.Survey, s.st.SurveyStep = PhaseSurvey, map[SurveyDimension]int{}, 0
	s.say("survey.intro", map[string]any{"Number": s.st.CaseNumber})
	if s.st.Batch {
		// By mail: every question in one message, answered in one reply.
		s.markAsked()
		s.reply(Reply{Kind: "survey", Text: s.t("survey.all", nil), Field: "survey"})
		return
	}
	s.askSurvey()
}

func (s *step) ratingChoices() []Choice {
	cs := make([]Choice, 0, 5)
	for r := 5; r >= 1; r-- {
		cs = append(cs, Choice{Value: fmt.Sprintf("rating:%d", r), Label: s.t(fmt.Sprintf("rating.%d", r), nil)})
	}
	return cs
}

// askSurvey asks the open survey question.
func (s *step) askSurvey() {
	s.markAsked()
	if s.st.SurveyStep < len(SurveyDimensions) {
		d := SurveyDimensions[s.st.SurveyStep]
		s.reply(Reply{Kind: "survey", Text: s.t("survey.q."+string(d), nil), Field: cases.FieldKey("survey." + string(d)), Choices: s.ratingChoices()})
		return
	}
	s.reply(Reply{Kind: "survey", Text: s.t("survey.comment", nil), Field: "survey.comment", Choices: []Choice{{Value: "none", Label: s.t("choice.none", nil)}}})
}

func (s *step) onSurvey(text, choice string) {
	if s.complaint(text, choice) {
		return
	}
	if s.st.SurveyStep >= len(SurveyDimensions) {
		comment := text
		if choice == "none" || SkipsComment(text) {
			comment = ""
		}
		s.finishSurvey(comment)
		return
	}
	// Several scores at once ("5 4 5", "及时性5 专业性4 效果5") fill the
	// open questions in order.
	if choice == "" {
		if many := ParseRatings(text); len(many) >= 2 {
			for _, d := range SurveyDimensions[s.st.SurveyStep:] {
				if v, ok := many[d]; ok {
					s.st.Survey[d] = v
				}
			}
			if s.st.Batch && len(s.st.Survey) == len(SurveyDimensions) {
				s.finishSurvey(commentLine(text))
				return
			}
			s.advanceSurvey()
			return
		}
	}
	in := text
	if choice != "" {
		in = choice
	}
	if score, ok := ParseRating(in); ok {
		s.st.Survey[SurveyDimensions[s.st.SurveyStep]] = score
		s.advanceSurvey()
		return
	}
	if s.aside(text, choice) {
		s.askSurvey()
		return
	}
	s.say("survey.retry", nil)
	s.askSurvey()
}

// advanceSurvey moves to the first unanswered question.
func (s *step) advanceSurvey() {
	for s.st.SurveyStep < len(SurveyDimensions) {
		if _, ok := s.st.Survey[SurveyDimensions[s.st.SurveyStep]]; !ok {
			break
		}
		s.st.SurveyStep++
	}
	s.askSurvey()
}

func (s *step) finishSurvey(comment string) {
	res := &SurveyResult{Scores: map[SurveyDimension]int{}, Comment: strings.TrimSpace(comment)}
	low := false
	for d, v := range s.st.Survey {
		res.Scores[d] = v
		if v <= 2 {
			low = true
		}
	}
	s.st.Phase = PhaseDone
	s.out = append(s.out, Action{Kind: ActSurvey, Survey: res})
	if low {
		// SPEC §6: a low score opens the complaint flow.
		s.out = append(s.out, Action{Kind: ActComplaint, Note: "low survey score " + scoresText(res.Scores)})
		s.say("complaint.low_score", map[string]any{"Number": s.st.CaseNumber})
		return
	}
	s.say("survey.thanks", nil)
}

func scoresText(m map[SurveyDimension]int) string {
	var parts []string
	for _, d := range SurveyDimensions {
		if v, ok := m[d]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", d, v))
		}
	}
	return strings.Join(parts, ", ")
}

// complaint opens a complaint when the customer asks for one.
func (s *step) complaint(text, choice string) bool {
	if choice != "" || !WantsComplaint(text) || s.st.CaseID == 0 {
		return false
	}
	s.out = append(s.out, Action{Kind: ActComplaint, Note: text})
	if s.st.Phase == PhaseCheck || s.st.Phase == PhaseSurvey {
		s.st.Phase = PhaseRegistered
	}
	s.say("complaint.received", map[string]any{"Number": s.st.CaseNumber})
	return true
}

// aside answers a message that is about something else (a status
// question, a new problem, an addition) and reports whether it did.
func (s *step) aside(text, choice string) bool {
	if choice != "" || text == "" {
		return false
	}
	if nlu.IsStatusQuery(text) {
		s.sayStatus()
		return true
	}
	if !ChangesSubject(text) {
		return false
	}
	// File it on the case so the team sees it; the open question follows.
	s.out = append(s.out, Action{Kind: ActUpdateCase, Note: text})
	s.say("noted", map[string]any{"Number": s.st.CaseNumber})
	return true
}

// afterDone handles messages once the survey is over: politeness is
// answered, anything else starts a new intake.
func (s *step) afterDone(text, choice string) {
	if s.complaint(text, choice) {
		return
	}
	if nlu.IsPolite(text) || nlu.IsYes(text) || nlu.IsGreeting(text) {
		s.say("thanks.reply", map[string]any{"Number": s.st.CaseNumber})
		return
	}
	if nlu.IsStatusQuery(text) {
		s.sayStatus()
		return
	}
	s.resetIntake()
	s.collect(text, choice)
}

var commentRe = regexp.MustCompile(`(?im)^\s*(?:\d+[.)、]\s*)?(?:意见|意見|建议|建議|其他|comments?|suggestions?)[^:：]{0,10}[:：]\s*(.+?)\s*$`)

// commentLine finds the optional comment in a reply answering the whole
// survey at once.
func commentLine(text string) string {
	if m := commentRe.FindStringSubmatch(text); m != nil && !SkipsComment(m[1]) {
		return m[1]
	}
	return ""
}
