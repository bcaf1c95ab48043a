package dialog_test

import (
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// The mail's From name is the customer's name when it reads as a person's:
// it is not asked again, and the confirmation shows it for correction.
func TestDisplayNameIsTheName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mail := func(text string) []dialog.Reply {
		return b.event(dialog.Event{Kind: dialog.EventMessage, Text: text, Batch: true, ChannelEmail: "zhaolei@example.com", DisplayName: "赵磊"})
	}
	r := mail("洗衣机漏水了，型号XQB80-36，去年十月买的，电话13812345678")
	last := r[len(r)-1]
	if b.st.Fields[cases.FieldCustomerName] != "赵磊" || strings.Contains(last.Text, "姓名") {
		t.Fatalf("name %q; the bot asks:\n%s", b.st.Fields[cases.FieldCustomerName], last.Text)
	}
	for b.st.Phase == dialog.PhaseCollecting && len(b.replies) < 8 {
		r = mail("诉求：上门维修\n订单号：无\n批次：不知道\n发生时间：昨天\n使用环境：家里卫生间\n尝试过：重启过")
	}
	if b.st.Phase != dialog.PhaseConfirming || !strings.Contains(r[len(r)-1].Text, "赵磊") {
		t.Fatalf("phase %s; want the name in the confirmation: %+v", b.st.Phase, r)
	}
	// A name the customer says replaces the guess.
	mail("姓名写错了，我叫赵小磊")
	if got := b.st.Fields[cases.FieldCustomerName]; got != "赵小磊" {
		t.Errorf("after the correction the name is %q", got)
	}
}

func TestDisplayNameNotAName(t *testing.T) {
	t.Parallel()
	for _, display := range []string{"", "zhaolei@example.com", "Customer Service", "ACME Support", "京东客服", "鲜丰汇连锁超市",
		"Apple", "Marketing", "Best Buy", "info", "noreply", "Sales Dept", "Zhang Wei | ACME Ltd", "Office 365"} {
		b := setup(t)
		r := b.event(dialog.Event{Kind: dialog.EventMessage, Text: "洗衣机漏水了", Batch: true, ChannelEmail: "a@example.com", DisplayName: display})
		if got := b.st.Fields[cases.FieldCustomerName]; got != "" || !strings.Contains(r[len(r)-1].Text, "姓名") {
			t.Errorf("From name %q: taken as the name %q, or the name not asked:\n%s", display, got, r[len(r)-1].Text)
		}
	}
	for display, want := range map[string]string{"Zhao Lei": "Zhao Lei", "JOHN SMITH": "John Smith", "王先生": "王先生", "Mary-Jane O'Neil": "Mary-Jane O'Neil"} {
		b := setup(t)
		b.event(dialog.Event{Kind: dialog.EventMessage, Text: "My washing machine leaks.", Batch: true, ChannelEmail: "a@example.com", DisplayName: display})
		if got := b.st.Fields[cases.FieldCustomerName]; got != want {
			t.Errorf("From name %q: name %q, want %q", display, got, want)
		}
	}
}
