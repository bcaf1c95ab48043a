// Package webchat is the web chat channel: a small embedded page the
// customer opens in a browser, a JSON API it posts messages to, and a
// Server-Sent Events stream (with a polling fallback) that shows the
// conversation as kefu stores it.
//
// Delivery is unusual compared to the other channels: the outbox worker
// storing an outbound message already makes it visible to the customer, so
// Send only validates, and Delivered wakes the streams that should show it.
//
// Caveats: wake-ups are in-process only; when several kefu processes serve
// the same customers, streams of other processes notice new messages on
// their next PollInterval tick. Streams end only when the request context
// ends, so the server owning Handler should cancel request contexts on
// shutdown (e.g. through http.Server.BaseContext).
package webchat

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

//go:embed static
var static embed.FS

// Config tunes the channel; zero values take the defaults.
type Config struct {
	// MaxMessageBytes caps the text of one message, in bytes (default 4096).
	MaxMessageBytes int
	// PollInterval is how often a stream re-checks for new messages when no
	// wake-up arrives (default 2s); it covers messages delivered by other
	// processes when no Broadcaster carries their wake-ups, and signals a
	// broadcaster lost.
	PollInterval time.Duration
	// Title is the page title (default "在线客服").
	Title string
	// FrameAncestors are the origins that may show the chat page in a
	// frame (the brand's own site embedding it); none by default, so no
	// other site can frame it and trick a customer into typing there.
	FrameAncestors []string
}

// History lists a conversation's messages for the customer; the kefu service
// implements it.
type History interface {
	// Conversation finds the conversation of a web chat session; ok is false
	// while the customer has not written yet.
	Conversation(ctx context.Context, sessionID string) (conversationID int64, ok bool, err error)
	// Messages returns up to limit messages with an id above afterID, oldest
	// first.
	Messages(ctx context.Context, conversationID int64, afterID int64, limit int) ([]channels.StoredMessage, error)
}

// Channel serves the web chat page and API.
type Channel struct {
	cfg   Config
	inbox channels.Inbox
	hist  History
	now   func() time.Time
	log   *slog.Logger
	page  []byte // rendered once: the only variable part is the title
	hub   hub
	bcast Broadcaster // nil: one process
}

const (
	defaultMaxMessageBytes = 4096
	defaultPollInterval    = 2 * time.Second
	defaultTitle           = "在线客服"

	// pageSize is how many messages one History call returns; callers loop
	// until a short page.
	pageSize = 100
	// maxPollMessages bounds one poll response; the client asks again with
	// the last id it saw.
	maxPollMessages = 1000
	// heartbeat keeps proxies from closing an idle stream.
	heartbeat = 15 * time.Second
	// maxIDLen bounds session and client message ids.
	maxIDLen = 64
)

// New returns a web chat channel. now and log may be nil.
func New(cfg Config, inbox channels.Inbox, hist History, now func() time.Time, log *slog.Logger) *Channel {
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = defaultMaxMessageBytes
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPollInterval
	}
	if cfg.Title == "" {
		cfg.Title = defaultTitle
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Channel{
		cfg:   cfg,
		inbox: inbox,
		hist:  hist,
		now:   now,
		log:   log.With("channel", string(channels.WebChat)),
		page:  renderPage(cfg.Title),
		hub:   hub{subs: make(map[hubKey]map[chan struct{}]struct{})},
	}
}

// renderPage fills the title into the embedded page. The template is part of
// the binary, so failing here is a build defect that tests catch.
func renderPage(title string) []byte {
	t := template.Must(template.ParseFS(static, "static/index.html"))
	var b bytes.Buffer
	if err := t.Execute(&b, struct{ Title string }{title}); err != nil {
		panic(fmt.Sprintf("webchat: render page: %v", err))
	}
	return b.Bytes()
}

// Handler serves the page, its assets and the API. The page refers to
// everything with relative URLs, so the handler may be mounted under a
// prefix with http.StripPrefix.
func (c *Channel) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", c.servePage)
	mux.HandleFunc("GET /webchat.js", c.serveAsset("static/webchat.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /webchat.css", c.serveAsset("static/webchat.css", "text/css; charset=utf-8"))
	mux.HandleFunc("POST /api/webchat/messages", c.postMessage)
	mux.HandleFunc("GET /api/webchat/messages", c.pollMessages)
	mux.HandleFunc("GET /api/webchat/stream", c.stream)
	return mux
}

// Send implements channels.Sender. The outbox worker storing the message is
// the delivery; the customer's page reads it from History.
func (c *Channel) Send(ctx context.Context, m channels.Outbound) error {
	if m.ExternalUserID == "" {
		return fmt.Errorf("webchat: outbound %d has no session", m.OutboxID)
	}
	return nil
}

