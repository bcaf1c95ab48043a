package main

// Issue 10 through `kefu serve` and the fake Bot API: the customer
// blocked the bot when the case is resolved.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/service"
)

// TestTelegramServeBlockedAtResolution: Telegram answers 403 to the
// resolution. The case does not record the customer as notified; the
// deferral and a call task are on its record; when the customer unblocks
// and writes, the resolution reaches them once.
func TestTelegramServeBlockedAtResolution(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	c, _, _ := tgIntake(t, e, tgLi)
	e.api.block(tgLi.chat, true)
	e.staffCall(t, "POST", fmt.Sprintf("/api/v1/cases/%d/resolve", c.ID), `{"proof":"更换排水泵，维修单 TG-7","attachment":"tg-7.jpg"}`, nil)
	e.waitHistory(t, c.ID, "the call task", func(h apiChange) bool { return h.Action == service.HistTask && h.Field == string(service.TaskCallback) })
	e.waitHistory(t, c.ID, "the deferral", func(h apiChange) bool {
		return h.Action == "delivery" && h.Field == service.KindResolved && strings.HasPrefix(h.To, "deferred")
	})
	stored, err := e.m.store.CaseGetByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.Milestones.ResolveNotified.IsZero() {
		t.Errorf("a notice Telegram refused counts as notified at %v", stored.Milestones.ResolveNotified)
	}

	e.api.block(tgLi.chat, false)
	from := e.api.sentMark()
	e.say(t, tgLi, e.text(tgLi, "修好了吗？"), "the resolution", tgContains("更换排水泵"))
	e.quiet(t)
	var n int
	for _, s := range e.api.sentTo(tgLi.chat, from) {
		if strings.Contains(s.Text, "更换排水泵") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the resolution reached the customer %d times: %s", n, tgTexts(e.api.sentTo(tgLi.chat, from)))
	}
	if stored, err = e.m.store.CaseGetByID(context.Background(), c.ID); err != nil || stored.Milestones.ResolveNotified.IsZero() {
		t.Errorf("delivered after the unblock, notified still unset (%v)", err)
	}
}
