package main

import (
	"context"
	"io"
	"net"
	"net/url"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// pgProxy forwards TCP to PostgreSQL until it is cut: then every
// connection through it is closed and new ones are closed on accept, as
// kefu sees a database server that went away. The shared server itself
// is never touched.
type pgProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func startPGProxy(t *testing.T, target string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
		p.wg.Wait()
	})
	return p
}

func (p *pgProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		if !cut {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if cut {
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

func (p *pgProxy) forward(c net.Conn) {
	defer p.wg.Done()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// Cut closes every connection and refuses new ones.
func (p *pgProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
}

// Restore forwards again.
func (p *pgProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// TestWeChatOutageSpooled: PostgreSQL goes away for a few seconds under
// `kefu serve` with the WeChat channel. Every push meanwhile is answered
// at once with a valid reply (never 500, which WeChat retries only three
// times), including a retry of the same message; when the database is
// back each message is stored once, in the order sent, and answered
// through the customer-service API (the window recorded on replay, so no
// fallback to template messages).
func TestWeChatOutageSpooled(t *testing.T) {
	t.Parallel()
	dbURL := testPostgres(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startPGProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	e := startWeChat(t, wxEnvOpts{dbURL: u.String(), logs: true})
	if e.m.intake == nil {
		t.Fatal("no spool")
	}

	// Before the outage: a customer halfway through an intake.
	const a, b, c = "oE2E_outage_Q9zNjWeS6o_000A", "oE2E_outage_Q9zNjWeS6o_000B", "oE2E_outage_Q9zNjWeS6o_000C"
	e.say(t, a, "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修", "asking the purchase date", wxContains("什么时候购买"))
	e.quiet(t)

	proxy.Cut()
	outageStart := time.Now()
	type push struct {
		openID, text string
		msgID        int64
	}
	var sent []push
	post := func(p push) {
		t.Helper()
		start := time.Now()
		res, err := e.client.post(wxText(p.openID, e.m.Now(), p.msgID, p.text, ""), wxForge{})
		took := time.Since(start)
		if err != nil {
			t.Fatalf("push %d during the outage: %v", p.msgID, err)
		}
		if res.Status != 200 || res.Body != "success" {
			t.Fatalf("push %d during the outage: %d %q, want 200 success", p.msgID, res.Status, res.Body)
		}
		t.Logf("push %d during the outage answered in %v", p.msgID, took.Round(time.Millisecond))
		if took > 4*time.Second {
			t.Errorf("push %d took %v; WeChat gives up after 5 s", p.msgID, took)
		}
	}
	for _, p := range []push{
		{a, "去年双十一买的", e.msgID.Add(1)},
		{b, "我的冰箱不制冷了，型号BCD-520，电话13900001111", e.msgID.Add(1)},
		{a, "张三", e.msgID.Add(1)},
		{c, "空调遥控器失灵，电话13700002222", e.msgID.Add(1)},
	} {
		post(p)
		sent = append(sent, p)
	}
	// WeChat's retry of a message it already got an answer for (it got
	// `success`, but retries happen): spooled again, stored once.
	post(sent[1])
	if n := e.m.intake.Len(); n != 5 {
		t.Fatalf("spool holds %d, want the 5 pushes", n)
	}
	// A short outage: long enough that replay attempts fail and back off.
	time.Sleep(2 * time.Second)
	from := e.replies.mark()
	proxy.Restore()
	restored := time.Now()
	t.Logf("database away for %v", restored.Sub(outageStart).Round(time.Millisecond))

	// Right after the return: a's next message must not overtake a's
	// spooled ones, whether it is spooled behind them or replay is done.
	after := push{a, "13812345678", e.msgID.Add(1)}
	e.client.mustPost(t, wxText(after.openID, e.m.Now(), after.msgID, after.text, ""))
	sent = append(sent, after)

	deadline := time.Now().Add(30 * time.Second)
	for e.m.intake.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("spool still holds %d 30 s after the database returned", e.m.intake.Len())
		}
		time.Sleep(20 * time.Millisecond) // polling a live server
	}
	t.Logf("spool drained %v after the database returned", time.Since(restored).Round(time.Millisecond))
	e.quiet(t)
	t.Logf("every reply sent %v after the database returned", time.Since(restored).Round(time.Millisecond))

	ctx := context.Background()
	for _, openID := range []string{a, b, c} {
		var want []string
		for _, p := range sent {
			if p.openID == openID {
				want = append(want, p.text)
			}
		}
		conv, err := e.m.store.ConversationFind(ctx, channels.WeChat, openID)
		if err != nil {
			t.Fatalf("conversation of %s: %v", openID, err)
		}
		msgs, err := e.m.store.MessagesList(ctx, service.MessagesListParams{ConversationID: conv.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].ID < msgs[j].ID })
		var got []string
		outs := 0 // replies stored (when delivered) since the first message sent in the outage
		first := slices.IndexFunc(msgs, func(m channels.StoredMessage) bool { return m.Text == want[0] })
		for _, m := range msgs[max(first, 0):] {
			if m.Direction == "out" {
				outs++
			} else if slices.Contains(want, m.Text) {
				got = append(got, m.Text)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: stored %q, want each once in the order sent %q", openID, got, want)
		}
		// Every message asks for the next thing or confirms: at least one
		// reply each (replies are stored when delivered, so they are not
		// interleaved with the messages by id).
		if outs < len(want) {
			t.Errorf("%s: %d replies delivered for %d messages: %+v", openID, outs, len(want), msgs)
		}
		replies := e.replies.since(from, openID)
		if len(replies) != outs {
			t.Errorf("%s: %d replies reached WeChat, %d recorded as delivered: %+v", openID, len(replies), outs, replies)
		}
		for _, r := range replies {
			if r.Source != "api" {
				t.Errorf("%s: reply went by %s", openID, r.Source)
			}
		}
	}
	if n := len(e.api.callsTo(wxPathTemplate)); n != 0 {
		t.Errorf("%d template messages: the window was not recorded on replay", n)
	}
	// a's intake went on where it stopped: the name was taken, the
	// confirmation asked.
	e.replies.wait(t, from, a, "the confirmation", wxContains("请核对"))
}
