package nlu

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
		// Corpus a43: customers as they really write.
		{"型号 POS-K2，去年8月一起采购的", cases.FieldPurchaseDate, "2025-08"},
		{"大年初三买的净水器 出水越来越小", cases.FieldPurchaseDate, "2026-02-19"},
		{"X200 耳机左边没声音了", cases.FieldProductModel, "X200"},
		{"model Nova 11 Pro, 256gb green", cases.FieldProductModel, "Nova 11 Pro"},
		{"Contact no 98450 12345, name Ramesh Iyer", cases.FieldPhone, "+919845012345"},
		{"arrived on Saturday, ref RG-77123", cases.FieldPurchaseProof, "RG-77123"},
		{"We need an engineer today.\n\nKind regards,\nJames O'Connor\nManager, The Daily Grind\n0161 496 0753", cases.FieldCompany, "The Daily Grind"},
		{"陳先生，電話(02)2345-6789", cases.FieldPhone, "02-23456789"},
		{"call our office on +86 (0)21 6255 1188", cases.FieldPhone, "021-62551188"},
		{"洗衣機型號 WT-SD159 不脫水", cases.FieldProductModel, "WT-SD159"},
		{"吹风机是去年底买的", cases.FieldPurchaseDate, "2025-12"},
		{"I bought it in November", cases.FieldPurchaseDate, "2025-11"},
		{"Name's Priya Nair", cases.FieldCustomerName, "Priya Nair"},
		{"我姓罗，罗志勇，电话18912345678", cases.FieldCustomerName, "罗志勇"},
		{"上周五送货安装的", cases.FieldPurchaseDate, ""}, // delivery is not the purchase,
		{"Golden Dragon Restaurant, manager Mike Chen, 021-5566 7788", cases.FieldCompany, "Golden Dragon Restaurant"},
		{"Golden Dragon Restaurant, manager Mike Chen, 021-5566 7788", cases.FieldCustomerName, "Mike Chen"},
		{"我是星巴克国贸店的店长李娜，电话13911112222", cases.FieldCompany, "星巴克国贸店"},
		{"我是星巴克国贸店的店长李娜，电话13911112222", cases.FieldCustomerName, "李娜"},
		{"I bought it at the Apple Store", cases.FieldCompany, ""},
		// The customer's organisation said with 是/叫, before "I'm", or in a signature.
		{"公司是鲜丰汇连锁超市，我姓钱，座机 021-64873355", cases.FieldCompany, "鲜丰汇连锁超市"},
		{"民宿叫云栖山居", cases.FieldCompany, "云栖山居"},
		{"學校是否有教育專案價？", cases.FieldCompany, ""},
		{"Smokin Sisters BBQ, im Tanya", cases.FieldCompany, "Smokin Sisters BBQ"},
		{"Cheers,\nLiam O'Connor\nKangaroo Point CrossFit\n07 3555 0199", cases.FieldCompany, "Kangaroo Point CrossFit"},
		{"Thanks,\nLiam O'Connor\nMelbourne VIC\n0412 555 019", cases.FieldCompany, ""},
		// A place beside the contact details is no name.
		{"0403 118 270 (Sydney)", cases.FieldCustomerName, ""},
		{"Kevin Tran 512-555-0163 (Austin TX)", cases.FieldCustomerName, "Kevin Tran"},
		{"07400 123987, Bristol", cases.FieldCustomerName, ""},
		// A product line named without a code, and a model taken back.
		{"I ordered the IonGlow hair dryer in rose gold", cases.FieldProductModel, "IonGlow"},
		{"The front leg of our new Harlow 3-seater has split", cases.FieldProductModel, "Harlow 3-seater"},
		{"our restaurant card terminal T300 cannot take any payment", cases.FieldProductModel, "T300"},
		{"Regards, Marcus Lee, Head Chef, The Copper Pot Bistro", cases.FieldProductModel, ""},
		{"does it work with my Samsung TV?", cases.FieldProductModel, ""},
		{"型号 XQG80-14B，哦不对，看错了，是 XQG90-14B", cases.FieldProductModel, "XQG90-14B"},
		{"型號係 QL-50U7……唔係 等等 係 QL-55U7", cases.FieldProductModel, "QL-55U7"},
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
	if d, _ := ParseDemand("请问快递什么时候能到"); d != cases.DemandOther {
		t.Errorf("chasing a parcel (the polite 请问 is no consultation) is other, got %s", d)
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

// Messy, colloquial customer text found by the harder golden transcripts.
func TestParseDateColloquial(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"前两天刚买的", "2024-05-01"},
		{"前几天开始的", "2024-05-01"}, // the month
		{"这两天老是跳闸", "2024-05-01"},
		{"提前两天到货", ""},
		{"去年春节前后装的", "2023-01-01"},
		{"春节前买的", "2024-02-10"},
		{"过年的时候买的", "2024-02-10"},
		{"前年除夕", "2022-01-31"},
		{"今年三十岁", ""},
		{"bought it around Chinese New Year", "2024-02-01"},
	}
	for _, tc := range tests {
		d, ok := ParseDate(tc.text, testNow, testShanghai)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseDemandColloquial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want cases.Demand
	}{
		{"赶紧派人来", cases.DemandRepair},
		{"麻煩派師傅來看一下", cases.DemandRepair},
		{"你们过来看一下吧", cases.DemandRepair},
		{"just send someone", cases.DemandRepair},
		{"can you send somebody over", cases.DemandRepair},
		{"please come and fix it", cases.DemandRepair},
		{"need a tech out tonight if at all possible", cases.DemandRepair},
		{"I would like it repaired please. I don't want a new one", cases.DemandRepair},
		{"Can you send 6 replacements asap?", cases.DemandExchange},
		{"can you just courier a hose out today? don't want to send the whole thing back", cases.DemandOther},
		{"i just want to know when it's actually coming", cases.DemandOther},
		{"we do feel a partial refund would be fair", cases.DemandOther},
		{"能不能直接给我弄个新的 寄来寄去修我等不起", cases.DemandExchange},
		{"全给我换了 坏的我寄回去", cases.DemandExchange},
		{"钱能不能退回来", cases.DemandRefund},
		{"今晚能不能来个人", cases.DemandRepair},
		{"cant u just send me one that works lol", cases.DemandExchange},
		{"just want one thats not broken pls", cases.DemandExchange},
		{"I need one of your engineers there urgently.", cases.DemandRepair},
		{"what's the quickest way of getting it seen to?", cases.DemandRepair},
		{"I would like you to take it away and give me back my forty-two pounds.", cases.DemandRefund},
		{"Just need the batteries sent out mate, don't need the whole thing swapping", cases.DemandOther},
		{"I'd like it collected please.", cases.DemandReturn},
		{"我要退钱", cases.DemandRefund},
		{"I want my money back", cases.DemandRefund},
		{"能不能给我换个新的", cases.DemandExchange},
		{"换一台吧", cases.DemandExchange},
	}
	for _, tc := range tests {
		if got, _ := ParseDemand(tc.text); got != tc.want {
			t.Errorf("ParseDemand(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestExtractNameSignOff(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"The dryer stopped heating. Model DR-80. Thanks,\nLaura Chen", "Laura Chen"},
		{"It is leaking again.\n\nBest regards,\nPeter", "Peter"},
		{"MY NAME IS JOHN SMITH", "John Smith"},
		{"It stopped working. Thank you so much", ""},
		{"Thanks for the help", ""},
		// The writer's signature is above a legal notice or a forwarded mail.
		{"Please advise urgently.\n\nPriya Nair\nClinical Director\nHarbourview Dental Clinic\nTel: +852 2345 6789\n\nCONFIDENTIALITY NOTICE: This email and any attachments are intended solely for the addressee. If you have received it in error, please notify the sender.", "Priya Nair"},
		{"Same thing at two branches.\n\nRegards,\nAhmad Faizal\nRetail Systems Lead\n\n---------- Forwarded message ---------\nFrom: Store Manager\n\nAhmad, the tills hang.\n\nCarla", "Ahmad Faizal"},
		// A full name alone under the last paragraph, and letters after a name.
		{"It won't print at all now.\n\nPeter Lang", "Peter Lang"},
		{"The screen is cracked, please help.\n\nSony Bravia", ""},
		{"Is it covered?\n\nMany thanks,\n\nDr. Priya Raman, PT, DPT\nClinic Director\nMaple Grove Physiotherapy", "Priya Raman"},
		{"How do I set it up?\n\nWith thanks,\nDorothy Simmons", "Dorothy Simmons"},
	}
	for _, tc := range tests {
		if got := x.Extract(tc.text, testNow)[cases.FieldCustomerName]; got != tc.want {
			t.Errorf("Extract(%q) name = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseModelAnswerWithTalk(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"its a DW-60M2":       "DW-60M2",
		"it's the WM-8012":    "WM-8012",
		"I think it's KT-220": "KT-220",
		"好像是XQG80-B12":        "XQG80-B12",
		"DW-60M2":             "DW-60M2",
		// A series named in Chinese with its number is the model.
		"星耀12 Ultra 512G的": "星耀12 Ultra",
		"锐翼14 Pro":         "锐翼14 Pro",
		"是光影 P10":          "光影 P10",
		"影迹 Action 4":      "影迹 Action 4",
	} {
		if v, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, text, testNow); !ok || v != want {
			t.Errorf("model answer %q = %q %v, want %q", text, v, ok, want)
		}
	}
	// A date or a duration is no series.
	for _, text := range []string{"去年12月", "用了3年", "手机12", "大概5年了"} {
		if v, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, text, testNow); ok {
			t.Errorf("model answer %q = %q, want none", text, v)
		}
	}
}

func TestMessyRepliesBatch2(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 4, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	answers := []struct {
		field      cases.FieldKey
		text, want string
	}{
		{cases.FieldCustomerName, "何平 15012345678 型号TO-32L", "何平"},
		{cases.FieldCustomerName, "Kevin 吴 13798765432", "Kevin 吴"},
		{cases.FieldCustomerName, "吴 kevin", "吴 Kevin"},
		{cases.FieldCustomerName, "ok好的", ""},
		{cases.FieldCustomerName, "免贵姓张 电话 13300001111", "张"},
		{cases.FieldCustomerName, "我姓王", "王"},
		{cases.FieldCustomerName, "免贵姓李，李先生就行", "李先生"},
		{cases.FieldPurchaseDate, "去年夏天", ""},
		{cases.FieldPurchaseDate, "We bought it last summer", ""},
		{cases.FieldPurchaseDate, "last winter", ""},
	}
	for _, tc := range answers {
		v, ok, _ := x.ParseFieldAnswer(tc.field, tc.text, now)
		if !ok {
			v = ""
		}
		if v != tc.want {
			t.Errorf("ParseFieldAnswer(%s, %q) = %q, want %q", tc.field, tc.text, v, tc.want)
		}
	}
	if got := x.Extract("上個月網購的手機，螢幕一直閃", now)[cases.FieldPurchaseDate]; got != "2026-03" {
		t.Errorf("网购 is a purchase: %q", got)
	}
	if got := x.Extract("免贵姓张，空调漏水", now)[cases.FieldCustomerName]; got != "张" {
		t.Errorf("免贵姓张: %q", got)
	}
}

func TestTriedWithoutPunctuation(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"我的laptop一开机就blue screen 然后自动reboot 已经重装过系统了还是一样", "已经重装过系统了"},
		{"电脑一直 重启 不知道怎么回事", ""},
		{"自动关机 重启了好几次也不行", "重启了好几次"},
	}
	for _, tc := range tests {
		if got := x.Extract(tc.text, testNow)[cases.FieldTried]; got != tc.want {
			t.Errorf("Extract(%q) tried = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestNameBesideOtherDetails(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"小陈 138 1234 5678（微信同号）", "小陈"},
		{"便利蜂朝阳门店 店长 赵刚 电话 010-6588 1234", "赵刚"},
		{"型号应该是TG100V86", ""},
		{"型号 TG100V86", ""},
		{"何平 15012345678 型号TO-32L", "何平"},
		{"订单 4400998877661", ""},
		{"Kevin 吴 13798765432", "Kevin 吴"},
	}
	for _, tc := range tests {
		v, ok, _ := x.ParseFieldAnswer(cases.FieldCustomerName, tc.text, testNow)
		if !ok {
			v = ""
		}
		if v != tc.want {
			t.Errorf("name answer %q = %q, want %q", tc.text, v, tc.want)
		}
	}
}

func TestSuddenPowerLossIsNotTried(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"用着用着突然就断电了", "it suddenly restarted and lost power"} {
		if got := x.Extract(text, testNow)[cases.FieldTried]; got != "" {
			t.Errorf("Extract(%q) tried = %q, want nothing", text, got)
		}
	}
}

