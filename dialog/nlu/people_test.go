package nlu

import (
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// Phones of other countries, numbers in Chinese numerals and corrections
// of the last digits.
func TestExtractPhoneForeign(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPhone, []struct{ text, want string }{
		// With the country code.
		{"call me on +44 7700 900321", "+447700900321"},
		{"Mobile: +61 423 118 907", "+61423118907"},
		{"+1 (646) 555-0111", "+16465550111"},
		{"Tel. +49 (0)30 1234 5678", "+493012345678"},
		{"whatsapp 0044 7911 123456", "+447911123456"},
		{"電話 +852 6234 5501", "+85262345501"},
		{"+886 935 221 008", "0935221008"},
		{"+65 8123 4411, thanks", "+6581234411"},
		// Local numbers, with the country said.
		{"Ring me on 07700 900321, I'm in Leeds", "+447700900321"},
		{"Flat 2, 9 Mill Lane, Oxford OX1 2AB\n01865 204 117", "+441865204117"},
		{"Tel: 0131 496 0082 (Edinburgh office)", "+441314960082"},
		{"we're in Brisbane, 0412 339 870", "+61412339870"},
		{"Singapore\nHP: 9123 4456", "+6591234456"},
		{"Mobile 9876 0012 (HK)", "+85298760012"},
		{"我喺旺角 電話 6123 9087", "+85261239087"},
		{"電話 5432 1188 陳生", "+85254321188"},
		// Groupings only one country uses.
		{"reach me at 0433 120 765", "+61433120765"},
		{"(415) 555-0123", "+14155550123"},
		{"my cell is 303-555-0178", "+13035550178"},
		{"0917 345 6612 po", "+639173456612"},
		// A British mobile, the country not said: never a mainland landline.
		{"call 07700 900654 after 5", "+447700900654"},
		// Placed by the numbering plans when no country is named: an Irish
		// and a South African mobile, a British landline.
		{"087 224 5619", "+353872245619"},
		{"082 551 7734", "+27825517734"},
		{"01392 447810", "+441392447810"},
		// Not foreign numbers.
		{"订单号 20260314 1234", ""},
		{"Order: 7781-2293-0045", ""},
		{"invoice INV-SG-2025-09-3318", ""},
		{"發票號碼 AB-40219876", ""},
		{"統編 24567813", ""},
		{"call our hotline 800-555-0100", ""},
		{"it broke on 2026-03-14", ""},
		{"我在英国买的，电话 021-64357718", "021-64357718"},
		{"0755-8123 4567", "0755-81234567"},
		{"订单号我不会看 电话13605813327", "13605813327"},
		{"新竹 03-5712-668", "03-5712668"},
		{"高雄 07-3456-789", "07-3456789"},
		{"Order FF-UK-311807, call me on 07700 900318", "+447700900318"},
		// Chinese numerals.
		{"手机 幺五二 零六七八 三三九一", "15206783391"},
		{"电话一三九一二三四五六七八", "13912345678"},
		{"买了一两个月", ""},
		// A correction of the last digits in the same message.
		{"13760218853 不对 尾号是8835", "13760218835"},
		{"电话0571-86021357，不对，后四位是1375", "0571-86021375"},
		{"+91 98201 44573 sorry the last 4 digits are 4537", "+919820144537"},
	})
}

func TestPhoneTailCorrection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, tail string
		ok         bool
	}{
		{"不对，尾号是5678", "5678", true},
		{"打错了 后四位应该是 0192", "0192", true},
		{"後四位是3321才對", "3321", true},
		{"手机尾号 7765", "7765", true},
		{"最后一位是5", "5", true},
		{"sorry, the last four digits are 4410", "4410", true},
		{"my number ends in 2231 not 2213", "2231", true},
		{"Ｌａｓｔ 4 digits: ５５０１", "5501", true},
		// Tails of other identifiers, or no digits at all.
		{"订单尾号是1234", "", false},
		{"the order number ends in 7788", "", false},
		{"尾号不记得了", "", false},
		{"洗衣机不脱水", "", false},
	}
	for _, tt := range tests {
		tail, ok := PhoneTailCorrection(tt.text)
		if tail != tt.tail || ok != tt.ok {
			t.Errorf("PhoneTailCorrection(%q) = %q %v, want %q %v", tt.text, tail, ok, tt.tail, tt.ok)
		}
	}
}

func TestLocalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ phone, text, want string }{
		{"07700900123", "we're in Leeds, LS6", "+447700900123"},
		{"07700900123", "I paid £40 for delivery", "+447700900123"},
		{"07700900123", "Flat 3, 12 High St, Reading RG1 2AB", "+447700900123"},
		{"0412556083", "we're in Melbourne", "+61412556083"},
		{"07700900123", "the fridge is leaking", ""},
		{"13812345678", "we're in Leeds", ""},
		{"+447700900123", "we're in Leeds", ""},
		{"0571-86021357", "London", ""},
	}
	for _, tt := range tests {
		got, ok := LocalizePhone(tt.phone, tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("LocalizePhone(%q, %q) = %q %v, want %q", tt.phone, tt.text, got, ok, tt.want)
		}
	}
}

// Names said with a cue, in a signature or beside the phone number.
func TestExtractNamePeople(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCustomerName, []struct{ text, want string }{
		// Beside a number that is not the last thing blanked, or after a
		// blanked date; "ask for" someone.
		{"Gwen Pritchard, +44 7700 900703. bought it on the 3rd", "Gwen Pritchard"},
		{"It was ordered on the 19th of December. Hugh Ashdown, 07700 900518.", "Hugh Ashdown"},
		{"+65 9011 2233, ask for Raj", "Raj"},
		{"hp 017-330 2298, ask for Encik Razak", "Razak"},
		{"the clinic number in my signature. Ask for me or the practice manager.", ""},
		// 姓X wherever it is said.
		{"电话 13912340001 姓韩", "韩"},
		{"姓侯 13912340002", "侯"},
		{"联系人姓戚，白天都在", "戚"},
		{"这是我爸的，他姓聂", "聂"},
		{"我姓苗啦", "苗"},
		{"我姓温，温太", "温太"},
		{"老百姓都知道", ""},
		{"您贵姓？", ""},
		// How they want to be called.
		{"叫我Leo就可以", "Leo"},
		{"叫我 小鲁 就行", "小鲁"},
		{"快递写我贺师傅就行", "贺师傅"},
		{"我的全名是邵佳怡", "邵佳怡"},
		{"我妈妈叫蒋桂芳，电话打她的", "蒋桂芳"},
		{"我是前台的小范", "小范"},
		{"我是仓储部的雷明", "雷明"},
		{"我是采购部经理 Grace", "Grace"},
		{"我是这家面馆的采购卢主管", "卢主管"},
		{"我叫严", "严"},
		{"电话打不通就找财务处柯老师", "柯老师"},
		{"座机 0571-88776655，找阮敏", "阮敏"},
		{"有事找行政部就行", ""},
		// Beside the phone number.
		{"空调漏水了 麻烦派人 13800001111 老钟", "老钟"},
		{"电话 +852 9123 0000 黎生", "黎生"},
		{"Call me on +44 7700 900111. Fiona Grant", "Fiona Grant"},
		{"Oliver Park, +61 412 000 111", "Oliver Park"},
		{"it won't turn on, please call 07700 900222, Ruth", "Ruth"},
		// One line with the organisation or department.
		{"青松物业 工程部 廖", "廖"},
		{"蓝鲸书店 店长 覃晓燕", "覃晓燕"},
		// Signatures.
		{"您好：\n\n冰箱冷冻室结霜很厚，门也关不严，麻烦安排师傅上门看看。\n\n祝好\n邹静\n13900002222", "邹静"},
		{"你好，热水器一直显示E4，已经断电重启过了，还是这样，请尽快处理。\n\n行政部 伍思远\n0755-26000000", "伍思远"},
		{"冷柜不制冷了，里面的货都要坏了，请马上派人。\n\n湘味小厨 厨师长 汤\n13800003333", "汤"},
		{"Hello,\n\nThe blender stopped working after two weeks and smells burnt. I'd like a refund.\n\nRegards,\nLaura Chen", "Laura Chen"},
		{"Hi,\n\nThe kettle leaks from the base. Please advise.\n\nCheers,\nTom\n\nTom Baker\nBrisbane QLD\n0412 000 333", "Tom Baker"},
		{"Dear team,\n\nOur printer shows error 0x51 and will not print anything at all.\n\nKind regards,\nMrs. Anita Desai\nOffice Manager\nBlue Harbour Dental\n+91 98200 00000", "Anita Desai"},
		{"Hi,\n\nMy order arrived with a cracked lid. Could you send a new one?\n\nthanks\nmaria lopez", "Maria Lopez"},
		{"Hi,\n\nMy order arrived with a cracked lid. Could you send a new one?\n\nGREG HOLT\n07700 900444", "Greg Holt"},
		{"扫地机撞墙以后就不动了，麻烦看看怎么回事。谢谢——蒋涛", "蒋涛"},
		// Not names.
		{"No, nobody was hurt", ""},
		{"已经拔了", ""},
		{"售后部", ""},
		{"我们是售后部的", ""},
		{"冰箱不制冷\n王师傅上次来修过", ""},
		{"Hi,\n\nThe screen flickers when it gets warm. Is that normal?\n\nSent from my iPhone", ""},
		{"Thanks for the quick reply.\nOffice Manager", ""},
	})
}

