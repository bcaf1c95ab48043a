package dialog

import (
	"slices"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// Confirmation (需求确认, SPEC §2): the bot restates what it understood and
// the customer confirms or corrects it in their own words.

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

func (s *step) askWhich() {
	s.st.AskingWhich = true
	s.markAsked()
	s.reply(Reply{Text: s.t("ask.which", nil), Field: "which", Choices: s.whichChoices()})
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
	case choice == "confirm" || choice == "" && nlu.IsYes(text) && !nlu.HasCorrection(text):
		s.register()
		return
	case choice == "edit":
		s.askWhich()
		return
	}
	if choice == "" && s.st.Fields[cases.FieldPhone] == "" && (s.st.PartialPhone != "" || nlu.HasPhoneLabel(text)) && s.partialPhone(text) {
		// A number given in two pieces at the confirmation ("留個電話給你們 09", "61-448-227").
		if s.st.PartialPhone != "" {
			s.askPhoneRest()
			return
		}
		s.askConfirm()
		return
	}
	before := cloneState(s.st)
	if in := s.interpret(text); in.Problem != "" && !nlu.IsYes(text) && !nlu.IsNo(text) && !nlu.IsPolite(text) {
		// What is said about the problem at the confirmation counts for the
		// classification too: a question confirmed as a consultation may
		// turn out to be a fault ("…压缩机不转"), a fault a stopped shop.
		s.addText(text)
		s.reclassify()
		if s.st.Category != before.Category && (s.st.Category == "" || len(s.e.cfg.Rules.Missing(s.st.Category, s.st.Fields)) > 0) {
			s.absorbCorrection(text)
			s.next()
			return
		}
	}
	if !s.absorbCorrection(text) {
		if nlu.IsNo(text) || nlu.HasCorrection(text) {
			s.askWhich()
			return
		}
		in := s.interpret(text)
		switch {
		case s.restates(in):
			// Said again what is already written down ("维修"): nothing
			// to change, the same summary stands.
			s.askConfirm()
			return
		case in.Problem != "":
			// More detail, not a correction: add it and confirm again.
			sym := s.st.Fields[cases.FieldSymptom]
			if !strings.Contains(sym, in.Problem) {
				s.st.Fields[cases.FieldSymptom] = strings.TrimLeft(sym+s.listSep()+in.Problem, "，; ")
				s.addText(in.Text.Orig)
				s.reclassify()
			}
			s.say("confirm.more", nil)
			s.askConfirm()
			return
		case in.Has(nlu.IntentRefuse):
			// "不用留电话了 就在这回答": nothing to change; the channel stays
			// the contact.
			s.say("declined", nil)
			s.askConfirm()
			return
		case nlu.IsPolite(text) && !nlu.HasCorrection(text):
			s.register() // "好 记下了 谢谢" agrees
			return
		case nlu.IsQuestion(text):
			s.askAside()
			return
		case s.st.Fields[cases.FieldCustomerName] == "" && s.bareName(text):
			// "Dan" at the confirmation: the customer signs with their name.
			s.askConfirm()
			return
		}
		s.retry("hint.generic") // the re-asked question already says how to confirm
		return
	}
	s.st.Attempts = 0
	changed := false
	for _, k := range cases.AllFields {
		if before.Fields[k] != s.st.Fields[k] {
			changed = true
		}
	}
	// A correction may have changed the category; it may need more fields.
	if changed && (s.st.Category == "" || len(s.e.cfg.Rules.Missing(s.st.Category, s.st.Fields)) > 0) {
		s.next()
		return
	}
	s.askConfirm()
}

// absorbCorrection applies a correction during confirmation: values found
// replace old ones (an explicit name replaces a guessed one); a correction
// of the problem itself replaces the symptom instead of appending to it.
func (s *step) absorbCorrection(text string) bool {
	s.st.AskingWhich = false
	in := s.interpret(text)
	learned := false
	for _, k := range cases.AllFields {
		if v, ok := in.Values[k]; ok && v.Value != "" {
			if k == cases.FieldCustomerName {
				v.Explicit = true // at the confirmation a name is a correction
			}
			if s.setValue(k, v) {
				learned = true
			}
		}
	}
	if !learned && len(in.Values) == 0 && nlu.HasCorrection(text) {
		if sym := s.e.nlu.Interpret(nlu.StripCorrection(text), nlu.Context{Asking: cases.FieldDemand, Now: s.now}).Problem; sym != "" {
			if _, ok := s.e.cls.Evidence(sym); ok {
				s.st.Fields[cases.FieldSymptom] = sym
				// Classified as said: "不是焦糊味，是新东西的味道" denies
				// the hazard the stripped "焦糊味…" would assert.
				s.st.Texts = []string{text}
				learned = true
			}
		}
	}
	if learned {
		s.reclassify()
	}
	return learned
}

func (s *step) register() {
	draft := s.draft()
	draft.Confirmed = true // the customer said yes to the restated fields
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

// restates reports whether every value in the message is one already
// written down.
func (s *step) restates(in *nlu.Interpretation) bool {
	if len(in.Values) == 0 {
		return false
	}
	for k, v := range in.Values {
		if s.st.Fields[k] != v.Value {
			return false
		}
	}
	return true
}

// bareName takes a message that is nothing but a name ("Dan", "王芳") as the
// customer's name, as a reply to the name question would be.
func (s *step) bareName(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || strings.ContainsAny(t, "0123456789@?？") || len([]rune(t)) > 24 || len(strings.Fields(t)) > 3 {
		return false
	}
	name, ok, _ := s.e.cfg.Extractor.ParseFieldAnswer(cases.FieldCustomerName, t, s.now)
	if !ok || name == "" || !strings.EqualFold(strings.Join(strings.Fields(name), ""), strings.Join(strings.Fields(strings.Trim(t, ".。!！,，~")), "")) {
		return false
	}
	return s.setField(cases.FieldCustomerName, name)
}
