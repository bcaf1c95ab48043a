package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
)

type staffBundle struct {
	t   *testing.T
	ctx context.Context
	clk *clock
	st  service.Store
	svc *service.Service
	snd *countingSender
}

func staffSetup(t *testing.T, b backend) *staffBundle {
	t.Helper()
	clk := newClock()
	st := b.open(t, clk.Now)
	t.Cleanup(func() { st.Close() })
	snd := &countingSender{}
	return &staffBundle{t: t, ctx: context.Background(), clk: clk, st: st, svc: newService(t, st, clk, snd), snd: snd}
}

func (b *staffBundle) user(name string, role cases.Role, dept cases.Department) cases.User {
	b.t.Helper()
	u, token, err := b.svc.Team().UserAdd(b.ctx, name, role, dept)
	if err != nil {
		b.t.Fatal(err)
	}
	got, err := b.svc.Team().Authenticate(b.ctx, token)
	if err != nil || got.ID != u.ID || got.Role != role {
		b.t.Fatalf("authenticate %s: %+v %v", name, got, err)
	}
	return u
}

// intake registers a case through the real dialog and returns it.
func (b *staffBundle) intake(user string, turns ...string) *cases.Case {
	b.t.Helper()
	var conv int64
	for i, text := range turns {
		rc, err := b.svc.Receive(b.ctx, msg(user, user+"-"+string(rune('a'+i)), text))
		if err != nil {
			b.t.Fatal(err)
		}
		conv = rc.ConversationID
		b.clk.Add(20 * time.Second)
	}
	drain(b.t, b.svc)
	c, err := b.st.ConversationGetByID(b.ctx, conv)
	if err != nil || c.CaseID == 0 {
		b.t.Fatalf("no case registered for %s: %v", user, err)
	}
	cs, err := b.st.CaseGetByID(b.ctx, c.CaseID)
	if err != nil {
		b.t.Fatal(err)
	}
	return cs
}

// lastOut returns the newest message the customer received.
func (b *staffBundle) lastOut(convID int64) channels.StoredMessage {
	b.t.Helper()
	drain(b.t, b.svc)
	msgs, err := b.st.MessagesList(b.ctx, service.MessagesListParams{ConversationID: convID, Limit: 1000})
	if err != nil {
		b.t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == "out" {
			return msgs[i]
		}
	}
	return channels.StoredMessage{}
}

// customer sends one message and lets the replies go out.
func (b *staffBundle) customer(user, text string) {
	b.t.Helper()
	b.clk.Add(time.Minute)
	if _, err := b.svc.Receive(b.ctx, msg(user, fmt.Sprintf("%s-%d", user, b.clk.Now().UnixNano()), text)); err != nil {
		b.t.Fatal(err)
	}
	drain(b.t, b.svc)
}

// saidSince reports whether a message after id contains want.
func (b *staffBundle) saidSince(convID, after int64, want string) bool {
	b.t.Helper()
	drain(b.t, b.svc)
	msgs, _ := b.st.MessagesList(b.ctx, service.MessagesListParams{ConversationID: convID, AfterID: after, Limit: 1000})
	for _, m := range msgs {
		if m.Direction == "out" && strings.Contains(m.Text, want) {
			return true
		}
	}
	return false
}

