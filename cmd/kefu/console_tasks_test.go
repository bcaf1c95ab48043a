package main

// Follow-up calls and canned replies in a real browser (issue 11, items 3
// and 7), against the running program like console_browser_test.go.

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// testConsoleTasks: an agent finds a follow-up task from the nav, reads
// the call script with the customer's phone, claims it and records "not
// satisfied"; a complaint is opened on the case and the customer is told
// on web chat. Then the agent answers another customer with a canned reply
// picked on the conversation page, and the customer receives it.
func testConsoleTasks(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	defer m.Close()
	base := "http://" + m.Addr()
	ctx := context.Background()
	staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")

	c := &chat{t: t, base: base, session: "console-tasks-0001"}
	c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
	_, after := c.waitReply(0, field("confirm"))
	c.post("确认")
	_, after = c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })

	// The follow-up task the timers create a day after the resolution.
	err := m.store.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		_, _, err := tx.TaskInsert(ctx, service.TaskParams{CaseID: 1, Kind: service.TaskFollowUp, Key: "follow_up:1:test",
			CreatedAt: time.Now(), DueAt: time.Now().Add(90 * time.Minute)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	b := browser(t)
	signIn(t, b, base, "wangfang")
	// Links are followed by their address rather than clicked: the nav and
	// the lists are swapped live on every change, and a click that lands
	// mid-swap is lost.
	browse(t, b, "the nav links the tasks", chromedp.WaitVisible(chromedp.CSS("#nav-tasks")))
	browse(t, b, "open the tasks",
		chromedp.Navigate(get(t, b, "tasks link", chromedp.Evaluate[string](`document.getElementById("nav-tasks").href`))),
		chromedp.WaitVisible(chromedp.CSS("tr.task-row time.due")),
	)
	browse(t, b, "open the task",
		chromedp.Navigate(get(t, b, "task link", chromedp.Evaluate[string](`document.querySelector("tr.task-row a.task-link").href`))),
		chromedp.WaitVisible(chromedp.CSS("#script")),
	)
	script := get(t, b, "script", chromedp.Text(chromedp.CSS("#script")))
	phone := get(t, b, "phone", chromedp.Text(chromedp.CSS("#task-phone")))
	if !strings.Contains(script, "张三") || !strings.Contains(script, "王芳") || !strings.Contains(script, "K-000001") || !strings.Contains(script, "suggestions") {
		t.Errorf("call script:\n%s", script)
	}
	if phone != "13812345678" {
		t.Errorf("phone = %q", phone)
	}
	clickUntil(t, b, "claim", "#claim", "#outcome-form")
	browse(t, b, "record not satisfied",
		chromedp.Click(chromedp.CSS("#reached-yes")),
		chromedp.Click(chromedp.CSS("#satisfied-no")),
		chromedp.SendKeys(chromedp.CSS("#suggestion"), "师傅迟到了两个小时"),
		chromedp.Click(chromedp.CSS("#submit-outcome")),
		chromedp.WaitVisible(chromedp.CSS("#task-complaint")),
	)
	said := get(t, b, "complaint notice", chromedp.Text(chromedp.CSS("#task-complaint")))
	if !strings.Contains(said, "#1") {
		t.Errorf("the page does not say the complaint was opened: %q", said)
	}
	cs, err := m.store.CaseGetByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Complaints) != 1 || !strings.Contains(cs.Complaints[0].Content, "师傅迟到了两个小时") {
		t.Errorf("complaints: %+v", cs.Complaints)
	}
	got, _ := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "complaint" })
	if !strings.Contains(got.Text, "投诉") {
		t.Errorf("the customer was told %q", got.Text)
	}

	// Canned replies: another customer asks for a person.
	c2 := &chat{t: t, base: base, session: "console-tasks-0002", n: 100}
	c2.post("你好，转人工")
	_, after2 := c2.waitReply(0, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "人工") })
	browse(t, b, "the queue shows them",
		chromedp.Navigate(base+"/console/inbox?tab=waiting"),
		chromedp.WaitVisible(chromedp.CSS("tr.conv-row a")),
	)
	browse(t, b, "take over",
		chromedp.Navigate(get(t, b, "conversation link", chromedp.Evaluate[string](`document.querySelector("tr.conv-row a").href`))),
		chromedp.WaitVisible(chromedp.CSS("#takeover")),
		chromedp.Click(chromedp.CSS("#takeover")),
		chromedp.WaitVisible(chromedp.CSS("#canned")),
	)
	// Picking from the select: choose the option and fire change, as the
	// browser does when the agent picks one (chromedp.SetValue checks the
	// value stays, but the console resets the picker after filling the box).
	browse(t, b, "pick the greeting",
		chromedp.Evaluate[chromedp.Void](`(function () { var s = document.getElementById("canned"); s.value = "greeting"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`),
	)
	text := get(t, b, "reply box", chromedp.Value(chromedp.CSS("#reply-text")))
	if !strings.Contains(text, "很高兴为您服务") {
		t.Fatalf("the reply box holds %q, want the canned greeting", text)
	}
	browse(t, b, "send it",
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	reply, _ := c2.waitReply(after2, func(m channels.StoredMessage) bool { return m.Kind == "agent" })
	if reply.Text != text {
		t.Errorf("the customer got %q, want %q", reply.Text, text)
	}
}

func TestConsoleTasksOnSQLite(t *testing.T) {
	t.Parallel()
	testConsoleTasks(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestConsoleTasksOnPostgres(t *testing.T) {
	t.Parallel()
	testConsoleTasks(t, testPostgres(t))
}
