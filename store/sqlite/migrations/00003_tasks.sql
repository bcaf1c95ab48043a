-- Agent tasks: phone callbacks for unanswered P1/P2 surveys (SPEC §6) and
-- post-service follow-ups (SPEC §8). task_key makes a task unique per case
-- and purpose, so a timer that fires twice creates one task.

-- +goose Up
CREATE TABLE tasks (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL CHECK (kind IN ('callback', 'follow_up')),
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'done')),
    assignee   TEXT NOT NULL DEFAULT '',
    outcome    TEXT NOT NULL DEFAULT '',
    task_key   TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    claimed_at TEXT,
    done_at    TEXT
);
CREATE INDEX tasks_state_due ON tasks (state, due_at);
CREATE INDEX tasks_case ON tasks (case_id);

-- +goose Down
DROP TABLE tasks;