// Replies read as the answer to "what is your name".
func TestParseNameAnswerPeople(t *testing.T) {
	t.Parallel()
	x, err := NewExtractor(ExtractorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"邬", "邬"},
		{"姓尹", "尹"},
		{"小葛", "小葛"},
		{"王工", "王工"},
		{"陈太", "陈太"},
		{"阿豪", "阿豪"},
		{"李生", "李生"},
		{"采购王主管", "王主管"},
		{"kelly wong", "Kelly Wong"},
		{"DANIEL REYES", "Daniel Reyes"},
		{"Ciarán Walsh", "Ciarán Walsh"},
		{"amélie roy", "Amélie Roy"},
		{"Kevin 吴", "Kevin 吴"},
		{"申东 13700001234", "申东"},
		{"Priya Nair, +91 98100 00000, Chennai", "Priya Nair"},
		{"Ben, The Corner Bakery, 0412 000 555", "Ben"},
		{"sam 0433 000 222, we're in Adelaide", "Sam"},
		{"Jo, manager, Harbour View Hotel, +65 8100 0000", "Jo"},
		{"Gwen Pritchard, +44 7700 900703. bought it on the 3rd", "Gwen Pritchard"},
		{"It was ordered on the 19th of December. Hugh Ashdown, 07700 900518.", "Hugh Ashdown"},
		{"+65 9011 2233, ask for Raj", "Raj"},
		{"hp 017-330 2298, ask for Encik Razak", "Razak"},
		// Not names.
		{"快点啊", ""},
		{"打错了", ""},
		{"已经拔了", ""},
		{"售后部", ""},
		{"No, nobody was hurt", ""},
		{"thx", ""},
		{"sorry wrong number", ""},
		{"不想说", ""},
	}
	for _, tt := range tests {
		got, ok, _ := x.ParseFieldAnswer(cases.FieldCustomerName, tt.text, testNow)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseFieldAnswer(customer_name, %q) = %q %v, want %q", tt.text, got, ok, tt.want)
		}
	}
}

func TestBareNamePeople(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"邓丽", "邓丽"},
		{"小吕", "小吕"},
		{"胡工", "胡工"},
		{"Nina Patel", "Nina Patel"},
		{"马上", ""},
		{"查下", ""},
		{"阿姨", ""},
		{"Thanks Again", ""},
		{"好的", ""},
	}
	for _, tt := range tests {
		got, ok := bareName(tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("bareName(%q) = %q %v, want %q", tt.text, got, ok, tt.want)
		}
	}
}

