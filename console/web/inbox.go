package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The inboxes: waiting for an agent, mine (conversations I hold), my
// department, at risk / overdue, all open. Conversations are few (the
// queue); cases are paged with the API's keyset cursor, and each page is
// shown sorted by its next deadline, the most urgent first.

const (
	tabWaiting = "waiting"
	tabMine    = "mine"
	tabDept    = "department"
	tabOverdue = "overdue"
	tabOpen    = "open"
)

// inboxPage is one inbox as the template reads it.
type inboxPage struct {
	Tab           string
	Conversations []service.ConversationSummary
	Cases         []caseRow
	Next          int64 // the cursor of the following page; 0 = last page
}

// caseRow is a case with its next deadline.
type caseRow struct {
	*cases.Case
	Due cases.Clock
}

// navCounts are the badges of the tabs and the alerts of the viewer's
// role: the queue for agents, plans waiting for a head's approval, new P1
// cases not yet planned for a department's handlers.
type navCounts struct {
	Waiting, Mine int
	Dept          bool // the user belongs to a department
	Tasks         bool // the user works callbacks and follow-ups
	Approvals     alert
	NewP1         alert
}

// alert is a count with the most urgent case behind it, which the
// notification opens.
type alert struct {
	N     int
	First int64 // case id
	More  bool  // more than one page
}

// caseListLimit is how many cases one inbox page shows.
const caseListLimit = 50

func (c *Console) inbox(w http.ResponseWriter, r *http.Request, v *view) error {
	tab := r.URL.Query().Get("tab")
	switch tab {
	case tabWaiting, tabMine, tabDept, tabOverdue, tabOpen:
	default:
		tab = tabWaiting
	}
	v.Tab = tab
	p := inboxPage{Tab: tab}
	var err error
	if err := c.loadNames(r, v); err != nil {
		return err
	}
	switch tab {
	case tabWaiting, tabMine:
		if p.Conversations, err = c.conversationTab(r, v, tab); err != nil {
			return err
		}
	default:
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		f := service.CaseFilter{Open: tab != tabOverdue, Overdue: tab == tabOverdue, Before: before, Limit: caseListLimit}
		if tab == tabDept {
			f.Department = v.User.Department
		}
		page, err := c.svc.CaseList(r.Context(), v.User, f)
		if err != nil {
			return err
		}
		for _, cs := range page.Cases {
			p.Cases = append(p.Cases, caseRow{Case: cs, Due: page.Due[cs.ID]})
		}
		p.Next = page.Next
		slices.SortStableFunc(p.Cases, func(a, b caseRow) int { return cmpDue(a.Due.Due, b.Due.Due) })
	}
	v.Data = p
	if r.Header.Get("HX-Request") == "true" {
		return c.fragment(w, "inbox", "inbox-list", v)
	}
	c.render(w, http.StatusOK, "inbox", v)
	return nil
}

// cmpDue sorts the soonest deadline first and cases without one last.
func cmpDue(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// conversationTab lists the queue (oldest wait first) or the
// conversations the viewer holds.
func (c *Console) conversationTab(r *http.Request, v *view, tab string) ([]service.ConversationSummary, error) {
	if v.User.Can(cases.ActionTakeover, nil) != nil {
		return nil, nil // handlers and heads work cases, not the queue
	}
	phase := "waiting_agent"
	if tab == tabMine {
		phase = "agent"
	}
	list, err := c.svc.Conversations(r.Context(), v.User, phase)
	if err != nil {
		return nil, err
	}
	if tab == tabMine {
		list = slices.DeleteFunc(list, func(s service.ConversationSummary) bool { return s.Agent != v.User.Actor() })
	}
	slices.SortStableFunc(list, func(a, b service.ConversationSummary) int { return cmpDue(a.WaitDue, b.WaitDue) })
	return list, nil
}

// counts are the badges: the queue for everyone who may take it, and
// what the viewer holds.
func (c *Console) counts(r *http.Request, v *view) (navCounts, error) {
	n := navCounts{Dept: v.User.Department != "", Tasks: v.User.Can(cases.ActionCallback, nil) == nil}
	var err error
	if v.User.Can(cases.ActionApprove, nil) == nil {
		if n.Approvals, err = c.alertOf(r, v, service.CaseFilter{State: cases.StatePendingApproval}); err != nil {
			return n, err
		}
	}
	if v.User.Department != "" {
		if n.NewP1, err = c.alertOf(r, v, service.CaseFilter{State: cases.StateAssigned, Priority: cases.P1}); err != nil {
			return n, err
		}
	}
	if v.User.Can(cases.ActionTakeover, nil) != nil {
		return n, nil
	}
	a, err := c.svc.Activity(r.Context())
	if err != nil {
		return n, err
	}
	n.Waiting = a.Waiting
	if a.Held > 0 {
		mine, err := c.conversationTab(r, v, tabMine)
		if err != nil {
			return n, err
		}
		n.Mine = len(mine)
	}
	return n, nil
}

// alertLimit bounds an alert's count: past it the badge says "N+".
const alertLimit = 20

// alertOf counts the cases of a filter in the viewer's scope, oldest first
// being the one to open.
func (c *Console) alertOf(r *http.Request, v *view, f service.CaseFilter) (alert, error) {
	f.Limit = alertLimit
	page, err := c.svc.CaseList(r.Context(), v.User, f)
	if err != nil || len(page.Cases) == 0 {
		return alert{}, err
	}
	return alert{N: len(page.Cases), First: page.Cases[len(page.Cases)-1].ID, More: page.Next != 0}, nil
}

// nav is the tab bar alone, re-fetched on every change so the badges,
// the title count and the notification stay current.
func (c *Console) nav(w http.ResponseWriter, r *http.Request, v *view) error {
	n, err := c.counts(r, v)
	if err != nil {
		return err
	}
	v.Tab = r.URL.Query().Get("tab")
	v.Data = n
	return c.fragment(w, "inbox", "nav", v)
}

// loadNames lets templates show "王芳" instead of "user:7".
func (c *Console) loadNames(r *http.Request, v *view) error {
	users, err := c.svc.UserList(r.Context())
	if err != nil {
		return err
	}
	v.names = make(map[string]string, len(users))
	for _, u := range users {
		v.names[u.Actor()] = u.Name
	}
	return nil
}
