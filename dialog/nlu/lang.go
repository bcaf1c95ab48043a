package nlu

import (
	"strings"
	"unicode"
)

// langPairs lists simplified/traditional character pairs (simplified first)
// that differ between the scripts. Characters written the same way in both
// carry no signal and are deliberately absent.
const langPairs = `们們 这這 个個 机機 电電 话話 请請 号號 货貨 钱錢 题題 维維 换換 说說 没沒 为為 会會 里裡
应應 变變 当當 发發 开開 关關 体體 点點 还還 谢謝 网網 买買 卖賣 实實 单單 坏壞 听聽 让讓 显顯 无無
样樣 处處 与與 给給 专專 业業 从從 岁歲 时時 间間 现現 动動 东東 车車 长長 门門 问問 闻聞 员員 国國
图圖 园園 来來 对對 导導 书書 见見 觉覺 认認 识識 语語 该該 谁誰 调調 试試 过過 进進 连連 运運 远遠
选選 递遞 邮郵 费費 贵貴 质質 购購 订訂 态態 总總 热熱 烦煩 灯燈 线線 红紅 级級 经經 结結 统統 继繼
续續 缩縮 罗羅 乐樂 几幾 两兩 严嚴 举舉 么麼 乱亂 产產 亲親 仅僅 仓倉 价價 众眾 优優 传傳 备備 复復
够夠 头頭 奖獎 妈媽 学學 宝寶 审審 层層 币幣 师師 带帶 帮幫 广廣 库庫 废廢 异異 张張 归歸 录錄 忆憶
怀懷 恼惱 惊驚 战戰 执執 扩擴 扫掃 护護 报報 担擔 择擇 挂掛 据據 损損 摆擺 数數 断斷 旧舊 晓曉 术術
杂雜 权權 条條 极極 构構 标標 桥橋 检檢 楼樓 欢歡 气氣 汇匯 汉漢 测測 济濟 润潤 涨漲 渐漸 温溫 湿濕
满滿 滤濾 灭滅 灵靈 炉爐 烟煙 爱愛 状狀 环環 画畫 疗療 盘盤 监監 盖蓋 码碼 确確 礼禮 离離 种種 积積
称稱 稳穩 签簽 简簡 类類 紧緊 约約 纪紀 纸紙 组組 细細 终終 绍紹 络絡 绝絕 绩績 综綜 缓緩 编編 罚罰
联聯 职職 胜勝 脑腦 脸臉 节節 药藥 获獲 营營 虑慮 虽雖 补補 装裝 规規 视視 览覽 计計 讨討 议議 记記
讲講 许許 论論 设設 访訪 证證 评評 诉訴 询詢 详詳 误誤 读讀 课課 谈談 贝貝 负負 账賬 贴貼 资資 赔賠
赶趕 转轉 轮輪 软軟 轻輕 载載 较較 辆輛 边邊 达達 迟遲 适適 钟鐘 铁鐵 银銀 错錯 键鍵 闪閃 闭閉 阅閱
队隊 阳陽 际際 险險 随隨 难難 页頁 顶頂 项項 顺順 须須 顾顧 预預 频頻 风風 飞飛 饭飯 馆館 验驗 鱼魚
齐齊 压壓 厂廠 历歷 双雙 吗嗎 启啟 响響 团團 围圍 圆圓 场場 块塊 坚堅 尔爾 尘塵 尽盡 帐帳 庆慶 忧憂
愿願 扰擾 抢搶 挤擠 挥揮 摇搖 敌敵 显顯 柜櫃 树樹 档檔 梦夢 毕畢 汤湯 泪淚 洁潔 浓濃 湾灣 滚滾 烂爛
烧燒 疯瘋 盐鹽 矿礦 砖磚 础礎 笔筆 纯純 练練 织織 绕繞 绿綠 缘緣 缝縫 观觀 触觸 训訓 讯訊 词詞 译譯
诚誠 财財 责責 败敗 贸貿 赛賽 赞贊 赠贈 赢贏 输輸 辞辭 违違 遗遺 释釋 针針 钢鋼 锁鎖 锅鍋 镜鏡 阴陰
陈陳 顿頓 领領 颗顆 额額 饮飲 马馬 驾駕 骗騙 鸡雞 麦麥 龙龍 虫蟲 蓝藍 苹蘋 厅廳 严嚴 丢丟 储儲 脏髒
凉涼 减減 冲衝 刹剎 剧劇 劝勸 办辦 务務 动動 劳勞 势勢 区區 医醫 华華 协協 卫衛 却卻 厨廚 县縣
参參 叙敘 号號 叹嘆 吓嚇 呕嘔 员員 咨諮 哗嘩 唤喚 啰囉 喷噴 嘱囑 团團 坛壇 垄壟 墙牆 壳殼 处處
备備 奋奮 妆妝 妇婦 娱娛 孙孫 宁寧 宽寬 实實 宪憲 宫宮 寝寢 导導 寿壽 将將 尝嘗 届屆 属屬 岁歲
岂豈 峡峽 币幣 帅帥 庄莊 废廢 开開 弃棄 张張 弹彈 强強 归歸 彻徹 径徑 忏懺 怂慫 恶惡
悬懸 惧懼 惩懲 愤憤 懒懶 戏戲 扑撲 拥擁 拦攔 拨撥 挡擋 挣掙 捞撈 捣搗 据據 掳擄 掷擲 揽攬 搀攙 携攜
摄攝 摊攤 撑撐 撵攆 擞擻 敛斂 斋齋 斩斬 时時 旷曠 昼晝 晋晉 暂暫 术術 杀殺 杨楊 枢樞 枣棗
构構 枪槍 柠檸 栋棟 栏欄 样樣 桩樁 检檢 椭橢 欧歐 殴毆 毁毀 毡氈 氢氫 汹洶 沟溝 沪滬 泼潑 泽澤
洒灑 浅淺 浆漿 涛濤 涝澇 涡渦 渊淵 渔漁 溃潰 滞滯 滥濫 潜潛 灾災 炼煉 烛燭 烫燙 焕煥 爷爺 牵牽 犹猶
狈狽 独獨 狭狹 猎獵 猪豬 琐瑣 电電 畅暢 疮瘡 痒癢 皱皺 盏盞 睁睜 矫矯 硕碩 碍礙 祸禍 禅禪 秃禿
穷窮 窃竊 竞競 笼籠 筑築 筛篩 粮糧 纠糾 纤纖 纳納 纵縱 纷紛 绑綁 绘繪 绣繡 绪緒 绵綿 罢罷 胁脅 胶膠
脉脈 舰艦 舱艙 艰艱 芦蘆 苏蘇 荐薦 荡蕩 莱萊 萧蕭 蚁蟻 袜襪 誉譽 诈詐 诊診 诗詩 诸諸 谋謀 谨謹 谱譜
贞貞 贡貢 贤賢 贩販 贪貪 贫貧 贯貫 贺賀 赋賦 赌賭 赏賞 赖賴 赚賺 赵趙 趋趨 跃躍 践踐 轨軌 轰轟
辅輔 辈輩 辉輝 辩辯 辽遼 迁遷 迈邁 迹跡 逊遜 逻邏 邻鄰 郑鄭 酱醬 鉴鑒 钓釣 钻鑽 铃鈴 铅鉛 铜銅 铺鋪
链鏈 销銷 锈鏽 锋鋒 锡錫 锦錦 镇鎮 闯闖 闲閒 闷悶 闸閘 闹鬧 阀閥 阁閣 阔闊 阵陣 阶階 陆陸 陕陝 隐隱
隶隸 雾霧 韩韓 饥飢 饰飾 饱飽 饿餓 驱驅 驶駛 骂罵 骑騎 鲜鮮 鸟鳥 鸭鴨 鸿鴻 鹅鵝 龄齡 龟龜 叶葉 启啟
厉厲 乡鄉 书書 买買 乌烏 习習 亏虧 云雲 亚亞 亿億 仪儀 们們 伞傘 伟偉 伤傷 体體 侠俠 侣侶 侥僥
侦偵 侧側 侨僑 俭儉 债債 倾傾 偿償 储儲 儿兒 兑兌 党黨 兰蘭 关關 兴興 养養 兽獸 内內 冈岡 册冊 写寫
农農 冻凍 净淨 凤鳳 凭憑 凯凱 击擊 刘劉 则則 刚剛 创創 删刪 别別 剂劑 剑劍 剥剝 劲勁 劳勞
单單 卖賣 卢盧 卧臥 厕廁 厢廂 厦廈 厨廚 县縣 发發 变變 叠疊 叽嘰 吨噸 启啟 吴吳 呐吶 呛嗆
呜嗚 咏詠 咙嚨 哑啞 哟喲 唠嘮 啧嘖 喽嘍 嗳噯 团團 园園 围圍 国國 图圖 圆圓 圣聖 圹壙 场場 坏壞
块塊 坛壇 坝壩 坞塢 坟墳 坠墜 垒壘 垦墾 垫墊 埘塒 壮壯 声聲 壶壺 处處 备備 复復 够夠 头頭 夹夾 夺奪
奥奧 妈媽 妩嫵 娄婁 娇嬌 娲媧 婴嬰 婶嬸 孙孫 学學 宝寶 宠寵 审審 宾賓 寻尋 对對 导導 尔爾 层層
屉屜 屿嶼 岗崗 岛島 岭嶺 峦巒 巩鞏 巯巰 币幣 帜幟 帧幀 帮幫 带帶 帻幘 广廣 庐廬 库庫 应應 庙廟`

