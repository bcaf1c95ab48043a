package console

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// JSON views. The API marshals these, never the domain types, so renaming
// a Go field cannot change the wire format the console and the OpenAPI
// document rely on. Zero times are left out (omitzero) rather than sent as
// year 1; slices and maps are never null.

type caseView struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	CustomerID     int64             `json:"customer_id"`
	ConversationID int64             `json:"conversation_id"`
	Channel        string            `json:"channel"`
	Source         string            `json:"source"`
	Language       string            `json:"language"`
	Fields         map[string]string `json:"fields"`
	Category       string            `json:"category"`
	Subtype        string            `json:"subtype"`
	Priority       string            `json:"priority"`
	Reasons        []string          `json:"reasons"`
	Department     string            `json:"department"`
	AssigneeID     int64             `json:"assignee_id,omitempty"` // the one person responsible; absent while the department has it
	State          string            `json:"state"`
	Escalated      bool              `json:"escalated"`
	Deadlines      deadlinesView     `json:"deadlines"`
	Milestones     milestonesView    `json:"milestones"`
	Plan           *planView         `json:"plan"`       // null until a plan is written
	Resolution     *resolutionView   `json:"resolution"` // null while open and after a reopen
	Complaints     []complaintView   `json:"complaints"` // oldest first; [] when none
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

type deadlinesView struct {
	FirstResponse  time.Time `json:"first_response,omitzero"`
	Registration   time.Time `json:"registration,omitzero"`
	Classification time.Time `json:"classification,omitzero"`
	StartBy        time.Time `json:"start_by,omitzero"`
}

type milestonesView struct {
	FirstResponse   time.Time `json:"first_response,omitzero"`
	Registered      time.Time `json:"registered,omitzero"`
	Classified      time.Time `json:"classified,omitzero"`
	Assigned        time.Time `json:"assigned,omitzero"`
	PlanWritten     time.Time `json:"plan_written,omitzero"`
	Started         time.Time `json:"started,omitzero"`
	Resolved        time.Time `json:"resolved,omitzero"`
	ResolveNotified time.Time `json:"resolve_notified,omitzero"`
	Closed          time.Time `json:"closed,omitzero"`
}

type planView struct {
	Type        string    `json:"type"`
	Description string    `json:"description"`
	PromisedAt  time.Time `json:"promised_at"`
	VisitAt     time.Time `json:"visit_at,omitzero"`
	SameCity    bool      `json:"same_city"`
	Version     int       `json:"version"`
	Status      string    `json:"status"`
	Author      string    `json:"author"`
	WrittenAt   time.Time `json:"written_at"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Comment     string    `json:"comment,omitempty"`
}

type resolutionView struct {
	Proof      string    `json:"proof"`
	Attachment string    `json:"attachment,omitempty"`
	Link       string    `json:"link,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

type changeView struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Field   string    `json:"field"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason"`
	Visible bool      `json:"visible"`
}

type choiceView struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

type messageView struct {
	ID        int64        `json:"id"`
	Direction string       `json:"direction"`
	Text      string       `json:"text"`
	Field     string       `json:"field,omitempty"`
	Choices   []choiceView `json:"choices,omitempty"`
	Kind      string       `json:"kind,omitempty"`
	At        time.Time    `json:"at"`
}

func newMessageView(m channels.StoredMessage) messageView {
	mv := messageView{ID: m.ID, Direction: m.Direction, Text: m.Text, Field: m.Field, Kind: m.Kind, At: m.At}
	for _, ch := range m.Choices {
		mv.Choices = append(mv.Choices, choiceView{Value: ch.Value, Label: ch.Label})
	}
	return mv
}

// messageListResponse is a page of a transcript.
type messageListResponse struct {
	Messages []messageView `json:"messages"`
	// NextAfter is ?after= for the next page; absent on the last.
	NextAfter int64 `json:"next_after,omitempty"`
}

type clockView struct {
	Name   string    `json:"name"`
	Start  time.Time `json:"start,omitzero"`
	Due    time.Time `json:"due,omitzero"`
	Done   time.Time `json:"done,omitzero"`
	Status string    `json:"status"`
	// Escalation is where a missed, still unmet deadline stands on the
	// escalation chain (SPEC §5); absent otherwise.
	Escalation *escalationView `json:"escalation,omitempty"`
}

type escalationView struct {
	Level  int       `json:"level"`
	Target string    `json:"target"`
	Next   time.Time `json:"next,omitzero"`
}

type conversationView struct {
	ID             int64     `json:"id"`
	CustomerID     int64     `json:"customer_id,omitempty"` // the customer archive (GET /customers/{id})
	Channel        string    `json:"channel"`
	ExternalUserID string    `json:"external_user_id"`
	CustomerName   string    `json:"customer_name,omitempty"` // as the channel gave it; GET /conversations/{id} only
	Phase          string    `json:"phase"`
	Agent          string    `json:"agent,omitempty"`
	HandoffReason  string    `json:"handoff_reason,omitempty"`
	CaseID         int64     `json:"case_id,omitempty"`
	CaseNumber     string    `json:"case_number,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
	// While waiting for an agent: since when, and by when to take over.
	WaitingSince time.Time `json:"waiting_since,omitzero"`
	WaitDue      time.Time `json:"wait_due,omitzero"`
	// The bot's draft: what the customer said so far, before a case.
	Lang     string                    `json:"lang,omitempty"`
	Draft    map[cases.FieldKey]string `json:"draft,omitempty"`
	Category string                    `json:"category,omitempty"`
	Priority string                    `json:"priority,omitempty"`
}

// Responses.

type caseListResponse struct {
	Cases []caseView `json:"cases"`
	// NextBefore is ?before= for the next page; absent on the last.
	NextBefore int64 `json:"next_before,omitempty"`
	// Count is how many cases match, up to service.MaxCaseCount (asked
	// for with ?count=true).
	Count *int `json:"count,omitempty"`
}

type caseResponse struct {
	Case caseView `json:"case"`
}

type caseDetailResponse struct {
	Case        caseView         `json:"case"`
	History     []changeView     `json:"history"`
	Messages    []messageView    `json:"messages"`
	Clocks      []clockView      `json:"clocks"`
	Attachments []attachmentView `json:"attachments"`
}

type attachmentView struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	URL         string    `json:"url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	MessageID   int64     `json:"message_id,omitempty"`
}

