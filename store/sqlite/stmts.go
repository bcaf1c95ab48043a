package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// kefu's queries are prepared once, at Open: re-preparing the SQL text on
// every call (what DB.QueryContext and Tx.QueryContext do) was over a
// quarter of the inbound pipeline's CPU time. All of them are static; none
// is built at run time.
//
// They are prepared on the pool before any transaction exists. Inside a
// transaction Tx.StmtContext reuses the driver statement prepared on the
// transaction's connection (or prepares again on that connection) and never
// asks the pool for a connection, which with our single connection would
// deadlock.

// stmtID names one of kefu's queries.
type stmtID int

const (
	stmtConversationGet stmtID = iota
	stmtConversationFind
	stmtConversationInsert
	stmtConversationSave
	stmtConversationList
	stmtMessagesList
	stmtMessageInsert
	stmtMessageFind
	stmtCustomerFind
	stmtCustomerInsert
	stmtIdentityInsert
	stmtCaseGet
	stmtCaseList
	stmtCaseInsert
	stmtCaseNumber
	stmtCaseUpdate
	stmtCaseHistory
	stmtCaseHistoryInsert
	stmtOutboxClaim
	stmtOutboxLease
	stmtOutboxFail
	stmtOutboxExists
	stmtOutboxPending
	stmtOutboxInsert
	stmtOutboxMarkSent
	stmtOutboxRelease
	stmtOutboxQueued
	stmtOutboxSupersede
	stmtInboundRejectedInsert
	stmtCursorGet
	stmtCursorSet
	stmtChannelStateGet
	stmtChannelStatePut
	stmtChannelStateSweep
	stmtUserInsert
	stmtUserByTokenHash
	stmtUserList
	stmtUserUpdate
	stmtUserByLogin
	stmtSessionInsert
	stmtSessionUser
	stmtSessionDelete
	stmtSessionDeleteUser
	stmtActivity
	stmtAttachmentListConv
	stmtCaseCount
	stmtTaskInsert
	stmtTaskByKey
	stmtTaskGet
	stmtTaskUpdate
	stmtTaskList
	stmtTaskListRecent
	stmtAttachmentInsert
	stmtAttachmentsLink
	stmtAttachmentGet
	stmtAttachmentList
	stmtCustomerGet
	stmtCustomerIdentities
	stmtCustomerContacts
	stmtCustomerByContact
	stmtCustomerSearch
	stmtCustomerMerges
	stmtContactInsert
	stmtMergeIdentities
	stmtMergeConversations
	stmtMergeCases
	stmtIdentityMove
	stmtConversationMove
	stmtCaseMove
	stmtCasesMoveWithConversation
	stmtCustomerSetMerged
	stmtMergeInsert
	stmtMergeGet
	stmtMergeUndo
	stmtBotEventInsert
	stmtBotEventsLink
	numStmts
)

const conversationCols = `id, customer_id, channel, external_user_id, phase, state, case_id, created_at, updated_at`

const caseCols = `id, number, customer_id, conversation_id, channel, source, language, fields, category,
	subtype, priority, reasons, department, state, escalated, deadline_first_response,
	deadline_registration, deadline_classification, deadline_start_by, created_at, updated_at,
	plan, resolution, milestones, complaints, assignee_id`

// caseWhere is the filter of service.CaseListParams, shared by the list
// and its count so they never disagree.
const caseWhere = `
		WHERE (?1 = 0 OR conversation_id = ?1) AND (?2 = 0 OR customer_id = ?2)
			AND (?3 = '' OR department = ?3) AND (?4 = '' OR state = ?4) AND (?5 = '' OR priority = ?5)
			AND (?7 = 0 OR id < ?7) AND (?8 = '' OR json_extract(fields, '$.phone') = ?8)
			AND (?9 = '' OR lower(json_extract(fields, '$.email')) = ?9) AND (?10 = '' OR number = ?10)
			AND (?11 = 0 OR state NOT IN ('resolved', 'closed')) AND (?12 = 0 OR assignee_id = ?12)
			AND (?13 = '' OR lower(number) = ?13
				OR instr(lower(COALESCE(json_extract(fields, '$.purchase_proof'), '')), ?13) > 0
				OR instr(lower(COALESCE(json_extract(fields, '$.product_model'), '')), ?13) > 0
				OR instr(lower(COALESCE(json_extract(fields, '$.customer_name'), '')), ?13) > 0
				OR instr(lower(COALESCE(json_extract(fields, '$.company'), '')), ?13) > 0)
			AND (?14 = '' OR created_at >= ?14) AND (?15 = '' OR created_at < ?15)
			AND (?16 = '' OR channel = ?16) AND (?17 = '' OR category = ?17)
			AND (?18 = '' OR subtype = ?18) AND (?19 = '' OR source = ?19)`

