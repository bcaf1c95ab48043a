package webchat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

const testSession = "sess_0123456789abcdef"

// testNow is the fixed clock of every test.
func testNow() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }

// fakeService stands in for the kefu service: it is the Inbox and the
// History, storing each inbound message the way the real one does.
type fakeService struct {
	mu         sync.Mutex
	convs      map[string]int64
	msgs       map[int64][]channels.StoredMessage
	receipts   map[string]channels.Receipt
	received   []channels.Inbound
	nextID     int64
	receiveErr error
	rejected   []string // reason + raw body, kept by Reject
}

func (s *fakeService) Reject(_ context.Context, ch channels.ID, reason string, raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = append(s.rejected, string(ch)+" "+reason+" "+string(raw))
}

func newFakeService() *fakeService {
	return &fakeService{
		convs:    make(map[string]int64),
		msgs:     make(map[int64][]channels.StoredMessage),
		receipts: make(map[string]channels.Receipt),
	}
}

func (s *fakeService) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, in)
	if s.receiveErr != nil {
		return channels.Receipt{}, s.receiveErr
	}
	if r, ok := s.receipts[in.ExternalMessageID]; ok {
		r.Duplicate = true
		return r, nil
	}
	conv, ok := s.convs[in.ExternalUserID]
	if !ok {
		conv = int64(100 + len(s.convs))
		s.convs[in.ExternalUserID] = conv
	}
	id := s.addLocked(conv, channels.StoredMessage{Direction: "in", Text: in.Text})
	r := channels.Receipt{ConversationID: conv, MessageID: id}
	s.receipts[in.ExternalMessageID] = r
	return r, nil
}

func (s *fakeService) Conversation(ctx context.Context, session string) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[session]
	return c, ok, nil
}

func (s *fakeService) Messages(ctx context.Context, conv, after int64, limit int) ([]channels.StoredMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []channels.StoredMessage
	for _, m := range s.msgs[conv] {
		if m.ID > after && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

// startConversation gives session a conversation with n bot messages.
func (s *fakeService) startConversation(session string, n int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := int64(100 + len(s.convs))
	s.convs[session] = conv
	for i := range n {
		s.addLocked(conv, channels.StoredMessage{Direction: "out", Text: "bot " + strconv.Itoa(i+1)})
	}
	return conv
}

// addOut stores a bot message, as the outbox worker would.
func (s *fakeService) addOut(conv int64, m channels.StoredMessage) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.Direction = "out"
	return s.addLocked(conv, m)
}

func (s *fakeService) addLocked(conv int64, m channels.StoredMessage) int64 {
	s.nextID++
	m.ID = s.nextID
	m.At = testNow()
	s.msgs[conv] = append(s.msgs[conv], m)
	return m.ID
}

func (s *fakeService) inbound() []channels.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]channels.Inbound(nil), s.received...)
}

type testBundle struct {
	ch  *Channel
	svc *fakeService
	srv *httptest.Server
	log *bytes.Buffer
}

func setup(t *testing.T, cfg Config) *testBundle {
	t.Helper()
	svc := newFakeService()
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf}, nil))
	ch := New(cfg, svc, svc, testNow, log)
	srv := httptest.NewServer(ch.Handler())
	t.Cleanup(srv.Close)
	return &testBundle{ch: ch, svc: svc, srv: srv, log: &logBuf}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func postBody(session, clientID, text, choice string) []byte {
	b, _ := json.Marshal(map[string]string{
		"session": session, "client_message_id": clientID, "text": text, "choice": choice,
	})
	return b
}

func (tb *testBundle) post(t *testing.T, contentType string, body []byte) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, tb.srv.URL+"/api/webchat/messages", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

func (tb *testBundle) get(t *testing.T, path string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, tb.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, raw)
	}
	if got := res.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	return res, body
}

