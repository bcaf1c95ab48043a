package dialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// What the customer receives (issue 10): their language from the first
// message, a greeting that fits the channel.

// hinted sends a message as a channel that knows the app's language
// (Telegram's language_code) does.
func (b *bundle) hinted(lang, text, choice string) []dialog.Reply {
	return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text, Choice: choice, Lang: lang})
}

func TestStartGreetsInTheAppLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		hint, lang, want string
	}{
		{"en", "en", "Welcome"},
		{"en-GB", "en", "Welcome"},
		{"de", "en", "Welcome"}, // English is read sooner than Chinese
		{"zh-hans", "zh-CN", "欢迎"},
		{"zh", "zh-CN", "欢迎"},
		{"zh-hant", "zh-TW", "歡迎"},
		{"zh-TW", "zh-TW", "歡迎"},
		{"zh-HK", "zh-TW", "歡迎"},
		{"zh_Hans_HK", "zh-CN", "欢迎"},
		{"", "", "欢迎"}, // no hint: the deployment's first language
	}
	for _, tt := range tests {
		t.Run(tt.hint, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.hinted(tt.hint, "", dialog.ChoiceStart)
			if len(r) != 1 || !strings.Contains(r[0].Text, tt.want) {
				t.Fatalf("/start with %q: %+v", tt.hint, r)
			}
			if b.st.Lang != tt.lang {
				t.Errorf("language %q, want %q", b.st.Lang, tt.lang)
			}
			// Telegram has no menu: the greeting names the commands.
			for _, menu := range []string{"菜单", "選單", "menu"} {
				if strings.Contains(r[0].Text, menu) {
					t.Errorf("the /start greeting points at a menu: %s", r[0].Text)
				}
			}
			if !strings.Contains(r[0].Text, "/status") || !strings.Contains(r[0].Text, "/human") {
				t.Errorf("the /start greeting does not name the commands: %s", r[0].Text)
			}
		})
	}
}

// The hint holds until the customer's words show a language; then the
// words decide, both ways.
func TestLanguageHintGivesWayToWords(t *testing.T) {
	t.Parallel()
	t.Run("english app, chinese words", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("en", "", dialog.ChoiceStart)
		r := b.hinted("en", "你好，我家洗衣机不脱水了", "")
		if b.st.Lang != "zh-CN" || len(r) == 0 || !containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after Chinese words: %+v", b.st.Lang, r)
		}
	})
	t.Run("chinese app, english words", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("zh-hans", "", dialog.ChoiceStart)
		r := b.hinted("zh-hans", "hi, my washing machine stopped spinning", "")
		if b.st.Lang != "en" || len(r) == 0 || containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after English words: %+v", b.st.Lang, r)
		}
	})
	t.Run("words without a language keep the hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("en", "", dialog.ChoiceStart)
		r := b.hinted("en", "XQG100", "")
		if b.st.Lang != "en" || len(r) == 0 || containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after a model code: %+v", b.st.Lang, r)
		}
	})
	t.Run("script-neutral chinese keeps a traditional hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("zh-TW", "", dialog.ChoiceStart)
		b.hinted("zh-TW", "林小姐", "")
		if b.st.Lang != "zh-TW" {
			t.Errorf("language %q after 林小姐 with a zh-TW app", b.st.Lang)
		}
	})
	t.Run("the words outweigh a later hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.send("你好，我家洗衣机不脱水了")
		b.hinted("en", "", dialog.ChoiceStart)
		if b.st.Lang != "zh-CN" {
			t.Errorf("language %q: the hint replaced what the words showed", b.st.Lang)
		}
	})
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// register runs an intake to a registered case K-000007.
func (b *bundle) register() {
	b.t.Helper()
	b.send("你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修")
	b.send("张三")
	b.send("去年双十一买的")
	b.press("confirm")
	if b.st.Phase != dialog.PhaseRegistered {
		b.t.Fatalf("intake ended in phase %s: %+v", b.st.Phase, b.replies)
	}
}

// status asks /status with the case as stored.
func (b *bundle) status(c *cases.Case) string {
	b.t.Helper()
	r := b.event(dialog.Event{Kind: dialog.EventMessage, Choice: dialog.ChoiceMenuStatus, Case: c, CaseState: string(c.State), CaseStartBy: c.Deadlines.StartBy})
	for _, x := range r {
		if x.Kind == "status" {
			return x.Text
		}
	}
	b.t.Fatalf("no status answer: %+v", r)
	return ""
}

