// Package email is the email channel: customer mail is read from an IMAP
// mailbox and replies go out by SMTP, in the customer's own thread.
//
// # Inbound
//
// Run keeps one IMAP connection (implicit TLS, STARTTLS, or plaintext when
// Config.IMAP.AllowInsecure says so, for local testing), reconnecting with
// exponential backoff until its context ends. It waits with IDLE when the
// server has it and polls every Config.IMAP.PollInterval otherwise (with
// IDLE too, as a safety net).
//
// Each message is fetched with BODY.PEEK[] (fetching does not set \Seen),
// parsed (Parse) and handed to the inbox inside Positions.Commit, which
// records the mailbox's new position (UIDVALIDITY + UID) in the same
// transaction as the stored message. Only after the commit is the message
// marked \Seen or moved to Config.IMAP.MoveTo; messages committed but not
// yet marked (a crash in between) are marked when the next session
// starts. A crash before the commit loses nothing: the position did not
// move and the message is fetched again.
//
// When the mailbox's UIDVALIDITY differs from the stored one (the mailbox
// was recreated, or this is the first run) the channel resyncs: it reads
// the mailbox from the start — only unseen messages when it marks \Seen,
// every message when it moves them away — and relies on deduplication:
// ExternalMessageID is the Message-ID ("<id@host>"), or
// "sha256:HASH" of the content for mail without one, and the service
// stores a (channel, external id) once. After a resync the position moves
// to the mailbox's UIDNEXT-1, so read mail it left out (a mailbox's history
// at the first run) does not come back later.
//
// Normalization into channels.Inbound: ExternalUserID is the lower-cased
// From address (one address is one customer), DisplayName the From name,
// Text the text/plain part (an HTML-only mail turned into text) with
// quoted replies and the signature removed (StripQuoted), Attachments the
// attachments and inline images with Data (those above
// Config.MaxAttachmentBytes without Data), ReceivedAt the server's
// INTERNALDATE, Raw the message as received (only its header when larger
// than Config.MaxRawBytes). A reply that is just a number or the label of
// one of the choices our latest message offered, possibly followed by a
// signature ("1", a blank line, "赵磊"), sets Choice to that choice's
// value.
//
// Until channels.Inbound has fields for them, three headers are put in
// front of Raw (as MTAs prepend trace headers): X-Kefu-Case (the case
// number found in the subject, e.g. K-000123), X-Kefu-Reply-To-Outbox
// (the OutboxID of our message the mail answers, found in In-Reply-To or
// References) and X-Kefu-Auto (why no automatic reply may be sent).
//
// # Loop and bounce guard
//
// The guard tells a robot from a person by the message, not by how many
// mails kefu sent (guard.go has the details): RFC 3834 and similar
// headers (Auto-Submitted other than "no", Precedence bulk/junk/list/
// auto_reply, the X-Autoreply family, List-Id, List-Unsubscribe); bounces
// (multipart/report, a message/delivery-status part, X-Failed-Recipients,
// mailer-daemon, postmaster, bounce and no-reply senders, a null
// Return-Path); our own addresses and our own Message-IDs coming back; a
// robot's subject ("Automatic reply:", "Undeliverable:", "自动回复")
// together with a robot's body — a subject alone is not enough. A plain
// reply of a person passes. The backstop for robots that mark nothing
// counts the sender's own mails, never ours: the same text again within
// the hour, or more than Config.RepliesPerHour of their mails within the
// hour. Staff-triggered and proactive mails (plan, resolution, function
// check, progress) never use up anything, so a customer answering the
// tenth of them is answered. Such mail is still handed to the inbox
// (stored, visible to agents) with Choice "event:auto_reply:REASON": the
// dialog engine ignores unknown "event:" choices, so no reply is produced.
//
// # Outbound
//
// Send (channels.Sender) mails Outbound.Text to ExternalUserID with a
// Message-ID derived from the OutboxID and CreatedAt (a retry reuses it),
// In-Reply-To/References to the customer's latest message, "Re:" the
// customer's subject with the case number in brackets, text and HTML
// alternatives, Choices as a numbered list (with Options.Texts' line
// asking for the number, in Outbound.Lang or the text's language), and
// Auto-Submitted:
// auto-replied (auto-generated for reminders and progress updates) on
// everything but agents' messages. A 5xx answer of the SMTP server is a
// *PermanentError; anything else is retried by the outbox. A message
// that belongs to no conversation and has its own subject
// (Facts.Subject: the monthly report to staff) is a mail of its own: not
// threaded on the address's customer mail, whose thread it leaves alone
// but for the resend guard. Outbound.Attachments go as attachments
// (multipart/mixed); the channel is a channels.Attacher, so the outbox
// reads a row's files for it.
//
// # Wiring
//
// In cmd/kefu (cfg.Email is a Config; st implements Positions and
// Threads):
//
//	ec, err := email.New(cfg.Email, m.svc, email.Options{Positions: st, Threads: st, Now: m.Now, Logger: m.Log,
//		CaseNumber: func(ctx context.Context, convID int64) (string, error) { ... conversation's case Number ... }})
//	if err != nil {
//		return fmt.Errorf("email: %w", err)
//	}
//	m.svc.SetSender(channels.Email, ec)
//	go ec.Run(ctx) // returns when ctx ends
//
// Caveats: run one reader (Run) per mailbox: the position is not leased,
// so two processes reading one mailbox would both fetch (deduplication keeps
// the store right, but the work doubles). The sanitized HTML (Message.HTML) is not handed on until
// channels.Inbound has a field for it. SMTP has no idempotency key: a
// crash after the server accepted a message and before Threads recorded
// it sends it again, with the same Message-ID (mail clients show one).
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/channels"
)

