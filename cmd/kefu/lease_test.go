package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/store/storetest"
)

// TestOneTelegramPollerAcrossProcesses: two kefu processes on one
// PostgreSQL database and one bot: only one polls (Telegram would answer
// the second with 409), and when it stops the other takes over within
// seconds and answers the customers. A killed holder's lease is freed by
// PostgreSQL itself (internal/lease tests kill a holder with SIGKILL).
func TestOneTelegramPollerAcrossProcesses(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, storetest.PostgresDB(t), telegram.Polling)
	logsB := &syncLog{}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("second process log:\n%s", logsB.String())
		pool, err := pgxpool.New(context.Background(), e.m.Config.Database.URL)
		if err != nil {
			return
		}
		defer pool.Close()
		rows, err := pool.Query(context.Background(), `SELECT id, kind, status, attempts, last_error, next_attempt_at, locked_until FROM outbox ORDER BY id`)
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var kind, status, lastErr string
			var attempts int
			var next time.Time
			var locked *time.Time
			_ = rows.Scan(&id, &kind, &status, &attempts, &lastErr, &next, &locked)
			t.Logf("outbox %d %s %s attempts=%d next=%s locked=%v err=%q", id, kind, status, attempts, next.Format(time.RFC3339Nano), locked, lastErr)
		}
	})
	cfgB := e.m.Config
	cfgB.Server.SpoolDir = t.TempDir() // one per process
	b := NewMain(cfgB, logsB)
	b.Now = e.clock.Now
	if err := b.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	waitLog := func(l *syncLog, what string, within time.Duration) bool {
		deadline := time.Now().Add(within)
		for time.Now().Before(deadline) {
			if strings.Contains(l.String(), what) {
				return true
			}
			time.Sleep(50 * time.Millisecond) // reading a live process's log
		}
		return false
	}
	if !waitLog(logsB, "held by another process", 10*time.Second) {
		t.Fatalf("the second process does not wait for the lease:\n%s", logsB.String())
	}
	e.say(t, tgLi, e.text(tgLi, "你好，我家XQG100洗衣机不脱水了"), "the first process answers", func(tgSent) bool { return true })
	if strings.Contains(logsB.String(), "telegram: polling") {
		t.Fatalf("both processes poll:\n%s", logsB.String())
	}
	// An agent working on the second process answers the customer: the
	// message goes out from the first, which sends for the bot (Telegram's
	// rate limits hold per bot, and only one process can keep them).
	ctx := context.Background()
	agent, _, err := b.Service().Team().UserAdd(ctx, "王芳", cases.RoleSpecialist, "")
	if err != nil {
		t.Fatal(err)
	}
	e.say(t, tgLi, e.text(tgLi, "转人工"), "the handoff", func(tgSent) bool { return true })
	convs, err := b.Service().Team().Conversations(ctx, agent, "waiting_agent")
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations: %+v %v", convs, err)
	}
	from := e.api.sentMark()
	if err := b.Service().Team().ConversationTakeOver(ctx, agent, convs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Service().Team().ConversationReply(ctx, agent, convs[0].ID, "您好，我是客服王芳"); err != nil {
		t.Fatal(err)
	}
	e.api.waitSent(t, from, tgLi.chat, "the agent's reply", tgContains("我是客服王芳"))
	if strings.Contains(logsB.String(), "telegram: message sent") {
		t.Errorf("the second process sent to Telegram while the first held the bot:\n%s", logsB.String())
	}
	if err := b.Service().Team().ConversationHandBack(ctx, agent, convs[0].ID); err != nil {
		t.Fatal(err)
	}

	stopped := time.Now()
	if err := e.m.Close(); err != nil {
		t.Fatal(err)
	}
	if !waitLog(logsB, "telegram: polling", 10*time.Second) {
		t.Fatalf("no takeover within 10 s:\n%s", logsB.String())
	}
	t.Logf("taken over %s after the holder stopped", time.Since(stopped).Round(100*time.Millisecond))
	// /status is answered in any state of the conversation.
	e.say(t, tgLi, e.command(tgLi, "/status"), "the second process answers", func(tgSent) bool { return true })
}
