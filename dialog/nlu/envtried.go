package nlu

// The usage environment and what the customer already tried.

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	extEnvZhRe = mustRx(`(?:放在|装在|裝在|安装在|安裝在|用在|摆在|擺在|在)?(浴室|卫生间|衛生間|洗手间|洗手間|厨房|廚房|户外|戶外|室外|露天|工厂车间|工廠車間|车间|車間|生产线|生產線|工地|仓库|倉庫|阳台|陽台|地下室|海边|海邊|机房|機房|办公室|辦公室|车上|車上|船上|潮湿|潮濕|高温|高溫|低温|低溫|零下|粉尘|粉塵|油烟大|油煙大|油烟重|油煙重|灰尘大|灰塵大|灰尘多|灰塵多|多尘|多塵|淋雨|雨天|暴晒|暴曬|曝晒|曝曬|寒冷|湿度大|濕度大|温度高|溫度高|温度低|溫度低|工厂|工廠)(?:里|裡|中|内|內|上)?`)
	extEnvEnRe = mustRx(`(?i)\b(?:(?:used|using|use|kept|keep|installed|placed|stored|it's|is|it is|sits)\s+)?(?:outdoors|outdoor|(?:outside)\s+(?:the\s+)?(?:house|home|building)|in (?:the |a |my |our )?(?:bathroom|kitchen|basement|garage|balcony|warehouse|workshop|factory|office|car|yard|garden|shower|laundry room|server room)|(?:very |quite |really |pretty |a )?(?:humid|damp|dusty)(?: environment| conditions| area| room| climate| place)?|high humidity|humidity|high temperatures?|low temperatures?|freezing temperatures?|below freezing|by the sea|near the sea|coastal|salty air|in the rain|under the sun|direct sunlight)\b`)
	// Washing programmes are features, not surroundings.
	extEnvNotAfter = mustRx(`^(?:洗|模式|档|檔|消毒|烘|杀菌|殺菌|功能|机|機)`)

	extTriedRe     = mustWordSet(`(?i)拔掉了|已经拔掉|已經拔掉|已经拔了|已經拔了|重启|重啟|重新启动|重新啟動|重开机|重開機|断电|斷電|拔插|插拔|拔掉电源|拔掉電源|拔了电源|拔了電源|拔电源|拔電源|恢复出厂|恢復出廠|出厂设置|出廠設置|复位|復位|重置|重装|重裝|清洗|清理过|清理過|换了?个?插座|換了?個?插座|换了?个?电池|換了?個?電池|试了|試了|试过|試過|尝试了|嘗試了|调过|調過|升级|升級|刷机|刷機|检查了|檢查了|查看了|关机再开|關機再開|重新插|重新连接|重新連接|重新配网|重新配網|\btried\b|\brestarted\b|\brestarting\b|\brestart\b|\brebooted\b|\brebooting\b|\breboot\b|\breset\b|\bresetting\b|\bunplugged\b|\bunplugging\b|\bplugged it back\b|\bpower[- ]cycled\b|\bpower[- ]cycling\b|\bcleaned\b|\breinstalled\b|\bupdated\b|\bchecked\b|\breplaced the\b`)
	extTriedAuto   = mustRx(`(?i)突然|忽然|用着用着|用著用著|\bsuddenly\b|以后|以後|之后|之後|后就|後就|完就|\bafter\b|\bsince\b|自动|自動|自己|一直|老是|总是|總是|反复|反復|频繁|頻繁|不停|经常|經常|动不动|動不動|\bkeeps\b|\bkeep\b|\brandomly\b|by itself|by themselves|themselves|on its own|on their own|\bconstantly\b|\brepeatedly\b|tried to (?:call|contact|reach|email)`)
	extTriedNeg    = mustRx(`(?i)没|沒|未|别|別|不想|不敢|不要|不用|不需要|唔使|不\s*$|haven't|have not|hasn't|has not|isn't|wasn't|won't|didn't|did not|not yet|\bnever\b|don't|do not`)
	extTriedAsk    = mustRx(`(?i)吗|嗎|要不要|需不需要|需要|怎么|怎麼|如何|\bhow\b|\bshould i\b|\bcan i\b|\bdo i need\b|\bshall i\b`)
	extTriedCut    = mustRx(`(?i)但是|但|可是|还是|還是|也不|也没|也沒|都不|都没|都沒|仍然|依然|不过|不過|\s+but\b|\s+still\b|\s+and it\b`)
	extTriedLeadZh = mustRx(`^(?:我们|我們|我|也|还|還|又)+`)
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

