package nlu

import (
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// The examples below are made up; they stand for kinds of identifiers, not
// for any one customer's.

func TestExtractModelShapes(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldProductModel, []struct{ text, want string }{
		// Codes that start with the screen size, with or without a noun.
		{"电视43F5K开机没反应", "43F5K"},
		{"85寸那台 85T9M 有亮线", "85T9M"},
		{"58R6J", "58R6J"},
		{"65寸的 65G3E Pro", "65G3E Pro"},
		// A short code is a model when an edition word follows it.
		{"K30 Ultra 屏幕碎了", "K30 Ultra"},
		{"the Z8 Plus keeps rebooting", "Z8 Plus"},
		{"R7 Lite 去年买的", "R7 Lite"},
		{"V12+", "V12+"},
		// Edition words belong to the model.
		{"请问HX-30L Pro的滤网多久换", "HX-30L Pro"},
		{"my QB-12K Max got hot", "QB-12K Max"},
		{"is the LP-15 Ultra waterproof?", "LP-15 Ultra"},
		{"JK-7C Plus 到了", "JK-7C Plus"},
		{"the PW-8K slim one", "PW-8K slim"},
		// Editions and generations named by a word after the code.
		{"the router NetLink AX3000 Dual drops every night", "NetLink AX3000 Dual"},
		{"my AX-7 Mark II camera won't focus", "AX-7 Mark II"},
		{"儿童平板 TabOne 10 Kids 充不进电", "TabOne 10 Kids"},
		{"咖啡机 CM-20 Duo 漏水", "CM-20 Duo"},
		// A worded series and its number.
		{"my FT-Runner 3 stopped syncing", "FT-Runner 3"},
		{"how do I clean the KM-Latte 2?", "KM-Latte 2"},
		{"It's the LD-Pro 15 G4 laptop", "LD-Pro 15 G4"},
		{"the RC-Zephyr controller drifts", "RC-Zephyr"},
		{"请问推车 BB-FLEX 能上飞机吗", "BB-FLEX"},
		{"the VX-Mini 2 3-pack", "VX-Mini 2"},
		{"got the RC-Zephyr 2 days ago", "RC-Zephyr"},
		{"买了 FT-Runner 2 台", "FT-Runner"},
		{"XQG90-BX12-2024", "XQG90-BX12-2024"},
		// A series name before a short code.
		{"just unboxed my SoundLoop B4 earbuds", "SoundLoop B4"},
		{"型号？背面写的 TabOne M8s", "TabOne M8s"},
		{"is it safe to ride the Metro K3 in the rain?", "Metro K3"},
		{"my zephyr q5 battery drains fast", "zephyr q5"},
		{"Metro K5, bought in May", "Metro K5"},
		{"EchoBand Pro 3 我上周买的", "EchoBand Pro 3"},
		// Prefixes that are units or interfaces alone, series with a dash.
		{"电视 TV-43K2 没声音", "TV-43K2"},
		{"咖啡机CM-4100漏水", "CM-4100"},
		{"空调 AC-18B 不制冷", "AC-18B"},
		{"平板 TB-12A 碎屏", "TB-12A"},
		// A cue with words between.
		{"型号我看一下 KR-Lite 3", "KR-Lite 3"},
		{"型号都一样 FSQ-60C2", "FSQ-60C2"},
		// Numbers after the model that are not part of it.
		{"型号 QL-2021W 90白鸭绒", "QL-2021W"},
		{"乳胶床垫 型号 MT-K7 1.5米的", "MT-K7"},
		{"型号 43B5C 2024年买的", "43B5C"},
		{"DP-Max 1.8×2.0的", "DP-Max"},
		{"HS-Go 12 wont turn on since monday", "HS-Go 12"},
		// The cued model wins over an accessory named first.
		{"是 QR-T20 配的底座，型号 QD-510", "QD-510"},
		// Taken back: "…no wait".
		{"It's the AB-10K... no wait, that's the other one. This is the CD-MESH5", "CD-MESH5"},
		// Order numbers in the same message are not the model.
		{"订单 LK-20250611-0032，型号 ZR-210S 两台", "ZR-210S"},
		{"order ORD-IN-66120398, model LP-X12Q-2024", "LP-X12Q-2024"},
		// The product line written before its code is part of the name.
		{"our AquaWave WM-814 won't drain", "AquaWave WM-814"},
		{"the Kestrel KT-17 went bang", "Kestrel KT-17"},
		{"Our fridge freezer (Glacier FF-185NF) rattles", "Glacier FF-185NF"},
		{"we got 4 Bunkr Twin BT-90 frames", "Bunkr Twin BT-90"},
		{"the Vista 55U8 is flickering", "Vista 55U8"},
		{"it's the QLED 65Q8", "QLED 65Q8"},
		{"the ErgoFlex 500 chair", "ErgoFlex 500"},
		{"NoteAir 14 G2 keeps crashing", "NoteAir 14 G2"},
		{"the kettle is a KT-Steel 2.0", "KT-Steel 2.0"},
		{"it is a RV-Lidar 7S", "RV-Lidar 7S"},
		// A sentence word before the code is not a line; a code glossed
		// in brackets is the model.
		{"Multiple RT-AX1800 units failing", "RT-AX1800"},
		{"Bought WM-814 last year", "WM-814"},
		{"Our PowerCube 1500 (PC-1500W) got hot", "PC-1500W"},
	})
}