func TestPostMessage(t *testing.T) {
	t.Parallel()

	invalidUTF8 := []byte(`{"session":"` + testSession + `","client_message_id":"m1","text":"a` + "\xff\xfe" + `b"}`)
	tests := []struct {
		name        string
		contentType string
		body        []byte
		failReceive bool
		wantStatus  int
		wantError   string
		wantText    string // text the inbox must get; only checked on 202
		wantChoice  string
	}{
		{name: "text", body: postBody(testSession, "m1", "我的订单还没到", ""), wantStatus: 202, wantText: "我的订单还没到"},
		{name: "choice only", body: postBody(testSession, "m1", "", "logistics"), wantStatus: 202, wantChoice: "logistics"},
		{name: "choice with label", body: postBody(testSession, "m1", "物流问题", "logistics"), wantStatus: 202, wantText: "物流问题", wantChoice: "logistics"},
		{name: "charset parameter", contentType: "application/json; charset=utf-8", body: postBody(testSession, "m1", "hi", ""), wantStatus: 202, wantText: "hi"},
		{name: "markup passed through unchanged", body: postBody(testSession, "m1", `<script>alert("x")</script><b>&amp;`, ""), wantStatus: 202, wantText: `<script>alert("x")</script><b>&amp;`},
		{name: "newlines kept", body: postBody(testSession, "m1", "line 1\nline 2", ""), wantStatus: 202, wantText: "line 1\nline 2"},
		{name: "invalid UTF-8 repaired", body: invalidUTF8, wantStatus: 202, wantText: "a\uFFFD\uFFFDb"},
		{name: "text at the limit", body: postBody(testSession, "m1", strings.Repeat("客", 4096/3), ""), wantStatus: 202, wantText: strings.Repeat("客", 4096/3)},
		{name: "text over the limit", body: postBody(testSession, "m1", strings.Repeat("客", 4096/3+1), ""), wantStatus: 413, wantError: "message_too_large"},
		{name: "body over the limit", body: postBody(testSession, "m1", strings.Repeat("\n", 20000), ""), wantStatus: 413, wantError: "message_too_large"},
		{name: "invalid JSON", body: []byte(`{"session":`), wantStatus: 400, wantError: "invalid_json"},
		{name: "JSON not an object", body: []byte(`["hi"]`), wantStatus: 400, wantError: "invalid_json"},
		{name: "empty message", body: postBody(testSession, "m1", "", ""), wantStatus: 400, wantError: "empty_message"},
		{name: "blank message", body: postBody(testSession, "m1", " \n\t", ""), wantStatus: 400, wantError: "empty_message"},
		{name: "session too short", body: postBody("abc", "m1", "hi", ""), wantStatus: 400, wantError: "invalid_session"},
		{name: "session too long", body: postBody(strings.Repeat("a", 65), "m1", "hi", ""), wantStatus: 400, wantError: "invalid_session"},
		{name: "session bad characters", body: postBody("sess/0123456789abcdef", "m1", "hi", ""), wantStatus: 400, wantError: "invalid_session"},
		{name: "missing client message id", body: postBody(testSession, "", "hi", ""), wantStatus: 400, wantError: "invalid_client_message_id"},
		{name: "client message id too long", body: postBody(testSession, strings.Repeat("m", 65), "hi", ""), wantStatus: 400, wantError: "invalid_client_message_id"},
		{name: "text/plain", contentType: "text/plain", body: postBody(testSession, "m1", "hi", ""), wantStatus: 415, wantError: "unsupported_media_type"},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: []byte("text=hi"), wantStatus: 415, wantError: "unsupported_media_type"},
		{name: "no content type", contentType: "-", body: postBody(testSession, "m1", "hi", ""), wantStatus: 415, wantError: "unsupported_media_type"},
		{name: "inbox fails", body: postBody(testSession, "m1", "hi", ""), failReceive: true, wantStatus: 500, wantError: "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, Config{})
			if tt.failReceive {
				tb.svc.receiveErr = errors.New("database is locked: secret detail")
			}
			ct := tt.contentType
			switch ct {
			case "":
				ct = "application/json"
			case "-":
				ct = ""
			}
			res, body := tb.post(t, ct, tt.body)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %v", res.StatusCode, tt.wantStatus, body)
			}
			if tt.wantError != "" {
				if body["error"] != tt.wantError {
					t.Errorf("error = %v, want %q", body["error"], tt.wantError)
				}
				if tt.wantStatus == 413 && body["limit"] != float64(4096) {
					t.Errorf("limit = %v, want 4096", body["limit"])
				}
				if tt.failReceive {
					if len(body) != 1 {
						t.Errorf("500 body leaks more than the code: %v", body)
					}
					if !strings.Contains(tb.log.String(), "secret detail") || !strings.Contains(tb.log.String(), "session="+testSession) {
						t.Errorf("inbox error not logged with the session:\n%s", tb.log.String())
					}
				} else if got := len(tb.svc.inbound()); got != 0 {
					t.Errorf("rejected message reached the inbox %d times", got)
				}
				if strings.HasPrefix(tt.wantError, "invalid_") {
					tb.svc.mu.Lock()
					kept := strings.Join(tb.svc.rejected, "\n")
					tb.svc.mu.Unlock()
					if !strings.Contains(kept, "webchat "+tt.wantError+" "+string(tt.body)) {
						t.Errorf("malformed body not kept for inspection: %q", kept)
					}
				}
				return
			}

			got := tb.svc.inbound()
			if len(got) != 1 {
				t.Fatalf("inbox got %d messages, want 1", len(got))
			}
			in := got[0]
			want := channels.Inbound{
				Channel:           channels.WebChat,
				ExternalMessageID: "m1",
				ExternalUserID:    testSession,
				Text:              tt.wantText,
				Choice:            tt.wantChoice,
				ReceivedAt:        testNow(),
			}
			raw := in.Raw
			in.Raw = nil
			if !equalInbound(in, want) {
				t.Errorf("inbound = %+v\nwant      %+v", in, want)
			}
			if !bytes.Equal(raw, tt.body) {
				t.Errorf("Raw = %q, want the body as sent", raw)
			}
			if body["conversation_id"] != float64(100) || body["message_id"] != float64(1) || body["duplicate"] != false {
				t.Errorf("response = %v", body)
			}
		})
	}
}