// In a Traditional Chinese conversation a lone eight-digit number is Hong
// Kong's; elsewhere it is no phone number without a cue.
func TestHongKongNumberByConversation(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	ip := NewInterpreter(x, testClassifier(t))
	if v := ip.Interpret("Mandy 9632 1478", Context{Asking: cases.FieldPhone, Now: testNow, Lang: "zh-TW"}).Values[cases.FieldPhone].Value; v != "+85296321478" {
		t.Errorf("zh-TW: %q", v)
	}
	if v := ip.Interpret("Mandy 9632 1478", Context{Asking: cases.FieldPhone, Now: testNow, Lang: "zh-CN"}).Values[cases.FieldPhone].Value; v != "" {
		t.Errorf("zh-CN: %q", v)
	}
}

// A name beside a number of a country kefu cannot place is still a name;
// a code's digits are not such a number.
func TestNameBesideForeignNumber(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	ip := NewInterpreter(x, testClassifier(t))
	for text, want := range map[string]string{
		"Imran Qureshi 052 784 3319": "Imran Qureshi",
		"Kavitha 011-2345 6170":      "Kavitha",
		"XQG80 12345678":             "",
	} {
		if v := ip.Interpret(text, Context{Asking: cases.FieldPhone, Now: testNow, Lang: "en"}).Values[cases.FieldCustomerName].Value; v != want {
			t.Errorf("%q: name %q, want %q", text, v, want)
		}
	}
}

