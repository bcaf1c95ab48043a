package wechat

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

func TestVerifyURL(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Safe})
	ts := strconv.FormatInt(testEpoch.Unix(), 10)
	get := func(sig string) (int, string) {
		q := url.Values{"timestamp": {ts}, "nonce": {"123"}, "echostr": {"5830843245817224"}, "signature": {sig}}
		r, err := http.Get(b.client.url + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		return r.StatusCode, buf.String()
	}
	if code, body := get(protoSign(testToken, ts, "123")); code != 200 || body != "5830843245817224" {
		t.Errorf("good signature: %d %q", code, body)
	}
	if code, _ := get(protoSign("other", ts, "123")); code != http.StatusForbidden {
		t.Errorf("forged signature: %d, want 403", code)
	}
}

// TestModes sends a text message in every mode and expects the inbound
// message handed on and the bot's reply as the passive reply.
func TestModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{Plaintext, Compatible, Safe} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: mode})
			errs := b.replyOnFresh(t, "您好，请问是哪台空调？")
			r := b.client.do(t, req{body: readTestdata(t, "text.xml")})
			x, ok := b.client.reply(t, r)
			if !ok {
				t.Fatalf("got %q, want a passive reply", r.body)
			}
			if x.Content != "您好，请问是哪台空调？" || x.ToUserName != testOpenID || x.FromUserName != testGhID || x.MsgType != "text" {
				t.Errorf("reply %+v", x)
			}
			if err := <-errs; err != nil {
				t.Errorf("Send: %v", err)
			}
			_, fresh, _ := b.inbox.snapshot()
			if len(fresh) != 1 {
				t.Fatalf("handed on %d messages", len(fresh))
			}
			in := fresh[0]
			if in.Channel != channels.WeChat || in.ExternalUserID != testOpenID || in.ExternalMessageID != "24602385938471234" ||
				in.Text != "你好，空调不制冷了，型号 KFR-35GW" || !bytes.Contains(in.Raw, []byte("<MsgId>24602385938471234</MsgId>")) {
				t.Errorf("inbound %+v", in)
			}
			if calls := b.api.callsTo(pathCustom); len(calls) != 0 {
				t.Errorf("passive reply also went by the API: %v", calls)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		want   channels.Inbound
		skip   bool // acknowledged, not handed on
		reject string
	}{
		{file: "text.xml", want: channels.Inbound{ExternalMessageID: "24602385938471234", Text: "你好，空调不制冷了，型号 KFR-35GW"}},
		{file: "image.xml", want: channels.Inbound{ExternalMessageID: "24602385938471235", Attachments: []channels.Attachment{{
			Name: "Xh8w3tB2Jq-7lK9vRZ0cAbCdEfGhIjKlMnOpQrStUvWxYz01", ContentType: "image/jpeg", URL: "http://mmbiz.qpic.cn/mmbiz_jpg/Zs1sJ0xvYzO5kLu/0"}}}},
		{file: "voice.xml", want: channels.Inbound{ExternalMessageID: "24602385938471236", Text: "洗衣机漏水了。"}},
		{file: "voice_unrecognized.xml", want: channels.Inbound{ExternalMessageID: "24602385938471237", Attachments: []channels.Attachment{{
			Name: "p9o8i7u6y5t4r3e2w1q0Lk9Jh8Gf7Ds6Aa5Zx4Cv3Bn2Mm1", ContentType: "audio/amr"}}}},
		{file: "location.xml", want: channels.Inbound{ExternalMessageID: "24602385938471238", Text: "北京市朝阳区建国门外大街1号国贸商城"}},
		{file: "link.xml", want: channels.Inbound{ExternalMessageID: "24602385938471239", Text: "KFR-35GW 安装说明\n第 12 页：故障代码 E4\nhttps://example.com/manual/kfr-35gw"}},
		{file: "video.xml", want: channels.Inbound{ExternalMessageID: "24602385938471240", Attachments: []channels.Attachment{{
			Name: "v1d3oM3d1aIdAbCdEfGhIjKlMnOpQrStUvWxYz0123456789", ContentType: "video/mp4"}}}},
		{file: "event_subscribe.xml", want: channels.Inbound{ExternalMessageID: "ev:" + testOpenID + ":1718000100:subscribe", Choice: "event:subscribe"}},
		{file: "event_subscribe_qrscene.xml", want: channels.Inbound{ExternalMessageID: "ev:" + testOpenID + ":1718000101:subscribe", Choice: "event:subscribe:store-guomao"}},
		{file: "event_click.xml", want: channels.Inbound{ExternalMessageID: "ev:" + testOpenID + ":1718000300:CLICK", Choice: MenuStatus}},
		{file: "event_scan.xml", want: channels.Inbound{ExternalMessageID: "ev:" + testOpenID + ":1718000500:SCAN", Choice: "event:scan:asset-SN20240611-0042"}},
		{file: "event_unsubscribe.xml", skip: true},
		{file: "event_view.xml", skip: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{})
			b.clock.Fire(true) // no reply comes; do not wait
			r := b.client.do(t, req{body: readTestdata(t, tt.file)})
			if r.status != 200 || r.body != "success" {
				t.Fatalf("got %d %q, want success", r.status, r.body)
			}
			_, fresh, rejected := b.inbox.snapshot()
			if len(rejected) != 0 {
				t.Errorf("rejected %v", rejected)
			}
			if tt.skip {
				if len(fresh) != 0 {
					t.Errorf("handed on %+v", fresh)
				}
				return
			}
			if len(fresh) != 1 {
				t.Fatalf("handed on %d messages", len(fresh))
			}
			got := fresh[0]
			want := tt.want
			want.Channel, want.ExternalUserID = channels.WeChat, testOpenID
			got.Raw, got.ReceivedAt = nil, time.Time{}
			if !equalInbound(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func equalInbound(a, b channels.Inbound) bool {
	if len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for i := range a.Attachments {
		if a.Attachments[i].Name != b.Attachments[i].Name || a.Attachments[i].URL != b.Attachments[i].URL || a.Attachments[i].ContentType != b.Attachments[i].ContentType {
			return false
		}
	}
	a.Attachments, b.Attachments = nil, nil
	return a.Channel == b.Channel && a.ExternalMessageID == b.ExternalMessageID && a.ExternalUserID == b.ExternalUserID &&
		a.Text == b.Text && a.Choice == b.Choice && a.DisplayName == b.DisplayName
}

func TestRefusedRequests(t *testing.T) {
	t.Parallel()
	stale := strconv.FormatInt(testEpoch.Add(-6*time.Minute).Unix(), 10)
	tests := []struct {
		name string
		mode Mode
		req  req
		want int
	}{
		{"forged signature", Plaintext, req{signature: protoSign("not the token", "1", "2")}, http.StatusForbidden},
		{"forged msg_signature", Safe, req{msgSignature: protoSign("not the token", "1", "2", "3")}, http.StatusForbidden},
		{"stale timestamp", Safe, req{ts: stale}, http.StatusForbidden},
		{"future timestamp", Plaintext, req{ts: strconv.FormatInt(testEpoch.Add(time.Hour).Unix(), 10)}, http.StatusForbidden},
		{"plaintext in safe mode", Safe, req{plaintext: true}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: tt.mode})
			tt.req.body = readTestdata(t, "text.xml")
			if tt.name == "stale timestamp" {
				// A correctly signed request, only old.
				tt.req.signature = ""
			}
			r := b.client.do(t, tt.req)
			if r.status != tt.want {
				t.Fatalf("status %d, want %d", r.status, tt.want)
			}
			all, _, rejected := b.inbox.snapshot()
			if len(all) != 0 || len(rejected) != 0 {
				t.Errorf("handed on %d, kept %d", len(all), len(rejected))
			}
			if !strings.Contains(b.logs.String(), "request refused") {
				t.Errorf("no log line: %s", b.logs.String())
			}
		})
	}
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{config: func(c *Config) { c.MaxBodyBytes = 2048 }})
	body := readTestdata(t, "text.xml")
	body = bytes.Replace(body, []byte("KFR-35GW"), bytes.Repeat([]byte("x"), 4096), 1)
	r := b.client.do(t, req{body: body})
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", r.status)
	}
	if all, _, _ := b.inbox.snapshot(); len(all) != 0 {
		t.Errorf("handed on %d", len(all))
	}
}

