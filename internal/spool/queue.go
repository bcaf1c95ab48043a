//go:build unix

// Package spool holds inbound pushes kefu could not store because the
// database was unreachable: a durable FIFO on local disk (Queue), and an
// inbox in front of the service (Intake) that spools instead of failing
// and replays in order once the database answers again.
//
// The queue is a directory of append-only segment files. Each record is
//
//	[4 bytes body length][4 bytes CRC-32C of body][body]
//	body = [8 bytes sequence number][2 bytes key length][key][payload]
//
// (big-endian), written and fsynced before Append returns. A crash can
// leave a torn last record; Open cuts it off, and only a record whose
// Append had not returned can be torn. Removing the head writes its
// successor's sequence number to the file "head" without fsync: after a
// crash a few removed records may be replayed again, which kefu's dedupe by
// channel message id makes harmless. Segments whose records are all
// removed are deleted. One process owns a directory (flock on "LOCK").
//
// Why not a library: go.etcd.io/bbolt would do (ordered keys, durable
// commits) but spends two fsyncs and a B+tree page rewrite per push on
// what is only ever a FIFO, and its file never shrinks; a log with a CRC
// per record is as crash-safe here and a few hundred lines.
package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

const (
	headerLen = 8
	// maxBody bounds a record, so a corrupt length is recognised as such
	// instead of being read as a 4 GiB record.
	maxBody = 64 << 20
	segExt  = ".seg"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrTooLarge is returned by Append for a record above 64 MiB.
var ErrTooLarge = errors.New("spool: record too large")

// Record is one spooled item.
type Record struct {
	Seq     uint64
	Key     string
	Payload []byte
}

// QueueOptions tune a Queue.
type QueueOptions struct {
	// SegmentBytes starts a new segment once the current one is this big
	// (default 16 MiB), so a long outage's records are freed as they drain.
	SegmentBytes int64
	Logger       *slog.Logger
}

// Queue is a durable FIFO of records in one directory. It is safe for
// concurrent use.
type Queue struct {
	dir  string
	opt  QueueOptions
	log  *slog.Logger
	lock *os.File
	head *os.File

	mu      sync.Mutex
	segs    []*segment // oldest first; the last one takes appends
	pending []entry    // records not yet removed, oldest first
	next    uint64     // sequence number of the next append
	closed  bool
}

type segment struct {
	first uint64 // the file is named after it
	f     *os.File
	size  int64
	last  uint64 // sequence number of its last record
	full  bool   // no more appends
}

type entry struct {
	seq uint64
	key string
	seg *segment
	off int64 // of the body
	n   int   // body length
}

// OpenQueue opens (creating it if need be) the queue in dir, cutting off a
// torn last record.
func OpenQueue(dir string, opt QueueOptions) (*Queue, error) {
	if opt.SegmentBytes <= 0 {
		opt.SegmentBytes = 16 << 20
	}
	q := &Queue{dir: dir, opt: opt, log: opt.Logger}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("spool: %s is used by another process (each process needs its own directory)", dir)
		}
		return nil, fmt.Errorf("spool: lock %s: %w", dir, err)
	}
	q.lock = lock
	if err := q.load(); err != nil {
		q.Close()
		return nil, err
	}
	return q, nil
}

