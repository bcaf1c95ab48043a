package console

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

//go:embed openapi.yaml
var openAPIDoc []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ cases.User) error {
	h := w.Header()
	h.Set("Content-Type", "application/yaml")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	w.Write(openAPIDoc)
	return nil
}

// maxListLimit caps ?limit=; without one the service lists 100.
const maxListLimit = service.MaxCaseList

// states are the case states a list may filter on; cases has no Valid for
// State because the domain never parses one.
var states = []cases.State{
	cases.StateRegistered, cases.StateAssigned, cases.StatePendingApproval, cases.StatePlanned,
	cases.StateInProgress, cases.StateResolved, cases.StateClosed,
}

func (a *API) caseList(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, append(CaseFilterParams(), "count")...)
	if err != nil {
		return err
	}
	f, err := ParseCaseFilter(q, u)
	if err != nil {
		return err
	}
	page, err := a.svc.CaseList(r.Context(), u, f)
	if err != nil {
		return err
	}
	resp := caseListResponse{Cases: make([]caseView, 0, len(page.Cases)), NextBefore: page.Next}
	if s := q.Get("count"); s != "" {
		want, err := strconv.ParseBool(s)
		if err != nil {
			return invalid("count: %q is not true or false", s)
		}
		if want {
			n, err := a.svc.CaseCount(r.Context(), u, f)
			if err != nil {
				return err
			}
			resp.Count = &n
		}
	}
	for _, c := range page.Cases {
		if c == nil {
			return errors.New("case list: nil case")
		}
		resp.Cases = append(resp.Cases, newCaseView(c))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// newCaseRequest is the body of POST /api/v1/cases.
type newCaseRequest struct {
	Source   string            `json:"source"`
	Dealer   string            `json:"dealer"`
	Language string            `json:"language"`
	Fields   map[string]string `json:"fields"`
	Category string            `json:"category"`
	Subtype  string            `json:"subtype"`
	Priority string            `json:"priority"`
}

func (a *API) caseCreate(w http.ResponseWriter, r *http.Request, u cases.User) error {
	var req newCaseRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p := service.NewCaseParams{Source: req.Source, Dealer: req.Dealer, Language: req.Language, Subtype: req.Subtype,
		Category: cases.Category(req.Category), Priority: cases.Priority(req.Priority), Fields: map[cases.FieldKey]string{}}
	for k, v := range req.Fields {
		p.Fields[cases.FieldKey(k)] = strings.TrimSpace(v)
	}
	c, err := a.svc.CaseCreate(r.Context(), u, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, caseResponse{Case: newCaseView(c)})
	return nil
}

func (a *API) caseGet(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.CaseGet(r.Context(), u, id)
	if err != nil {
		return err
	}
	if d.Case == nil {
		return fmt.Errorf("case get %d: no case", id)
	}
	writeJSON(w, http.StatusOK, newCaseDetailView(d))
	return nil
}

// caseWrite is the handler of every POST /cases/{id}/...: decode the body
// into a request R, turn it into the service's params P, call do and answer
// with the changed case.
func caseWrite[R any, P any](
	do func(ctx context.Context, u cases.User, id int64, p P) (*cases.Case, error),
	params func(R) (P, error),
) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, u cases.User) error {
		id, err := caseID(r)
		if err != nil {
			return err
		}
		var req R
		if err := decode(w, r, &req); err != nil {
			return err
		}
		p, err := params(req)
		if err != nil {
			return err
		}
		c, err := do(r.Context(), u, id, p)
		if err != nil {
			return err
		}
		if c == nil {
			return fmt.Errorf("case %d: the service returned no case", id)
		}
		writeJSON(w, http.StatusOK, caseResponse{Case: newCaseView(c)})
		return nil
	}
}

// Request bodies. Times are strings parsed here, so a bad one is a 400
// naming its field rather than encoding/json's message about Go types.

type overrideRequest struct {
	Category   string `json:"category"`
	Subtype    string `json:"subtype"`
	Priority   string `json:"priority"`
	Department string `json:"department"`
	Reason     string `json:"reason"`
}

func (q overrideRequest) params() (cases.OverrideParams, error) {
	return cases.OverrideParams{
		Category:   cases.Category(q.Category),
		Subtype:    q.Subtype,
		Priority:   cases.Priority(q.Priority),
		Department: cases.Department(q.Department),
		Reason:     q.Reason,
	}, nil
}