// langSets holds the characters only one script uses, derived from langPairs.
type langSets struct{ simp, trad map[rune]bool }

var langScript = func() langSets {
	s := langSets{simp: map[rune]bool{}, trad: map[rune]bool{}}
	for _, pair := range strings.Fields(langPairs) {
		rs := []rune(pair)
		if len(rs) != 2 || rs[0] == rs[1] {
			continue
		}
		s.simp[rs[0]] = true
		s.trad[rs[1]] = true
	}
	// A character can be simplified in one pair and traditional in another
	// (e.g. 干/幹 vs 乾); such characters prove nothing.
	for r := range s.simp {
		if s.trad[r] {
			delete(s.simp, r)
			delete(s.trad, r)
		}
	}
	return s
}()

// langNoise removes things that contain Latin letters without being language:
// addresses, URLs and model or order codes mixing letters and digits.
var langNoise = mustRx(`(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|https?://\S+|www\.\S+|\b[a-z]*\d[a-z0-9/-]*\b`)

// DetectLanguage returns "zh-CN", "zh-TW" or "en" for customer text, or ""
// when the text carries no signal (digits only, emoji, a phone number, a
// model code).
func DetectLanguage(text string) string {
	var han, simp, trad, kana int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			if langScript.simp[r] {
				simp++
			}
			if langScript.trad[r] {
				trad++
			}
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			kana++
		}
	}
	if han > 0 && kana == 0 {
		if trad > 0 && trad >= simp {
			return "zh-TW"
		}
		return "zh-CN"
	}
	if kana > 0 {
		return "" // Japanese is none of the supported languages
	}
	rest := langNoise.ReplaceAllString(extNormalize(text), " ")
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !(r < 128 && unicode.IsLetter(r)) }) {
		if len(w) >= 2 {
			return "en"
		}
	}
	return ""
}

// SimplifiedOnly reports whether r is written only in Simplified Chinese.
func SimplifiedOnly(r rune) bool { return langScript.simp[r] }
