-- +goose Up
-- The one person responsible for a case (SPEC §4, 责任到人; issue 11);
-- NULL while the department as a whole has it.
ALTER TABLE cases ADD COLUMN assignee_id bigint REFERENCES users (id);
CREATE INDEX cases_assignee ON cases (assignee_id, id) WHERE assignee_id IS NOT NULL;

-- +goose Down
DROP INDEX cases_assignee;
ALTER TABLE cases DROP COLUMN assignee_id;