// Security is how a connection is protected.
type Security string

const (
	TLS      Security = "tls"      // implicit TLS (IMAPS 993, SMTPS 465)
	StartTLS Security = "starttls" // upgrade a plain connection (IMAP 143, submission 587)
	Plain    Security = "plain"    // none: only with AllowInsecure, for local testing
)

// Config configures the channel. Zero values take the defaults.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// Address is ours: From of replies and the mailbox customers write to.
	Address     string `yaml:"address"`
	DisplayName string `yaml:"display_name"`
	// OwnAddresses are other addresses of ours (aliases, no-reply); mail
	// from any of them is never answered.
	OwnAddresses []string `yaml:"own_addresses"`
	// Subject is used when the customer's mail had none (default: the
	// "email.subject" text in the customer's language, or 售后服务
	// without Options.Texts).
	Subject string `yaml:"subject"`
	// MessageIDDomain is the right-hand side of our Message-IDs (default:
	// the domain of Address).
	MessageIDDomain string `yaml:"message_id_domain"`
	// CaseNumberPattern finds a case number in a subject (default K-\d+).
	CaseNumberPattern string `yaml:"case_number_pattern"`
	// RepliesPerHour is how many mails of one sender within an hour may
	// be answered automatically (default 20; negative: no limit). It
	// counts the sender's mails, never ours: staff-triggered and other
	// proactive mails do not use it up. It is the backstop for robots that
	// mark nothing; see the package comment's loop guard.
	RepliesPerHour     int   `yaml:"replies_per_hour"`
	MaxAttachmentBytes int64 `yaml:"max_attachment_bytes"` // default 10 MiB
	MaxAttachments     int   `yaml:"max_attachments"`      // default 20
	// MaxMessageBytes: larger messages are stored from their header only,
	// with a note (default 25 MiB).
	MaxMessageBytes int64 `yaml:"max_message_bytes"`
	MaxRawBytes     int   `yaml:"max_raw_bytes"` // default 256 KiB

	IMAP IMAPConfig `yaml:"imap"`
	SMTP SMTPConfig `yaml:"smtp"`
}

