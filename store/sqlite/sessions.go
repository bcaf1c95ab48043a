package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// UserByLogin returns the enabled user with this login and their password
// hash (nil when none is set).
func (s *Store) UserByLogin(ctx context.Context, login string) (cases.User, []byte, error) {
	var u cases.User
	var hash []byte
	if login == "" {
		return u, nil, userNotFound()
	}
	err := s.stmt(ctx, stmtUserByLogin).QueryRowContext(ctx, login).Scan(&u.ID, &u.Name, &u.Role, &u.Department, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.User{}, nil, userNotFound()
	}
	if err != nil {
		return cases.User{}, nil, fmt.Errorf("sqlite: find user by login: %w", err)
	}
	return u, hash, nil
}

// SessionInsert stores a console session.
func (s *Store) SessionInsert(ctx context.Context, p service.SessionParams) error {
	if _, err := s.stmt(ctx, stmtSessionInsert).ExecContext(ctx,
		p.TokenHash, p.UserID, p.CSRF, ts(s.orNow(p.CreatedAt)), ts(p.ExpiresAt)); err != nil {
		return fmt.Errorf("sqlite: insert session: %w", err)
	}
	return nil
}

// SessionUser returns the enabled user of an unexpired session and its
// CSRF token.
func (s *Store) SessionUser(ctx context.Context, hash []byte, now time.Time) (cases.User, string, error) {
	var u cases.User
	var csrf string
	err := s.stmt(ctx, stmtSessionUser).QueryRowContext(ctx, hash, ts(now)).Scan(&u.ID, &u.Name, &u.Role, &u.Department, &csrf)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.User{}, "", cases.Errorf(cases.ENotFound, "session: unknown or expired")
	}
	if err != nil {
		return cases.User{}, "", fmt.Errorf("sqlite: find session: %w", err)
	}
	return u, csrf, nil
}

// SessionDelete ends one session.
func (s *Store) SessionDelete(ctx context.Context, hash []byte) error {
	if _, err := s.stmt(ctx, stmtSessionDelete).ExecContext(ctx, hash); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}

// SessionDeleteUser ends a user's sessions and everyone's expired ones.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64, now time.Time) error {
	if _, err := s.stmt(ctx, stmtSessionDeleteUser).ExecContext(ctx, userID, ts(now)); err != nil {
		return fmt.Errorf("sqlite: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// Activity reads the console's change fingerprint.
func (s *Store) Activity(ctx context.Context) (service.Activity, error) {
	var a service.Activity
	if err := s.stmt(ctx, stmtActivity).QueryRowContext(ctx).Scan(&a.LastMessage, &a.LastChange, &a.Waiting, &a.Held); err != nil {
		return a, fmt.Errorf("sqlite: activity: %w", err)
	}
	return a, nil
}
