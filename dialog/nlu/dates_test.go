package nlu

import (
	"testing"
	"time"
)

// testShanghai is UTC+8 without relying on tzdata being installed.
var testShanghai = time.FixedZone("CST", 8*3600)

// testNow is Wednesday 2024-05-15 10:00 in Shanghai: before 618, after 双十一
// of the previous year, so "this year or last year" rules are exercised.
var testNow = time.Date(2024, 5, 15, 10, 0, 0, 0, testShanghai)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string // "" = no date
		now  time.Time
	}{
		// Absolute.
		{text: "2023-11-11", want: "2023-11-11"},
		{text: "2023/11/11买的", want: "2023-11-11"},
		{text: "2023.11.11", want: "2023-11-11"},
		{text: "2023年11月11日", want: "2023-11-11"},
		{text: "2023年 11 月 1 号", want: "2023-11-01"},
		{text: "２０２３年１１月１１日", want: "2023-11-11"},
		{text: "2023年11月", want: "2023-11-01"},
		{text: "2023年11月底", want: "2023-11-30"},
		{text: "11月11日", want: "2023-11-11"}, // this year's is still ahead
		{text: "3月8日", want: "2024-03-08"},
		{text: "3月8号买的", want: "2024-03-08"},
		{text: "十一月十一日", want: "2023-11-11"},
		{text: "5月初", want: "2024-05-01"},
		{text: "去年11月11日", want: "2023-11-11"},
		{text: "去年十二月", want: "2023-12-01"},
		{text: "11/11/2023", want: "2023-11-11"},
		{text: "25/12/2023", want: "2023-12-25"},
		{text: "4/20", want: "2024-04-20"},
		{text: "Nov 11 2023", want: "2023-11-11"},
		{text: "November 11, 2023", want: "2023-11-11"},
		{text: "Nov. 11th", want: "2023-11-11"},
		{text: "11 November", want: "2023-11-11"},
		{text: "the 3rd of May", want: "2024-05-03"},
		{text: "on May 1", want: "2024-05-01"},
		{text: "December 25", want: "2023-12-25"},

		// Chinese relative.
		{text: "今天", want: "2024-05-15"},
		{text: "今天早上坏的", want: "2024-05-15"},
		{text: "昨天", want: "2024-05-14"},
		{text: "昨晚", want: "2024-05-14"},
		{text: "前天", want: "2024-05-13"},
		{text: "大前天", want: "2024-05-12"},
		{text: "上周五", want: "2024-05-10"},
		{text: "上星期五", want: "2024-05-10"},
		{text: "上禮拜五", want: "2024-05-10"},
		{text: "上个礼拜天", want: "2024-05-12"},
		{text: "上週三", want: "2024-05-08"},
		{text: "上周末", want: "2024-05-11"},
		{text: "上周", want: "2024-05-08"},
		{text: "本周一", want: "2024-05-13"},
		{text: "这周一", want: "2024-05-13"},
		{text: "周五", want: "2024-05-10"},
		{text: "星期三", want: "2024-05-15"},
		{text: "上个月", want: "2024-04-15"},
		{text: "上個月", want: "2024-04-15"},
		{text: "上月", want: "2024-04-15"},
		{text: "上个月初", want: "2024-04-01"},
		{text: "上个月中", want: "2024-04-15"},
		{text: "上个月底", want: "2024-04-30"},
		{text: "上月末", want: "2024-04-30"},
		{text: "上个月20号", want: "2024-04-20"},
		{text: "3号", want: "2024-05-03"},
		{text: "十五号", want: "2024-05-15"},
		{text: "20号", want: "2024-04-20"},
		{text: "31号", want: ""}, // April has no 31st: rejected, not rolled over
		{text: "幸福路3号", want: ""},
		{text: "5号楼", want: ""},
		{text: "星期日", want: "2024-05-12"},
		{text: "since the 10th", want: "2024-05-10"},
		{text: "the 20th", want: "2024-04-20"},
		{text: "6.18那天", want: "2023-06-18"},
		{text: "1.5匹", want: ""},
		{text: "版本2.3", want: ""},
		{text: "这个月初", want: "2024-05-01"},
		{text: "上个月", want: "2024-02-29", now: time.Date(2024, 3, 31, 9, 0, 0, 0, testShanghai)},
		{text: "去年双十一", want: "2023-11-11"},
		{text: "去年雙十一", want: "2023-11-11"},
		{text: "去年双11", want: "2023-11-11"},
		{text: "今年618", want: "2024-06-18"},
		{text: "去年618", want: "2023-06-18"},
		{text: "双十一买的", want: "2023-11-11"},
		{text: "618活动买的", want: "2023-06-18"},
		{text: "去年", want: "2023-05-15"},
		{text: "前年年底", want: "2022-12-31"},
		{text: "三天前", want: "2024-05-12"},
		{text: "3天前", want: "2024-05-12"},
		{text: "十天之前", want: "2024-05-05"},
		{text: "两周前", want: "2024-05-01"},
		{text: "兩個星期前", want: "2024-05-01"},
		{text: "半个月前", want: "2024-04-30"},
		{text: "一个月前", want: "2024-04-15"},
		{text: "一个多月前", want: "2024-04-15"},
		{text: "两个月前", want: "2024-03-15"},
		{text: "半年前", want: "2023-11-15"},
		{text: "2年前", want: "2022-05-15"},

		// English relative.
		{text: "today", want: "2024-05-15"},
		{text: "yesterday", want: "2024-05-14"},
		{text: "Yesterday evening", want: "2024-05-14"},
		{text: "the day before yesterday", want: "2024-05-13"},
		{text: "last night", want: "2024-05-14"},
		{text: "last Friday", want: "2024-05-10"},
		{text: "last Wednesday", want: "2024-05-08"},
		{text: "on Monday", want: "2024-05-13"},
		{text: "this Monday", want: "2024-05-13"},
		{text: "3 days ago", want: "2024-05-12"},
		{text: "two weeks ago", want: "2024-05-01"},
		{text: "a week ago", want: "2024-05-08"},
		{text: "a couple of days ago", want: "2024-05-13"},
		{text: "a month ago", want: "2024-04-15"},
		{text: "half a year ago", want: "2023-11-15"},
		{text: "last week", want: "2024-05-08"},
		{text: "last month", want: "2024-04-15"},
		{text: "the end of last month", want: "2024-04-30"},
		{text: "early last month", want: "2024-04-01"},
		{text: "last year", want: "2023-05-15"},

		// The first date wins.
		{text: "上个月买的，昨天开始坏", want: "2024-04-15"},

		// Not dates.
		{text: "", want: ""},
		{text: "你好", want: ""},
		{text: "2024年2月30日", want: ""},
		{text: "13/13/2023", want: ""},
		{text: "订单号20231111889900", want: ""},
		{text: "这个月", want: ""},
		{text: "今年", want: ""},
		{text: "两周", want: ""},
		{text: "几天前", want: ""},
		{text: "I may call again", want: ""},
		{text: "XQG80-BX12", want: ""},
		{text: "138 1234 5678", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			if now.IsZero() {
				now = testNow
			}
			got, ok := ParseDate(tt.text, now, testShanghai)
			if tt.want == "" {
				if ok {
					t.Fatalf("ParseDate(%q) = %s, want no date", tt.text, got.Format("2006-01-02"))
				}
				return
			}
			if !ok {
				t.Fatalf("ParseDate(%q) found no date, want %s", tt.text, tt.want)
			}
			if s := got.Format("2006-01-02"); s != tt.want {
				t.Fatalf("ParseDate(%q) = %s, want %s", tt.text, s, tt.want)
			}
			if got.Location() != testShanghai || got.Hour() != 0 || got.Minute() != 0 {
				t.Fatalf("ParseDate(%q) = %v, want midnight in the given zone", tt.text, got)
			}
		})
	}
}

// The calendar day depends on the customer's zone, not the server's.
func TestParseDateZone(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 14, 20, 0, 0, 0, time.UTC) // 04:00 on the 15th in Shanghai
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{testShanghai, "2024-05-14"},
		{time.UTC, "2024-05-13"},
		{nil, "2024-05-14"}, // nil means Asia/Shanghai
	}
	for _, tt := range tests {
		got, ok := ParseDate("昨天", now, tt.loc)
		if !ok || got.Format("2006-01-02") != tt.want {
			t.Errorf("ParseDate(昨天, %v) = %v %v, want %s", tt.loc, got, ok, tt.want)
		}
	}
}

func TestParseDateChineseNumerals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true}, {"十", 10, true}, {"十一", 11, true}, {"二十", 20, true},
		{"二十五", 25, true}, {"两", 2, true}, {"兩", 2, true}, {"三十一", 31, true},
		{"几", 0, false}, {"", 0, false}, {"十十", 0, false},
	}
	for _, tt := range tests {
		got, ok := dtCNNum(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("dtCNNum(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
