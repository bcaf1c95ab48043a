package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// Agent tasks: phone callbacks for unanswered surveys and post-service
// follow-ups (SPEC §6, §8). Listing, reading one with its case, claiming
// (one agent; a second gets 409) and completing with the call's outcome.

// TaskService is the part of Service the task endpoints use.
type TaskService interface {
	// TaskItems lists tasks with their cases, earliest due first (done
	// ones latest first).
	TaskItems(ctx context.Context, u cases.User, f service.TaskFilter) ([]service.TaskItem, error)
	TaskGet(ctx context.Context, u cases.User, id int64) (service.TaskItem, error)
	// TaskClaim makes u the one agent of the task; EConflict when another holds it.
	TaskClaim(ctx context.Context, u cases.User, id int64) (service.Task, error)
	// TaskComplete records a call's outcome: done, a retry, or a complaint.
	TaskComplete(ctx context.Context, u cases.User, id int64, o service.TaskOutcome) (service.Task, error)
}

type taskView struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Assignee  string    `json:"assignee,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	DueAt     time.Time `json:"due_at"`
	ClaimedAt time.Time `json:"claimed_at,omitzero"`
	DoneAt    time.Time `json:"done_at,omitzero"`
	// The structured outcome of the calls so far.
	Attempts   int    `json:"attempts"`
	Result     string `json:"result,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
	Complaint  int    `json:"complaint,omitempty"`
	// The case, so an agent can call without another request.
	Case *taskCaseView `json:"case,omitempty"`
}

// taskCaseView is what a caller needs of the task's case.
type taskCaseView struct {
	Number   string `json:"number"`
	Priority string `json:"priority,omitempty"`
	State    string `json:"state"`
	Customer string `json:"customer_name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Language string `json:"language,omitempty"`
}

func newTaskView(t service.Task) taskView {
	return taskView{
		ID: t.ID, CaseID: t.CaseID, Kind: string(t.Kind), State: string(t.State), Assignee: t.Assignee,
		Outcome: t.Outcome, CreatedAt: t.CreatedAt, DueAt: t.DueAt, ClaimedAt: t.ClaimedAt, DoneAt: t.DoneAt,
		Attempts: t.Attempts, Result: string(t.Result), Suggestion: t.Suggestion, Complaint: t.Complaint,
	}
}

func newTaskItemView(it service.TaskItem) taskView {
	v := newTaskView(it.Task)
	if c := it.Case; c != nil {
		v.Case = &taskCaseView{Number: c.Number, Priority: string(c.Priority), State: string(c.State),
			Customer: c.Fields[cases.FieldCustomerName], Phone: c.Fields[cases.FieldPhone], Language: c.Language}
	}
	return v
}

type taskListResponse struct {
	Tasks []taskView `json:"tasks"`
}

type taskResponse struct {
	Task taskView `json:"task"`
}

// completeRequest is the call's outcome. A body with only "outcome" (free
// text) is the older form and still completes the task.
type completeRequest struct {
	Outcome    string `json:"outcome"` // the agent's note
	Reached    *bool  `json:"reached"`
	Satisfied  *bool  `json:"satisfied"`
	Suggestion string `json:"suggestion"`
	Note       string `json:"note"` // the same as outcome; both may not be given
}

func (a *API) taskList(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, "kind", "state", "case_id", "assignee", "limit")
	if err != nil {
		return err
	}
	var f service.TaskFilter
	switch k := service.TaskKind(q.Get("kind")); k {
	case "", service.TaskCallback, service.TaskFollowUp:
		f.Kind = k
	default:
		return invalid("kind: %q is not one of callback, follow_up", k)
	}
	switch s := service.TaskState(q.Get("state")); s {
	case "", service.TaskOpen, service.TaskClaimed, service.TaskDone:
		f.State = s
	default:
		return invalid("state: %q is not one of open, claimed, done", s)
	}
	if s := q.Get("case_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || strings.ContainsAny(s, "+-") {
			return invalid("case_id: %q is not a positive integer", s)
		}
		f.CaseID = n
	}
	switch s := q.Get("assignee"); {
	case s == "":
	case s == "me":
		f.Assignee = u.Actor()
	case strings.HasPrefix(s, "user:") && positiveInt(strings.TrimPrefix(s, "user:")):
		f.Assignee = s
	default:
		return invalid("assignee: %q is not me or user:<id>", s)
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			return invalid("limit: %q is not a whole number from 1 to %d", s, maxListLimit)
		}
		f.Limit = n
	}
	list, err := a.svc.TaskItems(r.Context(), u, f)
	if err != nil {
		return err
	}
	resp := taskListResponse{Tasks: make([]taskView, 0, len(list))}
	for _, t := range list {
		resp.Tasks = append(resp.Tasks, newTaskItemView(t))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func positiveInt(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && !strings.ContainsAny(s, "+-")
}

func (a *API) taskGet(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.TaskGet(r.Context(), u, id)
	if err != nil {
		return err
	}
	info(r.Context()).caseID = t.CaseID
	writeJSON(w, http.StatusOK, taskResponse{Task: newTaskItemView(t)})
	return nil
}

func (a *API) taskClaim(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.TaskClaim(r.Context(), u, id)
	if err != nil {
		return err
	}
	info(r.Context()).caseID = t.CaseID
	writeJSON(w, http.StatusOK, taskResponse{Task: newTaskView(t)})
	return nil
}

func (a *API) taskComplete(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req completeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	note := strings.TrimSpace(req.Note)
	switch out := strings.TrimSpace(req.Outcome); {
	case out != "" && note != "":
		return invalid("outcome, note: give one of them")
	case out != "":
		note = out
	}
	if req.Reached == nil && note == "" {
		return invalid("outcome: required, or reached (and satisfied when reached)")
	}
	t, err := a.svc.TaskComplete(r.Context(), u, id, service.TaskOutcome{
		Reached: req.Reached, Satisfied: req.Satisfied, Suggestion: req.Suggestion, Note: note})
	if err != nil {
		return err
	}
	info(r.Context()).caseID = t.CaseID
	writeJSON(w, http.StatusOK, taskResponse{Task: newTaskView(t)})
	return nil
}
