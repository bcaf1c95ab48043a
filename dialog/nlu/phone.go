package nlu

// Email addresses and phone numbers.

import (
	"strings"
	"unicode"
)

var (
	extEmailRe = mustRx(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// Mainland mobile, optionally with +86 / 0086 / (+86), grouped 3-4-4.
	extMobileRe = mustRx(`(?:(?:\+|00)\s*86[\s-]*|\(\s*\+?\s*86\s*\)[\s-]*)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}`)
	// Taiwan mobile (09xx-xxx-xxx), for zh-TW customers.
	extTWMobileRe = mustRx(`(?:(?:\+|00)\s*886[\s-]*9|09)\d{2}[\s-]?\d{3}[\s-]?\d{3}`)
	// Landline with area code; the digits are re-split by area code rules.
	extLandlineRe = mustRx(`(?:(?:\+|00)86[\s-]?\(0\)\s*\d{2,3}|\(\s*0\d{1,3}\s*\)|0\d{1,3})[\s-]?\d{3,4}[\s-]?\d{4}|0\d[\s-]\d{3,4}[\s-]\d{3}`)
	// Service hotlines (400/800) are the company's, never the customer's.
	extHotlineRe = mustRx(`[48]00[\s-]?\d{3}[\s-]?\d{4}`)
	// An id keyword right before a number makes it an order number, not a phone.
	extIDKeywordTail = mustRx(`(?i)(?:订单|訂單|单号|單號|\border|\binvoice|发票|發票|凭证|憑證|批次|批号|批號|\bbatch|\blot|\bserial|\b(?-i:PO)\b|\bvat|统编|統編|合同|合約)[^0-9。!！?？\n]{0,8}$`)

	// A phone word between an id keyword and the number makes it a phone
	// again: "订单号我不会看 电话13605813327".
	extPhoneKeywordTail = mustRx(`(?i)(?:电话|電話|手机|手機|号码|號碼|联系|聯繫|聯絡|\bphone|\bmobile|\btel|\bcall)[^0-9]{0,6}$`)

	// A number written with its country code: "+44 7700 900123",
	// "+1 (312) 555-0164", "+49 (0)221 948 77 31", "0044 20 7946 0958".
	// The groups never cross a line: a signature puts each number on its own.
	extIntlRe = mustRx(`(?:\+|\b00)[ \t]?\d{1,4}(?:[ \t.-]{0,2}(?:\(0\)[ \t]?)?\(?\d{1,6}\)?){1,6}`)
	// Local numbers of other countries, read only when the text says which
	// country (or is in English and the grouping is unmistakable):
	// "07700 900123", "0411 238 905", "(512) 555-0147", "9455 0871".
	extLocalRe = mustRx(`\(?\d{2,5}\)?(?:[ \t.-]{1,2}\d{2,8}){1,4}|\d{8,11}`)
	extNANPRe  = mustRx(`^(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}$`)
	// Chinese digits read one by one: "幺三八 一二三四 五六七八".
	extHanDigitRe = mustRx(`[0-9零〇一二三四五六七八九幺][0-9零〇一二三四五六七八九幺 \t-]{9,20}[0-9零〇一二三四五六七八九幺]`)
)

// extCountryCue names a country in the text: a name, a region, a city or a
// word only its people use; extCountryCodes gives its calling code.
var extCountryCue = mustWordSet(`(?i)\b(?:Ireland|Irish|Dublin|Galway|Limerick|Waterford|Kilkenny|Wexford|Sligo|Donegal|Meath|Kildare|Wicklow|South Africa|Johannesburg|Joburg|Jozi|Cape Town|Durban|Pretoria|Soweto|Gqeberha|Port Elizabeth|Bloemfontein|Stellenbosch|Howzit|UAE|Dubai|Abu Dhabi|Sharjah|Ajman|Kenya|Nairobi|Mombasa|Kisumu|Ghana|Accra|Kumasi|Netherlands|Holland|Amsterdam|Rotterdam|Utrecht|Eindhoven|The Hague|Spain|Madrid|Barcelona|Seville|Malaga|Bilbao|France|Paris|Lyon|Marseille|Toulouse|Bordeaux|Italy|Rome|Naples|Turin|Indonesia|Jakarta|Bali|Surabaya|Bandung|Bekasi|Denpasar|Ubud|Penang|Johor|Selangor|Petaling Jaya|Shah Alam|Subang|Ipoh|Melaka|Malacca|Kota Kinabalu|Kuching|Bangsar|Cheras|Puchong|Tampines|Bedok|Jurong|Woodlands|Punggol|Yishun|Ang Mo Kio|Toa Payoh|Clementi|Orchard Road|HDB|Noida|Gurgaon|Gurugram|Ahmedabad|Jaipur|Lucknow|Kochi|Cochin|Thane|Navi Mumbai|Kerala|Karnataka|Tamil Nadu|Maharashtra|Makati|Taguig|Pasig|Cavite|Laguna|Iloilo|Baguio|Christchurch|Hamilton NZ|Tauranga|Dunedin|Gold Coast|Toowoomba|Cairns|Geelong|Newcastle NSW|Wollongong|Townsville|Exeter|Oxford|Cambridge|Coventry|Plymouth|Aberdeen|Dundee|Surrey|Essex|Yorkshire|Cornwall|Texas|California|Florida|Ohio|New York|NYC|Chicago|Seattle|Boston|Houston|Dallas|Denver|Atlanta|Los Angeles|San Francisco|Portland|Ontario|Quebec|Montreal|Calgary|Ottawa|Alberta|British Columbia|U\.?K|United Kingdom|England|Scotland|Wales|Britain|British|London|Manchester|Birmingham|Leeds|Liverpool|Glasgow|Edinburgh|Bristol|Sheffield|Cardiff|Belfast|Nottingham|Leicester|Norwich|Brighton|Southampton|Swindon|Australia|Aussie|NSW|VIC|QLD|Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra|Hobart|G'day|Singapore|SG|lah|Hong Kong|HK|Kowloon|Philippines|Manila|Quezon|Cebu|Davao|India|Mumbai|Delhi|Bengaluru|Bangalore|Chennai|Hyderabad|Pune|Kolkata|Germany|Deutschland|Berlin|Munich|München|Hamburg|Köln|Cologne|Frankfurt|Stuttgart|Nigeria|Lagos|Abuja|Thailand|Bangkok|Malaysia|Kuala Lumpur|New Zealand|Auckland|Wellington|USA|U\.S\.A?|United States|Canada|Toronto|Vancouver)\b|英国|英國|澳洲|澳大利亚|澳大利亞|新加坡|香港|九龙|九龍|菲律宾|菲律賓|印度|德国|德國|美国|美國|加拿大|马来西亚|馬來西亞|泰国|泰國`)

var extCountryCodes = map[string]string{
	"ireland":          "353",
	"irish":            "353",
	"dublin":           "353",
	"galway":           "353",
	"limerick":         "353",
	"waterford":        "353",
	"kilkenny":         "353",
	"wexford":          "353",
	"sligo":            "353",
	"donegal":          "353",
	"meath":            "353",
	"kildare":          "353",
	"wicklow":          "353",
	"south africa":     "27",
	"johannesburg":     "27",
	"joburg":           "27",
	"jozi":             "27",
	"cape town":        "27",
	"durban":           "27",
	"pretoria":         "27",
	"soweto":           "27",
	"gqeberha":         "27",
	"port elizabeth":   "27",
	"bloemfontein":     "27",
	"stellenbosch":     "27",
	"howzit":           "27",
	"uae":              "971",
	"dubai":            "971",
	"abu dhabi":        "971",
	"sharjah":          "971",
	"ajman":            "971",
	"kenya":            "254",
	"nairobi":          "254",
	"mombasa":          "254",
	"kisumu":           "254",
	"ghana":            "233",
	"accra":            "233",
	"kumasi":           "233",
	"netherlands":      "31",
	"holland":          "31",
	"amsterdam":        "31",
	"rotterdam":        "31",
	"utrecht":          "31",
	"eindhoven":        "31",
	"the hague":        "31",
	"spain":            "34",
	"madrid":           "34",
	"barcelona":        "34",
	"seville":          "34",
	"malaga":           "34",
	"bilbao":           "34",
	"france":           "33",
	"paris":            "33",
	"lyon":             "33",
	"marseille":        "33",
	"toulouse":         "33",
	"bordeaux":         "33",
	"italy":            "39",
	"rome":             "39",
	"naples":           "39",
	"turin":            "39",
	"indonesia":        "62",
	"jakarta":          "62",
	"bali":             "62",
	"surabaya":         "62",
	"bandung":          "62",
	"bekasi":           "62",
	"denpasar":         "62",
	"ubud":             "62",
	"penang":           "60",
	"johor":            "60",
	"selangor":         "60",
	"petaling jaya":    "60",
	"shah alam":        "60",
	"subang":           "60",
	"ipoh":             "60",
	"melaka":           "60",
	"malacca":          "60",
	"kota kinabalu":    "60",
	"kuching":          "60",
	"bangsar":          "60",
	"cheras":           "60",
	"puchong":          "60",
	"tampines":         "65",
	"bedok":            "65",
	"jurong":           "65",
	"woodlands":        "65",
	"punggol":          "65",
	"yishun":           "65",
	"ang mo kio":       "65",
	"toa payoh":        "65",
	"clementi":         "65",
	"orchard road":     "65",
	"hdb":              "65",
	"noida":            "91",
	"gurgaon":          "91",
	"gurugram":         "91",
	"ahmedabad":        "91",
	"jaipur":           "91",
	"lucknow":          "91",
	"kochi":            "91",
	"cochin":           "91",
	"thane":            "91",
	"navi mumbai":      "91",
	"kerala":           "91",
	"karnataka":        "91",
	"tamil nadu":       "91",
	"maharashtra":      "91",
	"makati":           "63",
	"taguig":           "63",
	"pasig":            "63",
	"cavite":           "63",
	"laguna":           "63",
	"iloilo":           "63",
	"baguio":           "63",
	"christchurch":     "64",
	"hamilton nz":      "64",
	"tauranga":         "64",
	"dunedin":          "64",
	"gold coast":       "61",
	"toowoomba":        "61",
	"cairns":           "61",
	"geelong":          "61",
	"newcastle nsw":    "61",
	"wollongong":       "61",
	"townsville":       "61",
	"exeter":           "44",
	"oxford":           "44",
	"cambridge":        "44",
	"coventry":         "44",
	"plymouth":         "44",
	"aberdeen":         "44",
	"dundee":           "44",
	"surrey":           "44",
	"essex":            "44",
	"yorkshire":        "44",
	"cornwall":         "44",
	"texas":            "1",
	"california":       "1",
	"florida":          "1",
	"ohio":             "1",
	"new york":         "1",
	"nyc":              "1",
	"chicago":          "1",
	"seattle":          "1",
	"boston":           "1",
	"houston":          "1",
	"dallas":           "1",
	"denver":           "1",
	"atlanta":          "1",
	"los angeles":      "1",
	"san francisco":    "1",
	"portland":         "1",
	"ontario":          "1",
	"quebec":           "1",
	"montreal":         "1",
	"calgary":          "1",
	"ottawa":           "1",
	"alberta":          "1",
	"british columbia": "1",
	"uk":               "44", "u.k": "44", "united kingdom": "44", "england": "44", "scotland": "44", "wales": "44",
	"britain": "44", "british": "44", "london": "44", "manchester": "44", "birmingham": "44", "leeds": "44",
	"liverpool": "44", "glasgow": "44", "edinburgh": "44", "bristol": "44", "sheffield": "44",
	"cardiff": "44", "belfast": "44", "nottingham": "44", "leicester": "44", "norwich": "44",
	"brighton": "44", "southampton": "44", "swindon": "44", "英国": "44", "英國": "44",
	"australia": "61", "aussie": "61", "nsw": "61", "vic": "61", "qld": "61", "sydney": "61",
	"melbourne": "61", "brisbane": "61", "perth": "61", "adelaide": "61", "canberra": "61", "hobart": "61",
	"g'day": "61", "澳洲": "61", "澳大利亚": "61", "澳大利亞": "61",
	"singapore": "65", "sg": "65", "lah": "65", "新加坡": "65",
	"hong kong": "852", "hk": "852", "kowloon": "852", "香港": "852", "九龙": "852", "九龍": "852",
	"philippines": "63", "manila": "63", "quezon": "63", "cebu": "63", "davao": "63", "菲律宾": "63", "菲律賓": "63",
	"india": "91", "mumbai": "91", "delhi": "91", "bengaluru": "91", "bangalore": "91", "chennai": "91",
	"hyderabad": "91", "pune": "91", "kolkata": "91", "印度": "91",
	"germany": "49", "deutschland": "49", "berlin": "49", "munich": "49", "münchen": "49", "hamburg": "49",
	"köln": "49", "cologne": "49", "frankfurt": "49", "stuttgart": "49", "德国": "49", "德國": "49",
	"nigeria": "234", "lagos": "234", "abuja": "234",
	"thailand": "66", "bangkok": "66", "泰国": "66", "泰國": "66",
	"malaysia": "60", "kuala lumpur": "60", "马来西亚": "60", "馬來西亞": "60",
	"new zealand": "64", "auckland": "64", "wellington": "64",
	"usa": "1", "u.s": "1", "u.s.a": "1", "united states": "1", "canada": "1", "toronto": "1",
	"vancouver": "1", "美国": "1", "美國": "1", "加拿大": "1",
}

// extUKPostcode is a British postcode ("RG4 7HT", "CF11 8TT").
var extUKPostcode = mustRx(`\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}\b`)

// extCantonese holds characters only written Cantonese uses: a message in
// it comes from Hong Kong (or Macau), whose numbers have eight digits.
const extCantonese = "嘅咗唔喺哋冇嘢啲嚟佢咁乜嗰睇俾諗攞"

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

// extPhoneCtx is what the text says about where its numbers are from.
type extPhoneCtx struct {
	latin bool   // no Chinese at all: an English-writing customer
	cc    string // calling code of a country the text names ("44"), "" none
	hk    bool   // Cantonese or Traditional script: a bare 8-digit number is Hong Kong's
}

func extPhoneContext(s string) extPhoneCtx {
	var c extPhoneCtx
	han, trad, simp := 0, 0, 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han++
			if langScript.trad[r] {
				trad++
			}
			if langScript.simp[r] {
				simp++
			}
		}
	}
	c.latin = han == 0
	c.hk = strings.ContainsAny(s, extCantonese) || trad > 0 && trad >= simp
	c.cc = extCountryIn(s)
	if c.cc == "" && c.latin && extUKPostcode.MatchString(s) {
		c.cc = "44"
	}
	if c.cc == "" && strings.Contains(s, "+") {
		// Another number of the same text written with its country code.
		if m := extIntlRe.FindString(s); m != "" {
			if d := extDigits(m); !strings.HasPrefix(d, "86") {
				for _, p := range []string{"44", "61", "65", "852", "63", "91", "49", "234", "66", "60", "64"} {
					if strings.HasPrefix(d, p) {
						c.cc = p
						break
					}
				}
			}
		}
	}
	return c
}

