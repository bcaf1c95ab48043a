package nlu

// The customer's name.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// extSurnames holds common Chinese surnames (simplified and traditional); a
// bare "我是XX" is only a name when it starts with one.
var extSurnames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺" {
		m[string(r)] = true
	}
	for _, s := range []string{"欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "令狐", "慕容", "公孙", "公孫", "司徒", "尉迟", "尉遲", "夏侯"} {
		m[s] = true
	}
	return m
}()

// extNotNames are words that follow 我是/我叫 but are roles or places.
var extNotNames = map[string]bool{
	"车主": true, "車主": true, "房东": true, "房東": true, "商家": true, "师傅": true, "師傅": true,
	"司机": true, "司機": true, "高手": true, "文员": true, "文員": true, "全职": true, "管理员": true,
	"管理員": true, "江苏": true, "江蘇": true, "江西": true, "安徽": true, "温州": true, "溫州": true,
	"常州": true, "金华": true, "金華": true, "武汉": true, "武漢": true, "成都": true, "宁波": true,
	"寧波": true, "宁夏": true, "寧夏": true, "苏州": true, "蘇州": true, "徐州": true, "吉林": true,
	"郑州": true, "鄭州": true, "沈阳": true, "瀋陽": true, "江门": true, "江門": true, "柳州": true,
	"桂林": true, "黄山": true, "黃山": true, "石家庄": true, "连云港": true, "龙岩": true, "洛阳": true,
	"安装工": true, "安裝工": true, "程序员": true, "程序員": true, "马上": true, "馬上": true,
	"方便": true, "何必": true, "万一": true, "萬一": true, "单身": true, "單身": true, "华为": true,
	"華為": true, "小米": true, "美的": true, "格力": true, "海尔": true, "海爾": true,
	"应该": true, "應該": true, "写错": true, "寫錯": true, "打错": true, "打錯": true, "不对": true,
	"不對": true, "更正": true, "改成": true, "其实": true, "其實": true,
}

var (
	extNameCallRe  = regexp.MustCompile(`(?:我叫|我的名字是|我的名字叫|我名字叫|名字叫|本人叫)\s*(\p{Han}{2,4})`)
	extNameIAmRe   = regexp.MustCompile(`我是\s*(\p{Han}{2,4})\s*(?:[,.;!?。、\s]|$)`)
	extNameLabelRe = regexp.MustCompile(`(?i)(?:姓名|名字|联系人|聯繫人|聯絡人|联络人|客户名|客戶名|称呼|稱呼)\s*(?:是|为|為|:)?\s*(\p{Han}{1,4}|[A-Za-z][A-Za-z .'-]{1,40})`)
	extNameFixRe   = regexp.MustCompile(`(?:名字|姓名|名)[^,;。]{0,6}(?:写错|寫錯|错了|錯了|不对|不對)[^,;。]{0,3}[,;]?\s*(?:是|应该是|應該是|叫)\s*(\p{Han}{2,4})`)
	extNameNotRe   = regexp.MustCompile(`不是(\p{Han}{2,4})[,;]\s*(?:是|而是)\s*(\p{Han}{2,4})\s*(?:[,.;!?。]|$)`)
	extNameTitleRe = regexp.MustCompile(`(\p{Han}{1,2})(先生|女士|小姐)`)
	extNameMyRe    = regexp.MustCompile(`(?i)\b(?:my name is|my name's|name's|name is|name\s*:)\s*([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,3})`)
	extNameIntroRe = regexp.MustCompile(`\b(?:[Tt]his is|I'm|I am|[Ii]t's)\s+([A-Z][a-zA-Z'-]+\b(?:\s+[A-Z][a-zA-Z'-]+\b){0,2})`)
	extNameMrRe    = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-zA-Z'-]+`)
	// A name ends where the next thing (phone, email, company…) starts.
	extNameTails = []string{"电话", "電話", "手机", "手機", "联系", "聯繫", "邮箱", "郵箱", "今年", "来自", "來自", "的", "是", "在", "住", "从", "從", "想", "要", "家", "我", "买", "買", "购", "購", "号", "號", "和", "跟", "了", "啊", "呀", "哈", "吧", "呢", "就", "即"}
)

