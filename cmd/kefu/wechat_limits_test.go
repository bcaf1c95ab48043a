package main

// Issue 10 through `kefu serve` and the fake WeChat API: what the
// customer receives when the channel's limits bind (5 sends per customer
// message, the 48-hour window) and in their quiet hours.

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/service"
)

const wxTemplateResolved = "TPL_E2E_RESOLVED"

// TestWeChatServeSilentP1ThreeDays: a P1 case runs for three days while
// the customer says nothing after registering.
func TestWeChatServeSilentP1ThreeDays(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "kefu.db")
	e := startWeChat(t, wxEnvOpts{dbURL: dbPath, logs: true, templates: map[string]wechat.Template{
		// Only the resolution has a template: progress updates must wait,
		// and not pile up, when the window or the quota binds.
		"resolved": {TemplateID: wxTemplateResolved, Fields: map[string]string{
			"character_string1": "{{.Case}}", "phrase2": "{{.Status}}",
			"thing3": "{{truncate 20 (or .Note .Status)}}", "time4": "{{.Time}}",
		}},
	}})
	ctx := context.Background()
	svc := e.m.Service()
	const openID = "oE2E_silent_Q9zNjWeS6o_0001"

	e.say(t, openID, "我叫李雷，电话13900001111，家里的电热水器漏电了，一碰就麻，型号DSZF-60，上个月买的，需要上门维修", "asking to confirm", wxContains("请核对"))
	e.say(t, openID, "确认", "registration", wxContains("K-"))
	list := e.listCases(t)
	if len(list) != 1 || list[0].Priority != string(cases.P1) {
		t.Fatalf("want one P1 case: %+v", list)
	}
	c0 := list[0]
	handler, _, err := svc.Team().UserAdd(ctx, "王工", cases.RoleHandler, cases.DeptTechnicalSupport)
	if err != nil {
		t.Fatal(err)
	}
	head, _, err := svc.Team().UserAdd(ctx, "李经理", cases.RoleHead, cases.DeptTechnicalSupport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Team().CasePlan(ctx, handler, c0.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "工程师上门检测漏电原因",
		PromisedAt: e.m.Now().Add(60 * time.Hour), VisitAt: e.m.Now().Add(5 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Team().CaseApprove(ctx, head, c0.ID, "同意"); err != nil {
		t.Fatal(err)
	}
	settle := func() { t.Helper(); wxSettle(t, e) }
	settle()
	start := e.m.Now()

	// Three days of timers, each fired at its due time on the fake clock.
	done := map[string]bool{}
	resolvedAt := start.Add(60 * time.Hour)
	resolved := false
	for {
		var due []service.TimerArgs
		for _, a := range wxPendingTimers(t, dbPath) {
			if a.CaseID == c0.ID && !done[a.UniqueKey] {
				due = append(due, a)
			}
		}
		sort.Slice(due, func(i, j int) bool { return due[i].Due.Before(due[j].Due) })
		if !resolved && (len(due) == 0 || due[0].Due.After(resolvedAt)) {
			e.clock.Jump(resolvedAt.Sub(e.m.Now()))
			if _, err := svc.Team().CaseResolve(ctx, handler, c0.ID, cases.ResolveParams{Proof: "更换漏电保护器，维修单 WX-9", Attachment: "wx-9.jpg"}); err != nil {
				t.Fatal(err)
			}
			resolved = true
			settle()
			continue
		}
		if len(due) == 0 || due[0].Due.After(start.Add(72*time.Hour)) {
			break
		}
		a := due[0]
		done[a.UniqueKey] = true
		if d := a.Due.Sub(e.m.Now()); d > 0 {
			e.clock.Jump(d)
		}
		if err := svc.HandleTimer(ctx, a); err != nil {
			t.Fatalf("timer %s: %v", a.Name, err)
		}
		settle()
		var statuses int
		for _, r := range wxQueued(t, e, c0.ConversationID) {
			if r.Kind == service.KindProgress {
				statuses++
			}
		}
		if statuses > 1 {
			t.Fatalf("%s after registration: %d automatic statuses waiting", e.m.Now().Sub(start).Round(time.Minute), statuses)
		}
	}

	// What WeChat was asked to deliver: nothing twice, the quota kept for
	// the resolution, which went by template with its content.
	var custom []string
	for _, c := range e.api.callsTo(wxPathCustom) {
		if c.Body["touser"] == openID {
			custom = append(custom, wxBodyText(c.Body))
		}
	}
	for i := 1; i < len(custom); i++ {
		if slices.Contains(custom[:i], custom[i]) {
			t.Errorf("sent twice: %q", custom[i])
		}
	}
	tpl := e.api.callsTo(wxPathTemplate)
	if len(tpl) != 1 || tpl[0].Body["template_id"] != wxTemplateResolved {
		t.Fatalf("template messages: %+v; want the resolution once", tpl)
	}
	data, _ := tpl[0].Body["data"].(map[string]any)
	field := func(k string) string { v, _ := data[k].(map[string]any); s, _ := v["value"].(string); return s }
	if field("character_string1") != c0.Number || field("phrase2") == "" || !strings.Contains(field("thing3"), "更换漏电保护器") {
		t.Errorf("the resolution's template fields lost its content: %v", data)
	}
	c, err := e.m.store.CaseGetByID(ctx, c0.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Milestones.ResolveNotified; n.IsZero() || n.Before(c.Milestones.Resolved) {
		t.Errorf("resolution delivered by template; resolve_notified = %v (resolved %v)", n, c.Milestones.Resolved)
	}
	_, hist := e.caseDetail(t, c0.ID)
	var byTemplate, deferred bool
	for _, h := range hist {
		if h.Action == "delivery" && h.Field == service.KindResolved && strings.Contains(h.To, "template") {
			byTemplate = true
		}
		if h.Action == "delivery" && strings.HasPrefix(h.To, "deferred") {
			deferred = true
		}
	}
	if !byTemplate || !deferred {
		t.Errorf("the case record does not show the template path (%v) and the deferrals (%v)", byTemplate, deferred)
	}
	for _, r := range wxQueued(t, e, c0.ConversationID) {
		if r.Kind == service.KindProgress {
			t.Errorf("a status still waits after the resolution: %q", r.Text)
		}
	}

	// The customer writes on day 3: the function check that waited goes
	// now, once, and no stale status comes with it.
	before := len(e.api.callsTo(wxPathCustom))
	from := e.replies.mark()
	e.text(t, openID, "师傅修好了吗")
	e.replies.wait(t, from, openID, "the function check", wxContains("正常"))
	settle()
	var after []string
	for _, c := range e.api.callsTo(wxPathCustom)[before:] {
		after = append(after, wxBodyText(c.Body))
	}
	for _, s := range after {
		if strings.Contains(s, "当前状态") || strings.Contains(s, "进度更新") {
			t.Errorf("a stale status went out when the customer wrote: %q", s)
		}
	}
}

// wxSettle waits until no outbox row is waiting for its first try: rows
// the channel deferred or quiet hours hold stay pending on purpose.
func wxSettle(tb testing.TB, e *wxEnv) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var fresh int
		err := e.m.store.InTx(context.Background(), func(ctx context.Context, tx service.Tx) error {
			convs, err := e.m.store.ConversationList(ctx, service.ConversationListParams{Limit: 100})
			if err != nil {
				return err
			}
			for _, cv := range convs {
				rows, err := tx.OutboxQueued(ctx, cv.ID)
				if err != nil {
					return err
				}
				for _, r := range rows {
					if r.LastError == "" {
						fresh++
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		if fresh == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox: %d rows still waiting for their first try", fresh)
		}
		time.Sleep(20 * time.Millisecond) // polling a live server, not asserting time
	}
}

func wxQueued(tb testing.TB, e *wxEnv, conv int64) []service.OutboxRow {
	tb.Helper()
	var rows []service.OutboxRow
	err := e.m.store.InTx(context.Background(), func(ctx context.Context, tx service.Tx) (err error) {
		rows, err = tx.OutboxQueued(ctx, conv)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// wxBodyText is a custom message's text or menu head.
func wxBodyText(b map[string]any) string {
	if t, ok := b["text"].(map[string]any); ok {
		s, _ := t["content"].(string)
		return s
	}
	if m, ok := b["msgmenu"].(map[string]any); ok {
		s, _ := m["head_content"].(string)
		return s
	}
	return ""
}

// TestWeChatServeQuietHours: a P3 case resolved at 23:30 Beijing time:
// nothing reaches the customer in the night, neither the resolution nor
// the function check; both go when quiet hours end at 08:00.
func TestWeChatServeQuietHours(t *testing.T) {
	t.Parallel()
	e := startWeChat(t, wxEnvOpts{dbURL: filepath.Join(t.TempDir(), "kefu.db"), logs: true})
	ctx := context.Background()
	svc := e.m.Service()
	const openID = "oE2E_quiet_Q9zNjWeS6o_00001"
	list := e.intakeP3(t, openID)
	c0 := list[0]
	handler, _, err := svc.Team().UserAdd(ctx, "王工", cases.RoleHandler, cases.DeptTechnicalSupport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Team().CasePlan(ctx, handler, c0.ID, cases.PlanParams{Type: cases.PlanOnSiteRepair, Description: "上门检查室内机",
		PromisedAt: e.m.Now().Add(30 * time.Hour), VisitAt: e.m.Now().Add(20 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wxSettle(t, e)
	night := time.Date(wxEpoch.Year(), wxEpoch.Month(), wxEpoch.Day(), 23, 30, 0, 0, wxShanghai)
	e.clock.Jump(night.Sub(e.m.Now()))
	before := len(e.api.callsTo(wxPathCustom)) + len(e.api.callsTo(wxPathTemplate))
	if _, err := svc.Team().CaseResolve(ctx, handler, c0.ID, cases.ResolveParams{Proof: "紧固室内机面板，异响消除", Attachment: "wx-201.jpg"}); err != nil {
		t.Fatal(err)
	}
	wxSettle(t, e)
	if n := len(e.api.callsTo(wxPathCustom)) + len(e.api.callsTo(wxPathTemplate)) - before; n != 0 {
		t.Fatalf("%d messages sent to a P3 customer at 23:30", n)
	}
	// 07:59: still night.
	e.clock.Jump(night.Add(8*time.Hour + 29*time.Minute).Sub(e.m.Now()))
	// A delivery pass of our own finds nothing due (the server's own passes
	// see the same rows).
	if n, err := svc.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("delivery pass at 07:59: %d rows, %v", n, err)
	}
	if n := len(e.api.callsTo(wxPathCustom)) + len(e.api.callsTo(wxPathTemplate)) - before; n != 0 {
		t.Fatalf("%d messages sent before quiet hours ended", n)
	}
	// 08:00: the resolution and the check go.
	e.clock.Jump(2 * time.Minute)
	from := e.replies.mark()
	check := e.replies.wait(t, from, openID, "the function check", wxContains("正常"))
	if check.Source != "api" {
		t.Errorf("function check: %+v", check)
	}
	var resolution bool
	for _, c := range e.api.callsTo(wxPathCustom) {
		resolution = resolution || strings.Contains(wxBodyText(c.Body), "异响消除")
	}
	if !resolution {
		t.Errorf("the resolution did not go at 08:00")
	}
}
