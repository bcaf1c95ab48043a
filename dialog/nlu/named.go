package nlu

import "strings"

// Product names without a model code. English customers often call the
// product by its line alone ("the IonGlow hair dryer", "our Harlow
// 3-seater", "my e-bike Trekk E5"); an agent records that name as the
// model. Such a name needs evidence on both sides: an owner or a count
// before it ("my", "the", "40") and a product noun after it, or a code or
// CamelCase word inside it that no sentence word has.

// extFindNamed returns the first product name in s, if any.
func extFindNamed(s string) (extCand, bool) {
	toks := extWordTokens(s)
	for i := 0; i+1 < len(toks); i++ {
		lead := s[toks[i][0]:toks[i][1]]
		ll := strings.ToLower(lead)
		nounLead := extEnProductNouns[ll] || ll == "pos" || ll == "card"
		if !extDeterminers[ll] && ll != "a" && ll != "an" && !extAllDigits(lead) && !nounLead {
			continue
		}
		if !extSpaceBetween(s, toks[i], toks[i+1]) {
			continue
		}
		j, camel, code := extNameRun(s, toks, i+1, nounLead)
		if j == i+1 {
			continue
		}
		st, en := toks[i+1][0], toks[j-1][1]
		// What follows the name: a product noun (after at most two
		// modifiers), or, for a name with a code or CamelCase, anything
		// but another capitalised word.
		nounAfter := extNWordNoun(s[toks[j-1][0]:toks[j-1][1]])
		for k := j; !nounAfter && k < len(toks) && k < j+3; k++ {
			if !extSpaceBetween(s, toks[k-1], toks[k]) {
				break
			}
			w := s[toks[k][0]:toks[k][1]]
			if extEnProductNouns[strings.ToLower(w)] {
				// "The Copper Pot Bistro" is a business, not a pot.
				nounAfter = k+1 >= len(toks) || !extSpaceBetween(s, toks[k], toks[k+1]) || !extBrandRe.MatchString(s[toks[k+1][0]:toks[k+1][1]])
				break
			}
			if !extNounModifier(w) {
				break
			}
		}
		if !nounAfter && !((camel || code) && !extAllDigits(lead) && extNameEnds(s, en)) {
			continue
		}
		return extCand{st, en, s[st:en]}, true
	}
	return extCand{}, false
}

// extNameRun reads the words of a product name starting at toks[i] and
// returns where it ends, whether a word is CamelCase and whether one is a
// code (digits).
func extNameRun(s string, toks [][2]int, i int, codeFirst bool) (end int, camel, code bool) {
	end = i
	for k := i; k < len(toks) && k < i+4; k++ {
		if k > i && !extSpaceBetween(s, toks[k-1], toks[k]) {
			break
		}
		w := s[toks[k][0]:toks[k][1]]
		switch {
		case k == i && extNamedStop[strings.ToLower(w)]:
			return i, false, false
		case extCamelRe.MatchString(w) && !extNamedStop[strings.ToLower(w)]:
			camel = true
		case extBrandWord(w) && !extEnProductNouns[strings.ToLower(w)] && !extNamedStop[strings.ToLower(w)]:
		case k > i && extModelSuffix[w]:
		case (k > i || codeFirst && extShortCode.MatchString(w)) && (extNWordNoun(w) || extHasDigitByte(w) && len(w) <= 8 && !extCountNext(s, toks[k][1])):
			code = true
		case k > i && extCapsModifier(w) && k+1 < len(toks) && extSpaceBetween(s, toks[k], toks[k+1]) && extAllDigits(s[toks[k+1][0]:toks[k+1][1]]):
			// "SilkLight IPL 3": a capitalised line word before its number.
		default:
			return end, camel, code
		}
		end = k + 1
	}
	return end, camel, code
}

// extWordTokens splits s into ASCII tokens (letters and digits joined by
// '-' or '/').
func extWordTokens(s string) [][2]int { return extScanTokens(s, nil) }

func extSpaceBetween(s string, a, b [2]int) bool {
	return b[0] == a[1]+1 && s[a[1]] == ' '
}

// extNameEnds: the name is followed by a lower-case word, punctuation or
// the end, not by more capitalised words it may belong to.
func extNameEnds(s string, en int) bool {
	if en >= len(s) {
		return true
	}
	if s[en] != ' ' {
		return s[en] != '-' && s[en] != '/'
	}
	return en+1 < len(s) && !(s[en+1] >= 'A' && s[en+1] <= 'Z')
}

// extNWordNoun: "3-seater", "5-piece", "2-door" name a product's size.
func extNWordNoun(w string) bool {
	i := strings.IndexByte(w, '-')
	if i < 1 || !extAllDigits(w[:i]) {
		return false
	}
	return extNSizeWords[strings.ToLower(w[i+1:])]
}

// extNounModifier is a word between a name and its noun: "hair",
// "stainless", "LED".
func extNounModifier(w string) bool {
	if extCapsModifier(w) {
		return true
	}
	for i := 0; i < len(w); i++ {
		if !(w[i] >= 'a' && w[i] <= 'z' || w[i] == '-') {
			return false
		}
	}
	return len(w) > 2 && !extDeterminers[w] && !extNameBreak[w]
}

