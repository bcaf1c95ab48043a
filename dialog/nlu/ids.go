package nlu

// Purchase proofs, batches and product models (models.go): the identifiers.
//
// The configured patterns find identifiers behind their keywords. Around
// them, the finders read tokens: ASCII letters and digits joined by single
// '-' or '/' ("GN-20260319-5521", "KFR-35GW/N8"). What a token is depends on
// the cue before it (订单号, 型号, 批次…), even with a few words between, and
// without a cue on its shape: order numbers carry long digit runs or a date,
// models are short codes, often with a series word or a suffix ("Pro").

import (
	"strings"
	"unicode/utf8"
)

var (
	extShippingTail     = mustRxExact(`(?i)(?:快递|快遞|物流|运|運|顺丰|順豐|tracking|shipping)\s*$`)
	extOrderMention     = mustRxExact(`(?i)订单|訂單|单号|單號|\border|购买凭证|購買憑證`)
	extLongDigits       = mustRxExact(`\d{12,20}`)
	extHasDigit         = mustRxExact(`\d`)
	extHasLetter        = mustRxExact(`[A-Za-z]`)
	extModelPrefixRe    = mustRxExact(`^[A-Za-z]+`)
	extErrorCodeRe      = mustRxExact(`^[A-Za-z]-?\d{1,3}$`)
	extModelKeywordTail = mustRxExact(`(?i)(?:型号|型號|机型|機型|\bmodel)[^,;。!?]{0,8}$`)

	// Cues a few words ahead of an identifier; the proof cues are words
	// (extProofCueHan, extLastProofCue).
	extModelCueRe = mustRxExact(`(?i)型号|型號|机型|機型|\bmodel\b(?:\s*(?:no\b\.?|number|#))?`)
	extBatchCueRe = mustRxExact(`(?i)批次|批号|批號|\bbatch\b(?:\s*(?:no\b\.?|number|code|#))?|\blot\s*(?:no\b\.?|number|#)`)
	// Words between a cue and its value that say it is about something
	// else: another kind of identifier, or a contact.
	extOtherCueRe  = mustRxExact(`(?i)电话|電話|手机|手機|邮箱|郵箱|快递|快遞|物流|运单|運單|序列号|序列號|\bphone|\bmobile|\btel\b|\bemail|tracking|\bserial|统编|統編|税号|稅號|\bvat\b|\bgst\b|\btax\b`)
	extConnectorRe = mustRxExact(`^` + extIDConnector + `$`)

	// Before a token: it is a fault code on the display or a serial number,
	// not the model ("报错 SC542", "serial number ATP3-77K21094").
	extNotModelCtx = mustRxExact(`(?i)(?:报错|報錯|错误码|錯誤碼|故障码|故障碼|错误|錯誤|代码|代碼|显示|顯示|提示|跳出|` +
		`\berror(?:\s*code)?|\bcode|\bfault|\bflight|航班|序列号|序列號|序号|序號|串号|串號|\bs/?n|\bserial(?:\s*(?:number|no\.?|#))?|\bimei|条码|條碼|barcode|\bsku)\s*[:#]?\s*$`)
	// Before a token that looks like an order number: it identifies the
	// customer, a support ticket or a flight instead.
	extNotProofCtx = mustRxExact(`(?i)(?:客户编号|客戶編號|客户号|客戶號|会员号|會員號|会员|會員|工单号?|工單號?|` +
		`\bticket|\bcase|\bmember(?:ship)?|\bcustomer|\baccount|\bflight|航班)\s*(?:no\.?|number|id|#)?\s*(?:is\s*)?[:#]?\s*$`)
	// After a model: the customer takes it back ("PB-20K... no wait").
	extRetractRe = mustRxExact(`(?i)^[\s.,;，。、…]*(?:(?:no wait|wait|sorry|oops|no,? sorry|i mean|let me check|something)\b|(?:哦|噢|啊|哎|唉|呃|嗯|誒|欸)?\s*(?:不对|不對|唔係|唔系|唔啱|错了|錯了|说错|說錯|看错|看錯|写错|寫錯|打错|打錯|等等|等一下))`)
	// A British postcode's inward half after the token ("RG4 7HT").
	extPostcodeTail = mustRxExact(`^ \d[A-Z]{2}\b`)
	// Charger ratings, not models ("12V2A").
	extRatingRe = mustRxExact(`^\d+V\d+(?:\.\d+)?A$`)
	// Codes that start with the screen size, 24 to 120 inches ("65E7N",
	// "55Q8"); "12B3" is a flat.
	extSizeModelRe = mustRxExact(`^(?:2[4-9]|[3-9]\d|1[01]\d|120)[A-Z]{1,2}\d{1,2}[A-Z]{0,3}$`)
	// "GC-Nova", "SW-Active": a series code and a word; in capitals
	// ("ST-LITE") only in Chinese text, where English compounds are rare.
	extDashWordRe    = mustRxExact(`^[A-Z]{2,4}-[A-Z][a-z]{1,9}$`)
	extDashCapsRe    = mustRxExact(`^[A-Z]{2,4}-[A-Z]{3,8}$`)
	extCamelRe       = mustRxExact(`^[A-Z][a-z]+[A-Z][A-Za-z]*$`)
	extSeriesRe      = mustRxExact(`^[A-Za-z][a-z]{2,11}$`)
	extShortCode     = mustRxExact(`^[A-Za-z]{1,2}\d{1,3}[A-Za-z]?$`)
	extSizeCodeRe    = mustRxExact(`^\d{2,3}[A-Z]{1,3}\d?$`)
	extBrandRe       = mustRxExact(`^[A-Z][a-z]{2,11}$`)
	extCapsLineRe    = mustRxExact(`^(?:QLED|OLED|UHD|LED|LCD|QD|MiniLED|NEO|HD|FHD)$`)
	extDecimalTailRe = mustRxExact(`^\d{1,2}(?:\.\d)?[A-Z]?$`)
	extUnitAfter     = mustRxExact(`^\d+(?:\.\d+)?(?:V|A|W|Hz|mAh)$`)
	extInOrderTo     = mustRxExact(`(?i)^\s+to\b`)
)

