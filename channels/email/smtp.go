package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/kefu-dev/kefu/channels"
)

// PermanentError is a 5xx answer of the SMTP server: the message will not
// be accepted however often it is tried (unknown recipient, rejected
// content). The outbox may mark it dead at once; errors.As finds it.
type PermanentError struct {
	Code     int
	Enhanced string // e.g. "5.1.1"
	Message  string
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("email: smtp rejected the message permanently: %d %s %s", e.Code, e.Enhanced, e.Message)
}

// Permanent reports true; the service can test for interface{ Permanent() bool }.
func (e *PermanentError) Permanent() bool { return true }

// Send implements channels.Sender.
func (c *Channel) Send(ctx context.Context, m channels.Outbound) error {
	to := strings.ToLower(strings.TrimSpace(m.ExternalUserID))
	if !strings.Contains(to, "@") {
		return &PermanentError{Code: 550, Message: fmt.Sprintf("outbound %d: %q is not an email address", m.OutboxID, m.ExternalUserID)}
	}
	c.mu.Lock()
	th, err := c.opt.Threads.ThreadGet(ctx, to)
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("email: thread of %s: %w", to, err)
	}
	if m.OutboxID != 0 && slices.Contains(th.Sent, m.OutboxID) {
		return nil // accepted before; the outbox did not get to record it
	}
	// A mail of its own (a report to staff) starts no reply in the
	// address's thread and changes nothing of it but the resend guard.
	own := ownMail(m)
	caseNo := th.CaseNumber
	if own {
		caseNo = ""
	} else if c.opt.CaseNumber != nil && m.ConversationID != 0 {
		if n, err := c.opt.CaseNumber(ctx, m.ConversationID); err == nil && n != "" {
			caseNo = n
		} else if err != nil {
			c.log.WarnContext(ctx, "email: case number lookup", "conversation_id", m.ConversationID, "err", err)
		}
	}
	if caseNo == "" && !own {
		caseNo = strings.ToUpper(c.caseRe.FindString(m.Text)) // "your case K-000123 is registered"
	}
	raw, err := c.compose(m, to, th, caseNo)
	if err != nil {
		return err
	}
	if err := c.deliver(ctx, to, raw); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Read again: an inbound message may have updated the thread meanwhile.
	if th, err = c.opt.Threads.ThreadGet(ctx, to); err != nil {
		return fmt.Errorf("email: thread of %s: %w", to, err)
	}
	if caseNo != "" {
		th.CaseNumber = caseNo
	}
	if !own {
		th.Choices = m.Choices
	}
	if m.OutboxID != 0 {
		th.Sent = append(th.Sent, m.OutboxID)
		if len(th.Sent) > 20 {
			th.Sent = th.Sent[len(th.Sent)-20:]
		}
	}
	if err := c.opt.Threads.ThreadPut(ctx, to, th); err != nil {
		// Sent all the same; only the choices and the resend guard lack it.
		c.log.WarnContext(ctx, "email: record sent", "outbox_id", m.OutboxID, "err", err)
	}
	c.log.InfoContext(ctx, "email: sent", "outbox_id", m.OutboxID, "conversation_id", m.ConversationID, "kind", m.Kind)
	return nil
}

// autoSubmitted is the RFC 3834 value for a message kind: agents write
// themselves, reminders and progress updates are generated, everything
// else answers the customer's mail.
func autoSubmitted(kind string) string {
	switch kind {
	case "agent":
		return ""
	case "reminder", "progress", "status_update", "follow_up", "callback", "report":
		return "auto-generated"
	}
	return "auto-replied"
}

// ownMail reports whether m is a mail of its own rather than a message
// of a customer's conversation: it belongs to none and has its own
// subject.
func ownMail(m channels.Outbound) bool { return m.ConversationID == 0 && m.Facts.Subject != "" }

// Attaches implements channels.Attacher: a mail carries files.
func (c *Channel) Attaches() bool { return true }