func TestStaffLifecycle(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			handler := b.user("王工", cases.RoleHandler, cases.DeptTechnicalSupport)
			head := b.user("李经理", cases.RoleHead, cases.DeptTechnicalSupport)
			logistics := b.user("物流小周", cases.RoleHandler, cases.DeptLogistics)
			if _, err := b.svc.Team().Authenticate(b.ctx, "kefu_forged"); cases.ErrorCode(err) != cases.EUnauthorized {
				t.Fatalf("forged token: %v", err)
			}

			// A P1 case: its plan waits for the head, the customer hears it only once approved.
			c := b.intake("p1-user", "我叫李雷，电话13900001111，家里的电热水器漏电了，型号DSZF-60，上个月买的，需要上门维修", "确认")
			if c.Priority != cases.P1 || c.Department != cases.DeptTechnicalSupport {
				t.Fatalf("intake gave %s/%s", c.Priority, c.Department)
			}
			if _, err := b.svc.Team().CaseGet(b.ctx, logistics, c.ID); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a logistics handler read a technical case: %v", err)
			}
			if page, _ := b.svc.Team().CaseList(b.ctx, logistics, service.CaseFilter{}); len(page.Cases) != 0 {
				t.Errorf("a logistics handler lists %d technical cases", len(page.Cases))
			}
			before := b.lastOut(c.ConversationID)
			plan := cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "工程师上门检测漏电原因", PromisedAt: b.clk.Now().Add(24 * time.Hour), VisitAt: b.clk.Now().Add(5 * time.Hour)}
			got, err := b.svc.Team().CasePlan(b.ctx, handler, c.ID, plan)
			if err != nil || got.State != cases.StatePendingApproval {
				t.Fatalf("P1 plan: %v %v", got, err)
			}
			if after := b.lastOut(c.ConversationID); after.ID != before.ID {
				t.Errorf("the customer heard an unapproved P1 plan: %q", after.Text)
			}
			if _, err := b.svc.Team().CaseApprove(b.ctx, handler, c.ID, "ok"); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a handler approved a P1 plan: %v", err)
			}
			if got, err = b.svc.Team().CaseApprove(b.ctx, head, c.ID, "同意，尽快上门"); err != nil || got.State != cases.StatePlanned {
				t.Fatalf("approve: %v %v", got, err)
			}
			if m := b.lastOut(c.ConversationID); !strings.Contains(m.Text, "上门维修") || !strings.Contains(m.Text, c.Number) {
				t.Errorf("plan not told to the customer: %q", m.Text)
			}

			// A plan change tells the customer the alternative in the same step.
			if _, err = b.svc.Team().CaseChangePlan(b.ctx, handler, c.ID, cases.ChangePlanParams{Reason: "配件缺货", Alternative: "先为您提供一台备用热水器",
				Plan: cases.PlanParams{Type: cases.PlanFactoryRepair, Description: "返厂更换加热管", PromisedAt: b.clk.Now().Add(72 * time.Hour)}}); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(c.ConversationID); !strings.Contains(m.Text, "备用热水器") {
				t.Errorf("plan change not told: %q", m.Text)
			}

			// A changed P1 plan needs the head again.
			if _, err = b.svc.Team().CaseApprove(b.ctx, head, c.ID, "同意返厂"); err != nil {
				t.Fatal(err)
			}
			// Resolution: the customer is told at once with the proof.
			if got, err = b.svc.Team().CaseResolve(b.ctx, handler, c.ID, cases.ResolveParams{Proof: "维修记录单 WX-001", Link: "https://example.com/r/1"}); err != nil || got.State != cases.StateResolved {
				t.Fatalf("resolve: %v %v", got, err)
			}
			if !b.saidSince(c.ConversationID, 0, "WX-001") {
				t.Errorf("resolution not told")
			}
			// A repair asks whether it works: no → the case reopens.
			if m := b.lastOut(c.ConversationID); m.Field != "function_check" {
				t.Fatalf("no function check after a repair: %+v", m)
			}
			b.customer("p1-user", "还是不行，一开就跳闸")
			if got, _ := b.st.CaseGetByID(b.ctx, c.ID); got.State != cases.StateInProgress {
				t.Fatalf("a failed function check left the case %s", got.State)
			}
			if _, err = b.svc.Team().CaseResolve(b.ctx, handler, c.ID, cases.ResolveParams{Proof: "更换漏电保护器，维修记录单 WX-002", Attachment: "wx-002.jpg"}); err != nil {
				t.Fatal(err)
			}
			b.customer("p1-user", "正常了")
			// The survey, one question at a time; a low score opens a complaint.
			for _, answer := range []string{"5", "非常专业", "1"} {
				if m := b.lastOut(c.ConversationID); !strings.HasPrefix(m.Field, "survey.") || len(m.Choices) != 5 {
					t.Fatalf("expected a survey question with rating buttons, got %+v", m)
				}
				b.customer("p1-user", answer)
			}
			b.customer("p1-user", "没有")
			if !b.saidSince(c.ConversationID, 0, "客服主管") {
				t.Errorf("a low score did not open a complaint")
			}
			d, err := b.svc.Team().CaseGet(b.ctx, head, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Case.Plan == nil || d.Case.Resolution == nil || d.Case.Milestones.ResolveNotified.IsZero() {
				t.Errorf("lifecycle not stored: plan %v resolution %v", d.Case.Plan, d.Case.Resolution)
			}
			actors, actions := map[string]bool{}, map[string]string{}
			for _, h := range d.History {
				actors[h.Actor] = true
				actions[h.Action] = h.To
			}
			if actions["survey"] != "timeliness=5,professionalism=5,effectiveness=1" || actions["complaint"] == "" {
				t.Errorf("survey or complaint not recorded: %v", actions)
			}
			if !actors[handler.Actor()] || !actors[head.Actor()] {
				t.Errorf("history lacks the acting users: %v", actors)
			}
		})
	}
}