// IMAPConfig is where mail is read.
type IMAPConfig struct {
	Addr          string   `yaml:"addr"`     // host:port
	Security      Security `yaml:"security"` // default tls
	AllowInsecure bool     `yaml:"allow_insecure"`
	Username      string   `yaml:"username"`
	Password      string   `yaml:"password" secret:"true"`
	Mailbox       string   `yaml:"mailbox"` // default INBOX
	// MoveTo, when set, is the folder committed messages are moved to;
	// otherwise they are marked \Seen and stay.
	MoveTo string `yaml:"move_to"`
	// PollInterval is how often the mailbox is checked without IDLE, and
	// how often IDLE is interrupted for a check anyway (default 1m).
	PollInterval time.Duration `yaml:"poll_interval"`
	BatchSize    int           `yaml:"batch_size"` // messages per FETCH, default 20
	// ReconnectMin and ReconnectMax bound the backoff (defaults 1s, 2m).
	ReconnectMin time.Duration `yaml:"reconnect_min"`
	ReconnectMax time.Duration `yaml:"reconnect_max"`
	DialTimeout  time.Duration `yaml:"dial_timeout"` // default 30s
}

// SMTPConfig is where replies are sent.
type SMTPConfig struct {
	Addr          string        `yaml:"addr"`     // host:port
	Security      Security      `yaml:"security"` // default starttls
	AllowInsecure bool          `yaml:"allow_insecure"`
	Username      string        `yaml:"username"` // empty: no AUTH
	Password      string        `yaml:"password" secret:"true"`
	HeloName      string        `yaml:"helo_name"` // default: the Message-ID domain
	Timeout       time.Duration `yaml:"timeout"`   // one whole delivery, default 1m
}

func (c *Config) setDefaults() {
	if c.MessageIDDomain == "" {
		_, c.MessageIDDomain, _ = strings.Cut(c.Address, "@")
	}
	if c.CaseNumberPattern == "" {
		c.CaseNumberPattern = `K-\d+`
	}
	if c.RepliesPerHour == 0 {
		c.RepliesPerHour = 20
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = 10 << 20
	}
	if c.MaxAttachments <= 0 {
		c.MaxAttachments = 20
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 25 << 20
	}
	if c.MaxRawBytes <= 0 {
		c.MaxRawBytes = 256 << 10
	}
	i := &c.IMAP
	if i.Security == "" {
		i.Security = TLS
	}
	if i.Mailbox == "" {
		i.Mailbox = "INBOX"
	}
	if i.PollInterval <= 0 {
		i.PollInterval = time.Minute
	}
	if i.BatchSize <= 0 {
		i.BatchSize = 20
	}
	if i.ReconnectMin <= 0 {
		i.ReconnectMin = time.Second
	}
	if i.ReconnectMax <= 0 {
		i.ReconnectMax = 2 * time.Minute
	}
	if i.DialTimeout <= 0 {
		i.DialTimeout = 30 * time.Second
	}
	if c.SMTP.Security == "" {
		c.SMTP.Security = StartTLS
	}
	if c.SMTP.HeloName == "" {
		c.SMTP.HeloName = c.MessageIDDomain
	}
	if c.SMTP.Timeout <= 0 {
		c.SMTP.Timeout = time.Minute
	}
}

// validate names the offending key, as config errors do elsewhere.
// Validate checks the configuration as New would; errors name the key.
func (c Config) Validate() error {
	c.setDefaults()
	return c.validate()
}

// Redacted returns a copy safe to print.
func (c Config) Redacted() Config {
	if c.IMAP.Password != "" {
		c.IMAP.Password = "xxxxx"
	}
	if c.SMTP.Password != "" {
		c.SMTP.Password = "xxxxx"
	}
	return c
}

