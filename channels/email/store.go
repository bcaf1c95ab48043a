package email

import (
	"context"
	"sync"

	"github.com/kefu-dev/kefu/channels"
)

// Position is how far a mailbox was read: the last UID whose message was
// committed, valid while the mailbox keeps its UIDVALIDITY.
type Position struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

// Positions keeps the read position of each mailbox durably.
//
// The SQL implementation (store/sqlite, store/postgres; a table
// email_positions(mailbox TEXT PRIMARY KEY, uid_validity INTEGER,
// last_uid INTEGER)) must make Commit atomic with the messages it stores:
//
//	func (s *Store) Commit(ctx context.Context, mailbox string, pos email.Position, fn func(context.Context) error) error {
//		return s.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
//			if err := fn(ctx); err != nil { // the inbox's Receive joins this tx through ctx
//				return err
//			}
//			return upsertPosition(ctx, tx, mailbox, pos) // same tx
//		})
//	}
//
// The callback is the design choice: service.Receive already runs in
// Store.InTx, and InTx called with a context from an enclosing InTx joins
// that transaction (both stores do). So the channel calls the inbox inside
// fn and the stored message, everything the dialog step caused, and the
// new position commit together or not at all. A batch interface would
// have had to change channels.Inbox; this one changes nothing there.
type Positions interface {
	// Load returns the mailbox's position; the zero Position when there
	// is none yet.
	Load(ctx context.Context, mailbox string) (Position, error)
	// Commit runs fn and, in the same transaction, records pos as the
	// mailbox's position; if fn fails, nothing is recorded and fn's
	// writes are rolled back.
	Commit(ctx context.Context, mailbox string, pos Position, fn func(ctx context.Context) error) error
}

// Thread is what the channel remembers about a customer address: enough
// to answer in the customer's own thread and to break mail loops.
type Thread struct {
	// LastMessageID is the customer's latest message (In-Reply-To of our
	// replies); References its chain, bounded.
	LastMessageID string   `json:"last_message_id,omitempty"`
	References    []string `json:"references,omitempty"`
	Subject       string   `json:"subject,omitempty"` // the customer's subject, for "Re:"
	CaseNumber    string   `json:"case_number,omitempty"`
	// Choices are the options of our latest message, so "2" in a reply
	// means the second one.
	Choices []channels.Choice `json:"choices,omitempty"`
	// Recent are the address's mails within the last hour that reached
	// the loop guard's backstop (when, and a hash of the text). Our own
	// mails are not counted. (Earlier versions kept "replies", the times
	// of our automatic mails; it is ignored.)
	Recent []Seen `json:"recent,omitempty"`
	// Sent holds the latest OutboxIDs sent, so a retried Send of a
	// message already accepted by the SMTP server does not send it again.
	Sent []int64 `json:"sent,omitempty"`
}

// Threads keeps a Thread per customer address (lower-cased). The SQL
// implementation is a key/value table (email_threads(address TEXT PRIMARY
// KEY, data JSON)); ThreadPut called with the ctx of Positions.Commit's fn
// must write in that transaction (InTx joins it), so the thread follows
// the stored message exactly.
type Threads interface {
	// ThreadGet returns the address's thread; the zero Thread when none.
	ThreadGet(ctx context.Context, address string) (Thread, error)
	ThreadPut(ctx context.Context, address string, t Thread) error
}

// MemoryStore implements Positions and Threads in memory, for tests and
// for running without durability (a restart then reads the mailbox again
// and relies on the inbox's deduplication).
type MemoryStore struct {
	mu      sync.Mutex
	pos     map[string]Position
	threads map[string]Thread
	// FailCommit, when set, is asked after fn ran; true simulates a crash
	// before the commit (fn's effects stay, the position does not move).
	FailCommit func(mailbox string, pos Position) bool
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{pos: map[string]Position{}, threads: map[string]Thread{}}
}

// Load implements Positions.
func (s *MemoryStore) Load(_ context.Context, mailbox string) (Position, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos[mailbox], nil
}

// Commit implements Positions.
func (s *MemoryStore) Commit(ctx context.Context, mailbox string, pos Position, fn func(ctx context.Context) error) error {
	if err := fn(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.FailCommit != nil && s.FailCommit(mailbox, pos) {
		return crashError{}
	}
	s.pos[mailbox] = pos
	return nil
}

// ThreadGet implements Threads.
func (s *MemoryStore) ThreadGet(_ context.Context, address string) (Thread, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.threads[address], nil
}

// ThreadPut implements Threads.
func (s *MemoryStore) ThreadPut(_ context.Context, address string, t Thread) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.threads[address] = t
	return nil
}

type crashError struct{}

func (crashError) Error() string { return "email: simulated crash before commit" }