// extCurrencyCue is money written the way one country writes it.
var extCurrencyCue = mustRx(`£|\bGBP\b|\bA\$|\bAUD\b|\bS\$|\bSGD\b|\bHK\$|\bHKD\b|₱|\bPHP\b|₹|\bINR\b|\bRs\.?\s?\d`)

var extCurrencyCodes = map[string]string{"£": "44", "GBP": "44", "A$": "61", "AUD": "61", "S$": "65", "SGD": "65",
	"HK$": "852", "HKD": "852", "₱": "63", "PHP": "63", "₹": "91", "INR": "91"}

// extCountryIn returns the calling code of the country text names, by name,
// city, region, a word only its people use, its currency or a shop code
// ("FF-UK-311807"); "" when none.
func extCountryIn(s string) string {
	if m := extCountryCue.FindString(s); m != "" {
		if cc, ok := extCountryCodes[strings.TrimSuffix(strings.ToLower(m), ".")]; ok {
			return cc
		}
	}
	if m := extCurrencyCue.FindString(s); m != "" {
		if cc, ok := extCurrencyCodes[m]; ok {
			return cc
		}
		return "91" // Rs 500
	}
	return ""
}

// LocalizePhone completes a phone number kept as written because its
// country was not said ("07700900123", from "call me on 07700 900123")
// once text names the country ("we're in Leeds"): "+447700900123". ok is
// false when text names no country whose numbers phone fits, or phone is
// not such a number.
func LocalizePhone(phone, text string) (string, bool) {
	if phone == "" || phone[0] != '0' || extDigits(phone) != phone {
		return "", false
	}
	s := extNormalize(text)
	cc := extCountryIn(s)
	if cc == "" && extUKPostcode.MatchString(s) {
		cc = "44"
	}
	if cc == "" || cc == "44" && strings.HasPrefix(phone, "010") {
		return "", false
	}
	if v, ok := extLocalByRegion(phone, cc, false); ok {
		return v, true
	}
	r, ok := extTrunkCountries[cc]
	if !ok || len(phone) < r[0] || len(phone) > r[1] || phone[1] == '0' {
		return "", false
	}
	return "+" + cc + phone[1:], true
}