// More cues of where and how the product is used: rooms and premises,
// usage patterns, wiring and power, network, operating systems and phones,
// climate, water and gas. The value is the customer's phrase around the cue.
var (
	extEnvZhMore = mustWordSet(`(?i)客厅|客廳|卧室|臥室|睡房|(?:小孩|孩子|宝宝|寶寶|儿童|兒童|婴儿|嬰兒)(?:房|的房)|(?:在|放|的)(?:房间|房間)|主卧|次卧|书房|書房|洗衣间|洗衣間|洗衣房|茶水间|茶水間|` +
		`会议室|會議室|后厨|後廚|食堂|走廊|楼道|樓道|车库|車庫|院子|花园|花園|天台|露台|床头|床頭|(?:水槽|水池)(?:下|旁|边|邊)|吊顶|吊頂|` +
		`出租屋|老房子|老小区|老小區|老公寓|新房子|新房(?:刚|剛)|没电梯|沒電梯|候诊区|候診區|教室|工位|办公区|辦公區|后仓|後倉|` +
		`(?:在|放在|装在|裝在|用在|摆在|擺在|放)(?:我们|我們|我的|我家)?\p{Han}{0,2}?(?:饭店|飯店|餐厅|餐廳|快餐店|奶茶店|早餐店|咖啡店|酒店|宾馆|賓館|民宿|诊所|診所|健身房|工作室|幼儿园|幼兒園|学校|學校|补习班|補習班|超市|店里|店裡|店门口|店門口)|` +
		`(?:饭店|飯店|餐厅|餐廳|快餐店|奶茶店|早餐店|咖啡店|酒店|宾馆|賓館|民宿|诊所|診所|健身房|工作室|店里|店裡)(?:里|裡)?(?:天天)?(?:用|使用)|` +
		`(?:每天|一天)(?:大概|差不多|都|要|晚上)?(?:开|開|用|使用|运行|運行|跑|充|[0-9几幾十两兩五六])|天天(?:用|使用)|24小时|24小時|通宵|` +
		`电压[^力]|電壓[^力]|\b\d{3}\s?V\b|电线|電線|线路|線路|插排|排插|接线板|拖线板|地线|地線|接地|稳压|穩壓|` +
		`(?:5G|2\.4G|家里|家裡|办公室|辦公室)\p{Han}{0,2}?wi-?fi|wi-?fi(?:是|信号|訊號|信號)|\b5G\b|\b2\.4G\b|宽带|寬頻|寬帶|光猫|光貓|光纤|光纖|电信|電信|联通|聯通|光世代|` +
		`windows\s*(?:1[01]|7|8|xp)\b|windows\s*更新|\bwin\s?1[01]\b|mac\s?os|\bios\s*\d+|android\s*\d*|安卓|鸿蒙|鴻蒙|harmonyos|iphone\s*\d+|苹果手机|蘋果手機|华为手机|華為手機|小米手机|三星手机|` +
		`(?:很|比较|比較|有点|有點|特别|特別|挺|太)(?:潮|湿|濕)|天气热|天氣熱|直晒|直曬|西晒|西曬|` +
		`水(?:比较|比較|很|特别|特別|太)?硬|硬水|井水|灰尘大|灰塵大|沙子|海风|海風|天然气|天然氣|液化气|液化氣|石膏板|龙骨|龍骨|隔墙|隔牆|` +
		// rooms and premises beyond the home: a dormitory, a ward, a barn, a taxi
		`宿舍|病房|诊室|診室|诊疗室|診療室|治疗室|治療室|手术室|手術室|实验室|實驗室|图书馆|圖書館|礼堂|禮堂|体育馆|體育館|大堂|玄关|玄關|门口|門口|` +
		`阁楼|閣樓|储物间|儲物間|杂物间|雜物間|鸡舍|雞舍|猪舍|豬舍|牛棚|羊圈|大棚|果园|果園|鱼塘|魚塘|农田|農田|浇地|澆地|` +
		`在家用|在家里用|在家裡用|跑出租|开出租|開出租|出租车上|計程車上|的士上|网约车|網約車|跑滴滴|靠海|海边|海邊|山区|山區|农村|農村|老停电|老是停电|經常停電|电压不稳|電壓不穩`)
	extEnvEnMore = mustRx(`(?i)\b(?:living room|bedroom|kitchen|bathroom|garage|hallway|home office|classroom|` +
		`baby's room|nursery|balcony|basement|garden|boat|beach|on the bed|in (?:my|his|her) pocket|` +
		`(?:in|at|from) (?:the |our |my |a |an )?(?:\w+ )?(?:office|warehouse|restaurant|hotel|clinic|gym|pub|hostel|cafe|shop|front desk|reception)s?|` +
		`locations?:[ \t]*[^\n]{3,60}|work(?:ing)? from home|zoom calls|every night|\d+\s*(?:hrs|hours) a day|commut\w*|` +
		`(?:meeting|exam|seminar|guest|nap|server|staff|waiting|laundry|consulting|treatment|dining|store|storage|plant|boiler|utility|spare|changing|comms|break|tea|sitting|music|hotel|class)\s+rooms?|` +
		`school hall|library|lobby|dorm(?:itory|s)?|airing cupboard|loft|attic|shed|caravan|cottage|holiday home|conservatory|porch|patio|workshop|site cabin|` +
		`in the laundry|in the van|in the truck|on the farm|barn|greenhouse|ward|` +
		`windows\s*1[01]|macos|ios\s*\d+|android\s*\d+|iphone\s*\d+|samsung [a-z]\d+|huawei phone|5ghz|2\.4ghz|broadband|\d{3}\s?v|voltage|` +
		`power supply|wall socket|extension (?:lead|cord)|ground wire|earth wire|hard water|filtered water|tap water|humid|damp|dusty|` +
		`when it's (?:wet|raining|cold|hot)|\d+\s*(?:°c|degrees c\w*)|-\d+ at night)\b`)
	// A place the product was moved to for safety, or the parcel waits in,
	// is no surroundings of use: "放阳台了", "put it on the balcony",
	// "物流一直显示在仓库".
	extEnvMoved = mustRx(`(?i)(?:放|推|搬|拿|移|丢|扔)\p{Han}{0,6}了|放咗|(?:现在|現在|先|暂时|暫時|而家)(?:把它|将它|將它)?(?:放|擺|摆|搬)|(?:搬到|擺咗|摆咗|扔|丢|丟)(?:出)?(?:阳台|陽台|露台|门外|門外|外面)|\bnow (?:sitting|sits|stands|standing|is|kept)\b|\b(?:put|moved|aired|took|dragged|carried)\b|物流|快递|快遞|显示|顯示|签收|簽收|发货|發貨|\btracking\b|\bcourier\b`)
)