const attachmentCols = `id, conversation_id, message_id, case_id, name, content_type, size, url, created_at, uploaded_by`

const taskCols = `id, case_id, kind, state, assignee, outcome, created_at, due_at, claimed_at, done_at, attempts, result, suggestion, complaint`

const mergeCols = `id, into_id, from_id, actor, reason, moved, created_at, undone_by, undone_at`

var queries = [numStmts]string{
	stmtCustomerGet: `SELECT id, display_name, created_at, merged_into FROM customers WHERE id = ?`,
	stmtCustomerIdentities: `
		SELECT channel, external_user_id, customer_id, created_at FROM customer_identities
		WHERE customer_id = ? ORDER BY created_at, channel, external_user_id`,
	stmtCustomerContacts: `
		SELECT t.kind, t.value, MIN(t.case_id) FROM case_contacts t JOIN cases k ON k.id = t.case_id
		WHERE k.customer_id = ? GROUP BY t.kind, t.value ORDER BY MIN(t.case_id), t.kind`,
	stmtCustomerByContact: `
		SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
		WHERE t.kind = ? AND t.value = ? AND k.customer_id IS NOT NULL ORDER BY k.id DESC LIMIT 1`,
	// Each filter picks customers through its own index-friendly subquery;
	// the name is a substring of the display name or a case's name or
	// company.
	stmtCustomerSearch: `
		SELECT id, display_name, created_at, merged_into FROM customers c
		WHERE merged_into IS NULL
			AND (?1 = '' OR id IN (SELECT customer_id FROM cases WHERE json_extract(fields, '$.phone') = ?1)
				OR id IN (SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
					WHERE t.kind = 'phone' AND t.value = ?2))
			AND (?3 = '' OR id IN (SELECT customer_id FROM cases WHERE lower(json_extract(fields, '$.email')) = ?3)
				OR id IN (SELECT k.customer_id FROM case_contacts t JOIN cases k ON k.id = t.case_id
					WHERE t.kind = 'email' AND t.value = ?3)
				OR id IN (SELECT customer_id FROM customer_identities WHERE channel = 'email' AND external_user_id = ?3))
			AND (?4 = '' OR instr(lower(display_name), ?4) > 0
				OR id IN (SELECT customer_id FROM cases
					WHERE instr(lower(COALESCE(json_extract(fields, '$.customer_name'), '')), ?4) > 0
						OR instr(lower(COALESCE(json_extract(fields, '$.company'), '')), ?4) > 0))
		ORDER BY id DESC LIMIT ?5`,
	stmtCustomerMerges: `SELECT ` + mergeCols + ` FROM customer_merges WHERE into_id = ?1 OR from_id = ?1 ORDER BY id DESC`,
	stmtContactInsert: `
		INSERT INTO case_contacts (case_id, kind, value, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
	// A merge moves rows with UPDATE … RETURNING, so the record names
	// exactly what moved.
	stmtMergeIdentities:    `UPDATE customer_identities SET customer_id = ?1 WHERE customer_id = ?2 RETURNING channel, external_user_id`,
	stmtMergeConversations: `UPDATE conversations SET customer_id = ?1 WHERE customer_id = ?2 RETURNING id`,
	stmtMergeCases:         `UPDATE cases SET customer_id = ?1 WHERE customer_id = ?2 RETURNING id`,
	stmtIdentityMove: `
		UPDATE customer_identities SET customer_id = ?1 WHERE channel = ?2 AND external_user_id = ?3 AND customer_id = ?4`,
	stmtConversationMove:          `UPDATE conversations SET customer_id = ?1 WHERE id = ?2 AND customer_id = ?3`,
	stmtCaseMove:                  `UPDATE cases SET customer_id = ?1 WHERE id = ?2 AND customer_id = ?3`,
	stmtCasesMoveWithConversation: `UPDATE cases SET customer_id = ?1 WHERE conversation_id = ?2 AND customer_id = ?3`,
	stmtCustomerSetMerged:         `UPDATE customers SET merged_into = ? WHERE id = ?`,
	stmtMergeInsert: `
		INSERT INTO customer_merges (into_id, from_id, actor, reason, moved, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
	stmtMergeGet:  `SELECT ` + mergeCols + ` FROM customer_merges WHERE id = ?`,
	stmtMergeUndo: `UPDATE customer_merges SET undone_by = ?, undone_at = ? WHERE id = ? AND undone_at IS NULL`,

	stmtConversationGet: `SELECT ` + conversationCols + ` FROM conversations WHERE id = ?`,
	stmtConversationFind: `SELECT ` + conversationCols + ` FROM conversations
		WHERE channel = ? AND external_user_id = ?`,
	stmtConversationInsert: `
		INSERT INTO conversations (customer_id, channel, external_user_id, phase, created_at, updated_at)
		VALUES (?, ?, ?, 'new', ?, ?)
		ON CONFLICT (channel, external_user_id) DO NOTHING`,
	stmtConversationSave: `
		UPDATE conversations SET phase = ?, state = ?, case_id = ?, updated_at = ?
		WHERE id = ?`,
	// Most recently updated first; id breaks ties so the order is stable.
	stmtConversationList: `SELECT ` + conversationCols + ` FROM conversations
		WHERE (?1 = '' OR phase = ?1) AND (?3 = 0 OR customer_id = ?3)
		ORDER BY updated_at DESC, id DESC LIMIT ?2`,

	stmtMessagesList: `
		SELECT id, direction, text, field, choices, kind, at FROM messages
		WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
	stmtMessageInsert: `
		INSERT INTO messages (conversation_id, channel, external_id, direction, text, field, choices, kind, raw, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, external_id) DO NOTHING
		RETURNING id`,
	stmtMessageFind: `SELECT id FROM messages WHERE channel = ? AND external_id = ?`,

	stmtCustomerFind: `
		SELECT c.id, c.display_name, c.created_at
		FROM customer_identities i JOIN customers c ON c.id = i.customer_id
		WHERE i.channel = ? AND i.external_user_id = ?`,
	stmtCustomerInsert: `INSERT INTO customers (display_name, created_at) VALUES (?, ?) RETURNING id`,
	stmtIdentityInsert: `
		INSERT INTO customer_identities (channel, external_user_id, customer_id, created_at)
		VALUES (?, ?, ?, ?)`,

	stmtCaseGet: `SELECT ` + caseCols + ` FROM cases WHERE id = ?`,
	// The optional filters are "?n = 0 OR ..." (or = ''), so one statement
	// serves every combination.
	stmtCaseList:  `SELECT ` + caseCols + ` FROM cases ` + caseWhere + ` ORDER BY id DESC LIMIT ?6`,
	stmtCaseCount: `SELECT COUNT(*) FROM (SELECT 1 FROM cases ` + caseWhere + ` LIMIT ?6)`,
	stmtCaseInsert: `
		INSERT INTO cases (customer_id, conversation_id, channel, source, language, fields, category,
			subtype, priority, reasons, department, state, escalated, deadline_first_response,
			deadline_registration, deadline_classification, deadline_start_by, created_at, updated_at,
			plan, resolution, milestones, complaints, assignee_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
	stmtCaseNumber: `UPDATE cases SET number = ? WHERE id = ?`,
	stmtCaseUpdate: `
		UPDATE cases SET customer_id = COALESCE(customer_id, ?), conversation_id = ?, channel = ?, source = ?, language = ?,
			fields = ?, category = ?, subtype = ?, priority = ?, reasons = ?, department = ?, state = ?,
			escalated = ?, deadline_first_response = ?, deadline_registration = ?,
			deadline_classification = ?, deadline_start_by = ?, updated_at = ?,
			plan = ?, resolution = ?, milestones = ?, complaints = ?, assignee_id = ?
		WHERE id = ?`,
	stmtCaseHistory: `
		SELECT case_id, at, actor, action, field, from_value, to_value, reason, visible
		FROM case_history WHERE case_id = ? ORDER BY at, id`,
	stmtCaseHistoryInsert: `
		INSERT INTO case_history (case_id, at, actor, action, field, from_value, to_value, reason, visible)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,

	stmtOutboxClaim: `
		SELECT o.id, o.conversation_id, o.channel, o.external_user_id, o.text, o.field, o.choices,
			o.kind, o.lang, o.facts, o.created_at, o.attempts, o.trace_parent
		FROM outbox o
		WHERE o.status = 'pending' AND o.next_attempt_at <= ?1
			AND (o.locked_until IS NULL OR o.locked_until <= ?1)
			AND NOT EXISTS (SELECT 1 FROM outbox e
				WHERE e.conversation_id = o.conversation_id AND e.status = 'pending' AND e.id < o.id
					AND NOT (e.next_attempt_at > ?1 AND (e.last_error LIKE 'deferred:%' OR e.last_error LIKE 'held:%')))
			AND (?3 = '' OR o.channel = ?3)
			AND o.channel NOT IN (SELECT value FROM json_each(?4))
			AND (o.origin_until IS NULL OR o.origin_until <= ?1 OR o.origin = ?5)
		ORDER BY o.id LIMIT ?2`,
	stmtOutboxLease: `UPDATE outbox SET locked_until = ?, attempts = attempts + 1 WHERE id = ?`,
	stmtOutboxFail: `
		UPDATE outbox SET last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), locked_until = NULL,
			status = CASE WHEN ? THEN 'dead' ELSE status END
		WHERE id = ? AND status <> 'sent'`,
	stmtOutboxExists:  `SELECT 1 FROM outbox WHERE id = ?`,
	stmtOutboxPending: `SELECT count(*) FROM outbox WHERE status = 'pending'`,
	stmtOutboxInsert: `
		INSERT INTO outbox (conversation_id, channel, external_user_id, text, field, choices, kind,
			lang, facts, last_error, next_attempt_at, created_at, trace_parent, origin, origin_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
	stmtOutboxRelease: `
		UPDATE outbox SET next_attempt_at = ?
		WHERE conversation_id = ? AND status = 'pending' AND next_attempt_at > ?
			AND (last_error LIKE 'deferred:%' OR last_error LIKE 'held:%')`,
	stmtOutboxQueued: `
		SELECT id, conversation_id, channel, external_user_id, text, field, choices,
			kind, lang, facts, created_at, attempts, next_attempt_at, last_error
		FROM outbox WHERE conversation_id = ? AND status = 'pending' ORDER BY id`,
	stmtOutboxSupersede: `
		UPDATE outbox SET status = 'superseded', last_error = ?, locked_until = NULL
		WHERE id = ? AND status = 'pending'`,
	stmtOutboxMarkSent: `
		UPDATE outbox SET status = 'sent', sent_at = ?, locked_until = NULL
		WHERE id = ? AND status <> 'sent'`,

	stmtInboundRejectedInsert: `INSERT INTO inbound_rejected (channel, reason, raw, at) VALUES (?, ?, ?, ?)`,
	stmtCursorGet:             `SELECT value FROM cursors WHERE key = ?`,
	stmtCursorSet: `
		INSERT INTO cursors (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
	stmtChannelStateGet: `SELECT value, expires_at FROM channel_state WHERE key = ?`,
	stmtChannelStatePut: `
		INSERT INTO channel_state (key, value, expires_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at,
			updated_at = excluded.updated_at`,
	// A few expired rows per write keep the table the size of what is live.
	stmtChannelStateSweep: `
		DELETE FROM channel_state WHERE key IN (
			SELECT key FROM channel_state WHERE expires_at <= ?1 AND key <> ?2 LIMIT 8)`,

	// A taken token hash inserts nothing, so RETURNING yields no row.
	stmtUserInsert: `
		INSERT INTO users (name, role, department, token_hash, created_at, login, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (token_hash) DO NOTHING
		RETURNING id`,
	stmtUserByTokenHash: `
		SELECT id, name, role, department FROM users WHERE token_hash = ? AND NOT disabled`,
	stmtUserList: `SELECT id, name, role, department, disabled, created_at, COALESCE(login, '') FROM users ORDER BY id`,
	stmtUserUpdate: `
		UPDATE users SET disabled = COALESCE(?2, disabled), token_hash = COALESCE(?3, token_hash),
			login = COALESCE(?4, login), password_hash = COALESCE(?5, password_hash) WHERE id = ?1`,
	stmtUserByLogin: `
		SELECT id, name, role, department, password_hash FROM users WHERE login = ? AND NOT disabled`,
	stmtSessionInsert: `
		INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
	stmtSessionUser: `
		SELECT u.id, u.name, u.role, u.department, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`,
	stmtSessionDelete:     `DELETE FROM sessions WHERE token_hash = ?`,
	stmtSessionDeleteUser: `DELETE FROM sessions WHERE user_id = ? OR expires_at <= ?`,
	// MAX over primary keys and counts over the phase index.
	stmtActivity: `SELECT
		COALESCE((SELECT MAX(id) FROM messages), 0),
		COALESCE((SELECT MAX(id) FROM case_history), 0),
		(SELECT COUNT(*) FROM conversations WHERE phase = 'waiting_agent'),
		(SELECT COUNT(*) FROM conversations WHERE phase = 'agent')`,

	// A taken key inserts nothing, so RETURNING yields no row.
	stmtTaskInsert: `
		INSERT INTO tasks (case_id, kind, task_key, created_at, due_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (task_key) DO NOTHING
		RETURNING ` + taskCols,
	stmtTaskByKey: `SELECT ` + taskCols + ` FROM tasks WHERE task_key = ?`,
	stmtTaskGet:   `SELECT ` + taskCols + ` FROM tasks WHERE id = ?`,
	stmtTaskUpdate: `
		UPDATE tasks SET state = ?, assignee = ?, outcome = ?, due_at = ?, claimed_at = ?, done_at = ?,
			attempts = ?, result = ?, suggestion = ?, complaint = ?
		WHERE id = ?`,
	// Times are fixed-width UTC text, so ordering by due_at is by time.
	stmtTaskList: `SELECT ` + taskCols + ` FROM tasks
		WHERE (?1 = 0 OR case_id = ?1) AND (?2 = '' OR kind = ?2) AND (?3 = '' OR state = ?3) AND (?5 = '' OR assignee = ?5)
		ORDER BY due_at, id LIMIT ?4`,
	stmtTaskListRecent: `SELECT ` + taskCols + ` FROM tasks
		WHERE (?1 = 0 OR case_id = ?1) AND (?2 = '' OR kind = ?2) AND (?3 = '' OR state = ?3) AND (?5 = '' OR assignee = ?5)
		ORDER BY done_at DESC, id DESC LIMIT ?4`,

	stmtAttachmentInsert: `
		INSERT INTO attachments (conversation_id, message_id, case_id, name, content_type, size, data, url, created_at, uploaded_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
	stmtAttachmentsLink: `
		UPDATE attachments SET case_id = ? WHERE conversation_id = ? AND case_id IS NULL`,
	stmtAttachmentGet:      `SELECT ` + attachmentCols + `, data FROM attachments WHERE id = ?`,
	stmtAttachmentList:     `SELECT ` + attachmentCols + ` FROM attachments WHERE case_id = ? ORDER BY id`,
	stmtAttachmentListConv: `SELECT ` + attachmentCols + ` FROM attachments WHERE conversation_id = ? ORDER BY id`,
	stmtBotEventInsert: `
		INSERT INTO bot_events (conversation_id, case_id, channel, kind, reason, at) VALUES (?, ?, ?, ?, ?, ?)`,
	stmtBotEventsLink: `UPDATE bot_events SET case_id = ? WHERE conversation_id = ? AND case_id IS NULL`,
}

// stmts are the prepared queries, indexed by stmtID.
type stmts [numStmts]*sql.Stmt

// prepareAll prepares every query on db. It must run before any
// transaction is open (see above); on error nothing stays prepared.
func prepareAll(ctx context.Context, db *sql.DB) (*stmts, error) {
	var ps stmts
	for id, query := range queries {
		if query == "" {
			ps.close()
			return nil, fmt.Errorf("sqlite: statement %d has no query", id)
		}
		st, err := db.PrepareContext(ctx, query)
		if err != nil {
			ps.close()
			return nil, fmt.Errorf("sqlite: prepare %q: %w", query, err)
		}
		ps[id] = st
	}
	return &ps, nil
}

func (ps *stmts) close() error {
	var errs []error
	for i, st := range ps {
		if st != nil {
			errs = append(errs, st.Close())
			ps[i] = nil
		}
	}
	return errors.Join(errs...)
}

// stmt returns the prepared query id for ctx: bound to the transaction ctx
// carries, if any, else the pool's (with one connection, using the pool's
// inside a transaction would wait forever).
func (s *Store) stmt(ctx context.Context, id stmtID) *sql.Stmt {
	if t := s.ctxTx(ctx); t != nil {
		return t.stmt(ctx, id)
	}
	return s.stmts[id]
}

// stmt returns the prepared query id bound to this transaction. Bound
// statements are kept for the transaction's life (database/sql closes them
// at commit or rollback), so a query run in a loop is bound once.
func (t *Tx) stmt(ctx context.Context, id stmtID) *sql.Stmt {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st := t.stmts[id]; st != nil {
		return st
	}
	st := t.tx.StmtContext(ctx, t.s.stmts[id])
	// A failed bind carries its error into every use; with ctx done that
	// error may be this ctx's alone, so the next call binds again.
	if ctx.Err() == nil {
		t.stmts[id] = st
	}
	return st
}
