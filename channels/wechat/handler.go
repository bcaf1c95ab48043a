package wechat

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/kefu-dev/kefu/channels"
)

// Choices the events are handed on with (see the package comment).
const (
	ChoiceSubscribe = channels.IntentSubscribe
	ChoiceScan      = channels.IntentScan
)

// ServeHTTP is the webhook: GET for WeChat's URL check, POST for messages.
func (c *Channel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.verifyURL(w, r)
	case http.MethodPost:
		c.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// authentic checks signature and timestamp; on failure it has answered
// 403.
func (c *Channel) authentic(w http.ResponseWriter, r *http.Request) (ts, nonce string, ok bool) {
	q := r.URL.Query()
	ts, nonce = q.Get("timestamp"), q.Get("nonce")
	sig := q.Get("signature")
	if sig == "" || ts == "" || nonce == "" {
		c.forbid(w, r, "unsigned")
		return "", "", false
	}
	if !signatureOK(sig, c.cfg.Token, ts, nonce) {
		c.forbid(w, r, "bad signature")
		return "", "", false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		c.forbid(w, r, "bad timestamp")
		return "", "", false
	}
	if d := c.now().Sub(time.Unix(sec, 0)); d > c.cfg.TimestampWindow || d < -c.cfg.TimestampWindow {
		c.forbid(w, r, "timestamp outside the window")
		return "", "", false
	}
	return ts, nonce, true
}

func (c *Channel) forbid(w http.ResponseWriter, r *http.Request, reason string) {
	c.log.WarnContext(r.Context(), "wechat: request refused", "reason", reason, "remote", r.RemoteAddr, "path", r.URL.Path)
	http.Error(w, "forbidden", http.StatusForbidden)
}

// malformed answers 400 and keeps the payload for inspection.
func (c *Channel) malformed(w http.ResponseWriter, r *http.Request, reason string, raw []byte) {
	c.log.WarnContext(r.Context(), "wechat: malformed message", "reason", reason, "bytes", len(raw))
	c.keep(r.Context(), reason, raw)
	http.Error(w, "bad request", http.StatusBadRequest)
}

func (c *Channel) keep(ctx context.Context, reason string, raw []byte) {
	if rj, ok := c.inbox.(channels.Rejecter); ok {
		ctx, cancel := detached(ctx)
		defer cancel()
		rj.Reject(ctx, channels.WeChat, reason, bytes.Clone(raw))
	}
}

func (c *Channel) verifyURL(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := c.authentic(w, r); !ok {
		return
	}
	echo := r.URL.Query().Get("echostr")
	if echo == "" {
		http.Error(w, "echostr missing", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, echo)
}

// request is one authenticated webhook message.
type request struct {
	msg       message.MixMessage
	encrypted bool // the reply is encrypted too
}

func (c *Channel) receive(w http.ResponseWriter, r *http.Request) {
	ts, nonce, ok := c.authentic(w, r)
	if !ok {
		return
	}
	arrived := c.now()
	q := r.URL.Query()
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(c.cfg.MaxBodyBytes)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			c.log.WarnContext(r.Context(), "wechat: body too large", "limit", c.cfg.MaxBodyBytes)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	rq := request{encrypted: q.Get("encrypt_type") == "aes"}
	switch {
	case c.cfg.Mode == Safe && !rq.encrypted:
		c.forbid(w, r, "plaintext message in safe mode")
		return
	case rq.encrypted && c.key == nil:
		c.forbid(w, r, "encrypted message but no encoding_aes_key configured")
		return
	}
	body := raw
	if rq.encrypted {
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(raw, &env); err != nil || env.EncryptedMsg == "" {
			c.malformed(w, r, "invalid_xml", raw)
			return
		}
		if !signatureOK(q.Get("msg_signature"), c.cfg.Token, ts, nonce, env.EncryptedMsg) {
			c.forbid(w, r, "bad msg_signature")
			return
		}
		if body, err = decrypt(c.key, c.cfg.AppID, env.EncryptedMsg); err != nil {
			c.malformed(w, r, "undecryptable: "+err.Error(), raw)
			return
		}
	}
	if err := xml.Unmarshal(body, &rq.msg); err != nil || rq.msg.FromUserName == "" || rq.msg.MsgType == "" {
		c.malformed(w, r, "invalid_xml", body)
		return
	}
	c.handle(w, r, &rq, body, arrived)
}

// handle hands an authenticated message on and answers the request.
func (c *Channel) handle(w http.ResponseWriter, r *http.Request, rq *request, body []byte, arrived time.Time) {
	msg := &rq.msg
	openID := string(msg.FromUserName)
	log := c.log.With("openid", openID, "msg_type", string(msg.MsgType), "event", string(msg.Event))
	in, kind, verdict := normalize(msg)
	in.ReceivedAt, in.Raw = arrived, bytes.Clone(body)
	switch verdict {
	case skip:
		if msg.Event == message.EventUnsubscribe {
			c.closeWindow(r.Context(), openID, true)
		}
		log.InfoContext(r.Context(), "wechat: event acknowledged")
		writeSuccess(w)
		return
	case unsupported:
		log.InfoContext(r.Context(), "wechat: unsupported message kept")
		c.keep(r.Context(), "unsupported: "+string(msg.MsgType), body)
		writeSuccess(w)
		return
	}
	// Record the window before handing on: the outbox may send the reply
	// before Receive returns.
	err := c.windows.UpdateWindow(r.Context(), openID, func(win *Window) error {
		win.touch(c.cfg.Window, kind, in.ExternalMessageID, arrived)
		if msg.BizMsgMenuID != 0 {
			in.Choice = win.Menus[strconv.FormatInt(msg.BizMsgMenuID, 10)]
		}
		return nil
	})
	if err != nil {
		// The message matters more than the bookkeeping: Send will refuse
		// and the service falls back or defers.
		log.ErrorContext(r.Context(), "wechat: record window", "err", err)
	}

	wt, inherited := c.waits.claim(openID, in.ExternalMessageID)
	defer c.waits.done(in.ExternalMessageID)
	ctx, cancel := detached(r.Context())
	rc, err := c.inbox.Receive(ctx, in)
	cancel()
	if err != nil {
		log.ErrorContext(r.Context(), "wechat: receive message", "err", err)
		if c.waits.withdraw(wt) {
			(<-wt.offer).done <- errors.New("webhook request failed")
		}
		// WeChat retries; the message was not stored.
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if rc.Quarantined {
		// Kept as rejected for good: answered, so WeChat stops retrying.
		log.WarnContext(r.Context(), "wechat: message quarantined")
		c.finish(w, r, rq, wt)
		return
	}
	if rc.Spooled {
		// The database is away; the message is on disk and is handed on
		// when it returns, so WeChat must stop retrying now. The reply,
		// made later, goes by the API.
		log.WarnContext(r.Context(), "wechat: message spooled")
		c.finish(w, r, rq, wt)
		return
	}
	log = log.With("conversation_id", rc.ConversationID)
	if rc.Duplicate && !inherited {
		log.InfoContext(r.Context(), "wechat: redelivery answered")
		c.finish(w, r, rq, wt)
		return
	}
	var timeout <-chan time.Time
	if d := arrived.Add(c.cfg.ReplyBudget).Sub(c.now()); d > 0 {
		timeout = c.after(d)
	} else {
		timeout = closedTime
	}
	select {
	case o := <-wt.offer:
		c.deliverPassive(w, r, rq, o)
		return
	case <-wt.evicted:
	case <-timeout:
	case <-r.Context().Done():
	}
	c.finish(w, r, rq, wt)
}

var closedTime = func() <-chan time.Time {
	ch := make(chan time.Time)
	close(ch)
	return ch
}()

// finish ends the wait: a reply Send handed over meanwhile is written,
// otherwise `success`.
func (c *Channel) finish(w http.ResponseWriter, r *http.Request, rq *request, wt *waiter) {
	if !c.waits.withdraw(wt) {
		writeSuccess(w)
		return
	}
	o := <-wt.offer
	if err := r.Context().Err(); err != nil {
		o.done <- err // WeChat hung up: Send uses the API
		return
	}
	c.deliverPassive(w, r, rq, o)
}

// writeSuccess answers "nothing to say" in every mode. It is never
// encrypted: in safe mode an encrypted empty reply is an error to WeChat.
func writeSuccess(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "success")
}

func (c *Channel) deliverPassive(w http.ResponseWriter, r *http.Request, rq *request, o offer) {
	b, err := c.passiveXML(rq, o.m.Text)
	if err != nil {
		o.done <- err
		writeSuccess(w)
		return
	}
	// With a length the response is complete once flushed; chunked, its
	// last chunk would wait for the handler to return, and a crash in
	// between would leave WeChat a reply it discards, recorded as sent.
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	if err == nil {
		err = http.NewResponseController(w).Flush()
		if errors.Is(err, http.ErrNotSupported) {
			err = nil
		}
	}
	openID := string(rq.msg.FromUserName)
	if err == nil {
		// Recorded by this request, before the outbox hears of it: if
		// kefu dies before the outbox marks the row, the row's next
		// attempt finds this record and sends nothing (see Send).
		c.recordSent(r.Context(), openID, o.m.OutboxID)
	}
	c.log.InfoContext(r.Context(), "wechat: passive reply", "openid", openID, "outbox_id", o.m.OutboxID, "err", err)
	o.done <- err
}

// passiveXML is a text reply, encrypted when the request was.
func (c *Channel) passiveXML(rq *request, text string) ([]byte, error) {
	now := c.now().Unix()
	t := message.NewText(text)
	t.SetToUserName(rq.msg.FromUserName)
	t.SetFromUserName(rq.msg.ToUserName)
	t.SetCreateTime(now)
	t.SetMsgType(message.MsgTypeText)
	b, err := xml.Marshal(t)
	if err != nil || !rq.encrypted {
		return b, err
	}
	enc, err := encrypt(c.key, c.cfg.AppID, b)
	if err != nil {
		return nil, err
	}
	ts, n := strconv.FormatInt(now, 10), nonce()
	return xml.Marshal(message.ResponseEncryptedXMLMsg{
		EncryptedMsg: enc, MsgSignature: signature(c.cfg.Token, ts, n, enc), Timestamp: now, Nonce: n,
	})
}

// verdict says what to do with a message.
type verdict int

const (
	forward verdict = iota
	skip
	unsupported
)

// normalize turns a WeChat message into an Inbound (see the package
// comment for the mapping).
func normalize(m *message.MixMessage) (channels.Inbound, interaction, verdict) {
	openID := string(m.FromUserName)
	in := channels.Inbound{Channel: channels.WeChat, ExternalUserID: openID}
	if m.MsgID != 0 {
		in.ExternalMessageID = strconv.FormatInt(m.MsgID, 10)
	} else {
		in.ExternalMessageID = fmt.Sprintf("ev:%s:%d:%s", openID, m.CreateTime, m.Event)
	}
	switch m.MsgType {
	case message.MsgTypeText:
		in.Text = m.Content
	case message.MsgTypeImage:
		in.Attachments = []channels.Attachment{{Name: m.MediaID, ContentType: "image/jpeg", URL: m.PicURL}}
	case message.MsgTypeVoice:
		if in.Text = strings.TrimSpace(m.Recognition); in.Text == "" {
			in.Attachments = []channels.Attachment{{Name: m.MediaID, ContentType: voiceType(m.Format)}}
		}
	case message.MsgTypeVideo, message.MsgTypeShortVideo:
		in.Attachments = []channels.Attachment{{Name: m.MediaID, ContentType: "video/mp4"}}
	case message.MsgTypeLocation:
		if in.Text = strings.TrimSpace(m.Label); in.Text == "" {
			in.Text = fmt.Sprintf("%g,%g", m.LocationX, m.LocationY)
		}
	case message.MsgTypeLink:
		in.Text = strings.TrimSpace(strings.Join(nonEmpty(m.Title, m.Description, m.URL), "\n"))
	case message.MsgTypeEvent:
		switch m.Event {
		case message.EventSubscribe:
			in.Choice = ChoiceSubscribe
			if scene, ok := strings.CutPrefix(m.EventKey, "qrscene_"); ok && scene != "" {
				in.Choice += ":" + scene
			}
		case message.EventScan:
			in.Choice = ChoiceScan + ":" + m.EventKey
		case message.EventClick:
			if m.EventKey == "" {
				return in, byEvent, skip
			}
			in.Choice = m.EventKey
		case message.EventUnsubscribe, message.EventView, message.EventLocation,
			message.EventTemplateSendJobFinish, message.EventMassSendJobFinish:
			return in, byEvent, skip
		default:
			return in, byEvent, unsupported
		}
		return in, byEvent, forward
	default:
		return in, byMessage, unsupported
	}
	return in, byMessage, forward
}

func voiceType(format string) string {
	switch strings.ToLower(format) {
	case "amr":
		return "audio/amr"
	case "speex":
		return "audio/speex"
	case "mp3":
		return "audio/mpeg"
	}
	return "application/octet-stream"
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
