package dialog

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// Email is not chat: a round trip can take hours, so the bot asks for every
// missing field in one message, as a list the customer fills in, and takes
// a reply that answers some of them in any order ("电话：138…", "Model: X").

func (s *step) allText(fields []cases.FieldKey) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.t("summary.item", map[string]any{"Field": s.t("field."+string(f), nil), "Value": ""}))
	}
	return s.t("ask.all", map[string]any{"Items": b.String()})
}

func (s *step) askAll(fields []cases.FieldKey) {
	if len(s.st.AskingAll) == 0 {
		s.st.Attempts = 0
	}
	s.st.AskingAll, s.st.Asking = fields, ""
	s.markAsked()
	s.reply(Reply{Text: s.allText(fields), Field: "fields"})
}

var labelLine = regexp.MustCompile(`^\s*(?:\d+[.)、]\s*)?([^:：]{1,20})[:：]\s*(.+?)\s*$`)

// fillAll reads "label: value" lines for the fields asked; labels match in
// any of the languages. It reports whether it learned anything.
func (s *step) fillAll(text string) bool {
	learned := false
	for _, line := range strings.Split(text, "\n") {
		m := labelLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		field, ok := s.fieldByLabel(m[1])
		if !ok {
			continue
		}
		if v, ok := s.e.nlu.Interpret(m[2], nlu.Context{Asking: field, Now: s.now}).Values[field]; ok && v.Answer {
			if s.setValue(field, v) {
				learned = true
			}
		}
	}
	// One field asked: the reply is its answer, label or not ("Raj Patel").
	if len(s.st.AskingAll) == 1 && s.st.Fields[s.st.AskingAll[0]] == "" {
		f := s.st.AskingAll[0]
		if v, ok := s.e.nlu.Interpret(text, nlu.Context{Asking: f, Now: s.now}).Values[f]; ok && v.Answer && s.setValue(f, v) {
			learned = true
		}
	} else if s.fillUnlabelled(text) {
		learned = true
	}
	if learned {
		s.reclassify()
	}
	return learned
}

// fillUnlabelled reads short lines without a label as answers to the
// fields still open, the name last: a mail reply that is only "Maarten de
// Vries" or "May 2024" answers one of the items asked without naming it.
func (s *step) fillUnlabelled(text string) bool {
	learned := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || utf8.RuneCountInString(line) > 40 || labelLine.MatchString(line) {
			continue
		}
		for _, f := range namesLast(s.st.AskingAll) {
			if s.st.Fields[f] != "" {
				continue
			}
			if v, ok := s.e.nlu.Interpret(line, nlu.Context{Asking: f, Now: s.now}).Values[f]; ok && v.Answer && s.setValue(f, v) {
				learned = true
				break
			}
		}
	}
	return learned
}

// namesLast orders fields so that the name, which a short line of almost
// anything could be, is tried after every other.
func namesLast(fields []cases.FieldKey) []cases.FieldKey {
	out := make([]cases.FieldKey, 0, len(fields))
	for _, f := range fields {
		if f != cases.FieldCustomerName {
			out = append(out, f)
		}
	}
	if slices.Contains(fields, cases.FieldCustomerName) {
		out = append(out, cases.FieldCustomerName)
	}
	return out
}

// fieldByLabel maps a label the customer kept from the list (in any
// language, or the canonical key) to the field.
func (s *step) fieldByLabel(label string) (cases.FieldKey, bool) {
	label = strings.ToLower(strings.TrimSpace(label))
	for _, f := range cases.AllFields {
		if label == string(f) {
			return f, true
		}
		for _, lang := range Languages {
			if l := strings.ToLower(s.e.cfg.Templates.Render(lang, "field."+string(f), nil)); l != "" && (label == l || strings.Contains(label, l)) {
				return f, true
			}
		}
	}
	return "", false
}
