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
	Overdue    bool // only cases with a missed, still-live deadline
	Limit      int  // 0 = 100
}

// CaseDetail is one case as the console shows it.
type CaseDetail struct {
	Case     *cases.Case
	History  []cases.Change
	Messages []channels.StoredMessage // the customer conversation
	Clocks   []cases.Clock            // every deadline, met / missed / pending
}

// ConversationSummary is one conversation in the agents' queue.
type ConversationSummary struct {
	ID             int64
	Channel        channels.ID
	ExternalUserID string
	Phase          string // waiting_agent, agent, …
	Agent          string // the agent holding it, if any
	HandoffReason  string
	CaseID         int64
	CaseNumber     string
	UpdatedAt      time.Time
}
