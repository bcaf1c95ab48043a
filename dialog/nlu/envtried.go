package nlu

// The usage environment and what the customer already tried.

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	extEnvZhRe = regexp.MustCompile(`(?:放在|装在|裝在|安装在|安裝在|用在|摆在|擺在|在)?(浴室|卫生间|衛生間|洗手间|洗手間|厨房|廚房|户外|戶外|室外|露天|工厂车间|工廠車間|车间|車間|生产线|生產線|工地|仓库|倉庫|阳台|陽台|地下室|海边|海邊|机房|機房|办公室|辦公室|车上|車上|船上|潮湿|潮濕|高温|高溫|低温|低溫|零下|粉尘|粉塵|油烟大|油煙大|油烟重|油煙重|灰尘大|灰塵大|灰尘多|灰塵多|多尘|多塵|淋雨|雨天|暴晒|暴曬|曝晒|曝曬|寒冷|湿度大|濕度大|温度高|溫度高|温度低|溫度低|工厂|工廠)(?:里|裡|中|内|內|上)?`)
	extEnvEnRe = regexp.MustCompile(`(?i)\b(?:(?:used|using|use|kept|keep|installed|placed|stored|it's|is|it is|sits)\s+)?(?:outdoors|outdoor|(?:outside)\s+(?:the\s+)?(?:house|home|building)|in (?:the |a |my |our )?(?:bathroom|kitchen|basement|garage|balcony|warehouse|workshop|factory|office|car|yard|garden|shower|laundry room|server room)|(?:very |quite |really |pretty |a )?(?:humid|damp|dusty)(?: environment| conditions| area| room| climate| place)?|high humidity|humidity|high temperatures?|low temperatures?|freezing temperatures?|below freezing|by the sea|near the sea|coastal|salty air|in the rain|under the sun|direct sunlight)\b`)
	// Washing programmes are features, not surroundings.
	extEnvNotAfter = regexp.MustCompile(`^(?:洗|模式|档|檔|消毒|烘|杀菌|殺菌|功能)`)

	extTriedRe     = regexp.MustCompile(`(?i)重启|重啟|重新启动|重新啟動|重开机|重開機|断电|斷電|拔插|插拔|拔掉电源|拔掉電源|拔了电源|拔了電源|拔电源|拔電源|恢复出厂|恢復出廠|出厂设置|出廠設置|复位|復位|重置|重装|重裝|清洗|清理过|清理過|换了?个?插座|換了?個?插座|换了?个?电池|換了?個?電池|试了|試了|试过|試過|尝试了|嘗試了|调过|調過|升级|升級|刷机|刷機|检查了|檢查了|查看了|关机再开|關機再開|重新插|重新连接|重新連接|重新配网|重新配網|\btried\b|\brestarted\b|\brestarting\b|\brestart\b|\brebooted\b|\brebooting\b|\breboot\b|\breset\b|\bresetting\b|\bunplugged\b|\bunplugging\b|\bplugged it back\b|\bpower[- ]cycled\b|\bpower[- ]cycling\b|\bcleaned\b|\breinstalled\b|\bupdated\b|\bchecked\b|\breplaced the\b`)
	extTriedAuto   = regexp.MustCompile(`(?i)突然|忽然|用着用着|用著用著|\bsuddenly\b|以后|以後|之后|之後|后就|後就|完就|\bafter\b|\bsince\b|自动|自動|自己|一直|老是|总是|總是|反复|反復|频繁|頻繁|不停|经常|經常|动不动|動不動|\bkeeps\b|\bkeep\b|\brandomly\b|by itself|by themselves|themselves|on its own|on their own|\bconstantly\b|\brepeatedly\b|tried to (?:call|contact|reach|email)`)
	extTriedNeg    = regexp.MustCompile(`(?i)没|沒|未|别|別|不想|不敢|haven't|have not|hasn't|has not|isn't|wasn't|won't|didn't|did not|not yet|\bnever\b|don't|do not`)
	extTriedAsk    = regexp.MustCompile(`(?i)吗|嗎|要不要|需不需要|需要|怎么|怎麼|如何|\bhow\b|\bshould i\b|\bcan i\b|\bdo i need\b|\bshall i\b`)
	extTriedCut    = regexp.MustCompile(`(?i)但是|但|可是|还是|還是|也不|也没|也沒|都不|都没|都沒|仍然|依然|不过|不過|\s+but\b|\s+still\b|\s+and it\b`)
	extTriedLeadZh = regexp.MustCompile(`^(?:我们|我們|我|也|还|還|又)+`)
)