// extEnNotName lists words that follow "I'm"/"this is" without being a name.
var extEnNotName = map[string]bool{
	"not": true, "very": true, "so": true, "really": true, "just": true, "calling": true, "writing": true,
	"here": true, "sorry": true, "happy": true, "unhappy": true, "angry": true, "upset": true, "trying": true,
	"from": true, "the": true, "a": true, "an": true, "in": true, "at": true, "still": true, "also": true,
	"using": true, "having": true, "looking": true, "contacting": true, "interested": true, "going": true,
	"getting": true, "unable": true, "afraid": true, "glad": true, "sure": true, "fine": true, "good": true,
	"ok": true, "okay": true, "done": true, "back": true, "your": true, "our": true, "my": true, "this": true,
	"that": true, "it": true, "is": true, "disappointed": true, "frustrated": true, "annoyed": true,
	"confused": true, "tired": true, "waiting": true, "following": true, "reaching": true, "emailing": true,
	"messaging": true, "wondering": true, "customer": true, "client": true, "user": true, "owner": true,
	"buyer": true, "new": true, "old": true, "regular": true, "hi": true, "hello": true, "dear": true,
	"and": true, "or": true, "but": true, "with": true, "for": true, "to": true, "of": true, "on": true,
	"phone": true, "email": true, "mobile": true, "tel": true, "number": true, "model": true, "order": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true,
	"sunday": true, "thanks": true, "thank": true, "please": true, "urgent": true, "broken": true,
	"english": true, "chinese": true, "about": true, "i": true, "we": true, "you": true, "he": true, "she": true,
	"worried": true, "concerned": true, "extremely": true, "quite": true, "pretty": true, "totally": true,
	"mad": true, "furious": true, "sad": true, "done.": true, "available": true, "sending": true,
}

func extCutNameTail(name string) string {
	rs := []rune(name)
	for i := 2; i < len(rs); i++ {
		rest := string(rs[i:])
		for _, t := range extNameTails {
			if strings.HasPrefix(rest, t) {
				return string(rs[:i])
			}
		}
	}
	return name
}

func extHasSurname(name string) bool {
	rs := []rune(name)
	if len(rs) >= 3 && extSurnames[string(rs[:2])] {
		return true
	}
	return len(rs) >= 1 && extSurnames[string(rs[0])]
}

