package service_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// TestReportBot drives conversations through the real dialog and checks
// the report's bot figures against a count of their transcripts.
func TestReportBot(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			sh, err := time.LoadLocation("Asia/Shanghai")
			if err != nil {
				t.Fatal(err)
			}
			b := staffSetup(t, be)
			b.svc = service.New(service.Options{
				Store: b.st, Engine: engine(t), SLA: configs.Default().SLA, Now: b.clk.Now, Logger: quiet(),
				Lifecycle: service.Lifecycle{Location: sh}, Senders: map[channels.ID]channels.Sender{channels.WebChat: b.snd},
			})
			talk := func(ch channels.ID, user string, start time.Time, turns ...string) int64 {
				t.Helper()
				b.clk.t = start
				var conv int64
				for i, text := range turns {
					rc, err := b.svc.Receive(b.ctx, channels.Inbound{Channel: ch, ExternalUserID: user, ExternalMessageID: fmt.Sprint(user, i), Text: text})
					if err != nil {
						t.Fatal(err)
					}
					conv = rc.ConversationID
					b.clk.Add(time.Minute)
				}
				drain(t, b.svc)
				return conv
			}
			nov := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, sh) }
			full := "我叫李雷，电话13900001111，洗衣机不脱水，型号XQG100，上个月买的，需要上门维修"
			// A: registered alone; asked to confirm (1 question), 2 messages.
			talk(channels.WebChat, "bot-a", nov(3, 10), full, "确认")
			// B: greeting asks the problem, "asdfgh" is taken as it and the
			// model is asked, then the details and the confirmation: 3
			// questions, 4 messages, registered alone.
			talk(channels.WebChat, "bot-b", nov(5, 10), "你好", "asdfgh",
				"我叫韩梅梅，电话13700001111，洗衣机XQG80不脱水了，上个月买的，想上门维修", "确认")
			// C: the model is asked, then a person wanted: a handoff
			// (customer_request) and a draft filed for the agent; 2 messages.
			talk(channels.WebChat, "bot-c", nov(10, 10), "洗衣机坏了", "转人工")
			// D: the model asked, then twice "didn't understand", then a
			// handoff (too_many_attempts) with a draft; 5 messages.
			d := talk(channels.WebChat, "bot-d", nov(12, 10), "你好", "qwe", "zxc", "vbn", "rty")
			// E: on Telegram, a person at once: a handoff without a draft.
			talk(channels.Telegram, "bot-e", nov(30, 23), "转人工")
			// Outside November: registered alone on Oct 31 and on Dec 1.
			talk(channels.WebChat, "bot-f", time.Date(2026, 10, 31, 23, 57, 0, 0, sh), full, "确认")
			talk(channels.WebChat, "bot-g", time.Date(2026, 12, 1, 0, 0, 0, 0, sh), full, "确认")

			// The "didn't understand" replies the customer of D got.
			msgs, err := b.st.MessagesList(b.ctx, service.MessagesListParams{ConversationID: d, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			retries := 0
			for _, m := range msgs {
				if m.Direction == "out" && m.Kind == "retry" {
					retries++
				}
			}
			if retries != 2 {
				for _, m := range msgs {
					t.Logf("%s %q %q %q", m.Direction, m.Field, m.Kind, m.Text)
				}
				t.Fatalf("D got %d \"didn't understand\" replies, the count below assumes 2", retries)
			}

			admin := b.user("admin", cases.RoleAdmin, "")
			month := service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01"}
			for _, tc := range []struct {
				name string
				f    service.ReportFilter
				want service.ReportBot
			}{
				{"november", month, service.ReportBot{
					Conversations: 5, Intakes: 5, Alone: 2, AloneShare: 0.4, Registered: 2, ForAgent: 2,
					Questions: 4, QuestionsPerCase: 2, Handoffs: 3,
					HandoffsByReason: counts("customer_request", 2, "too_many_attempts", 1),
					Messages:         14, NotUnderstood: 2, NotUnderstoodRate: 2.0 / 14,
				}},
				{"web chat", service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01", Channel: "webchat"}, service.ReportBot{
					Conversations: 4, Intakes: 4, Alone: 2, AloneShare: 0.5, Registered: 2, ForAgent: 2,
					Questions: 4, QuestionsPerCase: 2, Handoffs: 2,
					HandoffsByReason: counts("customer_request", 1, "too_many_attempts", 1),
					Messages:         13, NotUnderstood: 2, NotUnderstoodRate: 2.0 / 13,
				}},
				// A, B and C's draft are technical (D's is a consultation,
				// E has no case): their intakes only.
				{"technical", service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01", Category: cases.CategoryTechnical}, service.ReportBot{
					Conversations: 3, Intakes: 3, Alone: 2, AloneShare: 2.0 / 3, Registered: 2, ForAgent: 1,
					Questions: 4, QuestionsPerCase: 2, Handoffs: 1,
					HandoffsByReason: counts("customer_request", 1),
					Messages:         8,
				}},
				{"october", service.ReportFilter{FromDate: "2026-10-01", ToDate: "2026-11-01"}, service.ReportBot{
					Conversations: 1, Intakes: 1, Alone: 1, AloneShare: 1, Registered: 1, Questions: 1, QuestionsPerCase: 1,
					HandoffsByReason: counts(), Messages: 2,
				}},
			} {
				r, err := b.svc.Team().ReportSummary(b.ctx, admin, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				got := r.Bot
				if !slices.Equal(got.HandoffsByReason, tc.want.HandoffsByReason) {
					t.Errorf("%s: handoffs by reason %v, want %v", tc.name, got.HandoffsByReason, tc.want.HandoffsByReason)
				}
				got.HandoffsByReason, tc.want.HandoffsByReason = nil, nil
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("%s: bot =\n%+v, want\n%+v", tc.name, got, tc.want)
				}
			}
		})
	}
}
