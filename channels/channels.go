// Package channels holds the normalized message types every channel adapter
// speaks (WeChat, email, Telegram, web chat) and the small interfaces between
// adapters and the rest of kefu. Adapters import this package, never the
// domain or the dialog engine.
package channels

import (
	"context"
	"errors"
	"time"
)

// ID names a channel.
type ID string

const (
	WebChat  ID = "webchat"
	WeChat   ID = "wechat"
	Email    ID = "email"
	Telegram ID = "telegram"
)

// Choice is one button the customer may press instead of typing.
type Choice struct {
	Value string `json:"value"` // what comes back as Inbound.Choice
	Label string `json:"label"` // what the customer sees
}

// Attachment is a file that came with a message.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	URL         string `json:"url,omitempty"`
	Data        []byte `json:"-"`
}

// Inbound is one customer message, normalized once by its adapter.
type Inbound struct {
	Channel ID
	// ExternalMessageID is the channel's own id for the message; together
	// with Channel it makes a redelivery a no-op.
	ExternalMessageID string
	// ExternalUserID identifies the customer on the channel (web chat session,
	// WeChat OpenID, email address, Telegram chat id).
	ExternalUserID string
	DisplayName    string
	Text           string
	Choice         string // value of a pressed button, if any
	Attachments    []Attachment
	ReceivedAt     time.Time
	Raw            []byte // the payload as received, kept for inspection

	// Lang is the channel's hint of the customer's language, BCP-47-ish
	// as the channel gives it (Telegram's language_code: "en", "zh-hans",
	// "zh-TW"); empty when the channel knows none. The customer's own
	// text outweighs it.
	Lang string
	// Zone is the customer's time zone as their device says it: an IANA
	// name (a browser's) or a UTC offset such as "+0100" (a mail's Date
	// header); empty when unknown. It outweighs a zone guessed from a
	// phone number.
	Zone string

	// What kind of channel this is, declared by its adapter so that the
	// pipeline and the dialog never branch on channel names.
	//
	// Batch: not a chat (mail): the bot asks for all it needs at once.
	Batch bool
	// ContactEmail is an address the channel vouches for as the
	// customer's own (a mail's sender): it is their email, not asked.
	ContactEmail string
	// NameIsPersonal: DisplayName is what the senders call themselves (a
	// mail's From name), so it may stand for their name until they say it.
	NameIsPersonal bool
	// PeerRetries: the peer offers a message again on its own when told to
	// (the web chat page retries a 503 with backoff), so when kefu is too
	// busy to take it now the adapter answers "busy" instead of spooling
	// it. WeChat retries a push only three times in about 15 s: its
	// pushes are spooled.
	PeerRetries bool
}

// Receipt tells an adapter what became of an inbound message.
type Receipt struct {
	ConversationID int64
	MessageID      int64
	Duplicate      bool // the same message was stored before; nothing was done
	// Quarantined: the store refused the message for good (after
	// sanitising), so it was kept as rejected with its raw bytes and any
	// channel position moved past it. Nothing else was done and no retry
	// can change that: the adapter acknowledges it and moves on (web chat
	// answers the customer with a 4xx).
	Quarantined bool
	// Spooled: the database could not be reached, so the message was
	// written to the local spool (fsynced) and will be handed on in order
	// when it returns. The adapter acknowledges it; nothing is stored yet
	// (no ConversationID) and the reply comes later through the outbox.
	Spooled bool
}

// Outbound is one message to deliver, read from the outbox.
type Outbound struct {
	OutboxID       int64
	Channel        ID
	ConversationID int64
	ExternalUserID string
	Text           string
	Field          string   // canonical field key being asked for, if any
	Choices        []Choice // buttons, if any
	Kind           string   // e.g. "reply", "progress"
	// Lang is the customer's language ("zh-CN", "zh-TW", "en"; empty when
	// unknown), for what a channel adds around the text.
	Lang string
	// Facts are the message's content as structured data, for a channel
	// that cannot carry Text as is (a WeChat template message's fields).
	Facts     Facts
	CreatedAt time.Time
	// Attachments are files that go with the message (the monthly
	// report's workbook), handed only to a channel that says it carries
	// them (Attacher).
	Attachments []Attachment
}

// Facts are the parts of a case message, already in the customer's
// language: a template message with a few short fields still says what
// happened instead of the cut-off start of the text.
type Facts struct {
	Case   string `json:"case,omitempty"`   // case number
	Status string `json:"status,omitempty"` // the case's state
	Note   string `json:"note,omitempty"`   // what happened: the note, the plan, the resolution
	Next   string `json:"next,omitempty"`   // what happens next
	Time   string `json:"time,omitempty"`   // when it happened or is due
	// Subject titles a message that belongs to no conversation (a report
	// to staff), for a channel whose messages have one (a mail's subject).
	Subject string `json:"subject,omitempty"`
}