// extAreaParenRe is a trunk area code in brackets right before the number.
var extAreaParenRe = mustRx(`\(0\d{1,3}\)`)

func extFindPhones(s string) []extCand { return extFindPhonesIn(s, false) }

// CountryIn returns the calling code of the country text names ("Nairobi"
// → "254"), "" when none: a conversation remembers it for the local
// numbers its customer gives later.
func CountryIn(text string) string { return extCountryIn(extNormalize(text)) }

// extFindPhonesIn is extFindPhones for a text of a conversation held in
// Traditional Chinese: a lone eight-digit number ("Mandy 9632 1478") is
// read as Hong Kong's, as in the Cantonese text around it. (Taiwan's
// mobiles have ten digits and its landlines an area code.)
func extFindPhonesIn(s string, hk bool) []extCand { return extFindPhonesCC(s, hk, "") }

// extFindPhonesCC is extFindPhonesIn with the calling code of the country
// named earlier in the conversation, for a text that names none.
func extFindPhonesCC(s string, hk bool, cc string) []extCand {
	if !extHasDigit.MatchString(s) && !strings.ContainsAny(s, "一二三四五六七八九零〇幺") {
		return nil
	}
	// "(02)2345-6789": an area code in brackets is written as " 02-" (the
	// same length, so the spans found still fit the text).
	s = extAreaParenRe.ReplaceAllStringFunc(s, func(m string) string {
		return " " + m[1:len(m)-1] + "-"
	})
	var out []extCand
	var ctx *extPhoneCtx
	context := func() extPhoneCtx {
		if ctx == nil {
			c := extPhoneContext(s)
			if c.cc == "" && cc != "" {
				c.cc = cc
			}
			if hk && c.cc == "" {
				c.hk, c.latin = true, false
			}
			ctx = &c
		}
		return *ctx
	}
	ok := func(start, end int) bool {
		if !extPhoneEdges(s, start, end) || extOverlaps(out, start, end) {
			return false
		}
		return !extIDKeywordTail.MatchString(s[:start]) || extPhoneKeywordTail.MatchString(s[:start])
	}
	if strings.Contains(s, "+") || strings.Contains(s, "00") {
		for _, idx := range extIntlRe.FindAllStringIndex(s, -1) {
			if !ok(idx[0], idx[1]) {
				continue
			}
			if v, good := extIntl(s[idx[0]:idx[1]]); good {
				out = append(out, extCand{idx[0], idx[1], v})
			}
		}
	}
	for _, idx := range extMobileRe.FindAllStringIndex(s, -1) {
		if !ok(idx[0], idx[1]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], d[len(d)-11:]})
	}
	if c := context(); c.latin || c.cc != "" || c.hk {
		for _, idx := range extLocalRe.FindAllStringIndex(s, -1) {
			st, en := idx[0], idx[1]
			raw := strings.TrimRight(s[st:en], " \t.-")
			en = st + len(raw)
			if st > 0 && strings.ContainsRune("-#/", rune(s[st-1])) || !ok(st, en) {
				continue // "AB-40219876", "#01-12": part of a code or an address
			}
			if v, good := extForeignLocal(raw, c); good {
				out = append(out, extCand{st, en, v})
			}
		}
	}
	for _, idx := range extTWMobileRe.FindAllStringIndex(s, -1) {
		if !ok(idx[0], idx[1]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], "0" + d[len(d)-9:]})
	}
	for _, idx := range extLandlineRe.FindAllStringIndex(s, -1) {
		if !ok(idx[0], idx[1]) {
			continue
		}
		if v, good := extLandline(s[idx[0]:idx[1]]); good {
			out = append(out, extCand{idx[0], idx[1], v})
		}
	}
	if strings.ContainsAny(s, "一二三四五六七八九零〇幺") {
		for _, idx := range extHanDigitRe.FindAllStringIndex(s, -1) {
			if !ok(idx[0], idx[1]) {
				continue
			}
			if d := extHanDigits(s[idx[0]:idx[1]]); len(d) == 11 && d[0] == '1' && d[1] >= '3' {
				out = append(out, extCand{idx[0], idx[1], d})
			}
		}
	}
	extSortCands(out)
	extApplyTail(s, out)
	return out
}