func extFindEnvironment(s string) string {
	var ms [][]int
	for _, idx := range extEnvZhRe.FindAllStringSubmatchIndex(s, -1) {
		kw := s[idx[2]:idx[3]]
		if extEnvNotAfter.MatchString(s[idx[3]:]) {
			continue
		}
		if (kw == "工厂" || kw == "工廠") && idx[2] == idx[0] {
			continue // a bare 工厂 is usually part of a company name
		}
		ms = append(ms, idx[:2])
	}
	ms = append(ms, extEnvEnRe.FindAllStringIndex(s, -1)...)
	ms = append(ms, extEnvZhMore.FindAllStringIndex(s, -1)...)
	ms = append(ms, extEnvEnMore.FindAllStringIndex(s, -1)...)
	sort.Slice(ms, func(i, j int) bool { return ms[i][0] < ms[j][0] })
	var parts []string
	lastEnd := -1
	for _, idx := range ms {
		if idx[0] < lastEnd {
			continue
		}
		st, en := extEnvPhrase(s, idx[0], idx[1])
		if cs, ce := extClause(s, idx[0], idx[1]); extEnvMoved.MatchString(s[cs:ce]) || extEnvNotUse(s, cs, ce, idx[0], idx[1]) ||
			extEnvNotPlace(s, cs, ce, idx[0], idx[1]) {
			continue
		}
		v := strings.Join(strings.Fields(s[st:en]), " ")
		v = strings.TrimSpace(extEnvLead.ReplaceAllString(v, ""))
		if v != "" {
			parts = extAppendUnique(parts, v)
			lastEnd = en
		}
	}
	return extJoin(parts)
}