func equalInbound(a, b channels.Inbound) bool {
	return a.Channel == b.Channel && a.ExternalMessageID == b.ExternalMessageID &&
		a.ExternalUserID == b.ExternalUserID && a.DisplayName == b.DisplayName &&
		a.Text == b.Text && a.Choice == b.Choice && a.ReceivedAt.Equal(b.ReceivedAt) &&
		len(a.Attachments) == 0 && len(b.Attachments) == 0
}

// TestPostMessageBrowserHints: the browser's language and zone reach the
// inbox; anything that does not look like one is dropped.
func TestPostMessageBrowserHints(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	for i, c := range []struct{ lang, zone, wantLang, wantZone string }{
		{"en-GB", "Europe/London", "en-GB", "Europe/London"},
		{"zh-TW", "Asia/Taipei", "zh-TW", "Asia/Taipei"},
		{"<b>", "Europe/London; DROP", "", ""},
	} {
		body := fmt.Sprintf(`{"session":%q,"client_message_id":"h%d","text":"hi","lang":%q,"zone":%q}`, testSession, i, c.lang, c.zone)
		if res, _ := tb.post(t, "application/json", []byte(body)); res.StatusCode != 202 {
			t.Fatalf("status %d", res.StatusCode)
		}
		in := tb.svc.inbound()
		if got := in[len(in)-1]; got.Lang != c.wantLang || got.Zone != c.wantZone {
			t.Errorf("lang %q zone %q: inbox got %q %q", c.lang, c.zone, got.Lang, got.Zone)
		}
	}
}

func TestPostMessageRetryIsDuplicate(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	body := postBody(testSession, "client-1", "hello", "")

	res1, first := tb.post(t, "application/json", body)
	res2, second := tb.post(t, "application/json", body)
	if res1.StatusCode != 202 || res2.StatusCode != 202 {
		t.Fatalf("statuses %d, %d, want 202 twice", res1.StatusCode, res2.StatusCode)
	}
	if first["duplicate"] != false || second["duplicate"] != true {
		t.Errorf("duplicate flags %v, %v, want false then true", first["duplicate"], second["duplicate"])
	}
	if first["message_id"] != second["message_id"] || first["conversation_id"] != second["conversation_id"] {
		t.Errorf("retry answered %v, first answer %v", second, first)
	}
}

func TestPostMessageSmallerLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{MaxMessageBytes: 10})
	res, body := tb.post(t, "application/json", postBody(testSession, "m1", "12345678901", ""))
	if res.StatusCode != 413 || body["limit"] != float64(10) {
		t.Errorf("got %d %v, want 413 with limit 10", res.StatusCode, body)
	}
	res, _ = tb.post(t, "application/json", postBody(testSession, "m2", "1234567890", ""))
	if res.StatusCode != 202 {
		t.Errorf("text at the limit: status %d, want 202", res.StatusCode)
	}
}

