//go:build unix

package spool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// fakeInbox stores messages unless it is down; it dedupes by message id
// as the service does.
type fakeInbox struct {
	mu       sync.Mutex
	down     bool
	poison   map[string]error // message id -> error it always gets
	stored   []string         // user:message id, in the order stored
	seen     map[string]bool
	rejected []string
}

var errDown = errors.New("dial tcp 127.0.0.1:5432: connection refused")

type permErr struct{}

func (permErr) Error() string   { return "value refused" }
func (permErr) Permanent() bool { return true }

func (f *fakeInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return channels.Receipt{}, errDown
	}
	if err := f.poison[in.ExternalMessageID]; err != nil {
		return channels.Receipt{}, err
	}
	if f.seen[in.ExternalMessageID] {
		return channels.Receipt{Duplicate: true}, nil
	}
	f.seen[in.ExternalMessageID] = true
	f.stored = append(f.stored, in.ExternalUserID+":"+in.ExternalMessageID)
	return channels.Receipt{ConversationID: 1, MessageID: int64(len(f.stored))}, nil
}

func (f *fakeInbox) Reject(ctx context.Context, ch channels.ID, reason string, raw []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejected = append(f.rejected, reason)
}

func (f *fakeInbox) setDown(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = v
}

func (f *fakeInbox) ready(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	return nil
}

func (f *fakeInbox) snapshot() (stored, rejected []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.stored), slices.Clone(f.rejected)
}

type intakeBundle struct {
	dir    string
	inbox  *fakeInbox
	intake *Intake
	cancel context.CancelFunc
	done   chan struct{}
}

func setupIntake(t *testing.T, dir string) *intakeBundle {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	q := openQ(t, dir, QueueOptions{})
	b := &intakeBundle{dir: dir, inbox: &fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}}
	b.intake = NewIntake(q, b.inbox, Options{Ready: b.inbox.ready, MaxAttempts: 3,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	return b
}

func (b *intakeBundle) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	go func() {
		defer close(b.done)
		b.intake.Run(ctx)
	}()
	t.Cleanup(b.stop)
}

func (b *intakeBundle) stop() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
		b.cancel = nil
	}
}

func (b *intakeBundle) push(t *testing.T, user, id string) channels.Receipt {
	t.Helper()
	rc, err := b.intake.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: user, ExternalMessageID: id, Text: "text " + id})
	if err != nil {
		t.Fatalf("push %s: %v", id, err)
	}
	return rc
}

