package dialog

// Parsing for the conversation after a case is resolved (SPEC §6–§7): the
// function check, the satisfaction survey, the optional comment, and the
// signals that lead elsewhere (a complaint, a new subject). Everything here
// is a pure function of the customer's text so the engine can be tested
// without it and so the choices live in one place.
//
// Decisions, in short:
//   - Ratings are 1–5. An explicit number beats words ("满意，给5分" = 5);
//     two different numbers are ambiguous ("3 or 4", "3-4分"). Words that
//     disagree in direction are ambiguous ("服务很好，但是太慢了"); words that
//     agree take the stronger one ("挺好的，很满意" = 5).
//   - Emoji are a last resort: 👍 = 4 (like "good"), 👍👍 = 5, 👎 = 2 (like
//     "bad"), 👎👎 = 1; ⭐ count as stars. WeChat's [强]/[弱] are 👍/👎.
//     WeChat's [微笑] is deliberately ignored: it is often sarcastic.
//   - Acknowledgements are not ratings: "好的", "嗯", "收到" give ok=false so
//     the engine asks again (with buttons where it can). A bare "好" is "good"
//     (4), "ok"/"可以"/"行" are "acceptable" (3).
//   - Numbers outside the scale: "10分", "100分", "10/10" are top marks (5),
//     "0分"/"零分" the lowest (1), "8/10" is scaled (4); "8分" or a decimal
//     ("4.5") is ambiguous. Numbers with other units (3天, 2 hours, 5楼) and
//     codes (XQG80, order numbers, phones) are not ratings.
//   - A question ("5分是最好吗？", "what does 5 mean?") is not an answer.

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/dialog/nlu"
)

// SurveyDimension is one question of the satisfaction survey.
type SurveyDimension string

// The three survey dimensions of SPEC §6.
const (
	SurveyTimeliness      SurveyDimension = "timeliness"      // 及时性
	SurveyProfessionalism SurveyDimension = "professionalism" // 专业性
	SurveyEffectiveness   SurveyDimension = "effectiveness"   // 解决效果
)

// SurveyDimensions lists the dimensions in the order they are asked; an
// unlabeled multi-score reply ("5 4 5") is read in this order.
var SurveyDimensions = []SurveyDimension{SurveyTimeliness, SurveyProfessionalism, SurveyEffectiveness}

// CheckAnswer is the customer's answer to the function check ("does it work
// normally now?").
type CheckAnswer int

// Function check answers.
const (
	CheckUnknown CheckAnswer = iota // not tried yet, a question, or unclear
	CheckWorks                      // works: the survey follows
	CheckBroken                     // still broken: the case reopens
)

func (a CheckAnswer) String() string {
	switch a {
	case CheckWorks:
		return "works"
	case CheckBroken:
		return "broken"
	}
	return "unknown"
}

// ---- normalization ----

// svT2S maps the traditional characters that occur in the phrases below to
// their simplified forms, so each phrase is written once.
var svT2S = func() map[rune]rune {
	const pairs = `滿满 務务 業业 專专 時时 還还 錯错 壞坏 極极 較较 應应 題题 問问 試试 沒没 訴诉 報报 舉举 經经 麼么 樣样 點点 這这 進进 態态 與与 個个 開开 機机 電电 為为 會会 來来 說说 對对 換换 轉转 響响 聲声 燈灯 熱热 脫脱 動动 運运 過过 後后 幫帮 謝谢 們们 給给 評评 選选 顆颗 鐘钟 讚赞 贊赞 爛烂 優优 質质 維维 師师 處处 決决 辦办 況况 負负 責责 單单 號号 訂订 貨货 價价 錢钱 費费 見见 議议 寫写 話话 複复 復复 無无 斷断 顯显 碼码 線线 網网 連连 據据 類类 別别 準准 狀状 異异 噪噪 誤误 設设 陣阵 幾几 兩两 種种 裡里 邊边 們们 聯联 繫系 係系 約约 壓压 閃闪 亂乱 穩稳 靠靠 給给 夠够 點点 臺台 台台 個个 歲岁 層层 週周 雖虽 級级 總总 惡恶 劣劣 垃垃 圾圾 糟糟 慢慢 專专 嗎吗 麼么 啥啥 哪哪 何何 嗯嗯 據据 幹干 於于 協协 屬属 構构 閉闭 結结 凍冻 濕湿 滲渗 漏漏 亮亮 嘩哗 卡卡 響响 員员 務务 體体 驗验 頭头 現现 發发 廠厂 換换 緊紧 擔担 憂忧 謂谓 稱称 嘛嘛 啦啦 麻麻 煩烦 辛辛 苦苦 補补 充充 見见 識识 讓让 讀读 實实 際际 隨随 鬆松 順顺 氣气 風风 溫温 調调 確确 認认 術术 細细 節节 戶户 訊讯 錄录 歷历 遲迟 達达 遞递 郵邮 寄寄 暫暂 問问 題题 稍稍 週周 週周 導导 闆板 領领 經经 理理 勁劲 給给 殺杀 媒媒 體体 曝曝 訟讼 師师 協协 場场 監监 管管 產产 號号 單单 態态 處处 點点 遍遍`
	m := map[rune]rune{}
	for _, p := range strings.Fields(pairs) {
		rs := []rune(p)
		if len(rs) == 2 && rs[0] != rs[1] {
			m[rs[0]] = rs[1]
		}
	}
	return m
}()

// svNorm lowercases, folds full-width forms and traditional characters, and
// drops emoji modifiers, so patterns can be written once in simplified
// Chinese and lowercase ASCII.
func svNorm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000 || r == 0x00A0 || r == '\t' || r == '\r':
			r = ' '
		case r == '\u2018' || r == '\u2019' || r == '\u02BC' || r == '`':
			r = '\''
		case r == '\u201C' || r == '\u201D':
			r = '"'
		case r == 0xFE0F || r == 0x200B || r == 0x200D || r == 0xFEFF || (r >= 0x1F3FB && r <= 0x1F3FF):
			continue
		}
		if s, ok := svT2S[r]; ok {
			r = s
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSpace(b.String())
}

func svIsDigit(r rune) bool { return r >= '0' && r <= '9' }

