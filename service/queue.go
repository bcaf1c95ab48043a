package service

import (
	"context"
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
	err := s.conversationOp(ctx, t.ConversationID, func(ctx context.Context, tx Tx, conv *Conversation, st dialog.State, c *cases.Case, now time.Time) error {
		if st.Phase != dialog.PhaseWaitingAgent || !µs(st.HandoffAt.Add(s.opt.SLA.WaitForAgent())).Equal(µs(t.Due)) {
			return nil
		}
		s.opt.Logger.Warn("conversation waiting for an agent past its deadline", "conversation_id", conv.ID, "case_id", conv.CaseID,
			"waited", now.Sub(st.HandoffAt).Round(time.Minute))
		if c != nil {
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
	if cases.ErrorCode(err) == cases.ENotFound {
		return nil // the conversation is gone
	}
	if err != nil {
		return fmt.Errorf("conversation %d timer %s: %w", t.ConversationID, t.Name, err)
	}
	return nil
}
