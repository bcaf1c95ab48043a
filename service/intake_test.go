package service_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// heldStore holds every transaction at its start until released, and
// counts the transactions that started.
type heldStore struct {
	service.Store
	entered chan struct{}
	release chan struct{}
}

func (h *heldStore) InTx(ctx context.Context, fn func(ctx context.Context, tx service.Tx) error) error {
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.Store.InTx(ctx, fn)
}

// With IntakeLimit messages in the store, the next customer waits for a
// turn instead of taking one more connection (which the outbox and the
// timers need): it gives up when its request does, and never reaches the
// store.
func TestIntakeLimitKeepsConnectionsFree(t *testing.T) {
	t.Parallel()
	clk := newClock()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kefu.db"), sqlite.Options{Logger: quiet(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	held := &heldStore{Store: st, entered: make(chan struct{}, 8), release: make(chan struct{})}
	svc := service.New(service.Options{Store: held, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(), IntakeLimit: 2})
	done := make(chan error, 3)
	for i := range 2 {
		go func() {
			_, err := svc.Receive(context.Background(), msg(fmt.Sprintf("crowd-%d", i), "m1", "你好，空调不制冷了"))
			done <- err
		}()
	}
	<-held.entered
	<-held.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the third customer's request is gone by the time a turn comes
	if _, err := svc.Receive(ctx, msg("crowd-late", "m1", "你好")); err == nil {
		t.Fatal("a third message went into the store past the limit")
	}
	select {
	case <-held.entered:
		t.Fatal("a third transaction started while two messages held the store")
	default:
	}
	// With a bound on the wait, the third is told at once that the store
	// is busy, which the channel turns into "try again" or a spooled push.
	bounded := service.New(service.Options{Store: held, Engine: engine(t), SLA: configs.Default().SLA, Now: clk.Now, Logger: quiet(),
		IntakeLimit: 1, IntakeWait: time.Millisecond})
	go func() {
		_, err := bounded.Receive(context.Background(), msg("crowd-3", "m1", "你好"))
		done <- err
	}()
	<-held.entered
	if bounded.Crowded() {
		t.Error("crowded with nobody waiting")
	}
	if _, err := bounded.Receive(context.Background(), msg("crowd-4", "m1", "你好")); !channels.Busy(err) || cases.ErrorCode(err) != cases.EBusy {
		t.Fatalf("past the wait: %v, want busy", err)
	}
	close(held.release)
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// A turn given back is taken again.
	if _, err := svc.Receive(context.Background(), msg("crowd-late", "m1", "你好")); err != nil {
		t.Fatal(err)
	}
}
