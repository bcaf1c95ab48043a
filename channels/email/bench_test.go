package email

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
)

// benchCorpus is the testdata mail, each copy with its own Message-ID:
// n messages in the mix customers send (Chinese charsets, HTML, photos).
func benchCorpus(b *testing.B, n int) [][]byte {
	b.Helper()
	var out [][]byte
	for i := 0; len(out) < n; i++ {
		raw := readEML(b, allTestdata[i%len(allTestdata)])
		hdr := fmt.Sprintf("Message-ID: <bench-%d@test>\r\n", i)
		if j := bytes.Index(raw, []byte("Message-ID:")); j >= 0 {
			k := j + bytes.Index(raw[j:], []byte("\r\n")) + 2
			raw = append(append(append([]byte(nil), raw[:j]...), hdr...), raw[k:]...)
		} else {
			raw = append([]byte(hdr), raw...)
		}
		out = append(out, raw)
	}
	return out
}

const benchMessages = 240

// BenchmarkIngestDovecot: messages per second from Dovecot into the inbox
// (search, fetch, parse, commit with the position, mark \Seen), over a
// loopback IMAP connection, one commit per message.
func BenchmarkIngestDovecot(b *testing.B) {
	srv := dovecot(b)
	user := srv.user(b)
	corpus := benchCorpus(b, benchMessages)
	srv.appendIMAP(b, user, "INBOX", corpus...)
	ctx := context.Background()
	cfg := srv.config(user)
	cfg.IMAP.BatchSize = 50
	// The UIDVALIDITY is read once so every iteration reads the whole
	// mailbox as new (a fresh position, not a resync).
	probe := NewMemoryStore()
	ch, err := New(cfg, newFakeInbox(), Options{Positions: probe, Threads: probe, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if err := ch.RunOnce(ctx); err != nil {
		b.Fatal(err)
	}
	pos, _ := probe.Load(ctx, "INBOX")
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		store := NewMemoryStore()
		store.pos["INBOX"] = Position{UIDValidity: pos.UIDValidity}
		inbox := newFakeInbox()
		ch, _ := New(cfg, inbox, Options{Positions: store, Threads: store, Logger: quietLogger()})
		if err := ch.RunOnce(ctx); err != nil {
			b.Fatal(err)
		}
		if s, _, _ := inbox.snapshot(); len(s) != benchMessages {
			b.Fatalf("ingested %d, want %d", len(s), benchMessages)
		}
	}
	b.ReportMetric(float64(b.N*benchMessages)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkIngestMemory is the baseline: the same messages parsed and
// committed from memory, without IMAP.
func BenchmarkIngestMemory(b *testing.B) {
	corpus := benchCorpus(b, benchMessages)
	ctx := context.Background()
	cfg := Config{Address: "service@kefu.test", IMAP: IMAPConfig{Addr: "127.0.0.1:1", Security: Plain, AllowInsecure: true, Username: "x"},
		SMTP: SMTPConfig{Addr: "127.0.0.1:1", Security: Plain, AllowInsecure: true}}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		store := NewMemoryStore()
		inbox := newFakeInbox()
		ch, _ := New(cfg, inbox, Options{Positions: store, Threads: store, Logger: quietLogger()})
		for uid, raw := range corpus {
			if err := ch.ingest(ctx, "INBOX", Position{UIDValidity: 1, LastUID: uint32(uid + 1)}, raw, time.Now(), int64(len(raw))); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*benchMessages)/time.Since(start).Seconds(), "msgs/s")
}
