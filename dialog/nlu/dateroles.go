package nlu

// Whether a date is the purchase, the fault, or something else.

import (
	"unicode"
	"unicode/utf8"
)

type extRole int

const (
	extRoleNone     extRole = iota
	extRolePurchase         // when it was bought
	extRoleFault            // when the fault happened or began
	// extRoleOther is a date of something else: a delivery, an
	// installation, an earlier report or repair, a promise, a day it still
	// worked. It fills no field and is no loose date either.
	extRoleOther
	// extRoleArrival is the day the product arrived or was unpacked: when
	// a product found broken or incomplete on arrival went wrong, unless a
	// fault date is said.
	extRoleArrival
)

var (
	extPurchaseCue = mustWordSet(`(?i)买|買|购入|購入|购买|購買|网购|網購|采购|採購|购置|購置|团购|團購|购的|購的|入手|下单|下單|下的单|下的單|拍的|拍下|订的|訂的|订购|訂購|订了|訂了|付的款|付了款|付款|` +
		`进了?\s*[0-9一二两兩三四五六七八九十几幾]+\s*(?:台|个|個|张|張|把|件|套|部|箱)|进货|進貨|进的货|進的貨|一批进的|一起配的|配的电脑|配的機|签的合同|合同是|签的|簽的|开票|開票|发票上|發票上|小票上|收据上|收據上|` +
		`抢的|搶的|抢购|搶購|抢到|搶到|訂咗|订咗|落單|落单|` +
		`\bbought\b|\bpurchased?\b|\bordered\b|\b(?:order|purchase) was placed\b|\bplaced (?:the|my|our|an|the) order\b|\bplaced on\b|\bdated\b|\breceipt says\b|\binvoice date\b|\bbuy\b|\bgot (?:it|this|them|mine|one)\b|\bgot (?:on|in|during|over)\b|\b(?:had|have had|'ve had|ve had) (?:it|this|them|mine|(?:the|this|my|our) [a-z-]+)(?: since)?\b|\bowned\b|\bpaid\b`)
	extFaultCue = mustWordSet(`(?i)开始|開始|坏|壞|出现|出現|发生|發生|发现|發現|注意到|不能|不会|不會|不了|不行|不动|不動|不转|不轉|不亮|不热|不熱|不冷|不制冷|不製冷|不加热|不加熱|不出|不着|不著|不脱水|不脫水|不工作|不保温|不保溫|` +
		`打不|开不|開不|充不|连不|連不|关不|關不|用不了|没反应|沒反應|冇反應|没有反应|沒有反應|就这样|就這樣|这样了|這樣了|停了|停机|停機|死机|死機|黑屏|花屏|卡死|卡住|停在|當機|当机|挂了|掛了|闪退|閃退|发觉|發覺|胀|脹|自动重启|自動重啟|自己重启|自己重啟|反复重启|反覆重啟|一直重启|一直重啟|` +
		`报错|報錯|故障|一直冒|夹生|夾生|煮不熟|是生的|漏水|漏电|漏電|漏气|漏氣|滴水|冒[^，。,.!！?？\s]{0,4}[烟煙]|起火|着火|著火|火花|焦味|煤气味|煤氣味|瓦斯味|烧|燒|融化|熔化|鼓包|鼓起|异响|異響|跳闸|跳閘|跳电|跳電|没电了|沒電了|失灵|失靈|异常|異常|问题|問題|毛病|断线|斷線|断了|斷了|` +
		`裂|碎|变形|變形|生锈|生鏽|爆|电了一下|電了一下|被电|被電|电到|電到|俾電|麻手|麻晒|趴窝|罢工|罷工|突然|才这样|才這樣|` +
		`点不|點不|一开机就|一開機就|一开就|一開就|报警|報警|跳停|到现在|到現在|开门就|開門就|开店就|開店就|\bsince (?:we|i|they|the shop|the store) (?:opened|open|started)\b|\bsince\b|\bstarted\b|\bstart(?:s|ing)?\b|\bstopped\b|\bstops? working\b|\bbroke\b|\bbroken\b|\bfailed\b|\bfails\b|\bbegan\b|\bhappen(?:ed|s)?\b|\bnoticed\b|\bfound\b|\bnot \w+ing\b|\bjamm?(?:ed|s|ing)?\b|\boffline\b|` +
		`not working|won't|\bwont\b|doesn't|does not|can't|cannot|\bleak|\bflood(?:ed|ing|s)?\b|\berror\b|\bnoise\b|\bissue\b|\bproblem\b|\bquit\b|\bdied\b|\bdead\b|\bsmok(?:e|ed|ing)\b|\bsmell\b|` +
		`\bsparks?\b|\bspark(?:ed|ing)\b|\bmelt(?:ed|ing|s)?\b|\bburn(?:t|ed|ing)?\b|\boverheat(?:ed|ing|s)?\b|\bexploded\b|\btingle|\bcrash(?:ed|es)?\b|\bfroze\b|\bstuck\b|\bcut out\b|\bshut (?:off|down)\b|\bwent (?:dead|off|black|out)\b|\bcracked\b|\bsnapped\b|\bswoll?en\b|\bshock`)
	extOtherCue = mustWordSet(`(?i)会到|會到|送的|送货|送貨|取货|取貨|提货|提貨|发货|發貨|发的货|發的貨|出货|出貨|寄出|快递|快遞|物流|派送|配送|` +
		`安装|安裝|装的|裝的|装好|裝好|装了|裝了|装上|裝上|来装|來裝|装嘅|裝嘅|组装|組裝|组好|組好|搬|` +
		`报修|報修|报的修|報的修|报过|報過|报了|報了|送修|寄修|返修|留言|留過言|留过言|反馈|反饋|投诉|投訴|打电话|打電話|联系过|聯繫過|` +
		`能不能|可不可以|能否|行不行|方便|有空|在家|改到|改成|推迟|推遲|延期|再送|现在都|現在都|已经是|已經是|礼物|禮物|` +
		`看了|查了|确认|確認|核对|核對|打错|打錯|写错|寫錯|输错|輸錯|搞错|搞錯|说错|說錯|第一次用|第一次使用|` +
		`开会|開會|会议|會議|婚礼|婚禮|出差|出门|出門|考试|考試|面试|面試|` +
		`(?:要不要|想|打算|准备|準備|考虑|考慮|计划|計劃)[^，。,.!！?？\s]{0,4}(?:买|買|购|購|入手|下单|下單)|` +
		`重启过|重啟過|重启了|重啟了|试过|試過|试了|試了|要不要买|要不要買|想买|想買|打算买|打算買|准备买|準備買|考虑买|考慮買|` +
		`说好|說好|承诺|承諾|答应|答應|预计|預計|预约|預約|约好|約好|保修到|过保|過保|到期|激活|啟用|启用|开通|開通|` +
		`还好好的|還好好的|好好的|还正常|還正常|是正常的|都正常|还能用|還能用|还可以用|還可以用|没问题|沒問題|` +
		`洗过|洗過|清洗|修过|修過|修好|修了|来修|來修|维修过|維修過|保养|保養|检查过|檢查過|测试|測試|换过|換過|换了|換了|` +
		`\b(?:in transit|tracking|shipped|dispatched|waiting|pending|hasn't moved|has not moved|not moved|not updated)(?: \w+){0,3} since\b|` +
		`\bdelivery\b|\bbrought\b|\bin transit\b|\btracking\b|` +
		`\bpresent\b|\bgift\b|\bplan(?:ning|ned)? to\b|\bwant to buy\b|\bthinking of\b|\bbefore (?:buying|purchasing)\b|` +
		`\bopening\b|\binstaller\b|\btechnician came\b|\b(?:event|meeting|appointment|wedding|party|deadline|exam|interview)\b|\breset\b|\brebooted\b|\brestarted\b|\btried\b|\bunplugged\b|\btypo\b|\bfirst (?:use|time)\b|` +
		`\bshipped\b|\bdispatched\b|\binstall(?:ed|ation)?\b|` +
		`\breported\b|\bcontacted\b|\bcalled\b|\bemailed\b|\bpromised\b|\bsupposed to\b|\bexpected\b|\bscheduled\b|\bexpir(?:e|es|ed|y)\b|` +
		`\bworked (?:fine|ok|okay|perfectly|well)\b|\b(?:was|were) (?:fine|ok|okay|working)\b|\bworking fine\b|\bcleaned\b|\bserviced\b|\brepaired\b|\bfixed\b|\breplaced\b|\bmoved\b`)
	extArrivedCue = mustWordSet(`(?i)到货|到貨|[^闻聞看找想感遇碰听聽做办辦得达達收]到(?:的|了|货|貨)|送到|送达|送達|送来|送來|收到|签收|簽收|寄到|寄来|寄來|拆开|拆開|开箱|開箱|送嚟|到咗|收咗|` +
		`\bdeliver(?:ed)\b|\barrived?\b|\breceive\b|\barrival\b|\bshowed up\b|\bturned up\b|\bdropped off\b|\breceived\b|\bsigned for\b|\bunbox(?:ed|ing)\b|\bopened\b|` +
		`\bgot (?:my|the|our)\b|\bwe got\b|\b(?:it|they|parcel|package|order|box|mine) came\b|\bcame (?:today|yesterday|on|this|last)\b`)
	extFineUntil = mustRx(`(?i)\b(?:fine|ok|okay|well|normally|perfectly|working|worked)\s+(?:until|till|up until|up to)\s+(?:about\s+|around\s+)?$`)
	// extNotArrived: the parcel has not come, or was only due.
	extNotArrived  = mustRx(`(?i)没到|沒到|未到|没收到|沒收到|未收到|还没|還沒|仲未|未有|冇收到|说好|說好|应该|應該|预计|預計|承诺|承諾|\bnot\b|n't\b|\bnever\b|\bsupposed\b|\bexpected\b|\bshould\b|\bdue\b|\bwas meant\b|\bpromised\b|\bstill\b`)
	extSentenceEnd = mustRx(`[。!?！？\n]|\.\s`)
)