func TestPoll(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	conv := tb.svc.startConversation(testSession, 4)

	tests := []struct {
		name       string
		query      string
		wantStatus int
		wantError  string
		wantConv   int64
		wantIDs    []int64
	}{
		{name: "all", query: "session=" + testSession, wantStatus: 200, wantConv: conv, wantIDs: []int64{1, 2, 3, 4}},
		{name: "after 0", query: "session=" + testSession + "&after=0", wantStatus: 200, wantConv: conv, wantIDs: []int64{1, 2, 3, 4}},
		{name: "after 2", query: "session=" + testSession + "&after=2", wantStatus: 200, wantConv: conv, wantIDs: []int64{3, 4}},
		{name: "nothing new", query: "session=" + testSession + "&after=4", wantStatus: 200, wantConv: conv, wantIDs: []int64{}},
		{name: "no conversation yet", query: "session=other_0123456789abcdef", wantStatus: 200, wantConv: 0, wantIDs: []int64{}},
		{name: "missing session", query: "after=0", wantStatus: 400, wantError: "invalid_session"},
		{name: "bad after", query: "session=" + testSession + "&after=x", wantStatus: 400, wantError: "invalid_after"},
		{name: "negative after", query: "session=" + testSession + "&after=-1", wantStatus: 400, wantError: "invalid_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, body := tb.get(t, "/api/webchat/messages?"+tt.query)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %v", res.StatusCode, tt.wantStatus, body)
			}
			if tt.wantError != "" {
				if body["error"] != tt.wantError {
					t.Errorf("error = %v, want %q", body["error"], tt.wantError)
				}
				return
			}
			if body["conversation_id"] != float64(tt.wantConv) {
				t.Errorf("conversation_id = %v, want %d", body["conversation_id"], tt.wantConv)
			}
			msgs, ok := body["messages"].([]any)
			if !ok {
				t.Fatalf("messages = %#v, want a list (never null)", body["messages"])
			}
			ids := []int64{}
			for _, m := range msgs {
				ids = append(ids, int64(m.(map[string]any)["id"].(float64)))
			}
			if !equalIDs(ids, tt.wantIDs) {
				t.Errorf("ids = %v, want %v", ids, tt.wantIDs)
			}
		})
	}
}

func TestPollPagesThroughLongHistory(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	tb.svc.startConversation(testSession, pageSize*2+5)
	_, body := tb.get(t, "/api/webchat/messages?session="+testSession)
	if got := len(body["messages"].([]any)); got != pageSize*2+5 {
		t.Errorf("got %d messages, want %d", got, pageSize*2+5)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type sseEvent struct {
	id, event string
	msg       channels.StoredMessage
}

// openStream connects to the SSE endpoint. The context deadline is the
// safety net: a missing event fails the read instead of hanging the test.
func (tb *testBundle) openStream(t *testing.T, query string, header http.Header) (*http.Response, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tb.srv.URL+"/api/webchat/stream?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res, bufio.NewReader(res.Body)
}

// readEvent returns the next event, skipping comments and retry hints.
func readEvent(t *testing.T, r *bufio.Reader) sseEvent {
	t.Helper()
	var ev sseEvent
	var data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading stream: %v (partial event %+v)", err, ev)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if data == "" {
				continue // end of a comment or retry block
			}
			if err := json.Unmarshal([]byte(data), &ev.msg); err != nil {
				t.Fatalf("event data %q: %v", data, err)
			}
			return ev
		case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry: "):
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			ev.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data += strings.TrimPrefix(line, "data: ")
		default:
			t.Fatalf("unexpected stream line %q", line)
		}
	}
}

func readIDs(t *testing.T, r *bufio.Reader, n int) []int64 {
	t.Helper()
	var ids []int64
	for range n {
		ev := readEvent(t, r)
		if ev.event != "message" || ev.id != strconv.FormatInt(ev.msg.ID, 10) {
			t.Errorf("event %+v: want event message with id = data id", ev)
		}
		ids = append(ids, ev.msg.ID)
	}
	return ids
}

