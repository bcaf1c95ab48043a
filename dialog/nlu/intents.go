package nlu

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// What a message does besides giving facts. The patterns run on folded
// text (Simplified Chinese, lower-case ASCII), so each is written once.

// Intent is a set of things a message does.
type Intent uint32

const (
	IntentGreeting   Intent = 1 << iota // 你好, hello (and nothing else)
	IntentHuman                         // asks for a person
	IntentAskBot                        // asks whether a person or a bot answers
	IntentCancel                        // 算了, never mind
	IntentYes                           // 是的, 确认没问题, that's right
	IntentNo                            // 不对, no
	IntentCorrection                    // 不对，是…; actually …
	IntentQuestion                      // their own question
	IntentPolite                        // thanks, ok (and nothing else)
	IntentStatus                        // asks about progress
	IntentNewProblem                    // 还有一个问题
	IntentUnknown                       // says they do not know
	IntentRefuse                        // will not give it ("不方便给", "contact me here")
	IntentWait                          // asks for a moment ("等下我找找", "hold on, let me check")
	IntentRemark                        // a remark to acknowledge, no answer ("人没事", "快点啊", "this is ridiculous")
)

// politeWords are thanks, okays and the like, with the punctuation around them.
const politeWords = `好的|好滴|好|嗯+|哦|噢|谢谢您?|多谢|唔该晒|唔該晒|唔该|唔該|多謝晒|多谢晒|感谢|辛苦了?|麻烦了|麻烦你了|收到|了解|知道了|明白了?|行|ok(ay)?|thanks|thank you( so much| very much)?|thx|ty|great|got it|cheers|perfect|noted|much appreciated|啦|了|哈+|呀|啊|[\s,，。.!！~～:：)）]+`

