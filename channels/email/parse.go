package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kefu-dev/kefu/channels"
)

// Limits bound what Parse keeps of a message.
type Limits struct {
	MaxAttachmentBytes int64 // larger attachments are listed without Data
	MaxAttachments     int   // further attachments are dropped
}

// Message is one parsed mail.
type Message struct {
	MessageID  string // without angle brackets; "" when the mail had none
	From       string // lower-cased address
	FromName   string
	To         []string
	Subject    string
	Date       time.Time
	InReplyTo  []string
	References []string

	// Text is what the customer wrote: the text/plain part (or the HTML
	// part turned into text), quoted replies and the signature removed.
	Text string
	// FullText is the same before quotes and signature were removed.
	FullText string
	// HTML is the sanitized HTML part, for display, if the mail had one.
	HTML        string
	Attachments []channels.Attachment
	// Oversized names attachments whose Data was dropped for their size.
	Oversized []string

	// Auto is why this mail must not get an automatic reply ("" when a
	// person wrote it): see autoReason.
	Auto string
	// Hash identifies the content; it stands in for a missing Message-ID.
	Hash string
}

// ExternalID is the message's id for deduplication: its Message-ID, or a
// content hash when it has none, so a message fetched twice (after a
// crash, or after UIDVALIDITY changed) is stored once.
func (m *Message) ExternalID() string {
	if m.MessageID != "" {
		return "<" + m.MessageID + ">"
	}
	return "sha256:" + m.Hash
}

// Parse reads a raw RFC 5322 message. Unknown charsets do not fail the
// parse: the undecoded text is kept (made valid UTF-8 by the service).
func Parse(raw []byte, lim Limits) (*Message, error) {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, fmt.Errorf("email: parse: %w", err)
	}
	defer mr.Close()
	h := mr.Header
	m := &Message{}
	m.MessageID, _ = h.MessageID()
	m.MessageID = strings.TrimSpace(m.MessageID)
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From, m.FromName = strings.ToLower(from[0].Address), headerText(from[0].Name)
	} else if addr := looseAddress(h.Get("From")); addr != "" {
		// Broken From headers (unquoted specials, raw 8-bit names) are common
		// in Chinese mail; the address is what matters.
		m.From = addr
	}
	if to, err := h.AddressList("To"); err == nil {
		for _, a := range to {
			m.To = append(m.To, strings.ToLower(a.Address))
		}
	}
	m.Subject = subjectText(h)
	m.Date, _ = h.Date()
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	m.Auto = autoReason(h, m.From)

	var plain, htmlBody []string
	partNo := 0
	topType, _, _ := h.ContentType()
	isReport := topType == "multipart/report"
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			// A broken or missing body (a truncated multipart, a header
			// fetched alone) keeps what was read: the sender and subject
			// still make a message an agent can follow up.
			break
		}
		partNo++
		ct, _, _ := p.Header.(interface {
			ContentType() (string, map[string]string, error)
		}).ContentType()
		if deliveryStatus(ct) && m.Auto == "" {
			m.Auto = AutoBounce // a delivery report, even when not sent as multipart/report
		}
		if isReport && reportPart(ct) {
			continue // parts of a bounce report: kept in Raw, not attachments
		}
		switch ph := p.Header.(type) {
		case *mail.InlineHeader:
			ct, params, _ := ph.ContentType()
			switch {
			case ct == "text/plain" || ct == "":
				b, _ := io.ReadAll(io.LimitReader(p.Body, 4<<20))
				plain = append(plain, decodeLoose(b, params["charset"]))
			case ct == "text/html":
				b, _ := io.ReadAll(io.LimitReader(p.Body, 4<<20))
				htmlBody = append(htmlBody, decodeLoose(b, params["charset"]))
			default:
				// Pasted photos come inline; they are attachments all the same.
				name := params["name"]
				if _, dp, err := ph.ContentDisposition(); err == nil && dp["filename"] != "" {
					name = dp["filename"]
				}
				m.addAttachment(headerText(name), ct, p.Body, partNo, lim)
			}
		case *mail.AttachmentHeader:
			ct, _, _ := ph.ContentType()
			name, _ := ph.Filename()
			m.addAttachment(name, ct, p.Body, partNo, lim)
		}
	}

	switch {
	case len(plain) > 0:
		m.FullText = normalizeText(strings.Join(plain, "\n"))
	case len(htmlBody) > 0:
		m.FullText = normalizeText(HTMLToText(strings.Join(htmlBody, "\n")))
	}
	if len(htmlBody) > 0 {
		m.HTML = SanitizeHTML(strings.Join(htmlBody, "\n"))
	}
	m.Text = StripQuoted(m.FullText)
	m.Hash = contentHash(h, raw)
	return m, nil
}

