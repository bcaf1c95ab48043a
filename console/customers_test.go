package console

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

type mergeCall struct {
	into, from int64
	reason     string
}

var sampleMerge = service.CustomerMerge{ID: 3, IntoID: 1, FromID: 2, Actor: "user:7", Reason: "同一个人", At: sampleDue,
	Identities: []service.IdentityKey{{Channel: channels.WebChat, ExternalUserID: "s-2"}}, Conversations: []int64{2}, Cases: []int64{9}}

func (f *fakeService) CustomerGet(ctx context.Context, u cases.User, id int64) (service.CustomerDetail, error) {
	if err := f.record(ctx, "CustomerGet", u, id, nil); err != nil {
		return service.CustomerDetail{}, err
	}
	return service.CustomerDetail{
		Customer: service.Customer{ID: id, CreatedAt: sampleDue}, Name: "李雷",
		Identities:    []service.Identity{{Channel: channels.WebChat, ExternalUserID: "s-1", CustomerID: id, CreatedAt: sampleDue}},
		Contacts:      []service.Contact{{Kind: service.ContactPhone, Value: "13900001111", CaseID: 9}},
		Conversations: []service.ConversationSummary{{ID: 2, Channel: channels.WebChat, ExternalUserID: "s-1", Phase: "registered", CaseID: 9, UpdatedAt: sampleDue}},
		Cases:         []*cases.Case{{ID: 9, Number: "K-000009", CustomerID: id, State: cases.StateAssigned}},
		Merges:        []service.CustomerMerge{sampleMerge},
	}, nil
}

func (f *fakeService) CustomerSearch(ctx context.Context, u cases.User, flt service.CustomerSearch) ([]service.Customer, error) {
	if err := f.record(ctx, "CustomerSearch", u, 0, flt); err != nil {
		return nil, err
	}
	return []service.Customer{{ID: 1, DisplayName: "李雷", CreatedAt: sampleDue}}, nil
}

func (f *fakeService) CustomerMerge(ctx context.Context, u cases.User, into, from int64, reason string) (service.CustomerMerge, error) {
	if err := f.record(ctx, "CustomerMerge", u, into, mergeCall{into, from, reason}); err != nil {
		return service.CustomerMerge{}, err
	}
	return sampleMerge, nil
}

func (f *fakeService) CustomerMergeUndo(ctx context.Context, u cases.User, id int64, reason string) (service.CustomerMerge, error) {
	if err := f.record(ctx, "CustomerMergeUndo", u, id, reason); err != nil {
		return service.CustomerMerge{}, err
	}
	m := sampleMerge
	m.UndoneBy, m.UndoneAt = "user:7", sampleDue.Add(time.Hour)
	return m, nil
}

func TestCustomerEndpoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path, body string
		want               call
		key                string // a key of the response body
	}{
		{"GET", "/api/v1/customers?phone=13900001111&name=%E6%9D%8E&limit=5", "",
			call{name: "CustomerSearch", arg: service.CustomerSearch{Phone: "13900001111", Name: "李", Limit: 5}}, "customers"},
		{"GET", "/api/v1/customers/1", "", call{name: "CustomerGet", id: 1}, "identities"},
		{"POST", "/api/v1/customers/1/merge", `{"from":2,"reason":"同一个人"}`, call{name: "CustomerMerge", id: 1, arg: mergeCall{1, 2, "同一个人"}}, "merge"},
		{"POST", "/api/v1/customers/merges/3/undo", "", call{name: "CustomerMergeUndo", id: 3, arg: ""}, "merge"},
		{"POST", "/api/v1/customers/merges/3/undo", `{"reason":"不是同一人"}`, call{name: "CustomerMergeUndo", id: 3, arg: "不是同一人"}, "merge"},
		{"GET", "/api/v1/cases?q=JD-881", "", call{name: "CaseList", arg: service.CaseFilter{Q: "JD-881"}}, "cases"},
	} {
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
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body[tc.key] == nil {
			t.Errorf("%s %s: body %s", tc.method, tc.path, w.Body)
		}
	}
}

func TestCustomerDetailJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/customers/1", "", "")
	var got struct {
		Customer      struct{ ID int64 }           `json:"customer"`
		Name          string                       `json:"name"`
		Contacts      []map[string]any             `json:"contacts"`
		Conversations []struct{ ID, CaseID int64 } `json:"conversations"`
		Cases         []struct{ Number string }    `json:"cases"`
		Merges        []map[string]json.RawMessage `json:"merges"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Customer.ID != 1 || got.Name != "李雷" || len(got.Contacts) != 1 || len(got.Conversations) != 1 || len(got.Cases) != 1 || got.Cases[0].Number != "K-000009" || len(got.Merges) != 1 {
		t.Errorf("body: %s", w.Body)
	}
	if m := got.Merges[0]; string(m["into"]) != "1" || string(m["from"]) != "2" || string(m["cases"]) != "[9]" || m["undone_at"] != nil {
		t.Errorf("merge: %s", w.Body)
	}
}

func TestCustomerBadRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v1/customers?limit=0", ""},
		{"GET", "/api/v1/customers?city=x", ""},
		{"GET", "/api/v1/customers/x", ""},
		{"POST", "/api/v1/customers/1/merge", `{"from":"two"}`},
		{"POST", "/api/v1/customers/1/merge", `{"into":2}`},
		{"POST", "/api/v1/customers/merges/0/undo", ""},
	} {
		b := setup(t)
		if w := b.do(t, tc.method, tc.path, tc.body, ""); w.Code != http.StatusBadRequest && w.Code != http.StatusNotFound {
			t.Errorf("%s %s %s: %d %s", tc.method, tc.path, tc.body, w.Code, w.Body)
		}
		if calls := b.svc.Calls(); len(calls) != 0 {
			t.Errorf("%s %s: service called: %+v", tc.method, tc.path, calls)
		}
	}
}
