package console

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

const goodToken = "tok-head-7"

var head = cases.User{ID: 7, Name: "Wang Head", Role: cases.RoleHead, Department: cases.DeptTechnicalSupport}

// call is one Service call the fake saw.
type call struct {
	name string
	user cases.User
	id   int64
	arg  any
}

// fakeService records every call and answers with err (when set) or
// fixed data.
type fakeService struct {
	mu    sync.Mutex
	calls []call
	err   error
	panic bool
}

func (f *fakeService) record(ctx context.Context, name string, u cases.User, id int64, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{name: name, user: u, id: id, arg: arg})
	if f.panic {
		panic("fake: boom")
	}
	return f.err
}

func (f *fakeService) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeService) Authenticate(ctx context.Context, token string) (cases.User, error) {
	if token != goodToken {
		return cases.User{}, cases.Errorf(cases.EUnauthorized, "no user has token "+token)
	}
	return head, nil
}

func (f *fakeService) CaseCreate(ctx context.Context, u cases.User, p service.NewCaseParams) (*cases.Case, error) {
	if err := f.record(ctx, "CaseCreate", u, 0, p); err != nil {
		return nil, err
	}
	return sampleCase(), nil
}

func (f *fakeService) CaseList(ctx context.Context, u cases.User, flt service.CaseFilter) (service.CasePage, error) {
	if err := f.record(ctx, "CaseList", u, 0, flt); err != nil {
		return service.CasePage{}, err
	}
	return service.CasePage{Cases: []*cases.Case{sampleCase(), {ID: 43, Number: "K-000043", State: cases.StateRegistered}}, Next: 43}, nil
}

func (f *fakeService) CaseGet(ctx context.Context, u cases.User, id int64) (service.CaseDetail, error) {
	if err := f.record(ctx, "CaseGet", u, id, nil); err != nil {
		return service.CaseDetail{}, err
	}
	return sampleDetail(), nil
}

func (f *fakeService) write(ctx context.Context, name string, u cases.User, id int64, arg any) (*cases.Case, error) {
	if err := f.record(ctx, name, u, id, arg); err != nil {
		return nil, err
	}
	return sampleCase(), nil
}

func (f *fakeService) CaseOverride(ctx context.Context, u cases.User, id int64, p cases.OverrideParams) (*cases.Case, error) {
	return f.write(ctx, "CaseOverride", u, id, p)
}

func (f *fakeService) CaseAssign(ctx context.Context, u cases.User, id, userID int64, reason string) (*cases.Case, error) {
	return f.write(ctx, "CaseAssign", u, id, fmt.Sprintf("%d:%s", userID, reason))
}

func (f *fakeService) CaseEditFields(ctx context.Context, u cases.User, id int64, fields map[cases.FieldKey]string, reason string) (*cases.Case, error) {
	return f.write(ctx, "CaseEditFields", u, id, fmt.Sprintf("%v:%s", fields, reason))
}

func (f *fakeService) CaseCount(ctx context.Context, u cases.User, filter service.CaseFilter) (int, error) {
	return 7, f.record(ctx, "CaseCount", u, 0, filter)
}

func (f *fakeService) CasePlan(ctx context.Context, u cases.User, id int64, p cases.PlanParams) (*cases.Case, error) {
	return f.write(ctx, "CasePlan", u, id, p)
}

func (f *fakeService) CaseApprove(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error) {
	return f.write(ctx, "CaseApprove", u, id, comment)
}

func (f *fakeService) CaseReject(ctx context.Context, u cases.User, id int64, comment string) (*cases.Case, error) {
	return f.write(ctx, "CaseReject", u, id, comment)
}

func (f *fakeService) CaseNote(ctx context.Context, u cases.User, id int64, p cases.NoteParams) (*cases.Case, error) {
	return f.write(ctx, "CaseNote", u, id, p)
}

func (f *fakeService) CaseChangePlan(ctx context.Context, u cases.User, id int64, p cases.ChangePlanParams) (*cases.Case, error) {
	return f.write(ctx, "CaseChangePlan", u, id, p)
}

func (f *fakeService) CaseResolve(ctx context.Context, u cases.User, id int64, p cases.ResolveParams) (*cases.Case, error) {
	return f.write(ctx, "CaseResolve", u, id, p)
}

func (f *fakeService) CaseReopen(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error) {
	return f.write(ctx, "CaseReopen", u, id, reason)
}

func (f *fakeService) CaseClose(ctx context.Context, u cases.User, id int64, reason string) (*cases.Case, error) {
	return f.write(ctx, "CaseClose", u, id, reason)
}

func (f *fakeService) Conversations(ctx context.Context, u cases.User, phase string) ([]service.ConversationSummary, error) {
	if err := f.record(ctx, "Conversations", u, 0, phase); err != nil {
		return nil, err
	}
	return []service.ConversationSummary{{
		ID: 9, Channel: channels.WeChat, ExternalUserID: "oABC", Phase: phase,
		HandoffReason: "asked for a human", CaseID: 42, CaseNumber: "K-000042", UpdatedAt: t0,
	}}, nil
}

