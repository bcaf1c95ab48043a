package main

// Poison messages through `kefu serve` (issue 12): on every channel a
// message with NUL characters and invalid UTF-8 is stored sanitised and
// answered (or, where the channel's own parser refuses it, kept as
// rejected), a message the database refuses for good is quarantined with
// its raw bytes and the channel moves on, and the next message of another
// chat is answered. On SQLite and PostgreSQL; the database is made to
// refuse one message by storetest.Poison (a CHECK constraint failing
// inside the insert).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/storetest"
)

// poisonMarker is what makes the database refuse a message.
const poisonMarker = "POISON"

func sqliteURL(t *testing.T) string { return filepath.Join(t.TempDir(), "kefu.db") }

// rejectedOf returns the rejected payloads of a channel.
func rejectedOf(p *storetest.Poison, ch channels.ID) []storetest.Rejected {
	var out []storetest.Rejected
	for _, r := range p.Rejected() {
		if r.Channel == string(ch) {
			out = append(out, r)
		}
	}
	return out
}

// storedIn returns the texts a customer sent, as stored.
func storedIn(tb testing.TB, st service.Store, ch channels.ID, user string) []string {
	tb.Helper()
	ctx := context.Background()
	conv, err := st.ConversationFind(ctx, ch, user)
	if cases.ErrorCode(err) == cases.ENotFound {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	msgs, err := st.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == "in" {
			out = append(out, m.Text)
		}
	}
	return out
}

// ---- web chat ----

func postWebChat(tb testing.TB, base string, body []byte) (int, string) {
	tb.Helper()
	resp, err := http.Post(base+"/api/webchat/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func testWebChatPoison(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	t.Cleanup(func() { m.Close() })
	base := "http://" + m.Addr()
	poison := storetest.NewPoison(t, dbURL)
	poison.Refuse(poisonMarker)

	// NUL (escaped, as JSON carries it) and a byte that is not UTF-8.
	a := &chat{t: t, base: base, session: "poison-session-a01"}
	dirty := []byte(`{"session":"poison-session-a01","client_message_id":"a1","text":"冰箱\u0000不制冷` + "\xff" + `了"}`)
	if code, body := postWebChat(t, base, dirty); code != http.StatusAccepted {
		t.Fatalf("a message with NUL and invalid UTF-8: %d %s", code, body)
	}
	a.waitReply(0, func(channels.StoredMessage) bool { return true })
	if got := storedIn(t, m.store, channels.WebChat, a.session); !slices.Equal(got, []string{"冰箱不制冷\uFFFD了"}) {
		t.Errorf("stored %q, want the text without NUL and with U+FFFD", got)
	}

	// Refused for good: a clear 4xx (the page stops retrying), also when
	// the page sends it again; kept with its bytes.
	bad := []byte(`{"session":"poison-session-b01","client_message_id":"b1","text":"` + poisonMarker + ` 洗衣机漏水"}`)
	for try := range 2 {
		if code, body := postWebChat(t, base, bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "message_refused") {
			t.Fatalf("refused message, try %d: %d %s; want 422 message_refused", try+1, code, body)
		}
	}
	rej := rejectedOf(poison, channels.WebChat)
	if len(rej) == 0 || !bytes.Equal(rej[0].Raw, bad) {
		t.Fatalf("rejected web chat payloads %+v, want the refused request body", rej)
	}

	// The next message of another chat is answered, and so is the next one
	// of the same customer.
	c := &chat{t: t, base: base, session: "poison-session-c01"}
	if resp := c.post("你好，冰箱不制冷了"); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("next chat: %d", resp.StatusCode)
	}
	c.waitReply(0, func(channels.StoredMessage) bool { return true })
	b := &chat{t: t, base: base, session: "poison-session-b01", n: 1}
	if resp := b.post("洗衣机漏水"); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the same customer's next message: %d", resp.StatusCode)
	}
	b.waitReply(0, func(channels.StoredMessage) bool { return true })
}

func TestWebChatPoisonSQLite(t *testing.T) {
	t.Parallel()
	testWebChatPoison(t, sqliteURL(t))
}

func TestWebChatPoisonPostgres(t *testing.T) {
	t.Parallel()
	testWebChatPoison(t, testPostgres(t))
}

// ---- Telegram ----

var tgZhou = tgCustomer{chat: 6234567890, first: "周", last: "敏", handle: "zhou_min"}