// Organisations named in brackets after 我司, by a label, after a place and
// 的, or as "we are …"; a job title is no company.
func TestCompanyShapes(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"我司（杭州联拓律师事务所）于2月10日购买了6台碎纸机":           "杭州联拓律师事务所",
		"诊所名字 康美口腔门诊部":                          "康美口腔门诊部",
		"我们是宜兰的海风民宿，订了8台":                       "海风民宿",
		"we are Kopitiam Selera Bonda in Ipoh":  "Kopitiam Selera Bonda",
		"we're The Green Olive, a small bistro": "Green Olive",
		"We are very upset":                     "",
	} {
		if got := extFindCompany(extNormalize(text)); got != want {
			t.Errorf("extFindCompany(%q) = %q, want %q", text, got, want)
		}
	}
	// Said as "我们是…的", "我们叫…", "我是…的IT", or beside the person or
	// the phone; a department or a shop writing for its customer is none.
	x := testExtractor(t)
	for text, want := range map[string]string{
		"我们是顺达驾校的 上个月进了十台对讲机":           "顺达驾校",
		"我们叫百姓康药店 在城西":                  "百姓康药店",
		"我是北京中睿衡信会计师事务所的IT，我们所里一台笔记本":   "北京中睿衡信会计师事务所",
		"喜多多便利店 老板姓黄":                   "喜多多便利店",
		"我是华盛家电 王建 13677778888":         "华盛家电",
		"聯絡人 林先生 0920556781 宏昌營造":       "宏昌营造",
		"我是酒店工程部的，负责人姓郑，电话 13860712345": "",
		"你好 我是家具城门店的 替一个客户报修 他家冰箱不制冷":   "",
	} {
		if got := x.Extract(text, testNow)[cases.FieldCompany]; Fold(got) != Fold(want) {
			t.Errorf("extFindCompany(%q) = %q, want %q", text, got, want)
		}
	}
	if extCoValid("Store Manager") {
		t.Error("a job title taken for a company")
	}
}

