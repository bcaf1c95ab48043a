package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// complaintSetup is staffSetup with every webhook event recorded.
func complaintSetup(t *testing.T, be backend) (*staffBundle, *countingSender) {
	t.Helper()
	b := staffSetup(t, be)
	hooks := &countingSender{}
	b.svc = service.New(service.Options{
		Store: b.st, Engine: engine(t), SLA: configs.Default().SLA, Now: b.clk.Now, Logger: quiet(),
		Senders:  map[channels.ID]channels.Sender{channels.WebChat: b.snd, service.WebhookChannel: hooks},
		Webhooks: []service.Subscriber{{Name: "crm"}},
	})
	return b, hooks
}

// events returns the types and data of the webhook events sent so far.
func events(t *testing.T, hooks *countingSender) (types []string, data []map[string]any) {
	t.Helper()
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	for _, text := range hooks.texts {
		var ev struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(text), &ev); err != nil {
			t.Fatalf("event %q: %v", text, err)
		}
		types, data = append(types, ev.Type), append(data, ev.Data)
	}
	return types, data
}

// A complaint received by phone walks every stage through the staff
// service; the customer hears the judgement, the plan, the acceptance and
// the close, and each step is stored, recorded with its user and sent as a
// complaint.updated event.
func TestComplaintWorkflow(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b, hooks := complaintSetup(t, be)
			sup := b.user("李主管", cases.RoleSupervisor, "")
			amy := b.user("Amy", cases.RoleSpecialist, "")
			logHead := b.user("陈经理", cases.RoleHead, cases.DeptLogistics)
			techHead := b.user("赵经理", cases.RoleHead, cases.DeptTechnicalSupport)
			c := b.intake("cp-user", "我叫韩梅梅，电话13700001111，洗衣机XQG80不脱水了，上个月买的，想上门维修", "确认")
			conv := c.ConversationID

			got, err := b.svc.Team().ComplaintOpen(b.ctx, amy, c.ID, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: "电话投诉：师傅迟到三小时"})
			if err != nil || len(got.Complaints) != 1 || got.Complaints[0].Complainant != "韩梅梅" {
				t.Fatalf("open: %+v %v", got, err)
			}
			if !b.saidSince(conv, 0, "客服主管") {
				t.Error("the customer was not told the complaint was received")
			}
			if _, err := b.svc.Team().ComplaintOpen(b.ctx, amy, c.ID, cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Content: "again"}); cases.ErrorCode(err) != cases.EConflict {
				t.Errorf("a second open complaint: %v", err)
			}
			if _, err := b.svc.Team().ComplaintJudge(b.ctx, amy, c.ID, 1, cases.JudgeComplaintParams{Valid: true}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a specialist judged: %v", err)
			}

			b.clk.Add(time.Hour)
			due := b.clk.Now().Add(72 * time.Hour)
			if _, err := b.svc.Team().ComplaintJudge(b.ctx, sup, c.ID, 1, cases.JudgeComplaintParams{Valid: true, Department: cases.DeptLogistics, InvestigationDue: due, Reason: "迟到属实"}); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(conv); !strings.Contains(m.Text, "物流管理部") || !strings.Contains(m.Text, "3 天") || !strings.Contains(m.Text, c.Number) {
				t.Errorf("judgement told as %q, want the department and how long", m.Text)
			}

			if _, err := b.svc.Team().ComplaintInvestigate(b.ctx, techHead, c.ID, 1, cases.InvestigateComplaintParams{Cause: "x", ResponsibleParty: "y"}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("the case's head investigated another department's complaint: %v", err)
			}
			before := b.lastOut(conv)
			if _, err := b.svc.Team().ComplaintInvestigate(b.ctx, logHead, c.ID, 1, cases.InvestigateComplaintParams{Cause: "调度排班冲突", ResponsibleParty: "物流调度组"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().ComplaintPlans(b.ctx, sup, c.ID, 1, []string{"书面道歉", "赠送一年延保"}); err != nil {
				t.Fatal(err)
			}
			if after := b.lastOut(conv); after.ID != before.ID {
				t.Errorf("internal steps reached the customer: %q", after.Text)
			}
			if _, err := b.svc.Team().ComplaintChoose(b.ctx, logHead, c.ID, 1, cases.ChooseComplaintPlanParams{Plan: 2}); cases.ErrorCode(err) != cases.EForbidden {
				t.Errorf("a head chose the plan: %v", err)
			}
			if _, err := b.svc.Team().ComplaintChoose(b.ctx, sup, c.ID, 1, cases.ChooseComplaintPlanParams{Plan: 2}); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(conv); !strings.Contains(m.Text, "赠送一年延保") {
				t.Errorf("the chosen plan was not told: %q", m.Text)
			}
			if _, err := b.svc.Team().ComplaintAcceptance(b.ctx, sup, c.ID, 1, cases.ComplaintAcceptanceParams{Accepted: true, Feedback: "可以接受"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().ComplaintSummary(b.ctx, sup, c.ID, 1, cases.ComplaintSummaryParams{Classification: cases.ComplaintClassTimeliness, Improvements: []string{"排班预留路上时间"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Team().ComplaintFollowUp(b.ctx, sup, c.ID, 1, "回访：客户满意"); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(conv); !strings.Contains(m.Text, "投诉已处理完毕") {
				t.Errorf("close not told: %q", m.Text)
			}

			d, err := b.svc.Team().CaseGet(b.ctx, sup, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			k := d.Case.Complaints[0]
			if k.Stage != cases.ComplaintClosed || k.Plan() != "赠送一年延保" || k.ChosenBy != sup.Actor() || !k.CustomerAccepted ||
				k.Cause != "调度排班冲突" || k.Classification != cases.ComplaintClassTimeliness || k.FollowUpNote != "回访：客户满意" || !k.InvestigationDue.Equal(due) {
				t.Errorf("stored complaint: %+v", k)
			}
			steps := map[string]string{}
			for _, h := range d.History {
				if h.Field == "complaint#1" {
					steps[h.Action] = h.Actor
				}
			}
			want := map[string]string{
				cases.HistComplaint: amy.Actor(), cases.HistComplaintJudged: sup.Actor(), cases.HistComplaintInvestigated: logHead.Actor(),
				cases.HistComplaintPlans: sup.Actor(), cases.HistComplaintPlanChosen: sup.Actor(), cases.HistComplaintAccepted: sup.Actor(),
				cases.HistComplaintSummarized: sup.Actor(), cases.HistComplaintFollowedUp: sup.Actor(),
			}
			for a, who := range want {
				if steps[a] != who {
					t.Errorf("history %s by %q, want %q (all: %v)", a, steps[a], who, steps)
				}
			}

			types, data := events(t, hooks)
			var stages []string
			for i, typ := range types {
				switch typ {
				case service.EventComplaintOpened:
					if data[i]["complaint"] != 1.0 || data[i]["source"] != "staff" {
						t.Errorf("complaint.opened data %v", data[i])
					}
				case service.EventComplaintUpdated:
					stages = append(stages, data[i]["stage"].(string))
				}
			}
			if got := strings.Join(stages, ","); got != "investigating,planning,proposed,carrying_out,summarizing,follow_up,closed" {
				t.Errorf("complaint.updated stages %s", got)
			}
		})
	}
}

// The customer saying 投诉 after resolution opens a real complaint; saying
// it again while it is open adds to it. An invalid judgement is explained
// to the customer.
func TestCustomerComplaintFromConversation(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b, hooks := complaintSetup(t, be)
			sup := b.user("李主管", cases.RoleSupervisor, "")
			c := b.intake("cc-user", "我叫李雷，电话13900002222，空调KFR-35不制冷了，上个月买的，想上门维修", "确认")
			b.customer("cc-user", "我要投诉，客服一直不回复")
			b.customer("cc-user", "我要投诉，电话也打不通")
			got, err := b.st.CaseGetByID(b.ctx, c.ID)
			if err != nil || len(got.Complaints) != 1 || got.Complaints[0].Source != cases.ComplaintFromCustomer || !got.Escalated {
				t.Fatalf("complaints %+v (escalated %v) %v", got.Complaints, got.Escalated, err)
			}
			d, _ := b.svc.Team().CaseGet(b.ctx, sup, c.ID)
			notes := 0
			for _, h := range d.History {
				if h.Action == cases.HistComplaintNote && strings.Contains(h.Reason, "电话也打不通") {
					notes++
				}
			}
			if notes != 1 {
				t.Errorf("the second complaint was not added to the first: %+v", d.History)
			}
			types, _ := events(t, hooks)
			if strings.Count(strings.Join(types, ","), service.EventComplaintOpened) != 1 {
				t.Errorf("events %v: want one complaint.opened", types)
			}
			if _, err := b.svc.Team().ComplaintJudge(b.ctx, sup, c.ID, 1, cases.JudgeComplaintParams{Reason: "工程师已按约定时间联系您，通话记录显示已接通"}); err != nil {
				t.Fatal(err)
			}
			if m := b.lastOut(c.ConversationID); !strings.Contains(m.Text, "通话记录显示已接通") || !strings.Contains(m.Text, "感谢您反映") {
				t.Errorf("invalid judgement told as %q", m.Text)
			}
			if got, _ := b.st.CaseGetByID(b.ctx, c.ID); got.Complaints[0].Stage != cases.ComplaintFollowUp {
				t.Errorf("an invalid complaint is %s, want follow_up", got.Complaints[0].Stage)
			}
		})
	}
}
