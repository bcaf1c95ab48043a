-- +goose Up
-- The reports (issue 13) select the cases registered in a period, and
-- read complaints from the cases that have any.
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX cases_complaints ON cases (id) WHERE complaints IS NOT NULL;

-- +goose Down
DROP INDEX cases_complaints;
DROP INDEX cases_created;
