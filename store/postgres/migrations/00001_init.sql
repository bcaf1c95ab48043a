-- +goose Up
CREATE TABLE customers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    display_name text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL
);

CREATE TABLE customer_identities (
    channel          text NOT NULL,
    external_user_id text NOT NULL,
    customer_id      bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (channel, external_user_id)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE conversations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customers (id),
    channel          text NOT NULL,
    external_user_id text NOT NULL,
    phase            text NOT NULL DEFAULT 'new',
    state            bytea, -- dialog state JSON, kept byte for byte
    case_id          bigint,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (channel, external_user_id)
);
CREATE INDEX conversations_customer ON conversations (customer_id);

CREATE TABLE messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id),
    channel         text NOT NULL,
    external_id     text NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('in', 'out')),
    text            text NOT NULL DEFAULT '',
    field           text NOT NULL DEFAULT '',
    choices         jsonb NOT NULL DEFAULT 'null',
    kind            text NOT NULL DEFAULT '',
    raw             bytea,
    at              timestamptz NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE cases (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                  text UNIQUE, -- set from id right after insert
    customer_id             bigint REFERENCES customers (id),
    conversation_id         bigint REFERENCES conversations (id),
    channel                 text NOT NULL DEFAULT '',
    source                  text NOT NULL DEFAULT '',
    language                text NOT NULL DEFAULT '',
    fields                  jsonb NOT NULL DEFAULT 'null',
    category                text NOT NULL DEFAULT '',
    subtype                 text NOT NULL DEFAULT '',
    priority                text NOT NULL DEFAULT '',
    reasons                 jsonb NOT NULL DEFAULT 'null',
    department              text NOT NULL DEFAULT '',
    state                   text NOT NULL,
    escalated               boolean NOT NULL DEFAULT false,
    deadline_first_response timestamptz,
    deadline_registration   timestamptz,
    deadline_classification timestamptz,
    deadline_start_by       timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);
CREATE INDEX cases_conversation ON cases (conversation_id, id);
CREATE INDEX cases_customer ON cases (customer_id, id);

CREATE TABLE case_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id),
    at         timestamptz NOT NULL,
    actor      text NOT NULL DEFAULT '',
    action     text NOT NULL DEFAULT '',
    field      text NOT NULL DEFAULT '',
    from_value text NOT NULL DEFAULT '',
    to_value   text NOT NULL DEFAULT '',
    reason     text NOT NULL DEFAULT ''
);
CREATE INDEX case_history_case ON case_history (case_id, at, id);

CREATE TABLE outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id  bigint REFERENCES conversations (id),
    channel          text NOT NULL,
    external_user_id text NOT NULL DEFAULT '',
    text             text NOT NULL DEFAULT '',
    field            text NOT NULL DEFAULT '',
    choices          jsonb NOT NULL DEFAULT 'null',
    kind             text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    locked_until     timestamptz,
    last_error       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
-- Claims scan pending rows only; the partial indexes keep sent history out.
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_conversation ON outbox (conversation_id, id) WHERE status = 'pending';

CREATE TABLE inbound_rejected (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel text NOT NULL,
    reason  text NOT NULL,
    raw     bytea,
    at      timestamptz NOT NULL
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