// The status answer says where the case stands: the start-by promise only
// while handling has not started; the plan; the resolution and what is
// awaited from the customer; the closing.
func TestStatusFollowsTheCase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.register()
	reg := b.now
	c := &cases.Case{ID: 7, Number: "K-000007", State: cases.StateAssigned, Priority: cases.P2, Department: cases.DeptTechnicalSupport,
		Deadlines: cases.Deadlines{StartBy: reg.Add(8 * time.Hour)}}
	if got := b.status(c); !strings.Contains(got, "开始处理时限：2026-03-04 18:0") {
		t.Errorf("assigned: %s", got)
	}

	c.State = cases.StatePendingApproval
	if got := b.status(c); !strings.Contains(got, "审批") || strings.Contains(got, "开始处理时限") {
		t.Errorf("pending approval: %s", got)
	}

	c.State = cases.StateInProgress
	c.Plan = &cases.Plan{PlanParams: cases.PlanParams{Type: cases.PlanOnSiteRepair, PromisedAt: reg.Add(48 * time.Hour), VisitAt: reg.Add(24 * time.Hour)}, Status: cases.PlanInEffect}
	got := b.status(c)
	for _, want := range []string{"上门维修", "上门时间：2026-03-05", "预计完成：2026-03-06"} {
		if !strings.Contains(got, want) || strings.Contains(got, "开始处理时限") {
			t.Errorf("in progress with a plan: %s, want %q", got, want)
		}
	}

	// Resolved: when, and that the function check is awaited.
	c.State, c.Milestones.Resolved = cases.StateResolved, reg.Add(30*time.Hour)
	b.event(dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: true})
	got = b.status(c)
	if !strings.Contains(got, "已于 2026-03-05 16:0") || !strings.Contains(got, "恢复正常") || strings.Contains(got, "开始处理时限") {
		t.Errorf("resolved, check open: %s", got)
	}
	b.press("check:works")
	if got = b.status(c); !strings.Contains(got, "评分") {
		t.Errorf("resolved, survey open: %s", got)
	}

	c.State, c.Milestones.Closed = cases.StateClosed, reg.Add(80*time.Hour)
	if got = b.status(c); !strings.Contains(got, "已于 2026-03-07 18:0") || !strings.Contains(got, "结案") {
		t.Errorf("closed: %s", got)
	}
}

// In English too, and without the stored case (an older caller) the
// state alone still decides.
func TestStatusResolvedInEnglish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("Hello, my XQG100 washing machine stopped spinning yesterday, please send someone to repair it, my phone is 13812345678")
	b.send("Bought it in November 2025")
	b.send("Emma Clarke")
	b.press("confirm")
	if b.st.Phase != dialog.PhaseRegistered {
		t.Fatalf("phase %s: %+v", b.st.Phase, b.replies)
	}
	r := b.event(dialog.Event{Kind: dialog.EventMessage, Choice: dialog.ChoiceMenuStatus, CaseState: "resolved"})
	if len(r) == 0 || !strings.Contains(r[0].Text, "resolved") || strings.Contains(r[0].Text, "handling starts") {
		t.Errorf("resolved status in English: %+v", r)
	}
}

// The function check's answer goes on the case record, whichever it is;
// a failed one reopens the case after it.
func TestFunctionCheckAnswerIsRecorded(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		say, press string
		want       dialog.CheckAnswer
		reopen     bool
	}{
		{press: "check:works", want: dialog.CheckWorks},
		{say: "好了，能正常用了", want: dialog.CheckWorks},
		{press: "check:broken", want: dialog.CheckBroken, reopen: true},
		{say: "还是不行，还是不脱水", want: dialog.CheckBroken, reopen: true},
	} {
		t.Run(tt.say+tt.press, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.register()
			b.event(dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: true})
			if tt.press != "" {
				b.press(tt.press)
			} else {
				b.send(tt.say)
			}
			a := b.has(dialog.ActFunctionCheck)
			if a == nil || a.Check != tt.want || a.Note != tt.say {
				t.Fatalf("actions %+v, want the function check %v recorded", b.last, tt.want)
			}
			if reopen := b.has(dialog.ActReopenCase) != nil; reopen != tt.reopen {
				t.Errorf("reopen %v, want %v", reopen, tt.reopen)
			}
		})
	}
}

