package nlu

import (
	"strings"
	"unicode/utf8"
)

// Product models.

// findModels returns model candidates, those the customer calls the model
// ("型号 CD-405") before the others, so a cued one wins over an accessory
// named earlier in the message.
func (x *Extractor) findModels(s string) []extCand {
	var cued, plain []extCand
	taken := func(st, en int) bool { return extOverlaps(cued, st, en) || extOverlaps(plain, st, en) }
	add := func(st, en int, cue bool) {
		if cue {
			cued = append(cued, extCand{st, en, s[st:en]})
		} else {
			plain = append(plain, extCand{st, en, s[st:en]})
		}
	}
	for _, re := range x.model {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/")
			en = st + len(v)
			cue := extModelKeywordTail.MatchString(s[extBack(s, st, 40):st])
			if !cue {
				// A piece of a longer token ("IN-55812047" of
				// "ORD-IN-55812047") is judged as the whole token.
				st, en = extTokenAround(s, st, en)
			}
			en = extModelTail(s, st, en, cue)
			if en <= st || taken(st, en) || !extModelOK(s, st, en, cue) {
				continue
			}
			if ws := extNameStart(s, st, extCoreEnd(s, st, en)); ws >= 0 && !taken(ws, en) {
				st = ws
			}
			add(st, en, cue)
		}
	}
	// The model a few words after its cue ("型号我看一下 BS-Lite 2").
	var cues [][]int
	if strings.Contains(s, "型") || strings.Contains(s, "机型") || strings.Contains(s, "機型") || extContainsFold(s, "model") {
		cues = extModelCueRe.FindAllStringIndex(s, -1)
	}
	for _, m := range cues {
		st, en, _, ok := extAfterCue(s, m[1], extModelLike)
		if !ok || taken(st, en) {
			continue
		}
		if en = extModelTail(s, st, en, true); extModelOK(s, st, en, true) {
			if ws := extNameStart(s, st, extCoreEnd(s, st, en)); ws >= 0 && !taken(ws, en) {
				st = ws
			}
			add(st, en, true)
		}
	}
	// Shapes the patterns do not read.
	han := extHasHan(s)
	for _, t := range extTokens(s) {
		st, en, ok := extModelShape(s, t[0], t[1], han)
		if !ok || taken(st, en) {
			continue
		}
		add(st, en, false)
	}
	// A product line named without any code ("the IonGlow hair dryer").
	if len(cued)+len(plain) == 0 {
		if c, ok := extFindNamed(s); ok {
			plain = append(plain, c)
		}
	}
	extSortCands(cued)
	extSortCands(plain)
	return extDropGlossed(s, extDropRetracted(s, append(cued, plain...)))
}

// extDropGlossed drops a product name followed by its code in brackets:
// "PowerCube 1500 (PC-1500W)" is recorded by the code.
func extDropGlossed(s string, cs []extCand) []extCand {
	out := cs[:0:0]
	for _, c := range cs {
		glossed := false
		for _, d := range cs {
			glossed = glossed || d.start > c.end && strings.TrimSpace(s[c.end:d.start]) == "(" &&
				d.end < len(s) && s[d.end] == ')' && extHasDigitByte(d.value)
		}
		if !glossed {
			out = append(out, c)
		}
	}
	return out
}

// extModelLike: a token that can be a model once its cue is said.
func extModelLike(v string) bool {
	return extHasDigitByte(v) && extHasLetter.MatchString(v) || extDashWordRe.MatchString(v) || extDashCapsRe.MatchString(v)
}