func (f *fakeService) ConversationMessages(ctx context.Context, u cases.User, id, after int64, limit int) ([]channels.StoredMessage, error) {
	if err := f.record(ctx, "ConversationMessages", u, id, [2]int64{after, int64(limit)}); err != nil {
		return nil, err
	}
	return []channels.StoredMessage{{ID: after + 1, Direction: "in", Text: "<b>还在吗</b>"}, {ID: after + 2, Direction: "out", Text: "在的", Kind: "agent"}}, nil
}

func (f *fakeService) ConversationTakeOver(ctx context.Context, u cases.User, id int64) error {
	return f.record(ctx, "ConversationTakeOver", u, id, nil)
}

func (f *fakeService) ConversationReply(ctx context.Context, u cases.User, id int64, text string) error {
	return f.record(ctx, "ConversationReply", u, id, text)
}

func (f *fakeService) ConversationRecheck(ctx context.Context, u cases.User, id int64) error {
	return f.record(ctx, "ConversationRecheck", u, id, nil)
}

func (f *fakeService) ConversationHandBack(ctx context.Context, u cases.User, id int64) error {
	return f.record(ctx, "ConversationHandBack", u, id, nil)
}

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func sampleCase() *cases.Case {
	return &cases.Case{
		ID: 42, Number: "K-000042", CustomerID: 5, ConversationID: 9,
		Channel: "wechat", Source: "wechat", Language: "zh",
		Fields:   map[cases.FieldKey]string{cases.FieldProductModel: "KX-200", cases.FieldPhone: "13800000000"},
		Category: cases.CategoryTechnical, Subtype: "no_power", Priority: cases.P1,
		Reasons: []string{"safety: smoke"}, Department: cases.DeptTechnicalSupport,
		State: cases.StatePlanned, Escalated: true,
		Deadlines: cases.Deadlines{StartBy: t0.Add(4 * time.Hour), FirstResponse: t0.Add(30 * time.Minute)},
		CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		Plan: &cases.Plan{
			PlanParams: cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "replace board", PromisedAt: t0.Add(30 * time.Hour), VisitAt: t0.Add(20 * time.Hour)},
			Version:    2, Status: cases.PlanInEffect, Author: "user:3", WrittenAt: t0.Add(time.Hour),
			DecidedBy: "user:7", DecidedAt: t0.Add(90 * time.Minute), Comment: "ok",
		},
		Resolution: &cases.Resolution{ResolveParams: cases.ResolveParams{Proof: "board replaced", Link: "https://example.com/r/1"}, By: "user:3", At: t0.Add(25 * time.Hour)},
		Milestones: cases.Milestones{PlanWritten: t0.Add(time.Hour)},
	}
}

func sampleDetail() service.CaseDetail {
	return service.CaseDetail{
		Case: sampleCase(),
		History: []cases.Change{
			{CaseID: 42, At: t0, Actor: "bot", Action: "registered"},
			{CaseID: 42, At: t0.Add(2 * time.Hour), Actor: "user:3", Action: "note", To: "engineer booked", Visible: true},
		},
		Messages: []channels.StoredMessage{
			{ID: 1, Direction: "in", Text: "冒烟了", At: t0},
			{ID: 2, Direction: "out", Text: "请问型号？", Field: "product_model", Choices: []channels.Choice{{Value: "KX-200", Label: "KX-200"}}, Kind: "reply", At: t0.Add(time.Minute)},
		},
		Clocks: []cases.Clock{
			{Name: cases.ClockStartBy, Start: t0, Due: t0.Add(4 * time.Hour), Status: cases.ClockPending},
			{Name: cases.ClockResolveNotice, Status: cases.ClockNone},
		},
		Attachments: []service.AttachmentInfo{
			{ID: 3, ConversationID: 9, MessageID: 1, CaseID: 42, Name: "dent.jpg", ContentType: "image/jpeg", Size: 2048, CreatedAt: t0},
			{ID: 4, ConversationID: 9, CaseID: 42, Name: "media-1", ContentType: "image/jpeg", URL: "https://mmbiz.qpic.cn/pic/1.jpg", CreatedAt: t0.Add(time.Minute)},
		},
	}
}

type testBundle struct {
	svc     *fakeService
	handler http.Handler
	logs    *syncBuffer
}

// syncBuffer is a log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	svc := &fakeService{}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &testBundle{svc: svc, handler: New(svc, log).Handler(), logs: logs}
}

// do sends a request with the good token unless token says otherwise
// ("-" for none).
func (b *testBundle) do(t *testing.T, method, path, body, token string) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	switch token {
	case "":
		r.Header.Set("Authorization", "Bearer "+goodToken)
	case "-":
	default:
		r.Header.Set("Authorization", token)
	}
	w := httptest.NewRecorder()
	b.handler.ServeHTTP(w, r)
	return w
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, w.Body)
	}
	var e errorBody
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	return e
}

