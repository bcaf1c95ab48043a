package main

// The agent console in a real browser: Debian's Chromium driven with
// chromedp against the running program. .ci/run installs Chromium; without
// it these tests fail rather than skip, so a green run means the console
// was really exercised.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// chromium finds the browser: KEFU_CHROMIUM, else Debian's package.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("KEFU_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is needed for the console tests: apt-get install chromium (or set KEFU_CHROMIUM)")
	return ""
}

// browsers bounds how many Chromiums the parallel tests run at once: on a
// 2-core machine more of them only starve each other (and kefu) until the
// browser steps time out.
var browsers = make(chan struct{}, 2)

// browser starts a headless Chromium with its own profile; the flags keep
// it from reaching out to the network this machine does not have.
func browser(t *testing.T) context.Context {
	t.Helper()
	browsers <- struct{}{}
	t.Cleanup(func() { <-browsers })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// Start the browser now, so a missing library fails here, clearly.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// browse runs browser steps with a deadline, failing the test with what
// the page showed.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	get(t, ctx, what, chromedp.Steps(steps...))
}

// clickUntil clicks sel until want is visible, a few times at most: a
// page swapped live can replace the button under a click, which is then
// lost (seen on a loaded machine).
func clickUntil(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	for range 3 {
		tctx, cancel := context.WithTimeout(ctx, 8*time.Second)
		_, err := chromedp.Run(tctx, chromedp.Steps(chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(want))))
		cancel()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			break
		}
	}
	browse(t, ctx, what, chromedp.WaitVisible(chromedp.CSS(want)))
}

// get runs one browser action that reads a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		c2, cancel2 := context.WithTimeout(ctx, 2*time.Second)
		defer cancel2()
		body, _ := chromedp.Run(c2, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("%s: %v\npage: %.2000s", what, err, body)
	}
	return v
}

// js runs a script for its effect.
func js(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[string](expr)(ctx, t)
		return chromedp.Void{}, err
	}
}

// staffUser creates a user who can sign in with a password.
func staffUser(t *testing.T, m *Main, name, login string, role cases.Role, dept cases.Department) cases.User {
	t.Helper()
	u, _, err := m.Service().Team().UserAdd(context.Background(), name, role, dept)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Service().Team().UserSetPassword(context.Background(), u.ID, login, login+"-password-1"); err != nil {
		t.Fatal(err)
	}
	return u
}

func signIn(t *testing.T, ctx context.Context, base, login string) {
	t.Helper()
	browse(t, ctx, "sign in as "+login,
		chromedp.Navigate(base+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), login),
		chromedp.SendKeys(chromedp.CSS("#password"), login+"-password-1"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#me")),
	)
}

// xssProbe is customer text that would run script if the console ever
// rendered it as HTML; window.__xss stays undefined when it is escaped.
const xssProbe = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"><svg onload="window.__xss=3">`