// extIntl reads a number written with a country code as "+" and digits; the
// trunk "(0)" some write after the code is dropped. Mainland numbers are
// left to the mainland patterns, Taiwan's are written the Taiwan way.
func extIntl(raw string) (string, bool) {
	raw = strings.Replace(raw, "(0)", "", 1)
	d := extDigits(raw)
	if strings.HasPrefix(raw, "00") {
		d = d[2:]
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' || strings.HasPrefix(d, "86") {
		return "", false
	}
	if strings.HasPrefix(d, "886") {
		if d[3] == '9' && len(d) == 12 {
			return "0" + d[3:], true
		}
		if len(d) >= 11 {
			return "0" + d[3:4] + "-" + d[4:], true
		}
	}
	return "+" + d, true
}

// extTrunkCountries are the countries whose local numbers start with a
// trunk 0, with the lengths (trunk included) their numbers have.
var extTrunkCountries = map[string][2]int{
	"44": {10, 11}, "61": {10, 10}, "63": {11, 11}, "49": {6, 13}, "234": {11, 11},
	"66": {9, 10}, "60": {9, 11}, "64": {8, 10}, "91": {11, 11},
}

// extForeignLocal reads a local number of another country (see extLocalRe).
func extForeignLocal(raw string, c extPhoneCtx) (string, bool) {
	if extDateShapeRe.MatchString(raw) {
		return "", false // "24.01.2026" is a day
	}
	d := extDigits(raw)
	n := len(d)
	if n < 8 || n > 13 {
		return "", false
	}
	grouped := strings.ContainsAny(raw, " \t.-()")
	// Eight digits "9455 0871": Hong Kong or Singapore, only as said.
	if n == 8 && (raw == d || regexp8.MatchString(raw)) {
		switch {
		case c.cc == "65" && strings.ContainsRune("3689", rune(d[0])):
			return "+65" + d, true
		case (c.cc == "852" || c.cc == "" && c.hk && !c.latin) && strings.ContainsRune("235679", rune(d[0])):
			return "+852" + d, true
		}
		return "", false
	}
	if c.cc != "" && !(c.cc == "44" && strings.HasPrefix(d, "010")) { // 010 is Beijing's, never British
		if v, ok := extLocalByRegion(d, c.cc, strings.Contains(raw, "-")); ok {
			return v, true
		}
	}
	if c.latin && c.cc == "" && n == 10 && d[0] >= '6' && extIndiaGroupingRe.MatchString(raw) {
		// "98450 12345": an Indian mobile, split the Indian way.
		return "+91" + d, true
	}
	if c.cc == "1" || c.latin && c.cc == "" {
		if extNANPRe.MatchString(raw) {
			if t := d[len(d)-10 : len(d)-7]; t == "400" || t == "800" {
				return "", false // a service hotline, never the customer's
			}
			if n == 11 {
				return "+" + d, true
			}
			return "+1" + d, true
		}
	}
	if c.cc == "91" && n == 10 && d[0] >= '6' {
		return "+91" + d, true
	}
	if d[0] != '0' || d[1] == '0' || !grouped && n != 11 {
		return "", false
	}
	if !c.latin && strings.Contains(raw, "-") {
		return "", false // "021-64357718" in Chinese text is a mainland landline
	}
	if r, ok := extTrunkCountries[c.cc]; ok && n >= r[0] && n <= r[1] {
		if c.cc == "44" && d[1] == '1' && d[2] == '0' {
			return "", false // 010 is Beijing's, never British
		}
		return "+" + c.cc + d[1:], true
	}
	if !c.latin || c.cc != "" {
		return "", false
	}
	if n == 11 && grouped && !strings.Contains(raw, "-") && strings.ContainsRune("123", rune(d[1])) && extUKGrouping(raw) {
		// "01632 960 441": British by its grouping. Germany's open plan
		// would take a range the British metadata does not list.
		return "+44" + d[1:], true
	}
	// English with no country named: the one country whose plan has it.
	if v, ok := extLocalByRegion(d, "", strings.Contains(raw, "-")); ok {
		return v, true
	}
	switch {
	case n == 10 && strings.HasPrefix(d, "04"): // Australian mobile 04xx xxx xxx
		return "+61" + d[1:], true
	case n == 11 && strings.HasPrefix(d, "09") && grouped: // Philippine mobile 09xx xxx xxxx
		return "+63" + d[1:], true
	case n == 11 && grouped && !strings.Contains(raw, "-") && extUKGrouping(raw):
		// "07700 900123", "0114 258 3390": British by its grouping, but
		// without the country said it is kept as written, not made a
		// mainland landline.
		return d, true
	}
	return "", false
}

