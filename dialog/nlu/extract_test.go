package nlu

import (
	"maps"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

func testExtractor(t *testing.T) *Extractor {
	t.Helper()
	cfg := DefaultExtractorConfig()
	cfg.Location = testShanghai
	x, err := NewExtractor(cfg)
	if err != nil {
		t.Fatalf("NewExtractor: %v", err)
	}
	return x
}

type fields = map[cases.FieldKey]string

// runExtract checks one field of Extract's result: want "" means the field
// must be absent.
func runExtract(t *testing.T, key cases.FieldKey, tests []struct{ text, want string }) {
	t.Helper()
	x := testExtractor(t)
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := x.Extract(tt.text, testNow)
			if v, ok := got[key]; tt.want == "" && ok {
				t.Fatalf("Extract(%q)[%s] = %q, want absent (all: %v)", tt.text, key, v, got)
			} else if tt.want != "" && v != tt.want {
				t.Fatalf("Extract(%q)[%s] = %q, want %q (all: %v)", tt.text, key, v, tt.want, got)
			}
		})
	}
}

func TestExtractPhone(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPhone, []struct{ text, want string }{
		{"13812345678", "13812345678"},
		{"我的电话是13812345678", "13812345678"},
		{"手机：138 1234 5678，谢谢", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"0086-13812345678", "13812345678"},
		{"(+86)13812345678", "13812345678"},
		{"（+86）138 1234 5678", "13812345678"},
		{"电话１３８１２３４５６７８", "13812345678"},
		{"call me at 15900001111 please", "15900001111"},
		{"tel:19912345678", "19912345678"},
		{"座机010-12345678", "010-12345678"},
		{"0755-8888 6666", "0755-88886666"},
		{"(021)12345678", "021-12345678"},
		{"021 1234 5678", "021-12345678"},
		{"02112345678", "021-12345678"},
		{"0571-8765432", "0571-8765432"},
		{"電話0912345678", "0912345678"}, // Taiwan mobile
		{"手機 0912-345-678", "0912345678"},
		{"+886 912 345 678", "0912345678"},
		{"电话不是13812345678，是13987654321", "13987654321"},
		{"手机号13812345678写错了，应该是13812345679", "13812345679"},
		// Not the customer's phone.
		{"订单号 JD13812345678", ""},
		{"订单号：20231111138123456789", ""},
		{"订单 202311111381234567", ""},
		{"我打了你们的400-820-8820没人接", ""},
		{"热线4008208820", ""},
		{"1381234567", ""},   // ten digits
		{"138123456789", ""}, // twelve digits
		{"12812345678", ""},  // no 12x mobile prefix
		{"2023-11-11买的", ""}, // a date
		{"订单号 13812345678", ""},
	})
}

func TestExtractEmail(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldEmail, []struct{ text, want string }{
		{"邮箱 Zhang.San@Example.COM", "zhang.san@example.com"},
		{"my email is john_smith+kefu@mail.example.co.uk.", "john_smith+kefu@mail.example.co.uk"},
		{"发到ｔｏｍ＠ｑｑ.ｃｏｍ", "tom@qq.com"},
		{"邮箱不是a@b.com，是c@d.com", "c@d.com"},
		{"no email here @ all", ""},
	})
}

func TestExtractPurchaseProof(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPurchaseProof, []struct{ text, want string }{
		{"订单号：JD20231111889900", "JD20231111889900"},
		{"订单号是 JD20231111889900", "JD20231111889900"},
		{"訂單號：TB1234567890", "TB1234567890"},
		{"单号 2023111188990011", "2023111188990011"},
		{"order #A-10023", "A-10023"},
		{"Order No. 88812345", "88812345"},
		{"my order number is 7788123456", "7788123456"},
		{"invoice 04412345", "04412345"},
		{"Invoice No: INV-2023-0042", "INV-2023-0042"},
		{"发票号 04412345", "04412345"},
		{"發票號碼：04412345", "04412345"},
		{"订单 123456789012", "123456789012"},
		{"我的订单是在京东下的，20231111889900123", "20231111889900123"},
		{"order 202311118899001 never arrived", "202311118899001"},
		{"订单号不是JD111111，是JD222222", "JD222222"},
		// Not purchase proofs.
		{"快递单号SF1234567890", ""},
		{"运单号 SF1234567890", ""},
		{"我的订单还没到", ""},
		{"I ordered XQG100 last month", ""},
		{"型号XQG100", ""},
		{"20231111889900123", ""}, // a long number with no mention of an order
		{"order it again", ""},
	})
}

