package nlu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// corpusSeeds are customer messages of the dev corpus (never the held-out
// test set), the phrasing the parsers meet in practice.
func corpusSeeds(f *testing.F) []string {
	names, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "dev", "*.json"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no corpus: %v", err)
	}
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		var convs []struct {
			Messages []string `json:"messages"`
		}
		if err := json.Unmarshal(b, &convs); err != nil {
			f.Fatalf("%s: %v", n, err)
		}
		for _, c := range convs {
			out = append(out, c.Messages...)
		}
	}
	// Enough to cover the phrasing; all of them would slow every CI run.
	return out[:min(len(out), 400)]
}

// FuzzParseDate: a date found is midnight in the given zone, parsing is
// deterministic, and a date in kefu's range written back as YYYY-MM-DD
// parses to itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range corpusSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{"2023年11月11日", "去年双十一", "上周三", "Nov 11 2023", "113年8月", "前两天"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, ok := ParseDate(text, testNow, testShanghai)
		d2, ok2 := ParseDate(text, testNow, testShanghai)
		if ok != ok2 || !d.Equal(d2) {
			t.Fatalf("ParseDate(%q) = %v %v, then %v %v", text, d, ok, d2, ok2)
		}
		if !ok {
			return
		}
		if h, m, s := d.Clock(); h != 0 || m != 0 || s != 0 || d.Nanosecond() != 0 || d.Location() != testShanghai {
			t.Fatalf("ParseDate(%q) = %v, want midnight in the given zone", text, d)
		}
		if d.Year() < 1970 || d.Year() > 2100 {
			return
		}
		iso := d.Format("2006-01-02")
		if back, ok := ParseDate(iso, testNow, testShanghai); !ok || !back.Equal(d) {
			t.Errorf("ParseDate(%q) = %v; its own %q parses to %v %v", text, d, iso, back, ok)
		}
	})
}

var (
	// phoneValueRe is how a phone is kept: a mainland number's digits, a
	// landline as area-local, or + and the country code for the rest.
	phoneValueRe = regexp.MustCompile(`^(\+?[0-9]+|0[0-9]{1,3}-[0-9]+)$`)
	plusDigitsRe = regexp.MustCompile(`^\+?[0-9]+$`)
)

// digitCount counts ASCII digits.
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// FuzzPhone: every way kefu reads a phone number gives digits only (a
// leading + and an area code's hyphen aside), of a length a phone number
// can have (E.164: at most 15 digits).
func FuzzPhone(f *testing.F) {
	for _, s := range corpusSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{"+86 138 1234 5678", "座机010-12345678", "(021)12345678", "電話(02)2345-6789",
		"电话1370571", "087 224 5619", "Mandy 9632 1478", "call me on 07700 900123, we're in Leeds", "幺三八一二三四五六七八"} {
		f.Add(s)
	}
	cfg := DefaultExtractorConfig()
	cfg.Location = testShanghai
	x, err := NewExtractor(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if p, ok := x.Extract(text, testNow)[cases.FieldPhone]; ok {
			if !phoneValueRe.MatchString(p) || digitCount(p) < 5 || digitCount(p) > 15 {
				t.Errorf("Extract(%q) phone = %q", text, p)
			}
			if l, ok := LocalizePhone(p, text); ok && (!strings.HasPrefix(l, "+") || !plusDigitsRe.MatchString(l) || digitCount(l) > 15) {
				t.Errorf("LocalizePhone(%q, %q) = %q", p, text, l)
			}
		}
		if d, ok := PhoneDigits(text); ok && (!plusDigitsRe.MatchString(d)) {
			t.Errorf("PhoneDigits(%q) = %q, want digits and a leading +", text, d)
		}
		if d, ok := LoosePhone(text); ok && (!plusDigitsRe.MatchString(d) || digitCount(d) < 8 || digitCount(d) > 15) {
			t.Errorf("LoosePhone(%q) = %q, want 8 to 15 digits and a leading +", text, d)
		}
	})
}
