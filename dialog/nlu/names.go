package nlu

// The customer's name.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// extSurnames holds common Chinese surnames (simplified and traditional); a
// bare "我是XX" is only a name when it starts with one.
var extSurnames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武储儲洪赖賴傅阎閻冼谌諶鄢晋晉荆荊裘庾蔺藺屠尉郁鄂阙闕晁阚闞匡逯郦酈燕戈丘练練钮鈕戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺" {
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
	// Brands that start like a name.
	"方太": true, "华帝": true, "華帝": true, "万和": true, "萬和": true, "万家乐": true, "萬家樂": true,
	"苏泊尔": true, "蘇泊爾": true, "史密斯": true, "林内": true, "林內": true, "长虹": true, "長虹": true,
	"康佳": true, "海信": true, "华凌": true, "華凌": true, "荣事达": true, "榮事達": true, "容声": true,
	"容聲": true, "松下": true, "东芝": true, "東芝": true, "戴森": true, "雷蛇": true, "罗技": true,
	"羅技": true, "惠普": true, "戴尔": true, "戴爾": true, "华硕": true, "華碩": true, "荣耀": true,
	"榮耀": true, "魅族": true, "联想": true, "聯想": true, "格兰仕": true, "格蘭仕": true, "卡萨帝": true,
	"米家": true, "云鲸": true, "雲鯨": true, "司南": true, "万家": true, "萬家": true, "京东": true, "京東": true,
}