// extEnName keeps the leading capitalised words that are not stop words.
func extEnName(words []string, needCap bool) string {
	var keep []string
	for _, w := range words {
		if extIsCompanySuffix(w) {
			return "" // "This is Acme Corp" introduces a company
		}
	}
	for _, w := range words {
		if extEnNotName[strings.ToLower(w)] || extIsCompanySuffix(w) {
			break
		}
		if needCap && !unicode.IsUpper([]rune(w)[0]) {
			break
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 {
		return ""
	}
	for i, w := range keep {
		keep[i] = extCapitalize(w)
	}
	return strings.Join(keep, " ")
}

// extFirstGroup is the first digit group of a landline as written.
var extFirstGroup = regexp.MustCompile(`^(?:\+?0{0,2}86[\s-]?\(0\)\s*)?\D*(\d+)`)

// extModelLead is the talk before a model answer: "it's a DW-60M2", "好像是…".
var extModelLead = regexp.MustCompile(`(?i)^(?:(?:i think|i believe|maybe|probably)\s+)?(?:it'?s|it is|its|that'?s|this is|the model is|model is|model number is|model no\.? is|the number is)\s+(?:an?\s+|the\s+)?|^(?:好像是|应该是|應該是|大概是|可能是|我看了一?下[,，]?是?|上面写的?是|上面寫的?是|上面写着|上面寫著|铭牌上写的?是|銘牌上寫的?是|就是)\s*`)

var extModelAnswerRe = regexp.MustCompile(`(?i)^(?:型号|型號|model|是|is|:|\s)*([A-Za-z0-9][A-Za-z0-9 ._/+()-]{1,39})$`)

// extNameSurnameRe reads "我姓罗，罗志勇" / "我姓罗叫罗志勇": the full name repeats the surname.
// extSurnameOnlyRe reads the polite "免贵姓张" / "我姓张" / "敝姓張".
var extSurnameOnlyRe = regexp.MustCompile(`(?:免贵|免貴|敝|我|本人)\s*姓\s*(\p{Han}{1,2}?)(?:[^\p{Han}]|$|叫|名|的|先生|女士|小姐|，|。)`)

var extNameSurnameRe = regexp.MustCompile(`我姓(\p{Han})[^\p{Han}]{0,3}(?:叫|名叫|全名)?\s*(\p{Han}{2,3})`)

func extFindName(s string) string {
	if m := extNameSurnameRe.FindStringSubmatch(s); m != nil && strings.HasPrefix(m[2], m[1]) {
		return extCutNameTail(m[2])
	}
	if m := extSurnameOnlyRe.FindStringSubmatch(s); m != nil && extSurnames[m[1]] {
		// "免贵姓张": the surname is all the customer offers; with a title
		// right after it ("姓张，张先生") the title form is kept.
		if t := extNameTitleRe.FindStringSubmatch(s[len(m[0]):]); t != nil && strings.HasSuffix(t[1], m[1]) {
			return m[1] + t[2]
		}
		return m[1]
	}
	if m := extNameFixRe.FindStringSubmatch(s); m != nil {
		if n := extCutNameTail(m[1]); !extNotNames[n] {
			return n
		}
	}
	if m := extNameNotRe.FindStringSubmatch(s); m != nil && extHasSurname(m[1]) && extHasSurname(m[2]) {
		return m[2]
	}
	if m := extNameLabelRe.FindStringSubmatch(s); m != nil {
		v := strings.TrimSpace(m[1])
		if utf8.RuneCountInString(v) > 0 && unicode.Is(unicode.Han, []rune(v)[0]) {
			// "名字写错了" is not a name: without a colon, only surname-led words.
			if n := extCutNameTail(v); !extNotNames[n] && (extHasSurname(n) || strings.Contains(m[0], ":")) {
				return n
			}
		} else if n := extEnName(strings.Fields(v), false); n != "" {
			return n
		}
	}
	if m := extNameCallRe.FindStringSubmatch(s); m != nil {
		if n := extCutNameTail(m[1]); !extNotNames[n] && !strings.ContainsAny(n[:3], "了过過你他她它") {
			return n
		}
	}
	if m := extNameIAmRe.FindStringSubmatch(s); m != nil {
		// Only short, surname-led words: "我是你们的老客户" is not a name.
		n := m[1]
		if (utf8.RuneCountInString(n) <= 3 || extSurnames[string([]rune(n)[:2])]) && extHasSurname(n) && !extNotNames[n] && !strings.ContainsAny(n, "的人们們") {
			return n
		}
	}
	for _, idx := range extNameTitleRe.FindAllStringSubmatchIndex(s, -1) {
		sur := s[idx[2]:idx[3]]
		if !extSurnames[sur] {
			// Two Han before 先生: keep only the last one when it is a surname.
			rs := []rune(sur)
			sur = string(rs[len(rs)-1])
			if !extSurnames[sur] {
				continue
			}
		}
		return sur + s[idx[4]:idx[5]]
	}
	if m := extNameMyRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), false); n != "" {
			return n
		}
	}
	for _, m := range extNameIntroRe.FindAllStringSubmatch(s, -1) {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	if m := extNameMrRe.FindString(s); m != "" {
		return m
	}
	if m := extSignOffRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	// A role before a name: "manager Mike Chen", "店长李娜".
	if m := extNameRoleEnRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	if m := extNameRoleZhRe.FindStringSubmatch(s); m != nil && extHasSurname(m[1]) && !extNotNames[m[1]] {
		return m[1]
	}
	return ""
}

var (
	extNameRoleEnRe = regexp.MustCompile(`\b(?i:store manager|general manager|manager|owner|director|supervisor|head chef|contact person|contact)[:\s]+([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})`)
	extNameRoleZhRe = regexp.MustCompile(`(?:店长|店長|经理|經理|老板|老闆|负责人|負責人|主管|厂长|廠長)(?:是|叫)?\s*(\p{Han}{2,3})`)
)

var (
	extCoVenueEnRe = regexp.MustCompile(`\b((?:[A-Z][\w&'.-]*\s+){1,4}(?:Restaurant|Hotel|Cafe|Café|Store|Shop|Clinic|Hospital|Factory|Bakery|Bar|Supermarket|Market|School|Gym|Salon|Studio|Pharmacy|Canteen|Diner))\b`)
	extCoVenueZhRe = regexp.MustCompile(`(?:我们是|我們是|我是|这里是|這裡是|来自|來自)\s*([\p{Han}A-Za-z0-9]{2,12}?(?:分店|店|餐厅|餐廳|饭店|飯店|酒店|超市|医院|醫院|学校|學校|诊所|診所|药店|藥店|食堂))`)
)

// extSignOffRe reads the name under an email's sign-off ("Thanks,\nLaura Chen").
var extSignOffRe = regexp.MustCompile(`(?:^|[\n.!,;]\s*)(?i:many thanks|thanks again|thanks|thank you|best regards|kind regards|warm regards|regards|best wishes|best|cheers|sincerely|yours sincerely|yours truly|yours)[\s,.!]*[-–—~]*\s*([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})[\s.!]*$`)
