package nlu

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

// Interpreter reads one customer message in the context of the
// conversation and says everything it finds in it: field values, the
// problem clauses, category evidence and what the message does (answers,
// asks, corrects, asks for a person…). It decides nothing; the dialog policy
// does, from the Interpretation, and never reads the raw text again. It is
// immutable and safe for concurrent use.
type Interpreter struct {
	x *Extractor
	c *Classifier
}

// NewInterpreter returns an interpreter over an extractor and a classifier.
func NewInterpreter(x *Extractor, c *Classifier) *Interpreter {
	return &Interpreter{x: x, c: c}
}

// Classifier returns the classifier the interpreter uses.
func (ip *Interpreter) Classifier() *Classifier { return ip.c }

// Context is what the interpreter knows of the conversation.
type Context struct {
	// Asking is the field the open question asks for ("" when none);
	// AskingAll the fields a mail asked for at once.
	Asking    cases.FieldKey
	AskingAll []cases.FieldKey
	Now       time.Time
	// HaveProblem: the problem is already known, so a question now is the
	// customer's own question, not the problem.
	HaveProblem bool
	// Lang is the conversation's language so far ("" at its start): a
	// Hong Kong number needs no cue in a Traditional Chinese conversation.
	Lang string
	// Country is the calling code of the country named earlier in the
	// conversation ("" none): "0722 415 963" after "Nairobi" is Kenya's.
	Country string
}

// Value is a field value found in a message.
type Value struct {
	Value string
	// Explicit: said with a cue (a label, "我叫", "my number is"), so it
	// replaces a value guessed earlier.
	Explicit bool
	// Answer: read as the answer to the open question.
	Answer bool
}

// Interpretation is everything found in one message.
type Interpretation struct {
	Text Text
	// Lang is the language the message is written in ("" = no signal).
	Lang    string
	Values  map[cases.FieldKey]Value
	Intents Intent
	// Problem is the part of the message that describes the problem (or
	// the question), in the customer's words; "" when it describes none.
	Problem string
	// Evidence is the category the message points to on its own ("" none).
	Evidence cases.Category
	// LooseDate is a date said with nothing tying it to the purchase or to
	// the fault ("上个月初" on its own), YYYY-MM-DD; the policy decides
	// which question it answers.
	LooseDate string
	// Arrival is the day the product arrived or was unpacked, YYYY-MM-DD:
	// when a product found broken or incomplete went wrong, if the
	// customer gives no day for the fault itself.
	Arrival string
	// VaguePurchase: the customer spoke of the purchase without a date
	// that can be pinned down ("很早以前买的", "bought it years ago").
	VaguePurchase bool
	// PurchaseYear is the year of the purchase when only the year was said
	// ("前年买的"); PurchaseVague: a time looser still ("去年夏天买的").
	PurchaseYear  int
	PurchaseVague bool
	// PurchaseUnsure: with that rough time the customer says they do not
	// remember more ("去年吧，记不清了"), so the month is not asked for.
	PurchaseUnsure bool
	// PhoneTail is the end of the phone number said again to correct it
	// ("不对，尾号是687", "last digits are 0183 not 0138"): digits only.
	PhoneTail string

	// an is the classifier's analysis of Text.Lower by cls, kept for
	// ClassifyAfter (nil when the message was not analysed).
	an  *analysis
	cls *Classifier
}

// Has reports whether the message does i.
func (in *Interpretation) Has(i Intent) bool { return in.Intents&i != 0 }

