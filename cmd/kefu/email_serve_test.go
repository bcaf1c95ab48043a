package main

// End-to-end tests of the email channel through `kefu serve` (issue 5,
// "Tests"): the real program reading a real Dovecot over IMAP and
// replying through a local SMTP capture server (emailfake_test.go), on
// SQLite and on PostgreSQL.
//
// Two kefu-like auto-responders facing each other are tested here through
// the real program (TestEmailServeFacingKefus*); a responder that ignores
// Auto-Submitted is stopped by the per-sender cap, tested in
// channels/email (TestNaiveAutoresponderIsCapped).

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// batchMail is the batch: the channel's testdata, one mail each.
var batchMail = []string{
	"gbk_plain.eml", "gb18030_qp.eml", "big5.eml", "html_only.eml", "attachments.eml", "thread_1.eml",
	"thread_2.eml", "outlook_reply.eml", "ooo_autoreply.eml", "bounce.eml", "list.eml", "no_message_id.eml",
}

// batchSenders: who wrote, how many of their mails are in the batch,
// their subject (decoded), Message-ID of their latest mail, and whether a
// person wrote it (and so gets an answer).
var batchSenders = []struct {
	addr, subject, lastID string
	n                     int
	human                 bool
	kind                  string // of the stored mail when not a person's
}{
	{"wang.fang@example.com", "洗衣机不转了", "gbk-0001@example.com", 1, true, ""},
	{"yoshida@example.net", "冰箱不制冷 𠮷", "gb18030-0001@example.net", 1, true, ""},
	{"chan.taiman@example.hk", "電視機沒有畫面", "big5-0001@example.hk", 1, true, ""},
	{"alice@example.org", "Dishwasher leaking", "html-0001@example.org", 1, true, ""},
	{"li.lei@example.com", "照片", "att-0001@example.com", 1, true, ""},
	{"zhang.wei@example.com", "冰箱不制冷", "thread-0002@example.com", 2, true, ""},
	{"bob@example.com", "[K-000456] Oven", "outlook-0001@example.com", 1, true, ""},
	{"carol@example.com", "microwave", "", 1, true, ""},
	{"zhao.liu@example.com", "", "", 1, false, "choice:event:auto_reply:auto_submitted"},
	{"mailer-daemon@mx.kefu.test", "", "", 1, false, "choice:event:auto_reply:bounce"},
	{"news@lists.example.org", "", "", 1, false, "choice:event:auto_reply:list"},
}

// askLine is one "label：" line of the list the bot asks customers to fill
// in.
var askLine = regexp.MustCompile(`(?m)^\s*[^\s:：][^:：\n]{0,20}[:：]\s*$`)

// isAskAll reports whether a reply is the list of every missing field.
func isAskAll(m *sentMail) bool {
	return strings.Contains(m.Text, "请回复以下信息") || strings.Contains(m.Text, "請回覆以下資訊") ||
		strings.Contains(m.Text, "please reply with the following")
}

// checkReply checks what every automatic reply carries: our From, the
// customer's thread, the subject, RFC 3834 marking, both alternatives.
func checkReply(t *testing.T, m *sentMail, to, subject, inReplyTo string) {
	t.Helper()
	from, _ := m.Header.AddressList("From")
	if len(from) != 1 || from[0].Address != "service@kefu.test" {
		t.Errorf("reply to %s: From %v", to, from)
	}
	if m.ID == "" || !strings.HasSuffix(m.ID, "@kefu.test") {
		t.Errorf("reply to %s: Message-ID %q", to, m.ID)
	}
	if d, err := m.Header.Date(); err != nil || d.IsZero() {
		t.Errorf("reply to %s: Date %v %v", to, d, err)
	}
	if !strings.HasPrefix(m.Subject, "Re:") && !strings.HasPrefix(m.Subject, "RE:") || !strings.Contains(m.Subject, subject) {
		t.Errorf("reply to %s: subject %q, want Re: …%s", to, m.Subject, subject)
	}
	if inReplyTo != "" {
		if irt := m.msgIDs("In-Reply-To"); len(irt) != 1 || irt[0] != inReplyTo {
			t.Errorf("reply to %s: In-Reply-To %v, want %s", to, irt, inReplyTo)
		}
		if refs := m.msgIDs("References"); len(refs) == 0 || refs[len(refs)-1] != inReplyTo {
			t.Errorf("reply to %s: References %v, want them to end with %s", to, refs, inReplyTo)
		}
	}
	if v := m.Header.Get("Auto-Submitted"); v != "auto-replied" {
		t.Errorf("reply to %s: Auto-Submitted %q", to, v)
	}
	if !slices.Equal(m.Parts, []string{"text/plain", "text/html"}) {
		t.Errorf("reply to %s: parts %v, want text and HTML alternatives", to, m.Parts)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("reply to %s: Content-Type %q", to, ct)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(m.Text), "\n")
	if first = strings.TrimSpace(first); first != "" && !strings.Contains(m.HTML, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(first)) {
		t.Errorf("reply to %s: the HTML alternative lacks %q:\n%s", to, first, m.HTML)
	}
}