// extNameBreak are lower-case words that end a noun phrase.
var extNameBreak = map[string]bool{
	"and": true, "but": true, "for": true, "from": true, "with": true, "has": true, "had": true,
	"was": true, "were": true, "are": true, "that": true, "which": true, "who": true, "since": true,
	"after": true, "before": true, "because": true, "when": true, "just": true, "not": true,
	"still": true, "keeps": true, "won't": true, "will": true, "can": true, "does": true, "did": true,
}

// extCapsModifier: LED, IPL, USB, 4K… written between a name and its noun.
func extCapsModifier(w string) bool {
	if len(w) < 2 || len(w) > 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !(w[i] >= 'A' && w[i] <= 'Z' || extIsDigit(w[i])) {
			return false
		}
	}
	return true
}

var extNSizeWords = map[string]bool{
	"seater": true, "piece": true, "door": true, "drawer": true, "burner": true, "slice": true,
	"cup": true, "tier": true, "shelf": true, "person": true, "speed": true,
}

// extNamedStop are capitalised words that are not our product lines:
// platforms, other makers and places customers name beside ours.
var extNamedStop = map[string]bool{
	"wechat": true, "whatsapp": true, "paypal": true, "youtube": true, "facetime": true,
	"linkedin": true, "tiktok": true, "powerpoint": true, "onedrive": true, "github": true,
	"apple": true, "samsung": true, "sony": true, "amazon": true, "google": true, "microsoft": true,
	"dell": true, "lenovo": true, "huawei": true, "xiaomi": true, "honda": true, "toyota": true,
	"tesla": true, "nintendo": true, "netflix": true, "alexa": true, "siri": true, "mac": true,
	"bluetooth": true, "ikea": true, "costco": true, "walmart": true, "ebay": true, "lazada": true,
	"shopee": true, "taobao": true, "tmall": true, "uber": true, "christmas": true, "easter": true,
	"black": true, "white": true, "silver": true, "grey": true, "gray": true, "rose": true,
	"gold": true, "blue": true, "red": true, "green": true, "pink": true, "new": true, "old": true,
	"first": true, "second": true, "last": true, "next": true, "same": true, "whole": true,
	"year": true, "class": true, "room": true, "ward": true, "floor": true, "store": true, "shop": true,
	"english": true, "chinese": true, "uk": true, "us": true, "eu": true, "i": true, "im": true,
}

// extEnProductNouns are what customers call the product after its name.
var extEnProductNouns = map[string]bool{
	"dryer": true, "fryer": true, "e-bike": true, "ebike": true, "bike": true, "scooter": true,
	"lamp": true, "lamps": true, "light": true, "lights": true, "set": true, "chair": true,
	"chairs": true, "machine": true, "machines": true, "laptop": true, "laptops": true,
	"washer": true, "stroller": true, "pram": true, "mirror": true, "toothbrush": true,
	"bundle": true, "monitor": true, "monitors": true, "sofa": true, "couch": true, "printer": true,
	"printers": true, "camera": true, "cameras": true, "terminal": true, "terminals": true,
	"router": true, "kettle": true, "blender": true, "vacuum": true, "fridge": true, "freezer": true,
	"oven": true, "microwave": true, "heater": true, "fan": true, "purifier": true,
	"humidifier": true, "dehumidifier": true, "dishwasher": true, "cooker": true, "toaster": true,
	"grill": true, "mixer": true, "juicer": true, "speaker": true, "speakers": true,
	"headphones": true, "earbuds": true, "headset": true, "watch": true, "tablet": true,
	"tablets": true, "phone": true, "projector": true, "tv": true, "television": true, "desk": true,
	"desks": true, "table": true, "bed": true, "frame": true, "mattress": true, "wardrobe": true,
	"cabinet": true, "shelf": true, "bookcase": true, "drill": true, "saw": true, "mower": true,
	"pump": true, "boiler": true, "thermostat": true, "lock": true, "doorbell": true,
	"pans": true, "pan": true, "pot": true, "knife": true, "knives": true, "cookware": true,
	"shaver": true, "trimmer": true, "straightener": true, "epilator": true, "massager": true,
	"scale": true, "charger": true, "battery": true, "powerbank": true, "inverter": true,
	"generator": true, "compressor": true, "chiller": true, "chillers": true, "display": true,
	"stove": true, "hob": true, "hood": true, "range": true, "purifiers": true, "robot": true,
	"mop": true, "iron": true, "steamer": true, "tent": true, "backpack": true, "suitcase": true,
	"luggage": true, "treadmill": true, "console": true, "controller": true, "keyboard": true,
	"mouse": true, "ac": true, "aircon": true, "air-conditioner": true, "conditioner": true,
	"stools": true, "stool": true, "bench": true, "recliner": true, "crib": true,
	"cot": true, "highchair": true, "player": true, "recorder": true, "dashcam": true,
	"drone": true, "lens": true, "earphones": true, "smartwatch": true, "unit": true, "units": true,
}