// samplePath fills {id} and {n} in a route's path.
func samplePath(p string) string {
	return strings.NewReplacer("{id}", "42", "{n}", "1").Replace(p)
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	headers := map[string]string{
		"missing":      "-",
		"wrong scheme": "Basic " + goodToken,
		"empty token":  "Bearer ",
		"bad token":    "Bearer nope",
		"no scheme":    goodToken,
	}
	a := New(&fakeService{}, nil)
	for _, rt := range a.routes() {
		if rt.public {
			continue
		}
		for name, h := range headers {
			t.Run(rt.method+" "+rt.path+"/"+name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				w := b.do(t, rt.method, samplePath(rt.path), `{}`, h)
				if w.Code != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401; body %s", w.Code, w.Body)
				}
				if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want Bearer …", got)
				}
				e := decodeError(t, w)
				if e.Error != cases.EUnauthorized || !strings.HasPrefix(e.Message, "authorization: ") {
					t.Errorf("body = %+v", e)
				}
				if strings.Contains(e.Message, "nope") {
					t.Errorf("message %q echoes the token", e.Message)
				}
				if calls := b.svc.Calls(); len(calls) != 0 {
					t.Errorf("service called without a user: %+v", calls)
				}
			})
		}
	}
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if w := b.do(t, "GET", "/api/v1/cases/42", "", "bearer "+goodToken); w.Code != http.StatusOK {
		t.Fatalf("status = %d; body %s", w.Code, w.Body)
	}
}

func TestOpenAPIIsPublic(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/openapi.yaml", "", "-")
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), openAPIDoc) {
		t.Fatalf("status = %d, body of %d bytes", w.Code, w.Body.Len())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"invalid", cases.Errorf(cases.EInvalid, "note.text: required"), 400, cases.EInvalid},
		{"forbidden", cases.Errorf(cases.EForbidden, "user:7 (handler, logistics) may not read case K-000042 of technical_support"), 403, cases.EForbidden},
		{"not found", cases.Errorf(cases.ENotFound, "case 42: not found"), 404, cases.ENotFound},
		{"conflict", cases.Errorf(cases.EConflict, "conversation 9 is held by user:3"), 409, cases.EConflict},
		{"too large", cases.Errorf(cases.ETooLarge, "attachment: too large"), 413, cases.ETooLarge},
		{"unauthorized", cases.Errorf(cases.EUnauthorized, "user disabled"), 401, cases.EUnauthorized},
		{"wrapped", fmt.Errorf("store: %w", cases.Errorf(cases.EConflict, "case K-000042 is closed")), 409, cases.EConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.svc.err = tt.err
			w := b.do(t, "POST", "/api/v1/cases/42/notes", `{"text":"x"}`, "")
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			var e *cases.Error
			errors.As(tt.err, &e)
			if got := decodeError(t, w); got != (errorBody{Error: tt.code, Message: e.Message}) {
				t.Errorf("body = %+v", got)
			}
			if strings.Contains(b.logs.String(), `"level":"ERROR"`) {
				t.Errorf("a %d is logged as an error: %s", tt.status, b.logs)
			}
		})
	}
}

func TestConversationConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.err = cases.Errorf(cases.EConflict, "conversation 9: user:3 holds it")
	w := b.do(t, "POST", "/api/v1/conversations/9/takeover", "", "")
	if w.Code != http.StatusConflict {
		t.Fatalf("status = %d; body %s", w.Code, w.Body)
	}
	if e := decodeError(t, w); e.Error != cases.EConflict || !strings.Contains(e.Message, "user:3") {
		t.Errorf("body = %+v", e)
	}
}

func TestInternalErrorsAreHiddenAndLogged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		panic bool
		want  string // in the log
	}{
		{name: "plain", err: errors.New("pq: connection refused to 10.0.0.5"), want: "connection refused to 10.0.0.5"},
		{name: "internal code", err: cases.Errorf(cases.EInternal, "sla.start_by.P1: not configured"), want: "sla.start_by.P1"},
		{name: "unknown code", err: cases.Errorf("weird", "secret detail"), want: "secret detail"},
		{name: "panic", panic: true, want: "fake: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.svc.err, b.svc.panic = tt.err, tt.panic
			w := b.do(t, "GET", "/api/v1/cases/42", "", "")
			if w.Code != http.StatusInternalServerError {
				t.Fatalf("status = %d; body %s", w.Code, w.Body)
			}
			if got := strings.TrimSpace(w.Body.String()); got != `{"error":"internal"}` {
				t.Errorf("body = %s, want only the code", got)
			}
			line := logLine(t, b.logs.String())
			if line["level"] != "ERROR" || !strings.Contains(fmt.Sprint(line["err"]), tt.want) {
				t.Errorf("log = %v, want an error with %q", line, tt.want)
			}
			if line["case_id"] != float64(42) || line["user_id"] != float64(7) || line["status"] != float64(500) {
				t.Errorf("log = %v, want case_id, user_id and status", line)
			}
		})
	}
}