func (c *Config) validate() error {
	if !strings.Contains(c.Address, "@") {
		return errors.New("email.address must be an email address")
	}
	if c.MessageIDDomain == "" {
		return errors.New("email.message_id_domain is required")
	}
	if _, err := regexp.Compile(c.CaseNumberPattern); err != nil {
		return fmt.Errorf("email.case_number_pattern: %w", err)
	}
	for key, s := range map[string]struct {
		sec      Security
		insecure bool
		addr     string
	}{"imap": {c.IMAP.Security, c.IMAP.AllowInsecure, c.IMAP.Addr}, "smtp": {c.SMTP.Security, c.SMTP.AllowInsecure, c.SMTP.Addr}} {
		if s.addr == "" {
			return fmt.Errorf("email.%s.addr is required", key)
		}
		if _, _, err := net.SplitHostPort(s.addr); err != nil {
			return fmt.Errorf("email.%s.addr: %w", key, err)
		}
		switch s.sec {
		case TLS, StartTLS:
		case Plain:
			if !s.insecure {
				return fmt.Errorf("email.%s.security plain sends the password in clear; set email.%s.allow_insecure for local testing", key, key)
			}
		default:
			return fmt.Errorf("email.%s.security must be tls, starttls or plain, not %q", key, s.sec)
		}
	}
	if c.IMAP.Username == "" {
		return errors.New("email.imap.username is required")
	}
	return nil
}

// Options are the channel's collaborators.
type Options struct {
	Positions Positions // required for Run
	Threads   Threads   // required
	// CaseNumber returns the case number of a conversation ("" if none),
	// for the subject of replies; optional.
	CaseNumber func(ctx context.Context, conversationID int64) (string, error)
	// Texts returns the deployment's text for key in lang ("zh-CN",
	// "zh-TW", "en"), e.g. dialog.Engine.Render: the words the channel
	// adds around kefu's messages (TextReplyWithNumber, TextSubject). An
	// unknown key may return "" or the key itself. Optional: without it
	// the channel adds no words of its own.
	Texts func(lang, key string) string
	// TLSConfig is used for TLS and STARTTLS (nil: system roots, server
	// name from the address).
	TLSConfig *tls.Config
	Now       func() time.Time
	Logger    *slog.Logger
}

// Channel is the email channel.
type Channel struct {
	cfg    Config
	inbox  channels.Inbox
	opt    Options
	log    *slog.Logger
	caseRe *regexp.Regexp
	own    map[string]bool
	// mu serializes read-modify-write of threads within the process (an
	// inbound message and a Send to the same address).
	mu sync.Mutex
}