func TestAgentTakeover(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			amy := b.user("Amy", cases.RoleSpecialist, "")
			bob := b.user("Bob", cases.RoleSpecialist, "")
			for i, text := range []string{"微波炉不加热了，型号MW-20", "转人工"} {
				if _, err := b.svc.Receive(b.ctx, msg("handoff-user", "h"+string(rune('0'+i)), text)); err != nil {
					t.Fatal(err)
				}
			}
			queue, err := b.svc.Team().Conversations(b.ctx, amy, "")
			if err != nil || len(queue) != 1 || queue[0].HandoffReason != "customer_request" {
				t.Fatalf("queue: %+v %v", queue, err)
			}
			// The agent sees what the bot collected: nothing to ask twice.
			if q := queue[0]; q.Draft[cases.FieldProductModel] != "MW-20" || q.Lang != "zh-CN" {
				t.Errorf("draft: %+v (lang %q)", q.Draft, q.Lang)
			}
			id := queue[0].ID
			if err := b.svc.Team().ConversationTakeOver(b.ctx, amy, id); err != nil {
				t.Fatal(err)
			}
			if err := b.svc.Team().ConversationTakeOver(b.ctx, bob, id); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("a second agent took over: %v", err)
			}
			if err := b.svc.Team().ConversationReply(b.ctx, bob, id, "我来处理"); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("an agent replied on a conversation another holds: %v", err)
			}
			// The customer's message reaches the agent, not the bot.
			before := b.lastOut(id)
			if _, err := b.svc.Receive(b.ctx, msg("handoff-user", "h9", "请问多久能修好，我姓李，电话13912345678，2024年3月买的")); err != nil {
				t.Fatal(err)
			}
			if after := b.lastOut(id); after.ID != before.ID {
				t.Errorf("the bot answered during a takeover: %q", after.Text)
			}
			if err := b.svc.Team().ConversationReply(b.ctx, amy, id, "您好，我是客服Amy，明天上午安排师傅上门。"); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(id); m.Kind != "agent" || !strings.Contains(m.Text, "Amy") {
				t.Errorf("agent reply not delivered: %+v", m)
			}
			if err := b.svc.Team().ConversationHandBack(b.ctx, amy, id); err != nil {
				t.Fatal(err)
			}
			conv, _ := b.st.ConversationGetByID(b.ctx, id)
			if conv.Phase == string(dialog.PhaseAgent) || conv.Phase == string(dialog.PhaseWaitingAgent) {
				t.Errorf("after hand-back the phase is %s", conv.Phase)
			}
			m := b.lastOut(id)
			if m.Field == "" {
				t.Errorf("after hand-back the bot should ask the next question, got %+v", m)
			}
			// What the customer told the agent is known to the bot, so it is
			// not asked again.
			for _, f := range []cases.FieldKey{cases.FieldPhone, cases.FieldPurchaseDate} {
				if m.Field == string(f) {
					t.Errorf("after hand-back the bot asks again for %s, told to the agent: %q", f, m.Text)
				}
			}
			convs, err := b.svc.Team().Conversations(b.ctx, amy, conv.Phase)
			if err != nil || len(convs) != 1 || convs[0].Draft[cases.FieldPhone] != "13912345678" || convs[0].Draft[cases.FieldPurchaseDate] != "2024-03" {
				t.Errorf("after hand-back the bot does not know what the customer told the agent: %+v %v", convs, err)
			}
		})
	}
}
