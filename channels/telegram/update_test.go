package telegram

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/channels"
)

// TestCommands: commands become the choices the dialog engine acts on and
// carry no text; other text goes to the dialog as it is.
func TestCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		want   channels.Inbound // ExternalMessageID, Text, Choice, Lang compared (ExternalUserID too when set)
		skip   bool             // acknowledged, not handed on
		reject string
	}{
		{file: "update_start.json", want: channels.Inbound{ExternalMessageID: testChat + ":50", Choice: "event:start", Lang: "zh-hans"}},
		{file: "update_start_deeplink.json", want: channels.Inbound{ExternalMessageID: testChat + ":60", Choice: "event:start:store-guomao", Lang: "zh-hans"}},
		// The app's language comes along, for the greeting's language.
		{file: "update_start_en.json", want: channels.Inbound{ExternalUserID: "5123456790", ExternalMessageID: "5123456790:66", Choice: "event:start", Lang: "en"}},
		{file: "update_status.json", want: channels.Inbound{ExternalMessageID: testChat + ":61", Choice: "menu:status"}},
		{file: "update_status_at.json", want: channels.Inbound{ExternalMessageID: testChat + ":62", Choice: "menu:status"}},
		{file: "update_status_other_bot.json", want: channels.Inbound{ExternalMessageID: testChat + ":63", Text: "/status@other_bot"}},
		{file: "update_human.json", want: channels.Inbound{ExternalMessageID: testChat + ":64", Choice: "menu:human"}},
		{file: "update_unknown_command.json", want: channels.Inbound{ExternalMessageID: testChat + ":65", Text: "/repair 洗衣机漏水"}},
		{file: "update_text.json", want: channels.Inbound{ExternalMessageID: testChat + ":51", Text: "你好，空调不制冷了，型号 KFR-35GW"}},
		{file: "update_contact.json", want: channels.Inbound{ExternalMessageID: testChat + ":72", Text: "+8613800138000 伟 李"}},
		{file: "update_location.json", want: channels.Inbound{ExternalMessageID: testChat + ":73", Text: "31.189531,121.436924"}},
		{file: "update_edited.json", skip: true},
		{file: "update_group.json", skip: true},
		{file: "update_blocked.json", skip: true},
		{file: "update_sticker.json", skip: true, reject: "unsupported: sticker"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{mode: Webhook})
			b.deliver(t, b.ch, tt.file)
			msgs := b.inbox.Messages()
			rej := b.inbox.RejectedPayloads()
			if tt.reject != "" && (len(rej) != 1 || rej[0].Reason != tt.reject) {
				t.Errorf("rejected %+v, want %q", rej, tt.reject)
			}
			if tt.reject == "" && len(rej) != 0 {
				t.Errorf("rejected %+v", rej)
			}
			if tt.skip {
				if len(msgs) != 0 {
					t.Errorf("handed on %+v", msgs)
				}
				return
			}
			if len(msgs) != 1 {
				t.Fatalf("handed on %d messages", len(msgs))
			}
			got := msgs[0]
			user := testChat
			if tt.want.ExternalUserID != "" {
				user = tt.want.ExternalUserID
			}
			lang := "zh-hans" // the testdata's app language
			if tt.want.Lang != "" {
				lang = tt.want.Lang
			}
			if got.ExternalMessageID != tt.want.ExternalMessageID || got.Text != tt.want.Text || got.Choice != tt.want.Choice ||
				got.ExternalUserID != user || got.Channel != channels.Telegram || got.Lang != lang {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestKeyboardRoundTrip: choices go out as inline buttons; a tap comes
// back as the choice, is answered and its buttons removed; a second tap
// on the same keyboard is not handed on.
func TestKeyboardRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	err := b.ch.Send(ctx(t), channels.Outbound{OutboxID: 9, Channel: channels.Telegram, ExternalUserID: testChat,
		Text: "请确认以下信息：空调不制冷，KFR-35GW，上海市徐汇区漕溪北路 88 号", Field: "confirm",
		Choices: []channels.Choice{{Value: "confirm", Label: "确认"}, {Value: "edit", Label: "修改"}}})
	if err != nil {
		t.Fatal(err)
	}
	sent := b.bot.callsTo("sendMessage")
	if len(sent) != 1 {
		t.Fatalf("sendMessage calls %d", len(sent))
	}
	var mk struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(sent[0].Params.Get("reply_markup")), &mk); err != nil {
		t.Fatal(err)
	}
	if len(mk.InlineKeyboard) != 1 || len(mk.InlineKeyboard[0]) != 2 || mk.InlineKeyboard[0][0].CallbackData != "confirm" ||
		mk.InlineKeyboard[0][1].Text != "修改" || sent[0].Params.Get("chat_id") != testChat {
		t.Errorf("sent %v", sent[0].Params)
	}

	// The fake numbered the keyboard message 57, as in the testdata tap.
	b.deliver(t, b.ch, "update_callback.json")
	msgs := b.inbox.Messages()
	if len(msgs) != 1 || msgs[0].Choice != "confirm" || msgs[0].ExternalMessageID != "cb:"+testChat+":57" || msgs[0].Text != "" {
		t.Fatalf("handed on %+v", msgs)
	}
	ans := b.bot.callsTo("answerCallbackQuery")
	if len(ans) != 1 || ans[0].Params.Get("callback_query_id") != "2200880123456789001" {
		t.Errorf("answerCallbackQuery %v", ans)
	}
	edits := b.bot.callsTo("editMessageReplyMarkup")
	if len(edits) != 1 || edits[0].Params.Get("message_id") != "57" || edits[0].Params.Get("chat_id") != testChat ||
		edits[0].Params.Get("reply_markup") != `{"inline_keyboard":[]}` {
		t.Errorf("editMessageReplyMarkup %v", edits)
	}

	// Telegram redelivers the same tap: stored once, answered once.
	b.deliver(t, b.ch, "update_callback.json")
	// A second tap on the keyboard (before the edit reached the phone):
	// answered, not handed on; the edit finds the buttons gone already.
	b.bot.fail("editMessageReplyMarkup", "error_400_not_modified.json")
	b.deliver(t, b.ch, "update_callback_again.json")
	if msgs := b.inbox.Messages(); len(msgs) != 1 {
		t.Errorf("handed on %d taps, want 1", len(msgs))
	}
	ans = b.bot.callsTo("answerCallbackQuery")
	if len(ans) != 2 || ans[1].Params.Get("callback_query_id") != "2200880123456789002" || ans[1].Params.Get("text") != "already answered" {
		t.Errorf("answerCallbackQuery %v", ans)
	}
}

