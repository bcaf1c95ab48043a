package nlu

import (
	"sort"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

// lexiconWords lists every word of the classifier's lexicon with its tags.
func lexiconWords(c *Classifier) map[string][]Tag {
	out := map[string][]Tag{}
	var walk func(n *trieNode, prefix []rune)
	walk = func(n *trieNode, prefix []rune) {
		if len(n.tags) > 0 {
			out[string(prefix)] = n.tags
		}
		for r, next := range n.next {
			walk(next, append(prefix, r))
		}
	}
	walk(c.lex.root, nil)
	return out
}

func hasKind(tags []Tag, pred func(Tag) bool) bool {
	for _, t := range tags {
		if pred(t) {
			return true
		}
	}
	return false
}

func isCategoryTag(t Tag) bool { return t.Kind == kindCategory && t.Weight >= 1 }
func isP1Tag(t Tag) bool {
	return (t.Kind == kindSignal || t.Kind == kindAllOf) && strings.HasPrefix(t.Name, "P1:")
}
func isScopeTag(t Tag) bool { return t.Kind == "scope" }

// The trie keeps the longest word at each position, so a long word hides
// the words inside it. A word that contains category evidence or a hazard
// must carry that evidence itself, or be a scope word that hides it on
// purpose (防漏电, 气得冒烟): otherwise adding "刷不了卡" to one list
// silently takes "刷不了" away from another.
func TestLexiconLongWordsKeepInnerEvidence(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	words := lexiconWords(c)
	var problems []string
	for w, tags := range words {
		if hasKind(tags, isScopeTag) {
			continue
		}
		for _, in := range c.lex.ScanAll(w) {
			if in.Start == 0 && in.End == len(w) {
				continue
			}
			if hasKind(in.Tags, isCategoryTag) && !hasKind(tags, isCategoryTag) && !hasKind(tags, func(t Tag) bool { return t.Kind == kindCategory }) {
				problems = append(problems, w+" hides category word "+in.Word)
			}
			// A negated form (打不着火) hides the hazard on purpose; a
			// business word (仓库) inside a category keyword is harmless.
			negated := strings.HasSuffix(w[:in.Start], "不") || strings.HasSuffix(w[:in.Start], "没")
			p1Word := hasKind(in.Tags, func(t Tag) bool { return t.Kind == kindSignal && strings.HasPrefix(t.Name, "P1:") })
			if !p1Word && hasKind(tags, func(t Tag) bool { return t.Kind == kindSignal }) {
				continue // a priority phrase (还能充电, stopped using it) may hide an all_of word
			}
			if !negated && (p1Word || !hasKind(tags, func(t Tag) bool { return t.Kind == kindCategory })) && hasKind(in.Tags, isP1Tag) && !hasKind(in.Tags, isScopeTag) && !hasKind(tags, isP1Tag) {
				problems = append(problems, w+" hides P1 word "+in.Word)
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// Every hazard is also evidence of a technical problem: a hazard with no
// other word ("插头烫手") must still be classified.
func TestLexiconHazardsAreTechnical(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	for w, tags := range lexiconWords(c) {
		if hasKind(tags, func(t Tag) bool { return t.Kind == kindSignal && t.Name == "P1:safety" }) &&
			!hasKind(tags, func(t Tag) bool { return t.Kind == kindCategory }) {
			t.Errorf("hazard %q is not a category keyword", w)
		}
	}
}

type lexCase struct {
	text    string
	company string
	cat     cases.Category // "-" when any category will do
	pr      cases.Priority
}

func runLexCases(t *testing.T, tests []lexCase) {
	t.Helper()
	c := testClassifier(t)
	for _, tc := range tests {
		got := c.Classify([]string{tc.text}, map[cases.FieldKey]string{cases.FieldCompany: tc.company})
		if (tc.cat != "-" && got.Category != tc.cat) || got.Priority != tc.pr {
			t.Errorf("%q: %s/%s %v ignored %v, want %s/%s", tc.text, got.Category, got.Priority, got.Reasons, got.Ignored, tc.cat, tc.pr)
		}
	}
}

// Categories as people tell them: a story rather than a keyword.
func TestLexiconCategories(t *testing.T) {
	t.Parallel()
	runLexCases(t, []lexCase{
		// technical
		{"蓝牙耳机和手机配不上对了，删了重连也不行", "", cases.CategoryTechnical, cases.P2},
		{"手柄用着用着突然就没反应了", "", cases.CategoryTechnical, cases.P2},
		{"平板插着充电器一晚上电量还是没涨，充不进去", "", cases.CategoryTechnical, cases.P2},
		{"洗碗机屏幕上一直显示E4，按什么都没用", "", cases.CategoryTechnical, cases.P2},
		{"风扇转起来咔咔咔地响，以前不这样", "", cases.CategoryTechnical, cases.P2},
		{"净水器底下一直在滴水，地上湿了一片", "", cases.CategoryTechnical, cases.P2},
		{"app更新完以后门锁就离线了", "", cases.CategoryTechnical, cases.P2},
		{"部风筒冇反应，㩒极都唔着", "", cases.CategoryTechnical, cases.P2},
		{"冷氣開了一整晚都不冷", "", cases.CategoryTechnical, cases.P2},
		{"my headset won't pair with the laptop any more", "", cases.CategoryTechnical, cases.P2},
		{"the kettle keeps switching off before the water boils", "", cases.CategoryTechnical, cases.P2},
		{"printer shows error 0x2A4 and stopped mid-page", "", cases.CategoryTechnical, cases.P2},
		// logistics
		{"下单快两个礼拜了，物流还停在揽收那一步", "", cases.CategoryLogistics, cases.P3},
		{"我买的是黑色的，收到的东西不对，是个白的", "", cases.CategoryLogistics, cases.P3},
		{"说好的赠品没有，就一个主机", "", cases.CategoryLogistics, cases.P3},
		{"快递员把箱子扔在楼下就走了", "", cases.CategoryLogistics, cases.P3},
		{"到了一看外箱压扁了，拆开玻璃面板碎了", "", cases.CategoryLogistics, cases.P2},
		{"my parcel shows delivered but it never arrived", "", cases.CategoryLogistics, cases.P3},
		{"the box came without the charging cable", "", cases.CategoryLogistics, cases.P3},
		// quality
		{"收到的椅子颜色跟图片差太多了，能用但是不好看", "", cases.CategoryQuality, cases.P3},
		{"桌子边上有毛刺，摸着刮手", "", cases.CategoryQuality, cases.P3},
		{"新买的收纳柜一股很冲的胶水味", "", cases.CategoryQuality, cases.P3},
		{"显示器有两个坏点，其他功能正常", "", cases.CategoryQuality, cases.P3},
		{"包的缝线开了，边上在掉皮", "", cases.CategoryQuality, cases.P3},
		{"防伪码扫出来是查询过的，怀疑是假货", "", cases.CategoryQuality, cases.P3},
		{"the legs are uneven so the table wobbles", "", cases.CategoryQuality, cases.P3},
		{"there is a dead pixel in the middle of the screen, otherwise fine", "", cases.CategoryQuality, cases.P3},
		// consultation
		{"这个净化器能不能连小米的app？", "", cases.CategoryConsultation, cases.P3},
		{"滤芯多久换一次比较好", "", cases.CategoryConsultation, cases.P3},
		{"冰箱背面摸着有点发热，这是正常的吗", "", cases.CategoryConsultation, cases.P3},
		{"请问保修期是几年，人为损坏保修吗", "", cases.CategoryConsultation, cases.P3},
		{"how do I set the timer on this oven?", "", cases.CategoryConsultation, cases.P3},
		{"is this charger compatible with the older model?", "", cases.CategoryConsultation, cases.P3},
	})
}

// Substrings inside unrelated words are not evidence.
func TestLexiconUnrelatedWords(t *testing.T) {
	t.Parallel()
	runLexCases(t, []lexCase{
		{"先冷静一下，我再想想", "", "", cases.P3},
		{"我们公司是做物流的，想买几台打印机", "", "-", cases.P3},
		{"Question about USB power delivery on the new monitor", "", cases.CategoryConsultation, cases.P3},
		{"新游戏太火了", "", "", cases.P3},
	})
}

// P1 in plain words: hazards, batch failures, a business stopped.
func TestLexiconP1(t *testing.T) {
	t.Parallel()
	runLexCases(t, []lexCase{
		// hazards
		{"厨房一股燃气味，灶已经关了", "", cases.CategoryTechnical, cases.P1},
		{"手机电池鼓包了，后盖都被顶开了", "", cases.CategoryTechnical, cases.P1},
		{"充电器插头烫得根本不敢摸", "", cases.CategoryTechnical, cases.P1},
		{"洗衣机外壳摸着手有点麻", "", cases.CategoryTechnical, cases.P1},
		{"插座那里噼啪冒火花", "", cases.CategoryTechnical, cases.P1},
		{"电暖器后面冒出一股烟", "", cases.CategoryTechnical, cases.P1},
		{"熱水器有瓦斯味", "", cases.CategoryTechnical, cases.P1},
		{"the power bank is bulging and hot", "", cases.CategoryTechnical, cases.P1},
		{"the plug was too hot to touch and the socket is scorched", "", cases.CategoryTechnical, cases.P1},
		{"there's smoke coming out of the back of the TV", "", cases.CategoryTechnical, cases.P1},
		// hazards told without a hazard word
		{"洗碗机漏水 水都流到旁边插线板那里了", "", cases.CategoryTechnical, cases.P1},
		{"water is dripping onto the extension lead behind the fridge", "", cases.CategoryTechnical, cases.P1},
		{"电动车电池那里嘶嘶响 还有股怪味", "", cases.CategoryTechnical, cases.P1},
		{"the battery pack is puffy and the case has split", "", cases.CategoryTechnical, cases.P1},
		{"宝宝手背被电暖器烫红了一片", "", "-", cases.P1},
		{"the cord's rubber has split and you can see bare wires", "", cases.CategoryTechnical, cases.P1},
		{"热水器开着的时候有股怪味 头有点晕", "", "-", cases.P1},
		{"手机充电的时候烫得握不住 后壳都变形了", "", cases.CategoryTechnical, cases.P1},
		{"my son touched the oven door and now has a blister on his palm", "", "-", cases.P1},
		{"插座里面有蓝色的光一闪一闪", "", "-", cases.P1},
		// batch failures
		{"我们买了十台，现在五台都开不了机", "", cases.CategoryTechnical, cases.P1},
		{"20个里面有6个外壳开裂", "", cases.CategoryQuality, cases.P1},
		{"门店的扫码枪其中3把都识别不了", "", cases.CategoryTechnical, cases.P1},
		{"three of the eight heaters we bought stopped working", "", cases.CategoryTechnical, cases.P1},
		{"4 of them show the same error code", "", cases.CategoryTechnical, cases.P1},
		{"all six scanners keep rebooting since this morning", "", cases.CategoryTechnical, cases.P1},
		{"we have 6 of your routers, four went offline on the same day", "", cases.CategoryTechnical, cases.P1},
		{"工地上五台发电机 有三台今天同时熄火", "", cases.CategoryTechnical, cases.P1},
		// enterprise down
		{"店里收银机死机了，客人都在排队结不了账", "", cases.CategoryTechnical, cases.P1},
		{"灭菌器坏了，诊所今天没法接诊", "", cases.CategoryTechnical, cases.P1},
		{"生产线上的封口机坏了，整条线停着", "", cases.CategoryTechnical, cases.P1},
		{"our card terminal is dead and the shop can't take payments", "", cases.CategoryTechnical, cases.P1},
	})
}

// Near misses: what looks like P1 but is not.
func TestLexiconNotP1(t *testing.T) {
	t.Parallel()
	runLexCases(t, []lexCase{
		{"外包装一点事没有，就是开不了机", "", cases.CategoryTechnical, cases.P2},
		{"没有冒烟也没有焦味，就是不转了", "", cases.CategoryTechnical, cases.P2},
		{"听说这款电池会鼓包，我的还好", "", "-", cases.P3},
		{"朋友家的跟我一样的电暖器烧起来了，我这个要不要换", "", cases.CategoryConsultation, cases.P3},
		{"a friend's one caught fire, should I be worried about mine?", "", "-", cases.P3},
		{"气得我冒烟，洗衣机又不脱水了", "", cases.CategoryTechnical, cases.P2},
		{"这个插座有防漏电功能吗", "", cases.CategoryConsultation, cases.P3},
		{"公司想批量采购50台，有没有优惠", "", cases.CategoryConsultation, cases.P3},
		{"我们买了6台，只有1台不制冷，其他都正常", "", cases.CategoryTechnical, cases.P2},
		{"我们两个都不会用这个app", "", "-", cases.P3},
		// the customer's temper, a question, someone else's word
		{"I'm literally about to explode, the parcel is a week late", "", cases.CategoryLogistics, cases.P3},
		{"我真的要炸了 快递一个礼拜还没到", "", cases.CategoryLogistics, cases.P3},
		{"your courier is a dumpster fire, my order is still not here", "", cases.CategoryLogistics, cases.P3},
		{"Would this heater catch fire if the cat knocks it over?", "", cases.CategoryConsultation, cases.P3},
		{"my colleague said these chargers can catch fire, is that true?", "", "-", cases.P3},
		{"新烤箱第一次用有点焦味 这正常吗", "", "-", cases.P3},
		{"my husband thinks it might short circuit if water gets in, is that possible?", "", "-", cases.P3},
		{"听群里的人讲这款电热毯会着火 我的暂时没事", "", "-", cases.P3},
		{"the ES-Pro 10 won't turn on, display totally dead", "", cases.CategoryTechnical, cases.P2},
	})
}

// P2 and P3 in plain words.
func TestLexiconP2P3(t *testing.T) {
	t.Parallel()
	runLexCases(t, []lexCase{
		{"快递到了，箱子里没有电源线，根本开不了机", "", cases.CategoryLogistics, cases.P2},
		{"衣柜侧板孔位对不上，装不起来", "", cases.CategoryQuality, cases.P2},
		{"锅的涂层一块块掉，现在都不敢用了", "", cases.CategoryQuality, cases.P2},
		{"拍照的时候偶尔闪退，重开就好，不急", "", cases.CategoryTechnical, cases.P3},
		{"遥控器有个键不灵，其他功能正常", "", cases.CategoryTechnical, cases.P3},
		{"the rug arrived but it's smaller than described, still usable", "", cases.CategoryQuality, cases.P3},
		{"left earbud crackles a bit, no rush", "", cases.CategoryTechnical, cases.P3},
	})
}
