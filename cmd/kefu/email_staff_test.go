package main

// Issue 10 through `kefu serve` and a real Dovecot: a customer who got
// many staff-triggered mails within the hour is still answered (the loop
// guard judges the customer's mail, not how many we sent); the mail's
// From name is the customer's name, confirmed instead of asked; the
// function check answered "1" with a signature under it starts the
// survey; the words the channel adds are in the customer's language.

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/configs"
)

// choiceLine is one numbered choice of ours: "1. 已恢复正常".
var choiceLine = regexp.MustCompile(`(?m)^(\d)\. (.+)$`)

func testEmailStaffMailsThenSurvey(t *testing.T, dbURL string) {
	// Quiet hours off: the test runs at any hour, and what it is about is
	// the loop guard, not the night.
	e := startEmail(t, emOpts{dbURL: dbURL, mod: func(c *configs.Config) { c.QuietHours = cases.QuietHours{} }})
	const zl = "zhaolei@example.com"
	e.deliver(t, custMail{From: zl, FromName: "赵磊", Subject: "洗衣机漏水", MessageID: "zl-1@example.com",
		Text: "你好，我家的洗衣机漏水了，型号XQB80-36，去年十月买的。电话13812345678。希望上门维修。"}.Raw())
	e.smtp.wait(t, zl, 1, "the first answer")

	// Intake by replies: whatever list the bot asks is answered, the
	// confirmation confirmed. The name is never asked: From says it.
	var c apiCase
	for round := 0; ; round++ {
		e.quiet(t)
		mails := e.smtp.to(t, zl)
		last := mails[len(mails)-1]
		if list := e.listCases(t); len(list) == 1 {
			c = list[0]
			break
		}
		if round > 5 {
			t.Fatalf("no case after %d rounds; last mail:\n%s", round, last.Text)
		}
		var answer string
		switch {
		case isAskAll(last):
			if strings.Contains(last.Text, "姓名") {
				t.Fatalf("the bot asks for the name although the mail is from 赵磊:\n%s", last.Text)
			}
			answer = "购买日期：2025年10月\n订单号：无\n批次号：不知道\n发生时间：昨天\n使用环境：家里卫生间\n尝试过：没有\n诉求：上门维修"
		case strings.Contains(last.Text, "请核对"):
			if !strings.Contains(last.Text, "赵磊") {
				t.Errorf("the confirmation does not show the name from From:\n%s", last.Text)
			}
			answer = "确认"
		default:
			t.Fatalf("unexpected mail in the intake:\n%s", last.Text)
		}
		e.deliver(t, replyTo(last, zl, fmt.Sprintf("zl-r%d@example.com", round), answer).Raw())
		e.smtp.wait(t, zl, len(mails)+1, "the answer to round "+fmt.Sprint(round))
	}
	if c.Fields["customer_name"] != "赵磊" {
		t.Errorf("case name %q, want 赵磊 from the mail's From", c.Fields["customer_name"])
	}

	// The staff write to the customer many times within the hour.
	_, admin, err := e.m.Service().Team().UserAdd(context.Background(), "赵管理", cases.RoleAdmin, "")
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.smtp.to(t, zl))
	now := time.Now()
	plan := fmt.Sprintf(`{"type":"onsite_repair","description":"工程师上门更换进水管","promised_at":%q,"visit_at":%q}`,
		now.Add(48*time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339))
	staffRequest(t, nil, e.base, admin, "POST", fmt.Sprintf("/api/v1/cases/%d/plan", c.ID), plan, nil)
	for i := 1; i <= 6; i++ {
		staffRequest(t, nil, e.base, admin, "POST", fmt.Sprintf("/api/v1/cases/%d/notes", c.ID),
			fmt.Sprintf(`{"text":"进度 %d：配件已安排","visible":true}`, i), nil)
	}
	e.smtp.wait(t, zl, before+7, "the plan and six notes")
	staffRequest(t, nil, e.base, admin, "POST", fmt.Sprintf("/api/v1/cases/%d/resolve", c.ID),
		`{"proof":"更换进水管，试机不再漏水","link":"https://kefu.example.com/proof/zl"}`, nil)
	var check *sentMail
	deadline := time.Now().Add(20 * time.Second)
	for check == nil {
		for _, m := range e.smtp.to(t, zl)[before:] {
			if strings.Contains(m.Text, "恢复正常") && choiceLine.MatchString(m.Text) {
				check = m
			}
		}
		if check == nil && time.Now().After(deadline) {
			t.Fatalf("no function check mail")
		}
		time.Sleep(20 * time.Millisecond) // polling for an asynchronous effect
	}
	e.quiet(t)
	mails := e.smtp.to(t, zl)
	if staff := len(mails) - before; staff < 8 {
		t.Fatalf("%d staff-triggered mails; the test needs at least 8", staff)
	}
	// The resolution and the function check are one mail, not two.
	if !strings.Contains(check.Text, "更换进水管，试机不再漏水") {
		t.Errorf("the function check came without the resolution:\n%s", check.Text)
	}
	if extra := len(mails) - before - 8; extra != 0 {
		t.Errorf("%d mails more than the plan, six notes and one for the resolution with its check", extra)
	}
	// The line under the choices is in the customer's language only.
	if !strings.Contains(check.Text, "请回复对应的数字") || strings.Contains(check.Text, "Reply with") {
		t.Errorf("the function check mixes languages or lacks the hint:\n%s", check.Text)
	}
	works := ""
	for _, m := range choiceLine.FindAllStringSubmatch(check.Text, -1) {
		if !strings.Contains(m[2], "不") && !strings.Contains(m[2], "没") {
			works = m[1]
			break
		}
	}
	if works == "" {
		t.Fatalf("no 'works' choice in:\n%s", check.Text)
	}

	// The customer answers the number and signs.
	n := len(mails)
	e.deliver(t, replyTo(check, zl, "zl-check@example.com", works+"\n\n赵磊").Raw())
	e.smtp.wait(t, zl, n+1, "the survey after the function check")
	e.quiet(t)
	in := e.inbound(t, zl)
	if last := in[len(in)-1]; strings.Contains(last.Kind, "auto_reply") {
		t.Fatalf("the customer's answer was stored as %q", last.Kind)
	}
	survey := false
	for _, m := range e.smtp.to(t, zl)[n:] {
		if strings.Contains(m.Text, "打个分") || strings.Contains(m.Text, "处理是否及时") {
			survey = true
		}
	}
	if !survey {
		var texts []string
		for _, m := range e.smtp.to(t, zl)[n:] {
			texts = append(texts, m.Text)
		}
		t.Errorf("no survey after the function check was answered; mails: %q", texts)
	}
}

func TestEmailServeStaffMailsThenSurveySQLite(t *testing.T) {
	t.Parallel()
	testEmailStaffMailsThenSurvey(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestEmailServeStaffMailsThenSurveyPostgres(t *testing.T) {
	t.Parallel()
	testEmailStaffMailsThenSurvey(t, testPostgres(t))
}
