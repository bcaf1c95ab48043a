-- +goose Up
-- State a channel keeps between messages and across restarts (a WeChat
-- customer's 48-hour window, quota and recently sent outbox ids), one
-- opaque value per key, read and replaced atomically. A row past
-- expires_at reads as absent and is swept now and then.
CREATE TABLE channel_state (
    key        TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    expires_at TEXT, -- NULL: kept until replaced
    updated_at TEXT NOT NULL
);
CREATE INDEX channel_state_expires ON channel_state (expires_at) WHERE expires_at IS NOT NULL;

-- +goose Down
DROP TABLE channel_state;
