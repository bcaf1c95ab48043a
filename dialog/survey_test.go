package dialog

import (
	"maps"
	"testing"
)

func TestParseRating(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int // 0: ok must be false
	}{
		// Buttons.
		{"rating:1", 1}, {"rating:5", 5}, {"RATING:3", 3}, {"rating:6", 0},
		// Digits, full-width, units, fractions.
		{"5", 5}, {"５", 5}, {"5分", 5}, {"５分", 5}, {"4分吧", 4}, {"打5分", 5}, {"给4分", 4}, {"3 分", 3},
		{"5 stars", 5}, {"4 star", 4}, {"5stars", 5}, {"4/5", 4}, {"4 / 5", 4}, {"5/5!", 5}, {"3 out of 5", 3},
		{"10/10", 5}, {"8/10", 4}, {"10分", 5}, {"100分", 5}, {"给你们100分", 5}, {"0分", 1}, {"给3颗星", 3},
		{"5⭐", 5}, {"5.0", 5}, {"I'd give it a 4", 4}, {"4 - good", 4}, {"5分，非常满意", 5},
		{"满意，给5分", 5}, {"非常满意 4分", 4}, {"5分5分5分", 5}, {"1-5分的话我给5分", 5}, {"满分5分，我给4分", 4},
		{"满分5分", 5}, {"5分钟就到了，给5分", 5}, {"等了3天，给2分", 2}, {"took 3 days, 3 stars", 3},
		{"师傅2个小时就到了 5", 5}, {"订单 20240512001 给5分", 5}, {"XQG80 洗衣机 4分", 4},
		{"13812345678", 0}, {"3号来的", 0}, {"在5楼", 0},
		// Chinese numerals.
		{"五分", 5}, {"五星", 5}, {"三", 3}, {"三吧", 3}, {"四分吧", 4}, {"打五分", 5}, {"给五星好评", 5},
		{"两分", 2}, {"一星", 1}, {"一颗星都不想给", 1}, {"零分", 1}, {"五颗星", 5}, {"給五分", 5},
		{"五分钟", 0}, {"一般", 3}, {"三天", 0},
		// Stars and emoji.
		{"⭐⭐⭐⭐⭐", 5}, {"⭐⭐⭐", 3}, {"★★★★☆", 4}, {"👍", 4}, {"👍👍", 5}, {"👍🏻", 4}, {"👎", 2},
		{"👎👎👎", 1}, {"😡", 1}, {"😊", 4}, {"[强]", 4}, {"[弱]", 2}, {"👍😡", 0}, {"非常满意👍", 5},
		// zh-CN words.
		{"非常满意", 5}, {"很满意", 5}, {"十分满意", 5}, {"满意", 4}, {"满意的", 4}, {"比较满意", 4},
		{"基本满意", 3}, {"一般", 3}, {"一般般吧", 3}, {"还行", 3}, {"还可以", 3}, {"凑合吧", 3}, {"马马虎虎", 3},
		{"不满意", 2}, {"不太满意", 2}, {"不是很满意", 2}, {"不怎么满意", 2}, {"没那么满意", 2}, {"很不满意", 1},
		{"非常不满意", 1}, {"太差了", 1}, {"很差", 1}, {"差", 2}, {"差评", 1}, {"垃圾", 1}, {"一点都不满意", 1},
		{"挺好的", 4}, {"很好", 5}, {"非常好", 5}, {"不错", 4}, {"还不错", 4}, {"很不错", 5}, {"不差", 4},
		{"不算差", 3}, {"不太好", 2}, {"不好", 2}, {"好", 4}, {"可以", 3}, {"行吧", 3}, {"完美", 5}, {"满分", 5},
		{"很及时", 5}, {"挺及时的", 4}, {"太慢了", 2}, {"很专业", 5}, {"不专业", 2}, {"师傅很专业，很满意", 5},
		{"挺好的，很满意", 5}, {"不满意，太差了", 1}, {"没什么不满意的", 4}, {"百分百满意", 5},
		{"服务态度很好", 5}, {"速度一般般", 3},
		// zh-TW.
		{"非常滿意", 5}, {"滿意", 4}, {"不滿意", 2}, {"很不滿意", 1}, {"還可以", 3}, {"還行", 3}, {"不錯", 4},
		{"很專業", 5}, {"太差了", 1}, {"給5分", 5}, {"普通", 3}, {"不太滿意", 2},
		// English.
		{"excellent", 5}, {"Excellent!", 5}, {"very good", 5}, {"great", 5}, {"good", 4}, {"Good.", 4},
		{"pretty good", 4}, {"satisfied", 4}, {"ok", 3}, {"OK", 3}, {"okay", 3}, {"average", 3}, {"fine", 3},
		{"so-so", 3}, {"bad", 2}, {"poor", 2}, {"terrible", 1}, {"awful", 1}, {"very bad", 1},
		{"not bad", 4}, {"Not bad at all", 4}, {"it wasn't bad", 4}, {"not good", 2}, {"not great", 2},
		{"not satisfied", 2}, {"I'm not very happy", 2}, {"not too bad", 3}, {"not terrible", 3},
		{"very professional", 5}, {"the technician was very professional", 5}, {"very slow", 1},
		{"It was OK", 3}, {"could be better", 3}, {"no complaints", 4}, {"can’t complain", 4},
		{"very dissatisfied", 1}, {"unhappy", 2}, {"five stars", 5}, {"five", 5}, {"three", 3},
		// Not ratings.
		{"", 0}, {"好的", 0}, {"嗯", 0}, {"收到", 0}, {"谢谢", 0}, {"thanks", 0}, {"还没试", 0},
		{"3 or 4", 0}, {"3或4分", 0}, {"3-4分", 0}, {"3到4分吧", 0}, {"4.5", 0}, {"4.5分", 0}, {"8分", 0},
		{"6", 0}, {"服务很好，但是太慢了", 0}, {"还行，挺好", 0}, {"5分是最好吗？", 0}, {"what does 5 mean?", 0},
		{"一般是几分？", 0}, {"洗衣机又坏了", 0}, {"token", 0}, {"不好意思，刚才在忙", 0}, {"满意度调查是什么", 0},
		{"5?", 5}, {"5分吧？", 5},
		// Messier replies.
		{"不太好说", 0}, {"说不好", 0}, {"差不多吧", 3}, {"一般般，师傅来得太晚了", 0}, {"5分，师傅2点来的", 5},
		{"给师傅5分，客服3分", 0}, {"满意 满意 满意", 4}, {"非常满意，谢谢你们", 5}, {"没得说，五星", 5},
		{"very good service, 5 stars", 5}, {"I would say 4", 4}, {"4 I guess", 4}, {"Between 3 and 4", 0},
		{"it was good but slow", 0}, {"Great job!", 5}, {"thumbs up", 4}, {"好评！", 5}, {"5星好评", 5},
		{"Not very satisfied", 2}, {"I am satisfied", 4}, {"普普通通", 3}, {"讚", 4}, {"超讚", 5}, {"哈哈 挺好", 4},
		{"可以吧", 3}, {"5分!!!", 5}, {"打个5分吧", 5}, {"5 (very satisfied)", 5}, {"1 - terrible", 1},
		{"3分，因为等太久了", 3}, {"No", 0}, {"yes", 0}, {"不是特别满意", 2}, {"rating: 5", 5},
		{"差强人意", 3}, {"中评", 3}, {"服务没得说，就是有点慢", 0}, {"好极了", 5}, {"三星", 3}, {"一分钱都不值", 0},
		{"3.15", 0}, {"哈哈哈", 0}, {"0", 0}, {"10", 0}, {"1", 1}, {"唉，还行吧", 3}, {"quick and professional", 4},
		{"⭐️⭐️⭐️⭐️⭐️", 5}, {"5️⃣", 5}, {"师傅态度很好，但是等了很久", 5}, {"一般，师傅还行", 3},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRating(tt.text)
			if tt.want == 0 && ok {
				t.Fatalf("ParseRating(%q) = %d, true; want ok=false", tt.text, got)
			}
			if tt.want != 0 && (!ok || got != tt.want) {
				t.Fatalf("ParseRating(%q) = %d, %v; want %d", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestParseRatings(t *testing.T) {
	t.Parallel()
	type r = map[SurveyDimension]int
	all := func(a, b, c int) r {
		return r{SurveyTimeliness: a, SurveyProfessionalism: b, SurveyEffectiveness: c}
	}
	tests := []struct {
		text string
		want r
	}{
		{"5 4 5", all(5, 4, 5)},
		{"5 5 5", all(5, 5, 5)},
		{"5，4，5", all(5, 4, 5)},
		{"5/4/5", all(5, 4, 5)},
		{"5\n4\n3", all(5, 4, 3)},
		{"5分 4分 5分", all(5, 4, 5)},
		{"及时性5 专业性4 效果5", all(5, 4, 5)},
		{"及时性：5分\n专业性：4分\n解决效果：5分", all(5, 4, 5)},
		{"及時性5 專業性4 效果3", all(5, 4, 3)},
		{"timeliness: 5, professionalism 4, effectiveness: 3", all(5, 4, 3)},
		{"Timeliness - 5/5\nProfessionalism - 4/5\nEffectiveness - 5/5", all(5, 4, 5)},
		{"5 for timeliness, 4 for professionalism and 3 for effectiveness", all(5, 4, 3)},
		{"1. 5\n2. 4\n3. 5", all(5, 4, 5)},
		{"1、及时性5分 2、专业性4分 3、效果5分", all(5, 4, 5)},
		{"1. 及时性：5\n2. 专业性：4\n3. 效果：5", all(5, 4, 5)},
		{"Q1: 5 Q2: 4 Q3: 3", all(5, 4, 3)},
		{"1) 5 2) 4 3) 3", all(5, 4, 3)},
		{"第一项5分，第二项4分，第三项5分", all(5, 4, 5)},
		{"速度5，态度4，效果3", all(5, 4, 3)},
		{"技术5分 态度5分 速度3分", r{SurveyProfessionalism: 5, SurveyTimeliness: 3}},
		{"时效性 5\n专业性 5\n效果 4\n其他：师傅很好", all(5, 5, 4)},
		{"timeliness 4 professionalism 5 effectiveness 5 thanks", all(4, 5, 5)},
		{"Timeliness: good\nProfessionalism: excellent\nEffectiveness: it works now", r{SurveyTimeliness: 4, SurveyProfessionalism: 5}},
		{"非常满意，满意，一般", all(5, 4, 3)},
		{"及时性很及时，专业性很专业，效果一般", all(5, 5, 3)},
		{"服务态度很好，速度一般，效果还行", r{SurveyProfessionalism: 5, SurveyTimeliness: 3, SurveyEffectiveness: 3}},
		{"Thank you! 5, 5, 5. Great service", all(5, 5, 5)},
		{"专业性5", r{SurveyProfessionalism: 5}},
		{"5", r{SurveyTimeliness: 5}},
		{"5 4", r{SurveyTimeliness: 5, SurveyProfessionalism: 4}},
		{"Timeliness: 5\nProfessionalism: 4\nEffectiveness: 5\n\nBest regards,\nJohn Smith\n+86 138 1234 5678", all(5, 4, 5)},
		{"5 4 5\n\n-----原始邮件-----\n发件人: kefu\n请为及时性打分(1-5)", all(5, 4, 5)},
		{"timeliness 5\n> Please rate professionalism 1-5", r{SurveyTimeliness: 5}},
		{"5 4 5 3", r{}},
		{"好的", r{}},
		{"", r{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := ParseRatings(tt.text); !maps.Equal(got, tt.want) {
				t.Fatalf("ParseRatings(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestFunctionCheck(t *testing.T) {
	t.Parallel()
	W, B, U := CheckWorks, CheckBroken, CheckUnknown
	tests := []struct {
		text string
		want CheckAnswer
	}{
		{"check:works", W}, {"check:broken", B},
		// zh-CN works.
		{"是的", W}, {"好了", W}, {"正常了", W}, {"可以用了", W}, {"没问题了", W}, {"没有问题", W}, {"没问题", W},
		{"能用了，谢谢师傅", W}, {"修好了", W}, {"一切正常", W}, {"已经恢复正常了", W}, {"不漏水了", W},
		{"不响了", W}, {"能转了", W}, {"没事了", W}, {"漏水的问题解决了", W}, {"嗯，正常了", W}, {"好的", W},
		{"对，能正常使用了", W}, {"试了一下，好了", W}, {"没毛病", W}, {"跟新的一样", W}, {"制冷正常", W},
		// zh-TW works.
		{"正常了，謝謝", W}, {"沒問題了", W}, {"好了，可以用了", W},
		// English works.
		{"yes", W}, {"Yes, it works", W}, {"works fine", W}, {"It's working now, thanks!", W}, {"all good", W},
		{"no problems at all", W}, {"it doesn't leak anymore", W}, {"the noise is gone", W}, {"stopped leaking", W},
		{"fixed, thank you", W}, {"no more leaks", W}, {"back to normal", W}, {"perfect", W},
		// zh-CN broken.
		{"不", B}, {"没有", B}, {"还是不行", B}, {"又坏了", B}, {"还是不脱水", B}, {"没有好", B}, {"不是很正常", B},
		{"还没好", B}, {"没修好", B}, {"不转了", B}, {"还是漏水", B}, {"还漏", B}, {"开不了机", B}, {"还是一样", B},
		{"没反应", B}, {"能转了，但是还是漏水", B}, {"好了一会儿又坏了", B}, {"故障灯亮了", B}, {"还是有异响", B},
		{"显示E4报错", B}, {"不好用", B}, {"还是不制冷", B}, {"用了两天又不行了", B}, {"转不了", B},
		{"好像还是不行", B}, {"怎么还是不行？", B},
		// zh-TW broken.
		{"還是不行", B}, {"又壞了", B}, {"還是漏水", B}, {"沒有好", B},
		// English broken.
		{"no", B}, {"No.", B}, {"still not working", B}, {"same problem", B}, {"doesn't work", B},
		{"it stopped working again", B}, {"still leaking", B}, {"not fixed", B}, {"it's still broken", B},
		{"no good", B}, {"it worked for a day then stopped", B}, {"won't turn on", B}, {"not spinning", B},
		{"not really", B}, {"It works but it's still noisy", B}, {"能用是能用，就是声音有点大", B},
		{"还是老问题", B}, {"昨天还好好的，今天又不转了", B}, {"nah still broken", B}, {"nope", B},
		{"it's working but makes a weird noise", B},
		{"目前正常，再观察几天", W}, {"so far so good", W}, {"seems fine", W}, {"没有再漏了", W}, {"一次都没漏过", W},
		{"洗了一桶衣服，没问题", W}, {"还行", W}, {"刚试了，正常", W}, {"一切ok", W}, {"好像好了", W},
		{"仍然不转", B}, {"问题依旧", B}, {"依然漏水", B}, {"修完第二天就坏了", B}, {"电源灯不亮", B},
		{"洗衣机好了，但是烘干不行", B}, {"能用了，不过有点小问题", B}, {"there's still an error code", B},
		{"yes but it's still leaking a bit", B}, {"转人工", U}, {"好了好了", W}, {"OK now", W}, {"yes it works now thank you", W},
		{"现在可以了", W}, {"暂时没问题", W}, {"再看看", U},
		// Unknown.
		{"", U}, {"还没试", U}, {"还没试，应该没问题吧", U}, {"晚上回家试试", U}, {"不知道", U}, {"haven't tried yet", U},
		{"I'll check tonight", U}, {"not sure", U}, {"not yet", U}, {"要怎么试？", U}, {"是正常的吗？", U},
		{"还没收到新机器", U}, {"今天天气不错", U}, {"how do I reset it?", U}, {"還沒試", U},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := FunctionCheck(tt.text); got != tt.want {
				t.Fatalf("FunctionCheck(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestWantsComplaint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{"投诉", true}, {"我要投诉", true}, {"我要投訴", true}, {"我要投诉你们的师傅", true},
		{"太差了，我要投诉！", true}, {"投诉电话是多少", true}, {"我要去12315举报你们", true}, {"我要举报", true},
		{"找你们领导来", true}, {"叫你们经理出来", true}, {"你们主管是谁", true}, {"我要向消协反映", true},
		{"我要曝光你们", true}, {"不满意，我要投诉", true}, {"I want to complain", true},
		{"I'd like to file a complaint", true}, {"complaint", true}, {"Let me speak to your manager", true},
		{"I want to talk to a supervisor", true}, {"please escalate this", true}, {"我已經投訴到消基會了", true},
		{"如果可以的话我想投诉", true}, {"how do I file a complaint?", true},
		{"I'm not happy and I want to complain", true}, {"我要找你们老板", true}, {"我已经打了12315", true},
		{"Can I speak to a manager please", true}, {"不要转人工，我要投诉", true}, {"the manager said it would be fixed", false},
		{"I want a refund", false}, {"领导说了明天来", false}, {"我朋友是律师", false}, {"怎么投诉", true}, {"我想投诉一下", true},
		{"I have a complaint about the technician", true}, {"Complaint: the technician was rude", true},
		// Not counted.
		{"我不是要投诉", false}, {"不投诉", false}, {"我不想投诉，只想快点修好", false}, {"不用找你们领导", false},
		{"没有投诉的意思", false}, {"no complaints", false}, {"No complaints at all, thanks", false},
		{"I can't complain", false}, {"I'm not complaining, just asking", false},
		{"I don't want to complain", false}, {"nothing to complain about", false},
		{"再不来我就投诉了", false}, {"如果明天还修不好，我就投诉", false},
		{"if it's not fixed by Friday I'll file a complaint", false},
		{"我的投诉怎么样了", false}, {"投诉进度", false}, {"上次投诉的结果呢", false}, {"what's the status of my complaint", false},
		{"给你们差评", false}, {"转人工", false}, {"很不满意", false}, {"", false}, {"this is terrible", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := WantsComplaint(tt.text); got != tt.want {
				t.Fatalf("WantsComplaint(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestSkipsComment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{"没有", true}, {"没了", true}, {"无", true}, {"不用了", true}, {"没有了，谢谢", true}, {"不用了谢谢", true},
		{"没有，挺好的", true}, {"没什么意见", true}, {"暂时没有", true}, {"沒有", true}, {"沒有了，謝謝", true},
		{"没有建议", true}, {"就这样吧", true}, {"谢谢", true}, {"好的", true}, {"👍", true}, {"🙏🙏", true},
		{"no", true}, {"No.", true}, {"nothing", true}, {"Nothing, thanks!", true}, {"n/a", true}, {"N/A", true},
		{"none", true}, {"no comment", true}, {"no thanks", true}, {"that's all", true}, {"-", true},
		{"nope, all good", true}, {"Thank you!", true}, {"没有意见，挺满意的", true}, {"没有了，都挺好的，谢谢", true},
		{"嗯没有", true}, {"没有什么", true}, {"就这些了谢谢", true}, {"无。", true}, {"暂无", true}, {"没有 谢谢", true},
		{"nothing else, thanks for your help", true}, {"no comments, thank you!", true}, {"all good thanks", true},
		{"没有，你们很棒", true}, {"没有什么要补充的了", true}, {"no, keep up the good work", true}, {"😊", true},
		{"希望继续保持", false}, {"无语", false},
		// A comment.
		{"", false}, {"挺好的", false}, {"没有，就是师傅来晚了", false}, {"师傅很专业", false},
		{"希望下次能快一点", false}, {"没有人提前通知我", false}, {"No, but the technician was late", false},
		{"The technician was very polite", false}, {"great service", false}, {"下次早点来", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := SkipsComment(tt.text); got != tt.want {
				t.Fatalf("SkipsComment(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestChangesSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{"洗衣机又坏了", true}, {"另外我家冰箱也不制冷了", true}, {"发票什么时候开？", true}, {"我的退款到哪了", true},
		{"还有一个问题想问", true}, {"怎么延长保修", true}, {"冰箱不能制冷", true}, {"順便問一下保修多久", true},
		{"By the way, my dryer is broken too", true}, {"what's the status of my other order?", true},
		{"how do I clean the filter?", true}, {"Also, I need an invoice", true}, {"what does 5 mean?", true},
		{"我要投诉", true}, {"师傅电话多少", true}, {"I have another question", true},
		{"your technician damaged my floor", true}, {"冰箱门关不上", true}, {"你是机器人吗", true},
		{"师傅什么时候再来一次", true}, {"why do you need this?", true}, {"稍等", false}, {"哦", false},
		// Ratings, politeness, or nothing in particular.
		{"5", false}, {"非常满意", false}, {"太差了，又坏了", false}, {"5分吧？", false}, {"好的", false},
		{"谢谢", false}, {"没问题", false}, {"ok", false}, {"3 or 4", false}, {"no problem", false}, {"嗯", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := ChangesSubject(tt.text); got != tt.want {
				t.Fatalf("ChangesSubject(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
