package main

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/kefu-dev/kefu/store/storetest"
)

// TestWeChatPassiveReplyWithTwoProcesses: two kefu processes on one
// PostgreSQL; WeChat pushes go to one of them. Every reply goes back in
// the push's own request (the passive reply), although the other
// process's outbox works the same rows: the process holding the request
// keeps its reply for the reply budget.
func TestWeChatPassiveReplyWithTwoProcesses(t *testing.T) {
	t.Parallel()
	e := startWeChat(t, wxEnvOpts{dbURL: storetest.PostgresDB(t)})
	cfg := e.m.Config
	cfg.Server.SpoolDir = t.TempDir() // one per process
	other := NewMain(cfg, io.Discard)
	other.Now = e.m.Now
	if err := other.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })

	const pushes = 24
	passive := 0
	for i := range pushes {
		res := e.text(t, fmt.Sprintf("oTwoProc_%04d", i), "你好")
		if res.Reply != nil {
			passive++
		}
	}
	custom := len(e.api.callsTo(wxPathCustom))
	if passive != pushes || custom != 0 {
		t.Fatalf("%d of %d pushes answered passively, %d replies sent by the API", passive, pushes, custom)
	}
}