func TestExtractModelNotShapes(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldProductModel, []struct{ text, want string }{
		{"does it support WPA3?", ""},
		{"also tried my PS4 on it", ""},
		{"we're in Leeds, LS2", ""},
		{"14 Oak Road, Reading RG1 8AB", ""},
		{"复印机报错 SC391 开不了", ""},
		{"the serial number KT7-88Q21034 is not recognised", ""},
		{"我住在12B3室", ""},
		{"12V2A的充电器", ""},
		{"DC-12V电源", ""},
		{"the UK-Based team", ""},
		{"Our HR-Team will call", ""},
		{"my phone is Oppo R15", ""},
		{"order XK-20260112-4410", ""},
		{"找到了 QS20260301004417", ""},
		{"抱歉打错 是 MN-66120398", ""},
		{"Room 305 at Block C2", ""},
		{"Flight CA1234 landed late", ""},
	})
}

func TestExtractProofShapes(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPurchaseProof, []struct{ text, want string }{
		// Cut at a dash or at letters before.
		{"订单 E20250611-42", "E20250611-42"},
		{"訂單 SHOP20250611-8812", "SHOP20250611-8812"},
		{"订单 20250611-4410-03", "20250611-4410-03"},
		{"蝦皮訂單 250611KQ8ZT3PA", "250611KQ8ZT3PA"},
		// Groups of digits and letters after a bare "order".
		{"order 4410-8812-0034", "4410-8812-0034"},
		{"Order 3309-5521-77", "3309-5521-77"},
		{"order 9921-FR-44120", "9921-FR-44120"},
		{"order QP-20250611-7712", "QP-20250611-7712"},
		{"Order: KL-6631028", "KL-6631028"},
		{"order 55120-SE", "55120-SE"},
		{"訂單 B2B-250611-033", "B2B-250611-033"},
		{"订单 XQ-B2025-0611", "XQ-B2025-0611"},
		// Other papers.
		{"收據 MK-0611-339", "MK-0611-339"},
		{"合同号：NB-2025-0611", "NB-2025-0611"},
		{"PO No. ABC/IT/2025/077", "ABC/IT/2025/077"},
		// A cue with words between.
		{"订单号嘛我找找…… QT20250611-005", "QT20250611-005"},
		{"订单号我截图给你 TM5512093344", "TM5512093344"},
		{"I gave you the wrong order number, it's 5512093344. Sorry!", "5512093344"},
		{"Order was on my account, 220-77130-4410", "220-77130-4410"},
		// Shaped like an order number with no cue.
		{"JD4120458867319", "JD4120458867319"},
		{"找到了 QS20260301004417", "QS20260301004417"},
		{"抱歉打错 是 MN-66120398", "MN-66120398"},
		{"不对 尾号是12 E20250611-12", "E20250611-12"},
		{"sorry KB3-2506-4471", "KB3-2506-4471"},
		// Not purchase proofs.
		{"開三聯式發票（統編 24681357）", ""},
		{"快递单号 SF2234567890123", ""},
		{"tracking TB2026031512345", ""},
		{"会员号 VIP20260315001", ""},
		{"ticket number TK-2026-88123", ""},
		{"序列号 SN20250611004417", ""},
		{"my order XQG100 broke", ""},
		{"in order to fix it I reset AB-12345", ""},
		{"订单是2025-06-11下的", ""},
		{"order 2025-06-11", ""},
		{"20250611-4410", "20250611-4410"},
		{"2025-06-11", ""},
		{"订单号不知道，型号 KX-200", ""},
	})
}