// extModelStop lists letter prefixes that look like codes but are not models:
// interfaces, networks, units, priorities, OS names.
var extModelStop = map[string]bool{
	"usb": true, "wifi": true, "wlan": true, "app": true, "tv": true, "hdmi": true, "mp": true,
	"pm": true, "am": true, "co": true, "no": true, "ios": true, "android": true, "win": true,
	"windows": true, "covid": true, "sars": true, "tel": true, "fax": true, "ext": true, "room": true,
	"rm": true, "top": true, "vip": true, "day": true, "days": true, "week": true, "page": true,
	"step": true, "level": true, "gen": true, "ver": true, "version": true, "lte": true, "dc": true,
	"ac": true, "type": true, "jd": true, "tb": true, "order": true, "invoice": true, "batch": true,
	"lot": true, "ipv": true, "utf": true, "iso": true, "gb": true, "mb": true, "kb": true,
	"hz": true, "kw": true, "mm": true, "cm": true, "kg": true, "ml": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "may": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "err": true, "error": true, "code": true,
	// Standards and other makers' kit a customer mentions beside ours.
	"wpa": true, "wep": true, "ddr": true, "lpddr": true, "gddr": true, "ip": true, "ipx": true,
	"hdr": true, "rtx": true, "gtx": true, "ps": true, "cat": true, "pcie": true, "nvme": true,
}

// extDashModelOK are stop prefixes that, joined by a dash to a number, are
// model series after all: "TV-55U8", "CM-3200", "AC-23B", "KB-120".
var extDashModelOK = map[string]bool{
	"tv": true, "ac": true, "dc": true, "cm": true, "mm": true, "kb": true, "mb": true,
	"tb": true, "kg": true, "ml": true, "kw": true, "mp": true, "ps": true,
}