// TestLongChoiceValue: values over 64 bytes go as a short id; another
// process, which does not know the id, hands on the button's label.
func TestLongChoiceValue(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	long := "category:" + strings.Repeat("installation-and-relocation-", 3)
	err := b.ch.Send(ctx(t), channels.Outbound{OutboxID: 10, ExternalUserID: testChat, Text: "请选择服务类型",
		Choices: []channels.Choice{{Value: long, Label: "安装移机"}, {Value: "category:repair", Label: "维修"}}})
	if err != nil {
		t.Fatal(err)
	}
	mk := b.bot.callsTo("sendMessage")[0].Params.Get("reply_markup")
	var markup struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(mk), &markup)
	data := markup.InlineKeyboard[0][0].CallbackData
	if len(data) > 64 || !strings.HasPrefix(data, "#") || markup.InlineKeyboard[0][1].CallbackData != "category:repair" {
		t.Fatalf("callback data %q", mk)
	}
	tap := bytes.ReplaceAll(readTestdata(t, "update_callback.json"), []byte(`"data":"confirm"`), []byte(`"data":"`+data+`"`))
	tap = bytes.ReplaceAll(tap, []byte(`"text":"确认","callback_data":"confirm"`), []byte(`"text":"安装移机","callback_data":"`+data+`"`))
	if code := b.post(t, b.ch, b.cfg.SecretToken, tap); code != 200 {
		t.Fatal(code)
	}
	other := setup(t, setupOpts{mode: Webhook})
	if code := other.post(t, other.ch, other.cfg.SecretToken, tap); code != 200 {
		t.Fatal(code)
	}
	if m := b.inbox.Messages(); len(m) != 1 || m[0].Choice != long {
		t.Errorf("this process handed on %+v, want the long value", m)
	}
	if m := other.inbox.Messages(); len(m) != 1 || m[0].Choice != "" || m[0].Text != "安装移机" {
		t.Errorf("another process handed on %+v, want the label as text", m)
	}
}

// TestAttachments: a photo comes with its bytes via getFile and the file
// base URL; the download link (it contains the token) is not kept.
func TestAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{mode: Webhook})
	b.deliver(t, b.ch, "update_photo.json")
	msgs := b.inbox.Messages()
	if len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("handed on %+v", msgs)
	}
	in, a := msgs[0], msgs[0].Attachments[0]
	if in.Text != "室外机漏水，见照片" || a.ContentType != "image/jpeg" || a.Name != "photo-AQADlarge.jpg" || a.URL != "" ||
		!bytes.Equal(a.Data, readTestdata(t, "photo.jpg")) {
		t.Errorf("inbound %+v attachment %s %s %q %d bytes", in, a.Name, a.ContentType, a.URL, len(a.Data))
	}
	gf := b.bot.callsTo("getFile")
	if len(gf) != 1 || gf[0].Params.Get("file_id") != "AgACAgUAAxkBAAIBRmZoAAFlarge" {
		t.Errorf("getFile %v, want the largest size", gf)
	}
	if dl := b.bot.callsTo("download"); len(dl) != 1 || dl[0].Params.Get("path") != "photos/file_3.jpg" {
		t.Errorf("downloads %v", dl)
	}
	if strings.Contains(string(in.Raw), testToken) {
		t.Error("token in the raw payload")
	}

	// A file Telegram cannot give: the message still goes on, with the
	// attachment's name and no bytes.
	b.bot.fail("getFile", "error_400_file.json")
	b.deliver(t, b.ch, "update_document.json")
	msgs = b.inbox.Messages()
	if len(msgs) != 2 || len(msgs[1].Attachments) != 1 {
		t.Fatalf("handed on %+v", msgs)
	}
	a = msgs[1].Attachments[0]
	if a.Name != "购机发票.pdf" || a.ContentType != "application/pdf" || a.Data != nil {
		t.Errorf("document attachment %s %s %d bytes", a.Name, a.ContentType, len(a.Data))
	}
}