// compose builds the message: text and HTML alternatives, threaded on the
// customer's latest message (a mail of its own is not), and the files.
func (c *Channel) compose(m channels.Outbound, to string, th Thread, caseNo string) ([]byte, error) {
	var h mail.Header
	h.SetDate(c.opt.Now())
	h.SetAddressList("From", []*mail.Address{{Name: c.cfg.DisplayName, Address: c.cfg.Address}})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetMessageID(c.messageID(m))
	if ownMail(m) {
		h.SetSubject(m.Facts.Subject)
	} else {
		h.SetSubject(c.subject(th.Subject, caseNo, m))
	}
	if th.LastMessageID != "" && !ownMail(m) {
		h.SetMsgIDList("In-Reply-To", []string{th.LastMessageID})
		refs := th.References
		if len(refs) == 0 || refs[len(refs)-1] != th.LastMessageID {
			refs = appendRef(refs, th.LastMessageID)
		}
		h.SetMsgIDList("References", refs)
	}
	if v := autoSubmitted(m.Kind); v != "" {
		h.Set("Auto-Submitted", v)
		// Exchange and Outlook: no out-of-office or read receipts back to us.
		h.Set("X-Auto-Response-Suppress", "All")
	}
	if caseNo != "" {
		h.Set("X-Kefu-Case", caseNo)
	}
	text, htm := c.renderBody(m)
	var buf bytes.Buffer
	var mixed *mail.Writer // with files: multipart/mixed around the alternatives
	var w *mail.InlineWriter
	var err error
	if len(m.Attachments) > 0 {
		if mixed, err = mail.CreateWriter(&buf, h); err == nil {
			w, err = mixed.CreateInline()
		}
	} else {
		w, err = mail.CreateInlineWriter(&buf, h)
	}
	if err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	for _, p := range []struct{ ct, body string }{{"text/plain", text}, {"text/html", htm}} {
		var ph mail.InlineHeader
		ph.SetContentType(p.ct, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", transferEncoding(p.body))
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		if _, err := pw.Write([]byte(p.body)); err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		if err := pw.Close(); err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	if mixed == nil {
		return buf.Bytes(), nil
	}
	for _, a := range m.Attachments {
		var ah mail.AttachmentHeader
		ah.Set("Content-Type", a.ContentType)
		ah.Set("Content-Transfer-Encoding", "base64")
		ah.SetFilename(a.Name)
		aw, err := mixed.CreateAttachment(ah)
		if err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		if _, err := aw.Write(a.Data); err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		if err := aw.Close(); err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	return buf.Bytes(), nil
}

// subject answers in the customer's thread ("Re: their subject") and
// carries the case number in brackets, which brings a reply with a new
// Message-ID chain back to the same case.
func (c *Channel) subject(customer, caseNo string, m channels.Outbound) string {
	s := strings.TrimSpace(customer)
	if s == "" {
		if s = c.cfg.Subject; s == "" {
			if s = c.text(m, TextSubject); s == "" {
				s = "售后服务" // without Options.Texts
			}
		}
	} else if l := strings.ToLower(s); !strings.HasPrefix(l, "re:") && !strings.HasPrefix(s, "回复") && !strings.HasPrefix(s, "答复") {
		s = "Re: " + s
	}
	if caseNo != "" && !strings.Contains(strings.ToUpper(s), caseNo) {
		if strings.HasPrefix(strings.ToLower(s), "re: ") {
			s = s[:4] + "[" + caseNo + "] " + s[4:]
		} else {
			s = "[" + caseNo + "] " + s
		}
	}
	return s
}

// renderBody writes choices as a numbered list: the customer answers by
// replying with the number (or the label), which Run maps back. The line
// that says so is Options.Texts' "email.reply_with_number" in the
// customer's language, and left out without Options.Texts.
func (c *Channel) renderBody(m channels.Outbound) (text, htm string) {
	var t, h strings.Builder
	t.WriteString(strings.TrimSpace(m.Text))
	for _, para := range strings.Split(strings.TrimSpace(m.Text), "\n") {
		h.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
	}
	if len(m.Choices) > 0 {
		t.WriteString("\n\n")
		h.WriteString("<ol>\n")
		for i, ch := range m.Choices {
			label := ch.Label
			if label == "" {
				label = ch.Value
			}
			t.WriteString(strconv.Itoa(i+1) + ". " + label + "\n")
			h.WriteString("<li>" + html.EscapeString(label) + "</li>\n")
		}
		h.WriteString("</ol>\n")
		if hint := c.text(m, TextReplyWithNumber); hint != "" {
			t.WriteString("\n" + hint)
			h.WriteString("<p>" + html.EscapeString(hint) + "</p>\n")
		}
	}
	return t.String() + "\n", "<!DOCTYPE html>\n<html><body>\n" + h.String() + "</body></html>\n"
}

// Keys of Options.Texts; the texts themselves are the deployment's
// templates (configs/templates), one per language.
const (
	TextReplyWithNumber = "email.reply_with_number" // under a numbered list of choices
	TextSubject         = "email.subject"           // subject when the customer's mail had none and email.subject is not set
)

// text returns key in the message's language: Outbound.Lang, or the
// language its text is written in. "" when there is no such text.
func (c *Channel) text(m channels.Outbound, key string) string {
	if c.opt.Texts == nil {
		return ""
	}
	lang := m.Lang
	if lang == "" {
		lang = textLang(m.Text)
	}
	v := strings.TrimSpace(c.opt.Texts(lang, key))
	if v == key {
		return "" // an unknown key renders as itself
	}
	return v
}

// tradOnly are common characters that exist only in traditional Chinese.
const tradOnly = "們請號單資訊這個為後時會機維進處說話謝條問題級聯絡員務買賣電視網際記錄變選擇發給認確將狀態並沒應該過"

// textLang guesses the language of a text kefu wrote, for a message
// without Outbound.Lang: Chinese (traditional when it uses traditional-only
// characters) when it has Chinese characters, else English.
func textLang(s string) string {
	han := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			if strings.ContainsRune(tradOnly, r) {
				return "zh-TW"
			}
			han = true
		}
	}
	if han {
		return "zh-CN"
	}
	return "en"
}

func transferEncoding(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "base64" // Chinese text: base64 is a third of quoted-printable's size
		}
	}
	return "quoted-printable"
}

