package nlu

// The organisation the customer writes for.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	extCoSuffixRe = regexp.MustCompile(`股份有限公司|有限责任公司|有限責任公司|有限公司|集团|集團|公司|工厂|工廠`)
	extCoLeadRe   = regexp.MustCompile(`(?:我们是|我們是|我司是|我司|我们公司是|我們公司是|我们单位是|我們單位是|我们公司叫|我們公司叫|来自|來自|公司名称是|公司名稱是|企业名称是|企業名稱是|单位是|單位是)\s*:?\s*([\p{Han}A-Za-z0-9()]{1,30}?(?:科技|实业|實業|电子|電子|电器|電器|贸易|貿易|集团|集團|酒店|医院|醫院|学校|學校|餐厅|餐廳|商行|商贸|商貿|物业|物業|中心|工作室|门店|門店|超市|制造|製造|工程|建设|建設|设备|設備|机械|機械|控股|网络|網絡|传媒|傳媒|服务|服務|研究所|大学|大學))`)
	extCoLabelRe  = regexp.MustCompile(`(?i)(?:公司名称|公司名稱|企业名称|企業名稱|单位名称|單位名稱|\bcompany(?:\s+name)?)\s*:\s*([^,;。!?\n]{2,60})`)
	extCoEnRe     = regexp.MustCompile(`((?:[A-Z][A-Za-z0-9&'-]*\s+){0,4}[A-Z][A-Za-z0-9&'-]*),?\s+(Co\.?,?\s*Ltd\.?|Co\.?,?\s*Limited|Corporation|Corp\.?|Incorporated|Inc\.?|Ltd\.?|LLC|GmbH|Limited|Company|Group|PLC|AG|Pty\.?\s*Ltd\.?|Technologies|Electronics|Co\.)`)
	extCoWorkRe   = regexp.MustCompile(`\b(?:work|working|I'm|I am)\s+(?:at|for|with)\s+([A-Z][A-Za-z0-9&'-]*(?:\s+[A-Z][A-Za-z0-9&'-]*){0,3})`)
	// Characters that end a company name when reading backwards from 公司.
	extCoStopRunes = "是在的们們我你他她给給找从從向对對帮幫让讓这這那贵貴该該此家个個买買到被把由和跟叫为為于於本去来來全整"
	extCoNotNames  = map[string]bool{"快递": true, "快遞": true, "物流": true, "保险": true, "保險": true,
		"电力": true, "電力": true, "供电": true, "供電": true, "燃气": true, "燃氣": true, "自来水": true,
		"自來水": true, "售后": true, "售後": true, "分": true, "总": true, "總": true, "子": true, "母": true,
		"上市": true, "大": true, "小": true, "新": true, "老": true, "原": true, "合作": true, "外包": true}
	extEnCoLead = map[string]bool{"I": true, "The": true, "My": true, "Our": true, "Your": true, "This": true,
		"Hi": true, "Hello": true, "Dear": true, "From": true, "At": true, "For": true, "With": true, "We": true,
		"A": true, "An": true, "Thanks": true, "Regards": true}
)

func extIsCompanySuffix(w string) bool {
	switch strings.TrimRight(strings.ToLower(w), ".,") {
	case "co", "corp", "corporation", "inc", "incorporated", "ltd", "llc", "gmbh", "limited", "company", "group", "plc":
		return true
	}
	return false
}

func extFindCompany(s string) string {
	type found struct {
		start, end int
		v          string
	}
	var best *found
	consider := func(st, en int, v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		if best == nil || st < best.start || (st == best.start && en > best.end) {
			best = &found{st, en, v}
		}
	}
	for _, idx := range extCoSuffixRe.FindAllStringIndex(s, -1) {
		st := idx[0]
		for n := 0; st > 0 && n < 30; n++ {
			r, size := utf8.DecodeLastRuneInString(s[:st])
			if !(unicode.Is(unicode.Han, r) || (r < 128 && extIsAlnum(byte(r))) || strings.ContainsRune("()&", r)) ||
				strings.ContainsRune(extCoStopRunes, r) {
				break
			}
			st -= size
		}
		prefix := s[st:idx[0]]
		if utf8.RuneCountInString(prefix) < 2 || extCoNotNames[prefix] {
			continue
		}
		consider(st, idx[1], s[st:idx[1]])
	}
	for _, idx := range extCoLeadRe.FindAllStringSubmatchIndex(s, -1) {
		consider(idx[2], idx[3], s[idx[2]:idx[3]])
	}
	for _, idx := range extCoLabelRe.FindAllStringSubmatchIndex(s, -1) {
		consider(idx[2], idx[3], s[idx[2]:idx[3]])
	}
	for _, idx := range extCoEnRe.FindAllStringSubmatchIndex(s, -1) {
		words := strings.Fields(s[idx[2]:idx[3]])
		for len(words) > 0 && extEnCoLead[words[0]] {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		st := idx[3] - len(strings.Join(words, " "))
		consider(st, idx[1], s[st:idx[1]])
	}
	if best == nil {
		if m := extCoWorkRe.FindStringSubmatchIndex(s); m != nil {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	// Businesses that are not companies by name: "Golden Dragon Restaurant",
	// "我们是海底捞王府井店". Only when nothing better was found, because
	// "在XX门店买的" names the seller, not the customer.
	if best == nil {
		if m := extCoVenueEnRe.FindStringSubmatchIndex(s); m != nil && !extPurchaseCue.MatchString(s) {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	if best == nil {
		if m := extCoVenueZhRe.FindStringSubmatchIndex(s); m != nil {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	if best == nil {
		return ""
	}
	return best.v
}
