package dialog

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog/nlu"
)

// The intake policy. Every message is interpreted in full whatever was
// asked (mixed initiative): what it carries is kept, the open question
// counts as answered only when its field got a value, and a message that
// says something else useful is acknowledged and the question is put again
// once in other words. "Didn't understand" is said only when nothing at
// all was learned.

// askOrder is the order in which a good agent asks: the problem and the
// product first, then what the customer wants, the purchase, contact, and
// the name last.
var askOrder = []cases.FieldKey{
	cases.FieldSymptom, cases.FieldProductModel, cases.FieldBatch, cases.FieldDemand,
	cases.FieldPurchaseDate, cases.FieldPurchaseProof, cases.FieldOccurredAt, cases.FieldEnvironment,
	cases.FieldTried, cases.FieldPhone, cases.FieldEmail, cases.FieldCompany, cases.FieldCustomerName,
}

func askRank(k cases.FieldKey) int {
	if i := slices.Index(askOrder, k); i >= 0 {
		return i
	}
	return len(askOrder)
}

// interpret reads text in the context of the open question.
func (s *step) interpret(text string) *nlu.Interpretation {
	s.in = s.e.nlu.Interpret(text, nlu.Context{Asking: s.st.Asking, AskingAll: s.st.AskingAll, Now: s.now, Lang: s.st.Lang,
		HaveProblem: s.st.Fields[cases.FieldSymptom] != "", Country: s.st.Country})
	if cc := nlu.CountryIn(text); cc != "" {
		s.st.Country = cc
	}
	return s.in
}

// collect handles a message while fields are being collected.
func (s *step) collect(text, choice string) {
	s.st.Phase = PhaseCollecting
	if nlu.IsStatusQuery(text) && s.st.CaseID == 0 {
		s.say("status.none", nil)
		return
	}
	if text != "" && choice == "" && nlu.IsGreeting(text) && len(s.st.Fields) == 0 && len(s.st.Texts) == 0 {
		s.st.Asking = cases.FieldSymptom
		s.st.LastAskedAt = s.now
		s.reply(Reply{Text: s.t("greeting", nil), Field: cases.FieldSymptom})
		return
	}
	before := s.knownFields()
	asking := s.st.Asking
	var in *nlu.Interpretation
	if text != "" {
		in = s.interpret(text)
	}

	switch {
	case len(s.st.AskingAll) > 0:
		applied := s.apply(in, choice)
		if !s.fillAll(text) && !applied {
			s.retry("hint.all")
			return
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
			detail = in.Problem
			in.Problem = ""
			s.apply(in, "")
		}
		if detail != "" && !nlu.IsNo(detail) && !strings.Contains(s.st.Fields[cases.FieldSymptom], detail) {
			s.st.Fields[cases.FieldSymptom] += "（" + detail + "）"
			s.addText(detail)
			s.reclassify()
		}
	case s.st.AskingCategory:
		if c, ok := s.parseCategory(text, choice); ok {
			s.st.AskingCategory = false
			s.st.Category, s.st.CategoryChosen = c, true
			s.st.Attempts = 0
			s.apply(in, "")
			s.reclassify()
		} else if !s.apply(in, "") {
			s.retry("hint.category.invalid")
			return
		}
	case asking != "":
		prev := s.st.Fields[asking]
		learned := s.apply(in, "")
		if choice != "" {
			// A button is the answer itself.
			answer := s.e.nlu.Interpret(choice, nlu.Context{Asking: asking, Now: s.now})
			if v, ok := answer.Values[asking]; ok {
				learned = s.setValue(asking, v) || learned
			}
		}
		if asking == cases.FieldSymptom && s.st.Fields[cases.FieldSymptom] == "" && in != nil {
			// Asked what the problem is, anything that is not a yes, a
			// greeting or politeness describes it.
			if p := strings.TrimSpace(text); utf8.RuneCountInString(p) >= 2 && !nlu.IsYes(p) && !nlu.IsNo(p) && !nlu.IsPolite(p) {
				s.st.Fields[cases.FieldSymptom] = p
				s.addText(p)
				s.reclassify()
				learned = true
			}
		}
		if s.st.Fields[cases.FieldPhone] == "" && choice == "" && (asking == cases.FieldPhone || s.st.PartialPhone != "" || nlu.HasPhoneLabel(text)) {
			// Also a number begun unasked ("电话 139 5021", then "6634").
			learned = s.partialPhone(text) || learned
		}
		if cur := s.st.Fields[asking]; cur != "" && (cur != prev || prev == "") {
			s.st.Asking, s.st.Attempts = "", 0
			s.st.PartialPhone = ""
			break
		}
		if s.st.PartialPhone != "" && asking == cases.FieldPhone {
			s.askPhoneRest()
			return
		}
		switch {
		case in != nil && in.Has(nlu.IntentRefuse) && !learned && choice == "" && (asking != cases.FieldEmail || !s.st.Batch):
			// Not given is an answer too: the channel stays the contact,
			// the name or the model can wait for the agent.
			s.st.Declined = append(s.st.Declined, asking)
			s.st.Asking, s.st.Attempts = "", 0
			key := "declined." + string(asking)
			if !s.e.cfg.Templates.Has(key) {
				key = "declined"
			}
			s.say(key, nil)
		case asking == cases.FieldPurchaseDate && in != nil && in.VaguePurchase && !learned:
			s.retry("hint.date.invalid") // when is unclear: say how to put it
			return
		case choice == "" && in != nil && in.Has(nlu.IntentQuestion):
			s.askAside()
			return
		case learned || in != nil && s.restates(in):
			s.st.Reask = true // acknowledged and asked again in other words
		case choice == "" && s.lateName(text):
			s.st.Reask = true // "Sophie": the name, said when asked something else
		case choice == "" && asking == cases.FieldPhone && s.foreignNumber(text):
			s.st.Asking, s.st.Attempts = "", 0
		case choice == "" && in != nil && in.Has(nlu.IntentWait):
			// "等下我找找": the question stays open, nothing is counted.
			s.markAsked()
			s.reply(Reply{Kind: "wait", Text: s.t("wait", nil), Field: asking})
			return
		case choice == "" && in != nil && in.Has(nlu.IntentRemark):
			s.remark()
			return
		default:
			s.retry("hint." + s.e.nlu.AnswerHint(asking, text, s.now))
			return
		}
	default:
		s.apply(in, "")
		if choice != "" {
			if d, ok := nlu.ParseDemand(choice); ok {
				s.setField(cases.FieldDemand, string(d))
			}
		}
	}

	if s.tryFAQ(text) {
		return
	}
	if s.st.Priority == cases.P1 && s.safetyKey() != "" && !s.st.SafetyAdvised {
		// Safety first: the advice cannot wait for the questions.
		s.st.SafetyAdvised = true
		s.say(s.safetyKey(), nil)
	}
	var gained []cases.FieldKey
	for _, k := range s.knownFields() {
		if !slices.Contains(before, k) && k != cases.FieldSymptom {
			gained = append(gained, k)
		}
	}
	if choice == "" && !s.st.Aside && in != nil && in.Has(nlu.IntentQuestion) && in.Evidence != cases.CategoryConsultation && !asksForRemedy(in) {
		// Their own question rode along with an answer: say it will be
		// answered, with the next question.
		s.st.Aside, s.asideNote = true, true
	}
	if len(gained) >= 2 && s.st.Phase == PhaseCollecting && !s.st.Reask {
		// Show what was understood so the customer sees nothing is asked twice.
		s.say("ack", map[string]any{"Summary": s.summary(gained, s.listSep())})
	}
	s.next()
}

