package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/kefu-dev/kefu/console"
)

// The case list behind a report's figure: the search page listing the
// cases of a filter (console.ParseCaseFilter, the API's), newest first,
// a page at a time, with the filters said in words above it.

// filterChip is one filter of the list, in words.
type filterChip struct{ Label, Value string }

// listFilters are the filters that make the search page a case list.
var listFilters = []string{"from", "to", "department", "state", "priority", "channel", "category", "subtype", "source",
	"assignee", "open", "overdue", "clock", "clock_status"}

func hasListFilter(q url.Values) bool {
	return slices.ContainsFunc(listFilters, func(k string) bool { return q.Get(k) != "" })
}

func (c *Console) filteredList(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	f, err := console.ParseCaseFilter(q, v.User)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = caseListLimit
	}
	page, err := c.svc.CaseList(r.Context(), v.User, f)
	if err != nil {
		return err
	}
	p := searchPage{inboxPage: inboxPage{Tab: "search", Next: page.Next}}
	for _, cs := range page.Cases {
		p.Cases = append(p.Cases, v.caseRow(cs, page.Due[cs.ID]))
	}
	keep := url.Values{}
	for _, k := range listFilters {
		if s := q.Get(k); s != "" {
			keep.Set(k, s)
		}
	}
	p.Query = template.URL(keep.Encode())
	chip := func(key, value string) { p.Filters = append(p.Filters, filterChip{Label: v.T(key), Value: value}) }
	if !f.From.IsZero() || !f.To.IsZero() {
		chip("list.registered", v.Time(f.From)+" – "+v.Time(f.To))
	}
	if f.Department != "" {
		chip("report.department", v.T("dept."+string(f.Department)))
	}
	if f.State != "" {
		chip("case.state", v.T("state."+string(f.State)))
	}
	if f.Priority != "" {
		chip("case.priority", string(f.Priority))
	}
	if f.Channel != "" {
		chip("conv.channel", v.T("channel."+f.Channel))
	}
	if f.Category != "" {
		chip("case.category", v.T("category."+string(f.Category)))
	}
	if f.Subtype != "" {
		chip("list.subtype", f.Subtype)
	}
	if f.Source != "" {
		chip("case.source", v.T("source."+f.Source))
	}
	if f.Assignee != 0 {
		if err := c.loadNames(r, v); err != nil {
			return err
		}
		chip("case.assignee", v.Who("user:"+strconv.FormatInt(f.Assignee, 10)))
	}
	if f.Open {
		chip("list.open", "✓")
	}
	if f.Overdue {
		chip("tab.overdue", "✓")
	}
	if f.Clock != "" {
		status := v.T("report.any_status")
		if f.ClockStatus != "" {
			status = v.T("report.sla." + string(f.ClockStatus))
		}
		chip("clock."+string(f.Clock), status)
	}
	v.Data = p
	c.render(w, http.StatusOK, "search", v)
	return nil
}
