-- +goose Up
-- Files staff attach to a case (issue 11: the proof of a resolution, a
-- photo of the repaired part). uploaded_by is the staff actor ("user:7"),
-- '' for what a customer sent; a hotline case has no conversation, so
-- conversation_id may be NULL. SQLite cannot drop a NOT NULL constraint,
-- so the table is rebuilt; nothing references it.
CREATE TABLE attachments_new (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations (id),
    message_id      INTEGER REFERENCES messages (id),
    case_id         INTEGER REFERENCES cases (id),
    name            TEXT NOT NULL DEFAULT '',
    content_type    TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0,
    data            BLOB,
    url             TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL DEFAULT ''
);
INSERT INTO attachments_new (id, conversation_id, message_id, case_id, name, content_type, size, data, url, created_at)
    SELECT id, conversation_id, message_id, case_id, name, content_type, size, data, url, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_conversation ON attachments (conversation_id) WHERE case_id IS NULL;
CREATE INDEX attachments_case ON attachments (case_id, id);
-- The console shows a conversation's files next to its messages.
CREATE INDEX attachments_conversation_all ON attachments (conversation_id, id);

-- +goose Down
DELETE FROM attachments WHERE conversation_id IS NULL;
CREATE TABLE attachments_old (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    message_id      INTEGER REFERENCES messages (id),
    case_id         INTEGER REFERENCES cases (id),
    name            TEXT NOT NULL DEFAULT '',
    content_type    TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0,
    data            BLOB,
    url             TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
INSERT INTO attachments_old SELECT id, conversation_id, message_id, case_id, name, content_type, size, data, url, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_old RENAME TO attachments;
CREATE INDEX attachments_conversation ON attachments (conversation_id) WHERE case_id IS NULL;
CREATE INDEX attachments_case ON attachments (case_id, id);