// extModelSuffix are edition words written after a model ("BK-23L Pro").
// Lower-case "plus", "air" or "max" are as often plain words, so only
// these are taken in lower case.
var extModelSuffix = map[string]bool{
	"Pro": true, "Max": true, "Plus": true, "Ultra": true, "Lite": true, "Mini": true, "Air": true,
	"SE": true, "Slim": true, "Edu": true, "Neo": true, "XL": true, "PRO": true, "MAX": true,
	"PLUS": true, "ULTRA": true, "LITE": true, "MINI": true, "AIR": true, "SLIM": true,
	"pro": true, "lite": true, "slim": true, "ultra": true, "mini": true, "MaxV": true,
	// Editions and generations: "TabOne 10 Kids", "NetLink AX3000 Dual", "AX-7 Mark II".
	"Kids": true, "Dual": true, "Duo": true, "Mark": true, "II": true, "III": true, "IV": true,
}

// extDashWordStop are second halves that make an English compound, not a
// model ("UK-Based", "USB-Powered").
var extDashWordStop = map[string]bool{
	"based": true, "free": true, "friendly": true, "like": true, "ready": true, "only": true,
	"wide": true, "style": true, "type": true, "proof": true, "safe": true, "class": true,
	"grade": true, "level": true, "side": true, "time": true, "way": true, "compatible": true,
	"team": true, "staff": true, "department": true, "dept": true, "group": true, "office": true,
	"agency": true, "center": true, "centre": true, "support": true, "service": true, "member": true,
}

// extSeriesStop are words that precede a short code without being a
// product series: places, parts of documents, settings.
var extSeriesStop = map[string]bool{
	"model": true, "order": true, "room": true, "gate": true, "block": true, "terminal": true,
	"platform": true, "hall": true, "floor": true, "level": true, "unit": true, "flat": true,
	"suite": true, "building": true, "tower": true, "zone": true, "section": true, "row": true,
	"seat": true, "bay": true, "page": true, "chapter": true, "step": true, "version": true,
	"size": true, "type": true, "error": true, "code": true, "fault": true, "batch": true,
	"lot": true, "serial": true, "number": true, "item": true, "part": true, "pack": true,
	"box": true, "option": true, "plan": true, "grade": true, "class": true, "year": true,
	"phase": true, "stage": true, "round": true, "table": true, "figure": true, "line": true,
	"bus": true, "route": true, "channel": true, "port": true, "slot": true, "mode": true,
	"setting": true, "program": true, "programme": true, "cycle": true, "speed": true, "gear": true,
	"windows": true, "android": true, "firmware": true, "update": true, "the": true, "and": true,
}

// extDeterminers before a series word mark it as the thing owned or
// bought ("my Nova X2", "the Urban E7").
var extDeterminers = map[string]bool{
	"my": true, "the": true, "our": true, "your": true, "his": true,
	"her": true, "their": true, "this": true, "new": true,
}

// extCouriers are tracking-number prefixes of couriers: a parcel, not a
// purchase.
var extCouriers = map[string]bool{
	"SF": true, "YT": true, "ZTO": true, "STO": true, "YD": true, "EMS": true, "JT": true,
	"JDV": true, "JDX": true,
}

// extProductNounEnd are last characters of Chinese product nouns that a
// short model follows ("洗碗机 W6", "电视65E7N").
const extProductNounEnd = "机機器视視箱柜櫃表錶锅鍋壶壺灯燈床椅桌扇车車板宝寶垫墊脑腦本"

// ---------------------------------------------------------------------------
// Tokens.

func extIsJoin(b byte) bool { return b == '-' || b == '/' }

func extIsLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// extTokenEnd returns where the token starting at i ends.
func extTokenEnd(s string, i int) int {
	for i < len(s) && (extIsAlnum(s[i]) || i+1 < len(s) && extIsJoin(s[i]) && extIsAlnum(s[i+1]) && i > 0 && extIsAlnum(s[i-1])) {
		i++
	}
	return i
}

