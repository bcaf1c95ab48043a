package service_test

import (
	"testing"

	"github.com/kefu-dev/kefu/service"
)

// A message with NUL characters and broken UTF-8 is stored (PostgreSQL
// refuses NUL in text) and answered, and the channel goes on.
func TestReceivePoisonText(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := staffSetup(t, be)
			in := msg("nul-user", "nul-1", "洗衣机\x00不脱水\xff了")
			in.DisplayName = "张\x00三"
			rc, err := b.svc.Receive(b.ctx, in)
			if err != nil {
				t.Fatalf("a message with NUL: %v", err)
			}
			drain(t, b.svc)
			got, err := b.st.MessagesList(b.ctx, service.MessagesListParams{ConversationID: rc.ConversationID})
			if err != nil || len(got) == 0 || got[0].Text != "洗衣机不脱水\uFFFD了" {
				t.Fatalf("stored %+v, %v", got, err)
			}
			if len(got) < 2 || got[1].Direction != "out" {
				t.Errorf("no answer to the cleaned message: %+v", got)
			}
			if _, err := b.svc.Receive(b.ctx, msg("next-user", "next-1", "你好")); err != nil {
				t.Errorf("the next customer: %v", err)
			}
		})
	}
}
