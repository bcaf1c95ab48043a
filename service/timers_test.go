package service_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// recStore records the timers transactions commit so a test can fire them
// on the fake clock (River's scheduler runs on real time). Like River, a
// timer whose UniqueKey is still pending is not added twice.
type recStore struct {
	service.Store
	mu      sync.Mutex
	pending []service.TimerArgs
}

type recTx struct {
	service.Tx
	added []service.TimerArgs
}

func (t *recTx) TimerInsert(ctx context.Context, p service.TimerParams) error {
	t.added = append(t.added, service.TimerArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: p.At, UniqueKey: p.UniqueKey, TraceParent: p.TraceParent, TouchpointID: p.TouchpointID})
	return t.Tx.TimerInsert(ctx, p)
}

func (t *recTx) TimerInsertMany(ctx context.Context, ps []service.TimerParams) error {
	for _, p := range ps {
		t.added = append(t.added, service.TimerArgs{ConversationID: p.ConversationID, CaseID: p.CaseID, Name: p.Name, Due: p.At, UniqueKey: p.UniqueKey, TraceParent: p.TraceParent, TouchpointID: p.TouchpointID})
	}
	return t.Tx.TimerInsertMany(ctx, ps)
}

func (s *recStore) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	var rt *recTx
	err := s.Store.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		rt = &recTx{Tx: tx}
		return fn(ctx, rt)
	})
	if err == nil && rt != nil {
		s.mu.Lock()
		for _, a := range rt.added {
			if !slices.ContainsFunc(s.pending, func(p service.TimerArgs) bool { return p.UniqueKey == a.UniqueKey }) {
				s.pending = append(s.pending, a)
			}
		}
		s.mu.Unlock()
	}
	return err
}

// next removes and returns the earliest timer due at or before t.
func (s *recStore) next(t time.Time) (service.TimerArgs, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.SliceStable(s.pending, func(i, j int) bool { return s.pending[i].Due.Before(s.pending[j].Due) })
	if len(s.pending) == 0 || s.pending[0].Due.After(t) {
		return service.TimerArgs{}, false
	}
	a := s.pending[0]
	s.pending = s.pending[1:]
	return a, true
}

var shanghai = time.FixedZone("CST", 8*3600)

func lifecycle() service.Lifecycle {
	l := service.DefaultLifecycle()
	l.Location = shanghai
	return l
}

// life is a service on the fake clock whose timers the test fires.
type life struct {
	*staffBundle
	rec   *recStore
	fired []service.TimerArgs
}

func lifeSetup(t *testing.T, be backend) *life {
	t.Helper()
	snd := &countingSender{}
	return lifeWith(t, be, snd, snd)
}

// lifeWith is lifeSetup with web chat delivered through via, which ends
// in snd.
func lifeWith(t *testing.T, be backend, snd *countingSender, via channels.Sender) *life {
	t.Helper()
	clk := newClock() // 2026-03-04 10:00 CST, a Wednesday
	st := be.open(t, clk.Now)
	t.Cleanup(func() { st.Close() })
	rec := &recStore{Store: st}
	cfg := configs.Default()
	svc := service.New(service.Options{
		Store: rec, Engine: engine(t), SLA: cfg.SLA, Now: clk.Now, Logger: quiet(),
		Senders:   map[channels.ID]channels.Sender{channels.WebChat: via},
		Lifecycle: lifecycle(),
	})
	return &life{staffBundle: &staffBundle{t: t, ctx: context.Background(), clk: clk, st: st, svc: svc, snd: snd}, rec: rec}
}

// until fires every timer due up to t, each at its due time, delivering
// what it sends, and leaves the clock at t.
func (l *life) until(t time.Time) {
	l.t.Helper()
	for {
		a, ok := l.rec.next(t)
		if !ok {
			break
		}
		if a.Due.After(l.clk.Now()) {
			l.clk.Add(a.Due.Sub(l.clk.Now()))
		}
		if err := l.svc.HandleTimer(l.ctx, a); err != nil {
			l.t.Fatalf("timer %s: %v", a.Name, err)
		}
		l.fired = append(l.fired, a)
		drain(l.t, l.svc)
	}
	if t.After(l.clk.Now()) {
		l.clk.Add(t.Sub(l.clk.Now()))
	}
}

