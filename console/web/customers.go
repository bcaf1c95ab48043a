package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The customer page (客户档案): who the customer is, how they reach us,
// every conversation and case across channels, the merges, and the merge
// form. The forms call the same service methods as the API's customer
// endpoints.

type customerPage struct {
	service.CustomerDetail
	Cases    []caseRow // for the shared case-rows template
	CanMerge bool
	Form     map[string]string // what was typed, kept after a refused merge
}

func (c *Console) customerPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return c.showCustomer(w, r, v, id, http.StatusOK, nil)
}

func (c *Console) showCustomer(w http.ResponseWriter, r *http.Request, v *view, id int64, status int, form map[string]string) error {
	d, err := c.svc.CustomerGet(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	users, err := c.svc.UserList(r.Context())
	if err != nil {
		return err
	}
	v.names = namesOf(users)
	p := customerPage{CustomerDetail: d, CanMerge: v.User.Can(cases.ActionMergeCustomers, nil) == nil, Form: form}
	for _, cs := range d.Cases {
		p.Cases = append(p.Cases, v.caseRow(cs, cases.Clock{}))
	}
	v.Data = p
	c.render(w, status, "customer", v)
	return nil
}

// customerMerge merges the customer typed in the form into this one; a
// refusal re-shows the page with the message and what was typed.
func (c *Console) customerMerge(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	form := map[string]string{"from": strings.TrimSpace(r.PostFormValue("from")), "reason": strings.TrimSpace(r.PostFormValue("reason"))}
	from, perr := strconv.ParseInt(strings.TrimPrefix(form["from"], "#"), 10, 64)
	if perr != nil || from <= 0 {
		err = cases.Errorf(cases.EInvalid, v.T("customer.merge_from_invalid"))
	} else {
		_, err = c.svc.CustomerMerge(r.Context(), v.User, id, from, form["reason"])
	}
	if err == nil {
		back(w, r, fmt.Sprintf("/console/customers/%d", id))
		return nil
	}
	if cases.ErrorCode(err) == "" {
		return err
	}
	v.Error = errorText(err)
	return c.showCustomer(w, r, v, id, statusOf(err), form)
}

// customerUndo undoes a merge and shows the customer it was made from.
func (c *Console) customerUndo(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := c.svc.CustomerMergeUndo(r.Context(), v.User, id, strings.TrimSpace(r.PostFormValue("reason")))
	if err != nil {
		return err
	}
	back(w, r, fmt.Sprintf("/console/customers/%d", m.IntoID))
	return nil
}
