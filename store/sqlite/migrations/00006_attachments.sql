-- +goose Up
-- Files that came with customer messages (a photo of the damage, a
-- receipt). data holds the bytes when the channel handed them over
-- (Telegram, email); url is the channel's link otherwise (a WeChat PicUrl).
-- case_id is set when the conversation's case exists, also for files sent
-- before the case was registered.
CREATE TABLE attachments (
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
CREATE INDEX attachments_conversation ON attachments (conversation_id) WHERE case_id IS NULL;
CREATE INDEX attachments_case ON attachments (case_id, id);

-- +goose Down
DROP TABLE attachments;