func testConsoleAgent(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	defer m.Close()
	base := "http://" + m.Addr()
	staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")
	ctx := browser(t)

	signIn(t, ctx, base, "wangfang")
	// The inbox is live once the stream has delivered its first pulse.
	browse(t, ctx, "open the queue",
		chromedp.Navigate(base+"/console/inbox?tab=waiting"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-live="1"]`)),
		chromedp.WaitVisible(chromedp.CSS("#count-waiting")),
	)

	// A customer on web chat asks for a person; the queue shows them
	// without a reload.
	c := &chat{t: t, base: base, session: "console-browser-0001"}
	c.post("我家XQG100洗衣机漏水了，地上全是水 " + xssProbe)
	_, after := c.waitReply(0, func(channels.StoredMessage) bool { return true })
	c.post("转人工")
	_, after = c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind != "" || strings.Contains(m.Text, "人工") })
	browse(t, ctx, "see the handoff appear live",
		chromedp.WaitVisible(chromedp.CSS("tr.conv-row")),
		chromedp.WaitVisible(chromedp.CSS(`#count-waiting.hot`)),
	)
	title := get(t, ctx, "title", chromedp.Title())
	if !strings.HasPrefix(title, "(1)") {
		t.Errorf("title = %q, want the waiting count first", title)
	}

	// Take over and read the transcript and the bot's draft.
	browse(t, ctx, "open the conversation",
		chromedp.Click(chromedp.CSS("tr.conv-row a")),
		chromedp.WaitVisible(chromedp.CSS("#takeover")),
	)
	draft := get(t, ctx, "draft", chromedp.Text(chromedp.CSS("#draft")))
	browse(t, ctx, "take over",
		chromedp.Click(chromedp.CSS("#takeover")),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	if !strings.Contains(draft, "XQG100") {
		t.Errorf("draft = %q, want the model the customer gave", draft)
	}
	browse(t, ctx, "reply, marked as guidance to check back on",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "您好，我是王芳。请问是从底部漏水吗？"),
		chromedp.Click(chromedp.CSS("#reply-recheck")),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	got, after := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "agent" })
	if !strings.Contains(got.Text, "王芳") {
		t.Errorf("customer got %q", got.Text)
	}
	conv, err := m.store.ConversationFind(context.Background(), channels.WebChat, "console-browser-0001")
	if err != nil {
		t.Fatal(err)
	}
	tps, err := m.store.Touchpoints(context.Background(), conv.CustomerID)
	if err != nil || len(tps) != 1 || tps[0].Touchpoint != "recheck_30m" || !strings.HasPrefix(tps[0].Cause, "reply:") {
		t.Errorf("the reply's re-check: %+v %v, want one planned after the reply", tps, err)
	}

	// The customer's answer appears in the open transcript live; what they
	// tell the agent, the bot will not ask again.
	c.post("对，底部漏，电话13812345678")
	browse(t, ctx, "see the answer live",
		chromedp.WaitVisible(chromedp.Search(`//ol[@id="transcript"]//p[contains(., "13812345678")]`)),
	)
	xss := get(t, ctx, "customer text stays text", chromedp.Evaluate[string](`String(window.__xss)`))
	if xss != "undefined" {
		t.Errorf("customer text ran as script in the console: window.__xss = %s", xss)
	}
	shown := get(t, ctx, "read the probe as text", chromedp.Text(chromedp.CSS("#transcript")))
	if !strings.Contains(shown, `<img src=x onerror=`) {
		t.Errorf("the customer's text is not shown as they wrote it: %q", shown)
	}

	// The README's picture: the conversation as the agent sees it, in
	// Chinese (KEFU_CONSOLE_SCREENSHOT=docs/console.png).
	if path := os.Getenv("KEFU_CONSOLE_SCREENSHOT"); path != "" {
		convURL := get(t, ctx, "location", chromedp.Evaluate[string](`location.origin + location.pathname`))
		browse(t, ctx, "switch to Chinese",
			js(`document.cookie = "kefu_lang=zh-CN; path=/console/"`),
			chromedp.Navigate(convURL),
			chromedp.WaitVisible(chromedp.CSS("#reply-text")),
		)
		png := get(t, ctx, "screenshot", chromedp.FullScreenshot(100))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		browse(t, ctx, "back to English",
			js(`document.cookie = "kefu_lang=en; path=/console/"`),
			chromedp.Navigate(convURL),
			chromedp.WaitVisible(chromedp.CSS("#handback")),
		)
	}

	browse(t, ctx, "hand back",
		chromedp.Click(chromedp.CSS("#handback")),
		chromedp.WaitVisible(chromedp.CSS("#conversations")),
	)
	next, _ := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Field != "" })
	if next.Field == string(cases.FieldPhone) || next.Field == string(cases.FieldSymptom) {
		t.Errorf("after the hand-back the bot asks for %s again: %q", next.Field, next.Text)
	}

}

