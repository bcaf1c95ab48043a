package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	err := s.q(ctx).QueryRow(ctx, `
		SELECT id, name, role, department, password_hash FROM users WHERE login = $1 AND NOT disabled`,
		login).Scan(&u.ID, &u.Name, &u.Role, &u.Department, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return cases.User{}, nil, userNotFound()
	}
	if err != nil {
		return cases.User{}, nil, fmt.Errorf("postgres: find user by login: %w", err)
	}
	return u, hash, nil
}

// SessionInsert stores a console session.
func (s *Store) SessionInsert(ctx context.Context, p service.SessionParams) error {
	if _, err := s.q(ctx).Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		p.TokenHash, p.UserID, p.CSRF, s.orNow(p.CreatedAt).UTC(), p.ExpiresAt.UTC()); err != nil {
		return fmt.Errorf("postgres: insert session: %w", err)
	}
	return nil
}

// SessionUser returns the enabled user of an unexpired session and its
// CSRF token.
func (s *Store) SessionUser(ctx context.Context, hash []byte, now time.Time) (cases.User, string, error) {
	var u cases.User
	var csrf string
	err := s.q(ctx).QueryRow(ctx, `
		SELECT u.id, u.name, u.role, u.department, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
		hash, now.UTC()).Scan(&u.ID, &u.Name, &u.Role, &u.Department, &csrf)
	if errors.Is(err, pgx.ErrNoRows) {
		return cases.User{}, "", cases.Errorf(cases.ENotFound, "session: unknown or expired")
	}
	if err != nil {
		return cases.User{}, "", fmt.Errorf("postgres: find session: %w", err)
	}
	return u, csrf, nil
}

// SessionDelete ends one session.
func (s *Store) SessionDelete(ctx context.Context, hash []byte) error {
	if _, err := s.q(ctx).Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// SessionDeleteUser ends a user's sessions and everyone's expired ones.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64, now time.Time) error {
	if _, err := s.q(ctx).Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 OR expires_at <= $2`, userID, now.UTC()); err != nil {
		return fmt.Errorf("postgres: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// Activity reads the console's change fingerprint.
func (s *Store) Activity(ctx context.Context) (service.Activity, error) {
	var a service.Activity
	if err := s.q(ctx).QueryRow(ctx, activitySQL).Scan(&a.LastMessage, &a.LastChange, &a.Waiting, &a.Held); err != nil {
		return a, fmt.Errorf("postgres: activity: %w", err)
	}
	return a, nil
}

// activitySQL: MAX over primary keys and counts over the phase index.
const activitySQL = `SELECT
	COALESCE((SELECT MAX(id) FROM messages), 0),
	COALESCE((SELECT MAX(id) FROM case_history), 0),
	(SELECT COUNT(*) FROM conversations WHERE phase = 'waiting_agent'),
	(SELECT COUNT(*) FROM conversations WHERE phase = 'agent')`
