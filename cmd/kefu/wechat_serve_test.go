package main

// End-to-end tests of the WeChat Official Account channel through `kefu
// serve` (issue 4, "Tests"): the real program with the channel in safe
// mode, a fake WeChat API and a client that signs and encrypts like
// WeChat (wechatfake_test.go).

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
)

// testWeChatIntake: a new follower is greeted with what the bot can do,
// reports a problem in a few text messages, confirms by tapping the
// msgmenu item, and the case is registered with the right fields,
// category and priority; the 查询进度 menu button then returns its status.
func testWeChatIntake(t *testing.T, dbURL string) {
	e := startWeChat(t, wxEnvOpts{dbURL: dbURL, logs: true})
	const openID = "oE2E_intake_Q9zNjWeS6o_0001"

	// Subscribe: greeting with what the bot can do.
	from := e.replies.mark()
	e.client.mustPost(t, wxEvent(openID, e.m.Now(), "subscribe", ""))
	hello := e.replies.wait(t, from, openID, "greeting", wxContains("欢迎关注"))
	for _, want := range []string{"报修", "查询工单进度", "人工客服"} {
		if !strings.Contains(hello.Text, want) {
			t.Errorf("greeting does not say the bot can %q: %s", want, hello.Text)
		}
	}

	e.say(t, openID, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修", "asking the purchase date", wxContains("什么时候购买"))
	e.say(t, openID, "去年双十一买的", "asking the name", wxContains("怎么称呼"))
	confirm := e.say(t, openID, "张三", "asking to confirm", wxContains("请核对"))
	if confirm.Source != "api" || confirm.MsgType != "msgmenu" {
		t.Fatalf("the confirmation has choices and must go as a msgmenu through the API, got %+v", confirm)
	}
	item, ok := confirm.item("确认无误")
	if !ok || item.ID == "" {
		t.Fatalf("msgmenu without the confirm item: %+v", confirm.Menu)
	}
	for _, want := range []string{"张三", "13812345678", "XQG100"} {
		if !strings.Contains(confirm.Text, want) {
			t.Errorf("confirmation summary lacks %q: %s", want, confirm.Text)
		}
	}

	// The tap comes back as a text message carrying bizmsgmenuid.
	from = e.replies.mark()
	e.client.mustPost(t, wxText(openID, e.m.Now(), e.msgID.Add(1), item.Content, item.ID))
	reg := e.replies.wait(t, from, openID, "registration", wxContains("K-"))
	for _, want := range []string{"技术故障", "P2", "技术支持部"} {
		if !strings.Contains(reg.Text, want) {
			t.Errorf("registration reply lacks %q: %s", want, reg.Text)
		}
	}

	list := e.listCases(t)
	if len(list) != 1 {
		t.Fatalf("cases: %+v", list)
	}
	c := list[0]
	if !strings.Contains(reg.Text, c.Number) {
		t.Errorf("registration reply %q does not name case %s", reg.Text, c.Number)
	}
	want := map[string]string{
		"customer_name": "张三", "phone": "13812345678", "product_model": "XQG100",
		"demand": "repair", "purchase_date": "2029-11-11", "occurred_at": "2030-06-10",
	}
	for k, v := range want {
		if c.Fields[k] != v {
			t.Errorf("case field %s = %q, want %q (all: %v)", k, c.Fields[k], v, c.Fields)
		}
	}
	if c.Fields["symptom"] == "" {
		t.Errorf("case without a symptom: %v", c.Fields)
	}
	if c.Channel != string(channels.WeChat) || c.Category != string(cases.CategoryTechnical) ||
		c.Priority != string(cases.P2) || c.Department != string(cases.DeptTechnicalSupport) {
		t.Errorf("case: channel %s, category %s, priority %s, department %s", c.Channel, c.Category, c.Priority, c.Department)
	}

	// 查询进度: the menu button returns the status of the open case.
	from = e.replies.mark()
	e.client.mustPost(t, wxEvent(openID, e.m.Now(), "CLICK", dialog.ChoiceMenuStatus))
	st := e.replies.wait(t, from, openID, "status", wxContains(c.Number))
	if !strings.Contains(st.Text, "技术支持部") {
		t.Errorf("status reply: %s", st.Text)
	}

	// Both paths were used: passive replies in the HTTP response and
	// customer-service messages through the API; nothing else was sent.
	e.quiet(t)
	var passive, api int
	for _, r := range e.replies.since(0, openID) {
		switch r.Source {
		case "passive":
			passive++
		case "api":
			api++
		}
	}
	if passive == 0 || api == 0 {
		t.Errorf("replies: %d passive, %d through the API; want both", passive, api)
	}
	_, msgs := e.conversation(t, openID)
	out := 0
	for _, m := range msgs {
		if m.Direction == "out" {
			out++
		}
	}
	if out != passive+api {
		t.Errorf("%d replies stored, %d delivered (%d passive, %d API)", out, passive+api, passive, api)
	}
	if n := len(e.api.callsTo(wxPathTemplate)); n != 0 {
		t.Errorf("%d template messages inside the window", n)
	}
}

func TestWeChatServeIntakeSQLite(t *testing.T) {
	t.Parallel()
	testWeChatIntake(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestWeChatServeIntakePostgres(t *testing.T) {
	t.Parallel()
	testWeChatIntake(t, testPostgres(t))
}

// testWeChatQuadruple: WeChat delivers the same message four times at
// once (its retries overlap the first request): one stored message, one
// dialog step, one reply. The step answers a first message with an
// acknowledgement and a question, so "one reply" is what a single
// delivery of the same message to another customer gets, each sent once:
// counted over passive replies and API calls.
func testWeChatQuadruple(t *testing.T, dbURL string) {
	e := startWeChat(t, wxEnvOpts{dbURL: dbURL, logs: true})
	const text = "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"

	// The control: the message delivered once.
	const control = "oE2E_once_Q9zNjWeS6o_000001"
	from := e.replies.mark()
	e.text(t, control, text)
	e.replies.wait(t, from, control, "asking the purchase date", wxContains("什么时候购买"))
	e.quiet(t)
	once := replyTexts(e.replies.since(from, control))

	const openID = "oE2E_dup_Q9zNjWeS6o_000002"
	msg := wxText(openID, e.m.Now(), e.msgID.Add(1), text, "")
	from = e.replies.mark()
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]wxResult, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() {
			<-start
			results[i], errs[i] = e.client.post(msg, wxForge{})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		if results[i].Status != http.StatusOK {
			t.Fatalf("copy %d: %d %s", i, results[i].Status, results[i].Body)
		}
	}
	e.replies.wait(t, from, openID, "asking the purchase date", wxContains("什么时候购买"))
	e.quiet(t) // every reply the step produced went out

	passive := 0
	for _, r := range results {
		if r.Reply != nil {
			passive++
		}
	}
	got := replyTexts(e.replies.since(from, openID))
	// Each copy carries at most one passive reply (a copy still waiting
	// may carry the step's second one); the rest went through the API.
	if strings.Join(got, "\n") != strings.Join(once, "\n") || passive > len(once) {
		t.Errorf("four copies got %d replies (%d passive): %q\none delivery got %d: %q", len(got), passive, got, len(once), once)
	}
	conv, msgs := e.conversation(t, openID)
	var in, out int
	for _, m := range msgs {
		if m.Direction == "in" {
			in++
		} else {
			out++
		}
	}
	if in != 1 || out != len(once) {
		t.Errorf("stored %d messages in and %d out, want 1 and %d: %+v", in, out, len(once), msgs)
	}
	var st dialog.State
	if err := json.Unmarshal(conv.State, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Texts) != 1 || st.Asking != cases.FieldPurchaseDate {
		t.Errorf("dialog state after one step: texts %q, asking %q", st.Texts, st.Asking)
	}
}

// replyTexts are the texts of replies, sorted: passive and API replies
// of one step may be recorded in either order.
func replyTexts(rs []wxReply) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Text)
	}
	sort.Strings(out)
	return out
}

