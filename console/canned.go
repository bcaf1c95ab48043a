package console

import (
	"net/http"

	"github.com/kefu-dev/kefu/cases"
)

// Canned replies (快捷回复): the ready answers the console offers an agent,
// per language and department (configs/canned.yaml).

type cannedView struct {
	Key         string   `json:"key"`
	Lang        string   `json:"lang"`
	Title       string   `json:"title"`
	Text        string   `json:"text"`
	Departments []string `json:"departments,omitempty"`
}

type cannedResponse struct {
	Replies []cannedView `json:"replies"`
}

func (a *API) cannedReplies(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, "lang", "department")
	if err != nil {
		return err
	}
	list, err := a.svc.CannedReplies(r.Context(), u, q.Get("lang"), cases.Department(q.Get("department")))
	if err != nil {
		return err
	}
	resp := cannedResponse{Replies: make([]cannedView, 0, len(list))}
	for _, c := range list {
		v := cannedView{Key: c.Key, Lang: c.Lang, Title: c.Title, Text: c.Text}
		for _, d := range c.Departments {
			v.Departments = append(v.Departments, string(d))
		}
		resp.Replies = append(resp.Replies, v)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