func (b *intakeBundle) waitDrained(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for b.intake.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("spool still holds %d", b.intake.Len())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSpoolIntakeOutageKeepsOrder(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	if rc := b.push(t, "a", "a1"); rc.Spooled || rc.ConversationID == 0 {
		t.Fatalf("with the database up: %+v", rc)
	}
	b.inbox.setDown(true)
	for _, id := range []string{"a2", "b1", "a3"} {
		if rc := b.push(t, id[:1], id); !rc.Spooled {
			t.Fatalf("%s during the outage: %+v, want spooled", id, rc)
		}
	}
	b.inbox.setDown(false)
	// Back up, but nothing replayed yet (Run not started): a's next
	// message queues behind a2 and a3, and c's too, since the intake
	// takes the database to be away until a replay goes through.
	if rc := b.push(t, "a", "a4"); !rc.Spooled {
		t.Fatal("a4 overtook a's spooled messages")
	}
	if rc := b.push(t, "c", "c1"); !rc.Spooled {
		t.Fatal("c1 tried the database before any replay went through")
	}
	b.run(t)
	b.waitDrained(t)
	// After the first replay: a customer with nothing spooled goes
	// straight on.
	if rc := b.push(t, "d", "d1"); rc.Spooled {
		t.Fatal("d1 spooled after the spool drained")
	}
	stored, _ := b.inbox.snapshot()
	if want := []string{"a:a1", "a:a2", "b:b1", "a:a3", "a:a4", "c:c1", "d:d1"}; !slices.Equal(stored, want) {
		t.Fatalf("stored %q, want %q", stored, want)
	}
	if entries, _ := filepath.Glob(filepath.Join(b.dir, "*"+segExt)); len(entries) != 0 {
		t.Fatalf("drained spool keeps %v", entries)
	}
}

func TestSpoolIntakeCustomerWithSpooledMessagesQueuesBehind(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.inbox.setDown(true)
	b.push(t, "a", "a1")
	b.push(t, "a", "a2")
	b.inbox.setDown(false)
	// Replay a1 only, by hand, as Run would.
	rec, _, _ := b.intake.q.Head()
	if err := b.intake.replay(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	b.intake.done(rec)
	// The database is back (a replay went through): b goes straight on,
	// a queues behind a2.
	if rc := b.push(t, "b", "b1"); rc.Spooled {
		t.Fatal("b1 spooled though b has nothing spooled and the database answers")
	}
	if rc := b.push(t, "a", "a3"); !rc.Spooled {
		t.Fatal("a3 overtook a2")
	}
	b.run(t)
	b.waitDrained(t)
	stored, _ := b.inbox.snapshot()
	if want := []string{"a:a1", "b:b1", "a:a2", "a:a3"}; !slices.Equal(stored, want) {
		t.Fatalf("stored %q, want %q", stored, want)
	}
}

func TestSpoolIntakeReplayAfterRestartDedupes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := setupIntake(t, dir)
	b.inbox.setDown(true)
	b.push(t, "a", "a1")
	b.push(t, "a", "a2")
	b.intake.q.Close()

	// A new process on the same directory, whose database already has a1
	// (stored by a replay whose removal was lost in a crash).
	b2 := setupIntake(t, dir)
	b2.inbox.seen["a1"] = true
	if rc := b2.push(t, "a", "a3"); !rc.Spooled {
		t.Fatal("a3 overtook messages spooled before the restart")
	}
	b2.run(t)
	b2.waitDrained(t)
	stored, _ := b2.inbox.snapshot()
	if want := []string{"a:a2", "a:a3"}; !slices.Equal(stored, want) {
		t.Fatalf("stored %q, want %q", stored, want)
	}
}

func TestSpoolIntakePoisonDoesNotBlock(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.inbox.setDown(true)
	b.push(t, "a", "bad-refused")
	b.push(t, "a", "bad-failing")
	b.push(t, "b", "b1")
	b.inbox.setDown(false)
	b.inbox.poison["bad-refused"] = permErr{}
	b.inbox.poison["bad-failing"] = errors.New("step: some bug") // not permanent, but fails while the database answers
	b.run(t)
	b.waitDrained(t)
	stored, rejected := b.inbox.snapshot()
	if !slices.Equal(stored, []string{"b:b1"}) {
		t.Fatalf("stored %q, want b1 after the poison", stored)
	}
	if len(rejected) != 2 {
		t.Fatalf("rejected %q, want both poison messages kept", rejected)
	}
	kept, err := os.ReadFile(filepath.Join(b.dir, "rejected.jsonl"))
	if err != nil || strings.Count(string(kept), "\n") != 2 || !strings.Contains(string(kept), "bad-failing") {
		t.Fatalf("rejected.jsonl: %q, %v", kept, err)
	}
}

func TestSpoolIntakeOutageIsNotPoison(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.inbox.setDown(true)
	b.push(t, "a", "a1")
	b.run(t)
	// Far more attempts than MaxAttempts while the database is away.
	time.Sleep(300 * time.Millisecond)
	if b.intake.Len() != 1 {
		t.Fatalf("spool holds %d during the outage, want the message kept", b.intake.Len())
	}
	b.inbox.setDown(false)
	b.waitDrained(t)
	if stored, rejected := b.inbox.snapshot(); !slices.Equal(stored, []string{"a:a1"}) || len(rejected) != 0 {
		t.Fatalf("stored %q rejected %q", stored, rejected)
	}
}

func TestSpoolIntakeRefusedIsNotSpooled(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.inbox.poison["x"] = permErr{}
	_, err := b.intake.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "a", ExternalMessageID: "x"})
	if !errors.Is(err, permErr{}) {
		t.Fatalf("err = %v, want the store's refusal", err)
	}
	if b.intake.Len() != 0 {
		t.Fatal("a refused message was spooled")
	}
}

