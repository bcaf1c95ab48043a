package main

// End-to-end tests of the Telegram channel through `kefu serve` (issue 6,
// "Done means"): the real program in polling and in webhook mode against
// a local fake Bot API (telegramfake_test.go), on SQLite and on
// PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/telegram"
)

var tgLi = tgCustomer{chat: 5123456789, first: "伟", last: "李", handle: "liwei_sh"}

// tgIntake reports a washer that no longer spins in a few messages and
// confirms by pressing the inline button. It returns the case, as the
// staff API shows it, and the confirmation message.
func tgIntake(t *testing.T, e *tgEnv, c tgCustomer) (apiCase, tgSent, tgUpdate) {
	t.Helper()
	e.say(t, c, e.text(c, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"), "asking the purchase date", tgContains("什么时候购买"))
	e.say(t, c, e.text(c, "去年双十一买的"), "asking the name", tgContains("怎么称呼"))
	confirm := e.say(t, c, e.text(c, "张三"), "asking to confirm", tgContains("请核对"))
	for _, want := range []string{"张三", "13812345678", "XQG100"} {
		if !strings.Contains(confirm.Text, want) {
			t.Errorf("confirmation summary lacks %q: %s", want, confirm.Text)
		}
	}
	if _, ok := confirm.button("confirm"); !ok {
		t.Fatalf("the confirmation has no inline button with callback_data confirm: %s", confirm.Markup)
	}
	if _, ok := confirm.button("edit"); !ok {
		t.Errorf("the confirmation has no button to correct the details: %s", confirm.Markup)
	}

	from := e.api.mark()
	press := e.tap(c, confirm, "confirm")
	reg := e.say(t, c, press, "registration", tgContains("K-"))
	for _, want := range []string{"技术故障", "P2", "技术支持部"} {
		if !strings.Contains(reg.Text, want) {
			t.Errorf("registration reply lacks %q: %s", want, reg.Text)
		}
	}
	// The tap is answered (the spinner stops) and the keyboard removed.
	ans := e.api.waitCall(t, from, "answerCallbackQuery", "for the confirmation", func(x tgCall) bool {
		return x.Params.Get("callback_query_id") == press.callbackID()
	})
	if txt := ans.Params.Get("text"); txt != "" {
		t.Errorf("the first tap was answered with %q", txt)
	}
	edit := e.api.waitCall(t, from, "editMessageReplyMarkup", "removing the keyboard", func(x tgCall) bool {
		return x.Params.Get("message_id") == fmt.Sprint(confirm.MessageID)
	})
	if edit.Params.Get("chat_id") != c.id() || !strings.Contains(edit.Params.Get("reply_markup"), `"inline_keyboard":[]`) {
		t.Errorf("editMessageReplyMarkup: %v", edit.Params)
	}
	if b := e.api.message(c.chat, confirm.MessageID).Buttons; len(b) != 0 {
		t.Errorf("the confirmation still shows buttons after the tap: %v", b)
	}

	list := e.listCases(t)
	if len(list) != 1 {
		t.Fatalf("cases: %+v", list)
	}
	cs := list[0]
	if !strings.Contains(reg.Text, cs.Number) {
		t.Errorf("registration reply %q does not name case %s", reg.Text, cs.Number)
	}
	want := map[string]string{
		"customer_name": "张三", "phone": "13812345678", "product_model": "XQG100",
		"demand": "repair", "purchase_date": "2029-11-11", "occurred_at": "2030-06-10",
	}
	for k, v := range want {
		if cs.Fields[k] != v {
			t.Errorf("case field %s = %q, want %q (all: %v)", k, cs.Fields[k], v, cs.Fields)
		}
	}
	if cs.Fields["symptom"] == "" {
		t.Errorf("case without a symptom: %v", cs.Fields)
	}
	if cs.Channel != string(channels.Telegram) || cs.Category != string(cases.CategoryTechnical) ||
		cs.Priority != string(cases.P2) || cs.Department != string(cases.DeptTechnicalSupport) {
		t.Errorf("case: channel %s, category %s, priority %s, department %s", cs.Channel, cs.Category, cs.Priority, cs.Department)
	}
	return cs, confirm, press
}

// testTelegramIntake: /start greets with what the bot can do; a problem
// reported in a few messages is confirmed with the inline button and
// registered; a second tap on the (stale) keyboard does nothing; /status
// gives the case's progress; a photo becomes an attachment of the case.
func testTelegramIntake(t *testing.T, dbURL string, mode telegram.Mode) {
	e := startTelegram(t, dbURL, mode)
	c := tgLi

	hello := e.say(t, c, e.command(c, "/start"), "greeting", tgContains("欢迎"))
	for _, want := range []string{"报修", "查询工单进度", "人工客服"} {
		if !strings.Contains(hello.Text, want) {
			t.Errorf("greeting does not say the bot can %q: %s", want, hello.Text)
		}
	}

	cs, confirm, _ := tgIntake(t, e, c)

	// A second tap, from an app still showing the keyboard: on 修改 and on
	// 确认 again. Each is answered "already answered" and nothing else
	// happens: no message stored, no reply, the case unchanged.
	e.quiet(t)
	stored := e.inbound(t, c)
	_, hist := e.caseDetail(t, cs.ID)
	sent := e.api.sentMark()
	for _, data := range []string{"edit", "confirm"} {
		from := e.api.mark()
		again := e.tap(c, confirm, data)
		e.deliver(t, again)
		ans := e.api.waitCall(t, from, "answerCallbackQuery", "for the second tap on "+data, func(x tgCall) bool {
			return x.Params.Get("callback_query_id") == again.callbackID()
		})
		if !strings.Contains(ans.Params.Get("text"), "already answered") {
			t.Errorf("second tap on %s answered with %q, want \"already answered\"", data, ans.Params.Get("text"))
		}
	}
	if n, err := e.m.store.OutboxPending(context.Background()); err != nil || n != 0 {
		t.Errorf("outbox after the second taps: %d %v", n, err)
	}
	if got := e.inbound(t, c); len(got) != len(stored) {
		t.Errorf("second taps stored messages: %q, before %q", got, stored)
	}
	if s := e.api.sentTo(c.chat, sent); len(s) != 0 {
		t.Errorf("second taps got replies: %s", tgTexts(s))
	}
	if got, h := e.caseDetail(t, cs.ID); got.State != cs.State || len(h) != len(hist) {
		t.Errorf("second taps changed the case: state %s→%s, history %d→%d entries", cs.State, got.State, len(hist), len(h))
	}
	if list := e.listCases(t); len(list) != 1 {
		t.Errorf("cases after the second taps: %+v", list)
	}

	// /status: the open case and its progress.
	st := e.say(t, c, e.command(c, "/status"), "status", tgContains(cs.Number))
	if !strings.Contains(st.Text, "技术支持部") {
		t.Errorf("status reply: %s", st.Text)
	}

	// A photo: the largest size is fetched and filed on the case.
	from := e.api.mark()
	e.deliver(t, e.photo(c, "排水口这里漏水，见照片"))
	att := e.waitHistory(t, cs.ID, "attachment", func(h apiChange) bool { return h.Action == "attachment" })
	if !strings.Contains(att.To, "photo-AQADlarge.jpg") || !strings.Contains(att.To, "image/jpeg") || att.Reason != string(channels.Telegram) {
		t.Errorf("attachment entry: %+v", att)
	}
	gf := e.api.callsTo("getFile", from)
	if len(gf) != 1 || gf[0].Params.Get("file_id") != "AgACAgUAAxkBAAIBRmZoAAFlarge" {
		t.Errorf("getFile calls: %+v, want one for the largest size", gf)
	}
	if dl := e.api.callsTo("download", from); len(dl) != 1 || dl[0].Params.Get("path") != "photos/file_3.jpg" {
		t.Errorf("downloads: %+v", dl)
	}
	e.waitStored(t, c, "排水口这里漏水")
	for _, s := range e.inbound(t, c) {
		if strings.Contains(s, tgToken) || strings.Contains(s, "api.telegram.org") {
			t.Errorf("a stored message carries the bot token or a download link: %q", s)
		}
	}
	e.quiet(t)

	// One way in per mode: a webhook process never polls (Telegram would
	// answer 409), a polling one never sets a webhook.
	if mode == telegram.Webhook {
		if n := len(e.api.callsTo("getUpdates", 0)); n != 0 {
			t.Errorf("webhook mode called getUpdates %d times", n)
		}
	} else if n := len(e.api.callsTo("setWebhook", 0)); n != 0 {
		t.Errorf("polling mode called setWebhook %d times", n)
	}
}

func TestTelegramServeIntakePollingSQLite(t *testing.T) {
	t.Parallel()
	testTelegramIntake(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
}

func TestTelegramServeIntakePollingPostgres(t *testing.T) {
	t.Parallel()
	testTelegramIntake(t, testPostgres(t), telegram.Polling)
}

func TestTelegramServeIntakeWebhookSQLite(t *testing.T) {
	t.Parallel()
	testTelegramIntake(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Webhook)
}

func TestTelegramServeIntakeWebhookPostgres(t *testing.T) {
	t.Parallel()
	testTelegramIntake(t, testPostgres(t), telegram.Webhook)
}

// testTelegramSurvey: after registration an admin plans and resolves the
// case through the staff API; the customer answers the function check and
// the survey with inline buttons, and the result is in the case history.
func testTelegramSurvey(t *testing.T, dbURL string, mode telegram.Mode) {
	e := startTelegram(t, dbURL, mode)
	c := tgLi
	cs, _, _ := tgIntake(t, e, c)
	e.quiet(t)

	now := e.m.Now()
	plan := fmt.Sprintf(`{"type":"onsite_repair","description":"工程师上门更换排水泵","promised_at":%q,"visit_at":%q}`,
		now.Add(48*time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339))
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/plan", cs.ID), plan, nil)
	from := e.api.sentMark()
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/resolve", cs.ID),
		`{"proof":"更换排水泵，试机脱水正常","link":"https://kefu.example.com/proof/e2e-1"}`, nil)
	e.api.waitSent(t, from, c.chat, "resolution notice", tgContains("已处理完成"))
	check := e.api.waitSent(t, from, c.chat, "function check", tgWithButton("check:works"))
	if _, ok := check.button("check:broken"); !ok {
		t.Errorf("function check without a 'broken' button: %s", check.Markup)
	}

	tapped := []tgSent{check}
	q1 := e.say(t, c, e.tap(c, check, "check:works"), "first survey question", func(s tgSent) bool {
		return strings.Contains(s.Text, "1/3") && len(s.Buttons) == 5
	})
	for i := 5; i >= 1; i-- {
		if _, ok := q1.button(fmt.Sprintf("rating:%d", i)); !ok {
			t.Errorf("survey question without rating button %d: %s", i, q1.Markup)
		}
	}
	tapped = append(tapped, q1)
	q2 := e.say(t, c, e.tap(c, q1, "rating:5"), "second survey question", func(s tgSent) bool {
		return strings.Contains(s.Text, "2/3") && len(s.Buttons) == 5
	})
	tapped = append(tapped, q2)
	q3 := e.say(t, c, e.tap(c, q2, "rating:4"), "third survey question", func(s tgSent) bool {
		return strings.Contains(s.Text, "3/3") && len(s.Buttons) == 5
	})
	tapped = append(tapped, q3)
	comment := e.say(t, c, e.tap(c, q3, "rating:5"), "comment question", tgWithButton("none"))
	tapped = append(tapped, comment)
	e.say(t, c, e.tap(c, comment, "none"), "thanks", tgContains("感谢您的评价"))

	sv := e.waitHistory(t, cs.ID, "survey", func(h apiChange) bool { return h.Action == "survey" })
	if sv.To != "timeliness=5,professionalism=4,effectiveness=5" || sv.Reason != "" {
		t.Errorf("survey entry: %+v", sv)
	}
	_, hist := e.caseDetail(t, cs.ID)
	for _, h := range hist {
		if h.Action == "complaint" {
			t.Errorf("a good survey opened a complaint: %+v", h)
		}
	}
	// Every keyboard answered was taken off its message.
	for _, s := range tapped {
		e.api.waitCall(t, 0, "editMessageReplyMarkup", fmt.Sprintf("for message %d", s.MessageID), func(x tgCall) bool {
			return x.Params.Get("message_id") == fmt.Sprint(s.MessageID)
		})
		if b := e.api.message(c.chat, s.MessageID).Buttons; len(b) != 0 {
			t.Errorf("message %d %q still shows buttons: %v", s.MessageID, s.Text, b)
		}
	}
	e.quiet(t)
}

func TestTelegramServeSurveyPollingSQLite(t *testing.T) {
	t.Parallel()
	testTelegramSurvey(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
}

func TestTelegramServeSurveyPollingPostgres(t *testing.T) {
	t.Parallel()
	testTelegramSurvey(t, testPostgres(t), telegram.Polling)
}

func TestTelegramServeSurveyWebhookSQLite(t *testing.T) {
	t.Parallel()
	testTelegramSurvey(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Webhook)
}

func TestTelegramServeSurveyWebhookPostgres(t *testing.T) {
	t.Parallel()
	testTelegramSurvey(t, testPostgres(t), telegram.Webhook)
}

// testTelegramForgedWebhook: webhook requests without the secret token,
// or with a wrong one, get 403 and nothing is stored or sent; the same
// update with the token kefu registered is taken.
func testTelegramForgedWebhook(t *testing.T, dbURL string) {
	e := startTelegram(t, dbURL, telegram.Webhook)
	c := tgLi
	u := e.text(c, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修")
	sent := e.api.sentMark()
	for name, secret := range map[string]string{
		"missing":    "",
		"wrong":      "kefu-e2e_Secret-Token_0002",
		"other case": strings.ToUpper(tgSecret),
		"prefix":     tgSecret[:len(tgSecret)-1],
		"longer":     tgSecret + "0",
		"the token":  tgToken[strings.Index(tgToken, ":")+1:],
	} {
		if code := e.post(t, secret, u.Raw); code != http.StatusForbidden {
			t.Errorf("secret %s: HTTP %d, want 403", name, code)
		}
	}
	ctx := context.Background()
	if _, err := e.m.store.ConversationFind(ctx, channels.Telegram, c.id()); cases.ErrorCode(err) != cases.ENotFound {
		t.Errorf("a conversation exists after forged requests: %v", err)
	}
	if list := e.listCases(t); len(list) != 0 {
		t.Errorf("cases: %+v", list)
	}
	if n, err := e.m.store.OutboxPending(ctx); err != nil || n != 0 {
		t.Errorf("outbox: %d %v", n, err)
	}
	if s := e.api.sentTo(c.chat, sent); len(s) != 0 {
		t.Errorf("replies to forged requests: %s", tgTexts(s))
	}

	// The same update with the registered token is taken: the 403s were
	// not an accident of the setup.
	e.say(t, c, u, "asking the purchase date", tgContains("什么时候购买"))
	if got := e.inbound(t, c); len(got) != 1 {
		t.Errorf("stored: %q", got)
	}
}

func TestTelegramServeForgedWebhookSQLite(t *testing.T) {
	t.Parallel()
	testTelegramForgedWebhook(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestTelegramServeForgedWebhookPostgres(t *testing.T) {
	t.Parallel()
	testTelegramForgedWebhook(t, testPostgres(t))
}
