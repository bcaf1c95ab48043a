package service

import (
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// CaseFilter selects cases for the staff API; zero values do not filter.
type CaseFilter struct {
	Department cases.Department
	State      cases.State
	Priority   cases.Priority
	Overdue    bool  // only cases with a missed, still-live deadline
	Before     int64 // only cases older than this id: the next page (CasePage.Next)
	// Phone, Email and Number find a customer's cases or one case (exact).
	Phone    string
	Email    string
	Number   string
	Open     bool  // only cases neither resolved nor closed
	Assignee int64 // only this person's cases
	// Q finds cases by number (whole) or by a part of the order number
	// (purchase proof), model, name or company, ignoring case.
	Q string
	// The figures of a report drill down with these: the cases registered
	// in [From, To) (zero: unbounded), of a channel, category, subtype or
	// source, and whose deadline Clock is ClockStatus now (met, missed or
	// pending; "" with a Clock: any but none), as the report counts them.
	From, To    time.Time
	Channel     string
	Category    cases.Category
	Subtype     string
	Source      string
	Clock       cases.ClockName
	ClockStatus cases.ClockStatus
	Limit       int // 0 = 100, at most MaxCaseList
}

// MaxCaseList is the most cases one page lists.
const MaxCaseList = 1000

// CasePage is one page of a case list, newest first; Next, when not 0,
// is the Before of the following page.
type CasePage struct {
	Cases []*cases.Case
	Next  int64
	// Due is each listed case's next live deadline (pending, or missed and
	// still not met), by case id; a case with none is absent.
	Due map[int64]cases.Clock
}

// CaseDetail is one case as the console shows it.
type CaseDetail struct {
	Case     *cases.Case
	History  []cases.Change
	Messages []channels.StoredMessage // the customer conversation
	Clocks   []cases.Clock            // every deadline, met / missed / pending, the survey's last
	// Breaches are the missed deadlines still unmet, with the escalation
	// step each has reached.
	Breaches []cases.Breach
	// Attachments are the files the customer sent (photos, receipts),
	// oldest first, without their bytes (Service.AttachmentGet has them).
	Attachments []AttachmentInfo
}

// AttachmentInfo describes a stored attachment without its bytes.
type AttachmentInfo struct {
	ID             int64
	ConversationID int64
	MessageID      int64 // 0 = none
	CaseID         int64 // 0 = on no case yet
	Name           string
	ContentType    string
	Size           int64 // bytes stored; 0 when only a URL is kept
	URL            string
	CreatedAt      time.Time
	UploadedBy     string // the staff actor who attached it; "" = the customer sent it
}

// ConversationSummary is one conversation in the agents' queue.
type ConversationSummary struct {
	ID             int64
	CustomerID     int64
	Channel        channels.ID
	ExternalUserID string
	// CustomerName is the name the channel gave (a Telegram profile, a mail
	// From): who is writing before they said their name. Only
	// ConversationGet fills it.
	CustomerName  string
	Phase         string // waiting_agent, agent, …
	Agent         string // the agent holding it, if any
	HandoffReason string
	CaseID        int64
	CaseNumber    string
	UpdatedAt     time.Time
	// The bot's draft before a case exists: the customer's language, the
	// fields collected so far and the tentative category and priority, so
	// an agent taking over asks nothing twice.
	// WaitingSince and WaitDue: when it joined the queue for an agent and
	// when someone must have taken it over (zero unless waiting).
	WaitingSince time.Time
	WaitDue      time.Time
	Lang         string
	Draft        map[cases.FieldKey]string
	Category     cases.Category
	Priority     cases.Priority
}
