package service

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// The customer archive (客户档案, SPEC §9): one customer across channels.
// A channel identity starts its own customer; two customers become one
// when a case's verified contact matches (customers.go) or when staff
// merge them. A merge is a row of its own that names everything it moved,
// so it can be undone.

// CustomerStore reads the archive. Called with the context of an InTx,
// its methods read inside that transaction.
type CustomerStore interface {
	// CustomerGet returns a customer; ENotFound when there is none.
	CustomerGet(ctx context.Context, id int64) (Customer, error)
	// CustomerIdentities lists a customer's channel identities, oldest first.
	CustomerIdentities(ctx context.Context, customerID int64) ([]Identity, error)
	// CustomerContacts lists the verified contacts of a customer's cases,
	// oldest first, each value once.
	CustomerContacts(ctx context.Context, customerID int64) ([]Contact, error)
	// CustomerByContact returns the customer whose case holds the verified
	// contact (kind, value), the one of the newest such case; 0 when none.
	CustomerByContact(ctx context.Context, kind ContactKind, value string) (int64, error)
	// CustomerSearch lists customers not merged into another that match
	// every given filter, newest first.
	CustomerSearch(ctx context.Context, p CustomerSearchParams) ([]Customer, error)
	// CustomerMerges lists the merges into or out of a customer, newest
	// first.
	CustomerMerges(ctx context.Context, customerID int64) ([]CustomerMerge, error)
}

// CustomerTx writes the archive inside a transaction.
type CustomerTx interface {
	// CustomerCreate stores a customer with no channel identity (a caller
	// on the hotline).
	CustomerCreate(ctx context.Context, displayName string, now time.Time) (Customer, error)
	// ContactInsert records a verified contact of a case; a second insert
	// of the same one changes nothing.
	ContactInsert(ctx context.Context, caseID int64, kind ContactKind, value string, now time.Time) error
	// CustomerMerge moves every identity, conversation and case of
	// p.FromID to p.IntoID, marks p.FromID merged and stores the record
	// of what moved. Both customers must exist and be unmerged.
	CustomerMerge(ctx context.Context, p CustomerMergeParams) (CustomerMerge, error)
	// CustomerMergeGet returns a merge record (locked until the
	// transaction ends on Postgres); ENotFound when there is none.
	CustomerMergeGet(ctx context.Context, id int64) (CustomerMerge, error)
	// CustomerMergeUndo moves what the merge moved back to its FromID,
	// with the cases started since on the conversations it moved, and marks
	// the record undone. EConflict when something it moved has moved on
	// (a later merge) or when it was undone already.
	CustomerMergeUndo(ctx context.Context, id int64, actor string, now time.Time) (CustomerMerge, error)
}

// ContactKind is the kind of a verified contact.
type ContactKind string

const (
	ContactPhone ContactKind = "phone"
	ContactEmail ContactKind = "email"
)

// Contact is a verified phone number or email address of a customer, in
// its normalized form (see ContactValue).
type Contact struct {
	Kind   ContactKind
	Value  string
	CaseID int64 // the case that verified it
}

// Identity is one channel identity of a customer.
type Identity struct {
	Channel        channels.ID
	ExternalUserID string
	CustomerID     int64
	CreatedAt      time.Time
}

// IdentityKey names an identity.
type IdentityKey struct {
	Channel        channels.ID `json:"channel"`
	ExternalUserID string      `json:"external_user_id"`
}

// CustomerSearchParams filter customers; empty fields do not filter, and
// at least one must be set.
type CustomerSearchParams struct {
	Phone string // a case's phone as stored, or a verified phone (ContactValue form)
	// PhoneKey is Phone in ContactValue form, matched against verified
	// contacts.
	PhoneKey string
	Email    string // lower case: a case's email, a verified one or an email identity
	Name     string // lower case: part of the display name or a case's name or company
	Limit    int    // 0 = 50
}

// CustomerMergeParams describe a merge.
type CustomerMergeParams struct {
	IntoID, FromID int64
	Actor          string // Change.Actor of who merged ("system" for a match)
	Reason         string
	At             time.Time
}

// CustomerMerge is the record of one merge: who, when, why and what moved.
type CustomerMerge struct {
	ID             int64
	IntoID, FromID int64
	Actor          string
	Reason         string
	At             time.Time
	Identities     []IdentityKey
	Conversations  []int64
	Cases          []int64
	UndoneBy       string // "" while in effect
	UndoneAt       time.Time
}