// at is day d (0 = Wednesday 4 March) hh:mm in Shanghai.
func at(d, hh, mm int) time.Time { return time.Date(2026, 3, 4+d, hh, mm, 0, 0, shanghai) }

// outSince lists the messages the customer got after id as "MM-DD HH:MM kind".
func (l *life) outSince(conv, after int64) []string {
	l.t.Helper()
	drain(l.t, l.svc)
	msgs, err := l.st.MessagesList(l.ctx, service.MessagesListParams{ConversationID: conv, AfterID: after, Limit: 1000})
	if err != nil {
		l.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == "out" {
			out = append(out, m.At.In(shanghai).Format("01-02 15:04")+" "+m.Kind)
		}
	}
	return out
}

func (l *life) lastID(conv int64) int64 {
	l.t.Helper()
	drain(l.t, l.svc)
	msgs, _ := l.st.MessagesList(l.ctx, service.MessagesListParams{ConversationID: conv, Limit: 1000})
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].ID
}

func (l *life) texts(conv, after int64, kind string) []string {
	l.t.Helper()
	msgs, _ := l.st.MessagesList(l.ctx, service.MessagesListParams{ConversationID: conv, AfterID: after, Limit: 1000})
	var out []string
	for _, m := range msgs {
		if m.Direction == "out" && m.Kind == kind {
			out = append(out, m.Text)
		}
	}
	return out
}

func (l *life) history(id int64, action string) []cases.Change {
	l.t.Helper()
	hist, err := l.st.CaseHistory(l.ctx, id)
	if err != nil {
		l.t.Fatal(err)
	}
	var out []cases.Change
	for _, h := range hist {
		if h.Action == action {
			out = append(out, h)
		}
	}
	return out
}

// surveyClock checks the survey deadline the case page shows: 24 h from
// the survey's first question, met by the customer's last answer.
func (l *life) surveyClock(u cases.User, id int64, status cases.ClockStatus, sent, answered time.Time) {
	l.t.Helper()
	d, err := l.svc.Team().CaseGet(l.ctx, u, id)
	if err != nil {
		l.t.Fatal(err)
	}
	k := d.Clocks[len(d.Clocks)-1]
	minute := func(t time.Time) time.Time { return t.Truncate(time.Minute) }
	if k.Name != cases.ClockSurvey || k.Status != status || !minute(k.Start).Equal(sent) || !k.Due.Equal(k.Start.Add(24*time.Hour)) || !minute(k.Done).Equal(answered) {
		l.t.Errorf("case %d survey clock %+v, want %s sent %s answered %s", id, k, status, sent, answered)
	}
}

func (l *life) ok(_ *cases.Case, err error) {
	l.t.Helper()
	if err != nil {
		l.t.Fatal(err)
	}
	drain(l.t, l.svc) // what the operation told the customer goes out now
}

func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

