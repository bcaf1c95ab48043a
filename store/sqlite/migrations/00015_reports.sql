-- +goose Up
-- The reports (issue 13) select the cases registered in a period.
CREATE INDEX cases_created ON cases (created_at);

-- +goose Down
DROP INDEX cases_created;