func (m *Message) addAttachment(name, ct string, body io.Reader, partNo int, lim Limits) {
	if lim.MaxAttachments > 0 && len(m.Attachments) >= lim.MaxAttachments {
		return
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	if name == "" {
		name = "part-" + strconv.Itoa(partNo) + extensionFor(ct)
	}
	max := lim.MaxAttachmentBytes
	if max <= 0 {
		max = 10 << 20
	}
	data, err := io.ReadAll(io.LimitReader(body, max+1))
	a := channels.Attachment{Name: name, ContentType: ct, Data: data}
	if err != nil || int64(len(data)) > max {
		a.Data = nil
		m.Oversized = append(m.Oversized, name)
	}
	m.Attachments = append(m.Attachments, a)
}

func reportPart(ct string) bool {
	switch ct {
	case "message/delivery-status", "message/global-delivery-status", "message/disposition-notification",
		"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
		return true
	}
	return false
}

func deliveryStatus(ct string) bool {
	return ct == "message/delivery-status" || ct == "message/global-delivery-status"
}

func extensionFor(ct string) string {
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// headerText decodes RFC 2047 words left in a value (go-message decodes
// most; names in address lists sometimes come through raw) and 8-bit
// GBK/GB18030 that some mailers put in headers unencoded.
func headerText(s string) string {
	if strings.Contains(s, "=?") {
		dec := mime.WordDecoder{CharsetReader: charset.Reader}
		if d, err := dec.DecodeHeader(s); err == nil {
			s = d
		}
	}
	if !utf8.ValidString(s) {
		if d, err := simplifiedchinese.GB18030.NewDecoder().String(s); err == nil {
			s = d
		}
	}
	return strings.TrimSpace(s)
}

func subjectText(h mail.Header) string {
	s, err := h.Subject()
	if err != nil || s == "" {
		s = h.Get("Subject")
	}
	return headerText(s)
}

// decodeLoose repairs a body that go-message could not decode: a missing
// or wrong charset label on GBK text is the usual case in Chinese mail.
func decodeLoose(b []byte, label string) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if label != "" {
		if r, err := charset.Reader(label, bytes.NewReader(b)); err == nil {
			if d, err := io.ReadAll(r); err == nil && utf8.Valid(d) {
				return string(d)
			}
		}
	}
	if d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil {
		return string(d)
	}
	return string(b)
}

var looseAddrRe = regexp.MustCompile(`[A-Za-z0-9._%+\-=]+@[A-Za-z0-9.\-]+`)

func looseAddress(s string) string {
	return strings.ToLower(looseAddrRe.FindString(s))
}

func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\u00a0", " ")
	return strings.TrimSpace(s)
}

// contentHash identifies a message without Message-ID by the headers a
// resend or a recreated mailbox does not change, and the body; trace
// headers added on delivery (Received, Delivered-To) are left out.
func contentHash(h mail.Header, raw []byte) string {
	sum := sha256.New()
	for _, k := range []string{"From", "To", "Date", "Subject"} {
		io.WriteString(sum, k+":"+h.Get(k)+"\n")
	}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		sum.Write(raw[i+4:])
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		sum.Write(raw[i+2:])
	}
	return hex.EncodeToString(sum.Sum(nil))[:32]
}
