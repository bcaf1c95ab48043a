package nlu

// Purchase proofs, batches and product models.

import (
	"regexp"
	"strings"
)

var (
	extShippingTail     = regexp.MustCompile(`(?i)(?:快递|快遞|物流|运|運|顺丰|順豐|tracking|shipping)\s*$`)
	extOrderMention     = regexp.MustCompile(`(?i)订单|訂單|单号|單號|\border|购买凭证|購買憑證`)
	extLongDigits       = regexp.MustCompile(`\d{12,20}`)
	extHasDigit         = regexp.MustCompile(`\d`)
	extHasLetter        = regexp.MustCompile(`[A-Za-z]`)
	extModelPrefixRe    = regexp.MustCompile(`^[A-Za-z]+`)
	extErrorCodeRe      = regexp.MustCompile(`^[A-Za-z]-?\d{1,3}$`)
	extModelKeywordTail = regexp.MustCompile(`(?i)(?:型号|型號|机型|機型|\bmodel)[^,;。!?]{0,8}$`)
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
}

// extFindIDs runs id patterns and keeps captures that contain a digit.
func extFindIDs(s string, res []*regexp.Regexp, minLen int) []extCand {
	var out []extCand
	for _, re := range res {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/ ")
			if len(v) < minLen || !extHasDigit.MatchString(v) || extOverlaps(out, st, en) {
				continue
			}
			if extShippingTail.MatchString(s[:idx[0]]) {
				continue // a courier's tracking number is not a purchase proof
			}
			out = append(out, extCand{st, st + len(v), v})
		}
	}
	extSortCands(out)
	return out
}

func (x *Extractor) findProofs(s string) []extCand {
	out := extFindIDs(s, x.order, 4)
	if extOrderMention.MatchString(s) {
		for _, idx := range extLongDigits.FindAllStringIndex(s, -1) {
			if extPhoneEdges(s, idx[0], idx[1]) && !extOverlaps(out, idx[0], idx[1]) {
				out = append(out, extCand{idx[0], idx[1], s[idx[0]:idx[1]]})
			}
		}
		extSortCands(out)
	}
	return extCorrectedIDs(s, out)
}

func (x *Extractor) findBatches(s string) []extCand {
	return extCorrectedIDs(s, extFindIDs(s, x.batch, 2))
}

var extIDTokenRe = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9-]{3,39}`)

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

func (x *Extractor) findModels(s string) []extCand {
	var out []extCand
	for _, re := range x.model {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/")
			en = st + len(v)
			if !extModelOK(s, st, en) || extOverlaps(out, st, en) {
				continue
			}
			out = append(out, extCand{st, en, v})
		}
	}
	extSortCands(out)
	return out
}

// extModelOK filters code-looking tokens that are not product models.
func extModelOK(s string, st, en int) bool {
	v := s[st:en]
	if !extHasDigit.MatchString(v) || !extHasLetter.MatchString(v) {
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
	if extModelKeywordTail.MatchString(s[:st]) {
		return alnum >= 2
	}
	if alnum < 3 {
		return false // P1, A4, V2
	}
	if extModelStop[strings.ToLower(extModelPrefixRe.FindString(v))] {
		return false
	}
	// E21, F3: a single letter and a short number is a fault code on the display.
	if extErrorCodeRe.MatchString(v) {
		return false
	}
	// Glued to an address, a domain or a longer word: part of something else.
	if st > 0 && strings.ContainsRune("@._", rune(s[st-1])) {
		return false
	}
	if en < len(s) && strings.ContainsRune("@_", rune(s[en])) {
		return false
	}
	return true
}
