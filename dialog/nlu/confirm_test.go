package nlu

import "testing"

// TestConfirmationReading: a denied problem, mistake or change agrees
// ("没有问题" is no problem); a correction still corrects.
func TestConfirmationReading(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text            string
		yes, correction bool
	}{
		{"确认，没有问题", true, false},
		{"没问题，对的", true, false},
		{"对，就这样", true, false},
		{"是的没错", true, false},
		{"都对，没什么要改的", true, false},
		{"都没错了，不用改", true, false},
		{"確認，沒有問題", true, false},
		{"yes that's all correct", true, false},
		{"Yes, that's all correct.", true, false},
		{"all good, nothing to change", true, false},
		{"no problems, that's right", true, false},
		{"不对，电话是13900001111", false, true},
		{"有问题，电话写错了", false, true},
		{"没问题，就是电话改成13900001111", false, true},
		{"没错，但型号应该是XQG80", false, true},
		{"no, the phone is wrong", false, true},
		{"nothing to change except the phone, it should be 13900001111", false, true},
	} {
		if got := IsYes(tt.text); got != tt.yes {
			t.Errorf("IsYes(%q) = %v, want %v", tt.text, got, tt.yes)
		}
		if got := HasCorrection(tt.text); got != tt.correction {
			t.Errorf("HasCorrection(%q) = %v, want %v", tt.text, got, tt.correction)
		}
	}
}
