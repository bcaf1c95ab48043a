package nlu

import "testing"

func TestPhoneTail(t *testing.T) {
	for in, want := range map[string]string{
		"不對 尾號是 687":                           "687",
		"sorry, last digits are 0183 not 0138": "0183",
		"后四位是 1234":                            "1234",
		"the number ends in 4471":              "4471",
		"电话 13812345678":                       "",
		"用了四年多":                                "",
	} {
		if got := PhoneTail(in); got != want {
			t.Errorf("PhoneTail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSignedFirstName(t *testing.T) {
	for in, want := range map[string]string{
		"- Tom":       "Tom",
		"thx. -Sneha": "Sneha",
		"Thank you. Priya here (this is my husband's account)": "Priya",
		"sorry its Hannah":      "Hannah",
		"0433 812 550 – Leanne": "Leanne",
		"+61 433 907 215 Jess":  "Jess",
		"- Thanks":              "",
		"the Sony here is fine": "",
	} {
		got, _ := signedFirstName(in)
		if got != want {
			t.Errorf("signedFirstName(%q) = %q, want %q", in, got, want)
		}
	}
}