// New checks cfg and returns a Channel; it does not connect.
func New(cfg Config, inbox channels.Inbox, opt Options) (*Channel, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if opt.Threads == nil {
		return nil, errors.New("email: Options.Threads is required")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	c := &Channel{
		cfg: cfg, inbox: inbox, opt: opt,
		log:    opt.Logger.With("channel", string(channels.Email)),
		caseRe: regexp.MustCompile(`(?i)` + cfg.CaseNumberPattern),
		own:    map[string]bool{strings.ToLower(cfg.Address): true},
	}
	for _, a := range cfg.OwnAddresses {
		c.own[strings.ToLower(strings.TrimSpace(a))] = true
	}
	return c, nil
}

func (c *Channel) limits() Limits {
	return Limits{MaxAttachmentBytes: c.cfg.MaxAttachmentBytes, MaxAttachments: c.cfg.MaxAttachments}
}

// ChoiceAutoReply prefixes the Choice of mail that must not be answered
// automatically; the reason follows ("event:auto_reply:bounce").
const ChoiceAutoReply = "event:auto_reply"

// inbound normalizes a parsed message and returns the updated thread of
// its sender, to be stored in the same transaction.
func (c *Channel) inbound(ctx context.Context, m *Message, raw []byte, received time.Time) (channels.Inbound, Thread, error) {
	in := channels.Inbound{
		Channel: channels.Email, ExternalMessageID: m.ExternalID(), ExternalUserID: m.From,
		DisplayName: m.FromName, Text: withSubject(m), Attachments: m.Attachments, ReceivedAt: received,
		// Mail is not chat: the sender's address is their email, their
		// From name their own, and the bot asks everything at once.
		Batch: true, ContactEmail: m.From, NameIsPersonal: true,
	}
	if !m.Date.IsZero() {
		in.Zone = m.Date.Format("-0700") // the sender's clock when they wrote
	}
	th, err := c.opt.Threads.ThreadGet(ctx, m.From)
	if err != nil {
		return in, th, fmt.Errorf("email: thread of %s: %w", m.From, err)
	}
	auto := m.Auto
	if _, ours := c.ourMessageID(m.MessageID); c.own[m.From] || ours {
		auto = AutoOwn
	}
	if auto == "" && looksAutomatic(m) {
		auto = AutoLooks
	}
	choice := ""
	if auto == "" {
		choice = pickChoice(m.Text, th.Choices)
		auto, th.Recent = backstop(th.Recent, m.Text, choice, c.opt.Now(), c.cfg.RepliesPerHour)
	}
	caseNo := strings.ToUpper(c.caseRe.FindString(m.Subject))
	outbox := c.repliesTo(m)
	if auto != "" {
		in.Choice = ChoiceAutoReply + ":" + auto
	} else {
		in.Choice = choice
		if m.MessageID != "" {
			th.LastMessageID = m.MessageID
			th.References = appendRef(m.References, m.MessageID)
		}
		if m.Subject != "" {
			th.Subject = m.Subject
		}
		if caseNo != "" {
			th.CaseNumber = caseNo
		}
	}
	if len(m.Oversized) > 0 {
		in.Text = strings.TrimSpace(in.Text + "\n[attachments too large to keep: " + strings.Join(m.Oversized, ", ") + "]")
	}
	var pre strings.Builder
	if caseNo != "" {
		pre.WriteString("X-Kefu-Case: " + caseNo + "\r\n")
	}
	if outbox != 0 {
		pre.WriteString("X-Kefu-Reply-To-Outbox: " + strconv.FormatInt(outbox, 10) + "\r\n")
	}
	if auto != "" {
		pre.WriteString("X-Kefu-Auto: " + auto + "\r\n")
	}
	in.Raw = append([]byte(pre.String()), boundRaw(raw, c.cfg.MaxRawBytes)...)
	return in, th, nil
}

// pickChoice maps a reply that is just "2" or the label of a choice we
// offered to that choice's value. The answer may be followed by a
// signature ("1\n\n赵磊", "2\n\nBest regards,\nJohn"), but by nothing
// else: "1\nbut the drum still rattles" is left to the dialog to read.
func pickChoice(text string, choices []channels.Choice) string {
	if len(choices) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n")
	for _, l := range lines[1:] {
		if !signatureLine(l) {
			return ""
		}
	}
	t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(lines[0]), ".。)）"))
	if t == "" {
		return ""
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(choices) {
		return choices[n-1].Value
	}
	for _, ch := range choices {
		if strings.EqualFold(t, ch.Label) || strings.EqualFold(t, ch.Value) {
			return ch.Value
		}
	}
	return ""
}

var (
	// closingRe: how a signature begins.
	closingRe = regexp.MustCompile(`(?i)^(-{2,}|—+|_+|(best|kind|warm|many)?\s*(regards|wishes|thanks)|thanks?( you)?( very much)?|thx|cheers|sincerely( yours)?|yours( sincerely| truly)?|br|rgds|此致|敬礼|敬禮|谢谢|謝謝|多谢|多謝|祝好|顺祝|順祝|顺颂|順頌|商祺|敬上|祝商祺)[\s,，.。!！]*$`)
	// contactLineRe: a phone number, an address or a web site.
	contactLineRe = regexp.MustCompile(`(?i)(\+?\d[\d\s\-()]{6,}\d|@|https?://|www\.|^(tel|phone|mobile|mob|cell|fax|email|电话|電話|手机|手機|邮箱|郵箱)\b?\s*[:：])`)
	// companyLineRe: the company or a title under the name.
	companyLineRe = regexp.MustCompile(`(?i)(公司|有限|集团|集團|门店|門市|商行|工作室|\b(ltd|inc|llc|gmbh|co|corp|company|limited|pty|plc)\b\.?|\b(manager|director|engineer|owner|assistant|purchasing|procurement)\b|经理|經理|主管|店长|店長|采购|採購|工程师|工程師)`)
	// nameLineRe: a name as people sign: Latin words with capitals, or a
	// short run of Chinese characters.
	nameLineRe = regexp.MustCompile(`^(-\s*)?([A-Z][\p{L}'’.\-]*\.?)(\s+[A-Z][\p{L}'’.\-]*\.?){0,3}$|^(-\s*)?\p{Han}{2,4}$`)
)

