package service_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// gate is a channel that refuses while closed (a WeChat window), with an
// optional fallback for some kinds (a template message), and can ask for
// one message per step (mail).
type gate struct {
	*countingSender
	mu       sync.Mutex
	closed   bool
	fallback map[string]bool
	fellBack []channels.Outbound
	oneMsg   bool
}

func (g *gate) Send(ctx context.Context, m channels.Outbound) error {
	g.mu.Lock()
	closed := g.closed
	g.mu.Unlock()
	if closed {
		return &channels.RefusedError{Reason: "window closed"}
	}
	return g.countingSender.Send(ctx, m)
}

func (g *gate) Fallback(_ context.Context, m channels.Outbound) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.fallback[m.Kind] {
		return "", &channels.RefusedError{Reason: "no template for " + m.Kind}
	}
	g.fellBack = append(g.fellBack, m)
	return "template", nil
}

func (g *gate) Policy() channels.Policy { return channels.Policy{OneMessagePerStep: g.oneMsg} }

func (g *gate) set(closed bool) { g.mu.Lock(); g.closed = closed; g.mu.Unlock() }

func gateLife(t *testing.T, be backend, g *gate) *life {
	g.countingSender = &countingSender{}
	return lifeWith(t, be, g.countingSender, g)
}

// queued lists the conversation's pending outbox rows.
func (l *life) queued(conv int64) []service.OutboxRow {
	l.t.Helper()
	var rows []service.OutboxRow
	err := l.st.InTx(l.ctx, func(ctx context.Context, tx service.Tx) (err error) {
		rows, err = tx.OutboxQueued(ctx, conv)
		return err
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return rows
}

func (l *life) caseNow(id int64) *cases.Case {
	l.t.Helper()
	c, err := l.st.CaseGetByID(l.ctx, id)
	if err != nil {
		l.t.Fatal(err)
	}
	return c
}

var (
	p1Turns = []string{"我叫李雷，电话13900001111，家里的电热水器漏电了，型号DSZF-60，上个月买的，需要上门维修", "确认"}
	p3Turns = []string{"卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行", "谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的"}
)

// TestQuietHoursHoldEveryProactiveMessage: a P3 resolution written at
// 23:30 waits (with its function check) until quiet hours end; a P1 one
// goes at once; a customer who writes at night is answered at once and
// gets what was held for them.
func TestQuietHoursHoldEveryProactiveMessage(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			p1 := l.intake("q-p1", p1Turns...)
			p3 := l.intake("q-p3", p3Turns...)
			l.until(at(0, 11, 0))
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p3.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检查", PromisedAt: at(1, 18, 0), VisitAt: at(1, 10, 0)}))
			m1, m3 := l.lastID(p1.ConversationID), l.lastID(p3.ConversationID)

			l.until(at(0, 23, 30))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p3.ID, cases.ResolveParams{Proof: "远程指导后异响消除", Attachment: "a.jpg"}))
			l.ok(l.svc.Team().CaseNote(l.ctx, handler, p1.ID, cases.NoteParams{Text: "工程师已出发", Visible: true}))
			if got := l.outSince(p3.ConversationID, m3); len(got) != 0 {
				t.Errorf("P3 customer got %q in quiet hours", got)
			}
			if got := l.outSince(p1.ConversationID, m1); !strings.HasSuffix(strings.Join(got, ","), "03-04 23:30 note") {
				t.Errorf("P1 note not sent at once at night: %q", got)
			}
			if c := l.caseNow(p3.ID); !c.Milestones.ResolveNotified.IsZero() {
				t.Errorf("a held resolution notice counts as notified at %v", c.Milestones.ResolveNotified)
			}
			l.until(at(1, 8, 0))
			diffLines(t, "P3 after the night", l.outSince(p3.ConversationID, m3), []string{"03-05 08:00 resolved", "03-05 08:00 function_check"})
			if c := l.caseNow(p3.ID); !c.Milestones.ResolveNotified.Equal(at(1, 8, 0)) {
				t.Errorf("resolve notified %v, want when delivered", c.Milestones.ResolveNotified)
			}
			// The notice deadline ran from the morning: nobody was
			// escalated in the night for a notice quiet hours held.
			for _, h := range l.history(p3.ID, service.HistSLABreached) {
				if h.Field == string(cases.ClockResolveNotice) {
					t.Errorf("resolve notice breached at %v although quiet hours held it", h.At)
				}
			}

			// Another night: the customer writes at 01:00 and is answered
			// at once, with what was held for them.
			l.ok(l.svc.Team().CaseReopen(l.ctx, handler, p3.ID, "客户反馈仍有异响"))
			m3 = l.lastID(p3.ConversationID)
			l.until(at(1, 23, 50))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p3.ID, cases.ResolveParams{Proof: "更换面板卡扣", Attachment: "b.jpg"}))
			if got := l.outSince(p3.ConversationID, m3); strings.Contains(strings.Join(got, ","), "resolved") {
				t.Errorf("second resolution not held: %q", got)
			}
			l.until(at(2, 1, 0))
			l.customer("q-p3", "还是有点响")
			got := l.outSince(p3.ConversationID, m3)
			if !strings.Contains(strings.Join(got, ","), "03-06 01:01 resolved") {
				t.Errorf("the customer wrote at night; held messages should follow at once: %q", got)
			}
		})
	}
}