// TestWeekOfThreeCases lives through a week of a P1, a P2 and a P3 case on
// the fake clock and checks every message the customers get after
// registration, with its time (Shanghai), and the deadlines, escalations
// and tasks on the record.
func TestWeekOfThreeCases(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			head := l.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
			super := l.user("赵主管", cases.RoleSupervisor, "")
			amy := l.user("Amy", cases.RoleSpecialist, "")
			bob := l.user("Bob", cases.RoleSpecialist, "")

			// Day 0, Wednesday 10:00: three intakes over the real dialog.
			p1 := l.intake("w-p1", "我叫李雷，电话13900001111，家里的电热水器漏电了，型号DSZF-60，上个月买的，需要上门维修", "确认")
			l.until(at(0, 10, 5))
			p2 := l.intake("w-p2", "空调内机一直往下滴水 地板都泡了", "免贵姓张 电话 13300001111", "KFR-35GW", "前年买的", "派个师傅来看看", "记不清了", "确认")
			l.until(at(0, 10, 10))
			p3 := l.intake("w-p3", "卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的")
			if p1.Priority != cases.P1 || p2.Priority != cases.P2 || p3.Priority != cases.P3 {
				t.Fatalf("intake priorities %s %s %s", p1.Priority, p2.Priority, p3.Priority)
			}
			m1, m2, m3 := l.lastID(p1.ConversationID), l.lastID(p2.ConversationID), l.lastID(p3.ConversationID)

			// P1: plan at 10:30, the head approves at 10:45 (the customer
			// hears the plan only then).
			l.until(at(0, 10, 30))
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p1.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "工程师上门检测漏电原因", PromisedAt: at(1, 18, 0), VisitAt: at(0, 15, 0)}))
			l.until(at(0, 10, 45))
			l.ok(l.svc.Team().CaseApprove(l.ctx, head, p1.ID, "同意，尽快上门"))
			// P2: plan in effect at 11:00, a visible note at 11:10.
			l.until(at(0, 11, 0))
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p2.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门清理排水管", PromisedAt: at(1, 18, 0), VisitAt: at(1, 9, 0)}))
			l.until(at(0, 11, 10))
			l.ok(l.svc.Team().CaseNote(l.ctx, handler, p2.ID, cases.NoteParams{Text: "已安排工程师明早9点上门", Visible: true}))
			// P3: nobody writes a plan on day 0: the 2 h plan deadline is missed.

			// Day 1 09:00: the P1 plan changes (part out of stock), the
			// head approves the new plan at 09:30.
			l.until(at(1, 9, 0))
			l.ok(l.svc.Team().CaseChangePlan(l.ctx, handler, p1.ID, cases.ChangePlanParams{Reason: "配件缺货", Alternative: "先为您提供一台备用热水器",
				Plan: cases.PlanParams{Type: cases.PlanFactoryRepair, Description: "返厂更换加热管", PromisedAt: at(2, 18, 0)}}))
			l.until(at(1, 9, 30))
			l.ok(l.svc.Team().CaseApprove(l.ctx, head, p1.ID, "同意返厂"))
			// Day 1 11:00: the supervisor raises the P3 case to P2: the
			// cadence re-plans from now (next update 19:00, not Thursday 10:10).
			l.until(at(1, 11, 0))
			l.ok(l.svc.Team().CaseOverride(l.ctx, super, p3.ID, cases.OverrideParams{Priority: cases.P2, Reason: "客户家中有婴儿，噪音影响休息"}))
			l.until(at(1, 11, 30))
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p3.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检查室内机", PromisedAt: at(2, 18, 0), VisitAt: at(2, 10, 0)}))

			// Day 1 12:00: P1 resolved; the function check fails at 12:30
			// (the case reopens), resolved again at 15:00, works at 15:30;
			// the survey is never answered → a callback 24 h after it was sent.
			l.until(at(1, 12, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p1.ID, cases.ResolveParams{Proof: "维修记录单 WX-001", Link: "https://example.com/r/1"}))
			l.until(at(1, 12, 29))
			l.customer("w-p1", "还是不行，一开就跳闸")
			l.until(at(1, 15, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p1.ID, cases.ResolveParams{Proof: "更换漏电保护器，维修记录单 WX-002", Attachment: "wx-002.jpg"}))
			l.until(at(1, 15, 29))
			l.customer("w-p1", "正常了")

			// Day 1 16:00: P2 resolved, works, survey answered at once: no callback.
			l.until(at(1, 16, 0))
			l.surveyClock(super, p1.ID, cases.ClockPending, at(1, 15, 30), time.Time{})
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p2.ID, cases.ResolveParams{Proof: "排水管已疏通，维修单 WX-101", Attachment: "wx-101.jpg"}))
			l.until(at(1, 16, 9))
			l.customer("w-p2", "好了，不滴水了")
			for _, a := range []string{"5", "5", "4", "没有"} {
				l.customer("w-p2", a)
			}

			// Day 2 12:00: the former P3 resolved; its survey goes unanswered.
			l.until(at(2, 12, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p3.ID, cases.ResolveParams{Proof: "紧固室内机面板，异响消除", Attachment: "wx-201.jpg"}))
			l.until(at(2, 12, 29))
			l.customer("w-p3", "可以了，没声音了")

			// The rest of the week.
			l.until(at(7, 10, 0))
			l.surveyClock(super, p1.ID, cases.ClockMissed, at(1, 15, 30), time.Time{})
			l.surveyClock(super, p2.ID, cases.ClockMet, at(1, 16, 10), at(1, 16, 14)) // the last answer
			l.surveyClock(super, p3.ID, cases.ClockMissed, at(2, 12, 30), time.Time{})

			diffLines(t, "P1 messages", l.outSince(p1.ConversationID, m1), []string{
				"03-04 10:45 plan",                                                     // approved plan
				"03-04 14:00 progress", "03-04 18:00 progress", "03-04 22:00 progress", // P1: every 4 h, quiet hours too
				"03-05 02:00 progress", "03-05 06:00 progress",
				"03-05 09:00 plan_change", // the alternative in the same step
				"03-05 09:30 plan",        // the changed plan, approved again
				"03-05 10:00 progress",
				"03-05 12:00 resolved", "03-05 12:00 function_check",
				"03-05 12:30 reply", // sorry, reopened
				"03-05 15:00 resolved", "03-05 15:00 function_check",
				"03-05 15:30 reply", "03-05 15:30 reply", "03-05 15:30 survey", // works; survey intro and first question
			})
			diffLines(t, "P2 messages", l.outSince(p2.ConversationID, m2), []string{
				"03-04 11:00 plan",
				"03-04 11:10 note",     // the handler's visible note goes at once
				"03-04 19:10 progress", // 8 h after the note, which was an update
				"03-05 08:00 progress", // due 03:10, inside quiet hours: sent when they end
				"03-05 16:00 progress", // 8 h later, just before the resolution
				"03-05 16:00 resolved", "03-05 16:00 function_check",
				"03-05 16:10 reply", "03-05 16:10 reply", "03-05 16:10 survey",
				"03-05 16:11 survey", "03-05 16:12 survey", "03-05 16:13 survey", "03-05 16:14 reply",
			})
			diffLines(t, "P3 messages", l.outSince(p3.ConversationID, m3), []string{
				"03-05 10:12 progress", // daily (registered 10:12), automatic: no plan yet
				"03-05 11:30 plan",     // written after the override to P2 at 11:00
				"03-05 19:00 progress", // the P2 cadence runs from the override; the P3 timer of 03-06 10:12 is stale
				"03-06 08:00 progress", // due 03:00, quiet hours
				"03-06 12:00 resolved", "03-06 12:00 function_check",
				"03-06 12:30 reply", "03-06 12:30 reply", "03-06 12:30 survey", // never answered
			})

			// Texts: the P2 note went out by itself, not again with the
			// next update; P1's first update was automatic.
			if txt := l.texts(p2.ConversationID, m2, "note"); len(txt) != 1 || !strings.Contains(txt[0], "已安排工程师明早9点上门") || !strings.Contains(txt[0], p2.Number) {
				t.Errorf("P2 note: %q", txt)
			}
			for _, txt := range l.texts(p2.ConversationID, m2, "progress") {
				if strings.Contains(txt, "已安排工程师明早9点上门") {
					t.Errorf("the P2 note was sent again with an update: %q", txt)
				}
			}
			if txt := l.texts(p1.ConversationID, m1, "progress"); len(txt) < 1 || !strings.Contains(txt[0], "下一步") || !strings.Contains(txt[0], "上门维修") {
				t.Errorf("P1 automatic status: %q", txt)
			}
			if n := len(l.history(p1.ID, service.HistUpdateOverdue)); n == 0 {
				t.Errorf("P1: no update_overdue on the record")
			}
			// P3: the 2 h plan deadline went up the chain, one step per
			// missed period, then start-by (24 h) was missed too; each once.
			var breaches []string
			for _, h := range l.history(p3.ID, service.HistSLABreached) {
				breaches = append(breaches, h.At.In(shanghai).Format("01-02 15:04")+" "+h.Field+" "+h.To)
			}
			diffLines(t, "P3 breaches", breaches, []string{
				"03-04 12:12 plan specialist", "03-04 14:12 plan department_manager", "03-04 16:12 plan executive",
				"03-05 10:12 start_by specialist",
			})
			if b := l.history(p1.ID, service.HistSLABreached); len(b) != 0 {
				t.Errorf("P1 met its deadlines, yet: %+v", b)
			}
			if c, _ := l.st.CaseGetByID(l.ctx, p3.ID); !c.Escalated {
				t.Errorf("P3 not marked escalated")
			}

			// Tasks: callbacks for the unanswered P1 and (now P2) P3 surveys,
			// follow-ups for all three.
			tasks, err := l.svc.Team().TaskList(l.ctx, amy, service.TaskFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range tasks {
				got = append(got, fmt.Sprintf("%d %s %s", tk.CaseID, tk.Kind, tk.CreatedAt.In(shanghai).Format("01-02 15:04")))
			}
			diffLines(t, "tasks", got, []string{
				fmt.Sprintf("%d callback 03-06 15:30", p1.ID), // 24 h after the survey went out, not after the resolution
				fmt.Sprintf("%d callback 03-07 12:30", p3.ID),
				fmt.Sprintf("%d follow_up 03-06 15:00", p1.ID), fmt.Sprintf("%d follow_up 03-06 16:00", p2.ID),
				fmt.Sprintf("%d follow_up 03-07 12:00", p3.ID),
			})
			if _, err := l.svc.Team().TaskList(l.ctx, handler, service.TaskFilter{}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler listed tasks: %v", err)
			}
			cbs, err := l.svc.Team().TaskList(l.ctx, amy, service.TaskFilter{Kind: service.TaskCallback})
			if err != nil || len(cbs) != 2 || cbs[0].CaseID != p1.ID || cbs[1].CaseID != p3.ID {
				t.Fatalf("callbacks: %+v", cbs)
			}
			if _, err := l.svc.Team().TaskClaim(l.ctx, amy, cbs[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := l.svc.Team().TaskClaim(l.ctx, bob, cbs[0].ID); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("a second agent claimed: %v", err)
			}
			if _, err := l.svc.Team().TaskComplete(l.ctx, bob, cbs[0].ID, service.TaskOutcome{Note: "打通了"}); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("another agent completed: %v", err)
			}
			done, err := l.svc.Team().TaskComplete(l.ctx, amy, cbs[0].ID, service.TaskOutcome{Note: "已电话回访，客户满意，建议加快配件供应"})
			if err != nil || done.State != service.TaskDone || done.Outcome == "" {
				t.Errorf("complete: %+v", done)
			}
		})
	}
}

