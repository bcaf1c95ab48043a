package main

// Shared helpers of the WeChat end-to-end tests (wechat_*_test.go): a
// local fake of the WeChat API, a client that signs and encrypts webhook
// requests the way WeChat's servers do, a controllable clock and a
// collector of the bot's replies however they went out (passive reply in
// the HTTP response or customer-service message through the API).
//
// The client is written from the protocol description, not with
// channels/wechat's or the SDK's helpers, so a misuse on one side cannot
// pass on both:
//
//	signature     = hex(SHA1(sort(token, timestamp, nonce) joined))
//	msg_signature = hex(SHA1(sort(token, timestamp, nonce, Encrypt) joined))
//	AESKey        = base64(EncodingAESKey + "="), IV = AESKey[:16]
//	Encrypt       = base64(AES-256-CBC(PKCS#7 to 32 bytes(random(16) | len(4, BE) | msg | appid)))

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

const (
	wxToken  = "kefu_e2e_token"
	wxAppID  = "wx9e2e0a1b2c3d4e5f"
	wxSecret = "fedcba9876543210fedcba9876543210"
	wxAESKey = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj" // 43 characters
	wxGhID   = "gh_e2e0kefu0001"

	wxPathCustom   = "/cgi-bin/message/custom/send"
	wxPathTemplate = "/cgi-bin/message/template/send"
	wxPathStable   = "/cgi-bin/stable_token"

	wxTemplateProgress = "TPL_E2E_PROGRESS"
	wxTemplateStatus   = "TPL_E2E_STATUS"
)

// ---- the clock ----

// wxClock runs at the speed of the real clock from a chosen start; Jump
// moves it forward. The start is years ahead of the real clock so River,
// which schedules on the real clock, never fires a case timer by itself
// during a test: the tests fire the ones they need.
type wxClock struct {
	mu     sync.Mutex
	base   time.Time
	start  time.Time
	offset time.Duration
}

func newWxClock(base time.Time) *wxClock { return &wxClock{base: base, start: time.Now()} }

func (c *wxClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.start) + c.offset)
}

func (c *wxClock) Jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// wxShanghai is the customers' zone of the default config.
var wxShanghai = time.FixedZone("CST", 8*3600)

// wxEpoch is a Tuesday 10:00 in Beijing, outside quiet hours, and stays
// so for the 49 h jump of the 48-hour-window test.
var wxEpoch = time.Date(2030, 6, 11, 10, 0, 0, 0, wxShanghai)

// ---- the fake WeChat API ----

// wxCall is one recorded API call.
type wxCall struct {
	Path  string
	Token string
	Body  map[string]any
}

// wxAPI is a local WeChat API: stable_token, token, custom send, template
// send and menu create. It records calls, checks the access token and can
// be told to answer the next calls of a path with errcodes.
type wxAPI struct {
	srv *httptest.Server

	mu      sync.Mutex
	token   string
	issued  int
	calls   []wxCall
	inject  map[string][]int
	replies *wxReplies
}

func newWxAPI(tb testing.TB, replies *wxReplies) *wxAPI {
	f := &wxAPI{inject: map[string][]int{}, replies: replies}
	f.rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wxPathStable, f.stableToken)
	mux.HandleFunc("GET /cgi-bin/token", f.classicToken)
	for _, p := range []string{wxPathCustom, wxPathTemplate, "/cgi-bin/menu/create"} {
		mux.HandleFunc("POST "+p, f.authorized)
	}
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *wxAPI) rotate() {
	f.issued++
	f.token = fmt.Sprintf("E2E_ACCESS_TOKEN_%d", f.issued)
}

// fail makes the next calls of path answer these errcodes.
func (f *wxAPI) fail(path string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inject[path] = append(f.inject[path], codes...)
}