func testTelegramPoison(t *testing.T, dbURL string, mode telegram.Mode) {
	e := startTelegram(t, dbURL, mode)
	poison := storetest.NewPoison(t, dbURL)
	poison.Refuse(poisonMarker)

	// NUL (escaped, as JSON carries it) and a byte that is not UTF-8.
	dirty := e.text(tgLi, "冰箱\x00不制冷INVALID了")
	dirty.Raw = bytes.Replace(dirty.Raw, []byte("INVALID"), []byte{0xff}, 1)
	if !bytes.Contains(dirty.Raw, []byte(`\u0000`)) {
		t.Fatalf("the update does not carry a NUL: %s", dirty.Raw)
	}
	e.say(t, tgLi, dirty, "an answer to the cleaned message", func(tgSent) bool { return true })
	if got := e.inbound(t, tgLi); !slices.Equal(got, []string{"冰箱不制冷\uFFFD了"}) {
		t.Errorf("stored %q, want the text without NUL and with U+FFFD", got)
	}

	// Refused for good, then another chat writes: both in one batch when
	// polling, so the refused update must not hold the next one back.
	bad := e.text(tgEmma, poisonMarker+" my dishwasher leaks")
	next := e.text(tgZhou, "你好，洗衣机不脱水了")
	from := e.api.sentMark()
	e.deliver(t, bad, next)
	e.api.waitSent(t, from, tgZhou.chat, "an answer to the next chat", func(tgSent) bool { return true })
	if got := e.inbound(t, tgEmma); len(got) != 0 {
		t.Errorf("the refused message was stored: %q", got)
	}
	rej := rejectedOf(poison, channels.Telegram)
	if len(rej) != 1 || !bytes.Equal(rej[0].Raw, bad.Raw) {
		t.Fatalf("rejected Telegram payloads %+v, want the refused update once", rej)
	}
	if mode == telegram.Polling {
		if got := e.offset(t); got != next.ID+1 {
			t.Errorf("committed offset %d, want %d (past the refused update and the next)", got, next.ID+1)
		}
	}
	// The customer whose message was refused is answered next time.
	e.say(t, tgEmma, e.text(tgEmma, "my dishwasher leaks"), "an answer after the refusal", func(tgSent) bool { return true })
}

func TestTelegramPoisonPollingSQLite(t *testing.T) {
	t.Parallel()
	testTelegramPoison(t, sqliteURL(t), telegram.Polling)
}

func TestTelegramPoisonPollingPostgres(t *testing.T) {
	t.Parallel()
	testTelegramPoison(t, testPostgres(t), telegram.Polling)
}

func TestTelegramPoisonWebhookSQLite(t *testing.T) {
	t.Parallel()
	testTelegramPoison(t, sqliteURL(t), telegram.Webhook)
}

func TestTelegramPoisonWebhookPostgres(t *testing.T) {
	t.Parallel()
	testTelegramPoison(t, testPostgres(t), telegram.Webhook)
}

// testTelegramTransientNotSkipped: an update the database fails for a
// reason that may pass is not skipped: the offset stays before it, it is
// not quarantined, and it is stored once the database works again.
func testTelegramTransientNotSkipped(t *testing.T, dbURL string) {
	e := startTelegram(t, dbURL, telegram.Polling)
	poison := storetest.NewPoison(t, dbURL)
	poison.Fail("FLAKY")
	u := e.text(tgLi, "FLAKY 冰箱不制冷")
	from := e.api.mark()
	e.deliver(t, u)
	// Asked for again: polls after the failure still start at or before it.
	polls := 0
	e.api.waitCall(t, from, "getUpdates", "three polls for the failing update", func(c tgCall) bool {
		if off := c.Params.Get("offset"); off == "" || off == "0" || off == fmt.Sprint(u.ID) {
			polls++
		}
		return polls >= 3
	})
	if got := e.inbound(t, tgLi); len(got) != 0 {
		t.Fatalf("stored %q while the database fails", got)
	}
	if got := e.offset(t); got > u.ID {
		t.Fatalf("offset %d moved past an update that failed transiently (%d)", got, u.ID)
	}
	if rej := rejectedOf(poison, channels.Telegram); len(rej) != 0 {
		t.Fatalf("a transient failure was quarantined: %+v", rej)
	}
	poison.Clear()
	e.waitStored(t, tgLi, "FLAKY")
}

func TestTelegramTransientNotSkippedSQLite(t *testing.T) {
	t.Parallel()
	testTelegramTransientNotSkipped(t, sqliteURL(t))
}

func TestTelegramTransientNotSkippedPostgres(t *testing.T) {
	t.Parallel()
	testTelegramTransientNotSkipped(t, testPostgres(t))
}

// ---- WeChat ----