func TestExtractModel(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldProductModel, []struct{ text, want string }{
		{"XQG100", "XQG100"},
		{"我的洗衣机是XQG80-BX12", "XQG80-BX12"},
		{"空调KFR-35GW/BpR3不制冷", "KFR-35GW/BpR3"},
		{"冰箱BCD-520W不制冷", "BCD-520W"},
		{"手机MI-13屏幕坏了", "MI-13"},
		{"型号是XQG80", "XQG80"},
		{"型號：XQG80", "XQG80"},
		{"model XQG100-S stopped spinning", "XQG100-S"},
		{"Model number: tg100v", "tg100v"},
		{"洗衣机型号xqg100，买了半年", "xqg100"},
		// Corrections: the asserted model wins.
		{"型号不对，是XQG80", "XQG80"},
		{"不是XQG100，是XQG80", "XQG80"},
		{"型号是XQG100，不对，是XQG80", "XQG80"},
		{"sorry, it's XQG80 not XQG100", "XQG80"},
		{"XQG100写错了，应该是XQG80", "XQG80"},
		{"I said XQG100 but I meant XQG80", "XQG80"},
		// Not models.
		{"优先级P1", ""},
		{"USB3 接口松了", ""},
		{"WiFi6 连不上", ""},
		{"APP打不开，TV也不行", ""},
		{"13812345678", ""},
		{"订单号JD20231111889900", ""},
		{"邮箱abc123@qq.com", ""},
		{"2023-11-11买的", ""},
		{"Nov 11 bought", ""},
		{"3天前坏了", ""},
		{"PM2.5传感器报警", ""},
		{"The machine shows error code E21 since Monday", ""},
		{"屏幕显示E4", ""},
		{"显示ERR04错误", ""},
		{"X2000不工作", "X2000"},
		{"型号E21", "E21"}, // called a model, so it is one
		{"model AC-220X on March 3rd", "AC-220X"},
		{"AC220V电源", ""},
		{"批次B2305", ""},
		{"只有型号不知道", ""},
	})
}

func TestExtractBatch(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldBatch, []struct{ text, want string }{
		{"批次 20230512", "20230512"},
		{"批号B2305", "B2305"},
		{"批號：B2305", "B2305"},
		{"生产批次是 2305-A1", "2305-A1"},
		{"batch no. L2305-01", "L2305-01"},
		{"Batch: 7731", "7731"},
		{"lot 2305A", "2305A"},
		{"LOT#2305A", "2305A"},
		{"批次不知道", ""},
		{"a lot of noise", ""},
		{"batch of complaints", ""},
	})
}

func TestExtractDates(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		text               string
		purchase, occurred string
	}{
		{"昨天开始不脱水了", "", "2024-05-14"},
		{"上个月买的，昨天开始不脱水了", "2024-04", "2024-05-14"},
		{"去年双十一买的洗衣机，上周五坏了", "2023-11-11", "2024-05-10"},
		{"2023年11月11日购买", "2023-11-11", ""},
		{"今年3月8号入手的", "2024-03-08", ""},
		{"三天前突然不能开机", "", "2024-05-12"},
		{"上个月底下单，前天到货，昨天就坏了", "2024-04", "2024-05-14"},
		{"我是2023-06-01在京东买的，从上周开始漏水", "2023-06-01", "2024-05"},
		{"It stopped working yesterday", "", "2024-05-14"},
		{"I bought it last Friday and it broke yesterday", "2024-05-10", "2024-05-14"},
		{"purchased on Nov 11 2023", "2023-11-11", ""},
		{"Since 3 days ago it makes a loud noise", "", "2024-05-12"},
		{"Bought two weeks ago. The screen failed this morning.", "2024-05-01", "2024-05-15"},
		{"订单是上个月的，两周前出现异响", "", "2024-05-01"},
		{"我们公司去年采购了50台", "", ""},
		{"1号买的，3号就坏了", "2024-05-01", "2024-05-03"},
		{"12.12买的", "2023-12-12", ""},
		{"1.5匹的空调昨天坏了", "", "2024-05-14"},
		{"It's been broken since the 10th", "", "2024-05-10"},
		{"20号买的，今天坏了", "2024-04-20", "2024-05-15"}, // the 20th is still ahead this month
		{"我住幸福路3号，洗衣机昨天坏了", "", "2024-05-14"},
		{"3号机昨天坏了", "", "2024-05-14"},
		// Unclear role: not assigned.
		{"昨天", "", ""},
		{"你好，2023-01-01", "", ""},
		// Future dates are not facts about a purchase or a fault.
		{"今年双十一买的", "", ""},
		{"下周一坏的", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := x.Extract(tt.text, testNow)
			if got[cases.FieldPurchaseDate] != tt.purchase || got[cases.FieldOccurredAt] != tt.occurred {
				t.Fatalf("Extract(%q) purchase=%q occurred=%q, want %q %q (all: %v)", tt.text,
					got[cases.FieldPurchaseDate], got[cases.FieldOccurredAt], tt.purchase, tt.occurred, got)
			}
		})
	}
}

