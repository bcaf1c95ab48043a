package wechat

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// open makes the customer write once (answered `success`), opening the
// window.
func (b *testBundle) open(t *testing.T) {
	t.Helper()
	b.clock.Fire(true)
	if r := b.client.do(t, req{body: readTestdata(t, "text.xml")}); r.body != "success" {
		t.Fatalf("opening message: %d %q", r.status, r.body)
	}
}

func out(id int64, text string) channels.Outbound {
	return channels.Outbound{OutboxID: id, Channel: channels.WeChat, ExternalUserID: testOpenID, Text: text, Kind: "reply"}
}

func refusal(t *testing.T, err error) *channels.RefusedError {
	t.Helper()
	var r *channels.RefusedError
	if !errors.As(err, &r) {
		t.Fatalf("got %v, want *channels.RefusedError", err)
	}
	return r
}

func TestChoicesAsMsgMenu(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.open(t)
	m := out(42, "请确认以上信息是否正确？")
	m.Choices = []channels.Choice{{Value: "yes", Label: "是的"}, {Value: "no", Label: "需要修改"}}
	if err := b.ch.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	calls := b.api.callsTo(pathCustom)
	if len(calls) != 1 {
		t.Fatalf("custom sends %d", len(calls))
	}
	body := calls[0].Body
	mm, _ := body["msgmenu"].(map[string]any)
	if body["msgtype"] != "msgmenu" || mm["head_content"] != "请确认以上信息是否正确？" {
		t.Fatalf("body %v", body)
	}
	list := mm["list"].([]any)
	first := list[0].(map[string]any)
	if len(list) != 2 || first["id"] != "4201" || first["content"] != "是的" {
		t.Fatalf("list %v", list)
	}
	// The customer taps 是的: WeChat posts a text with bizmsgmenuid.
	tap := strings.Replace(string(readTestdata(t, "text_msgmenu.xml")), "<bizmsgmenuid>4200</bizmsgmenuid>", "<bizmsgmenuid>4201</bizmsgmenuid>", 1)
	b.client.do(t, req{body: []byte(tap)})
	_, fresh, _ := b.inbox.snapshot()
	last := fresh[len(fresh)-1]
	if last.Choice != "yes" || last.Text != "是的" {
		t.Errorf("tap came back as choice %q text %q", last.Choice, last.Text)
	}
}

// A choice message releases the waiting request at once and goes by the
// API; it is not held back until the budget ends.
func TestChoicesReleaseWaitingRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	errs := make(chan error, 1)
	b.inbox.onFresh = func(in channels.Inbound) {
		m := out(5, "满意吗？")
		m.Choices = []channels.Choice{{Value: "5", Label: "满意"}}
		go func() { errs <- b.ch.Send(context.Background(), m) }()
	}
	r := b.client.do(t, req{body: readTestdata(t, "text.xml")})
	if r.body != "success" {
		t.Fatalf("got %q", r.body)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if n := len(b.api.callsTo(pathCustom)); n != 1 {
		t.Errorf("custom sends %d", n)
	}
}

func TestWindowAndQuota(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("never wrote", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		refusal(t, b.ch.Send(ctx, out(1, "您好")))
		if n := len(b.api.paths()); n != 0 {
			t.Errorf("%d API calls for a refused message", n)
		}
	})
	t.Run("48 hours later", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		b.clock.Advance(48*time.Hour + time.Second)
		r := refusal(t, b.ch.Send(ctx, out(1, "进度更新")))
		if !strings.Contains(r.Reason, "window closed") {
			t.Errorf("reason %q", r.Reason)
		}
	})
	t.Run("five per message", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		for i := range 5 {
			if err := b.ch.Send(ctx, out(int64(i+1), "消息")); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		r := refusal(t, b.ch.Send(ctx, out(6, "第六条")))
		if !strings.Contains(r.Reason, "quota") {
			t.Errorf("reason %q", r.Reason)
		}
		// The customer writes again: a fresh allowance.
		b.client.do(t, req{body: withMsgID(readTestdata(t, "text.xml"), 1)})
		if err := b.ch.Send(ctx, out(6, "第六条")); err != nil {
			t.Fatalf("after a new message: %v", err)
		}
	})
	t.Run("three within a minute of a click", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.clock.Fire(true)
		b.client.do(t, req{body: readTestdata(t, "event_click.xml")})
		for i := range 3 {
			if err := b.ch.Send(ctx, out(int64(i+1), "消息")); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		refusal(t, b.ch.Send(ctx, out(4, "第四条")))
	})
	t.Run("click allowance expires", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.clock.Fire(true)
		b.client.do(t, req{body: readTestdata(t, "event_subscribe.xml")})
		b.clock.Advance(61 * time.Second)
		refusal(t, b.ch.Send(ctx, out(1, "欢迎")))
	})
	t.Run("configured numbers", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{config: func(c *Config) { c.Window.PerMessage = 1; c.Window.MessageWindow = time.Hour }})
		b.open(t)
		if err := b.ch.Send(ctx, out(1, "一")); err != nil {
			t.Fatal(err)
		}
		refusal(t, b.ch.Send(ctx, out(2, "二")))
	})
}

func TestSendIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.open(t)
	for range 2 {
		if err := b.ch.Send(context.Background(), out(77, "同一条")); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(b.api.callsTo(pathCustom)); n != 1 {
		t.Errorf("custom sends %d, want 1", n)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("45015 window closed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		b.api.fail(pathCustom, codeWindowClosed)
		refusal(t, b.ch.Send(ctx, out(1, "a")))
		// Known closed now: refused without asking WeChat again.
		refusal(t, b.ch.Send(ctx, out(2, "b")))
		if n := len(b.api.callsTo(pathCustom)); n != 1 {
			t.Errorf("custom sends %d, want 1", n)
		}
	})
	t.Run("45009 daily quota", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		b.api.fail(pathCustom, codeAPIQuota)
		r := refusal(t, b.ch.Send(ctx, out(1, "a")))
		// testEpoch is 17:00 in Beijing; the quota resets at midnight there.
		want := time.Date(2024, 6, 10, 16, 0, 0, 0, time.UTC)
		if !r.RetryAt.Equal(want) {
			t.Errorf("RetryAt %v, want %v", r.RetryAt, want)
		}
		// Not charged to the customer's allowance.
		for i := range 5 {
			if err := b.ch.Send(ctx, out(int64(10+i), "b")); err != nil {
				t.Fatalf("send %d after 45009: %v", i, err)
			}
		}
	})
	t.Run("40001 refresh and retry once", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		if err := b.ch.Send(ctx, out(1, "a")); err != nil {
			t.Fatal(err)
		}
		b.api.revoke() // another client forced a refresh
		if err := b.ch.Send(ctx, out(2, "b")); err != nil {
			t.Fatalf("Send after revoke: %v", err)
		}
		want := []string{pathStable, pathCustom, pathCustom, pathStable, pathCustom}
		if got := b.api.paths(); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("calls %v, want %v", got, want)
		}
		calls := b.api.callsTo(pathCustom)
		if calls[1].Token == calls[2].Token {
			t.Errorf("retried with the rejected token")
		}
	})
	t.Run("40001 twice is an error", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		b.api.fail(pathCustom, codeInvalidCredential, codeTokenExpired)
		err := b.ch.Send(ctx, out(1, "a"))
		var refused *channels.RefusedError
		if err == nil || errors.As(err, &refused) || apiCode(err) != codeTokenExpired {
			t.Fatalf("got %v, want errcode 42001", err)
		}
		if n := len(b.api.callsTo(pathCustom)); n != 2 {
			t.Errorf("custom sends %d, want 2", n)
		}
	})
	t.Run("other errors", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.open(t)
		b.api.fail(pathCustom, 45002) // content too long
		err := b.ch.Send(ctx, out(1, "a"))
		var refused *channels.RefusedError
		if apiCode(err) != 45002 || errors.As(err, &refused) {
			t.Fatalf("got %v, want errcode 45002 (the outbox retries)", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{options: func(o *Options) { o.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond} }})
		b.open(t)
		if err := b.ch.Send(ctx, out(1, "warm up the token")); err != nil {
			t.Fatal(err)
		}
		b.api.fail(pathCustom, -1)
		err := b.ch.Send(ctx, out(2, "a"))
		var refused *channels.RefusedError
		if err == nil || errors.As(err, &refused) {
			t.Fatalf("got %v, want a timeout error", err)
		}
		if strings.Contains(err.Error(), "ACCESS_TOKEN") {
			t.Errorf("error leaks the token: %v", err)
		}
	})
}

func TestTemplateFallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, setupOpts{})
	m := out(31, "您的报修单 KF-20240610-0007 已派工，工程师王师傅将于明天上午到达。")
	m.Kind = "progress"
	m.CreatedAt = testEpoch
	refusal(t, b.ch.Send(ctx, m)) // never wrote: the window is closed
	path, err := b.ch.Fallback(ctx, m)
	if err != nil || path == "" {
		t.Fatalf("Fallback: %q, %v", path, err)
	}
	calls := b.api.callsTo(pathTemplate)
	if len(calls) != 1 {
		t.Fatalf("template sends %d", len(calls))
	}
	body := calls[0].Body
	data := body["data"].(map[string]any)
	if body["touser"] != testOpenID || body["template_id"] != "TPL_PROGRESS" || body["client_msg_id"] != "kefu-31" ||
		data["thing1"].(map[string]any)["value"] != "您的报修单 KF-20240610-0…" ||
		data["time2"].(map[string]any)["value"] != "2024-06-10 17:00" {
		t.Errorf("template body %v", body)
	}
	m.Kind = "reply"
	refusal(t, func() error { _, err := b.ch.Fallback(ctx, m); return err }())
}