// extTokenAround widens s[st:en] to the whole token it is a piece of.
func extTokenAround(s string, st, en int) (int, int) {
	for st > 0 && (extIsAlnum(s[st-1]) || st > 1 && extIsJoin(s[st-1]) && extIsAlnum(s[st-2]) && st < len(s) && extIsAlnum(s[st])) {
		st--
	}
	return st, extTokenEnd(s, en)
}

// extTokens returns the tokens of s that hold a digit or a join; a plain
// word is never an identifier, and skipping it keeps the scan cheap.
func extTokens(s string) [][2]int {
	return extScanTokens(s, func(t string) bool { return strings.ContainsAny(t, "0123456789-/") })
}

// extScanTokens returns the ASCII tokens of s (letters and digits joined
// by '-' or '/') that keep accepts.
func extScanTokens(s string, keep func(string) bool) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !extIsAlnum(s[i]) {
			i++
			continue
		}
		en := extTokenEnd(s, i)
		if keep == nil || keep(s[i:en]) {
			out = append(out, [2]int{i, en})
		}
		i = en
	}
	return out
}

// extShape counts what a token is made of.
type extShape struct {
	lead            int // letters before the first digit or join
	letters, digits int
	maxRun, runs    int // longest run of digits, number of runs
	groups          int // parts between joins
}

func extShapeOf(v string) extShape {
	sh := extShape{groups: 1}
	run, leading := 0, true
	for i := 0; i < len(v); i++ {
		b := v[i]
		switch {
		case extIsDigit(b):
			sh.digits++
			if run == 0 {
				sh.runs++
			}
			run++
			sh.maxRun = max(sh.maxRun, run)
			leading = false
			continue
		case extIsJoin(b):
			sh.groups++
			leading = false
		default:
			sh.letters++
			if leading {
				sh.lead++
			}
		}
		run = 0
	}
	return sh
}

// extDateToken: "2026-03-15", "15/3/2026" are dates, not numbers.
func extDateToken(v string) bool {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return len(parts[0]) == 4 && len(parts[1]) <= 2 || len(parts[0]) <= 2 && len(parts[1]) <= 2
}

// extProofShaped: a run of five digits or more, or several runs of seven
// digits in all ("KT-0407-552"). Models have shorter numbers.
func extProofShaped(v string) bool {
	sh := extShapeOf(v)
	return (sh.maxRun >= 5 || sh.digits >= 7 && sh.runs >= 2) && !extDateToken(v)
}

// extOrderShaped: shaped like an order number even with no cue: a shop
// prefix and eight digits or more ("JD3120458867312", "ZX-55102983"), or
// a date inside a longer code ("E20260724-31", "20260310-5521-02").
func extOrderShaped(v string) bool {
	sh := extShapeOf(v)
	if sh.maxRun < 8 || extCouriers[strings.ToUpper(v[:sh.lead])] {
		return false
	}
	if sh.lead >= 1 && sh.lead <= 5 {
		i := sh.lead
		if v[i] == '-' {
			i++
		}
		n := 0
		for i+n < len(v) && extIsDigit(v[i+n]) {
			n++
		}
		if n >= 8 {
			return true
		}
	}
	if sh.letters == 0 && sh.groups == 1 {
		return false // a bare long number needs a cue
	}
	for i := 0; i+8 <= len(v); i++ {
		if (i == 0 || !extIsDigit(v[i-1])) && extDateRun(v[i:i+8]) {
			return true
		}
	}
	return false
}

// extCodedOrder: letters, then two groups of three digits or more
// ("UE7-2607-1128"); a model has fewer numbers ("XQG100-BX12-2024"), a
// phone no letters.
func extCodedOrder(v string) bool {
	sh := extShapeOf(v)
	if sh.groups < 3 || sh.digits < 8 || sh.letters == 0 {
		return false
	}
	n := 0
	for _, g := range strings.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '/' }) {
		if len(g) >= 3 && extAllDigits(g) {
			n++
		}
	}
	return n >= 2
}