func TestExtractDemand(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldDemand, []struct{ text, want string }{
		{"洗衣机坏了，麻烦派人上门维修", "repair"},
		{"想退货", "return"},
		{"我要换货", "exchange"},
		{"不想维修，想换货", "exchange"},
		{"请问怎么清洗滤网", "consultation"},
		{"Please fix it", "repair"},
		{"I want a refund", "refund"},
		{"", ""},
		{"洗衣机不脱水", ""},
	})
}

func TestParseDemand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want cases.Demand // "" = none
	}{
		{"维修", cases.DemandRepair},
		{"麻烦安排师傅上门", cases.DemandRepair},
		{"帮我修一下", cases.DemandRepair},
		{"我要报修", cases.DemandRepair},
		{"需要維修", cases.DemandRepair},
		{"Can you repair it?", cases.DemandRepair},
		{"I need someone to fix it", cases.DemandRepair},
		{"退货", cases.DemandReturn},
		{"这台我想退掉", cases.DemandReturn},
		{"可以退吗", cases.DemandReturn},
		{"能退不", cases.DemandReturn},
		{"想退款", cases.DemandRefund},
		{"不想退货", ""},
		{"我要退貨", cases.DemandReturn},
		{"I'd like to return it", cases.DemandReturn},
		{"换货", cases.DemandExchange},
		{"给我换一台", cases.DemandExchange},
		{"申请更换", cases.DemandExchange},
		{"想換貨", cases.DemandExchange},
		{"Can I exchange it?", cases.DemandExchange},
		{"please replace it", cases.DemandExchange},
		{"I want a replacement", cases.DemandExchange},
		{"退款", cases.DemandRefund},
		{"把钱退给我", cases.DemandRefund},
		{"退錢", cases.DemandRefund},
		{"I want my money back", cases.DemandRefund},
		{"refund please", cases.DemandRefund},
		{"咨询一下", cases.DemandConsultation},
		{"請問這個怎麼設置", cases.DemandConsultation},
		{"諮詢", cases.DemandConsultation},
		{"如何连接wifi", cases.DemandConsultation},
		{"how do I reset the filter?", cases.DemandConsultation},
		{"How to descale it", cases.DemandConsultation},
		// Negation and preference.
		{"不想维修，想换货", cases.DemandExchange},
		{"不要维修了，直接退款", cases.DemandRefund},
		{"不用上门，退货吧", cases.DemandReturn},
		{"不想換貨，想退款", cases.DemandRefund},
		{"I don't want a repair, I want a refund", cases.DemandRefund},
		{"no need to fix it, just exchange it", cases.DemandExchange},
		{"I want a replacement instead of a repair", cases.DemandExchange},
		// A concrete demand beats a how-to question.
		{"请问怎么申请退货", cases.DemandReturn},
		{"how do I get a refund?", cases.DemandRefund},
		// Past repairs are history, not the demand.
		{"之前维修过一次，现在又坏了，要退货", cases.DemandReturn},
		{"已经维修过了", ""},
		// Nothing.
		{"洗衣机不脱水", ""},
		{"坏了怎么办", ""},
		{"不想维修", ""},
		{"", ""},
		{"the return key is fine", cases.DemandReturn}, // known limitation: word-level only
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseDemand(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Fatalf("ParseDemand(%q) = %q %v, want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestExtractCustomerName(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCustomerName, []struct{ text, want string }{
		{"我叫张三", "张三"},
		{"你好，我叫张三，电话13812345678", "张三"},
		{"我叫王小明想问一下", "王小明"},
		{"我是张三。", "张三"},
		{"你好我是李四，洗衣机坏了", "李四"},
		{"我是欧阳娜娜", "欧阳娜娜"},
		{"姓名：张三", "张三"},
		{"姓名:张三 电话:13812345678", "张三"},
		{"联系人李女士", "李女士"},
		{"联系人：王先生，电话13812345678", "王先生"},
		{"王先生您好", "王先生"},
		{"找陈小姐", "陈小姐"},
		{"my name is John Smith", "John Smith"},
		{"Hi, my name is john smith and my phone is 13812345678", "John Smith"},
		{"This is Jane from Acme Corp", "Jane"},
		{"I'm Tom Lee", "Tom Lee"},
		{"Hello, I'm Tom. My washer broke", "Tom"},
		{"Mr. Wang called yesterday", "Mr. Wang"},
		// Corrections.
		{"名字写错了，是张珊", "张珊"},
		{"不是张三，是李四", "李四"},
		// Not names.
		{"名字写错了", ""},
		{"我是你们的老客户", ""},
		{"我是用户", ""},
		{"我是车主", ""},
		{"我是江苏的", ""},
		{"我是安徽", ""},
		{"I'm not happy", ""},
		{"I'm very upset about this", ""},
		{"This is XQG100", ""},
		{"This is Acme Corp", ""},
		{"洗衣机不脱水", ""},
	})
}

