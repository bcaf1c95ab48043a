package main

// Chaos (issue 12): two `kefu serve` processes on one PostgreSQL, with
// customers on three channels at once: web chat customers writing to both
// processes (a browser retries a failed post with the same message id,
// against whichever process answers), WeChat pushes to both (WeChat
// retries a push it got no 200 for, with the same MsgId), and Telegram
// updates that one process at a time polls for (a lease). One process or
// the other is killed with SIGKILL again and again. Afterwards every
// message a customer got accepted is stored exactly once and answered,
// nothing is left in the outbox, and what reached WeChat and Telegram
// twice is at most one message per kill: a send that went out just before
// the kill, with no idempotency key the peer honours, is the one window
// that cannot be closed (README, "Running several processes"). Short in
// CI; -chaos.kills sets how many kills.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"strconv"
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
	wx, tg := newWxAPI(t, &wxReplies{}), newTgFake(t)
	env := []string{
		"KEFU_WECHAT_ENABLED=true", "KEFU_WECHAT_TOKEN=" + wxToken, "KEFU_WECHAT_APP_ID=" + wxAppID, "KEFU_WECHAT_APP_SECRET=" + wxSecret,
		"KEFU_WECHAT_ENCODING_AES_KEY=" + wxAESKey, "KEFU_WECHAT_MODE=safe", "KEFU_WECHAT_API_BASE_URL=" + wx.srv.URL,
		"KEFU_TELEGRAM_ENABLED=true", "KEFU_TELEGRAM_TOKEN=" + tgToken, "KEFU_TELEGRAM_API_BASE_URL=" + tg.srv.URL,
		"KEFU_TELEGRAM_POLL_TIMEOUT=1s", "KEFU_TELEGRAM_RATE_LIMIT_PER_CHAT=10ms",
	}
	start := func(i int) *kefuChild { return startKefuChild(t, addrs[i], dbURL, spools[i], env...) }
	procs := []*kefuChild{start(0), start(1)}
	wxReplied := &wxReplies{}
	wxClients := []*wxClient{newWxClient("http://"+addrs[0]+"/wechat", time.Now, wxReplied), newWxClient("http://"+addrs[1]+"/wechat", time.Now, wxReplied)}
	for _, c := range wxClients {
		c.http.Timeout = 6 * time.Second
	}
	tge := &tgEnv{tb: t, api: tg, clock: newTgClock(time.Now())}

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
	// WeChat: four followers, each push offered until a process answers
	// 200, as WeChat does (same MsgId on every retry).
	var (
		wxAccepts []string
		wxMsgID   atomic.Int64
	)
	wxMsgID.Store(24602385938480000)
	for f := range 4 {
		wg.Go(func() {
			openID := fmt.Sprintf("oChaos_%d_%02d", time.Now().UnixNano()%100000, f)
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				id := wxMsgID.Add(1)
				body := wxText(openID, time.Now(), id, texts[k%len(texts)], "")
				ok := false
				for i, deadline := f+k, time.Now().Add(60*time.Second); !ok && time.Now().Before(deadline); i++ {
					res, err := wxClients[i%2].post(body, wxForge{})
					ok = err == nil && res.Status == http.StatusOK
					if !ok {
						retries.Add(1)
						time.Sleep(100 * time.Millisecond)
					}
				}
				if !ok {
					giveUps.Add(1)
					return
				}
				mu.Lock()
				wxAccepts = append(wxAccepts, strconv.FormatInt(id, 10))
				mu.Unlock()
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
	// Telegram: four chats; an update is accepted once Telegram holds it
	// (it stays until a poll confirms it).
	var tgAccepts []string
	wg.Go(func() {
		custs := []tgCustomer{{chat: 71000001, first: "Chaos"}, {chat: 71000002, first: "Chaos"}, {chat: 71000003, first: "Chaos"}, {chat: 71000004, first: "Chaos"}}
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			c := custs[k%len(custs)]
			u := tge.text(c, texts[(k/len(custs))%len(texts)])
			tg.push(u.Raw)
			mu.Lock()
			tgAccepts = append(tgAccepts, fmt.Sprintf("%d:%d", c.chat, u.MessageID))
			mu.Unlock()
			time.Sleep(60 * time.Millisecond)
		}
	})
	for k := range *chaosKills {
		time.Sleep(1500 * time.Millisecond)
		victim := k % 2
		if err := procs[victim].cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		procs[victim].cmd.Wait()
		procs[victim] = start(victim)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	if n := giveUps.Load(); n != 0 {
		t.Fatalf("%d customers could not get a message accepted for a minute", n)
	}
	t.Logf("accepted: %d web chat, %d WeChat, %d Telegram messages; %d retried posts, %d kills",
		len(accepts), len(wxAccepts), len(tgAccepts), retries.Load(), *chaosKills)

	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// The surviving processes finish the work: the outbox empties.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var pending int
		// A WeChat reply over the customer's quota waits, deferred, for
		// their next message (channel rules, not a loss): not counted.
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending' AND last_error NOT LIKE 'deferred:%'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 && tg.pendingCount() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still pending, %d Telegram updates unconfirmed, a minute after the load", pending, tg.pendingCount())
		}
		time.Sleep(200 * time.Millisecond) // polling the database
	}
	// Every accepted message is stored once, and something was said to the
	// customer after it.
	type inbound struct{ channel, id string }
	var all []inbound
	for _, a := range accepts {
		all = append(all, inbound{"webchat", a.id})
	}
	for _, id := range wxAccepts {
		all = append(all, inbound{"wechat", id})
	}
	for _, id := range tgAccepts {
		all = append(all, inbound{"telegram", id})
	}
	deferred := 0
	for _, a := range all {
		var n int
		var conv, id int64
		if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(min(conversation_id), 0), coalesce(min(id), 0) FROM messages
			WHERE channel = $1 AND direction = 'in' AND external_id = $2`, a.channel, a.id).Scan(&n, &conv, &id); err != nil {
			t.Fatalf("%s %s: %v", a.channel, a.id, err)
		}
		if n != 1 {
			t.Errorf("%s %s stored %d times", a.channel, a.id, n)
			continue
		}
		var answered bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'out' AND id > $2)`,
			conv, id).Scan(&answered); err != nil {
			t.Fatal(err)
		}
		if !answered {
			var waiting bool
			if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE conversation_id = $1 AND status = 'pending' AND last_error LIKE 'deferred:%')`,
				conv).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if a.channel == "wechat" && waiting {
				deferred++ // the quota of replies per customer message is spent: the answer waits for their next one
				continue
			}
			t.Errorf("%s %s (conversation %d) was never answered", a.channel, a.id, conv)
		}
	}
	if deferred > 0 {
		t.Logf("%d WeChat messages wait for their answer until the customer writes again (quota spent)", deferred)
	}
	// What the peers got: each reply kefu recorded as sent, and at most one
	// more per kill (a send that succeeded just before it).
	for _, ch := range []struct {
		name string
		got  int
	}{
		{"telegram", tg.sentMark()},
		{"wechat", wxReplied.mark() + len(wx.callsTo(wxPathCustom))},
	} {
		var recorded int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE channel = $1 AND status = 'sent'`, ch.name).Scan(&recorded); err != nil {
			t.Fatal(err)
		}
		if extra := ch.got - recorded; extra > *chaosKills || extra < 0 && ch.name == "telegram" {
			t.Errorf("%s received %d messages for %d sent rows: %d sent twice, more than one per kill", ch.name, ch.got, recorded, extra)
		} else {
			t.Logf("%s: %d messages received for %d sent rows", ch.name, ch.got, recorded)
		}
	}
	var dead int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'dead'`).Scan(&dead); err != nil || dead != 0 {
		t.Errorf("%d outbox rows given up (%v)", dead, err)
	}
}