var (
	extNameCallRe    = mustRx(`(?:我叫|我的名字是|我的名字叫|我名字叫|名字叫|本人叫)\s*(\p{Han}{2,4})`)
	extNameCallOneRe = mustRx(`(?:我叫|本人叫)\s*(\p{Han})\s*(?:[,.;!?。，！？\s]|$)`)
	extNameIAmRe     = mustRx(`我是\s*(\p{Han}{2,4})\s*(?:[,.;!?。、\s]|$)`)
	extNameLabelRe   = mustRx(`(?i)(?:姓名|名字|联系人|聯繫人|聯絡人|联络人|客户名|客戶名|称呼|稱呼|收件人|收货人|收貨人|经办人|經辦人)\s*(?:是|为|為|:)?\s*(\p{Han}{1,4}|[A-Za-z][A-Za-z .'-]{1,40})`)
	extNameFixRe     = mustRx(`(?:名字|姓名|名)[^,;。]{0,6}(?:写错|寫錯|错了|錯了|不对|不對)[^,;。]{0,3}[,;]?\s*(?:是|应该是|應該是|叫)\s*(\p{Han}{2,4})`)
	extNameNotRe     = mustRx(`不是(\p{Han}{2,4})[,;]\s*(?:是|而是)\s*(\p{Han}{2,4})\s*(?:[,.;!?。]|$)`)
	extNameTitleRe   = mustRx(`(\p{Han}{1,2})(先生|女士|小姐)`)
	extNameMyRe      = mustRx(`(?i)\b(?:my name is|my name's|name's|name is|name\s*:|ask for|asking for)\s*((?:encik |puan |cik |tuan |pak |bu )?(?:[a-z][a-z'-]*)(?:\s+[a-z][a-z'-]*){0,3})`)
	extNameIntroRe   = mustRx(`\b(?:[Tt]his is|I'm|I am|[Ii]t's)\s+((?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-zA-Z'-]+\b(?:[ \t]+[A-Z][a-zA-Z'-]+\b){0,2})`)
	// A title and a name: "Mr. Wang", "Mrs Helen Bradshaw" (the title is
	// kept only with a surname alone, as the way to address them).
	extNameMrRe = mustRx(`\b(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+[A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2}`)
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
	for i, w := range words {
		if i == 0 && len(words) > 1 && extLatinTitle.MatchString(w+" ") {
			continue // "I am Mr. Zhou": the surname is the name
		}
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
var extFirstGroup = mustRx(`^(?:\+?0{0,2}86[\s-]?\(0\)\s*)?\D*(\d+)`)

// extModelLead is the talk before a model answer: "it's a DW-60M2", "好像是…".
var extModelLead = mustRx(`(?i)^(?:(?:i think|i believe|maybe|probably)\s+)?(?:it'?s|it is|its|that'?s|this is|the model is|model is|model number is|model no\.? is|the number is)\s+(?:an?\s+|the\s+)?|^(?:好像是|应该是|應該是|大概是|可能是|我看了一?下[,，]?是?|上面写的?是|上面寫的?是|上面写着|上面寫著|铭牌上写的?是|銘牌上寫的?是|就是)\s*`)

var extModelAnswerRe = mustRx(`(?i)^(?:型号|型號|model|是|is|:|\s)*([A-Za-z0-9][A-Za-z0-9 ._/+()-]{1,39})$`)

// extNameSurnameRe reads "我姓罗，罗志勇" / "我姓罗叫罗志勇" / "姓刘 刘桂芳": the full name repeats the surname.
// extSurnameOnlyRe reads the polite "免贵姓张" / "我姓张" / "敝姓張".
var extSurnameOnlyRe = mustRx(`(?:免贵|免貴|敝|我|本人)\s*姓\s*(\p{Han}{1,2}?)(?:[^\p{Han}]|$|叫|名|的|先生|女士|小姐|，|。)`)

var extNameSurnameRe = mustRx(`(?:^|[^\p{Han}]|我|本人|免贵|免貴|敝)姓(\p{Han})[^\p{Han}]{0,3}(?:叫|名叫|全名)?\s*(\p{Han}{2,3})`)

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
	if m := extNameLabelRe.FindStringSubmatchIndex(s); m != nil && !extOtherNameLabel(s, m[0]) {
		v := strings.TrimSpace(s[m[2]:m[3]])
		label := s[m[0]:m[1]]
		if utf8.RuneCountInString(v) > 0 && unicode.Is(unicode.Han, []rune(v)[0]) {
			if f := strings.Fields(s[m[2]:]); extHanRoleRe.MatchString(f[0]) {
				// "联系人：护士长 梁晓燕": the title comes first, the name after it.
				if n := extPersonAfterRoles(s[m[2]:]); n != "" {
					return n
				}
			}
			// "名字写错了" is not a name: without a colon, only surname-led words.
			if n := extCutNameTail(v); !extNotNames[n] && !extHanRoleRe.MatchString(n) && (extHasSurname(n) || strings.Contains(label, ":")) {
				return n
			}
		} else if n := extEnName(strings.Fields(v), false); n != "" {
			return n
		}
	}
	if m := extNameCallOneRe.FindStringSubmatch(s); m != nil && extSurnames[m[1]] {
		return m[1] // "我叫严": the surname is all they give
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
	if n := extNameCue(s); n != "" {
		return n
	}
	if n := extSurnameAt(s); n != "" {
		return n
	}
	if n, _ := extSignature(s); n != "" {
		return n
	}
	if n := extNameByMask(s); n != "" {
		return n
	}
	if n := extSigLine(s); n != "" {
		return n
	}
	if m := extDashSignRe.FindStringSubmatch(s); m != nil {
		if n, _ := extSigHan(m[1]); n != "" {
			return n
		}
		if n := extLatinPerson(m[1], true); n != "" {
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
		ws := strings.Fields(strings.TrimSpace(extLatinTitle.ReplaceAllString(m[1], "")))
		if len(ws) > 0 && !extNotAskFor[strings.ToLower(ws[0])] {
			if n := extEnName(ws, false); n != "" {
				return n
			}
		}
	}
	for _, m := range extNameIntroRe.FindAllStringSubmatch(s, -1) {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	if m := extNameMrRe.FindString(s); m != "" {
		if n := extLatinPerson(m, false); n != "" {
			return n
		}
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
	extNameRoleEnRe = mustRx(`\b(?i:store manager|general manager|manager|owner|director|supervisor|head chef|contact person|contact)[: \t]+([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})`)
	extNameRoleZhRe = mustRx(`(?:店长|店長|经理|經理|老板|老闆|负责人|負責人|主管|厂长|廠長)(?:是|叫)?\s*(\p{Han}{2,3})`)
)

// extSignOffRe reads the name under an email's sign-off ("Thanks,\nLaura Chen").
var extSignOffRe = mustRx(`(?:^|[\n.!,;]\s*)(?i:many thanks|thanks again|thanks|thank you|best regards|kind regards|warm regards|regards|best wishes|best|cheers|sincerely|yours sincerely|yours truly|yours)[\s,.!]*[-–—~]*\s*([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})[\s.!]*$`)

// ---------------------------------------------------------------------------
// What a person's name looks like, and where customers put it: in a
// signature, beside their phone number, after 姓/找/叫我.

// extNameStop are words that start with a surname character but are not
// names; a bare reply or a signature line made of one is not a name.
var extNameStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`谢谢 謝謝 麻烦 麻煩 申请 申請 费用 費用 付款 付费 付費 付钱 付錢 关机 關機 关闭 關閉 关门 關門
		关于 關於 安装 安裝 安排 安全 安卓 解决 解決 解释 解釋 查询 查詢 查看 查到 顾客 顧客 颜色 顏色 孙子 孫子
		马桶 馬桶 马达 馬達 马上 馬上 许多 許多 许可 許可 冷气 冷氣 冷藏 冷冻 冷凍 冷水 蓝牙 藍牙 蓝色 藍色 沙发 沙發
		阳台 陽台 凌晨 焦味 辛苦 常常 常用 温度 溫度 温水 溫水 高温 高溫 高压 高壓 周末 周边 周邊 周围 周圍 周期
		方便 方法 方式 方面 方案 方向 白天 白色 黄色 黃色 金额 金額 金属 金屬 程序 程度 任何 任务 任務 余额 餘額
		范围 範圍 夏天 夏季 毛病 毛刺 包装 包裝 包裹 包括 包邮 包郵 单位 單位 单号 單號 明天 明白 明显 明顯 明年
		严重 嚴重 简单 簡單 连接 連接 连续 連續 路由 房间 房間 房子 车子 車子 司机 司機 师傅 師傅 应该 應該 游戏 遊戲
		全部 全新 全都 全是 成功 成本 管理 卫生 衛生 商家 商品 商场 商場 项目 項目 季度 边上 邊上 边缘 邊緣 龙头 龍頭
		葛优 万一 萬一 钱包 錢包 曾经 曾經 于是 於是 陆续 陸續 石头 石頭 文件 文字 康复 康復 易坏 易壞 施工 舒服
		快点 快點 打错 打錯 补充 補充 尤其 齐全 齊全 宁可 寧可 华为 華為 苏宁 蘇寧 小米 小孩 小区 小區 小时 小時
		老人 老婆 老公 老板 老闆 老师 老師 老家 老化 老是 阿姨 阿婆 阿公 阿伯 阿叔 阿嬷 阿嬤 左右 左边 左邊 上下 前后 前後`) {
		m[w] = true
	}
	return m
}()

// extHanTitles are how a person is called after the surname: 王先生, 陈太,
// 李生, 王工, 刘老师, 毛师傅, 王主管.
var extHanTitles = []string{"先生", "女士", "小姐", "太太", "老师", "老師", "师傅", "師傅", "经理", "經理", "主管",
	"主任", "医生", "醫生", "护士长", "護士長", "工", "总", "總", "姐", "哥", "生", "太", "伯", "叔", "姨"}

// extNameBadRunes never occur in a name: function words and particles.
const extNameBadRunes = "的了是在有不没沒么麼吗嗎呢吧啊呀个個这這那们們我你他她它和与與及或就都也还還再又很把被给給对對说說去来來用买買到下掉过過着著修换換退坏壞请請想要"

// extHanPerson returns tok when it is a Chinese way of naming a person: a
// surname-led name (张伟, 欧阳娜娜), 小X/老X/阿X, a surname with a title
// (王先生, 陈太, 王工). A lone surname counts only when alone is set (a
// reply or a line of its own).
func extHanPerson(tok string, alone bool) string {
	rs := []rune(tok)
	n := len(rs)
	if n == 0 || n > 5 || extNameStop[tok] || extNotNames[tok] || bareNameStop[tok] {
		return ""
	}
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return ""
		}
	}
	if n == 2 && (rs[0] == '小' || rs[0] == '老') && extSurnames[string(rs[1])] {
		return tok
	}
	if n == 2 && rs[0] == '阿' && !strings.ContainsRune(extNameBadRunes, rs[1]) {
		return tok
	}
	for _, t := range extHanTitles {
		if sur, ok := strings.CutSuffix(tok, t); ok && sur != "" && extSurnames[sur] {
			return tok
		}
	}
	if strings.ContainsAny(tok, extNameBadRunes) {
		return ""
	}
	switch {
	case n == 1:
		if alone && extSurnames[tok] {
			return tok
		}
	case n <= 3 && extSurnames[string(rs[0])]:
		return tok
	case n >= 3 && n <= 4 && extSurnames[string(rs[:2])]:
		return tok
	}
	return ""
}

// extLatinStop are English words that are never part of a person's name
// in a signature or beside a phone number: titles, departments, places,
// mail furniture.
var extLatinStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`manager coordinator administrator officer engineer designer director executive
		assistant owner founder ceo cto cfo coo head lead team department dept support services service sales operations
		accounts accountant procurement purchasing it hr admin student teacher principal nurse doctor chef receptionist
		technician secretary supervisor consultant analyst developer partner president vice senior junior chief
		ltd inc llc co corp company group school clinic hospital hotel resort restaurant cafe café bakery shop store
		studio office street st road rd avenue ave lane close drive floor unit suite flat block blk building estate
		sent iphone ipad android outlook samsung galaxy mobile phone tel cell email e-mail subject order invoice
		hi hello hey dear regards thanks thank cheers best sincerely faithfully yours kind warm wishes
		vic nsw qld wa sa nt act uk usa us sg hk ps attached photos pictures photo picture pls please asap urgent
		tomorrow today tonight morning evening afternoon later soon now here there ok okay yes no not nobody
		was were is are be been hurt am pm we're i'm it's its im ur u via www com net org
		thx ty tks pls plz yep yeah yup nope sorry wrong number right correct done fine great cool`) {
		m[w] = true
	}
	return m
}()

