package wechat

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// The test client builds requests the way WeChat's servers do, written
// from the protocol description and not with this package's or the SDK's
// helpers, so a misuse on one side cannot pass on both:
//
//	signature     = hex(SHA1(sort(token, timestamp, nonce) joined))
//	msg_signature = hex(SHA1(sort(token, timestamp, nonce, Encrypt) joined))
//	AESKey        = base64(EncodingAESKey + "="), IV = AESKey[:16]
//	Encrypt       = base64(AES-256-CBC(PKCS#7 to 32 bytes(random(16) | len(4, BE) | msg | appid)))

const (
	testToken  = "kefu_test_token"
	testAppID  = "wx5c2f0e1b9d8a7c6e"
	testSecret = "0123456789abcdef0123456789abcdef"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
	testOpenID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	testGhID   = "gh_3f7badc0771f"
)

var testEpoch = time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC)

type wxClient struct {
	url   string
	mode  Mode
	token string
	appID string
	key   []byte
	now   func() time.Time
	seq   int
	mu    sync.Mutex
}

func protoSign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.New()
	for _, s := range p {
		io.WriteString(h, s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func protoKey(t *testing.T, encodingAESKey string) []byte {
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(k) != 32 {
		t.Fatalf("test key: %v (%d bytes)", err, len(k))
	}
	return k
}

func protoEncrypt(t *testing.T, key []byte, appID string, msg []byte) string {
	t.Helper()
	plain := []byte("0123456789abcdef") // WeChat's 16 random bytes
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(msg)))
	plain = append(plain, msg...)
	plain = append(plain, appID...)
	n := 32 - len(plain)%32
	for range n {
		plain = append(plain, byte(n))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

func protoDecrypt(t *testing.T, key []byte, appID, enc string) []byte {
	t.Helper()
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(ct)%16 != 0 {
		t.Fatalf("reply ciphertext: %v", err)
	}
	block, _ := aes.NewCipher(key)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > 32 {
		t.Fatalf("reply padding %d", pad)
	}
	pt = pt[:len(pt)-pad]
	n := binary.BigEndian.Uint32(pt[16:20])
	if got := string(pt[20+n:]); got != appID {
		t.Fatalf("reply app id %q", got)
	}
	return pt[20 : 20+n]
}

// req describes one webhook request; zero fields are filled correctly,
// set ones override (to forge).
type req struct {
	body         []byte
	ts           string
	signature    string
	msgSignature string
	plaintext    bool // send plaintext even in compatible/safe mode
}

type resp struct {
	status int
	body   string
}

func (c *wxClient) do(t *testing.T, r req) resp {
	t.Helper()
	c.mu.Lock()
	c.seq++
	nonce := fmt.Sprintf("n%d", c.seq)
	c.mu.Unlock()
	ts := r.ts
	if ts == "" {
		ts = strconv.FormatInt(c.now().Unix(), 10)
	}
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "openid": {testOpenID}}
	sig := r.signature
	if sig == "" {
		sig = protoSign(c.token, ts, nonce)
	}
	q.Set("signature", sig)
	body := r.body
	if c.mode != Plaintext && !r.plaintext {
		enc := protoEncrypt(t, c.key, c.appID, r.body)
		ms := r.msgSignature
		if ms == "" {
			ms = protoSign(c.token, ts, nonce, enc)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", ms)
		if c.mode == Compatible {
			// Compatible mode carries both: the plaintext fields and Encrypt.
			body = bytes.Replace(r.body, []byte("</xml>"), []byte("<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>"), 1)
		} else {
			body = []byte("<xml><ToUserName><![CDATA[" + testGhID + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
		}
	}
	hr, err := http.Post(c.url+"?"+q.Encode(), "text/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{status: hr.StatusCode, body: string(b)}
}

// replyXML is a passive text reply.
type replyXML struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
}

// reply decodes a passive reply, checking the envelope in safe modes; ok
// is false for `success`.
func (c *wxClient) reply(t *testing.T, r resp) (replyXML, bool) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.body == "success" || r.body == "" {
		return replyXML{}, false
	}
	body := []byte(r.body)
	if c.mode != Plaintext {
		var env struct {
			Encrypt      string `xml:"Encrypt"`
			MsgSignature string `xml:"MsgSignature"`
			TimeStamp    string `xml:"TimeStamp"`
			Nonce        string `xml:"Nonce"`
		}
		if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
			t.Fatalf("encrypted reply expected, got %q", r.body)
		}
		if got := protoSign(c.token, env.TimeStamp, env.Nonce, env.Encrypt); got != env.MsgSignature {
			t.Fatalf("reply msg_signature %s, want %s", env.MsgSignature, got)
		}
		body = protoDecrypt(t, c.key, c.appID, env.Encrypt)
	}
	var x replyXML
	if err := xml.Unmarshal(body, &x); err != nil {
		t.Fatalf("reply XML: %v: %s", err, body)
	}
	return x, true
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withMsgID replaces the MsgId of a payload, so tests can make distinct
// messages from one file.
func withMsgID(b []byte, id int64) []byte {
	s := string(b)
	i, j := strings.Index(s, "<MsgId>"), strings.Index(s, "</MsgId>")
	return []byte(s[:i+len("<MsgId>")] + strconv.FormatInt(id, 10) + s[j:])
}

// fakeClock is the channel's clock: Now is set by the test and After
// channels fire only when the test says (or at once, when auto).
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	pending []chan time.Time
	auto    bool
	added   chan struct{}
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, added: make(chan struct{}, 1000)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	if f.auto {
		ch <- f.now.Add(d)
	} else {
		f.pending = append(f.pending, ch)
	}
	f.added <- struct{}{}
	return ch
}

// Fire ends every pending wait, and with auto every later one at once.
func (f *fakeClock) Fire(auto bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auto = f.auto || auto
	for _, ch := range f.pending {
		ch <- f.now
	}
	f.pending = nil
}

// WaitAfter blocks until n more After calls were made.
func (f *fakeClock) WaitAfter(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-f.added:
		case <-time.After(10 * time.Second): // a guard against hanging, not timing logic
			t.Fatal("the request never started waiting for a reply")
		}
	}
}