func TestExtractCompany(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCompany, []struct{ text, want string }{
		{"我们是深圳华强科技有限公司", "深圳华强科技有限公司"},
		{"深圳华强科技有限公司的采购，设备坏了", "深圳华强科技有限公司"},
		{"我在上海浦东建设股份有限公司上班", "上海浦东建设股份有限公司"},
		{"我们是华强科技，采购了20台", "华强科技"},
		{"我們是台北宏達電子", "台北宏達電子"},
		{"东莞长安五金工厂这边", "东莞长安五金工厂"},
		{"来自ABC贸易", "ABC贸易"},
		{"公司名称:华强", "华强"},
		{"from Acme Corp", "Acme Corp"},
		{"This is Jane from Acme Ltd", "Acme Ltd"},
		{"We are Shenzhen Huaqiang Electronics Co., Ltd.", "Shenzhen Huaqiang Electronics Co., Ltd."},
		{"Globex Inc bought 20 units", "Globex Inc"},
		{"Müller Maschinenbau GmbH", "Maschinenbau GmbH"}, // known limitation: ASCII-only words
		{"I work at Initech", "Initech"},
		// Not companies.
		{"你们公司的售后太差了", ""},
		{"贵公司", ""},
		{"快递公司把箱子摔坏了", ""},
		{"这家公司", ""},
		{"我在公司用的", ""},
		{"恢复出厂设置也没用", ""},
		{"联系厂家", ""},
		{"My Company", ""},
		{"我们是你们的老客户", ""},
	})
}

func TestExtractEnvironment(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldEnvironment, []struct{ text, want string }{
		// The customer's phrase around the cue is kept.
		{"热水器装在浴室里", "热水器装在浴室里"},
		{"放在卫生间", "放在卫生间"},
		{"在厨房用", "在厨房用"},
		{"一直在户外使用", "一直在户外使用"},
		{"工厂车间，比较潮湿", "工厂车间；比较潮湿"},
		{"在工厂用", "在工厂用"},
		{"室外温度高", "室外温度高"},
		{"衛生間很潮濕", "衛生間很潮濕"},
		{"It's used outdoors", "used outdoors"},
		{"kept in the bathroom, very humid", "kept in the bathroom; very humid"},
		{"dusty environment", "dusty environment"},
		// Not environments.
		{"高温洗涤模式不工作", ""},
		{"东莞长安五金工厂", ""},
		{"洗衣机不脱水", ""},
	})
}