func TestConsoleAgentOnSQLite(t *testing.T) {
	t.Parallel()
	testConsoleAgent(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestConsoleAgentOnPostgres(t *testing.T) {
	t.Parallel()
	testConsoleAgent(t, testPostgres(t))
}

// TestConsoleSecurity: a form posted from another site is refused, a
// handler never reads another department's case, and a disabled user's
// session ends at once.
func TestConsoleSecurity(t *testing.T) {
	t.Parallel()
	m := startMain(t, filepath.Join(t.TempDir(), "kefu.db"))
	defer m.Close()
	base := "http://" + m.Addr()
	spec := staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")
	staffUser(t, m, "物流李", "li", cases.RoleHandler, cases.DeptLogistics)

	c := &chat{t: t, base: base, session: "console-security-0001"}
	c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
	_, after := c.waitReply(0, field("confirm"))
	c.post("确认")
	c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })
	c2 := &chat{t: t, base: base, session: "console-security-0002", n: 100} // message ids are unique per channel
	if r := c2.post("转人工"); r.StatusCode != http.StatusAccepted {
		t.Fatalf("post: %d", r.StatusCode)
	}
	c2.waitReply(0, func(channels.StoredMessage) bool { return true })

	ctx := browser(t)
	signIn(t, ctx, base, "li")
	// The technical case is not the logistics handler's: not in a list,
	// not by its address.
	browse(t, ctx, "handler's open inbox", chromedp.Navigate(base+"/console/inbox?tab=open"))
	if body := get(t, ctx, "read the inbox", chromedp.Text(chromedp.CSS("main"))); strings.Contains(body, "K-") {
		t.Errorf("a logistics handler lists another department's case:\n%s", body)
	}
	browse(t, ctx, "handler opens the technical case by URL",
		chromedp.Navigate(base+"/console/cases/1"),
		chromedp.WaitVisible(chromedp.CSS("#error")),
	)
	if body := get(t, ctx, "read the refusal", chromedp.Text(chromedp.CSS("main"))); strings.Contains(body, "XQG100") {
		t.Errorf("a logistics handler reads a technical case:\n%s", body)
	}

	// A page on another site posts a take-over form to the console: the
	// browser sends the cookie (same host, other port), the console refuses.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/console/conversations/2/takeover"><input name="csrf" value="guess"></form><button id="go" form="f">go</button>`, base)
	}))
	defer evil.Close()
	signIn(t, ctx, base, "wangfang")
	browse(t, ctx, "cross-site form",
		chromedp.Navigate(evil.URL),
		chromedp.Click(chromedp.CSS("#go")),
		chromedp.WaitVisible(chromedp.CSS("#error")),
	)
	sum, err := m.Service().Team().ConversationGet(context.Background(), spec, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Phase != "waiting_agent" || sum.Agent != "" {
		t.Errorf("after a cross-site post the conversation is %s held by %q", sum.Phase, sum.Agent)
	}

	// Disabling a user ends their session on the next request.
	browse(t, ctx, "signed in", chromedp.Navigate(base+"/console/"), chromedp.WaitVisible(chromedp.CSS("#me")))
	if err := m.Service().Team().UserSetDisabled(context.Background(), spec.ID, true); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "disabled user is signed out",
		chromedp.Navigate(base+"/console/inbox?tab=open"),
		chromedp.WaitVisible(chromedp.CSS("#signin")),
	)
}