// extWhenBought is an event that dates the purchase right after a date:
// "…搬家的时候买的", "…装修那时候买的".
// The purchase must follow in the same stretch: in "5月28号装的 买是在五一"
// the space ends the installation and the purchase is told apart.
var extWhenBought = mustRx(`^[^，,。.!！?？；;\s]{0,10}?(?:(?:的时候|的時候|那时候|那時候|那阵|那陣|时|時)\s*)?(?:(?:一起|顺便|順便|一次性)\s*)?(?:买|買|购|購|入手|下单|下單|订|訂)`)

// extWhenInstalled is an installation right after a date: "去年6月装的",
// "9月2号安装好的".
var extWhenInstalled = mustRx(`^\s*(?:份)?\s*(?:(?:的时候|的時候|那时候|那時候)\s*)?(?:(?:师傅|師傅)?(?:来|來)?(?:装|裝|安装|安裝)(?:好|上)?(?:的|嘅))`)

// extCues lists the cue patterns with the role each gives.
var extCues = []struct {
	re   *wordSet
	role extRole
}{
	{extPurchaseCue, extRolePurchase},
	{extFaultCue, extRoleFault},
	{extOtherCue, extRoleOther},
	{extArrivedCue, extRoleArrival},
}

// extDateRoles decides for each date whether it is when the product was
// bought, when the fault appeared, or a date of something else, from the
// nearest cue word: first in its own stretch of the clause (customers who
// write without punctuation separate thoughts with spaces: "昨天还好好的
// 今天就不转了"), then in its clause. A moment of the day with no cue
// ("今早", "last night") is when the fault happened (a bare "刚" or "早上"
// only in a message that speaks of a fault); "today" with no cue is left
// without a role (the caller does not take it as a loose date). Any
// other date with no cue borrows one from the sentence, then from the
// message, ignoring clauses that hold another date: their cues are taken.
func extDateRoles(s string, ms []dtMention) []extRole {
	roles := make([]extRole, len(ms))
	type span struct{ a, b int }
	clauses := make([]span, len(ms))
	subs := make([]span, len(ms))
	for i, m := range ms {
		cs, ce := extClause(s, m.start, m.end)
		ss, se := extSubClause(s, cs, ce, m.start, m.end)
		clauses[i], subs[i] = span{cs, ce}, span{ss, se}
	}
	pending := make([]bool, len(ms))
	for i, m := range ms {
		if roles[i] = extNearestCue(s, subs[i].a, subs[i].b, m, ms); roles[i] != extRoleNone {
			continue
		}
		if subs[i] != clauses[i] && m.kind == dtClock && extHasFault(s[subs[i].a:subs[i].b]) {
			// "今天中午煮饭的时候…饭是生的 我儿子给我买的": a time of day
			// in a stretch that tells of the fault is the fault's, whatever
			// the next stretch says.
			roles[i] = extRoleFault
			continue
		}
		if subs[i] != clauses[i] {
			o := s
			for j, n := range subs {
				if j != i && n != subs[i] {
					o = extMask(o, n.a, n.b)
				}
			}
			if roles[i] = extNearestCue(o, clauses[i].a, clauses[i].b, m, ms); roles[i] != extRoleNone {
				continue
			}
		}
		switch m.kind {
		case dtClock:
			roles[i] = extRoleFault
		case dtMoment:
			// "刚插上就冒烟": the moment is the fault's only in a message
			// that speaks of a fault.
			if extHasFault(s) {
				roles[i] = extRoleFault
			}
		case dtNow:
		default:
			pending[i] = true
		}
	}
	for i, m := range ms {
		if !pending[i] {
			continue
		}
		// A date that refines the one before it (its year came from
		// there: "去年…国庆的时候") or corrects it ("不对 是前年618")
		// tells of the same event.
		if i > 0 && roles[i-1] != extRoleNone && (m.anchored || extDateCorrects(s, m.start)) {
			roles[i] = roles[i-1]
			continue
		}
		// A vague time made precise in the same clause ("寒假前买的 1月十几号吧",
		// "国庆前买的 9月28号") dates the same event.
		if i > 0 && roles[i-1] != extRoleNone && ms[i-1].value() == "" && clauses[i-1] == clauses[i] {
			roles[i] = roles[i-1]
			continue
		}
		// The same day said again is the same event ("delivered Friday …
		// I was home all day Friday").
		for j, n := range ms {
			if j != i && !pending[j] && roles[j] != extRoleNone && n.value() != "" && n.value() == m.value() {
				roles[i] = roles[j]
			}
		}
		if roles[i] != extRoleNone {
			continue
		}
		o := s
		for j, n := range clauses {
			switch {
			case j == i:
			case n != clauses[i]:
				o = extMask(o, n.a, n.b)
			case subs[j] != subs[i]:
				// Another date in the same clause takes the cues of its
				// own stretch only.
				o = extMask(o, subs[j].a, subs[j].b)
			}
		}
		ss, se := 0, len(o)
		for _, idx := range extSentenceEnd.FindAllStringIndex(o, -1) {
			if idx[1] <= m.start {
				ss = idx[1]
			} else if idx[0] >= m.end {
				se = idx[0]
				break
			}
		}
		if roles[i] = extNearestCue(o, ss, se, m, ms); roles[i] == extRoleNone {
			roles[i] = extNearestCue(o, 0, len(o), m, ms)
		}
	}
	for i, m := range ms {
		// "worked fine until yesterday": the day it stopped.
		if extFineUntil.MatchString(s[:m.start]) {
			roles[i] = extRoleFault
		}
		// "should have arrived on Monday", "还没到": no arrival.
		if roles[i] == extRoleArrival && extNotArrived.MatchString(s[clauses[i].a:clauses[i].b]) {
			roles[i] = extRoleOther
		}
	}
	for i := range ms {
		// "my neighbour's dryer exploded last week", "朋友家的上个月着火了":
		// another person's product, not this one's fault.
		if roles[i] == extRoleFault && extOthers.MatchString(s[clauses[i].a:clauses[i].b]) {
			roles[i] = extRoleOther
		}
	}
	for i, m := range ms {
		// "前年搬家的时候买的": the time of the event is when it was bought.
		if roles[i] != extRolePurchase && extWhenBought.MatchString(s[m.end:]) {
			roles[i] = extRolePurchase
		}
	}
	return roles
}