func newAttachmentView(a service.AttachmentInfo) attachmentView {
	return attachmentView{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: a.URL, CreatedAt: a.CreatedAt, UploadedBy: a.UploadedBy, MessageID: a.MessageID}
}

type conversationListResponse struct {
	Conversations []conversationView `json:"conversations"`
}

func newCaseView(c *cases.Case) caseView {
	v := caseView{
		ID:             c.ID,
		Number:         c.Number,
		CustomerID:     c.CustomerID,
		ConversationID: c.ConversationID,
		Channel:        c.Channel,
		Source:         c.Source,
		Language:       c.Language,
		Fields:         make(map[string]string, len(c.Fields)),
		Category:       string(c.Category),
		Subtype:        c.Subtype,
		Priority:       string(c.Priority),
		Reasons:        append([]string{}, c.Reasons...),
		Department:     string(c.Department),
		AssigneeID:     c.Assignee,
		State:          string(c.State),
		Escalated:      c.Escalated,
		Deadlines: deadlinesView{
			FirstResponse:  c.Deadlines.FirstResponse,
			Registration:   c.Deadlines.Registration,
			Classification: c.Deadlines.Classification,
			StartBy:        c.Deadlines.StartBy,
		},
		Milestones: milestonesView{
			FirstResponse:   c.Milestones.FirstResponse,
			Registered:      c.Milestones.Registered,
			Classified:      c.Milestones.Classified,
			Assigned:        c.Milestones.Assigned,
			PlanWritten:     c.Milestones.PlanWritten,
			Started:         c.Milestones.Started,
			Resolved:        c.Milestones.Resolved,
			ResolveNotified: c.Milestones.ResolveNotified,
			Closed:          c.Milestones.Closed,
		},
		Complaints: newComplaintViews(c.Complaints),
		CreatedAt:  c.CreatedAt,
		UpdatedAt:  c.UpdatedAt,
	}
	for k, val := range c.Fields {
		v.Fields[string(k)] = val
	}
	if p := c.Plan; p != nil {
		v.Plan = &planView{
			Type:        string(p.Type),
			Description: p.Description,
			PromisedAt:  p.PromisedAt,
			VisitAt:     p.VisitAt,
			SameCity:    p.SameCity,
			Version:     p.Version,
			Status:      string(p.Status),
			Author:      p.Author,
			WrittenAt:   p.WrittenAt,
			DecidedBy:   p.DecidedBy,
			DecidedAt:   p.DecidedAt,
			Comment:     p.Comment,
		}
	}
	if res := c.Resolution; res != nil {
		v.Resolution = &resolutionView{Proof: res.Proof, Attachment: res.Attachment, Link: res.Link, By: res.By, At: res.At}
	}
	return v
}

func newCaseDetailView(d service.CaseDetail) caseDetailResponse {
	v := caseDetailResponse{
		Case:     newCaseView(d.Case),
		History:  make([]changeView, 0, len(d.History)),
		Messages: make([]messageView, 0, len(d.Messages)),
		Clocks:   make([]clockView, 0, len(d.Clocks)),

		Attachments: make([]attachmentView, 0, len(d.Attachments)),
	}
	for _, a := range d.Attachments {
		v.Attachments = append(v.Attachments, newAttachmentView(a))
	}
	for _, h := range d.History {
		v.History = append(v.History, changeView{
			At: h.At, Actor: h.Actor, Action: h.Action, Field: h.Field,
			From: h.From, To: h.To, Reason: h.Reason, Visible: h.Visible,
		})
	}
	for _, m := range d.Messages {
		v.Messages = append(v.Messages, newMessageView(m))
	}
	esc := map[cases.ClockName]*escalationView{}
	for _, b := range d.Breaches {
		esc[b.Clock.Name] = &escalationView{Level: b.Step.Level, Target: b.Step.Target, Next: b.Next}
	}
	for _, k := range d.Clocks {
		v.Clocks = append(v.Clocks, clockView{Name: string(k.Name), Start: k.Start, Due: k.Due, Done: k.Done, Status: string(k.Status),
			Escalation: esc[k.Name]})
	}
	return v
}

func newConversationView(c service.ConversationSummary) conversationView {
	return conversationView{
		ID:             c.ID,
		CustomerID:     c.CustomerID,
		Channel:        string(c.Channel),
		ExternalUserID: c.ExternalUserID,
		CustomerName:   c.CustomerName,
		Phase:          c.Phase,
		Agent:          c.Agent,
		HandoffReason:  c.HandoffReason,
		CaseID:         c.CaseID,
		CaseNumber:     c.CaseNumber,
		UpdatedAt:      c.UpdatedAt,
		WaitingSince:   c.WaitingSince,
		WaitDue:        c.WaitDue,
		Lang:           c.Lang,
		Draft:          c.Draft,
		Category:       string(c.Category),
		Priority:       string(c.Priority),
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	// Case data is personal data: no shared cache may keep it.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// The values are our own views; an encoding error can only be a broken
	// connection, which the client notices itself.
	json.NewEncoder(w).Encode(v)
}
