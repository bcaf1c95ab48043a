package service

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// SessionStore keeps the console's sign-in sessions. Only the hash of a
// session token is stored, so a copy of the database signs nobody in.
type SessionStore interface {
	SessionInsert(ctx context.Context, p SessionParams) error
	// SessionUser returns the enabled user of an unexpired session and the
	// session's CSRF token; ENotFound otherwise.
	SessionUser(ctx context.Context, hash []byte, now time.Time) (cases.User, string, error)
	// SessionDelete ends one session; an unknown one is no error.
	SessionDelete(ctx context.Context, hash []byte) error
	// SessionDeleteUser ends every session of a user and the expired
	// sessions of everyone.
	SessionDeleteUser(ctx context.Context, userID int64, now time.Time) error
}

// SessionParams describe a new session.
type SessionParams struct {
	TokenHash []byte
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Activity is a cheap fingerprint of what the console shows: it changes
// whenever a message arrives or leaves, a case changes, or a conversation
// joins or leaves the queue for an agent. Every kefu process reads it from
// the database, so a change made by one process reaches the consoles
// served by all of them.
type Activity struct {
	LastMessage int64 // highest message id
	LastChange  int64 // highest case history id
	Waiting     int   // conversations waiting for an agent
	Held        int   // conversations an agent holds
}

// ActivityStore reads the fingerprint; each part is one indexed read.
type ActivityStore interface {
	Activity(ctx context.Context) (Activity, error)
}
