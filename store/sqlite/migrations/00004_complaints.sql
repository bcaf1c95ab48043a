-- Complaints of a case (SPEC §7) as one JSON TEXT column, NULL when none:
-- they are read and written with their case, like the plan.

-- +goose Up
ALTER TABLE cases ADD COLUMN complaints TEXT;

-- +goose Down
ALTER TABLE cases DROP COLUMN complaints;
