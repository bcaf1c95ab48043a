package nlu

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/cases"
)

// testClassifier uses the shipped rules without a model: the rules alone
// must get these right.
func testClassifier(t testing.TB) *Classifier {
	t.Helper()
	b, err := os.ReadFile("../../configs/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r cases.Rules
	if err := yaml.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(&r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClassifyScope(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	tests := []struct {
		text    string
		company string
		cat     cases.Category
		pr      cases.Priority
	}{
		{"空调冒烟了", "", cases.CategoryTechnical, cases.P1},
		{"空调没有冒烟，就是不制冷", "", cases.CategoryTechnical, cases.P2},
		{"没用多久就冒烟了", "", cases.CategoryTechnical, cases.P1},
		{"there is no smoke but it won't start", "", cases.CategoryTechnical, cases.P2},
		{"it doesn't smoke, it won't start", "", cases.CategoryTechnical, cases.P2},
		{"no power and smoke comes out", "", cases.CategoryTechnical, cases.P1},
		{"不制冷，我们已经停产了", "", cases.CategoryTechnical, cases.P2},
		{"不制冷，我们已经停产了", "ACME 有限公司", cases.CategoryTechnical, cases.P1},
		{"有一道划痕", "", cases.CategoryQuality, cases.P3},
		{"不制冷但还能用", "", cases.CategoryTechnical, cases.P3},
		{"今天天气不错", "", "", cases.P3},
		{"这个会冒烟吗？", "", cases.CategoryConsultation, cases.P3}, // asking whether it is safe
		{"冒烟了怎么办", "", cases.CategoryTechnical, cases.P1},
		{"it doesn’t smoke, it won't start", "", cases.CategoryTechnical, cases.P2},
		{"冷氣不冷了", "", cases.CategoryTechnical, cases.P2},
		{"没有冒烟、焦味，就是不转", "", cases.CategoryTechnical, cases.P2},
		{"no smoke or sparks, it just won't start", "", cases.CategoryTechnical, cases.P2},
		{"气得我冒烟，洗衣机又不脱水了", "", cases.CategoryTechnical, cases.P2},
		{"听说这款会爆炸，我的经常死机", "", cases.CategoryTechnical, cases.P2},
		// An earlier purchase is this product; a friend who got a shock is no hearsay.
		{"我上次买的那台电热水器今天洗澡的时候漏电了，手都麻了", "", cases.CategoryTechnical, cases.P1},
		{"上回买的充电宝现在鼓包了，还能充电吗", "", cases.CategoryTechnical, cases.P1},
		{"上次那个问题又出现了，电暖器插头那里冒烟了", "", cases.CategoryTechnical, cases.P1},
		{"My mate got a shock off the kettle I bought from you, it's the one on my counter", "", cases.CategoryTechnical, cases.P1},
		{"my mate reckons these heaters catch fire, mine just won't turn on", "", cases.CategoryTechnical, cases.P2},
		{"会不会漏电啊，有点担心", "", cases.CategoryConsultation, cases.P3},
		{"热水壶把手太烫，把我手烫伤了", "", cases.CategoryTechnical, cases.P1},
		{"没有人受伤，就是不转了", "", cases.CategoryTechnical, cases.P2},
		{"nobody was injured, it just stopped", "", cases.CategoryTechnical, cases.P2},
		// Several of the units bought, with the same fault.
		{"we bought 30 smart plugs, 7 of them cannot connect to wifi at all", "", cases.CategoryTechnical, cases.P1},
		{"5 units of the POS terminal, since yesterday 3 of them cannot print", "", "", cases.P1},
		// A number in a room or a model is no count; one unit of several
		// failing is no batch.
		{"the air-conditioner in room 305 of our hotel is dripping water onto the bed", "", cases.CategoryTechnical, cases.P2},
		{"since Thursday my CardioSense BP-300 monitor has been showing E3", "", cases.CategoryTechnical, cases.P2},
		{"one of the treadmills keeps cutting out. We have 8 of them, only this one does it, the others are fine", "", cases.CategoryTechnical, cases.P2},
		{"it STILL hasn't shown up. I'm so angry there's smoke coming out of my ears", "", cases.CategoryLogistics, cases.P3},
		{"ok so my buddy's griddle literally caught fire at his bbq last weekend lol. I have the same one, mine's fine", "", "", cases.P3},
		{"before you ask, no it's not burning or smoking or anything, the coating is peeling off and I can't use it", "", cases.CategoryQuality, cases.P2},
		{"前几天我们楼里有一户人家的取暖器着火了，我家用的是你们的暖风机，能不能整晚开着？", "", cases.CategoryConsultation, cases.P3},
		{"The bed frame was delivered in 2 boxes, but the labels say 1 of 3 and 2 of 3. Box 3 never came and we can't put the bed together", "", cases.CategoryLogistics, cases.P2},
		// Arrived broken in a damaged box: the delivery.
		{"电视到了 拆开屏幕裂了 一道斜的。箱子侧面有个凹坑 当时没在意", "", cases.CategoryLogistics, cases.P2},
		{"router came today totally dead. no lights nothing. box was all crushed on one corner and tape was redone, looks like someone dropped it", "", cases.CategoryLogistics, cases.P2},
		// A defect that keeps it from being used.
		{"冰箱門有點變形 關不緊 一直有冷氣跑出來", "", cases.CategoryQuality, cases.P2},
		{"there is a crack across the front glass panel. We haven't plugged it in", "", cases.CategoryQuality, cases.P2},
		// A business that cannot serve its customers.
		{"Our autoclave stops halfway, we cannot sterilise instruments and had to reschedule 6 patients", "", cases.CategoryTechnical, cases.P1},
		{"收款盒子从早上开门到现在一单都没法收，只好让人家走了，我们便利店", "", "", cases.P1},
		// Hearsay and figures of speech.
		{"My neighbour told me his heater exploded last year, is it safe to keep ours on?", "", "", cases.P3},
		{"this printer is gonna make me set it on fire lol. jams on every page", "", cases.CategoryTechnical, cases.P2},
		// A slight or intermittent word yields to a product that cannot be used.
		{"my fridge stopped cooling, I hear the motor sometimes", "", cases.CategoryTechnical, cases.P2},
		{"偶尔会有点异响", "", cases.CategoryTechnical, cases.P3},
		{"the leg is cracked and we can't really use it", "", cases.CategoryQuality, cases.P2},
	}
	for _, tc := range tests {
		got := c.Classify([]string{tc.text}, map[cases.FieldKey]string{cases.FieldCompany: tc.company})
		if got.Category != tc.cat || got.Priority != tc.pr {
			t.Errorf("%q (company %q): %s/%s %v ignored %v, want %s/%s", tc.text, tc.company, got.Category, got.Priority, got.Reasons, got.Ignored, tc.cat, tc.pr)
		}
	}
}

// Hazards, batches and stopped businesses told through what happened, from
// writers the rules were not written against.
func TestClassifyPlainWords(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	for _, tc := range []struct {
		text string
		pr   cases.Priority
	}{
		{"my charging stand got so hot it's gone soft and misshapen on one side", cases.P1},
		{"爷爷说浇地的时候手碰到出水管子麻了一下", cases.P1},
		{"上礼拜进了十把电锤 今天已经四把打不动了", cases.P1},
		{"行动电源整个膨起来，外壳已经裂开一条缝", cases.P1},
		{"我们淘宝店今天三百多单压着 面单打不出来", cases.P1},
		{"A colleague forwarded an article claiming these power banks have been catching fire. Mine is absolutely fine.", cases.P3},
		{"宿管天天说违规电器容易着火 这个功率多少", cases.P3},
		{"热水器不热，漏电那些应该没有，就是不热", cases.P2},
		{"I am so angry I could explode. The hinge has cracked and the screen flops backwards", cases.P2},
		{"封口机不加热了，膜封不上，另外一台先顶着，不影响营业", cases.P2},
		// Not one cup, orders still coming in: the tea shop has stopped.
		{"我们奶茶店的封口机今天罢工了 一杯都封不了 外卖单一直在进来", cases.P1},
		{"奶茶店的封口机有点慢 一杯要封两次", cases.P2},
		// Two of four with a fault the batch words do not list.
		{"two of the four desk lamps I ordered for my shop flicker like crazy", cases.P1},
		{"two of the four items I ordered have not arrived yet", cases.P3},
		// A count of units with the fault, whatever the fault; a delivery short or
		// broken in transit is no batch.
		{"上个月给门店配的20台封口机，现在已经有5家店反馈封不上口，温度上不去", cases.P1},
		{"发现有4台一开就是送风，根本不制冷，其他8台正常", cases.P1},
		{"4 of them have started rebooting on their own, the others are fine", cases.P1},
		{"the courier delivered 12 chairs and two of them arrived with the gas lift snapped, the boxes were crushed in transit", cases.P3},
		{"我们买了12台，其中一台屏幕有划痕", cases.P3},
		// Hazards told by what happened: a cut-out that failed, a scorch, a
		// near fall, brakes, glass or a lid giving way.
		{"小孩把电暖器碰倒了 它竟然还一直在烧 没有自己断电 地毯烫出一个黑印子", cases.P1},
		{"护栏螺丝一直往外退 今天孩子一靠整个歪出去了 差点摔下来", cases.P1},
		{"电动车的刹车不灵了 今天下坡捏到底都停不下来", cases.P1},
		{"the glass door on my oven just shattered by itself", cases.P1},
		{"压力锅限压阀一直不排气 锅盖都鼓起来了", cases.P1},
		{"箱子差点掉下来 被我接住了 想问下这个怎么安装", cases.P3},
		{"the screen shattered when the courier dropped it", cases.P2},
		// A breaker it trips is a hazard in English as 跳闸 is in Chinese.
		{"Five of them now trip the circuit breaker within minutes of being switched on. The others work. Please advise", cases.P1},
		{"the RCD keeps tripping when the washer heats", cases.P1},
		{"my mixer trips the breaker only when the oven and the kettle are on too, same socket strip", cases.P3},
		{"快递三天了还没到 客人都走了好几拨 我们店就等着这台封口机开张", cases.P3},
		{"我们奶茶店的封口机最近封口有时候歪 一天总有几杯要重封 生意照做 就是麻烦 派人来调一下吧 不急", cases.P3},
		{"my daughter nearly fell when the scale slid on the wet tiles, it has no rubber feet", cases.P3},
		{"the baby nearly fell out of the cot when the side rail came loose", cases.P1},
		// A restaurant that cannot trade; a shop that still takes payment.
		{"饭店的洗碗机今天一早就罢工了 中午几百套碗碟堆在那 今天这生意还怎么做", cases.P1},
		{"我们店的收银机 上午开始刷卡那块不能用了 现金和扫码还能收", cases.P2},
	} {
		got := c.Classify([]string{tc.text}, map[cases.FieldKey]string{})
		if got.Priority != tc.pr && !(tc.pr == cases.P2 && got.Category == "") {
			t.Errorf("%q: %s %v ignored %v, want %s", tc.text, got.Priority, got.Reasons, got.Ignored, tc.pr)
		}
	}
}

// A hazard word in the product's own name is no hazard: "StreamBox Fire
// 4K" is a streaming box; its remote that will not pair is a fault.
func TestClassifyHazardInModelName(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	text := "the remote of my StreamBox Fire 4K won't pair any more"
	got := c.Classify([]string{text}, map[cases.FieldKey]string{cases.FieldProductModel: "StreamBox Fire 4K"})
	if got.Priority == cases.P1 {
		t.Errorf("with the model known: %s %v, want no P1", got.Priority, got.Reasons)
	}
	if got := c.Classify([]string{text + ", and now it caught fire"}, map[cases.FieldKey]string{cases.FieldProductModel: "StreamBox Fire 4K"}); got.Priority != cases.P1 {
		t.Errorf("a fire beside the name: %s %v, want P1", got.Priority, got.Reasons)
	}
	if got := c.Classify([]string{text}, nil); got.Priority != cases.P1 {
		t.Errorf("without the model the word still counts: %s %v", got.Priority, got.Reasons)
	}
}

// A model that learnt "a kitchen's appliance failed" as P1 may not raise
// P1 on its own when the customer says a second unit stands in
// (rules.priority.model_unless); the rules' P1 signals still count.
func TestModelP1YieldsToAStandIn(t *testing.T) {
	t.Parallel()
	rules := testClassifier(t).rules
	var ex []TrainExample
	for _, s := range []string{"后厨的商用电磁炉坏了", "后厨的烤箱坏了", "后厨的蒸柜坏了", "后厨的洗碗机坏了"} {
		ex = append(ex, TrainExample{Text: s, Category: cases.CategoryTechnical, Priority: cases.P1})
	}
	for _, s := range []string{"家里的台灯坏了", "家里的风扇坏了", "家里的吹风机坏了", "家里的电饭煲坏了"} {
		ex = append(ex, TrainExample{Text: s, Category: cases.CategoryTechnical, Priority: cases.P2})
	}
	m := Train(ex, TrainOptions{MinDocs: 1})
	m.P1Threshold = 0.3
	c, err := NewClassifier(rules, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Classify([]string{"后厨的电磁炉坏了"}, nil); got.Priority != cases.P1 {
		t.Fatalf("the model alone: %s %v, want P1 (the test's premise)", got.Priority, got.Reasons)
	}
	if got := c.Classify([]string{"后厨的电磁炉坏了，另一台还能用"}, nil); got.Priority == cases.P1 {
		t.Errorf("with a stand-in: %s %v, want no P1", got.Priority, got.Reasons)
	}
	if got := c.Classify([]string{"后厨的电磁炉冒烟了，另一台还能用"}, nil); got.Priority != cases.P1 {
		t.Errorf("a hazard with a stand-in: %s %v, want P1", got.Priority, got.Reasons)
	}
}
