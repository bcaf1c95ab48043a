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