// Empty reports whether f carries nothing.
func (f Facts) Empty() bool { return f == Facts{} }

// Sender delivers outbound messages. Send must be safe to call again for the
// same OutboxID after a crash: adapters that can pass it as an idempotency
// key do so.
type Sender interface {
	Send(ctx context.Context, m Outbound) error
}

// Policy is how a channel wants kefu's messages shaped, stated as data so
// the outbox plans for it instead of the service naming channels. (A
// channel's delivery limits, such as WeChat's 48-hour window, stay its
// own: it refuses with RefusedError and offers a Fallbacker.)
type Policy struct {
	// OneMessagePerStep joins what kefu says in one step into one message:
	// by mail an acknowledgement and a question, or a resolution and the
	// check that the fix works, are one email.
	OneMessagePerStep bool
	// ReplyInRequest is how long after a customer's message the channel
	// can still answer it in the request that carried it (WeChat's
	// passive reply): the process holding that request keeps the reply
	// for itself this long, so another process does not send it the
	// costlier way. Zero: any process sends at once.
	ReplyInRequest time.Duration
	// SendWorkers is how many of the channel's conversations the outbox
	// serves at once (0: outbox.workers). A channel whose send holds its
	// worker while a customer's request writes the reply, or while a
	// remote API answers, needs more than one that stores or queues.
	SendWorkers int
}

// PolicyHaver is an optional Sender capability; without it a channel gets
// the zero Policy.
type PolicyHaver interface {
	Policy() Policy
}

// Intents a channel hands on as Inbound.Choice when the customer did not
// type but tapped, commanded or arrived: a WeChat menu click or
// subscription, a Telegram /start or /status. Every channel names the same
// intent the same way, so the dialog needs no channel's vocabulary.
const (
	IntentSubscribe = "event:subscribe" // followed the account; "event:subscribe:SCENE" from a QR code
	IntentStart     = "event:start"     // opened the chat with a start command (Telegram /start)
	IntentScan      = "event:scan"      // scanned a QR code while following; "event:scan:SCENE"
	IntentRepair    = "menu:repair"     // asked to report a fault
	IntentStatus    = "menu:status"     // asked how their cases stand
	IntentHuman     = "menu:human"      // asked for a person
)

// StoreDelivered is an optional Sender capability: the message reaches the
// customer by being stored (web chat: the page reads the conversation), so
// Send only checks it and sends nothing. The outbox may then record many
// such rows in one transaction instead of one each.
type StoreDelivered interface {
	DeliveredByStore() bool
}

// Attacher is an optional Sender capability: the channel carries files
// with a message (mail), so the outbox reads a row's files for it into
// Outbound.Attachments.
type Attacher interface {
	Attaches() bool
}

// Notifier is an optional Sender capability: it is told after a delivered
// message was committed, e.g. to wake web chat streams.
type Notifier interface {
	Delivered(ctx context.Context, conversationID int64)
}

// Inbox receives normalized inbound messages; the kefu service implements it.
type Inbox interface {
	Receive(ctx context.Context, m Inbound) (Receipt, error)
}

// StoredMessage is a message of a conversation as the customer sees it.
type StoredMessage struct {
	ID        int64     `json:"id"`
	Direction string    `json:"direction"` // "in" or "out"
	Text      string    `json:"text"`
	Field     string    `json:"field,omitempty"`
	Choices   []Choice  `json:"choices,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	At        time.Time `json:"at"`
}

// Rejecter is an optional Inbox capability: it keeps a payload that could
// not be understood, so nothing a customer sent is lost without a trace.
type Rejecter interface {
	Reject(ctx context.Context, ch ID, reason string, raw []byte)
}

// RefusedError is returned by a Sender that cannot send this message now
// (e.g. WeChat's 48-hour customer-service window is closed, a quota is
// used up). The message is not lost: the service tries the channel's
// Fallback, if it has one, and otherwise defers the message to RetryAt
// (zero: try again later) instead of counting a failure.
type RefusedError struct {
	Reason  string
	RetryAt time.Time
}

func (e *RefusedError) Error() string { return "channel refused the message: " + e.Reason }

// Fallbacker is an optional Sender capability: another way to reach the
// customer when Send is refused (a WeChat template message, say). It
// returns a short name of the path used, for the case record.
type Fallbacker interface {
	Fallback(ctx context.Context, m Outbound) (path string, err error)
}

// Busy reports whether err says kefu is too busy to take a message now:
// the same message offered again shortly will do.
func Busy(err error) bool {
	var b interface{ Busy() bool }
	return errors.As(err, &b) && b.Busy()
}
