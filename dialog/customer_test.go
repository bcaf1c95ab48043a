package dialog_test

import (
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/dialog"
)

// What the customer receives (issue 10): their language from the first
// message, a greeting that fits the channel.

// hinted sends a message as a channel that knows the app's language
// (Telegram's language_code) does.
func (b *bundle) hinted(lang, text, choice string) []dialog.Reply {
	return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text, Choice: choice, Lang: lang})
}

func TestStartGreetsInTheAppLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		hint, lang, want string
	}{
		{"en", "en", "Welcome"},
		{"en-GB", "en", "Welcome"},
		{"de", "en", "Welcome"}, // English is read sooner than Chinese
		{"zh-hans", "zh-CN", "欢迎"},
		{"zh", "zh-CN", "欢迎"},
		{"zh-hant", "zh-TW", "歡迎"},
		{"zh-TW", "zh-TW", "歡迎"},
		{"zh-HK", "zh-TW", "歡迎"},
		{"zh_Hans_HK", "zh-CN", "欢迎"},
		{"", "", "欢迎"}, // no hint: the deployment's first language
	}
	for _, tt := range tests {
		t.Run(tt.hint, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.hinted(tt.hint, "", dialog.ChoiceStart)
			if len(r) != 1 || !strings.Contains(r[0].Text, tt.want) {
				t.Fatalf("/start with %q: %+v", tt.hint, r)
			}
			if b.st.Lang != tt.lang {
				t.Errorf("language %q, want %q", b.st.Lang, tt.lang)
			}
			// Telegram has no menu: the greeting names the commands.
			for _, menu := range []string{"菜单", "選單", "menu"} {
				if strings.Contains(r[0].Text, menu) {
					t.Errorf("the /start greeting points at a menu: %s", r[0].Text)
				}
			}
			if !strings.Contains(r[0].Text, "/status") || !strings.Contains(r[0].Text, "/human") {
				t.Errorf("the /start greeting does not name the commands: %s", r[0].Text)
			}
		})
	}
}

// The hint holds until the customer's words show a language; then the
// words decide, both ways.
func TestLanguageHintGivesWayToWords(t *testing.T) {
	t.Parallel()
	t.Run("english app, chinese words", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("en", "", dialog.ChoiceStart)
		r := b.hinted("en", "你好，我家洗衣机不脱水了", "")
		if b.st.Lang != "zh-CN" || len(r) == 0 || !containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after Chinese words: %+v", b.st.Lang, r)
		}
	})
	t.Run("chinese app, english words", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("zh-hans", "", dialog.ChoiceStart)
		r := b.hinted("zh-hans", "hi, my washing machine stopped spinning", "")
		if b.st.Lang != "en" || len(r) == 0 || containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after English words: %+v", b.st.Lang, r)
		}
	})
	t.Run("words without a language keep the hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("en", "", dialog.ChoiceStart)
		r := b.hinted("en", "XQG100", "")
		if b.st.Lang != "en" || len(r) == 0 || containsHan(r[len(r)-1].Text) {
			t.Errorf("language %q after a model code: %+v", b.st.Lang, r)
		}
	})
	t.Run("script-neutral chinese keeps a traditional hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.hinted("zh-TW", "", dialog.ChoiceStart)
		b.hinted("zh-TW", "林小姐", "")
		if b.st.Lang != "zh-TW" {
			t.Errorf("language %q after 林小姐 with a zh-TW app", b.st.Lang)
		}
	})
	t.Run("the words outweigh a later hint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.send("你好，我家洗衣机不脱水了")
		b.hinted("en", "", dialog.ChoiceStart)
		if b.st.Lang != "zh-CN" {
			t.Errorf("language %q: the hint replaced what the words showed", b.st.Lang)
		}
	})
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