func TestExtractTried(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldTried, []struct{ text, want string }{
		{"我已经重启过了，还是不行", "已经重启过了"},
		{"试过断电重启", "试过断电重启"},
		{"拔插了", "拔插了"},
		{"恢复出厂设置了也不行", "恢复出厂设置了"},
		{"已經重啟過", "已經重啟過"},
		{"I tried restarting it but it still doesn't work", "I tried restarting it"},
		{"already reset it", "already reset it"},
		{"I unplugged it for an hour", "I unplugged it for an hour"},
		{"重启过了，也清洗了滤网", "重启过了；清洗了滤网"},
		{"换了个插座还是不行", "换了个插座"},
		{"试了好几个插座都不行", "试了好几个插座"},
		{"冷藏不冷。已经调过温度了", "已经调过温度了"},
		{"We already power cycled them. Please advise", "We already power cycled them"},
		// Not something the customer tried.
		{"它自己一直重启", ""},
		{"It keeps restarting", ""},
		{"还没重启过", ""},
		{"需要恢复出厂设置吗？", ""},
		{"how do I reset it?", ""},
		{"I haven't restarted it", ""},
		{"洗衣机不脱水", ""},
	})
}

// Extract never reports the symptom (the engine owns it) and reads a typical
// first message completely.
func TestExtractFullMessage(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		text string
		want fields
	}{
		{
			"你好，我叫张三，电话138 1234 5678。去年双十一买的洗衣机XQG80-BX12，订单号：JD20231111889900，昨天开始不脱水了，已经重启过了，想换货。",
			fields{
				cases.FieldCustomerName:  "张三",
				cases.FieldPhone:         "13812345678",
				cases.FieldProductModel:  "XQG80-BX12",
				cases.FieldPurchaseProof: "JD20231111889900",
				cases.FieldPurchaseDate:  "2023-11-11",
				cases.FieldOccurredAt:    "2024-05-14",
				cases.FieldTried:         "已经重启过了",
				cases.FieldDemand:        "exchange",
			},
		},
		{
			"您好，我們是台北宏達電子，聯絡人林小姐，電話0223456789。上個月買的冰箱BCD-520W，批號B2305，放在倉庫裡，三天前開始不製冷，想退款。",
			fields{
				cases.FieldCompany:      "台北宏達電子",
				cases.FieldCustomerName: "林小姐",
				cases.FieldPhone:        "022-3456789",
				cases.FieldProductModel: "BCD-520W",
				cases.FieldBatch:        "B2305",
				cases.FieldPurchaseDate: "2024-04",
				cases.FieldOccurredAt:   "2024-05-12",
				cases.FieldEnvironment:  "放在倉庫裡",
				cases.FieldDemand:       "refund",
			},
		},
		{
			"Hi, this is Jane Smith from Acme Corp (jane.smith@acme.com). Our dryer model XQG100-S, order #A-10023, bought last month, stopped heating yesterday. I tried restarting it. It's used outdoors. We'd like a repair.",
			fields{
				cases.FieldCustomerName:  "Jane Smith",
				cases.FieldCompany:       "Acme Corp",
				cases.FieldEmail:         "jane.smith@acme.com",
				cases.FieldProductModel:  "XQG100-S",
				cases.FieldPurchaseProof: "A-10023",
				cases.FieldPurchaseDate:  "2024-04",
				cases.FieldOccurredAt:    "2024-05-14",
				cases.FieldTried:         "I tried restarting it",
				cases.FieldEnvironment:   "used outdoors",
				cases.FieldDemand:        "repair",
			},
		},
		{"洗衣机不脱水，声音很大", fields{}},
		{"好的", fields{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := x.Extract(tt.text, testNow)
			if _, ok := got[cases.FieldSymptom]; ok {
				t.Fatalf("Extract returned a symptom: %v", got)
			}
			if !maps.Equal(got, tt.want) {
				for _, k := range cases.AllFields {
					if got[k] != tt.want[k] {
						t.Errorf("%s = %q, want %q", k, got[k], tt.want[k])
					}
				}
			}
		})
	}
}

