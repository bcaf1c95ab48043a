package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The tasks: phone callbacks and post-service follow-ups (SPEC §6, §8).
// The list has four tabs (open, claimed, mine, done), the earliest due
// first with countdowns like the inbox (done: the latest first); a task's
// page shows the call script in the viewer's language, the customer's
// phone and case, and the claim and outcome forms, which call the same
// service methods as /api/v1/tasks.

const (
	taskTabOpen    = "open"
	taskTabClaimed = "claimed"
	taskTabMine    = "mine"
	taskTabDone    = "done"
)

type tasksPage struct {
	Tab   string
	Tasks []service.TaskItem
}

// taskPage is one task as its page shows it.
type taskPage struct {
	service.TaskItem
	// CanRecord: the viewer may record the call (holds it, or supervises).
	CanRecord bool
	Customer  string // how the script addresses the customer
	Form      map[string]string
}

func (c *Console) tasks(w http.ResponseWriter, r *http.Request, v *view) error {
	tab := r.URL.Query().Get("tab")
	f := service.TaskFilter{Limit: caseListLimit * 2}
	switch tab {
	case taskTabClaimed:
		f.State = service.TaskClaimed
	case taskTabMine:
		f.State, f.Assignee = service.TaskClaimed, v.User.Actor()
	case taskTabDone:
		f.State = service.TaskDone
	default:
		tab, f.State = taskTabOpen, service.TaskOpen
	}
	list, err := c.svc.TaskItems(r.Context(), v.User, f)
	if err != nil {
		return err
	}
	if err := c.loadNames(r, v); err != nil {
		return err
	}
	v.Tab, v.Data = "tasks", tasksPage{Tab: tab, Tasks: list}
	if r.Header.Get("HX-Request") == "true" {
		return c.fragment(w, "tasks", "task-list", v)
	}
	c.render(w, http.StatusOK, "tasks", v)
	return nil
}

func (c *Console) task(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return c.showTask(w, r, v, id, http.StatusOK, nil)
}

func (c *Console) showTask(w http.ResponseWriter, r *http.Request, v *view, id int64, status int, form map[string]string) error {
	t, err := c.svc.TaskGet(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	if err := c.loadNames(r, v); err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	p := taskPage{TaskItem: t, Form: form, CanRecord: t.State == service.TaskClaimed &&
		(t.Assignee == v.User.Actor() || v.User.Role == cases.RoleSupervisor || v.User.Role == cases.RoleAdmin)}
	if t.Case != nil {
		p.Customer = t.Case.Fields[cases.FieldCustomerName]
		if p.Customer == "" {
			p.Customer = t.Case.Fields[cases.FieldCompany]
		}
	}
	if p.Customer == "" {
		p.Customer = v.T("script.customer")
	}
	v.Tab, v.Data = "tasks", p
	c.render(w, status, "task", v)
	return nil
}

func (c *Console) taskClaim(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := c.svc.TaskClaim(r.Context(), v.User, id); err != nil {
		if cases.ErrorCode(err) == "" {
			return err
		}
		v.Error = errorText(err)
		return c.showTask(w, r, v, id, statusOf(err), nil)
	}
	back(w, r, fmt.Sprintf("/console/tasks/%d", id))
	return nil
}

// taskOutcome records the call: reached (yes/no), satisfied (yes/no,
// when reached), the suggestion and a note. A refusal re-shows the page
// with what was typed.
func (c *Console) taskOutcome(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"reached", "satisfied", "suggestion", "note"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	o := service.TaskOutcome{Suggestion: form["suggestion"], Note: form["note"]}
	yesNo := func(s string) *bool {
		switch s {
		case "yes":
			b := true
			return &b
		case "no":
			b := false
			return &b
		}
		return nil
	}
	if o.Reached = yesNo(form["reached"]); o.Reached == nil {
		err = cases.Errorf(cases.EInvalid, v.T("task.reached_required"))
	} else if *o.Reached {
		o.Satisfied = yesNo(form["satisfied"])
	} else {
		// Nobody answered: what the form holds of the script is moot.
		o.Suggestion = ""
	}
	if err == nil {
		_, err = c.svc.TaskComplete(r.Context(), v.User, id, o)
	}
	if err != nil {
		if cases.ErrorCode(err) == "" {
			return err
		}
		v.Error = errorText(err)
		return c.showTask(w, r, v, id, statusOf(err), form)
	}
	back(w, r, fmt.Sprintf("/console/tasks/%d", id))
	return nil
}
