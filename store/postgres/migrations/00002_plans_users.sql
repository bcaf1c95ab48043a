-- Case plan, resolution and milestones (jsonb, NULL when unset), the
-- customer-visible flag of history entries, staff users, and the index the
-- conversation list uses.

-- +goose Up
ALTER TABLE cases
    ADD COLUMN plan       jsonb,
    ADD COLUMN resolution jsonb,
    ADD COLUMN milestones jsonb;

ALTER TABLE case_history ADD COLUMN visible boolean NOT NULL DEFAULT false;

CREATE INDEX conversations_phase_updated ON conversations (phase, updated_at);

CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL,
    department text NOT NULL DEFAULT '',
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    disabled   boolean NOT NULL DEFAULT false
);

-- +goose Down
DROP TABLE users;
DROP INDEX conversations_phase_updated;
ALTER TABLE case_history DROP COLUMN visible;
ALTER TABLE cases
    DROP COLUMN milestones,
    DROP COLUMN resolution,
    DROP COLUMN plan;
