package nlu

// The organisation the customer writes for.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	extCoSuffixRe = mustRx(`股份有限公司|有限责任公司|有限責任公司|有限公司|集团|集團|公司|工厂|工廠`)
	// A lead that introduces the customer's own organisation: "我们是…",
	// "这里是…", "我这边是…"; what follows is read up to the longest
	// organisation-like prefix.
	extCoLeadRe  = mustRx(`(?:我们是|我們是|我司是|我们公司是|我們公司是|我们单位是|我們單位是|我们公司叫|我們公司叫|这里是|這裡是|这边是|這邊是|我这边是|我這邊是|我们这边是|我們這邊是|我们这里是|我們這裡是|本单位是|本單位是|来自|來自|公司名称是|公司名稱是|企业名称是|企業名稱是|单位是|單位是|我们叫|我們叫|我们店叫|我們店叫|我们店是|我們店是|我哋係|我地係|我哋叫)[ \t:]*([\p{Han}A-Za-z0-9()·&]{2,40})`)
	extCoStaffRe = mustRx(`(?:我是|我們是|我们是|这里是|這裡是)([\p{Han}A-Za-z0-9·&]{3,30}?)的\p{Han}{0,4}?(?:店长|店長|经理|經理|老板|老闆|负责人|負責人|主管|前台|员工|員工|店员|店員|老师|老師|护士|護士|医生|醫生|厨师|廚師|行政|采购|採購|IT|技术|技術|信息|资讯|資訊|会计|會計|财务|財務|出纳|出納|品管|司机|司機|站长|站長|组长|組長|助理|总干事|總幹事|运营|營運|客服)`)
	// "我是滨江市第二人民医院信息科的": the organisation, then the department.
	extCoSelfRe = mustRx(`(?:我是|我們是|我们是)([\p{Han}A-Za-z0-9·&]{3,30}?)的(?:[，,。!！;；\s]|$)`)
	// extCoSelfKind ends the organisations that a bare "我是…的" names
	// (not "做安防工程的", a trade, or "家具城门店的", a seller).
	extCoSelfKind = mustRx(`(?:有限公司|公司|集团|集團|医院|醫院|卫生院|衛生院|诊所|診所|学校|學校|小学|小學|中学|中學|大学|大學|学院|學院|幼儿园|幼兒園|培训学校|培訓學校|连锁|連鎖|办事处|辦事處|街道办|街道辦|酒店|宾馆|賓館|事务所|事務所|研究所|协会|協會)$`)
	// A label naming it: "店名 巷口牛肉面", "所里叫明正律师事务所",
	// "学校名字：东莞市启明培训学校", "公司：杭州西湖畔精品酒店".
	extCoNameLabelRe = mustRx(`(?:开票公司名称|開票公司名稱|开票公司名|開票公司名|开票单位|開票單位|公司抬头|公司抬頭|发票抬头|發票抬頭|抬头是|抬頭是|公司全称|公司全稱|单位全称|單位全稱|诊所名字|診所名字|诊所名称|診所名稱|医院名字|醫院名字|连锁店名字|連鎖店名字|店名字|店的名字|店名|店铺名|店鋪名|店铺叫|店鋪叫|店叫|门店名|門店名|所里叫|所裡叫|诊所叫|診所叫|医院叫|醫院叫|学校名字|學校名字|学校名称|學校名稱|学校叫|學校叫|单位名称|單位名稱|单位叫|單位叫|公司名称|公司名稱|公司名字|公司叫|企业名称|企業名稱|机构名称|機構名稱|机构叫|機構叫|连锁店名字|連鎖店名字|酒店名|工厂名|工廠名)[ \t]*(?:是|叫|为|為|:)?[ \t]*(?:叫)?[ \t「『“"]*([\p{Han}A-Za-z0-9()·&]{2,30})`)
	// A bare label word needs a colon or a space: "公司：…", "寄到公司 禾豐設計".
	extCoWordLabelRe = mustRx(`(?:公司|单位|單位|机构|機構|学校|學校|门店|門店|酒店|店铺|店鋪)(?:[ \t]*:[ \t]*|[ \t]+)([\p{Han}A-Za-z0-9()·&]{2,30})`)
	// "公司是鲜丰汇连锁超市", "民宿叫云栖山居", "酒店是榕江湾酒店", "店名叫茶小满".
	extCoIsRe = mustRx(`(?:公司|单位|單位|学校|學校|门店|門店|酒店|店铺|店鋪|店名|厂子|廠子|工厂|工廠|民宿|诊所|診所|餐厅|餐廳|饭店|飯店)(?:名字|名称|名稱)?(?:是|叫做|叫|名叫)\s*([\p{Han}A-Za-z0-9()（）·&]{2,30})`)
	// "Smokin Sisters BBQ, im Tanya", "Hendricks Metalworks. I'm Pieter.":
	// a business said first, then the person.
	extCoThenMeRe = mustRx(`^\s*((?:[A-Z][\w'’&.-]*[ \t]+){1,4}[A-Z][\w'’&.-]*)[ \t]*[,.][ \t]*(?:I'm|I’m|im|Im|I am|this is|it's|its)\b`)
	extCoLabelRe  = mustRx(`(?i)\bcompany(?:\s+name)?\s*:\s*([^,;。!?\n]{2,60})`)
	extCoEnRe     = mustRx(`((?:[A-Z][A-Za-z0-9&'-]*[ \t]+){0,4}[A-Z][A-Za-z0-9&'-]*),?[ \t]+(Co\.?,?[ \t]*Ltd\.?|Co\.?,?[ \t]*Limited|Corporation|Corp\.?|Incorporated|Inc\.?|Ltd\.?|LLC|GmbH|Limited|Company|Group|PLC|AG|Pty\.?[ \t]*Ltd\.?|Technologies|Electronics|Co\.)`)
	extCoWorkRe   = mustRx(`\b(?:work|working|I'm|I am)[ \t]+(?:at|for)[ \t]+([A-Z][A-Za-z0-9&'-]*(?:[ \t]+[A-Z][A-Za-z0-9&'-]*){0,3})`)
	extCoNearEnRe = mustRx(`(?:\b(?:from|for|at|with)|[a-z],|—|–|-)[ \t]+((?:[A-Z][\w'&-]*[ \t]+){0,3}[A-Z][\w'&-]*)`)
	// Businesses named by what they are: "Golden Lotus Seafood Restaurant",
	// "Cole & Partners Architects", "Sabai Sabai Hostel".
	extCoVenueEnRe = mustRx(`\b((?:(?:[A-Z][\pL\d'.-]*|&)[ \t]+){1,5}(?:Restaurant|Hotel|Resort|Hostel|Inn|Cafe|Café|Coffee|Bakery|Clinic|Clinics|Hospital|Surgery|Dental|Physio|Pharmacy|School|College|University|Academy|Nursery|Kindergarten|Studio|Studios|Architects|Accountants|Solicitors|Lawyers|Solutions|Fulfilment|Fulfillment|Logistics|Salon|Gym|Fitness|Bar|Pub|Room|Store|Shop|Supermarket|Market|Centre|Center|Institute|Agency|Partners|Associates|Consulting|Kitchen|Diner|Canteen|Factory|Brewery|Bistro|Pizzeria|Boutique|Florist|Printers))(?:[^\pL\pN]|$)`)
	// Characters that end a company name when reading backwards from 公司.
	extCoStopRunes = "是在的们們我你他她给給找从從向对對帮幫让讓这這那贵貴该該此家个個买買到被把由和跟叫为為于於本去来來全整候时時打要("
	// Words before 公司 that make it a kind of company, not a name:
	// "快递公司", "装修公司", "燃气公司", "百货公司".
	extCoNotNames = map[string]bool{"开票": true, "開票": true, "快递": true, "快遞": true, "物流": true, "保险": true, "保險": true,
		"电力": true, "電力": true, "供电": true, "供電": true, "燃气": true, "燃氣": true, "自来水": true,
		"自來水": true, "售后": true, "售後": true, "分": true, "总": true, "總": true, "子": true, "母": true,
		"上市": true, "大": true, "小": true, "新": true, "老": true, "原": true, "合作": true, "外包": true,
		"装修": true, "裝修": true, "百货": true, "百貨": true, "搬家": true, "家政": true, "物业": true, "物業": true,
		"租赁": true, "租賃": true, "安装": true, "安裝": true, "网络": true, "網絡": true, "电信": true, "電信": true}
	extEnCoLead = map[string]bool{"I": true, "The": true, "My": true, "Our": true, "Your": true, "This": true,
		"Hi": true, "Hello": true, "Dear": true, "From": true, "At": true, "For": true, "With": true, "We": true,
		"A": true, "An": true, "Thanks": true, "Regards": true}
)

