package wechat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// Send implements channels.Sender: a text reply goes to the customer's
// waiting webhook request when there is one (a passive reply), anything
// else through the customer-service API within the customer's window.
// It returns *channels.RefusedError when the window or quota does not
// allow sending now.
func (c *Channel) Send(ctx context.Context, m channels.Outbound) error {
	if m.ExternalUserID == "" {
		return fmt.Errorf("wechat: outbound %d has no OpenID", m.OutboxID)
	}
	if strings.TrimSpace(m.Text) == "" && len(m.Choices) == 0 {
		return fmt.Errorf("wechat: outbound %d is empty", m.OutboxID)
	}
	if len(m.Choices) == 0 {
		// A row sent before a crash comes back when its lease expires:
		// what was recorded decides, not whether a request is waiting.
		// When the store cannot tell (Redis down), the customer who is
		// waiting gets the reply: a passive reply needs no store, and a
		// rare duplicate beats none.
		if sent, err := c.wasSent(ctx, m.ExternalUserID, m.OutboxID); err != nil {
			c.log.WarnContext(ctx, "wechat: cannot check what was sent", "openid", m.ExternalUserID, "outbox_id", m.OutboxID, "err", err)
		} else if sent {
			c.log.InfoContext(ctx, "wechat: already sent, not sending again", "openid", m.ExternalUserID, "outbox_id", m.OutboxID)
			return nil
		}
		if w := c.waits.take(m.ExternalUserID); w != nil {
			done := make(chan error, 1)
			w.offer <- offer{m: m, done: done}
			select {
			case err := <-done:
				if err == nil {
					return nil
				}
				c.log.WarnContext(ctx, "wechat: passive reply failed, using the API", "outbox_id", m.OutboxID, "err", err)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	} else {
		// A menu needs the API; the waiting request answers now so this
		// message does not overtake a passive reply.
		c.waits.evict(m.ExternalUserID)
	}
	msg := customMessage{ToUser: m.ExternalUserID, MsgType: "text", Text: &customText{Content: m.Text}}
	var items map[string]string
	if len(m.Choices) > 0 {
		msg, items = c.menuMessage(m)
	}
	return c.sendCustom(ctx, m.OutboxID, msg, items, routine(m.Kind))
}

// routine reports whether a kind of message may wait for the customer to
// write again rather than spend the last sends of their allowance.
func routine(kind string) bool { return kind == "progress" }

// SendImage sends an image (a media id from the material API) as a
// customer-service message, under the same window rules as Send.
func (c *Channel) SendImage(ctx context.Context, openID, mediaID string) error {
	if openID == "" || mediaID == "" {
		return errors.New("wechat: SendImage needs an OpenID and a media id")
	}
	return c.sendCustom(ctx, 0, customMessage{ToUser: openID, MsgType: "image", Image: &customImage{MediaID: mediaID}}, nil, false)
}

// menuMessage renders choices as a msgmenu. Item ids must be numeric
// (WeChat returns the tapped one as bizmsgmenuid); they are derived from
// the OutboxID so they are unique and grow.
func (c *Channel) menuMessage(m channels.Outbound) (customMessage, map[string]string) {
	base := m.OutboxID
	if base == 0 {
		base = c.now().Unix()
	}
	mm := &customMenu{HeadContent: m.Text}
	items := map[string]string{}
	for i, ch := range m.Choices {
		id := strconv.FormatInt(base*100+int64(i+1), 10)
		label := ch.Label
		if label == "" {
			label = ch.Value
		}
		mm.List = append(mm.List, menuItem{ID: id, Content: label})
		items[id] = ch.Value
	}
	return customMessage{ToUser: m.ExternalUserID, MsgType: "msgmenu", MsgMenu: mm}, items
}

// errAlreadySent stops a reservation for an OutboxID WeChat accepted
// before.
var errAlreadySent = errors.New("already sent")

func (c *Channel) sendCustom(ctx context.Context, outboxID int64, msg customMessage, items map[string]string, routine bool) error {
	openID := msg.ToUser
	now := c.now()
	var from int
	var refusal string
	err := c.windows.UpdateWindow(ctx, openID, func(w *Window) error {
		if w.sent(outboxID) {
			return errAlreadySent
		}
		if from, refusal = w.take(c.cfg.Window, now, routine); refusal != "" {
			return noChange{}
		}
		if items != nil {
			w.addMenu(items) // before sending: a tap may come back at once
		}
		return nil
	})
	switch {
	case errors.Is(err, errAlreadySent):
		return nil
	case err != nil:
		return fmt.Errorf("wechat: window of %s: %w", openID, err)
	case refusal != "":
		return &channels.RefusedError{Reason: refusal}
	}
	log := c.log.With("openid", openID, "outbox_id", outboxID, "msg_type", msg.MsgType)
	err = c.api.call(ctx, "/cgi-bin/message/custom/send", msg, nil)
	code := apiCode(err)
	if err == nil || code != 0 {
		// Bookkeeping after WeChat answered, even when ctx ended meanwhile
		// (shutdown): between the answer and this record a crash would
		// send the message again, so the record must not be skipped. A
		// transport error leaves the quota used: the message may have
		// gone out.
		rctx, cancel := recordContext(ctx)
		defer cancel()
		uerr := c.windows.UpdateWindow(rctx, openID, func(w *Window) error {
			switch code {
			case 0:
				w.markSent(outboxID)
			case codeWindowClosed:
				w.Closed = true
			case codeCustomerQuota:
				w.MessageLeft, w.EventLeft = 0, 0
			case codeUnsubscribed:
				w.Unsubscribed = true
			default:
				w.refund(from)
			}
			return nil
		})
		if uerr != nil {
			log.WarnContext(ctx, "wechat: record send", "err", uerr)
		}
	}
	switch code {
	case 0:
		if err == nil {
			log.InfoContext(ctx, "wechat: customer-service message sent")
		}
		return err
	case codeWindowClosed:
		return &channels.RefusedError{Reason: "customer-service window closed (errcode 45015)"}
	case codeCustomerQuota:
		return &channels.RefusedError{Reason: "customer-service quota used up (errcode 45047)"}
	case codeAPIQuota:
		return &channels.RefusedError{Reason: "daily API quota reached (errcode 45009)", RetryAt: nextQuotaReset(now)}
	}
	return err
}

// recordTimeout bounds recording a send that already happened.
const recordTimeout = 5 * time.Second

// recordContext is ctx's values without its cancellation: a send that
// went out is recorded even when the caller stops waiting.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

// wasSent reports whether outboxID is recorded as sent to openID (by
// the API or as a passive reply). Outbound without an id are never.
func (c *Channel) wasSent(ctx context.Context, openID string, outboxID int64) (bool, error) {
	if outboxID == 0 {
		return false, nil
	}
	var sent bool
	err := c.windows.UpdateWindow(ctx, openID, func(w *Window) error {
		sent = w.sent(outboxID)
		return noChange{}
	})
	if err != nil {
		return false, fmt.Errorf("wechat: window of %s: %w", openID, err)
	}
	return sent, nil
}

// recordSent marks outboxID sent to openID; a failure is logged, since
// the message is out either way.
func (c *Channel) recordSent(ctx context.Context, openID string, outboxID int64) {
	if outboxID == 0 {
		return
	}
	ctx, cancel := recordContext(ctx)
	defer cancel()
	err := c.windows.UpdateWindow(ctx, openID, func(w *Window) error {
		if w.sent(outboxID) {
			return noChange{}
		}
		w.markSent(outboxID)
		return nil
	})
	if err != nil {
		c.log.WarnContext(ctx, "wechat: record send", "openid", openID, "outbox_id", outboxID, "err", err)
	}
}

// beijing is UTC+8 without a tz database: WeChat's daily quotas reset at
// midnight there.
var beijing = time.FixedZone("CST", 8*3600)

func nextQuotaReset(now time.Time) time.Time {
	t := now.In(beijing)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, beijing)
}

// Fallback implements channels.Fallbacker: a template message for the
// kinds configured in Config.Templates. Other kinds are refused, so the
// service defers them to the customer's next message.
func (c *Channel) Fallback(ctx context.Context, m channels.Outbound) (string, error) {
	t, ok := c.tmpl[m.Kind]
	if !ok {
		return "", &channels.RefusedError{Reason: fmt.Sprintf("no template message for kind %q", m.Kind)}
	}
	var gone bool
	err := c.windows.UpdateWindow(ctx, m.ExternalUserID, func(w *Window) error {
		gone = w.Unsubscribed
		return noChange{}
	})
	if err != nil {
		return "", fmt.Errorf("wechat: window of %s: %w", m.ExternalUserID, err)
	}
	if gone {
		return "", &channels.RefusedError{Reason: "customer unsubscribed"}
	}
	data, err := t.render(templateData(m, c.now()))
	if err != nil {
		return "", fmt.Errorf("wechat: template for %s: %w", m.Kind, err)
	}
	msg := templateMessage{ToUser: m.ExternalUserID, TemplateID: t.id, URL: t.url, Data: data}
	if m.OutboxID != 0 {
		// WeChat drops a second send with the same id within minutes.
		msg.ClientMsgID = "kefu-" + strconv.FormatInt(m.OutboxID, 10)
	}
	if err := c.api.call(ctx, "/cgi-bin/message/template/send", msg, nil); err != nil {
		return "", err
	}
	c.log.InfoContext(ctx, "wechat: template message sent", "openid", m.ExternalUserID, "outbox_id", m.OutboxID, "kind", m.Kind)
	return "wechat template message", nil
}

// closeWindow records that nothing can be sent to openID any more.
func (c *Channel) closeWindow(ctx context.Context, openID string, unsubscribed bool) {
	err := c.windows.UpdateWindow(ctx, openID, func(w *Window) error {
		w.Closed, w.Unsubscribed = true, unsubscribed
		w.MessageLeft, w.EventLeft = 0, 0
		return nil
	})
	if err != nil {
		c.log.WarnContext(ctx, "wechat: close window", "openid", openID, "err", err)
	}
}

// TemplateData is what Template.Fields are executed on. A template's
// fields are short (a "thing" keyword holds 20 characters), so the
// message's facts fill them rather than the cut-off start of Text:
// {"thing1": "{{truncate 20 (or .Note .Status)}}", "character_string2":
// "{{.Case}}"}.
type TemplateData struct {
	Text string // the message text
	Kind string // Outbound.Kind
	Time string // when the message was created, "2006-01-02 15:04" Beijing time
	Date string // "2006-01-02"
	// Outbound.Facts, in the customer's language; empty when the message
	// has none.
	Case   string // case number
	Status string // the case's state
	Note   string // what happened: the note, the plan, the resolution
	Next   string // what happens next
	When   string // when it happened or is due, as the customer reads times
}

func templateData(m channels.Outbound, now time.Time) TemplateData {
	at := m.CreatedAt
	if at.IsZero() {
		at = now
	}
	at = at.In(beijing)
	f := m.Facts
	return TemplateData{Text: m.Text, Kind: m.Kind, Time: at.Format("2006-01-02 15:04"), Date: at.Format("2006-01-02"),
		Case: f.Case, Status: f.Status, Note: f.Note, Next: f.Next, When: f.Time}
}

type compiledTemplate struct {
	id, url string
	fields  map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	// truncate keeps n runes: template keywords are short ("thing" 20).
	"truncate": func(n int, s string) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		if n <= 1 {
			return string(r[:n])
		}
		return string(r[:n-1]) + "…"
	},
}

func parseFields(fields map[string]string) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for k, src := range fields {
		t, err := template.New(k).Funcs(templateFuncs).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = t
	}
	return out, nil
}

func compileTemplates(cfg map[string]Template) (map[string]*compiledTemplate, error) {
	out := map[string]*compiledTemplate{}
	for kind, t := range cfg {
		f, err := parseFields(t.Fields)
		if err != nil {
			return nil, fmt.Errorf("wechat.templates.%s.fields: %w", kind, err)
		}
		out[kind] = &compiledTemplate{id: t.TemplateID, url: t.URL, fields: f}
	}
	return out, nil
}

func (t *compiledTemplate) render(d TemplateData) (map[string]templateValue, error) {
	out := make(map[string]templateValue, len(t.fields))
	for k, tt := range t.fields {
		var b strings.Builder
		if err := tt.Execute(&b, d); err != nil {
			return nil, err
		}
		out[k] = templateValue{Value: b.String()}
	}
	return out, nil
}
