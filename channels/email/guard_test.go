package email

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// TestStaffMailsDoNotSilenceTheCustomer is issue 10's case: eight
// staff-triggered mails within the hour (plan, progress, resolution,
// function check…), then the customer answers the function check by
// replying to the last one. The answer is a person's and is answered; with
// a cap on our own mails it was stored as rate_limited and the survey never
// started.
func TestStaffMailsDoNotSilenceTheCustomer(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ctx := testContext(t)
	const cust = "zhaolei@example.com"
	if in := b.receive(t, []byte("From: =?utf-8?B?6LW156OK?= <zhaolei@example.com>\r\nTo: service@kefu.test\r\nSubject: 洗衣机漏水\r\n"+
		"Message-ID: <first@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n洗衣机漏水了\r\n")); in.Choice != "" {
		t.Fatalf("first mail: Choice %q", in.Choice)
	}
	kinds := []string{"reply", "plan", "progress", "progress", "plan", "progress", "resolution", "function_check"}
	for i, kind := range kinds {
		out := channels.Outbound{OutboxID: int64(10 + i), ConversationID: 42, ExternalUserID: cust, Kind: kind,
			Text: fmt.Sprintf("工单 K-000123：第 %d 封", i+1), CreatedAt: b.clock()}
		if kind == "function_check" {
			out.Choices = []channels.Choice{{Value: "works", Label: "已经好了"}, {Value: "broken", Label: "还是不行"}}
		}
		if err := b.ch.Send(ctx, out); err != nil {
			t.Fatal(err)
		}
		b.advance(5 * time.Minute)
	}
	sent := b.smtp.messages()
	if len(sent) != len(kinds) {
		t.Fatalf("%d mails sent, want %d", len(sent), len(kinds))
	}
	h, _ := parsed(t, sent[len(sent)-1].Data)
	lastID, _ := h.MessageID()
	in := b.receive(t, reply(cust, lastID, "1\r\n\r\n赵磊\r\n"))
	if in.Choice != "works" {
		t.Errorf("the answer to the function check after %d staff mails: Choice %q, want works", len(kinds), in.Choice)
	}
	if !strings.Contains(string(in.Raw), "X-Kefu-Reply-To-Outbox: 17") {
		t.Errorf("the answer does not name the function check it answers:\n%s", in.Raw)
	}
}