// extCoBadRunes never occur in the name of the customer's organisation:
// "在你们官方店", "要不要打燃气公司" are talk, not names.
const extCoBadRunes = "你您们們这這那我他她了是在要不吗嗎呢吧的什么麼哪"

// extCoGeneric is a kind of organisation with no name: "早餐店",
// "一家口腔诊所", "个小私教工作室", "连锁火锅店".
var extCoGeneric = mustRx(`^(?:一家|一间|一間|一个|一個|个|個|家|间|間|开|開|做|搞|连锁|連鎖|小|大|新|本|我们|我們|这|這)*(?:早餐|早点|早點|早午餐|奶茶|火锅|火鍋|甜品|烘焙|面包|麵包|蛋糕|咖啡|水果|生鲜|生鮮|便利|私教|健身|口腔|牙科|牙医|牙醫|中医|中醫|社区|社區|图文|圖文|快印|打印|印刷|服装|服裝|五金|设计|設計|装修|裝修|餐饮|餐飲|美容|美发|美髮|宠物|寵物|母婴|母嬰|手摇饮|手搖飲|小吃|饭|飯|面|麵|茶|花|书|書|文具|电器|電器|家电|家電|手机|手機|电脑|電腦|数码|數碼|商务|商務|精品|民营|私立|公立|会计|會計|律师|律師|英语|英語|少儿|少兒|编程|編程|补习|補習|培训|培訓|广告|廣告|汽修|维修|維修|洗衣|酒|超|连锁|連鎖|私人|个体|個體|小型|大型|科技|贸易|貿易|电子|電子)*(?:有限公司|公司|集团|集團|事务所|事務所|律所|诊所|診所|门诊部|門診部|门诊|門診|医院|醫院|卫生院|衛生院|服务站|服務站|学校|學校|小学|小學|中学|中學|大学|大學|学院|學院|幼儿园|幼兒園|补习班|補習班|机构|機構|酒店|宾馆|賓館|饭店|飯店|餐厅|餐廳|餐馆|餐館|小馆|小館|面馆|麵館|食堂|分店|门店|門店|商店|超市|便利店|工作室|中心|工厂|工廠|厂|廠|店|馆|館|行|坊|所|铺|鋪)?$`)