// asksForRemedy reports whether a question is a request for a remedy
// ("能不能给我换个新的", "can someone come and fix it?"): that is the
// demand, not a question to answer later.
func asksForRemedy(in *nlu.Interpretation) bool {
	d, ok := in.Values[cases.FieldDemand]
	return ok && d.Value != string(cases.DemandConsultation) && d.Value != string(cases.DemandOther)
}

// apply keeps everything an interpretation found: field values (an
// explicit one replaces a guess), the problem description and the text for
// classification. It reports whether anything was learned.
func (s *step) apply(in *nlu.Interpretation, choice string) bool {
	if in == nil {
		return false
	}
	learned := false
	for _, k := range cases.AllFields {
		if v, ok := in.Values[k]; ok && v.Value != "" {
			if s.setValue(k, v) {
				learned = true
			}
		}
	}
	if s.st.Fields[cases.FieldPurchaseDate] == "" && (in.PurchaseYear != 0 || in.PurchaseVague) {
		rough := "?"
		if in.PurchaseYear != 0 {
			rough = strconv.Itoa(in.PurchaseYear)
		}
		switch {
		case in.PurchaseUnsure || s.st.Asking == cases.FieldPurchaseDate && s.st.PurchaseRough != "":
			// Asked for the month and still only a rough time: the date
			// is not known (a year is no purchase date; the agent reads
			// the customer's words in the conversation).
			if s.st.PurchaseRough == "" {
				s.st.PurchaseRough = rough
			}
			learned = s.setField(cases.FieldPurchaseDate, cases.Unknown) || learned
		case rough != "?" || s.st.PurchaseRough == "":
			s.st.PurchaseRough = rough
			learned = true
		}
	}
	if cur := s.st.Fields[cases.FieldPhone]; in.PhoneTail != "" && cur != "" {
		// "不对，尾号是687": the end of the number is corrected.
		learned = s.setField(cases.FieldPhone, patchTail(cur, in.PhoneTail)) || learned
	}
	if in.Arrival != "" && s.st.Fields[cases.FieldOccurredAt] == "" {
		learned = s.setField(cases.FieldOccurredAt, in.Arrival) || learned
	}
	if in.LooseDate != "" {
		// A date with no cue answers what the customer expects to be asked:
		// when they bought it, then when it started.
		switch {
		case s.st.Fields[cases.FieldPurchaseDate] == "":
			learned = s.setField(cases.FieldPurchaseDate, in.LooseDate) || learned
		case s.st.Fields[cases.FieldOccurredAt] == "":
			learned = s.setField(cases.FieldOccurredAt, in.LooseDate) || learned
		}
	}
	if in.Problem != "" {
		s.addText(in.Text.Orig)
		sym := s.st.Fields[cases.FieldSymptom]
		switch {
		case sym == "":
			s.st.Fields[cases.FieldSymptom] = in.Problem
			learned = true
		case !strings.Contains(sym, in.Problem) && s.st.Phase != PhaseConfirming:
			sep := "；"
			if !hasHan(in.Problem) {
				sep = "; "
			}
			s.st.Fields[cases.FieldSymptom] = sym + sep + in.Problem
			learned = true
		}
	} else if learned || in.Intents&(nlu.IntentPolite|nlu.IntentYes|nlu.IntentNo|nlu.IntentGreeting) == 0 {
		// Priority words said on their own count too ("不急", "all of them").
		s.addText(in.Text.Orig)
	}
	if learned || in.Problem != "" {
		s.reclassify()
	}
	return learned
}