// extSubClause narrows the clause [cs, ce) around text[start:end] to the
// stretch between spaces that stand next to Chinese characters: in Chinese
// text a space separates thoughts, in English it only separates words.
func extSubClause(s string, cs, ce, start, end int) (int, int) {
	a := start
	for a > cs {
		r, size := utf8.DecodeLastRuneInString(s[:a])
		if unicode.IsSpace(r) && extHanSpace(s, a-size, a) {
			break
		}
		a -= size
	}
	b := end
	for b < ce {
		r, size := utf8.DecodeRuneInString(s[b:])
		if unicode.IsSpace(r) && extHanSpace(s, b, b+size) {
			break
		}
		b += size
	}
	return a, b
}

// extHanSpace reports whether the run of spaces around s[i:j] touches a
// Chinese character on either side.
func extHanSpace(s string, i, j int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) {
			if unicode.Is(unicode.Han, r) {
				return true
			}
			break
		}
		i -= size
	}
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsSpace(r) {
			return unicode.Is(unicode.Han, r)
		}
		j += size
	}
	return false
}

// extNearestCue returns the role of the cue nearest to the mention m within
// s[lo:hi], looking first on the side where the language puts the verb: in
// Chinese the verb follows the time ("上周四收到的", "昨天还好好的今天早上
// 就不行了"), in English it comes before it ("purchased on 14th February,
// is not charging since Saturday"). On a tie the longer cue wins ("had it
// since" over "since").
func extNearestCue(s string, lo, hi int, m dtMention, ms []dtMention) extRole {
	han := extHasHan(s[m.start:m.end])
	type pick struct {
		d, n int
		role extRole
	}
	var sides [2]pick // [0] the side the verb is on, [1] the other
	for i := range sides {
		sides[i].d = -1
	}
	for _, c := range extCues {
		for _, idx := range c.re.FindAllStringIndex(s[lo:hi], -1) {
			a, b := idx[0]+lo, idx[1]+lo
			if extDateBetween(ms, m, a, b) {
				continue // the cue belongs to the date nearer to it
			}
			d, side := 0, 0
			switch {
			case b <= m.start:
				d = utf8.RuneCountInString(s[b:m.start])
				if han {
					side = 1
				}
			case a >= m.end:
				d = utf8.RuneCountInString(s[m.end:a])
				if !han {
					side = 1
				}
			}
			p := &sides[side]
			if p.d < 0 || d < p.d || d == p.d && b-a > p.n {
				*p = pick{d, b - a, c.role}
			}
		}
	}
	if sides[0].d >= 0 {
		return sides[0].role
	}
	return sides[1].role
}

