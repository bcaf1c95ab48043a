package nlu

import (
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// Demands asked for as a question or an action, without the noun.
func TestParseDemandWithoutNoun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want cases.Demand // "" = none
	}{
		// Repair.
		{"这台烤箱还能修好吗", cases.DemandRepair},
		{"麻烦叫个师傅过来瞧瞧", cases.DemandRepair},
		{"明天下午能来吗", cases.DemandRepair},
		{"能不能今天就派工程师过来", cases.DemandRepair},
		{"过保了也修，费用我出", cases.DemandRepair},
		{"那就修吧", cases.DemandRepair},
		// A courtesy or the warranty as the condition still asks.
		{"方便的话派人来看看 不着急", cases.DemandRepair},
		{"如果還在保固的話想送修", cases.DemandRepair},
		{"I cleaned the wheels already. not urgent, just want to know what to do", cases.DemandConsultation},
		{"还在保修吗 不在的话修要多少钱", cases.DemandRepair},
		{"有的話就送修 沒有的話看要多少錢", cases.DemandRepair},
		{"收費都想整 大概幾錢？", cases.DemandRepair},
		{"麻烦安排技术支持", cases.DemandRepair},
		{"拜託今天一定要來", cases.DemandRepair},
		{"未用過幾次 唔想整壞個塗層", ""},
		{"could someone give it a nudge", cases.DemandOther},
		{"可以只寄一片新門板嗎 不用整組換", cases.DemandOther},
		// Questions: doing it oneself, whether something is needed, known issues.
		{"这个净水器的滤芯多久换一次 还有换滤芯要不要找师傅 自己能换吗", cases.DemandConsultation},
		{"hello i want ask, my air fryer AF-45 can put baking paper inside or not?", cases.DemandConsultation},
		{"Is this a known issue? Do I need a firmware update?", cases.DemandConsultation},
		{"我们这边水比较硬 是不是要加软水盐", cases.DemandConsultation},
		{"有没有办法", cases.DemandConsultation},
		// "给我…了" orders it; "我退了" tells it is done.
		{"给我退了", cases.DemandReturn},
		{"帮我换了吧", cases.DemandExchange},
		{"我上个月退了", ""},
		{"我得去哪修啊", cases.DemandRepair},
		{"可唔可以搵師傅上嚟睇下", cases.DemandRepair},
		// Asking how it gets repaired, and Cantonese 整 (fix).
		{"怎么修 要寄回去吗", cases.DemandRepair},
		{"好啦 噉你都記低先 要整", cases.DemandRepair},
		{"點整先可以用返", cases.DemandRepair},
		{"下午三点整送到的", ""}, // a time, not "how to fix"
		// Two ways of one remedy are no choice between remedies.
		{"修 寄修还是去门店都行", cases.DemandRepair},
		{"could someone check it next week?", cases.DemandRepair},
		// A part put in by a technician is a repair.
		{"到时候上门换个圈就行", cases.DemandRepair},
		{"可以派人來換門板嗎", cases.DemandRepair},
		{"Need a warranty tech or a replacement outdoor board, either one.", cases.DemandRepair},
		{"I want the door replaced", cases.DemandRepair},
		{"I don't need anything sent or fixed, I just want to know if it's OK", ""},
		{"有需要上门检查的话可以联系我", ""},
		// Exchange, also of a part.
		{"直接给我换台新的吧", cases.DemandExchange},
		{"这个门板能单独换一块吗", cases.DemandExchange},
		{"寄一个新的遥控器给我", cases.DemandExchange},
		{"能不能给我换成白色的", cases.DemandExchange},
		{"我想換過部新嘅", cases.DemandExchange},
		{"we'd like a new one sent out", cases.DemandExchange},
		// Return and refund.
		{"算了，退了吧", cases.DemandReturn},
		{"能不能退", cases.DemandReturn},
		{"could you take them back?", cases.DemandReturn},
		{"退货退款", cases.DemandRefund},
		{"退钱吧，不想折腾了", cases.DemandRefund},
		{"I'd like my money back", cases.DemandRefund},
		// Other: chasing, a missing part, compensation, an invoice.
		{"报修一周了还没人来", cases.DemandOther},
		{"麻烦帮我催一下物流", cases.DemandOther},
		{"少了一个螺丝包，给我补发一个", cases.DemandOther},
		{"能不能给点补偿", cases.DemandOther},
		{"帮忙开一张增值税专票", cases.DemandOther},
		{"please send the missing cable", cases.DemandOther},
		{"who is going to pay for the damage?", cases.DemandOther},
		// Negated, threatened, done, asked about or left open: no demand.
		{"我不要换", ""},
		{"不然我就退了", ""},
		{"修不好就换", ""},
		{"电池都换新的了", ""},
		{"上次修了两次", ""},
		{"要换还是能修？", ""},
		{"修还是换，你们看着办", ""},
		{"I don't want another repair", ""},
		// Asking whether it is needed is a question.
		{"需要上门换吗", cases.DemandConsultation},
		{"要不要把滤网换掉", cases.DemandConsultation},
		{"这样正常吗", cases.DemandConsultation},
		{"is a new battery covered under warranty? would a replacement be free", cases.DemandConsultation},
		// Words that only contain a cue.
		{"家里刚装修完", ""},
		{"交换机的灯不亮", ""},
		{"滤芯多久换一次", ""},
		{"送货上门的时候就坏了", ""},
		// A preference settles a choice.
		{"退货换货都可以，最好是换", cases.DemandExchange},
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

// Environments beyond place words keep the customer's phrase.
func TestExtractEnvironmentFamilies(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct{ text, want string }{
		{"笔记本升级到 Windows 11 以后就连不上", "Windows 11"},
		{"手机是 iOS 17 的", "iOS 17"},
		{"家里是千兆宽带，路由器放在书房", "千兆宽带"},
		{"老房子的电线，插在插排上用", "老房子的电线"},
		{"机器放在地下室，比较潮", "比较潮"},
		{"每天开十几个小时", "每天开十几个小时"},
		{"我们这边水很硬", "水很硬"},
		{"we mostly use it on a boat", "on a boat"},
		{"the house runs on 110V", "110V"},
		{"员工宿舍的热水器不出热水", "员工宿舍"},
		{"The projector in our seminar room keeps switching off", "seminar room"},
		// Where it was moved for safety, or where a parcel waits, is not it.
		{"已经拔了，放阳台了", ""},
		{"物流一直显示在仓库", ""},
		{"空调室外机不转", ""},
		{"洗衣机不脱水", ""},
		{"现在放在阳台上 不敢用", ""},
		// A bedside table, a queue at the door, a deadline, the product's own
		// reading and a business's name are no place of use.
		{"收到的床头柜颜色和图片差太多", ""},
		{"现在病人在门口排队", ""},
		{"麻烦24小时内上门", ""},
		{"the internal reading is now 14°C and climbing", ""},
		{"We run Saffron Lane Kitchen Ltd and the mixer stopped", ""},
		{"插座在床头 晚上充电", "床头"},
		{"放在店门口 太阳直晒", "店门口"},
		{"it sits in an unheated garage, about 2 degrees at night", "garage"},
	}
	for _, tc := range tests {
		got := x.Extract(tc.text, testNow)[cases.FieldEnvironment]
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("Extract(%q) environment = %q, want one holding %q", tc.text, got, tc.want)
		}
	}
}

