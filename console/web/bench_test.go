package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/console/web"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/storetest"
)

// BenchmarkInboxFirstPage: the first page of an inbox with 100,000 cases
// in PostgreSQL, as the server answers it (session, query, deadlines,
// rendering), against a plain indexed SELECT of the same rows in the same
// run; compare the two ns/op (the machines are shared and noisy, so only
// the ratio means anything):
//
//	go test -run XXX -bench InboxFirstPage -benchtime 200x ./console/web/
func BenchmarkInboxFirstPage(b *testing.B) {
	ctx := context.Background()
	dbURL := storetest.PostgresDB(b)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st, err := postgres.Open(ctx, dbURL, postgres.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// The store's URL carries pool settings a single connection refuses.
	cfg, err := pgx.ParseConfig(strings.Split(dbURL, "?")[0])
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	// 100,000 cases of every category, priority and state, in one
	// statement: the benchmark measures reading, not seeding.
	if _, err := conn.Exec(ctx, `
		INSERT INTO cases (channel, source, language, fields, category, priority, reasons, department, state,
			deadline_first_response, deadline_registration, deadline_classification, deadline_start_by, created_at, updated_at)
		SELECT 'webchat', 'webchat', 'zh-CN',
			jsonb_build_object('symptom', '洗衣机不脱水，显示E' || (i % 9), 'customer_name', '客户' || i, 'phone', '139' || lpad(i::text, 8, '0'), 'product_model', 'XQG' || (i % 50)),
			(ARRAY['technical','logistics','quality','consultation'])[1 + i % 4],
			(ARRAY['P1','P2','P3'])[1 + i % 3], '[]',
			(ARRAY['technical_support','logistics','quality_control','customer_service'])[1 + i % 4],
			(ARRAY['assigned','planned','in_progress','resolved','closed'])[1 + i % 5],
			$1::timestamptz + (i || ' seconds')::interval, $1::timestamptz + (i || ' seconds')::interval + interval '2 hours',
			$1::timestamptz + (i || ' seconds')::interval + interval '3 hours', $1::timestamptz + (i || ' seconds')::interval + interval '8 hours',
			$1::timestamptz + (i || ' seconds')::interval, $1::timestamptz + (i || ' seconds')::interval
		FROM generate_series(1, 100000) AS i`, now.Add(-100000*time.Second)); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE cases SET number = 'K-' || lpad(id::text, 6, '0'); ANALYZE cases`); err != nil {
		b.Fatal(err)
	}

	svc := service.New(service.Options{Store: st, Now: func() time.Time { return now }, SLA: cases.DefaultSLA(), Logger: slog.New(slog.DiscardHandler)})
	for _, u := range []struct {
		login string
		role  cases.Role
		dept  cases.Department
	}{{"zhao", cases.RoleSupervisor, ""}, {"wanggong", cases.RoleHandler, cases.DeptTechnicalSupport}} {
		usr, _, err := svc.Team().UserAdd(ctx, u.login, u.role, u.dept)
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.Team().UserSetPassword(ctx, usr.ID, u.login, u.login+"-password"); err != nil {
			b.Fatal(err)
		}
	}
	c, err := web.New(svc.Team(), web.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	h := c.Handler()
	session := func(login string) *http.Cookie {
		r := httptest.NewRequest("POST", "/console/login", strings.NewReader(url.Values{"login": {login}, "password": {login + "-password"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		for _, ck := range w.Result().Cookies() {
			if ck.Name == "kefu_session" {
				return ck
			}
		}
		b.Fatalf("sign in %s: %d", login, w.Code)
		return nil
	}

	for _, tc := range []struct {
		name, login, path, sql string
	}{
		{"all_open", "zhao", "/console/inbox?tab=open",
			`SELECT * FROM cases WHERE state NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 50`},
		{"department", "wanggong", "/console/inbox?tab=department",
			`SELECT * FROM cases WHERE department = 'technical_support' AND state NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 50`},
	} {
		ck := session(tc.login)
		b.Run(tc.name+"/console", func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", tc.path, nil)
				r.AddCookie(ck)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "K-") {
					b.Fatalf("GET %s: %d", tc.path, w.Code)
				}
			}
		})
		b.Run(tc.name+"/plain_select", func(b *testing.B) {
			for b.Loop() {
				rows, err := conn.Query(ctx, tc.sql)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					if _, err := rows.Values(); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil || n != 50 {
					b.Fatalf("select: %d rows, %v", n, err)
				}
			}
		})
	}
}
