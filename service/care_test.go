package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/care"
	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// careSetup is lifeSetup with the shipped care plan and senders for web
// chat, WeChat and Telegram.
func careSetup(t *testing.T, be backend) *life {
	t.Helper()
	clk := newClock() // 2026-03-04 10:00 CST, a Wednesday
	st := be.open(t, clk.Now)
	t.Cleanup(func() { st.Close() })
	rec := &recStore{Store: st}
	cfg := configs.Default()
	plan, err := cfg.CarePlan()
	if err != nil || plan == nil {
		t.Fatalf("shipped care plan: %v", err)
	}
	snd := &countingSender{}
	svc := service.New(service.Options{
		Store: rec, Engine: engine(t), SLA: cfg.SLA, Now: clk.Now, Logger: quiet(), Lifecycle: lifecycle(),
		Senders: map[channels.ID]channels.Sender{channels.WebChat: snd, channels.WeChat: snd, channels.Telegram: snd},
		Care:    plan,
	})
	return &life{staffBundle: &staffBundle{t: t, ctx: context.Background(), clk: clk, st: st, svc: svc, snd: snd}, rec: rec}
}

// sent lists the care messages every conversation of customer got, as
// "MM-DD HH:MM channel kind: first words".
func (l *life) careSent(customer int64) []string {
	l.t.Helper()
	drain(l.t, l.svc)
	convs, err := l.st.ConversationList(l.ctx, service.ConversationListParams{CustomerID: customer})
	if err != nil {
		l.t.Fatal(err)
	}
	var out []string
	for _, c := range convs {
		msgs, err := l.st.MessagesList(l.ctx, service.MessagesListParams{ConversationID: c.ID, Limit: 1000})
		if err != nil {
			l.t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Direction == "out" && (m.Kind == "care" || m.Kind == "function_check") {
				out = append(out, fmt.Sprintf("%s %s %s", m.At.In(shanghai).Format("01-02 15:04"), c.Channel, firstWords(m.Text)))
			}
		}
	}
	return out
}

func firstWords(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 12)])
}

func (l *life) touchpoints(customer int64) map[string]service.Touchpoint {
	l.t.Helper()
	tps, err := l.st.Touchpoints(l.ctx, customer)
	if err != nil {
		l.t.Fatal(err)
	}
	out := map[string]service.Touchpoint{}
	for _, tp := range tps {
		out[tp.Touchpoint+"/"+tp.Cause] = tp
	}
	return out
}