func (c *Channel) tlsConfig(addr string) *tls.Config {
	var cfg *tls.Config
	if c.opt.TLSConfig != nil {
		cfg = c.opt.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(addr)
	}
	return cfg
}

// deliver hands one message to the SMTP server within SMTP.Timeout.
func (c *Channel) deliver(ctx context.Context, to string, raw []byte) error {
	sc := c.cfg.SMTP
	ctx, cancel := context.WithTimeout(ctx, sc.Timeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", sc.Addr)
	if err != nil {
		return fmt.Errorf("email: smtp dial %s: %w", sc.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// go-smtp takes no context: closing the connection aborts it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var cl *smtp.Client
	switch sc.Security {
	case TLS:
		tc := tls.Client(conn, c.tlsConfig(sc.Addr))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("email: smtp tls: %w", err)
		}
		cl = smtp.NewClient(tc)
	case StartTLS:
		if cl, err = smtp.NewClientStartTLS(conn, c.tlsConfig(sc.Addr)); err != nil {
			return fmt.Errorf("email: smtp starttls: %w", smtpErr(err))
		}
	default:
		cl = smtp.NewClient(conn)
	}
	defer cl.Close()
	if err := cl.Hello(sc.HeloName); err != nil {
		return fmt.Errorf("email: smtp hello: %w", smtpErr(err))
	}
	if sc.Username != "" {
		if err := cl.Auth(sasl.NewPlainClient("", sc.Username, sc.Password)); err != nil {
			return fmt.Errorf("email: smtp auth: %w", smtpErr(err))
		}
	}
	if err := cl.SendMail(c.cfg.Address, []string{to}, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("email: smtp send: %w", smtpErr(err))
	}
	if err := cl.Quit(); err != nil {
		c.log.DebugContext(ctx, "email: smtp quit", "err", err) // the message was accepted
	}
	return nil
}

// smtpErr turns a 5xx reply into a *PermanentError.
func smtpErr(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && se.Code < 600 {
		enh := ""
		if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != (smtp.EnhancedCode{}) {
			enh = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		return &PermanentError{Code: se.Code, Enhanced: enh, Message: se.Message}
	}
	return err
}
