-- +goose Up
-- What the bot did, for the report's bot figures (issue 13): one row per
-- customer message the bot answered, question it put, answer it did not
-- understand, handoff and registration, written in the transaction of the
-- step that did it. case_id is the case the conversation's intake led to,
-- set when it is registered.
CREATE TABLE bot_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id),
    case_id         bigint REFERENCES cases (id),
    channel         text NOT NULL,
    kind            text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL
);
CREATE INDEX bot_events_at ON bot_events (at);
CREATE INDEX bot_events_conversation ON bot_events (conversation_id, id);

-- The monthly reports sent, one row per month: written in the transaction
-- that queues the mail and the webhook event, so a month goes out once
-- however many processes look and however often they restart.
CREATE TABLE monthly_reports (
    month      text PRIMARY KEY, -- 2006-01 in the deployment's zone
    created_at timestamptz NOT NULL
);

-- Files an outbox row carries (the monthly report's workbook); a channel
-- that can attach files reads them when it delivers the row.
CREATE TABLE outbox_files (
    outbox_id    bigint NOT NULL REFERENCES outbox (id),
    n            integer NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    data         bytea NOT NULL,
    PRIMARY KEY (outbox_id, n)
);

-- +goose Down
DROP TABLE outbox_files;
DROP TABLE monthly_reports;
DROP TABLE bot_events;
