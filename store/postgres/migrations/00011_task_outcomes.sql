-- +goose Up
-- Structured outcomes of callbacks and follow-ups (issue 11, SPEC §8):
-- how many calls were tried, what came of the last one (satisfied,
-- not_satisfied, unreachable; '' for a free-text outcome), the customer's
-- suggestion or what to improve, and the complaint a "not satisfied"
-- opened (its number on the case; 0 = none). outcome stays the agent's
-- free note.
ALTER TABLE tasks ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN result text NOT NULL DEFAULT ''
    CHECK (result IN ('', 'satisfied', 'not_satisfied', 'unreachable'));
ALTER TABLE tasks ADD COLUMN suggestion text NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN complaint integer NOT NULL DEFAULT 0;
CREATE INDEX tasks_assignee_state ON tasks (assignee, state, due_at);

-- +goose Down
DROP INDEX tasks_assignee_state;
ALTER TABLE tasks DROP COLUMN complaint;
ALTER TABLE tasks DROP COLUMN suggestion;
ALTER TABLE tasks DROP COLUMN result;
ALTER TABLE tasks DROP COLUMN attempts;