// extLatinParticles are lower-case words inside names: "Jessa Mae dela Cruz".
var extLatinParticles = map[string]bool{"de": true, "da": true, "del": true, "dela": true, "van": true,
	"von": true, "der": true, "den": true, "bin": true, "binti": true, "al": true, "la": true, "le": true,
	"di": true, "du": true, "dos": true, "das": true, "ten": true, "ter": true}

// extNotAskFor are words after "ask for" that are no name ("ask for me").
var extNotAskFor = map[string]bool{"me": true, "him": true, "her": true, "them": true, "us": true,
	"someone": true, "somebody": true, "anyone": true, "the": true, "a": true, "an": true, "my": true, "our": true}

// extLatinTitle is a title before an English name; the name is kept
// without it.
var extLatinTitle = mustRx(`^(?i:mr|mrs|ms|miss|mx|dr|dra|prof|sr|sra|srta|herr|frau|mme|mlle|mons|encik|puan|cik|tuan|dato|datuk|pak|bu|ibu|bapak)\.?\s+|\s*\((?i:mr|mrs|ms|miss|dr)\.?\)$`)

// extLatinPerson returns line as a person's name when it is one to four
// capitalised words (initials and particles allowed) with nothing that is
// not a name; one word only when single is set.
func extLatinPerson(line string, single bool) string {
	line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), ",.;:!"))
	line = strings.TrimSpace(extLatinTitle.ReplaceAllString(line, ""))
	words := strings.Fields(line)
	if len(words) == 0 || len(words) > 4 || len(words) == 1 && !single {
		return ""
	}
	for i, w := range words {
		rs := []rune(w)
		lw := strings.ToLower(strings.TrimRight(w, "."))
		if extLatinStop[lw] || extEnNotName[lw] || extIsCompanySuffix(w) {
			return ""
		}
		for _, r := range rs {
			if !unicode.IsLetter(r) && !strings.ContainsRune(".'-", r) || unicode.Is(unicode.Han, r) {
				return ""
			}
		}
		if !unicode.IsLetter(rs[0]) {
			return ""
		}
		if !unicode.IsUpper(rs[0]) && !(i > 0 && extLatinParticles[lw]) {
			return ""
		}
		if strings.HasSuffix(w, ".") && len(rs) > 3 {
			return "" // "K." and "Ma." are initials; "Thanks." is a sentence
		}
	}
	if v := strings.Join(words, " "); strings.ToUpper(v) != v {
		return v
	}
	return extTitleCase(strings.Join(words, " ")) // "JOHN SMITH" is John Smith
}