// extDropRetracted drops a model the customer takes back when another one
// follows it: "It's the PB-20K... no wait, … the RT-MESH3".
func extDropRetracted(s string, cs []extCand) []extCand {
	out := make([]extCand, 0, len(cs))
	for _, c := range cs {
		if extRetractRe.MatchString(s[c.end:]) {
			later := false
			for _, d := range cs {
				later = later || d.start > c.end
			}
			if later {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// extModelTail decides where a model ending at en really ends: edition
// words after it belong to it ("BK-23L Pro", "X10+"), and so does a number
// after a worded series ("SW-Active 2", "NB-Pro 15 G2"); a number glued to
// a unit or to Chinese ("YR-2023W 95白鹅绒", "LT-M3 1.8米") does not.
// Words the pattern took after a keyword are judged the same way.
func extModelTail(s string, st, en int, cue bool) int {
	core := extCoreEnd(s, st, en)
	coreDigit := extHasDigitByte(s[st:core])
	end := core
	prevSuffix := false
	prevNum := extAllDigits(s[st:core]) // "NoteAir 14 G2": the 14 is the line's number
	titles := 0
	for i := core; ; {
		if i < len(s) && s[i] == '+' && (i+1 == len(s) || !extIsAlnum(s[i+1])) {
			end = i + 1
			break
		}
		if i+1 >= len(s) || s[i] != ' ' || !extIsAlnum(s[i+1]) {
			break
		}
		ws := i + 1
		we := extTokenEnd(s, ws)
		w := s[ws:we]
		next := byte(' ')
		if we < len(s) {
			next = s[we]
		}
		switch {
		case extModelSuffix[w] && !extIsJoin(next):
			prevSuffix, prevNum = true, false
		case extAllDigits(w) && len(w) <= 3 && (!coreDigit || prevSuffix) && extNumberEnds(s, we) && !extCountNext(s, we):
			prevSuffix, prevNum = false, true
		case len(w) == 2 && w[0] >= 'A' && w[0] <= 'Z' && extIsDigit(w[1]) && (prevNum || prevSuffix):
			prevSuffix, prevNum = false, false // a generation: "NB-Pro 15 G2", "NB-Pro 15 X2"
		case (!coreDigit && !prevNum && !prevSuffix && end == core || prevNum && we-ws == 1) && extWordModelTail(s, ws, &we):
			// A worded code takes its number or letter: "KT-Pure 1.7", "RV-Lidar 7S", "RV-Nimbus X".
			prevNum = true
		case cue && we <= en && !extAllDigits(w) && extHasDigitByte(w) && extNumberEnds(s, we):
			prevSuffix, prevNum = false, false // "型号 KFR 35GW", "Model is LORNE 3-seater"
		case coreDigit && titles < 2 && extTitleWord(w) && !extIsJoin(next):
			// A variant named after the code: "RC-18 Fuzzy", "FR-420 Inverter".
			titles++
			prevSuffix, prevNum = true, false
		default:
			return end
		}
		end = we
		i = we
	}
	return end
}

// extWordModelTail is what can follow a code without digits as its number:
// "1.7", "2.0", "7S", or one capital letter that ends the phrase. A decimal
// moves *we past its fraction.
func extWordModelTail(s string, ws int, we *int) bool {
	e := *we
	w := s[ws:e]
	if len(w) == 1 && !extIsDigit(w[0]) {
		return w[0] >= 'B' && w[0] <= 'Z' && w[0] != 'I' && (e == len(s) || !extIsAlnum(s[e]) && s[e] != ' ')
	}
	if e+1 < len(s) && s[e] == '.' && extIsDigit(s[e+1]) {
		e = extTokenEnd(s, e+1)
		w = s[ws:e]
	}
	if !extDecimalTailRe.MatchString(w) || !extNumberEnds(s, e) || extCountNext(s, e) {
		return false
	}
	*we = e
	return true
}

// extCountUnits are words after a number that make it a count or a span
// ("GC-Nova 2 days ago", "买了 SW-Active 2 台").
var extCountUnits = map[string]bool{
	"day": true, "days": true, "week": true, "weeks": true, "month": true, "months": true,
	"year": true, "years": true, "hour": true, "hours": true, "hrs": true, "min": true, "mins": true,
	"minutes": true, "times": true, "pcs": true, "pieces": true, "units": true, "of": true,
	"more": true, "x": true, "inch": true, "inches": true, "cm": true, "mm": true, "kg": true,
}

const extCountHan = "台个個把张張件套只支部次天年月周週小分块塊元"

// extCountNext reports whether a count word follows the number ending at i.
func extCountNext(s string, i int) bool {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if extIsLetter(s[i]) {
		e := i
		for e < len(s) && extIsLetter(s[e]) {
			e++
		}
		return extCountUnits[strings.ToLower(s[i:e])]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strings.ContainsRune(extCountHan, r)
}

// extCoreEnd returns where the first word of s[st:en] ends.
func extCoreEnd(s string, st, en int) int {
	for st < en && s[st] != ' ' && s[st] != '+' {
		st++
	}
	return st
}

func extAllDigits(v string) bool {
	return v != "" && strings.Trim(v, "0123456789") == ""
}

// extNumberEnds reports whether a number ending at i stands alone: not a
// decimal, a range, a size or a count glued to Chinese ("95白鹅绒", "2023年").
func extNumberEnds(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	switch b := s[i]; {
	case b == '.':
		return i+1 >= len(s) || !extIsDigit(s[i+1])
	case b == ' ' || b == ',' || b == ';' || b == '!' || b == '?' || b == ')' || b == '(' || b == '"' || b == '\'' || b == '\n':
		return true
	case b < 0x80:
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !(r >= 0x3400 && r <= 0x9FFF) && r != '×'
}

// extModelOK filters code-looking tokens that are not product models. Only
// the first word of s[st:en] is judged; the rest are edition words.
func extModelOK(s string, st, en int, cue bool) bool {
	core := extCoreEnd(s, st, en)
	v := s[st:core]
	dashWord := extDashWordRe.MatchString(v) || extDashCapsRe.MatchString(v)
	whole := s[st:en]
	if cue && !dashWord && (!extHasDigit.MatchString(whole) || !extHasLetter.MatchString(whole)) {
		return false
	}
	if !cue && !dashWord && (!extHasDigit.MatchString(v) || !extHasLetter.MatchString(v)) {
		return false
	}
	alnum := 0
	for i := 0; i < len(v); i++ {
		if extIsAlnum(v[i]) {
			alnum++
		}
	}
	// When the customer calls it the model ("型号E21", "model AC-220X") the
	// look-alike filters below do not apply.
	if cue || extModelKeywordTail.MatchString(s[extBack(s, st, 40):st]) {
		return alnum >= 2
	}
	if dashWord {
		return false // a worded code needs a cue or its own shape check
	}
	edition := en > core
	if alnum < 3 && !edition {
		return false // P1, A4, V2; but "X9 Pro"
	}
	sh := extShapeOf(v)
	// Order numbers and serials have long numbers; models do not.
	if sh.maxRun >= 6 || extOrderShaped(v) || sh.maxRun >= 5 && sh.groups >= 3 || extCodedOrder(v) {
		return false
	}
	prefix := strings.ToLower(extModelPrefixRe.FindString(v))
	if extModelStop[prefix] {
		// "TV-55U8", "CM-3200" are series, "AC-220V" is still a rating.
		rest := strings.TrimPrefix(v[len(prefix):], "-")
		if !extDashModelOK[prefix] || len(rest) == len(v)-len(prefix) || (prefix == "ac" || prefix == "dc") && extUnitAfter.MatchString(rest) {
			return false
		}
	}
	// E21, F3: a single letter and a short number is a fault code on the
	// display, unless an edition word says it is a model ("X20 Max").
	if extErrorCodeRe.MatchString(v) && !edition && !extProductNounNext(s, en) {
		return false
	}
	// PS5, LS6: three characters without a dash are too often something
	// else; an edition word or a product noun before them settles it.
	if alnum <= 3 && !strings.ContainsAny(v, "-/") && !edition && !extAfterProductNoun(s, st) {
		return false
	}
	// Glued to an address, a domain or a longer word: part of something else.
	if st > 0 && strings.ContainsRune("@._", rune(s[st-1])) {
		return false
	}
	if en < len(s) && strings.ContainsRune("@_", rune(s[en])) {
		return false
	}
	if extNotModelCtx.MatchString(s[extBack(s, st, 32):st]) || extPostcodeTail.MatchString(s[core:]) {
		return false
	}
	return true
}

// extProductNounNext reports whether a Chinese product noun follows en
// ("X200 耳机左边没声音"): the code names the product. "E21 开机" is a
// code on the display.
func extProductNounNext(s string, en int) bool {
	r := []rune(strings.TrimLeft(s[en:], " "))
	if len(r) < 2 || strings.ContainsRune("开開关關死待停", r[0]) {
		return false
	}
	for i := 1; i < 3 && i < len(r); i++ {
		if strings.ContainsRune(extProductNounEnd, r[i]) || r[i] == '机' || r[i] == '機' {
			return true
		}
	}
	return false
}

// extAfterProductNoun reports whether a Chinese product noun comes right
// before st ("洗碗机 W6"), not a verb about the machine ("开机 E1").
func extAfterProductNoun(s string, st int) bool {
	before := strings.TrimRight(s[:st], " ")
	r, size := utf8.DecodeLastRuneInString(before)
	if !strings.ContainsRune(extProductNounEnd, r) {
		return false
	}
	if r == '机' || r == '機' {
		p, _ := utf8.DecodeLastRuneInString(before[:len(before)-size])
		return !strings.ContainsRune("开開关關死待停", p)
	}
	return true
}

// extModelShape reads a token the patterns miss: a code that starts with
// the screen size ("65E7N"), a worded series ("GC-Nova", "SW-Active 2"),
// or a series name before a short code ("AirTune S3", "the Urban E7").
func extModelShape(s string, st, en int, han bool) (int, int, bool) {
	v := s[st:en]
	if st > 0 && strings.ContainsRune("@._", rune(s[st-1])) || en < len(s) && strings.ContainsRune("@_", rune(s[en])) {
		return 0, 0, false
	}
	switch {
	case extSizeModelRe.MatchString(v):
		if extRatingRe.MatchString(v) || st > 0 && (s[st-1] == ':' || s[st-1] == '.') {
			return 0, 0, false
		}
		if ws := extBrandStart(s, st, true); ws >= 0 {
			return ws, extModelTail(s, st, en, false), true
		}
		return st, extModelTail(s, st, en, false), true
	case extDashWordRe.MatchString(v) || han && extDashCapsRe.MatchString(v):
		i := strings.IndexByte(v, '-')
		if extModelStop[strings.ToLower(v[:i])] && !extDashModelOK[strings.ToLower(v[:i])] {
			return 0, 0, false
		}
		w := strings.ToLower(v[i+1:])
		if extDashWordStop[w] || strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") || strings.HasSuffix(w, "ly") {
			return 0, 0, false
		}
		return st, extModelTail(s, st, en, false), true
	}
	if ws := extSeriesStart(s, st, en); ws >= 0 {
		return ws, extModelTail(s, st, en, false), true
	}
	// A code that starts with its size needs its product line to be a
	// model: "Vista 65QL", "ViewEdge 27Q" (a bare "65QL" could be anything).
	// A number after a CamelCase line is its model: "ErgoFlex 500",
	// "TabOne 10", "HeatWave 2000"; after a capitalised one only with an
	// edition word: "Zen 12 Lite", "Nova 11 Pro".
	if extAllDigits(v) && len(v) <= 4 && extNumberEnds(s, en) && !extCountNext(s, en) {
		if ws, we := extWordBefore(s, st); ws >= 0 && (extCamelRe.MatchString(s[ws:we]) || extBrandWord(s[ws:we]) && (extSuffixNext(s, en) || han && extAfterProductNoun(s, ws))) {
			return ws, extModelTail(s, st, en, false), true
		}
	}
	if extSizeCodeRe.MatchString(v) {
		if ws := extBrandStart(s, st, true); ws >= 0 {
			return ws, extModelTail(s, st, en, false), true
		}
	}
	return 0, 0, false
}

// extSuffixNext reports whether an edition word follows s[:en] ("… Lite").
func extSuffixNext(s string, en int) bool {
	if en+1 >= len(s) || s[en] != ' ' {
		return false
	}
	we := extTokenEnd(s, en+1)
	return extModelSuffix[s[en+1:we]]
}

// extNameStart returns where the product's name before its code starts: a
// series ("AirTune S3") or a brand or product line written before any code
// ("AquaWave WM-814", "the Kestrel KT-17", "MedCool PR-280G"); -1 when the
// code stands alone.
func extNameStart(s string, st, en int) int {
	if ws := extSeriesStart(s, st, en); ws >= 0 {
		return ws
	}
	if !extHasDigitByte(s[st:en]) {
		return -1
	}
	return extBrandStart(s, st, extSizeCodeRe.MatchString(s[st:en]))
}

// extBrandStart returns where the one or two capitalised words that name
// the product line right before s[st:] start, or -1. English customers
// write the line with the code, and an agent records both; sentence words
// that happen to be capitalised ("Bought", "Multiple") are not a line.
func extBrandStart(s string, st int, sized bool) int {
	ws, we := extWordBefore(s, st)
	if ws < 0 || extNotModelCtx.MatchString(s[extBack(s, ws, 32):ws]) {
		return -1
	}
	w := s[ws:we]
	if sized && extCapsLineRe.MatchString(w) && !extModelStop[strings.ToLower(w)] {
		return ws // a panel line before a size code: "QLED 65Q8", "UHD 50U6"
	}
	if !extBrandWord(w) {
		return -1
	}
	// A second word of the line: "Bunkr Twin BT-90", "Barista Pro BX-20".
	if ps, pe := extWordBefore(s, ws); ps >= 0 && extBrandWord(s[ps:pe]) && !extModelSuffix[s[ps:pe]] {
		return ps
	}
	if extModelSuffix[w] {
		return -1 // "Pro BX-20" alone is an edition word, not a line
	}
	return ws
}

// extBrandWord is a word that can name a product line: CamelCase
// ("AquaWave"), or capitalised and not a common English word.
func extBrandWord(w string) bool {
	if extCamelRe.MatchString(w) {
		return true
	}
	if !extBrandRe.MatchString(w) {
		return false
	}
	l := strings.ToLower(w)
	return !extBrandStop[l] && !extSeriesStop[l] && !extModelStop[l] && !extTitleStop[w] && !notLoneNames[w] &&
		!extEnCoLead[w] && !extEnNotName[l] && !extDeterminers[l]
}

// extBrandStop are capitalised words seen right before a model code that
// are sentence words, not product lines.
var extBrandStop = map[string]bool{
	"multiple": true, "several": true, "both": true, "all": true, "two": true, "three": true,
	"four": true, "five": true, "six": true, "ten": true, "one": true, "each": true, "every": true,
	"another": true, "same": true, "other": true, "ordered": true, "purchased": true, "got": true,
	"have": true, "has": true, "had": true, "bought": true, "received": true, "using": true, "use": true,
	"replace": true, "replaced": true, "returned": true, "return": true, "refund": true, "repair": true,
	"exchange": true, "swap": true, "send": true, "need": true, "want": true, "re": true, "fw": true,
	"fwd": true, "subject": true, "about": true, "regarding": true, "ref": true, "reference": true,
	"tag": true, "sku": true, "product": true, "device": true, "machine": true, "unit": true, "units": true,
	"our": true, "their": true, "its": true, "it's": true, "is": true, "are": true, "was": true, "were": true,
	"sorry": true, "correction": true, "actually": true, "wait": true, "no": true, "not": true, "yes": true,
	"hey": true, "hiya": true, "morning": true, "evening": true, "afternoon": true, "urgent": true,
	"january": true, "february": true, "march": true, "april": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "warranty": true, "spare": true, "part": true, "parts": true,
	"replacement": true, "order": true, "purchase": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	// Product nouns capitalised at the start of a sentence or in a title.
	"espresso": true, "coffee": true, "kettle": true, "fridge": true, "freezer": true, "oven": true,
	"washer": true, "dryer": true, "vacuum": true, "robot": true, "fan": true, "heater": true,
	"router": true, "laptop": true, "phone": true, "tablet": true, "monitor": true, "printer": true,
	"camera": true, "speaker": true, "headphones": true, "earbuds": true, "chair": true, "desk": true,
	"sofa": true, "bed": true, "mattress": true, "lamp": true, "light": true, "microwave": true,
	"blender": true, "toaster": true, "cooker": true, "dishwasher": true, "purifier": true,
	"humidifier": true, "dehumidifier": true, "scooter": true, "bike": true, "drill": true, "lock": true,
	"watch": true, "console": true, "projector": true, "inverter": true, "battery": true, "charger": true,
}

// extSeriesStart returns where the series name before the code s[st:en]
// starts ("AirTune S3", "MatePad T10s", "the Urban E7", "my nova x2",
// "AirBuds Pro 2"), or -1. A plain word is a series only after "my",
// "the"…; "is Samsung S24" names the customer's phone, not ours.
func extSeriesStart(s string, st, en int) int {
	v := s[st:en]
	if !extShortCode.MatchString(v) && !extAllDigits(v) {
		return -1
	}
	ws, we := extWordBefore(s, st)
	if ws < 0 {
		return -1
	}
	word := s[ws:we]
	switch {
	case extAllDigits(v):
		if !extModelSuffix[word] || len(v) > 3 {
			return -1
		}
		if ws, we = extWordBefore(s, ws); ws < 0 || !extCamelRe.MatchString(s[ws:we]) && !(extBrandWord(s[ws:we]) && extNameOpens(s, ws)) {
			return -1
		}
	case extCamelRe.MatchString(word):
	default:
		if !extSeriesRe.MatchString(word) || extSeriesStop[strings.ToLower(word)] || extModelStop[strings.ToLower(word)] {
			return -1
		}
		// At the very start of a message ("Urban E5, bought June") the
		// name needs no determiner.
		ds, de := extWordBefore(s, ws)
		if (ds < 0 || !extDeterminers[strings.ToLower(s[ds:de])]) && (strings.TrimSpace(s[:ws]) != "" || word[0] >= 'a') {
			return -1
		}
		// Lower case ("my nova x2") only with a lower-case code.
		if word[0] >= 'a' && v[0] < 'a' {
			return -1
		}
	}
	if extNotModelCtx.MatchString(s[extBack(s, ws, 32):ws]) {
		return -1
	}
	return ws
}

// extNameOpens reports whether a product's name may start at i: after a
// bracket ("(Barista Pro 2, order …"), a determiner or a Chinese product
// noun ("平板 Pad 11"), or at the start of the message.
func extNameOpens(s string, i int) bool {
	before := strings.TrimRight(s[:i], " ")
	if before == "" || strings.HasSuffix(before, "(") || strings.HasSuffix(before, "（") || extAfterProductNoun(s, i) {
		return true
	}
	ds, de := extWordBefore(s, i)
	return ds >= 0 && extDeterminers[strings.ToLower(s[ds:de])]
}

// extWordBefore returns the ASCII word that ends one space before i, or -1.
func extWordBefore(s string, i int) (int, int) {
	if i < 2 || s[i-1] != ' ' || !extIsLetter(s[i-2]) {
		return -1, -1
	}
	we := i - 1
	ws := we
	for ws > 0 && extIsLetter(s[ws-1]) {
		ws--
	}
	if ws > 0 && (extIsDigit(s[ws-1]) || extIsJoin(s[ws-1])) {
		return -1, -1
	}
	return ws, we
}

// extTitleWord is a capitalised word that can name a variant after a model
// code; words that start a sentence or describe the product are not.
func extTitleWord(w string) bool {
	if len(w) < 2 || len(w) > 10 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w == "DC" || w == "AC" // "FR-265 DC"
		}
	}
	return !extTitleStop[w]
}

// extTitleStop are capitalised words after a model that are not part of it.
var extTitleStop = map[string]bool{
	"Please": true, "Pls": true, "Thanks": true, "Thank": true, "Hi": true, "Hello": true, "Dear": true,
	"It": true, "My": true, "The": true, "We": true, "And": true, "But": true, "Is": true, "Was": true,
	"Bought": true, "Order": true, "Invoice": true, "Serial": true, "Model": true, "Regards": true,
	"Full": true, "Smart": true, "New": true, "Black": true, "White": true, "Silver": true, "Grey": true,
	"Gray": true, "Gold": true, "Blue": true, "Red": true, "Green": true, "Pink": true, "Since": true,
	"From": true, "At": true, "In": true, "On": true, "For": true, "With": true, "Also": true, "Now": true,
	"Today": true, "Yesterday": true, "Last": true, "This": true, "That": true, "Which": true, "When": true,
	"Sent": true, "Kind": true, "Best": true, "Cheers": true, "Sorry": true, "Oh": true, "Ok": true, "Okay": true,
}
