-- +goose Up
-- The W3C trace context (traceparent) of what queued a row, so its send
-- continues the trace of the customer message that caused it.
ALTER TABLE outbox ADD COLUMN trace_parent text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN trace_parent;