func TestStreamHistoryThenDelivered(t *testing.T) {
	t.Parallel()
	// A long poll interval: only Delivered can wake the stream in time.
	tb := setup(t, Config{PollInterval: time.Hour})
	conv := tb.svc.startConversation(testSession, 2)

	res, r := tb.openStream(t, "session="+testSession+"&after=0", nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := readIDs(t, r, 2); !equalIDs(got, []int64{1, 2}) {
		t.Fatalf("history ids %v, want [1 2]", got)
	}

	choices := []channels.Choice{{Value: "quality", Label: "质量问题"}}
	id := tb.svc.addOut(conv, channels.StoredMessage{Text: "请选择\n分类", Field: "category", Choices: choices})
	tb.ch.Delivered(t.Context(), conv)

	ev := readEvent(t, r)
	if ev.msg.ID != id || ev.msg.Text != "请选择\n分类" || ev.msg.Field != "category" ||
		len(ev.msg.Choices) != 1 || ev.msg.Choices[0] != choices[0] || ev.msg.Direction != "out" {
		t.Errorf("delivered event = %+v", ev.msg)
	}
}

func TestStreamResumesAfterLastEventID(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{PollInterval: time.Hour})
	tb.svc.startConversation(testSession, 4)

	tests := []struct {
		name        string
		after       string
		lastEventID string
		want        int64
	}{
		{name: "after", after: "2", want: 3},
		{name: "Last-Event-ID", after: "0", lastEventID: "3", want: 4},
		{name: "the later of both", after: "3", lastEventID: "1", want: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.lastEventID != "" {
				h.Set("Last-Event-ID", tt.lastEventID)
			}
			_, r := tb.openStream(t, "session="+testSession+"&after="+tt.after, h)
			if got := readEvent(t, r).msg.ID; got != tt.want {
				t.Errorf("first id %d, want %d", got, tt.want)
			}
		})
	}
}

func TestStreamWaitsForTheFirstMessage(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{PollInterval: time.Hour})

	_, r := tb.openStream(t, "session="+testSession+"&after=0", nil)
	// The stream has no conversation to subscribe to yet; the post wakes
	// the session's streams, which then find it.
	res, _ := tb.post(t, "application/json", postBody(testSession, "m1", "你好", ""))
	if res.StatusCode != 202 {
		t.Fatalf("post status %d", res.StatusCode)
	}
	ev := readEvent(t, r)
	if ev.msg.Text != "你好" || ev.msg.Direction != "in" {
		t.Errorf("event = %+v, want the customer's message", ev.msg)
	}
}

func TestStreamPollsForOtherProcesses(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{PollInterval: 5 * time.Millisecond})
	conv := tb.svc.startConversation(testSession, 1)

	_, r := tb.openStream(t, "session="+testSession, nil)
	readIDs(t, r, 1)
	// Stored without Delivered, as by another process.
	id := tb.svc.addOut(conv, channels.StoredMessage{Text: "from elsewhere"})
	if got := readEvent(t, r).msg.ID; got != id {
		t.Errorf("id %d, want %d", got, id)
	}
}

func TestStreamBadRequest(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	for _, q := range []string{"", "session=short", "session=" + testSession + "&after=abc"} {
		res, body := tb.get(t, "/api/webchat/stream?"+q)
		if res.StatusCode != 400 || body["error"] == nil {
			t.Errorf("%q: got %d %v, want 400 with an error code", q, res.StatusCode, body)
		}
	}
}

// flushWriter signals each flush, so a test knows how far a stream got
// without reading its output concurrently.
type flushWriter struct {
	header  http.Header
	flushed chan struct{}
}

func (w *flushWriter) Header() http.Header         { return w.header }
func (w *flushWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *flushWriter) WriteHeader(int)             {}
func (w *flushWriter) Flush()                      { w.flushed <- struct{}{} }