func (l *life) say(ch channels.ID, user, text string) {
	l.t.Helper()
	l.clk.Add(time.Minute)
	if _, err := l.svc.Receive(l.ctx, channels.Inbound{Channel: ch, ExternalUserID: user,
		ExternalMessageID: fmt.Sprintf("%s-%d", user, l.clk.Now().UnixNano()), Text: text}); err != nil {
		l.t.Fatal(err)
	}
	drain(l.t, l.svc)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A customer imported with an air conditioner and a water purifier bought
// on 2 March gets each purchase's 1 week / 1 month / 3 months follow-up
// and the pre-summer tip once, at 10:00 and never two on one day; a second
// customer imported at night inside the summer window gets the tip the
// next morning, not at 23:00.
func TestCarePurchaseTouchpoints(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			res, err := l.svc.ImportCustomers(l.ctx, []service.CustomerImport{
				{Name: "王芳", Phone: "13800138000", Telegram: "tg-wang", Product: "空调", Model: "KFR-35GW", Bought: day(2026, 3, 2), Language: "zh-CN"},
				{Name: "王芳", Phone: "+86 138 0013 8000", Product: "净水器", Model: "RO-400", Bought: day(2026, 3, 2)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != 1 || res.Matched != 1 || res.Purchases != 2 || res.Touchpoints != 8 {
				t.Fatalf("import: %+v, want one customer matched by phone, 2 purchases, 8 touchpoints (3+1 for the AC, 3+1 for the purifier)", res)
			}
			again, err := l.svc.ImportCustomers(l.ctx, []service.CustomerImport{{Name: "王芳", Phone: "13800138000", Telegram: "tg-wang", Product: "空调", Model: "KFR-35GW", Bought: day(2026, 3, 2)}})
			if err != nil || again.Purchases != 0 || again.Touchpoints != 0 {
				t.Fatalf("the same row again: %+v %v", again, err)
			}
			cust, err := l.st.CustomerByIdentity(l.ctx, channels.Telegram, "tg-wang")
			if err != nil || cust == 0 {
				t.Fatalf("imported identity: %d %v", cust, err)
			}

			l.until(time.Date(2026, 3, 9, 12, 0, 0, 0, shanghai))
			l.say(channels.Telegram, "tg-wang", "挺好的，用着没问题")
			l.until(time.Date(2026, 5, 20, 23, 0, 0, 0, shanghai))
			if _, err := l.svc.ImportCustomers(l.ctx, []service.CustomerImport{{Name: "Night Owl", Telegram: "tg-owl", Product: "Air conditioner", Model: "AC-9", Bought: day(2026, 5, 18), Language: "en"}}); err != nil {
				t.Fatal(err)
			}
			l.until(time.Date(2026, 6, 30, 12, 0, 0, 0, shanghai))

			got := l.careSent(cust)
			want := []string{
				"03-09 10:00 telegram 您好，感谢您于 2026", // the AC's week
				"03-10 10:00 telegram 您好，感谢您于 2026", // the purifier's week, moved off the 9th
				"04-02 10:00 telegram 您好，感谢您于 2026",
				"04-03 10:00 telegram 您好，感谢您于 2026",
				"05-10 10:00 telegram 天气渐热，空调使用前的小", // once, though two purchases
				"06-02 10:00 telegram 您好，感谢您于 2026",
				"06-03 10:00 telegram 您好，感谢您于 2026",
			}
			diffLines(t, "care messages", got, want)
			tps := l.touchpoints(cust)
			if tp := tps["purchase_1w/purchase:1"]; tp.Status != service.CareAnswered || tp.Outcome != "ok" {
				t.Errorf("the answered week follow-up: %+v", tp)
			}
			if tp := tps["summer_cooling/season:2027"]; tp.Status != service.CarePlanned {
				t.Errorf("next summer's tip is not planned: %+v", tps)
			}
			owl, _ := l.st.CustomerByIdentity(l.ctx, channels.Telegram, "tg-owl")
			diffLines(t, "night import", l.careSent(owl), []string{"05-21 08:00 telegram Summer is co", "05-25 10:00 telegram Hi, thank yo", "06-18 10:00 telegram Hi, thank yo"})
		})
	}
}

// guidanceCase registers a P3 case over web chat, plans remote guidance and
// resolves it: the customer is told the re-check comes in 30 minutes.
func (l *life) guidanceCase(user string) *cases.Case {
	l.t.Helper()
	handler := l.user("Handler "+user, cases.RoleHandler, cases.DeptTechnicalSupport)
	c := l.intake(user, "卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的")
	l.ok(l.svc.Team().CasePlan(l.ctx, handler, c.ID, cases.PlanParams{Type: cases.PlanRemoteGuidance, Description: "更换遥控器电池并重新配对", PromisedAt: l.clk.Now().Add(4 * time.Hour)}))
	l.clk.Add(10 * time.Minute)
	l.ok(l.svc.Team().CaseResolve(l.ctx, handler, c.ID, cases.ResolveParams{Proof: "已指导客户拆下面板重新卡紧", Link: "https://example.com/g/1"}))
	if !l.saidSince(c.ConversationID, 0, "30 分钟后我们会再来确认") {
		l.t.Fatalf("the customer was not told of the re-check")
	}
	return c
}

// Guidance to observe is checked again after 30 minutes: "still broken"
// reopens the case, "works" goes on to the survey.
func TestCareRecheckAfterGuidance(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			c := l.guidanceCase("rc-broken")
			resolved := l.clk.Now()
			mark := l.lastID(c.ConversationID)
			l.until(resolved.Add(31 * time.Minute))
			if got := l.texts(c.ConversationID, mark, "function_check"); len(got) != 1 || !strings.Contains(got[0], "恢复正常") {
				t.Fatalf("re-check after 30 min: %q", got)
			}
			l.customer("rc-broken", "还是不行，按了还是没反应")
			if got := l.caseOf(c.ID); got.State == cases.StateResolved || got.State == cases.StateClosed {
				t.Errorf("still broken at the re-check: case %s", got.State)
			}
			tp := l.touchpoints(c.CustomerID)[fmt.Sprintf("recheck_30m/case:%d:%d", c.ID, resolved.UnixMicro())]
			if tp.Outcome != "not_fixed" || tp.Status != service.CareAnswered {
				t.Errorf("re-check touchpoint: %+v", l.touchpoints(c.CustomerID))
			}

			ok := l.guidanceCase("rc-works")
			l.until(l.clk.Now().Add(31 * time.Minute))
			l.customer("rc-works", "好了，可以用了")
			if !l.saidSince(ok.ConversationID, 0, "打个分") {
				t.Errorf("works at the re-check: no survey")
			}
			if got := l.caseOf(ok.ID); got.State != cases.StateResolved {
				t.Errorf("works at the re-check: case %s", got.State)
			}
		})
	}
}

