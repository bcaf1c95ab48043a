package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/channels/email"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/service"
)

// emailTexts gives the email channel the words it adds around kefu's
// messages (email.Options.Texts) from the dialog templates
// (configs/templates, keys "email.…"), in the customer's language.
func emailTexts(e *dialog.Engine) func(lang, key string) string {
	return func(lang, key string) string { return e.Render(lang, key, nil) }
}

// emailStore keeps the mail channel's IMAP positions and threads as
// durable cursors. Commit runs the inbox call and the position write in one
// transaction: the stores join an enclosing transaction through ctx, so the
// stored message, everything its dialog step caused and the new position
// commit together.
type emailStore struct {
	st     service.Store
	prefix string // the account, so two mailboxes named INBOX do not collide
	now    func() time.Time
}

var (
	_ email.Positions = emailStore{}
	_ email.Threads   = emailStore{}
)

func (e emailStore) posKey(mailbox string) string { return "email:" + e.prefix + "/" + mailbox }
func (e emailStore) threadKey(address string) string {
	return "email-thread:" + e.prefix + ":" + address
}

func (e emailStore) Load(ctx context.Context, mailbox string) (email.Position, error) {
	var p email.Position
	return p, e.get(ctx, e.posKey(mailbox), &p)
}

func (e emailStore) Commit(ctx context.Context, mailbox string, pos email.Position, fn func(ctx context.Context) error) error {
	return e.st.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		if err := fn(ctx); err != nil {
			return err
		}
		return e.put(ctx, tx, e.posKey(mailbox), pos)
	})
}

func (e emailStore) ThreadGet(ctx context.Context, address string) (email.Thread, error) {
	var t email.Thread
	return t, e.get(ctx, e.threadKey(address), &t)
}

func (e emailStore) ThreadPut(ctx context.Context, address string, t email.Thread) error {
	return e.st.InTx(ctx, func(ctx context.Context, tx service.Tx) error {
		return e.put(ctx, tx, e.threadKey(address), t)
	})
}

func (e emailStore) get(ctx context.Context, key string, v any) error {
	s, ok, err := e.st.CursorGet(ctx, key)
	if err != nil || !ok {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("email state %s: %w", key, err)
	}
	return nil
}

func (e emailStore) put(ctx context.Context, tx service.Tx, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("email state %s: %w", key, err)
	}
	return tx.CursorSet(ctx, key, string(b), e.now())
}