// fakeInbox dedupes by ExternalMessageID, like the service.
type fakeInbox struct {
	mu       sync.Mutex
	seen     map[string]bool
	all      []channels.Inbound
	fresh    []channels.Inbound
	rejected []string
	raws     [][]byte
	onFresh  func(channels.Inbound)
	err      error
}

func (f *fakeInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	f.mu.Lock()
	if f.err != nil {
		f.mu.Unlock()
		return channels.Receipt{}, f.err
	}
	f.all = append(f.all, in)
	dup := f.seen[in.ExternalMessageID]
	f.seen[in.ExternalMessageID] = true
	if !dup {
		f.fresh = append(f.fresh, in)
	}
	on, n := f.onFresh, len(f.all)
	f.mu.Unlock()
	if !dup && on != nil {
		on(in)
	}
	return channels.Receipt{ConversationID: 7, MessageID: int64(n), Duplicate: dup}, nil
}

func (f *fakeInbox) Reject(ctx context.Context, ch channels.ID, reason string, raw []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejected = append(f.rejected, reason)
	f.raws = append(f.raws, raw)
}

func (f *fakeInbox) snapshot() (all, fresh []channels.Inbound, rejected []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]channels.Inbound(nil), f.all...), append([]channels.Inbound(nil), f.fresh...), append([]string(nil), f.rejected...)
}

// syncBuffer is a log sink tests read while handlers write.
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

type testBundle struct {
	ch     *Channel
	api    *fakeAPI
	inbox  *fakeInbox
	clock  *fakeClock
	client *wxClient
	logs   *syncBuffer
}

type setupOpts struct {
	mode    Mode
	config  func(*Config)
	options func(*Options)
}

func setup(t *testing.T, so setupOpts) *testBundle {
	t.Helper()
	if so.mode == "" {
		so.mode = Plaintext
	}
	b := &testBundle{
		api:   newFakeAPI(t, testAppID, testSecret),
		inbox: &fakeInbox{seen: map[string]bool{}},
		clock: newFakeClock(testEpoch),
		logs:  &syncBuffer{},
	}
	cfg := Config{
		Token: testToken, AppID: testAppID, AppSecret: testSecret, EncodingAESKey: testAESKey,
		Mode: so.mode, APIBaseURL: b.api.srv.URL,
		Templates: map[string]Template{
			"progress": {TemplateID: "TPL_PROGRESS", URL: "https://kefu.example.com/c", Fields: map[string]string{
				"thing1": "{{truncate 20 .Text}}", "time2": "{{.Time}}",
			}},
		},
	}
	if so.config != nil {
		so.config(&cfg)
	}
	opt := Options{
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Now:        b.clock.Now, After: b.clock.After,
		Logger: slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if so.options != nil {
		so.options(&opt)
	}
	ch, err := New(cfg, b.inbox, opt)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { ch.Close() })
	b.ch = ch
	srv := httptest.NewServer(ch)
	t.Cleanup(srv.Close)
	b.client = &wxClient{url: srv.URL + ch.Path(), mode: so.mode, token: testToken, appID: testAppID, key: protoKey(t, testAESKey), now: b.clock.Now}
	return b
}

// replyOnFresh makes the fake inbox answer each new message the way the
// outbox worker does: Send from another goroutine.
func (b *testBundle) replyOnFresh(t *testing.T, text string) chan error {
	errs := make(chan error, 16)
	b.inbox.mu.Lock()
	b.inbox.onFresh = func(in channels.Inbound) {
		go func() {
			errs <- b.ch.Send(context.Background(), channels.Outbound{OutboxID: 1, Channel: channels.WeChat, ExternalUserID: in.ExternalUserID, Text: text, Kind: "reply"})
		}()
	}
	b.inbox.mu.Unlock()
	return errs
}