// A place word can name who writes rather than where the product works:
// a department beside a person ("我是车间主任", "办公室的小周", "联系人：园长
// 办公室"), or the shop it was bought in ("在我店里买的", "in your shop").
var (
	extEnvPersonBefore = mustRx(`(?:(?:我是|我係|联系人|聯繫人|聯絡人|找)\s*\p{Han}{0,4}|(?:公司|工厂|工廠)\s+)$`)
	extEnvPersonAfter  = mustRx(`^\s*(?:主任|主管|经理|經理|负责人|負責人|的(?:小|老|阿)?\p{Han}{1,2}(?:\s|$|[,，。]|老师|老師|主任|主管))`)
	extEnvShop         = mustRx(`(?i)店|shop|store`)
	extEnvBought       = mustRx(`(?i)买|買|购|購|下单|下單|\bbought\b|\bbuy\b|\bpurchased\b|\bordered\b`)
)

// extEnvNotUse reports whether the cue at s[ms:me], in the clause
// s[cs:ce], names a department or the shop it was bought in (said in the
// same stretch: "6月初买的 放在店门口" still puts it at the shop door).
func extEnvNotUse(s string, cs, ce, ms, me int) bool {
	if extEnvPersonBefore.MatchString(s[cs:ms]) || extEnvPersonAfter.MatchString(s[me:ce]) {
		return true
	}
	st, en, _ := extTriedSegment(s, cs, ce, ms, me)
	return extEnvShop.MatchString(s[ms:me]) && extEnvBought.MatchString(s[st:en])
}

// Cues that look like a place but are not where the product works: a
// bedside table (床头柜), people queueing at the door or a parcel left there,
// a deadline (24小时内), the product's own reading (14°C and climbing), and a
// place word inside a proper name (Saffron Lane Kitchen Ltd, Hotel Excelsior).
var (
	extEnvFurniture = mustRx(`^(?:柜|櫃)`)
	extEnvDoorEvent = mustRx(`排|堵|丢|丟|扔|等着|等著|走了|就走|围|圍`)
	extEnvDeadline  = mustRx(`^\s*(?:内|內|之内|之內|以内|以內)`)
	extEnvReading   = mustRx(`(?i)\b(?:read|reads|reading|shows?|showing|display\w*|internal|climb\w*|rose|risen|hit|reached|set to|set at)\b[^.!?]{0,24}$`)
	extEnvDegrees   = mustRx(`(?i)\d\s*(?:°c|degrees)`)
)

// extEnvNotPlace reports whether the cue at s[ms:me], in the clause s[cs:ce],
// only looks like a place.
func extEnvNotPlace(s string, cs, ce, ms, me int) bool {
	cue := s[ms:me]
	switch {
	case strings.HasSuffix(cue, "床头") || strings.HasSuffix(cue, "床頭"):
		return extEnvFurniture.MatchString(s[me:])
	case strings.HasSuffix(cue, "门口") || strings.HasSuffix(cue, "門口"):
		return extEnvDoorEvent.MatchString(s[cs:ce])
	case strings.HasSuffix(cue, "24小时") || strings.HasSuffix(cue, "24小時"):
		return extEnvDeadline.MatchString(s[me:])
	case extEnvDegrees.MatchString(cue):
		return extEnvReading.MatchString(s[cs:ms])
	}
	st, en, _ := extTriedSegment(s, cs, ce, ms, me)
	around := s[st:ms] + " " + s[me:en]
	return extEnvProperName(s, ms, me) || extEnvWaiting.MatchString(around) || extOthers.MatchString(s[st:en])
}

// People queueing there: the place is where something happened, not where
// the product is used. extOthers is another person's product: neither its
// place nor its dates are this one's.
var (
	extEnvWaiting = mustRx(`(?i)排队|排隊|排着队|排著隊|堵在|\bpeople (?:in|are)\b|\bare waiting\b|\bqueu\w*`)
	extOthers     = mustRx(`(?i)朋友|别人|別人|邻居|鄰居|人家|同事家|\bfriend'?s?\b|\bneighbou?r'?s?\b`)
)