// TestRestartFiresPendingTimersOnce stops kefu with case timers pending,
// moves the clock past their due times and starts again on the same
// database: each fires once, a late progress update is one message (not a
// burst), and a timer delivered twice changes nothing the second time.
func TestRestartFiresPendingTimersOnce(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			p2 := l.intake("r-p2", "空调内机一直往下滴水 地板都泡了", "免贵姓张 电话 13300001111", "KFR-35GW", "前年买的", "派个师傅来看看", "记不清了", "确认")
			p3 := l.intake("r-p3", "卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的")
			l.clk.Add(20 * time.Minute)
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p2.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门清理排水管", PromisedAt: at(1, 18, 0), VisitAt: at(1, 9, 0)}))
			m2, m3 := l.lastID(p2.ConversationID), l.lastID(p3.ConversationID)
			pending := slices.Clone(l.rec.pending)
			if len(pending) == 0 {
				t.Fatal("no timers pending")
			}
			if err := l.st.Close(); err != nil {
				t.Fatal(err)
			}

			l.clk.Add(30 * time.Hour) // day 1, 16:24: every case timer is past due
			st := be.open(t, l.clk.Now)
			t.Cleanup(func() { st.Close() })
			rec := &recStore{Store: st, pending: pending}
			svc := service.New(service.Options{
				Store: rec, Engine: engine(t), SLA: configs.Default().SLA, Now: l.clk.Now, Logger: quiet(),
				Senders: map[channels.ID]channels.Sender{channels.WebChat: l.snd}, Lifecycle: lifecycle(),
			})
			l.st, l.svc, l.rec, l.fired = st, svc, rec, nil
			l.until(l.clk.Now())
			fired := map[string]int{}
			for _, a := range l.fired {
				fired[a.UniqueKey]++
			}
			for _, a := range pending {
				if fired[a.UniqueKey] != 1 {
					t.Errorf("timer %s (%s) fired %d times", a.Name, a.UniqueKey, fired[a.UniqueKey])
				}
			}
			diffLines(t, "P2 after restart", l.outSince(p2.ConversationID, m2), []string{"03-05 16:24 progress"})
			diffLines(t, "P3 after restart", l.outSince(p3.ConversationID, m3), []string{"03-05 16:24 progress"})
			breaches := len(l.history(p3.ID, service.HistSLABreached))
			if breaches == 0 {
				t.Errorf("P3's missed plan deadline not recorded")
			}

			// River may deliver a job again (e.g. a crash before it was
			// marked completed): nothing happens twice.
			for _, a := range l.fired {
				if err := svc.HandleTimer(l.ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			if out := l.outSince(p2.ConversationID, m2); len(out) != 1 {
				t.Errorf("a redelivered timer sent again: %q", out)
			}
			if n := len(l.history(p3.ID, service.HistSLABreached)); n != breaches {
				t.Errorf("a redelivered SLA check escalated again: %d entries, had %d", n, breaches)
			}
		})
	}
}

