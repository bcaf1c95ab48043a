package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
)

// startMain runs the real program on a free port.
func startMain(t *testing.T, dbURL string) *Main {
	t.Helper()
	cfg := configs.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Database.URL = dbURL
	cfg.Server.SpoolDir = t.TempDir()
	cfg.Webchat.PollInterval = 100 * time.Millisecond
	cfg.Outbox.PollInterval = 50 * time.Millisecond
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

type chat struct {
	t       *testing.T
	base    string
	session string
	n       int
}

func (c *chat) post(text string) *http.Response {
	c.t.Helper()
	c.n++
	body, _ := json.Marshal(map[string]string{"session": c.session, "client_message_id": fmt.Sprintf("m%d", c.n), "text": text})
	resp, err := http.Post(c.base+"/api/webchat/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// waitReply polls until a bot message after id arrives that satisfies ok.
func (c *chat) waitReply(after int64, ok func(channels.StoredMessage) bool) (channels.StoredMessage, int64) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(fmt.Sprintf("%s/api/webchat/messages?session=%s&after=%d", c.base, c.session, after))
		if err != nil {
			c.t.Fatal(err)
		}
		var out struct {
			Messages []channels.StoredMessage `json:"messages"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		for _, m := range out.Messages {
			after = m.ID
			if m.Direction == "out" && ok(m) {
				return m, after
			}
		}
		time.Sleep(50 * time.Millisecond) // polling a live server, not asserting time
	}
	c.t.Fatalf("no matching reply after message %d", after)
	return channels.StoredMessage{}, after
}

func field(f string) func(channels.StoredMessage) bool {
	return func(m channels.StoredMessage) bool { return m.Field == f }
}

func testServeRegistersCase(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	c := &chat{t: t, base: "http://" + m.Addr(), session: "e2e-session-0001"}

	for _, path := range []string{"/healthz", "/readyz", "/"} {
		resp, err := http.Get(c.base + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp.StatusCode, err)
		}
		resp.Body.Close()
	}

	// SSE: the stream sees the first reply.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base+"/api/webchat/stream?session="+c.session, nil)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()

	if r := c.post("你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"); r.StatusCode != http.StatusAccepted {
		t.Fatalf("post: %d", r.StatusCode)
	}
	sc := bufio.NewScanner(stream.Body)
	gotAsk := false
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var msg channels.StoredMessage
			_ = json.Unmarshal([]byte(data), &msg)
			if msg.Direction == "out" && msg.Field == "purchase_date" {
				gotAsk = true
				break
			}
		}
	}
	if !gotAsk {
		t.Fatal("the stream never carried the question for the purchase date")
	}
	_, after := c.waitReply(0, field("purchase_date"))

	// Restart: the customer reloads the page against a new process.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = startMain(t, dbURL)
	defer m.Close()
	c.base = "http://" + m.Addr()

	c.post("去年双十一买的")
	_, after = c.waitReply(after, field("customer_name"))
	c.post("张三")
	_, after = c.waitReply(after, field("confirm"))
	c.post("确认")
	reg, _ := c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })
	for _, want := range []string{"技术故障", "P2", "技术支持部"} {
		if !strings.Contains(reg.Text, want) {
			t.Errorf("registration reply lacks %q: %s", want, reg.Text)
		}
	}

	// Oversized input gets a clear 413.
	if r := c.post(strings.Repeat("很长", 3000)); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized message: %d, want 413", r.StatusCode)
	}
}

func TestServeOnSQLite(t *testing.T) {
	t.Parallel()
	testServeRegistersCase(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestServeOnPostgres(t *testing.T) {
	t.Parallel()
	testServeRegistersCase(t, testPostgres(t))
}

func TestCommands(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"config", "check"}, &out, &errb); err != nil || !strings.Contains(out.String(), "config ok") {
		t.Errorf("config check: %v %s %s", err, out.String(), errb.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := writeFile(bad, "log:\n  level: loud\n"); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"config", "check", "-config", bad}, &out, &errb); err == nil || !strings.Contains(err.Error(), "log.level") {
		t.Errorf("bad config: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"simulate", "-check", "../../testdata/transcripts/zh-washer-all-in-one-correction.yaml"}, &out, &errb); err != nil {
		t.Fatalf("simulate: %v\n%s", err, errb.String())
	}
	var res SimResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Case == nil || res.Case.Fields["product_model"] != "XQG80" {
		t.Errorf("simulate output: %v %s", err, out.String())
	}
}

// TestStaffAPIThroughServe drives the staff API of the running program: a
// handler plans a case registered over web chat and the customer hears it.
func TestStaffAPIThroughServe(t *testing.T) {
	t.Parallel()
	m := startMain(t, filepath.Join(t.TempDir(), "kefu.db"))
	defer m.Close()
	ctx := context.Background()
	_, token, err := m.Service().Team().UserAdd(ctx, "王工", cases.RoleHandler, cases.DeptTechnicalSupport)
	if err != nil {
		t.Fatal(err)
	}
	c := &chat{t: t, base: "http://" + m.Addr(), session: "staff-api-session-01"}
	c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
	_, after := c.waitReply(0, field("confirm"))
	c.post("确认")
	_, after = c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })

	call := func(method, path, token, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	if resp, _ := call("GET", "/api/v1/cases", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	resp, out := call("GET", "/api/v1/cases", token, "")
	list, _ := out["cases"].([]any)
	if resp.StatusCode != 200 || len(list) != 1 {
		t.Fatalf("list: %d %v", resp.StatusCode, out)
	}
	id := int64(list[0].(map[string]any)["id"].(float64))
	promised := time.Now().Add(24 * time.Hour).Format(time.RFC3339)
	resp, out = call("POST", fmt.Sprintf("/api/v1/cases/%d/plan", id), token,
		`{"type":"onsite_repair","description":"工程师上门更换排水泵","promised_at":"`+promised+`","visit_at":"`+promised+`"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("plan: %d %v", resp.StatusCode, out)
	}
	if m, _ := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "plan" }); !strings.Contains(m.Text, "上门维修") {
		t.Errorf("plan message: %q", m.Text)
	}
	if resp, _ := call("GET", "/api/v1/openapi.yaml", "", ""); resp.StatusCode != 200 {
		t.Errorf("openapi: %d", resp.StatusCode)
	}
}

// TestUserCommands: kefu user add, list, disable (and enable) and token on
// a SQLite file.
func TestUserCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := filepath.Join(t.TempDir(), "kefu.yaml")
	if err := writeFile(cfg, "database:\n  url: "+filepath.Join(filepath.Dir(cfg), "kefu.db")+"\n"); err != nil {
		t.Fatal(err)
	}
	do := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "-config", cfg), &out, &errb)
		return out.String() + errb.String(), err
	}
	if out, err := do("user", "add", "-name", "王工", "-role", "handler", "-department", "technical_support"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := do("user", "list")
	if err != nil || !strings.Contains(out, "王工") || !strings.Contains(out, "enabled") {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	if out, err := do("user", "disable", "-id", "1"); err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("user disable: %v %s", err, out)
	}
	if out, _ := do("user", "list"); !strings.Contains(out, "disabled") {
		t.Errorf("list after disable:\n%s", out)
	}
	if out, err := do("user", "disable", "-id", "1", "-enable"); err != nil || !strings.Contains(out, "enabled") {
		t.Errorf("user enable: %v %s", err, out)
	}
	if out, err := do("user", "token", "-id", "1"); err != nil || !strings.Contains(out, "new API token") {
		t.Errorf("user token: %v %s", err, out)
	}
	if _, err := do("user", "token", "-id", "7"); err == nil {
		t.Errorf("a token for an unknown user")
	}
	if _, err := do("user", "disable"); err == nil {
		t.Errorf("disable without -id")
	}
}
