-- Agent tasks: phone callbacks for unanswered P1/P2 surveys (SPEC §6) and
-- post-service follow-ups (SPEC §8). task_key makes a task unique per case
-- and purpose, so a timer that fires twice creates one task.

-- +goose Up
CREATE TABLE tasks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id),
    kind       text NOT NULL CHECK (kind IN ('callback', 'follow_up')),
    state      text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'done')),
    assignee   text NOT NULL DEFAULT '',
    outcome    text NOT NULL DEFAULT '',
    task_key   text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    due_at     timestamptz NOT NULL,
    claimed_at timestamptz,
    done_at    timestamptz
);
CREATE INDEX tasks_state_due ON tasks (state, due_at);
CREATE INDEX tasks_case ON tasks (case_id);

-- +goose Down
DROP TABLE tasks;
