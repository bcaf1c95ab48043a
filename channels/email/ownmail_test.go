package email

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"

	"github.com/kefu-dev/kefu/channels"
)

// A mail of its own (the monthly report to a manager who also writes to
// the service as a customer) has its own subject, threads on nothing, and
// carries its file; the address's thread keeps its choices.
func TestSendOwnMailWithAttachment(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ctx := context.Background()
	// The manager wrote to the service before: a thread with choices.
	b.receive(t, []byte("From: boss@corp.test\r\nTo: service@kefu.test\r\nSubject: 洗衣机坏了\r\nMessage-ID: <m1@corp.test>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n洗衣机不脱水"))
	if err := b.ch.Send(ctx, channels.Outbound{OutboxID: 1, Channel: channels.Email, ConversationID: 7, ExternalUserID: "boss@corp.test",
		Text: "请问型号？", Choices: []channels.Choice{{Value: "a", Label: "A"}}}); err != nil {
		t.Fatal(err)
	}
	book := []byte("PK\x03\x04 not really a workbook \x00\xff")
	out := channels.Outbound{OutboxID: 2, Channel: channels.Email, ExternalUserID: "Boss@corp.test", Kind: "report",
		Text: "附件是十一月的报告。", Facts: channels.Facts{Subject: "售后服务月度报告 2026-11"},
		Attachments: []channels.Attachment{{Name: "kefu-report-2026-11.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: book}}}
	if err := b.ch.Send(ctx, out); err != nil {
		t.Fatal(err)
	}
	msgs := b.smtp.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want 2", len(msgs))
	}
	mr, err := mail.CreateReader(bytes.NewReader(msgs[1].Data))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := mr.Header.Subject(); subj != "售后服务月度报告 2026-11" {
		t.Errorf("subject %q", subj)
	}
	if mr.Header.Get("In-Reply-To") != "" || mr.Header.Get("References") != "" || mr.Header.Get("X-Kefu-Case") != "" {
		t.Errorf("a mail of its own threads: %v", mr.Header.Header.Map())
	}
	if mr.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q", mr.Header.Get("Auto-Submitted"))
	}
	var text string
	var files []string
	var data []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				text = string(body)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			files, data = append(files, name), body
		}
	}
	if !strings.Contains(text, "十一月的报告") || len(files) != 1 || files[0] != "kefu-report-2026-11.xlsx" || !bytes.Equal(data, book) {
		t.Errorf("text %q, files %q, data %q", text, files, data)
	}
	th, _ := b.store.ThreadGet(ctx, "boss@corp.test")
	if len(th.Choices) != 1 || th.Subject != "洗衣机坏了" || len(th.Sent) != 2 {
		t.Errorf("thread after the report: %+v", th)
	}
	// Tried again after a crash: not sent twice.
	if err := b.ch.Send(ctx, out); err != nil || len(b.smtp.messages()) != 2 {
		t.Errorf("resend: %v, %d mails", err, len(b.smtp.messages()))
	}
}
