-- Case plan, resolution and milestones (JSON TEXT, NULL when unset), the
-- customer-visible flag of history entries, staff users, and the index the
-- conversation list uses.

-- +goose Up
ALTER TABLE cases ADD COLUMN plan TEXT;
ALTER TABLE cases ADD COLUMN resolution TEXT;
ALTER TABLE cases ADD COLUMN milestones TEXT;

ALTER TABLE case_history ADD COLUMN visible INTEGER NOT NULL DEFAULT 0;

CREATE INDEX conversations_phase_updated ON conversations (phase, updated_at);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE users;
DROP INDEX conversations_phase_updated;
ALTER TABLE case_history DROP COLUMN visible;
ALTER TABLE cases DROP COLUMN milestones;
ALTER TABLE cases DROP COLUMN resolution;
ALTER TABLE cases DROP COLUMN plan;
