package nlu

// What the customer wants (诉求).

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

type extDemandWord struct {
	re     *regexp.Regexp
	demand cases.Demand
}

var extDemandWords = []extDemandWord{
	{regexp.MustCompile(`(?i)维修|維修|修理|修一下|修好|修修|来修|來修|帮我修|幫我修|帮忙修|幫忙修|上门|上門|报修|報修|派(?:个|個|一个|一個)?(?:人|师傅|師傅|技术员|技術員|工程师|工程師|维修)|(?:过来|過來|来|來)(?:看一下|看看|检查|檢查)|\brepair(?:s|ed)?\b|\bsend (?:someone|somebody|a tech|an engineer|a repair ?man|over someone|out someone)\b|\bcome (?:and|to) (?:fix|look at|check|repair)\b|\bfix\b|\bfixed\b|\bget it fixed\b|\bhave it fixed\b|\btechnician\b|\bservice visit\b`), cases.DemandRepair},
	{regexp.MustCompile(`(?i)退款|退钱|退錢|返钱|返錢|退费|退費|把钱退|把錢退|\brefund\b|\bmoney back\b`), cases.DemandRefund},
	{regexp.MustCompile(`(?i)退货|退貨|退掉|退回|退机|退機|(?:能|可以|要|想|申请|申請|给我|給我)退(?:货|貨|掉|回|机|機)?|\breturn\b|\bsend it back\b|\btake it back\b`), cases.DemandReturn},
	{regexp.MustCompile(`(?i)换货|換貨|换一台|換一台|换一个|換一個|换个新|換個新|换台新|換台新|换新|換新|更换|更換|调换|調換|\bexchange\b|\breplace\b|\breplacement\b|\bswap\b|\ba new one\b`), cases.DemandExchange},
	{regexp.MustCompile(`(?i)咨询|諮詢|咨詢|想问|想問|想了解|问一下|問一下|如何|(?:怎么|怎麼|怎样|怎樣)(?:用|使用|设置|設置|操作|安装|安裝|清洗|清理|调|調|连|連|选|選|弄|开|開|关|關|下载|下載|申请|申請|保养|保養)|\bhow do i\b|\bhow to\b|\bhow can i\b|\bhow should i\b|\bquestion\b|\bconsult(?:ation)?\b|\binquiry\b|\benquiry\b`), cases.DemandConsultation},
}

var (
	extDemandNegZh = regexp.MustCompile(`(?:不想|不要|不用|不需要|不打算|不必|别|別|不是要|不是想|无需|無需|不考虑|不考慮|不接受|而不是|不愿意|不願意|不愿|不願|不想要|没必要|沒必要|不)\s*(?:要|想|去|再|申请|申請|做|进行|進行|办理|辦理|给我|給我)?\s*$`)
	extDemandNegEn = regexp.MustCompile(`(?i)(?:don't want|do not want|dont want|don't need|do not need|no need|not interested in|rather than|instead of|\bnot|without)\s*(?:to\s+|for\s+)?(?:an?\s+|any\s+|it\s+)?(?:get\s+|have\s+)?(?:it\s+)?$`)
	extDemandPast  = regexp.MustCompile(`(?:已经|已經|已)\s*$`)
)

// ParseDemand maps zh-CN/zh-TW/en words to a demand. A demand word right after
// a negation ("不想维修", "don't want a refund") or a past-tense marker
// ("维修过") is not the demand; consultation words lose to any concrete demand
// ("请问怎么退货" is a return).
func ParseDemand(text string) (cases.Demand, bool) {
	s := extNormalize(text)
	type hit struct {
		pos int
		d   cases.Demand
	}
	var best, consult *hit
	for _, w := range extDemandWords {
		for _, idx := range w.re.FindAllStringIndex(s, -1) {
			cs, _ := extClause(s, idx[0], idx[1])
			before := s[cs:idx[0]]
			if extDemandNegZh.MatchString(before) || extDemandNegEn.MatchString(before) || extDemandPast.MatchString(before) {
				continue
			}
			rest := s[idx[1]:]
			if strings.HasPrefix(rest, "过") || strings.HasPrefix(rest, "過") {
				continue
			}
			// "想退" before 款/货 is the start of a more specific word.
			if r, _ := utf8.DecodeRuneInString(rest); strings.HasSuffix(s[idx[0]:idx[1]], "退") && strings.ContainsRune("款钱錢费費货貨回掉机機", r) {
				continue
			}
			h := &hit{idx[0], w.demand}
			if w.demand == cases.DemandConsultation {
				if consult == nil || h.pos < consult.pos {
					consult = h
				}
				continue
			}
			if best == nil || h.pos < best.pos {
				best = h
			}
		}
	}
	switch {
	case best != nil:
		return best.d, true
	case consult != nil:
		return consult.d, true
	}
	return "", false
}