// extSignOffLine is a closing line of a message: "Regards,", "谢谢！", "此致".
var extSignOffLine = mustRx(`(?i)^(?:(?:many|best|kind|kindest|warm|warmest|warmly|with kind|with best|with many|with|all the|thanks and|thanks &)?\s*(?:thanks|thank you|regards|wishes|cheers|sincerely|best)(?:\s+(?:again|in advance|so much|very much|for your help|and regards))?|yours(?:\s+(?:sincerely|faithfully|truly))?|sincerely yours|respectfully(?:\s+yours)?|thanking you|best|cheers|warmly|take care|br|rgds|thx|谢谢|謝謝|谢谢你们|謝謝你們|谢谢您|謝謝您|多谢|多謝|感谢|感謝|此致|此致敬礼|此致敬禮|敬礼|敬禮|顺颂商祺|順頌商祺|顺祝商祺|順祝商祺|祝好|盼复|盼覆|敬上|唔该晒|唔該晒|唔该|唔該|麻烦了|麻煩了|辛苦了)[\s,.!！，。~～]*$`)

// extTitleCase capitalises each word of an English name ("laura chen",
// "LAURA CHEN" → "Laura Chen"); particles stay in lower case.
func extTitleCase(v string) string {
	words := strings.Fields(v)
	for i, w := range words {
		if i > 0 && extLatinParticles[strings.ToLower(w)] {
			words[i] = strings.ToLower(w)
			continue
		}
		words[i] = extCapitalize(w)
	}
	return strings.Join(words, " ")
}

// extSigDash is a name signed after a dash: "——张伟", "-- Tom".
var extSigDash = mustRx(`^(?:——|—|--|-|~)\s*(\S.*)$`)

// extDashSignRe is a name signed after a dash at the end of a message:
// "麻烦尽快处理，谢谢——张伟", "Thanks -- Tom".
var extDashSignRe = mustRx(`(?:——|—|--)[ \t]*([^\s—-][^\n—]{0,30}?)[ \t.。!！]*$`)

// extSigParen drops a remark in brackets on a signature line:
// "林俊傑（兒子）", "蔡美玲(護理長)".
var extSigParen = mustRx(`[(（][^()（）]{1,12}[)）]`)

// extHanRoleRe is a department or a job title on a signature line.
var extHanRoleRe = mustRx(`^\p{Han}{0,8}(?:部|科|课|課|处|處|室|组|組|办|辦|中心|部门|部門|行政|采购|採購|总务|總務|教务|教務|财务|財務|会计|會計|人事|前台|店长|店長|经理|經理|主管|主任|总监|總監|老板|老闆|负责人|負責人|护士长|護士長|护理长|護理長|护理师|護理師|护士|護士|医生|醫生|医师|醫師|园长|園長|校长|校長|厂长|廠長|助理|秘书|秘書|工程师|工程師|技术员|技術員|后勤|後勤|客服|专员|專員|文员|文員|出纳|出納|老师|老師|职员|職員|员工|員工|厨师长|廚師長|主厨|主廚|领班|領班|班长|班長|组长|組長|店主|掌柜|掌櫃|老板娘|老闆娘|合伙人|合夥人|董事长|董事長|店员|店員|收银|收銀|仓管|倉管|库管|庫管|设备|設備|联系人|聯繫人|聯絡人|收件人|收货人|收貨人|经办人|經辦人|的)$`)

// extHanPlaceRe is a place on a signature line: "台北市", "新竹東區".
var extHanPlaceRe = mustRx(`^\p{Han}{1,8}(?:省|市|区|區|县|縣|镇|鎮|乡|鄉|村|路|街|道)$`)

// extSigHan reads a Chinese signature line: a name alone ("邱怡君", "褚"),
// or with a department, a title, a place or the organisation
// ("宏信聯合會計師事務所 行政 邱怡君", "店長 洪佩如", "台北市 錢淑芬").
// It returns the name and the organisation named on the line.
func extSigHan(line string) (name, org string) {
	line = extSigParen.ReplaceAllString(line, " ")
	toks := strings.FieldsFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、|/:：;；", r)
	})
	if len(toks) == 0 || len(toks) > 4 {
		return "", ""
	}
	for i, t := range toks {
		isOrg := extOrgLike(t)
		role := !isOrg && (extHanRoleRe.MatchString(t) || extHanPlaceRe.MatchString(t))
		switch {
		case !isOrg && name == "" && extHanPerson(t, true) != "" && (!role || extTitled(t)):
			name = t
		case isOrg && org == "":
			org = t
		case name == "" && extRoleThenPerson(t) != "":
			name = extRoleThenPerson(t) // "采购王主管"
		case role || isOrg:
			// A department, a title, a place, a branch ("龙泉店").
		case i == 0 && len(toks) >= 3:
			// First comes the organisation, whatever its name looks like:
			// "湘味小厨 厨师长 汤".
		default:
			return "", ""
		}
	}
	return name, org
}

// extPersonAfterRoles reads the words at the start of s, up to the end of
// its clause: departments and titles are skipped ("园长办公室 孙老师",
// "护士长 梁晓燕"), and the first word that names a person is returned.
func extPersonAfterRoles(s string) string {
	if i := strings.IndexAny(s, ",，。;；\n"); i >= 0 {
		s = s[:i]
	}
	for _, t := range strings.Fields(s) {
		switch {
		case extHanPerson(t, false) != "" && !extHanRoleRe.MatchString(t) || extTitled(t):
			return t
		case extRoleThenPerson(t) != "":
			return extRoleThenPerson(t)
		case !extHanRoleRe.MatchString(t):
			return ""
		}
	}
	return ""
}

