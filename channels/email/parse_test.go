package email

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/channels"
)

func readEML(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		from     string
		name     string
		subject  string
		id       string
		text     []string // must appear in Text
		notText  []string // must not appear in Text
		auto     string
		attNames []string
	}{
		{file: "gbk_plain.eml", from: "wang.fang@example.com", name: "王芳", subject: "洗衣机不转了", id: "<gbk-0001@example.com>",
			text: []string{"洗衣机不转了", "XQB80-36", "北京市朝阳区建国路 88 号"}},
		{file: "gb18030_qp.eml", from: "yoshida@example.net", name: "𠮷田", subject: "冰箱不制冷 𠮷", id: "<gb18030-0001@example.net>",
			text: []string{"吉字是𠮷", "2024-02-10"}},
		{file: "big5.eml", from: "chan.taiman@example.hk", name: "陳大文", subject: "電視機沒有畫面", id: "<big5-0001@example.hk>",
			text: []string{"電視機沒有畫面", "0912-345-678"}},
		{file: "html_only.eml", from: "alice@example.org", name: "Alice Smith", subject: "Dishwasher leaking",
			text:    []string{"My dishwasher leaks water & smells.", "Order number: 991 (https://shop.example/orders/991)", "- Model DW-200"},
			notText: []string{"alert", "color:red", "Earlier message", "wrote:", "tracker"}},
		{file: "attachments.eml", from: "li.lei@example.com", name: "李雷", subject: "照片",
			text: []string{"附件是损坏的照片和发票。"}, attNames: []string{"损坏照片.jpg", "发票.pdf", "part-4.png"}},
		{file: "thread_2.eml", from: "zhang.wei@example.com", subject: "Re: [K-000123] 冰箱不制冷",
			text: []string{"型号是 BCD-215", "张伟", "某某公司"}, notText: []string{"写道", "请问冰箱"}}, // the signature is kept: it names the customer
		{file: "outlook_reply.eml", from: "bob@example.com", subject: "RE: [K-000456] Oven",
			text: []string{"Yes, tomorrow morning works."}, notText: []string{"inline quoted", "Original Message", "technician"}},
		{file: "ooo_autoreply.eml", from: "zhao.liu@example.com", subject: "自动回复: 冰箱不制冷", auto: AutoSubmitted, text: []string{"我正在休假"}},
		{file: "bounce.eml", from: "mailer-daemon@mx.kefu.test", auto: AutoBounce, text: []string{"could not be delivered"}, notText: []string{"Reporting-MTA"}},
		{file: "list.eml", from: "news@lists.example.org", auto: AutoList, text: []string{"new models"}},
		{file: "no_message_id.eml", from: "carol@example.com", text: []string{"sparks"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(readEML(t, tc.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.From != tc.from {
				t.Errorf("From = %q, want %q", m.From, tc.from)
			}
			if tc.name != "" && m.FromName != tc.name {
				t.Errorf("FromName = %q, want %q", m.FromName, tc.name)
			}
			if tc.subject != "" && m.Subject != tc.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tc.subject)
			}
			if tc.id != "" && m.ExternalID() != tc.id {
				t.Errorf("ExternalID = %q, want %q", m.ExternalID(), tc.id)
			}
			for _, s := range tc.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tc.notText {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text has %q:\n%s", s, m.Text)
				}
			}
			if m.Auto != tc.auto {
				t.Errorf("Auto = %q, want %q", m.Auto, tc.auto)
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Name)
				if len(a.Data) == 0 {
					t.Errorf("attachment %s has no data", a.Name)
				}
			}
			if strings.Join(names, ",") != strings.Join(tc.attNames, ",") {
				t.Errorf("attachments = %v, want %v", names, tc.attNames)
			}
		})
	}
}

func TestParseAttachmentDetails(t *testing.T) {
	t.Parallel()
	m, err := Parse(readEML(t, "attachments.eml"), Limits{MaxAttachmentBytes: 20})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Attachments[0]; got.ContentType != "image/jpeg" || got.Data != nil {
		t.Errorf("jpeg above the limit = %+v, want image/jpeg without data", got)
	}
	if got := m.Attachments[2]; got.ContentType != "image/png" || string(got.Data[:4]) != "\x89PNG" {
		t.Errorf("inline png = %s %q", got.ContentType, got.Data)
	}
	if strings.Join(m.Oversized, ",") != "损坏照片.jpg,发票.pdf" {
		t.Errorf("Oversized = %v", m.Oversized)
	}
}

