// Package console is the staff HTTP API under /api/v1/: cases (list, read,
// override, plan, approval, notes, plan change, resolution, reopen, close),
// complaints (complaints.go), the files customers sent (attachments.go),
// the customer archive with search and merges (customers.go) and agent
// takeover of conversations. The agent console UI uses exactly
// this API; console/openapi.yaml documents it and is served at
// /api/v1/openapi.yaml.
//
// The package only translates HTTP to calls on Service and domain errors
// back to statuses (STYLE lesson 2): permissions, validation of the domain
// fields and state checks live in cases and the kefu service. What it checks
// itself is the shape of a request: the bearer token is present, ids are
// positive integers, bodies are JSON objects of at most 64 KiB without
// unknown fields, times are RFC 3339, query parameters are known.
//
// Caveats: there is no rate limiting and no CORS; the console is expected
// to be served from the same origin. Tokens travel in the Authorization
// header only, never in query strings, so they stay out of access logs.
package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// Service is what the API needs from kefu; the kefu service implements it.
// Every method but Authenticate gets the authenticated user and checks its
// permissions itself (cases.User.Can), answering *cases.Error values whose
// codes the API maps to statuses.
type Service interface {
	// Authenticate returns the user owning token, or an EUnauthorized
	// *cases.Error when the token is unknown.
	Authenticate(ctx context.Context, token string) (cases.User, error)

	// CaseCreate registers a hotline, dealer, walk-in or mail case.
	CaseCreate(ctx context.Context, u cases.User, p service.NewCaseParams) (*cases.Case, error)
	CaseList(ctx context.Context, u cases.User, f service.CaseFilter) (service.CasePage, error)
	// CaseCount counts what CaseList lists, up to service.MaxCaseCount.
	CaseCount(ctx context.Context, u cases.User, f service.CaseFilter) (int, error)
	CaseGet(ctx context.Context, u cases.User, id int64) (service.CaseDetail, error)
	CaseOverride(ctx context.Context, u cases.User, id int64, p cases.OverrideParams) (*cases.Case, error)
	// CaseEditFields corrects case fields, with history.
	CaseEditFields(ctx context.Context, u cases.User, id int64, fields map[cases.FieldKey]string, reason string) (*cases.Case, error)
	// CaseAssign makes userID the one person responsible (0: the department).
	CaseAssign(ctx context.Context, u cases.User, id, userID int64, reason string) (*cases.Case, error)
	CasePlan(ctx context.Context, u cases.User, id int64, p cases.PlanParams) (*cases.Case, error)
	CaseApprove(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error)
	CaseReject(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error)
	CaseNote(ctx context.Context, u cases.User, id int64, p cases.NoteParams) (*cases.Case, error)
	CaseChangePlan(ctx context.Context, u cases.User, id int64, p cases.ChangePlanParams) (*cases.Case, error)
	CaseResolve(ctx context.Context, u cases.User, id int64, p cases.ResolveParams) (*cases.Case, error)
	CaseReopen(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error)
	CaseClose(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error)

	// Conversations lists conversations in phase (e.g. waiting_agent).
	Conversations(ctx context.Context, u cases.User, phase string) ([]service.ConversationSummary, error)
	// ConversationMessages is a page of a conversation's transcript after a
	// message id, oldest first.
	ConversationMessages(ctx context.Context, u cases.User, id, after int64, limit int) ([]channels.StoredMessage, error)
	// ConversationAttachments lists the files a conversation carried.
	ConversationAttachments(ctx context.Context, u cases.User, id int64) ([]service.AttachmentInfo, error)
	// ConversationTakeOver makes u the one agent of the conversation; an
	// EConflict error when another agent holds it.
	ConversationTakeOver(ctx context.Context, u cases.User, id int64) error
	// ConversationReply sends text to the customer through their channel.
	ConversationReply(ctx context.Context, u cases.User, id int64, text string) error
	// ConversationRecheck has the bot ask, after the care plan's delay,
	// whether the guidance just given works.
	ConversationRecheck(ctx context.Context, u cases.User, id int64) error
	// ConversationHandBack returns the conversation to the bot.
	ConversationHandBack(ctx context.Context, u cases.User, id int64) error

	// AttachmentGet returns a file a customer sent, with its bytes (nil
	// when only the channel's link, URL, is kept).
	AttachmentGet(ctx context.Context, u cases.User, id int64) (service.Attachment, error)
	// CaseAttach stores a file staff attach to a case.
	CaseAttach(ctx context.Context, u cases.User, id int64, name string, data []byte) (service.AttachmentInfo, error)

	TaskService     // callbacks and follow-ups (tasks.go)
	CustomerService // the customer archive (customers.go)
	// CannedReplies lists the ready replies in lang ("" = all) offered to
	// dept ("" = the user's own department).
	CannedReplies(ctx context.Context, u cases.User, lang string, dept cases.Department) ([]service.CannedReply, error)
	ComplaintService // the complaint workflow (complaints.go)
	ReportService    // the supervisor reports (reports.go)
}

