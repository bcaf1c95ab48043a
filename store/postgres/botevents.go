package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/report"
)

// BotEventsInsert records what the bot did in a step, in one statement:
// a step writes a few rows on the inbound path, one round trip each would
// add up.
func (t *Tx) BotEventsInsert(ctx context.Context, evs ...service.BotEvent) error {
	if len(evs) == 0 {
		return nil
	}
	conv := make([]int64, len(evs))
	caseIDs := make([]*int64, len(evs))
	chans, kinds, reasons := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	ats := make([]time.Time, len(evs))
	for i, e := range evs {
		conv[i], chans[i], kinds[i], reasons[i], ats[i] = e.ConversationID, string(e.Channel), e.Kind, e.Reason, t.s.orNow(e.At).UTC()
		if e.CaseID != 0 {
			caseIDs[i] = &e.CaseID
		}
	}
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO bot_events (conversation_id, case_id, channel, kind, reason, at)
		SELECT conv, case_id, channel, kind, reason, at
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
			WITH ORDINALITY AS e (conv, case_id, channel, kind, reason, at, n)
		ORDER BY n`, conv, caseIDs, chans, kinds, reasons, ats); err != nil {
		return fmt.Errorf("postgres: insert bot events of conversation %d: %w", evs[0].ConversationID, err)
	}
	return nil
}

// BotEventsLink puts the conversation's events without a case on caseID.
func (t *Tx) BotEventsLink(ctx context.Context, conversationID, caseID int64) error {
	if _, err := t.tx.Exec(ctx, `UPDATE bot_events SET case_id = $1 WHERE conversation_id = $2 AND case_id IS NULL`,
		caseID, conversationID); err != nil {
		return fmt.Errorf("postgres: link bot events of conversation %d: %w", conversationID, err)
	}
	return nil
}

// reportBotSQL is the SQLite store's (store/sqlite/botevents.go).
const reportBotSQL = `WITH e AS (
	SELECT e.* FROM bot_events e LEFT JOIN cases c ON c.id = e.case_id
	WHERE e.at >= $1 AND e.at < $2 AND ($4 = '' OR e.channel = $4)
		AND ($3 = '' OR c.department = $3) AND ($5 = '' OR c.category = $5) AND ($6 = '' OR c.priority = $6)
		AND ($7::bigint = 0 OR c.assignee_id = $7))
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
	rows, err := s.q(ctx).Query(ctx, reportBotSQL, reportArgs(p)...)
	if err != nil {
		return service.ReportBot{}, fmt.Errorf("postgres: report bot: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		if err := rows.Scan(&r.Group, &r.Key, &r.Count); err != nil {
			return service.ReportBot{}, fmt.Errorf("postgres: report bot: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportBot{}, fmt.Errorf("postgres: report bot: %w", err)
	}
	return report.Bot(out), nil
}
