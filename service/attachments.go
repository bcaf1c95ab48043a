package service

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/cases"
)

// AttachmentGet returns a file a customer sent, with its bytes (nil when
// only the channel's link is kept, in URL). Reading it takes permission to
// read its case; a file on no case yet (the conversation is still in
// intake) takes the permission to work conversations (ActionTakeover).
func (s *Team) AttachmentGet(ctx context.Context, u cases.User, id int64) (Attachment, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return Attachment{}, err
	}
	a, err := s.opt.Store.AttachmentGet(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	if a.CaseID == 0 {
		// The conversation is still in intake: for those who work the
		// conversation queue, not for every department's handlers.
		if err := u.Can(cases.ActionTakeover, nil); err != nil {
			return Attachment{}, err
		}
		return a, nil
	}
	c, err := s.opt.Store.CaseGetByID(ctx, a.CaseID)
	if err != nil {
		return Attachment{}, err
	}
	if err := u.Can(cases.ActionRead, c); err != nil {
		return Attachment{}, err
	}
	return a, nil
}

// MaxStaffFile caps a file staff attach to a case.
const MaxStaffFile = 10 << 20

// CaseAttach stores a file staff attach to a case (the proof of a
// resolution, a photo of the repaired part), for whoever may add notes to
// it. The content type is sniffed from the bytes, not taken from the
// browser, and the name is reduced to a plain base name.
func (s *Team) CaseAttach(ctx context.Context, u cases.User, id int64, name string, data []byte) (AttachmentInfo, error) {
	switch {
	case len(data) == 0:
		return AttachmentInfo{}, cases.Errorf(cases.EInvalid, "file: empty")
	case len(data) > MaxStaffFile:
		return AttachmentInfo{}, cases.Errorf(cases.ETooLarge, fmt.Sprintf("file: larger than %d MiB", MaxStaffFile>>20))
	}
	info := AttachmentInfo{CaseID: id, Name: cleanFileName(name), ContentType: http.DetectContentType(data),
		Size: int64(len(data)), UploadedBy: u.Actor()}
	err := s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.CaseGet(ctx, id)
		if err != nil {
			return err
		}
		if err := u.Can(cases.ActionNote, c); err != nil {
			return err
		}
		now := s.opt.Now()
		info.ConversationID, info.CreatedAt = c.ConversationID, now
		if info.ID, err = tx.AttachmentInsert(ctx, AttachmentParams{ConversationID: c.ConversationID, CaseID: c.ID,
			Name: info.Name, ContentType: info.ContentType, Data: data, At: now, UploadedBy: info.UploadedBy}); err != nil {
			return err
		}
		return tx.CaseHistoryInsert(ctx, cases.Change{CaseID: c.ID, At: now, Actor: u.Actor(), Action: "attachment", To: info.Name})
	})
	if err != nil {
		return AttachmentInfo{}, err
	}
	return info, nil
}

// cleanFileName keeps the base name of what a browser sent (some send a
// whole Windows path), valid UTF-8 without control characters, at most 120
// characters; an empty result becomes "file".
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

// ConversationAttachments lists the files of a conversation, oldest first,
// for whoever may read its transcript: what the console shows next to the
// messages they came with.
func (s *Team) ConversationAttachments(ctx context.Context, u cases.User, id int64) ([]AttachmentInfo, error) {
	if _, err := s.readableConversation(ctx, u, id); err != nil {
		return nil, err
	}
	return s.opt.Store.AttachmentListByConversation(ctx, id)
}
