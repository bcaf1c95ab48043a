package nlu

// Finding dates in customer text and resolving them against now, keeping
// how precisely each one is known.

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// extDefaultLocation is the customer zone when none is configured. Loading is
// done once because LoadLocation reads tzdata from disk on every call; the
// fixed +8 fallback keeps dates right on hosts without tzdata (China has no DST).
var extDefaultLocation = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
})

// dtPrec is how precisely a mention pins the time down. Only a day or a
// month is worth a field value: "去年" or "三年前" gives the year alone, and
// "前两天", "去年夏天" or "春节前" are vaguer than any month.
type dtPrec int8

const (
	dtDay   dtPrec = iota // YYYY-MM-DD
	dtMonth               // YYYY-MM
	dtYear                // the year only: no field value
	dtVague               // a time too loose for any field
)

// dtKind says what sort of time word a mention is; the roles need it.
type dtKind int8

const (
	dtPlain dtKind = iota
	// dtClock is a moment of today or last night ("今早", "刚才", "昨晚",
	// "an hour ago"): customers use it for when something happened.
	dtClock
	// dtNow is today named as a day ("今天", "today"): as often a deadline
	// ("今天能来吗") or a circumstance ("今天客人多") as a date.
	dtNow
	// dtBareDay is a day without its month ("3号", "the 3rd"); a month said
	// just before it ("上个月初，3号") is its month.
	dtBareDay
	// dtMoment is a weaker dtClock: a bare 刚, 早上 or "11点", which is
	// when the fault happened only in a message that speaks of one.
	dtMoment
)

// dtMention is one time expression found in a text, with its byte span. For
// a month, year or vague time, date is its first or a representative day.
type dtMention struct {
	start, end int
	date       time.Time
	prec       dtPrec
	kind       dtKind
	// yearless: the year was guessed (the latest such month or festival),
	// so a year said just before ("去年…国庆的时候") replaces it.
	yearless bool
	fest     string // the festival, for yearless festival dates
	mode     dtFestMode
	// anchored: the mention took its year from the one before it, so it
	// tells more of the same event ("去年…国庆的时候").
	anchored bool
	// few: a stretch of a few days ("这两天", "前几天"); its month dates a
	// purchase, but says nothing of when a fault began.
	few bool
}

// value is the field value of the mention: "" when it is vaguer than a month.
func (m dtMention) value() string {
	switch m.prec {
	case dtDay:
		return m.date.Format("2006-01-02")
	case dtMonth:
		return m.date.Format("2006-01")
	}
	return ""
}

// future reports whether the mention lies after today, at its precision:
// neither a purchase nor a fault is in the future.
func (m dtMention) future(today time.Time) bool {
	switch m.prec {
	case dtMonth:
		return m.date.Year()*12+int(m.date.Month()) > today.Year()*12+int(today.Month())
	case dtYear:
		return m.date.Year() > today.Year()
	}
	return m.date.After(today)
}

// dtVal is what a rule resolves a match to.
type dtVal struct {
	date     time.Time
	prec     dtPrec
	kind     dtKind
	yearless bool
	fest     string
	mode     dtFestMode
	few      bool
}

func dtDayVal(t time.Time, ok bool) (dtVal, bool) { return dtVal{date: t}, ok }

func dtMonthVal(y, m int, loc *time.Location) (dtVal, bool) {
	t, ok := dtYMD(y, m, 1, loc)
	return dtVal{date: t, prec: dtMonth}, ok
}

func dtYearVal(y int, loc *time.Location) (dtVal, bool) {
	t, ok := dtYMD(y, 1, 1, loc)
	return dtVal{date: t, prec: dtYear}, ok
}

// dtFewDays is "a few days ago" said in Chinese (前两天, 这几天, 前些天).
var dtFewDays = mustRx(`^(?:前|这|這)\s*(?:两|兩|几|幾|三|些)\s*(?:天|日)$`)

// dtJustBought is the rest of "刚在拼多多买的", "刚从店里搬回来": 刚 says
// the purchase or the delivery was recent, not when a fault happened.
var dtJustBought = mustRx(`^(?:在|从|從|去|到)\p{Han}{0,8}?(?:买|買|购|購|下单|下單|收到|到货|到貨|送到|送来|送來|提回|搬回|装好|裝好)`)

// dtVagueVal keeps t only as a representative day.
func dtVagueVal(t time.Time) (dtVal, bool) { return dtVal{date: t, prec: dtVague}, true }

// dtRule pairs a pattern with the function turning its submatches into a
// date. digitEdges asks for a check that the match is not cut out of a
// longer number, which RE2 cannot express without look-around. A rule only
// runs on text holding one of the runes of runes or one of the lower-case
// words of words (both empty: always), and with digits only on text where
// a number touches a date sign, so most messages skip most rules.
type dtRule struct {
	re         *rx
	digitEdges bool
	digits     bool                      // runs only on text where a number touches a date sign ("3月", "11/11", "2023-")
	find       func(text string) [][]int // replaces re.FindAllStringSubmatchIndex when set
	runes      string
	words      []string
	guard      func(s string, start, end int) bool // optional context check
	resolve    func(m []string, today time.Time) (dtVal, bool)
}

const (
	dtCN       = `[0-9一二两兩三四五六七八九十〇零]{1,3}`
	dtDigits   = "0123456789"
	dtYearWord = `大前年|前年|去年|今年|上年|旧年|舊年|明年`
	dtMonthPt  = `初|上旬|中旬|下旬|中|底|末|尾|份`
	// dtApprox before a festival ("好像是国庆的时候") leaves only its month.
	dtApproxZh = `好像是|好像|大概是|大概|大约是|大约|大約是|大約|差不多是|差不多|估计是|估计|估計是|估計`
	dtFestZh   = `双十一|雙十一|双11|雙11|光棍节|光棍節|双十二|雙十二|双12|雙12|618|六一八|国庆节|國慶節|国庆|國慶|` +
		`十一长假|十一長假|十一假期|十一黄金周|十一黃金週|五一节|五一節|五一假期|五一长假|五一長假|五一|劳动节|勞動節|元旦|` +
		`圣诞节|聖誕節|圣诞|聖誕|平安夜|情人节|情人節|七夕|端午节|端午節|端午|中秋节|中秋節|中秋|春节|春節|过年|過年|` +
		`农历新年|農曆新年|农历年|農曆年|除夕|大年三十|年三十|元宵节|元宵節|元宵|黑五|黑色星期五|妇女节|婦女節|三八节|女神节|` +
		`儿童节|兒童節|六一儿童节|教师节|教師節`
	dtFestSufZh = `前一天|前一周|前一週|前一个星期|前一個星期|前一星期|前一个礼拜|前一個禮拜|前几天|前幾天|` +
		`后一天|後一天|后一周|後一週|后几天|後幾天|前后|前後|左右|期间|期間|那几天|那幾天|那阵子|那陣子|那阵|那陣|` +
		`那会儿|那會兒|那会|那會|那时候|那時候|那时|那時|的时候|的時候|那天|当天|當天|活动|活動|大促|之前|以前|之后|之後|以后|以後|前|后|後`
	dtSeasonZh = `春天|夏天|秋天|冬天|春季|夏季|秋季|冬季|暑假|寒假`
	dtMonthAlt = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`
	dtEnNum    = `\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a couple|couple of|a few|few|several|half an?`
	dtFestEn   = `christmas eve|christmas day|christmas|xmas|boxing day|new year'?s eve|new year'?s day|new years?|` +
		`black friday|cyber monday|thanksgiving|prime day|valentine'?s day|valentines day|valentine'?s|` +
		`easter sunday|easter monday|easter|good friday|halloween|singles'? day|double eleven|` +
		`chinese new year|lunar new year|spring festival|mid-autumn festival|mid autumn festival|national day|` +
		`independence day|4th of july|fourth of july|618`
)

