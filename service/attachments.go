package service

import (
	"context"

	"github.com/kefu-dev/kefu/cases"
)

// AttachmentGet returns a file a customer sent, with its bytes (nil when
// only the channel's link is kept, in URL). Reading it takes permission to
// read its case; a file on no case yet (the conversation is still in
// intake) takes the permission to work conversations (ActionTakeover).
func (s *Service) AttachmentGet(ctx context.Context, u cases.User, id int64) (Attachment, error) {
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