// extRoleThenPerson splits "采购王主管", "行政小吴" into the role and the
// way the person is called, and returns the latter.
func extRoleThenPerson(t string) string {
	rs := []rune(t)
	for i := 2; i <= len(rs)-2; i++ {
		if rest := string(rs[i:]); extTitled(rest) && extHanRoleRe.MatchString(string(rs[:i])) {
			return rest
		}
	}
	return ""
}

// extSigLatin reads an English signature line: the name, or the name with
// a title after a comma ("Nok, Sabai Sabai Hostel" is read elsewhere).
func extSigLatin(line string, single bool) string {
	if extHasHan(line) || extHasDigit.MatchString(line) {
		return ""
	}
	return extLatinPerson(line, single)
}

// extSignature reads the closing block of a message written as a mail or
// a note: the short lines after the body (a sign-off, the name, a title,
// the organisation, a phone number), and returns the name and the
// organisation it gives. A message of one line has no signature.
func extSignature(s string) (name, org string) {
	if !strings.Contains(s, "\n") {
		return "", ""
	}
	lines := extMailOwnLines(strings.Split(s, "\n"))
	// Walk back over the short lines at the end.
	start, seen, contact := len(lines), 0, false
	for i := len(lines) - 1; i >= 0 && seen < 8; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			if len(lines[i]) >= 7 {
				contact = true // a phone number or an address, masked
			}
			start = i
			continue
		}
		if extBodyLine(l) || extSignOffLine.MatchString(l) {
			if extSignOffLine.MatchString(l) {
				start = i
			}
			break
		}
		if extContactLabel.MatchString(l) {
			contact = true
		}
		start = i
		seen++
	}
	if seen == 0 || start == 0 && !contact {
		return "", "" // all of it is short lines: a chat message, not a mail
	}
	// An English name alone on a line needs something that makes the
	// block a signature: a sign-off above it, or contact details, a title
	// or the organisation below it ("…please help.\nSony Bravia" is none).
	later := func(i int) bool {
		for _, l := range lines[i+1:] {
			t := strings.TrimSpace(l)
			if t == "" && len(l) >= 7 || t != "" && (extContactLabel.MatchString(t) || extHasDigit.MatchString(t) ||
				strings.Contains(t, "@") || extEnOrgLike(t) || extLatinRole(t)) {
				return true
			}
		}
		return false
	}
	afterSignOff, signedOff := false, false
	for i := start; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if extSignOffLine.MatchString(l) {
			afterSignOff, signedOff = true, true
			continue
		}
		if m := extSigDash.FindStringSubmatch(l); m != nil {
			l = m[1]
			afterSignOff = true
		}
		l = extDropCredentials(l)
		l = extSigClosing.ReplaceAllString(l, "") // "黃志明 敬上"
		n, o := extSigHan(l)
		if n == "" && !extEnOrgLike(l) {
			// A one-word English name only right after the sign-off, and a
			// fuller one further down wins ("Thanks,\nTom\n\nTom Gallagher").
			if signedOff || later(i) {
				n = extSigLatin(l, afterSignOff)
			} else if i > 0 && strings.TrimSpace(lines[i-1]) == "" && extGivenNameLead(l) {
				// A full name alone under the last paragraph: "…after that.\n\nPeter Lang".
				n = extSigLatin(l, false)
			}
			if n == "" && afterSignOff && !extHasHan(l) && !extHasDigit.MatchString(l) {
				// Written in lower case right under the sign-off: "thanks\nlaura chen".
				n = extLatinPerson(extTitleCase(l), true)
			}
		}
		if o == "" && !extHasHan(l) {
			// "IT Coordinator | Coastline Physio Group", "St. Paul's
			// School, Coimbatore": the part that names the organisation.
			for _, part := range strings.FieldsFunc(l, func(r rune) bool { return r == ',' || r == '|' }) {
				if part = strings.TrimSpace(part); extEnOrgLike(part) {
					o = part
					break
				}
			}
		}
		if org == "" && o != "" {
			org = o
		}
		if n == "" {
			continue
		}
		if name == "" || !strings.Contains(name, " ") && strings.HasPrefix(n, name+" ") {
			name = n
		}
		afterSignOff = false
	}
	return name, org
}

// extSigClosing is the closing a Chinese letter writes after the name.
var extSigClosing = mustRx(`\s*(?:敬上|谨上|謹上|敬启|敬啟|拜上|顿首|頓首|敬呈|谨启|謹啟)[\s。.]*$`)

// extDropCredentials drops letters after a name: "Dr. Priya Raman, PT, DPT".
func extDropCredentials(l string) string {
	i := strings.IndexByte(l, ',')
	if i <= 0 {
		return l
	}
	for _, w := range strings.Split(l[i+1:], ",") {
		w = strings.TrimSpace(strings.Trim(w, "."))
		if w == "" || len(w) > 5 || strings.ToUpper(w) != w && w != "PhD" && w != "MSc" && w != "BSc" {
			return l
		}
	}
	return l[:i]
}

// extMailOwnLines drops what the writer did not write under their own
// name: a forwarded or quoted message and everything after it, and a legal
// notice at the end. The signature of the writer is above them.
func extMailOwnLines(lines []string) []string {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if extQuoteStart.MatchString(t) || strings.HasPrefix(t, ">") {
			lines = lines[:i]
			break
		}
	}
	// A notice is the last paragraph, and long.
	for end := len(lines); end > 0; {
		start := end - 1
		for start > 0 && strings.TrimSpace(lines[start-1]) != "" {
			start--
		}
		para := strings.Join(lines[start:end], " ")
		if strings.TrimSpace(para) == "" {
			end = start
			continue
		}
		if !extNoticeRe.MatchString(para) {
			break
		}
		lines = lines[:start]
		end = start
	}
	return lines
}

