package telegram

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// Choices commands are handed on as; the dialog engine acts on them like
// WeChat's subscription and menu buttons.
const (
	ChoiceStart  = channels.IntentStart
	ChoiceStatus = channels.IntentStatus
	ChoiceHuman  = channels.IntentHuman
)

// commands maps a bot command to its Choice.
var commands = map[string]string{
	"start":  ChoiceStart,
	"help":   ChoiceStart,
	"status": ChoiceStatus,
	"human":  ChoiceHuman,
}

// verdict is what to do with an update.
type verdict int

const (
	handOn      verdict = iota
	skip                // acknowledged, nothing to store
	unsupported         // kept by the Rejecter, nothing to store
)

// fileRef is a file of a message still to be fetched.
type fileRef struct {
	id, uniqueID string
	name, mime   string
	size         int
}

// normalized is an update turned into kefu's terms.
type normalized struct {
	in       channels.Inbound
	verdict  verdict
	reason   string // why skipped or unsupported
	files    []fileRef
	callback *tgbotapi.CallbackQuery
	button   string // label of the tapped button, when its data is unknown
}

// normalize turns an update into an Inbound. botName is the bot's username,
// so "/status@OtherBot" in a group is not taken for ours.
func (c *Channel) normalize(u *tgbotapi.Update, raw []byte, arrived time.Time, botName string) normalized {
	n := normalized{in: channels.Inbound{Channel: channels.Telegram, ReceivedAt: arrived, Raw: raw}}
	switch {
	case u.Message != nil:
		c.fromMessage(&n, u.Message, botName)
	case u.CallbackQuery != nil:
		c.fromCallback(&n, u.CallbackQuery)
	case u.EditedMessage != nil:
		n.verdict, n.reason = skip, "edited message"
	case u.MyChatMember != nil:
		// Blocked or unblocked: Send learns it from the 403, and a customer
		// who comes back writes (/start) anyway.
		n.verdict, n.reason = skip, "chat member "+u.MyChatMember.NewChatMember.Status
	default:
		n.verdict, n.reason = unsupported, "unsupported: update"
	}
	return n
}

func (c *Channel) fromMessage(n *normalized, m *tgbotapi.Message, botName string) {
	if m.Chat == nil || m.Chat.Type != "private" {
		n.verdict, n.reason = skip, "not a private chat"
		return
	}
	chat := m.Chat.ID
	n.in.ExternalUserID = strconv.FormatInt(chat, 10)
	n.in.ExternalMessageID = n.in.ExternalUserID + ":" + strconv.Itoa(m.MessageID)
	n.in.DisplayName = displayName(m.From, m.Chat)
	n.in.Lang = language(m.From)
	if m.Date != 0 {
		n.in.ReceivedAt = time.Unix(int64(m.Date), 0)
	}
	text := strings.TrimSpace(m.Text)
	if choice, ok := command(text, botName); ok {
		n.in.Choice = choice
		return
	}
	n.in.Text = text
	switch {
	case len(m.Photo) > 0:
		p := m.Photo[len(m.Photo)-1] // sizes grow; the last is the original
		n.files = append(n.files, fileRef{id: p.FileID, uniqueID: p.FileUniqueID, name: "photo-" + p.FileUniqueID + ".jpg", mime: "image/jpeg", size: p.FileSize})
	case m.Document != nil:
		d := m.Document
		n.files = append(n.files, fileRef{id: d.FileID, uniqueID: d.FileUniqueID, name: orDefault(d.FileName, "document-"+d.FileUniqueID), mime: d.MimeType, size: d.FileSize})
	case m.Voice != nil:
		v := m.Voice
		n.files = append(n.files, fileRef{id: v.FileID, uniqueID: v.FileUniqueID, name: "voice-" + v.FileUniqueID + ".ogg", mime: orDefault(v.MimeType, "audio/ogg"), size: v.FileSize})
	case m.Audio != nil:
		a := m.Audio
		n.files = append(n.files, fileRef{id: a.FileID, uniqueID: a.FileUniqueID, name: orDefault(a.FileName, "audio-"+a.FileUniqueID), mime: a.MimeType, size: a.FileSize})
	case m.Video != nil:
		v := m.Video
		n.files = append(n.files, fileRef{id: v.FileID, uniqueID: v.FileUniqueID, name: orDefault(v.FileName, "video-"+v.FileUniqueID+".mp4"), mime: orDefault(v.MimeType, "video/mp4"), size: v.FileSize})
	case m.VideoNote != nil:
		v := m.VideoNote
		n.files = append(n.files, fileRef{id: v.FileID, uniqueID: v.FileUniqueID, name: "video-note-" + v.FileUniqueID + ".mp4", mime: "video/mp4", size: v.FileSize})
	case m.Contact != nil:
		n.in.Text = strings.TrimSpace(strings.Join([]string{m.Contact.PhoneNumber, m.Contact.FirstName, m.Contact.LastName}, " "))
	case m.Location != nil:
		n.in.Text = strconv.FormatFloat(m.Location.Latitude, 'f', -1, 64) + "," + strconv.FormatFloat(m.Location.Longitude, 'f', -1, 64)
	case text == "":
		n.verdict, n.reason = unsupported, "unsupported: "+messageKind(m)
		return
	}
	if n.in.Text == "" {
		n.in.Text = strings.TrimSpace(m.Caption)
	}
	if n.in.Text == "" && len(n.files) == 0 {
		// A contact without a number or a name (found by FuzzUpdate):
		// nothing for the dialog, kept like any unsupported update.
		n.verdict, n.reason = unsupported, "unsupported: empty message"
	}
}

