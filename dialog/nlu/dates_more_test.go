package nlu

import (
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Which date is the purchase, which the fault, and which neither.
func TestDateRoles(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		text               string
		purchase, occurred string
	}{
		// The fault's time wins over a purchase date beside it.
		{"去年买的，今早开始漏水", "", "2024-05-15"},
		{"前年双十一买的烤箱今天早上打不着火了", "2022-11-11", "2024-05-15"},
		{"上个月15号买的 昨天晚上突然不转了", "2024-04-15", "2024-05-14"},
		{"I bought it last Friday and it broke yesterday", "2024-05-10", "2024-05-14"},
		{"Bought it on the 3rd of May. It died this morning.", "2024-05-03", "2024-05-15"},
		// Deliveries, installations, reports and promises are neither.
		{"上周五到的货，箱子压扁了", "", ""},
		{"前天送来的 昨天装好的 今天一开机就跳闸", "", "2024-05-15"},
		{"装好两天就漏水了，上周二安装的", "", ""},
		{"The parcel was delivered on Monday and the lid is cracked", "", ""},
		{"it was supposed to arrive on Monday", "", ""},
		{"我周一就报过修了 到现在没人来", "", ""},
		{"說好3號會到 到現在還沒收到", "", ""},
		{"tracking has not moved since the 10th", "", ""},
		// A day it still worked is not when it broke.
		{"前天还好好的昨天下午突然黑屏了", "", "2024-05-14"},
		{"It was working fine on Sunday, since Monday it won't turn on", "", "2024-05-13"},
		// Moments of the day.
		{"刚才洗碗的时候一股焦味", "", "2024-05-15"},
		{"半夜两点多听到啪的一声 然后就没电了", "", "2024-05-15"},
		{"昨晚半夜两点多听到啪的一声", "", "2024-05-14"},
		{"Sparks came out of the socket an hour ago", "", "2024-05-15"},
		{"it just stopped heating", "", "2024-05-15"},
		{"我刚拔了插头，冒了好多烟", "", "2024-05-15"},
		// Today as a deadline or a circumstance.
		{"能不能今天就来修", "", ""},
		{"今天客人特别多", "", ""},
		// Precision.
		{"今年三月份买的", "2024-03", ""},
		{"上个月初，3号那天买的", "2024-04-03", ""},
		{"bought it early last month, the 3rd", "2024-04-03", ""},
		{"2022年买的", "", ""},
		{"三年前买的", "", ""},
		{"去年夏天买的", "", ""},
		{"上周买的", "2024-05", ""},
		{"这周开始一直响", "", ""},
		// A year said before the month gives it its year.
		{"去年给我妈买的，大概是国庆的时候", "2023-10", ""},
		{"bought it last year before a trip, around July", "2023-07", ""},
		// A correction replaces the first date.
		{"去年618买的 不对 是前年618", "2022-06-18", ""},
		// Weekdays.
		{"上周三开始不制冷", "", "2024-05-08"},
		{"since last Tuesday it keeps rebooting", "", "2024-05-07"},
		// A business's morning, a failure overnight, since lunch.
		{"早上一开机就报 E-37 伺服过载", "", "2024-05-15"},
		{"从早上开门到现在一单都没法收", "", "2024-05-15"},
		{"Our fridge failed overnight and the alarm went off", "", "2024-05-15"},
		{"the autoclave has aborted every cycle since we opened this morning", "", "2024-05-15"},
		{"the card terminal cannot take any payment since lunch", "", "2024-05-15"},
		{"is it safe to leave it charging overnight?", "", ""},
		{"my neighbour's tumble dryer literally exploded last week, same brand as mine", "", ""},
		// Never in the future.
		{"下周一坏的", "", ""},
		{"今年双十一买的", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := x.Extract(tt.text, testNow)
			if got[cases.FieldPurchaseDate] != tt.purchase || got[cases.FieldOccurredAt] != tt.occurred {
				t.Fatalf("Extract(%q) purchase=%q occurred=%q, want %q %q", tt.text,
					got[cases.FieldPurchaseDate], got[cases.FieldOccurredAt], tt.purchase, tt.occurred)
			}
		})
	}
}

// A date said on its own is loose; one said inside a longer message with no
// cue is not.
func TestLooseDate(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct{ text, loose string }{
		{"上个月初", "2024-04"},
		{"大概是3月15号吧", "2024-03-15"},
		{"Nov 11 2023", "2023-11-11"},
		{"今天", ""},
		{"We changed the router last Thursday", ""},
		{"我们办公室上周搬到了新楼", ""},
	}
	for _, tt := range tests {
		_, ex := x.extract(tt.text, testNow)
		if ex.loose != tt.loose {
			t.Errorf("extract(%q).loose = %q, want %q", tt.text, ex.loose, tt.loose)
		}
	}
}

