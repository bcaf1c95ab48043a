package telegram

import (
	"context"
	"sync"

	"github.com/kefu-dev/kefu/channels"
)

// MemoryInbox is an OffsetInbox in memory, for tests and as the reference
// of what a store must do: one lock stands for the transaction, so a
// message and its offset are written together or not at all.
type MemoryInbox struct {
	// BeforeCommit, when set, runs inside the transaction before anything
	// is written; an error aborts it (tests use it for a crash before the
	// commit). p is nil for a plain Receive.
	BeforeCommit func(in channels.Inbound, p *OffsetParams) error
	// AfterCommit, when set, runs after a commit (a crash after it).
	AfterCommit func(in channels.Inbound, p *OffsetParams)

	mu       sync.Mutex
	messages []channels.Inbound
	ids      map[string]int64 // ExternalMessageID -> message id
	offsets  map[int64]int
	rejected []Rejected
	convs    map[string]int64
}

// Rejected is a payload kept by Reject.
type Rejected struct {
	Reason string
	Raw    []byte
}

var (
	_ OffsetInbox       = (*MemoryInbox)(nil)
	_ channels.Rejecter = (*MemoryInbox)(nil)
)

// Receive stores m once per ExternalMessageID.
func (b *MemoryInbox) Receive(ctx context.Context, m channels.Inbound) (channels.Receipt, error) {
	return b.receive(m, nil)
}

// ReceiveWithOffset stores m and the offset together.
func (b *MemoryInbox) ReceiveWithOffset(ctx context.Context, m channels.Inbound, p OffsetParams) (channels.Receipt, error) {
	return b.receive(m, &p)
}

func (b *MemoryInbox) receive(m channels.Inbound, p *OffsetParams) (channels.Receipt, error) {
	b.mu.Lock()
	if b.BeforeCommit != nil {
		if err := b.BeforeCommit(m, p); err != nil {
			b.mu.Unlock()
			return channels.Receipt{}, err
		}
	}
	b.init()
	conv, ok := b.convs[m.ExternalUserID]
	if !ok {
		conv = int64(len(b.convs) + 1)
		b.convs[m.ExternalUserID] = conv
	}
	rc := channels.Receipt{ConversationID: conv}
	if id, dup := b.ids[m.ExternalMessageID]; dup {
		rc.MessageID, rc.Duplicate = id, true
	} else {
		b.messages = append(b.messages, m)
		rc.MessageID = int64(len(b.messages))
		b.ids[m.ExternalMessageID] = rc.MessageID
	}
	if p != nil {
		b.offsets[p.BotID] = p.Next
	}
	b.mu.Unlock()
	if b.AfterCommit != nil {
		b.AfterCommit(m, p)
	}
	return rc, nil
}

// OffsetLoad returns the bot's committed offset.
func (b *MemoryInbox) OffsetLoad(ctx context.Context, botID int64) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.offsets[botID], nil
}

// OffsetCommit sets the bot's offset.
func (b *MemoryInbox) OffsetCommit(ctx context.Context, p OffsetParams) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	b.offsets[p.BotID] = p.Next
	return nil
}

// Reject keeps a payload.
func (b *MemoryInbox) Reject(ctx context.Context, ch channels.ID, reason string, raw []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rejected = append(b.rejected, Rejected{Reason: reason, Raw: raw})
}

// Messages returns the messages stored, in order.
func (b *MemoryInbox) Messages() []channels.Inbound {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]channels.Inbound(nil), b.messages...)
}

// RejectedPayloads returns what Reject kept.
func (b *MemoryInbox) RejectedPayloads() []Rejected {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Rejected(nil), b.rejected...)
}

func (b *MemoryInbox) init() {
	if b.ids == nil {
		b.ids, b.offsets, b.convs = map[string]int64{}, map[int64]int{}, map[string]int64{}
	}
}
