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

func (f *fakeService) TaskList(ctx context.Context, u cases.User, flt service.TaskFilter) ([]service.Task, error) {
	if err := f.record(ctx, "TaskList", u, 0, flt); err != nil {
		return nil, err
	}
	return []service.Task{sampleTask(5)}, nil
}

func (f *fakeService) TaskClaim(ctx context.Context, u cases.User, id int64) (service.Task, error) {
	if err := f.record(ctx, "TaskClaim", u, id, nil); err != nil {
		return service.Task{}, err
	}
	return sampleTask(id), nil
}

func (f *fakeService) TaskComplete(ctx context.Context, u cases.User, id int64, outcome string) (service.Task, error) {
	if err := f.record(ctx, "TaskComplete", u, id, outcome); err != nil {
		return service.Task{}, err
	}
	t := sampleTask(id)
	t.State, t.Outcome, t.DoneAt = service.TaskDone, outcome, sampleDue
	return t, nil
}

func TestTaskEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path, body string
		want               call
	}{
		{"GET", "/api/v1/tasks", "", call{name: "TaskList", arg: service.TaskFilter{}}},
		{"GET", "/api/v1/tasks?kind=callback&state=open&case_id=42&limit=5", "",
			call{name: "TaskList", arg: service.TaskFilter{Kind: service.TaskCallback, State: service.TaskOpen, CaseID: 42, Limit: 5}}},
		{"POST", "/api/v1/tasks/5/claim", "", call{name: "TaskClaim", id: 5}},
		{"POST", "/api/v1/tasks/5/complete", `{"outcome":"reached, satisfied"}`, call{name: "TaskComplete", id: 5, arg: "reached, satisfied"}},
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
		if _, ok := body["tasks"]; !ok && body["task"] == nil {
			t.Errorf("%s %s: body %s", tc.method, tc.path, w.Body)
		}
		if tc.want.name == "TaskComplete" && !strings.Contains(w.Body.String(), `"state":"done"`) {
			t.Errorf("complete: body %s", w.Body)
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
		{"GET", "/api/v1/tasks?assignee=me", "", "assignee"},
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