func svIsASCIIAlnum(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// svIsSep reports a rune that ends a word or clause: spaces, punctuation and
// symbols (emoji included).
func svIsSep(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// ---- phrase lexicons ----

// svEntry is one phrase of a lexicon with its value (a score, or a class for
// the function check; 0 masks a phrase that only looks like one).
type svEntry struct {
	p      string
	v      int
	fixed  bool // carries its own negation ("不满意"): no generic flip
	clause bool // counts only as a clause of its own ("好", "可以")
}

type svHit struct {
	start, end, v int
	neg           bool // a negation comes right before it
	e             *svEntry
}

// svLex sorts entries longest first so "非常不满意" wins over "不满意" and
// "满意", and marks entries that contain a negation as fixed.
func svLex(es []svEntry) []svEntry {
	for i := range es {
		p := es[i].p
		if strings.Contains(p, "不") || strings.Contains(p, "没") || strings.Contains(p, "not") ||
			strings.Contains(p, "n't") || strings.HasPrefix(p, "no ") || strings.Contains(p, "never") {
			es[i].fixed = true
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return len(es[i].p) > len(es[j].p) })
	return es
}

// svNegRe finds a negation at the end of the text before a phrase, allowing
// intensifiers and fillers between ("不是很", "没那么", "wasn't very").
var svNegRe = regexp.MustCompile(`(?:不|没|并非|从未|\bnot|\bno|\bnever|\bhardly|\bbarely|n't|\b(?:dont|doesnt|didnt|isnt|wasnt|arent|werent|cant|cannot|wont|aint|havent|hasnt|no longer|stopped|without|nothing)\b)(?:\s|很|太|是|那么|这么|怎么|算|够|大|特别|非常|十分|完全|真的|真|都|也|什么|啥|任何|再|有|\b(?:very|really|that|too|so|all|quite|super|particularly|exactly|entirely|completely|totally|fully|overly|especially|be|been|being|a|an|any|the|more|as|much|even|yet)\b)*$`)

func svNegatedBefore(t string, start int) bool {
	pre := t[:start]
	if len(pre) > 40 {
		pre = pre[len(pre)-40:]
		for !utf8.ValidString(pre) {
			pre = pre[1:]
		}
	}
	return svNegRe.MatchString(pre)
}

// svParticles may follow a clause-only phrase ("好吧", "可以的").
const svParticles = "吧啊呀的了啦哦喔呢嘛哈滴哒~"

func svClauseAt(t string, s, e int) bool {
	if s > 0 {
		r, _ := utf8.DecodeLastRuneInString(t[:s])
		if !svIsSep(r) {
			return false
		}
	}
	rest := strings.TrimLeft(t[e:], svParticles)
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return svIsSep(r)
}

// svFind returns the non-overlapping phrase hits in t, in text order, with
// the negation flag set for phrases that do not carry their own.
func svFind(t string, lex []svEntry) []svHit {
	used := make([]bool, len(t))
	var hits []svHit
	for i := range lex {
		e := &lex[i]
		for off := 0; off < len(t); {
			k := strings.Index(t[off:], e.p)
			if k < 0 {
				break
			}
			s, end := off+k, off+k+len(e.p)
			_, w := utf8.DecodeRuneInString(t[s:])
			off = s + w
			if svUsedAny(used, s, end) || !svBoundOK(t, s, end) || (e.clause && !svClauseAt(t, s, end)) {
				continue
			}
			for j := s; j < end; j++ {
				used[j] = true
			}
			hits = append(hits, svHit{start: s, end: end, v: e.v, e: e})
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	for i := range hits {
		if !hits[i].e.fixed && hits[i].v != 0 {
			hits[i].neg = svNegatedBefore(t, hits[i].start)
		}
	}
	return hits
}

func svUsedAny(used []bool, s, e int) bool {
	for i := s; i < e; i++ {
		if used[i] {
			return true
		}
	}
	return false
}

// svBoundOK keeps English phrases to whole words: "ok" is not in "token".
func svBoundOK(t string, s, e int) bool {
	if r, _ := utf8.DecodeRuneInString(t[s:]); svIsASCIIAlnum(r) && s > 0 {
		if p, _ := utf8.DecodeLastRuneInString(t[:s]); svIsASCIIAlnum(p) {
			return false
		}
	}
	if r, _ := utf8.DecodeLastRuneInString(t[:e]); svIsASCIIAlnum(r) && e < len(t) {
		if n, _ := utf8.DecodeRuneInString(t[e:]); svIsASCIIAlnum(n) {
			return false
		}
	}
	return true
}

// ---- ratings ----

func svL(v int, ps ...string) []svEntry {
	es := make([]svEntry, len(ps))
	for i, p := range ps {
		es[i] = svEntry{p: p, v: v}
	}
	return es
}

func svJoin(groups ...[]svEntry) []svEntry {
	var out []svEntry
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// svRatingLex maps rating words to scores. The Chinese five-level scale is
// 非常满意 5, 满意 4, 基本满意/一般 3, 不满意 2, 非常不满意 1; English follows
// excellent 5, good 4, ok 3, bad 2, terrible 1.
var svRatingLex = svLex(svJoin(
	svL(5, "非常满意", "很满意", "特别满意", "十分满意", "超满意", "超级满意", "相当满意", "太满意", "满意极了",
		"百分百满意", "百分之百满意", "100%满意", "完全满意", "非常好", "很好", "特别好", "太好了", "超好", "十分好",
		"极好", "好极了", "棒极了", "非常棒", "很棒", "太棒", "超棒", "完美", "满分", "好评", "超赞", "无可挑剔",
		"没得说", "没的说", "没话说", "很及时", "非常及时", "特别及时", "十分及时", "很专业", "非常专业", "特别专业",
		"十分专业", "很快", "非常快", "特别快", "很有效", "非常有效", "很不错", "非常不错", "相当不错", "特别不错",
		"很给力", "非常给力", "很靠谱", "非常靠谱", "真棒", "真好",
		"excellent", "outstanding", "perfect", "amazing", "fantastic", "superb", "awesome", "brilliant",
		"wonderful", "exceptional", "great", "very good", "really good", "extremely good", "very satisfied",
		"extremely satisfied", "completely satisfied", "totally satisfied", "fully satisfied", "very happy",
		"really happy", "extremely happy", "very pleased", "loved it", "love it", "top notch", "top-notch",
		"first class", "the best", "couldn't be better", "could not be better", "flawless", "impeccable",
		"very fast", "very quick", "very professional", "very effective", "very helpful", "super fast",
		"highly satisfied"),
	svL(4, "满意", "比较满意", "还算满意", "挺满意", "蛮满意", "还满意", "挺好", "蛮好", "还挺好", "比较好", "较好",
		"良好", "不错", "还不错", "挺不错", "蛮不错", "及时", "挺及时", "比较及时", "专业", "挺专业", "比较专业",
		"有效", "挺快", "比较快", "不差", "不坏", "棒", "赞", "点赞", "给力", "靠谱", "没什么不满意", "没有不满意", "没有什么不满意",
		"good", "pretty good", "quite good", "fairly good", "satisfied", "happy", "pleased", "nice", "not bad",
		"fast", "quick", "prompt", "professional", "effective", "helpful", "solid", "above average",
		"mostly satisfied", "generally satisfied", "thumbs up", "no complaints", "can't complain", "cant complain"),
	svL(3, "一般", "一般般", "还行", "还可以", "凑合", "马马虎虎", "过得去", "还过得去", "中等", "中规中矩", "差不多",
		"还好", "普普通通", "差强人意", "中评", "有点慢", "有点晚", "基本满意", "说得过去", "勉强", "及格", "普通", "不好不坏", "不好也不坏", "有待提高", "有待改进",
		"不算差", "不算太差", "不太差", "没那么差", "ok", "okay", "average", "fine", "alright", "all right",
		"so-so", "so so", "meh", "fair", "neutral", "acceptable", "mediocre", "adequate", "decent",
		"not too bad", "not that bad", "could be better", "could have been better", "reasonable",
		"nothing special", "passable", "good enough"),
	svL(2, "不满意", "不太满意", "不怎么满意", "不够满意", "不大满意", "有点不满意", "不太好", "不好", "不怎么样",
		"较差", "比较差", "差", "挺差", "有点差", "不及时", "不专业", "不太及时", "不太专业", "太慢", "很慢",
		"比较慢", "太晚", "太迟", "很晚", "失望", "有点失望", "不给力", "不靠谱", "bad", "poor", "unsatisfied", "dissatisfied",
		"unhappy", "disappointed", "disappointing", "slow", "too slow", "not good", "not great",
		"below average", "not very good", "thumbs down", "subpar", "unprofessional", "ineffective", "not ok", "not okay"),
	svL(1, "很不满意", "非常不满意", "特别不满意", "十分不满意", "极不满意", "极其不满意", "太不满意", "超级不满意",
		"相当不满意", "完全不满意", "一点都不满意", "一点也不满意", "一点都不好", "一点也不好", "很差", "非常差",
		"特别差", "太差", "极差", "超差", "差劲", "很差劲", "太差劲", "最差", "垃圾", "太烂", "很烂", "烂透",
		"糟糕", "糟透", "非常失望", "很失望", "太失望", "差评", "恶劣", "非常慢", "慢死了", "很不专业",
		"非常不专业", "一点都不专业", "terrible", "awful", "very bad", "horrible", "very poor", "worst",
		"useless", "appalling", "atrocious", "abysmal", "pathetic", "rubbish", "garbage", "disgusting",
		"very dissatisfied", "very unsatisfied", "extremely dissatisfied", "completely dissatisfied",
		"totally unsatisfied", "very disappointed", "extremely disappointed", "very unhappy", "horrendous",
		"dreadful", "really bad", "extremely bad", "extremely poor", "very slow", "not at all satisfied",
		"not satisfied at all", "not happy at all", "not good at all", "unacceptable"),
	// Masks: words that contain a rating word without being one.
	svL(0, "满意度", "及时性", "专业性", "差点", "不好说", "不太好说", "说不好", "好不好", "差一点", "出差", "时差", "误差", "差价", "差额", "差距",
		"不好意思", "好意思", "一般来说", "一般是", "满意吗", "好的", "好滴", "fine print", "fair enough"),
	[]svEntry{{p: "好", v: 4, clause: true}, {p: "可以", v: 3, clause: true}, {p: "行", v: 3, clause: true}},
))

// svNegScore is the score of a negated rating word: "not satisfied" 2,
// "not bad"/"不差" 4, "not terrible" 3.
func svNegScore(v int) int {
	switch {
	case v >= 3:
		return 2
	case v == 2:
		return 4
	default:
		return 3
	}
}

// svResolve reduces several word scores to one: agreeing directions take
// the stronger, anything else is ambiguous.
func svResolve(vs []int) (int, bool) {
	if len(vs) == 0 {
		return 0, false
	}
	lo, hi := vs[0], vs[0]
	for _, v := range vs[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	switch {
	case lo == hi:
		return lo, true
	case lo >= 4:
		return hi, true
	case hi <= 2:
		return lo, true
	}
	return 0, false
}

var (
	svButtonRe = regexp.MustCompile(`^rating\s*[:=]\s*([1-5])$`)
	// svScaleRe is the scale echoed back ("1-5分里我给5") and must not count.
	svScaleRe = regexp.MustCompile(`\b[01]\s*(?:-|~|到|至|to)\s*(?:5|10)\s*(?:分|星|points?|stars?|scale)?|满分\s*(?:5|10)`)
	// svAskRe: a question mark or a final 吗 together with an asking word.
	svAskRe  = regexp.MustCompile(`[?]|吗\s*$|么\s*$`)
	svWhatRe = regexp.MustCompile(`什么|怎么|哪|吗|么|是不是|多少|几|\b(?:what|which|how|why|does|do|is|can|mean|means|should)\b`)
)

// svNumVal is a number found in the text: a score, or bad when it looks
// like a score but does not fit the scale ("8分", "4.5").
type svNumVal struct {
	v   int
	bad bool
}

const svZhNums = "零一二两三四五"

// svUnitSkip lists what follows a number that is not a score: times,
// counts, money, floors, ordinals.
var svUnitSkip = []string{"分钟", "分之", "分钱", "分别", "分享", "分析", "分开", "分配", "分类", "分期", "分店",
	"天", "号", "日", "点", "次", "个", "月", "年", "小时", "时", "周", "台", "元", "块", "岁", "楼", "层", "位", "遍",
	"件", "家", "趟", "人", "米", "斤", "度", "寸", "毫", "升", "秒", "期", "倍", "折", "成", "万", "千", "百", "十",
	"%", "星期", "礼拜", "钟"}

var svEnUnitSkip = map[string]bool{"day": true, "days": true, "hour": true, "hours": true, "h": true, "hr": true,
	"hrs": true, "min": true, "mins": true, "minute": true, "minutes": true, "week": true, "weeks": true,
	"month": true, "months": true, "year": true, "years": true, "time": true, "times": true, "x": true, "am": true,
	"pm": true, "pcs": true, "kg": true, "people": true, "persons": true, "visit": true, "visits": true,
	"call": true, "calls": true, "email": true, "emails": true, "st": true, "nd": true, "rd": true, "th": true,
	"working": true, "business": true, "sec": true, "seconds": true}

var svEnScoreUnit = map[string]bool{"star": true, "stars": true, "point": true, "points": true, "pt": true,
	"pts": true}

// svUnit classifies what follows a number at rs[k:]: 1 a score unit (分,
// 星, stars), -1 something else that makes it not a score, 0 nothing.
func svUnit(rs []rune, k int) (kind, n int) {
	for k < len(rs) && rs[k] == ' ' {
		k++
		n++
	}
	if k >= len(rs) {
		return 0, 0
	}
	rest := string(rs[k:])
	for _, u := range []string{"颗星", "粒星", "个星"} {
		if strings.HasPrefix(rest, u) {
			return 1, n + 2
		}
	}
	for _, u := range svUnitSkip {
		if strings.HasPrefix(rest, u) {
			return -1, 0
		}
	}
	for _, u := range []string{"分", "星", "颗", "⭐", "🌟", "★"} {
		if strings.HasPrefix(rest, u) {
			return 1, n + utf8.RuneCountInString(u)
		}
	}
	if rs[k] < 128 && unicode.IsLetter(rs[k]) {
		j := k
		for j < len(rs) && rs[j] < 128 && unicode.IsLetter(rs[j]) {
			j++
		}
		w := string(rs[k:j])
		switch {
		case svEnScoreUnit[w]:
			return 1, n + j - k
		case svEnUnitSkip[w] || n == 0:
			// "5g", "3d": a code, not a score; after a space only units.
			return -1, 0
		}
	}
	if rs[k] == ':' && k+1 < len(rs) && svIsDigit(rs[k+1]) {
		return -1, 0 // a time of day
	}
	return 0, 0
}

// svFraction reads "/5", "/10", "out of 5", "of 10" at rs[k:].
func svFraction(rs []rune, k int) (den, n int) {
	j := k
	for j < len(rs) && rs[j] == ' ' {
		j++
	}
	rest := string(rs[j:])
	switch {
	case strings.HasPrefix(rest, "/"):
		j++
	case strings.HasPrefix(rest, "out of"):
		j += 6
	case strings.HasPrefix(rest, "of "):
		j += 2
	default:
		return 0, 0
	}
	for j < len(rs) && rs[j] == ' ' {
		j++
	}
	d := j
	for j < len(rs) && svIsDigit(rs[j]) {
		j++
	}
	if s := string(rs[d:j]); (s == "5" || s == "10") && (j == len(rs) || !svIsASCIIAlnum(rs[j])) {
		if s == "5" {
			return 5, j - k
		}
		return 10, j - k
	}
	return 0, 0
}

var svEnNums = map[string]int{"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

// svNumbers finds the numbers in t that can be scores: digits, Chinese
// numerals with 分/星 or on their own, English number words with "stars".
func svNumbers(t string) []svNumVal {
	rs := []rune(t)
	var out []svNumVal
	only := strings.Trim(t, " .!~,"+svParticles)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case svIsDigit(r):
			j := i
			for j < len(rs) && svIsDigit(rs[j]) {
				j++
			}
			dec := j+1 < len(rs) && rs[j] == '.' && svIsDigit(rs[j+1])
			end := j
			if dec {
				zero := true
				for end = j + 1; end < len(rs) && svIsDigit(rs[end]); end++ {
					zero = zero && rs[end] == '0'
				}
				dec = !zero // "5.0" is 5
			}
			start := i
			i = end - 1
			if start > 0 {
				p := rs[start-1]
				if svIsASCIIAlnum(p) || p == '.' || p == '第' || p == '#' || p == '+' ||
					(p == ':' && start > 1 && svIsDigit(rs[start-2])) {
					continue
				}
			}
			if j-start > 3 {
				continue // phones, order numbers, years
			}
			v := 0
			for _, d := range rs[start:j] {
				v = v*10 + int(d-'0')
			}
			den, fn := 0, 0
			if !dec {
				den, fn = svFraction(rs, end)
			}
			kind, un := svUnit(rs, end+fn)
			if kind < 0 {
				continue
			}
			i = end + fn + un - 1
			switch {
			case dec:
				if v < 5 || kind > 0 {
					out = append(out, svNumVal{bad: true})
				}
			case den == 5 && v <= 5:
				out = append(out, svNumVal{v: max(v, 1)})
			case den == 10 && v <= 10:
				out = append(out, svNumVal{v: max((v+1)/2, 1)})
			case v >= 1 && v <= 5:
				out = append(out, svNumVal{v: v})
			case kind > 0 && v == 0:
				out = append(out, svNumVal{v: 1})
			case kind > 0 && (v == 10 || v == 100):
				out = append(out, svNumVal{v: 5})
			case kind > 0:
				out = append(out, svNumVal{bad: true})
			}
		case strings.ContainsRune(svZhNums, r):
			if i > 0 && strings.ContainsRune(svZhNums+"十百千万六七八九几第", rs[i-1]) {
				continue
			}
			if i+1 < len(rs) && strings.ContainsRune(svZhNums+"十百千万六七八九", rs[i+1]) {
				continue
			}
			v := strings.IndexRune(svZhNums, r) / 3 // each numeral is 3 bytes
			if r == '两' {
				v = 2
			} else if v >= 3 {
				v--
			}
			kind, un := svUnit(rs, i+1)
			after := i + 1 + un
			alone := only == string(r)
			given := i > 0 && strings.ContainsRune("打给评选", rs[i-1]) && (i+1 == len(rs) || svIsSep(rs[i+1]))
			if kind > 0 && (after >= len(rs) || rs[after] != '钟') || alone || given {
				out = append(out, svNumVal{v: max(v, 1)})
				i = after - 1
			}
		case r < 128 && unicode.IsLetter(r) && (i == 0 || !svIsASCIIAlnum(rs[i-1])):
			j := i
			for j < len(rs) && rs[j] < 128 && unicode.IsLetter(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			i = j - 1
			v, ok := svEnNums[w]
			if !ok {
				continue
			}
			if den, _ := svFraction(rs, j); den == 5 {
				out = append(out, svNumVal{v: max(v, 1)})
				continue
			}
			if kind, _ := svUnit(rs, j); kind > 0 || only == w {
				out = append(out, svNumVal{v: max(v, 1)})
			}
		}
	}
	return out
}

// svStars counts star emoji when the customer rates with them.
func svStars(t string) int {
	n := 0
	for _, r := range t {
		if r == '⭐' || r == '🌟' || r == '★' {
			n++
		}
	}
	return min(n, 5)
}

// svEmojiScores reads the other emoji (see the decisions at the top).
func svEmojiScores(t string) []int {
	var vs []int
	up := strings.Count(t, "👍") + strings.Count(t, "[强]")
	down := strings.Count(t, "👎") + strings.Count(t, "[弱]")
	switch {
	case up == 1:
		vs = append(vs, 4)
	case up > 1:
		vs = append(vs, 5)
	}
	switch {
	case down == 1:
		vs = append(vs, 2)
	case down > 1:
		vs = append(vs, 1)
	}
	for _, r := range t {
		switch r {
		case '😍', '🥰', '🤩', '💯':
			vs = append(vs, 5)
		case '😊', '🙂', '😀', '😃', '😄', '😁', '☺', '👌':
			vs = append(vs, 4)
		case '😐', '😑', '🤷':
			vs = append(vs, 3)
		case '🙁', '😞', '😕', '😒', '☹', '😔':
			vs = append(vs, 2)
		case '😡', '😠', '🤬', '💩':
			vs = append(vs, 1)
		}
	}
	return vs
}

// ParseRating reads a 1–5 score from a customer's reply to one survey
// question: button values "rating:N", digits, Chinese numerals, words in
// zh-CN, zh-TW and English (negation-aware), stars and emoji. ok is false
// when there is no score, when the reply is ambiguous or out of scale, or
// when it is a question.
func ParseRating(text string) (score int, ok bool) {
	t := svNorm(text)
	if t == "" {
		return 0, false
	}
	if m := svButtonRe.FindStringSubmatch(t); m != nil {
		return int(m[1][0] - '0'), true
	}
	if svAskRe.MatchString(t) && svWhatRe.MatchString(t) {
		return 0, false
	}
	masked := svScaleRe.ReplaceAllStringFunc(t, func(s string) string { return strings.Repeat(" ", len(s)) })
	if v, ok, found := svRate(masked); found || masked == t {
		return v, ok
	}
	// Only the "scale" was there: "满分5分" is itself the answer.
	v, ok, _ := svRate(t)
	return v, ok
}

// svRate reads a score from normalized text; found reports whether there
// was anything score-like at all.
func svRate(t string) (score int, ok, found bool) {
	if nums := svNumbers(t); len(nums) > 0 {
		v := 0
		for _, n := range nums {
			if n.bad || (v != 0 && n.v != v) {
				return 0, false, true
			}
			v = n.v
		}
		return v, true, true
	}
	var vs []int
	for _, h := range svFind(t, svRatingLex) {
		switch {
		case h.v == 0:
		case h.neg:
			vs = append(vs, svNegScore(h.v))
		default:
			vs = append(vs, h.v)
		}
	}
	if len(vs) > 0 {
		v, ok := svResolve(vs)
		return v, ok, true
	}
	if n := svStars(t); n > 0 {
		return n, true, true
	}
	if vs := svEmojiScores(t); len(vs) > 0 {
		v, ok := svResolve(vs)
		return v, ok, true
	}
	return 0, false, false
}

// ---- several ratings at once ----

// svDimLabels names the dimensions in replies that label their scores.
// "service", "staff" and "time" are left out: too common in English prose
// ("Great service! 5 5 5") to be read as labels.
var svDimLabels = svLex(svJoin(
	svDim(SurveyTimeliness, "及时性", "及时", "时效性", "时效", "响应速度", "速度", "timeliness", "timely",
		"speed", "response time"),
	svDim(SurveyProfessionalism, "专业性", "专业程度", "专业", "技术水平", "技术", "服务态度", "态度", "professionalism",
		"professional", "attitude"),
	svDim(SurveyEffectiveness, "解决效果", "处理效果", "维修效果", "效果", "有效性", "effectiveness", "effective",
		"result", "outcome", "resolution"),
))

var svDimOrder = map[SurveyDimension]int{SurveyTimeliness: 1, SurveyProfessionalism: 2, SurveyEffectiveness: 3}

func svDim(d SurveyDimension, ps ...string) []svEntry {
	return svL(svDimOrder[d], ps...)
}

var (
	// svQuoteRe cuts an email reply at the quoted original, which repeats
	// the survey questions and their labels.
	svQuoteRe = regexp.MustCompile(`(?m)^\s*(?:-{2,}\s*(?:original message|原始邮件|原始郵件)|on .{3,80} wrote:|发件人[:：]|from:\s).*`)
	// svModRe: a label right after one of these is a rating word ("很专业",
	// "very professional"), not a label.
	svModRe = regexp.MustCompile(`(?:很|非常|挺|特别|太|比较|蛮|真|十分|超|不|够|\b(?:very|really|quite|not|so|too|extremely|highly|un)\s*)$`)
	// svEnumRe numbers the answers instead of naming them: "1. 5", "Q2: 4",
	// "第三项：5".
	svEnumRe   = regexp.MustCompile(`(?m)(?:^\s*(?:q|question\s*|第)?([1-3一二三])\s*(?:项|题|个)?\s*[.)、:：]|(?:^|\s)(?:q|question\s*)([1-3])\s*[.):：]?|(?:^|\s)([1-3])[)、])`)
	svTripleRe = regexp.MustCompile(`^([0-5])\s*[/,|]\s*([0-5])\s*[/,|]\s*([0-5])$`)
	svItemSep  = regexp.MustCompile(`[\n,;、|。!]+|\.\s`)
)

type svLabel struct {
	start, end int
	dim        SurveyDimension
}

// ParseRatings reads several scores at once, for channels like email where
// the customer answers every dimension in one reply. Labeled scores
// ("及时性5 专业性4 效果5", "timeliness: 5, professionalism 4", "5 for
// timeliness") go to their dimension; unlabeled ones ("5 4 5", one per line)
// are taken in SurveyDimensions order, and more than three unlabeled scores
// cannot be aligned, so none are returned. A dimension whose label is
// followed by no readable score is absent.
var svBareScore = regexp.MustCompile(`^[1-5]分?$`)

func ParseRatings(text string) map[SurveyDimension]int {
	t := svNorm(text)
	if loc := svQuoteRe.FindStringIndex(t); loc != nil {
		t = t[:loc[0]]
	}
	var lines []string
	for _, l := range strings.Split(t, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, ">") {
			lines = append(lines, l)
		}
	}
	t = strings.Join(lines, "\n")
	out := map[SurveyDimension]int{}
	if m := svTripleRe.FindStringSubmatch(t); m != nil {
		for i, d := range SurveyDimensions {
			out[d] = max(int(m[i+1][0]-'0'), 1)
		}
		return out
	}
	if labels := svFindLabels(t); len(labels) > 0 {
		// "1. 及时性：5" — the list numbers would read as scores.
		t = svMaskEnums(t)
		svLabeled(t, svFindLabels(t), out)
		return out
	}
	if labels := svFindEnums(t); len(labels) > 1 {
		svLabeled(t, labels, out)
		return out
	}
	var scores, numeric []int
	add := func(s string) bool {
		v, ok := ParseRating(s)
		if ok {
			scores = append(scores, v)
			if len(svNumbers(svNorm(s))) > 0 {
				numeric = append(numeric, v)
			}
		}
		return ok
	}
	for _, item := range svItemSep.Split(t, -1) {
		item = strings.TrimSpace(item)
		// "5 5 5": bare scores in a row are one score each, even when equal.
		if fs := strings.Fields(item); len(fs) > 1 && !slices.ContainsFunc(fs, func(f string) bool { return !svBareScore.MatchString(f) }) {
			for _, f := range fs {
				add(f)
			}
			continue
		}
		if item == "" || add(item) {
			continue
		}
		for _, w := range strings.Fields(item) {
			add(w)
		}
	}
	if len(scores) > len(SurveyDimensions) {
		// "5, 5, 5. Great service": the numbers are the answers.
		if len(numeric) != len(SurveyDimensions) {
			return out
		}
		scores = numeric
	}
	for i, v := range scores {
		out[SurveyDimensions[i]] = v
	}
	return out
}

var (
	svEnumLineRe   = regexp.MustCompile(`(?m)^(\s*(?:q|question\s*|第)?[1-3一二三]\s*(?:项|题)?\s*[.)、:：]\s*)[^\d\s]`)
	svEnumInlineRe = regexp.MustCompile(`(?:^|\s)((?:q|question\s*)?[1-3]\s*[)、]\s*)[^\d\s]`)
)

// svMaskEnums blanks list numbers in front of labels ("1. 及时性", "2、专业").
func svMaskEnums(t string) string {
	b := []byte(t)
	for _, re := range []*regexp.Regexp{svEnumLineRe, svEnumInlineRe} {
		for _, m := range re.FindAllStringSubmatchIndex(t, -1) {
			for i := m[2]; i < m[3]; i++ {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

func svFindLabels(t string) []svLabel {
	var ls []svLabel
	for _, h := range svFind(t, svDimLabels) {
		if svModRe.MatchString(t[:h.start]) {
			continue
		}
		d := SurveyDimensions[h.v-1]
		if n := len(ls); n > 0 && ls[n-1].dim == d {
			continue // the same dimension again: one segment
		}
		ls = append(ls, svLabel{h.start, h.end, d})
	}
	return ls
}

func svFindEnums(t string) []svLabel {
	var ls []svLabel
	for _, m := range svEnumRe.FindAllStringSubmatchIndex(t, -1) {
		for g := 1; g <= 3; g++ {
			if m[2*g] < 0 {
				continue
			}
			n := strings.Index("1一2二3三", t[m[2*g]:m[2*g+1]])
			idx := map[int]int{0: 0, 1: 0, 4: 1, 5: 1, 8: 2, 9: 2}[n]
			ls = append(ls, svLabel{m[0], m[1], SurveyDimensions[idx]})
		}
	}
	return ls
}

// svLabeled fills out from the text between labels. Scores normally follow
// their label; when the text before the first label has a score and the
// text after the last has none, they precede it ("5 for timeliness, 4 for
// professionalism").
func svLabeled(t string, ls []svLabel, out map[SurveyDimension]int) {
	seg := func(i int, after bool) string {
		if after {
			end := len(t)
			if i+1 < len(ls) {
				end = ls[i+1].start
			}
			return t[ls[i].end:end]
		}
		start := 0
		if i > 0 {
			start = ls[i-1].end
		}
		return t[start:ls[i].start]
	}
	_, before := ParseRating(seg(0, false))
	_, last := ParseRating(seg(len(ls)-1, true))
	after := !before || last
	seen := map[SurveyDimension]bool{}
	for i, l := range ls {
		s := seg(i, after)
		v, ok := ParseRating(s)
		if !ok {
			// "及时！" or "service was great": the label is part of the answer.
			v, ok = ParseRating(t[l.start:l.end] + s)
		}
		if !ok {
			continue
		}
		if seen[l.dim] && out[l.dim] != v {
			delete(out, l.dim) // two different scores for one dimension
			continue
		}
		seen[l.dim] = true
		out[l.dim] = v
	}
}

// ---- function check ----

const (
	svWorks   = 1
	svBroken  = 2
	svUntried = 3
	svSymptom = 4 // a bad sign ("漏水", "noise"): broken unless negated or gone
)

// svCheckLex classifies the words of an answer to "does it work normally
// now?". Functions ("转", "制冷", "working") work unless negated ("不转");
// symptoms ("漏", "noise") mean broken unless negated ("不漏了") or said to
// be gone ("噪音没了").
var svCheckLex = svLex(svJoin(
	svL(svWorks, "正常", "好了", "好", "转", "还行", "修好", "弄好", "搞好", "可以用", "能用", "好用", "好使", "能转", "转了",
		"转起来", "脱水", "甩干", "制冷", "制热", "加热", "出水", "排水", "出风", "出热水", "亮", "开机", "启动", "工作",
		"运行", "运转", "充电", "通电", "解决", "恢复", "搞定", "没事", "可以了", "行了", "顺利", "稳定", "冷了", "热了",
		"没毛病", "一切正常", "都正常", "跟新的一样", "和新的一样", "像新的一样",
		"work", "works", "working", "worked", "fine", "normal", "normally", "fixed", "solved", "resolved", "sorted",
		"perfect", "perfectly", "good", "great", "ok", "okay", "all good", "back to normal", "running", "runs",
		"spins", "spinning", "drains", "draining", "cools", "cooling", "heats", "heating", "turns on",
		"powers on", "starts", "starting", "charging", "charges", "like new", "good as new", "gone", "so far so good"),
	svL(svBroken, "不行", "还是不行", "又不行", "不能用", "用不了", "开不了机", "开不了", "打不开", "启动不了",
		"转不了", "没反应", "没有反应", "还是老样子", "老样子", "还是一样", "跟以前一样", "和以前一样", "跟之前一样",
		"和之前一样", "跟原来一样", "没变化", "没有变化", "没区别", "没什么变化", "时好时坏", "又来了", "又开始",
		"又出现", "又犯了", "没用", "修不好", "坏", "异常", "失灵", "罢工", "死机", "黑屏", "花屏", "闪退", "停机",
		"又停", "no good", "not really", "broken", "broke", "dead", "same problem", "same issue",
		"same thing", "same as before", "no change", "no difference", "nothing changed", "worse",
		"happened again", "happening again", "doing it again", "it's back", "came back", "then stopped",
		"stopped again", "but stopped", "won't turn on", "won't start", "wont turn on", "wont start",
		"still the same"),
	svL(svSymptom, "漏", "滴水", "渗水", "响", "异响", "噪音", "噪声", "声音大", "报错", "故障", "错误", "跳闸",
		"卡住", "卡顿", "声音大", "声音很大", "声音有点大", "声音还是大", "声音还是很大", "冒烟", "焦味", "糊味", "异味", "臭", "发烫", "结冰", "结霜", "抖", "晃", "闪", "问题",
		"毛病", "leak", "leaks", "leaking", "leaked", "noise", "noises", "noisy", "loud", "rattling",
		"error", "errors", "fault", "faulty", "problem", "problems", "issue", "issues", "trouble", "smoke",
		"smell", "smells", "burning", "overheating", "tripping", "shaking", "vibrating"),
	svL(svUntried, "还没试", "没试", "没有试", "还没用", "没用过", "还没来得及", "没来得及", "不在家", "没在家",
		"没回家", "晚点试", "晚上试", "明天试", "回去试", "回家试", "等会试", "待会试", "一会试", "稍后试", "试试看",
		"去试", "看看再说", "不知道", "不清楚", "不确定", "说不好", "还没装",
		"还没安装", "还没到", "还没收到", "没收到", "还没送到", "在路上", "还没开",
		"haven't tried", "have not tried", "havent tried", "didn't try", "did not try", "not tried",
		"not yet", "haven't checked", "havent checked", "haven't had a chance", "haven't used",
		"will try", "'ll try", "will check", "'ll check", "let me check", "let me try", "let me see",
		"going to try", "gonna try", "when i get home", "not home", "not at home", "don't know", "dont know",
		"dunno", "not sure", "no idea", "can't tell", "cant tell", "too early", "too soon", "hasn't arrived",
		"not arrived", "haven't received", "not received", "not delivered", "not installed"),
	// Masks: look like signals but are not.
	svL(0, "好像", "好几", "好多", "好久", "不好意思", "好意思", "还好", "好不好", "好没好", "好处", "只好", "正好",
		"刚好", "最好", "好在", "你好", "您好", "好的", "行不行", "能不能", "正常不正常", "正不正常", "有没有",
		"是不是", "可不可以", "转人工", "转告", "转接", "转账", "再观察", "观察一下", "观察几天", "再看看", "响应", "工作人员", "工作日", "师傅", "问题吗", "解决方案", "运行模式", "亮度",
		"fine print", "work order", "network"),
))

var (
	svCheckButtonRe = regexp.MustCompile(`^check\s*[:=]\s*(works|yes|ok|broken|no)$`)
	svAfterNotRe    = regexp.MustCompile(`^(?:不了|不起来|不动|不出|不着|不上)`)
	svGoneRe        = regexp.MustCompile(`解决|没了|没有了|消失|不见了|好了|修好|正常了|不再|\b(?:gone|solved|fixed|resolved|disappeared|went away|stopped|no longer|is over|sorted)\b`)
	svClauseSepRe   = regexp.MustCompile(`[,.;!?。、;\n]|但是|但|可是|不过|就是|\bbut\b|\bhowever\b|\bthough\b`)
	svCheckAskRe    = regexp.MustCompile(`[?]|吗|么\s*$|呢\s*$|\b(?:is (?:it|that|this)|should|do i|how|what|why)\b`)
	svLeadNoRe      = regexp.MustCompile(`^(?:no|nope|不|没有|没|否)\s*[,.!，。]`)
)

// FunctionCheck reads the answer to "does it work normally now?". Anything
// still wrong counts as broken, even beside good news ("能转了，但还是漏
// 水"), because reopening is cheaper than closing a broken case. Not tried
// yet, a question, or nothing recognizable is CheckUnknown. A bare "no"/"没
// 有" answers the question as asked: broken. Buttons may send "check:works"
// or "check:broken".
func FunctionCheck(text string) CheckAnswer {
	t := svNorm(text)
	if t == "" {
		return CheckUnknown
	}
	if m := svCheckButtonRe.FindStringSubmatch(t); m != nil {
		if m[1] == "broken" || m[1] == "no" {
			return CheckBroken
		}
		return CheckWorks
	}
	var works, broken, untried bool
	for _, h := range svFind(t, svCheckLex) {
		v := h.v
		switch {
		case v == 0:
			continue
		case v == svSymptom:
			v = svBroken
			if h.neg || svGoneAfter(t, h.end) {
				v = svWorks
			}
		case v == svWorks && (h.neg || svAfterNotRe.MatchString(t[h.end:])):
			v = svBroken
		}
		switch v {
		case svWorks:
			works = true
		case svBroken:
			broken = true
		case svUntried:
			untried = true
		}
	}
	switch {
	case broken:
		return CheckBroken
	case untried:
		return CheckUnknown
	case works && svCheckAskRe.MatchString(t):
		return CheckUnknown // "是正常的吗？" asks, it does not answer
	case works:
		return CheckWorks
	case nlu.IsNo(t) || svLeadNoRe.MatchString(t):
		return CheckBroken
	case nlu.IsYes(t):
		return CheckWorks
	}
	return CheckUnknown
}

// svGoneAfter reports a "resolved" word after a symptom in the same clause:
// "漏水的问题解决了", "the noise is gone".
func svGoneAfter(t string, end int) bool {
	rest := t[end:]
	if loc := svClauseSepRe.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	return svGoneRe.MatchString(rest)
}

// ---- complaints ----

// svComplainRe is what counts as wanting to complain: the word itself,
// reporting to an authority (举报, 12315, consumer associations), going to
// the press or to court, and asking for a manager, since SPEC §7 puts a
// supervisor on every complaint. "差评" (a bad review) and asking for a human
// agent (转人工) do not count.
var svComplainRe = regexp.MustCompile(`投诉|举报|12315|12345|消协|消费者协会|消保委|工商局|市场监管|曝光|起诉|告你们|(?:找|请)律师|` +
	`(?:找|叫|要见|见)(?:你们)?的?(?:领导|经理|主管|老板|负责人|上级)|(?:你们)?的?(?:领导|经理|主管|负责人)(?:呢|是谁|电话|出来)|` +
	`\bcomplain|\bcomplaint|\b(?:speak|talk|speaking|talking)\s+(?:to|with)\s+(?:your|a|the|ur|my)\s+(?:manager|supervisor|boss|superior)|` +
	`\b(?:want|need|get me|give me|put me through to)\s+(?:a|the|your)\s+(?:manager|supervisor)|\bescalat|\breport (?:you|this|it) to\b|` +
	`better business bureau|\bbbb\b|consumer (?:protection|council|rights)|\bsue\b|\b(?:my|a|get a) lawyer|legal action`)

var (
	svComplainNegRe  = regexp.MustCompile(`(?:不|没|别|并非|无意|无须|无需)(?:\s|有|要|想|打算|会|用|是|至于|必|需要|去|再|跟你们|给你们|找|叫|用得着)*$|(?:\bnot|n't|\bno|\bnever|\bnothing to|\bwithout|\b(?:dont|doesnt|didnt|wont|cant|isnt|im not))\s*(?:[a-z']+\s+){0,3}$`)
	svComplainCondRe = regexp.MustCompile(`如果|要是|假如|若是|再这样|再不|不然|否则|再.{0,8}就|\bif\b|\bunless\b|\botherwise\b|\bor else\b|\bnext time\b`)
	svPoliteIfRe     = regexp.MustCompile(`如果可以的话|如果可以|如果方便|if possible|if i may|if i can|if you don't mind`)
	svComplainStatus = regexp.MustCompile(`^(?:的)?(?:进度|结果|处理(?:得|的)?(?:怎么样|如何)|怎么样了|有(?:结果|回复|消息|进展)了?吗|status|update|progress)|^s?\s*(?:status|update|progress)`)
	svSentenceRe     = regexp.MustCompile(`[.!?。！？;\n]`)
)

// WantsComplaint reports a wish to complain (see svComplainRe for what
// counts). Not counted: negated mentions ("我不是要投诉", "no complaints",
// "can't complain"), conditional threats ("再不来我就投诉", "if it's not
// fixed I'll complain": the customer has not asked yet), and questions about
// an existing complaint's progress ("投诉进度", "complaint status"), which
// are status requests.
func WantsComplaint(text string) bool {
	t := svNorm(text)
	t = svPoliteIfRe.ReplaceAllStringFunc(t, func(s string) string { return strings.Repeat(" ", len(s)) })
	for _, m := range svComplainRe.FindAllStringIndex(t, -1) {
		pre := t[:m[0]]
		if svComplainNegRe.MatchString(pre) {
			continue
		}
		sent := pre
		if locs := svSentenceRe.FindAllStringIndex(pre, -1); len(locs) > 0 {
			sent = pre[locs[len(locs)-1][1]:]
		}
		if svComplainCondRe.MatchString(sent) {
			continue
		}
		rest := strings.TrimLeft(t[m[1]:], " ")
		if svComplainStatus.MatchString(rest) || strings.HasSuffix(pre, "我的") || strings.HasSuffix(pre, "my ") ||
			strings.HasSuffix(pre, "上次") || strings.HasSuffix(pre, "之前") || strings.HasSuffix(pre, "上次的") {
			continue
		}
		return true
	}
	return false
}

// ---- optional comment ----

var (
	svNoCommentRe = regexp.MustCompile(`^(?:嗯|哦|好的|ok|okay|um|uh|hmm)?\s*(?:没有|没有什么|没有什么要补充的|没什么要补充的|没有要说的|没了|没有了|无|暂无|暂时没有|暂时没|没|不用|不用了|不需要|不需要了|不必|不必了|没意见|没有意见|无意见|` +
		`没建议|没有建议|无建议|没什么|没啥|没什么了|没啥了|没什么意见|没什么建议|没什么要说的|没什么好说的|没别的|没有别的|没别的了|` +
		`没有别的了|没其他|没有其他|没其他的|没有其他的了|就这样|就这些|跳过|略|算了|没有补充|无补充|不说了|没什么补充|没有要补充的|` +
		`no|nope|nah|none|nothing|nothing else|nothing more|nothing to add|nothing to say|n/a|na|nil|no comment|no comments|` +
		`no thanks|no thank you|skip|pass|that's all|thats all|that's it|thats it|that is all|nothing further|` +
		`i'm good|im good|not really|no more|all good|not at all|-+)\s*了?$`)
	svPoliteOnlyRe = regexp.MustCompile(`^(?:谢谢|谢谢你|谢谢你们|谢谢您|谢了|多谢|感谢|非常感谢|辛苦了|辛苦|好的|好|嗯|嗯嗯|ok|okay|` +
		`thanks|thank you|thanks a lot|thank you very much|thx|ty|cheers|bye|goodbye|再见|拜拜|收到)$`)
	svPraiseRe = regexp.MustCompile(`^(?:(?:你们|师傅|服务|客服)?(?:都|一切都|整体|总体|总的来说)?(?:挺|很|非常|比较|还|蛮|特别)?(?:好|满意|不错|棒)(?:的|了)?|` +
		`(?:希望)?继续保持|keep up the good work|keep it up|great|good|all great|everything was great|everything's fine|everything is fine|perfect|fine|very good|excellent)$`)
	svCommentSepRe = regexp.MustCompile(`[,.;!?。、;~\n]+`)
	// svThanksRe is removed inside a clause: "不用了谢谢", "no thank you".
	svThanksRe = regexp.MustCompile(`谢谢(?:你们|你|您)?|谢了|多谢|感谢|辛苦了|(?:thank you|thanks)(?: (?:so|very) much| a lot)?(?: for (?:your|the|all the) help| for everything)?`)
)

// SkipsComment reports a "no comment" reply to the optional comment
// question. A reply made only of "nothing"-words, thanks and emoji skips
// ("没有，谢谢", "👍", "n/a"); praise alone ("挺好的") is kept as the comment,
// and anything with content ("没有，就是师傅来晚了") is a comment.
func SkipsComment(text string) bool {
	t := svNorm(text)
	if t == "" {
		return false
	}
	var skip, praise bool
	for _, c := range svCommentSepRe.Split(t, -1) {
		c = strings.Map(func(r rune) rune {
			if unicode.IsSymbol(r) || r == '(' || r == ')' {
				return -1
			}
			return r
		}, c)
		c = strings.TrimRight(strings.TrimSpace(c), "吧啊呀啦哈哦喔呢嘛哒")
		c = strings.TrimSpace(c)
		if c != "" && !svNoCommentRe.MatchString(c) {
			c = strings.TrimSpace(svThanksRe.ReplaceAllString(c, ""))
		}
		switch {
		case c == "":
		case svNoCommentRe.MatchString(c):
			skip = true
		case svPoliteOnlyRe.MatchString(c):
		case svPraiseRe.MatchString(c):
			praise = true
		default:
			return false
		}
	}
	return skip || !praise
}

// ---- change of subject ----

var (
	svSubjectRe = regexp.MustCompile(`[?]|坏|不能|不行|没法|无法|漏|故障|报错|问题|毛病|异响|不转|不制冷|不加热|不了|不上|不动|打不开|怎么|为什么|为啥|` +
		`什么时候|多久|多少|电话|地址|弄坏|损坏|刮花|费用|收费|吗|进度|状态|到哪|物流|快递|订单|发票|退款|退货|换货|保修|另外|还有一|还有个|还有件|顺便|对了[,，]|` +
		`再问|想问|请问|咨询|投诉|\b(?:how|what|when|where|why|which|can you|could you|broken|not working|doesn't work|` +
		`error|leak|leaking|broke|damaged?|problem|issue|status|update|tracking|refund|invoice|warranty|order|another|by the way|btw|` +
		`one more|question)\b|^also\b|\balso (?:have|need|want|got|wanted)\b`)
	svNoProblemRe = regexp.MustCompile(`没问题|没有问题|没什么问题|没啥问题|\bno problems?\b|\bno issues?\b`)
)

// ChangesSubject reports whether a reply during the survey is about
// something else (a new problem, a question, a status request, a
// complaint), so the engine can answer it and come back to the survey. A
// reply with a readable rating is never a change of subject. The engine
// should test WantsComplaint first: a complaint is also a change of subject.
func ChangesSubject(text string) bool {
	if _, ok := ParseRating(text); ok {
		return false
	}
	t := svNoProblemRe.ReplaceAllString(svNorm(text), " ")
	return svSubjectRe.MatchString(t)
}