func TestGuardByTheMessage(t *testing.T) {
	t.Parallel()
	b := setupSend(t, nil)
	ours := "kefu.7.abc@kefu.test"
	plain := func(from, headers, subject, body string) []byte {
		return []byte(fmt.Sprintf("From: %s\r\nTo: service@kefu.test\r\nSubject: %s\r\n%sMessage-ID: <%d@sender.test>\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, subject, headers, time.Now().UnixNano(), body))
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"a person's plain reply to ours", plain("p1@example.com", "In-Reply-To: <"+ours+">\r\nReferences: <"+ours+">\r\n", "Re: [K-000123] 洗衣机漏水", "还是漏水，师傅什么时候来？"),
			""},
		{"X-Failed-Recipients", plain("mx@mail.example.com", "X-Failed-Recipients: nobody@example.com\r\n", "Mail delivery failed: returning message to sender", "This message was created automatically by mail delivery software."),
			"event:auto_reply:bounce"},
		{"no-reply sender", plain("no-reply@shop.example.com", "", "Your order", "Your order has shipped"), "event:auto_reply:no_reply"},
		{"VERP bounce address", plain("bounces+abc=kefu.test@mailer.example.com", "", "hello", "hello there"), "event:auto_reply:bounce"},
		{"our own Message-ID come back", []byte("From: someone@example.com\r\nTo: service@kefu.test\r\nSubject: Re: x\r\nMessage-ID: <" + ours + ">\r\n\r\nforwarded loop\r\n"),
			"event:auto_reply:own_address"},
		{"out-of-office wording without headers", plain("p2@example.com", "In-Reply-To: <"+ours+">\r\n", "Automatic reply: [K-000123] 洗衣机漏水", "Thank you for your email. I am out of the office until Monday with limited access to email."),
			"event:auto_reply:looks_automatic"},
		{"Chinese auto reply wording", plain("p3@example.com", "", "自动回复: 洗衣机漏水", "您好，我正在休假中，回来后尽快回复您。"), "event:auto_reply:looks_automatic"},
		{"Outlook bounce wording", plain("p4@example.com", "", "Undeliverable: Re: 洗衣机漏水", "Your message to x@y couldn't be delivered. Delivery has failed to these recipients."),
			"event:auto_reply:looks_automatic"},
		// A subject alone is not enough: people write such subjects.
		{"a person's subject that sounds automatic", plain("p5@example.com", "", "Out of office again and the dryer is still broken", "The dryer stopped again while I was away, please send someone."),
			""},
		{"a person mentioning an auto reply", plain("p6@example.com", "In-Reply-To: <"+ours+">\r\n", "Re: 洗衣机漏水", "你们的自动回复我看不懂，能不能打电话给我？"),
			""},
	} {
		if in := b.receive(t, tc.raw); in.Choice != tc.want {
			t.Errorf("%s: Choice %q, want %q", tc.name, in.Choice, tc.want)
		}
	}

	// A delivery report that is not multipart/report still is one.
	report := []byte("From: postbox@mail.example.com\r\nTo: service@kefu.test\r\nSubject: failure\r\nMessage-ID: <r1@mail.example.com>\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n")
	if in := b.receive(t, report); in.Choice != "event:auto_reply:bounce" {
		t.Errorf("a message/delivery-status part: Choice %q, want bounce", in.Choice)
	}
}

func TestBackstopCountsTheSendersMails(t *testing.T) {
	t.Parallel()
	b := setupSend(t, func(c *Config) { c.RepliesPerHour = 4 })
	const robot, person = "robot@example.com", "person@example.com"
	// A robot that marks nothing and says the same each time: answered
	// once, then its repetition is not.
	echo := "Thank you for contacting us. We will get back to you shortly."
	if in := b.receive(t, reply(robot, "kefu.1.a@kefu.test", echo)); in.Choice != "" {
		t.Fatalf("the first mail: Choice %q", in.Choice)
	}
	b.advance(time.Minute)
	if in := b.receive(t, reply(robot, "kefu.2.a@kefu.test", echo)); in.Choice != "event:auto_reply:repeated" {
		t.Errorf("the same text again: Choice %q, want repeated", in.Choice)
	}

	// A person answering questions repeats short answers ("1", "好的")
	// and corrects digits: none of that is a repetition.
	for i, text := range []string{"1", "1", "我的电话是13800000000，型号XQB80-36", "我的电话是13800000001，型号XQB80-36"} {
		if in := b.receive(t, reply(person, fmt.Sprintf("kefu.%d.b@kefu.test", 10+i), text)); in.Choice != "" {
			t.Errorf("person's mail %d %q: Choice %q", i+1, text, in.Choice)
		}
		b.advance(time.Minute)
	}
	// The count: RepliesPerHour of the sender's mails within the hour.
	if in := b.receive(t, reply(person, "kefu.20.b@kefu.test", "fifth mail in the hour")); in.Choice != "event:auto_reply:rate_limited" {
		t.Errorf("the fifth mail within the hour: Choice %q, want rate_limited", in.Choice)
	}
	b.advance(time.Hour)
	if in := b.receive(t, reply(person, "kefu.21.b@kefu.test", "an hour later")); in.Choice != "" {
		t.Errorf("an hour later: Choice %q", in.Choice)
	}
	// The robot, an hour later, is answered again (once).
	if in := b.receive(t, reply(robot, "kefu.3.a@kefu.test", echo)); in.Choice != "" {
		t.Errorf("the robot an hour later: Choice %q", in.Choice)
	}
}

func TestPickChoiceWithSignature(t *testing.T) {
	t.Parallel()
	choices := []channels.Choice{{Value: "works", Label: "已经好了"}, {Value: "broken", Label: "还是不行"}, {Value: "confirm", Label: "Confirm"}}
	for _, tc := range []struct{ text, want string }{
		{"1", "works"},
		{"2。", "broken"},
		{"1\n\n赵磊", "works"},
		{"2\n\nBest regards,\nJohn", "broken"},
		{"2\n\nBest regards,\nJohn Smith\nACME Ltd.\n+44 7700 900123", "broken"},
		{"已经好了\n\n谢谢！\n王芳\n13812345678", "works"},
		{"confirm\n-- \nHelen Marsh\nhelen@example.com", "confirm"},
		{"1\n\n此致\n敬礼\n李娜\n鲜丰汇连锁超市 采购经理", "works"},
		{"1\nbut the drum still rattles when it spins", ""},
		{"2\n但是滚筒转的时候还有异响，能不能再派人来看看", ""},
		{"1 and 2", ""},
		{"4", ""},
		{"", ""},
	} {
		if got := pickChoice(tc.text, choices); got != tc.want {
			t.Errorf("pickChoice(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
