package email

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kefu-dev/kefu/channels"
)

// templates stands in for dialog.Engine.Render over configs/templates.
var templates = map[string]map[string]string{
	"zh-CN": {TextReplyWithNumber: "请回复对应的数字。", TextSubject: "售后服务"},
	"zh-TW": {TextReplyWithNumber: "請回覆對應的數字。", TextSubject: "售後服務"},
	"en":    {TextReplyWithNumber: "Reply with the number of your choice.", TextSubject: "After-sales service"},
}

func renderText(lang, key string) string {
	if v, ok := templates[lang][key]; ok {
		return v
	}
	return key
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestTextsInTheCustomersLanguage: the words the channel adds (the line
// under the choices, a subject when the customer gave none) are in the
// customer's language only: Outbound.Lang, or the language of the text
// when Lang is empty.
func TestTextsInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	b.ch.opt.Texts = renderText
	ctx := testContext(t)
	choices := []channels.Choice{{Value: "works", Label: "1"}, {Value: "broken", Label: "2"}}
	for i, tc := range []struct {
		name, lang, text, hint, subject string
		han                             bool
	}{
		{"English by Lang", "en", "Does the dishwasher work again?", "Reply with the number of your choice.", "After-sales service", false},
		{"simplified by Lang", "zh-CN", "洗衣机现在能正常使用了吗？", "请回复对应的数字。", "售后服务", true},
		{"traditional by Lang", "zh-TW", "洗衣機現在可以正常使用了嗎？", "請回覆對應的數字。", "售後服務", true},
		{"English by the text", "", "Does the dishwasher work again?", "Reply with the number of your choice.", "After-sales service", false},
		{"simplified by the text", "", "洗衣机现在能正常使用了吗？", "请回复对应的数字。", "售后服务", true},
		{"traditional by the text", "", "洗衣機現在可以正常使用了嗎？請選擇。", "請回覆對應的數字。", "售後服務", true},
	} {
		to := strings.ReplaceAll(tc.name, " ", ".") + "@example.com"
		out := channels.Outbound{OutboxID: int64(i + 1), ExternalUserID: to, Kind: "function_check", Lang: tc.lang, Text: tc.text,
			Choices: choices, CreatedAt: time.Now()}
		if err := b.ch.Send(ctx, out); err != nil {
			t.Fatal(err)
		}
		msgs := b.smtp.messages()
		h, parts := parsed(t, msgs[len(msgs)-1].Data)
		text := parts["text/plain"]
		if !strings.HasSuffix(strings.TrimSpace(text), tc.hint) || !strings.Contains(parts["text/html"], "<p>"+tc.hint+"</p>") {
			t.Errorf("%s: the mail does not end with %q:\n%s", tc.name, tc.hint, text)
		}
		if hasHan(text) != tc.han {
			t.Errorf("%s: the mail mixes languages:\n%s", tc.name, text)
		}
		if s, _ := h.Subject(); s != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.name, s, tc.subject)
		}
	}

	// Without Options.Texts the channel adds no words of its own.
	bare := setupSend(t, nil)
	if err := bare.ch.Send(ctx, channels.Outbound{OutboxID: 1, ExternalUserID: "x@example.com", Lang: "en", Text: "Works again?", Choices: choices}); err != nil {
		t.Fatal(err)
	}
	_, parts := parsed(t, bare.smtp.messages()[0].Data)
	if got := strings.TrimSpace(strings.ReplaceAll(parts["text/plain"], "\r\n", "\n")); got != "Works again?\n\n1. 1\n2. 2" {
		t.Errorf("without texts:\n%s", got)
	}
}