var (
	humanRe      = mustWordSet(`(?i)(转人工|转个人工|转一下人工|转到人工|转接人工|帮我转人工|接人工|人工客服|人工服务|找人工|要人工|有没有人工|^人工$|^人工[吧啊呀!！。.]*$|真人客服|转真人|要真人|找真人|找个真人|活人|跟真人|和真人|同真人|叫个真人|叫真人|真人来|真人跟我|跟人说|和人说|跟人讲|叫个人给我打|找个人给我打|找个人联系我|叫个人联系我|不要机器人|别让机器人|不想跟机器人|不跟机器人|唔要机械人|搵真人|搵人|找客服|转客服|要客服|找个人工|叫人工|换个人|(?:want|need|let me|can i|could i|may i|i'd like to|like to) (?:talk|speak|chat) (?:to|with) (?:a |an |your )?(?:human|person|agent|someone|representative|real person|manager|supervisor)|(?:talk|speak|chat) (?:to|with) (?:a |an )?(?:human|real person|live agent|human agent|representative)|real (?:person|human)|human agent|live agent|(?:speak|talk) to an agent|not (?:a|the|your) bot|no more bot|stop the bot|a real human|call from (?:your|an?) (?:engineer|technician|agent|person)|^(?:human|agent|representative|operator)[.!]*$|get me (?:a |an )?(?:human|person|agent)|(?:put|pass|transfer|connect|forward|escalate) (?:me|this|it)?\s*(?:through |over )?(?:to|with) (?:a |an |your )?(?:human|person|agent|someone|real|actual|live|staff|manager|supervisor|colleague)|(?:actual|live) (?:person|human|agent)|(?:want|need|get) (?:a |an )?(?:human|person) (?:to|on|please|pls|now)|(?:want|need) (?:a |an )?(?:human|person)[.!]*$|transfer me\b|(?:like|want|need|prefer) (?:a |an )?(?:real |actual )?(?:person|human) to (?:handle|deal with|call|ring|phone|contact|speak)|(?:could|can|would) (?:somebody|someone) (?:from your (?:service |support )?team|from your side)?[^.?!]{0,30}(?:a person|not (?:the|an|a) (?:automated|bot))|rather than an automated|not (?:the |an? )?automated (?:system|reply|replies|response|responses)|(?:speak|talk) to a person|俾个真人|俾個真人|有冇真人|有没有真人|真人同事|请业务|請業務|不需要机器人|不需要機器人|唔要机器人|找个人跟我说|找個人跟我說|找个人跟我讲|直接找个人)`)
	askBotRe     = mustWordSet(`(?i)(你是(?:不是)?(?:机器人|真人|人工|ai|机器|自动回复|程序)|(?:你们|您)(?:是|系)(?:不是)?(?:真人|人工|机器人|机器|ai|bot)(?:客服)?(?:吗|嘛|么|呀|啊|\?)?|是真人(?:客服)?(?:吗|嘛|么)|是(?:机器人|机器|真人|人工|ai|自动回复)(?:吗|嘛|么|还是)|是不是机器人|机器人吗|机器人回复|是人还是机器|人还是机器人|(?:are|r) (?:you|u) (?:a |an )?(?:bot|robot|human|real person|real|machine|ai|person|computer)(?: or (?:a |an )?(?:real |actual )?(?:person|human|bot|robot|machine|ai))?|am i (?:talking|chatting|speaking|writing) (?:to|with) (?:a |an )?(?:bot|robot|human|person|machine|real person|ai|computer)|is this (?:a |an )?(?:bot|robot|automated|machine|real person|human)(?: or (?:a |an )?(?:real |actual )?(?:person|human|bot|robot|machine))?|is (?:the |this |that |it |your )?(?:bot |chat |chatbot |assistant |thing )?(?:a |an )?(?:real |actual |live )?(?:person|human|bot|robot|machine|ai)\b(?: or (?:a |an )?(?:real |actual )?(?:person|human|bot|robot|machine))?\s*\?|is anyone (?:there|real))`)
	cancelRe     = mustRx(`(?i)^(算了|算了吧|不用了|不需要了|不要了|取消|取消吧|不报了|没事了|先不用了|不修了|不弄了|never ?mind|cancel|forget it|no need(?: anymore)?|not needed anymore)[\s,，。.!！~～吧啦了谢谢]*$`)
	correctionRe = mustRx(`(?i)(不对|错了|有误|不是|应该是|改成|改为|更正|写错|打错|搞错|说错|记错|wrong|not correct|actually|should be|change|i meant|i mean|sorry,? it'?s|correction|typo)`)
	questionRe   = mustRx(`(?i)([?？]\s*$|多久|多长时间|什么时候|何时|能不能|可不可以|要多少钱|收费吗|怎么收费|^(how|when|what|why|can|could|will|is|are|do|does|should|would)\b)`)
	greetingRe   = mustRx(`(?i)^(你好|您好|妳好|在吗|在不在|hi|hello|hey|哈喽|嗨|客服|客服你好|有人吗|good (morning|afternoon|evening)|早上好|下午好|晚上好)[\s,，!！。.~～?？]*$`)
	// waitRe asks for a moment to look something up.
	waitRe = mustWordSet(`(?i)等下|等一下|等等|稍等|等我|我找找|我找一下|我查查|我查一下|我看看|我看一下|我去看|找一下|找找看|讓我找|让我找|等陣|等阵|\bhold on\b|\bone (?:sec|second|moment|min|minute)\b|\bjust a (?:sec|second|moment|minute)\b|\blet me (?:check|look|find|see)\b|\bgive me a (?:sec|second|moment|minute)\b|\bwait\b`)
	// remarkRe is what a customer says beside the point that an agent
	// acknowledges: that nobody was hurt, impatience, exasperation.
	remarkRe = mustWordSet(`(?i)人没事|人沒事|人都没事|人都沒事|没人受伤|沒人受傷|没有人受伤|沒有人受傷|人冇事|都冇事|大家都没事|快点|快點|快啲|赶紧的|趕緊的|太慢了|等了好久|等好久|急死了|气死|氣死|无语|無語|搞什么|搞什麼|什么破|什麼破|\bnobody (?:was |got )?hurt\b|\bno one (?:was |got )?hurt\b|\b(?:we'?re|i'?m|everyone'?s|everyone is) (?:all )?(?:fine|ok|okay|safe)\b|\bhurry\b|\basap\b|\bridiculous\b|\bunbelievable\b|\bthis is (?:crazy|insane|a joke)\b|\bso slow\b`)
	// politeOnlyRe: the whole message is politeness (one pass, no copy).
	politeOnlyRe = mustRx(`(?i)^(?:` + politeWords + `)+$`)
	newProblemRe = mustRx(`(?i)(还有一个问题|另外一个问题|另一个问题|新的问题|还有个问题|another (problem|issue|question)|new (problem|issue))`)
	statusRe     = mustRx(`(?i)(查询进度|进度|进展|处理到哪|怎么样了|到哪一步|有结果了吗|status|progress|any update|any news)`)
	unknownRe    = mustRx(`(?i)不知道|不清楚|不记得|记不清|记不得|忘了|忘记|不确定|不晓得|找不到|\bunknown\b|not sure|don't know|dont know|do not know|no idea|\bidk\b|don't remember|can't remember|cannot remember|\bforgot`)
)