// TestSilentCustomerWindowClosed: the channel refuses everything after
// registration (a silent WeChat customer). Automatic statuses do not pile
// up: at most one waits. The resolution replaces the waiting status, goes
// by template when the channel has one for it, and otherwise stays
// undelivered on the record with a call task; when the customer writes
// again they get the resolution once, not a backlog.
func TestSilentCustomerWindowClosed(t *testing.T) {
	t.Parallel()
	for _, tpl := range []bool{false, true} {
		for _, be := range backends(t) { // fresh databases per variant
			name := be.name + "/no template"
			if tpl {
				name = be.name + "/template"
			}
			t.Run(name, func(t *testing.T) {
				g := &gate{fallback: map[string]bool{}}
				if tpl {
					g.fallback[service.KindResolved] = true
				}
				l := gateLife(t, be, g)
				handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
				head := l.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
				super := l.user("赵主管", cases.RoleSupervisor, "")
				p1 := l.intake("s-p1", p1Turns...)
				l.until(at(0, 10, 30))
				l.ok(l.svc.Team().CasePlan(l.ctx, handler, p1.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检测", PromisedAt: at(2, 18, 0), VisitAt: at(0, 15, 0)}))
				l.ok(l.svc.Team().CaseApprove(l.ctx, head, p1.ID, "同意"))
				m1 := l.lastID(p1.ConversationID)
				g.set(true)
				for h := 0; h < 48; h += 2 {
					l.until(at(0, 11, 0).Add(time.Duration(h) * time.Hour))
					var statuses int
					for _, r := range l.queued(p1.ConversationID) {
						if r.Kind == service.KindProgress {
							statuses++
						}
					}
					if statuses > 1 {
						t.Fatalf("%d automatic statuses waiting at +%dh", statuses, h)
					}
				}
				l.until(at(2, 12, 0))
				l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p1.ID, cases.ResolveParams{Proof: "更换漏电保护器，维修单 WX-9", Attachment: "wx-9.jpg"}))
				c := l.caseNow(p1.ID)
				tasks, err := l.svc.Team().TaskList(l.ctx, super, service.TaskFilter{CaseID: p1.ID})
				if err != nil {
					t.Fatal(err)
				}
				if tpl {
					if len(g.fellBack) != 1 || g.fellBack[0].Facts.Case != p1.Number || !strings.Contains(g.fellBack[0].Facts.Note, "更换漏电保护器") {
						t.Errorf("resolution by template: %+v", g.fellBack)
					}
					if !c.Milestones.ResolveNotified.Equal(at(2, 12, 0)) {
						t.Errorf("resolution sent by template, notified = %v", c.Milestones.ResolveNotified)
					}
					if len(tasks) != 0 {
						t.Errorf("tasks although the notice went by template: %+v", tasks)
					}
				} else {
					if !c.Milestones.ResolveNotified.IsZero() {
						t.Errorf("undelivered resolution recorded as notified at %v", c.Milestones.ResolveNotified)
					}
					if len(tasks) != 1 || tasks[0].Kind != service.TaskCallback {
						t.Errorf("want one call task for the undelivered notice, got %+v", tasks)
					}
					var deferred bool
					for _, h := range l.history(p1.ID, "delivery") {
						deferred = deferred || h.Field == service.KindResolved && strings.HasPrefix(h.To, "deferred")
					}
					if !deferred {
						t.Errorf("the deferral is not on the case record")
					}
				}
				for _, r := range l.queued(p1.ConversationID) {
					if r.Kind == service.KindProgress {
						t.Errorf("a status still waits after the resolution: %+v", r)
					}
				}

				// The customer writes again: the window opens.
				l.until(at(2, 14, 0))
				g.set(false)
				l.customer("s-p1", "师傅来过了吗？")
				got := l.outSince(p1.ConversationID, m1)
				var resolved, progress int
				for _, k := range got {
					switch {
					case strings.HasSuffix(k, " resolved"):
						resolved++
					case strings.HasSuffix(k, " progress"):
						progress++
					}
				}
				if resolved != 1 || progress != 0 {
					t.Errorf("after the customer wrote: %q; want the resolution once and no stale status", got)
				}
				if c := l.caseNow(p1.ID); c.Milestones.ResolveNotified.IsZero() {
					t.Errorf("the resolution reached the customer, notified still unset")
				}
			})
		}
	}
}

