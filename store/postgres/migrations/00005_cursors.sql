-- +goose Up
-- Durable channel positions (a Telegram update offset, an IMAP mailbox's
-- UIDVALIDITY and last UID), written in the same transaction as the
-- messages they cover.
CREATE TABLE cursors (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE cursors;
