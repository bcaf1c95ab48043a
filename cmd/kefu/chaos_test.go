package main

// Chaos (issue 12): two `kefu serve` processes on one PostgreSQL, web chat
// customers writing to both (a browser retries a failed post with the
// same message id, against whichever process answers), and one process
// or the other killed with SIGKILL again and again. Afterwards every
// message a customer got accepted is stored exactly once and answered,
// and nothing is left in the outbox. Short in CI; -chaos.kills sets how
// many kills.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

var chaosKills = flag.Int("chaos.kills", 4, "SIGKILLs in TestChaosKillUnderLoad")

func TestChaosKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes")
	}
	t.Parallel()
	ctx := context.Background()
	dbURL := testPostgres(t)
	addrs := []string{freeAddr(t), freeAddr(t)}
	spools := []string{t.TempDir(), t.TempDir()} // one per process, kept across its restarts
	procs := []*kefuChild{startKefuChild(t, addrs[0], dbURL, spools[0]), startKefuChild(t, addrs[1], dbURL, spools[1])}

	type accepted struct{ session, id string }
	var (
		mu       sync.Mutex
		accepts  []accepted
		retries  atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		giveUps  atomic.Int64
		client   = &http.Client{Timeout: 5 * time.Second}
		sessions = 8
	)
	// post offers one message until a process accepts it, as the chat
	// page does: same client message id, the other process on failure.
	post := func(session, id, text string, start int) bool {
		body, _ := json.Marshal(map[string]string{"session": session, "client_message_id": id, "text": text})
		deadline := time.Now().Add(60 * time.Second)
		for i := start; time.Now().Before(deadline); i++ {
			resp, err := client.Post("http://"+addrs[i%2]+"/api/webchat/messages", "application/json", bytes.NewReader(body))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					return true
				}
			}
			retries.Add(1)
			time.Sleep(100 * time.Millisecond) // the page's retry delay
		}
		return false
	}
	texts := []string{"你好，我家洗衣机不脱水了", "XQG100-B12", "去年双十一买的", "想上门维修", "13812345678", "张伟", "确认"}
	for s := range sessions {
		wg.Go(func() {
			session := fmt.Sprintf("chaos-%d-%02d", time.Now().UnixNano(), s)
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("%s-%d", session, k)
				if !post(session, id, texts[k%len(texts)], s+k) {
					giveUps.Add(1)
					return
				}
				mu.Lock()
				accepts = append(accepts, accepted{session, id})
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	for k := range *chaosKills {
		time.Sleep(1500 * time.Millisecond)
		victim := k % 2
		if err := procs[victim].cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		procs[victim].cmd.Wait()
		procs[victim] = startKefuChild(t, addrs[victim], dbURL, spools[victim])
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	if n := giveUps.Load(); n != 0 {
		t.Fatalf("%d customers could not get a message accepted for a minute", n)
	}
	t.Logf("%d messages accepted, %d retried posts, %d kills", len(accepts), retries.Load(), *chaosKills)

	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// The surviving processes finish the work: the outbox empties.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var pending int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still pending a minute after the load", pending)
		}
		time.Sleep(200 * time.Millisecond) // polling the database
	}
	// Every accepted message is stored once, and something was said to the
	// customer after it.
	for _, a := range accepts {
		var n int
		var conv, id int64
		if err := pool.QueryRow(ctx, `SELECT count(*), min(conversation_id), min(id) FROM messages
			WHERE channel = 'webchat' AND direction = 'in' AND external_id = $1`, a.id).Scan(&n, &conv, &id); err != nil {
			t.Fatalf("%s: %v", a.id, err)
		}
		if n != 1 {
			t.Errorf("%s stored %d times", a.id, n)
			continue
		}
		var answered bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'out' AND id > $2)`,
			conv, id).Scan(&answered); err != nil {
			t.Fatal(err)
		}
		if !answered {
			t.Errorf("%s (conversation %d) was never answered", a.id, conv)
		}
	}
	var dead int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'dead'`).Scan(&dead); err != nil || dead != 0 {
		t.Errorf("%d outbox rows given up (%v)", dead, err)
	}
}