// extDateFix is a correction just before a date: the date replaces the one
// said before it.
var extDateFix = mustRx(`(?i)不对|不對|不是|应该是|應該是|其实是|其實是|更正|纠正|糾正|记错|記錯|说错|說錯|\bsorry\b|\bi mean\b|\bi meant\b|\bactually\b|\bcorrection\b|\bno wait\b`)

// extDateCorrects reports whether a correction stands in the few words
// before text[start:].
func extDateCorrects(s string, start int) bool {
	a := start
	for n := 0; a > 0 && n < 12; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:a])
		a -= size
	}
	return extDateFix.MatchString(s[a:start])
}

// extDateUnknownRe is a customer saying they do not know when: unlike
// extUnknownRe it leaves out what only says a document is missing
// ("找不到", "没有").
var extDateUnknownRe = mustRx(`(?i)不知道|不清楚|不记得|不記得|记不清|記不清|记不得|記不得|忘(?:了|记|記)(?:[^说說讲講留提告写寫发發填]|$)|不确定|不確定|不晓得|不曉得|唔記得|唔记得|冇印象|没印象|沒印象|\bunknown\b|not sure|don't know|dont know|do not know|no idea|\bidk\b|don't remember|dont remember|can't remember|cannot remember|\bforgot|can't recall|don't recall`)

