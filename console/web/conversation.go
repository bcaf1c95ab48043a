package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/console"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
)

// The conversation view: the transcript, the bot's draft before a case
// exists, and take over / reply / hand back. Who holds the conversation is
// shown to everyone, and the service refuses a second agent, so two agents
// never answer the same customer.

type convPage struct {
	Conv     service.ConversationSummary
	Messages []channels.StoredMessage
	Last     int64 // the last message id shown: the live refresh asks after it
	Draft    []fieldRow
	// Files are the attachments by the message they came with.
	Files    map[int64][]service.AttachmentInfo
	HeldByMe bool
	Waiting  bool
	Reply    string // the reply kept after a failed send
	// Canned are the ready replies in the customer's language for the
	// viewer's department (快捷回复), offered while the viewer holds it.
	Canned []service.CannedReply
}

// fieldRow is one case field in the order agents read them.
type fieldRow struct {
	Key   cases.FieldKey
	Value string
}

// fieldOrder is the order fields are shown in: the problem first, the
// person last, as the bot asks.
var fieldOrder = []cases.FieldKey{
	cases.FieldSymptom, cases.FieldProductModel, cases.FieldOccurredAt, cases.FieldDemand, cases.FieldPurchaseDate,
	cases.FieldBatch, cases.FieldEnvironment, cases.FieldTried, cases.FieldPurchaseProof,
	cases.FieldCustomerName, cases.FieldCompany, cases.FieldPhone, cases.FieldEmail,
}

func fieldRows(m map[cases.FieldKey]string) []fieldRow {
	var out []fieldRow
	seen := map[cases.FieldKey]bool{}
	for _, k := range fieldOrder {
		if v, ok := m[k]; ok && v != "" {
			out = append(out, fieldRow{k, v})
			seen[k] = true
		}
	}
	for k, v := range m {
		if !seen[k] && v != "" {
			out = append(out, fieldRow{k, v})
		}
	}
	return out
}

func (c *Console) loadConversation(r *http.Request, v *view, id int64) (convPage, error) {
	sum, err := c.svc.ConversationGet(r.Context(), v.User, id)
	if err != nil {
		return convPage{}, err
	}
	msgs, err := c.svc.ConversationMessages(r.Context(), v.User, id, 0, service.MaxMessages)
	if err != nil {
		return convPage{}, err
	}
	atts, err := c.svc.ConversationAttachments(r.Context(), v.User, id)
	if err != nil {
		return convPage{}, err
	}
	files := map[int64][]service.AttachmentInfo{}
	for _, a := range atts {
		files[a.MessageID] = append(files[a.MessageID], a)
	}
	p := convPage{Conv: sum, Messages: msgs, Draft: fieldRows(sum.Draft), Files: files,
		HeldByMe: sum.Phase == "agent" && sum.Agent == v.User.Actor(), Waiting: sum.Phase == "waiting_agent"}
	if len(msgs) > 0 {
		p.Last = msgs[len(msgs)-1].ID
	}
	if p.HeldByMe {
		lang := sum.Lang
		if lang == "" {
			lang = dialog.Languages[0] // the bot's fallback: what the customer has been reading
		}
		if p.Canned, err = c.svc.CannedReplies(r.Context(), v.User, lang, ""); err != nil {
			return convPage{}, err
		}
	}
	return p, c.loadNames(r, v)
}

// conversation is the page; conversationMessages its live part, the
// transcript and the header (who holds it), re-fetched on every change.
func (c *Console) conversation(w http.ResponseWriter, r *http.Request, v *view) error {
	return c.showConversation(w, r, v, false)
}

func (c *Console) conversationMessages(w http.ResponseWriter, r *http.Request, v *view) error {
	return c.showConversation(w, r, v, true)
}

func (c *Console) showConversation(w http.ResponseWriter, r *http.Request, v *view, live bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := c.loadConversation(r, v, id)
	if err != nil {
		return err
	}
	v.Data = p
	if live {
		return c.fragment(w, "conversation", "conversation-live", v)
	}
	c.render(w, http.StatusOK, "conversation", v)
	return nil
}

func (c *Console) takeOver(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := c.svc.ConversationTakeOver(r.Context(), v.User, id); err != nil {
		return err
	}
	back(w, r, fmt.Sprintf("/console/conversations/%d", id))
	return nil
}

func (c *Console) reply(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	text := r.PostFormValue("text")
	if err := c.svc.ConversationReply(r.Context(), v.User, id, text); err != nil {
		// Keep what the agent typed: re-show the page with the error.
		if p, lerr := c.loadConversation(r, v, id); lerr == nil && cases.ErrorCode(err) != "" {
			p.Reply = text
			v.Data, v.Error = p, errorText(err)
			c.render(w, statusOf(err), "conversation", v)
			return nil
		}
		return err
	}
	if r.PostFormValue("recheck") != "" {
		// The reply went out; a refused re-check is an error of its own.
		if err := c.svc.ConversationRecheck(r.Context(), v.User, id); err != nil {
			return err
		}
	}
	back(w, r, fmt.Sprintf("/console/conversations/%d#end", id))
	return nil
}

func (c *Console) handBack(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := c.svc.ConversationHandBack(r.Context(), v.User, id); err != nil {
		return err
	}
	back(w, r, "/console/inbox?tab="+tabWaiting)
	return nil
}

// errorText is the message of a domain error.
func errorText(err error) string {
	if e, ok := err.(*cases.Error); ok {
		return e.Message
	}
	return err.Error()
}

func statusOf(err error) int { return console.StatusOf(err) }

// attachment streams a file a customer sent, for whoever may read it; it
// is served as a download unless it is an image, so a customer's HTML
// file never runs in the console's origin.
func (c *Console) attachment(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := c.svc.AttachmentGet(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	if a.Data == nil {
		if a.URL == "" {
			return cases.Errorf(cases.ENotFound, "the file was not kept")
		}
		return cases.Errorf(cases.ENotFound, "only the channel's link was kept: "+a.URL)
	}
	ct := a.ContentType
	disp := "attachment"
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		disp = "inline"
	default:
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", disp+"; filename*=UTF-8''"+urlPathEscape(a.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(a.Data)
	return nil
}
