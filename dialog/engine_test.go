package dialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/dialog"
)

type bundle struct {
	t   *testing.T
	e   *dialog.Engine
	st  dialog.State
	now time.Time
	// everything the bot said, in order
	replies []dialog.Reply
	last    []dialog.Action
}

var cst = time.FixedZone("CST", 8*3600)

func setup(t *testing.T) *bundle {
	t.Helper()
	cfg := configs.Default()
	e, err := cfg.Engine()
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{t: t, e: e, now: time.Date(2026, 3, 4, 10, 0, 0, 0, cst)}
}

// send runs one customer message and feeds a registration back, as the
// service does.
func (b *bundle) send(text string) []dialog.Reply {
	return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text})
}

func (b *bundle) press(v string) []dialog.Reply {
	return b.event(dialog.Event{Kind: dialog.EventMessage, Choice: v})
}

func (b *bundle) event(ev dialog.Event) []dialog.Reply {
	b.t.Helper()
	var acts []dialog.Action
	b.st, acts = b.e.Step(b.st, ev, b.now)
	b.last = acts
	var out []dialog.Reply
	for _, a := range acts {
		switch a.Kind {
		case dialog.ActReply:
			out = append(out, *a.Reply)
		case dialog.ActRegisterCase:
			if b.st.Phase == dialog.PhaseRegistering || b.st.Phase == dialog.PhaseWaitingAgent {
				var more []dialog.Action
				b.st, more = b.e.Step(b.st, dialog.Event{Kind: dialog.EventCaseRegistered, CaseID: 7, CaseNumber: "K-000007"}, b.now)
				for _, m := range more {
					if m.Kind == dialog.ActReply {
						out = append(out, *m.Reply)
					}
				}
				b.last = append(b.last, more...)
			}
		}
	}
	b.replies = append(b.replies, out...)
	b.now = b.now.Add(30 * time.Second)
	return out
}

func (b *bundle) asked() []cases.FieldKey {
	var f []cases.FieldKey
	for _, r := range b.replies {
		if r.Field != "" {
			f = append(f, r.Field)
		}
	}
	return f
}

func (b *bundle) has(kind dialog.ActionKind) *dialog.Action {
	for i := range b.last {
		if b.last[i].Kind == kind {
			return &b.last[i]
		}
	}
	return nil
}

func lastField(rs []dialog.Reply) cases.FieldKey {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Field != "" {
			return rs[i].Field
		}
	}
	return ""
}

func TestIntakeChineseAllInOneWithCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send("你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修")
	// The purchase is asked before the name: a good agent asks the name last.
	if got := lastField(r); got != cases.FieldPurchaseDate {
		t.Fatalf("first question asks %q, want purchase_date; replies %+v", got, r)
	}
	for k, want := range map[cases.FieldKey]string{cases.FieldPhone: "13812345678", cases.FieldProductModel: "XQG100", cases.FieldDemand: "repair", cases.FieldOccurredAt: "2026-03-03"} {
		if got := b.st.Fields[k]; got != want {
			t.Errorf("field %s = %q, want %q", k, got, want)
		}
	}
	if b.st.Category != cases.CategoryTechnical || b.st.Priority != cases.P2 {
		t.Errorf("classified %s/%s, want technical/P2", b.st.Category, b.st.Priority)
	}
	b.send("张三")
	r = b.send("去年双十一买的")
	if b.st.Fields[cases.FieldPurchaseDate] != "2025-11-11" {
		t.Errorf("purchase_date = %q", b.st.Fields[cases.FieldPurchaseDate])
	}
	if b.st.Phase != dialog.PhaseConfirming || !strings.Contains(r[len(r)-1].Text, "XQG100") {
		t.Fatalf("want a confirmation restating the model, got phase %s: %+v", b.st.Phase, r)
	}
	r = b.send("型号不对，是XQG80")
	if b.st.Fields[cases.FieldProductModel] != "XQG80" || b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("correction not applied: model %q phase %s", b.st.Fields[cases.FieldProductModel], b.st.Phase)
	}
	if !strings.Contains(r[len(r)-1].Text, "XQG80") {
		t.Errorf("re-confirmation does not show the correction: %q", r[len(r)-1].Text)
	}
	r = b.send("对的")
	if b.st.Phase != dialog.PhaseRegistered || b.st.CaseNumber != "K-000007" {
		t.Fatalf("not registered: phase %s", b.st.Phase)
	}
	text := r[0].Text
	for _, want := range []string{"K-000007", "技术故障", "P2", "技术支持部", "2026-03-04 18:0"} {
		if !strings.Contains(text, want) {
			t.Errorf("registration reply lacks %q:\n%s", want, text)
		}
	}
	for _, f := range b.asked() {
		switch f {
		case cases.FieldPhone, cases.FieldProductModel, cases.FieldDemand, cases.FieldSymptom:
			t.Errorf("asked again for %s, which was given in the first message", f)
		}
	}
	// Thanks is answered, not filed on the case; a real addition is filed.
	r = b.send("好的，谢谢")
	if b.has(dialog.ActUpdateCase) != nil || len(r) != 1 || !strings.Contains(r[0].Text, "K-000007") {
		t.Errorf("thanks after registration: %+v", r)
	}
	b.send("对了，机器放在阳台上")
	if a := b.has(dialog.ActUpdateCase); a == nil || a.Note == "" {
		t.Errorf("an addition after registration is not filed on the case: %+v", b.last)
	}
	b.send("查询进度")
	if r := b.replies[len(b.replies)-1]; r.Kind != "status" {
		t.Errorf("status question answered with %+v", r)
	}
}

func TestPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		category cases.Category
		priority cases.Priority
	}{
		{"空调没有冒烟，就是不制冷了", cases.CategoryTechnical, cases.P2},
		{"热水器漏电了，手碰到有麻的感觉", cases.CategoryTechnical, cases.P1},
		{"插上电源就冒烟，还有焦味", cases.CategoryTechnical, cases.P1},
		{"买了没几天就冒烟了", cases.CategoryTechnical, cases.P1},
		{"我们公司采购的20台都开不了机", cases.CategoryTechnical, cases.P1},
		{"我们工厂的设备宕机了，生产线全线停产", cases.CategoryTechnical, cases.P1},
		{"冰箱门上有一道划痕，不影响使用", cases.CategoryQuality, cases.P3},
		{"快递三天了还没到", cases.CategoryLogistics, cases.P3},
		{"The dryer is smoking and smells burnt", cases.CategoryTechnical, cases.P1},
		{"There is no smoke but it won't turn on", cases.CategoryTechnical, cases.P2},
		{"洗衣機不脫水了，沒有漏電", cases.CategoryTechnical, cases.P2},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.send(tc.text)
			if b.st.Category != tc.category || b.st.Priority != tc.priority {
				t.Errorf("got %s/%s (%v), want %s/%s", b.st.Category, b.st.Priority, b.st.Reasons, tc.category, tc.priority)
			}
		})
	}
}

func TestP1AnswerSaysEscalated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("我叫李雷，电话13900001111，家里的电热水器漏电了，型号DSZF-60，上个月买的，需要上门维修")
	if b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("phase %s, asked %v", b.st.Phase, b.asked())
	}
	r := b.press("confirm")
	all := ""
	for _, x := range r {
		all += x.Text + "\n"
	}
	if !strings.Contains(b.replies[0].Text, "断开电源") {
		t.Errorf("safety advice not given at once: %q", b.replies[0].Text)
	}
	for _, want := range []string{"K-000007", "P1", "加急"} {
		if !strings.Contains(all, want) {
			t.Errorf("P1 registration lacks %q:\n%s", want, all)
		}
	}
	if a := b.has(dialog.ActRegisterCase); a == nil || !a.Case.Escalated {
		t.Errorf("case not marked escalated")
	}
}

func TestHandoffOnRequestKeepsCollectedFields(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"转人工", "我要找真人", "I want to talk to a human", "agent"} {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.send("电视机开不了机，型号L55M5")
			b.send(text)
			if b.st.Phase != dialog.PhaseWaitingAgent {
				t.Fatalf("phase %s, want waiting_agent", b.st.Phase)
			}
			if b.has(dialog.ActHandoff) == nil {
				t.Fatal("no handoff action")
			}
			if b.st.Fields[cases.FieldProductModel] != "L55M5" {
				t.Errorf("collected model lost: %v", b.st.Fields)
			}
			if b.st.CaseID == 0 {
				t.Errorf("no case keeps what was collected")
			}
			// While waiting, the bot does not run the intake.
			r := b.send("你好？")
			if lastField(r) != "" {
				t.Errorf("bot asked a question while waiting for an agent: %+v", r)
			}
		})
	}
}