// logLine returns the only log line, decoded.
func logLine(t *testing.T, logs string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one log line, got %d:\n%s", len(lines), logs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAuthenticateFailureIsInternal(t *testing.T) {
	t.Parallel()
	a := New(&authFails{}, nil)
	r := httptest.NewRequest("GET", "/api/v1/cases", nil)
	r.Header.Set("Authorization", "Bearer x")
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusInternalServerError || w.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("status = %d, headers %v", w.Code, w.Header())
	}
}

// authFails is a service whose user store is down.
type authFails struct{ fakeService }

func (*authFails) Authenticate(context.Context, string) (cases.User, error) {
	return cases.User{}, errors.New("database is locked")
}

func TestHappyPaths(t *testing.T) {
	t.Parallel()
	promised := time.Date(2025, 3, 2, 18, 0, 0, 0, time.FixedZone("", 8*3600))
	visit := time.Date(2025, 3, 2, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		method, path, body string
		want               call
		status             int
	}{
		{"GET", "/api/v1/cases", "", call{name: "CaseList", arg: service.CaseFilter{}}, 200},
		{"GET", "/api/v1/cases?department=logistics&state=in_progress&priority=P2&overdue=true&limit=20", "",
			call{name: "CaseList", arg: service.CaseFilter{Department: cases.DeptLogistics, State: cases.StateInProgress, Priority: cases.P2, Overdue: true, Limit: 20}}, 200},
		{"GET", "/api/v1/cases?before=43&limit=2", "", call{name: "CaseList", arg: service.CaseFilter{Before: 43, Limit: 2}}, 200},
		{"GET", "/api/v1/cases?phone=13900001111&number=K-000042", "", call{name: "CaseList", arg: service.CaseFilter{Phone: "13900001111", Number: "K-000042"}}, 200},
		{"POST", "/api/v1/cases", `{"source":"dealer","dealer":"苏宁南京店","fields":{"customer_name":" 周敏 ","phone":"13900002222"},"category":"technical","priority":"P2"}`,
			call{name: "CaseCreate", arg: service.NewCaseParams{Source: "dealer", Dealer: "苏宁南京店", Category: cases.CategoryTechnical, Priority: cases.P2,
				Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "周敏", cases.FieldPhone: "13900002222"}}}, 201},
		{"GET", "/api/v1/cases/42", "", call{name: "CaseGet", id: 42}, 200},
		{"POST", "/api/v1/cases/42/override", `{"category":"quality","subtype":"defect","priority":"P1","department":"quality_control","reason":"batch recall"}`,
			call{name: "CaseOverride", id: 42, arg: cases.OverrideParams{Category: cases.CategoryQuality, Subtype: "defect", Priority: cases.P1, Department: cases.DeptQualityControl, Reason: "batch recall"}}, 200},
		{"POST", "/api/v1/cases/42/override", `{"priority":"P3","reason":"not urgent"}`,
			call{name: "CaseOverride", id: 42, arg: cases.OverrideParams{Priority: cases.P3, Reason: "not urgent"}}, 200},
		{"POST", "/api/v1/cases/42/plan", `{"type":"onsite_repair","description":"replace board","promised_at":"2025-03-02T18:00:00+08:00","visit_at":"2025-03-02T09:30:00Z"}`,
			call{name: "CasePlan", id: 42, arg: cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "replace board", PromisedAt: promised, VisitAt: visit}}, 200},
		{"POST", "/api/v1/cases/42/plan", `{"type":"reship","description":"send again","promised_at":"2025-03-02T18:00:00+08:00","same_city":true}`,
			call{name: "CasePlan", id: 42, arg: cases.PlanParams{Type: cases.PlanReship, Description: "send again", PromisedAt: promised, SameCity: true}}, 200},
		{"POST", "/api/v1/cases/42/approve", `{"comment":"go"}`, call{name: "CaseApprove", id: 42, arg: "go"}, 200},
		{"POST", "/api/v1/cases/42/assign", `{"user_id":9,"reason":"熟悉机型"}`, call{name: "CaseAssign", id: 42, arg: "9:熟悉机型"}, 200},
		{"POST", "/api/v1/cases/42/assign", `{"user_id":0}`, call{name: "CaseAssign", id: 42, arg: "0:"}, 200},
		{"POST", "/api/v1/cases/42/fields", `{"fields":{"phone":"13900001112"},"reason":"客户来电更正"}`, call{name: "CaseEditFields", id: 42, arg: "map[phone:13900001112]:客户来电更正"}, 200},
		{"GET", "/api/v1/cases?assignee=me&open=true", "", call{name: "CaseList", arg: service.CaseFilter{Assignee: 7, Open: true}}, 200},
		{"GET", "/api/v1/cases?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&channel=webchat&category=technical&subtype=crash&source=dealer&clock=start_by&clock_status=missed", "",
			call{name: "CaseList", arg: service.CaseFilter{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
				Channel: "webchat", Category: cases.CategoryTechnical, Subtype: "crash", Source: "dealer", Clock: cases.ClockStartBy, ClockStatus: cases.ClockMissed}}, 200},
		{"GET", "/api/v1/cases?clock=plan", "", call{name: "CaseList", arg: service.CaseFilter{Clock: cases.ClockPlan}}, 200},
		{"POST", "/api/v1/cases/42/approve", `{}`, call{name: "CaseApprove", id: 42, arg: ""}, 200},
		{"POST", "/api/v1/cases/42/reject", `{"comment":"too slow"}`, call{name: "CaseReject", id: 42, arg: "too slow"}, 200},
		{"POST", "/api/v1/cases/42/notes", `{"text":"engineer booked","visible":true}`, call{name: "CaseNote", id: 42, arg: cases.NoteParams{Text: "engineer booked", Visible: true}}, 200},
		{"POST", "/api/v1/cases/42/notes", `{"text":"internal only"}`, call{name: "CaseNote", id: 42, arg: cases.NoteParams{Text: "internal only"}}, 200},
		{"POST", "/api/v1/cases/42/plan-change", `{"reason":"part out of stock","alternative":"loaner unit tomorrow","plan":{"type":"exchange","description":"new unit","promised_at":"2025-03-02T18:00:00+08:00"}}`,
			call{name: "CaseChangePlan", id: 42, arg: cases.ChangePlanParams{Reason: "part out of stock", Alternative: "loaner unit tomorrow", Plan: cases.PlanParams{Type: cases.PlanExchange, Description: "new unit", PromisedAt: promised}}}, 200},
		{"POST", "/api/v1/cases/42/plan-change", `{"reason":"r","alternative":"a"}`,
			call{name: "CaseChangePlan", id: 42, arg: cases.ChangePlanParams{Reason: "r", Alternative: "a"}}, 200},
		{"POST", "/api/v1/cases/42/resolve", `{"proof":"board replaced","attachment":"att-1","link":"https://example.com/r/1"}`,
			call{name: "CaseResolve", id: 42, arg: cases.ResolveParams{Proof: "board replaced", Attachment: "att-1", Link: "https://example.com/r/1"}}, 200},
		{"POST", "/api/v1/cases/42/reopen", `{"reason":"still broken"}`, call{name: "CaseReopen", id: 42, arg: "still broken"}, 200},
		{"POST", "/api/v1/cases/42/close", `{"reason":"duplicate"}`, call{name: "CaseClose", id: 42, arg: "duplicate"}, 200},
		{"GET", "/api/v1/conversations", "", call{name: "Conversations", arg: "waiting_agent"}, 200},
		{"GET", "/api/v1/conversations?phase=agent", "", call{name: "Conversations", arg: "agent"}, 200},
		{"POST", "/api/v1/conversations/9/takeover", "", call{name: "ConversationTakeOver", id: 9}, 204},
		{"GET", "/api/v1/conversations/9/messages", "", call{name: "ConversationMessages", id: 9, arg: [2]int64{0, 500}}, 200},
		{"GET", "/api/v1/conversations/9/messages?after=12&limit=2", "", call{name: "ConversationMessages", id: 9, arg: [2]int64{12, 2}}, 200},
		{"POST", "/api/v1/conversations/9/reply", `{"text":"您好，我是客服小王"}`, call{name: "ConversationReply", id: 9, arg: "您好，我是客服小王"}, 204},
		{"POST", "/api/v1/conversations/9/handback", "", call{name: "ConversationHandBack", id: 9}, 204},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, tt.method, tt.path, tt.body, "")
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			tt.want.user = head
			calls := b.svc.Calls()
			if len(calls) != 1 || !reflect.DeepEqual(inUTC(calls[0]), inUTC(tt.want)) {
				t.Fatalf("calls = %+v\nwant     %+v", calls, tt.want)
			}
			switch tt.status {
			case http.StatusNoContent:
				if w.Body.Len() != 0 {
					t.Errorf("204 with body %s", w.Body)
				}
			default:
				var v map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
					t.Fatalf("body %s: %v", w.Body, err)
				}
				if tt.method == "POST" {
					if c, _ := v["case"].(map[string]any); c["number"] != "K-000042" {
						t.Errorf("body = %s, want the changed case", w.Body)
					}
				}
			}
			line := logLine(t, b.logs.String())
			if line["user_id"] != float64(7) || line["method"] != tt.method || line["status"] != float64(tt.status) {
				t.Errorf("log = %v", line)
			}
			if strings.Contains(tt.path, "/cases/42") && line["case_id"] != float64(42) {
				t.Errorf("log = %v, want case_id", line)
			}
			if strings.Contains(tt.path, "/conversations/9") && line["conversation_id"] != float64(9) {
				t.Errorf("log = %v, want conversation_id", line)
			}
		})
	}
}