// Interpret reads text in ctx.
func (ip *Interpreter) Interpret(text string, ctx Context) *Interpretation {
	t := NewText(strings.TrimSpace(text))
	in := &Interpretation{Text: t, Lang: DetectLanguage(t.Orig), Values: map[cases.FieldKey]Value{}}
	if t.Orig == "" {
		return in
	}
	in.Intents = intents(t.Lower)
	found, ex := ip.x.extract(t.Orig, ctx.Now)
	if _, ok := found[cases.FieldPhone]; !ok && ctx.Lang == "zh-TW" {
		w := extNormalize(t.Orig)
		if c, ok := extPick(w, extFindPhonesIn(w, true)); ok {
			found[cases.FieldPhone] = c.value
		}
	}
	for k, v := range found {
		in.Values[k] = Value{Value: v, Explicit: k == cases.FieldCustomerName || k == cases.FieldCompany}
	}
	if ctx.Asking != "" && ctx.Asking != cases.FieldSymptom {
		if v, ok := ip.answer(ctx.Asking, t.Orig, ctx.Now); ok && !usedByOther(ctx.Asking, v, found) {
			in.Values[ctx.Asking] = Value{Value: v, Answer: true, Explicit: in.Values[ctx.Asking].Explicit}
		}
	}
	if p, ok := in.Values[cases.FieldPhone]; ok && ctx.Country != "" {
		// A local number in a text that names no country: the one named
		// earlier (a country the text names still comes first).
		w := extNormalize(t.Orig)
		if c, ok := extPick(w, extFindPhonesCC(w, false, ctx.Country)); ok {
			p.Value = c.value
			in.Values[cases.FieldPhone] = p
		}
	}
	if _, ok := in.Values[cases.FieldCustomerName]; !ok {
		if v, ok := bareName(t.Orig); ok && (extHasHan(v) || ctx.Asking != cases.FieldProductModel || !extHasDigit.MatchString(t.Orig)) {
			in.Values[cases.FieldCustomerName] = Value{Value: v}
		} else if v, ok := leadingName(t.Orig); ok {
			// "Claire Dobson. I'd prefer to keep this to email."
			in.Values[cases.FieldCustomerName] = Value{Value: v}
		} else if utf8.RuneCountInString(t.Orig) <= 40 && (found[cases.FieldPhone] != "" || found[cases.FieldEmail] != "" || len(extLooseNumbers(t.Orig)) > 0) && !in.Has(IntentCorrection) {
			// "周婷婷，13712349876", "JOHN SMITH 13900001111": the name is
			// what is left beside the contact details.
			if v := ip.x.nameBesideDetails(extTrimAnswer(extNormalize(t.Orig))); v != "" && !extNotNames[v] {
				in.Values[cases.FieldCustomerName] = Value{Value: v}
			}
		}
		if _, ok := in.Values[cases.FieldCustomerName]; !ok {
			if v, ok := signedFirstName(t.Orig); ok {
				in.Values[cases.FieldCustomerName] = Value{Value: v}
			}
		}
	}
	_, p := in.Values[cases.FieldPurchaseDate]
	_, o := in.Values[cases.FieldOccurredAt]
	if !p && !o {
		in.LooseDate = ex.loose
	}
	if !o {
		in.Arrival = ex.arrival
	}
	if !p {
		in.PurchaseYear, in.PurchaseVague = ex.purchaseYear, ex.purchaseVague
		in.PurchaseUnsure = (in.PurchaseYear != 0 || in.PurchaseVague) && extDateUnknownRe.MatchString(extNormalize(t.Orig))
	}
	if _, ok := in.Values[cases.FieldPhone]; !ok {
		in.PhoneTail = PhoneTail(t.Orig)
	}
	if !p && in.LooseDate == "" && purchaseRe.MatchString(t.Orig) {
		in.VaguePurchase = true
	}
	// What does not answer the open question is kept as more of the
	// problem; an answer is not (only problem words in it count).
	answered := ctx.Asking != "" && ctx.Asking != cases.FieldSymptom && in.Values[ctx.Asking].Answer
	in.Problem, in.Evidence, in.an = ip.problem(t, in.Intents, answered, !ctx.HaveProblem, ctx.Now)
	in.cls = ip.c
	return in
}

