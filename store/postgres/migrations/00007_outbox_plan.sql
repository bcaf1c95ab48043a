-- +goose Up
-- The outbox plans per conversation (issue 10): a row carries the
-- customer's language and the message's facts (for template fields), and a
-- pending automatic status replaced by a newer one ends as 'superseded'
-- instead of going out as a stale duplicate.
ALTER TABLE outbox ADD COLUMN lang text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN facts jsonb NOT NULL DEFAULT '{}';
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'dead', 'superseded'));

-- +goose Down
UPDATE outbox SET status = 'dead' WHERE status = 'superseded';
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'dead'));
ALTER TABLE outbox DROP COLUMN facts;
ALTER TABLE outbox DROP COLUMN lang;
