-- +goose Up
-- The outbox plans per conversation (issue 10): a row carries the
-- customer's language and the message's facts (for template fields), and a
-- pending automatic status replaced by a newer one ends as 'superseded'
-- instead of going out as a stale duplicate. SQLite cannot change a CHECK
-- constraint, so the table is rebuilt; nothing references it.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER REFERENCES conversations (id),
    channel          TEXT NOT NULL,
    external_user_id TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL DEFAULT '',
    field            TEXT NOT NULL DEFAULT '',
    choices          TEXT NOT NULL DEFAULT 'null',
    kind             TEXT NOT NULL DEFAULT '',
    lang             TEXT NOT NULL DEFAULT '',
    facts            TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'superseded')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
INSERT INTO outbox_new (id, conversation_id, channel, external_user_id, text, field, choices, kind,
    status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at)
SELECT id, conversation_id, channel, external_user_id, text, field, choices, kind,
    status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_conversation ON outbox (conversation_id, id) WHERE status = 'pending';

-- +goose Down
CREATE TABLE outbox_old (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER REFERENCES conversations (id),
    channel          TEXT NOT NULL,
    external_user_id TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL DEFAULT '',
    field            TEXT NOT NULL DEFAULT '',
    choices          TEXT NOT NULL DEFAULT 'null',
    kind             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
INSERT INTO outbox_old (id, conversation_id, channel, external_user_id, text, field, choices, kind,
    status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at)
SELECT id, conversation_id, channel, external_user_id, text, field, choices, kind,
    CASE status WHEN 'superseded' THEN 'dead' ELSE status END, attempts, next_attempt_at, locked_until,
    last_error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_conversation ON outbox (conversation_id, id) WHERE status = 'pending';