// extEnvProperName reports whether a capitalised place word of the cue sits
// among other capitalised words mid-sentence: the name of a business.
func extEnvProperName(s string, ms, me int) bool {
	for i := ms; i < me; i++ {
		if s[i] < 'A' || s[i] > 'Z' || i > 0 && extIsLetter(s[i-1]) {
			continue
		}
		j := i
		for j < me && extIsLetter(s[j]) {
			j++
		}
		w := strings.ToLower(s[i:j])
		if !extEnvPlaceWords[w] {
			continue
		}
		if ps, pe := extWordBefore(s, i); ps >= 0 && s[ps] >= 'A' && s[ps] <= 'Z' && !extEnvSentenceStart(s, ps) && !extDeterminers[strings.ToLower(s[ps:pe])] {
			return true
		}
		if j+1 < len(s) && s[j] == ' ' && s[j+1] >= 'A' && s[j+1] <= 'Z' {
			return true
		}
	}
	return false
}

// extEnvSentenceStart reports whether the word at i opens a sentence.
func extEnvSentenceStart(s string, i int) bool {
	t := strings.TrimRight(s[:i], " ")
	return t == "" || strings.ContainsAny(t[len(t)-1:], ".!?:;\n")
}

var extEnvPlaceWords = map[string]bool{"kitchen": true, "garden": true, "hotel": true, "office": true, "clinic": true,
	"cafe": true, "restaurant": true, "shop": true, "warehouse": true, "workshop": true, "gym": true, "pub": true,
	"hostel": true, "library": true, "lobby": true, "bathroom": true, "garage": true, "barn": true, "cottage": true}

// extEnvLead is what opens a phrase without saying anything of the place.
var extEnvLead = mustRx(`(?i)^(?:我们|我們|我家|我|就是|是|(?:and|but|also|it's|its|it is|we|i)\b)\s*`)

// extEnvPhrase widens the cue at s[ms:me] to the customer's phrase: the
// clause (for Chinese, the space-separated run) around it, at most a few
// words either side in a long one.
func extEnvPhrase(s string, ms, me int) (int, int) {
	cs, ce := extClause(s, ms, me)
	st, en, _ := extTriedSegment(s, cs, ce, ms, me)
	if extHasHan(s[ms:me]) || extHasHan(s[st:en]) {
		const span = 8 // runes either side
		a := ms
		for n := 0; n < span && a > st; n++ {
			_, size := utf8.DecodeLastRuneInString(s[st:a])
			a -= size
		}
		b := me
		for n := 0; n < span && b < en; n++ {
			_, size := utf8.DecodeRuneInString(s[b:en])
			b += size
		}
		return a, b
	}
	// English: up to five words either side, within the clause.
	a := ms
	for n := 0; a > st; a-- {
		if s[a-1] == ' ' {
			if n++; n > 5 {
				break
			}
		}
	}
	b := me
	for n := 0; b < en; b++ {
		if s[b] == ' ' {
			if n++; n > 5 {
				break
			}
		}
	}
	return a, b
}

// extTriedSegment narrows a clause of Chinese text to the space-separated
// run holding the match: customers who skip punctuation separate thoughts
// with spaces ("一开机就蓝屏 然后自动重启 已经重装过系统了"). near is the
// text just before the run, so "一直 重启" still reads as automatic.
func extTriedSegment(s string, cs, ce, ms, me int) (int, int, string) {
	if !extHasHan(s[cs:ce]) || !extHasHan(s[ms:me]) {
		return cs, ce, ""
	}
	// A run of three or more spaces is a masked date or code ("滤芯去年换过"),
	// not a separator.
	st := ms
	for st > cs {
		if s[st-1] == ' ' || s[st-1] == '\t' {
			n := 0
			for st-n > cs && (s[st-n-1] == ' ' || s[st-n-1] == '\t') {
				n++
			}
			if n < 3 {
				break
			}
			st -= n
			continue
		}
		st--
	}
	en := me
	for en < ce {
		if s[en] == ' ' || s[en] == '\t' {
			n := 0
			for en+n < ce && (s[en+n] == ' ' || s[en+n] == '\t') {
				n++
			}
			if n < 3 && !extLatinAround(s, en, en+n) {
				break
			}
			en += n
			continue
		}
		en++
	}
	before := []rune(strings.TrimRight(s[cs:st], " \t"))
	if len(before) > 2 {
		before = before[len(before)-2:]
	}
	return st, en, string(before)
}

