-- +goose Up
-- Files staff attach to a case (issue 11: the proof of a resolution, a
-- photo of the repaired part). uploaded_by is the staff actor ("user:7"),
-- '' for what a customer sent; a hotline case has no conversation, so
-- conversation_id may be NULL.
ALTER TABLE attachments ALTER COLUMN conversation_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN uploaded_by text NOT NULL DEFAULT '';
-- The console shows a conversation's files next to its messages.
CREATE INDEX attachments_conversation_all ON attachments (conversation_id, id);

-- +goose Down
DROP INDEX attachments_conversation_all;
DELETE FROM attachments WHERE conversation_id IS NULL;
ALTER TABLE attachments DROP COLUMN uploaded_by;
ALTER TABLE attachments ALTER COLUMN conversation_id SET NOT NULL;
