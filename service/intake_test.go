package service_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

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
	done := make(chan error, 2)
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
	close(held.release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// A turn given back is taken again.
	if _, err := svc.Receive(context.Background(), msg("crowd-late", "m1", "你好")); err != nil {
		t.Fatal(err)
	}
}