// extDateShapeRe is a date written with dots, slashes or dashes.
var extDateShapeRe = mustRx(`^\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}$|^(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}$`)

// regexp8 is an eight-digit number grouped 4-4.
var regexp8 = mustRx(`^\d{4}[ -]\d{4}$`)

// extIndiaGroupingRe is a ten-digit mobile written in two groups of five.
var extIndiaGroupingRe = mustRx(`^[6-9]\d{4}[ \t]\d{5}$`)

// extUKGrouping reports whether a number is split the British way: an
// area code of four or five digits, or 01x/011x with the rest in groups
// of three and four ("07700 900123", "0161 832 7740", "01225 448 210").
func extUKGrouping(raw string) bool {
	f := strings.Fields(raw)
	if len(f) < 2 {
		return false
	}
	first := f[0]
	return len(first) == 5 || len(first) == 4 && first[1] == '1' && first[2] != '0'
}

// extHanDigits reads digits written with Chinese numerals (and ASCII
// digits mixed in), one numeral a digit; "" unless at least one is Chinese.
func extHanDigits(s string) string {
	var b strings.Builder
	han := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '零' || r == '〇':
			b.WriteByte('0')
			han = true
		case r == '幺' || r == '一':
			b.WriteByte('1')
			han = true
		default:
			if i := strings.IndexRune("二三四五六七八九", r); i >= 0 {
				b.WriteByte(byte('2' + i/3))
				han = true
			}
		}
	}
	if !han {
		return ""
	}
	return b.String()
}