func TestInvalidAnswersHandOffAfterThree(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("我叫王芳，冰箱不制冷了，型号BCD-520W，想维修")
	for b.st.Asking != cases.FieldPhone && b.st.Phase == dialog.PhaseCollecting {
		switch b.st.Asking {
		case cases.FieldPurchaseDate:
			b.send("2025-06-01")
		default:
			t.Fatalf("unexpected question %s", b.st.Asking)
		}
	}
	r := b.send("12345")
	if r[0].Kind != "retry" || !strings.Contains(r[0].Text, "11") {
		t.Fatalf("first invalid answer should be re-asked with a hint, got %+v", r)
	}
	b.send("abc")
	if b.st.Phase == dialog.PhaseWaitingAgent {
		t.Fatal("handed off after two failures")
	}
	b.send("8899")
	if b.st.Phase != dialog.PhaseWaitingAgent || b.st.HandoffReason != "too_many_attempts" {
		t.Fatalf("phase %s reason %q after three failures", b.st.Phase, b.st.HandoffReason)
	}
}

func TestConsultationFAQAndFallback(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send("请问洗衣机怎么清洗滚筒？")
	if b.st.Phase != dialog.PhaseFAQ || !strings.Contains(r[0].Text, "筒自洁") {
		t.Fatalf("want FAQ answer, got phase %s %+v", b.st.Phase, r)
	}
	b.press("resolved")
	if b.has(dialog.ActRegisterCase) != nil || b.st.CaseID != 0 {
		t.Fatal("a resolved FAQ must not open a case")
	}

	b = setup(t)
	b.send("请问这款烤箱能不能用来发酵面团？")
	if b.st.Category != cases.CategoryConsultation || b.st.Priority != cases.P3 {
		t.Fatalf("got %s/%s", b.st.Category, b.st.Priority)
	}
	if b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("a consultation needs few fields; phase %s asked %v", b.st.Phase, b.asked())
	}
}

func TestEnglishAndTraditional(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send("Hi, my name is Tom Baker. My XQG100 washing machine stopped spinning yesterday. Call me on +86 139 0000 2222.")
	if b.st.Lang != "en" || !strings.Contains(r[len(r)-1].Text, "?") {
		t.Fatalf("lang %s, reply %+v", b.st.Lang, r)
	}
	if b.st.Fields[cases.FieldPhone] != "13900002222" || b.st.Fields[cases.FieldCustomerName] != "Tom Baker" {
		t.Errorf("fields %v", b.st.Fields)
	}

	b = setup(t)
	r = b.send("您好，我的洗衣機不脫水了，型號XQG100")
	if b.st.Lang != "zh-TW" {
		t.Fatalf("lang %s", b.st.Lang)
	}
	if !strings.Contains(r[len(r)-1].Text, "請") {
		t.Errorf("reply not in traditional Chinese: %q", r[len(r)-1].Text)
	}
}

func TestReminderAndRegistrationDeadline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("冰箱不制冷了")
	var reminder, deadline *dialog.Timer
	for _, a := range b.last {
		if a.Kind == dialog.ActScheduleTimer {
			switch a.Timer.Name {
			case dialog.TimerReminder:
				reminder = a.Timer
			case dialog.TimerRegistration:
				deadline = a.Timer
			}
		}
	}
	if reminder == nil || deadline == nil {
		t.Fatalf("timers not scheduled: %+v", b.last)
	}
	if got := deadline.At.Sub(b.st.FirstContactAt); got != 2*time.Hour {
		t.Errorf("registration deadline after %v, want 2h", got)
	}
	b.now = reminder.At
	r := b.event(dialog.Event{Kind: dialog.EventTimer, Timer: dialog.TimerReminder, TimerDue: reminder.At})
	if len(r) != 1 || r[0].Kind != "reminder" {
		t.Fatalf("want one reminder, got %+v", r)
	}
	// A second firing of the same reminder says nothing.
	if r = b.event(dialog.Event{Kind: dialog.EventTimer, Timer: dialog.TimerReminder, TimerDue: reminder.At}); len(r) != 0 {
		t.Errorf("reminder repeated: %+v", r)
	}
	b.now = deadline.At
	b.event(dialog.Event{Kind: dialog.EventTimer, Timer: dialog.TimerRegistration, TimerDue: deadline.At})
	if b.st.Phase != dialog.PhaseWaitingAgent {
		t.Errorf("registration deadline missed without handoff: phase %s", b.st.Phase)
	}
}

func TestAgentTakeOverAndHandBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("微波炉不加热了，型号MW-20")
	b.send("转人工")
	b.event(dialog.Event{Kind: dialog.EventAgent, AgentAction: dialog.AgentTakeOver, AgentName: "amy"})
	if r := b.send("请问多久能修好"); len(r) != 0 {
		t.Errorf("bot spoke during takeover: %+v", r)
	}
	r := b.event(dialog.Event{Kind: dialog.EventAgent, AgentAction: dialog.AgentHandBack})
	if b.st.Phase != dialog.PhaseCollecting || lastField(r) == "" {
		t.Errorf("after hand-back the bot should resume asking; phase %s replies %+v", b.st.Phase, r)
	}
}

func TestQuestionMidIntakeAndCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("热水器不加热了，型号JSQ30")
	asked := b.st.Asking
	r := b.send("一般要等多久？")
	if b.st.Attempts != 0 || b.st.Asking != asked || !strings.Contains(r[0].Text, "专人答复") {
		t.Errorf("a question mid-intake counted as a wrong answer: attempts %d, %+v", b.st.Attempts, r)
	}
	b.send("算了")
	if b.st.Phase != dialog.PhaseNew || len(b.st.Texts) != 0 || b.has(dialog.ActRegisterCase) != nil {
		t.Errorf("cancel did not end the intake: %+v", b.st)
	}
}

// registered runs an intake to a registered case.
func registered(t *testing.T, text string) *bundle {
	t.Helper()
	b := setup(t)
	b.send(text)
	b.press("confirm")
	if b.st.Phase != dialog.PhaseRegistered {
		t.Fatalf("intake did not register: phase %s, asked %v", b.st.Phase, b.asked())
	}
	return b
}

func TestFunctionCheckAndSurvey(t *testing.T) {
	t.Parallel()
	const intake = "我叫王芳，电话13800002222，冰箱BCD-520W不制冷了，去年双十一买的，想上门维修"
	t.Run("check fails then works, survey with buttons and an aside", func(t *testing.T) {
		t.Parallel()
		b := registered(t, intake)
		r := b.event(dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: true})
		if lastField(r) != "function_check" || len(r[len(r)-1].Choices) != 2 {
			t.Fatalf("no function check: %+v", r)
		}
		b.send("还是不制冷")
		if a := b.has(dialog.ActReopenCase); a == nil || b.st.Phase != dialog.PhaseRegistered {
			t.Fatalf("a failed check did not reopen: %+v", b.last)
		}
		b.event(dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: true})
		r = b.press("check:works")
		if lastField(r) != "survey.timeliness" || len(r[len(r)-1].Choices) != 5 {
			t.Fatalf("survey did not start with rating buttons: %+v", r)
		}
		b.press("rating:4")
		r = b.send("我的另一台洗衣机也坏了怎么办？")
		if lastField(r) != "survey.professionalism" {
			t.Errorf("after an aside the survey question should come back: %+v", r)
		}
		b.send("很专业")
		b.send("5分")
		r = b.send("师傅很准时，谢谢")
		a := b.has(dialog.ActSurvey)
		if a == nil || a.Survey.Scores["timeliness"] != 4 || a.Survey.Scores["professionalism"] != 5 || a.Survey.Scores["effectiveness"] != 5 || a.Survey.Comment == "" {
			t.Fatalf("survey result: %+v", b.last)
		}
		if b.has(dialog.ActComplaint) != nil || b.st.Phase != dialog.PhaseDone || len(r) == 0 {
			t.Errorf("a good survey opened a complaint or did not finish: %+v", b.last)
		}
	})
	t.Run("all scores at once and a low score", func(t *testing.T) {
		t.Parallel()
		b := registered(t, intake)
		b.event(dialog.Event{Kind: dialog.EventCaseResolved})
		b.send("5 2 4")
		b.press("none")
		if a := b.has(dialog.ActSurvey); a == nil || a.Survey.Scores["professionalism"] != 2 {
			t.Fatalf("scores at once: %+v", b.last)
		}
		if b.has(dialog.ActComplaint) == nil {
			t.Error("a score of 2 did not open a complaint")
		}
	})
	t.Run("complaint mid-survey", func(t *testing.T) {
		t.Parallel()
		b := registered(t, intake)
		b.event(dialog.Event{Kind: dialog.EventCaseResolved})
		b.send("我要投诉你们的师傅")
		if b.has(dialog.ActComplaint) == nil || b.st.Phase != dialog.PhaseRegistered {
			t.Errorf("complaint not opened: %+v", b.last)
		}
	})
	t.Run("english", func(t *testing.T) {
		t.Parallel()
		b := registered(t, "Hi, I'm Tom Baker, phone 13900002222. My XQG100 washing machine stopped spinning yesterday, bought it last month, please repair it")
		r := b.event(dialog.Event{Kind: dialog.EventCaseResolved, NeedsCheck: true})
		if !strings.Contains(r[len(r)-1].Text, "work normally") {
			t.Fatalf("check not in English: %+v", r)
		}
		b.send("yes it works fine now")
		b.send("excellent")
		b.send("good")
		b.send("4")
		b.send("no")
		if a := b.has(dialog.ActSurvey); a == nil || a.Survey.Scores["timeliness"] != 5 || a.Survey.Comment != "" {
			t.Errorf("english survey: %+v", b.last)
		}
	})
}

