package main

import (
	"context"
	"strings"
	"testing"
	"time"

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

	stopped := time.Now()
	if err := e.m.Close(); err != nil {
		t.Fatal(err)
	}
	if !waitLog(logsB, "telegram: polling", 10*time.Second) {
		t.Fatalf("no takeover within 10 s:\n%s", logsB.String())
	}
	t.Logf("taken over %s after the holder stopped", time.Since(stopped).Round(100*time.Millisecond))
	e.say(t, tgLi, e.text(tgLi, "去年双十一买的"), "the second process answers", func(tgSent) bool { return true })
}
