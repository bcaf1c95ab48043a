-- Times are TEXT in one fixed-width UTC format (2006-01-02T15:04:05.000000Z)
-- so they sort and compare as strings. JSON columns are TEXT.

-- +goose Up
CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE customer_identities (
    channel          TEXT NOT NULL,
    external_user_id TEXT NOT NULL,
    customer_id      INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (channel, external_user_id)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    channel          TEXT NOT NULL,
    external_user_id TEXT NOT NULL,
    phase            TEXT NOT NULL DEFAULT 'new',
    state            BLOB,
    case_id          INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (channel, external_user_id)
);
CREATE INDEX conversations_customer ON conversations (customer_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    channel         TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    text            TEXT NOT NULL DEFAULT '',
    field           TEXT NOT NULL DEFAULT '',
    choices         TEXT NOT NULL DEFAULT 'null',
    kind            TEXT NOT NULL DEFAULT '',
    raw             BLOB,
    at              TEXT NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE cases (
    id                      INTEGER PRIMARY KEY,
    number                  TEXT UNIQUE, -- set from id right after insert
    customer_id             INTEGER REFERENCES customers (id),
    conversation_id         INTEGER REFERENCES conversations (id),
    channel                 TEXT NOT NULL DEFAULT '',
    source                  TEXT NOT NULL DEFAULT '',
    language                TEXT NOT NULL DEFAULT '',
    fields                  TEXT NOT NULL DEFAULT 'null',
    category                TEXT NOT NULL DEFAULT '',
    subtype                 TEXT NOT NULL DEFAULT '',
    priority                TEXT NOT NULL DEFAULT '',
    reasons                 TEXT NOT NULL DEFAULT 'null',
    department              TEXT NOT NULL DEFAULT '',
    state                   TEXT NOT NULL,
    escalated               INTEGER NOT NULL DEFAULT 0,
    deadline_first_response TEXT,
    deadline_registration   TEXT,
    deadline_classification TEXT,
    deadline_start_by       TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX cases_conversation ON cases (conversation_id, id);
CREATE INDEX cases_customer ON cases (customer_id, id);

CREATE TABLE case_history (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL DEFAULT '',
    field   TEXT NOT NULL DEFAULT '',
    from_value TEXT NOT NULL DEFAULT '',
    to_value   TEXT NOT NULL DEFAULT '',
    reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_history_case ON case_history (case_id, at, id);

CREATE TABLE outbox (
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
-- Claims scan pending rows only; the partial indexes keep sent history out.
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_conversation ON outbox (conversation_id, id) WHERE status = 'pending';

CREATE TABLE inbound_rejected (
    id      INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    reason  TEXT NOT NULL,
    raw     BLOB,
    at      TEXT NOT NULL
);

-- +goose Down
DROP TABLE inbound_rejected;
DROP TABLE outbox;
DROP TABLE case_history;
DROP TABLE cases;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE customer_identities;
DROP TABLE customers;