// TestTemplateFacts: a resolution by template says what was done, by the
// message's facts, not the cut-off start of its text.
func TestTemplateFacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, setupOpts{config: func(c *Config) {
		c.Templates["resolved"] = Template{TemplateID: "TPL_RESOLVED", Fields: map[string]string{
			"character_string1": "{{.Case}}", "phrase2": "{{.Status}}", "thing3": "{{truncate 20 (or .Note .Status)}}", "time4": "{{.Time}}",
		}}
	}})
	m := out(41, "工单 K-000008 已处理完毕。处理结果：更换了主板并完成通电测试，维修单 WX-778。请确认是否恢复正常。")
	m.Kind, m.CreatedAt = "resolved", testEpoch
	m.Facts = channels.Facts{Case: "K-000008", Status: "已解决", Note: "更换了主板并完成通电测试"}
	if _, err := b.ch.Fallback(ctx, m); err != nil {
		t.Fatal(err)
	}
	calls := b.api.callsTo(pathTemplate)
	if len(calls) != 1 {
		t.Fatalf("template sends %d", len(calls))
	}
	data := calls[0].Body["data"].(map[string]any)
	want := map[string]string{"character_string1": "K-000008", "phrase2": "已解决", "thing3": "更换了主板并完成通电测试", "time4": "2024-06-10 17:00"}
	for k, v := range want {
		if got := data[k].(map[string]any)["value"]; got != v {
			t.Errorf("field %s = %q, want %q", k, got, v)
		}
	}
}

// TestReserveForResolution: progress updates leave the last two sends of
// a customer message's allowance for the resolution and the function
// check; other messages may use them.
func TestReserveForResolution(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, setupOpts{})
	b.open(t)
	progress := func(id int64) channels.Outbound {
		m := out(id, "进度")
		m.Kind = "progress"
		return m
	}
	for i := range 3 {
		if err := b.ch.Send(ctx, progress(int64(i+1))); err != nil {
			t.Fatalf("progress %d: %v", i+1, err)
		}
	}
	r := refusal(t, b.ch.Send(ctx, progress(4)))
	if !strings.Contains(r.Reason, "kept for the resolution") {
		t.Errorf("reason %q", r.Reason)
	}
	resolved := out(5, "已解决")
	resolved.Kind = "resolved"
	if err := b.ch.Send(ctx, resolved); err != nil {
		t.Fatalf("the resolution may use the reserve: %v", err)
	}
	if err := b.ch.Send(ctx, out(6, "请确认")); err != nil {
		t.Fatalf("the function check may use the reserve: %v", err)
	}
	refusal(t, b.ch.Send(ctx, out(7, "第六条")))
}

func TestPushMenu(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	if err := b.ch.PushMenu(context.Background(), DefaultMenu()); err != nil {
		t.Fatal(err)
	}
	calls := b.api.callsTo(pathMenu)
	if len(calls) != 1 {
		t.Fatalf("menu creates %d", len(calls))
	}
	buttons := calls[0].Body["button"].([]any)
	first := buttons[0].(map[string]any)
	if len(buttons) != 3 || first["name"] != "报修" || first["type"] != "click" || first["key"] != MenuRepair {
		t.Errorf("menu %v", calls[0].Body)
	}
	bad := Menu{Buttons: []Button{{Type: "click", Name: "太长的菜单名字超过十六字节"}}}
	if err := b.ch.PushMenu(context.Background(), bad); err == nil {
		t.Error("invalid menu pushed")
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	ok := Config{Token: "t", AppID: "a", AppSecret: "s", Mode: Safe, EncodingAESKey: testAESKey}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Config){
		"wechat.token":            func(c *Config) { c.Token = "" },
		"wechat.encoding_aes_key": func(c *Config) { c.EncodingAESKey = "short" },
		"wechat.mode":             func(c *Config) { c.Mode = "aes" },
		"wechat.reply_budget":     func(c *Config) { c.ReplyBudget = 5 * time.Second },
		"wechat.templates.p": func(c *Config) {
			c.Templates = map[string]Template{"p": {TemplateID: "x", Fields: map[string]string{"a": "{{"}}}
		},
	} {
		c := ok
		mut(&c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if r := (Config{Token: "t", AppSecret: "s", EncodingAESKey: testAESKey}).Redacted(); r.Token != "xxxxx" || r.AppSecret != "xxxxx" || r.EncodingAESKey != "xxxxx" {
		t.Errorf("Redacted: %+v", r)
	}
}