type planRequest struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	PromisedAt  string `json:"promised_at"`
	VisitAt     string `json:"visit_at"`
	SameCity    bool   `json:"same_city"`
}

func (q planRequest) params() (cases.PlanParams, error) {
	p := cases.PlanParams{Type: cases.PlanType(q.Type), Description: q.Description, SameCity: q.SameCity}
	var err error
	if p.PromisedAt, err = parseTime("plan.promised_at", q.PromisedAt); err != nil {
		return p, err
	}
	if p.VisitAt, err = parseTime("plan.visit_at", q.VisitAt); err != nil {
		return p, err
	}
	return p, nil
}

type commentRequest struct {
	Comment string `json:"comment"`
}

func (q commentRequest) params() (string, error) { return q.Comment, nil }

type assignRequest struct {
	UserID *int64 `json:"user_id"`
	Reason string `json:"reason"`
}

type assignParams struct {
	userID int64
	reason string
}

func (q assignRequest) params() (assignParams, error) {
	if q.UserID == nil || *q.UserID < 0 {
		return assignParams{}, invalid("user_id: required (0 hands the case back to the department)")
	}
	return assignParams{*q.UserID, q.Reason}, nil
}

type fieldsRequest struct {
	Fields map[string]string `json:"fields"`
	Reason string            `json:"reason"`
}

type fieldsParams struct {
	fields map[cases.FieldKey]string
	reason string
}