func TestSpoolIntakeNoAckWithoutDurableWrite(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.intake.q.Close() // appends now fail
	b.inbox.setDown(true)
	rc, err := b.intake.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "a", ExternalMessageID: "a1"})
	if err == nil || rc.Spooled {
		t.Fatalf("Receive = %+v, %v; want an error, since nothing was kept", rc, err)
	}
	if !errors.Is(err, errDown) {
		t.Fatalf("err %v does not carry the cause", err)
	}
}

func TestSpoolIntakeAttachmentData(t *testing.T) {
	t.Parallel()
	b := setupIntake(t, "")
	b.inbox.setDown(true)
	in := channels.Inbound{Channel: channels.WebChat, ExternalUserID: "a", ExternalMessageID: "a1",
		Attachments: []channels.Attachment{{Name: "p.jpg", Data: []byte{0, 1, 2}}}, ReceivedAt: time.Unix(1700000000, 0).UTC()}
	if _, err := b.intake.Receive(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	var got channels.Inbound
	b.intake.SetReplayer(channels.WebChat, replayFunc(func(ctx context.Context, in channels.Inbound, inbox channels.Inbox) (channels.Receipt, error) {
		got = in
		return channels.Receipt{}, nil
	}))
	rec, _, _ := b.intake.q.Head()
	if err := b.intake.replay(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Attachments) != fmt.Sprint(in.Attachments) || !got.ReceivedAt.Equal(in.ReceivedAt) {
		t.Fatalf("replayed %+v, want %+v", got, in)
	}
}

type replayFunc func(ctx context.Context, in channels.Inbound, inbox channels.Inbox) (channels.Receipt, error)

func (f replayFunc) Replay(ctx context.Context, in channels.Inbound, inbox channels.Inbox) (channels.Receipt, error) {
	return f(ctx, in, inbox)
}

// hangingInbox never answers until its context ends, as a database
// behind a dead connection does.
type hangingInbox struct{ fakeInbox }

func (h *hangingInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	if in.ExternalMessageID == "hang" {
		<-ctx.Done()
		return channels.Receipt{}, fmt.Errorf("store: %w", ctx.Err())
	}
	return h.fakeInbox.Receive(ctx, in)
}

func TestSpoolIntakeHangingDatabaseIsSpooled(t *testing.T) {
	t.Parallel()
	inbox := &hangingInbox{fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}}
	in := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{HandTimeout: 20 * time.Millisecond})
	rc, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "a", ExternalMessageID: "hang", Text: "hello"})
	if err != nil || !rc.Spooled {
		t.Fatalf("a push the database did not answer in time: %+v, %v; want spooled", rc, err)
	}
	if in.Len() != 1 {
		t.Fatalf("spool holds %d, want 1", in.Len())
	}
	// The peer gave up on its own push (it sends it again): nothing is
	// acknowledged, and the database is not taken to be away.
	fresh := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{HandTimeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fresh.Receive(ctx, channels.Inbound{Channel: channels.WeChat, ExternalUserID: "b", ExternalMessageID: "hang"}); err == nil || fresh.Len() != 0 {
		t.Fatalf("an abandoned push: err %v, spooled %d; want an error and nothing spooled", err, fresh.Len())
	}
}

// A database that answers its readiness check but was too slow for one
// push is busy, not away: that push is spooled and the next customer's
// goes straight on; the same customer's next push queues behind the
// spooled one. A database that does not answer is away: every push waits
// in the spool.
func TestSpoolIntakeBusyDatabaseIsNotAway(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		ready     func(context.Context) error
		wantOther bool // the other customer's push goes straight on
	}{
		{"busy", func(context.Context) error { return nil }, true},
		{"away", func(context.Context) error { return errDown }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			inbox := &hangingInbox{fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}}
			in := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{HandTimeout: 20 * time.Millisecond, Ready: c.ready})
			push := func(user, id string) channels.Receipt {
				rc, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WebChat, ExternalUserID: user, ExternalMessageID: id, Text: "hello"})
				if err != nil {
					t.Fatalf("push %s: %v", id, err)
				}
				return rc
			}
			if rc := push("a", "hang"); !rc.Spooled {
				t.Fatalf("a push the database did not take in time was not spooled: %+v", rc)
			}
			if rc := push("b", "b1"); rc.Spooled == c.wantOther {
				t.Errorf("another customer's push: spooled %v, want %v", rc.Spooled, !c.wantOther)
			}
			if rc := push("a", "a2"); !rc.Spooled {
				t.Errorf("the same customer's next push overtook the spooled one")
			}
		})
	}
}

