package console

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// The fake's complaint methods record n alongside the params.
type complaintArg struct {
	n int
	p any
}

func (f *fakeService) ComplaintOpen(ctx context.Context, u cases.User, id int64, p cases.OpenComplaintParams) (*cases.Case, error) {
	return f.write(ctx, "ComplaintOpen", u, id, p)
}

func (f *fakeService) ComplaintJudge(ctx context.Context, u cases.User, id int64, n int, p cases.JudgeComplaintParams) (*cases.Case, error) {
	p.InvestigationDue = p.InvestigationDue.UTC() // compare by instant, see inUTC
	return f.write(ctx, "ComplaintJudge", u, id, complaintArg{n, p})
}

func (f *fakeService) ComplaintInvestigate(ctx context.Context, u cases.User, id int64, n int, p cases.InvestigateComplaintParams) (*cases.Case, error) {
	return f.write(ctx, "ComplaintInvestigate", u, id, complaintArg{n, p})
}

func (f *fakeService) ComplaintPlans(ctx context.Context, u cases.User, id int64, n int, plans []string) (*cases.Case, error) {
	return f.write(ctx, "ComplaintPlans", u, id, complaintArg{n, plans})
}

func (f *fakeService) ComplaintChoose(ctx context.Context, u cases.User, id int64, n int, p cases.ChooseComplaintPlanParams) (*cases.Case, error) {
	return f.write(ctx, "ComplaintChoose", u, id, complaintArg{n, p})
}

func (f *fakeService) ComplaintAcceptance(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintAcceptanceParams) (*cases.Case, error) {
	return f.write(ctx, "ComplaintAcceptance", u, id, complaintArg{n, p})
}

func (f *fakeService) ComplaintSummary(ctx context.Context, u cases.User, id int64, n int, p cases.ComplaintSummaryParams) (*cases.Case, error) {
	return f.write(ctx, "ComplaintSummary", u, id, complaintArg{n, p})
}

func (f *fakeService) ComplaintFollowUp(ctx context.Context, u cases.User, id int64, n int, note string) (*cases.Case, error) {
	return f.write(ctx, "ComplaintFollowUp", u, id, complaintArg{n, note})
}