// DeliveredByStore implements channels.StoreDelivered: storing the message
// is the delivery.
func (c *Channel) DeliveredByStore() bool { return true }

// Delivered implements channels.Notifier: it wakes the streams showing the
// conversation so the new message appears without waiting for a poll tick.
func (c *Channel) Delivered(ctx context.Context, conversationID int64) {
	c.signal(ctx, hubKey{conversation: conversationID})
}

const pageCSP = "default-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'"

// frameAncestors is the CSP directive for cfg: 'none' unless origins are
// configured. An origin with a character a CSP cannot hold is dropped.
func frameAncestors(origins []string) string {
	var ok []string
	for _, o := range origins {
		if o = strings.TrimSpace(o); o != "" && !strings.ContainsAny(o, "; ,'\"") {
			ok = append(ok, o)
		}
	}
	if len(ok) == 0 {
		return "; frame-ancestors 'none'"
	}
	return "; frame-ancestors " + strings.Join(ok, " ")
}

func (c *Channel) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP+frameAncestors(c.cfg.FrameAncestors))
	if len(c.cfg.FrameAncestors) == 0 {
		h.Set("X-Frame-Options", "DENY") // for browsers without CSP frame-ancestors
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	w.Write(c.page)
}

func (c *Channel) serveAsset(name, contentType string) http.HandlerFunc {
	body, err := static.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("webchat: missing embedded %s: %v", name, err))
	}
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("X-Content-Type-Options", "nosniff")
		// no-cache, not no-store: revalidation is cheap and a new release
		// must reach open pages on their next reload.
		h.Set("Cache-Control", "no-cache")
		w.Write(body)
	}
}

// postRequest is the body of POST /api/webchat/messages.
type postRequest struct {
	Session         string `json:"session"`
	ClientMessageID string `json:"client_message_id"`
	Text            string `json:"text"`
	Choice          string `json:"choice"`
	// Lang and Zone are the browser's language (navigator.language) and
	// time zone (an IANA name); both optional hints.
	Lang string `json:"lang"`
	Zone string `json:"zone"`
}

type postResponse struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
	Duplicate      bool  `json:"duplicate"`
	// Spooled: accepted while the database is away; it is stored (and
	// shown on the stream) once it returns.
	Spooled bool `json:"spooled,omitempty"`
}

// bodyLimit leaves room for JSON escaping (a newline is two bytes in JSON)
// and the other fields, so a text at MaxMessageBytes always fits.
func (c *Channel) bodyLimit() int64 {
	return int64(2*c.cfg.MaxMessageBytes + 2048)
}

// reject logs a malformed request and keeps its body for inspection when
// the inbox can store it.
func (c *Channel) reject(r *http.Request, reason string, raw []byte) {
	c.log.Warn("webchat: malformed message", "reason", reason, "bytes", len(raw))
	if rj, ok := c.inbox.(channels.Rejecter); ok {
		rj.Reject(r.Context(), channels.WebChat, reason, raw)
	}
}

func (c *Channel) postMessage(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type")
		return
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, c.bodyLimit())); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			c.writeTooLarge(w)
			return
		}
		writeError(w, http.StatusBadRequest, "unreadable_body")
		return
	}
	raw := body.Bytes()
	var req postRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		c.reject(r, "invalid_json", raw)
		writeError(w, http.StatusBadRequest, "invalid_json")
		return
	}
	if !validID(req.Session, 16) {
		c.reject(r, "invalid_session", raw)
		writeError(w, http.StatusBadRequest, "invalid_session")
		return
	}
	if !validID(req.ClientMessageID, 1) {
		c.reject(r, "invalid_client_message_id", raw)
		writeError(w, http.StatusBadRequest, "invalid_client_message_id")
		return
	}
	// encoding/json already replaces invalid UTF-8; this keeps the guarantee
	// should the decoding ever change.
	text := strings.ToValidUTF8(req.Text, "\uFFFD")
	choice := strings.ToValidUTF8(req.Choice, "\uFFFD")
	if len(text) > c.cfg.MaxMessageBytes {
		c.writeTooLarge(w)
		return
	}
	if strings.TrimSpace(text) == "" && choice == "" {
		writeError(w, http.StatusBadRequest, "empty_message")
		return
	}
	rc, err := c.inbox.Receive(r.Context(), channels.Inbound{
		Channel:           channels.WebChat,
		ExternalMessageID: req.ClientMessageID,
		ExternalUserID:    req.Session,
		Text:              text,
		Choice:            choice,
		Lang:              hint(req.Lang),
		Zone:              hint(req.Zone),
		ReceivedAt:        c.now(),
		Raw:               bytes.Clone(raw),
		PeerRetries:       true, // the page retries a 503 with backoff
	})
	if err != nil && channels.Busy(err) {
		// Overload answered at once: the page tries again in a second,
		// with the same message id.
		c.log.WarnContext(r.Context(), "webchat: too busy for a message now", "session", req.Session)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "busy")
		return
	}
	if err != nil {
		c.log.ErrorContext(r.Context(), "webchat: receive message", "session", req.Session, "err", err)
		writeError(w, http.StatusInternalServerError, "internal")
		return
	}
	if rc.Quarantined {
		// Kept as rejected: the store refuses it for good, so sending it
		// again cannot help, and the page stops retrying on a 4xx.
		writeError(w, http.StatusUnprocessableEntity, "message_refused")
		return
	}
	if rc.Spooled {
		// Kept on disk while the database is away and stored when it
		// returns: accepted, so the page stops retrying.
		c.log.WarnContext(r.Context(), "webchat: message spooled", "session", req.Session)
		writeJSON(w, http.StatusAccepted, postResponse{Spooled: true})
		return
	}
	// The customer's own message is now stored: show it on every open tab
	// of the session, including streams that did not know the conversation.
	c.signal(r.Context(), hubKey{session: req.Session})
	writeJSON(w, http.StatusAccepted, postResponse{
		ConversationID: rc.ConversationID,
		MessageID:      rc.MessageID,
		Duplicate:      rc.Duplicate,
	})
}