// setValue sets a field from an interpretation. A name taken from a bare
// reply is a guess: an explicit one ("我叫…", a signature) replaces it, but
// a guess never replaces an explicit name.
func (s *step) setValue(k cases.FieldKey, v nlu.Value) bool {
	if k == cases.FieldCustomerName {
		cur := s.st.Fields[k]
		if cur != "" && cur != v.Value && !v.Explicit && !v.Answer && !strings.HasPrefix(v.Value, cur+" ") {
			return false // a guess never replaces a name already there, but completes it ("Helen" → "Helen Marsh")
		}
		if strings.HasPrefix(cur, v.Value+" ") {
			return false // "ask for Leo" after "Leo Marchetti": the full name stays
		}
		if !s.setField(k, v.Value) {
			return false
		}
		s.st.NameGuessed = !v.Explicit && !v.Answer
		return true
	}
	cur := s.st.Fields[k]
	switch {
	case cur == "" || cur == cases.Unknown || cur == "none":
	case k == cases.FieldEnvironment || k == cases.FieldTried:
		// Said bit by bit: each part adds to what is known.
		if strings.Contains(cur, v.Value) || v.Value == "none" || v.Value == cases.Unknown {
			return false
		}
		sep := "；"
		if !hasHan(v.Value) {
			sep = "; "
		}
		return s.setField(k, cur+sep+v.Value)
	case k == cases.FieldDemand && !v.Answer:
		// A later question ("多久能修好？") does not undo a wish already
		// said; a new concrete wish ("还是退了吧") does.
		if d := cases.Demand(v.Value); d == cases.DemandConsultation || d == cases.DemandOther && cur != string(cases.DemandConsultation) {
			return false
		}
	}
	return s.setField(k, v.Value)
}

// patchTail replaces the last digits of phone with tail, keeping its
// separators; a tail as long as the number's digits changes nothing.
func patchTail(phone, tail string) string {
	b := []byte(phone)
	n := 0
	for i := len(b) - 1; i >= 0 && n < len(tail); i-- {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = tail[len(tail)-1-n]
			n++
		}
	}
	if n < len(tail) {
		return phone
	}
	return string(b)
}

