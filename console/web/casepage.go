package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The case page: fields, every deadline as a countdown, the timeline, the
// transcript, and the forms of the case's workflow (note, plan, approval,
// plan change, resolution, override, reopen, close). Each form posts to
// /console/cases/{id}/{action} and calls the same service method as the
// API's endpoint of that name.

type casePage struct {
	service.CaseDetail
	Fields []fieldRow
	// Editable is every field, set or not, for the correction form.
	Editable []fieldRow
	// Assignable are the people who may be responsible for the case: the
	// enabled staff of its department.
	Assignable []service.UserRecord
	Form       map[string]string // what was typed, kept after a refused post
	Action     string            // the form that was refused
	// Escalation is where each missed, unmet deadline stands on the chain.
	Escalation map[cases.ClockName]cases.Breach
}

func (c *Console) casePage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return c.showCase(w, r, v, id, http.StatusOK, "", nil)
}

func (c *Console) showCase(w http.ResponseWriter, r *http.Request, v *view, id int64, status int, action string, form map[string]string) error {
	d, err := c.svc.CaseGet(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	users, err := c.svc.UserList(r.Context())
	if err != nil {
		return err
	}
	v.names = namesOf(users)
	editable := make([]fieldRow, 0, len(fieldOrder))
	for _, k := range fieldOrder {
		editable = append(editable, fieldRow{k, d.Case.Fields[k]})
	}
	esc := map[cases.ClockName]cases.Breach{}
	for _, b := range d.Breaches {
		esc[b.Clock.Name] = b
	}
	v.Data = casePage{CaseDetail: d, Fields: fieldRows(d.Case.Fields), Editable: editable, Form: form, Action: action,
		Assignable: assignable(users, d.Case.Department), Escalation: esc}
	c.render(w, status, "case", v)
	return nil
}

// caseAction runs one workflow form; a refusal re-shows the page with the
// message next to the form and what was typed.
func (c *Console) caseAction(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	form := map[string]string{}
	for k := range r.PostForm {
		if k != "csrf" {
			form[k] = strings.TrimSpace(r.PostFormValue(k))
		}
	}
	handled, err := c.runComplaintAction(r, v, id, action, form)
	if !handled {
		err = c.runCaseAction(r, v, id, action, form)
	} else if action != "complaint" {
		action += "#" + form["n"]
	}
	if err == nil {
		back(w, r, fmt.Sprintf("/console/cases/%d", id))
		return nil
	}
	if cases.ErrorCode(err) == "" {
		return err
	}
	v.Error = errorText(err)
	return c.showCase(w, r, v, id, statusOf(err), action, form)
}

func (c *Console) runCaseAction(r *http.Request, v *view, id int64, action string, f map[string]string) error {
	ctx, u := r.Context(), v.User
	var err error
	switch action {
	case "note":
		_, err = c.svc.CaseNote(ctx, u, id, cases.NoteParams{Text: f["text"], Visible: f["visible"] == "on"})
	case "override":
		_, err = c.svc.CaseOverride(ctx, u, id, cases.OverrideParams{
			Category: cases.Category(f["category"]), Priority: cases.Priority(f["priority"]),
			Department: cases.Department(f["department"]), Reason: f["reason"]})
	case "plan":
		var p cases.PlanParams
		if p, err = planOf(f, v.Zone); err == nil {
			_, err = c.svc.CasePlan(ctx, u, id, p)
		}
	case "plan-change":
		var p cases.PlanParams
		if p, err = planOf(f, v.Zone); err == nil {
			_, err = c.svc.CaseChangePlan(ctx, u, id, cases.ChangePlanParams{Reason: f["reason"], Alternative: f["alternative"], Plan: p})
		}
	case "approve":
		_, err = c.svc.CaseApprove(ctx, u, id, f["comment"])
	case "reject":
		_, err = c.svc.CaseReject(ctx, u, id, f["comment"])
	case "resolve":
		// The proof may come as a file: stored on the case first, then
		// named in the resolution the customer receives.
		p := cases.ResolveParams{Proof: f["proof"], Link: f["link"]}
		if name, data, ok, ferr := formFile(r, "file"); ferr != nil {
			return ferr
		} else if ok {
			att, err := c.svc.CaseAttach(ctx, u, id, name, data)
			if err != nil {
				return err
			}
			p.Attachment = att.Name
		}
		_, err = c.svc.CaseResolve(ctx, u, id, p)
	case "assign", "take":
		to := u.ID
		if action == "assign" {
			if to, err = strconv.ParseInt(f["user_id"], 10, 64); err != nil || to < 0 {
				return cases.Errorf(cases.EInvalid, v.T("form.choose_person"))
			}
		}
		_, err = c.svc.CaseAssign(ctx, u, id, to, f["reason"])
	case "fields":
		fields := map[cases.FieldKey]string{}
		for _, k := range fieldOrder {
			if val, ok := f["field_"+string(k)]; ok {
				fields[k] = val
			}
		}
		_, err = c.svc.CaseEditFields(ctx, u, id, fields, f["reason"])
	case "attach":
		name, data, ok, ferr := formFile(r, "file")
		if ferr != nil {
			return ferr
		}
		if !ok {
			return cases.Errorf(cases.EInvalid, v.T("form.file_required"))
		}
		_, err = c.svc.CaseAttach(ctx, u, id, name, data)
	case "reopen":
		_, err = c.svc.CaseReopen(ctx, u, id, f["reason"])
	case "close":
		_, err = c.svc.CaseClose(ctx, u, id, f["reason"])
	default:
		return cases.Errorf(cases.ENotFound, "no such action")
	}
	return err
}

// assignable are the enabled users who work in dept.
func assignable(users []service.UserRecord, dept cases.Department) []service.UserRecord {
	var out []service.UserRecord
	for _, u := range users {
		cs := dept == cases.DeptCustomerService && (u.Role == cases.RoleSpecialist || u.Role == cases.RoleSupervisor)
		if !u.Disabled && (cs || (u.Role == cases.RoleHandler || u.Role == cases.RoleHead) && u.Department == dept) {
			out = append(out, u)
		}
	}
	return out
}

// formFile reads an uploaded file of the form; ok is false when none was
// chosen.
func formFile(r *http.Request, part string) (name string, data []byte, ok bool, err error) {
	if r.MultipartForm == nil {
		return "", nil, false, nil
	}
	f, hdr, err := r.FormFile(part)
	if err != nil {
		return "", nil, false, nil
	}
	defer f.Close()
	if hdr.Size == 0 {
		return "", nil, false, nil
	}
	if data, err = io.ReadAll(io.LimitReader(f, service.MaxStaffFile+1)); err != nil {
		return "", nil, false, fmt.Errorf("read upload: %w", err)
	}
	return hdr.Filename, data, true, nil
}

// planOf reads a plan form; times are typed in the viewer's zone.
func planOf(f map[string]string, zone *time.Location) (cases.PlanParams, error) {
	p := cases.PlanParams{Type: cases.PlanType(f["type"]), Description: f["description"], SameCity: f["same_city"] == "on"}
	var err error
	for key, dst := range map[string]*time.Time{"promised_at": &p.PromisedAt, "visit_at": &p.VisitAt} {
		if *dst, err = formTime(f, key, zone); err != nil {
			return p, err
		}
	}
	return p, nil
}

// newCasePage is the form for hotline, dealer, walk-in and mail cases.
func (c *Console) newCasePage(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := v.User.Can(cases.ActionRegister, nil); err != nil {
		return err
	}
	v.Data = casePage{Form: map[string]string{"source": "hotline"}}
	c.render(w, http.StatusOK, "newcase", v)
	return nil
}

func (c *Console) newCasePost(w http.ResponseWriter, r *http.Request, v *view) error {
	f := map[string]string{}
	for k := range r.PostForm {
		if k != "csrf" {
			f[k] = strings.TrimSpace(r.PostFormValue(k))
		}
	}
	p := service.NewCaseParams{Source: f["source"], Dealer: f["dealer"], Language: f["language"],
		Category: cases.Category(f["category"]), Priority: cases.Priority(f["priority"]), Fields: map[cases.FieldKey]string{}}
	for _, k := range fieldOrder {
		if s := f["field_"+string(k)]; s != "" {
			p.Fields[k] = s
		}
	}
	cs, err := c.svc.CaseCreate(r.Context(), v.User, p)
	if err != nil {
		if cases.ErrorCode(err) == "" {
			return err
		}
		v.Error = errorText(err)
		v.Data = casePage{Form: f}
		c.render(w, statusOf(err), "newcase", v)
		return nil
	}
	back(w, r, fmt.Sprintf("/console/cases/%d", cs.ID))
	return nil
}

// search finds cases by number, phone or email (exact) or by a part of
// the order number, model, name or company, and customers by phone, email
// or name, as the API does. A number that may be a phone may also be an
// order number: both are looked up.
func (c *Console) search(w http.ResponseWriter, r *http.Request, v *view) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" && hasListFilter(r.URL.Query()) {
		return c.filteredList(w, r, v)
	}
	p := searchPage{Q: q, inboxPage: inboxPage{Tab: "search"}}
	if q == "" {
		v.Data = p
		c.render(w, http.StatusOK, "search", v)
		return nil
	}
	var filters []service.CaseFilter
	var cust service.CustomerSearch
	switch {
	case strings.Contains(q, "@"):
		filters, cust.Email = []service.CaseFilter{{Email: q}}, q
	case strings.HasPrefix(strings.ToUpper(q), "K-"):
		filters = []service.CaseFilter{{Number: q}}
	case service.ContactValue(service.ContactPhone, q) != "" && strings.Trim(q, "0123456789+-() ") == "":
		filters, cust.Phone = []service.CaseFilter{{Phone: q}, {Q: q}}, q
	default:
		filters, cust.Name = []service.CaseFilter{{Q: q}}, q
	}
	seen := map[int64]bool{}
	for _, f := range filters {
		f.Limit = caseListLimit
		page, err := c.svc.CaseList(r.Context(), v.User, f)
		if err != nil {
			return err
		}
		for _, cs := range page.Cases {
			if !seen[cs.ID] {
				seen[cs.ID] = true
				p.Cases = append(p.Cases, v.caseRow(cs, page.Due[cs.ID]))
			}
		}
	}
	if cust != (service.CustomerSearch{}) {
		list, err := c.svc.CustomerSearch(r.Context(), v.User, cust)
		switch {
		case cases.ErrorCode(err) == cases.EForbidden: // a department handler finds cases only
		case err != nil:
			return err
		default:
			p.Customers, p.ShowCustomers = list, true
		}
	}
	v.Data = p
	c.render(w, http.StatusOK, "search", v)
	return nil
}

type searchPage struct {
	inboxPage
	Q             string
	Customers     []service.Customer
	ShowCustomers bool
	// Filters are the case list's filters when it is a drill-down, not a
	// search: what the list shows, in words.
	Filters []filterChip
}
