package corpus

import (
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// The comparison rules of testdata/corpus/README.md.
func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k         cases.FieldKey
		want, got string
		ok        bool
	}{
		{cases.FieldPurchaseDate, "2025-11", "2025-11", true},
		{cases.FieldPurchaseDate, "2025-11", "2025-11-01", false}, // a day where only the month was said
		{cases.FieldPurchaseDate, "2025-11-11", "2025-11", false},
		{cases.FieldOccurredAt, "2026-05-11", "2026-05-11 02:00", true},
		{cases.FieldCustomerName, "张先生", "张", true},
		{cases.FieldCustomerName, "Ms Jane Smith", "jane smith", true},
		{cases.FieldCustomerName, "张伟", "张玮", false},
		{cases.FieldCompany, "深圳市华创科技有限公司", "华创科技有限公司", true},
		{cases.FieldCompany, "华创", "深圳市华创科技有限公司", false}, // too short a part
		{cases.FieldPhone, "+86 138 1234 5678", "13812345678", true},
		{cases.FieldPhone, "13812345678", "13812345679", false},
		{cases.FieldSymptom, "不脱水", "洗衣机不脱水了", true},
		{cases.FieldSymptom, "不脱水", "不加热", false},
		{cases.FieldProductModel, "XQG80-B12", "xqg80-b12", true},
		{cases.FieldProductModel, "BK-23L Pro", "BK-23L", false},
		{cases.FieldDemand, "repair", "", false},
		{cases.FieldEnvironment, "浴室", "放在浴室里", true},
		{cases.FieldTried, "none", "none", true},
		{cases.FieldTried, "none", "重启过", false},
	}
	for _, tc := range tests {
		if got := Match(tc.k, tc.want, tc.got); got != tc.ok {
			t.Errorf("Match(%s, %q, %q) = %v, want %v", tc.k, tc.want, tc.got, got, tc.ok)
		}
	}
}

// Score counts what each outcome got right, P1 recall and precision and
// spurious fields.
func TestScore(t *testing.T) {
	t.Parallel()
	smoke := &Conversation{ID: "a", Lang: "zh-CN", Expect: Expect{Category: cases.CategoryTechnical, Priority: cases.P1,
		Fields: map[string]string{"phone": "13812345678", "product_model": "KT-1"}}}
	scratch := &Conversation{ID: "b", Lang: "en", Expect: Expect{Category: cases.CategoryQuality, Priority: cases.P3,
		Fields: map[string]string{"customer_name": "Ann Lee"}}}
	r := Score([]Outcome{
		{Conversation: smoke, Category: cases.CategoryTechnical, Priority: cases.P2,
			Fields: map[string]string{"phone": "13812345678", "product_model": "KT-2", "email": "x@y.z"}, Replies: 4, NotUnderstood: 1},
		{Conversation: scratch, Category: cases.CategoryQuality, Priority: cases.P1,
			Fields: map[string]string{"customer_name": "Ann Lee"}, Replies: 4},
	})
	if r.Category.Right != 2 || r.Priority.Right != 0 {
		t.Errorf("category %+v priority %+v", r.Category, r.Priority)
	}
	if r.P1Recall.Right != 0 || r.P1Recall.Total != 1 || r.P1Precision.Right != 0 || r.P1Precision.Total != 1 {
		t.Errorf("P1 recall %+v precision %+v", r.P1Recall, r.P1Precision)
	}
	if r.Fields.Right != 2 || r.Fields.Total != 3 || r.Spurious != 1 {
		t.Errorf("fields %+v spurious %d", r.Fields, r.Spurious)
	}
	if r.NotUnderstood != 1 || r.Replies != 8 {
		t.Errorf("not understood %d of %d", r.NotUnderstood, r.Replies)
	}
}