// extDateRun reports whether d is eight digits reading 20YYMMDD.
func extDateRun(d string) bool {
	for i := 0; i < 8; i++ {
		if !extIsDigit(d[i]) {
			return false
		}
	}
	m := int(d[4]-'0')*10 + int(d[5]-'0')
	day := int(d[6]-'0')*10 + int(d[7]-'0')
	return d[:2] == "20" && m >= 1 && m <= 12 && day >= 1 && day <= 31
}

// extAfterCue finds the first token after a cue ending at i: within the
// sentence and a few words, not past talk about another identifier or an
// admission that it is unknown ("订单号不知道"). adjacent: only connectors
// ("是", ":", "is") stand between. want tells which tokens count.
func extAfterCue(s string, i int, want func(string) bool) (st, en int, adjacent, ok bool) {
	units := 0
	for j := i; j < len(s) && units <= 8; {
		b := s[j]
		if extIsAlnum(b) {
			e := extTokenEnd(s, j)
			if want(s[j:e]) {
				gap := s[i:j]
				if extUnknownRe.MatchString(gap) || extOtherCueRe.MatchString(gap) ||
					extModelCueRe.MatchString(gap) || extHasProofCue(gap) || extBatchCueRe.MatchString(gap) {
					return 0, 0, false, false
				}
				return j, e, extConnectorRe.MatchString(gap), true
			}
			units++
			j = e
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == '?' && units == 0 && j == i:
			// "型号？背面写的 …": the customer repeats the question.
		case r == '。' || r == '!' || r == '?' || r == '！' || r == '？' || r == '\n' || r == '(' && j > i ||
			r == '.' && (j+1 >= len(s) || s[j+1] == ' '):
			return 0, 0, false, false
		case r >= 0x3400 && r <= 0x9FFF:
			units++
		}
		j += size
	}
	return 0, 0, false, false
}

func extHasDigitByte(v string) bool { return strings.ContainsAny(v, "0123456789") }

// ---------------------------------------------------------------------------
// Purchase proofs and batches.

// extFindIDs runs id patterns and keeps captures that contain a digit. A
// capture cut short ("E20260724" of "E20260724-31") grows to its token.
func extFindIDs(s string, res []*rx, minLen int) []extCand {
	var out []extCand
	for _, re := range res {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/ ")
			st += strings.Index(s[st:en], v)
			st, en = extTokenAround(s, st, st+len(v))
			v = s[st:en]
			if len(v) < minLen || !extHasDigit.MatchString(v) || extOverlaps(out, st, en) {
				continue
			}
			if extShippingTail.MatchString(s[extBack(s, idx[0], 32):idx[0]]) {
				continue // a courier's tracking number is not a purchase proof
			}
			out = append(out, extCand{st, en, v})
		}
	}
	extSortCands(out)
	return out
}

// extCuedIDs adds the tokens that follow a cue with words between ("订单号我
// 找找…… HT20260318-002", "order number, it's 2206180404") or that a weak
// cue's pattern did not take ("order 7761-0032-8815"). Away from the cue,
// or after a weak one, only shaped tokens count. The cue is looked for only
// just before tokens with a digit: most messages have none.
func extCuedIDs(s string, lastCue func(string) (int, int, bool), out []extCand, shaped func(string) bool) []extCand {
	for _, t := range extTokens(s) {
		st, en := t[0], t[1]
		v := s[st:en]
		if len(v) < 4 || !extHasDigitByte(v) || extOverlaps(out, st, en) {
			continue
		}
		ws := extBack(s, st, extCueWindow)
		a, b, weak := lastCue(s[ws:st])
		if a < 0 {
			continue
		}
		a, b = ws+a, ws+b
		if extShippingTail.MatchString(s[extBack(s, a, 32):a]) || weak && extInOrderTo.MatchString(s[b:]) {
			continue
		}
		if at, _, adjacent, ok := extAfterCue(s, b, extHasDigitByte); !ok || at != st ||
			(!adjacent || weak) && !shaped(v) || !adjacent && !extNumberEnds(s, en) {
			continue
		}
		out = append(out, extCand{st, en, v})
	}
	return out
}

