package nlu

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Corpus a50: customers in voices the rules had not met (voice-to-text
// without punctuation, Chinese mixed with English, a numbered form,
// Indian English, a daughter writing for her father).
func TestExtractA50Voices(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	now := time.Date(2026, 5, 16, 19, 30, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []struct {
		text  string
		field cases.FieldKey
		want  string
	}{
		// Approximations are no names.
		{"买了半年左右", cases.FieldCustomerName, ""},
		{"姓刘 刘桂芳", cases.FieldCustomerName, "刘桂芳"},
		{"叫我 Kevin 就好, Kevin Zhou", cases.FieldCustomerName, "Kevin Zhou"},
		{"叫我 Kevin 就好", cases.FieldCustomerName, "Kevin"},
		// English words inside a Chinese sentence do not end the phrase.
		{"试过 update driver 和 reset BIOS 都没用", cases.FieldTried, "试过 update driver 和 reset BIOS"},
		{"已经拔掉放阳台了", cases.FieldTried, "已经拔掉放阳台了"},
		// A plan is not something tried.
		{"那我先開窗用幾天看看 謝謝", cases.FieldTried, ""},
		{"平板 Pad 11", cases.FieldProductModel, "Pad 11"},
		{"The espresso machine I received yesterday (Barista Pro 2, order #BR-558201) looks used", cases.FieldProductModel, "Barista Pro 2"},
		{"在家用 木地板", cases.FieldEnvironment, "在家用"},
		{"4. Location: our three juice bars in Leeds", cases.FieldEnvironment, "Location: our three juice bars in Leeds"},
		{"I have ordered one air cooler on 2nd of this month, order id FK99231457, till now not delivered", cases.FieldPurchaseDate, "2026-05-02"},
		// A time of day in a stretch that tells of the fault dates the
		// fault, though the next stretch says who bought it.
		{"我家那个电饭锅今天中午煮饭的时候盖子那里一直冒蒸汽然后饭是生的 我儿子给我买的", cases.FieldOccurredAt, "2026-05-16"},
		{"我家那个电饭锅今天中午煮饭的时候盖子那里一直冒蒸汽然后饭是生的 我儿子给我买的", cases.FieldPurchaseDate, ""},
		{"昨天下午买的 今天就坏了", cases.FieldPurchaseDate, "2026-05-15"},
		// Corpus a51: a British landline in English with no country named
		// (Germany's open plan used to take it), internet shorthand for
		// an order number.
		{"Facilities, Brightside Primary School\n01632 960 441", cases.FieldPhone, "+441632960441"},
		{"call me on 0161 832 7740", cases.FieldPhone, "+441618327740"},
		{"dd号 287736451290", cases.FieldPurchaseProof, "287736451290"},
	}
	for _, tt := range tests {
		got := x.Extract(tt.text, now)[tt.field]
		if got != tt.want {
			t.Errorf("%q: %s = %q, want %q", tt.text, tt.field, got, tt.want)
		}
	}
	if d, ok := ParseDemand("Kindly do the needful and tell me when it will come"); !ok || d != cases.DemandOther {
		t.Errorf("chasing a parcel: demand %q, want other", d)
	}
}
