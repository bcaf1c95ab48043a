package dialog

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Regressions found by the golden transcripts.
func TestExtractRegressions(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []struct {
		text  string
		field cases.FieldKey
		want  string
	}{
		{"店裡電話 04-2325-6789", cases.FieldPhone, "04-23256789"},
		{"call our office on +86 (0)21 6255 1188", cases.FieldPhone, "021-62551188"},
		{"洗衣機型號 WT-SD159 不脫水", cases.FieldProductModel, "WT-SD159"},
		{"吹风机是去年底买的", cases.FieldPurchaseDate, "2025-12-31"},
		{"I bought it in November", cases.FieldPurchaseDate, "2025-11-01"},
		{"Name's Priya Nair", cases.FieldCustomerName, "Priya Nair"},
		{"我姓罗，罗志勇，电话18912345678", cases.FieldCustomerName, "罗志勇"},
		{"上周五送货安装的", cases.FieldPurchaseDate, "2026-03-06"},
	}
	for _, tc := range tests {
		if got := x.Extract(tc.text, now)[tc.field]; got != tc.want {
			t.Errorf("Extract(%q)[%s] = %q, want %q", tc.text, tc.field, got, tc.want)
		}
	}
	if got := x.Extract("the monitors reboot by themselves", now)[cases.FieldTried]; got != "" {
		t.Errorf("automatic behaviour recorded as tried: %q", got)
	}
	if got := x.Extract("手机昨晚升级完系统以后就闪退", now)[cases.FieldTried]; got != "" {
		t.Errorf("a cause recorded as tried: %q", got)
	}
	if d, ok := ParseDemand("请问快递什么时候能到"); ok {
		t.Errorf("a polite 请问 is not a demand, got %s", d)
	}
	if d, _ := ParseDemand("I'd like it repaired"); d != cases.DemandRepair {
		t.Errorf("repaired: %s", d)
	}
	if v, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, "HP-N30 Pro", now); !ok || v != "HP-N30 Pro" {
		t.Errorf("bare model answer: %q %v", v, ok)
	}
	if v, ok, _ := x.ParseFieldAnswer(cases.FieldPurchaseDate, "不记得了", now); !ok || v != cases.Unknown {
		t.Errorf("forgotten purchase date: %q %v", v, ok)
	}
}