// extCueWindow is how far before a token its cue can start: the longest
// cue and eight words between.
const extCueWindow = 80

// extBack returns i-n moved back to a rune start, or 0.
func extBack(s string, i, n int) int {
	if i <= n {
		return 0
	}
	i -= n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// extProofCueHan are the Chinese words that introduce a purchase proof. A
// bare 订单 is weak: only a token shaped like an order number follows it.
var extProofCueHan = []string{
	"订单编号", "訂單編號", "订单号码", "訂單號碼", "订单号", "訂單號", "交易单号", "交易單號", "单号", "單號",
	"订单", "訂單", "dd号", "DD号", "发票号码", "發票號碼", "发票号", "發票號", "发票", "發票", "凭证编号", "憑證編號",
	"凭证号", "憑證號", "购买凭证", "購買憑證", "收据编号", "收據編號", "收据", "收據", "合同编号",
	"合同編號", "合同号", "合同號", "流水号", "流水號", "采购订单", "採購訂單", "采购单号", "採購單號", "采购单", "採購單",
	"订购单", "訂購單",
}

// extProofCueEn are the English ones; "contract" only with "no." or
// "number" after it, "PO" (purchase order) also right before its code
// ("PO CPM-0925-33", "our PO is …") but not before "Box", and a bare
// "order" is weak.
var extProofCueEn = []struct {
	word        string
	needNumber  bool
	caseMatters bool
	weakWithout bool
}{
	{"order", false, false, true}, {"invoice", false, false, false}, {"receipt", false, false, false},
	{"contract", true, false, false}, {"PO", false, true, false}, {"purchase order", false, false, false},
}

// extLastProofCue returns the span of the last purchase-proof cue in w and
// whether it is weak, or -1. Words, not a pattern: this runs before every
// token with a digit.
func extLastProofCue(w string) (int, int, bool) {
	st, en, weak := -1, -1, false
	for _, c := range extProofCueHan {
		if i := strings.LastIndex(w, c); i >= 0 && (i+len(c) > en || i+len(c) == en && i < st) {
			st, en, weak = i, i+len(c), c == "订单" || c == "訂單"
		}
	}
	for _, c := range extProofCueEn {
		for i := len(w) - len(c.word); i >= 0 && i+len(c.word) > en; i-- {
			if !(c.caseMatters && w[i:i+len(c.word)] == c.word || !c.caseMatters && strings.EqualFold(w[i:i+len(c.word)], c.word)) ||
				i > 0 && extIsLetter(w[i-1]) || i+len(c.word) < len(w) && extIsLetter(w[i+len(c.word)]) {
				continue
			}
			e, numbered := extCueNumber(w, i+len(c.word))
			if c.needNumber && !numbered || c.word == "PO" && !numbered && extPOBoxRe.MatchString(w[i+len(c.word):]) {
				continue
			}
			st, en, weak = i, e, c.weakWithout && !numbered
			break
		}
	}
	return st, en, weak
}

// extPOBoxRe: "PO Box 123" is an address, not a purchase order.
var extPOBoxRe = mustRxExact(`(?i)^\s*box\b`)

// extPurchaseOrderToken: a code with a "PO" part ("PO-AR-2025-118",
// "GIS-PO-0826") is a purchase order number, whatever cue it has.
func extPurchaseOrderToken(v string) bool {
	parts := strings.Split(v, "-")
	if len(parts) < 2 || extShapeOf(v).digits < 4 { // "PO-12" may be a lamp
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "PO" {
			return true
		}
	}
	return false
}

// extCueNumber reads "no.", "number", "#"… after a cue word ending at i.
func extCueNumber(w string, i int) (int, bool) {
	j := i
	for j < len(w) && w[j] == ' ' {
		j++
	}
	for _, suf := range []string{"number", "num", "no.", "no", "id", "#"} {
		k := j + len(suf)
		if k <= len(w) && strings.EqualFold(w[j:k], suf) && (suf == "#" || k == len(w) || !extIsLetter(w[k])) {
			return k, true
		}
	}
	return i, false
}

func extHasProofCue(w string) bool {
	st, _, _ := extLastProofCue(w)
	return st >= 0
}

// extLastBatchCue returns the span of the last batch cue in w, or -1.
func extLastBatchCue(w string) (int, int, bool) {
	if !strings.Contains(w, "批") && !extContainsFold(w, "batch") && !extContainsFold(w, "lot") {
		return -1, -1, false
	}
	ms := extBatchCueRe.FindAllStringIndex(w, -1)
	if len(ms) == 0 {
		return -1, -1, false
	}
	return ms[len(ms)-1][0], ms[len(ms)-1][1], false
}

// extContainsFold reports whether s holds the lower-case ASCII word w in any
// case, without building a lower-cased copy.
func extContainsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i]|0x20 == w[0] && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// extBatchShaped: away from its cue a batch code has a letter or five
// digits; "2024" there is a year.
func extBatchShaped(v string) bool {
	return extHasLetter.MatchString(v) || len(v) >= 5 && !extDateToken(v)
}

