-- +goose Up
-- A reply to a WeChat push is kept for the process holding the push's
-- request until origin_until: that process writes it into the request as
-- the passive reply, where another process's outbox would have sent it by
-- the API (issue 12). After that any process sends it.
ALTER TABLE outbox ADD COLUMN origin text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN origin_until timestamptz;

-- +goose Down
ALTER TABLE outbox DROP COLUMN origin_until;
ALTER TABLE outbox DROP COLUMN origin;