// toConfirm runs an intake up to the confirmation.
func (b *bundle) toConfirm(english bool) {
	b.t.Helper()
	if english {
		b.send("Hello, my XQG100 washing machine stopped spinning yesterday, please send someone to repair it, my phone is 13812345678")
		b.send("Bought it in November 2025")
		b.send("Emma Clarke")
	} else {
		b.send("你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修")
		b.send("张三")
		b.send("去年双十一买的")
	}
	if b.st.Phase != dialog.PhaseConfirming {
		b.t.Fatalf("phase %s before the confirmation: %+v", b.st.Phase, b.replies)
	}
}

// Natural confirmations confirm ("没有问题" is no problem, a yes);
// corrections still correct.
func TestNaturalConfirmations(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text    string
		english bool
	}{
		{text: "确认，没有问题"},
		{text: "没问题，对的"},
		{text: "对，就这样"},
		{text: "是的没错"},
		{text: "確認，沒有問題"},
		{text: "都对，没什么要改的"},
		{text: "信息无误"},
		{text: "yes that's all correct", english: true},
		{text: "Yes, that's all correct.", english: true},
		{text: "all good, nothing to change", english: true},
		{text: "that's right", english: true},
	} {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.toConfirm(tt.english)
			r := b.send(tt.text)
			if b.st.Phase != dialog.PhaseRegistered {
				t.Errorf("%q at the confirmation: phase %s, replies %+v", tt.text, b.st.Phase, r)
			}
		})
	}
	for _, tt := range []struct {
		text, phone string
		english     bool
	}{
		{text: "不对，电话是13900001111", phone: "13900001111"},
		{text: "有问题，电话是13900001111", phone: "13900001111"},
		{text: "没问题，就是电话改成13900001111", phone: "13900001111"},
		{text: "no, my phone is 13900001111", phone: "13900001111", english: true},
		{text: "all correct except the phone: 13900001111", phone: "13900001111", english: true},
	} {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.toConfirm(tt.english)
			b.send(tt.text)
			if b.st.Fields["phone"] != tt.phone || b.st.Phase == dialog.PhaseRegistered {
				t.Errorf("%q: phone %q, phase %s: a correction was taken for a yes", tt.text, b.st.Fields["phone"], b.st.Phase)
			}
		})
	}
}

// registeredText is the registration reply of the last step.
func registeredText(t *testing.T, rs []dialog.Reply) string {
	t.Helper()
	for _, r := range rs {
		if r.Kind == "registered" {
			return r.Text
		}
	}
	t.Fatalf("no registration reply: %+v", rs)
	return ""
}

// Times are shown on the customer's clock, with the zone named, when an
// international phone number or the country they named places them
// elsewhere; a mainland number keeps China time without a zone.
func TestTimesOnTheCustomersClock(t *testing.T) {
	t.Parallel()
	// 2026-03-04 10:00 in Beijing is 02:00 in London (GMT) and 05:00 in
	// Nairobi; a P2 case starts within 8 h: 18:00 Beijing.
	t.Run("british mobile, english", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.send("Hello, my XQG100 washing machine stopped spinning yesterday, please send someone to repair it, my phone is +44 7700 900123")
		b.send("Bought it in November 2025")
		b.send("Emma Clarke")
		got := registeredText(t, b.press("confirm"))
		if b.st.Zone != "Europe/London" || !strings.Contains(got, "Mar 4 10:0") || !strings.Contains(got, "(London time)") {
			t.Errorf("zone %q, registration: %s", b.st.Zone, got)
		}
		// The status answer too.
		st := b.status(&cases.Case{State: cases.StateAssigned, Deadlines: cases.Deadlines{StartBy: time.Date(2026, 3, 4, 18, 0, 0, 0, cst)}})
		if !strings.Contains(st, "Mar 4 10:00 (London time)") {
			t.Errorf("status: %s", st)
		}
	})
	t.Run("british mobile, chinese", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.send("你好，我家XQG100洗衣机昨天开始不脱水了，电话+44 7700 900123，想上门维修")
		b.send("张三")
		b.send("去年双十一买的")
		got := registeredText(t, b.press("confirm"))
		if !strings.Contains(got, "2026-03-04 10:0") || !strings.Contains(got, "（当地时间 UTC+0）") {
			t.Errorf("zone %q, registration: %s", b.st.Zone, got)
		}
	})
	t.Run("device zone outweighs the phone", func(t *testing.T) {
		t.Parallel()
		// A browser in Nairobi, a mainland number: the browser's clock.
		b := setup(t)
		b.event(dialog.Event{Kind: dialog.EventMessage, Zone: "Africa/Nairobi", Text: "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"})
		b.send("张三")
		b.send("去年双十一买的")
		got := registeredText(t, b.press("confirm"))
		if b.st.Zone != "Africa/Nairobi" || !strings.Contains(got, "2026-03-04 13:0") || !strings.Contains(got, "UTC+3") {
			t.Errorf("zone %q, registration: %s", b.st.Zone, got)
		}
	})
	t.Run("a mail's offset", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.event(dialog.Event{Kind: dialog.EventMessage, Zone: "-0500", Text: "Hello, my XQG100 washing machine stopped spinning yesterday, please send someone to repair it, my phone is 13812345678"})
		b.send("Bought it in November 2025")
		b.send("Emma Clarke")
		got := registeredText(t, b.press("confirm"))
		if !strings.Contains(got, "Mar 4 05:0") || !strings.Contains(got, "UTC-5") {
			t.Errorf("zone %q, registration: %s", b.st.Zone, got)
		}
	})
	t.Run("mainland mobile", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.register()
		if b.st.Zone != "" {
			t.Errorf("zone %q for a mainland number", b.st.Zone)
		}
		for _, r := range b.replies {
			if r.Kind == "registered" && (!strings.Contains(r.Text, "2026-03-04 18:0") || strings.Contains(r.Text, "当地时间")) {
				t.Errorf("registration: %s", r.Text)
			}
		}
	})
}

