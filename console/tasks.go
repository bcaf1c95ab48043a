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
// follow-ups (SPEC §6, §8). Listing, claiming (one agent; a second gets 409)
// and completing with the outcome.

// TaskService is the part of Service the task endpoints use.
type TaskService interface {
	TaskList(ctx context.Context, u cases.User, f service.TaskFilter) ([]service.Task, error)
	// TaskClaim makes u the one agent of the task; EConflict when another holds it.
	TaskClaim(ctx context.Context, u cases.User, id int64) (service.Task, error)
	TaskComplete(ctx context.Context, u cases.User, id int64, outcome string) (service.Task, error)
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
}

func newTaskView(t service.Task) taskView {
	return taskView{
		ID: t.ID, CaseID: t.CaseID, Kind: string(t.Kind), State: string(t.State), Assignee: t.Assignee,
		Outcome: t.Outcome, CreatedAt: t.CreatedAt, DueAt: t.DueAt, ClaimedAt: t.ClaimedAt, DoneAt: t.DoneAt,
	}
}

type taskListResponse struct {
	Tasks []taskView `json:"tasks"`
}

type taskResponse struct {
	Task taskView `json:"task"`
}

type completeRequest struct {
	Outcome string `json:"outcome"`
}

func (a *API) taskList(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, "kind", "state", "case_id", "limit")
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
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			return invalid("limit: %q is not a whole number from 1 to %d", s, maxListLimit)
		}
		f.Limit = n
	}
	list, err := a.svc.TaskList(r.Context(), u, f)
	if err != nil {
		return err
	}
	resp := taskListResponse{Tasks: make([]taskView, 0, len(list))}
	for _, t := range list {
		resp.Tasks = append(resp.Tasks, newTaskView(t))
	}
	writeJSON(w, http.StatusOK, resp)
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
	if strings.TrimSpace(req.Outcome) == "" {
		return invalid("outcome: required")
	}
	t, err := a.svc.TaskComplete(r.Context(), u, id, req.Outcome)
	if err != nil {
		return err
	}
	info(r.Context()).caseID = t.CaseID
	writeJSON(w, http.StatusOK, taskResponse{Task: newTaskView(t)})
	return nil
}