func TestParseNoMessageIDHashIsStable(t *testing.T) {
	t.Parallel()
	raw := readEML(t, "no_message_id.eml")
	a, _ := Parse(raw, Limits{})
	// Delivery adds trace headers on top; the id must not change.
	b, _ := Parse(append([]byte("Return-Path: <carol@example.com>\r\nDelivered-To: service@kefu.test\r\n"), raw...), Limits{})
	if a.ExternalID() != b.ExternalID() || !strings.HasPrefix(a.ExternalID(), "sha256:") {
		t.Errorf("ids %q and %q", a.ExternalID(), b.ExternalID())
	}
}

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"gmail", "Thanks, fixed.\n\nOn Mon, 4 Mar 2024 at 10:00, Kefu <s@k.test> wrote:\n> old", "Thanks, fixed."},
		{"gmail wrapped", "Ok\n\nOn Mon, 4 Mar 2024 at 10:00, Kefu Service <service@kefu.test>\nwrote:\n> old", "Ok"},
		{"outlook", "Yes\n-----Original Message-----\nFrom: x", "Yes"},
		{"outlook zh", "好的\n\n-----原始邮件-----\n发件人: 客服", "好的"},
		{"foxmail", "可以\n\n发件人：客服 <s@k.test>\n发送时间：2024年3月1日", "可以"},
		{"qq", "明天上午\n在 2024年3月1日 15:05，客服 <s@k.test> 写道：\n> 什么时候方便", "明天上午"},
		{"outlook underline", "fine\n________________________________\nFrom: Kefu\nSent: today", "fine"},
		{"signature kept without its separator", "Model X\n-- \nBob\nACME", "Model X\nBob\nACME"},
		{"inline quotes", "> question 1\nanswer 1\n> question 2\nanswer 2", "answer 1\nanswer 2"},
		{"sent from", "broken\n\nSent from my iPhone", "broken"},
		{"from in text", "From: my shop on Main street I bought it", "From: my shop on Main street I bought it"},
		{"nothing quoted", "冰箱不制冷", "冰箱不制冷"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := StripQuoted(tc.in); got != tc.want {
				t.Errorf("StripQuoted = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSanitizeHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`<p onclick="x()">hi <b>there</b></p>`, `<p>hi <b>there</b></p>`},
		{`<script>alert(1)</script><p>a</p>`, `<p>a</p>`},
		{`<a href="javascript:alert(1)">x</a>`, `<a rel="noopener noreferrer nofollow" target="_blank">x</a>`},
		{`<a href="https://e.example/?a=1&amp;b=2">x</a>`, `<a href="https://e.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">x</a>`},
		{`<img src="https://t.example/p.gif"><img src="cid:a@b" alt="photo">`, `<img><img src="cid:a@b" alt="photo">`},
		{`<div><p>unclosed`, `<div><p>unclosed</p></div>`},
		{`<style>p{}</style><iframe src=x>hidden</iframe>1 &lt; 2`, `1 &lt; 2`},
		{`<p title="x" style="color:red">"q"</p>`, `<p>&#34;q&#34;</p>`},
		{`<svg><script>alert(1)</script></svg><form><input value=x>ok</form>`, `ok`},
	}
	for _, tc := range tests {
		if got := SanitizeHTML(tc.in); got != tc.want {
			t.Errorf("SanitizeHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPickChoice(t *testing.T) {
	t.Parallel()
	choices := []channels.Choice{{Value: "yes", Label: "是"}, {Value: "no", Label: "否"}}
	for in, want := range map[string]string{"2": "no", " 1. ": "yes", "是": "yes", "NO": "no", "3": "", "1\nmore": "", "yes please": ""} {
		if got := pickChoice(in, choices); got != want {
			t.Errorf("pickChoice(%q) = %q, want %q", in, got, want)
		}
	}
}