// MaxBodyBytes caps every request body; a larger one gets 413.
const MaxBodyBytes = 64 << 10

// Prefix is where Handler serves the API.
const Prefix = "/api/v1/"

// API serves the staff HTTP API.
type API struct {
	svc Service
	log *slog.Logger
}

// New returns the API over svc. log may be nil.
func New(svc Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{svc: svc, log: log}
}

// handlerFunc handles an authenticated request; a returned error becomes
// the response (see writeErr), so handlers never write errors themselves.
type handlerFunc func(w http.ResponseWriter, r *http.Request, u cases.User) error

// route is one endpoint. The mux is built from routes() and the OpenAPI
// test compares routes() with the document, so neither can drift.
type route struct {
	method string
	path   string
	public bool // served without a token
	h      handlerFunc
}

func (a *API) routes() []route {
	return append([]route{
		{method: "GET", path: "/api/v1/openapi.yaml", public: true, h: a.openAPI},

		{method: "GET", path: "/api/v1/cases", h: a.caseList},
		{method: "POST", path: "/api/v1/cases", h: a.caseCreate},
		{method: "GET", path: "/api/v1/cases/{id}", h: a.caseGet},
		{method: "POST", path: "/api/v1/cases/{id}/override", h: caseWrite(a.svc.CaseOverride, overrideRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/plan", h: caseWrite(a.svc.CasePlan, planRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/assign", h: caseWrite(a.assign, assignRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/fields", h: caseWrite(a.editFields, fieldsRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/approve", h: caseWrite(a.svc.CaseApprove, commentRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/reject", h: caseWrite(a.svc.CaseReject, commentRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/notes", h: caseWrite(a.svc.CaseNote, noteRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/plan-change", h: caseWrite(a.svc.CaseChangePlan, planChangeRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/resolve", h: caseWrite(a.svc.CaseResolve, resolveRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/reopen", h: caseWrite(a.svc.CaseReopen, reasonRequest.params)},
		{method: "POST", path: "/api/v1/cases/{id}/close", h: caseWrite(a.svc.CaseClose, reasonRequest.params)},

		{method: "GET", path: "/api/v1/conversations", h: a.conversationList},
		{method: "GET", path: "/api/v1/conversations/{id}/messages", h: a.conversationMessages},
		{method: "GET", path: "/api/v1/conversations/{id}/attachments", h: a.conversationAttachments},
		{method: "POST", path: "/api/v1/conversations/{id}/takeover", h: a.conversationTakeOver},
		{method: "POST", path: "/api/v1/conversations/{id}/reply", h: a.conversationReply},
		{method: "POST", path: "/api/v1/conversations/{id}/handback", h: a.conversationHandBack},

		{method: "GET", path: "/api/v1/attachments/{id}", h: a.attachmentGet},
		{method: "POST", path: "/api/v1/cases/{id}/attachments", h: a.caseAttach},

		{method: "GET", path: "/api/v1/tasks", h: a.taskList},
		{method: "GET", path: "/api/v1/tasks/{id}", h: a.taskGet},
		{method: "POST", path: "/api/v1/tasks/{id}/claim", h: a.taskClaim},
		{method: "POST", path: "/api/v1/tasks/{id}/complete", h: a.taskComplete},

		{method: "GET", path: "/api/v1/canned-replies", h: a.cannedReplies},
	}, slices.Concat(a.complaintRoutes(), a.customerRoutes(), a.reportRoutes())...)
}

// Handler serves the API at its full paths (/api/v1/...), so mount it with
// mux.Handle(console.Prefix, api.Handler()), without stripping the prefix.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.routes() {
		mux.Handle(rt.method+" "+rt.path, a.serve(rt))
	}
	return a.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := mux.Handler(r); pattern == "" {
			a.unmatched(w, r, h)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// unmatched answers a request no route matched with the same JSON error
// body as everything else; h is the mux's own 404 or 405 handler, run
// against a scratch writer to learn which, and the Allow header of a 405.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &scratchWriter{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method_not_allowed", Message: r.Method + " is not allowed on " + r.URL.Path})
		return
	}
	writeJSON(w, http.StatusNotFound, errorBody{Error: cases.ENotFound, Message: "no endpoint " + r.URL.Path})
}

type scratchWriter struct {
	header http.Header
	status int
}

func (s *scratchWriter) Header() http.Header         { return s.header }
func (s *scratchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (s *scratchWriter) WriteHeader(status int)      { s.status = status }

// serve authenticates (unless the route is public), runs the handler and
// turns its error into the response.
func (a *API) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u cases.User
		if !rt.public {
			var err error
			if u, err = a.authenticate(r); err != nil {
				a.writeErr(w, r, err)
				return
			}
			info(r.Context()).userID = u.ID
		}
		if err := rt.h(w, r, u); err != nil {
			a.writeErr(w, r, err)
		}
	})
}

var errNoToken = cases.Errorf(cases.EUnauthorized, "authorization: a bearer token is required (Authorization: Bearer <token>)")

// authenticate resolves the bearer token. Any EUnauthorized answer gets the
// same message, so a client learns nothing about which tokens exist.
func (a *API) authenticate(r *http.Request) (cases.User, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return cases.User{}, errNoToken
	}
	u, err := a.svc.Authenticate(r.Context(), token)
	if err != nil {
		if cases.ErrorCode(err) == cases.EUnauthorized {
			return cases.User{}, cases.Errorf(cases.EUnauthorized, "authorization: the token is not valid")
		}
		return cases.User{}, fmt.Errorf("authenticate: %w", err)
	}
	return u, nil
}

// errorBody is every error response; Message is empty for 500s, whose
// details go to the log only.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

// statuses maps domain error codes to HTTP statuses; anything else is 500.
var statuses = map[string]int{
	cases.EInvalid:      http.StatusBadRequest,
	cases.ENotFound:     http.StatusNotFound,
	cases.EConflict:     http.StatusConflict,
	cases.EForbidden:    http.StatusForbidden,
	cases.EUnauthorized: http.StatusUnauthorized,
	cases.ETooLarge:     http.StatusRequestEntityTooLarge,
}

// StatusOf is the HTTP status of a domain error (500 for anything else),
// the same for the API and the console pages.
func StatusOf(err error) int {
	var e *cases.Error
	if errors.As(err, &e) {
		if st, ok := statuses[e.Code]; ok {
			return st
		}
	}
	return http.StatusInternalServerError
}

// writeErr answers err: a *cases.Error with a mapped code becomes its 4xx
// with the message (which names the offending field), anything else a bare
// 500 whose cause is logged with the request.
func (a *API) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var e *cases.Error
	if errors.As(err, &e) {
		if status, ok := statuses[e.Code]; ok {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="kefu"`)
			}
			writeJSON(w, status, errorBody{Error: e.Code, Message: e.Message})
			return
		}
	}
	info(r.Context()).err = err
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: cases.EInternal})
}

// reqInfo collects what the request log line reports beyond the request
// itself; handlers fill it in as they learn the user and the ids.
type reqInfo struct {
	userID, caseID, conversationID int64
	err                            error // the cause of a 500
}

type infoKey struct{}

// info returns the request's reqInfo; a scratch one outside logRequests, so
// handlers never need to check.
func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs one line per request: Info normally, Error with the
// cause for a 500. A panic in a handler becomes a logged 500 rather than a
// dropped connection, so the console shows an error it can display.
func (a *API) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{}
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				ri.err = fmt.Errorf("panic: %v", p)
				if sw.status == 0 {
					writeJSON(sw, http.StatusInternalServerError, errorBody{Error: cases.EInternal})
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
			}
			if ri.userID != 0 {
				attrs = append(attrs, slog.Int64("user_id", ri.userID))
			}
			if ri.caseID != 0 {
				attrs = append(attrs, slog.Int64("case_id", ri.caseID))
			}
			if ri.conversationID != 0 {
				attrs = append(attrs, slog.Int64("conversation_id", ri.conversationID))
			}
			level := slog.LevelInfo
			if ri.err != nil {
				level = slog.LevelError
				attrs = append(attrs, slog.String("err", ri.err.Error()))
			}
			a.log.LogAttrs(r.Context(), level, "console: request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}
