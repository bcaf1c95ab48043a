package nlu

// Email addresses and phone numbers.

import (
	"regexp"
	"strings"
)

var (
	extEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// Mainland mobile, optionally with +86 / 0086 / (+86), grouped 3-4-4.
	extMobileRe = regexp.MustCompile(`(?:(?:\+|00)\s*86[\s-]*|\(\s*\+?\s*86\s*\)[\s-]*)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}`)
	// Taiwan mobile (09xx-xxx-xxx), for zh-TW customers.
	extTWMobileRe = regexp.MustCompile(`(?:(?:\+|00)\s*886[\s-]*9|09)\d{2}[\s-]?\d{3}[\s-]?\d{3}`)
	// Landline with area code; the digits are re-split by area code rules.
	extLandlineRe = regexp.MustCompile(`(?:(?:\+|00)86[\s-]?\(0\)\s*\d{2,3}|\(\s*0\d{1,3}\s*\)|0\d{1,3})[\s-]?\d{3,4}[\s-]?\d{4}`)
	// Service hotlines (400/800) are the company's, never the customer's.
	extHotlineRe = regexp.MustCompile(`[48]00[\s-]?\d{3}[\s-]?\d{4}`)
	// An id keyword right before a number makes it an order number, not a phone.
	extIDKeywordTail = regexp.MustCompile(`(?i)(?:订单|訂單|单号|單號|\border|\binvoice|发票|發票|凭证|憑證|批次|批号|批號|\bbatch|\blot)[^0-9]{0,8}$`)
)

func extFindEmails(s string) []extCand {
	var out []extCand
	for _, idx := range extEmailRe.FindAllStringIndex(s, -1) {
		v := strings.ToLower(strings.TrimRight(s[idx[0]:idx[1]], "."))
		out = append(out, extCand{idx[0], idx[1], v})
	}
	return out
}

func extDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if extIsDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// extPhoneEdges rejects matches glued to letters or digits: they are slices
// of order numbers or other codes.
func extPhoneEdges(s string, start, end int) bool {
	if start > 0 && (extIsAlnum(s[start-1]) || s[start-1] == '-' && start > 1 && extIsDigit(s[start-2])) {
		return false
	}
	if end < len(s) && (extIsAlnum(s[end]) || (s[end] == '-' && end+1 < len(s) && extIsDigit(s[end+1]))) {
		return false
	}
	return true
}

func extFindPhones(s string) []extCand {
	var out []extCand
	for _, idx := range extMobileRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], d[len(d)-11:]})
	}
	for _, idx := range extTWMobileRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) || extOverlaps(out, idx[0], idx[1]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], "0" + d[len(d)-9:]})
	}
	for _, idx := range extLandlineRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) || extOverlaps(out, idx[0], idx[1]) {
			continue
		}
		if v, ok := extLandline(s[idx[0]:idx[1]]); ok {
			out = append(out, extCand{idx[0], idx[1], v})
		}
	}
	extSortCands(out)
	return out
}

// extLandline splits area code and local number: 010 and 02x are three-digit
// area codes, all others four; local numbers have 7 or 8 digits.
func extLandline(raw string) (string, bool) {
	d := extDigits(raw)
	if strings.HasPrefix(d, "860") {
		d = d[2:] // +86 (0)21 …: the trunk 0 is written in brackets
	}
	first := ""
	if m := extFirstGroup.FindStringSubmatch(raw); m != nil {
		first = m[1]
	}
	if len(first) == 2 && first[0] == '0' && len(d) >= 9 && len(d) <= 10 {
		// A two-digit area code written apart (Taiwan: 02-2345-6789, 04-…).
		return d[:2] + "-" + d[2:], true
	}
	if len(d) < 10 || d[0] != '0' {
		return "", false
	}
	area := 4
	if d[1] == '1' || d[1] == '2' {
		area = 3
	}
	local := d[area:]
	if len(local) < 7 || len(local) > 8 {
		return "", false
	}
	return d[:area] + "-" + local, true
}

func extFindHotlines(s string) []extCand {
	var out []extCand
	for _, idx := range extHotlineRe.FindAllStringIndex(s, -1) {
		if extPhoneEdges(s, idx[0], idx[1]) {
			out = append(out, extCand{idx[0], idx[1], ""})
		}
	}
	return out
}

func extOverlaps(cs []extCand, start, end int) bool {
	for _, c := range cs {
		if start < c.end && c.start < end {
			return true
		}
	}
	return false
}

func extSortCands(cs []extCand) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].start < cs[j-1].start; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}
