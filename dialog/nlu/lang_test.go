package nlu

import "testing"

func TestDetectLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, want string
	}{
		// Simplified Chinese.
		{"洗衣机坏了", "zh-CN"},
		{"你好，我的洗衣机不脱水了，怎么办？", "zh-CN"},
		{"请问这个型号还能维修吗", "zh-CN"},
		{"我要退货", "zh-CN"},
		{"好的", "zh-CN"},              // no script marker: default simplified
		{"XQG80坏了", "zh-CN"},         // Han wins over the Latin code
		{"我的email是a@b.com", "zh-CN"}, // Han wins over the Latin words
		{"谢谢", "zh-CN"},

		// Traditional Chinese.
		{"洗衣機壞了", "zh-TW"},
		{"你好，我們的冰箱不製冷了，請問怎麼辦？", "zh-TW"},
		{"我要換貨", "zh-TW"},
		{"謝謝", "zh-TW"},
		{"這個問題還沒解決", "zh-TW"},
		{"電話號碼是0912345678", "zh-TW"},
		{"買了三個月就壞了", "zh-TW"},
		// One traditional character among many simplified ones is a typo.
		{"这个洗衣机买了没多久就坏了，電", "zh-CN"},

		// English.
		{"my washer is broken", "en"},
		{"Hi", "en"},
		{"ok", "en"},
		{"Model XQG80 stopped spinning", "en"},
		{"refund please!", "en"},

		// No signal.
		{"", ""},
		{"   ", ""},
		{"13812345678", ""},
		{"+86 138 1234 5678", ""},
		{"2023-11-11", ""},
		{"👍👍", ""},
		{"😡!!!", ""},
		{"XQG80-BX12", ""},
		{"JD20231111889900", ""},
		{"a@b.com", ""},
		{"?", ""},
		{"1", ""},
		{"こんにちは", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := DetectLanguage(tt.text); got != tt.want {
				t.Fatalf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// The script tables must not claim a character for both scripts, or the
// detector would count it twice.
func TestLangScriptTables(t *testing.T) {
	t.Parallel()
	if len(langScript.simp) < 300 || len(langScript.trad) < 300 {
		t.Fatalf("script tables too small: %d simplified, %d traditional", len(langScript.simp), len(langScript.trad))
	}
	for r := range langScript.simp {
		if langScript.trad[r] {
			t.Errorf("%q is in both tables", r)
		}
	}
	for _, r := range "們這個機電話請號貨錢題維換說沒為會裡應變當發開關體點還謝網買賣實單壞聽讓顯無樣處與給專業從歲時間現動" {
		if !langScript.trad[r] {
			t.Errorf("%q missing from the traditional table", r)
		}
	}
	for _, r := range "的是我你不了在有人好" {
		if langScript.trad[r] || langScript.simp[r] {
			t.Errorf("%q is shared by both scripts and must carry no signal", r)
		}
	}
}
