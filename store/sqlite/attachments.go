package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kefu-dev/kefu/store/internal/scan"

	"github.com/kefu-dev/kefu/service"
)

func attachmentDest(a *service.AttachmentInfo) []any {
	return []any{&a.ID, scan.ID(&a.ConversationID), scan.ID(&a.MessageID), scan.ID(&a.CaseID), &a.Name,
		&a.ContentType, &a.Size, &a.URL, timeCol{&a.CreatedAt}, &a.UploadedBy}
}

// bytesOrNull stores no bytes as NULL, so "no data" reads back as nil.
func bytesOrNull(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// AttachmentInsert stores a file that came with a message.
func (t *Tx) AttachmentInsert(ctx context.Context, p service.AttachmentParams) (int64, error) {
	var id int64
	if err := t.stmt(ctx, stmtAttachmentInsert).QueryRowContext(ctx,
		idOrNull(p.ConversationID), idOrNull(p.MessageID), idOrNull(p.CaseID), p.Name, p.ContentType,
		len(p.Data), bytesOrNull(p.Data), p.URL, ts(t.s.orNow(p.At)), p.UploadedBy).Scan(&id); err != nil {
		return 0, fmt.Errorf("sqlite: insert attachment of conversation %d: %w", p.ConversationID, err)
	}
	return id, nil
}

// AttachmentsLink puts the conversation's attachments on no case on caseID.
func (t *Tx) AttachmentsLink(ctx context.Context, conversationID, caseID int64) error {
	if _, err := t.stmt(ctx, stmtAttachmentsLink).ExecContext(ctx, caseID, conversationID); err != nil {
		return fmt.Errorf("sqlite: link attachments of conversation %d to case %d: %w", conversationID, caseID, err)
	}
	return nil
}

// AttachmentGet returns an attachment with its bytes.
func (s *Store) AttachmentGet(ctx context.Context, id int64) (service.Attachment, error) {
	var a service.Attachment
	err := s.stmt(ctx, stmtAttachmentGet).QueryRowContext(ctx, id).Scan(append(attachmentDest(&a.AttachmentInfo), &a.Data)...)
	if errors.Is(err, sql.ErrNoRows) {
		return service.Attachment{}, notFound("attachment", id)
	}
	if err != nil {
		return service.Attachment{}, fmt.Errorf("sqlite: get attachment %d: %w", id, err)
	}
	if len(a.Data) == 0 {
		a.Data = nil
	}
	return a, nil
}

// AttachmentList returns a case's attachments without their bytes, oldest first.
func (s *Store) AttachmentList(ctx context.Context, caseID int64) ([]service.AttachmentInfo, error) {
	return s.attachments(ctx, stmtAttachmentList, caseID, "case")
}

// AttachmentListByConversation returns a conversation's attachments
// without their bytes, oldest first.
func (s *Store) AttachmentListByConversation(ctx context.Context, conversationID int64) ([]service.AttachmentInfo, error) {
	return s.attachments(ctx, stmtAttachmentListConv, conversationID, "conversation")
}

// attachments runs one of the attachment lists; of names the owner for errors.
func (s *Store) attachments(ctx context.Context, stmt stmtID, id int64, of string) ([]service.AttachmentInfo, error) {
	rows, err := s.stmt(ctx, stmt).QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list attachments of %s %d: %w", of, id, err)
	}
	defer rows.Close()
	var out []service.AttachmentInfo
	for rows.Next() {
		var a service.AttachmentInfo
		if err := rows.Scan(attachmentDest(&a)...); err != nil {
			return nil, fmt.Errorf("sqlite: scan attachment: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list attachments of %s %d: %w", of, id, err)
	}
	return out, nil
}