// inUTC puts the times of a call's params in UTC, so that calls compare by
// instant: time.Parse picks time.Local for an offset Local uses, which
// would make DeepEqual depend on the machine's zone.
func inUTC(c call) call {
	utc := func(p cases.PlanParams) cases.PlanParams {
		p.PromisedAt, p.VisitAt = p.PromisedAt.UTC(), p.VisitAt.UTC()
		return p
	}
	switch p := c.arg.(type) {
	case cases.PlanParams:
		c.arg = utc(p)
	case cases.ChangePlanParams:
		p.Plan = utc(p.Plan)
		c.arg = p
	}
	return c
}

func TestCaseDetailView(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/cases/42", "", "")
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d; body %s", w.Code, w.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"case": map[string]any{
			"id": 42.0, "number": "K-000042", "customer_id": 5.0, "conversation_id": 9.0,
			"channel": "wechat", "source": "wechat", "language": "zh",
			"fields":   map[string]any{"product_model": "KX-200", "phone": "13800000000"},
			"category": "technical", "subtype": "no_power", "priority": "P1",
			"reasons": []any{"safety: smoke"}, "department": "technical_support",
			"state": "planned", "escalated": true,
			"deadlines":  map[string]any{"first_response": "2025-03-01T10:30:00+08:00", "start_by": "2025-03-01T14:00:00+08:00"},
			"milestones": map[string]any{"plan_written": "2025-03-01T11:00:00+08:00"},
			"plan": map[string]any{
				"type": "onsite_repair", "description": "replace board",
				"promised_at": "2025-03-02T16:00:00+08:00", "visit_at": "2025-03-02T06:00:00+08:00",
				"same_city": false, "version": 2.0, "status": "in_effect", "author": "user:3",
				"written_at": "2025-03-01T11:00:00+08:00", "decided_by": "user:7",
				"decided_at": "2025-03-01T11:30:00+08:00", "comment": "ok",
			},
			"resolution": map[string]any{"proof": "board replaced", "link": "https://example.com/r/1", "by": "user:3", "at": "2025-03-02T11:00:00+08:00"},
			"complaints": []any{},
			"created_at": "2025-03-01T10:00:00+08:00", "updated_at": "2025-03-01T11:00:00+08:00",
		},
		"history": []any{
			map[string]any{"at": "2025-03-01T10:00:00+08:00", "actor": "bot", "action": "registered", "field": "", "from": "", "to": "", "reason": "", "visible": false},
			map[string]any{"at": "2025-03-01T12:00:00+08:00", "actor": "user:3", "action": "note", "field": "", "from": "", "to": "engineer booked", "reason": "", "visible": true},
		},
		"messages": []any{
			map[string]any{"id": 1.0, "direction": "in", "text": "冒烟了", "at": "2025-03-01T10:00:00+08:00"},
			map[string]any{"id": 2.0, "direction": "out", "text": "请问型号？", "field": "product_model", "kind": "reply",
				"choices": []any{map[string]any{"value": "KX-200", "label": "KX-200"}}, "at": "2025-03-01T10:01:00+08:00"},
		},
		"clocks": []any{
			map[string]any{"name": "start_by", "start": "2025-03-01T10:00:00+08:00", "due": "2025-03-01T14:00:00+08:00", "status": "pending"},
			map[string]any{"name": "resolve_notice", "status": "none"},
		},
		"attachments": []any{
			map[string]any{"id": 3.0, "name": "dent.jpg", "content_type": "image/jpeg", "size": 2048.0, "message_id": 1.0, "created_at": "2025-03-01T10:00:00+08:00"},
			map[string]any{"id": 4.0, "name": "media-1", "content_type": "image/jpeg", "size": 0.0, "url": "https://mmbiz.qpic.cn/pic/1.jpg", "created_at": "2025-03-01T10:01:00+08:00"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("got %s", g)
	}
}