// noChangeRe is a change or a mistake denied ("nothing to change",
// "没什么要改的", "都没错"): agreement, not a correction.
var noChangeRe = mustRx(`(?i)(nothing (?:to|needs? to) (?:be )?(?:change|correct|fix)(?:ed)?|no (?:changes?|corrections?)(?: needed| required)?|(?:don'?t|do not) (?:need to )?change|nothing wrong|not wrong|没(?:什么|啥|有什么|有)(?:要|需要|可)(?:修改|改|更正)的?|没(?:什么|啥)(?:修改|改)的?|不(?:用|需要|必)(?:修改|改|更正)|无需(?:修改|更正)|没(?:有)?(?:写错|打错|搞错|错)(?:了)?)`)

// confirmation words: a message made only of these (and politeness) says
// yes or no.
var (
	yesWords = []string{"是", "是的", "对", "对的", "对啊", "对呀", "没错", "没问题", "没有问题", "确认", "确认无误", "确定", "正确", "好", "好的", "可以", "可以的", "行", "嗯", "嗯嗯", "都对", "全对", "都没问题", "无误", "信息无误", "资料无误", "提交", "提交吧", "登记吧", "就这样", "就这些", "对头", "没毛病", "已解决", "解决了", "好了", "是这样",
		// A negated problem or change is a yes: "没有问题" is no problem.
		"没错误", "没有错", "都没错", "没啥问题", "没什么问题", "一点问题都没有", "没有什么问题", "没问题的", "没有错误", "没什么要改的", "没什么要改", "没有要改的", "没有要修改的", "没什么要修改的", "不用改", "不用改了", "不用修改", "不需要修改", "不需要改", "无需修改", "没有要补充的", "没什么要补充的",
		"ok", "okay", "yes", "yep", "yeah", "yup", "y", "correct", "confirm", "confirmed", "right", "exactly", "sure", "looks good", "all good", "go ahead", "that's right", "that is right", "that's correct", "that is correct", "it's correct", "all correct", "all right", "alright", "perfect", "fine", "sounds good", "yes please", "submit", "that's it", "yes it is", "yes, it is",
		"no problem", "no problems", "nothing wrong", "not wrong", "no mistakes", "no issues", "nothing to change", "nothing to correct", "no changes", "no change needed", "no changes needed", "nothing to add", "spot on", "accurate"}
	noWords     = []string{"不", "不是", "不对", "错了", "有误", "不正确", "否", "没有", "没解决", "不行", "还没有", "没好", "no", "nope", "n", "wrong", "not solved", "incorrect", "not right", "not yet", "nah"}
	fillerWords = []string{"的", "了", "啊", "呀", "吧", "呢", "哦", "噢", "嗯", "哈", "啦", "都", "信息", "资料", "内容", "以上", "上面", "这些", "全部", "谢谢", "谢谢你", "谢谢您", "麻烦了", "please", "thanks", "thank you", "thx", "the", "info", "information", "details", "is", "are", "everything", "all", "it",
		"that's", "that is", "this is", "it's", "looks", "seems", "to me", "here", "there's", "there is", "所有", "一切"}
)

