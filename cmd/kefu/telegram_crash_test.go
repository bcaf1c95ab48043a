package main

// Loss and duplication in polling mode through `kefu serve` (issue 6): a
// kill between receiving an update and committing it loses nothing, a
// kill after the commit duplicates nothing. The fake Bot API keeps
// updates until a getUpdates with a higher offset confirms them, as
// Telegram does, and records every offset it is asked for.

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-dev/kefu/channels/telegram"
)

var tgEmma = tgCustomer{chat: 5234567890, first: "Emma", last: "Wilson", handle: "emma_w"}

// tgFailure makes the transaction that stores one message fail inside the
// database, before its commit: a trigger on messages aborts the insert of
// that external id, so everything the transaction did (the message, the
// dialog step, its outbox rows and the new offset) is rolled back, as when
// the process dies before committing. remove drops the trigger.
type tgFailure struct{ remove func() }

func tgFailInsert(tb testing.TB, dbURL, externalID string) tgFailure {
	tb.Helper()
	ctx := context.Background()
	if strings.HasPrefix(dbURL, "postgres") {
		pool, err := pgxpool.New(ctx, dbURL)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(pool.Close)
		if _, err := pool.Exec(ctx, `CREATE FUNCTION kefu_e2e_crash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'e2e: the process dies before the commit'; END $$`); err != nil {
			tb.Fatal(err)
		}
		if _, err := pool.Exec(ctx, fmt.Sprintf(`CREATE TRIGGER kefu_e2e_crash BEFORE INSERT ON messages
FOR EACH ROW WHEN (NEW.external_id = '%s') EXECUTE FUNCTION kefu_e2e_crash()`, externalID)); err != nil {
			tb.Fatal(err)
		}
		return tgFailure{remove: func() {
			if _, err := pool.Exec(ctx, `DROP TRIGGER kefu_e2e_crash ON messages; DROP FUNCTION kefu_e2e_crash()`); err != nil {
				tb.Fatal(err)
			}
		}}
	}
	db, err := sql.Open("sqlite", "file:"+dbURL+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER kefu_e2e_crash BEFORE INSERT ON messages
WHEN NEW.external_id = '%s' BEGIN SELECT RAISE(ABORT, 'e2e: the process dies before the commit'); END`, externalID)); err != nil {
		tb.Fatal(err)
	}
	return tgFailure{remove: func() {
		if _, err := db.ExecContext(ctx, `DROP TRIGGER kefu_e2e_crash`); err != nil {
			tb.Fatal(err)
		}
		db.Close()
	}}
}

// testTelegramKillBeforeCommit: one getUpdates batch of three updates
// from two customers; the first is committed, the second is received but
// its transaction never commits, and the program is killed while Telegram
// still holds the second and third. The next program stores both, and
// every update is stored exactly once.
func testTelegramKillBeforeCommit(t *testing.T, dbURL string) {
	e := startTelegram(t, dbURL, telegram.Polling)
	a, b := tgLi, tgEmma
	u1 := e.text(a, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修")
	u2 := e.text(b, "Hello, my DW60 dishwasher stopped draining yesterday. Phone 13900001111.")
	u3 := e.text(a, "去年双十一买的")
	crash := tgFailInsert(t, dbURL, fmt.Sprintf("%d:%d", b.chat, u2.MessageID))

	from := e.api.mark()
	e.api.push(u1.Raw, u2.Raw, u3.Raw)
	e.waitStored(t, a, u1.Text)
	// u2 was not taken: the poller asks for it again rather than skip it.
	e.api.waitCall(t, from, "getUpdates", fmt.Sprintf("with offset %d again", u2.ID), func(c tgCall) bool {
		return c.Params.Get("offset") == fmt.Sprint(u2.ID)
	})
	if got := e.offset(t); got != u2.ID {
		t.Errorf("committed offset %d while u2 fails, want %d (u1's id + 1)", got, u2.ID)
	}
	if got := e.inbound(t, b); len(got) != 0 {
		t.Errorf("u2 stored although its transaction failed: %q", got)
	}
	if got := e.inbound(t, a); !slices.Equal(got, []string{u1.Text}) {
		t.Errorf("stored for %d: %q; u3 must wait for u2 (updates are taken in order)", a.chat, got)
	}
	for _, off := range e.api.offsets(from) {
		if off > u2.ID {
			t.Errorf("getUpdates with offset %d confirmed u2 (%d) before it was stored", off, u2.ID)
		}
	}

	// Kill the program while u2 is still failing, then let the database
	// work again and start a new one on it.
	if err := e.m.Close(); err != nil {
		t.Fatal(err)
	}
	crash.remove()
	restart := e.api.mark()
	e.start(t)

	e.waitStored(t, b, "DW60")
	e.waitStored(t, a, u3.Text)
	e.api.waitCall(t, restart, "getUpdates", "confirming u3", func(c tgCall) bool {
		return c.Params.Get("offset") == fmt.Sprint(u3.ID+1)
	})
	if offs := e.api.offsets(restart); len(offs) == 0 || offs[0] != u2.ID {
		t.Errorf("the new program polled with offsets %v, want %d first (the committed offset)", offs, u2.ID)
	}
	if got := e.inbound(t, a); !slices.Equal(got, []string{u1.Text, u3.Text}) {
		t.Errorf("stored for %d: %q, want u1 and u3 once each", a.chat, got)
	}
	if got := e.inbound(t, b); !slices.Equal(got, []string{u2.Text}) {
		t.Errorf("stored for %d: %q, want u2 once", b.chat, got)
	}
	if got := e.offset(t); got != u3.ID+1 {
		t.Errorf("committed offset %d, want %d", got, u3.ID+1)
	}
	// Each message had its dialog step once: no reply went out twice.
	e.quiet(t)
	e.api.waitSent(t, 0, b.chat, "asking what they want", tgContains("resolve"))
	e.api.waitSent(t, 0, a.chat, "asking the name", tgContains("怎么称呼"))
	for _, c := range []tgCustomer{a, b} {
		seen := map[string]bool{}
		for _, s := range e.api.sentTo(c.chat, 0) {
			if seen[s.Text] {
				t.Errorf("sent twice to %d: %q", c.chat, s.Text)
			}
			seen[s.Text] = true
		}
	}
}

func TestTelegramServeKillBeforeCommitSQLite(t *testing.T) {
	t.Parallel()
	testTelegramKillBeforeCommit(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestTelegramServeKillBeforeCommitPostgres(t *testing.T) {
	t.Parallel()
	testTelegramKillBeforeCommit(t, testPostgres(t))
}

// testTelegramKillAfterCommit: three updates are committed, and the
// program is killed before the getUpdates that would confirm them reaches
// Telegram, which still holds all three. The next program asks for
// offset = last + 1, so Telegram drops them: nothing is stored or
// answered twice, and the conversation goes on where it was.
func testTelegramKillAfterCommit(t *testing.T, dbURL string) {
	e := startTelegram(t, dbURL, telegram.Polling)
	a := tgLi
	us := []tgUpdate{
		e.text(a, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"),
		e.text(a, "张三"),
		e.text(a, "去年双十一买的"),
	}
	last := us[len(us)-1].ID
	texts := []string{us[0].Text, us[1].Text, us[2].Text}

	// The request that would confirm the batch never arrives.
	e.api.hold(last + 1)
	from := e.api.mark()
	e.api.push(us[0].Raw, us[1].Raw, us[2].Raw)
	e.api.waitCall(t, from, "getUpdates", "after the batch", func(c tgCall) bool {
		return c.Params.Get("offset") == fmt.Sprint(last+1)
	})
	if got := e.inbound(t, a); !slices.Equal(got, texts) {
		t.Fatalf("stored before the kill: %q", got)
	}
	if got := e.offset(t); got != last+1 {
		t.Errorf("committed offset %d, want %d", got, last+1)
	}
	confirm := e.api.waitSent(t, 0, a.chat, "asking to confirm", tgWithButton("confirm"))
	e.quiet(t)
	sentBefore := e.api.sentTo(a.chat, 0)
	if n := e.api.pendingCount(); n != len(us) {
		t.Fatalf("the fake holds %d updates, want all %d unconfirmed", n, len(us))
	}

	// Kill after the commit; Telegram still holds the three updates.
	if err := e.m.Close(); err != nil {
		t.Fatal(err)
	}
	e.api.hold(0)
	restart := e.api.mark()
	e.start(t)
	// Two polls: the answer to the first was handled before the second.
	e.api.waitCall(t, restart, "getUpdates", "a second poll after the restart", func(tgCall) bool {
		return len(e.api.offsets(restart)) >= 2
	})
	for i, off := range e.api.offsets(restart) {
		if off != last+1 {
			t.Errorf("poll %d after the restart asked for offset %d, want %d", i+1, off, last+1)
		}
	}
	if n := e.api.pendingCount(); n != 0 {
		t.Errorf("the fake still holds %d updates after the restarted poll", n)
	}
	if got := e.inbound(t, a); !slices.Equal(got, texts) {
		t.Errorf("stored after the restart: %q, want each update once: %q", got, texts)
	}
	e.quiet(t)
	if got := e.api.sentTo(a.chat, 0); len(got) != len(sentBefore) {
		t.Errorf("replies after the restart: %s\nbefore: %s", tgTexts(got), tgTexts(sentBefore))
	}

	// The conversation goes on: the confirmation sent before the kill is
	// pressed now.
	e.say(t, a, e.tap(a, confirm, "confirm"), "registration", tgContains("K-"))
	if list := e.listCases(t); len(list) != 1 {
		t.Errorf("cases: %+v", list)
	}
	if got := e.inbound(t, a); !slices.Equal(got, append(texts, "confirm")) {
		t.Errorf("stored: %q", got)
	}
}

func TestTelegramServeKillAfterCommitSQLite(t *testing.T) {
	t.Parallel()
	testTelegramKillAfterCommit(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestTelegramServeKillAfterCommitPostgres(t *testing.T) {
	t.Parallel()
	testTelegramKillAfterCommit(t, testPostgres(t))
}