// FormatTimeIn: an IANA zone or an offset; the deployment's zone, an
// unknown one or the same clock are shown as FormatTime shows them.
func TestFormatTimeIn(t *testing.T) {
	t.Parallel()
	e := setup(t).e
	at := time.Date(2026, 12, 3, 23, 6, 0, 0, cst)
	for _, tt := range []struct{ lang, zone, want string }{
		{"en", "Europe/London", "Dec 3 15:06 (London time)"},
		{"en", "America/New_York", "Dec 3 10:06 (New York time)"},
		{"en", "+0100", "Dec 3 16:06 (UTC+1)"},
		{"en", "UTC-5:30", "Dec 3 09:36 (UTC-5:30)"},
		{"zh-CN", "Europe/London", "2026-12-03 15:06（当地时间 UTC+0）"},
		{"zh-TW", "+0100", "2026-12-03 16:06（當地時間 UTC+1）"},
		{"en", "", "Dec 3 23:06"},
		{"en", "Asia/Taipei", "Dec 3 23:06"}, // the same clock: nothing to name
		{"en", "Mars/Olympus_Mons", "Dec 3 23:06"},
	} {
		if got := e.FormatTimeIn(tt.lang, tt.zone, at); got != tt.want {
			t.Errorf("FormatTimeIn(%s, %q) = %q, want %q", tt.lang, tt.zone, got, tt.want)
		}
	}
	if got := e.FormatTime("en", at); got != "Dec 3 23:06" {
		t.Errorf("FormatTime = %q", got)
	}
}

// "bit of a weird one" only announces the problem: the bot asks for it
// instead of confirming a case about nothing; a bare name at the
// confirmation is the customer's name, not something it did not understand.
func TestPreambleAndNameAtConfirmation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send("bit of a weird one")
	if len(r) == 0 || r[len(r)-1].Kind == "confirm" || b.st.Fields[cases.FieldSymptom] != "" {
		t.Fatalf("a preamble became the problem: %+v, fields %v", r, b.st.Fields)
	}
	b.send("is it safe to leave the dehumidifier DH-20 running for three weeks while I'm away? just want to know it won't flood the house or catch fire")
	if b.st.Priority == cases.P1 {
		t.Fatalf("a question about a fire is P1: %v", b.st.Reasons)
	}
	if b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("phase %s after a full question, want confirming", b.st.Phase)
	}
	r = b.send("Sophie")
	for _, x := range r {
		if strings.Contains(x.Text, "didn't understand") {
			t.Fatalf("a bare name at the confirmation was not understood: %+v", r)
		}
	}
	if got := b.st.Fields[cases.FieldCustomerName]; got != "Sophie" {
		t.Errorf("name %q, want Sophie", got)
	}
}
