//go:build unix

package spool

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func openQ(t *testing.T, dir string, opt QueueOptions) *Queue {
	t.Helper()
	q, err := OpenQueue(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func appendN(t *testing.T, q *Queue, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if _, err := q.Append(fmt.Sprintf("k%d", i%3), fmt.Appendf(nil, "payload %d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// drain removes every record and returns their payloads in order.
func drain(t *testing.T, q *Queue) []string {
	t.Helper()
	var out []string
	for {
		r, ok, err := q.Head()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		out = append(out, string(r.Payload))
		if err := q.Remove(r.Seq); err != nil {
			t.Fatal(err)
		}
	}
}

func want(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("payload %d", i))
	}
	return out
}

func segments(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+segExt))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSpoolQueueOrderAndRemove(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q := openQ(t, dir, QueueOptions{SegmentBytes: 100}) // a few records per segment
	appendN(t, q, 0, 20)
	if q.Len() != 20 {
		t.Fatalf("Len = %d, want 20", q.Len())
	}
	if k := q.Keys(); k["k0"] != 7 || k["k1"] != 7 || k["k2"] != 6 {
		t.Fatalf("Keys = %v", k)
	}
	if n := len(segments(t, dir)); n < 3 {
		t.Fatalf("%d segments for 20 records of 100-byte segments, want several", n)
	}
	r, _, _ := q.Head()
	if err := q.Remove(r.Seq + 1); err == nil {
		t.Fatal("removing a record behind the head succeeded")
	}
	got := drain(t, q)
	if !slices.Equal(got, want(0, 20)) {
		t.Fatalf("order: %q", got)
	}
	if s := segments(t, dir); len(s) != 0 {
		t.Fatalf("a drained spool keeps segments %v", s)
	}
	// Sequence numbers go on after draining.
	seq, err := q.Append("k", []byte("again"))
	if err != nil || seq != 21 {
		t.Fatalf("Append after drain = %d, %v; want 21", seq, err)
	}
}

func TestSpoolQueueReopenKeepsUnremoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q, err := OpenQueue(dir, QueueOptions{SegmentBytes: 120})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, q, 0, 10)
	for range 4 {
		r, _, _ := q.Head()
		if err := q.Remove(r.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openQ(t, dir, QueueOptions{SegmentBytes: 120})
	appendN(t, q, 10, 12)
	if got := drain(t, q); !slices.Equal(got, want(4, 12)) {
		t.Fatalf("after reopen: %q", got)
	}
}

func TestSpoolQueueTornLastRecord(t *testing.T) {
	t.Parallel()
	for _, cut := range []int{1, headerLen - 1, headerLen + 3} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			q, err := OpenQueue(dir, QueueOptions{})
			if err != nil {
				t.Fatal(err)
			}
			appendN(t, q, 0, 5)
			q.Close()
			// A crash in the middle of the next append: its first bytes
			// are on disk, the rest not.
			seg := segments(t, dir)[0]
			rec := encodeRecord(6, "k0", []byte("payload 5"))
			f, err := os.OpenFile(seg, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(rec[:cut])
			f.Close()
			before, _ := os.Stat(seg)

			q = openQ(t, dir, QueueOptions{})
			after, _ := os.Stat(seg)
			if after.Size() != before.Size()-int64(cut) {
				t.Fatalf("segment is %d bytes after reopen, want the torn %d cut from %d", after.Size(), cut, before.Size())
			}
			appendN(t, q, 5, 7)
			if got := drain(t, q); !slices.Equal(got, want(0, 7)) {
				t.Fatalf("after torn record: %q", got)
			}
		})
	}
}

func TestSpoolQueueBadChecksumAtTail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q, err := OpenQueue(dir, QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, q, 0, 3)
	q.Close()
	// A complete-looking last record whose bytes did not all reach the
	// disk: the length is there, the payload is garbage.
	seg := segments(t, dir)[0]
	b, _ := os.ReadFile(seg)
	b[len(b)-1] ^= 0xff
	os.WriteFile(seg, b, 0o600)
	q = openQ(t, dir, QueueOptions{})
	if got := drain(t, q); !slices.Equal(got, want(0, 2)) {
		t.Fatalf("got %q, want the two intact records", got)
	}
}

func TestSpoolQueueDamageInOlderSegmentIsSetAside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q, err := OpenQueue(dir, QueueOptions{SegmentBytes: 50}) // two records per segment
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, q, 0, 6)
	q.Close()
	segs := segments(t, dir)
	if len(segs) != 3 {
		t.Fatalf("segments %v, want 3", segs)
	}
	b, _ := os.ReadFile(segs[0])
	b[len(b)-1] ^= 0xff // the second record of the first segment
	os.WriteFile(segs[0], b, 0o600)
	q = openQ(t, dir, QueueOptions{SegmentBytes: 50})
	if got := drain(t, q); !slices.Equal(got, []string{"payload 0", "payload 2", "payload 3", "payload 4", "payload 5"}) {
		t.Fatalf("got %q", got)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "*.corrupt"))
	if len(kept) != 1 {
		t.Fatalf("damaged bytes kept in %v, want one .corrupt file", kept)
	}
}

func TestSpoolQueueOneProcessPerDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	openQ(t, dir, QueueOptions{})
	// flock is per open file description, so a second open in this
	// process conflicts just as another process would.
	if _, err := OpenQueue(dir, QueueOptions{}); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("second open: %v", err)
	}
}

func TestSpoolQueueTornHeadReplaysEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q, err := OpenQueue(dir, QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, q, 0, 4)
	r, _, _ := q.Head()
	q.Remove(r.Seq)
	q.Close()
	os.WriteFile(filepath.Join(dir, "head"), []byte("garbage-head"), 0o600)
	q = openQ(t, dir, QueueOptions{})
	// The removed record comes again: harmless, the inbox dedupes it.
	if got := drain(t, q); !slices.Equal(got, want(0, 4)) {
		t.Fatalf("got %q", got)
	}
}