func TestChannelEventsAndMenu(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.press("event:subscribe:qrscene_42")
	if len(r) != 1 || !strings.Contains(r[0].Text, "报修") || b.st.Phase != dialog.PhaseNew {
		t.Fatalf("subscribe: phase %s %+v", b.st.Phase, r)
	}
	r = b.press("menu:repair")
	if lastField(r) != cases.FieldSymptom {
		t.Fatalf("repair menu should ask for the problem: %+v", r)
	}
	b.send("洗衣机不脱水，型号XQG100")
	asked := b.st.Asking
	r = b.press("menu:status")
	if b.st.Asking != asked || lastField(r) != asked {
		t.Errorf("status mid-intake should answer and re-ask %s: %+v", asked, r)
	}
	b.press("event:unsubscribe")
	if b.st.Asking != asked {
		t.Error("an unknown event changed the intake")
	}
	b.press("menu:human")
	if b.st.Phase != dialog.PhaseWaitingAgent {
		t.Errorf("human menu: phase %s", b.st.Phase)
	}
}

// By mail every missing field is asked at once and a reply may answer them
// in any order; the survey is one message and one reply.
func TestBatchModeForEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mail := func(text string) []dialog.Reply {
		return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text, Batch: true, ChannelEmail: "wang.fang@example.com"})
	}
	r := mail("您好，我的冰箱不制冷了，冷藏室一点都不凉。")
	last := r[len(r)-1]
	if last.Field != "fields" || !strings.Contains(last.Text, "姓名") || !strings.Contains(last.Text, "产品型号") || !strings.Contains(last.Text, "购买日期") {
		t.Fatalf("want every missing field in one message, got %+v", r)
	}
	if strings.Contains(last.Text, "邮箱") || strings.Contains(last.Text, "联系电话") {
		t.Errorf("the sender's address already is the contact: %q", last.Text)
	}
	r = mail("购买日期：去年双十一\n姓名：王芳\n产品型号：BCD-520W")
	if last = r[len(r)-1]; last.Field != "fields" || !strings.Contains(last.Text, "诉求") || strings.Contains(last.Text, "姓名") {
		t.Fatalf("want only the rest asked, got %+v", r)
	}
	r = mail("诉求：上门维修")
	if b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("phase %s, replies %+v", b.st.Phase, r)
	}
	mail("确认")
	if b.st.Phase != dialog.PhaseRegistered || b.st.Fields[cases.FieldCustomerName] != "王芳" || b.st.Fields[cases.FieldPurchaseDate] != "2025-11-11" {
		t.Fatalf("phase %s fields %v", b.st.Phase, b.st.Fields)
	}
	b.event(dialog.Event{Kind: dialog.EventCaseResolved, Batch: true})
	mail("处理及时性：5\n服务专业性：4\n解决效果：5\n意见或建议：师傅很细心")
	a := b.has(dialog.ActSurvey)
	if a == nil || a.Survey.Scores["professionalism"] != 4 || a.Survey.Comment != "师傅很细心" {
		t.Errorf("survey by reply: %+v", b.last)
	}
}