func TestWeChatServeQuadrupleDeliverySQLite(t *testing.T) {
	t.Parallel()
	testWeChatQuadruple(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestWeChatServeQuadrupleDeliveryPostgres(t *testing.T) {
	t.Parallel()
	testWeChatQuadruple(t, testPostgres(t))
}

// TestWeChatServeForgedRequests: forged signatures, a forged
// msg_signature and a replayed timestamp get 403, and nothing is stored
// or sent.
func TestWeChatServeForgedRequests(t *testing.T) {
	t.Parallel()
	e := startWeChat(t, wxEnvOpts{dbURL: filepath.Join(t.TempDir(), "kefu.db"), logs: true})
	const openID = "oE2E_forged_Q9zNjWeS6o_0003"
	msg := wxText(openID, e.m.Now(), e.msgID.Add(1), "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修", "")
	for name, f := range map[string]wxForge{
		"signature":     {signature: wxSign("not the token", "1", "2")},
		"msg_signature": {msgSignature: wxSign(wxToken, "1", "2", "other ciphertext")},
		// Correctly signed, but an hour old: a replay.
		"old timestamp": {timestamp: strconv.FormatInt(e.m.Now().Add(-time.Hour).Unix(), 10)},
	} {
		res, err := e.client.post(msg, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Status != http.StatusForbidden {
			t.Errorf("forged %s: %d %q, want 403", name, res.Status, res.Body)
		}
	}

	ctx := context.Background()
	if _, err := e.m.store.ConversationFind(ctx, channels.WeChat, openID); cases.ErrorCode(err) != cases.ENotFound {
		t.Errorf("a conversation exists after forged requests: %v", err)
	}
	if all, err := e.m.store.ConversationList(ctx, service.ConversationListParams{}); err != nil || len(all) != 0 {
		t.Errorf("conversations: %v %+v", err, all)
	}
	if list := e.listCases(t); len(list) != 0 {
		t.Errorf("cases: %+v", list)
	}
	if n, err := e.m.store.OutboxPending(ctx); err != nil || n != 0 {
		t.Errorf("outbox: %d %v", n, err)
	}
	if r := e.replies.since(0, openID); len(r) != 0 {
		t.Errorf("replies to forged requests: %+v", r)
	}

	// The same message, signed correctly, is taken: the 403s were not an
	// accident of the setup.
	from := e.replies.mark()
	e.client.mustPost(t, msg)
	e.replies.wait(t, from, openID, "asking the purchase date", wxContains("什么时候购买"))
	if _, msgs := e.conversation(t, openID); len(msgs) == 0 {
		t.Error("the authentic message was not stored")
	}
}

// TestWeChatServeProgressOutsideWindow: a P3 case's daily progress update
// falls due when the customer's last message is 49 h old, outside the
// 48-hour customer-service window: it goes as the configured template
// message without trying the customer-service API, and the case history
// shows that path.
func TestWeChatServeProgressOutsideWindow(t *testing.T) {
	t.Parallel()
	testWeChatProgressFallback(t, 49*time.Hour, false)
}

// TestWeChatServeProgressWindowClosedByWeChat: the update falls due 25 h
// after the customer's last message, inside the window as kefu counts it,
// but WeChat answers 45015 (window closed): the template message goes
// instead.
func TestWeChatServeProgressWindowClosedByWeChat(t *testing.T) {
	t.Parallel()
	testWeChatProgressFallback(t, 25*time.Hour, true)
}

func testWeChatProgressFallback(t *testing.T, jump time.Duration, refuse bool) {
	dbPath := filepath.Join(t.TempDir(), "kefu.db")
	e := startWeChat(t, wxEnvOpts{dbURL: dbPath, logs: true})
	const openID = "oE2E_p3_Q9zNjWeS6o_00000004"
	ctx := context.Background()

	list := e.intakeP3(t, openID)
	c := list[0]
	e.quiet(t)

	var progress []service.TimerArgs
	for _, a := range wxPendingTimers(t, dbPath) {
		if a.Name == service.TimerProgress && a.CaseID == c.ID {
			progress = append(progress, a)
		}
	}
	if len(progress) != 1 {
		t.Fatalf("pending progress timers of case %d: %+v", c.ID, progress)
	}
	timer := progress[0]
	if d := timer.Due.Sub(e.m.Now()); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("a P3 case's progress update is due in %s, want a day", d)
	}

	// Later: the customer said nothing since registering.
	e.clock.Jump(jump)
	if refuse {
		e.api.fail(wxPathCustom, 45015)
	}
	from := e.replies.mark()
	customBefore := len(e.api.callsTo(wxPathCustom))
	if err := e.m.Service().HandleTimer(ctx, timer); err != nil {
		t.Fatalf("progress timer: %v", err)
	}

	var delivery apiChange
	deadline := time.Now().Add(20 * time.Second)
	for delivery.Action == "" {
		_, hist := e.caseDetail(t, c.ID)
		for _, h := range hist {
			if h.Action == "delivery" && h.Field == "progress" {
				delivery = h
			}
		}
		if delivery.Action == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no delivery entry in the history of case %d: %+v", c.ID, hist)
			}
			time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
		}
	}
	if !strings.Contains(delivery.To, "template") {
		t.Errorf("delivery entry: %+v, want the template-message path", delivery)
	}
	tpl := e.api.callsTo(wxPathTemplate)
	if len(tpl) != 1 {
		t.Fatalf("template messages sent: %+v", tpl)
	}
	body := tpl[0].Body
	if body["touser"] != openID || body["template_id"] != wxTemplateProgress {
		t.Errorf("template message: %v", body)
	}
	data, _ := body["data"].(map[string]any)
	thing1, _ := data["thing1"].(map[string]any)
	if v, _ := thing1["value"].(string); !strings.Contains(v, c.Number) {
		t.Errorf("template field thing1 %q does not carry the update of %s", v, c.Number)
	}
	time2, _ := data["time2"].(map[string]any)
	if v, _ := time2["value"].(string); !strings.HasPrefix(v, e.m.Now().In(wxShanghai).Format("2006-01-02 ")) {
		t.Errorf("template field time2 %q is not the time of the update", v)
	}
	if r := e.replies.since(from, openID); len(r) != 0 {
		t.Errorf("sent through the customer-service API outside the window: %+v", r)
	}
	tried := len(e.api.callsTo(wxPathCustom)) - customBefore
	if refuse && tried != 1 || !refuse && tried != 0 {
		t.Errorf("%d customer-service API calls for the update; want 1 when WeChat refuses, 0 when kefu knows the window closed", tried)
	}
	e.quiet(t)
	_, msgs := e.conversation(t, openID)
	if last := msgs[len(msgs)-1]; last.Direction != "out" || last.Kind != "progress" || !strings.Contains(last.Text, c.Number) {
		t.Errorf("the progress update is not stored as sent: %+v", last)
	}
}

