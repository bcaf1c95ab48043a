-- Complaints of a case (SPEC §7) as one jsonb column, NULL when none:
-- they are read and written with their case, like the plan.

-- +goose Up
ALTER TABLE cases ADD COLUMN complaints jsonb;

-- +goose Down
ALTER TABLE cases DROP COLUMN complaints;