// extCoValid reports whether v can be the name of the customer's
// organisation (Chinese names only are checked).
func extCoValid(v string) bool {
	if !extHasHan(v) {
		return !extEnJobTitle.MatchString(strings.TrimSpace(v)) // "Store Manager" is a title
	}
	return !strings.ContainsAny(v, extCoBadRunes) && !extCoGeneric.MatchString(v)
}

// extEnJobTitle is a job title, which a signature puts where a company
// name might stand.
var extEnJobTitle = mustRx(`(?i)^(?:[a-z]+\s+){0,3}(?:manager|director|officer|supervisor|assistant|coordinator|administrator|admin|engineer|technician|owner|executive|secretary|receptionist|lead|head|president|ceo|cfo|cto|founder|partner|principal|teacher|nurse|doctor|chef|pharmacist)$`)

// extCoParenRe names the writer's own organisation in brackets after 我司
// ("我司（杭州联拓律师事务所）").
var extCoParenRe = mustRx(`(?:我司|本司|我们公司|我們公司|本公司|我单位|我單位|我们单位|我們單位|我们厂|我們廠|本店|我们店|我們店)\s*[（(]\s*([^）)，,。]{2,30}?)\s*[）)]`)

// extCoWeAreEnRe is an organisation introduced as "we": "we are Kopitiam
// Selera Bonda in Ipoh", "we're the Green Olive".
var extCoWeAreEnRe = mustRx(`\b(?:[Ww]e are|[Ww]e're|[Ww]e’re|[Oo]ur (?:company|shop|store|restaurant|clinic|school|hotel|cafe|salon|business) is)\s+(?:[Tt]he\s+)?((?:[A-Z][\w'’&.-]*\s+){1,4}[A-Z][\w'’&.-]*|[A-Z][\w'’&.-]{3,})`)

func extIsCompanySuffix(w string) bool {
	switch strings.TrimRight(strings.ToLower(w), ".,") {
	case "co", "corp", "corporation", "inc", "incorporated", "ltd", "llc", "gmbh", "limited", "company", "group", "plc":
		return true
	}
	return false
}

// extForCustomerRe is where someone writing for their customer (a dealer,
// an installer) names the customer: the organisation after it is the one
// the case is for.
var extForCustomerRe = mustRx(`(?i)客户是|客戶是|终端客户|終端客戶|用户是|用戶是|(?:帮|幫|替|代)(?:一个|一個|一位|我的|我们的|我們的)?(?:客户|客戶|顾客|顧客)|客户那边|客戶那邊|\bthe (?:customer|client|end user) is\b|\bon behalf of\b|\bfor (?:a|my|our) (?:customer|client)\b`)

