package nlu

// Reading a reply as the answer to one question.

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

var (
	extUnknownRe = mustRx(`(?i)不知道|不清楚|不记得|不記得|记不清|記不清|记不得|記不得|忘了|忘记|忘記|不确定|不確定|不晓得|不曉得|找不到|没有|沒有|没留|沒留|不知|\bunknown\b|not sure|don't know|dont know|do not know|no idea|\bidk\b|\bn/?a\b|don't remember|can't remember|cannot remember|\bforgot|not available|\bnone\b`)
	extNoneRe    = mustRx(`(?i)^(?:没有|沒有|没|沒|无|無|都没有|都沒有|none|nothing|no|nope|not yet|还没|還沒)$|没试|沒試|没有试|沒有試|没做|沒做|什么都没|什麼都沒|haven't tried|have not tried|didn't try|did not try|not tried|haven't done|nothing yet|not yet`)
	extNameStrip = mustRx(`(?i)^(?:我叫|我是|我的名字是|我的名字叫|名字是|名字叫|姓名是?|姓名:|叫我|称呼我|稱呼我|本人|my name is|my name's|i'm|i am|this is|name:|it's)\s*`)
	extHanName   = mustRx(`^\p{Han}{1,4}(?:先生|女士|小姐)?$`)
	extEnNameRe  = mustRx(`^\p{Latin}[\p{Latin}.'-]*(?:\s+\p{Latin}[\p{Latin}.'-]*){0,3}$`)
	// extModelFirstRe is a reply that opens with a code (or a word and its
	// number) and goes on in Chinese.
	extModelFirstRe = mustRx(`^(?:型号|型號|是|就是)?[#:\s]*((?:[A-Za-z]{2,12} \d{1,3}|[A-Za-z0-9][A-Za-z0-9/._-]{2,24})(?: (?:Pro|Max|Plus|Ultra|Mini|Lite|SE|Air|Neo))?)\s*[,，]?\s*\p{Han}`)
	// extModelSeriesRe is a reply naming a series in Chinese and its number
	// ("星耀12 Ultra 512G的", "锐翼14 Pro", "光影 P10", "影迹 Action 4"):
	// Chinese makers name products so, with no code beside. The number
	// must end a word: "去年12月" and "用了3年" are no models.
	extModelSeriesRe = mustRx(`^(?:(?:型号|型號)?(?:是|就是|係|系)?[:：\s]*)(\p{Han}{2,4}\s?(?:[A-Za-z]{1,10}\s?)?\d{1,4}[A-Za-z]{0,2}(?: (?:Pro|Max|Plus|Ultra|Mini|Lite|SE|Air|Neo|Gen \d))*)(?:$|[\s,，。.的吧啊呀哦嘛])`)
	// extNotSeries are words before a number that name no series.
	extNotSeries = mustRx(`(?:型号|型號|电话|電話|号码|號碼|尾号|尾號|订单|訂單|单号|單號|发票|發票|编号|編號|地址|房间|房間|门牌|門牌|楼|樓|室|栋|棟|座|邮编|郵編|手机|手機|电视|電視|电脑|電腦|冰箱|空调|空調|买了|買了|用了|大概|差不多|一共|总共|總共|只有|还有|還有|已经|已經|第|约|約|快|近|共)$|^(?:去年|今年|前年|上个|上個|这个|這個|那个|那個)`)
	extBareIDRe  = mustRx(`^(?:是|就是)?[#:\s]*([A-Za-z0-9][A-Za-z0-9/._-]{0,39})[\s.。吧啊呀哦呢的了嘛]*$`)
	// Refusals and negations are not names ("不想说", "保密").
	extRefuseRe  = mustRx(`^[不没沒无無别別]|保密|不方便|算了|匿名`)
	extNotAnswer = map[string]bool{"好的": true, "好": true, "你好": true, "您好": true, "是的": true, "对": true,
		"對": true, "嗯": true, "ok": true, "okay": true, "yes": true, "no": true, "hello": true, "hi": true,
		"谢谢": true, "謝謝": true, "thanks": true, "什么": true, "什麼": true, "为什么": true, "為什麼": true}
	extCoStrip = mustRx(`(?i)^(?:我们是|我們是|我司是|公司是|公司叫|我们公司叫|我們公司叫|我们公司是|我們公司是|我在|来自|來自|from|i work at|i work for)\s*`)
	extOtherRe = mustRx(`(?i)^(?:其他|其它|别的|別的|other|others|something else)`)
	extNoCoRe  = mustRx(`(?i)^(?:个人|個人|个人用户|個人用戶|私人|家用|没有|沒有|无|無|none|n/?a|personal|individual|private)$|不是公司|不是企业|不是企業|非企业|非企業|个人购买|個人購買|not a company|personal use`)
	// One-character demand answers to a choice question.
	extDemandShort = map[string]cases.Demand{"修": cases.DemandRepair, "退": cases.DemandReturn,
		"换": cases.DemandExchange, "換": cases.DemandExchange, "问": cases.DemandConsultation, "問": cases.DemandConsultation}
)