// The follow-up after service runs its script: "not satisfied" asks what
// to improve and opens a complaint; one left unanswered on a P2 case
// becomes a call task.
func TestCareFollowUpUnsatisfiedOpensComplaint(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			handler := l.user("Handler", cases.RoleHandler, cases.DeptTechnicalSupport)
			c := l.intake("fu-1", "卧室空调有异响，不影响使用，不着急", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的")
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, c.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检查室内机", PromisedAt: at(1, 18, 0), VisitAt: at(1, 10, 0)}))
			l.until(at(1, 12, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, c.ID, cases.ResolveParams{Proof: "紧固室内机面板，维修单 WX-9", Attachment: "wx-9.jpg"}))
			for _, a := range []string{"正常了", "5", "5", "5", "没有"} {
				l.customer("fu-1", a)
			}
			mark := l.lastID(c.ConversationID)
			l.until(at(2, 12, 30))
			if got := l.texts(c.ConversationID, mark, "care"); len(got) != 1 || !strings.Contains(got[0], "满意吗") || !strings.Contains(got[0], "TD") {
				t.Fatalf("follow-up 24 h after the resolution: %q", got)
			}
			l.customer("fu-1", "不满意")
			l.customer("fu-1", "师傅迟到了两个小时，也没提前打电话")
			got := l.caseOf(c.ID)
			if len(got.Complaints) != 1 || !strings.Contains(got.Complaints[0].Content, "迟到") {
				t.Fatalf("not satisfied opened no complaint: %+v", got.Complaints)
			}
			var fu service.Touchpoint
			for _, tp := range l.touchpoints(c.CustomerID) {
				if tp.Touchpoint == "service_follow_up" {
					fu = tp
				}
			}
			if fu.Outcome != "unsatisfied" || !strings.Contains(fu.Note, "迟到") {
				t.Errorf("follow-up touchpoint: %+v", fu)
			}
			if tasks, _ := l.st.TaskList(l.ctx, service.TaskListParams{CaseID: c.ID}); len(tasks) != 0 {
				t.Errorf("an answered follow-up made tasks: %+v", tasks)
			}

			// A P2 case whose customer never answers the follow-up: a call.
			p2 := l.intake("fu-2", "空调内机一直往下滴水 地板都泡了", "免贵姓张 电话 13300001111", "KFR-35GW", "前年买的", "派个师傅来看看", "记不清了", "确认")
			if p2.Priority != cases.P2 {
				t.Fatalf("fu-2 priority %s", p2.Priority)
			}
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p2.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门清理排水管", PromisedAt: l.clk.Now().Add(24 * time.Hour), VisitAt: l.clk.Now().Add(3 * time.Hour)}))
			l.until(l.clk.Now().Add(4 * time.Hour))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p2.ID, cases.ResolveParams{Proof: "排水管已疏通", Attachment: "wx-10.jpg"}))
			resolved := l.clk.Now()
			l.until(resolved.Add(72 * time.Hour))
			tasks, err := l.st.TaskList(l.ctx, service.TaskListParams{CaseID: p2.ID, Kind: service.TaskFollowUp})
			if err != nil || len(tasks) != 1 {
				t.Fatalf("unanswered P2 follow-up: tasks %+v %v", tasks, err)
			}

			// The report's care figures: both follow-ups, what came of them.
			super := l.user("Super", cases.RoleSupervisor, "")
			rep, err := l.svc.Team().ReportSummary(l.ctx, super, service.ReportFilter{From: at(0, 0, 0), To: l.clk.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			var row service.ReportCareRow
			for _, r := range rep.Care.Touchpoints {
				if r.Touchpoint == "service_follow_up" {
					row = r
				}
			}
			if row.Due != 2 || row.Sent != 2 || row.Answered != 1 || row.Outcomes["unsatisfied"] != 1 || row.Tasks != 1 {
				t.Errorf("report care figures: %+v", rep.Care)
			}
		})
	}
}