// load reads the head and every segment.
func (q *Queue) load() error {
	var err error
	if q.head, err = os.OpenFile(filepath.Join(q.dir, "head"), os.O_CREATE|os.O_RDWR, 0o600); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	head := q.readHead()
	names, err := os.ReadDir(q.dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	var firsts []uint64
	for _, d := range names {
		base, ok := strings.CutSuffix(d.Name(), segExt)
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(base, 10, 64)
		if err != nil {
			continue
		}
		firsts = append(firsts, n)
	}
	slices.Sort(firsts)
	q.next = head
	for i, first := range firsts {
		s, err := q.scan(first, head, i == len(firsts)-1)
		if err != nil {
			return err
		}
		if s == nil {
			continue
		}
		q.segs = append(q.segs, s)
		if s.last+1 > q.next {
			q.next = s.last + 1
		}
	}
	q.dropDrained()
	return nil
}

// readHead is the sequence number of the oldest record not removed; 0
// (replay everything) when the file is missing or torn.
func (q *Queue) readHead() uint64 {
	var b [12]byte
	if _, err := q.head.ReadAt(b[:], 0); err != nil {
		return 0
	}
	if crc32.Checksum(b[:8], castagnoli) != binary.BigEndian.Uint32(b[8:]) {
		q.log.Warn("spool: head file torn; replaying every record kept (dedupe makes repeats harmless)")
		return 0
	}
	return binary.BigEndian.Uint64(b[:8])
}

// scan reads one segment and appends its records from head on to
// q.pending. A bad record in the last segment is a torn append: the file
// is cut there. In an older segment (finished and fsynced before the next
// began) it is damage: the rest of that segment is set aside in a
// ".corrupt" file and skipped.
func (q *Queue) scan(first, head uint64, last bool) (*segment, error) {
	path := filepath.Join(q.dir, segName(first))
	f, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &segment{first: first, f: f, full: !last}
	var off int64
	var hdr [headerLen]byte
	for off < st.Size() {
		body, ok := readRecord(f, off, st.Size(), hdr[:])
		if !ok {
			break
		}
		seq, key, _ := decodeBody(body)
		if seq >= head {
			q.pending = append(q.pending, entry{seq: seq, key: key, seg: s, off: off + headerLen, n: len(body)})
		}
		s.last = seq
		off += headerLen + int64(len(body))
	}
	if off < st.Size() {
		if last {
			q.log.Warn("spool: torn last record cut off", "segment", path, "at", off, "bytes", st.Size()-off)
			if err := f.Truncate(off); err != nil {
				f.Close()
				return nil, fmt.Errorf("spool: cut torn record: %w", err)
			}
			if err := f.Sync(); err != nil {
				f.Close()
				return nil, fmt.Errorf("spool: %w", err)
			}
		} else {
			q.setAside(f, path, off, st.Size())
		}
	}
	s.size = off
	if off == 0 && s.last == 0 {
		s.last = first - 1 // empty: nothing in it to keep (first ≥ 1)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("spool: %w", err)
	}
	return s, nil
}

// setAside copies the unreadable rest of a segment for inspection.
func (q *Queue) setAside(f *os.File, path string, from, to int64) {
	out := fmt.Sprintf("%s.%d.corrupt", path, from)
	b := make([]byte, to-from)
	_, err := f.ReadAt(b, from)
	if err == nil {
		err = os.WriteFile(out, b, 0o600)
	}
	q.log.Error("spool: damaged record; the rest of the segment is skipped", "segment", path, "at", from, "bytes", to-from, "kept_in", out, "err", err)
}

// readRecord returns the body at off, or false when the record there is
// incomplete or fails its checksum.
func readRecord(f *os.File, off, size int64, hdr []byte) ([]byte, bool) {
	if size-off < headerLen {
		return nil, false
	}
	if _, err := f.ReadAt(hdr, off); err != nil {
		return nil, false
	}
	n := int64(binary.BigEndian.Uint32(hdr[:4]))
	if n < 10 || n > maxBody || size-off-headerLen < n {
		return nil, false
	}
	body := make([]byte, n)
	if _, err := f.ReadAt(body, off+headerLen); err != nil {
		return nil, false
	}
	if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(hdr[4:]) {
		return nil, false
	}
	if kl := int(binary.BigEndian.Uint16(body[8:10])); 10+kl > len(body) {
		return nil, false
	}
	return body, true
}

func decodeBody(body []byte) (seq uint64, key string, payload []byte) {
	kl := int(binary.BigEndian.Uint16(body[8:10]))
	return binary.BigEndian.Uint64(body[:8]), string(body[10 : 10+kl]), body[10+kl:]
}

func encodeRecord(seq uint64, key string, payload []byte) []byte {
	n := 10 + len(key) + len(payload)
	b := make([]byte, headerLen+n)
	body := b[headerLen:]
	binary.BigEndian.PutUint64(body[:8], seq)
	binary.BigEndian.PutUint16(body[8:10], uint16(len(key)))
	copy(body[10:], key)
	copy(body[10+len(key):], payload)
	binary.BigEndian.PutUint32(b[:4], uint32(n))
	binary.BigEndian.PutUint32(b[4:8], crc32.Checksum(body, castagnoli))
	return b
}

func segName(first uint64) string { return fmt.Sprintf("%020d%s", first, segExt) }

// Append adds a record at the tail and returns once it is on disk.
func (q *Queue) Append(key string, payload []byte) (uint64, error) {
	if len(key) > 0xffff {
		return 0, fmt.Errorf("spool: key of %d bytes", len(key))
	}
	if 10+len(key)+len(payload) > maxBody {
		return 0, ErrTooLarge
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, errors.New("spool: closed")
	}
	s, err := q.active()
	if err != nil {
		return 0, err
	}
	seq := q.next
	rec := encodeRecord(seq, key, payload)
	if _, err := s.f.WriteAt(rec, s.size); err != nil {
		// Cut off whatever part landed; should that fail too, Open cuts
		// it as a torn record.
		_ = s.f.Truncate(s.size)
		return 0, fmt.Errorf("spool: append: %w", err)
	}
	if err := s.f.Sync(); err != nil {
		// The page cache may say anything now; this segment takes no
		// more appends and the caller must not acknowledge.
		s.full = true
		return 0, fmt.Errorf("spool: fsync: %w", err)
	}
	q.pending = append(q.pending, entry{seq: seq, key: key, seg: s, off: s.size + headerLen, n: len(rec) - headerLen})
	s.size += int64(len(rec))
	s.last = seq
	q.next++
	if s.size >= q.opt.SegmentBytes {
		s.full = true
	}
	return seq, nil
}

// active returns the segment taking appends, starting one if needed.
func (q *Queue) active() (*segment, error) {
	if n := len(q.segs); n > 0 && !q.segs[n-1].full {
		return q.segs[n-1], nil
	}
	if q.next == 0 {
		q.next = 1 // 0 means "no head recorded"
	}
	path := filepath.Join(q.dir, segName(q.next))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: new segment: %w", err)
	}
	// The new name must survive a crash as well as the records in it.
	if err := syncDir(q.dir); err != nil {
		f.Close()
		return nil, err
	}
	s := &segment{first: q.next, f: f, last: q.next - 1}
	q.segs = append(q.segs, s)
	return s, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: fsync dir: %w", err)
	}
	return nil
}