var confirmLex = sync.OnceValue(func() *Lexicon {
	l := NewLexicon()
	for _, w := range yesWords {
		l.Add(w, Tag{Kind: "yes"})
	}
	for _, w := range noWords {
		l.Add(w, Tag{Kind: "no"})
	}
	for _, w := range fillerWords {
		l.Add(w, Tag{Kind: "fill"})
	}
	return l
})

// yesNo reports whether lower is made only of yes words (or only of no
// words) and politeness.
func yesNo(lower string) (yes, no bool) {
	lower = strings.TrimSpace(lower)
	if lower == "" || utf8.RuneCountInString(lower) > 40 {
		return false, false
	}
	hits := confirmLex().Scan(lower)
	pos := 0
	for _, h := range hits {
		if !punctOnly(lower[pos:h.Start]) {
			return false, false
		}
		pos = h.End
		switch {
		case h.Has("yes", ""):
			yes = true
		case h.Has("no", ""):
			no = true
		}
	}
	if !punctOnly(lower[pos:]) {
		return false, false
	}
	if yes && no {
		return false, false // "对，没有" is unclear
	}
	return yes, no
}

func punctOnly(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(" \n\t,，。.!！~～、:：;；…", r) {
			return false
		}
	}
	return true
}

// IsYes reports whether text only says yes.
func IsYes(text string) bool { y, _ := yesNo(Fold(text)); return y }

// IsNo reports whether text only says no.
func IsNo(text string) bool { _, n := yesNo(Fold(text)); return n }

// WantsHuman reports whether text asks for a person. Asking whether the
// bot is one is not asking for one.
func WantsHuman(text string) bool {
	t := strings.TrimSpace(Fold(text))
	return wantsHuman(t)
}

// wantsHuman reads folded text: a request for a person said beside a
// question about the bot ("你是机器人吧 跟你说不清楚 转人工") still asks for
// one; the question alone ("你们是真人客服吗") does not.
func wantsHuman(t string) bool {
	spans := askBotRe.FindAllStringIndex(t, -1)
	if len(spans) == 0 {
		return humanRe.MatchString(t)
	}
	b := []byte(t)
	for _, sp := range spans {
		for i := sp[0]; i < sp[1]; i++ {
			b[i] = ' '
		}
	}
	return humanRe.MatchString(string(b))
}

// AsksIfBot reports whether text asks whether a bot is answering.
func AsksIfBot(text string) bool { return askBotRe.MatchString(Fold(text)) }

// IsCancel reports whether text calls the intake off.
func IsCancel(text string) bool { return cancelRe.MatchString(strings.TrimSpace(Fold(text))) }

// HasCorrection reports whether text corrects something ("型号不对，是XQG80").
func HasCorrection(text string) bool { return corrects(Fold(text)) }

// corrects reads folded text: a correction word counts unless it is
// denied ("nothing to change", "没什么要改的", "都没错了").
func corrects(t string) bool {
	if noChangeRe.MatchString(t) {
		t = noChangeRe.ReplaceAllString(t, " ")
	}
	return correctionRe.MatchString(t)
}

// StripCorrection removes the correction words, leaving the new content.
func StripCorrection(text string) string { return correctionRe.ReplaceAllString(Fold(text), "") }

// IsQuestion reports whether text asks something of its own.
func IsQuestion(text string) bool { return questionRe.MatchString(strings.TrimSpace(Fold(text))) }