// TestWeChatServeRestartKeepsDelivering: without Redis the customers'
// windows are kept in the database, so after a restart kefu still sends
// customer-service messages inside the window. Before, every window was
// forgotten: the progress update below was refused as "window closed" and
// went as a template message (or, for a kind without one, waited an hour).
func TestWeChatServeRestartKeepsDelivering(t *testing.T) {
	t.Parallel()
	for _, db := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "kefu.db") }},
		{"Postgres", testPostgres},
	} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			testWeChatRestart(t, db.url(t))
		})
	}
}

func testWeChatRestart(t *testing.T, dbURL string) {
	e := startWeChat(t, wxEnvOpts{dbURL: dbURL, logs: true})
	if e.m.Config.WeChat.RedisURL != "" {
		t.Fatal("this test is about running without Redis")
	}
	const openID = "oE2E_restart_Q9zNjWeS6o_0001"
	c := e.intakeP3(t, openID)[0]
	e.quiet(t)
	if err := e.m.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := startWeChat(t, wxEnvOpts{dbURL: dbURL, logs: true, restart: e})
	ctx := context.Background()
	stored, err := e2.m.store.CaseGetByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The update falls due a day later, inside the 48 h window (as in
	// testWeChatProgressFallback, which without a restart sends it by the
	// API too).
	e2.clock.Jump(25 * time.Hour)
	from := e2.replies.mark()
	err = e2.m.Service().HandleTimer(ctx, service.TimerArgs{
		ConversationID: c.ConversationID, CaseID: c.ID, Name: service.TimerProgress,
		Due: stored.Milestones.NextUpdate, UniqueKey: "restart-progress",
	})
	if err != nil {
		t.Fatalf("progress timer: %v", err)
	}
	r := e2.replies.wait(t, from, openID, "the progress update", wxContains(c.Number))
	if r.Source != "api" {
		t.Errorf("progress update went by %s, want the customer-service API", r.Source)
	}
	if n := len(e2.api.callsTo(wxPathTemplate)); n != 0 {
		t.Errorf("%d template messages: the window was forgotten across the restart", n)
	}
}