// extLandline splits area code and local number: 010 and 02x are three-digit
// area codes, all others four; local numbers have 7 or 8 digits and never
// start with 0.
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
	if len(local) < 7 || len(local) > 8 || local[0] == '0' {
		return "", false
	}
	if d[1] == '1' && d[2] != '0' {
		return "", false // 01x other than 010 is no mainland area code
	}
	return d[:area] + "-" + local, true
}

// extPhoneTailRe is a correction of the last digits of a phone number:
// "不对，尾号是5678", "后四位是1234", "sorry, the last four digits are 4537",
// "it ends in 0193".
var extPhoneTailRe = mustRx(`(?i)(?:尾号|尾號|尾数|尾數|末尾|最后[一二三四五两兩]?位|最後[一二三四五两兩]?位|后[一二三四五两兩]位|後[一二三四五两兩]位|末[一二三四五两兩]位|最后几位|最後幾位|\blast (?:[1-6]|one|two|three|four|five|six) digits?|\bends? (?:in|with)|\bending (?:in|with))[^0-9\n]{0,10}?(\d{1,6})\b`)

// extTailOtherID is an identifier other than a phone that a tail may
// belong to: "订单尾号1234" corrects no phone number.
var extTailOtherID = mustRx(`(?i)订单|訂單|单号|單號|运单|運單|快递|快遞|卡号|卡號|银行卡|銀行卡|身份证|身份證|\border|\binvoice|\btracking|\bcard|\bserial|发票|發票|型号|型號|\bmodel`)

