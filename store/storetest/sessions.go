package storetest

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

// Console logins and sessions: a login is unique, a session finds its
// enabled user until it expires, and ending sessions ends exactly them.
func testSessions(t *testing.T, s service.Store) {
	ctx := t.Context()
	pw := []byte("$2a$10$not-a-real-bcrypt-hash-but-bytes")
	agent, err := s.UserInsert(ctx, service.UserParams{Name: "王芳", Role: cases.RoleSpecialist, TokenHash: []byte("tok-a"), Login: "wangfang", PasswordHash: pw})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserInsert(ctx, service.UserParams{Name: "别人", Role: cases.RoleSpecialist, TokenHash: []byte("tok-b"), Login: "wangfang"}); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("a second user with login wangfang: %v, want %s", err, cases.EConflict)
	}
	// Users without a login are many; NULL is not a duplicate.
	other, err := s.UserInsert(ctx, service.UserParams{Name: "无登录", Role: cases.RoleAdmin, TokenHash: []byte("tok-c")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserInsert(ctx, service.UserParams{Name: "无登录2", Role: cases.RoleAdmin, TokenHash: []byte("tok-d")}); err != nil {
		t.Fatalf("second user without login: %v", err)
	}

	u, hash, err := s.UserByLogin(ctx, "wangfang")
	if err != nil || u != agent || string(hash) != string(pw) {
		t.Fatalf("UserByLogin = %+v, %q, %v; want %+v", u, hash, err, agent)
	}
	_, _, err = s.UserByLogin(ctx, "nobody")
	wantNotFound(t, "UserByLogin(nobody)", err)
	_, _, err = s.UserByLogin(ctx, "")
	wantNotFound(t, "UserByLogin(\"\")", err)

	// Setting a login and password on an existing user.
	login := "admin2"
	if err := s.UserUpdate(ctx, other.ID, service.UserUpdateParams{Login: &login, PasswordHash: []byte("h2")}); err != nil {
		t.Fatal(err)
	}
	if _, h, err := s.UserByLogin(ctx, "admin2"); err != nil || string(h) != "h2" {
		t.Errorf("after UserUpdate, UserByLogin(admin2) = %q, %v", h, err)
	}
	taken := "wangfang"
	if err := s.UserUpdate(ctx, other.ID, service.UserUpdateParams{Login: &taken}); cases.ErrorCode(err) != cases.EConflict {
		t.Errorf("UserUpdate to a taken login: %v, want %s", err, cases.EConflict)
	}
	users, err := s.UserList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logins := map[int64]string{}
	for _, u := range users {
		logins[u.ID] = u.Login
	}
	if logins[agent.ID] != "wangfang" || logins[other.ID] != "admin2" {
		t.Errorf("UserList logins = %v", logins)
	}

	now := t0
	for i, h := range []string{"s1", "s2"} {
		if err := s.SessionInsert(ctx, service.SessionParams{TokenHash: []byte(h), UserID: agent.ID, CSRF: "csrf-" + h, CreatedAt: now, ExpiresAt: now.Add(time.Duration(i+1) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SessionInsert(ctx, service.SessionParams{TokenHash: []byte("s3"), UserID: other.ID, CSRF: "c3", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, csrf, err := s.SessionUser(ctx, []byte("s1"), now.Add(59*time.Minute)); err != nil || got != agent || csrf != "csrf-s1" {
		t.Errorf("SessionUser(s1) = %+v, %q, %v", got, csrf, err)
	}
	_, _, err = s.SessionUser(ctx, []byte("s1"), now.Add(time.Hour))
	wantNotFound(t, "SessionUser(s1) at its expiry", err)
	_, _, err = s.SessionUser(ctx, []byte("nope"), now)
	wantNotFound(t, "SessionUser(unknown)", err)

	// A disabled user's session stops at once.
	off := true
	if err := s.UserUpdate(ctx, agent.ID, service.UserUpdateParams{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionUser(ctx, []byte("s2"), now)
	wantNotFound(t, "SessionUser of a disabled user", err)
	_, _, err = s.UserByLogin(ctx, "wangfang")
	wantNotFound(t, "UserByLogin of a disabled user", err)
	on := false
	if err := s.UserUpdate(ctx, agent.ID, service.UserUpdateParams{Disabled: &on}); err != nil {
		t.Fatal(err)
	}

	if err := s.SessionDelete(ctx, []byte("s2")); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionUser(ctx, []byte("s2"), now)
	wantNotFound(t, "SessionUser after SessionDelete", err)
	if err := s.SessionDelete(ctx, []byte("s2")); err != nil {
		t.Errorf("deleting an ended session: %v", err)
	}
	if err := s.SessionDeleteUser(ctx, other.ID, now); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionUser(ctx, []byte("s3"), now)
	wantNotFound(t, "SessionUser after SessionDeleteUser", err)
}
