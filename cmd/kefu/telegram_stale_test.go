package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels/telegram"
)

// A button of an earlier question cannot answer the open one: the customer
// types the first survey score, then taps a rating on the first question's
// keyboard, which is stale by then.
func TestTelegramStaleKeyboardIsIgnored(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	c := tgLi
	cs, _, _ := tgIntake(t, e, c)
	e.quiet(t)
	now := e.m.Now()
	plan := fmt.Sprintf(`{"type":"onsite_repair","description":"更换排水泵","promised_at":%q,"visit_at":%q}`,
		now.Add(48*time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339))
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/plan", cs.ID), plan, nil)
	from := e.api.sentMark()
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/resolve", cs.ID), `{"proof":"维修单 WX-9","link":"https://kefu.example.com/p/9"}`, nil)
	check := e.api.waitSent(t, from, c.chat, "function check", tgWithButton("check:works"))
	q1 := e.say(t, c, e.tap(c, check, "check:works"), "first survey question", func(s tgSent) bool { return strings.Contains(s.Text, "1/3") })
	e.say(t, c, e.text(c, "5"), "second survey question", func(s tgSent) bool { return strings.Contains(s.Text, "2/3") })
	e.quiet(t)

	mark, sent := e.api.mark(), e.api.sentMark()
	e.deliver(t, e.tap(c, q1, "rating:1"))
	e.api.waitCall(t, mark, "answerCallbackQuery", "the stale tap answered", func(x tgCall) bool {
		return x.Params.Get("text") == "already answered"
	})
	e.quiet(t)
	for _, s := range e.api.sentTo(c.chat, sent) {
		if strings.Contains(s.Text, "3/3") {
			t.Fatalf("a stale button answered the open question: %q", s.Text)
		}
	}
}
