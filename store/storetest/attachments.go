package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/kefu-dev/kefu/service"
)

func testAttachments(t *testing.T, s service.Store) {
	ctx := context.Background()
	c := seedCase(t, s, "attach-user")
	conv, err := s.ConversationGetByID(ctx, c.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	other := seed(t, s, "attach-other")
	photo := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 0, 'J', 'F', 'I', 'F'} // NULs kept
	var before, url, onCase, elsewhere, msgID int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if msgID, _, err = tx.MessageInsert(ctx, service.MessageParams{ConversationID: conv.ID, Channel: conv.Channel,
			ExternalID: "att-m1", Direction: "in", Text: "[image/jpeg] dent.jpg", At: t0}); err != nil {
			return err
		}
		if before, err = tx.AttachmentInsert(ctx, service.AttachmentParams{ConversationID: conv.ID, MessageID: msgID,
			Name: "dent.jpg", ContentType: "image/jpeg", Data: photo, At: t0}); err != nil {
			return err
		}
		if url, err = tx.AttachmentInsert(ctx, service.AttachmentParams{ConversationID: conv.ID,
			Name: "pic", ContentType: "image/jpeg", URL: "https://img.example.com/1.jpg", At: t0}); err != nil {
			return err
		}
		elsewhere, err = tx.AttachmentInsert(ctx, service.AttachmentParams{ConversationID: other.ID,
			Name: "other.png", ContentType: "image/png", Data: []byte("png"), At: t0})
		return err
	})
	if before == 0 || url == 0 || elsewhere == 0 || before == url {
		t.Fatalf("ids %d %d %d", before, url, elsewhere)
	}

	a, err := s.AttachmentGet(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Data, photo) || a.Size != int64(len(photo)) || a.Name != "dent.jpg" || a.ContentType != "image/jpeg" ||
		a.ConversationID != conv.ID || a.MessageID != msgID || a.CaseID != 0 || a.URL != "" || a.ID != before {
		t.Errorf("round trip: %+v", a)
	}
	sameTime(t, "CreatedAt", a.CreatedAt, t0)
	if u, err := s.AttachmentGet(ctx, url); err != nil || u.Data != nil || u.Size != 0 || u.URL != "https://img.example.com/1.jpg" || u.MessageID != 0 {
		t.Errorf("url only: %+v %v", u, err)
	}
	if l, err := s.AttachmentList(ctx, c.ID); err != nil || len(l) != 0 {
		t.Errorf("list before link: %+v %v", l, err)
	}

	// Registration links what came before; a file sent afterwards goes on
	// the case directly, and linking again moves nothing.
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		if err := tx.AttachmentsLink(ctx, conv.ID, c.ID); err != nil {
			return err
		}
		if onCase, err = tx.AttachmentInsert(ctx, service.AttachmentParams{ConversationID: conv.ID, CaseID: c.ID,
			Name: "receipt.pdf", ContentType: "application/pdf", Data: []byte("%PDF"), At: t0}); err != nil {
			return err
		}
		return tx.AttachmentsLink(ctx, conv.ID, c.ID)
	})
	l, err := s.AttachmentList(ctx, c.ID)
	if err != nil || len(l) != 3 || l[0].ID != before || l[1].ID != url || l[2].ID != onCase {
		t.Fatalf("list after link: %+v %v", l, err)
	}
	if l[0].Size != int64(len(photo)) || l[0].Name != "dent.jpg" || l[0].CaseID != c.ID || l[2].Size != 4 {
		t.Errorf("listed: %+v", l)
	}
	if a, err := s.AttachmentGet(ctx, elsewhere); err != nil || a.CaseID != 0 {
		t.Errorf("another conversation's attachment was linked: %+v %v", a, err)
	}
	if l, err := s.AttachmentListByConversation(ctx, conv.ID); err != nil || len(l) != 3 || l[0].ID != before || l[0].MessageID != msgID || l[2].ID != onCase {
		t.Errorf("the conversation's files: %+v %v", l, err)
	}

	// Staff attach a file to a case without a conversation (a hotline
	// case): it names who uploaded it.
	var staff int64
	inTx(t, s, func(ctx context.Context, tx service.Tx) (err error) {
		staff, err = tx.AttachmentInsert(ctx, service.AttachmentParams{CaseID: c.ID, Name: "proof.png", ContentType: "image/png",
			Data: []byte("png"), At: t0, UploadedBy: "user:7"})
		return err
	})
	if a, err := s.AttachmentGet(ctx, staff); err != nil || a.ConversationID != 0 || a.UploadedBy != "user:7" || a.CaseID != c.ID {
		t.Errorf("a staff file: %+v %v", a, err)
	}

	// A rolled-back insert leaves nothing.
	var gone int64
	if err := s.InTx(ctx, func(ctx context.Context, tx service.Tx) (err error) {
		if gone, err = tx.AttachmentInsert(ctx, service.AttachmentParams{ConversationID: conv.ID, Name: "x", Data: []byte("x"), At: t0}); err != nil {
			return err
		}
		return errBoom
	}); err != errBoom {
		t.Fatalf("InTx = %v, want boom", err)
	}
	_, err = s.AttachmentGet(ctx, gone)
	wantNotFound(t, "rolled-back attachment", err)
	_, err = s.AttachmentGet(ctx, 999999)
	wantNotFound(t, "missing attachment", err)
}
