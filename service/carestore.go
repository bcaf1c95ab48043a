package service

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// Proactive care's records (SPEC §8): what a customer bought, whether they
// are a member or opted out, and every touchpoint planned for them with
// its outcome. care.go plans and runs them.

// CustomerCare is what care needs of a customer beyond the archive.
type CustomerCare struct {
	Member     bool
	OptedOutAt time.Time // zero: proactive messages allowed
	OptOutVia  string    // the channel the opt-out came on
	// Phone, Email and Language came with an import: the customer's
	// contact before any case, and the language to write in.
	Phone, Email, Language string
}

// Purchase is one product a customer bought.
type Purchase struct {
	ID         int64
	CustomerID int64
	Product    string
	Model      string
	// On is the day of the purchase (midnight UTC of that date).
	On        time.Time
	Source    string // "case" or "import"
	CaseID    int64
	CreatedAt time.Time
}

// Touchpoint statuses.
const (
	CarePlanned  = "planned"  // waiting for its due time
	CareSent     = "sent"     // the bot wrote; waiting for the customer
	CareAnswered = "answered" // the customer answered; Outcome says what
	CareDone     = "done"     // over without an answer (a tip, no answer, a task)
	CareSkipped  = "skipped"  // not sent; Outcome says why
)

// Touchpoint is one planned or made proactive contact.
type Touchpoint struct {
	ID             int64
	CustomerID     int64
	Touchpoint     string // the care plan's touchpoint id
	Cause          string // what caused it: "case:12:…", "purchase:5", "purchase:5:2027"
	CaseID         int64
	PurchaseID     int64
	Due            time.Time
	Status         string
	ConversationID int64
	SentAt         time.Time
	AnsweredAt     time.Time
	Outcome        string
	Note           string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// PlanSig is the touchpoint's definition when it was planned
	// (care.Touchpoint.Sig): a changed plan re-plans what is still ahead.
	PlanSig string
}

// CareStore reads care's records (with an InTx's context, inside it).
type CareStore interface {
	// CustomerCare returns a customer's care facts; ENotFound when there
	// is no such customer.
	CustomerCare(ctx context.Context, customerID int64) (CustomerCare, error)
	// Purchases lists a customer's purchases, newest first.
	Purchases(ctx context.Context, customerID int64) ([]Purchase, error)
	// Touchpoints lists a customer's touchpoints by due time.
	Touchpoints(ctx context.Context, customerID int64) ([]Touchpoint, error)
	// TouchpointsPlanned lists every touchpoint still planned, by id.
	TouchpointsPlanned(ctx context.Context) ([]Touchpoint, error)
	// TouchpointsOfCase lists the touchpoints caused by a case, by id.
	TouchpointsOfCase(ctx context.Context, caseID int64) ([]Touchpoint, error)
	// CustomerByImportedContact returns the customer an import gave this
	// phone (digits) or email (lower case); 0 when none.
	CustomerByImportedContact(ctx context.Context, phone, email string) (int64, error)
	// CustomerByIdentity returns the customer of a channel identity; 0
	// when none has it.
	CustomerByIdentity(ctx context.Context, ch channels.ID, externalUserID string) (int64, error)
	// CareSentBetween counts the proactive messages sent to a customer in
	// [from, to).
	CareSentBetween(ctx context.Context, customerID int64, from, to time.Time) (int, error)
}

// CareTx writes care's records inside a transaction.
type CareTx interface {
	// CustomerCareSet stores a customer's care facts.
	CustomerCareSet(ctx context.Context, customerID int64, c CustomerCare) error
	// IdentityAttach gives customerID the channel identity unless another
	// customer has it: it returns the customer that has it after the call.
	IdentityAttach(ctx context.Context, customerID int64, ch channels.ID, externalUserID string, now time.Time) (int64, error)
	// PurchaseInsert stores a purchase once per customer, model and day;
	// inserted is false (and the stored one is returned) when it exists.
	PurchaseInsert(ctx context.Context, p Purchase) (out Purchase, inserted bool, err error)
	// TouchpointInsert stores a planned touchpoint once per customer,
	// touchpoint and cause; inserted is false (and the stored one is
	// returned) when it exists.
	TouchpointInsert(ctx context.Context, p Touchpoint) (out Touchpoint, inserted bool, err error)
	// TouchpointGet returns a touchpoint, locked until the transaction
	// ends on Postgres; ENotFound when there is none.
	TouchpointGet(ctx context.Context, id int64) (Touchpoint, error)
	// TouchpointUpdate stores a touchpoint's due time, status, conversation,
	// times, outcome and note.
	TouchpointUpdate(ctx context.Context, p Touchpoint) error
}