func TestEmptyCaseView(t *testing.T) {
	t.Parallel()
	// A case fresh from intake: no plan or resolution (null, not absent),
	// no fields or reasons (empty, not null), no deadlines (omitted).
	v, err := json.Marshal(newCaseView(&cases.Case{ID: 1, Number: "K-000001", State: cases.StateRegistered, CreatedAt: t0, UpdatedAt: t0}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"plan":null`, `"resolution":null`, `"fields":{}`, `"reasons":[]`, `"deadlines":{}`, `"milestones":{}`} {
		if !bytes.Contains(v, []byte(want)) {
			t.Errorf("%s lacks %s", v, want)
		}
	}
}

func TestListViews(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/cases", "", "")
	var cl struct {
		Cases []struct {
			ID     int64  `json:"id"`
			Number string `json:"number"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &cl); err != nil || len(cl.Cases) != 2 || cl.Cases[1].Number != "K-000043" {
		t.Errorf("cases = %s (%v)", w.Body, err)
	}
	w = b.do(t, "GET", "/api/v1/conversations", "", "")
	want := `{"conversations":[{"id":9,"channel":"wechat","external_user_id":"oABC","phase":"waiting_agent","handoff_reason":"asked for a human","case_id":42,"case_number":"K-000042","updated_at":"2025-03-01T10:00:00+08:00"}]}`
	if got := strings.TrimSpace(w.Body.String()); got != want {
		t.Errorf("conversations = %s\nwant            %s", got, want)
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		message                  string // prefix of the error message
	}{
		{"unknown field", "POST", "/api/v1/cases/42/notes", `{"text":"x","visibel":true}`, "visibel: unknown field"},
		{"unknown nested field", "POST", "/api/v1/cases/42/plan-change", `{"reason":"r","alternative":"a","plan":{"kind":"x"}}`, "kind: unknown field"},
		{"wrong type", "POST", "/api/v1/cases/42/notes", `{"text":"x","visible":"yes"}`, "visible: expected a boolean, got string"},
		{"wrong nested type", "POST", "/api/v1/cases/42/plan-change", `{"plan":{"same_city":1}}`, "plan.same_city: expected a boolean, got number"},
		{"plan not an object", "POST", "/api/v1/cases/42/plan-change", `{"plan":"soon"}`, "plan: expected an object, got string"},
		{"not an object", "POST", "/api/v1/cases/42/reopen", `["x"]`, "body: a JSON object is required"},
		{"null", "POST", "/api/v1/cases/42/reopen", `null`, "body: a JSON object is required"},
		{"empty body", "POST", "/api/v1/cases/42/approve", ``, "body: a JSON object is required"},
		{"assign without a user", "POST", "/api/v1/cases/42/assign", `{"reason":"x"}`, "user_id: required"},
		{"no fields", "POST", "/api/v1/cases/42/fields", `{"fields":{}}`, "fields: at least one field is required"},
		{"assignee not a number", "GET", "/api/v1/cases?assignee=wang", ``, "assignee: \"wang\" is not me or a user id"},
		{"syntax", "POST", "/api/v1/cases/42/reopen", `{"reason":}`, "body: invalid JSON at byte"},
		{"truncated", "POST", "/api/v1/cases/42/reopen", `{"reason":"x"`, "body: truncated JSON"},
		{"two values", "POST", "/api/v1/cases/42/reopen", `{"reason":"x"} {"reason":"y"}`, "body: unexpected data after the JSON object"},
		{"bad time", "POST", "/api/v1/cases/42/plan", `{"type":"refund","description":"d","promised_at":"tomorrow"}`, `plan.promised_at: "tomorrow" is not an RFC 3339 time`},
		{"time without zone", "POST", "/api/v1/cases/42/plan", `{"type":"refund","description":"d","promised_at":"2025-03-02T18:00:00"}`, "plan.promised_at:"},
		{"bad visit time", "POST", "/api/v1/cases/42/plan", `{"promised_at":"2025-03-02T18:00:00Z","visit_at":"2025-03-02"}`, "plan.visit_at:"},
		{"bad nested time", "POST", "/api/v1/cases/42/plan-change", `{"reason":"r","alternative":"a","plan":{"promised_at":"2025-13-01T00:00:00Z"}}`, "plan.promised_at:"},
		{"time as number", "POST", "/api/v1/cases/42/plan", `{"promised_at":1740000000}`, "promised_at: expected a string, got number"},
		{"empty reply", "POST", "/api/v1/conversations/9/reply", `{"text":"  "}`, "text: required"},
		{"zero id", "GET", "/api/v1/cases/0", "", `id: "0" is not a positive integer`},
		{"negative id", "POST", "/api/v1/cases/-1/close", `{}`, `id: "-1" is not a positive integer`},
		{"plus id", "POST", "/api/v1/cases/+5/close", `{}`, `id: "+5" is not a positive integer`},
		{"word id", "GET", "/api/v1/cases/K-000042", "", `id: "K-000042" is not a positive integer`},
		{"huge id", "POST", "/api/v1/conversations/99999999999999999999/takeover", "", `id: "99999999999999999999" is not a positive integer`},
		{"fraction id", "POST", "/api/v1/conversations/1.5/handback", "", `id: "1.5" is not a positive integer`},
		{"unknown query", "GET", "/api/v1/cases?dept=logistics", "", "dept: unknown query parameter"},
		{"repeated query", "GET", "/api/v1/cases?state=assigned&state=planned", "", "state: given 2 times"},
		{"bad department", "GET", "/api/v1/cases?department=sales", "", `department: "sales" is not one of`},
		{"bad state", "GET", "/api/v1/cases?state=open", "", `state: "open" is not one of`},
		{"bad priority", "GET", "/api/v1/cases?priority=p1", "", `priority: "p1" is not one of`},
		{"bad overdue", "GET", "/api/v1/cases?overdue=maybe", "", `overdue: "maybe" is not true or false`},
		{"zero limit", "GET", "/api/v1/cases?limit=0", "", `limit: "0" is not a whole number from 1 to 1000`},
		{"huge limit", "GET", "/api/v1/cases?limit=5000", "", `limit: "5000"`},
		{"bad cursor", "GET", "/api/v1/cases?before=abc", "", `before: "abc" is not a case id`},
		{"bad category", "GET", "/api/v1/cases?category=tech", "", `category: "tech" is not one of`},
		{"bad from", "GET", "/api/v1/cases?from=2025-03-01", "", `from: "2025-03-01" is not an RFC 3339 time`},
		{"bad clock", "GET", "/api/v1/cases?clock=survey", "", `clock: "survey" is not one of`},
		{"status without a clock", "GET", "/api/v1/cases?clock_status=met", "", "clock_status: needs a clock"},
		{"bad clock status", "GET", "/api/v1/cases?clock=plan&clock_status=none", "", `clock_status: "none" is not one of met, missed, pending`},
		{"bad after", "GET", "/api/v1/conversations/9/messages?after=-1", "", `after: "-1" is not a message id`},
		{"huge message limit", "GET", "/api/v1/conversations/9/messages?limit=501", "", `limit: "501" is not a whole number from 1 to 500`},
		{"conversations unknown query", "GET", "/api/v1/conversations?phase=agent&all=1", "", "all: unknown query parameter"},
		{"bad query escape", "GET", "/api/v1/cases?state=%zz", "", "query:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, tt.method, tt.path, tt.body, "")
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", w.Code, w.Body)
			}
			e := decodeError(t, w)
			if e.Error != cases.EInvalid || !strings.HasPrefix(e.Message, tt.message) {
				t.Errorf("body = %+v, want message starting %q", e, tt.message)
			}
			if calls := b.svc.Calls(); len(calls) != 0 {
				t.Errorf("service called with a malformed request: %+v", calls)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"text":"` + strings.Repeat("长", MaxBodyBytes/3+1) + `"}`
	fits := `{"text":"` + strings.Repeat("a", MaxBodyBytes-20) + `"}`
	tests := []struct {
		name, path, body string
		status           int
	}{
		{"note", "/api/v1/cases/42/notes", big, 413},
		{"reply", "/api/v1/conversations/9/reply", big, 413},
		{"trailing garbage", "/api/v1/cases/42/notes", `{"text":"x"}` + strings.Repeat(" ", MaxBodyBytes), 413},
		{"just fits", "/api/v1/cases/42/notes", fits, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, "POST", tt.path, tt.body, "")
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %.200s", w.Code, tt.status, w.Body)
			}
			if tt.status == 413 {
				if e := decodeError(t, w); e.Error != cases.ETooLarge || !strings.HasPrefix(e.Message, "body: larger than 65536 bytes") {
					t.Errorf("body = %+v", e)
				}
				if calls := b.svc.Calls(); len(calls) != 0 {
					t.Errorf("service called: %d calls", len(calls))
				}
			}
		})
	}
}

func TestUnmatchedRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/api/v1/nothing", 404, ""},
		{"GET", "/api/v1/cases/42/history", 404, ""},
		{"GET", "/api/v2/cases", 404, ""},
		{"DELETE", "/api/v1/cases/42", 405, "GET, HEAD"},
		{"GET", "/api/v1/cases/42/approve", 405, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			w := b.do(t, tt.method, tt.path, "", "")
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			decodeError(t, w)
			if got := w.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

// TestOpenAPICoversRoutes checks that the document lists exactly the
// routes the mux serves. The paths are read with a line scan: a path is a
// key indented two spaces under "paths:", an operation a method key
// indented four spaces under it.
func TestOpenAPICoversRoutes(t *testing.T) {
	t.Parallel()
	var documented []string
	inPaths, path := false, ""
	sc := bufio.NewScanner(bytes.NewReader(openAPIDoc))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
		case !strings.HasPrefix(line, " "):
			inPaths = line == "paths:"
		case !inPaths:
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     "):
			key := strings.TrimSuffix(strings.TrimSpace(line), ":")
			switch key {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				documented = append(documented, strings.ToUpper(key)+" "+path)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var served []string
	for _, rt := range New(&fakeService{}, nil).routes() {
		served = append(served, rt.method+" "+rt.path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if len(documented) == 0 {
		t.Fatal("no operations found in openapi.yaml")
	}
	for _, op := range served {
		if _, ok := slices.BinarySearch(documented, op); !ok {
			t.Errorf("%s is served but not in openapi.yaml", op)
		}
	}
	for _, op := range documented {
		if _, ok := slices.BinarySearch(served, op); !ok {
			t.Errorf("%s is in openapi.yaml but not served", op)
		}
	}
	if len(slices.Compact(slices.Clone(documented))) != len(documented) {
		t.Errorf("an operation is documented twice: %v", documented)
	}
}

// TestOpenAPIRefsResolve catches a renamed schema left referenced.
func TestOpenAPIRefsResolve(t *testing.T) {
	t.Parallel()
	doc := string(openAPIDoc)
	defined := map[string]bool{}
	section := ""
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(line, ":") {
			section = strings.TrimSuffix(strings.TrimSpace(line), ":")
		}
		if strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     ") && strings.HasSuffix(line, ":") {
			defined[section+"/"+strings.TrimSuffix(strings.TrimSpace(line), ":")] = true
		}
	}
	n := 0
	for rest := doc; ; {
		i := strings.Index(rest, `"#/components/`)
		if i < 0 {
			break
		}
		rest = rest[i+len(`"#/components/`):]
		ref, _, _ := strings.Cut(rest, `"`)
		n++
		if !defined[ref] {
			t.Errorf("$ref #/components/%s is not defined", ref)
		}
	}
	if n == 0 {
		t.Fatal("no $refs found")
	}
}