type busyErr struct{}

func (busyErr) Error() string { return "too busy" }
func (busyErr) Busy() bool    { return true }

// busyInbox is too busy for every message.
type busyInbox struct{ fakeInbox }

func (b *busyInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	return channels.Receipt{}, fmt.Errorf("receive: %w", busyErr{})
}

// A database too busy for a message now: a peer that retries is told so
// (nothing spooled), any other push is spooled, and in neither case is the
// database taken to be away.
func TestSpoolIntakeBusyGoesBackToPeersThatRetry(t *testing.T) {
	t.Parallel()
	inbox := &busyInbox{fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}}
	in := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{})
	_, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WebChat, ExternalUserID: "a", ExternalMessageID: "w1", PeerRetries: true})
	if !channels.Busy(err) || in.Len() != 0 {
		t.Fatalf("a peer that retries: err %v, spooled %d; want busy and nothing spooled", err, in.Len())
	}
	rc, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "b", ExternalMessageID: "x1"})
	if err != nil || !rc.Spooled {
		t.Fatalf("a WeChat push: %+v, %v; want spooled", rc, err)
	}
	in.mu.Lock()
	down := in.down
	in.mu.Unlock()
	if down {
		t.Error("a busy database was taken to be away")
	}
}

// flakyBusyInbox is too busy for the first n offers of every message.
type flakyBusyInbox struct {
	fakeInbox
	busyFor int
	offers  map[string]int
}

func (f *flakyBusyInbox) Receive(ctx context.Context, in channels.Inbound) (channels.Receipt, error) {
	f.mu.Lock()
	f.offers[in.ExternalMessageID]++
	n := f.offers[in.ExternalMessageID]
	f.mu.Unlock()
	if n <= f.busyFor {
		return channels.Receipt{}, busyErr{}
	}
	return f.fakeInbox.Receive(ctx, in)
}

// A spooled message the database is too busy for, however often, is
// offered again until it goes: busy is no fault of the message, so it is
// never set aside as poison.
func TestSpoolReplayBusyIsNotPoison(t *testing.T) {
	t.Parallel()
	inbox := &flakyBusyInbox{fakeInbox: fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}, busyFor: 8, offers: map[string]int{}}
	in := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{Ready: inbox.ready, MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	if rc, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "a", ExternalMessageID: "m1"}); err != nil || !rc.Spooled {
		t.Fatalf("push: %+v, %v; want spooled", rc, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for in.Len() > 0 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	stored, rejected := inbox.snapshot()
	if len(stored) != 1 || len(rejected) != 0 {
		t.Fatalf("stored %v, set aside %v; want the message stored", stored, rejected)
	}
}

// crowdedInbox has a line of messages waiting for the database.
type crowdedInbox struct{ fakeInbox }

func (c *crowdedInbox) Crowded() bool { return true }

// While a line waits for the database, a push whose peer does not retry
// is spooled at once, without joining the line; a post the peer retries
// still takes its turn.
func TestSpoolIntakeCrowdedSpoolsPushesAtOnce(t *testing.T) {
	t.Parallel()
	inbox := &crowdedInbox{fakeInbox{poison: map[string]error{}, seen: map[string]bool{}}}
	in := NewIntake(openQ(t, t.TempDir(), QueueOptions{}), inbox, Options{})
	rc, err := in.Receive(context.Background(), channels.Inbound{Channel: channels.WeChat, ExternalUserID: "a", ExternalMessageID: "x1"})
	if err != nil || !rc.Spooled {
		t.Fatalf("a WeChat push in a crowd: %+v, %v; want spooled", rc, err)
	}
	rc, err = in.Receive(context.Background(), channels.Inbound{Channel: channels.WebChat, ExternalUserID: "b", ExternalMessageID: "w1", PeerRetries: true})
	if err != nil || rc.Spooled {
		t.Fatalf("a web chat post in a crowd: %+v, %v; want it taken in", rc, err)
	}
	if stored, _ := inbox.snapshot(); len(stored) != 1 || stored[0] != "b:w1" {
		t.Fatalf("stored %v, want only the web chat post", stored)
	}
}