// extForCustomerZh is a writer asking on a customer's behalf.
var extForCustomerZh = mustRx(`^(?:帮|幫|替|代)`)

// extDealerRe is a writer who is not the end customer.
var extDealerRe = mustRx(`(?i)经销商|經銷商|代理商|分销商|分銷商|安装公司|安裝公司|安装师傅|安裝師傅|\bdealer\b|\breseller\b|\binstaller\b|\bdistributor\b`)

func extFindCompany(s string) string {
	if loc := extForCustomerRe.FindStringIndex(s); loc != nil {
		if v := extFindCompanyIn(s[loc[1]:]); v != "" {
			return v
		}
		// The writer's own business (a dealer's, a shop asking "帮客户问") is
		// not the customer's.
		if extDealerRe.MatchString(s) || extForCustomerZh.MatchString(s[loc[0]:loc[1]]) {
			return ""
		}
	}
	return extFindCompanyIn(s)
}

func extFindCompanyIn(s string) string {
	type found struct {
		start, end int
		v          string
	}
	var best *found
	consider := func(st, en int, v string) {
		v = strings.TrimSpace(v)
		if v == "" || !extCoValid(v) {
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
			if !(unicode.Is(unicode.Han, r) || (r < 128 && extIsAlnum(byte(r))) || strings.ContainsRune(")&", r)) ||
				strings.ContainsRune(extCoStopRunes, r) {
				break
			}
			st -= size
		}
		prefix := s[st:idx[0]]
		bare := s[idx[0]:idx[1]] == "公司"
		if utf8.RuneCountInString(prefix) < 2 || extCoNotNames[prefix] || bare && extCoKindTail(prefix) {
			continue
		}
		consider(st, idx[1], s[st:idx[1]])
	}
	// "我是星巴克国贸店的店长": the business the customer works at.
	for _, idx := range extCoStaffRe.FindAllStringSubmatchIndex(s, -1) {
		if v := extOrgPrefix(s[idx[2]:idx[3]]); v != "" && !extSellerShop.MatchString(v) {
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	for _, idx := range extCoSelfRe.FindAllStringSubmatchIndex(s, -1) {
		if v := extOrgPrefix(s[idx[2]:idx[3]]); v != "" && (extCoSelfKind.MatchString(v) || extOrgLike(v) && !extCoDept.MatchString(s[idx[2]+len(v):idx[3]])) && !strings.HasPrefix(v, "做") {
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	for _, idx := range extCoParenRe.FindAllStringSubmatchIndex(s, -1) {
		consider(idx[2], idx[3], s[idx[2]:idx[3]])
	}
	for _, idx := range extCoWeAreEnRe.FindAllStringSubmatchIndex(s, -1) {
		v := strings.TrimSpace(s[idx[2]:idx[3]])
		if !extEnJobTitle.MatchString(v) && !extEnCoLead[strings.Fields(v)[0]] {
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	for _, idx := range extCoLeadRe.FindAllStringSubmatchIndex(s, -1) {
		if strings.HasSuffix(s[idx[2]:idx[3]], "的") {
			idx[3] -= len("的") // "我们是顺达驾校的"
		}
		if i := strings.LastIndex(s[idx[2]:idx[3]], "的"); i > 0 {
			idx[2] += i + len("的") // "我们是宜兰的海风民宿": the place is not the name
		}
		if v := extOrgPrefix(s[idx[2]:idx[3]]); v != "" {
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	for _, re := range []*rx{extCoNameLabelRe, extCoWordLabelRe} {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			v := extCoTrim(s[idx[2]:idx[3]])
			if utf8.RuneCountInString(v) < 2 || extCoLabelFault.MatchString(v) {
				continue
			}
			if re == extCoWordLabelRe && !extOrgLike(v) && !strings.Contains(s[idx[0]:idx[2]], ":") {
				continue // "公司 禾豐設計" only with a name that looks like one
			}
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	for _, idx := range extCoIsRe.FindAllStringSubmatchIndex(s, -1) {
		if v := extCoTrim(s[idx[2]:idx[3]]); utf8.RuneCountInString(v) >= 2 && !extCoIsQuestion.MatchString(v) {
			consider(idx[2], idx[2]+len(v), v)
		}
	}
	if m := extCoThenMeRe.FindStringSubmatchIndex(s); m != nil && !extGivenNameLead(s[m[2]:m[3]]) && !extEnCoLead[strings.Fields(s[m[2]:m[3]])[0]] && !extHasDigit.MatchString(s[m[2]:m[3]]) {
		consider(m[2], m[3], s[m[2]:m[3]])
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
	if v, st := extCoQuoted(s); v != "" {
		consider(st, st+len(v), v)
	}
	if best == nil {
		if _, org := extSignature(s); org != "" {
			consider(len(s), len(s), org)
		}
	}
	if best == nil {
		if v := extCoLine(s); v != "" {
			consider(len(s), len(s), v)
		}
	}
	if best == nil {
		if v := extCoSigLine(s); v != "" {
			consider(len(s), len(s), v)
		}
	}
	if best == nil {
		if m := extCoWorkRe.FindStringSubmatchIndex(s); m != nil {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	// "for Liffey Lettings", "Dean from Brightwire Electrical", "Nick
	// Pappas, NP Plumbing": a name with a trade word after a preposition
	// or beside the person's name; not the shop it was bought from.
	if best == nil {
		for _, m := range extCoNearEnRe.FindAllStringSubmatchIndex(s, -1) {
			v := strings.TrimRight(s[m[2]:m[3]], ".")
			if !extEnOrgLike(v) || extPurchaseCue.MatchString(s[max(0, m[0]-40):m[0]]) {
				continue
			}
			consider(m[2], m[2]+len(v), v)
			break
		}
	}
	// Businesses named by what they are. Only when nothing better was
	// found, and not right after a purchase: "bought it at the Acme Store"
	// names the seller, not the customer.
	if best == nil {
		for _, m := range extCoVenueEnRe.FindAllStringSubmatchIndex(s, -1) {
			words := strings.Fields(s[m[2]:m[3]])
			for len(words) > 1 && extEnCoLead[words[0]] {
				words = words[1:]
			}
			st := m[3] - len(strings.Join(words, " "))
			if extPurchaseCue.MatchString(s[max(0, st-40):st]) {
				continue
			}
			consider(st, m[3], s[st:m[3]])
			break
		}
	}
	if best == nil {
		return ""
	}
	return best.v
}

// extCoKindTail reports whether the words before 公司 end with a kind of
// company ("…的时候装修公司", "要不要打燃气公司").
func extCoKindTail(prefix string) bool {
	for w := range extCoNotNames {
		if utf8.RuneCountInString(w) >= 2 && strings.HasSuffix(prefix, w) {
			return true
		}
	}
	return false
}

// extCoTrim cuts a name read after a label where the talk goes on
// ("学府路快印 我姓田" was already cut at the space; "晨光早餐店在板橋" is
// cut before the bad rune).
func extCoTrim(v string) string {
	if i := strings.IndexAny(v, extCoBadRunes); i > 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// extOrgPrefix returns the longest start of v that names an organisation
// ("仁和口腔门诊部，器械…" → "仁和口腔门诊部", "星河科技行政部" → "星河科技"),
// stopping where the talk goes on.
func extOrgPrefix(v string) string {
	v = extCoTrim(v)
	rs := []rune(v)
	for n := len(rs); n >= 3; n-- {
		if p := string(rs[:n]); extOrgLike(p) || extCoSuffixRe.MatchString(p) && strings.HasSuffix(p, extCoSuffixRe.FindString(p)) && n > 3 {
			// "宜兰的海风民宿": the place before 的 is not part of the name.
			if i := strings.LastIndex(p, "的"); i > 0 && utf8.RuneCountInString(p[i+len("的"):]) >= 3 {
				p = p[i+len("的"):]
			}
			return p
		}
	}
	return ""
}

// extCoLabelFault is what follows a label to say it is wrong, not a name:
// "发票抬头错误", "抬头开错了".
var extCoLabelFault = mustRx(`^(?:错|錯|开错|開錯|写错|寫錯|有误|有誤|不对|不對|打错|打錯)`)

// extCoDept is a department after an organisation's kind: "酒店工程部" is
// the hotel's engineering department, not a firm called 酒店工程.
var extCoDept = mustRx(`^(?:部|科|处|處|组|組|室)`)

// extCoQuoteRe is a name in quotes: 「惠民生活超市」, “花语”.
var extCoQuoteRe = mustRx(`[「『“"']([^」』”"'\n,，。!！?？]{2,20})[」』”"']`)

// extCoQuoteBefore and extCoQuoteAfter are the words around a quoted name
// that make it the customer's business, not a quoted error message.
var (
	extCoQuoteBefore = mustRx(`(?:我们是|我們是|我是|这里是|這裡是|店名|店名叫|店名是|店叫|名字是|名字叫|名字:|叫做|叫|一家|来自|來自|客户是|客戶是)\s*$`)
	extCoQuoteAfter  = mustRx(`^\s*(?:\p{Han}{0,4}(?:店|超市|工作室|诊所|診所|餐厅|餐廳|小馆|小館|手摇饮|手搖飲|咖啡|健身房)|前台|有[0-9两兩二三四五六七八九十几幾]+家|连锁|連鎖|的\p{Han}{0,4}店)`)
)

// extCoQuoteKind is the kind of organisation right after a quoted name.
var extCoQuoteKind = mustRx(`^(\p{Han}{0,4}?(?:工作室|培训学校|培訓學校|学校|學校|民宿|中心|诊所|診所|事务所|事務所|有限公司|公司|餐厅|餐廳|超市|会所|會所|驾校|駕校|网咖|網咖|药店|藥店|幼儿园|幼兒園|酒店|工厂|工廠|饭店|飯店|面馆|麵館|小馆|小館|书店|書店|花店|干洗店|乾洗店|便利店|健身房|美容院|理发店|理髮店))`)

// extCoQuoted reads a business name in quotes with a cue around it, or in
// a short line with the phone number ("13699281145 「川味小馆」").
func extCoQuoted(s string) (string, int) {
	for _, m := range extCoQuoteRe.FindAllStringSubmatchIndex(s, -1) {
		v := strings.TrimSpace(s[m[2]:m[3]])
		if !extCoValid(v) || extDigits(v) == v {
			continue
		}
		cs, ce := extClause(s, m[0], m[1])
		// Beside the phone number with at most a name: "13699281145 「川味小馆」".
		rest := strings.Join(strings.Fields(s[cs:m[0]]+s[m[1]:ce]), "")
		short := extMaskRun.MatchString(s[cs:ce]) && utf8.RuneCountInString(rest) <= 4
		// 「新知力」培训学校, “半日闲”摄影工作室: the kind after the quotes is
		// part of the name.
		kind := extCoQuoteKind.FindStringSubmatch(s[m[1]:])
		if kind != nil {
			v += kind[1]
		}
		if extCoQuoteBefore.MatchString(s[cs:m[0]]) || extCoQuoteAfter.MatchString(s[m[1]:]) || kind != nil || short {
			return v, m[2]
		}
	}
	return "", 0
}

// extCoLine reads the organisation on a short line that also gives the
// phone number, a name or a department: "海悦酒店 夜班经理 13365071128",
// "15800436219，清河社区卫生服务站，我姓田", "Nok, Sabai Sabai Hostel, +66 81
// 234 5597", "宏达五金厂 车间主任 龚".
func extCoLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-6; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || utf8.RuneCountInString(l) > 40 {
			if len(lines) == 1 {
				return ""
			}
			continue
		}
		mask := extMaskRun.MatchString(lines[i])
		parts := strings.FieldsFunc(l, func(r rune) bool { return strings.ContainsRune(",，;；|/", r) })
		for _, part := range parts {
			part = strings.TrimSpace(part)
			if extHasHan(part) {
				toks := strings.Fields(part)
				if _, org := extSigHan(part); org != "" && (len(toks) >= 2 || mask) {
					return org
				}
				for i, t := range toks {
					t = extCoSelfLead.ReplaceAllString(t, "") // "我是华盛家电 王建 136…"
					// Beside the phone number or the person ("喜多多便利店 老板姓黄"),
					// or a message that is nothing but the name ("鸿发制衣厂").
					person := i+1 < len(toks) && extCoPersonCue.MatchString(toks[i+1])
					if (mask || person || len(parts) >= 2 || len(lines) == 1 && len(toks) == 1 && utf8.RuneCountInString(t) <= 20) && extOrgLike(t) && extCoValid(t) {
						return t
					}
				}
			} else if extEnOrgLike(part) && (mask || len(parts) >= 2) {
				return part
			}
		}
	}
	return ""
}

// extCoSelfLead opens a token that names the writer's business; extCoPersonCue
// opens the person who writes for it.
var (
	extCoSelfLead  = mustRx(`^(?:我是|我係|我们是|我們是|这里是|這裡是)`)
	extCoPersonCue = mustRx(`^(?:老板|老闆|店长|店長|经理|經理|我姓|免贵姓|免貴姓|姓|叫我|我是|我係|主管|联系人|聯絡人|聯繫人|院长|院長|园长|園長|校长|校長|老师|老師|\p{Han}{2,3}$)`)
)

// extOrgSuffixRe ends the names of organisations that are not companies by
// name: practices, clinics, schools, shops, workshops ("明正律师事务所",
// "仁和口腔门诊部", "阳光宝贝幼儿园", "川味小馆", "立等快印").
var extOrgSuffixRe = mustRx(`(?:有限公司|公司|集团|集團|事务所|事務所|律所|诊所|診所|门诊部|門診部|门诊|門診|医院|醫院|卫生院|衛生院|服务站|服務站|卫生站|衛生站|学校|學校|小学|小學|中学|中學|大学|大學|学院|學院|幼儿园|幼兒園|托儿所|托兒所|补习班|補習班|培训学校|培訓學校|培训中心|培訓中心|教育|编程|編程|酒店|宾馆|賓館|旅馆|旅館|民宿|饭店|飯店|餐厅|餐廳|餐馆|餐館|小馆|小館|面馆|麵館|食堂|分店|门店|門店|商店|超市|便利店|商行|工作室|中心|工厂|工廠|制衣厂|製衣廠|厂|廠|设计|設計|科技|实业|實業|贸易|貿易|机构|機構|协会|協會|药房|藥房|药店|藥店|快印|图文|圖文|口腔|健身|烘焙|咖啡|茶饮|茶飲|早点|早點|早餐店|火锅|火鍋|坊|小站|书店|書店|花店|水果店|奶茶店|甜品店|蛋糕店|面包店|麵包店|便利商店|五金|印刷|物业|物業|车行|車行|幼教|早教|画室|畫室|琴行|店|连锁|連鎖|小厨|小廚|菜馆|菜館|酒家|酒楼|酒樓|大排档|大排檔|烧烤|燒烤|食府|茶楼|茶樓|茶餐厅|茶餐廳|实业|實業|电子|電子|电器|電器|商贸|商貿|制造|製造|工程|建设|建設|设备|設備|机械|機械|精密|控股|网络|網絡|传媒|傳媒|服务|服務|研究所|食品|塑业|塑業|建材|家具|傢俱|纺织|紡織|服饰|服飾|物流|汽修|电气|電氣|材料|化工|医疗|醫療|药业|藥業|广告|廣告|文化|影视|影視|包装|包裝|影印|影印店|水电行|水電行|电器行|電器行|机车行|機車行|奶茶|鸡蛋糕|雞蛋糕|办事处|辦事處|街道办|街道辦|居委会|居委會|村委会|村委會|管委会|管委會|面包房|麵包房|烘焙房|健身房|琴房|瑜伽馆|瑜伽館|舞蹈室|美容院|理发店|理髮店|会所|會所|网咖|網咖|网吧|網吧|驾校|駕校|公寓|青旅|旅舍|客栈|客棧|影院|影城|球馆|球館|会馆|會館|书院|書院|养老院|養老院|敬老院|卫生室|衛生室|医务室|醫務室|实验室|實驗室|加油站|月子中心|托管班|托育|早教中心|家电|家電|营造|營造|塑胶|塑膠|仓储|倉儲|烧腊|燒臘|花艺|花藝|补习社|補習社|联合办公|聯合辦公|美学|美學|餐饮|餐飲|冷链|冷鏈|管理委员会|管理委員會|管委會|干洗店|乾洗店|洗衣店|眼镜|眼鏡|驾驶学校|駕駛學校|早餐|早點)$`)

// extOrgLike reports whether a Chinese token names an organisation.
func extOrgLike(tok string) bool {
	loc := extOrgSuffixRe.FindStringIndex(tok)
	if loc == nil || utf8.RuneCountInString(tok[:loc[0]]) < 2 || extCoNotNames[tok[:loc[0]]] || strings.ContainsAny(tok, "的了是我你他们們这這那") {
		return false
	}
	// "充电器" ends like "…电器" but is a thing, not a shop; a flagship
	// store is the seller's.
	return !strings.HasSuffix(tok[:loc[0]], "充") && !extSellerShop.MatchString(tok)
}

// extEnSmallWords are written in lower case inside names.
var extEnSmallWords = map[string]bool{"&": true, "of": true, "and": true, "the": true, "de": true, "du": true,
	"la": true, "le": true, "for": true, "at": true, "on": true, "van": true, "von": true, "y": true}

// extSellerShop is a shop that sells to the customer, not the customer's.
var extSellerShop = mustRx(`(?:旗舰|旗艦|官方|专卖|專賣|实体|實體|网|網|直营|直營|体验|體驗|自营|自營|授权|授權|线下|線下)店$`)

// extEnOrgWords are the words that make an English name an organisation's.
var extEnOrgWords = mustRx(`(?:^|[^\pL\pN])(?:Ltd|Limited|Inc|LLC|LLP|GmbH|mbH|AG|Pvt|PLC|Pty|Co|Corp|Corporation|Company|Group|Restaurant|Hotel|Resort|Hostel|Inn|Cafe|Café|Coffee|Bakery|Clinic|Clinics|Hospital|Surgery|Dental|Physio|Pharmacy|School|College|University|Academy|Nursery|Kindergarten|Studio|Studios|Architects|Accountants|Solicitors|Lawyers|Solutions|Services|Fulfilment|Fulfillment|Logistics|Trading|Enterprises|Industries|Technologies|Systems|Labs|Salon|Gym|Fitness|Bar|Pub|Tap Room|Taproom|Store|Shop|Market|Supermarket|Centre|Center|Institute|Agency|Partners|Associates|Consulting|Kitchen|Diner|Canteen|Foods|Motors|Garage|Farm|Printers|Print|PrintHaus|Seafood|Brewery|Bistro|Pizzeria|Boutique|Florist|Physiotherapy|Veterinary|Medical|Healthcare|Practice|Properties|Property|Lettings|Realty|Construction|Builders|Electrical|Plumbing|Appliances|Electronics|Supplies|Retail|Foundation|Council|Photography|Catering|Laundry|Spa|Tuition|Guesthouse|Motel|Lodge|Hardware|Furniture|Interiors|Carpentry|Joinery|Lets|Tacos|Kopi|Kedai|Roofing|Painting|Cleaning|Removals|Landscaping|Repairs|Autos|Dental|Optical|Opticians|Tailors|Barbers|Bakehouse|Deli|Creamery|Noodle|Noodles|Sushi|Grill|Takeaway|Cafe|Warung|Toko|Sdn Bhd|Bhd|Pte)(?:[^\pL\pN]|$)`)

// extEnOrgLike reports whether a line of English names an organisation:
// capitalised words with one of extEnOrgWords, no digits (an address).
func extEnOrgLike(line string) bool {
	line = strings.TrimSpace(line)
	if line == "" || extHasDigit.MatchString(line) || !extEnOrgWords.MatchString(line) {
		return false
	}
	words := strings.Fields(line)
	if len(words) > 7 {
		return false
	}
	for _, w := range words {
		// Every word of a name is capitalised but the small ones.
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !unicode.IsDigit(r) && !extEnSmallWords[w] && !extEnOrgWords.MatchString(w) {
			return false
		}
	}
	// A name besides the kind: "My Company" and "The Shop" are none.
	for _, w := range words {
		if !extEnCoLead[w] && !extEnOrgWords.MatchString(w) {
			return true
		}
	}
	return false
}

// extCoSigLine reads the organisation of an English signature: the line
// between the writer's name (or job title) and the phone or mail line
// ("Aroha Ngata / Kauri Lane Accounting / 09 555 0182", "Wei Zhang /
// Controls Engineer / Kestrel Automotive Components / wei@…").
func extCoSigLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i+1 < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		prev, next := strings.TrimSpace(lines[i-1]), strings.TrimSpace(lines[i+1])
		// "Manager, The Daily Grind": the title, then where.
		if title, org, ok := strings.Cut(l, ", "); ok && extEnJobTitle.MatchString(title) && extSigOrgRe.MatchString(org) && !extIsPlace(org) &&
			extGivenNameLead(prev) && (extHasDigit.MatchString(next) || strings.Contains(next, "@") || extMaskRun.MatchString(lines[i+1])) {
			return org
		}
		if !extSigOrgRe.MatchString(l) || extGivenNameLead(l) || extEnJobTitle.MatchString(l) || extIsPlace(l) {
			continue
		}
		if !(extGivenNameLead(prev) || extEnJobTitle.MatchString(prev)) {
			continue
		}
		if !extHasDigit.MatchString(next) && !strings.Contains(next, "@") && !extMaskRun.MatchString(lines[i+1]) {
			continue
		}
		return l
	}
	return ""
}

// extCoIsQuestion: "学校是否有…" asks, it names nothing.
var extCoIsQuestion = mustRx(`^(?:否|不|什么|什麼|哪|怎|多少|几|幾)`)

// extSigOrgRe is a line of two to five capitalised words ("Curl Up & Dye").
var extSigOrgRe = mustRx(`^(?:[A-Z][\w'’.-]*|&)(?:[ \t]+(?:[A-Z][\w'’.-]*|&|of|and|the|de|la)){1,4}$`)
