package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// TimerHandoffWait is the deadline of a conversation waiting for an agent
// (issue 11: the queue has its own SLA, the first-response time).
const TimerHandoffWait = "handoff_wait"

// onHandoffWait records that nobody took a waiting conversation over in
// time: a webhook event for the team, and on its case a missed deadline
// escalated to the supervisor. A conversation taken over, handed back or
// handed off again since is no business of this timer.
func (s *Service) onHandoffWait(ctx context.Context, t TimerArgs) error {
	now := s.opt.Now()
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		conv, err := tx.ConversationGet(ctx, t.ConversationID)
		if cases.ErrorCode(err) == cases.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.Lock(ctx, convKey(conv.Channel, conv.ExternalUserID)); err != nil {
			return err
		}
		if conv, err = tx.ConversationGet(ctx, t.ConversationID); err != nil {
			return err
		}
		var st dialog.State
		if len(conv.State) > 0 {
			if err := json.Unmarshal(conv.State, &st); err != nil {
				return fmt.Errorf("conversation %d: decode state: %w", conv.ID, err)
			}
		}
		if st.Phase != dialog.PhaseWaitingAgent || !µs(st.HandoffAt.Add(s.opt.SLA.FirstResponse)).Equal(µs(t.Due)) {
			return nil
		}
		waited := now.Sub(st.HandoffAt).Round(time.Minute)
		s.opt.Logger.Warn("conversation waiting for an agent past its deadline", "conversation_id", conv.ID, "case_id", conv.CaseID, "waited", waited)
		var c *cases.Case
		if conv.CaseID != 0 {
			if c, err = tx.CaseGet(ctx, conv.CaseID); err != nil {
				return err
			}
			c.Escalated = true
			if err := tx.CaseUpdate(ctx, c); err != nil {
				return err
			}
			if err := tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: cases.System.Actor(), Action: HistSLABreached,
				Field: TimerHandoffWait, To: string(cases.RoleSupervisor), Reason: fmt.Sprintf("waiting for an agent since %s", st.HandoffAt.UTC().Format(time.RFC3339))}); err != nil {
				return err
			}
		}
		return s.emit(ctx, tx, EventConversationWaitOverdue, c, map[string]any{
			"conversation_id": conv.ID, "channel": string(conv.Channel), "reason": st.HandoffReason, "waiting_since": st.HandoffAt.UTC(),
		}, now)
	})
	if err != nil {
		return fmt.Errorf("conversation %d timer %s: %w", t.ConversationID, t.Name, err)
	}
	s.Wake()
	return nil
}
