package sqlite

import (
	"context"
	"fmt"

	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/report"
)

// BotEventsInsert records what the bot did in a step.
func (t *Tx) BotEventsInsert(ctx context.Context, evs ...service.BotEvent) error {
	for _, e := range evs {
		if _, err := t.stmt(ctx, stmtBotEventInsert).ExecContext(ctx,
			e.ConversationID, idOrNull(e.CaseID), e.Channel, e.Kind, e.Reason, ts(t.s.orNow(e.At))); err != nil {
			return fmt.Errorf("sqlite: insert bot event of conversation %d: %w", e.ConversationID, err)
		}
	}
	return nil
}

// BotEventsLink puts the conversation's events without a case on caseID.
func (t *Tx) BotEventsLink(ctx context.Context, conversationID, caseID int64) error {
	if _, err := t.stmt(ctx, stmtBotEventsLink).ExecContext(ctx, caseID, conversationID); err != nil {
		return fmt.Errorf("sqlite: link bot events of conversation %d: %w", conversationID, err)
	}
	return nil
}

// reportBotSQL counts the period's bot events (?1–?7 as reportArgs): the
// channel is the event's, the other filters select through the case the
// intake led to, so an event on no case drops out when one is set. The
// questions of a registration are those of its conversation since the
// registration before it.
const reportBotSQL = `WITH e AS (
	SELECT e.* FROM bot_events e LEFT JOIN cases c ON c.id = e.case_id
	WHERE e.at >= ?1 AND e.at < ?2 AND (?4 = '' OR e.channel = ?4)
		AND (?3 = '' OR c.department = ?3) AND (?5 = '' OR c.category = ?5) AND (?6 = '' OR c.priority = ?6)
		AND (?7 = 0 OR c.assignee_id = ?7))
SELECT 'conversations', '', count(DISTINCT conversation_id) FROM e WHERE kind = 'message'
UNION ALL SELECT 'intakes', '', count(DISTINCT conversation_id) FROM e WHERE kind IN ('registered', 'handoff')
UNION ALL SELECT 'alone', '', count(DISTINCT conversation_id) FROM e WHERE kind = 'registered' AND reason = 'bot'
UNION ALL SELECT 'registered', reason, count(*) FROM e WHERE kind = 'registered' GROUP BY reason
UNION ALL SELECT 'handoff', reason, count(*) FROM e WHERE kind = 'handoff' GROUP BY reason
UNION ALL SELECT 'messages', '', count(*) FROM e WHERE kind = 'message'
UNION ALL SELECT 'not_understood', '', count(*) FROM e WHERE kind = 'not_understood'
UNION ALL SELECT 'questions', '', count(*) FROM e r JOIN bot_events q ON q.conversation_id = r.conversation_id
	AND q.kind = 'question' AND q.id < r.id
	AND q.id > COALESCE((SELECT max(p.id) FROM bot_events p
		WHERE p.conversation_id = r.conversation_id AND p.kind = 'registered' AND p.id < r.id), 0)
	WHERE r.kind = 'registered' AND r.reason = 'bot'`

// ReportBot counts what the bot did in the period.
func (s *Store) ReportBot(ctx context.Context, p service.ReportParams) (service.ReportBot, error) {
	rows, err := s.query(ctx, reportBotSQL, reportArgs(p)...)
	if err != nil {
		return service.ReportBot{}, fmt.Errorf("sqlite: report bot: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		if err := rows.Scan(&r.Group, &r.Key, &r.Count); err != nil {
			return service.ReportBot{}, fmt.Errorf("sqlite: report bot: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportBot{}, fmt.Errorf("sqlite: report bot: %w", err)
	}
	return report.Bot(out), nil
}