// extQuoteStart opens a forwarded or quoted message.
var extQuoteStart = mustRx(`(?i)^(?:-{2,}\s*(?:original message|forwarded message|forwarded by)|begin forwarded message|on .{4,80} wrote:$|-{3,}\s*原始邮件|-{3,}\s*原始郵件|-{3,}\s*转发的邮件|-{3,}\s*轉寄的郵件|sent from my (?:iphone|ipad|android|samsung|huawei|phone))`)

// extNoticeRe is a legal notice under a mail.
var extNoticeRe = mustRx(`(?i)confidential|intended (?:solely|only) for|if you (?:have )?received (?:this|it) in error|disclaimer|privileged|免责声明|免責聲明|保密|机密|機密`)

// extBodyLine reports whether a line belongs to the body of a message,
// not to its closing block: a long line, or a sentence. Address lines are
// long but are not sentences.
func extBodyLine(l string) bool {
	n := utf8.RuneCountInString(l)
	if n > 90 {
		return true
	}
	if n <= 24 {
		return false
	}
	if extHasHan(l) {
		r, _ := utf8.DecodeLastRuneInString(l)
		return n > 40 || strings.ContainsRune("。！？!?", r)
	}
	// English: a sentence has words in lower case ("We need an engineer
	// today."); a company line does not ("Vedanta Softech Pvt. Ltd.").
	lower := 0
	for _, w := range strings.Fields(l) {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			lower++
		}
	}
	r, _ := utf8.DecodeLastRuneInString(l)
	return lower >= 2 && strings.ContainsRune(".!?", r)
}

// extMaskRun is an identifier blanked out of the working text (a phone
// number, an email address, a date).
var extMaskRun = mustRx(`[ ]{7,}`)

// extNameByMask reads a name written right after or right before a phone
// number at the end of a message: "…尽快安排师傅 15607312290 老范",
// "麦香坊 周立新 18907313356", "Call me: +1 646 555 0192. Diane Whitaker",
// "Hannah, 07491 203 554, we're in Bristol". The number itself was blanked
// out before names are looked for.
func extNameByMask(s string) string {
	locs := extMaskRun.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return ""
	}
	n := extNameByMaskAt(s, locs[len(locs)-1])
	// "Gwen Pritchard, +44 7700 900703. bought it on the 3rd": the number
	// is not the last thing blanked; a full name right before an earlier
	// one still counts.
	for i := len(locs) - 2; n == "" && i >= 0 && i >= len(locs)-3; i-- {
		head := strings.TrimRight(s[:locs[i][0]], " ,-–")
		line := head[strings.LastIndexAny(head, "\n.;!?")+1:]
		if m := extMaskRun.FindAllStringIndex(line, -1); len(m) > 0 {
			line = line[m[len(m)-1][1]:]
		}
		if c := extLatinPerson(strings.TrimSpace(line), false); c != "" && !extEnOrgLike(c) {
			n = c
		}
	}
	return n
}

// extNameByMaskAt is extNameByMask for the blanked run at last.
func extNameByMaskAt(s string, last []int) string {
	seps := func(r rune) bool { return strings.ContainsRune("\n,，;；。!！?？", r) }
	lone := ""
	if parts := strings.FieldsFunc(s[last[1]:], seps); len(parts) > 0 {
		raw := strings.TrimSpace(parts[0])
		// A single word only as the last thing said, set off from the
		// number: "…07700 900222, Ruth", "… (Tom)".
		single := len(parts) == 1 && (strings.HasPrefix(strings.TrimSpace(s[last[1]:]), ",") || strings.HasPrefix(raw, "("))
		tail := strings.TrimSpace(strings.Trim(raw, ".()（）"))
		if n, _ := extSigHan(tail); n != "" && extHasHan(tail) {
			return n
		}
		if f := strings.Fields(tail); len(f) > 1 {
			// "13580026651 杨 仓库在佛山": the name is the word right after.
			if n := extHanPerson(f[0], true); n != "" {
				return n
			}
		}
		if n := extLatinPerson(tail, false); n != "" {
			return n
		}
		// One word after the number may be a town ("…, Kochi"): a name
		// before the number comes first.
		lone = extLatinPerson(tail, single)
	}
	head := strings.TrimRight(s[:last[0]], " ")
	comma := strings.HasSuffix(head, ",") || strings.HasSuffix(head, "，")
	head = strings.TrimRight(head, " ,，.:：")
	if head == "" {
		return lone
	}
	chunk := head[strings.LastIndexFunc(head, func(r rune) bool { return seps(r) || strings.ContainsRune(".:：", r) })+1:]
	if chunk == "" {
		return lone
	}
	if extHasHan(chunk) {
		f := strings.Fields(chunk)
		if w := f[len(f)-1]; !extContactLabel.MatchString(w) {
			if n := extHanPerson(w, false); n != "" {
				return n
			}
		}
		return lone
	}
	// "Mei Wong, manager, Golden Lotus Restaurant, +65 …": the
	// organisation and the title stand between the name and the number.
	line := head[strings.LastIndexAny(head, "\n.:;!?")+1:]
	if m := extMaskRun.FindAllStringIndex(line, -1); len(m) > 0 {
		line = line[m[len(m)-1][1]:] // a blanked date ended the sentence before the name
	}
	parts := strings.Split(line, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		p := strings.TrimSpace(parts[i])
		if p == "" {
			continue
		}
		if extEnOrgLike(p) || extLatinRole(p) {
			comma = true
			continue
		}
		if n := extLatinPerson(p, comma); n != "" {
			return n
		}
		break
	}
	return lone
}

