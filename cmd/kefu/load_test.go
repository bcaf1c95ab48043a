package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestLoadCountsWhatCustomersSee: the load generator against a real kefu
// at a gentle rate: every post is accepted and answered on its stream,
// and the latencies it reports are ordered and non-zero. Speed itself is
// measured with `kefu load` (README, Benchmarks), never asserted here.
func TestLoadCountsWhatCustomersSee(t *testing.T) {
	t.Parallel()
	m := startMain(t, filepath.Join(t.TempDir(), "kefu.db"))
	defer m.Close()
	res, err := runLoad(context.Background(), loadOpts{url: "http://" + m.Addr(), rate: 20, duration: 2 * time.Second, sessions: 20, grace: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Offered != 40 || res.Accepted != 40 || res.Refused+res.Failed != 0 {
		t.Errorf("offered %d accepted %d refused %d failed %d", res.Offered, res.Accepted, res.Refused, res.Failed)
	}
	if res.Unanswered != 0 {
		t.Errorf("%d posts not answered", res.Unanswered)
	}
	if !(0 < res.PostP50 && res.PostP50 <= res.PostP99 && res.PostP99 <= res.PostMax) ||
		!(0 < res.AnswerP50 && res.AnswerP50 <= res.AnswerP99 && res.AnswerP99 <= res.AnswerMax) {
		t.Errorf("latencies out of order: %+v", res)
	}
}
