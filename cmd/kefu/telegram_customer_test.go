package main

// What a Telegram customer receives (issue 10): their app's language from
// the first /start, a greeting without a WeChat menu, a status that
// follows the case, the function check's answer on the case record, and
// no keyboard edit Telegram refuses.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels/telegram"
)

var tgClarke = tgCustomer{chat: 5123456790, first: "Emma", last: "Clarke", handle: "emma_clarke", lang: "en"}

// TestTelegramStartInTheAppLanguage: /start from an app in English is
// answered in English, and the greeting names the bot's commands instead
// of a menu Telegram does not have; a Chinese app still gets Chinese.
func TestTelegramStartInTheAppLanguage(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	hello := e.say(t, tgClarke, e.command(tgClarke, "/start"), "greeting", func(tgSent) bool { return true })
	if !strings.Contains(hello.Text, "Welcome") || containsHanText(hello.Text) {
		t.Errorf("/start from an English app answered: %s", hello.Text)
	}
	for _, want := range []string{"/status", "/human"} {
		if !strings.Contains(hello.Text, want) {
			t.Errorf("greeting does not name %s: %s", want, hello.Text)
		}
	}
	if strings.Contains(strings.ToLower(hello.Text), "menu") {
		t.Errorf("greeting points at a menu: %s", hello.Text)
	}
	// The next question keeps the language the app gave.
	e.say(t, tgClarke, e.text(tgClarke, "XQG100"), "a question in English", func(s tgSent) bool {
		return !containsHanText(s.Text)
	})

	zh := e.say(t, tgLi, e.command(tgLi, "/start"), "greeting", func(tgSent) bool { return true })
	if !strings.Contains(zh.Text, "欢迎") || strings.Contains(zh.Text, "菜单") {
		t.Errorf("/start from a Chinese app answered: %s", zh.Text)
	}
	e.quiet(t)
}

func containsHanText(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestTelegramStatusAfterResolution: once the case is resolved /status
// says so (not "handling starts by …") and that the function check is
// awaited; the answer to the check is on the case history; and no
// keyboard is edited twice (Telegram refuses that with 400 "message is
// not modified").
func TestTelegramStatusAfterResolution(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	c := tgLi
	cs, _, _ := tgIntake(t, e, c)
	e.quiet(t)
	st := e.say(t, c, e.command(c, "/status"), "status", tgContains(cs.Number))
	if !strings.Contains(st.Text, "开始处理时限") {
		t.Errorf("status of an assigned case: %s", st.Text)
	}

	now := e.m.Now()
	plan := fmt.Sprintf(`{"type":"onsite_repair","description":"工程师上门更换排水泵","promised_at":%q,"visit_at":%q}`,
		now.Add(48*time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339))
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/plan", cs.ID), plan, nil)
	e.quiet(t)
	st = e.say(t, c, e.command(c, "/status"), "status with the plan", tgContains(cs.Number))
	if !strings.Contains(st.Text, "上门维修") || !strings.Contains(st.Text, "预计完成") || strings.Contains(st.Text, "开始处理时限") {
		t.Errorf("status with a plan in effect: %s", st.Text)
	}

	from := e.api.sentMark()
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/resolve", cs.ID),
		`{"proof":"更换排水泵，试机脱水正常","link":"https://kefu.example.com/proof/e2e-2"}`, nil)
	check := e.api.waitSent(t, from, c.chat, "function check", tgWithButton("check:works"))
	e.quiet(t)
	st = e.say(t, c, e.command(c, "/status"), "status after resolution", tgContains(cs.Number))
	if !strings.Contains(st.Text, "处理完成") || !strings.Contains(st.Text, "恢复正常") || strings.Contains(st.Text, "开始处理时限") {
		t.Errorf("status of a resolved case awaiting the check: %s", st.Text)
	}
	// /status re-asked the check with a new keyboard: answer that one.
	e.quiet(t)
	if again := e.api.sentTo(c.chat, from); len(again) > 0 {
		if last := again[len(again)-1]; len(last.Buttons) > 0 {
			check = last
		}
	}
	e.say(t, c, e.tap(c, check, "check:works"), "the survey", tgContains("1/3"))
	h := e.waitHistory(t, cs.ID, "function check", func(h apiChange) bool { return h.Action == "function_check" })
	if h.To != "works" || h.Actor != "customer" {
		t.Errorf("function check entry: %+v", h)
	}
	e.quiet(t)

	edits := map[string]int{}
	for _, x := range e.api.callsTo("editMessageReplyMarkup", 0) {
		edits[x.Params.Get("message_id")]++
	}
	for id, n := range edits {
		if n > 1 {
			t.Errorf("message %s had its keyboard removed %d times (Telegram refuses all but the first)", id, n)
		}
	}
}

// TestTelegramTimesOnTheCustomersClock: an English customer with a
// British mobile number is told when handling starts on London's clock,
// with the zone named, not in China time.
func TestTelegramTimesOnTheCustomersClock(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	c := tgClarke
	e.say(t, c, e.command(c, "/start"), "greeting", tgContains("Welcome"))
	e.say(t, c, e.text(c, "Hello, my XQG100 washing machine stopped spinning yesterday, please send someone to repair it, my phone is +44 7700 900123"),
		"a question", func(s tgSent) bool { return strings.HasSuffix(strings.TrimSpace(s.Text), "?") || len(s.Buttons) > 0 })
	e.say(t, c, e.text(c, "Bought it in November 2029"), "a question", func(s tgSent) bool { return true })
	confirm := e.say(t, c, e.text(c, "Emma Clarke"), "the confirmation", tgWithButton("confirm"))
	reg := e.say(t, c, e.tap(c, confirm, "confirm"), "registration", tgContains("K-"))
	// Registered at about 10:00 in Beijing (03:00 in London, on summer
	// time in June); a P2 case starts within 8 h.
	london, _ := time.LoadLocation("Europe/London")
	want := e.m.Now().Add(8 * time.Hour).In(london).Format("Jan 2 15:")
	if !strings.Contains(reg.Text, want) || !strings.Contains(reg.Text, "(London time)") {
		t.Errorf("registration %q, want the start on London's clock (%s…, London time)", reg.Text, want)
	}
	e.quiet(t)
}