// "TD" on one channel stops every proactive message to the customer, on
// every channel; "恢复订阅" lets them come again.
func TestCareOptOutStopsEverything(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			if _, err := l.svc.ImportCustomers(l.ctx, []service.CustomerImport{
				{Name: "陈静", WeChat: "o-chen", Telegram: "tg-chen", Product: "空调", Model: "KFR-50LW", Bought: day(2026, 3, 3), Member: true},
			}); err != nil {
				t.Fatal(err)
			}
			cust, _ := l.st.CustomerByIdentity(l.ctx, channels.WeChat, "o-chen")
			l.until(time.Date(2026, 3, 10, 12, 0, 0, 0, shanghai))
			diffLines(t, "before the opt-out", l.careSent(cust), []string{"03-10 10:00 wechat 您好，感谢您于 2026"})
			l.say(channels.WeChat, "o-chen", "TD")
			cc, err := l.st.CustomerCare(l.ctx, cust)
			if err != nil || cc.OptedOutAt.IsZero() || cc.OptOutVia != "wechat" || !cc.Member {
				t.Fatalf("opt-out not kept on the customer: %+v %v", cc, err)
			}
			// The customer writes on Telegram too: still opted out there.
			l.say(channels.Telegram, "tg-chen", "你好")
			l.until(time.Date(2026, 6, 30, 12, 0, 0, 0, shanghai))
			diffLines(t, "after the opt-out", l.careSent(cust), []string{"03-10 10:00 wechat 您好，感谢您于 2026"})
			skipped := 0
			for _, tp := range l.touchpoints(cust) {
				if tp.Status == service.CareSkipped && tp.Outcome == "skipped: opted out" {
					skipped++
				}
			}
			if skipped != 3 { // 1 month, the summer tip, 3 months
				t.Errorf("skipped for the opt-out: %d, want 3: %+v", skipped, l.touchpoints(cust))
			}
			l.say(channels.Telegram, "tg-chen", "恢复订阅")
			if cc, _ := l.st.CustomerCare(l.ctx, cust); !cc.OptedOutAt.IsZero() {
				t.Errorf("opt back in: %+v", cc)
			}
		})
	}
}

