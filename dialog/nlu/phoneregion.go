package nlu

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// A local number written without its country code ("07781 334 902",
// "087 224 5619") is placed by the numbering plans of the countries kefu's
// customers write from, with libphonenumber's metadata (nyaruka's port)
// rather than hand-kept prefixes. A country the text names decides. Else
// the plans overlap a lot, so the countries are tried in the order of how
// many of kefu's English-writing customers live there, and a mobile number
// is taken first (a customer gives the number they can be reached on); a
// landline only when no mobile fits, and never one the mainland's plan has
// (that one is read the mainland way).

// extLocalRegions are the regions tried, most customers first.
var extLocalRegions = []string{"GB", "IE", "AU", "NZ", "ZA", "SG", "MY", "PH", "IN", "NG", "AE", "KE", "GH", "DE", "NL", "ES", "FR", "IT", "ID", "TH"}

// extLocalByRegion returns the number in E.164 ("+447781334902") for the
// digits d of a local number, in the country with calling code cc ("" when
// the text names none); dashed says the customer wrote a dash after the
// area code, as mainland and Taiwan landlines are written.
func extLocalByRegion(d, cc string, dashed bool) (string, bool) {
	if cc != "" {
		n, err := strconv.Atoi(cc)
		if err != nil {
			return "", false
		}
		region := phonenumbers.GetRegionCodeForCountryCode(n)
		if num, ok := extParseIn(d, region); ok {
			return phonenumbers.Format(num, phonenumbers.E164), true
		}
		return "", false
	}
	if num, ok := extParseIn(d, "TW"); ok && (dashed || phonenumbers.GetNumberType(num) == phonenumbers.MOBILE) {
		return "", false // Taiwan's mobiles and "02-29113344" are written as they are
	}
	if _, ok := extParseIn(d, "CN"); ok && dashed {
		return "", false // "021-64873390": a mainland landline, written the mainland way
	}
	// Britain's mobiles, 07 and nine digits, whether or not the range is
	// allocated yet (the metadata only knows the allocated ones).
	if len(d) == 11 && strings.HasPrefix(d, "07") && d[2] != '0' {
		return "+44" + d[1:], true
	}
	if len(d) == 11 && (strings.HasPrefix(d, "02") || strings.HasPrefix(d, "010")) {
		return "", false // the shape of Beijing's, Shanghai's… landlines
	}
	fixed := ""
	for _, region := range extLocalRegions {
		num, ok := extParseIn(d, region)
		if !ok {
			continue
		}
		switch phonenumbers.GetNumberType(num) {
		case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
			return phonenumbers.Format(num, phonenumbers.E164), true
		case phonenumbers.FIXED_LINE:
			if fixed == "" && !dashed { // "0571-8765432": a dash after the area code is the mainland's way
				fixed = phonenumbers.Format(num, phonenumbers.E164)
			}
		}
	}
	if _, ok := extParseIn(d, "CN"); ok || fixed == "" {
		return "", false
	}
	return fixed, true
}

// extParseIn parses d as a number of region and reports whether it is a
// valid one there.
func extParseIn(d, region string) (*phonenumbers.PhoneNumber, bool) {
	num, err := phonenumbers.Parse(d, region)
	if err != nil || !phonenumbers.IsValidNumberForRegion(num, region) {
		return nil, false
	}
	return num, true
}