func (q fieldsRequest) params() (fieldsParams, error) {
	if len(q.Fields) == 0 {
		return fieldsParams{}, invalid("fields: at least one field is required")
	}
	p := fieldsParams{fields: make(map[cases.FieldKey]string, len(q.Fields)), reason: q.Reason}
	for k, v := range q.Fields {
		p.fields[cases.FieldKey(k)] = v
	}
	return p, nil
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (q reasonRequest) params() (string, error) { return q.Reason, nil }

type noteRequest struct {
	Text    string `json:"text"`
	Visible bool   `json:"visible"`
}

func (q noteRequest) params() (cases.NoteParams, error) {
	return cases.NoteParams{Text: q.Text, Visible: q.Visible}, nil
}

type planChangeRequest struct {
	Reason      string       `json:"reason"`
	Alternative string       `json:"alternative"`
	Plan        *planRequest `json:"plan"`
}

// params leaves Plan zero when the body has none; the domain then names
// plan.type as required, since a plan change replaces the plan.
func (q planChangeRequest) params() (cases.ChangePlanParams, error) {
	p := cases.ChangePlanParams{Reason: q.Reason, Alternative: q.Alternative}
	if q.Plan != nil {
		var err error
		if p.Plan, err = q.Plan.params(); err != nil {
			return p, err
		}
	}
	return p, nil
}

type resolveRequest struct {
	Proof      string `json:"proof"`
	Attachment string `json:"attachment"`
	Link       string `json:"link"`
}

func (q resolveRequest) params() (cases.ResolveParams, error) {
	return cases.ResolveParams{Proof: q.Proof, Attachment: q.Attachment, Link: q.Link}, nil
}

type replyRequest struct {
	Text string `json:"text"`
	// Recheck: the reply is guidance to observe; the bot asks after the
	// care plan's delay whether it works.
	Recheck bool `json:"recheck"`
}

func (a *API) conversationList(w http.ResponseWriter, r *http.Request, u cases.User) error {
	q, err := query(r, "phase")
	if err != nil {
		return err
	}
	phase := q.Get("phase")
	if phase == "" {
		phase = "waiting_agent"
	}
	list, err := a.svc.Conversations(r.Context(), u, phase)
	if err != nil {
		return err
	}
	resp := conversationListResponse{Conversations: make([]conversationView, 0, len(list))}
	for _, c := range list {
		resp.Conversations = append(resp.Conversations, newConversationView(c))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (a *API) conversationMessages(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := conversationID(r)
	if err != nil {
		return err
	}
	q, err := query(r, "after", "limit")
	if err != nil {
		return err
	}
	var after int64
	if s := q.Get("after"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			return invalid("after: %q is not a message id", s)
		}
	}
	limit := service.MaxMessages
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > service.MaxMessages {
			return invalid("limit: %q is not a whole number from 1 to %d", s, service.MaxMessages)
		}
	}
	msgs, err := a.svc.ConversationMessages(r.Context(), u, id, after, limit)
	if err != nil {
		return err
	}
	resp := messageListResponse{Messages: make([]messageView, 0, len(msgs))}
	for _, m := range msgs {
		resp.Messages = append(resp.Messages, newMessageView(m))
	}
	if len(msgs) == limit {
		resp.NextAfter = msgs[len(msgs)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (a *API) conversationTakeOver(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := conversationID(r)
	if err != nil {
		return err
	}
	if err := a.svc.ConversationTakeOver(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) conversationReply(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := conversationID(r)
	if err != nil {
		return err
	}
	var req replyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Text) == "" {
		return invalid("text: required")
	}
	if err := a.svc.ConversationReply(r.Context(), u, id, req.Text); err != nil {
		return err
	}
	if req.Recheck {
		if err := a.svc.ConversationRecheck(r.Context(), u, id); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) conversationHandBack(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := conversationID(r)
	if err != nil {
		return err
	}
	if err := a.svc.ConversationHandBack(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func invalid(format string, a ...any) error {
	return cases.Errorf(cases.EInvalid, fmt.Sprintf(format, a...))
}

// caseID and conversationID read the {id} path value and note it for the
// request log.
func caseID(r *http.Request) (int64, error) {
	id, err := pathID(r)
	info(r.Context()).caseID = id
	return id, err
}

func conversationID(r *http.Request) (int64, error) {
	id, err := pathID(r)
	info(r.Context()).conversationID = id
	return id, err
}

// pathID accepts decimal digits only: ParseInt alone would take "+7".
func pathID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	bad := s == ""
	for i := 0; i < len(s); i++ {
		bad = bad || s[i] < '0' || s[i] > '9'
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if bad || err != nil || id <= 0 {
		return 0, invalid("id: %q is not a positive integer", s)
	}
	return id, nil
}

// query returns the query parameters, refusing unknown and repeated ones:
// a misspelt filter would otherwise silently list everything.
func query(r *http.Request, known ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalid("query: %v", err)
	}
	for k, v := range q {
		ok := false
		for _, n := range known {
			ok = ok || k == n
		}
		switch {
		case !ok:
			return nil, invalid("%s: unknown query parameter (known: %s)", k, strings.Join(known, ", "))
		case len(v) > 1:
			return nil, invalid("%s: given %d times", k, len(v))
		}
	}
	return q, nil
}

// parseTime parses an optional RFC 3339 time; "" is the zero time, which
// the domain reports as missing where it is required.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, invalid("%s: %q is not an RFC 3339 time (e.g. 2025-03-01T18:00:00+08:00)", field, s)
	}
	return t, nil
}

// decode reads a body of at most MaxBodyBytes holding exactly one JSON
// object without unknown fields into v.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return cases.Errorf(cases.ETooLarge, fmt.Sprintf("body: larger than %d bytes", MaxBodyBytes))
	case err != nil:
		return invalid("body: unreadable: %v", err)
	}
	// Checked up front because encoding/json accepts null for a struct
	// and would let an empty request through.
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return invalid("body: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case err == nil && dec.InputOffset() != int64(len(body)):
		return invalid("body: unexpected data after the JSON object")
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return invalid("body: invalid JSON at byte %d: %v", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body: truncated JSON")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return invalid("body: expected a JSON object, got %s", typ.Value)
		}
		return invalid("%s: expected %s, got %s", typ.Field, jsonKind(typ.Type.Kind()), typ.Value)
	}
	// encoding/json has no error type for an unknown field.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return invalid("%s: unknown field", strings.Trim(name, `"`))
	}
	return invalid("body: %v", err)
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a number"
}

func (a *API) assign(ctx context.Context, u cases.User, id int64, p assignParams) (*cases.Case, error) {
	return a.svc.CaseAssign(ctx, u, id, p.userID, p.reason)
}

func (a *API) editFields(ctx context.Context, u cases.User, id int64, p fieldsParams) (*cases.Case, error) {
	return a.svc.CaseEditFields(ctx, u, id, p.fields, p.reason)
}