// What the customer already did, including safety steps; not what the
// product did by itself, nor plans.
func TestExtractTriedFamilies(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	tests := []struct{ text, want string }{
		{"插头已经拔了", "插头已经拔了"},
		{"阀门关了 窗户也打开了", "阀门关了"},
		{"过滤网上周刚洗过", "洗过"},
		{"换了一个插座也一样", "换了一个插座"},
		{"换了别的洗衣液也一样", "换了别的洗衣液"},
		{"熄咗總掣", "熄咗總掣"},
		{"I reset the router twice", "I reset the router twice"},
		{"we've updated the app already", "we've updated the app already"},
		{"什么都没试过", "none"},
		{"haven't tried anything yet", "none"},
		// Not tried.
		{"它自己重启了好几次", ""},
		{"我想重启试试", ""},
		{"能不能帮我把滤网换了", ""},
		{"不要换了", ""},
		{"空调到了但是不制冷", ""},
		{"支架断了", ""},
	}
	for _, tc := range tests {
		if got := x.Extract(tc.text, testNow)[cases.FieldTried]; tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("Extract(%q) tried = %q, want one holding %q", tc.text, got, tc.want)
		}
	}
}

// A part replaced is a repair; the wish said after a visit is the remedy;
// alternatives keep the first.
func TestDemandPartsAndOrder(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]cases.Demand{
		"能不能上门帮我换条密封条":                                                    cases.DemandRepair,
		"电池不行了，换个新电池要多少钱":                                                 cases.DemandRepair,
		"Could you replace the gasket? It leaks":                          cases.DemandRepair,
		"请派人来看一下，这种情况必须给我换一台新的":                                           cases.DemandExchange,
		"请尽快安排人来检测，并把有问题的全部退掉":                                            cases.DemandReturn,
		"Please send a technician or a replacement":                       cases.DemandRepair,
		"Please arrange a repair. Is there a replacement unit meanwhile?": cases.DemandRepair,
	} {
		if got, _ := ParseDemand(text); got != want {
			t.Errorf("ParseDemand(%q) = %q, want %q", text, got, want)
		}
	}
}

