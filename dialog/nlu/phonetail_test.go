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

// A number typed over two messages: each piece is read on its own, in
// Arabic or Chinese digits, the rest perhaps followed by a remark.
func TestPhonePieces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		rest bool // read as the rest of a number begun before
		want string
		ok   bool
	}{
		{"手机号 139 0211", false, "1390211", true},
		{"电话 一五八", false, "158", true},
		{"二六七三 九九零一", false, "26739901", true},
		{"电话一直打不通", false, "", false},
		{"4578 刚才没发完", true, "4578", true},
		{"4578 刚才没发完", false, "", false},
	}
	for _, tt := range tests {
		read := PhoneDigits
		if tt.rest {
			read = PhoneRest
		}
		if got, ok := read(tt.text); got != tt.want || ok != tt.ok {
			t.Errorf("%q (rest %v) = %q, %v; want %q, %v", tt.text, tt.rest, got, ok, tt.want, tt.ok)
		}
	}
	if !HasPhoneLabel("电话 一五八") || HasPhoneLabel("电话一直打不通") {
		t.Error("HasPhoneLabel: a label before Chinese digits only")
	}
}