func TestStreamUnsubscribesOnDisconnect(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{PollInterval: time.Hour})
	conv := tb.svc.startConversation(testSession, 1)

	ctx, cancel := context.WithCancel(t.Context())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/webchat/stream?session="+testSession, nil)
	w := &flushWriter{header: http.Header{}, flushed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		tb.ch.Handler().ServeHTTP(w, req)
		close(done)
	}()
	<-w.flushed // the retry hint
	<-w.flushed // the history: subscribed by now
	tb.ch.hub.mu.Lock()
	subscribed := len(tb.ch.hub.subs[hubKey{conversation: conv}]) + len(tb.ch.hub.subs[hubKey{session: testSession}])
	tb.ch.hub.mu.Unlock()
	if subscribed != 2 {
		t.Errorf("%d subscriptions while streaming, want 2", subscribed)
	}

	cancel()
	<-done
	tb.ch.hub.mu.Lock()
	defer tb.ch.hub.mu.Unlock()
	if len(tb.ch.hub.subs) != 0 {
		t.Errorf("subscriptions left after disconnect: %v", tb.ch.hub.subs)
	}
}

func TestDeliveredWithoutStreams(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	tb.ch.Delivered(t.Context(), 12345) // must neither block nor panic
}

func TestSend(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	if err := tb.ch.Send(t.Context(), channels.Outbound{OutboxID: 1, Channel: channels.WebChat, ExternalUserID: testSession, Text: "hi"}); err != nil {
		t.Errorf("Send: %v", err)
	}
	if err := tb.ch.Send(t.Context(), channels.Outbound{OutboxID: 2, Channel: channels.WebChat, Text: "hi"}); err == nil {
		t.Error("Send without a session: want an error")
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{Title: `<b>售后</b> & 服务`})

	res, err := http.Get(tb.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	page := string(raw)

	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("page lacks X-Content-Type-Options: nosniff")
	}
	if !strings.Contains(page, "&lt;b&gt;售后&lt;/b&gt; &amp; 服务") {
		t.Errorf("title not escaped into the page:\n%s", page)
	}
	scriptTag := regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	inlineEvent := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	scripts := scriptTag.FindAllStringSubmatch(page, -1)
	if len(scripts) == 0 {
		t.Fatal("page loads no script")
	}
	for _, s := range scripts {
		if !strings.Contains(s[1], `src="webchat.js"`) || strings.TrimSpace(s[2]) != "" {
			t.Errorf("inline or unexpected script: %s", s[0])
		}
	}
	if inlineEvent.MatchString(page) {
		t.Error("page has an inline event handler attribute, which the CSP blocks")
	}
	if strings.Contains(page, "style=") {
		t.Error("page has an inline style attribute, which the CSP blocks")
	}
	if !strings.Contains(page, `name="viewport"`) {
		t.Error("page lacks a viewport meta tag for phones")
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	tests := []struct {
		path, contentType string
		forbidden         []string // APIs that would parse message text as HTML
	}{
		{path: "/webchat.js", contentType: "text/javascript; charset=utf-8",
			forbidden: []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"}},
		{path: "/webchat.css", contentType: "text/css; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			res, err := http.Get(tb.srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			for _, f := range tt.forbidden {
				if bytes.Contains(body, []byte(f)) {
					t.Errorf("%s uses %s", tt.path, f)
				}
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/nope", 404},
		{http.MethodPut, "/api/webchat/messages", 405},
		{http.MethodPost, "/api/webchat/stream", 405},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, tb.srv.URL+tt.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, res.StatusCode, tt.want)
		}
	}
}

// busyErr is how the service says it is too busy for a message now.
type busyErr struct{}

func (busyErr) Error() string { return "too busy" }
func (busyErr) Busy() bool    { return true }

// Too busy to take a message now is answered at once with 503 and a
// Retry-After, which the page retries with the same message id; the
// message is offered as one the peer retries.
func TestPostMessageBusyIsRetried(t *testing.T) {
	t.Parallel()
	tb := setup(t, Config{})
	tb.svc.receiveErr = fmt.Errorf("receive webchat message: %w", busyErr{})
	res, _ := tb.post(t, "application/json", postBody(testSession, "client-busy", "hello", ""))
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("busy: status %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if in := tb.svc.inbound(); len(in) != 1 || !in[0].PeerRetries {
		t.Errorf("the post was not offered as one the page retries: %+v", in)
	}
	tb.svc.mu.Lock()
	tb.svc.receiveErr = nil
	tb.svc.mu.Unlock()
	if res, _ := tb.post(t, "application/json", postBody(testSession, "client-busy", "hello", "")); res.StatusCode != http.StatusAccepted {
		t.Fatalf("the retry: status %d, want 202", res.StatusCode)
	}
}