// PhoneTailCorrection finds a correction of the last digits of the phone
// number given before ("不对，尾号是5678", "後四位是1234", "the last four
// digits are 0193") and returns those digits. A tail of another identifier
// ("订单尾号1234") is not one.
func PhoneTailCorrection(text string) (tail string, ok bool) {
	s := extNormalize(text)
	_, _, tail, ok = extPhoneTail(s)
	return tail, ok
}

// extPhoneTail is PhoneTailCorrection with the span of the correction.
func extPhoneTail(s string) (start, end int, tail string, ok bool) {
	m := extPhoneTailRe.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, 0, "", false
	}
	cs, _ := extClause(s, m[0], m[1])
	lead := s[cs:m[0]]
	if extTailOtherID.MatchString(lead) {
		return 0, 0, "", false
	}
	return m[0], m[3], s[m[2]:m[3]], true
}

// extApplyTail corrects a number the customer fixes in the same message
// ("13760218853 不对 尾号是8835"): the tail replaces the last digits and the
// candidate spans the correction, so it is not read as negated.
func extApplyTail(s string, cs []extCand) {
	if len(cs) == 0 || !strings.ContainsAny(s, "尾末后後lLeE") {
		return
	}
	st, en, tail, ok := extPhoneTail(s)
	if !ok {
		return
	}
	for i := len(cs) - 1; i >= 0; i-- {
		c := &cs[i]
		if c.end > st || st-c.end > 40 {
			continue
		}
		if v, ok := extReplaceTail(c.value, tail); ok {
			c.value, c.end = v, en
		}
		return
	}
}