// TestOneMessagePerStep: a channel that wants one message per step (mail)
// gets the resolution and the function check as one, counted as the
// resolution notice.
func TestOneMessagePerStep(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			g := &gate{oneMsg: true}
			l := gateLife(t, be, g)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			head := l.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
			p1 := l.intake("o-p1", p1Turns...)
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p1.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检测", PromisedAt: at(1, 18, 0), VisitAt: at(0, 15, 0)}))
			l.ok(l.svc.Team().CaseApprove(l.ctx, head, p1.ID, "同意"))
			m1 := l.lastID(p1.ConversationID)
			l.until(at(0, 11, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p1.ID, cases.ResolveParams{Proof: "更换漏电保护器", Attachment: "a.jpg"}))
			got := l.outSince(p1.ConversationID, m1)
			if len(got) == 0 || got[len(got)-1] != "03-04 11:00 resolved" || strings.Count(strings.Join(got, ","), "11:00") != 1 {
				t.Errorf("messages: %q, want the resolution and the check as one", got)
			}
			last := l.lastOut(p1.ConversationID)
			if !strings.Contains(last.Text, "更换漏电保护器") || len(last.Choices) == 0 {
				t.Errorf("joined message lacks the proof or the check's choices: %+v", last)
			}
		})
	}
}