func TestMalformedXML(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{Plaintext, Safe} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: mode})
			raw := readTestdata(t, "malformed.xml")
			r := b.client.do(t, req{body: raw})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			all, _, rejected := b.inbox.snapshot()
			if len(all) != 0 || len(rejected) != 1 || rejected[0] != "invalid_xml" {
				t.Fatalf("handed on %d, kept %v", len(all), rejected)
			}
			b.inbox.mu.Lock()
			kept := b.inbox.raws[0]
			b.inbox.mu.Unlock()
			if !bytes.Equal(kept, raw) {
				t.Errorf("kept %q, want the payload", kept)
			}
		})
	}
}

// TestReplyAfterBudget: no reply within the budget → `success` (plain,
// also in safe mode), and the reply then goes through the API.
func TestReplyAfterBudget(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{Plaintext, Safe} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: mode})
			done := make(chan resp, 1)
			go func() { done <- b.client.do(t, req{body: readTestdata(t, "text.xml")}) }()
			b.clock.WaitAfter(t, 1)
			b.clock.Advance(3 * time.Second)
			b.clock.Fire(false)
			r := <-done
			if r.status != 200 || r.body != "success" {
				t.Fatalf("got %d %q, want plain success", r.status, r.body)
			}
			err := b.ch.Send(context.Background(), channels.Outbound{OutboxID: 9, ExternalUserID: testOpenID, Text: "工程师明天上午到。", Kind: "reply"})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			calls := b.api.callsTo(pathCustom)
			if len(calls) != 1 {
				t.Fatalf("custom sends %d, want 1", len(calls))
			}
			c := calls[0].Body
			if c["touser"] != testOpenID || c["msgtype"] != "text" || c["text"].(map[string]any)["content"] != "工程师明天上午到。" {
				t.Errorf("custom send %v", c)
			}
		})
	}
}