func TestNewExtractor(t *testing.T) {
	t.Parallel()
	// The zero config gets the default patterns.
	x, err := NewExtractor(ExtractorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got := x.Extract("订单号：JD20231111889900，型号XQG80，批次B2305", testNow)
	want := fields{cases.FieldPurchaseProof: "JD20231111889900", cases.FieldProductModel: "XQG80", cases.FieldBatch: "B2305"}
	if !maps.Equal(got, want) {
		t.Fatalf("zero config: Extract = %v, want %v", got, want)
	}

	// Configured patterns replace the defaults.
	x, err = NewExtractor(ExtractorConfig{OrderPatterns: []string{`工单(W\d{6})`}, ModelPatterns: []string{`\bHX-\d{3}\b`}})
	if err != nil {
		t.Fatal(err)
	}
	got = x.Extract("工单W123456，设备HX-200，另一个XQG80", testNow)
	if got[cases.FieldPurchaseProof] != "W123456" || got[cases.FieldProductModel] != "HX-200" {
		t.Fatalf("custom patterns: Extract = %v", got)
	}

	// A bad pattern is named in the error.
	_, err = NewExtractor(ExtractorConfig{BatchPatterns: []string{`ok`, `(unclosed`}})
	if err == nil || !strings.Contains(err.Error(), "(unclosed") || !strings.Contains(err.Error(), "batch_patterns") {
		t.Fatalf("bad pattern error = %v", err)
	}
}

func TestParseFieldAnswer(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct {
		field cases.FieldKey
		text  string
		want  string // value when ok
		hint  string // hint when not ok
	}{
		{cases.FieldCustomerName, "张三", "张三", ""},
		{cases.FieldCustomerName, "张三。", "张三", ""},
		{cases.FieldCustomerName, "我叫李四", "李四", ""},
		{cases.FieldCustomerName, "王先生", "王先生", ""},
		{cases.FieldCustomerName, "john smith", "John Smith", ""},
		{cases.FieldCustomerName, "My name is Ann Lee", "Ann Lee", ""},
		// A name with the phone number in the same reply is still the name;
		// the engine picks the phone up from the same message.
		{cases.FieldCustomerName, "张三 13812345678", "张三", ""},
		{cases.FieldCustomerName, "孙丽 15900001234", "孙丽", ""},
		{cases.FieldCustomerName, "赵敏 手机号：+86-186-1234-5678", "赵敏", ""},
		{cases.FieldCustomerName, "JOHN SMITH 13900001111", "John Smith", ""},
		{cases.FieldCustomerName, "Isabel, phone 13900001111", "Isabel", ""},
		{cases.FieldCustomerName, "13900001111", "", "generic"},
		{cases.FieldCustomerName, "电话13900001111", "", "generic"},
		{cases.FieldCustomerName, "好的", "", "generic"},
		{cases.FieldCustomerName, "叫我小王就行", "小王", ""},
		{cases.FieldCustomerName, "李", "李", ""},
		{cases.FieldCustomerName, "不想说", "", "generic"},
		{cases.FieldCustomerName, "保密", "", "generic"},
		{cases.FieldCustomerName, "洗衣机坏了", "", "generic"},
		{cases.FieldCustomerName, "", "", "generic"},

		{cases.FieldCompany, "深圳华强科技有限公司", "深圳华强科技有限公司", ""},
		{cases.FieldCompany, "华强", "华强", ""},
		{cases.FieldCompany, "Acme", "Acme", ""},
		{cases.FieldCompany, "个人", "none", ""},
		{cases.FieldCompany, "不是公司，个人买的", "none", ""},
		{cases.FieldCompany, "我们是华强科技", "华强科技", ""},
		{cases.FieldCompany, "123", "", "generic"},

		{cases.FieldPhone, "138 1234 5678", "13812345678", ""},
		{cases.FieldPhone, "+86 138-1234-5678", "13812345678", ""},
		{cases.FieldPhone, "010-12345678", "010-12345678", ""},
		{cases.FieldPhone, "1381234567", "", "phone.invalid"},
		{cases.FieldPhone, "不方便", "", "phone.invalid"},
		{cases.FieldPhone, "a@b.com", "", "phone.invalid"},

		{cases.FieldEmail, "Tom@QQ.com", "tom@qq.com", ""},
		{cases.FieldEmail, "tom at qq dot com", "", "email.invalid"},
		{cases.FieldEmail, "tom@", "", "email.invalid"},

		{cases.FieldPurchaseProof, "JD20231111889900", "JD20231111889900", ""},
		{cases.FieldPurchaseProof, "订单号是 A-10023", "A-10023", ""},
		{cases.FieldPurchaseProof, "不知道", cases.Unknown, ""},
		{cases.FieldPurchaseProof, "找不到了", cases.Unknown, ""},
		{cases.FieldPurchaseProof, "not sure", cases.Unknown, ""},
		{cases.FieldPurchaseProof, "在京东买的", "", "generic"},

		{cases.FieldProductModel, "XQG80", "XQG80", ""},
		{cases.FieldProductModel, "xqg80", "xqg80", ""},
		{cases.FieldProductModel, "型号是 KFR-35GW/BpR3", "KFR-35GW/BpR3", ""},
		{cases.FieldProductModel, "不是XQG100，是XQG80", "XQG80", ""},
		{cases.FieldProductModel, "洗衣机", "", "generic"},

		{cases.FieldBatch, "B2305", "B2305", ""},
		{cases.FieldBatch, "2305", "2305", ""},
		{cases.FieldBatch, "B2305吧", "B2305", ""},
		{cases.FieldBatch, "批号 B2305", "B2305", ""},
		{cases.FieldBatch, "不知道", cases.Unknown, ""},
		{cases.FieldBatch, "不清楚", cases.Unknown, ""},
		{cases.FieldBatch, "unknown", cases.Unknown, ""},
		{cases.FieldBatch, "没有", cases.Unknown, ""},
		{cases.FieldBatch, "好的", "", "generic"},

		{cases.FieldPurchaseDate, "去年双十一", "2023-11-11", ""},
		{cases.FieldPurchaseDate, "2024/3/8", "2024-03-08", ""},
		{cases.FieldPurchaseDate, "last month", "2024-04", ""},
		{cases.FieldPurchaseDate, "很久以前", "", "date.invalid"},
		{cases.FieldPurchaseDate, "下周一", "", "date.invalid"},
		{cases.FieldOccurredAt, "昨天", "2024-05-14", ""},
		{cases.FieldOccurredAt, "3 days ago", "2024-05-12", ""},
		{cases.FieldOccurredAt, "不记得了", cases.Unknown, ""},
		{cases.FieldOccurredAt, "not sure", cases.Unknown, ""},
		{cases.FieldOccurredAt, "hmm", "", "date.invalid"},

		{cases.FieldEnvironment, "浴室", "浴室", ""},
		{cases.FieldEnvironment, "家里客厅", "家里客厅", ""},
		{cases.FieldEnvironment, "不清楚", cases.Unknown, ""},
		{cases.FieldEnvironment, "好的", "", "generic"},

		{cases.FieldTried, "重启过了", "重启过了", ""},
		{cases.FieldTried, "没有", "none", ""},
		{cases.FieldTried, "none", "none", ""},
		{cases.FieldTried, "还没试", "none", ""},
		{cases.FieldTried, "还没试过重启", "none", ""},
		{cases.FieldTried, "Nothing yet", "none", ""},
		{cases.FieldTried, "不知道", cases.Unknown, ""},
		{cases.FieldTried, "看了说明书", "看了说明书", ""},

		{cases.FieldSymptom, "不脱水", "不脱水", ""},

		{cases.FieldDemand, "换货", "exchange", ""},
		{cases.FieldDemand, "不想维修，想换货", "exchange", ""},
		{cases.FieldDemand, "refund", "refund", ""},
		{cases.FieldDemand, "其他", "other", ""},
		{cases.FieldDemand, "1", "repair", ""},
		{cases.FieldDemand, "２", "return", ""},
		{cases.FieldDemand, "修吧", "repair", ""},
		{cases.FieldDemand, "换", "exchange", ""},
		{cases.FieldDemand, "Repair", "repair", ""},
		{cases.FieldDemand, "consultation", "consultation", ""},
		{cases.FieldDemand, "随便", "", "demand.invalid"},
		{cases.FieldDemand, "9", "", "demand.invalid"},

		{cases.FieldKey("nope"), "x", "", "generic"},
	}
	for _, tt := range tests {
		t.Run(string(tt.field)+"/"+tt.text, func(t *testing.T) {
			t.Parallel()
			v, ok, hint := x.ParseFieldAnswer(tt.field, tt.text, testNow)
			if tt.want != "" {
				if !ok || v != tt.want || hint != "" {
					t.Fatalf("ParseFieldAnswer(%s, %q) = %q %v %q, want %q", tt.field, tt.text, v, ok, hint, tt.want)
				}
				return
			}
			if ok || hint != tt.hint {
				t.Fatalf("ParseFieldAnswer(%s, %q) = %q %v %q, want invalid with hint %q", tt.field, tt.text, v, ok, hint, tt.hint)
			}
		})
	}
}