// TestSecondChannelByMail: the resolution cannot reach the customer on
// their channel, and the case has their mail address: it goes by mail,
// with the function check, and the mail conversation carries on with the
// survey when they answer; the call task stands.
func TestSecondChannelByMail(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			g := &gate{}
			l := gateLife(t, be, g)
			mail := &gate{countingSender: &countingSender{}, oneMsg: true}
			l.svc.SetSender(channels.Email, mail)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			head := l.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
			super := l.user("赵主管", cases.RoleSupervisor, "")
			p1 := l.intake("m-p1", "我叫李雷，电话13900001111，邮箱 lilei@example.com，家里的电热水器漏电了，型号DSZF-60，上个月买的，需要上门维修", "确认")
			if p1.Fields[cases.FieldEmail] != "lilei@example.com" {
				t.Fatalf("case fields: %v", p1.Fields)
			}
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p1.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检测", PromisedAt: at(1, 18, 0), VisitAt: at(0, 15, 0)}))
			l.ok(l.svc.Team().CaseApprove(l.ctx, head, p1.ID, "同意"))
			g.set(true)
			l.until(at(0, 16, 0))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p1.ID, cases.ResolveParams{Proof: "更换漏电保护器", Attachment: "a.jpg"}))
			drain(t, l.svc)
			mail.countingSender.mu.Lock()
			texts := slices.Clone(mail.texts)
			mail.countingSender.mu.Unlock()
			if len(texts) != 1 || !strings.Contains(texts[0], "更换漏电保护器") || !strings.Contains(texts[0], p1.Number) {
				t.Fatalf("mails: %q, want the resolution (with the check) once", texts)
			}
			if c := l.caseNow(p1.ID); c.Milestones.ResolveNotified.IsZero() {
				t.Errorf("the notice reached the customer by mail, notified unset")
			}
			tasks, err := l.svc.Team().TaskList(l.ctx, super, service.TaskFilter{CaseID: p1.ID})
			if err != nil || len(tasks) != 1 {
				t.Errorf("call task: %+v %v", tasks, err)
			}
			// Another deferral later sends nothing more.
			l.until(at(0, 20, 0))
			drain(t, l.svc)
			mail.countingSender.mu.Lock()
			n := len(mail.texts)
			mail.countingSender.mu.Unlock()
			if n != 1 {
				t.Errorf("%d mails after more deferrals, want 1", n)
			}
			// The customer answers the mail: the survey follows by mail.
			rc, err := l.svc.Receive(l.ctx, channels.Inbound{Channel: channels.Email, ExternalUserID: "lilei@example.com", ExternalMessageID: "<r1@example.com>", Text: "好了，正常了",
				Batch: true, ContactEmail: "lilei@example.com", NameIsPersonal: true})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, l.svc)
			if last := l.lastOut(rc.ConversationID); last.Kind != "survey" {
				t.Errorf("after the mail answer: %+v, want the survey", last)
			}
		})
	}
}

// TestCustomerClock: a customer with a British number keeps London's
// night, not Beijing's: a resolution at 23:30 Beijing (15:30 London) goes
// at once, one at 08:30 Beijing (00:30 London) waits for 08:00 London, and
// the times they read are London's, named.
func TestCustomerClock(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			l := lifeSetup(t, be)
			handler := l.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			p3 := l.intake("z-p3", "The bedroom air conditioner makes a faint clicking noise at night, no rush, send someone when convenient",
				"Tom Baker", "+44 7700 900123", "KFR-26GW", "April 2025", "repair", "yes")
			l.until(at(0, 11, 0))
			m3 := l.lastID(p3.ConversationID)
			l.ok(l.svc.Team().CasePlan(l.ctx, handler, p3.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "check the indoor unit",
				PromisedAt: at(1, 18, 0), VisitAt: at(1, 18, 0)}))
			// 11:00 Beijing is 03:00 in London: the plan waits for 08:00 there.
			if got := l.outSince(p3.ConversationID, m3); len(got) != 0 {
				t.Errorf("sent in London's night: %q", got)
			}
			l.until(at(0, 16, 0))
			plan := l.lastOut(p3.ConversationID)
			if plan.Kind != "plan" || !strings.Contains(plan.Text, "10:00 (London time)") {
				t.Errorf("plan times not on the customer's clock: %s", plan.Text)
			}
			l.until(at(0, 23, 30))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p3.ID, cases.ResolveParams{Proof: "tightened the panel", Attachment: "a.jpg"}))
			if got := strings.Join(l.outSince(p3.ConversationID, m3), ","); !strings.Contains(got, "03-04 23:30 resolved") {
				t.Errorf("15:30 in London is no night: %q", got)
			}
			l.ok(l.svc.Team().CaseReopen(l.ctx, handler, p3.ID, "still clicking"))
			m3 = l.lastID(p3.ConversationID)
			l.until(at(1, 8, 30))
			l.ok(l.svc.Team().CaseResolve(l.ctx, handler, p3.ID, cases.ResolveParams{Proof: "replaced the panel clip", Attachment: "b.jpg"}))
			if got := l.outSince(p3.ConversationID, m3); strings.Contains(strings.Join(got, ","), "resolved") {
				t.Errorf("00:30 in London; the resolution went at once: %q", got)
			}
			l.until(at(1, 16, 0))
			if got := strings.Join(l.outSince(p3.ConversationID, m3), ","); !strings.Contains(got, "03-05 16:00 resolved") {
				t.Errorf("want the resolution at 08:00 London (16:00 Beijing): %q", got)
			}
		})
	}
}