// A mail reply without labels still answers the items asked; a first name
// from the signature is completed by the full name said later.
func TestBatchUnlabelledReply(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mail := func(text string) []dialog.Reply {
		return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text, Batch: true, ChannelEmail: "helen@example.com"})
	}
	mail("Subject: Washing machine won't drain\n\nOur washing machine stopped mid-cycle last night and shows E21.\n\nThanks,\nHelen")
	if got := b.st.Fields[cases.FieldCustomerName]; got != "Helen" {
		t.Fatalf("name from the sign-off = %q", got)
	}
	mail("WM8-1400 Eco")
	mail("Helen Marsh (Mrs)")
	if got := b.st.Fields[cases.FieldCustomerName]; got != "Helen Marsh" {
		t.Errorf("name = %q, want the full name to complete the first name", got)
	}
}

// By mail the list of fields is asked even before the category is known.
func TestBatchModeUnknownCategory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.event(dialog.Event{Kind: dialog.EventMessage, Text: "你好，我买的东西有问题", Batch: true, ChannelEmail: "a@example.com"})
	if last := r[len(r)-1]; last.Field != "fields" || !strings.Contains(last.Text, "姓名") || !strings.Contains(last.Text, "产品型号") {
		t.Errorf("want the whole list, got %+v", r)
	}
}

func TestPhoneOverTwoMessages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("冰箱不制冷了，型号BCD-520W，想维修，去年五月买的")
	if b.st.Asking != cases.FieldPhone {
		t.Fatalf("asking %s, want the phone", b.st.Asking)
	}
	r := b.send("138 1234")
	if b.st.Fields[cases.FieldPhone] != "" || r[len(r)-1].Field != cases.FieldPhone || r[len(r)-1].Kind == "retry" {
		t.Fatalf("the first half of a number: %+v", r)
	}
	b.send("5678")
	if got := b.st.Fields[cases.FieldPhone]; got != "13812345678" {
		t.Errorf("phone = %q, want the two halves joined", got)
	}
}

// A hazard told with no time is happening now; one told with its time
// keeps that time, and a fault that is no hazard gets no guessed date.
func TestHazardHappensToday(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"插座冒火花了，还有焦味":                         "2026-03-04",
		"上周三开始插头会冒火花":                         "2026-02-25",
		"洗衣机不脱水了":                             "",
		"my heater sparks and smells burnt!!": "2026-03-04",
	} {
		b := setup(t)
		b.send(text)
		if got := b.st.Fields[cases.FieldOccurredAt]; got != want {
			t.Errorf("%q: occurred_at %q, want %q", text, got, want)
		}
	}
}

// A labelled phone number typed in two parts is joined; "wait" keeps the
// question open; a remark is acknowledged, not "didn't understand".
func TestPartialLabelledPhoneWaitAndRemark(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("我叫王芳，冰箱不制冷了，型号BCD-520W，上个月买的，想维修")
	if b.st.Asking != cases.FieldPhone {
		t.Fatalf("asking %s, want the phone", b.st.Asking)
	}
	if r := b.send("等下 我找找"); r[0].Kind != "wait" || b.st.Asking != cases.FieldPhone || b.st.Attempts != 0 {
		t.Fatalf("wait: %+v, asking %s, attempts %d", r, b.st.Asking, b.st.Attempts)
	}
	if r := b.send("快点啊"); r[0].Kind != "reask" || b.st.Asking != cases.FieldPhone {
		t.Fatalf("remark: %+v", r)
	}
	b.send("电话1370571")
	b.send("2846")
	if got := b.st.Fields[cases.FieldPhone]; got != "13705712846" {
		t.Fatalf("phone %q", got)
	}
}