// state is the dialog state of addr's conversation.
func (e *emEnv) state(t *testing.T, addr string) (int64, dialog.State) {
	t.Helper()
	conv, _, ok := e.conversation(t, addr)
	if !ok {
		t.Fatalf("no conversation of %s", addr)
	}
	var st dialog.State
	if err := json.Unmarshal(conv.State, &st); err != nil {
		t.Fatal(err)
	}
	return conv.ID, st
}

// checkAskAll checks that m asks for every missing field of addr's intake
// in one list.
func (e *emEnv) checkAskAll(t *testing.T, addr string, m *sentMail) []string {
	t.Helper()
	_, st := e.state(t, addr)
	lines := askLine.FindAllString(m.Text, -1)
	if len(st.AskingAll) == 0 || len(lines) != len(st.AskingAll) {
		t.Errorf("the list to %s has %d lines %q; the bot is asking for %v:\n%s", addr, len(lines), lines, st.AskingAll, m.Text)
	}
	for _, f := range st.AskingAll {
		if st.Fields[f] != "" {
			t.Errorf("the list to %s asks for %s, known already (%q)", addr, f, st.Fields[f])
		}
	}
	return lines
}

// testEmailBatch: the batch of mail goes into Dovecot; each person
// is answered in their thread, the auto-reply, bounce and list mail are
// stored and not answered; then one customer fills in the list by reply in
// two rounds (some fields, in another order), confirms, and the case is
// registered with the mail's fields; a later mail with the case number in
// the subject brings a photo onto the case.
func testEmailBatch(t *testing.T, dbURL string) {
	e := startEmail(t, emOpts{dbURL: dbURL})
	for _, f := range batchMail {
		e.deliver(t, readChannelEML(t, f))
	}
	e.settled(t, "INBOX")

	for _, s := range batchSenders {
		in := e.inbound(t, s.addr)
		if len(in) != s.n {
			t.Errorf("%s: %d mails stored, want %d", s.addr, len(in), s.n)
			continue
		}
		got := e.smtp.to(t, s.addr)
		if !s.human {
			// The mail is stored, and the dialog step it would have caused
			// committed with it: the outbox is empty, so no answer is coming.
			if in[0].Kind != s.kind {
				t.Errorf("%s: stored as %q, want %q", s.addr, in[0].Kind, s.kind)
			}
			if len(got) != 0 {
				t.Errorf("%s: %d replies to mail that must not be answered: %q", s.addr, len(got), got[0].Subject)
			}
			if _, msgs, _ := e.conversation(t, s.addr); len(msgs) != 1 {
				t.Errorf("%s: %d messages in the conversation, want only the stored mail", s.addr, len(msgs))
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("%s: no reply", s.addr)
			continue
		}
		for _, m := range got {
			checkReply(t, m, s.addr, s.subject, "")
		}
		if s.lastID != "" {
			last := got[len(got)-1]
			checkReply(t, last, s.addr, s.subject, s.lastID)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Charsets, HTML and attachments as the agents see them.
	for addr, want := range map[string]string{
		"wang.fang@example.com":  "洗衣机不转了",  // GBK, 8bit
		"yoshida@example.net":    "𠮷",       // GB18030 four-byte, quoted-printable
		"chan.taiman@example.hk": "電視機沒有畫面", // Big5
		"alice@example.org":      "leaks water",
		"li.lei@example.com":     "[image/jpeg] 损坏照片.jpg",
		"zhao.liu@example.com":   "休假",
	} {
		if in := e.inbound(t, addr); !strings.Contains(in[0].Text, want) {
			t.Errorf("%s: stored text %q lacks %q", addr, in[0].Text, want)
		}
	}
	if in := e.inbound(t, "alice@example.org"); strings.Contains(in[0].Text, "alert") || strings.Contains(in[0].Text, "<") {
		t.Errorf("HTML-only mail stored with markup or script: %q", in[0].Text)
	}
	// The quoted earlier mail stays out; the signature reaches the bot,
	// which reads the customer's name and company from it.
	if in := e.inbound(t, "zhang.wei@example.com"); strings.Contains(in[1].Text, "请问冰箱的型号") || !strings.Contains(in[1].Text, "张伟") {
		t.Errorf("the quoted reply reached the bot or the signature did not: %q", in[1].Text)
	}
	// The two mails of one thread are one conversation, and the second
	// answered part of the first list: the bot asks only for the rest.
	zw := e.smtp.to(t, "zhang.wei@example.com")
	var lists [][]string
	for _, m := range zw {
		if isAskAll(m) {
			lists = append(lists, askLine.FindAllString(m.Text, -1))
		}
	}
	if len(lists) != 2 || len(lists[1]) >= len(lists[0]) {
		t.Errorf("zhang.wei: the lists asked %q; want a shorter second one after the reply in the thread", lists)
	}
	// The Big5 customer is answered in traditional Chinese.
	for _, m := range e.smtp.to(t, "chan.taiman@example.hk") {
		if isAskAll(m) && !strings.Contains(m.Text, "請回覆以下資訊") {
			t.Errorf("Big5 customer asked in %q", m.Text)
		}
	}
	// Whoever the bot is asking for a list of fields got it in one mail:
	// every missing field, none known already.
	for _, s := range batchSenders {
		if !s.human {
			continue
		}
		if _, st := e.state(t, s.addr); len(st.AskingAll) > 0 {
			got := e.smtp.to(t, s.addr)
			if last := got[len(got)-1]; !isAskAll(last) {
				t.Errorf("%s: the bot asks for %v but its last mail is not the list:\n%s", s.addr, st.AskingAll, last.Text)
			} else {
				e.checkAskAll(t, s.addr, last)
			}
		}
	}
	if list := e.listCases(t); len(list) != 0 {
		t.Fatalf("cases before anyone confirmed: %+v", list)
	}

	// ---- one customer to a case, by replies in the thread ----
	const wf = "wang.fang@example.com"
	convID, st := e.state(t, wf)
	replies := e.smtp.to(t, wf)
	ask := replies[len(replies)-1]
	if !isAskAll(ask) {
		t.Fatalf("the last mail to %s is not the list of missing fields:\n%s", wf, ask.Text)
	}
	e.checkAskAll(t, wf, ask)
	// Her name is the signature under the mail; the demand is missing.
	if st.Fields[cases.FieldCustomerName] != "王芳" || slices.Contains(st.AskingAll, cases.FieldCustomerName) || !slices.Contains(st.AskingAll, cases.FieldDemand) {
		t.Fatalf("the bot asks %s for %v knowing %v; the test expects the name from the signature and the demand asked", wf, st.AskingAll, st.Fields)
	}
	// The reply, in GBK like her first mail, gives the demand: the
	// confirmation follows.
	r1 := replyTo(ask, wf, "wf-r1@example.com", "诉求：上门维修")
	r1.GBK = true
	n := len(replies)
	e.deliver(t, r1.Raw())
	replies = e.smtp.wait(t, wf, n+1, "the confirmation")
	e.quiet(t)
	replies = e.smtp.to(t, wf)
	confirm := replies[len(replies)-1]
	checkReply(t, confirm, wf, "洗衣机不转了", "wf-r1@example.com")
	if _, st2 := e.state(t, wf); st2.Fields[cases.FieldDemand] != "repair" {
		t.Fatalf("after the reply: demand %q", st2.Fields[cases.FieldDemand])
	}
	for _, want := range []string{"请核对", "王芳", "13812345678", "XQB80-36", wf} {
		if !strings.Contains(confirm.Text, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, confirm.Text)
		}
	}
	// Confirm by reply.
	n = len(replies)
	e.deliver(t, replyTo(confirm, wf, "wf-r3@example.com", "确认").Raw())
	e.smtp.wait(t, wf, n+1, "the registration")
	e.quiet(t)
	replies = e.smtp.to(t, wf)
	list := e.listCases(t)
	if len(list) != 1 {
		t.Fatalf("cases: %+v", list)
	}
	c := list[0]
	reg := replies[len(replies)-1]
	checkReply(t, reg, wf, "洗衣机不转了", "wf-r3@example.com")
	if !strings.Contains(reg.Text, c.Number) || !strings.Contains(reg.Subject, "["+c.Number+"]") {
		t.Errorf("registration mail: subject %q, text %q; want case %s in both", reg.Subject, reg.Text, c.Number)
	}
	if reg.Header.Get("X-Kefu-Case") != c.Number {
		t.Errorf("X-Kefu-Case %q", reg.Header.Get("X-Kefu-Case"))
	}
	if c.ConversationID != convID || c.Channel != string(channels.Email) || c.Category != string(cases.CategoryTechnical) {
		t.Errorf("case: conversation %d (want %d), channel %s, category %s", c.ConversationID, convID, c.Channel, c.Category)
	}
	for k, v := range map[string]string{
		"customer_name": "王芳", "phone": "13812345678", "product_model": "XQB80-36", "email": wf, "demand": "repair",
	} {
		if c.Fields[k] != v {
			t.Errorf("case field %s = %q, want %q (all: %v)", k, c.Fields[k], v, c.Fields)
		}
	}

	// A new mail (not a reply) naming the case in its subject, with a
	// photo of the damage: same conversation, the photo on the case, the
	// answer carries the case number.
	n = len(replies)
	photo := custMail{From: wf, FromName: "王芳", Subject: "补充照片 " + c.Number, MessageID: "wf-photo@example.com",
		Text: "补充一张洗衣机的照片。", Attachments: []custAttachment{{Name: "洗衣机.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0fake jpeg\xff\xd9")}}}
	e.deliver(t, photo.Raw())
	e.waitInbound(t, wf, 4) // the first mail, the demand, the confirmation, the photo
	e.quiet(t)
	_, hist, msgs := e.caseDetail(t, c.ID)
	attached := false
	for _, h := range hist {
		if h.Action == "attachment" && strings.Contains(h.To, "洗衣机.jpg") && h.Reason == string(channels.Email) {
			attached = true
		}
	}
	if !attached {
		t.Errorf("the photo is not in the history of %s: %+v", c.Number, hist)
	}
	var ins int
	for _, m := range msgs {
		if m.Direction == "in" {
			ins++
		}
	}
	if ins != 4 {
		t.Errorf("case %s shows %d mails of the customer, want 4: %+v", c.Number, ins, msgs)
	}
	for _, m := range e.smtp.to(t, wf)[n:] {
		checkReply(t, m, wf, c.Number, "wf-photo@example.com")
	}

	// Nothing went to anyone who must not get mail, and every message the
	// outbox sent is stored as sent: one SMTP delivery each.
	var out int
	for _, s := range batchSenders {
		_, msgs, _ := e.conversation(t, s.addr)
		for _, m := range msgs {
			if m.Direction == "out" {
				out++
			}
		}
	}
	if got := len(e.smtp.all()); got != out {
		t.Errorf("%d mails over SMTP, %d replies stored", got, out)
	}
}

func TestEmailServeBatchSQLite(t *testing.T) {
	t.Parallel()
	testEmailBatch(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestEmailServeBatchPostgres(t *testing.T) {
	t.Parallel()
	testEmailBatch(t, testPostgres(t))
}
