package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/dialog"
)

// secondChannel tells the customer of c's resolution on another channel
// they gave us when their own could not deliver it (a closed WeChat
// window without a template, a blocked Telegram bot): by mail when the
// case has their address and kefu sends mail. The mail conversation
// takes the case over from there (function check, survey), unless it is
// busy with another intake; the call task stands either way.
func (s *Service) secondChannel(ctx context.Context, tx Tx, conv *Conversation, c *cases.Case, now time.Time) error {
	addr := c.Fields[cases.FieldEmail]
	if addr == "" || conv.Channel == channels.Email || s.opt.Senders[channels.Email] == nil {
		return nil
	}
	mc, err := tx.ConversationGetOrCreate(ctx, ConversationParams{Channel: channels.Email, ExternalUserID: addr, CustomerID: conv.CustomerID, Now: now})
	if err != nil {
		return err
	}
	if err := tx.Lock(ctx, convKey(mc.Channel, mc.ExternalUserID)); err != nil {
		return err
	}
	if mc, err = tx.ConversationGet(ctx, mc.ID); err != nil {
		return err
	}
	st, err := stateOf(&mc)
	if err != nil {
		return err
	}
	switch {
	case st.CaseID == c.ID:
	case st.Phase == "" || st.Phase == dialog.PhaseNew || st.Phase == dialog.PhaseDone:
		st = dialog.State{Phase: dialog.PhaseRegistered, Lang: c.Language, CaseID: c.ID, CaseNumber: c.Number,
			FirstContactAt: now, LastCustomerAt: st.LastCustomerAt}
	default:
		s.opt.Logger.Info("second channel busy with another intake", "case_id", c.ID, "conversation_id", mc.ID)
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("conversation %d: encode state: %w", mc.ID, err)
	}
	mc.State, mc.Phase, mc.CaseID, mc.UpdatedAt = b, string(st.Phase), c.ID, now
	if err := tx.ConversationSave(ctx, mc); err != nil {
		return err
	}
	if c.Resolution == nil {
		return nil
	}
	m := s.resolvedMsg(c, c.Resolution.ResolveParams)
	if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: "delivery",
		Field: KindResolved, To: "also sent by email to " + addr, Reason: fmt.Sprintf("%s could not deliver it", conv.Channel)}); err != nil {
		return err
	}
	ev := s.resolvedEvent(c)
	return s.step(ctx, tx, &mc, ev, now, m)
}