// TestRiverTimerSurvivesRestart checks the real runner on SQLite: an SLA
// check inserted before Close is still there after Open and fires once.
// River schedules on real time, so the plan deadline is seconds long.
func TestRiverTimerSurvivesRestart(t *testing.T) {
	t.Parallel()
	be := backends(t)[0]
	sla := configs.Default().SLA
	sla.PlanWithin = 3 * time.Second
	newSvc := func(st service.Store) *service.Service {
		return service.New(service.Options{Store: st, Engine: engine(t), SLA: sla, Logger: quiet(), Lifecycle: lifecycle(),
			Senders: map[channels.ID]channels.Sender{channels.WebChat: &countingSender{}}})
	}
	st := be.open(t, time.Now)
	svc := newSvc(st)
	ctx := context.Background()
	var conv int64
	for i, text := range []string{"卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的"} {
		rc, err := svc.Receive(ctx, msg("river-p3", fmt.Sprintf("rv-%d", i), text))
		if err != nil {
			t.Fatal(err)
		}
		conv = rc.ConversationID
	}
	if err := st.Close(); err != nil { // before the timer is due
		t.Fatal(err)
	}

	st = be.open(t, time.Now)
	defer st.Close()
	svc = newSvc(st)
	var mu sync.Mutex
	calls := map[string]int{}
	var first string
	if err := st.TimersStart(ctx, func(ctx context.Context, a service.TimerArgs) error {
		mu.Lock()
		if a.Name == service.TimerSLA && first == "" {
			first = a.UniqueKey
		}
		calls[a.UniqueKey]++
		mu.Unlock()
		return svc.HandleTimer(ctx, a)
	}); err != nil {
		t.Fatal(err)
	}
	c, err := st.ConversationGetByID(ctx, conv)
	if err != nil || c.CaseID == 0 {
		t.Fatalf("no case: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		hist, err := st.CaseHistory(ctx, c.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(hist, func(h cases.Change) bool { return h.Action == service.HistSLABreached }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the SLA timer did not fire within 30 s of the restart")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := st.TimersStop(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if first == "" || calls[first] != 1 {
		t.Errorf("the persisted SLA timer ran %d times (%q)", calls[first], first)
	}
}