// A changed care plan re-plans what is still ahead and leaves what was
// sent: the month follow-up moves to two months, the three-month one is
// gone from the plan.
func TestCarePlanChangeReplansFutureTouchpointsOnly(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			if _, err := l.svc.ImportCustomers(l.ctx, []service.CustomerImport{{Name: "周敏", Telegram: "tg-zhou", Product: "洗衣机", Model: "XQG100", Bought: day(2026, 3, 2)}}); err != nil {
				t.Fatal(err)
			}
			cust, _ := l.st.CustomerByIdentity(l.ctx, channels.Telegram, "tg-zhou")
			l.until(time.Date(2026, 3, 9, 12, 0, 0, 0, shanghai)) // the week follow-up goes out

			cfg := configs.Default()
			plan, err := cfg.CarePlan()
			if err != nil {
				t.Fatal(err)
			}
			var kept []care.Touchpoint
			for _, tp := range plan.Touchpoints {
				switch tp.ID {
				case "purchase_3m":
					continue
				case "purchase_1m":
					tp.After = care.Offset{Months: 2}
				case "purchase_1w":
					tp.After = care.Offset{Days: 8} // sent already: stays as it was
				}
				kept = append(kept, tp)
			}
			plan.Touchpoints = kept
			svc := service.New(service.Options{Store: l.rec, Engine: engine(t), SLA: cfg.SLA, Now: l.clk.Now, Logger: quiet(), Lifecycle: lifecycle(),
				Senders: map[channels.ID]channels.Sender{channels.Telegram: l.snd}, Care: plan})
			moved, dropped, err := svc.ReplanCare(l.ctx)
			if err != nil || moved != 1 || dropped != 1 {
				t.Fatalf("re-plan: moved %d dropped %d %v, want 1 and 1", moved, dropped, err)
			}
			if moved, dropped, err := svc.ReplanCare(l.ctx); err != nil || moved+dropped != 0 {
				t.Errorf("a second re-plan changed %d+%d: %v", moved, dropped, err)
			}
			tps := l.touchpoints(cust)
			if tp := tps["purchase_1m/purchase:1"]; tp.Status != service.CarePlanned || !tp.Due.Equal(time.Date(2026, 5, 2, 10, 0, 0, 0, shanghai)) {
				t.Errorf("month follow-up re-planned: %+v", tp)
			}
			if tp := tps["purchase_3m/purchase:1"]; tp.Status != service.CareSkipped {
				t.Errorf("three-month follow-up gone from the plan: %+v", tp)
			}
			if tp := tps["purchase_1w/purchase:1"]; tp.Status != service.CareSent || !tp.SentAt.Equal(time.Date(2026, 3, 9, 10, 0, 0, 0, shanghai)) {
				t.Errorf("the sent week follow-up changed: %+v", tp)
			}
			l.svc = svc
			l.until(time.Date(2026, 7, 1, 12, 0, 0, 0, shanghai))
			diffLines(t, "after the change", l.careSent(cust), []string{"03-09 10:00 telegram 您好，感谢您于 2026", "05-02 10:00 telegram 您好，感谢您于 2026"})
		})
	}
}

// An agent's reply marked as guidance to observe is checked again after
// 30 minutes: while the agent still holds the conversation the answer is
// only recorded; once handed back, "still broken" goes back to a person.
func TestCareRecheckOfAnAgentsGuidance(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			agent := l.user("Agent", cases.RoleSpecialist, "")
			c := l.intake("ag-1", "卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 8899", "KFR-26GW", "2025年4月", "维修", "好的")
			if err := l.svc.Team().ConversationTakeOver(l.ctx, agent, c.ConversationID); err != nil {
				t.Fatal(err)
			}
			reply := func(text string) {
				t.Helper()
				if err := l.svc.Team().ConversationReply(l.ctx, agent, c.ConversationID, text); err != nil {
					t.Fatal(err)
				}
				if err := l.svc.Team().ConversationRecheck(l.ctx, agent, c.ConversationID); err != nil {
					t.Fatal(err)
				}
				drain(t, l.svc)
			}
			reply("请把室内机面板两侧的卡扣重新按紧，晚上再听一下")
			mark := l.lastID(c.ConversationID)
			l.until(l.clk.Now().Add(31 * time.Minute))
			if got := l.texts(c.ConversationID, mark, "function_check"); len(got) != 1 {
				t.Fatalf("re-check of the agent's guidance after 30 min: %q", got)
			}
			l.customer("ag-1", "按了，还是咔咔响")
			var outcomes []string
			for _, tp := range l.touchpoints(c.CustomerID) {
				outcomes = append(outcomes, tp.Status+"/"+tp.Outcome)
			}
			if strings.Join(outcomes, " ") != "answered/not_fixed" {
				t.Errorf("while the agent holds the conversation: %v", outcomes)
			}
			if conv, _ := l.st.ConversationGetByID(l.ctx, c.ConversationID); conv.Phase != "agent" {
				t.Errorf("the agent's conversation went to %s", conv.Phase)
			}

			// Handed back to the bot: "still broken" goes to a person again.
			reply("那再试试断电 10 分钟后重新开机")
			if err := l.svc.Team().ConversationHandBack(l.ctx, agent, c.ConversationID); err != nil {
				t.Fatal(err)
			}
			l.until(l.clk.Now().Add(31 * time.Minute))
			l.customer("ag-1", "还是不行")
			if conv, _ := l.st.ConversationGetByID(l.ctx, c.ConversationID); conv.Phase != "waiting_agent" {
				t.Errorf("still broken after the hand-back: phase %s, want waiting_agent", conv.Phase)
			}
			if got := l.caseOf(c.ID); !strings.Contains(fmt.Sprint(l.history(c.ID, cases.HistNote)), "还是不行") || got.State == cases.StateResolved {
				t.Errorf("the failed guidance is not on the case: %+v", l.history(c.ID, cases.HistNote))
			}
		})
	}
}