// IsGreeting reports whether text is only a greeting.
func IsGreeting(text string) bool { return greetingRe.MatchString(strings.TrimSpace(Fold(text))) }

// IsPreamble reports whether text only announces that something follows
// ("bit of a weird one", "quick question", "我想咨询个事"): it is no problem.
func IsPreamble(text string) bool { return preambleRe.MatchString(strings.TrimSpace(Fold(text))) }

var preambleRe = mustRx(`(?i)^(?:(?:hi|hello|hey|hiya|morning|ok|so|um+|erm?)[\s,，!.]*)*(?:(?:this is )?(?:a )?bit of an? (?:weird|strange|odd|funny|tricky) one|(?:an? )?(?:weird|strange|odd|quick|silly|random|tricky) (?:one|question|q)|quick (?:one|question|q)|(?:i )?(?:have|got|i've got|i have got) (?:a )?(?:quick |small |little )?(?:question|query|problem|issue|enquiry|inquiry)(?: for you)?|(?:i )?need (?:some )?help(?: please)?|can (?:you|u|someone) help(?: me)?|help(?: please| pls)?|(?:a )?question(?: please)?|` +
	`(?:我)?(?:想|要)?(?:问|問|咨询|諮詢|请教|請教)(?:一下|下|个事|個事|个问题|個問題|点事|點事|件事)|有(?:个|個|件)(?:问题|問題|事)(?:想)?(?:问|問|咨询|諮詢|请教|請教)?(?:一下)?|麻烦问下|麻煩問下|请问一下|請問一下|打扰一下|打擾一下)[\s,，!！。.~～?？]*$`)

// IsPolite reports whether text is only politeness ("好的，谢谢", "ok thanks!").
func IsPolite(text string) bool {
	t := strings.TrimSpace(Fold(text))
	return t != "" && politeOnlyRe.MatchString(strings.TrimSpace(t))
}

// IsStatusQuery reports whether a short text asks how the case stands.
func IsStatusQuery(text string) bool {
	return text != "" && utf8.RuneCountInString(text) <= 30 && statusRe.MatchString(Fold(text))
}

// IsNewProblem reports whether text announces another problem.
func IsNewProblem(text string) bool { return newProblemRe.MatchString(Fold(text)) }

// SaysUnknown reports whether text says the customer does not know.
func SaysUnknown(text string) bool { return unknownRe.MatchString(Fold(text)) }

// intents computes the intent set of a folded text.
func intents(lower string) Intent {
	var in Intent
	t := strings.TrimSpace(lower)
	if greetingRe.MatchString(t) {
		in |= IntentGreeting
	}
	if askBotRe.MatchString(t) {
		in |= IntentAskBot
	}
	if wantsHuman(t) {
		in |= IntentHuman
	}
	if cancelRe.MatchString(t) {
		in |= IntentCancel
	}
	yes, no := yesNo(t)
	if yes {
		in |= IntentYes
	}
	if no {
		in |= IntentNo
	}
	if corrects(t) {
		in |= IntentCorrection
	}
	if questionRe.MatchString(t) {
		in |= IntentQuestion
	}
	if t != "" && len(t) <= 120 && politeOnlyRe.MatchString(strings.TrimSpace(t)) { // only short messages are politeness alone
		in |= IntentPolite
	}
	if utf8.RuneCountInString(t) <= 30 && statusRe.MatchString(t) {
		in |= IntentStatus
	}
	if newProblemRe.MatchString(t) {
		in |= IntentNewProblem
	}
	if unknownRe.MatchString(t) {
		in |= IntentUnknown
	}
	if refuseRe.MatchString(t) {
		in |= IntentRefuse
	}
	if len(t) <= 90 && waitRe.MatchString(t) {
		in |= IntentWait
	}
	if len(t) <= 90 && remarkRe.MatchString(t) {
		in |= IntentRemark
	}
	return in
}