func TestComplaintEndpoints(t *testing.T) {
	t.Parallel()
	due := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		path, body string
		want       call
	}{
		{"/api/v1/cases/42/complaints", `{"complainant":"李先生（电话）","content":"师傅迟到"}`,
			call{name: "ComplaintOpen", id: 42, arg: cases.OpenComplaintParams{Source: cases.ComplaintFromStaff, Complainant: "李先生（电话）", Content: "师傅迟到"}}},
		{"/api/v1/cases/42/complaints/1/judge", `{"valid":true,"department":"logistics","investigation_due":"2025-03-04T18:00:00+08:00","reason":"属实"}`,
			call{name: "ComplaintJudge", id: 42, arg: complaintArg{1, cases.JudgeComplaintParams{Valid: true, Department: cases.DeptLogistics, InvestigationDue: due, Reason: "属实"}}}},
		{"/api/v1/cases/42/complaints/2/judge", `{"valid":false,"reason":"客户改约"}`,
			call{name: "ComplaintJudge", id: 42, arg: complaintArg{2, cases.JudgeComplaintParams{Reason: "客户改约"}}}},
		{"/api/v1/cases/42/complaints/1/investigate", `{"cause":"排班冲突","responsible_party":"调度组"}`,
			call{name: "ComplaintInvestigate", id: 42, arg: complaintArg{1, cases.InvestigateComplaintParams{Cause: "排班冲突", ResponsibleParty: "调度组"}}}},
		{"/api/v1/cases/42/complaints/1/plans", `{"plans":["道歉","延保一年"]}`,
			call{name: "ComplaintPlans", id: 42, arg: complaintArg{1, []string{"道歉", "延保一年"}}}},
		{"/api/v1/cases/42/complaints/1/choose", `{"plan":2,"comment":"成本合理"}`,
			call{name: "ComplaintChoose", id: 42, arg: complaintArg{1, cases.ChooseComplaintPlanParams{Plan: 2, Comment: "成本合理"}}}},
		{"/api/v1/cases/42/complaints/1/acceptance", `{"accepted":true,"feedback":"可以"}`,
			call{name: "ComplaintAcceptance", id: 42, arg: complaintArg{1, cases.ComplaintAcceptanceParams{Accepted: true, Feedback: "可以"}}}},
		{"/api/v1/cases/42/complaints/1/acceptance", `{"accepted":false,"feedback":"想要退款"}`,
			call{name: "ComplaintAcceptance", id: 42, arg: complaintArg{1, cases.ComplaintAcceptanceParams{Feedback: "想要退款"}}}},
		{"/api/v1/cases/42/complaints/1/summary", `{"classification":"timeliness","improvements":["预留路上时间"]}`,
			call{name: "ComplaintSummary", id: 42, arg: complaintArg{1, cases.ComplaintSummaryParams{Classification: cases.ComplaintClassTimeliness, Improvements: []string{"预留路上时间"}}}}},
		{"/api/v1/cases/42/complaints/1/follow-up", `{"note":"客户满意"}`,
			call{name: "ComplaintFollowUp", id: 42, arg: complaintArg{1, "客户满意"}}},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, "POST", tt.path, tt.body, "")
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d; body %s", w.Code, w.Body)
			}
			tt.want.user = head
			if calls := b.svc.Calls(); len(calls) != 1 || !reflect.DeepEqual(calls[0], tt.want) {
				t.Fatalf("calls = %+v\nwant     %+v", calls, tt.want)
			}
			var v struct {
				Case struct {
					Number     string `json:"number"`
					Complaints []any  `json:"complaints"`
				} `json:"case"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.Case.Number != "K-000042" || v.Case.Complaints == nil {
				t.Errorf("body = %s (%v), want the changed case with its complaints", w.Body, err)
			}
			if line := logLine(t, b.logs.String()); line["case_id"] != float64(42) {
				t.Errorf("log = %v, want case_id", line)
			}
		})
	}
}

func TestComplaintBadRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body, message string
	}{
		{"zero n", "/api/v1/cases/42/complaints/0/judge", `{"valid":true}`, `n: "0" is not a complaint number`},
		{"word n", "/api/v1/cases/42/complaints/first/judge", `{"valid":true}`, `n: "first"`},
		{"huge n", "/api/v1/cases/42/complaints/99999999999/judge", `{"valid":true}`, `n: "99999999999"`},
		{"bad id", "/api/v1/cases/x/complaints/1/judge", `{"valid":true}`, `id: "x"`},
		{"valid missing", "/api/v1/cases/42/complaints/1/judge", `{"reason":"r"}`, "judgement.valid: required"},
		{"valid as string", "/api/v1/cases/42/complaints/1/judge", `{"valid":"yes"}`, "valid: expected a boolean, got string"},
		{"bad due", "/api/v1/cases/42/complaints/1/judge", `{"valid":true,"investigation_due":"in 3 days"}`, `judgement.investigation_due: "in 3 days" is not an RFC 3339 time`},
		{"accepted missing", "/api/v1/cases/42/complaints/1/acceptance", `{"feedback":"f"}`, "acceptance.accepted: required"},
		{"plans not a list", "/api/v1/cases/42/complaints/1/plans", `{"plans":"道歉"}`, "plans: expected an array, got string"},
		{"plan as string", "/api/v1/cases/42/complaints/1/choose", `{"plan":"2"}`, "plan: expected a number, got string"},
		{"unknown field", "/api/v1/cases/42/complaints", `{"content":"x","source":"survey"}`, "source: unknown field"},
		{"empty body", "/api/v1/cases/42/complaints/1/follow-up", ``, "body: a JSON object is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, "POST", tt.path, tt.body, "")
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", w.Code, w.Body)
			}
			if e := decodeError(t, w); e.Error != cases.EInvalid || !strings.HasPrefix(e.Message, tt.message) {
				t.Errorf("body = %+v, want message starting %q", e, tt.message)
			}
			if calls := b.svc.Calls(); len(calls) != 0 {
				t.Errorf("service called with a malformed request: %+v", calls)
			}
		})
	}
}

func TestComplaintErrorsMap(t *testing.T) {
	t.Parallel()
	for code, status := range map[string]int{cases.EConflict: 409, cases.EForbidden: 403, cases.ENotFound: 404} {
		b := setup(t)
		b.svc.err = cases.Errorf(code, "case K-000042 complaint 1 is closed")
		if w := b.do(t, "POST", "/api/v1/cases/42/complaints/1/follow-up", `{"note":"n"}`, ""); w.Code != status {
			t.Errorf("%s: status = %d, want %d", code, w.Code, status)
		}
	}
}

func TestComplaintView(t *testing.T) {
	t.Parallel()
	c := sampleCase()
	c.Complaints = []cases.Complaint{{
		N: 1, Stage: cases.ComplaintCarryingOut, Source: cases.ComplaintFromSurvey, Complainant: "李雷", Content: "low survey score effectiveness=1",
		OpenedAt: t0, OpenedBy: "customer", Valid: true, Department: cases.DeptTechnicalSupport, InvestigationDue: t0.Add(72 * time.Hour), JudgedAt: t0.Add(time.Hour),
		ProposedPlans: []string{"道歉", "延保"}, ChosenPlan: 2, ChosenBy: "user:2", ChosenAt: t0.Add(2 * time.Hour),
	}}
	b, err := json.Marshal(newCaseView(c))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Complaints []map[string]any `json:"complaints"`
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.Complaints) != 1 {
		t.Fatalf("%s: %v", b, err)
	}
	want := map[string]any{
		"n": 1.0, "stage": "carrying_out", "source": "survey", "complainant": "李雷", "content": "low survey score effectiveness=1",
		"opened_at": "2025-03-01T10:00:00+08:00", "opened_by": "customer", "valid": true, "department": "technical_support",
		"investigation_due": "2025-03-04T10:00:00+08:00", "judged_at": "2025-03-01T11:00:00+08:00",
		"proposed_plans": []any{"道歉", "延保"}, "chosen_plan": 2.0, "chosen_by": "user:2", "chosen_at": "2025-03-01T12:00:00+08:00",
		"customer_accepted": false, "improvements": []any{},
	}
	if !reflect.DeepEqual(v.Complaints[0], want) {
		t.Errorf("complaint view = %v\nwant %v", v.Complaints[0], want)
	}
	empty, _ := json.Marshal(newCaseView(&cases.Case{}))
	if !strings.Contains(string(empty), `"complaints":[]`) {
		t.Errorf("a case without complaints: %s", empty)
	}
}