// answer reads text as the answer to a question about field. A reply often
// carries more than the answer ("王五，电话021-55667788"), so when the whole
// text is not an answer, each clause is tried on its own.
func (ip *Interpreter) answer(field cases.FieldKey, text string, now time.Time) (string, bool) {
	isName := field == cases.FieldCustomerName || field == cases.FieldCompany
	if !isName || ip.plausibleName(text, now) {
		if v, ok, _ := ip.x.ParseFieldAnswer(field, text, now); ok && v != "" {
			return v, true
		}
	}
	for _, cl := range clauseSplit.Split(text, -1) {
		if cl = strings.TrimSpace(cl); cl == "" || cl == strings.TrimSpace(text) || isName && !ip.plausibleName(cl, now) {
			continue
		}
		if len(ip.x.Extract(cl, now)) > 0 && field != cases.FieldProductModel {
			continue // "13500001234" is a phone, not a name
		}
		if v, ok, _ := ip.x.ParseFieldAnswer(field, cl, now); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// AnswerHint is the hint key for an answer to field that was not
// understood ("phone.invalid", "generic"…).
func (ip *Interpreter) AnswerHint(field cases.FieldKey, text string, now time.Time) string {
	_, _, hint := ip.x.ParseFieldAnswer(field, text, now)
	if hint == "" {
		return "generic"
	}
	return hint
}

// plausibleName rejects replies that are clearly about something else: a
// demand, a yes or no, problem words, a date, a long story.
func (ip *Interpreter) plausibleName(text string, now time.Time) bool {
	if IsYes(text) || IsNo(text) || WantsHuman(text) || AsksIfBot(text) {
		return false
	}
	if utf8.RuneCountInString(strings.TrimSpace(text)) > 40 {
		return false
	}
	if _, ok := ParseDemand(text); ok {
		return false
	}
	if _, ok := ip.c.Evidence(text); ok {
		return false
	}
	if _, ok := ParseDate(text, now, ip.x.loc); ok {
		return false
	}
	return true
}

var (
	clauseSplit = mustRx(`[，,。.！!？?；;\n]+`)
	timeWordRe  = mustRx(`(?i)以前|之前|前|年|月|天|周|星期|礼拜|久|时候|ago|year|month|week|when|since|back in|last`)
	purchaseRe  = mustRx(`(?i)(买|買|购|購|入手|下单|下單|bought|purchased|ordered|got it)`)
	entityRe    = mustRx(`(?i)(\d[\d\s\-]{6,}\d|@|尾号|尾號|last digits|电话|電話|手机|手機|号码|號碼|phone|mobile|email|邮箱|郵箱|订单|訂單|order|invoice|发票|發票|我叫|我是|姓名|my name|this is)`)
)

// problem keeps the clauses of text that describe a problem: greetings,
// contact details and bare demands are dropped. With needEvidence (an
// answer to another question) only clauses that point to a category count:
// "12345" answering "phone?" is not a symptom. It also returns the
// category the kept clauses point to, and the analysis of t.Lower.
func (ip *Interpreter) problem(t Text, intent Intent, needEvidence, first bool, now time.Time) (string, cases.Category, *analysis) {
	a := ip.c.analyseLower(t.Lower)
	var keep []string
	var w [4]float64
	for _, sp := range clauses(t.Lower) {
		cl := strings.TrimSpace(t.OrigSpan(sp.start, sp.end))
		if cl == "" {
			continue
		}
		n := utf8.RuneCountInString(cl)
		if n <= 12 && IsGreeting(cl) || n <= 40 && IsPreamble(cl) || intent&(IntentHuman|IntentAskBot) != 0 && (WantsHuman(cl) || AsksIfBot(cl)) {
			continue
		}
		cat := a.evidenceIn(sp.start, sp.end)
		evidence := cat != ""
		if !evidence && intent&(IntentWait|IntentRemark) != 0 {
			continue // "等下我找找", "人没事": said beside the problem
		}
		if (needEvidence || !first) && (!evidence || cat == cases.CategoryConsultation) && intent&IntentQuestion != 0 && IsQuestion(cl) {
			// "多久能修好？" later in the conversation is their own
			// question, not more of the problem.
			continue
		}
		if !evidence {
			if needEvidence || n < 4 || entityRe.MatchString(cl) || !substantive(cl) {
				continue
			}
			// A bare request ("想上门维修", "Please send a technician ASAP")
			// or a sign-off is not the problem.
			if n < 20 {
				if _, ok := ParseDemand(cl); ok {
					continue
				}
			}
			if n <= 30 && (IsPolite(cl) || IsYes(cl) || IsNo(cl)) || refuseRe.MatchString(Fold(cl)) {
				continue
			}
			// Clauses about the purchase ("去年双十一买的", "bought it two
			// months ago", "很早以前买的") carry field values, not the problem.
			if n < 20 && purchaseRe.MatchString(cl) && timeWordRe.MatchString(cl) {
				continue
			}
			if n < 16 && holdsIdentifier(ip.x.Extract(cl, now)) {
				continue
			}
		} else {
			w[catIndex(cat)]++
		}
		keep = append(keep, cl)
	}
	sep := "，"
	if !extHasHan(t.Orig) {
		sep = ", "
	}
	best, bw := cases.Category(""), 0.0
	for i, c := range cases.Categories {
		if w[i] > bw {
			best, bw = c, w[i]
		}
	}
	return strings.Join(keep, sep), best, a
}

// clauses splits folded text where clauseSplit would.
func clauses(lower string) []span {
	var out []span
	start := 0
	for i, r := range lower {
		if strings.ContainsRune("，,。.！!？?；;\n", r) {
			if i > start {
				out = append(out, span{start, i})
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(lower) {
		out = append(out, span{start, len(lower)})
	}
	return out
}

// bareName reads a message that is nothing but a name: "张伟", "王先生",
// "李女士", "Laura Chen". Customers answer the question they expect, not
// always the one asked.
func bareName(text string) (string, bool) {
	s := extTrimAnswer(extNormalize(text))
	if s == "" || utf8.RuneCountInString(s) > 30 {
		return "", false
	}
	if extHasHan(s) {
		if !extHanName.MatchString(s) || extNotNames[s] || extNotAnswer[s] || extRefuseRe.MatchString(s) {
			return "", false
		}
		// "张伟", "王先生", "小吴", "王工", "陈太": a surname-led name or
		// a surname with how they are called, never a common word.
		if n := extHanPerson(s, false); n != "" && (utf8.RuneCountInString(n) >= 2) {
			return n, true
		}
		return "", false
	}
	words := strings.Fields(strings.TrimSpace(extLatinTitle.ReplaceAllString(s, "")))
	if len(words) < 2 || len(words) > 3 {
		return "", false
	}
	for _, w := range words {
		if !extEnNameRe.MatchString(w) || extEnNotName[strings.ToLower(w)] || extLatinStop[strings.ToLower(w)] || w[0] < 'A' || w[0] > 'Z' {
			return "", false
		}
	}
	return strings.Join(words, " "), true
}

// leadingName reads a full name said as the first sentence of a longer
// message, when it starts with a known given name.
func leadingName(text string) (string, bool) {
	first, rest, ok := strings.Cut(strings.TrimSpace(text), ". ")
	if !ok || strings.TrimSpace(rest) == "" || !extGivenNameLead(first) {
		return "", false
	}
	return bareName(first)
}

// bareNameStop are two- and three-character words that start with a
// surname character but are not names.
var bareNameStop = map[string]bool{
	"高兴": true, "高温": true, "方便": true, "马上": true, "明天": true, "明白": true, "黄色": true,
	"白色": true, "金色": true, "安全": true, "常规": true, "江湖": true, "文件": true, "石头": true,
	"王者": true, "时间": true, "向上": true, "全部": true, "全新": true, "全都": true, "全是": true,
	"周末": true, "周一": true, "周二": true, "周三": true, "周四": true, "周五": true, "周六": true,
	"周日": true, "钱包": true, "何时": true, "温度": true, "曾经": true, "康复": true, "易坏": true,
	"牛逼": true, "包装": true, "包裹": true, "章程": true, "成功": true, "成本": true, "管理": true,
	"任何": true, "于是": true, "余额": true, "陆续": true, "邱比特": true, "游戏": true, "卫生": true,
	"路由": true, "路由器": true, "古怪": true, "吉利": true, "车子": true, "车上": true, "连接": true,
	"简单": true, "房间": true, "房子": true, "华为": true, "苏宁": true, "宁可": true, "柏林": true,
	"严重": true, "毛病": true, "孔雀": true, "应该": true, "司机": true, "师傅": true, "关机": true,
	"关闭": true, "关于": true, "单位": true, "单号": true, "季度": true, "谷歌": true, "盛夏": true,
	"查下": true, "查查": true, "高端": true, "严格": true, "常温": true, "温和": true, "包邮": true,
}

// usedByOther reports whether v, read as the answer for field, is really
// an identifier another field took: one span feeds one field, so a phone
// number is not also the model, nor an order number the batch.
func usedByOther(field cases.FieldKey, v string, found map[cases.FieldKey]string) bool {
	dv := extDigits(v)
	for _, k := range []cases.FieldKey{cases.FieldPhone, cases.FieldEmail, cases.FieldPurchaseProof, cases.FieldBatch, cases.FieldProductModel} {
		w, ok := found[k]
		if !ok || k == field {
			continue
		}
		if strings.EqualFold(v, w) {
			return true
		}
		if dw := extDigits(w); len(dv) >= 5 && len(dw) >= 5 && (strings.Contains(dw, dv) || strings.Contains(dv, dw)) {
			return true
		}
		// A local number kept with its country code: "07823 445 190" is "+447823445190".
		if t := strings.TrimLeft(dv, "0"); k == cases.FieldPhone && len(t) >= 7 && strings.HasSuffix(extDigits(w), t) {
			return true
		}
	}
	return false
}

// refuseRe is a refusal to give something ("不告诉你", "I'd rather not say").
var refuseRe = mustRx(`(?i)微信上联系|微信联系|就在这里联系|在这里联系|这里说就行|这里回我|这里回复我|直接回我|在这回|不用留|不留了|不想留|contact me here|message me here|reach me here|reply here|just reply here|don't want to give|do not want to give|不告诉|不告诉|不想说|不想告诉|不想给|不给你|不方便给|不方便说|不方便透露|保密|隐私|凭什么|关你什么事|rather not|won't tell|not telling|none of your business|prefer not|no comment`)

// substantive reports whether a clause says something in words: two
// Chinese characters or three English words; a bare number or code does not.
func substantive(cl string) bool {
	han, words := 0, 0
	inWord := false
	for _, r := range cl {
		switch {
		case r >= 0x3400 && r <= 0x9FFF:
			han++
			inWord = false
		case r < 128 && unicode.IsLetter(r):
			if !inWord {
				words++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return han >= 2 || words >= 3
}

// holdsIdentifier reports whether values found in a clause include one
// that makes the clause an answer rather than a description: contact,
// order, model, batch, a date, a name.
func holdsIdentifier(found map[cases.FieldKey]string) bool {
	for k := range found {
		switch k {
		case cases.FieldDemand, cases.FieldEnvironment, cases.FieldTried:
		default:
			return true
		}
	}
	return false
}