func testWeChatPoison(t *testing.T, dbURL string) {
	e := startWeChat(t, wxEnvOpts{dbURL: dbURL, logs: true})
	poison := storetest.NewPoison(t, dbURL)
	poison.Refuse(poisonMarker)

	// XML cannot carry NUL or bytes that are not UTF-8: the parser refuses
	// the message, which is kept as rejected, and the request is answered
	// with a 4xx (an answer, so WeChat does not retry it).
	for i, content := range []string{"冰箱\x00不制冷", "冰箱不制冷\xff了"} {
		res, err := e.client.post(wxText("o-dirty", e.m.Now(), e.msgID.Add(1), content, ""), wxForge{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status < 400 || res.Status >= 500 {
			t.Errorf("dirty message %d: %d %s; want a 4xx", i, res.Status, res.Body)
		}
	}
	if rej := rejectedOf(poison, channels.WeChat); len(rej) != 2 || !bytes.Contains(rej[0].Raw, []byte("\x00")) || !bytes.Contains(rej[1].Raw, []byte("\xff")) {
		t.Errorf("rejected WeChat payloads %+v, want both dirty messages", rej)
	}

	// Refused for good: `success`, so WeChat stops retrying; kept.
	res := e.text(t, "o-poison", poisonMarker+" 洗衣机漏水")
	if res.Body != "success" {
		t.Errorf("refused message answered %q, want success", res.Body)
	}
	rej := rejectedOf(poison, channels.WeChat)
	if len(rej) != 3 || !bytes.Contains(rej[2].Raw, []byte(poisonMarker)) {
		t.Fatalf("rejected WeChat payloads %+v, want the refused message", rej)
	}
	if got := storedIn(t, e.m.store, channels.WeChat, "o-poison"); len(got) != 0 {
		t.Errorf("the refused message was stored: %q", got)
	}

	// The next message of another chat, and the customer's next one, are
	// answered.
	e.say(t, "o-next", "你好，冰箱不制冷了", "an answer to the next chat", func(wxReply) bool { return true })
	e.say(t, "o-poison", "洗衣机漏水", "an answer after the refusal", func(wxReply) bool { return true })
}

func TestWeChatPoisonSQLite(t *testing.T) {
	t.Parallel()
	testWeChatPoison(t, sqliteURL(t))
}

func TestWeChatPoisonPostgres(t *testing.T) {
	t.Parallel()
	testWeChatPoison(t, testPostgres(t))
}

// ---- email ----

func testEmailPoison(t *testing.T, dbURL string) {
	e := startEmail(t, emOpts{dbURL: dbURL})
	poison := storetest.NewPoison(t, dbURL)
	poison.Refuse(poisonMarker)

	dirty := custMail{From: "dirty@example.com", Subject: "冰箱", MessageID: "dirty-1@example.com",
		Text: "冰箱\x00不制冷INVALID了，电话13812345678"}.Raw()
	dirty = bytes.Replace(dirty, []byte("INVALID"), []byte{0xff}, 1)
	bad := custMail{From: "poison@example.com", Subject: "洗衣机", MessageID: "poison-1@example.com",
		Text: poisonMarker + " 洗衣机漏水"}.Raw()
	next := custMail{From: "next@example.com", Subject: "电视", MessageID: "next-1@example.com",
		Text: "电视机没有画面了"}.Raw()
	e.deliver(t, dirty, bad, next)
	e.smtp.wait(t, "dirty@example.com", 1, "an answer to the cleaned mail")
	e.smtp.wait(t, "next@example.com", 1, "an answer to the next mail")
	e.settled(t, "INBOX")

	in := e.inbound(t, "dirty@example.com")
	// The mail parser already shows the NUL as U+FFFD.
	if len(in) != 1 || strings.ContainsRune(in[0].Text, 0) || !strings.Contains(in[0].Text, "不制冷\uFFFD了") {
		t.Errorf("stored %+v, want the text without NUL, U+FFFD for the invalid byte", in)
	}
	if got := e.inbound(t, "poison@example.com"); len(got) != 0 {
		t.Errorf("the refused mail was stored: %+v", got)
	}
	rej := rejectedOf(poison, channels.Email)
	if len(rej) != 1 || !bytes.Contains(rej[0].Raw, []byte("poison-1@example.com")) {
		t.Fatalf("rejected mail %+v, want the refused one with its bytes", rej)
	}
	if pos := e.position(t, "INBOX"); pos.LastUID != 3 {
		t.Errorf("mailbox position %+v, want past all three mails", pos)
	}
}

func TestEmailPoisonSQLite(t *testing.T) {
	t.Parallel()
	testEmailPoison(t, sqliteURL(t))
}

func TestEmailPoisonPostgres(t *testing.T) {
	t.Parallel()
	testEmailPoison(t, testPostgres(t))
}
