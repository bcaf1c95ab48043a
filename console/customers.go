package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// The customer archive (客户档案): a customer's page with every
// conversation and case across channels, customer search, and merges of
// two records into one, audited and reversible.

// CustomerService is the part of Service the customer endpoints use.
type CustomerService interface {
	CustomerGet(ctx context.Context, u cases.User, id int64) (service.CustomerDetail, error)
	CustomerSearch(ctx context.Context, u cases.User, f service.CustomerSearch) ([]service.Customer, error)
	// CustomerMerge moves everything of customer from into customer into.
	CustomerMerge(ctx context.Context, u cases.User, into, from int64, reason string) (service.CustomerMerge, error)
	// CustomerMergeUndo moves back what a merge moved.
	CustomerMergeUndo(ctx context.Context, u cases.User, id int64, reason string) (service.CustomerMerge, error)
}

func (a *API) customerRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/customers", h: a.customerSearch},
		{method: "GET", path: "/api/v1/customers/{id}", h: a.customerGet},
		{method: "POST", path: "/api/v1/customers/{id}/merge", h: a.customerMerge},
		{method: "POST", path: "/api/v1/customers/merges/{id}/undo", h: a.customerMergeUndo},
	}
}

type customerView struct {
	ID          int64     `json:"id"`
	DisplayName string    `json:"display_name"`
	CreatedAt   time.Time `json:"created_at"`
	MergedInto  int64     `json:"merged_into,omitempty"`
}

func newCustomerView(c service.Customer) customerView {
	return customerView{ID: c.ID, DisplayName: c.DisplayName, CreatedAt: c.CreatedAt, MergedInto: c.MergedInto}
}

type identityView struct {
	Channel        string    `json:"channel"`
	ExternalUserID string    `json:"external_user_id"`
	CreatedAt      time.Time `json:"created_at"`
}

type contactView struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	CaseID int64  `json:"case_id"`
}

type identityKeyView struct {
	Channel        string `json:"channel"`
	ExternalUserID string `json:"external_user_id"`
}

type mergeView struct {
	ID            int64             `json:"id"`
	IntoID        int64             `json:"into"`
	FromID        int64             `json:"from"`
	Actor         string            `json:"actor"`
	Reason        string            `json:"reason"`
	At            time.Time         `json:"at"`
	Identities    []identityKeyView `json:"identities"`
	Conversations []int64           `json:"conversations"`
	Cases         []int64           `json:"cases"`
	UndoneBy      string            `json:"undone_by,omitempty"`
	UndoneAt      time.Time         `json:"undone_at,omitzero"`
}

func newMergeView(m service.CustomerMerge) mergeView {
	v := mergeView{ID: m.ID, IntoID: m.IntoID, FromID: m.FromID, Actor: m.Actor, Reason: m.Reason, At: m.At,
		Identities: []identityKeyView{}, Conversations: append([]int64{}, m.Conversations...), Cases: append([]int64{}, m.Cases...),
		UndoneBy: m.UndoneBy, UndoneAt: m.UndoneAt}
	for _, k := range m.Identities {
		v.Identities = append(v.Identities, identityKeyView{Channel: string(k.Channel), ExternalUserID: k.ExternalUserID})
	}
	return v
}

type customerDetailResponse struct {
	Customer      customerView       `json:"customer"`
	Name          string             `json:"name"`
	Identities    []identityView     `json:"identities"`
	Contacts      []contactView      `json:"contacts"`
	Conversations []conversationView `json:"conversations"`
	Cases         []caseView         `json:"cases"`
	Merges        []mergeView        `json:"merges"`
	Care          careView           `json:"care"`
	Purchases     []purchaseView     `json:"purchases"`
	Touchpoints   []touchpointView   `json:"touchpoints"`
}

type careView struct {
	Member     bool       `json:"member"`
	OptedOutAt *time.Time `json:"opted_out_at,omitempty"`
	OptOutVia  string     `json:"opt_out_via,omitempty"`
	Phone      string     `json:"phone,omitempty"`
	Email      string     `json:"email,omitempty"`
	Language   string     `json:"language,omitempty"`
}

