package main

// What a Telegram customer receives (issue 10): their app's language from
// the first /start, a greeting without a WeChat menu.

import (
	"path/filepath"
	"strings"
	"testing"

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