// extLatinAround reports whether the spaces s[i:j] stand between English
// words inside a Chinese sentence ("试过 update driver 和 reset BIOS"):
// there they separate words, not phrases. A code ("KFR-35GW", "iPhone
// 16") after the spaces is something else the customer goes on to say.
func extLatinAround(s string, i, j int) bool {
	word := func(w string) bool {
		n := 0
		for n < len(w) && (w[n] >= 'a' && w[n] <= 'z' || w[n] >= 'A' && w[n] <= 'Z') {
			n++
		}
		if n < 2 {
			return false
		}
		r, _ := utf8.DecodeRuneInString(w[n:])
		return n == len(w) || r == ' ' || unicode.Is(unicode.Han, r)
	}
	if word(s[j:]) {
		return true
	}
	// "update driver 和 reset BIOS": a conjunction between English words.
	prev := s[:i]
	k := len(prev)
	for k > 0 && (prev[k-1] >= 'a' && prev[k-1] <= 'z' || prev[k-1] >= 'A' && prev[k-1] <= 'Z') {
		k--
	}
	if len(prev)-k < 2 {
		return false
	}
	for _, c := range []string{"和 ", "跟 ", "与 ", "與 ", "及 ", "或 ", "还有 ", "還有 "} {
		if strings.HasPrefix(s[j:], c) && word(strings.TrimLeft(s[j+len(c):], " ")) {
			return true
		}
	}
	return false
}

func extHasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// The customer's own actions, told as done: a verb with a completion marker
// ("拔了", "洗过", "熄咗", "换了新电池"), an object moved first ("把总闸拉了",
// "插座换过了"), airing the room, or in English a past tense verb said by the
// customer ("I unplugged it", "we've cleaned the filter").
var (
	extTriedZhRe = mustRx(`(?:拔|插拔|拔插|关|關|换|換|清|洗|擦|调|調|冲|沖|充|熄|閂|垫|墊|加|问|問|刷|删|刪|卸|拧|擰|拉|看|晾|晒|曬)` +
		`(?:掉|下来|下來|下|开|開|好|回|上|满|滿|紧|緊|乾淨|干净)?(?:了|过|過|咗)|除(?:过|過)|拔(?:电|電)|(?:拔|关|關)掉(?:$|\s|[,，。])|` +
		`(?:把|将|將)\p{Han}{1,6}?(?:拔|关|關|换|換|清|洗|擦|调|調|拉|冲|沖)(?:掉|下|开|開|上)?(?:了|过|過|咗)|新(?:换|換)的|` +
		`(?:开|開|打开|打開)窗|窗(?:户|戶)\p{Han}{0,2}?(?:开|開)|通风|通風|(?:调|調)到|(?:清洁|清潔)\p{Han}{0,2}?(?:了|过|過)|` +
		`重新(?:开关机|開關機|开机|開機|插|连|連|配|穿|放|装|裝|设|設)|重(?:开|開)|(?:已经|已經|我|先)(?:关|關)(?:机|機)|` +
		`(?:关|關)掉再(?:开|開)|(?:长|長)按|用(?:的|了)?(?:是)?(?:你们|你們)?推荐|按说明书|按說明書|照说明书|照說明書`)
	extTriedEnRe = mustRx(`(?i)(?:^|[,.;:!]\s*|\b(?:i|we|i've|we've|i have|we have|already|also|then|and|even|both|have|had)\s+)(?:also\s+|already\s+|even\s+|just\s+)?` +
		`(?:unplugged|switched (?:it |them )?off|turned (?:it |them )?off|pulled (?:it|the plug)|removed|changed|replaced|cleaned|descaled|flushed|` +
		`reinstalled|uninstalled|re-?registered|re-?enrolled|re-?paired|unpaired|updated|adjusted|checked|flipped|aired|moved|deleted|` +
		`stopped it|reseated|reset|restarted|rebooted|power[- ]cycled|pressed|held|ran|charged|swapped|recalibrated|knocked|tested|used a different|` +
		`tried|dragged|allowed|set the|took (?:it|them|the \w+|all \w+) (?:out|off|apart|outside)|(?:put|carried|brought) (?:it|them) (?:outside|outdoors))\b`)
	// Using the product is not fixing it ("关了火"), nor is asking for an
	// exchange ("換過部新嘅") or an unpacked box ("拆了一下").
	extTriedLookAt = mustRx(`^(?:一下|下|眼|半天|说明书|說明書)`)
	extTriedNotZh  = mustRx(`^(?:(?:关|關)了火|(?:换|換)(?:过|過)(?:部|个|個|啲|来|來|隻|台))`)
	// Plans and offers are not done: "我想重启试试", "要不要拔掉".
	extTriedPlan = mustRx(`(?i)想|打算|那我先|那我就先|那就先|那我再|我先.{0,12}看看|准备|準備|待会|待會|等下|等一下|希望|要求|请|請|麻烦|麻煩|能把|能不能|可以把|可不可以|可唔可以|帮我|幫我|给我|給我|` +
		`\bwill\b|\bgoing to\b|\bplan to\b|\bshould i\b|\bcan i\b|\bdo i\b|\bwant\b|\bplease\b|\bcould you\b|\bcan you\b|\bwould you\b|\bneed\b`)
	// Characters before a cue that make it part of another word: 空调到
	// (an air conditioner arrived), 看不清了, 坏调了, 咨询过.
	extTriedFalseBefore = map[rune]string{
		'调': "空协協强強声聲色曲格基单單坏壞", '調': "空协協强強声聲色曲格基单單坏壞",
		'清': "看查说說弄搞分认認不", '加': "增参參附外追", '洗': "干乾", '换': "切转轉交兑兌替", '換': "切转轉交兑兌替",
		'问': "询詢请請疑顾顧访訪学學", '問': "询詢请請疑顾顧访訪学學", '关': "开開相机機海", '關': "开開相机機海",
		'充': "补補扩擴冒回", '看': "好难難查",
	}
	// Asking customer service before is chasing, not fixing: "我在这里问过了".
	extTriedHere = mustRx(`这里|這裡|这边|這邊|你们|你們|客服|留言`)
	// The customer says they tried nothing.
	extTriedNothing = mustRx(`(?i)(?:什么|什麼|啥)都(?:没|沒)(?:试|試|做|弄|动|動)|(?:还|還)?(?:没|沒)(?:有)?(?:试|試)过?(?:任何|什么|什麼)|` +
		`\b(?:haven't|have not|didn't|did not) (?:tried|done|try|do) anything\b|\bnothing yet\b`)
)

