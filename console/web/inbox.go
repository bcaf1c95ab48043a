package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	// The list's filters, kept in every link and refresh of the page.
	Priority, State string
	Query           template.URL // tab and filters, for links
}

// caseRow is one line of a case list, its texts prepared in Go: a list
// page renders fifty of them, and plain fields keep the template from
// reflecting over the case for every cell.
type caseRow struct {
	ID                                       int64
	Number, Priority, Prio, Category, State  string
	Symptom, Customer, DueName, DueText, ISO string
	DueClass                                 string // overdue, soon or ""
	due                                      time.Time
}

func (v *view) caseRow(c *cases.Case, due cases.Clock) caseRow {
	r := caseRow{ID: c.ID, Number: c.Number, Priority: string(c.Priority), Prio: strings.ToLower(string(c.Priority)),
		Category: v.T("category." + string(c.Category)), State: v.T("state." + string(c.State)),
		Symptom:  c.Fields[cases.FieldSymptom],
		Customer: strings.TrimSpace(c.Fields[cases.FieldCustomerName] + " " + c.Fields[cases.FieldPhone]), due: due.Due}
	if due.Name != "" && !due.Due.IsZero() {
		r.DueName, r.DueText, r.ISO = v.T("clock."+string(due.Name)), v.Until(due.Due), v.ISO(due.Due)
		switch {
		case v.Overdue(due.Due):
			r.DueClass = "overdue"
		case v.Soon(due.Due):
			r.DueClass = "soon"
		}
	}
	return r
}

// navCounts are the badges of the tabs and the alerts of the viewer's
// role: the queue for agents, plans waiting for a head's approval, new P1
// cases not yet planned for a department's handlers.
type navCounts struct {
	Waiting, Mine int
	Dept          bool // the user belongs to a department
	DeptOpen      count
	Open          count
	Tasks         bool // the user works callbacks and follow-ups
	Reports       bool // the user reads the supervisor reports
	Approvals     alert
	NewP1         alert
	Overdue       alert // missed deadlines, for those who answer for them
}

// count is a tab's badge: counting stops at service.MaxCaseCount.
type count struct {
	N    int
	More bool
}

// alert is a count with the most urgent case behind it, which the
// notification opens.
type alert struct {
	N     int
	First int64 // case id
	More  bool  // more than one page
}

// openStates are the states a list can be filtered by.
var openStates = []cases.State{cases.StateRegistered, cases.StateAssigned, cases.StatePendingApproval, cases.StatePlanned, cases.StateInProgress}

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
	if tab == tabWaiting || tab == tabMine {
		// Names only for "X is handling this" on conversations.
		if err := c.loadNames(r, v); err != nil {
			return err
		}
		if p.Conversations, err = c.conversationTab(r, v, tab); err != nil {
			return err
		}
	}
	if tab != tabWaiting {
		// Cases: mine are those I am responsible for (SPEC §4).
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		f := service.CaseFilter{Open: tab != tabOverdue, Overdue: tab == tabOverdue, Before: before, Limit: caseListLimit}
		if pr := cases.Priority(r.URL.Query().Get("priority")); pr.Valid() {
			f.Priority, p.Priority = pr, string(pr)
		}
		if st := cases.State(r.URL.Query().Get("state")); st != "" && slices.Contains(openStates, st) {
			f.State, p.State = st, string(st)
		}
		switch tab {
		case tabDept:
			f.Department = v.User.Department
		case tabMine:
			f.Assignee = v.User.ID
		}
		page, err := c.svc.CaseList(r.Context(), v.User, f)
		if err != nil {
			return err
		}
		for _, cs := range page.Cases {
			p.Cases = append(p.Cases, v.caseRow(cs, page.Due[cs.ID]))
		}
		p.Next = page.Next
		slices.SortStableFunc(p.Cases, func(a, b caseRow) int { return cmpDue(a.due, b.due) })
	}
	q := url.Values{"tab": {tab}}
	if p.Priority != "" {
		q.Set("priority", p.Priority)
	}
	if p.State != "" {
		q.Set("state", p.State)
	}
	p.Query = template.URL(q.Encode())
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
	n := navCounts{Dept: v.User.Department != "", Tasks: v.User.Can(cases.ActionCallback, nil) == nil,
		Reports: v.User.Can(cases.ActionReport, nil) == nil}
	mine, err := c.alertOf(r, v, service.CaseFilter{Assignee: v.User.ID, Open: true})
	if err != nil {
		return n, err
	}
	if n.Open, err = c.countOf(r, v, service.CaseFilter{Open: true}); err != nil {
		return n, err
	}
	if n.Dept {
		if n.DeptOpen, err = c.countOf(r, v, service.CaseFilter{Open: true, Department: v.User.Department}); err != nil {
			return n, err
		}
	}
	n.Mine = mine.N
	if v.User.Can(cases.ActionApprove, nil) == nil {
		if n.Approvals, err = c.alertOf(r, v, service.CaseFilter{State: cases.StatePendingApproval}); err != nil {
			return n, err
		}
	}
	if role := v.User.Role; role == cases.RoleSupervisor || role == cases.RoleHead || role == cases.RoleAdmin {
		if n.Overdue, err = c.alertOf(r, v, service.CaseFilter{Overdue: true, Open: true}); err != nil {
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
		n.Mine += len(mine)
	}
	return n, nil
}

func (c *Console) countOf(r *http.Request, v *view, f service.CaseFilter) (count, error) {
	n, err := c.svc.CaseCount(r.Context(), v.User, f)
	return count{N: n, More: n >= service.MaxCaseCount}, err
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
	v.names = namesOf(users)
	return nil
}

func namesOf(users []service.UserRecord) map[string]string {
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.Actor()] = u.Name
	}
	return names
}