// extReplaceTail puts tail over the last digits of phone, keeping its
// separators ("0571-86021357" stays grouped).
func extReplaceTail(phone, tail string) (string, bool) {
	if len(tail) >= len(extDigits(phone)) {
		return "", false
	}
	b := []byte(phone)
	j := len(tail) - 1
	for i := len(b) - 1; i >= 0 && j >= 0; i-- {
		if extIsDigit(b[i]) {
			b[i] = tail[j]
			j--
		}
	}
	return string(b), true
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

// phoneLabelRe is a label before the digits ("电话1370571").
// phoneLead is what may open a reply that gives a number: a filler, an
// offer to leave one, a label.
const phoneLead = `(?i)^(?:(?:好啦|好吧|好的|好|行吧|行|嗯|ok|okay)[\s,，!！]*)?(?:那)?(?:我)?`

var phoneLabelRe = mustRx(phoneLead + `(?:留个电话给你们|留个电话给你|留个电话|给你们电话|我的)?(?:手机号码|手机号|手机|联系电话|电话号码|电话|号码|tel|phone|mobile|cell|my number is)?\s*(?:是|:|：)?\s*`)

// HasPhoneLabel reports whether text opens with a phone label ("电话 139
// 5021", "phone: 0930"): the digits after it are (part of) a number.
func HasPhoneLabel(text string) bool {
	t := strings.TrimSpace(Fold(text))
	return phoneLabelCue.MatchString(t) || phoneLabelHanCue.MatchString(t)
}

// phoneLabelHanCue is a label and then only digits read out in Chinese
// ("电话 一五八"); "电话一直打不通" is not one.
var phoneLabelHanCue = mustRx(phoneLead + `(?:我的)?(?:手机号码|手机号|手机|联系电话|电话号码|电话)\s*(?:是|:|：)?\s*[零〇一二三四五六七八九幺][\d零〇一二三四五六七八九幺\s\-]*$`)

var phoneLabelCue = mustRx(phoneLead + `(?:留个电话给你们|留个电话给你|留个电话|给你们电话|(?:我的)?(?:电话|手机|手机号|手机号码|联系电话|tel|phone|mobile|cell|my number is))\s*(?:是|:|：)?\s*[+\d]`)

// digitsOnlyRe is a reply of digits as people group them, and nothing else.
var digitsOnlyRe = mustRx(`^[\d\s\-+()]+$`)

// PhoneDigits reads a reply that is only (part of) a phone number, perhaps
// after a label ("电话1370571", "138 1234"), as its digits and a leading +.
func PhoneDigits(text string) (string, bool) {
	t := phoneLabelRe.ReplaceAllString(strings.TrimSpace(Fold(text)), "")
	if hanDigitsOnlyRe.MatchString(t) {
		// Read out digit by digit: "一五八", "二六七三 九九零一".
		t = extHanDigits(t)
	}
	if !digitsOnlyRe.MatchString(t) {
		return "", false
	}
	// "(" or "-" alone is no part of a number (found by FuzzPhone).
	d := extPlusDigits(t)
	if strings.TrimPrefix(d, "+") == "" {
		return "", false
	}
	return d, true
}

// hanDigitsOnlyRe is a reply of Chinese digits (some Arabic among them) and
// nothing else.
var hanDigitsOnlyRe = mustRx(`^[零〇一二三四五六七八九幺][\d零〇一二三四五六七八九幺\s\-]*$`)

// phoneRestRe is the rest of a number typed over two messages, with a
// remark after it: "4578 刚才没发完", "5678 sorry".
var phoneRestRe = mustRx(`^([\d\s\-]*\d)\s*[,，。.!！]?\s*\D*$`)

// PhoneRest reads the rest of a number begun in the message before: only
// digits, perhaps followed by a remark without digits.
func PhoneRest(text string) (string, bool) {
	if d, ok := PhoneDigits(text); ok {
		return d, true
	}
	m := phoneRestRe.FindStringSubmatch(strings.TrimSpace(Fold(text)))
	if m == nil {
		return "", false
	}
	return extPlusDigits(m[1]), true
}

// phoneStartRe is how a phone number can begin: a mainland mobile (13–19),
// an area or Taiwan mobile code (0…) or a country code.
var phoneStartRe = mustRx(`^(?:\+|1[3-9]|0[1-9])`)

// CanStartPhone reports whether digits can be the first part of a phone
// number: "12345" cannot, and is a wrong number rather than a beginning.
func CanStartPhone(digits string) bool { return phoneStartRe.MatchString(digits) }

// LoosePhone reads a reply that is one number of 8 to 15 digits grouped as
// people type phone numbers ("087 224 5619"), whatever its country: its
// digits and a leading +.
func LoosePhone(text string) (string, bool) {
	t := strings.TrimSpace(text)
	ms := extLooseNumbers(t)
	if len(ms) != 1 || ms[0].start != 0 || ms[0].end != len(t) {
		return "", false
	}
	d := extPlusDigits(t)
	if n := len(strings.TrimPrefix(d, "+")); n < 8 || n > 15 {
		return "", false
	}
	return d, true
}

// extPlusDigits keeps the digits of s and a + before them ("(+86)138…"),
// not one between them ("138+1234", found by FuzzPhone).
func extPlusDigits(s string) string {
	var d strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r == '+' && d.Len() == 0 {
			d.WriteRune(r)
		}
	}
	return d.String()
}

// phoneTailRe is the end of a number said on its own: "尾号是687", "后四位
// 5678", "last digits are 0183", "ending in 4471".
var phoneTailRe = mustRx(`(?i)(?:尾号|尾號|尾数|尾數|(?:最后|最後|后|後)\s*(?:[2-5二三四五两兩]|几|幾)\s*(?:位|个数|個數)|\blast\s+(?:[2-5]|two|three|four|five)?\s*(?:digits?|numbers?)|\bend(?:s|ing)?\s+(?:in|with))\s*(?:应该是|應該是|其实是|其實是|是|為|为|are|is|should be|:)?\s*(\d{2,5})(?:\D|$)`)

// PhoneTail returns the digits a customer gives as the end of their phone
// number, "" when the text gives none.
func PhoneTail(text string) string {
	m := phoneTailRe.FindStringSubmatch(extNormalize(text))
	if m == nil {
		return ""
	}
	return m[1]
}