func TestPurchaseYear(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		text string
		year int
	}{
		{"前年买的", 2022},
		{"bought it in 2021", 2021},
		{"大前年", 2021},
		{"去年11月买的", 0}, // the month is known: a purchase date, no year alone
		{"前年装的", 0},    // an installation
		{"今早开始漏水", 0},
	}
	for _, tt := range tests {
		if _, ex := x.extract(tt.text, testNow); ex.purchaseYear != tt.year {
			t.Errorf("extract(%q).purchaseYear = %d, want %d", tt.text, ex.purchaseYear, tt.year)
		}
	}
}

func TestDateAnswers(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		field      cases.FieldKey
		text, want string
	}{
		{cases.FieldPurchaseDate, "今年三月份", "2024-03"},
		{cases.FieldPurchaseDate, "去年买的，上周开始响", ""},
		{cases.FieldPurchaseDate, "上个月买的，昨天坏的", "2024-04"},
		{cases.FieldOccurredAt, "上个月买的，昨天坏的", "2024-05-14"},
		{cases.FieldOccurredAt, "今天早上", "2024-05-15"},
		{cases.FieldPurchaseDate, "前年吧 记不清了", ""},        // a year alone: neither a date nor "unknown"
		{cases.FieldPurchaseDate, "发票找不到了", ""},          // about the proof, not the date
		{cases.FieldPurchaseDate, "不记得了", cases.Unknown}, // forgotten
		{cases.FieldPurchaseDate, "你们今天能来人吗", ""},
		{cases.FieldPurchaseDate, "上周六到的货", "2024-05-11"}, // asked when it was bought, the day it came is the nearest
	}
	for _, tt := range tests {
		v, ok, _ := x.ParseFieldAnswer(tt.field, tt.text, testNow)
		if !ok {
			v = ""
		}
		if v != tt.want {
			t.Errorf("ParseFieldAnswer(%s, %q) = %q, want %q", tt.field, tt.text, v, tt.want)
		}
	}
}

// The calendar tables cover the years customers talk about.
func TestFestivalTables(t *testing.T) {
	t.Parallel()
	for y := 2020; y <= 2027; y++ {
		for _, key := range []string{"cny", "midautumn", "dragonboat", "qixi", "easter", "blackfriday"} {
			if _, _, ok := dtFestDate(key, y, testShanghai); !ok {
				t.Errorf("no %s for %d", key, y)
			}
		}
	}
	if d := dtEaster(2025, time.UTC); d.Format("2006-01-02") != "2025-04-20" {
		t.Errorf("Easter 2025 = %s", d.Format("2006-01-02"))
	}
	if d := dtThanksgiving(2025, time.UTC).AddDate(0, 0, 1); d.Format("2006-01-02") != "2025-11-28" {
		t.Errorf("Black Friday 2025 = %s", d.Format("2006-01-02"))
	}
}

// Most messages hold no date: they must not pay for every date pattern.
func BenchmarkDtFindNoDate(b *testing.B) {
	text := extNormalize("洗衣机不脱水了，滚筒转不起来，型号XQG100-B12，麻烦派人来修一下，电话13812345678")
	for b.Loop() {
		dtFind(text, testNow, testShanghai)
	}
}

func BenchmarkDtFindDates(b *testing.B) {
	text := extNormalize("去年双十一买的洗衣机，上周五开始不脱水，昨天晚上彻底不转了")
	for b.Loop() {
		dtFind(text, testNow, testShanghai)
	}
}

// How long the customer has had it is a rough purchase time; an event's
// time ("搬家的时候买的") dates the purchase.
func TestRoughPurchaseTimes(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	for text, want := range map[string][2]any{
		"买了两年多了":           {2022, false},
		"才买十来天":            {0, true},
		"这台买了三个月就坏了":       {0, true},
		"前年搬家的时候买的 记不清几月了": {2022, false},
	} {
		_, ex := x.extract(text, testNow)
		if ex.purchaseYear != want[0].(int) || ex.purchaseVague != want[1].(bool) {
			t.Errorf("extract(%q): year %d vague %v, want %v", text, ex.purchaseYear, ex.purchaseVague, want)
		}
	}
}

// A time of day after a weekday or a date belongs to that day, not today.
func TestTimeOfDayAfterWeekday(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	now := time.Date(2026, 7, 24, 14, 50, 0, 0, time.FixedZone("CST", 8*3600)) // a Friday
	for _, s := range []string{"上周日晚上十点多突然就不凉了", "上周日晚上突然就不凉了", "上周日突然就不凉了"} {
		if got := x.Extract(s, now)[cases.FieldOccurredAt]; got != "2026-07-19" {
			t.Errorf("Extract(%q) occurred_at = %q, want 2026-07-19", s, got)
		}
	}
	if got := x.Extract("昨天晚上十点多突然坏了", now)[cases.FieldOccurredAt]; got != "2026-07-23" {
		t.Errorf("yesterday evening = %q", got)
	}
}