func TestModelReplyWithProductWords(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	for _, tt := range []struct{ text, want string }{
		{"AquaPro 7 front loader", "AquaPro 7"},
		{"GC-9060 5 burner freestanding", "GC-9060"},
		{"MW-20S Solo. bought it last black friday", "MW-20S Solo"},
		{"BX-9 Pro 2 (BaristaOne)", "BX-9 Pro 2"},
		{"Skandi 2-door wardrobe", "Skandi 2-door"},
	} {
		got, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, tt.text, testNow)
		if !ok || got != tt.want {
			t.Errorf("ParseFieldAnswer(product_model, %q) = %q %v, want %q", tt.text, got, ok, tt.want)
		}
	}
	// Talk around an order number is no model.
	if got, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, "kinda disappointed. order GC-0407-1193", testNow); ok && got != "GC-0407-1193" {
		t.Errorf("talk taken as the model: %q", got)
	}
}

func TestWantsHumanPhrasings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Put me through to a human please.", true},
		{"Honestly can I just speak to an actual person, this is going round in circles", true},
		{"i want a human to sort this", true},
		{"can i talk to a real person pls not a bot", true},
		{"hey quick one, r u a bot or a real person", false},
		{"To be honest I'd like a person to handle this rather than an automated reply", true},
		{"Please could somebody from your service team - a person, not the automated system - ring me", true},
		{"唔好再問啦 俾個真人我講 快啲派人", true},
		{"你们能不能直接找个人跟我说？太急了", true},
		{"is this a bot or a real person?", false},
		{"Need someone to look at it today", false},
		{"Are you a bot or a human?", false},
		{"hello, is the bot a real person?", false},
		{"is this chat a human or a bot?", false},
		{"is it a real person? I need a real person to call me", true},
	} {
		if got := WantsHuman(tt.text); got != tt.want {
			t.Errorf("WantsHuman(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// The day a product arrived is when a problem found on arrival began; a
// day it was only due is not, and a fault date said beside it wins.
func TestArrivalDate(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	ip := NewInterpreter(x, testClassifier(t))
	tests := []struct{ text, arrival, occurred string }{
		{"昨天5月14号收到的，拆开屏幕就是碎的", "2024-05-14", ""},
		{"The kettle arrived on Monday with a cracked lid", "2024-05-13", ""},
		{"It was supposed to be delivered on Monday and nothing came", "", ""},
		{"快递说好5月10号送到，到现在还没到", "", ""},
		{"Delivered on May 2, worked fine until yesterday when it stopped", "", "2024-05-14"},
	}
	for _, tc := range tests {
		in := ip.Interpret(tc.text, Context{Now: testNow})
		if in.Arrival != tc.arrival || in.Values[cases.FieldOccurredAt].Value != tc.occurred {
			t.Errorf("%q: arrival %q occurred %q, want %q %q", tc.text, in.Arrival, in.Values[cases.FieldOccurredAt].Value, tc.arrival, tc.occurred)
		}
	}
}

// A day said after its month refines it; a date and a time is a date; a
// mail's quoted header dates nothing.
func TestPurchaseDateRefined(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"4月底在你们线下门店买的，小票上写的是4月27号", "2024-04-27"},
		{"下单时间：2024-02-27 09:51:30", "2024-02-27"},
		{"The order was placed on 2 April.", "2024-04-02"},
		{"Invoice BPC-INV-0519, dated 19 March.", "2024-03-19"},
		{"都是一批进的 型号SD-568 去年九月份进的货", "2023-09"},
		{"We need a technician out.\nOn Wed, 14 May 2024 at 09:31, Customer Care wrote:\n> When did you purchase the unit?\n\nBought in March, installed the week after.", "2024-03"},
		{"去年10月国庆的时候买的", "2023-10"},
		// The day after its month, with or without a cue between.
		{"上个月刚买的，4月15号，能给换台新的吗", "2024-04-15"},
		{"去年11月双十一买的", "2023-11-11"},
		// A day with a cue of its own is not the purchase.
		{"上个月买的 4月15号坏的", "2024-04"},
	}
	for _, tc := range tests {
		if got := x.Extract(tc.text, testNow)[cases.FieldPurchaseDate]; got != tc.want {
			t.Errorf("%q: purchase %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A local number after the conversation named the country is that
// country's, not the first plan it fits.
func TestPhoneCountryFromConversation(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		t.Fatal(err)
	}
	ip := NewInterpreter(x, testClassifier(t))
	if got := CountryIn("Bought from your shop on Moi Avenue in Nairobi"); got != "254" {
		t.Fatalf("CountryIn: %q", got)
	}
	for _, asking := range []cases.FieldKey{"", cases.FieldPhone} {
		in := ip.Interpret("0722 415 963", Context{Asking: asking, Now: testNow, Lang: "en", Country: "254"})
		if v := in.Values[cases.FieldPhone].Value; v != "+254722415963" {
			t.Errorf("asking %q: %q", asking, v)
		}
	}
}