func extFindTried(s string) string {
	var ms [][]int
	ms = append(ms, extTriedRe.FindAllStringIndex(s, -1)...)
	ms = append(ms, extTriedZhRe.FindAllStringIndex(s, -1)...)
	for _, m := range extTriedEnRe.FindAllStringIndex(s, -1) {
		// The cue may start at the subject or the comma before the verb.
		i := m[1]
		for i > m[0] && s[i-1] != ' ' && s[i-1] != ',' && s[i-1] != '.' && s[i-1] != ';' && s[i-1] != ':' && s[i-1] != '!' {
			i--
		}
		ms = append(ms, []int{i, m[1]})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i][0] < ms[j][0] })
	var parts []string
	lastEnd := -1
	for _, idx := range ms {
		if idx[0] < lastEnd {
			continue // one phrase per segment
		}
		if extTriedNotZh.MatchString(s[idx[0]:]) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(s[idx[0]:idx[1]])
		if prev, _ := utf8.DecodeLastRuneInString(s[:idx[0]]); strings.ContainsRune(extTriedFalseBefore[first], prev) {
			continue
		}
		if (first == '问' || first == '問') && extTriedHere.MatchString(s[max(0, idx[0]-15):idx[0]]) {
			continue
		}
		if first == '看' && extTriedLookAt.MatchString(s[idx[1]:]) {
			continue // "看了一下型号" reads, it does not check
		}
		cs, ce := extClause(s, idx[0], idx[1])
		question := ce < len(s) && (s[ce] == '?' || strings.HasPrefix(s[ce:], "？"))
		cs, ce, near := extTriedSegment(s, cs, ce, idx[0], idx[1])
		if cs < lastEnd {
			continue // that segment gave its phrase already
		}
		clause := s[cs:ce]
		if extTriedAuto.MatchString(near+clause) || extTriedNeg.MatchString(s[cs:idx[0]]) ||
			extTriedPlan.MatchString(s[cs:idx[0]]) || extTriedAsk.MatchString(clause) || question {
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
	if len(parts) == 0 && extTriedNothing.MatchString(s) {
		return "none"
	}
	return extJoin(parts)
}