// extTrimAnswer strips surrounding space and closing punctuation.
func extTrimAnswer(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ".。!！~～,，"))
}

// ParseFieldAnswer interprets text as the answer to a question about field.
// It is more lenient than Extract: a bare "张三" answers customer_name, "不知道"
// answers batch, purchase_proof, occurred_at, environment and tried with
// cases.Unknown, and "没有"/"none" answers tried with "none". On an invalid
// answer ok is false and hint is a template hint key ("phone.invalid",
// "email.invalid", "date.invalid", "demand.invalid", or "generic").
func (x *Extractor) ParseFieldAnswer(field cases.FieldKey, text string, now time.Time) (value string, ok bool, hint string) {
	s := extTrimAnswer(extNormalize(text))
	lower := strings.ToLower(s)
	if s == "" {
		switch field {
		case cases.FieldPhone:
			return "", false, "phone.invalid"
		case cases.FieldEmail:
			return "", false, "email.invalid"
		case cases.FieldPurchaseDate, cases.FieldOccurredAt:
			return "", false, "date.invalid"
		case cases.FieldDemand:
			return "", false, "demand.invalid"
		}
		return "", false, "generic"
	}
	unknown := extUnknownRe.MatchString(s)
	switch field {
	case cases.FieldCustomerName:
		if v, ok, hint := extAnswerName(s); ok || !extHasContact(s) && len(x.findModels(s)) == 0 {
			return v, ok, hint
		}
		// "孙丽 15900001234", "JOHN SMITH 13900001111", "赵敏 手机号:+86-186…",
		// "何平 15012345678 型号TO-32L", "XX门店 店长 赵刚 电话 010-…": the
		// name is what is left once contact details and codes are taken out.
		if v := x.nameBesideDetails(s); v != "" {
			return v, true, ""
		}
		return "", false, "generic"

	case cases.FieldCompany:
		if extNoCoRe.MatchString(s) {
			return "none", true, ""
		}
		if v := extFindCompany(s); v != "" {
			return v, true, ""
		}
		v := strings.TrimSpace(extCoStrip.ReplaceAllString(s, ""))
		if n := utf8.RuneCountInString(v); n < 2 || n > 60 || extNotAnswer[strings.ToLower(v)] || extDigits(v) == v || unknown {
			return "", false, "generic"
		}
		return v, true, ""

	case cases.FieldPhone:
		if ps := extFindPhones(s); len(ps) > 0 {
			if c, ok := extPick(s, ps); ok {
				return c.value, true, ""
			}
		}
		return "", false, "phone.invalid"

	case cases.FieldEmail:
		if es := extFindEmails(s); len(es) > 0 {
			if c, ok := extPick(s, es); ok {
				return c.value, true, ""
			}
		}
		return "", false, "email.invalid"

	case cases.FieldPurchaseProof:
		if c, ok := extPick(s, x.findProofs(s)); ok {
			return c.value, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && extHasDigit.MatchString(m[1]) && len(m[1]) >= 4 {
			return m[1], true, ""
		}
		return "", false, "generic"

	case cases.FieldProductModel:
		// Asked for the model, a bare code with words in it ("HP-N30 Pro")
		// is the answer as written.
		// A sentence is no code: "tv is QN65S90. soundbar on hdmi arc"
		// holds one, "we tried long press power 30 sec" none.
		if m := extModelAnswerRe.FindStringSubmatch(extModelLead.ReplaceAllString(strings.TrimSpace(s), "")); m != nil && extHasDigit.MatchString(m[1]) && !unknown && len(strings.Fields(m[1])) < 5 {
			if v, ok := extTrimModelAnswer(strings.TrimSpace(m[1])); ok {
				return v, true, ""
			}
		}
		if c, ok := extPick(s, x.findModels(s)); ok {
			return c.value, true, ""
		}
		// "MM721 去年买的", "W60 嵌入式的", "nova 12 去年十月份买的": the code
		// first, then other details in Chinese.
		if m := extModelFirstRe.FindStringSubmatch(strings.TrimSpace(s)); m != nil && !unknown && extHasLetter.MatchString(m[1]) && extHasDigit.MatchString(m[1]) {
			return strings.TrimSpace(m[1]), true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && !unknown && !extNotAnswer[strings.ToLower(m[1])] &&
			(extHasDigit.MatchString(m[1]) || (len(m[1]) >= 2 && strings.ToUpper(m[1]) == m[1])) {
			return m[1], true, ""
		}
		if m := extModelSeriesRe.FindStringSubmatch(strings.TrimSpace(s)); m != nil && !unknown {
			if han := strings.TrimRightFunc(m[1], func(r rune) bool { return !unicode.Is(unicode.Han, r) }); !extNotSeries.MatchString(han) {
				return strings.TrimSpace(m[1]), true, ""
			}
		}
		return "", false, "generic"

	case cases.FieldBatch:
		if c, ok := extPick(s, x.findBatches(s)); ok {
			return c.value, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && extHasDigit.MatchString(m[1]) {
			return m[1], true, ""
		}
		return "", false, "generic"

	case cases.FieldPurchaseDate, cases.FieldOccurredAt:
		ms := dtFind(s, now, x.loc)
		if len(ms) == 0 {
			// A purchase date is often forgotten; the proof of purchase
			// settles it later. "发票找不到了" or "订单号没有" speaks of the
			// proof, not of the date.
			if extDateUnknownRe.MatchString(s) {
				return cases.Unknown, true, ""
			}
			return "", false, "date.invalid"
		}
		// The answer is the date said for what was asked, else one said
		// with no cue; a delivery day or the other field's date is not it.
		// A year alone or a vaguer time ("去年吧，记不清了") is no date,
		// and no "unknown" either: the customer did say something.
		want := extRolePurchase
		if field == cases.FieldOccurredAt {
			want = extRoleFault
		}
		n := now.In(x.loc)
		today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, x.loc)
		roles := extDateRoles(s, ms)
		extRefineMonths(s, ms, roles)
		bare := dtBare(s, ms)
		pick := ""
		for _, r := range []extRole{want, extRoleNone} {
			for i, m := range ms {
				// "今天能来人吗" does not answer when.
				now := m.kind == dtNow || m.kind == dtClock
				if roles[i] == r && m.value() != "" && !m.future(today) && pick == "" && (r == want || !now || bare) {
					pick = m.value()
				}
			}
		}
		if pick == "" && field == cases.FieldPurchaseDate && extArrivalCue.MatchString(s) {
			// Asked when it was bought, "去年春节前后装的" is the nearest
			// date the customer has: the day it came is taken for it.
			for i, m := range ms {
				if (roles[i] == extRoleOther || roles[i] == extRoleArrival) && m.value() != "" && !m.future(today) && pick == "" {
					pick = m.value()
				}
			}
		}
		if pick == "" {
			return "", false, "date.invalid" // neither a purchase nor a fault lies ahead
		}
		return pick, true, ""

	case cases.FieldEnvironment:
		if v := extFindEnvironment(s); v != "" {
			return v, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldTried:
		if v := extFindTried(s); v != "" {
			return v, true, ""
		}
		if extNoneRe.MatchString(lower) {
			return "none", true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldSymptom:
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldDemand:
		if d, ok := ParseDemand(s); ok {
			return string(d), true, ""
		}
		if extOtherRe.MatchString(s) {
			return string(cases.DemandOther), true, ""
		}
		if d, ok := extDemandShort[strings.TrimRight(s, "吧啊呀了的嘛")]; ok {
			return string(d), true, ""
		}
		// A choice number, in the order cases.Demands offers them.
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(cases.Demands) {
			return string(cases.Demands[n-1]), true, ""
		}
		if d := cases.Demand(lower); d.Valid() {
			return string(d), true, ""
		}
		return "", false, "demand.invalid"
	}
	return "", false, "generic"
}

// extCapitalize capitalises a name word; one typed in capitals ("SMITH")
// is written "Smith".
func extCapitalize(w string) string {
	if len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
		w = strings.ToLower(w)
	}
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:]
}

var (
	// extContactLabel names a contact detail: 电话, 手机号, tel, my number is.
	extContactLabel = mustRx(`(?i)(?:我的)?(?:微信同号|微信同號|同微信|微信号同手机|微信號同手機|联系电话|聯絡電話|聯繫電話|联系方式|聯絡方式|聯繫方式|手机号码|手機號碼|手机号|手機號|电话号码|電話號碼|电话|電話|手机|手機|座机|座機|市话|市話|邮箱|郵箱|号码|號碼|微信|\b(?:my\s+)?(?:phone|mobile|cell|cellphone|tel|telephone|landline|whatsapp|wechat|line|number|email|e-mail|contact)(?:\s+(?:number|no\.?|is|:))*\b)[\s:：]*(?:是|is\b)?`)
	extContactSep   = mustRx(`[\s,，、;；:/|()（）]+`)
)

// extDetailLabel is a label left behind once a code was masked, or a role
// that stands next to a name ("店长 赵刚").
var extDetailLabel = mustRx(`^(?i:型号|型號|机型|機型|订单号?|訂單號?|订单编号|訂單編號|单号|單號|批次号?|批次號?|model|order|no\.?|店长|店長|经理|經理|老板|老闆|主管|负责人|負責人|联系人|聯繫人|聯絡人|工程师|工程師|采购|採購|厂长|廠長|总监|總監|主任|前台|行政|助理|秘书|秘書|师傅|師傅|老师|老師|先生|女士|小姐)$`)

// extNameSplit separates the parts of a short reply.
var extNameSplit = mustRx(`[\s,，、;；/|()（）]+`)

// extNameLike reports whether v reads as a person's name: Latin letters, or
// Chinese led by a surname ("孙丽", "小陈", "王先生").
func extNameLike(v string) bool {
	if !extHasHan(v) {
		return true
	}
	if m := extMixedNameRe.FindStringSubmatch(v); m != nil {
		v = m[2] + m[3] // "Kevin 吴": the Chinese part is the surname
	}
	rs := []rune(v)
	if len(rs) >= 2 && strings.ContainsRune("小老阿", rs[0]) && extSurnames[string(rs[1])] {
		return true
	}
	return extHasSurname(v)
}

// nameBesideDetails reads the name in a reply that also holds a phone
// number, an email address, a model or an order number: "孙丽 15900001234",
// "Mei Wong, manager, Golden Lotus Restaurant, +65 9012 3378", "jess 0423
// 991 470, we're in perth". The details split the reply into parts; the
// first part that is a name is the name.
func (x *Extractor) nameBesideDetails(s string) string {
	rest := extStripContactsSep(s)
	rest = extSepAll(rest, x.findProofs(rest))
	rest = extSepAll(rest, x.findBatches(rest))
	rest = extSepAll(rest, x.findModels(rest))
	whole := strings.Join(strings.Fields(strings.ReplaceAll(rest, "|", " ")), " ")
	if v := extFindName(whole); v != "" && extNameLike(v) && !extDetailLabel.MatchString(v) && !extIsPlace(v) {
		return v
	}
	for _, part := range extNameParts.Split(rest, -1) {
		part = strings.TrimSpace(strings.Trim(strings.TrimSpace(part), "()（）"))
		if part == "" || extDetailLabel.MatchString(part) || extOrgLike(part) || extEnOrgLike(part) || extIsPlace(part) {
			continue
		}
		if v, ok, _ := extAnswerName(part); ok && extNameLike(v) && !extDetailLabel.MatchString(v) && !extIsPlace(v) {
			return v
		}
		var found []string
		for _, tok := range extNameSplit.Split(part, -1) {
			if tok == "" || extDetailLabel.MatchString(tok) {
				continue
			}
			if v := extHanPerson(extCutNameTail(tok), true); v != "" {
				found = append(found, v)
			}
		}
		if len(found) == 1 {
			return found[0]
		}
	}
	return ""
}

// extIsPlace reports whether v names a place, not a person: a city or
// country ("Sydney", "Bristol", "KL") or a US city with its state
// ("Austin TX", "Cleveland, OH").
func extIsPlace(v string) bool {
	v = strings.TrimSpace(strings.Trim(v, "()（）"))
	if m := extUSStateTail.FindStringIndex(v); m != nil && m[0] > 0 {
		return true
	}
	if extPlaceAbbr[strings.ToUpper(v)] {
		return true
	}
	// "Melbourne VIC", "Cebu City": a city with its state, or named a city.
	if i := strings.LastIndexByte(v, ' '); i > 0 && (extPlaceAbbr[v[i+1:]] || extAUStates[v[i+1:]] || v[i+1:] == "City") {
		return true
	}
	m := extCountryCue.FindStringIndex(v)
	return m != nil && m[0] == 0 && m[1] == len(v)
}

// extUSStateTail is a US state's code after a city: "Austin TX".
var extUSStateTail = mustRx(`,?\s(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC)$`)

// extPlaceAbbr are places customers write in short.
var extPlaceAbbr = map[string]bool{"KL": true, "JB": true, "PJ": true, "NYC": true, "LA": true, "SF": true, "HK": true, "SG": true, "UK": true, "US": true, "USA": true, "NSW": true, "QLD": true, "VIC": true}

var extAUStates = map[string]bool{"VIC": true, "NSW": true, "QLD": true, "WA": true, "SA": true, "TAS": true, "ACT": true, "NT": true}

// extNameParts splits a short reply at the details taken out of it and at
// punctuation.
var extNameParts = mustRx(`[|,，;；。!！?？\n]+|\.\s+|\s-\s`)

// extSepAll replaces each candidate span with a part separator.
func extSepAll(s string, cs []extCand) string {
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		if c.start >= 0 && c.end <= len(s) && c.start < c.end {
			s = s[:c.start] + " | " + s[c.end:]
		}
	}
	return s
}

// extStripContactsSep is extStripContacts keeping a separator where each
// contact detail was.
func extStripContactsSep(s string) string {
	s = extSepAll(s, extFindEmails(s))
	s = extSepAll(s, extFindPhones(s))
	s = extSepAll(s, extLooseNumbers(s))
	return extContactLabel.ReplaceAllString(s, " ")
}

// extHasContact reports whether s holds a phone number or an email address.
func extHasContact(s string) bool {
	return len(extFindPhones(s)) > 0 || len(extFindEmails(s)) > 0
}

// extStripContacts removes phone numbers, email addresses and their labels
// from a short reply, leaving what else it says (usually a name).
func extStripContacts(s string) string {
	s = extMaskAll(s, extFindEmails(s))
	s = extMaskAll(s, extFindPhones(s))
	s = extContactLabel.ReplaceAllString(s, " ")
	return strings.TrimSpace(extContactSep.ReplaceAllString(s, " "))
}

// extMixedNameRe is an English given name with a Chinese surname, either order.
var extMixedNameRe = mustRx(`^(?:([A-Za-z]{2,15})\s*(\p{Han}{1,3})|(\p{Han}{1,3})\s*([A-Za-z]{2,15}))$`)

func extAnswerName(s string) (string, bool, string) {
	if v := extFindName(s); v != "" {
		return v, true, ""
	}
	v := extTrimAnswer(extNameStrip.ReplaceAllString(s, ""))
	if extNotAnswer[strings.ToLower(v)] || extUnknownRe.MatchString(v) || extRefuseRe.MatchString(v) {
		return "", false, "generic"
	}
	if extHasHan(v) {
		// "邵", "王先生", "阿强", "宏达五金厂 车间主任 龚": only what reads
		// as a person ("快点啊", "打错了" do not).
		if n, _ := extSigHan(v); n != "" {
			return n, true, ""
		}
		if extHanName.MatchString(v) {
			if n := extHanPerson(extCutNameTail(v), true); n != "" {
				return n, true, ""
			}
			return "", false, "generic"
		}
	}
	if m := extMixedNameRe.FindStringSubmatch(v); m != nil && extHasSurname(m[2]+m[3]) && !extEnNotName[strings.ToLower(m[1]+m[4])] && !extNotAnswer[strings.ToLower(m[1]+m[4])] {
		if m[1] != "" {
			return extCapitalize(m[1]) + " " + m[2], true, "" // "Kevin 吴"
		}
		return m[3] + " " + extCapitalize(m[4]), true, ""
	}
	if extEnNameRe.MatchString(v) {
		words := strings.Fields(v)
		for i, w := range words {
			lw := strings.ToLower(strings.TrimRight(w, "."))
			if extEnNotName[lw] || extLatinStop[lw] {
				return "", false, "generic" // "nobody was hurt", "thx"
			}
			words[i] = extCapitalize(w)
		}
		return strings.Join(words, " "), true, ""
	}
	return "", false, "generic"
}

// extArrivalCue is the product's arrival: delivered, installed, received.
var extArrivalCue = mustRx(`(?i)装|裝|送货|送貨|送到|送来|送來|到货|到貨|到的|收到|签收|簽收|deliver|install|arriv|receiv|came\b`)

// extLooseNumber is a run of seven digits or more, grouped as people type
// phone numbers, whose country kefu cannot tell ("052 784 3319",
// "011-2345 6170"): beside it a short reply is still a name.
var extLooseNumber = mustRx(`\+?\(?\d[\d\s\-.()]{5,18}\d`)

// extLooseNumbers are the candidates of extLooseNumber with 7 to 15 digits.
func extLooseNumbers(s string) []extCand {
	var out []extCand
	for _, m := range extLooseNumber.FindAllStringIndex(s, -1) {
		if m[0] > 0 && isWordByte(s[m[0]-1]) {
			continue // the tail of a code ("XQG80 12345678")
		}
		if n := len(extDigits(s[m[0]:m[1]])); n >= 7 && n <= 15 {
			out = append(out, extCand{start: m[0], end: m[1], value: s[m[0]:m[1]]})
		}
	}
	return out
}

// extTrimModelAnswer keeps the model of a reply that names it with what the
// product is ("AquaPro 7 front loader", "GC-9060 5 burner freestanding",
// "MW-20S Solo. bought it…"): plain lower-case words at the end describe
// the product, and so does a count before them; a note in brackets is the
// brand said again. ok is false when what is left is no model.
func extTrimModelAnswer(v string) (string, bool) {
	if i := strings.Index(v, ". "); i > 0 {
		v = v[:i]
	}
	if i := strings.LastIndex(v, " ("); i > 0 && strings.HasSuffix(v, ")") {
		v = v[:i]
	}
	ws := strings.Fields(v)
	if len(ws) == 0 || extBrandStop[strings.ToLower(ws[0])] || extSeriesStop[strings.ToLower(ws[0])] || extNotModelLead[strings.ToLower(ws[0])] || extMonthWordRe.MatchString(v) {
		return "", false // "Bought on 24 October", "Ordered 2 March": a date, not a model
	}
	n := len(ws)
	for n > 1 && extPlainLower(ws[n-1]) {
		n--
	}
	if n < len(ws) && n > 1 && extAllDigits(ws[n-1]) && extHasDigitByte(ws[n-2]) {
		n-- // "GC-9060 5 burner": the 5 counts burners
	}
	out := strings.Join(ws[:n], " ")
	// What is left must still look like a code: "kinda disappointed. order
	// GC-0407-1193" is no model reply.
	return out, extHasDigitByte(out)
}

// extNotModelLead are first words of a reply about another identifier.
var extNotModelLead = map[string]bool{"extension": true, "ext": true, "ext.": true, "tel": true, "tel.": true,
	"mobile": true, "invoice": true, "receipt": true, "tracking": true, "postcode": true, "zip": true, "apt": true}

// extMonthWordRe is a month named in English.
var extMonthWordRe = mustRx(`(?i)\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)\b`)

// extPlainLower is an English word in lower case that is no edition name.
func extPlainLower(w string) bool {
	if len(w) < 2 || extModelSuffix[w] {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