// extLatinRole reports whether every word of p is a title or a department
// ("manager", "Office Manager", "IT").
func extLatinRole(p string) bool {
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if !extLatinStop[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// extSurnameAt reads "姓X" anywhere it gives the customer's (or their
// contact's) surname: "电话…姓郭", "联系人姓王", "他姓徐", "我姓吳啦",
// "姓陈，陈太". Not in words about something else (百姓, 贵姓?, 同姓).
func extSurnameAt(s string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], "姓")
		if j < 0 {
			return ""
		}
		at := i + j
		i = at + len("姓")
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:at]); strings.ContainsRune("百贵貴同改哪啥什其免敝", r) {
				continue // "免贵姓" is read by extSurnameOnlyRe
			}
		}
		rest := strings.TrimLeft(s[i:], " ")
		for _, n := range []int{2, 1} {
			rs := []rune(rest)
			if len(rs) < n || !extSurnames[string(rs[:n])] {
				continue
			}
			sur, after := string(rs[:n]), string(rs[n:])
			for _, t := range extHanTitles[:12] {
				if strings.HasPrefix(after, t) {
					return sur + t
				}
			}
			if strings.HasPrefix(after, "，"+sur) || strings.HasPrefix(after, ","+sur) {
				// "姓陈，陈太": the title form is how they want to be called.
				if t := extNameTitleRe.FindStringSubmatch(after); t != nil && strings.HasSuffix(t[1], sur) {
					return sur + t[2]
				}
			}
			r, _ := utf8.DecodeRuneInString(after)
			if after == "" || !unicode.Is(unicode.Han, r) || strings.ContainsRune("啦啊呀哈哦喔的了呢嘛吧叫名，。住在是电電手联聯", r) {
				return sur
			}
		}
	}
}

var (
	// extCallMeRe is how the customer asks to be called: "叫我Kevin就行",
	// "收件写我毛师傅", "称呼我小王", "call me Dave".
	extCallMeRe = mustRx(`(?:叫我|称呼我|稱呼我|喊我|写我|寫我|我的全名是|我全名是|我全名叫|全名是|全名叫|全名:)\s*([A-Za-z][A-Za-z'-]*(?:\s+[A-Z][A-Za-z'-]*){0,2}|\p{Han}{1,4})|\b[Cc]all me\s+([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)\b`)
	// extAskForRe is who to ask for on the phone: "找周慧", "找教务处刘老师".
	extAskForRe = mustRx(`(?:^|[\s,，.。:：;；]|电话|電話|打|联系|聯繫|聯絡|就|请|請|可以)找\s*(?:\p{Han}{1,6}?(?:处|處|部|科|室|组|組|办|辦|中心))?\s*(\p{Han}{1,4}?|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?:就行|就可以|就好|即可|接|$|[\s,，.。!！;；])`)
	// extIAmRoleRe is "我是…的小吴", "我是学校办公室的徐敏", "我是店长 Vivian",
	// "我是「鲜果时光」水果店的采购王主管".
	extIAmRoleRe = mustRx(`我是\s*(?:[^,，。!！?？\n]{0,24}?的)?\s*(?:\p{Han}{0,6}(?:行政|采购|採購|总务|總務|教务|教務|财务|財務|会计|會計|前台|店长|店長|经理|經理|主管|主任|负责人|負責人|老板|老闆|后勤|後勤|客服|护士长|護士長|老师|老師|设备|設備|部|科|处|處|室)\s*)?(\p{Han}{1,4}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?:[\s,，.。!！?？;；:：]|$)`)
	// extRelNameRe is the name of the person the customer writes for:
	// "我妈妈叫刘秀英", "老人家叫张桂兰".
	extRelNameRe = mustRx(`(?:客户|客戶|顾客|顧客|妈妈|媽媽|我妈|我媽|老妈|老媽|母亲|母親|爸爸|我爸|老爸|父亲|父親|老公|老婆|爱人|愛人|婆婆|公公|岳父|岳母|奶奶|爷爷|爺爺|外婆|外公|儿子|兒子|女儿|女兒|老人家|家里老人|家裡老人|他|她)(?:的名字|的全名)?(?:叫|是)\s*(\p{Han}{2,4})`)
	// extNameWordRe is "name Li Na", "name: Li Na" in English chat.
	extNameWordRe = mustRx(`\b[Nn]ame\s*(?:is\s+|:\s*)?([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+){0,2})`)
)

// extCutHanName keeps the name at the start of v ("毛师傅就行" → "毛师傅",
// "周慧。" → "周慧"), trying the longest person-like prefix.
func extCutHanName(v string) string {
	rs := []rune(v)
	for n := min(len(rs), 4); n >= 1; n-- {
		if p := extHanPerson(string(rs[:n]), n == len(rs)); p != "" {
			return p
		}
	}
	return ""
}