// extDateBetween reports whether another date stands between the mention m
// and the cue at s[a:b]: "had it since Christmas and last night it started"
// gives "had it since" to Christmas, not to last night.
func extDateBetween(ms []dtMention, m dtMention, a, b int) bool {
	for _, n := range ms {
		if n.start == m.start || n.value() == "" {
			continue // a vague time does not take the cue ("bought it in the summer sale on the 8th")
		}
		if b <= m.start && n.start >= b && n.end <= m.start || a >= m.end && n.start >= m.end && n.end <= a {
			return true
		}
	}
	return false
}

// extHasFault reports whether s speaks of a fault: a fault word that is not
// part of another cue ("能不能" is a request, not "不能").
func extHasFault(s string) bool {
	others := extOtherCue.FindAllStringIndex(s, -1)
	for _, f := range extFaultCue.FindAllStringIndex(s, -1) {
		inside := false
		for _, o := range others {
			if o[0] <= f[0] && f[1] <= o[1] {
				inside = true
				break
			}
		}
		if !inside {
			return true
		}
	}
	return false
}

// extRefineMonths gives a day said right after a month of the same role's
// month that role: "上个月双十一买的", "上个月刚买的，11月15号", "last month,
// the 12th". The day tells more of the same event; a day with a cue of its
// own ("上个月买的 3月15号坏的") keeps it.
func extRefineMonths(s string, ms []dtMention, roles []extRole) {
	for i := 0; i+1 < len(ms); i++ {
		mo := ms[i]
		if mo.prec != dtMonth || roles[i] == extRoleNone {
			continue
		}
		// "上个月刚买的，3月15号": a vaguer mention between ("刚买") tells
		// nothing more.
		j := i + 1
		for j < len(ms) && ms[j].prec != dtDay && ms[j].prec != dtMonth && (roles[j] == extRoleNone || roles[j] == roles[i]) {
			j++
		}
		if j == len(ms) {
			continue
		}
		d := ms[j]
		if d.prec != dtDay || roles[j] != extRoleNone && roles[j] != roles[i] ||
			d.start-mo.end > 24 || extSentenceEnd.MatchString(s[mo.end:d.start]) ||
			d.date.Year() != mo.date.Year() || d.date.Month() != mo.date.Month() ||
			extHolidaySpans[d.fest] { // "10月国庆的时候": a holiday week, the month stands
			continue
		}
		roles[j] = roles[i]
		ms[j].fest = "" // a shopping day inside the month refines it like any day
	}
}

// extHolidaySpans are the festivals that are a week off, not a day.
var extHolidaySpans = map[string]bool{"national": true, "labour": true, "cny": true}