// A fallback is no demand: "能修就修 不行再换" is a repair.
func TestDemandFallback(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"能修就修 不行再換", "能不能先派人上门，不行就先换", "先修修看，修不好再退"} {
		if got, _ := ParseDemand(text); got != cases.DemandRepair {
			t.Errorf("ParseDemand(%q) = %q, want repair", text, got)
		}
	}
}

// Sending is how an exchange is done when a replacement or a new one is
// what is sent; sending a part or chasing stays other.
func TestParseDemandSendAReplacement(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		want cases.Demand
	}{
		{"We refuse to keep it - please send a replacement", cases.DemandExchange},
		{"Could you send us a replacement unit, we need it for the weekend", cases.DemandExchange},
		{"please send me a new one", cases.DemandExchange},
		{"请尽快补发一台新的", cases.DemandExchange},
		{"给我重新发一个", cases.DemandExchange},
		{"please send the missing screws", cases.DemandOther},
	} {
		if got, _ := ParseDemand(tt.text); got != tt.want {
			t.Errorf("ParseDemand(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// The other demands said without their noun: the goods brought, a missing
// piece sent, where the parcel is, a report, a delivery held.
func TestParseDemandOtherWithoutNoun(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		want cases.Demand
	}{
		{"still nothing. just get it here", cases.DemandOther},
		{"I paid for 4 so I'd like the missing one sent", cases.DemandOther},
		{"不急啊 下周补过来就行", cases.DemandOther},
		{"是不是甲醛超标了 你们能提供检测报告吗", cases.DemandOther},
		{"今天能不能送到", cases.DemandOther},
		{"可唔可以俾個追蹤號碼我？", cases.DemandOther},
		{"只係想知道件貨去咗邊", cases.DemandOther},
		{"Could you hold the delivery until 15 May?", cases.DemandOther},
		{"the report says it is fine", ""},
	} {
		if got, _ := ParseDemand(tt.text); got != tt.want {
			t.Errorf("ParseDemand(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// An installation month dates the purchase when no purchase is said;
// "Android" keeps its "And".
func TestExtractInstalledAndAndroid(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	got := x.Extract("RO-600G 装了一年多了 前年11月装的", testNow)
	if got[cases.FieldPurchaseDate] == "" {
		t.Errorf("installation month: %v, want a purchase date", got)
	}
	got = x.Extract("8月30号下单 9月安装的", testNow)
	if !strings.HasSuffix(got[cases.FieldPurchaseDate], "-08-30") {
		t.Errorf("bought and installed: %v, want the purchase day", got)
	}
	if got := x.Extract("Android 15, app version 4.2", testNow); got[cases.FieldEnvironment] != "Android 15" {
		t.Errorf("environment %q, want Android 15", got[cases.FieldEnvironment])
	}
}