type pollResponse struct {
	ConversationID int64                    `json:"conversation_id"`
	Messages       []channels.StoredMessage `json:"messages"`
}

func (c *Channel) pollMessages(w http.ResponseWriter, r *http.Request) {
	session, after, ok := c.streamParams(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	resp := pollResponse{Messages: []channels.StoredMessage{}}
	conv, found, err := c.hist.Conversation(ctx, session)
	if err != nil {
		c.log.ErrorContext(ctx, "webchat: find conversation", "session", session, "err", err)
		writeError(w, http.StatusInternalServerError, "internal")
		return
	}
	if found {
		resp.ConversationID = conv
		for len(resp.Messages) < maxPollMessages {
			page, err := c.hist.Messages(ctx, conv, after, pageSize)
			if err != nil {
				c.log.ErrorContext(ctx, "webchat: list messages", "session", session, "conversation_id", conv, "err", err)
				writeError(w, http.StatusInternalServerError, "internal")
				return
			}
			resp.Messages = append(resp.Messages, page...)
			if len(page) < pageSize {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

// streamParams reads session and after (and Last-Event-ID, which an
// EventSource sends when it reconnects) and answers 400 when they are bad.
func (c *Channel) streamParams(w http.ResponseWriter, r *http.Request) (session string, after int64, ok bool) {
	q := r.URL.Query()
	session = q.Get("session")
	if !validID(session, 16) {
		writeError(w, http.StatusBadRequest, "invalid_session")
		return "", 0, false
	}
	for _, s := range []string{q.Get("after"), r.Header.Get("Last-Event-ID")} {
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid_after")
			return "", 0, false
		}
		after = max(after, n)
	}
	return session, after, true
}

// validID reports whether s is minLen–64 characters of [A-Za-z0-9_-]. The
// restricted alphabet keeps ids safe to log and to put in URLs.
func validID(s string, minLen int) bool {
	if len(s) < minLen || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

func (c *Channel) writeTooLarge(w http.ResponseWriter) {
	writeJSON(w, http.StatusRequestEntityTooLarge, struct {
		Error string `json:"error"`
		Limit int    `json:"limit"`
	}{"message_too_large", c.cfg.MaxMessageBytes})
}

func writeError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// The values are our own structs; an encoding error can only be a
	// broken connection, which the client notices itself.
	json.NewEncoder(w).Encode(v)
}

// hubKey names what a stream waits for: new outbound messages of a
// conversation, or new inbound messages of a session.
type hubKey struct {
	conversation int64
	session      string
}

// hub fans wake-ups out to streams. Signals are buffered (capacity 1) and
// sent without blocking: a stream that is busy already will re-read anyway.
type hub struct {
	mu   sync.Mutex
	subs map[hubKey]map[chan struct{}]struct{}
}

func (h *hub) subscribe(k hubKey, ch chan struct{}) (unsubscribe func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.subs[k]
	if set == nil {
		set = make(map[chan struct{}]struct{})
		h.subs[k] = set
	}
	set[ch] = struct{}{}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[k], ch)
		if len(h.subs[k]) == 0 {
			delete(h.subs, k)
		}
	}
}

func (h *hub) wake(k hubKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[k] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// hint keeps a browser's language or zone name when it looks like one
// ("zh-CN", "Europe/London"): short, letters, digits and -/_+ only.
func hint(v string) string {
	if len(v) > 64 {
		return ""
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_/+", r)) {
			return ""
		}
	}
	return v
}