func (s *step) setField(k cases.FieldKey, v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || s.st.Fields[k] == v {
		return false
	}
	s.st.Fields[k] = v
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

func (s *step) addText(t string) {
	t = strings.TrimSpace(t)
	if t == "" || slices.Contains(s.st.Texts, t) {
		return
	}
	s.st.Texts = append(s.st.Texts, t)
	if len(s.st.Texts) > 20 {
		s.st.Texts = s.st.Texts[len(s.st.Texts)-20:]
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x3400 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// reclassify recomputes category and priority from everything said. A
// category the customer picked is kept, but priority is always recomputed:
// a later "it's smoking now" must raise it.
func (s *step) reclassify() {
	c := s.e.cls.ClassifyAfter(s.in, s.st.Texts, s.st.Fields)
	if s.st.CategoryChosen && s.st.Category != "" && c.Category != s.st.Category {
		chosen := s.st.Category
		if rule := s.e.cfg.Rules.Category(chosen); rule != nil && c.Priority != cases.P1 && rule.DefaultPriority != "" {
			c.Priority = rule.DefaultPriority
		}
		c.Category, c.Subtype = chosen, "other"
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
	if s.st.Fields[cases.FieldOccurredAt] == "" && s.st.Phase == PhaseCollecting && s.hasReason("p1:safety") {
		// Sparks, smoke, a shock told with no time are happening now: an
		// agent writes down today.
		s.st.Fields[cases.FieldOccurredAt] = s.now.In(s.e.cfg.Location).Format("2006-01-02")
	}
	if c.Category == cases.CategoryConsultation && s.st.Fields[cases.FieldDemand] == "" {
		// A question asks for an answer: that is the demand.
		s.st.Fields[cases.FieldDemand] = string(cases.DemandConsultation)
	}
}

// missing lists the fields still to ask for category c in the order a
// good agent asks; a field asked twice without an answer goes last, so the
// customer is not asked the same thing over and over while other questions
// wait.
func (s *step) missing(c cases.Category) []cases.FieldKey {
	m := slices.DeleteFunc(s.e.cfg.Rules.Missing(c, s.st.Fields), func(k cases.FieldKey) bool {
		return slices.Contains(s.st.Declined, k) || k == cases.FieldEmail && slices.Contains(s.st.Declined, cases.FieldPhone)
	})
	slices.SortStableFunc(m, func(a, b cases.FieldKey) int {
		ra, rb := askRank(a), askRank(b)
		if s.st.Asked[a] >= 2 {
			ra += 100
		}
		if s.st.Asked[b] >= 2 {
			rb += 100
		}
		return ra - rb
	})
	return m
}

// next asks the next question, or restates the case for confirmation.
func (s *step) next() {
	s.st.Phase = PhaseCollecting
	s.nameFromChannel() // the mail's From name: the name is confirmed, not asked
	if s.st.Fields[cases.FieldSymptom] == "" {
		s.ask(cases.FieldSymptom)
		return
	}
	cat := s.st.Category
	if cat == "" {
		// Without a category we still know what most cases need: ask that
		// first, the category last (with buttons).
		cat = cases.CategoryTechnical
	}
	if s.st.Batch {
		s.st.Clarified = true // one round trip per question is too slow by mail
		if missing := s.missing(cat); len(missing) > 0 {
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
		if missing := s.missing(cat); len(missing) > 0 && !s.st.AskingCategory {
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
	if missing := s.missing(s.st.Category); len(missing) > 0 {
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

// ask puts the question for field k. Asked again right after the customer
// said something else useful, it acknowledges that and asks in other words.
func (s *step) ask(k cases.FieldKey) {
	reask := s.st.Reask && s.st.Asking == k
	s.st.Reask = false
	if s.st.Asking != k {
		s.st.Attempts, s.st.Aside = 0, false
	}
	s.st.Asking, s.st.AskingCategory = k, false
	if s.st.Asked == nil {
		s.st.Asked = map[cases.FieldKey]int{}
	}
	s.st.Asked[k]++
	s.markAsked()
	r := Reply{Text: s.t("ask."+string(k), nil), Field: k, Choices: s.choicesFor(k)}
	again := s.t("reask."+string(k), nil)
	switch {
	case k == cases.FieldPurchaseDate && s.st.PurchaseRough == "?":
		r.Text = s.t("ask.purchase_date.rough", nil)
		again = r.Text
	case k == cases.FieldPurchaseDate && s.st.PurchaseRough != "":
		r.Text = s.t("ask.purchase_date.year", map[string]any{"Year": s.st.PurchaseRough})
		again = r.Text
	}
	if reask {
		r.Kind, r.Text = "reask", s.t("reask", map[string]any{"Question": again})
	}
	if s.asideNote {
		s.asideNote = false
		r.Kind, r.Text = "aside", s.t("aside.question", map[string]any{"Question": r.Text})
	}
	s.reply(r)
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

// aside answers the customer's own question mid-intake ("多久能修好？"):
// it is not a wrong answer; say when it will be answered and ask again
// without counting it. Only the first such question is free.
func (s *step) askAside() {
	s.st.Aside = true
	q, field, choices := s.currentQuestion()
	s.markAsked()
	s.reply(Reply{Text: s.t("aside.question", map[string]any{"Question": q}), Field: field, Choices: choices, Kind: "aside"})
}

// remark acknowledges what the customer said beside the question ("人没事",
// "快点啊") and asks again. It counts as an attempt: a customer who only
// protests is better served by a person.
func (s *step) remark() {
	s.failedAttempt("reask", func(q string) string { return s.t("remark", map[string]any{"Question": q}) })
}

// failedAttempt counts an answer that did not answer: after too many a
// person takes over, else the open question is put again in text(q).
func (s *step) failedAttempt(kind string, text func(question string) string) {
	s.st.Attempts++
	if s.st.Attempts >= s.e.cfg.MaxAttempts {
		s.handoff("too_many_attempts", "handoff.attempts")
		return
	}
	q, field, choices := s.currentQuestion()
	s.markAsked()
	s.reply(Reply{Text: text(q), Field: field, Choices: choices, Kind: kind})
}

// retry re-asks the open question saying it was not understood, or hands
// off after too many failed attempts. Only a message from which nothing at
// all was learned gets here.
func (s *step) retry(hintKey string) {
	if s.ev.Choice == "" && nlu.IsQuestion(s.text) {
		s.askAside()
		return
	}
	if !s.e.cfg.Templates.Has(hintKey) {
		hintKey = "hint.generic"
	}
	s.failedAttempt(KindNotUnderstood, func(q string) string {
		return s.t("retry", map[string]any{"Hint": s.t(hintKey, nil), "Question": q})
	})
}

var categoryWords = map[cases.Category][]string{
	cases.CategoryTechnical:    {"故障", "坏", "技术", "technical", "fault", "broken"},
	cases.CategoryLogistics:    {"物流", "配送", "快递", "发货", "delivery", "shipping"},
	cases.CategoryQuality:      {"质量", "品质", "外观", "quality"},
	cases.CategoryConsultation: {"咨询", "问题咨询", "question", "consult"},
}

func (s *step) parseCategory(text, choice string) (cases.Category, bool) {
	if c, ok := strings.CutPrefix(choice, "category:"); ok && cases.Category(c).Valid() {
		return cases.Category(c), true
	}
	if c, ok := s.e.cls.Evidence(text); ok {
		return c, true
	}
	t := nlu.Fold(text)
	for _, c := range cases.Categories {
		if strings.Contains(t, nlu.Fold(s.t("category."+string(c), nil))) {
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

// partialPhone joins a phone number typed over two messages ("138 1234"
// then "5678"): a short run of digits is kept until the rest arrives.
func (s *step) partialPhone(text string) bool {
	digits, ok := nlu.PhoneDigits(text)
	if !ok && s.st.PartialPhone != "" {
		digits, ok = nlu.PhoneRest(text)
	}
	if !ok {
		return false
	}
	joined := s.st.PartialPhone + digits
	if s.st.PartialPhone != "" {
		// One continuation: the rest makes a number, or it was no number.
		s.st.PartialPhone = ""
		in := s.e.nlu.Interpret(joined, nlu.Context{Asking: cases.FieldPhone, Now: s.now})
		if v, ok := in.Values[cases.FieldPhone]; ok {
			return s.setValue(cases.FieldPhone, v)
		}
		return s.foreignNumber(joined)
	}
	if n := len(strings.TrimPrefix(joined, "+")); n >= 2 && n <= 8 && nlu.CanStartPhone(joined) {
		s.st.PartialPhone = joined
		return true
	}
	s.st.PartialPhone = ""
	return false
}

// askPhoneRest asks for the rest of a number typed in pieces.
func (s *step) askPhoneRest() {
	s.markAsked()
	s.reply(Reply{Kind: "reask", Text: s.t("phone.partial", nil), Field: cases.FieldPhone})
}

// lateName keeps a lone first name given while something else was asked,
// when the name is not known yet.
func (s *step) lateName(text string) bool {
	name, ok := nlu.LoneFirstName(text)
	if !ok || s.st.Fields[cases.FieldCustomerName] != "" {
		return false
	}
	s.st.Fields[cases.FieldCustomerName] = name
	s.st.NameGuessed = true
	return true
}

// foreignNumber keeps, in a conversation held in English, a number kefu
// cannot place in a country it knows: better the customer's own digits
// than asking again for a number they have given.
func (s *step) foreignNumber(text string) bool {
	digits, ok := nlu.LoosePhone(text)
	if s.st.Lang != "en" || !ok {
		return false
	}
	s.st.PartialPhone = ""
	return s.setField(cases.FieldPhone, digits)
}