// command returns the Choice of a known command. Unknown commands are
// text: the dialog engine may still make sense of them.
func command(text, botName string) (string, bool) {
	if !strings.HasPrefix(text, "/") {
		return "", false
	}
	word, arg, _ := strings.Cut(text[1:], " ")
	name, at, addressed := strings.Cut(word, "@")
	if addressed && !strings.EqualFold(at, botName) {
		return "", false
	}
	choice, ok := commands[strings.ToLower(name)]
	if !ok {
		return "", false
	}
	// A deep link (t.me/BOT?start=PAYLOAD) is like a WeChat QR scene.
	if arg = strings.TrimSpace(arg); choice == ChoiceStart && arg != "" && name == "start" {
		choice += ":" + arg
	}
	return choice, true
}

func (c *Channel) fromCallback(n *normalized, q *tgbotapi.CallbackQuery) {
	n.callback = q
	m := q.Message
	if m == nil || m.Chat == nil {
		// A button on an inline-mode message: no chat to answer in.
		n.verdict, n.reason = skip, "callback without a chat"
		return
	}
	if m.Chat.Type != "private" {
		n.verdict, n.reason = skip, "not a private chat"
		return
	}
	n.in.ExternalUserID = strconv.FormatInt(m.Chat.ID, 10)
	// One answer per keyboard: every tap on it has the same key.
	n.in.ExternalMessageID = "cb:" + n.in.ExternalUserID + ":" + strconv.Itoa(m.MessageID)
	n.in.DisplayName = displayName(q.From, m.Chat)
	n.in.Lang = language(q.From)
	if v, ok := c.choiceValue(q.Data); ok {
		n.in.Choice = v
		return
	}
	// A long value mapped in another process (or before a restart): the
	// label is what the customer chose, and the dialog matches labels.
	n.button = buttonLabel(m, q.Data)
	if n.button == "" {
		n.verdict, n.reason = skip, "unknown button"
		return
	}
	n.in.Text = n.button
}

// buttonLabel finds the label of the button with this callback data in the
// keyboard message.
func buttonLabel(m *tgbotapi.Message, data string) string {
	if m.ReplyMarkup == nil {
		return ""
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == data {
				return b.Text
			}
		}
	}
	return ""
}

func displayName(u *tgbotapi.User, chat *tgbotapi.Chat) string {
	if u != nil {
		if s := strings.TrimSpace(u.FirstName + " " + u.LastName); s != "" {
			return s
		}
		return u.UserName
	}
	if chat != nil {
		return strings.TrimSpace(chat.FirstName + " " + chat.LastName)
	}
	return ""
}

// language is the language of the user's Telegram app (language_code,
// an IETF tag such as "en", "zh-hans"), the hint of theirs until their
// own words say otherwise.
func language(u *tgbotapi.User) string {
	if u == nil {
		return ""
	}
	return u.LanguageCode
}

func messageKind(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case m.Animation != nil:
		return "animation"
	case m.Poll != nil:
		return "poll"
	case m.Dice != nil:
		return "dice"
	case m.Venue != nil:
		return "venue"
	}
	return "message"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
