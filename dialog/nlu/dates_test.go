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

// TestDateValues checks what each time expression is worth as a field
// value: a day, a month, or nothing ("" for a year alone or a vaguer time).
func TestDateValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string // "-" = no time expression at all
		now  time.Time
	}{
		// Absolute.
		{text: "2023-11-11", want: "2023-11-11"},
		{text: "2023/11/11买的", want: "2023-11-11"},
		{text: "2023.11.11", want: "2023-11-11"},
		{text: "2023年11月11日", want: "2023-11-11"},
		{text: "2023年 11 月 1 号", want: "2023-11-01"},
		{text: "２０２３年１１月１１日", want: "2023-11-11"},
		{text: "2023年11月", want: "2023-11"},
		{text: "2023年11月底", want: "2023-11"},
		{text: "23年11月", want: "2023-11"},
		{text: "113年8月", want: "2024-08"}, // Minguo year
		{text: "2023-11", want: "2023-11"},
		{text: "2023年", want: ""},
		{text: "19年装的", want: ""},
		{text: "用了10年", want: "-"},
		{text: "11月11日", want: "2023-11-11"}, // this year's is still ahead
		{text: "3月8日", want: "2024-03-08"},
		{text: "3月8号买的", want: "2024-03-08"},
		{text: "十一月十一日", want: "2023-11-11"},
		{text: "5月初", want: "2024-05"},
		{text: "4月底", want: "2024-04"},
		{text: "三月份", want: "2024-03"},
		{text: "3月买的", want: "2024-03"},
		{text: "12月买的", want: "2023-12"},
		{text: "4月20号左右", want: "2024-04"},
		{text: "三四月份", want: ""},
		{text: "3个月", want: "-"},
		{text: "去年11月11日", want: "2023-11-11"},
		{text: "去年十二月", want: "2023-12"},
		{text: "上年十月", want: "2023-10"},
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
		{text: "last December 12", want: "2023-12-12"},
		{text: "in November", want: "2023-11"},
		{text: "back in March", want: "2024-03"},
		{text: "last March", want: "2023-03"},
		{text: "March last year", want: "2023-03"},
		{text: "last year in June", want: "2023-06"},
		{text: "since 2022", want: ""},

		// Chinese relative.
		{text: "今天", want: "2024-05-15"},
		{text: "今天早上坏的", want: "2024-05-15"},
		{text: "昨天", want: "2024-05-14"},
		{text: "昨晚", want: "2024-05-14"},
		{text: "昨晚半夜两点", want: "2024-05-14"},
		{text: "前天", want: "2024-05-13"},
		{text: "大前天", want: "2024-05-12"},
		{text: "琴日", want: "2024-05-14"},
		{text: "刚才", want: "2024-05-15"},
		{text: "十一点多突然停了", want: "2024-05-15"},
		{text: "有一点味道", want: "-"},
		{text: "明天上午10点", want: "2024-05-16"},
		{text: "上周五", want: "2024-05-10"},
		{text: "上星期五", want: "2024-05-10"},
		{text: "上禮拜五", want: "2024-05-10"},
		{text: "上个礼拜天", want: "2024-05-12"},
		{text: "上週三", want: "2024-05-08"},
		{text: "本周一", want: "2024-05-13"},
		{text: "这周一", want: "2024-05-13"},
		{text: "周五", want: "2024-05-10"},
		{text: "星期三", want: "2024-05-15"},
		{text: "上周", want: "2024-05"},          // 05-06..05-12
		{text: "上周末", want: "2024-05"},         // 05-11..05-12
		{text: "上周", want: "", now: testJune3}, // 05-27..06-02
		{text: "这周", want: ""},
		{text: "两周一直不好", want: "-"},
		{text: "上个月", want: "2024-04"},
		{text: "上個月", want: "2024-04"},
		{text: "上月", want: "2024-04"},
		{text: "上个月初", want: "2024-04"},
		{text: "上个月中", want: "2024-04"},
		{text: "上个月底", want: "2024-04"},
		{text: "上个月20号", want: "2024-04-20"},
		{text: "上个月初，3号", want: "2024-04-03"},
		{text: "这个月", want: "2024-05"},
		{text: "下个月", want: "2024-06"},
		{text: "3号", want: "2024-05-03"},
		{text: "十五号", want: "2024-05-15"},
		{text: "20号", want: "2024-04-20"},
		{text: "几十号人", want: "-"},
		{text: "一日一两次", want: "-"},
		{text: "幸福路3号", want: "-"},
		{text: "5号楼", want: "-"},
		{text: "去年", want: ""},
		{text: "前年", want: ""},
		{text: "大前年", want: ""},
		{text: "去年年底", want: "2023-12"},
		{text: "去年夏天", want: ""},
		{text: "去年暑假", want: ""},
		{text: "三天前", want: "2024-05-12"},
		{text: "3天前", want: "2024-05-12"},
		{text: "十天之前", want: "2024-05-05"},
		{text: "两周前", want: "2024-05-01"},
		{text: "兩個星期前", want: "2024-05-01"},
		{text: "两个月前", want: "2024-03"},
		{text: "大概两个月前", want: "2024-03"},
		{text: "一个多月前", want: ""},
		{text: "半个月前", want: ""},
		{text: "半年前", want: "2023-11"},
		{text: "三年前", want: ""},
		{text: "前两天", want: "2024-05"}, // a few days that stay in the month
		{text: "前两天", now: time.Date(2024, 6, 3, 9, 0, 0, 0, testShanghai), want: ""},
		{text: "这几天", want: "2024-05"},
		{text: "最近", want: ""},
		{text: "年前统一买的", want: ""},
		{text: "刚下的单", want: "2024-05-15"},
		{text: "刚买的", want: ""},

		// Festivals.
		{text: "去年双十一", want: "2023-11-11"},
		{text: "去年雙十一", want: "2023-11-11"},
		{text: "去年双11", want: "2023-11-11"},
		{text: "今年618", want: "2024-06-18"}, // ahead: dropped by the callers
		{text: "去年618", want: "2023-06-18"},
		{text: "双十一买的", want: "2023-11-11"},
		{text: "618活动买的", want: "2023-06-18"},
		{text: "618", want: "-"},
		{text: "去年国庆", want: "2023-10-01"},
		{text: "2021年国庆", want: "2021-10-01"},
		{text: "好像是国庆的时候", want: "2023-10"},
		{text: "去年五一", want: "2023-05-01"},
		{text: "五一买的", want: "2024-05-01"},
		{text: "去年中秋", want: "2023-09-29"},
		{text: "去年端午节", want: "2023-06-22"},
		{text: "元旦", want: "2024-01-01"},
		{text: "圣诞节", want: "2023-12-25"},
		{text: "情人节那天", want: "2024-02-14"},
		{text: "去年春节", want: "2023-01-22"},
		{text: "前年除夕", want: "2022-01-31"},
		{text: "去年元宵", want: "2023-02-05"},
		{text: "去年春节前后装的", want: "2023-01"},
		{text: "去年过年前", want: "2023-01"}, // 01-22: the weeks before stay in January
		{text: "春节前买的", want: ""},        // 02-10: could be January
		{text: "国庆后", want: "2023-10"},
		{text: "圣诞节前一周", want: "2023-12"},
		{text: "今年三十岁", want: "-"},
		{text: "Christmas", want: "2023-12-25"},
		{text: "got it at christmas", want: "2023-12-25"},
		{text: "around Christmas", want: "2023-12"},
		{text: "the week before Christmas", want: "2023-12"},
		{text: "Christmas Eve", want: "2023-12-24"},
		{text: "Boxing Day", want: "2023-12-26"},
		{text: "on Black Friday", want: "2023-11-24"},
		{text: "Cyber Monday", want: "2023-11-27"},
		{text: "Thanksgiving", want: "2023-11-23"},
		{text: "Prime Day", want: "2023-07"},
		{text: "Easter", want: "2024-03-31"},
		{text: "Good Friday", want: "2024-03-29"},
		{text: "Valentine's Day", want: "2024-02-14"},
		{text: "Chinese New Year", want: "2024-02-10"},
		{text: "after Chinese New Year", want: "2024-02"}, // 02-10: the days after stay in February
		{text: "去年春节后", want: ""},                         // 2023-01-22: they may run into February
		{text: "the 618 sale", want: "2023-06-18"},
		{text: "Diwali sale", want: ""},
		{text: "happy new year", want: "-"},

		// English relative.
		{text: "today", want: "2024-05-15"},
		{text: "yesterday", want: "2024-05-14"},
		{text: "Yesterday evening", want: "2024-05-14"},
		{text: "the day before yesterday", want: "2024-05-13"},
		{text: "last night", want: "2024-05-14"},
		{text: "an hour ago", want: "2024-05-15"},
		{text: "it just stopped", want: "2024-05-15"},
		{text: "last Friday", want: "2024-05-10"},
		{text: "last Wednesday", want: "2024-05-08"},
		{text: "on Monday", want: "2024-05-13"},
		{text: "this Monday", want: "2024-05-13"},
		{text: "Monday last week", want: "2024-05-06"},
		{text: "next Monday", want: "2024-05-20"},
		{text: "3 days ago", want: "2024-05-12"},
		{text: "two weeks ago", want: "2024-05-01"},
		{text: "a week ago", want: "2024-05-08"},
		{text: "a couple of days ago", want: "2024-05"},
		{text: "a month ago", want: "2024-04"},
		{text: "around 10 months ago", want: "2023-07"},
		{text: "half a year ago", want: ""},
		{text: "3 years ago", want: ""},
		{text: "last week", want: "2024-05"},
		{text: "over the last week", want: ""},
		{text: "last month", want: "2024-04"},
		{text: "the end of last month", want: "2024-04"},
		{text: "early last month", want: "2024-04"},
		{text: "early last month, the 3rd", want: "2024-04-03"},
		{text: "the 2nd of this month", want: "2024-05-02"},
		{text: "since the 10th", want: "2024-05-10"},
		{text: "the 3rd socket", want: "-"},
		{text: "last year", want: ""},
		{text: "last summer", want: ""},

		// Not dates.
		{text: "", want: "-"},
		{text: "你好", want: "-"},
		{text: "2024年2月30日", want: "-"},
		{text: "13/13/2023", want: "-"},
		{text: "订单号20231111889900", want: "-"},
		{text: "I may call again", want: "-"},
		{text: "XQG80-BX12", want: "-"},
		{text: "138 1234 5678", want: "-"},
		{text: "1.5匹", want: "-"},
		{text: "版本2.3", want: "-"},
		{text: "6.18那天", want: "2023-06-18"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			if now.IsZero() {
				now = testNow
			}
			ms := dtFind(extNormalize(tt.text), now, testShanghai)
			got := "-"
			if len(ms) > 0 {
				got = ms[0].value()
			}
			if got != tt.want {
				t.Fatalf("dtFind(%q) = %q, want %q (%+v)", tt.text, got, tt.want, ms)
			}
		})
	}
}

// testJune3 is Monday 2024-06-03: last week straddles May and June.
var testJune3 = time.Date(2024, 6, 3, 10, 0, 0, 0, testShanghai)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"2023年11月11日", "2023-11-11"},
		{"上个月", "2024-04-01"},    // a month: its first day
		{"去年", "2023-01-01"},     // a year: its first day
		{"前两天", "2024-05-01"},    // the month it must be in
		{"前几天开始的", "2024-05-01"}, // the month
		{"你好", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.text, testNow, testShanghai)
		s := ""
		if ok {
			s = got.Format("2006-01-02")
			if got.Location() != testShanghai || got.Hour() != 0 {
				t.Errorf("ParseDate(%q) = %v, want midnight in the given zone", tt.text, got)
			}
		}
		if s != tt.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tt.text, s, tt.want)
		}
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