func (f *wxAPI) record(r *http.Request) (wxCall, int, error) {
	var body map[string]any
	b, err := io.ReadAll(r.Body)
	if err == nil && len(b) > 0 {
		err = json.Unmarshal(b, &body)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := wxCall{Path: r.URL.Path, Token: r.URL.Query().Get("access_token"), Body: body}
	f.calls = append(f.calls, c)
	code := 0
	if q := f.inject[c.Path]; len(q) > 0 {
		code, f.inject[c.Path] = q[0], q[1:]
	}
	return c, code, err
}

func (f *wxAPI) stableToken(w http.ResponseWriter, r *http.Request) {
	c, code, err := f.record(r)
	switch {
	case err != nil:
		writeWxAPI(w, map[string]any{"errcode": 47001, "errmsg": "data format error"})
		return
	case code != 0:
		writeWxAPI(w, map[string]any{"errcode": code, "errmsg": "injected"})
		return
	case c.Body["grant_type"] != "client_credential" || c.Body["appid"] != wxAppID || c.Body["secret"] != wxSecret:
		writeWxAPI(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
		return
	}
	f.mu.Lock()
	if c.Body["force_refresh"] == true {
		f.rotate()
	}
	tok := f.token
	f.mu.Unlock()
	writeWxAPI(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

func (f *wxAPI) classicToken(w http.ResponseWriter, r *http.Request) {
	_, code, _ := f.record(r)
	q := r.URL.Query()
	if code != 0 || q.Get("appid") != wxAppID || q.Get("secret") != wxSecret {
		writeWxAPI(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
		return
	}
	f.mu.Lock()
	f.rotate()
	tok := f.token
	f.mu.Unlock()
	writeWxAPI(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

func (f *wxAPI) authorized(w http.ResponseWriter, r *http.Request) {
	c, code, err := f.record(r)
	f.mu.Lock()
	valid := c.Token == f.token
	f.mu.Unlock()
	switch {
	case err != nil:
		writeWxAPI(w, map[string]any{"errcode": 47001, "errmsg": "data format error"})
		return
	case !valid:
		writeWxAPI(w, map[string]any{"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
		return
	case code != 0:
		writeWxAPI(w, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("injected %d", code)})
		return
	}
	if c.Path == wxPathCustom && f.replies != nil {
		f.replies.addAPI(c.Body)
	}
	writeWxAPI(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": time.Now().UnixNano()})
}

func writeWxAPI(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	json.NewEncoder(w).Encode(v)
}

// callsTo returns the recorded calls of a path.
func (f *wxAPI) callsTo(path string) []wxCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []wxCall
	for _, c := range f.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// ---- replies, however they went out ----

// wxReply is one message of the bot to a customer.
type wxReply struct {
	Source  string // "passive" (in the HTTP response) or "api" (custom send)
	OpenID  string
	MsgType string // text or msgmenu
	Text    string // the text, or the msgmenu's head_content
	Menu    []wxMenuItem
}

type wxMenuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// item returns the menu item whose label contains label.
func (r wxReply) item(label string) (wxMenuItem, bool) {
	for _, it := range r.Menu {
		if strings.Contains(it.Content, label) {
			return it, true
		}
	}
	return wxMenuItem{}, false
}

type wxReplies struct {
	mu   sync.Mutex
	list []wxReply
}

func (r *wxReplies) add(x wxReply) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, x)
}

func (r *wxReplies) addAPI(body map[string]any) {
	x := wxReply{Source: "api"}
	x.OpenID, _ = body["touser"].(string)
	x.MsgType, _ = body["msgtype"].(string)
	switch x.MsgType {
	case "text":
		t, _ := body["text"].(map[string]any)
		x.Text, _ = t["content"].(string)
	case "msgmenu":
		m, _ := body["msgmenu"].(map[string]any)
		x.Text, _ = m["head_content"].(string)
		list, _ := m["list"].([]any)
		for _, it := range list {
			item, _ := it.(map[string]any)
			id, _ := item["id"].(string)
			content, _ := item["content"].(string)
			x.Menu = append(x.Menu, wxMenuItem{ID: id, Content: content})
		}
	}
	r.add(x)
}

// mark is the position after the replies so far.
func (r *wxReplies) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.list)
}

// since returns the replies to openID from position from on.
func (r *wxReplies) since(from int, openID string) []wxReply {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []wxReply
	for _, x := range r.list[min(from, len(r.list)):] {
		if x.OpenID == openID {
			out = append(out, x)
		}
	}
	return out
}

// wait polls until a reply to openID after position from satisfies ok.
func (r *wxReplies) wait(tb testing.TB, from int, openID string, what string, ok func(wxReply) bool) wxReply {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, x := range r.since(from, openID) {
			if ok(x) {
				return x
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no reply %s to %s; replies since: %+v", what, openID, r.since(from, openID))
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

func wxContains(s string) func(wxReply) bool {
	return func(x wxReply) bool { return strings.Contains(x.Text, s) }
}

// ---- the webhook client ----

type wxClient struct {
	url     string
	now     func() time.Time
	key     []byte
	replies *wxReplies
	http    *http.Client
	seq     atomic.Int64
}

func newWxClient(base string, now func() time.Time, replies *wxReplies) *wxClient {
	k, err := base64.StdEncoding.DecodeString(wxAESKey + "=")
	if err != nil || len(k) != 32 {
		panic("test EncodingAESKey")
	}
	return &wxClient{url: base, now: now, key: k, replies: replies,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
}

func wxSign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.New()
	for _, s := range p {
		io.WriteString(h, s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *wxClient) encrypt(msg []byte) string {
	plain := []byte(fmt.Sprintf("%016d", c.seq.Add(1))) // WeChat's 16 random bytes
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(msg)))
	plain = append(plain, msg...)
	plain = append(plain, wxAppID...)
	n := 32 - len(plain)%32
	for range n {
		plain = append(plain, byte(n))
	}
	block, _ := aes.NewCipher(c.key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, c.key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

func (c *wxClient) decrypt(enc string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(ct) == 0 || len(ct)%16 != 0 {
		return nil, fmt.Errorf("reply ciphertext: %v (%d bytes)", err, len(ct))
	}
	block, _ := aes.NewCipher(c.key)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, c.key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > 32 || pad > len(pt)-20 {
		return nil, fmt.Errorf("reply padding %d", pad)
	}
	pt = pt[:len(pt)-pad]
	n := int(binary.BigEndian.Uint32(pt[16:20]))
	if 20+n > len(pt) {
		return nil, fmt.Errorf("reply length %d", n)
	}
	if got := string(pt[20+n:]); got != wxAppID {
		return nil, fmt.Errorf("reply app id %q", got)
	}
	return pt[20 : 20+n], nil
}

// wxForge overrides parts of a request, to forge it.
type wxForge struct {
	signature    string
	msgSignature string
	timestamp    string
}

// wxResult is one webhook exchange.
type wxResult struct {
	Status int
	Body   string
	Reply  *wxReply // the decrypted passive reply, nil for `success`
}

// post delivers a plaintext message XML in safe mode: encrypted, signed,
// with msg_signature. A passive reply is decrypted, checked and added to
// the replies. Safe to call from several goroutines.
func (c *wxClient) post(msgXML string, forge wxForge) (wxResult, error) {
	ts := forge.timestamp
	if ts == "" {
		ts = strconv.FormatInt(c.now().Unix(), 10)
	}
	nonce := fmt.Sprintf("nonce%d", c.seq.Add(1))
	enc := c.encrypt([]byte(msgXML))
	sig, msig := forge.signature, forge.msgSignature
	if sig == "" {
		sig = wxSign(wxToken, ts, nonce)
	}
	if msig == "" {
		msig = wxSign(wxToken, ts, nonce, enc)
	}
	q := url.Values{"signature": {sig}, "timestamp": {ts}, "nonce": {nonce}, "openid": {xmlField(msgXML, "FromUserName")},
		"encrypt_type": {"aes"}, "msg_signature": {msig}}
	body := "<xml><ToUserName><![CDATA[" + wxGhID + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	resp, err := c.http.Post(c.url+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		return wxResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return wxResult{}, err
	}
	res := wxResult{Status: resp.StatusCode, Body: string(b)}
	if resp.StatusCode != http.StatusOK || res.Body == "success" {
		return res, nil
	}
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(b, &env); err != nil || env.Encrypt == "" {
		return res, fmt.Errorf("safe mode: encrypted reply or `success` expected, got %q", res.Body)
	}
	if want := wxSign(wxToken, env.TimeStamp, env.Nonce, env.Encrypt); env.MsgSignature != want {
		return res, fmt.Errorf("reply MsgSignature %s, want %s", env.MsgSignature, want)
	}
	plain, err := c.decrypt(env.Encrypt)
	if err != nil {
		return res, err
	}
	var x struct {
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
	}
	if err := xml.Unmarshal(plain, &x); err != nil {
		return res, fmt.Errorf("reply XML: %v: %s", err, plain)
	}
	if x.ToUserName != xmlField(msgXML, "FromUserName") || x.FromUserName != wxGhID || x.MsgType != "text" || x.Content == "" {
		return res, fmt.Errorf("passive reply addressed wrongly or empty: %s", plain)
	}
	res.Reply = &wxReply{Source: "passive", OpenID: x.ToUserName, MsgType: "text", Text: x.Content}
	c.replies.add(*res.Reply)
	return res, nil
}

// mustPost posts and fails the test unless WeChat got 200.
func (c *wxClient) mustPost(tb testing.TB, msgXML string) wxResult {
	tb.Helper()
	res, err := c.post(msgXML, wxForge{})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Status != http.StatusOK {
		tb.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
	return res
}

func xmlField(doc, name string) string {
	_, rest, ok := strings.Cut(doc, "<"+name+"><![CDATA[")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "]]>")
	return v
}

func wxCdata(s string) string { return "<![CDATA[" + s + "]]>" }

// wxText is a text message as WeChat posts it; menuID > 0 makes it the
// tap of a msgmenu item (bizmsgmenuid).
func wxText(openID string, created time.Time, msgID int64, content string, menuID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<xml><ToUserName>%s</ToUserName>\n<FromUserName>%s</FromUserName>\n<CreateTime>%d</CreateTime>\n"+
		"<MsgType>%s</MsgType>\n<Content>%s</Content>\n<MsgId>%d</MsgId>\n",
		wxCdata(wxGhID), wxCdata(openID), created.Unix(), wxCdata("text"), wxCdata(content), msgID)
	if menuID != "" {
		fmt.Fprintf(&b, "<bizmsgmenuid>%s</bizmsgmenuid>\n", menuID)
	}
	b.WriteString("</xml>")
	return b.String()
}

// wxEvent is an event message (subscribe, CLICK, ...).
func wxEvent(openID string, created time.Time, event, key string) string {
	return fmt.Sprintf("<xml><ToUserName>%s</ToUserName>\n<FromUserName>%s</FromUserName>\n<CreateTime>%d</CreateTime>\n"+
		"<MsgType>%s</MsgType>\n<Event>%s</Event>\n<EventKey>%s</EventKey>\n</xml>",
		wxCdata(wxGhID), wxCdata(openID), created.Unix(), wxCdata("event"), wxCdata(event), wxCdata(key))
}

// ---- the running program ----

type wxEnv struct {
	m       *Main
	base    string // http://addr
	api     *wxAPI
	client  *wxClient
	replies *wxReplies
	clock   *wxClock
	logs    *syncLog
	msgID   atomic.Int64
	staff   string // a supervisor's API token
}

type wxEnvOpts struct {
	dbURL string
	now   func() time.Time // default: a wxClock at wxEpoch
	logs  bool             // keep logs, printed when the test fails
	// templates replaces the template messages configured by default
	// (progress and status).
	templates map[string]wechat.Template
	// restart starts a new process in place of this env's (closed by the
	// caller): the same fake WeChat API, clock and record of replies.
	restart *wxEnv
	// spoolDir is the process's spool; default: a fresh one, or the
	// restarted process's.
	spoolDir string
}

// startWeChat runs `kefu serve` with the WeChat channel in safe mode
// against a fake WeChat API.
func startWeChat(tb testing.TB, o wxEnvOpts) *wxEnv {
	tb.Helper()
	e := &wxEnv{replies: &wxReplies{}, logs: &syncLog{}}
	now := o.now
	if p := o.restart; p != nil {
		e.replies, e.api, e.clock, e.logs, now = p.replies, p.api, p.clock, p.logs, p.m.Now
		e.msgID.Store(p.msgID.Load())
	} else {
		e.api = newWxAPI(tb, e.replies)
		e.msgID.Store(24602385938470000)
	}
	if now == nil {
		e.clock = newWxClock(wxEpoch)
		now = e.clock.Now
	}
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = o.dbURL
	cfg.Server.SpoolDir = o.spoolDir
	if o.spoolDir == "" && o.restart != nil {
		cfg.Server.SpoolDir = o.restart.m.Config.Server.SpoolDir
	} else if o.spoolDir == "" {
		cfg.Server.SpoolDir = tb.TempDir()
	}
	cfg.Webchat.PollInterval = 100 * time.Millisecond
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	fields := map[string]string{"thing1": "{{truncate 20 .Text}}", "time2": "{{.Time}}"}
	cfg.WeChat = wechat.Config{
		Enabled: true, Token: wxToken, AppID: wxAppID, AppSecret: wxSecret, EncodingAESKey: wxAESKey,
		Mode: wechat.Safe, APIBaseURL: e.api.srv.URL,
		Templates: map[string]wechat.Template{
			"progress": {TemplateID: wxTemplateProgress, URL: "https://kefu.example.com/c", Fields: fields},
			"status":   {TemplateID: wxTemplateStatus, Fields: fields},
		},
	}
	if o.templates != nil {
		cfg.WeChat.Templates = o.templates
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("test config: %v", err)
	}
	var w io.Writer = io.Discard
	if o.logs {
		w = e.logs
		tb.Cleanup(func() {
			if tb.Failed() {
				tb.Logf("kefu log:\n%s", e.logs.String())
			}
		})
	}
	e.m = NewMain(cfg, w)
	e.m.Now = now
	if err := e.m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	e.base = "http://" + e.m.Addr()
	e.client = newWxClient(e.base+e.m.wechat.Path(), now, e.replies)
	_, tok, err := e.m.Service().Team().UserAdd(context.Background(), "李主管", cases.RoleSupervisor, cases.DeptCustomerService)
	if err != nil {
		tb.Fatal(err)
	}
	e.staff = tok
	return e
}

// text posts a new text message (a fresh MsgId) of openID.
func (e *wxEnv) text(tb testing.TB, openID, content string) wxResult {
	tb.Helper()
	return e.client.mustPost(tb, wxText(openID, e.m.Now(), e.msgID.Add(1), content, ""))
}

// say posts a text message and waits for a reply that satisfies ok.
func (e *wxEnv) say(tb testing.TB, openID, content, what string, ok func(wxReply) bool) wxReply {
	tb.Helper()
	from := e.replies.mark()
	e.text(tb, openID, content)
	return e.replies.wait(tb, from, openID, what, ok)
}

// intakeP3 reports a minor air-conditioner noise over seven messages and
// returns the case list, which must hold that one P3 case.
func (e *wxEnv) intakeP3(tb testing.TB, openID string) []apiCase {
	tb.Helper()
	turns := []string{
		"卧室空调晚上偶尔会有咔咔的异响，不影响使用，不着急，有空的时候安排师傅来看看就行",
		"谭先生", "136 0000 7788", "KFR-26GW", "2025年4月", "维修", "好的",
	}
	for i, say := range turns {
		from := e.replies.mark()
		e.text(tb, openID, say)
		if i < len(turns)-1 {
			e.replies.wait(tb, from, openID, "after "+say, func(wxReply) bool { return true })
		} else {
			e.replies.wait(tb, from, openID, "registration", wxContains("K-"))
		}
	}
	list := e.listCases(tb)
	if len(list) != 1 || list[0].Priority != string(cases.P3) {
		tb.Fatalf("want one P3 case: %+v", list)
	}
	return list
}

// staffGet calls the staff API as the supervisor and decodes into out.
func (e *wxEnv) staffGet(tb testing.TB, path string, out any) {
	tb.Helper()
	staffRequest(tb, nil, e.base, e.staff, "GET", path, "", out)
}

func (e *wxEnv) listCases(tb testing.TB) []apiCase {
	tb.Helper()
	var out struct {
		Cases []apiCase `json:"cases"`
	}
	e.staffGet(tb, "/api/v1/cases", &out)
	return out.Cases
}

func (e *wxEnv) caseDetail(tb testing.TB, id int64) (apiCase, []apiChange) {
	tb.Helper()
	var out struct {
		Case    apiCase     `json:"case"`
		History []apiChange `json:"history"`
	}
	e.staffGet(tb, fmt.Sprintf("/api/v1/cases/%d", id), &out)
	return out.Case, out.History
}

// conversation returns the stored conversation of openID and its
// messages.
func (e *wxEnv) conversation(tb testing.TB, openID string) (service.Conversation, []wxMessageRow) {
	tb.Helper()
	ctx := context.Background()
	conv, err := e.m.store.ConversationFind(ctx, channels.WeChat, openID)
	if err != nil {
		tb.Fatalf("conversation of %s: %v", openID, err)
	}
	msgs, err := e.m.store.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]wxMessageRow, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, wxMessageRow{Direction: m.Direction, Text: m.Text, Kind: m.Kind})
	}
	return conv, out
}

type wxMessageRow struct{ Direction, Text, Kind string }

// quiet waits until the outbox has nothing left to send.
func (e *wxEnv) quiet(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := e.m.store.OutboxPending(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox still has %d rows pending", n)
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

// wxPendingTimers reads the case timers River holds in the SQLite file
// (jobs of kind kefu_timer not yet run; River keeps args as JSONB).
func wxPendingTimers(tb testing.TB, sqlitePath string) []service.TimerArgs {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+sqlitePath+"?_pragma=busy_timeout(10000)&mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT json(args) FROM river_job WHERE kind = 'kefu_timer' AND state IN ('available', 'scheduled', 'retryable')`)
	if err != nil {
		tb.Fatalf("read river_job: %v", err)
	}
	defer rows.Close()
	var out []service.TimerArgs
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			tb.Fatal(err)
		}
		var a service.TimerArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			tb.Fatalf("timer args %s: %v", raw, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