// testConsoleCaseWork: a hotline case is registered in the console and
// matched to the customer's earlier web chat; a supervisor raises its
// priority with a reason; the head approves the P1 plan from the
// notification that appears live; the handler resolves with an uploaded
// proof, and the customer reads the resolution on web chat.
func testConsoleCaseWork(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	defer m.Close()
	base := "http://" + m.Addr()
	ctx := context.Background()
	staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")
	staffUser(t, m, "赵主管", "zhao", cases.RoleSupervisor, "")
	handler := staffUser(t, m, "王工", "wanggong", cases.RoleHandler, cases.DeptTechnicalSupport)
	staffUser(t, m, "李部长", "li", cases.RoleHead, cases.DeptTechnicalSupport)

	c := &chat{t: t, base: base, session: "console-casework-0001"}
	c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
	_, after := c.waitReply(0, field("confirm"))
	c.post("确认")
	_, after = c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })

	b := browser(t)
	signIn(t, b, base, "wangfang")
	browse(t, b, "register a hotline case",
		chromedp.Navigate(base+"/console/new"),
		chromedp.Click(chromedp.CSS("#source-hotline")),
		chromedp.SendKeys(chromedp.CSS("#f-customer_name"), "张三"),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "13812345678"),
		chromedp.SendKeys(chromedp.CSS("#f-symptom"), "洗衣机外壳带电，手碰会麻"),
		chromedp.SendKeys(chromedp.CSS("#f-product_model"), "XQG100"),
		chromedp.SetValue(chromedp.CSS("#priority"), "P2"),
		chromedp.Click(chromedp.CSS("#register")),
		chromedp.WaitVisible(chromedp.CSS("#case-number")),
	)
	timeline := get(t, b, "timeline", chromedp.Text(chromedp.CSS("#timeline")))
	number := get(t, b, "case number", chromedp.Text(chromedp.CSS("#case-number")))
	if !strings.Contains(timeline, "matched") || !strings.Contains(number, "K-000002") {
		t.Errorf("hotline case %q not matched to the customer:\n%s", number, timeline)
	}

	signIn(t, b, base, "zhao")
	browse(t, b, "override the priority",
		chromedp.Navigate(base+"/console/cases/2"),
		openSection("Correct category", "#ov-priority"),
		chromedp.SetValue(chromedp.CSS("#ov-priority"), "P1"),
		chromedp.SendKeys(chromedp.CSS("#ov-reason"), "外壳带电是触电风险"),
		chromedp.Click(chromedp.CSS("#submit-override")),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="case-priority"][contains(., "P1")]`)),
	)
	if tl := get(t, b, "timeline", chromedp.Text(chromedp.CSS("#timeline"))); !strings.Contains(tl, "外壳带电是触电风险") {
		t.Errorf("the override's reason is not in the timeline:\n%s", tl)
	}

	// The head watches the console; the handler's plan needs approval.
	signIn(t, b, base, "li")
	browse(t, b, "head's inbox is live",
		chromedp.Navigate(base+"/console/inbox?tab=department"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-live="1"]`)),
		chromedp.WaitVisible(chromedp.CSS("#tabs")),
	)
	visit := time.Now().Add(24 * time.Hour)
	if _, err := m.Service().Team().CasePlan(ctx, handler, 2, cases.PlanParams{Type: cases.PlanOnSiteRepair,
		Description: "工程师上门检查接地并更换电源板", PromisedAt: visit.Add(4 * time.Hour), VisitAt: visit}); err != nil {
		t.Fatal(err)
	}
	browse(t, b, "approve from the notification",
		chromedp.WaitVisible(chromedp.CSS("#alert-approvals")),
		chromedp.Click(chromedp.CSS("#alert-approvals")),
		chromedp.WaitVisible(chromedp.CSS("#submit-approve")),
		chromedp.SendKeys(chromedp.CSS("#approve-comment"), "同意，今天安排"),
		chromedp.Click(chromedp.CSS("#submit-approve")),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="case-state"][contains(., "Planned")]`)),
	)
	// One person is responsible (SPEC §4): the head assigns the handler.
	browse(t, b, "assign the handler",
		openSection("Assign", "#assign-user"),
		chromedp.SetValue(chromedp.CSS("#assign-user"), fmt.Sprint(handler.ID)),
		chromedp.SendKeys(chromedp.CSS("#assign-reason"), "熟悉这款机型"),
		chromedp.Click(chromedp.CSS("#submit-assign")),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="case-assignee"][contains(., "王工")]`)),
	)
	plan, after := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "plan" })
	if !strings.Contains(plan.Text, "K-000002") && !strings.Contains(plan.Text, "上门") {
		t.Errorf("the customer's plan message: %q", plan.Text)
	}

	proof := filepath.Join(t.TempDir(), "维修单.png")
	if err := os.WriteFile(proof, []byte("\x89PNG\r\n\x1a\n fake but sniffed as png"), 0o644); err != nil {
		t.Fatal(err)
	}
	signIn(t, b, base, "wanggong")
	browse(t, b, "the handler's own cases", chromedp.Navigate(base+"/console/inbox?tab=mine"))
	if mine := get(t, b, "read my cases", chromedp.Text(chromedp.CSS("#inbox"))); !strings.Contains(mine, "K-000002") {
		t.Errorf("the assigned case is not in the handler's inbox:\n%s", mine)
	}
	browse(t, b, "resolve with an uploaded proof",
		chromedp.Navigate(base+"/console/cases/2"),
		chromedp.SendKeys(chromedp.CSS("#resolve-proof"), "已更换电源板，接地测试合格"),
		chromedp.SetUploadFiles(chromedp.CSS("#resolve-file"), []string{proof}),
		chromedp.Click(chromedp.CSS("#submit-resolve")),
		chromedp.WaitVisible(chromedp.CSS("#resolution")),
		chromedp.WaitVisible(chromedp.Search(`//ul[@id="attachments"]//a[contains(., "维修单.png")]`)),
	)
	res, after := c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "resolved" })
	if !strings.Contains(res.Text, "已更换电源板") || !strings.Contains(res.Text, "维修单.png") {
		t.Errorf("the customer's resolution message: %q", res.Text)
	}

	// A field read off the rating plate is corrected, with the reason.
	browse(t, b, "correct the model",
		openSection("Correct the details", "#edit-product_model"),
		chromedp.Clear(chromedp.CSS("#edit-product_model")),
		chromedp.SendKeys(chromedp.CSS("#edit-product_model"), "XQG100-B12"),
		chromedp.SendKeys(chromedp.CSS("#fields-reason"), "铭牌上的完整型号"),
		chromedp.Click(chromedp.CSS("#submit-fields")),
		chromedp.WaitVisible(chromedp.Search(`//dl[@id="fields"]//dd[contains(., "XQG100-B12")]`)),
	)
	if tl := get(t, b, "timeline", chromedp.Text(chromedp.CSS("#timeline"))); !strings.Contains(tl, "铭牌上的完整型号") {
		t.Errorf("the correction's reason is not in the timeline:\n%s", tl)
	}

	// The customer phones in a complaint; the supervisor walks it through
	// every step of SPEC §7 on the case page, and the customer hears the
	// judgement, the chosen plan and the close on their own channel.
	signIn(t, b, base, "zhao")
	due := time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	browse(t, b, "register a complaint",
		chromedp.Navigate(base+"/console/cases/2"),
		openSection("Register a complaint", "#complaint-content"),
		chromedp.SendKeys(chromedp.CSS("#complaint-content"), "师傅迟到两个小时，也没提前打电话"),
		chromedp.SendKeys(chromedp.CSS("#complaint-complainant"), "张三"),
		chromedp.Click(chromedp.CSS("#submit-complaint")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-judge")),
	)
	// A valid complaint without its department is refused, what was typed kept.
	browse(t, b, "judge without a department",
		chromedp.SendKeys(chromedp.CSS("#c1-judge-reason"), "上门迟到属实"),
		chromedp.Click(chromedp.CSS("#submit-c1-judge")),
		chromedp.WaitVisible(chromedp.Search(`//form[@id="form-c1-judge"]//p[@role="alert"]`)),
	)
	if kept := get(t, b, "kept reason", chromedp.Value(chromedp.CSS("#c1-judge-reason"))); kept != "上门迟到属实" {
		t.Errorf("the refused judgement lost what was typed: %q", kept)
	}
	browse(t, b, "judge valid",
		chromedp.SetValue(chromedp.CSS("#c1-judge-dept"), "technical_support"),
		chromedp.SetValue(chromedp.CSS("#c1-judge-due"), due),
		chromedp.Click(chromedp.CSS("#submit-c1-judge")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-investigate")),
		chromedp.SendKeys(chromedp.CSS("#c1-investigate-cause"), "派单时间冲突，工程师未通知客户"),
		chromedp.SendKeys(chromedp.CSS("#c1-investigate-party"), "技术支持部派单组"),
		chromedp.Click(chromedp.CSS("#submit-c1-investigate")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-plans")),
		chromedp.SendKeys(chromedp.CSS("#c1-plans-plans"), "赠送一次免费清洗服务\n延长保修半年"),
		chromedp.Click(chromedp.CSS("#submit-c1-plans")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-choose")),
		chromedp.SetValue(chromedp.CSS("#c1-choose-plan"), "2"),
		chromedp.Click(chromedp.CSS("#submit-c1-choose")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-acceptance")),
		chromedp.Click(chromedp.CSS("#c1-acceptance-yes")),
		chromedp.Click(chromedp.CSS("#submit-c1-acceptance")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-summary")),
		chromedp.SetValue(chromedp.CSS("#c1-summary-class"), "timeliness"),
		chromedp.SendKeys(chromedp.CSS("#c1-summary-imp"), "派单后工程师须提前一小时电话确认"),
		chromedp.Click(chromedp.CSS("#submit-c1-summary")),
		chromedp.WaitVisible(chromedp.CSS("#form-c1-follow-up")),
		chromedp.SendKeys(chromedp.CSS("#c1-follow-up-note"), "客户表示满意"),
		chromedp.Click(chromedp.CSS("#submit-c1-follow-up")),
		chromedp.WaitVisible(chromedp.Search(`//section[@id="complaint-1"]//span[@class="complaint-stage"][contains(., "Closed")]`)),
	)
	panel := get(t, b, "complaint panel", chromedp.Text(chromedp.CSS("#complaint-1")))
	for _, want := range []string{"师傅迟到两个小时", "派单时间冲突", "延长保修半年 ✓", "Timeliness", "提前一小时电话确认", "客户表示满意"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the complaint panel lacks %q:\n%s", want, panel)
		}
	}
	// The customer heard: received, valid, the chosen plan, accepted, closed.
	var told []string
	for range 5 {
		var m channels.StoredMessage
		m, after = c.waitReply(after, func(m channels.StoredMessage) bool { return m.Kind == "complaint" })
		told = append(told, m.Text)
	}
	if !strings.Contains(told[2], "延长保修半年") || strings.Contains(told[2], "赠送一次免费清洗") {
		t.Errorf("the customer was not offered the chosen plan: %q", told)
	}
}

func TestConsoleCaseWorkOnSQLite(t *testing.T) {
	t.Parallel()
	testConsoleCaseWork(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestConsoleCaseWorkOnPostgres(t *testing.T) {
	t.Parallel()
	testConsoleCaseWork(t, testPostgres(t))
}

// TestConsoleLiveAcrossProcesses: two kefu processes on one PostgreSQL
// database; a customer handed to a person on one appears live in a console
// served by the other.
func TestConsoleLiveAcrossProcesses(t *testing.T) {
	t.Parallel()
	db := testPostgres(t)
	m1 := startMain(t, db)
	defer m1.Close()
	m2 := startMain(t, db)
	defer m2.Close()
	staffUser(t, m1, "王芳", "wangfang", cases.RoleSpecialist, "")
	b := browser(t)
	base1 := "http://" + m1.Addr()
	signIn(t, b, base1, "wangfang")
	browse(t, b, "the queue on process 1",
		chromedp.Navigate(base1+"/console/inbox?tab=waiting"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-live="1"]`)),
	)
	c := &chat{t: t, base: "http://" + m2.Addr(), session: "console-two-procs-01"}
	c.post("烤箱不加热了，型号KX-200")
	_, after := c.waitReply(0, func(channels.StoredMessage) bool { return true })
	c.post("转人工")
	c.waitReply(after, func(channels.StoredMessage) bool { return true })
	browse(t, b, "the handoff taken in by process 2 appears on process 1",
		chromedp.WaitVisible(chromedp.CSS("tr.conv-row")),
	)
}

// openSection opens the <details> whose summary holds label and waits
// until sel inside it is shown. A live refresh may swap the section, closed,
// right after a click (the case page reloads its parts when something
// changes), so a closed section is opened again rather than typed into.
func openSection(label, sel string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
		const s = [...document.querySelectorAll("summary")].find(x => x.textContent.includes(%q));
		if (!s) return "missing";
		if (!s.parentElement.open) { s.click(); return "clicked"; }
		const e = document.querySelector(%q);
		return e && e.offsetParent !== null ? "ready" : "wait";
	})()`, label, sel)
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for i := 0; ; i++ {
			state, err := chromedp.Evaluate[string](js)(ctx, tg)
			if err != nil {
				return chromedp.Void{}, err
			}
			if state == "ready" {
				return chromedp.Void{}, nil
			}
			if i == 100 {
				return chromedp.Void{}, fmt.Errorf("section %q: %s", label, state)
			}
			time.Sleep(50 * time.Millisecond) // polling a live page, not asserting time
		}
	}
}