func (x *Extractor) findProofs(s string) []extCand {
	out := extFindIDs(s, x.order, 4)
	out = extCuedIDs(s, extLastProofCue, out, extProofShaped)
	if extOrderMention.MatchString(s) {
		for _, idx := range extLongDigits.FindAllStringIndex(s, -1) {
			if extPhoneEdges(s, idx[0], idx[1]) && !extOverlaps(out, idx[0], idx[1]) {
				out = append(out, extCand{idx[0], idx[1], s[idx[0]:idx[1]]})
			}
		}
	}
	extSortCands(out)
	out = extCorrectedIDs(s, out)
	// With no cue at all, a token shaped like an order number is one; it
	// comes after the cued ones, which say more.
	var bare []extCand
	for _, t := range extTokens(s) {
		st, en := t[0], t[1]
		v := s[st:en]
		before := s[extBack(s, st, 32):st]
		if extOverlaps(out, st, en) || !extOrderShaped(v) && !extCodedOrder(v) && !extPurchaseOrderToken(v) || extShippingTail.MatchString(before) ||
			extNotModelCtx.MatchString(before) || extNotProofCtx.MatchString(before) {
			continue
		}
		bare = append(bare, extCand{st, en, v})
	}
	return append(out, bare...)
}

func (x *Extractor) findBatches(s string) []extCand {
	out := extFindIDs(s, x.batch, 2)
	out = extCuedIDs(s, extLastBatchCue, out, extBatchShaped)
	extSortCands(out)
	return extCorrectedIDs(s, out)
}

var extIDTokenRe = mustRxExact(`[A-Za-z0-9][A-Za-z0-9-]{3,39}`)

// extCorrectedIDs adds the id-shaped token that follows a negated candidate in
// the same sentence: "订单号不是JD111111，是JD222222" names the right one
// without repeating the keyword.
func extCorrectedIDs(s string, cs []extCand) []extCand {
	out := cs
	for _, c := range cs {
		cs0, _ := extClause(s, c.start, c.end)
		if !extNegBefore.MatchString(s[cs0:c.start]) {
			continue
		}
		rest := s[c.end:]
		if loc := extSentenceEnd.FindStringIndex(rest); loc != nil {
			rest = rest[:loc[0]]
		}
		for _, idx := range extIDTokenRe.FindAllStringIndex(rest, -1) {
			st, en := c.end+idx[0], c.end+idx[1]
			if (st > 0 && extIsAlnum(s[st-1])) || !extHasDigit.MatchString(s[st:en]) || extOverlaps(out, st, en) {
				continue
			}
			out = append(out, extCand{st, en, s[st:en]})
			break
		}
	}
	extSortCands(out)
	return out
}

// ---------------------------------------------------------------------------