// Members are followed up within 3 days of their service: the report says
// how many were.
func TestCareReportMembersFollowedUpWithinThreeDays(t *testing.T) {
	resolved := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	cause := fmt.Sprintf("case:%%d:%d", resolved.UnixMicro())
	items := []service.CareReportItem{
		{Touchpoint: "service_follow_up", Status: service.CareAnswered, Outcome: "satisfied", Cause: fmt.Sprintf(cause, 1), Member: true, SentAt: resolved.Add(24 * time.Hour)},
		{Touchpoint: "service_follow_up", Status: service.CareDone, Outcome: "task", Cause: fmt.Sprintf(cause, 2), Member: true, SentAt: resolved.Add(24 * time.Hour)},
		{Touchpoint: "service_follow_up", Status: service.CareSent, Cause: fmt.Sprintf(cause, 3), Member: true, SentAt: resolved.Add(80 * time.Hour)}, // too late
		{Touchpoint: "service_follow_up", Status: service.CareSkipped, Outcome: "skipped: open complaint on case K-1", Cause: fmt.Sprintf(cause, 4), Member: true},
		{Touchpoint: "service_follow_up", Status: service.CareAnswered, Outcome: "satisfied", Cause: fmt.Sprintf(cause, 5), SentAt: resolved.Add(time.Hour)}, // not a member
	}
	r := service.CareReportOf(items)
	if r.MembersServed != 4 || r.MembersFollowedUp != 2 || r.MembersShare != 0.5 {
		t.Errorf("members: %d of %d (%.2f), want 2 of 4", r.MembersFollowedUp, r.MembersServed, r.MembersShare)
	}
	if len(r.Touchpoints) != 1 || r.Touchpoints[0].Skips["open complaint"] != 1 || r.Touchpoints[0].Tasks != 1 || r.Touchpoints[0].Outcomes["satisfied"] != 2 {
		t.Errorf("touchpoint row: %+v", r.Touchpoints)
	}
}

// A hotline caller with no channel to write on is followed up by a person:
// the care plan's follow-up becomes a call task.
func TestCareFollowUpOfAHotlineCallerIsACall(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := careSetup(t, be)
			amy := l.user("Amy", cases.RoleSpecialist, "")
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			c, err := l.svc.Team().CaseCreate(l.ctx, amy, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P3,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "孙丽", cases.FieldPhone: "13900004444", cases.FieldSymptom: "洗衣机噪音大"}})
			if err != nil {
				t.Fatal(err)
			}
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, c.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检查", PromisedAt: at(1, 18, 0), VisitAt: at(1, 10, 0)}))
			l.until(at(1, 12, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, c.ID, cases.ResolveParams{Proof: "更换减震器", Attachment: "wx-77.jpg"}))
			l.until(at(2, 13, 0))
			tasks, err := l.st.TaskList(l.ctx, service.TaskListParams{CaseID: c.ID, Kind: service.TaskFollowUp})
			if err != nil || len(tasks) != 1 || !tasks[0].DueAt.Equal(at(4, 12, 0)) {
				t.Fatalf("follow-up of a hotline caller: %+v %v, want one call due 72 h after the resolution", tasks, err)
			}
		})
	}
}