var dtMonthNames = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var dtWeekdayNames = map[string]int{
	"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}

var dtEnNumbers = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// The English words that let the English rules run at all.
var (
	dtEnMonthWords = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	dtEnDayWords   = []string{"day", "today", "tonight", "morning", "afternoon", "evening", "night", "now", "ago", "moment", "just", "overnight", "lunch"}
	dtEnWeekWords  = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	dtEnFestWords  = []string{"christmas", "xmas", "boxing", "new year", "friday", "cyber", "thanksgiving", "prime day",
		"valentine", "easter", "halloween", "singles", "double eleven", "festival", "national day", "july", "618"}
)

// dtRules is ordered only for readability: every rule runs and the longest
// leftmost mention wins, so "去年双十一" beats "去年" and "大前天" beats "前天".
var dtRules = []dtRule{
	{ // 2023-11-11, 2023/11/11, 2023.11.11, 2023年11月11日
		re:         mustRx(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?`),
		digitEdges: true,
		digits:     true,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtDayVal(dtYMD(dtAtoi(m[1]), dtAtoi(m[2]), dtAtoi(m[3]), today.Location()))
		},
	},
	{ // 2023年11月, 23年11月底, 114年8月 (Taiwan's Minguo years), 2023年十一月份, 2023年11月3号
		re:         mustRx(`(\d{2,4})\s*年\s*的?\s*(` + dtCN + `)\s*月\s*(?:(` + dtCN + `)\s*[日号號]|(` + dtMonthPt + `))?`),
		digitEdges: true,
		digits:     true,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			y, ok := dtFullYear(m[1], today)
			if !ok {
				return dtVal{}, false
			}
			return dtMonthDay(y, m[2], m[3], today)
		},
	},
	{ // 2023-11, 2023/11: a month
		re:         mustRx(`(\d{4})[-/.](\d{1,2})`),
		digitEdges: true,
		digits:     true,
		guard:      dtNotInCode,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtMonthVal(dtAtoi(m[1]), dtAtoi(m[2]), today.Location())
		},
	},
	{ // since 2024, in 2023: only the year
		re:    mustRx(`(?i)\b(?:in|since|from|during|back in|around|early|mid|late|end of)\s+()(\d{4})\b`),
		words: []string{"in ", "since ", "from ", "during ", "around ", "early ", "mid ", "late ", "end of "},
		guard: dtYearOnlyGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			y, ok := dtFullYear(m[2], today)
			if !ok {
				return dtVal{}, false
			}
			return dtYearVal(y, today.Location())
		},
	},
	{ // 2023年, 19年装的: only the year
		re:         mustRx(`(\d{2,4})\s*年()`),
		digitEdges: true,
		digits:     true,
		guard:      dtYearOnlyGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			s := m[1] + m[2]
			y, ok := dtFullYear(s, today)
			if !ok {
				return dtVal{}, false
			}
			return dtYearVal(y, today.Location())
		},
	},
	{ // 11/11/2023 (month first unless the first number cannot be a month)
		re:         mustRx(`(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})`),
		digitEdges: true,
		digits:     true,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			a, b, y := dtAtoi(m[1]), dtAtoi(m[2]), dtAtoi(m[3])
			if a > 12 {
				a, b = b, a
			}
			return dtDayVal(dtYMD(y, a, b, today.Location()))
		},
	},
	{ // 11/11 without a year: the latest such day not after today
		re:         mustRx(`(\d{1,2})/(\d{1,2})`),
		digitEdges: true,
		digits:     true,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtDayVal(dtRecentMD(dtAtoi(m[1]), dtAtoi(m[2]), today))
		},
	},
	{ // 12.12买的, 6.18那天, the 11.11 sale: month.day only right before a
		// date-ish word, so decimals like "1.5匹" are left alone
		re:         mustRx(`(\d{1,2})\.(\d{1,2})`),
		digitEdges: true,
		digits:     true,
		guard: func(s string, start, end int) bool {
			r, _ := utf8.DecodeRuneInString(s[end:])
			return strings.ContainsRune("买買购購下到收坏壞开開出发發那当當就的号號日左前后後时時活大节節妇婦", r) ||
				strings.HasPrefix(strings.ToLower(s[end:]), " sale")
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtDayVal(dtRecentMD(dtAtoi(m[1]), dtAtoi(m[2]), today))
		},
	},
	{ // 去年11月11日, 今年3月, 去年十一月底, 上年十月: a day or a month
		// A day in Chinese numerals needs its 日/号: 去年8月一起买的 is August.
		re:    mustRx(`(` + dtYearWord + `)\s*的?\s*(` + dtCN + `)\s*月\s*(?:(\d{1,2}(?:\s*[日号號])?|[一二两兩三四五六七八九十〇零]{1,3}\s*[日号號])|(` + dtMonthPt + `))?`),
		words: dtYearWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			day := strings.TrimRight(m[3], " 日号號")
			return dtMonthDay(today.Year()-dtYearOffset(m[1]), m[2], day+m[4], today)
		},
	},
	{ // 11月11日, 十一月十一号, 3月初, 4月底, 三月份, 3月: this year, or last
		// year when that is still ahead
		re:    mustRx(`(` + dtCN + `)\s*月\s*(?:(` + dtCN + `)\s*[日号號]|(` + dtMonthPt + `))?\s*(左右|前后|前後|上下)?`),
		runes: "月",
		guard: dtMonthGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			v, ok := dtMonthDay(today.Year(), m[1], m[2]+m[3], today)
			if ok && v.prec != dtVague && v.date.After(today) {
				v, ok = dtMonthDay(today.Year()-1, m[1], m[2]+m[3], today)
			}
			if ok && m[4] != "" && v.prec == dtDay {
				v.prec = dtMonth // "20号左右": about the 20th
			}
			v.yearless = true
			return v, ok
		},
	},
	{ // Nov 11 2023, November 11th, 2023, Nov. 11, Nov 11 last year, last December 12
		re:    mustRx(`(?i)\b(?:(last|this)\s+)?(` + dtMonthAlt + `)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4}|last year|this year)\b)?`),
		words: dtEnMonthWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			year := m[4]
			if year == "" && m[1] != "" {
				year = strings.ToLower(m[1]) + " year"
			}
			return dtDayVal(dtEnMonthDay(m[2], m[3], year, today))
		},
	},
	{ // 11 November, 11th of Nov 2023, the 3rd of May
		re:    mustRx(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + dtMonthAlt + `)\b\.?(?:,?\s*(\d{4}|last year|this year)\b)?`),
		words: dtEnMonthWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtDayVal(dtEnMonthDay(m[2], m[1], m[3], today))
		},
	},
	{ // "in November", "since March 2025", "last March", "early June", "March last year"
		re: mustRx(`(?i)\b(?:(in|since|during|around|about|back in|early|mid|late|end of|the end of|beginning of|the beginning of|start of|the start of|early in|late in|last|this)\s+)?(` +
			dtMonthAlt + `)\b(?:\s*,?\s*(?:of\s+)?(\d{4}|last year|this year)\b)?`),
		words: dtEnMonthWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			prep, year := strings.ToLower(m[1]), strings.ToLower(m[3])
			mon := strings.ToLower(m[2])
			if prep == "" && year == "" {
				return dtVal{}, false // a bare month name is too often a word ("may") or a name ("Jan")
			}
			if mon == "may" && year == "" && (prep == "this" || prep == "last" || prep == "about" || prep == "around") {
				return dtVal{}, false // "this may be…"
			}
			v, ok := dtEnMonth(mon, prep, year, today)
			v.yearless = year == "" && prep != "last" && prep != "this"
			return v, ok
		},
	},
	{ // "last year Sept", "this year May", "last year in March"
		re:    mustRx(`(?i)\b(last year|this year)\s*,?\s*(?:in\s+)?(` + dtMonthAlt + `)\b`),
		words: []string{"year"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtEnMonth(strings.ToLower(m[2]), "", strings.ToLower(m[1]), today)
		},
	},
	{ // 15号, 3日, 十五号: a day of this month, or of last month when still ahead
		re:         mustRx(`(\d{1,2})\s*[号號日]|([一二三四五六七八九十]{1,3})\s*[号號]`),
		digitEdges: true,
		runes:      "号號日",
		guard:      dtBareDayGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			d, ok := dtCNNum(m[1] + m[2])
			if !ok {
				return dtVal{}, false
			}
			t, ok := dtRecentDay(d, today)
			return dtVal{date: t, kind: dtBareDay}, ok
		},
	},
	{ // "since the 10th", "on the 8th", "the 2nd of this month"
		re:    mustRx(`(?i)\b(?:the|on)\s+(\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(this|last)\s+month\b)?`),
		words: []string{"st", "nd", "rd", "th"},
		guard: dtOrdinalDayGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			d := dtAtoi(m[1])
			switch strings.ToLower(m[2]) {
			case "this":
				return dtDayVal(dtYMD(today.Year(), int(today.Month()), d, today.Location()))
			case "last":
				y, mo := dtShiftMonth(today.Year(), today.Month(), -1)
				return dtDayVal(dtYMD(y, int(mo), d, today.Location()))
			}
			t, ok := dtRecentDay(d, today)
			return dtVal{date: t, kind: dtBareDay}, ok
		},
	},
	{ // 今天, 昨天, 前天, 大前天, 今天早上, 昨天半夜, 琴日 (Cantonese), 今朝
		re:    mustRx(`(大前天|前天|昨天|昨日|昨儿|琴日|尋日|寻日|噚日|前日|今天|今日|今儿|明天|明日|后天|後天|聽日|听日)\s*(早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜裡|夜晚|半夜|凌晨|深夜|朝早|晏晝|夜晚黑|一大早|一早|夜|早|晚)?|昨晚|昨夜|今早|今晨|今晚|今夜|今朝|明早|明晚|琴晚|尋晚|寻晚|噚晚`),
		words: []string{"前天", "昨", "琴", "尋", "寻", "噚", "前日", "今", "明", "后天", "後天", "聽日", "听日"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			day, clock := m[1], m[2] != ""
			if day == "" {
				day, clock = m[0], true
				if strings.HasSuffix(day, "晚") && !strings.HasPrefix(day, "今") && !strings.HasPrefix(day, "明") {
					day = "昨晚" // 琴晚, 尋晚: Cantonese for last night
				}
			}
			v := dtVal{date: today, kind: dtPlain}
			switch {
			case day == "大前天":
				v.date = today.AddDate(0, 0, -3)
			case strings.HasPrefix(day, "前"):
				v.date = today.AddDate(0, 0, -2)
			case strings.HasPrefix(day, "今"):
				v.kind = dtNow
			case strings.HasPrefix(day, "明") || strings.HasPrefix(day, "听") || strings.HasPrefix(day, "聽"):
				v.date = today.AddDate(0, 0, 1) // ahead: dropped, but no longer read as today
			case strings.HasPrefix(day, "后") || strings.HasPrefix(day, "後"):
				v.date = today.AddDate(0, 0, 2)
			default:
				v.date = today.AddDate(0, 0, -1)
			}
			if clock {
				v.kind = dtClock
			}
			return v, true
		},
	},
	{ // 刚才, 刚刚, 头先 (Cantonese), 半夜, 凌晨: a moment of today
		re:    mustRx(`刚才|剛才|刚刚|剛剛|頭先|头先|啱啱|啱先|方才|半夜|凌晨|深夜`),
		runes: "刚剛才頭头啱夜凌",
		guard: func(s string, start, end int) bool {
			// 每天半夜 is a habit, not a time; 刚才没发完 speaks of the
			// message, not of the fault.
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			return !strings.ContainsRune("每常总總天", r) && !msgTalkRe.MatchString(s[end:])
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVal{date: today, kind: dtClock}, true
		},
	},
	{ // 刚下的单, 刚付的款: ordered today. 刚买的 only says "recently": vague.
		re:    mustRx(`(?:刚|剛)(?:刚|剛|才)?(?:(下单|下單|下的单|下的單|下的|拍下|付款|付的款|付了款)|(买|買|购|購|入手))`),
		runes: "刚剛",
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			if m[1] == "" {
				return dtVagueVal(today)
			}
			return dtVal{date: today}, true
		},
	},
	{ // 刚拔了电源, 刚插上就冒烟: a moment ago. Not 刚开始 (at first), 刚好
		// (just right), nor what 刚 says of a purchase or a delivery.
		re:    mustRx(`(?:刚|剛)(?:刚|剛|才)?`),
		runes: "刚剛",
		guard: func(s string, start, end int) bool {
			rest := s[end:]
			r, _ := utf8.DecodeRuneInString(rest)
			if strings.ContainsRune("买買购購用到收装裝搬换換一二两兩三四五六七八九十几幾半不没沒好过過认認满滿", r) || dtJustBought.MatchString(rest) {
				return false
			}
			// 刚 says "a moment ago" only before a verb; at the end of a
			// word it is part of a name ("邓志刚 13758190036").
			if !unicode.Is(unicode.Han, r) {
				return false
			}
			return !strings.HasPrefix(rest, "开始") && !strings.HasPrefix(rest, "開始")
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVal{date: today, kind: dtMoment}, true
		},
	},
	{ // 早上, 中午, 晚上 on their own: earlier today, as in "早上起来发现…",
		// unless a habit (每天早上) or another day (明天早上, 那天晚上) owns it
		re:    mustRx(`早上|早晨|清晨|上午|中午|下午|傍晚|晚上|一大早`),
		words: []string{"早上", "早晨", "清晨", "上午", "中午", "下午", "傍晚", "晚上", "一大早"},
		guard: func(s string, start, end int) bool {
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			if strings.ContainsRune("每天明后後个個一那周週期礼禮拜昨今前这這当當整半些到日二三四五六末号號", r) {
				return false // 上周日晚上, 5号晚上: that day's evening
			}
			n, _ := utf8.DecodeRuneInString(s[end:])
			return !strings.ContainsRune("好前比方可能有都", n)
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVal{date: today, kind: dtMoment}, true
		},
	},
	{ // 十一点多, 下午3点, 昨晚11点, 半夜两点: a time of day. A Chinese
		// numeral needs 多, 半 or 钟 (一点 is also "a little").
		re: mustRx(`(?:(昨晚|昨夜|昨天|今天|今早|今晚|明天|明早|明晚|后天|後天|前天)\s*)?(早上|上午|中午|下午|傍晚|晚上|凌晨|半夜|夜里|夜裡|深夜)?\s*` +
			`(\d{1,2}|[一二两兩三四五六七八九十]{1,3})\s*[点點](?:\s*(多|半|钟|鐘|左右|\d{1,2}\s*分?))?`),
		runes: "点點",
		guard: func(s string, start, end int) bool {
			m := s[start:end]
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			if strings.ContainsRune("差有一点點0123456789.", r) {
				return false
			}
			// A weekday or a date right before ("上周日晚上十点多", "5号晚上8点")
			// owns the time: it is no moment today.
			if strings.ContainsRune("日二三四五六末号號天期拜", r) && !strings.ContainsAny(m[:min(len(m), 3)], "昨今前明") {
				return false
			}
			if strings.HasPrefix(s[end:], "前") || strings.HasPrefix(s[end:], "之前") || strings.HasPrefix(s[end:], "以前") {
				return false // 10点前到: a deadline
			}
			if strings.IndexAny(m, "0123456789") >= 0 {
				return true
			}
			return strings.ContainsAny(m, "多半钟鐘早上中下傍晚凌夜深")
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			// With its day ("昨晚11点") the time is a moment worth a date;
			// without ("下午三点有个会") only in a message about a fault.
			v := dtVal{date: today, kind: dtMoment}
			if m[1] != "" || strings.ContainsAny(m[2], "夜凌") {
				v.kind = dtClock
			}
			switch {
			case strings.HasPrefix(m[1], "昨"):
				v.date = today.AddDate(0, 0, -1)
			case strings.HasPrefix(m[1], "前"):
				v.date = today.AddDate(0, 0, -2)
			case strings.HasPrefix(m[1], "明"):
				v.date = today.AddDate(0, 0, 1)
			case m[1] != "" && !strings.HasPrefix(m[1], "今"):
				v.date = today.AddDate(0, 0, 2)
			}
			return v, true
		},
	},
	{ // 上周五, 上星期五, 上禮拜五, 本周一, 周三, 上周, 上周末, 这周
		re:    mustRx(`(?:(上上|上|本|这|這|下)\s*(?:个|個)?\s*)?(?:周|週|星期|礼拜|禮拜)\s*([一二三四五六日天七末1-7])?`),
		runes: "周週星礼禮",
		guard: func(s string, start, end int) bool {
			// 两周一直…, 每周五, 一个星期天…: not a named day.
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			return !strings.ContainsRune("一二两兩三四五六七八九十几幾个個多每半隔0123456789", r)
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtZhWeek(m[1], m[2], today)
		},
	},
	{ // 上个月, 上個月初, 上月底, 上个月15号, 这个月, 本月初
		re:    mustRx(`(上上|上|本|这|這|下)\s*(?:个|個)?\s*月\s*(?:(` + dtCN + `)\s*[日号號]|(初|上旬|中旬|下旬|中|底|末|尾))?`),
		runes: "月",
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			back := 0
			switch m[1] {
			case "上":
				back = 1
			case "上上":
				back = 2
			case "下":
				back = -1 // ahead: dropped
			}
			y, mo := dtShiftMonth(today.Year(), today.Month(), -back)
			if m[2] != "" {
				d, ok := dtCNNum(m[2])
				if !ok {
					return dtVal{}, false
				}
				return dtDayVal(dtYMD(y, int(mo), d, today.Location()))
			}
			return dtMonthVal(y, int(mo), today.Location())
		},
	},
	{ // 大年初三, 正月初五, 去年大年初二: the days of the New Year counted from 春节
		re:    mustRx(`(` + dtYearWord + `)?\s*(?:大年|正月|农历正月|農曆正月)\s*初\s*([一二三四五六七八九十])`),
		runes: "初",
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			n := strings.Index("一二三四五六七八九十", m[2]) / len("一")
			year := today.Year()
			if m[1] != "" {
				year -= dtYearOffset(m[1])
			}
			for range 2 {
				md, ok := dtLunarNewYears[year]
				if !ok {
					return dtVal{}, false
				}
				d := time.Date(year, time.Month(md[0]), md[1]+n, 0, 0, 0, 0, today.Location())
				if !d.After(today) || m[1] != "" {
					return dtVal{date: d}, true
				}
				year-- // not yet this year: last year's
			}
			return dtVal{}, false
		},
	},
	{ // 去年双十一, 2021年国庆, 好像是国庆的时候, 春节前, 去年過年前, 圣诞节前一周
		// One pattern for all of it is slow (hundreds of alternatives tried
		// at every position), so dtFindFestZh finds the festival word
		// first and reads what stands before and after it.
		find:  dtFindFestZh,
		words: dtFestWordsZh,
		guard: dtFestZhGuard,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			key := dtFestKeyZh(m[4])
			mode := dtFestModeZh(m[5])
			if m[1] != "" && mode == dtAt {
				mode = dtAround
			}
			year := 0
			switch {
			case m[2] != "":
				year = today.Year() - dtYearOffset(m[2])
			case m[3] != "":
				y, ok := dtFullYear(m[3], today)
				if !ok {
					return dtVal{}, false
				}
				year = y
			}
			v, ok := dtFestival(key, year, "", mode, today)
			if year == 0 {
				v.yearless, v.fest, v.mode = true, key, mode
			}
			return v, ok
		},
	},
	{ // 去年, 前年, 今年: the year only; 去年年底, 前年冬天: vaguer still;
		// 去年这个时候: the month
		re: mustRx(`(` + dtYearWord + `)\s*(?:的)?\s*(?:(年初|年中|年底|年末|年尾|底|初|末|尾|上半年|下半年)|(` + dtSeasonZh +
			`)|(这个时候|這個時候|这时候|這時候|这个时间|這個時間))?`),
		words: dtYearWords,
		guard: func(s string, start, end int) bool {
			// 今年三十岁 is an age; 大前年 is handled by its own spelling.
			rest := strings.TrimLeft(s[end:], " ")
			r, _ := utf8.DecodeRuneInString(rest)
			return !strings.ContainsRune("一二两兩三四五六七八九十0123456789", r) || strings.Contains(rest[:min(len(rest), 12)], "月")
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			y := today.Year() - dtYearOffset(m[1])
			switch {
			case m[2] != "" && strings.ContainsAny(m[2], "底末尾"):
				// 去年底: December, as an agent would write it down.
				return dtMonthVal(y, 12, today.Location())
			case m[2] != "" || m[3] != "":
				t, _ := dtYMD(y, 7, 1, today.Location())
				return dtVagueVal(t)
			case m[4] != "":
				return dtMonthVal(y, int(today.Month()), today.Location())
			}
			return dtYearVal(y, today.Location())
		},
	},
	{ // 买了两年多了, 才买十来天, 買咗半年: the time since the purchase
		re:    mustRx(`(?:买|買|购|購|入手)(?:回来|回來)?(?:了|咗)?\s*(?:才|快|大概|差不多|将近|將近|不到|刚|剛|有|都)?\s*(\d{1,3}|半|几|幾|[一二两兩三四五六七八九十]{1,3})\s*(多|来|來)?\s*(?:个|個)?\s*(多)?\s*(天|周|週|星期|礼拜|禮拜|月|年)`),
		words: []string{"买", "買", "购", "購", "入手"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			// How long they have had it is rough ("买了三个月"): it says
			// when, not the day or month to write down.
			v, ok := dtZhAgo(false, m[1], m[2]+m[3] != "", m[4], today)
			if ok && v.prec < dtYear {
				return dtVagueVal(v.date)
			}
			return v, ok
		},
	},
	{ // 三天前, 3天前, 两周前, 两个星期前, 两个月前, 三年前, 半个月前, 一个多月前
		re:    mustRx(`(` + dtApproxZh + `)?\s*(\d{1,3}|半|几|幾|[一二两兩三四五六七八九十]{1,3})\s*(多)?\s*(?:个|個)?\s*(多)?\s*(天|日|周|週|星期|礼拜|禮拜|月|年)\s*(?:之|以)?前`),
		words: dtAgoWordsZh,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtZhAgo(m[1] != "", m[2], m[3]+m[4] != "", m[5], today)
		},
	},
	{ // 两个小时前, 半小时前, 十分钟前: today
		re:    mustRx(`(\d{1,3}|半|几|幾|[一二两兩三四五六七八九十]{1,3})\s*(?:个|個)?\s*多?\s*(小时|小時|钟头|鐘頭|分钟|分鐘)\s*(?:之|以)?前`),
		words: dtAgoWordsZh,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVal{date: today, kind: dtClock}, true
		},
	},
	{ // 前两天, 前几天, 这两天, 最近, 前阵子, 年前, 开学前, 暑假: too loose for a date
		re: mustRx(`(?:前|这|這|近|最近)\s*(?:两|兩|几|幾|三|些|一段)\s*(?:个|個)?\s*(?:天|日|周|週|星期|礼拜|禮拜|月|年)|` +
			`最近|近期|近来|近來|前阵子|前陣子|前段时间|前段時間|这段时间|這段時間|这阵子|這陣子|年前|年后|年後|` +
			`开学前|開學前|开学后|開學後|开学的时候|開學的時候|` + dtSeasonZh),
		words: []string{"前两", "前兩", "前几", "前幾", "前三", "前些", "前一段", "这两", "這兩", "这几", "這幾", "这三", "這三",
			"这些", "這些", "近两", "近兩", "近几", "近幾", "最近", "近期", "近来", "近來", "前阵", "前陣", "前段", "这段", "這段",
			"这阵", "這陣", "年前", "年后", "年後", "开学", "開學", "春天", "夏天", "秋天", "冬天", "春季", "夏季", "秋季", "冬季",
			"暑假", "寒假"},
		guard: func(s string, start, end int) bool {
			// 提前两天, 以前三天 are durations; 三年前 is read by the ago rule.
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			return !strings.ContainsRune("提以之往向一二两兩三四五六七八九十几幾多0123456789", r)
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			back := 2
			if strings.ContainsAny(m[0], "几幾三些") {
				back = 3
			}
			// 前两天买的 on the 20th is this month for sure: a few days
			// that cannot leave the month are worth the month.
			if dtFewDays.MatchString(m[0]) && today.AddDate(0, 0, -7).Month() == today.Month() {
				v, ok := dtMonthVal(today.Year(), int(today.Month()), today.Location())
				v.few = true
				return v, ok
			}
			return dtVagueVal(today.AddDate(0, 0, -back))
		},
	},
	{ // yesterday, the day before yesterday, today, last night, an hour ago
		re:    mustRx(`(?i)\b(the day before yesterday|day before yesterday|yesterday(?:\s+(?:morning|afternoon|evening|night))?|today(?:\s+(?:morning|afternoon|evening|night))?|tonight|this morning|this afternoon|this evening|last night|last evening|just now|earlier today|(?:failed|died|stopped(?: working)?|broke(?: down)?|went (?:off|out|dead)|tripped|quit|leaked|packed up|gave up|cut out|conked out) overnight|since (?:the )?morning|since lunch(?:time)?|a moment ago|moments ago|(?:an?|one|two|three|four|five|\d{1,2}|a few|a couple of|couple of|half an?)\s+(?:hours?|minutes?|mins?)\s+ago)\b`),
		words: dtEnDayWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			s := strings.ToLower(m[1])
			switch {
			case strings.Contains(s, "before"):
				return dtVal{date: today.AddDate(0, 0, -2)}, true
			case s == "yesterday":
				return dtVal{date: today.AddDate(0, 0, -1)}, true
			case strings.HasPrefix(s, "yesterday") || strings.HasPrefix(s, "last"):
				return dtVal{date: today.AddDate(0, 0, -1), kind: dtClock}, true
			case s == "today":
				return dtVal{date: today, kind: dtNow}, true
			}
			return dtVal{date: today, kind: dtClock}, true
		},
	},
	{ // 3 days ago, two weeks ago, a month ago, 3 years ago, a few days ago, since three days
		re:    mustRx(`(?i)\b(?:(around|about|roughly|approximately|maybe|like|almost|nearly|over|more than|less than|under)\s+)?(` + dtEnNum + `)\s+(day|week|fortnight|month|year)s?\s+(?:ago|back)\b|\bsince\s+(\d{1,2}|two|three|four|five|six|seven)\s+(day|week)s?\b`),
		words: []string{"ago", "since", "back"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			if m[4] != "" {
				return dtEnAgo("", m[4], m[5], today)
			}
			return dtEnAgo(strings.ToLower(m[1]), m[2], m[3], today)
		},
	},
	{ // last Friday, this Monday, on Monday, Tuesday, Monday last week, last week on Monday
		re:    mustRx(`(?i)\b(?:(last|this|on|past|previous|next|coming|by|until|till)\s+)?(?:(last week|the week before)\s+(?:on\s+)?)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?:\s+(last week|the week before last))?`),
		words: dtEnWeekWords,
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			wd := dtWeekdayNames[strings.ToLower(m[3])]
			if m[2] != "" || m[4] != "" {
				weeks := -1
				if strings.Contains(strings.ToLower(m[4]), "before last") {
					weeks = -2
				}
				return dtVal{date: dtMonday(today).AddDate(0, 0, 7*weeks+wd)}, true
			}
			switch strings.ToLower(m[1]) {
			case "this":
				return dtVal{date: dtMonday(today).AddDate(0, 0, wd)}, true
			case "next", "coming", "by", "until", "till":
				return dtVal{date: dtMonday(today).AddDate(0, 0, 7+wd)}, true // ahead: dropped
			case "last", "past", "previous":
				// The most recent such day before today; said of
				// yesterday, "last Tuesday" means the week before.
				back := (dtISOWeekday(today) - wd + 7) % 7
				if back < 2 {
					back += 7
				}
				return dtVal{date: today.AddDate(0, 0, -back)}, true
			}
			return dtVal{date: today.AddDate(0, 0, -((dtISOWeekday(today) - wd + 7) % 7))}, true
		},
	},
	{ // last week, last month, the end of last month, early last month, last year, this month, last weekend
		re:    mustRx(`(?i)\b(?:(over|in|during|for|within)\s+the\s+)?(?:(?:the\s+)?(beginning|start|end|middle|early|mid|late|earlier)[\s-]+(?:of\s+|in\s+)?)?(last|the previous|previous|the past|past|this|next)\s+(week|weekend|month|year)\b`),
		words: []string{"week", "month", "year"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			if m[1] != "" {
				return dtVagueVal(today) // "over the last week": a stretch, no day
			}
			m = append(m[:1:1], m[2:]...)
			if strings.ToLower(m[2]) == "next" {
				return dtVal{date: today.AddDate(0, 1, 7), prec: dtMonth}, true // ahead: dropped
			}
			this := strings.ToLower(m[2]) == "this"
			switch strings.ToLower(m[3]) {
			case "week":
				if this {
					return dtVagueVal(today)
				}
				return dtWeekSpan(dtMonday(today).AddDate(0, 0, -7), 7, today)
			case "weekend":
				if this {
					return dtVagueVal(today)
				}
				return dtWeekSpan(dtMonday(today).AddDate(0, 0, -2), 2, today)
			case "year":
				y := today.Year() - 1
				if this {
					y = today.Year()
				}
				return dtYearVal(y, today.Location())
			}
			y, mo := today.Year(), today.Month()
			if !this {
				y, mo = dtShiftMonth(y, mo, -1)
			}
			return dtMonthVal(y, int(mo), today.Location())
		},
	},
	{ // the weekend, recently, the other day, a while ago, last summer, in the spring: too loose
		re:    mustRx(`(?i)\b(?:(?:since|over|at|on|during)\s+the\s+weekend|recently|the other day|a while ago|a while back|(?:last|this|in the|in|during the|back in the|over the)\s+(?:spring|summer|autumn|fall|winter)|(?:summer|winter|spring|autumn|january|end of season|mid-season|diwali|deepavali|eid|ramadan|hari raya)\s+sales?|diwali|deepavali)\b`),
		words: []string{"weekend", "recent", "other day", "while", "spring", "summer", "autumn", "fall", "winter", "sale", "diwali", "deepavali"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVagueVal(today)
		},
	},
	{ // "at 3am", "around 11:30 pm": a time of today, worth a date in a
		// message about a fault
		re:    mustRx(`(?i)\b(\d{1,2})(?::[0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)`),
		words: []string{"am", "pm", "a.m", "p.m"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			if h := dtAtoi(m[1]); h < 1 || h > 12 {
				return dtVal{}, false
			}
			return dtVal{date: today, kind: dtMoment}, true
		},
	},
	{ // "just stopped", "just sparked": a moment ago
		re:    mustRx(`(?i)\bjust\s+(?:now\s+)?(?:stopped|died|broke|started|went|quit|cut|shut|failed|caught|sparked|smoked|exploded|melted|turned|happened|tripped|blew|popped|burst|cracked|fell)\b`),
		words: []string{"just"},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			return dtVal{date: today, kind: dtClock}, true
		},
	},
	{ // Christmas, Black Friday, Boxing Day 2024, the week before Christmas,
		// around Christmas, last Easter, the 618 sale, Chinese New Year
		re: mustRx(`(?i)\b(?:(around|about|approximately|roughly|over|during|the week before|the week after|a week before|a week after|the day before|the day after|just before|just after|right before|right after|shortly before|shortly after|before|after)\s+)?(?:(last|this)\s+)?(` +
			dtFestEn + `)(?:\s+(\d{4}|last year|this year))?(?:\s+(weekend|week|sales?|deals?|period))?\b`),
		words: dtEnFestWords,
		guard: func(s string, start, end int) bool {
			// A bare 618 needs its sale around it ("the 618 sale").
			m := strings.ToLower(s[start:end])
			return !strings.HasSuffix(strings.TrimSpace(strings.Fields(m)[len(strings.Fields(m))-1]), "618") || strings.Contains(m, "sale")
		},
		resolve: func(m []string, today time.Time) (dtVal, bool) {
			mode := dtFestModeEn(strings.ToLower(m[1]))
			if suf := strings.ToLower(m[5]); strings.HasPrefix(suf, "week") || suf == "period" {
				if mode == dtAt {
					mode = dtAround
				}
			}
			year := 0
			switch y := strings.ToLower(m[4]); y {
			case "":
			case "last year":
				year = today.Year() - 1
			case "this year":
				year = today.Year()
			default:
				year = dtAtoi(y)
			}
			key := dtFestKeyEn(m[3])
			if key == "newyear" && m[1] == "" && m[2] == "" && !strings.Contains(strings.ToLower(m[3]), "day") {
				return dtVal{}, false // "happy new year"
			}
			v, ok := dtFestival(key, year, strings.ToLower(m[2]), mode, today)
			if year == 0 && m[2] == "" {
				v.yearless, v.fest, v.mode = true, key, mode
			}
			return v, ok
		},
	},
}

// dtFind returns every date mention in text, leftmost first, without overlaps.
func dtFind(text string, now time.Time, loc *time.Location) []dtMention {
	if loc == nil {
		loc = extDefaultLocation()
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	var cues dtCueState
	var all []dtMention
	for k, r := range dtRules {
		if !dtRuleMayMatch(k, r, text, &cues) {
			continue
		}
		var found [][]int
		if r.find != nil {
			found = r.find(text)
		} else {
			found = r.re.FindAllStringSubmatchIndex(text, -1)
		}
		for _, idx := range found {
			// Trailing spaces an optional part took are not part of the
			// date: "2026-02-27 09:51" is a date and a time.
			if r.digitEdges && !extDigitEdges(text, idx[0], idx[0]+len(strings.TrimRight(text[idx[0]:idx[1]], " \t"))) {
				continue
			}
			if r.guard != nil && !r.guard(text, idx[0], idx[1]) {
				continue
			}
			m := make([]string, len(idx)/2)
			for i := range m {
				if idx[2*i] >= 0 {
					m[i] = text[idx[2*i]:idx[2*i+1]]
				}
			}
			if strings.TrimSpace(m[0]) == "" {
				continue
			}
			v, ok := r.resolve(m, today)
			if !ok {
				continue
			}
			// Trailing spaces matched by optional parts are not part of the date.
			end := idx[0] + len(strings.TrimRight(m[0], " \t"))
			start := idx[0] + len(m[0]) - len(strings.TrimLeft(m[0], " \t"))
			all = append(all, dtMention{start: start, end: end, date: v.date, prec: v.prec, kind: v.kind,
				yearless: v.yearless, fest: v.fest, mode: v.mode, few: v.few})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].start != all[j].start {
			return all[i].start < all[j].start
		}
		return all[i].end > all[j].end
	})
	var out []dtMention
	for _, m := range all {
		if len(out) > 0 && m.start < out[len(out)-1].end {
			continue
		}
		out = append(out, m)
	}
	return dtAnchorYears(text, dtAnchorDays(text, out), today)
}

// dtRuleMayMatch is the cheap prefilter: a rule (the k-th) whose runes
// and words are all absent from text cannot match, nor a rule of digits on
// text where no number touches a date sign. cues is filled on first need.
func dtRuleMayMatch(k int, r dtRule, text string, cues *dtCueState) bool {
	if r.digits {
		if cues.digits == 0 {
			cues.digits = -1
			if dtDigitDateish(text) {
				cues.digits = 1
			}
		}
		if cues.digits < 0 {
			return false
		}
	}
	if r.runes == "" && len(r.words) == 0 {
		return true
	}
	if !cues.done {
		cues.find(text)
	}
	if cues.slow {
		return dtRuleMayMatchSlow(r, text, &cues.lower)
	}
	return cues.rules&(1<<k) != 0
}

// dtRuleMayMatchSlow is dtRuleMayMatch read rule by rule, for text that
// lower-cases beyond ASCII.
func dtRuleMayMatchSlow(r dtRule, text string, lower *string) bool {
	if r.runes != "" && strings.ContainsAny(text, r.runes) {
		return true
	}
	if len(r.words) == 0 {
		return false
	}
	if *lower == "" {
		*lower = strings.ToLower(text)
	}
	for _, w := range r.words {
		if strings.Contains(*lower, w) {
			return true
		}
	}
	return false
}

// dtCueState is what the prefilter learnt of one text.
type dtCueState struct {
	digits int8 // 0 unknown, 1 a number touches a date sign, -1 none
	done   bool
	// rules has bit k set when the k-th rule's runes or words are in the
	// text; slow says the text lower-cases beyond ASCII (or is not UTF-8),
	// and the rules are then read one by one on lower.
	rules uint64
	slow  bool
	lower string
}

// find reads text once for the runes and words of every rule: what
// strings.ContainsAny and strings.Contains on strings.ToLower(text) would
// say rule by rule, when lower-casing text only changes ASCII letters.
func (c *dtCueState) find(text string) {
	c.done = true
	if !utf8.ValidString(text) {
		c.slow = true
		return
	}
	for _, r := range text {
		if r >= utf8.RuneSelf && unicode.ToLower(r) != r {
			c.slow = true
			return
		}
		c.rules |= dtCues.runes[r]
	}
	c.rules |= dtCues.words.find(text)
}

// dtCues indexes the runes and words of dtRules by rule.
var dtCues = func() (c struct {
	runes map[rune]uint64
	words cueTrie
}) {
	if len(dtRules) > 64 {
		panic("nlu: more date rules than the prefilter's mask holds")
	}
	c.runes = map[rune]uint64{}
	for k, r := range dtRules {
		for _, x := range r.runes {
			c.runes[x] |= 1 << k
		}
		for _, w := range r.words {
			if w == asciiLower(w) { // lower-cased text never holds another
				c.words.add(w, k)
			}
		}
	}
	return c
}()

// dtAnchorGap is what may stand between a month and the day that follows it.
var dtAnchorGap = mustRx(`(?i)^[\s,，、(（:：]*(?:the\s+|on\s+the\s+|on\s+|的)?$`)

// dtAnchorDays gives a bare day the month said right before it: "early last
// month, the 3rd" is the 3rd of last month, not of this one.
func dtAnchorDays(text string, ms []dtMention) []dtMention {
	out := ms[:0:0]
	for i := 0; i < len(ms); i++ {
		m := ms[i]
		if m.prec == dtMonth && i+1 < len(ms) && ms[i+1].kind == dtBareDay {
			d := ms[i+1]
			gap := text[m.end:d.start]
			if dtAnchorGap.MatchString(gap) || dtAnchorGap.MatchString(strings.TrimPrefix(strings.TrimSpace(gap), "the")) {
				if t, ok := dtYMD(m.date.Year(), int(m.date.Month()), d.date.Day(), m.date.Location()); ok {
					out = append(out, dtMention{start: m.start, end: d.end, date: t, prec: dtDay})
					i++
					continue
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// ParseDate resolves absolute and relative dates against now in loc and
// returns the calendar date (midnight in loc) of the first time expression
// in text: for a month its first day, for a year its first day, for a vague
// time ("前两天") a representative day. A nil loc means Asia/Shanghai.
func ParseDate(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	ms := dtFind(extNormalize(text), now, loc)
	if len(ms) == 0 {
		return time.Time{}, false
	}
	return ms[0].date, true
}

// extDigitEdges reports whether text[start:end] is not glued to more digits,
// so "20231111889900" is not read as a date.
func extDigitEdges(text string, start, end int) bool {
	if start > 0 && extIsDigit(text[start-1]) {
		return false
	}
	if end < len(text) && extIsDigit(text[end]) {
		return false
	}
	return true
}

func extIsDigit(b byte) bool { return b >= '0' && b <= '9' }

func dtAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// dtCNNum reads Arabic digits or a Chinese numeral up to 99.
func dtCNNum(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	digit := map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '两': 2, '兩': 2, '三': 3, '四': 4,
		'五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	rs := []rune(s)
	for i, r := range rs {
		if r == '十' {
			tens, ones := 1, 0
			if i > 0 {
				t, ok := dtCNNum(string(rs[:i]))
				if !ok {
					return 0, false
				}
				tens = t
			}
			if i+1 < len(rs) {
				o, ok := dtCNNum(string(rs[i+1:]))
				if !ok || o > 9 {
					return 0, false
				}
				ones = o
			}
			return tens*10 + ones, true
		}
	}
	if len(rs) != 1 {
		return 0, false
	}
	n, ok := digit[rs[0]]
	return n, ok
}

// dtTwoMonths reports whether s names two neighbouring months ("三四" of
// 三四月份): a span, not a month.
func dtTwoMonths(s string) bool {
	rs := []rune(s)
	if len(rs) != 2 {
		return false
	}
	a, ok1 := dtCNNum(string(rs[0]))
	b, ok2 := dtCNNum(string(rs[1]))
	return ok1 && ok2 && a >= 1 && b == a+1
}

// dtFullYear reads a year written with four digits, two ("19年") or as a
// Minguo year of Taiwan ("114年" = 2025); a year after this one is refused.
func dtFullYear(s string, today time.Time) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	switch len(s) {
	case 2:
		n += 2000
	case 3:
		if n < 80 || n > 150 {
			return 0, false
		}
		n += 1911
	case 4:
	default:
		return 0, false
	}
	if n < 1980 || n > today.Year() {
		return 0, false
	}
	return n, true
}

// dtMonthDay resolves month mo (Arabic or Chinese) of year y with either a
// day or a part of the month (初, 底, 份…). A part leaves only the month.
func dtMonthDay(y int, mo, rest string, today time.Time) (dtVal, bool) {
	m, ok := dtCNNum(mo)
	if !ok {
		if dtTwoMonths(mo) {
			t, _ := dtYMD(y, 1, 1, today.Location())
			return dtVagueVal(t) // 三四月份
		}
		return dtVal{}, false
	}
	if rest != "" && !strings.Contains(dtMonthPt, rest) {
		d, ok := dtCNNum(rest)
		if !ok {
			return dtVal{}, false
		}
		return dtDayVal(dtYMD(y, m, d, today.Location()))
	}
	return dtMonthVal(y, m, today.Location())
}

// dtYMD builds a date and rejects impossible ones (2月30日) instead of letting
// time.Date roll them over.
func dtYMD(y, m, d int, loc *time.Location) (time.Time, bool) {
	if y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > dtDaysIn(y, time.Month(m)) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc), true
}

func dtDaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func dtShiftMonth(y int, m time.Month, delta int) (int, time.Month) {
	t := time.Date(y, m+time.Month(delta), 1, 0, 0, 0, 0, time.UTC)
	return t.Year(), t.Month()
}

// dtRecentMD is month/day in the current year, or last year when that day
// has not come yet: customers talk about the past.
func dtRecentMD(m, d int, today time.Time) (time.Time, bool) {
	t, ok := dtYMD(today.Year(), m, d, today.Location())
	if ok && t.After(today) {
		return dtYMD(today.Year()-1, m, d, today.Location())
	}
	if !ok && m == 2 && d == 29 {
		// Feb 29 in a non-leap year: the last leap year's.
		for y := today.Year() - 1; y > today.Year()-8; y-- {
			if t, ok := dtYMD(y, m, d, today.Location()); ok {
				return t, true
			}
		}
	}
	return t, ok
}

// dtEnYear reads "2023", "last year" or "this year" ("" = 0, not said).
func dtEnYear(s string, today time.Time) int {
	switch strings.ToLower(s) {
	case "":
		return 0
	case "last year":
		return today.Year() - 1
	case "this year":
		return today.Year()
	}
	return dtAtoi(s)
}

func dtEnMonthDay(month, day, year string, today time.Time) (time.Time, bool) {
	mo, ok := dtMonthNames[strings.ToLower(month)]
	if !ok {
		return time.Time{}, false
	}
	if y := dtEnYear(year, today); y != 0 {
		return dtYMD(y, int(mo), dtAtoi(day), today.Location())
	}
	return dtRecentMD(int(mo), dtAtoi(day), today)
}

// dtEnMonth resolves a month name: in the year said, in last year's for
// "last March", else the latest such month not after this one.
func dtEnMonth(mon, prep, year string, today time.Time) (dtVal, bool) {
	mo, ok := dtMonthNames[mon]
	if !ok {
		return dtVal{}, false
	}
	y := dtEnYear(year, today)
	switch {
	case y != 0:
	case prep == "last":
		y = today.Year() - 1
	case prep == "this":
		y = today.Year()
	default:
		y = today.Year()
		if mo > today.Month() {
			y--
		}
	}
	return dtMonthVal(y, int(mo), today.Location())
}

// dtEnAgo resolves "<n> <unit>s ago". Days and weeks give a day; a month
// gives its month unless the number is only approximate; years give the
// year; "a few", "a couple of" and halves are vague.
func dtEnAgo(approx, num, unit string, today time.Time) (dtVal, bool) {
	num = strings.ToLower(strings.Join(strings.Fields(num), " "))
	unit = strings.ToLower(unit)
	if strings.Contains(num, "few") || strings.Contains(num, "couple") || num == "several" || strings.HasPrefix(num, "half") {
		// "a few days ago" on the 20th can only be this month.
		far := map[string]int{"day": 6, "week": 21}[unit]
		if far > 0 && today.AddDate(0, 0, -far).Month() == today.Month() {
			return dtMonthVal(today.Year(), int(today.Month()), today.Location())
		}
		return dtVagueVal(today.AddDate(0, 0, -3))
	}
	n, ok := dtEnNumbers[num]
	if !ok {
		n, ok = dtCNNum(num)
	}
	if !ok || n <= 0 {
		return dtVal{}, false
	}
	switch unit {
	case "fortnight":
		return dtVal{date: today.AddDate(0, 0, -14*n)}, true
	case "day", "week":
		return dtVal{date: dtAgo(today, n, unit)}, true
	case "month":
		// "about a month ago" is still the month an agent writes down;
		// "over a month ago" is not.
		t := dtAgo(today, n, unit)
		if approx != "" && approx != "about" && approx != "around" && approx != "roughly" && approx != "approximately" && approx != "maybe" && approx != "like" && approx != "almost" && approx != "nearly" {
			return dtVagueVal(t)
		}
		return dtMonthVal(t.Year(), int(t.Month()), today.Location())
	}
	return dtYearVal(today.Year()-n, today.Location())
}

// dtZhAgo resolves 三天前, 两个月前, 三年前 like dtEnAgo; 多 ("一个多月前"),
// 几 and 半 are vague.
func dtZhAgo(approx bool, num string, more bool, unit string, today time.Time) (dtVal, bool) {
	if num == "半" && !more && unit == "年" {
		// 半年前: an agent writes down the month.
		t := today.AddDate(0, -6, 0)
		return dtMonthVal(t.Year(), int(t.Month()), today.Location())
	}
	if num == "几" || num == "幾" || num == "半" || more {
		return dtVagueVal(today.AddDate(0, 0, -3))
	}
	n, ok := dtCNNum(num)
	if !ok || n <= 0 {
		return dtVal{}, false
	}
	switch unit {
	case "月":
		// 大概两个月前 is still the month an agent would write down.
		t := dtAgo(today, n, unit)
		return dtMonthVal(t.Year(), int(t.Month()), today.Location())
	case "年":
		return dtYearVal(today.Year()-n, today.Location())
	}
	return dtVal{date: dtAgo(today, n, unit)}, true
}

func dtYearOffset(s string) int {
	switch s {
	case "去年", "上年", "旧年", "舊年":
		return 1
	case "前年":
		return 2
	case "大前年":
		return 3
	case "明年":
		return -1
	}
	return 0
}

func dtAgo(today time.Time, n int, unit string) time.Time {
	switch unit {
	case "天", "日", "day":
		return today.AddDate(0, 0, -n)
	case "周", "週", "星期", "礼拜", "禮拜", "week":
		return today.AddDate(0, 0, -7*n)
	case "年", "year":
		y := today.Year() - n
		return time.Date(y, today.Month(), min(today.Day(), dtDaysIn(y, today.Month())), 0, 0, 0, 0, today.Location())
	}
	y, m := dtShiftMonth(today.Year(), today.Month(), -n)
	return time.Date(y, m, min(today.Day(), dtDaysIn(y, m)), 0, 0, 0, 0, today.Location())
}

// dtISOWeekday numbers Monday 0 … Sunday 6: Chinese weeks start on Monday.
func dtISOWeekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

func dtMonday(t time.Time) time.Time { return t.AddDate(0, 0, -dtISOWeekday(t)) }

// dtWeekSpan is a span of days known as a whole ("上周", "last weekend"):
// its month when the span lies within one month, else vague.
func dtWeekSpan(first time.Time, days int, today time.Time) (dtVal, bool) {
	last := first.AddDate(0, 0, days-1)
	if last.After(today) {
		last = today
	}
	if first.Month() == last.Month() {
		return dtMonthVal(first.Year(), int(first.Month()), today.Location())
	}
	return dtVagueVal(first)
}

func dtZhWeek(prefix, day string, today time.Time) (dtVal, bool) {
	wd := -1
	switch day {
	case "一", "1":
		wd = 0
	case "二", "2":
		wd = 1
	case "三", "3":
		wd = 2
	case "四", "4":
		wd = 3
	case "五", "5":
		wd = 4
	case "六", "6":
		wd = 5
	case "日", "天", "七", "7":
		wd = 6
	}
	weeks := 0
	switch prefix {
	case "上":
		weeks = -1
	case "上上":
		weeks = -2
	case "下":
		weeks = 1
	case "":
		switch {
		case day == "末":
			return dtVagueVal(today) // 周末 alone: this one or the last
		case wd < 0:
			return dtVal{}, false // a bare 周 is a unit, not a date
		}
		// 周五 alone: the latest Friday not after today.
		return dtVal{date: today.AddDate(0, 0, -((dtISOWeekday(today) - wd + 7) % 7))}, true
	}
	monday := dtMonday(today).AddDate(0, 0, 7*weeks)
	switch {
	case day == "末":
		if weeks >= 0 {
			return dtVagueVal(today) // 这周末 is ahead or under way
		}
		return dtWeekSpan(monday.AddDate(0, 0, 5), 2, today)
	case wd < 0:
		if weeks >= 0 {
			return dtVagueVal(today) // "这周" names no day
		}
		return dtWeekSpan(monday, 7, today)
	}
	return dtVal{date: monday.AddDate(0, 0, wd)}, true
}

// dtBareDayGuard keeps "3号" from matching house numbers (幸福路3号), rooms,
// lines or machines (3号机): only a day when no address word precedes it and
// no counter word follows it.
func dtBareDayGuard(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if strings.ContainsRune("路街道巷弄村里區区栋棟楼樓室层層号號元-#第月周週期拜一二三四五六七八九十几幾", r) {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if strings.ContainsRune("机機楼樓线線房院门門店床位码碼口台车車窗柜櫃键鍵桌球元圆圓楼厅廳馆館常用人", r) {
			return false
		}
	}
	return true
}

// dtMonthGuard keeps "3月" from reading durations and counts: 3个月 has its
// counter, but 每月, 几月, 两月 and 三月前 are not months of the calendar.
func dtMonthGuard(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if strings.ContainsRune("个個几幾多半每上这這本年0123456789", r) {
			return false
		}
	}
	m := s[start:end]
	if strings.HasPrefix(m, "两") || strings.HasPrefix(m, "兩") {
		return false
	}
	if !strings.ContainsAny(m, "日号號初旬中底末尾份") {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if strings.ContainsRune("前后後以内內多了来來之的时時", r) {
			// 三月前 ("three months ago" or "before March"), 3月内.
			return r == '的' && !strings.HasPrefix(s[end:], "的时") && !strings.HasPrefix(s[end:], "的時")
		}
	}
	return true
}

// dtYearOnlyGuard keeps "10年" of "用了10年" (ten years) from reading as 2010:
// a short year needs a purchase or installation word after it.
func dtYearOnlyGuard(s string, start, end int) bool {
	m := s[start:end]
	if !strings.HasSuffix(m, "年") {
		return true // "since 2024"
	}
	digits := strings.TrimSpace(strings.TrimSuffix(m, "年"))
	next, _ := utf8.DecodeRuneInString(s[end:])
	if strings.ContainsRune("前多以来來内內左上底初末尾", next) && len(digits) == 4 && next != '底' && next != '初' && next != '末' && next != '尾' {
		return false // 2023年前, 2023年多
	}
	if len(digits) == 4 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:start])
	if strings.ContainsRune("了用过過有近快约約多第", prev) {
		return false
	}
	return strings.ContainsRune("买買购購装裝入拍订訂的时時那", next)
}

// dtNotInCode keeps a year-month out of codes such as "UB14-2024-05".
func dtNotInCode(s string, start, end int) bool {
	if start > 0 {
		b := s[start-1]
		if extIsAlnum(b) || b == '-' || b == '/' || b == '.' {
			return false
		}
	}
	if end < len(s) {
		b := s[end]
		if extIsAlnum(b) || b == '-' || b == '/' {
			return false
		}
	}
	m := dtAtoi(s[end-2 : end])
	if s[end-2] < '0' || s[end-2] > '9' {
		m = dtAtoi(s[end-1 : end])
	}
	return m >= 1 && m <= 12
}

// dtRecentDay is day d of this month, or of last month when still ahead.
func dtRecentDay(d int, today time.Time) (time.Time, bool) {
	y, mo := today.Year(), today.Month()
	if d > today.Day() {
		y, mo = dtShiftMonth(y, mo, -1)
	}
	return dtYMD(y, int(mo), d, today.Location())
}

// dtFestMode is how a date stands to a festival: on it, around it, before it…
type dtFestMode int8

const (
	dtAt dtFestMode = iota
	dtAround
	dtBefore
	dtAfter
	dtDayBefore
	dtDayAfter
	dtWeekBefore
	dtWeekAfter
)

func dtFestModeZh(s string) dtFestMode {
	switch s {
	case "", "的时候", "的時候", "那天", "当天", "當天", "活动", "活動", "大促":
		return dtAt
	case "前一天":
		return dtDayBefore
	case "后一天", "後一天":
		return dtDayAfter
	case "前后", "前後", "左右", "期间", "期間", "那几天", "那幾天", "那阵子", "那陣子", "那阵", "那陣",
		"那会儿", "那會兒", "那会", "那會", "那时候", "那時候", "那时", "那時":
		return dtAround
	case "前", "之前", "以前":
		return dtBefore
	case "后", "後", "之后", "之後", "以后", "以後":
		return dtAfter
	}
	if strings.HasPrefix(s, "前") {
		return dtWeekBefore // 前一周, 前几天
	}
	return dtWeekAfter
}

func dtFestModeEn(s string) dtFestMode {
	switch s {
	case "around", "about", "approximately", "roughly", "over", "during":
		return dtAround
	case "the week before", "a week before":
		return dtWeekBefore
	case "the week after", "a week after":
		return dtWeekAfter
	case "the day before":
		return dtDayBefore
	case "the day after":
		return dtDayAfter
	case "before", "just before", "right before", "shortly before":
		return dtBefore
	case "after", "just after", "right after", "shortly after":
		return dtAfter
	}
	return dtAt
}

var dtFestKeysZh = map[string]string{
	"双十一": "1111", "雙十一": "1111", "双11": "1111", "雙11": "1111", "光棍节": "1111", "光棍節": "1111",
	"双十二": "1212", "雙十二": "1212", "双12": "1212", "雙12": "1212", "618": "618", "六一八": "618",
	"国庆节": "national", "國慶節": "national", "国庆": "national", "國慶": "national", "十一长假": "national",
	"十一長假": "national", "十一假期": "national", "十一黄金周": "national", "十一黃金週": "national",
	"五一节": "labour", "五一節": "labour", "五一假期": "labour", "五一长假": "labour", "五一長假": "labour",
	"五一": "labour", "劳动节": "labour", "勞動節": "labour", "元旦": "newyear",
	"圣诞节": "xmas", "聖誕節": "xmas", "圣诞": "xmas", "聖誕": "xmas", "平安夜": "xmaseve",
	"情人节": "valentine", "情人節": "valentine", "七夕": "qixi", "端午节": "dragonboat", "端午節": "dragonboat",
	"端午": "dragonboat", "中秋节": "midautumn", "中秋節": "midautumn", "中秋": "midautumn",
	"春节": "cny", "春節": "cny", "过年": "cny", "過年": "cny", "农历新年": "cny", "農曆新年": "cny",
	"除夕": "cnyeve", "大年三十": "cnyeve", "年三十": "cnyeve", "元宵节": "lantern", "元宵節": "lantern",
	"元宵": "lantern", "黑五": "blackfriday", "黑色星期五": "blackfriday", "农历年": "cny", "農曆年": "cny",
	"妇女节": "women", "婦女節": "women", "三八节": "women", "女神节": "women", "儿童节": "children",
	"兒童節": "children", "六一儿童节": "children", "教师节": "teachers", "教師節": "teachers",
}

func dtFestKeyZh(s string) string { return dtFestKeysZh[s] }

var dtFestKeysEn = map[string]string{
	"christmas eve": "xmaseve", "christmas day": "xmas", "christmas": "xmas", "xmas": "xmas",
	"boxing day": "boxing", "new years eve": "nye", "new years day": "newyear", "new year": "newyear",
	"new years": "newyear", "black friday": "blackfriday", "cyber monday": "cybermonday",
	"thanksgiving": "thanksgiving", "prime day": "prime", "valentines day": "valentine", "valentines": "valentine",
	"easter sunday": "easter", "easter monday": "eastermonday", "easter": "easter", "good friday": "goodfriday",
	"halloween": "halloween", "singles day": "1111", "double eleven": "1111", "chinese new year": "cny",
	"lunar new year": "cny", "spring festival": "cny", "mid-autumn festival": "midautumn",
	"mid autumn festival": "midautumn", "national day": "national", "independence day": "july4",
	"4th of july": "july4", "fourth of july": "july4", "618": "618",
}

func dtFestKeyEn(s string) string {
	s = strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(s), " ")), "'", "")
	return dtFestKeysEn[s]
}

// The fixed-date festivals, as month and day.
var dtFixedFests = map[string][2]int{
	"1111": {11, 11}, "1212": {12, 12}, "618": {6, 18}, "national": {10, 1}, "labour": {5, 1},
	"newyear": {1, 1}, "xmas": {12, 25}, "xmaseve": {12, 24}, "boxing": {12, 26}, "nye": {12, 31},
	"valentine": {2, 14}, "halloween": {10, 31}, "july4": {7, 4}, "women": {3, 8}, "children": {6, 1},
	"teachers": {9, 10},
}

// dtLunarNewYears holds the first day of the Chinese New Year (春节).
var dtLunarNewYears = map[int][2]int{
	2015: {2, 19}, 2016: {2, 8}, 2017: {1, 28}, 2018: {2, 16}, 2019: {2, 5}, 2020: {1, 25},
	2021: {2, 12}, 2022: {2, 1}, 2023: {1, 22}, 2024: {2, 10}, 2025: {1, 29}, 2026: {2, 17},
	2027: {2, 6}, 2028: {1, 26}, 2029: {2, 13}, 2030: {2, 3}, 2031: {1, 23}, 2032: {2, 11},
	2033: {1, 31}, 2034: {2, 19}, 2035: {2, 8}, 2036: {1, 28}, 2037: {2, 15}, 2038: {2, 4},
	2039: {1, 24}, 2040: {2, 12},
}

// The other lunar festivals of 2020–2027 (Gregorian month and day).
var (
	dtMidAutumn = map[int][2]int{
		2020: {10, 1}, 2021: {9, 21}, 2022: {9, 10}, 2023: {9, 29}, 2024: {9, 17}, 2025: {10, 6}, 2026: {9, 25}, 2027: {9, 15},
	}
	dtDragonBoat = map[int][2]int{
		2020: {6, 25}, 2021: {6, 14}, 2022: {6, 3}, 2023: {6, 22}, 2024: {6, 10}, 2025: {5, 31}, 2026: {6, 19}, 2027: {6, 9},
	}
	dtQixi = map[int][2]int{
		2020: {8, 25}, 2021: {8, 14}, 2022: {8, 4}, 2023: {8, 22}, 2024: {8, 10}, 2025: {8, 29}, 2026: {8, 19}, 2027: {8, 8},
	}
)

func dtLunarNewYear(y int, loc *time.Location) (time.Time, bool) {
	return dtTableDate(dtLunarNewYears, y, loc)
}

func dtTableDate(tab map[int][2]int, y int, loc *time.Location) (time.Time, bool) {
	md, ok := tab[y]
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(md[0]), md[1], 0, 0, 0, 0, loc), true
}

// dtEaster is Easter Sunday of year y (the anonymous Gregorian algorithm).
func dtEaster(y int, loc *time.Location) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, loc)
}

// dtThanksgiving is the fourth Thursday of November of year y (US).
func dtThanksgiving(y int, loc *time.Location) time.Time {
	first := time.Date(y, 11, 1, 0, 0, 0, 0, loc)
	return first.AddDate(0, 0, (int(time.Thursday)-int(first.Weekday())+7)%7+21)
}

// dtFestDate is the day of festival key in year y; monthOnly marks a
// festival that spans days in a month (Prime Day) and pins only the month.
func dtFestDate(key string, y int, loc *time.Location) (d time.Time, monthOnly, ok bool) {
	if md, fixed := dtFixedFests[key]; fixed {
		return time.Date(y, time.Month(md[0]), md[1], 0, 0, 0, 0, loc), false, true
	}
	switch key {
	case "cny", "cnyeve", "lantern":
		d, ok = dtLunarNewYear(y, loc)
		switch key {
		case "cnyeve":
			d = d.AddDate(0, 0, -1)
		case "lantern":
			d = d.AddDate(0, 0, 14)
		}
		return d, false, ok
	case "midautumn":
		d, ok = dtTableDate(dtMidAutumn, y, loc)
		return d, false, ok
	case "dragonboat":
		d, ok = dtTableDate(dtDragonBoat, y, loc)
		return d, false, ok
	case "qixi":
		d, ok = dtTableDate(dtQixi, y, loc)
		return d, false, ok
	case "easter", "goodfriday", "eastermonday":
		d = dtEaster(y, loc)
		switch key {
		case "goodfriday":
			d = d.AddDate(0, 0, -2)
		case "eastermonday":
			d = d.AddDate(0, 0, 1)
		}
		return d, false, true
	case "thanksgiving", "blackfriday", "cybermonday":
		d = dtThanksgiving(y, loc)
		switch key {
		case "blackfriday":
			d = d.AddDate(0, 0, 1)
		case "cybermonday":
			d = d.AddDate(0, 0, 4)
		}
		return d, false, true
	case "prime":
		return time.Date(y, 7, 1, 0, 0, 0, 0, loc), true, true
	}
	return time.Time{}, false, false
}

// dtFestival resolves a festival-relative time. Without a year it is the
// latest festival not after today ("last": strictly before today); "before"
// forms and the Chinese New Year, which people name for weeks before it
// comes, may refer to one shortly ahead, which the caller then drops as a
// future date. The mode decides the precision honestly: "春节前" is no day,
// and is a month only when the festival falls late enough in its month for
// the days before it to stay in that month.
func dtFestival(key string, year int, rel string, mode dtFestMode, today time.Time) (dtVal, bool) {
	if key == "" {
		return dtVal{}, false
	}
	loc := today.Location()
	var d time.Time
	var monthOnly, ok bool
	switch {
	case year != 0:
		d, monthOnly, ok = dtFestDate(key, year, loc)
	case rel == "this":
		d, monthOnly, ok = dtFestDate(key, today.Year(), loc)
	default:
		ahead := 0
		switch mode {
		case dtBefore:
			ahead = 20
		case dtWeekBefore:
			ahead = 7
		case dtDayBefore:
			ahead = 1
		}
		if key == "cny" || key == "cnyeve" || key == "lantern" {
			ahead = max(ahead, 45)
		}
		limit := today.AddDate(0, 0, ahead)
		if rel == "last" {
			limit = today.AddDate(0, 0, -1)
		}
		for y := today.Year() + 1; y >= today.Year()-3 && !ok; y-- {
			var t time.Time
			var mo, found bool
			if t, mo, found = dtFestDate(key, y, loc); found && !t.After(limit) {
				d, monthOnly, ok = t, mo, true
			}
		}
	}
	if !ok {
		return dtVal{}, false
	}
	month := func() (dtVal, bool) { return dtMonthVal(d.Year(), int(d.Month()), loc) }
	if monthOnly {
		return month()
	}
	switch mode {
	case dtAround:
		return month()
	case dtDayBefore:
		return dtVal{date: d.AddDate(0, 0, -1)}, true
	case dtDayAfter:
		return dtVal{date: d.AddDate(0, 0, 1)}, true
	case dtBefore:
		if d.Day() >= 20 {
			return month()
		}
		return dtVagueVal(d)
	case dtAfter:
		if d.Day() <= 10 {
			return month()
		}
		return dtVagueVal(d)
	case dtWeekBefore:
		if d.Day() > 7 {
			return month()
		}
		return dtVagueVal(d)
	case dtWeekAfter:
		if d.Day()+7 <= dtDaysIn(d.Year(), d.Month()) {
			return month()
		}
		return dtVagueVal(d)
	}
	return dtVal{date: d}, true
}

// dtFestZhGuard keeps numbers that only look like festivals out: a bare 618
// or 五一 needs a year, a suffix or a shopping word after it, and none of
// them may be glued to a code or a longer number; 过年好 is a greeting.
func dtFestZhGuard(s string, start, end int) bool {
	m := s[start:end]
	if strings.HasPrefix(m, "年三十") {
		// 今年三十岁 is an age, 大年三十 the eve.
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		n, _ := utf8.DecodeRuneInString(s[end:])
		if strings.ContainsRune("今去前明后後上0123456789", r) || strings.ContainsRune("岁歲多几幾个個年", n) {
			return false
		}
	}
	if strings.HasSuffix(m, "过年") || strings.HasSuffix(m, "過年") {
		if strings.HasPrefix(s[end:], "好") {
			return false
		}
	}
	bare := strings.HasSuffix(m, "618") || strings.HasSuffix(m, "六一八") || strings.HasSuffix(m, "五一")
	if !bare {
		return true
	}
	if strings.HasPrefix(m, "618") && start > 0 && extIsAlnum(s[start-1]) {
		return false
	}
	if end < len(s) && extIsAlnum(s[end]) {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(s[:start]); strings.ContainsRune("一二三四五六七八九十〇零", r) {
		return false
	}
	if strings.Contains(m, "年") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return strings.ContainsRune("买買购購下入那当當的期活大促节節假抢搶", r) || strings.HasPrefix(strings.ToLower(s[end:]), " sale")
}

// dtOrdinalDayGuard keeps "the 3rd socket" from reading as a day: "the 3rd"
// is a date after a preposition or a comma ("on the 8th", "early last month,
// the 3rd"), or with "of" after it.
func dtOrdinalDayGuard(s string, start, end int) bool {
	if strings.HasSuffix(strings.ToLower(s[start:end]), " month") {
		return true // "on 2nd of this month": the month says it is a day
	}
	rest := strings.ToLower(strings.TrimLeft(s[end:], " "))
	if strings.HasPrefix(rest, "of ") {
		_, month := dtMonthNames[dtLeadingWord(strings.TrimPrefix(rest, "of "))]
		return !month // "the 28th of March" is read whole by the month rules
	}
	if rest == "" {
		return true
	}
	if w := dtLeadingWord(rest); w != "" && !dtOrdinalFollowers[w] {
		return false // "the 3rd socket"
	}
	before := strings.ToLower(strings.TrimRight(s[:start], " "))
	if strings.HasSuffix(before, ",") || strings.HasSuffix(before, "(") {
		return true
	}
	for _, p := range []string{"on", "since", "from", "by", "until", "till", "before", "after", "around", "about", "of"} {
		if strings.HasSuffix(before, " "+p) || before == p {
			return true
		}
	}
	return false
}

// dtAnchorYears gives a month or festival named without its year the year
// said just before it in the same sentence: "是我去年给她买的好像是国庆的
// 时候" is last year's National Day, "last year before our trip, around
// July" last year's July.
func dtAnchorYears(text string, ms []dtMention, today time.Time) []dtMention {
	for i := 0; i+1 < len(ms); i++ {
		y, m := ms[i], &ms[i+1]
		if y.prec != dtYear || !m.yearless || m.start-y.end > 90 || extSentenceEnd.MatchString(text[y.end:m.start]) {
			continue
		}
		year := y.date.Year()
		var v dtVal
		var ok bool
		switch {
		case m.fest != "":
			v, ok = dtFestival(m.fest, year, "", m.mode, today)
		case m.prec == dtMonth:
			v, ok = dtMonthVal(year, int(m.date.Month()), today.Location())
		case m.prec == dtDay:
			v.date, ok = dtYMD(year, int(m.date.Month()), m.date.Day(), today.Location())
		}
		if ok {
			m.date, m.prec, m.yearless, m.anchored = v.date, v.prec, false, true
		}
	}
	return ms
}

// dtBareWords are the words that may stand around a date that is said on
// its own ("大概是上个月初吧", "around last March I think").
var dtBareWords = mustRx(`(?i)大概|大约|大約|应该|應該|好像|可能|就是|是|在|的|吧|啊|呀|吧|了|呢|哦|嗯|左右|差不多|` +
	`\b(?:i|we|it|think|maybe|probably|about|around|roughly|was|is|in|on|at|the|yes|yeah|sure|ok|okay|um|uh|hmm|so|like)\b`)

// dtBare reports whether m is said (nearly) on its own in text: a short
// reply that is only a date, perhaps with a model code or a hedge. Only
// such a date, with no cue, is loose: in a longer message a date without a
// cue is more often a circumstance ("we changed provider last Thursday").
func dtBare(text string, ms []dtMention) bool {
	rest := text
	for _, m := range ms {
		rest = extMask(rest, m.start, m.end)
	}
	rest = dtBareWords.ReplaceAllString(rest, " ")
	han, words := 0, 0
	for _, f := range strings.FieldsFunc(rest, func(r rune) bool {
		return !(r < utf8.RuneSelf && (extIsAlnum(byte(r)) || r == '-' || r == '/') || unicode.Is(unicode.Han, r))
	}) {
		if extHasHan(f) {
			han += utf8.RuneCountInString(f)
		} else {
			words++
		}
	}
	return han <= 4 && words <= 1 && !strings.ContainsAny(text, "?？吗嗎")
}

// dtOrdinalFollowers are the words that may follow "the 3rd" when it is a
// day; any other word makes it an ordinal of a thing ("the 3rd socket").
var dtOrdinalFollowers = map[string]bool{
	"and": true, "but": true, "so": true, "when": true, "i": true, "we": true, "it": true, "my": true,
	"the": true, "this": true, "that": true, "or": true, "at": true, "in": true, "on": true, "to": true,
	"for": true, "because": true, "then": true, "lol": true, "pls": true, "please": true, "since": true,
	"after": true, "before": true, "and,": true, "morning": true, "afternoon": true, "evening": true, "night": true,
	"last": true, "this,": true, "from": true, "until": true, "till": true, "already": true, "too": true,
}

// dtLeadingWord is the run of ASCII letters that s starts with.
func dtLeadingWord(s string) string {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	return strings.ToLower(s[:i])
}

// dtDigitDateish reports whether a number in s touches a date sign: a
// separator followed by more digits ("11/11", "2023-06") or a Chinese date
// or time word ("3月", "2023年", "15号", "3点").
func dtDigitDateish(s string) bool {
	for i := 0; i < len(s); i++ {
		if !extIsDigit(s[i]) {
			continue
		}
		j := i + 1
		for j < len(s) && extIsDigit(s[j]) {
			j++
		}
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) {
			switch s[k] {
			case '-', '/', '.':
				if k+1 < len(s) && extIsDigit(s[k+1]) {
					return true
				}
			}
			if r, _ := utf8.DecodeRuneInString(s[k:]); strings.ContainsRune("年月日号號点點", r) {
				return true
			}
		}
		i = j
	}
	return false
}

// The words that let the Chinese rules run at all.
var (
	dtYearWords  = []string{"去年", "前年", "今年", "上年", "旧年", "舊年", "明年"}
	dtAgoWordsZh = []string{"天前", "日前", "周前", "週前", "期前", "拜前", "月前", "年前", "之前", "以前",
		"时前", "時前", "钟前", "鐘前", "头前", "頭前"}
	dtFestWordsZh = func() []string {
		ws := make([]string, 0, len(dtFestKeysZh))
		for w := range dtFestKeysZh {
			ws = append(ws, w)
		}
		sort.Strings(ws)
		return ws
	}()
)

var (
	// dtFestZhAt reads a Chinese festival and what follows it, at the
	// start of the text; dtFestZhBefore what precedes it, at the end: an
	// approximation (好像是), a year (去年, 2021年) and 的.
	dtFestZhAt     = mustRx(`^(` + dtFestZh + `)\s*(` + dtFestSufZh + `)?`)
	dtFestZhBefore = mustRx(`(` + dtApproxZh + `)?(?:(` + dtYearWord + `)|(\d{2,4})\s*年)?\s*的?\s*$`)
	// dtFestZhFirst holds the first runes of the festival words.
	dtFestZhFirst = func() map[rune]bool {
		first := map[rune]bool{}
		for w := range dtFestKeysZh {
			r, _ := utf8.DecodeRuneInString(w)
			first[r] = true
		}
		return first
	}()
)

// dtFindFestZh finds Chinese festival mentions with the submatches of
// "(approx)?(?:(year word)|(digits)年)?的?(festival)(suffix)?".
func dtFindFestZh(text string) [][]int {
	var out [][]int
	prevEnd := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !dtFestZhFirst[r] {
			i += size
			continue
		}
		m := dtFestZhAt.FindStringSubmatchIndex(text[i:])
		if m == nil {
			i += size
			continue
		}
		idx := make([]int, 12)
		for k := range idx {
			idx[k] = -1
		}
		idx[0], idx[1] = i, i+m[1]
		idx[8], idx[9] = i+m[2], i+m[3]
		if m[4] >= 0 {
			idx[10], idx[11] = i+m[4], i+m[5]
		}
		lo := max(prevEnd, i-40)
		for lo < i && !utf8.RuneStart(text[lo]) {
			lo++
		}
		// Digits glued to more digits are no year (a code ending "…2021年").
		if b := dtFestZhBefore.FindStringSubmatchIndex(text[lo:i]); b != nil && b[0] < b[1] &&
			(b[6] < 0 || lo+b[6] == 0 || !extIsDigit(text[lo+b[6]-1])) {
			idx[0] = lo + b[0]
			for g := 1; g <= 3; g++ {
				if b[2*g] >= 0 {
					idx[2*g], idx[2*g+1] = lo+b[2*g], lo+b[2*g+1]
				}
			}
		}
		out = append(out, idx)
		prevEnd = idx[1]
		i = idx[1]
	}
	return out
}

// msgTalkRe opens what follows 刚才 when it is about the conversation
// itself: 刚才没发完, 刚才说错了, 刚才发的号码.
var msgTalkRe = mustRx(`^\s*(?:我)?(?:没发完|沒發完|没打完|沒打完|没说完|沒說完|发的|發的|说的|說的|说错|說錯|打错|打錯|写错|寫錯|发错|發錯|漏了|忘了说|忘了說|问的|問的|给的|給的|留的)`)
