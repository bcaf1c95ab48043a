package nlu

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
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

// dtMention is one date found in a text, with its byte span.
type dtMention struct {
	start, end int
	date       time.Time
}

// dtRule pairs a pattern with the function turning its submatches into a date.
// digitEdges asks for a check that the match is not cut out of a longer
// number, which RE2 cannot express without look-around.
type dtRule struct {
	re         *regexp.Regexp
	digitEdges bool
	guard      func(s string, start, end int) bool // optional context check
	resolve    func(m []string, today time.Time) (time.Time, bool)
}

const dtCN = `[0-9一二两兩三四五六七八九十〇零]{1,3}`

var dtMonthNames = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

const dtMonthAlt = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`

var dtWeekdayNames = map[string]int{
	"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}

var dtEnNumbers = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
}

// dtRules is ordered only for readability: every rule runs and the longest
// leftmost mention wins, so "去年双十一" beats "去年" and "大前天" beats "前天".
var dtRules = []dtRule{
	{ // 2023-11-11, 2023/11/11, 2023.11.11, 2023年11月11日
		re:         regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?`),
		digitEdges: true,
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtYMD(dtAtoi(m[1]), dtAtoi(m[2]), dtAtoi(m[3]), today.Location())
		},
	},
	{ // 2023年11月, 2023年11月底
		re:         regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(初|上旬|中旬|下旬|中|底|末|份)?`),
		digitEdges: true,
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtMonthPart(dtAtoi(m[1]), dtAtoi(m[2]), m[3], today.Location())
		},
	},
	{ // 11/11/2023 (month first unless the first number cannot be a month)
		re:         regexp.MustCompile(`(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})`),
		digitEdges: true,
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			a, b, y := dtAtoi(m[1]), dtAtoi(m[2]), dtAtoi(m[3])
			if a > 12 {
				a, b = b, a
			}
			return dtYMD(y, a, b, today.Location())
		},
	},
	{ // 11/11 without a year: the latest such day not after today
		re:         regexp.MustCompile(`(\d{1,2})/(\d{1,2})`),
		digitEdges: true,
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtRecentMD(dtAtoi(m[1]), dtAtoi(m[2]), today)
		},
	},
	{ // 去年11月11日, 今年3月, 去年十一月底
		re: regexp.MustCompile(`(今年|去年|前年)\s*(` + dtCN + `)\s*月\s*(?:(` + dtCN + `)\s*[日号號]?|(初|上旬|中旬|下旬|中|底|末|份))?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			y := today.Year() - dtYearOffset(m[1])
			mo, ok := dtCNNum(m[2])
			if !ok {
				return time.Time{}, false
			}
			if m[3] != "" {
				d, ok := dtCNNum(m[3])
				if !ok {
					return time.Time{}, false
				}
				return dtYMD(y, mo, d, today.Location())
			}
			return dtMonthPart(y, mo, m[4], today.Location())
		},
	},
	{ // 11月11日, 十一月十一号, 3月初: this year, or last year when that is still ahead
		re: regexp.MustCompile(`(` + dtCN + `)\s*月\s*(?:(` + dtCN + `)\s*[日号號]?|(初|上旬|中旬|下旬|中|底|末|份))`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			mo, ok := dtCNNum(m[1])
			if !ok {
				return time.Time{}, false
			}
			if m[2] != "" {
				d, ok := dtCNNum(m[2])
				if !ok {
					return time.Time{}, false
				}
				return dtRecentMD(mo, d, today)
			}
			t, ok := dtMonthPart(today.Year(), mo, m[3], today.Location())
			if ok && t.After(today) {
				t, ok = dtMonthPart(today.Year()-1, mo, m[3], today.Location())
			}
			return t, ok
		},
	},
	{ // Nov 11 2023, November 11th, 2023, Nov. 11
		re: regexp.MustCompile(`(?i)\b(` + dtMonthAlt + `)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtEnMonthDay(m[1], m[2], m[3], today)
		},
	},
	{ // "in November", "since March 2025": the 1st of the latest such month
		re: regexp.MustCompile(`(?i)\b(?:in|since|during|around|back in|early|mid|late)\s+(` + dtMonthAlt + `)\b(?:\s+(\d{4})\b)?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			mo, ok := dtMonthNames[strings.ToLower(m[1])]
			if !ok {
				return time.Time{}, false
			}
			if m[2] != "" {
				return dtYMD(dtAtoi(m[2]), int(mo), 1, today.Location())
			}
			t, ok := dtYMD(today.Year(), int(mo), 1, today.Location())
			if ok && t.After(today) {
				t, ok = dtYMD(today.Year()-1, int(mo), 1, today.Location())
			}
			return t, ok
		},
	},
	{ // 11 November, 11th of Nov 2023
		re: regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + dtMonthAlt + `)\b\.?(?:,?\s*(\d{4})\b)?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtEnMonthDay(m[2], m[1], m[3], today)
		},
	},
	{ // 15号, 3日: a day of this month, or of last month when still ahead
		re:         regexp.MustCompile(`(` + dtCN + `)\s*[号號日]`),
		digitEdges: true,
		guard:      dtBareDayGuard,
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			d, ok := dtCNNum(m[1])
			if !ok {
				return time.Time{}, false
			}
			return dtRecentDay(d, today)
		},
	},
	{ // "since the 10th": a day of this month, or of last month when still ahead
		re: regexp.MustCompile(`(?i)\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtRecentDay(dtAtoi(m[1]), today)
		},
	},
	{ // 12.12买的, 6.18那天: month.day only right before a date-ish word, so
		// decimals like "1.5匹" are left alone
		re:         regexp.MustCompile(`(\d{1,2})\.(\d{1,2})`),
		digitEdges: true,
		guard: func(s string, start, end int) bool {
			r, _ := utf8.DecodeRuneInString(s[end:])
			return strings.ContainsRune("买買购購下到收坏壞开開出发發那当當就的号號日左前后後时時活大", r)
		},
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtRecentMD(dtAtoi(m[1]), dtAtoi(m[2]), today)
		},
	},
	{ // 今天, 昨天, 前天, 大前天 and friends
		re: regexp.MustCompile(`大前天|前天|昨天|昨日|昨儿|昨晚|昨夜|今天|今日|今儿|今早|今晚|今晨|刚才|剛才|刚刚|剛剛`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			switch m[0] {
			case "大前天":
				return today.AddDate(0, 0, -3), true
			case "前天":
				return today.AddDate(0, 0, -2), true
			case "昨天", "昨日", "昨儿", "昨晚", "昨夜":
				return today.AddDate(0, 0, -1), true
			}
			return today, true
		},
	},
	{ // 上周五, 上星期五, 上禮拜五, 本周一, 周三, 上周, 上周末
		re: regexp.MustCompile(`(上上|上|本|这|這|下)?\s*(?:个|個)?\s*(?:周|週|星期|礼拜|禮拜)\s*([一二三四五六日天七末1-7])?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			return dtZhWeek(m[1], m[2], today)
		},
	},
	{ // 上个月, 上個月初, 上月底, 上个月15号, 这个月初
		re: regexp.MustCompile(`(上上|上|本|这|這)\s*(?:个|個)?\s*月\s*(?:(` + dtCN + `)\s*[日号號]|(初|上旬|中旬|下旬|中|底|末))?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			back := 0
			switch m[1] {
			case "上":
				back = 1
			case "上上":
				back = 2
			}
			y, mo := dtShiftMonth(today.Year(), today.Month(), -back)
			switch {
			case m[2] != "":
				d, ok := dtCNNum(m[2])
				if !ok {
					return time.Time{}, false
				}
				return dtYMD(y, int(mo), d, today.Location())
			case m[3] != "":
				return dtMonthPart(y, int(mo), m[3], today.Location())
			case back == 0:
				return time.Time{}, false // "这个月" alone names no day
			}
			return dtYMD(y, int(mo), min(today.Day(), dtDaysIn(y, mo)), today.Location())
		},
	},
	{ // 去年, 去年双十一, 今年618, 前年年底
		re: regexp.MustCompile(`(去年|前年|今年)\s*(双十一|雙十一|双11|雙11|双十二|雙十二|双12|雙12|618|六一八|年初|年中|年底|年末|国庆|國慶|元旦|底|末|初)?`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			y := today.Year() - dtYearOffset(m[1])
			if m[2] == "" {
				if m[1] == "今年" {
					return time.Time{}, false
				}
				return dtYMD(y, int(today.Month()), min(today.Day(), dtDaysIn(y, today.Month())), today.Location())
			}
			mo, d := dtFestival(m[2])
			return dtYMD(y, mo, d, today.Location())
		},
	},
	{ // 双十一 / 618 without a year: the latest one not after today. A bare 618
		// needs a shopping word after it, otherwise it is just a number.
		re: regexp.MustCompile(`双十一|雙十一|双11|雙11|双十二|雙十二|双12|雙12|(?:618|六一八)(?:活动|活動|大促|期间|期間|的时候|的時候|买|買|购|購|入手|下单|下單|那天)`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			key := m[0]
			if strings.HasPrefix(key, "618") || strings.HasPrefix(key, "六一八") {
				key = "618"
			}
			mo, d := dtFestival(key)
			return dtRecentMD(mo, d, today)
		},
	},
	{ // 三天前, 3天前, 两周前, 两个星期前, 半个月前, 一个多月前, 半年前
		re: regexp.MustCompile(`(\d{1,3}|半|[一二两兩三四五六七八九十]{1,3})\s*多?\s*(?:个|個)?\s*多?\s*(天|日|周|週|星期|礼拜|禮拜|月|年)\s*(?:之|以)?前`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			unit := m[2]
			if m[1] == "半" {
				switch unit {
				case "月":
					return today.AddDate(0, 0, -15), true
				case "年":
					return today.AddDate(0, -6, 0), true
				}
				return time.Time{}, false
			}
			n, ok := dtCNNum(m[1])
			if !ok || n <= 0 {
				return time.Time{}, false
			}
			return dtAgo(today, n, unit), true
		},
	},
	{ // 前两天, 前几天, 这两天: "a couple of days ago", counted as two (几: three)
		re: regexp.MustCompile(`(前|这|這|近)\s*(两|兩|二|几|幾|三)\s*天`),
		guard: func(s string, start, end int) bool {
			// 提前两天, 以前三天, 之前两天 are durations, not dates.
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			return !strings.ContainsRune("提以之往向", r)
		},
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			switch m[2] {
			case "几", "幾", "三":
				return today.AddDate(0, 0, -3), true
			}
			return today.AddDate(0, 0, -2), true
		},
	},
	{ // 去年春节, 春节前后, 过年那会儿, 今年除夕: the Chinese New Year of that year
		re: regexp.MustCompile(`(去年|前年|今年)?\s*(?:的)?\s*(春节|春節|过年|過年|除夕|大年三十)`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			eve := m[2] == "除夕" || strings.Contains(m[2], "三十")
			if m[1] != "" {
				d, ok := dtLunarNewYear(today.Year()-dtYearOffset(m[1]), today.Location())
				if ok && eve {
					d = d.AddDate(0, 0, -1)
				}
				return d, ok
			}
			for y := today.Year(); y >= today.Year()-1; y-- {
				d, ok := dtLunarNewYear(y, today.Location())
				if ok && eve {
					d = d.AddDate(0, 0, -1)
				}
				if ok && !d.After(today) {
					return d, true
				}
			}
			return time.Time{}, false
		},
	},
	{ // 去年夏天, 今年春天, last summer, last winter: the start of that season
		re: regexp.MustCompile(`(?i)(去年|前年|今年)\s*(?:的)?\s*(春天|夏天|秋天|冬天|春季|夏季|秋季|冬季)|\b(last|this)\s+(spring|summer|autumn|fall|winter)\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			season := map[string]int{"春天": 4, "春季": 4, "spring": 4, "夏天": 7, "夏季": 7, "summer": 7,
				"秋天": 10, "秋季": 10, "autumn": 10, "fall": 10, "冬天": 12, "冬季": 12, "winter": 12}
			if m[1] != "" {
				return dtYMD(today.Year()-dtYearOffset(m[1]), season[m[2]], 1, today.Location())
			}
			mo := season[strings.ToLower(m[4])]
			y := today.Year()
			if strings.EqualFold(m[3], "last") {
				// The latest such season that is over (or under way, for winter).
				y--
				if mo == 12 && today.Month() < 3 {
					y--
				}
				if mo < 12 && int(today.Month()) >= mo+3 {
					y++
				}
			}
			t, ok := dtYMD(y, mo, 1, today.Location())
			if ok && t.After(today) {
				return time.Time{}, false
			}
			return t, ok
		},
	},
	{ // Chinese New Year, Lunar New Year, Spring Festival: the latest one
		re: regexp.MustCompile(`(?i)\b(?:chinese|lunar)\s+new\s+year\b|\bspring\s+festival\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			for y := today.Year(); y >= today.Year()-1; y-- {
				if d, ok := dtLunarNewYear(y, today.Location()); ok && !d.After(today) {
					return d, true
				}
			}
			return time.Time{}, false
		},
	},
	{ // yesterday, the day before yesterday, today, last night
		re: regexp.MustCompile(`(?i)\b(the day before yesterday|day before yesterday|yesterday|today|tonight|this morning|this afternoon|this evening|last night|just now|earlier today)\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			s := strings.ToLower(m[1])
			switch {
			case strings.Contains(s, "before"):
				return today.AddDate(0, 0, -2), true
			case s == "yesterday" || s == "last night":
				return today.AddDate(0, 0, -1), true
			}
			return today, true
		},
	},
	{ // 3 days ago, two weeks ago, a month ago, half a year ago
		re: regexp.MustCompile(`(?i)\b(\d{1,3}|a couple of|a couple|couple of|a few|few|half an?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(day|week|month|year)s?\s+ago\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			num := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
			unit := strings.ToLower(m[2])
			if strings.HasPrefix(num, "half") {
				switch unit {
				case "month":
					return today.AddDate(0, 0, -15), true
				case "year":
					return today.AddDate(0, -6, 0), true
				}
				return time.Time{}, false
			}
			n, ok := dtEnNumbers[num]
			if !ok {
				n, ok = dtCNNum(num)
			}
			if !ok || n <= 0 {
				return time.Time{}, false
			}
			return dtAgo(today, n, unit), true
		},
	},
	{ // last Friday, this Monday, on Monday, Tuesday
		re: regexp.MustCompile(`(?i)\b(?:(last|this|on|past|previous)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			wd := dtWeekdayNames[strings.ToLower(m[2])]
			switch strings.ToLower(m[1]) {
			case "this":
				return dtMonday(today).AddDate(0, 0, wd), true
			case "last", "past", "previous":
				// The most recent such day strictly before today.
				back := (dtISOWeekday(today) - wd + 7) % 7
				if back == 0 {
					back = 7
				}
				return today.AddDate(0, 0, -back), true
			}
			return today.AddDate(0, 0, -((dtISOWeekday(today) - wd + 7) % 7)), true
		},
	},
	{ // last week, last month, the end of last month, early last month, last year
		re: regexp.MustCompile(`(?i)\b(?:(?:the\s+)?(beginning|start|end|middle|early|mid|late)[\s-]+(?:of\s+)?)?(last|the previous|previous|the past|past)\s+(week|month|year)\b`),
		resolve: func(m []string, today time.Time) (time.Time, bool) {
			part := strings.ToLower(m[1])
			switch strings.ToLower(m[3]) {
			case "week":
				return today.AddDate(0, 0, -7), true
			case "year":
				y := today.Year() - 1
				switch part {
				case "beginning", "start", "early":
					return dtYMD(y, 1, 1, today.Location())
				case "middle", "mid":
					return dtYMD(y, 7, 1, today.Location())
				case "end", "late":
					return dtYMD(y, 12, 31, today.Location())
				}
				return dtYMD(y, int(today.Month()), min(today.Day(), dtDaysIn(y, today.Month())), today.Location())
			}
			y, mo := dtShiftMonth(today.Year(), today.Month(), -1)
			switch part {
			case "beginning", "start", "early":
				return dtYMD(y, int(mo), 1, today.Location())
			case "middle", "mid":
				return dtYMD(y, int(mo), 15, today.Location())
			case "end", "late":
				return dtYMD(y, int(mo), dtDaysIn(y, mo), today.Location())
			}
			return dtYMD(y, int(mo), min(today.Day(), dtDaysIn(y, mo)), today.Location())
		},
	},
}

// ParseDate resolves absolute and relative dates against now in loc and
// returns the calendar date (midnight in loc) of the first date in text.
// A nil loc means Asia/Shanghai.
func ParseDate(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	ms := dtFind(extNormalize(text), now, loc)
	if len(ms) == 0 {
		return time.Time{}, false
	}
	return ms[0].date, true
}

// dtFind returns every date mention in text, leftmost first, without overlaps.
func dtFind(text string, now time.Time, loc *time.Location) []dtMention {
	if loc == nil {
		loc = extDefaultLocation()
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	var all []dtMention
	for _, r := range dtRules {
		for _, idx := range r.re.FindAllStringSubmatchIndex(text, -1) {
			if r.digitEdges && !extDigitEdges(text, idx[0], idx[1]) {
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
			d, ok := r.resolve(m, today)
			if !ok {
				continue
			}
			// Trailing spaces matched by optional parts are not part of the date.
			end := idx[0] + len(strings.TrimRight(m[0], " \t"))
			all = append(all, dtMention{start: idx[0], end: end, date: d})
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
	return out
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

// dtMonthPart picks the day for 初/中/底 style month parts; no part means the 1st.
func dtMonthPart(y, m int, part string, loc *time.Location) (time.Time, bool) {
	if m < 1 || m > 12 {
		return time.Time{}, false
	}
	switch part {
	case "中", "中旬":
		return dtYMD(y, m, 15, loc)
	case "下旬":
		return dtYMD(y, m, 21, loc)
	case "底", "末":
		return dtYMD(y, m, dtDaysIn(y, time.Month(m)), loc)
	}
	return dtYMD(y, m, 1, loc)
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

func dtEnMonthDay(month, day, year string, today time.Time) (time.Time, bool) {
	mo, ok := dtMonthNames[strings.ToLower(month)]
	if !ok {
		return time.Time{}, false
	}
	if year != "" {
		return dtYMD(dtAtoi(year), int(mo), dtAtoi(day), today.Location())
	}
	return dtRecentMD(int(mo), dtAtoi(day), today)
}

// dtLunarNewYears holds the first day of the Chinese New Year (春节).
var dtLunarNewYears = map[int][2]int{
	2015: {2, 19}, 2016: {2, 8}, 2017: {1, 28}, 2018: {2, 16}, 2019: {2, 5}, 2020: {1, 25},
	2021: {2, 12}, 2022: {2, 1}, 2023: {1, 22}, 2024: {2, 10}, 2025: {1, 29}, 2026: {2, 17},
	2027: {2, 6}, 2028: {1, 26}, 2029: {2, 13}, 2030: {2, 3}, 2031: {1, 23}, 2032: {2, 11},
	2033: {1, 31}, 2034: {2, 19}, 2035: {2, 8}, 2036: {1, 28}, 2037: {2, 15}, 2038: {2, 4},
	2039: {1, 24}, 2040: {2, 12},
}

func dtLunarNewYear(y int, loc *time.Location) (time.Time, bool) {
	md, ok := dtLunarNewYears[y]
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(md[0]), md[1], 0, 0, 0, 0, loc), true
}

func dtYearOffset(s string) int {
	switch s {
	case "去年":
		return 1
	case "前年":
		return 2
	}
	return 0
}

func dtFestival(s string) (int, int) {
	switch s {
	case "双十一", "雙十一", "双11", "雙11":
		return 11, 11
	case "双十二", "雙十二", "双12", "雙12":
		return 12, 12
	case "618", "六一八":
		return 6, 18
	case "年中":
		return 7, 1
	case "年底", "年末", "底", "末":
		return 12, 31
	case "国庆", "國慶":
		return 10, 1
	}
	return 1, 1 // 年初, 元旦
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

func dtZhWeek(prefix, day string, today time.Time) (time.Time, bool) {
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
	case "六", "6", "末":
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
		if wd < 0 {
			return time.Time{}, false // a bare 周 is a unit, not a date
		}
		// 周五 alone: the latest Friday not after today.
		return today.AddDate(0, 0, -((dtISOWeekday(today) - wd + 7) % 7)), true
	}
	if wd < 0 {
		if weeks == 0 {
			return time.Time{}, false // "这周" names no day
		}
		return today.AddDate(0, 0, 7*weeks), true
	}
	return dtMonday(today).AddDate(0, 0, 7*weeks+wd), true
}

// dtBareDayGuard keeps "3号" from matching house numbers (幸福路3号), rooms,
// lines or machines (3号机): only a day when no address word precedes it and
// no counter word follows it.
func dtBareDayGuard(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if strings.ContainsRune("路街道巷弄村里區区栋棟楼樓室层層号號元-#第月周週期拜", r) {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if strings.ContainsRune("机機楼樓线線房院门門店床位码碼口台车車窗柜櫃键鍵桌球元圆圓楼厅廳馆館", r) {
			return false
		}
	}
	return true
}

// dtRecentDay is day d of this month, or of last month when still ahead.
func dtRecentDay(d int, today time.Time) (time.Time, bool) {
	y, mo := today.Year(), today.Month()
	if d > today.Day() {
		y, mo = dtShiftMonth(y, mo, -1)
	}
	return dtYMD(y, int(mo), d, today.Location())
}