// TestConcurrentDuplicates: WeChat delivers the same message four times at
// once; one copy is new to the inbox and the customer gets one reply.
func TestConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{Plaintext, Safe} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: mode})
			errs := b.replyOnFresh(t, "收到，正在为您登记。")
			body := readTestdata(t, "text.xml")
			var wg sync.WaitGroup
			res := make([]resp, 4)
			for i := range res {
				wg.Go(func() { res[i] = b.client.do(t, req{body: body}) })
			}
			if err := <-errs; err != nil {
				t.Fatalf("Send: %v", err)
			}
			// The reply is out; copies still waiting end now.
			b.clock.Fire(true)
			wg.Wait()
			all, fresh, _ := b.inbox.snapshot()
			if len(fresh) != 1 {
				t.Errorf("%d copies were new, want 1", len(fresh))
			}
			if len(all) != 4 {
				t.Errorf("inbox saw %d copies, want 4", len(all))
			}
			replies := len(b.api.callsTo(pathCustom))
			for _, r := range res {
				if _, ok := b.client.reply(t, r); ok {
					replies++
				}
			}
			if replies != 1 {
				t.Errorf("%d replies, want 1 (responses %+v)", replies, res)
			}
		})
	}
}

// TestDuplicateAfterwards: a redelivery once the first copy was answered
// answers `success` at once and hands nothing new on.
func TestDuplicateAfterwards(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.replyOnFresh(t, "好的。")
	if _, ok := b.client.reply(t, b.client.do(t, req{body: readTestdata(t, "text.xml")})); !ok {
		t.Fatal("first copy: no passive reply")
	}
	r := b.client.do(t, req{body: readTestdata(t, "text.xml")})
	if r.body != "success" {
		t.Fatalf("redelivery got %q", r.body)
	}
	if _, fresh, _ := b.inbox.snapshot(); len(fresh) != 1 {
		t.Errorf("%d new messages", len(fresh))
	}
}

func TestReceiveFails(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.inbox.err = errors.New("database down")
	r := b.client.do(t, req{body: readTestdata(t, "text.xml")})
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500 so WeChat retries", r.status)
	}
}

// TestUnsubscribe closes the window: nothing more is sent.
func TestUnsubscribe(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.clock.Fire(true)
	b.client.do(t, req{body: readTestdata(t, "text.xml")})
	b.client.do(t, req{body: readTestdata(t, "event_unsubscribe.xml")})
	err := b.ch.Send(context.Background(), channels.Outbound{OutboxID: 3, ExternalUserID: testOpenID, Text: "还在吗？"})
	var refused *channels.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("Send after unsubscribe: %v, want RefusedError", err)
	}
	if _, err := b.ch.Fallback(context.Background(), channels.Outbound{OutboxID: 3, ExternalUserID: testOpenID, Text: "进度", Kind: "progress"}); !errors.As(err, &refused) {
		t.Fatalf("Fallback after unsubscribe: %v, want RefusedError", err)
	}
	if n := len(b.api.paths()); n != 0 {
		t.Errorf("%d API calls", n)
	}
}

// TestRetryTakesOverTheWait: a redelivery while the first copy still waits
// (WeChat gave up on that connection) takes over; the first answers
// `success` at once and the reply goes to the newest connection.
func TestRetryTakesOverTheWait(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Safe})
	body := readTestdata(t, "text.xml")
	first := make(chan resp, 1)
	go func() { first <- b.client.do(t, req{body: body}) }()
	b.clock.WaitAfter(t, 1)
	retry := make(chan resp, 1)
	go func() { retry <- b.client.do(t, req{body: body}) }()
	if r := <-first; r.body != "success" {
		t.Fatalf("first copy got %q, want success", r.body)
	}
	b.clock.WaitAfter(t, 1)
	if err := b.ch.Send(context.Background(), channels.Outbound{OutboxID: 1, ExternalUserID: testOpenID, Text: "已登记。"}); err != nil {
		t.Fatal(err)
	}
	x, ok := b.client.reply(t, <-retry)
	if !ok || x.Content != "已登记。" {
		t.Fatalf("retry got %+v", x)
	}
	if _, fresh, _ := b.inbox.snapshot(); len(fresh) != 1 {
		t.Errorf("%d new messages", len(fresh))
	}
	if n := len(b.api.paths()); n != 0 {
		t.Errorf("%d API calls", n)
	}
}