// The safety advice fits the hazard: gas is not unplugged, a swollen
// battery is put somewhere safe.
func TestSafetyAdviceFitsHazard(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"厨房里有很重的煤气味，燃气灶好像漏气了": "燃气阀门",
		"充电宝鼓包了，外壳都撑开了":       "鼓起的电池",
		"插座冒火花了":              "断开电源",
	} {
		b := setup(t)
		r := b.send(text)
		if len(r) == 0 || !strings.Contains(r[0].Text, want) {
			t.Errorf("%q: first reply %+v, want advice with %q", text, r, want)
		}
	}
}

// A short English aside does not turn a Chinese conversation into English;
// a sentence does.
func TestLanguageStaysForAnAside(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("热水器漏电了，手一碰就麻")
	b.send("No, nobody was hurt")
	if b.st.Lang != "zh-CN" {
		t.Fatalf("language %q after a short English aside", b.st.Lang)
	}
	b.send("Sorry, can we continue in English please, my Chinese is not good")
	if b.st.Lang != "en" {
		t.Fatalf("language %q after an English sentence", b.st.Lang)
	}
}

// In English, a lone first name given while something else was asked is
// the name, and a local number of another country gets its country code.
func TestEnglishLateNameAndForeignNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("my dishwasher won't drain, model DW-60E, I'd like it repaired, bought it last month")
	if b.st.Lang != "en" || b.st.Asking != cases.FieldPhone {
		t.Fatalf("lang %s asking %s", b.st.Lang, b.st.Asking)
	}
	b.send("Sophie")
	if got := b.st.Fields[cases.FieldCustomerName]; got != "Sophie" {
		t.Fatalf("name %q", got)
	}
	r := b.send("087 224 5619")
	if got := b.st.Fields[cases.FieldPhone]; got != "+353872245619" || len(r) == 0 || r[0].Kind == "retry" {
		t.Fatalf("phone %q, replies %+v", got, r)
	}
}

// A problem told in words the rules lack, opened with a question word, is
// not a consultation when the model is sure of the problem.
func TestQuestionWordsDoNotMakeAConsultation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send("你们的保鲜柜是不是有问题？？")
	b.send("冷艺LY-1200立式鲜花保鲜柜 昨晚关店的时候还好好的 今早一开门 柜子里28度 压缩机不转 灯倒是亮着")
	if b.st.Category != cases.CategoryTechnical {
		t.Errorf("category %q, want technical", b.st.Category)
	}
}

// At the confirmation more words about the problem add to it; only a
// correction replaces it. A full name said first in a longer message
// completes the one taken from the signature.
func TestConfirmationAddsDetailAndName(t *testing.T) {
	b := setup(t)
	b.send("Hi, quick question. I've got your DryAir 12L dehumidifier in my son's bedroom. Is it safe to run it all night while he sleeps?\n\nThanks,\nClaire")
	if b.st.Phase != dialog.PhaseConfirming {
		t.Fatalf("phase %s after the first message, fields %v", b.st.Phase, b.st.Fields)
	}
	b.send("I bought it from you last winter I think. I don't need anything sent or fixed, I just want to know if it's OK to leave on.")
	if sym := b.st.Fields[cases.FieldSymptom]; !strings.Contains(strings.ToLower(sym), "all night") {
		t.Errorf("the question was replaced: symptom %q", sym)
	}
	if d := b.st.Fields[cases.FieldDemand]; d == string(cases.DemandRepair) {
		t.Errorf("'don't need anything fixed' read as repair")
	}
	b.send("Claire Dobson. I'd prefer to keep this to email rather than phone if that's alright.")
	if n := b.st.Fields[cases.FieldCustomerName]; n != "Claire Dobson" {
		t.Errorf("name %q", n)
	}
}

// A phone number typed over two messages without being asked for, or at
// the confirmation, is joined.
func TestPhoneInTwoPiecesUnasked(t *testing.T) {
	b := setup(t)
	b.send("收银机开不了机了 店里现在排着队 收不了钱")
	b.send("电话 139 5021")
	b.send("6634")
	if p := b.st.Fields[cases.FieldPhone]; p != "13950216634" {
		t.Errorf("phone %q", p)
	}
}
