package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/kefu-dev/kefu/cases"
)

// Console sign-in: passwords are bcrypt hashes (golang.org/x/crypto; slow
// on purpose, salted, and the cost is in the hash so it can be raised
// later), sessions are random tokens kept only as their SHA-256 hash, and
// every session carries its own CSRF token for the console's forms.

// SessionTTL is how long a console session lasts: a working day and a bit,
// so nobody is signed out mid-shift and a forgotten browser does not stay
// signed in for days.
const SessionTTL = 12 * time.Hour

// MinPasswordLen and MaxPasswordBytes bound a password; bcrypt reads at
// most 72 bytes, so a longer one would be silently truncated.
const (
	MinPasswordLen   = 10
	MaxPasswordBytes = 72
)

// Session is a signed-in console session. Token goes in the cookie; CSRF
// in every form the console renders.
type Session struct {
	Token   string
	CSRF    string
	User    cases.User
	Expires time.Time
}

// errBadLogin is the one answer for an unknown login, a wrong password and
// a user without a password, so a caller learns nothing about which exist.
var errBadLogin = cases.Errorf(cases.EUnauthorized, "login or password is wrong")

// dummyHash is compared against when the login is unknown, so that answer
// takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("kefu-no-such-user"), bcrypt.DefaultCost)

// checkPassword validates a new password.
func checkPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return cases.Errorf(cases.EInvalid, fmt.Sprintf("password: at least %d characters", MinPasswordLen))
	case len(pw) > MaxPasswordBytes:
		return cases.Errorf(cases.EInvalid, fmt.Sprintf("password: at most %d bytes", MaxPasswordBytes))
	}
	return nil
}

// UserSetPassword sets a user's console login (unless login is "") and
// password, and ends their sessions, so a reset locks out whoever had the
// old one.
func (s *Team) UserSetPassword(ctx context.Context, id int64, login, password string) error {
	login = strings.TrimSpace(login)
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("password: %w", err)
	}
	p := UserUpdateParams{PasswordHash: hash}
	if login != "" {
		p.Login = &login
	}
	if err := s.opt.Store.UserUpdate(ctx, id, p); err != nil {
		return err
	}
	return s.opt.Store.SessionDeleteUser(ctx, id, s.opt.Now())
}

// Login checks a login and password and opens a session.
func (s *Team) Login(ctx context.Context, login, password string) (Session, error) {
	u, hash, err := s.opt.Store.UserByLogin(ctx, strings.TrimSpace(login))
	if cases.ErrorCode(err) == cases.ENotFound || (err == nil && len(hash) == 0) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return Session{}, errBadLogin
	}
	if err != nil {
		return Session{}, err
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil {
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return Session{}, errBadLogin
		}
		return Session{}, fmt.Errorf("password: %w", err)
	}
	token, err := NewToken()
	if err != nil {
		return Session{}, err
	}
	csrf := make([]byte, 24)
	if _, err := rand.Read(csrf); err != nil {
		return Session{}, fmt.Errorf("csrf: %w", err)
	}
	now := s.opt.Now()
	sess := Session{Token: token, CSRF: base64.RawURLEncoding.EncodeToString(csrf), User: u, Expires: now.Add(SessionTTL)}
	if err := s.opt.Store.SessionInsert(ctx, SessionParams{
		TokenHash: HashToken(token), UserID: u.ID, CSRF: sess.CSRF, CreatedAt: now, ExpiresAt: sess.Expires,
	}); err != nil {
		return Session{}, err
	}
	return sess, nil
}

// SessionUser returns the user of a console session and its CSRF token;
// EUnauthorized for an unknown or expired session or a disabled user.
func (s *Team) SessionUser(ctx context.Context, token string) (cases.User, string, error) {
	if token == "" {
		return cases.User{}, "", cases.Errorf(cases.EUnauthorized, "sign in first")
	}
	u, csrf, err := s.opt.Store.SessionUser(ctx, HashToken(token), s.opt.Now())
	if cases.ErrorCode(err) == cases.ENotFound {
		return cases.User{}, "", cases.Errorf(cases.EUnauthorized, "the session has ended; sign in again")
	}
	return u, csrf, err
}

// Logout ends a console session.
func (s *Team) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.opt.Store.SessionDelete(ctx, HashToken(token))
}