func TestExtractBatchAfterWords(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldBatch, []struct{ text, want string }{
		{"批次号在底下贴着，C2511-04", "C2511-04"},
		{"批次标签写的是 HX2509-A", "HX2509-A"},
		{"batch code on the label says 25-07B", "25-07B"},
		{"同一批次，2024年买的", ""},
		{"批次不知道，型号 KX-200", ""},
	})
}

// The corrected order number comes in the next message without its cue.
func TestProofCorrectionShapes(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	if v, ok, _ := x.ParseFieldAnswer(cases.FieldPurchaseProof, "找到了 QS20260301004417", testNow); !ok || v != "QS20260301004417" {
		t.Errorf("proof answer = %q %v", v, ok)
	}
	if v, ok, _ := x.ParseFieldAnswer(cases.FieldProductModel, "型号我看一下 KR-Lite 3", testNow); !ok || v != "KR-Lite 3" {
		t.Errorf("model answer = %q %v", v, ok)
	}
}

var benchIDTexts = []string{
	"订单号 JD2026061877310，型号 RV-X20 Ultra，6月18号买的",
	"Hi, the KD-Lift 140 standing desk arrived with a bent leg, order 5520-1187-3304. Please send a new one.",
	"电视 65E7N 开机黑屏 订单 E20260724-31 电话 13812345678",
	"Subject: Damaged monitor - Order 4410-NG-88213\n\nGood day,\n\nThe 32 inch monitor (CM-32Q165) I ordered arrived " +
		"cracked. I paid on 22nd September and want a replacement urgently as I use it for work.\n\nRegards,\nChuks\n+234 803 512 7746",
	"我家的扫地机一直连不上wifi，路由器重启过了，还是不行，你们能不能派人来看看，急用",
}

func BenchmarkFindIDs(b *testing.B) {
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, s := range benchIDTexts {
			x.findProofs(s)
			x.findBatches(s)
			x.findModels(s)
		}
	}
}

func BenchmarkExtractIDTexts(b *testing.B) {
	x, err := NewExtractor(DefaultExtractorConfig())
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		for _, s := range benchIDTexts {
			x.Extract(s, testNow)
		}
	}
}

// A capitalised variant after a code is part of the model; a description
// or the next sentence is not.
func TestModelTitleVariant(t *testing.T) {
	t.Parallel()
	x := testExtractor(t)
	for text, want := range map[string]string{
		"my RC-18 Fuzzy rice cooker burns everything": "RC-18 Fuzzy",
		"the FR-420 Inverter fridge is noisy":         "FR-420 Inverter",
		"it's a WM-T80TT twin tub":                    "WM-T80TT",
		"ST-43F2 Full HD tv, no picture":              "ST-43F2",
		"model KT-17 Please help":                     "KT-17",
	} {
		if got := x.Extract(text, testNow)[cases.FieldProductModel]; got != want {
			t.Errorf("%q: model %q, want %q", text, got, want)
		}
	}
}

// A purchase order is a purchase proof, not a model: after "PO" or
// 采购单, or with a PO part in the code itself; "PO Box" is an address.
func TestExtractPurchaseOrders(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldPurchaseProof, []struct{ text, want string }{
		{"We'd prefer replacements. Our PO is GIS-PO-0826.", "GIS-PO-0826"},
		{"Leaking water heaters at Cedar Court - PO CPM-0925-33", "CPM-0925-33"},
		{"Multiple minibars not cooling - PO-AR-2025-118", "PO-AR-2025-118"},
		{"采购单 PO-YX-0626-3，这批货有问题", "PO-YX-0626-3"},
		{"採購單號 TP2026-0412 的貨到了", "TP2026-0412"},
		{"our purchase order 55102-B arrived short", "55102-B"},
		{"send it to PO Box 1234, Wellington", ""},
	})
	runExtract(t, cases.FieldProductModel, []struct{ text, want string }{
		{"Multiple minibars not cooling - PO-AR-2025-118", ""},
		{"my model is PO-12 lamp", "PO-12"},
	})
}

// The kind of organisation right after a quoted name is part of it.
func TestExtractCompanyQuotedWithKind(t *testing.T) {
	t.Parallel()
	runExtract(t, cases.FieldCompany, []struct{ text, want string }{
		{"“半日闲”摄影工作室 小岳 18876340921", "半日闲摄影工作室"},
		{"你好，我们是「新知力」培训学校，订了20套学生课桌椅", "新知力培训学校"},
		{"你好，我们「木与白」设计工作室的立式空调一直漏水", "木与白设计工作室"},
		{"我是莫干山「山月」民宿的老板娘", "山月民宿"},
		{"我们是「惠民生活超市」", "惠民生活超市"},
	})
}