// Organisations the customer writes for, named or not by a company suffix.
func TestExtractCompanyPeople(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCompany, []struct{ text, want string }{
		{"我们是安和中医诊所，理疗仪开不了机", "安和中医诊所"},
		// The organisation before the department; not a trade or a seller.
		{"您好，我是滨江市第二人民医院信息科的。我们检验科采购了12台", "滨江市第二人民医院"},
		{"你好，我是果乐多鲜果连锁华东区的区域经理", "果乐多鲜果连锁"},
		{"我是做安防工程的，电话 13677001122", ""},
		{"你好 我是家具城门店的 替一个客户报修", ""},
		{"鲍佳琪 18668012209，开票公司名：杭州云栖数智科技有限公司", "杭州云栖数智科技有限公司"},
		// A shop named beside the phone number.
		{"手機 0987-220-391 , 阿德水電行 我姓王", "阿德水電行"},
		{"文大影印 02-2861-7045 找小柯", "文大影印"},
		{"丽颜美容会所 电话 15280364417", "丽颜美容会所"},
		{"我们是星河网咖", "星河网咖"},
		// English: for, from, or beside the person's name.
		{"I manage a block of 12 apartments in Drumcondra for Liffey Lettings. We fitted it", "Liffey Lettings"},
		{"Best contact is me, 0438 771 206. Dean from Brightwire Electrical.", "Brightwire Electrical"},
		{"contact me on 0427 090 311. Nick Pappas, NP Plumbing", "NP Plumbing"},
		{"I bought it from the Harvey Appliances Store last year", ""},
		{"我们律所的碎纸机坏了，所里叫德信律师事务所", "德信律师事务所"},
		{"这里是向阳小学后勤处", "向阳小学"},
		{"我这边是小星星幼儿园", "小星星幼儿园"},
		{"店名 老李家烧烤", "老李家烧烤"},
		{"店叫「一米阳光」，就在步行街", "一米阳光"},
		{"我们是“芝士猫”甜品店", "芝士猫"},
		{"13900004444 「快乐洗衣」", "快乐洗衣"},
		{"单位：温州市育才中学", "温州市育才中学"},
		{"公司：宁波恒通机械有限公司", "宁波恒通机械有限公司"},
		{"我司（苏州华美塑业有限公司）的设备坏了", "苏州华美塑业有限公司"},
		{"金鼎酒店 工程部 13900005555", "金鼎酒店"},
		{"13900006666，明德口腔门诊部，我姓季", "明德口腔门诊部"},
		{"红星五金厂", "红星五金厂"},
		{"Hi, I run IT at Riverside Primary School and two projectors died.", "Riverside Primary School"},
		{"Jo, Harbour View Hotel, +65 8100 0000", "Harbour View Hotel"},
		{"Hello,\n\nThe coffee machine in our kitchen is leaking from the base.\n\nBest regards,\nAmy Lee\nOffice Manager\nNorthwind Architects\n+44 20 7946 0000", "Northwind Architects"},
		// Writing for a customer: the customer's organisation.
		{"我是经销商，帮客户报修，客户是一家叫「暖暖烘焙」的面包店", "暖暖烘焙"},
		{"我们是华宇电器经销商，帮客户报修一台冰柜", ""},
		// Not names of the customer's organisation.
		{"我司的设备坏了", ""},
		{"我们单位买了十台", ""},
		{"我们是开奶茶店的", ""},
		{"我们是一家小诊所", ""},
		{"在你们官方旗舰店买的", ""},
		{"物流显示“派送中”，一直没到", ""},
		{"孩子说插座“有电”", ""},
		{"要不要打燃气公司电话？", ""},
		{"去年装修的时候装修公司一起买的", ""},
		{"在百货公司专柜买的", ""},
		{"电动车充电器坏了", ""},
		{"It works with Google Home?", ""},
		{"I bought it at the Westfield Store last week", ""},
	})
}

func TestExtractPhoneAfterOrderSentence(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPhone, []struct{ text, want string }{
		// An order mentioned in the sentence before does not make the
		// number on the next line an order number.
		{"還沒收到就取消訂單了。\n\n林小姐\n0912-000-111", "0912000111"},
		{"订单号 SP20261111\n13900007777", "13900007777"},
	})
}

// A Chinese letter's closing after the name ("黃志明 敬上") is not part of it.
func TestSignatureClosing(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCustomerName, []struct{ text, want string }{
		{"主旨：冷氣室外機噪音\n\n您好，家裡的冷氣室外機最近運轉時會發出很大的嗡嗡聲。想請師傅來看一下。\n\n黃志明 敬上\n0912-338-476", "黃志明"},
		{"您好，冰箱不制冷，麻烦安排维修。\n\n此致\n敬礼\n李建国 谨上\n13812345678", "李建国"},
	})
}

// Short lines at the end of a message that are not a signature.
func TestSignatureNotNames(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"I bought this TV last month and now it will not turn on at all, please help.\nSony Bravia",
		"My TV broke\nSony Bravia",
		"冰箱坏了\n型号BCD-520\n周末有空",
		"热水器一直显示E1，重启也没用，麻烦尽快安排师傅上门维修一下。\n方太",
	} {
		if n, _ := extSignature(extNormalize(text)); n != "" {
			t.Errorf("extSignature(%q) = %q, want none", text, n)
		}
	}
}

func TestCompanyQuoteCues(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCompany, []struct{ text, want string }{
		{"我们「小鹿咖啡」有三家店", "小鹿咖啡"},
		{"我们「双十一」买的", ""},
		{"这家店叫什么来着", ""},
		{"屏幕提示“滤网已满”", ""},
	})
}