// signatureLine reports whether a line under a choice is part of a
// signature: empty, a closing, a name, a company or title, contact details.
func signatureLine(l string) bool {
	l = strings.TrimSpace(l)
	if l == "" || l == "-- " || l == "--" {
		return true
	}
	if utf8.RuneCountInString(l) > 80 {
		return false
	}
	return closingRe.MatchString(l) || nameLineRe.MatchString(l) || contactLineRe.MatchString(l) || companyLineRe.MatchString(l)
}

func appendRef(refs []string, id string) []string {
	out := append(append([]string(nil), refs...), id)
	if len(out) > 10 {
		// RFC 5322 allows trimming the middle; the first and the latest
		// are what clients thread on.
		out = append(out[:1], out[len(out)-9:]...)
	}
	return out
}

// boundRaw keeps the whole message up to max bytes, else its header.
func boundRaw(raw []byte, max int) []byte {
	if len(raw) <= max {
		return raw
	}
	s := string(raw)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		return []byte(s[:i+4])
	}
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return []byte(s[:i+2])
	}
	return raw[:max]
}

// messageID is our Message-ID for an outbound message: derived from its
// OutboxID and CreatedAt so a retry after a crash sends the same one, and
// different after the database was recreated (CreatedAt differs).
func (c *Channel) messageID(m channels.Outbound) string {
	return fmt.Sprintf("kefu.%d.%x@%s", m.OutboxID, m.CreatedAt.UnixNano()&0xffffffffffff, c.cfg.MessageIDDomain)
}

// repliesTo returns the OutboxID of our message this mail answers, if its
// In-Reply-To or References name one of ours (latest first).
func (c *Channel) repliesTo(m *Message) int64 {
	ids := append(append([]string(nil), m.InReplyTo...), reverse(m.References)...)
	for _, id := range ids {
		if n, ok := c.ourMessageID(id); ok {
			return n
		}
	}
	return 0
}

// ourMessageID reports whether id is a Message-ID we made (messageID),
// and the OutboxID in it.
func (c *Channel) ourMessageID(id string) (int64, bool) {
	local, domain, ok := strings.Cut(id, "@")
	if !ok || !strings.EqualFold(domain, c.cfg.MessageIDDomain) || !strings.HasPrefix(local, "kefu.") {
		return 0, false
	}
	num, _, _ := strings.Cut(strings.TrimPrefix(local, "kefu."), ".")
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// replySubjectRe marks a subject that only answers an earlier mail.
var replySubjectRe = regexp.MustCompile(`(?i)^\s*(re|fw|fwd|aw|sv|答复|回复|回覆|轉寄|转发)\s*[:：]`)

// withSubject puts a new mail's subject in front of its body: customers
// often say the problem there ("洗衣机漏水") and the body only adds to it.
// A reply's subject repeats ours and is left out.
func withSubject(m *Message) string {
	subj := strings.TrimSpace(m.Subject)
	if subj == "" || replySubjectRe.MatchString(subj) || len(m.References) > 0 || len(m.InReplyTo) > 0 ||
		strings.Contains(m.Text, subj) {
		return m.Text
	}
	return strings.TrimSpace(subj + "\n" + m.Text)
}
