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
	"github.com/kefu-dev/kefu/service"
)

var sampleDue = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)

func sampleTask(id int64) service.Task {
	return service.Task{ID: id, CaseID: 42, Kind: service.TaskCallback, State: service.TaskClaimed, Assignee: "user:7",
		CreatedAt: sampleDue.Add(-24 * time.Hour), DueAt: sampleDue, ClaimedAt: sampleDue.Add(-time.Hour)}
}

func sampleItem(id int64) service.TaskItem {
	return service.TaskItem{Task: sampleTask(id), Case: &cases.Case{ID: 42, Number: "K-000042", State: cases.StateResolved,
		Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "韩梅梅", cases.FieldPhone: "13700001111"}}}
}

func (f *fakeService) TaskItems(ctx context.Context, u cases.User, flt service.TaskFilter) ([]service.TaskItem, error) {
	if err := f.record(ctx, "TaskItems", u, 0, flt); err != nil {
		return nil, err
	}
	return []service.TaskItem{sampleItem(5)}, nil
}

func (f *fakeService) TaskGet(ctx context.Context, u cases.User, id int64) (service.TaskItem, error) {
	if err := f.record(ctx, "TaskGet", u, id, nil); err != nil {
		return service.TaskItem{}, err
	}
	return sampleItem(id), nil
}

func (f *fakeService) CannedReplies(ctx context.Context, u cases.User, lang string, dept cases.Department) ([]service.CannedReply, error) {
	if err := f.record(ctx, "CannedReplies", u, 0, [2]string{lang, string(dept)}); err != nil {
		return nil, err
	}
	return []service.CannedReply{{Key: "greeting", Lang: "en", Title: "Greeting", Text: "Hello"}}, nil
}

func (f *fakeService) TaskClaim(ctx context.Context, u cases.User, id int64) (service.Task, error) {
	if err := f.record(ctx, "TaskClaim", u, id, nil); err != nil {
		return service.Task{}, err
	}
	return sampleTask(id), nil
}

func (f *fakeService) TaskComplete(ctx context.Context, u cases.User, id int64, o service.TaskOutcome) (service.Task, error) {
	if err := f.record(ctx, "TaskComplete", u, id, o); err != nil {
		return service.Task{}, err
	}
	t := sampleTask(id)
	t.State, t.Outcome, t.DoneAt = service.TaskDone, o.Note, sampleDue
	if o.Satisfied != nil && !*o.Satisfied {
		t.Result, t.Complaint = service.ResultNotSatisfied, 1
	}
	return t, nil
}

func ptr(b bool) *bool { return &b }

func TestTaskEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path, body string
		want               call
	}{
		{"GET", "/api/v1/tasks", "", call{name: "TaskItems", arg: service.TaskFilter{}}},
		{"GET", "/api/v1/tasks?kind=callback&state=open&case_id=42&limit=5", "",
			call{name: "TaskItems", arg: service.TaskFilter{Kind: service.TaskCallback, State: service.TaskOpen, CaseID: 42, Limit: 5}}},
		{"GET", "/api/v1/tasks?assignee=me&state=claimed", "", call{name: "TaskItems", arg: service.TaskFilter{Assignee: head.Actor(), State: service.TaskClaimed}}},
		{"GET", "/api/v1/tasks?assignee=user:9", "", call{name: "TaskItems", arg: service.TaskFilter{Assignee: "user:9"}}},
		{"GET", "/api/v1/tasks/5", "", call{name: "TaskGet", id: 5}},
		{"POST", "/api/v1/tasks/5/claim", "", call{name: "TaskClaim", id: 5}},
		// The older free-text form still completes a task.
		{"POST", "/api/v1/tasks/5/complete", `{"outcome":"reached, satisfied"}`, call{name: "TaskComplete", id: 5, arg: service.TaskOutcome{Note: "reached, satisfied"}}},
		{"POST", "/api/v1/tasks/5/complete", `{"reached":true,"satisfied":false,"suggestion":"师傅要准时","note":"语气不满"}`,
			call{name: "TaskComplete", id: 5, arg: service.TaskOutcome{Reached: ptr(true), Satisfied: ptr(false), Suggestion: "师傅要准时", Note: "语气不满"}}},
		{"POST", "/api/v1/tasks/5/complete", `{"reached":false}`, call{name: "TaskComplete", id: 5, arg: service.TaskOutcome{Reached: ptr(false)}}},
		{"GET", "/api/v1/canned-replies?lang=en&department=logistics", "", call{name: "CannedReplies", arg: [2]string{"en", "logistics"}}},
		{"GET", "/api/v1/canned-replies", "", call{name: "CannedReplies", arg: [2]string{"", ""}}},
	}
	for _, tc := range tests {
		b := setup(t)
		w := b.do(t, tc.method, tc.path, tc.body, "")
		if w.Code != http.StatusOK {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, w.Code, w.Body)
			continue
		}
		calls := b.svc.Calls()
		tc.want.user = head
		if len(calls) != 1 || !reflect.DeepEqual(calls[0], tc.want) {
			t.Errorf("%s %s: calls %+v, want %+v", tc.method, tc.path, calls, tc.want)
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body["tasks"] == nil && body["task"] == nil && body["replies"] == nil {
			t.Errorf("%s %s: body %s", tc.method, tc.path, w.Body)
		}
		if tc.want.name == "TaskComplete" && !strings.Contains(w.Body.String(), `"state":"done"`) {
			t.Errorf("complete: body %s", w.Body)
		}
		if strings.Contains(tc.body, `"satisfied":false`) && !strings.Contains(w.Body.String(), `"complaint":1`) {
			t.Errorf("not satisfied: the response does not name the complaint: %s", w.Body)
		}
		if tc.want.name == "TaskGet" && !strings.Contains(w.Body.String(), `"phone":"13700001111"`) {
			t.Errorf("task: body %s lacks the customer's phone", w.Body)
		}
	}
}

func TestTaskBadRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ method, path, body, field string }{
		{"GET", "/api/v1/tasks?kind=visit", "", "kind:"},
		{"GET", "/api/v1/tasks?state=lost", "", "state:"},
		{"GET", "/api/v1/tasks?case_id=-3", "", "case_id:"},
		{"GET", "/api/v1/tasks?limit=0", "", "limit:"},
		{"GET", "/api/v1/tasks?assignee=bob", "", "assignee:"},
		{"GET", "/api/v1/tasks?assignee=user:-1", "", "assignee:"},
		{"GET", "/api/v1/canned-replies?dept=x", "", "dept"},
		{"POST", "/api/v1/tasks/5/complete", `{}`, "outcome:"},
		{"POST", "/api/v1/tasks/5/complete", `{"outcome":"a","note":"b"}`, "outcome, note:"},
		{"POST", "/api/v1/tasks/5/complete", `{"reached":"yes"}`, "reached"},
		{"POST", "/api/v1/tasks/x/claim", "", "id:"},
		{"POST", "/api/v1/tasks/5/complete", `{"outcome":"  "}`, "outcome:"},
		{"POST", "/api/v1/tasks/5/complete", `{"result":"ok"}`, "result"},
	} {
		b := setup(t)
		w := b.do(t, tc.method, tc.path, tc.body, "")
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s %s %s: %d, want 400", tc.method, tc.path, tc.body, w.Code)
			continue
		}
		if e := decodeError(t, w); !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s %s: message %q does not name %q", tc.method, tc.path, e.Message, tc.field)
		}
		if len(b.svc.Calls()) != 0 {
			t.Errorf("%s %s: a malformed request reached the service", tc.method, tc.path)
		}
	}
}

func TestTaskClaimConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.err = cases.Errorf(cases.EConflict, "task 5 is claimed by user:8")
	w := b.do(t, "POST", "/api/v1/tasks/5/claim", "", "")
	if w.Code != http.StatusConflict {
		t.Fatalf("claim held task: %d %s", w.Code, w.Body)
	}
}