type purchaseView struct {
	ID      int64  `json:"id"`
	Product string `json:"product"`
	Model   string `json:"model"`
	On      string `json:"purchased_on"`
	Source  string `json:"source"`
	CaseID  int64  `json:"case_id,omitempty"`
}

type touchpointView struct {
	ID         int64      `json:"id"`
	Touchpoint string     `json:"touchpoint"`
	CaseID     int64      `json:"case_id,omitempty"`
	PurchaseID int64      `json:"purchase_id,omitempty"`
	Due        time.Time  `json:"due"`
	Status     string     `json:"status"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Outcome    string     `json:"outcome,omitempty"`
	Note       string     `json:"note,omitempty"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type customerListResponse struct {
	Customers []customerView `json:"customers"`
}

type mergeResponse struct {
	Merge mergeView `json:"merge"`
}

type mergeRequest struct {
	From   int64  `json:"from"`
	Reason string `json:"reason"`
}

func (a *API) customerSearch(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, "phone", "email", "name", "limit")
	if err != nil {
		return err
	}
	f := service.CustomerSearch{Phone: q.Get("phone"), Email: q.Get("email"), Name: q.Get("name")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > service.MaxCustomerSearch {
			return invalid("limit: %q is not a whole number from 1 to %d", s, service.MaxCustomerSearch)
		}
		f.Limit = n
	}
	list, err := a.svc.CustomerSearch(r.Context(), u, f)
	if err != nil {
		return err
	}
	resp := customerListResponse{Customers: make([]customerView, 0, len(list))}
	for _, c := range list {
		resp.Customers = append(resp.Customers, newCustomerView(c))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (a *API) customerGet(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.CustomerGet(r.Context(), u, id)
	if err != nil {
		return err
	}
	resp := customerDetailResponse{Customer: newCustomerView(d.Customer), Name: d.Name, Identities: []identityView{}, Contacts: []contactView{},
		Conversations: []conversationView{}, Cases: []caseView{}, Merges: []mergeView{}, Purchases: []purchaseView{}, Touchpoints: []touchpointView{},
		Care: careView{Member: d.Care.Member, OptedOutAt: timeOrNil(d.Care.OptedOutAt), OptOutVia: d.Care.OptOutVia,
			Phone: d.Care.Phone, Email: d.Care.Email, Language: d.Care.Language}}
	for _, p := range d.Purchases {
		resp.Purchases = append(resp.Purchases, purchaseView{ID: p.ID, Product: p.Product, Model: p.Model, On: p.On.Format("2006-01-02"), Source: p.Source, CaseID: p.CaseID})
	}
	for _, tp := range d.Touchpoints {
		resp.Touchpoints = append(resp.Touchpoints, touchpointView{ID: tp.ID, Touchpoint: tp.Touchpoint, CaseID: tp.CaseID, PurchaseID: tp.PurchaseID,
			Due: tp.Due, Status: tp.Status, SentAt: timeOrNil(tp.SentAt), AnsweredAt: timeOrNil(tp.AnsweredAt), Outcome: tp.Outcome, Note: tp.Note})
	}
	for _, i := range d.Identities {
		resp.Identities = append(resp.Identities, identityView{Channel: string(i.Channel), ExternalUserID: i.ExternalUserID, CreatedAt: i.CreatedAt})
	}
	for _, c := range d.Contacts {
		resp.Contacts = append(resp.Contacts, contactView{Kind: string(c.Kind), Value: c.Value, CaseID: c.CaseID})
	}
	for _, c := range d.Conversations {
		resp.Conversations = append(resp.Conversations, newConversationView(c))
	}
	for _, c := range d.Cases {
		resp.Cases = append(resp.Cases, newCaseView(c))
	}
	for _, m := range d.Merges {
		resp.Merges = append(resp.Merges, newMergeView(m))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (a *API) customerMerge(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req mergeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := a.svc.CustomerMerge(r.Context(), u, id, req.From, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mergeResponse{Merge: newMergeView(m)})
	return nil
}

func (a *API) customerMergeUndo(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req reasonRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	m, err := a.svc.CustomerMergeUndo(r.Context(), u, id, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mergeResponse{Merge: newMergeView(m)})
	return nil
}