// extJoin joins distinct phrases, with the separator matching the script.
func extJoin(parts []string) string {
	ascii := true
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if p[i] >= 0x80 {
				ascii = false
			}
		}
	}
	if ascii {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts, "；")
}

func extAppendUnique(parts []string, v string) []string {
	for _, p := range parts {
		if strings.Contains(p, v) {
			return parts
		}
	}
	return append(parts, v)
}

func extFindEnvironment(s string) string {
	var parts []string
	for _, idx := range extEnvZhRe.FindAllStringSubmatchIndex(s, -1) {
		kw := s[idx[2]:idx[3]]
		if extEnvNotAfter.MatchString(s[idx[3]:]) {
			continue
		}
		if (kw == "工厂" || kw == "工廠") && idx[2] == idx[0] {
			continue // a bare 工厂 is usually part of a company name
		}
		parts = extAppendUnique(parts, s[idx[0]:idx[1]])
	}
	for _, m := range extEnvEnRe.FindAllString(s, -1) {
		parts = extAppendUnique(parts, strings.TrimSpace(m))
	}
	return extJoin(parts)
}

// extTriedSegment narrows a clause of Chinese text to the space-separated
// run holding the match: customers who skip punctuation separate thoughts
// with spaces ("一开机就蓝屏 然后自动重启 已经重装过系统了"). near is the
// text just before the run, so "一直 重启" still reads as automatic.
func extTriedSegment(s string, cs, ce, ms, me int) (int, int, string) {
	if !extHasHan(s[cs:ce]) || !extHasHan(s[ms:me]) {
		return cs, ce, ""
	}
	st := ms
	for st > cs && !(s[st-1] == ' ' || s[st-1] == '\t') {
		st--
	}
	en := me
	for en < ce && !(s[en] == ' ' || s[en] == '\t') {
		en++
	}
	before := []rune(strings.TrimRight(s[cs:st], " \t"))
	if len(before) > 2 {
		before = before[len(before)-2:]
	}
	return st, en, string(before)
}

func extHasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func extFindTried(s string) string {
	var parts []string
	lastEnd := -1
	for _, idx := range extTriedRe.FindAllStringIndex(s, -1) {
		cs, ce := extClause(s, idx[0], idx[1])
		if cs < lastEnd {
			continue // one phrase per clause
		}
		question := ce < len(s) && (s[ce] == '?' || strings.HasPrefix(s[ce:], "？"))
		cs, ce, near := extTriedSegment(s, cs, ce, idx[0], idx[1])
		clause := s[cs:ce]
		if extTriedAuto.MatchString(near+clause) || extTriedNeg.MatchString(s[cs:idx[0]]) ||
			extTriedAsk.MatchString(clause) || question {
			continue
		}
		v := clause
		if loc := extTriedCut.FindStringIndex(s[idx[1]:ce]); loc != nil {
			v = s[cs : idx[1]+loc[0]]
		}
		v = strings.TrimSpace(v)
		if loc := extTriedCut.FindStringIndex(v); loc != nil && loc[0] == 0 {
			v = strings.TrimSpace(v[loc[1]:]) // "但我重启过" keeps the action
		}
		v = strings.TrimSpace(extTriedLeadZh.ReplaceAllString(v, ""))
		v = strings.Join(strings.Fields(v), " ") // masked dates leave runs of spaces
		if v != "" {
			parts = extAppendUnique(parts, v)
			lastEnd = ce
		}
	}
	return extJoin(parts)
}