// extNameCue reads a name said with one of the cues above.
func extNameCue(s string) string {
	if m := extCallMeRe.FindStringSubmatch(s); m != nil {
		v := m[1] + m[2]
		if extHasHan(v) {
			if n := extCutHanName(v); n != "" {
				return n
			}
		} else if n := extLatinPerson(v, true); n != "" {
			return extFullNameOf(s, n)
		}
	}
	if m := extAskForRe.FindStringSubmatch(s); m != nil && (!extHanRoleRe.MatchString(m[1]) || extTitled(m[1])) {
		if extHasHan(m[1]) {
			if n := extCutHanName(m[1]); n != "" && utf8.RuneCountInString(n) >= 2 {
				return n
			}
		} else if n := extLatinPerson(m[1], true); n != "" {
			return n
		}
	}
	for _, m := range extIAmRoleRe.FindAllStringSubmatch(s, -1) {
		v := m[1]
		if extHasHan(v) {
			// Only the forms that cannot be anything else: 小吴, 王主管,
			// a full name after "…的".
			n := extHanPerson(v, false)
			if n == "" || utf8.RuneCountInString(n) < 2 || !strings.Contains(m[0], "的") && !extTitled(n) {
				continue
			}
			return n
		}
		if n := extLatinPerson(v, true); n != "" && strings.TrimSpace(m[0]) != "我是"+v {
			return n
		}
	}
	if m := extRelNameRe.FindStringSubmatch(s); m != nil {
		if n := extHanPerson(extCutNameTail(m[1]), false); n != "" && !extTitled(n) {
			return n
		}
	}
	if m := extNameWordRe.FindStringSubmatch(s); m != nil {
		if n := extLatinPerson(m[1], true); n != "" {
			return n
		}
	}
	return ""
}

// extFullNameOf is the full name the customer also wrote for first, as in
// "叫我 Kevin 就好, Kevin Zhou"; else first.
func extFullNameOf(s, first string) string {
	if strings.Contains(first, " ") {
		return first
	}
	for i := 0; ; {
		j := strings.Index(s[i:], first+" ")
		if j < 0 {
			return first
		}
		at := i + j
		i = at + len(first)
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:at]); unicode.IsLetter(r) && r < utf8.RuneSelf {
				continue
			}
		}
		if m := extFullNameRe.FindString(s[at:]); m != "" {
			if n := extLatinPerson(m, true); strings.Contains(n, " ") {
				return n
			}
		}
	}
}

var extFullNameRe = mustRx(`^[A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){1,2}`)

// extTitled reports whether a Chinese name carries its form of address
// (小吴, 老范, 王主管, 陈太).
func extTitled(n string) bool {
	rs := []rune(n)
	if len(rs) == 2 && strings.ContainsRune("小老阿", rs[0]) {
		return true
	}
	for _, t := range extHanTitles {
		if sur, ok := strings.CutSuffix(n, t); ok && extSurnames[sur] {
			return true
		}
	}
	return false
}

// extOtherNameLabel reports whether the label at i names something else:
// "学校名字：…", "公司名字叫…" give an organisation's name, not a person's.
func extOtherNameLabel(s string, i int) bool {
	if !strings.HasPrefix(s[i:], "名字") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.Is(unicode.Han, r) && !strings.ContainsRune("的我你他她叫个個", r)
}

// extSigLine reads a message that is one signature line: the organisation
// or the department with the name, "宏达五金厂 车间主任 龚", "明星補習班
// 聯絡人 鄭雅文", with the phone number already blanked out.
func extSigLine(s string) string {
	line := strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "。.!！"))
	if line == "" || strings.Contains(line, "\n") || !extHasHan(line) {
		return ""
	}
	if len(strings.Fields(line)) < 2 {
		return ""
	}
	n, _ := extSigHan(line)
	return n
}

// loneNameRe is a lone capitalised word, how English speakers often give
// their first name ("Sophie", "Dan").
var loneNameRe = mustRx(`^[A-Z][a-z]{1,11}[.!]?$`)

// notLoneNames are lone capitalised words that are not names.
var notLoneNames = map[string]bool{"Yes": true, "No": true, "Ok": true, "Okay": true, "Thanks": true, "Hello": true,
	"Hi": true, "Hey": true, "Sure": true, "Fine": true, "Great": true, "Cool": true, "Done": true, "Nope": true,
	"Yep": true, "Yeah": true, "Confirm": true, "Correct": true, "Right": true, "Wrong": true, "Help": true,
	"Human": true, "Agent": true, "Repair": true, "Refund": true, "Return": true, "Exchange": true, "Replace": true,
	"Costco": true, "Amazon": true, "Walmart": true, "Today": true, "Yesterday": true, "Never": true, "Nothing": true,
	"None": true, "Unknown": true, "Sorry": true, "Please": true, "Cheers": true, "Bye": true, "Same": true}

// LoneFirstName reads a reply that is only a first name ("Sophie").
func LoneFirstName(text string) (string, bool) {
	t := strings.TrimSpace(text)
	name := strings.TrimRight(t, ".!")
	if !loneNameRe.MatchString(t) || notLoneNames[name] {
		return "", false
	}
	return name, true
}

// A first name signed at the end of a chat message: "- Tom", "thx. -Sneha",
// "Priya here", "sorry its Hannah", "0433 812 550 – Leanne".
var (
	signDashRe  = mustRx(`(?:^|[\s,.!])[-–—~]\s*([A-Z][a-z]{1,11})[.!]?\s*$`)
	signHereRe  = mustRx(`(?:^|[\s,.!])([A-Z][a-z]{1,11}) here\b`)
	signItsRe   = mustRx(`^(?i:sorry[,.]?\s+)?(?i:it'?s|its|this is)\s+([A-Z][a-z]{1,11})[.!]?$`)
	signAfterNo = mustRx(`\d[\s,]*[-–—,]?\s*([A-Z][a-z]{1,11})[.!]?\s*$`)
)

// signedFirstName reads a first name signed at the end of a message. The
// name must be a common given name, so "- Thanks" or "Sony here" is not.
func signedFirstName(text string) (string, bool) {
	t := strings.TrimSpace(text)
	for _, re := range []*rx{signDashRe, signItsRe, signAfterNo, signHereRe} {
		if m := re.FindStringSubmatch(t); m != nil && extGivenNames[strings.ToLower(m[1])] {
			return m[1], true
		}
	}
	return "", false
}