// Head returns the oldest record not removed; false when the queue is
// empty.
func (q *Queue) Head() (Record, bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return Record{}, false, nil
	}
	e := q.pending[0]
	body := make([]byte, e.n)
	if _, err := e.seg.f.ReadAt(body, e.off); err != nil {
		return Record{}, false, fmt.Errorf("spool: read record %d: %w", e.seq, err)
	}
	seq, key, payload := decodeBody(body)
	return Record{Seq: seq, Key: key, Payload: payload}, true, nil
}

// Remove removes the head, which must be record seq: the queue is
// consumed in order.
func (q *Queue) Remove(seq uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 || q.pending[0].seq != seq {
		return fmt.Errorf("spool: record %d is not the head", seq)
	}
	q.pending = q.pending[1:]
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], seq+1)
	binary.BigEndian.PutUint32(b[8:], crc32.Checksum(b[:8], castagnoli))
	// No fsync: a lost head only replays records already stored.
	if _, err := q.head.WriteAt(b[:], 0); err != nil {
		return fmt.Errorf("spool: head: %w", err)
	}
	q.dropDrained()
	return nil
}

// dropDrained deletes segments none of whose records is pending. The
// active segment goes too once the queue is empty, so an idle spool is an
// empty directory.
func (q *Queue) dropDrained() {
	keep := q.segs[:0]
	for _, s := range q.segs {
		drained := len(q.pending) == 0 || q.pending[0].seq > s.last
		if !drained {
			keep = append(keep, s)
			continue
		}
		s.f.Close()
		if err := os.Remove(filepath.Join(q.dir, segName(s.first))); err != nil {
			q.log.Error("spool: remove drained segment", "segment", segName(s.first), "err", err)
		}
	}
	clear(q.segs[len(keep):])
	q.segs = keep
}

// Len is the number of records not removed.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// Keys returns how many records not removed each key has.
func (q *Queue) Keys() map[string]int {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := map[string]int{}
	for _, e := range q.pending {
		m[e.key]++
	}
	return m
}

// Close closes the files and releases the directory.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	var errs []error
	for _, s := range q.segs {
		errs = append(errs, s.f.Close())
	}
	if q.head != nil {
		errs = append(errs, q.head.Close())
	}
	if q.lock != nil {
		_ = syscall.Flock(int(q.lock.Fd()), syscall.LOCK_UN)
		errs = append(errs, q.lock.Close())
	}
	return errors.Join(errs...)
}
