package nlu

// What the customer wants (诉求).

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

type extDemandWord struct {
	re     *wordSet
	demand cases.Demand
}

// extDemandLeadWords are the modal and helper words that may open a cue
// ("能修", "给我换", "就退"). The context checks look at the text before
// the cue's own verb, so they see "能不能" in "能不能退" and "修不好就" in
// "修不好就换".
const extDemandLeadWords = `能|可以|要|想|给我|給我|帮我|幫我|帮忙|幫忙|申请|申請|就|直接|统一|統一|全部|整台|给|給|得|必须|必須|` +
	`赶紧|趕緊|那|再|都|我|最好是|最好|来|來|去|送|寄|拿去|拎去|返|也|先|快|免费|免費`

// extDemandWords are the cues of each demand. Customers rarely name the
// demand ("维修", "退货"); they ask for it as a question or an action ("能修吗",
// "派人来看看", "给我换个新的", "退了算了", "could you take it back"). On a
// tie at one position the earlier entry wins, so the specific "寄个新的"
// (exchange) beats the general "寄…过来" (other), and "send someone" (repair)
// beats "send" (other). Consultation words are weakest: any concrete demand
// wins over them.
var extDemandWords = []extDemandWord{
	{mustWordSet(`(?i)维修|維修|修理|(?:修|整)(?:要|需要|得)?(?:多少钱|多少錢|收费|收費|收钱|收錢)|付费修|付費修|寄修|送修|\bget someone on (?:this|it)\b|\bsomeone out\b|检修|檢修|修一下|修下|修好|修修|修一修|修吗|修嗎|修吧|修唔修|修不修|修得好|修得了|修補|修补|` +
		`(?:` + extDemandLeadWords + `)+修|哪(?:里|裡|儿|兒|边|邊)?(?:可以|能)?修|` +
		`(?:我要|要求|申请|申請|需要)保修|上门|上門|到府|上嚟|报修|報修|` +
		// a part replaced is a repair, not an exchange: 换电池, 換條膠條, "replace the seal"
		`(?:换|換)(?:个|個|一个|一個|一下|咗|过|過|掉)?(?:条|條|块|塊|根|颗|顆|粒|套|啲|只|隻|片|张|張|扇|個新|个新)?(?:新的?)?(?:电池|電池|电瓶|電瓶|胶圈|膠圈|胶条|膠條|密封圈|密封条|密封條|门封|門封|封条|封條|圈|皮|零件|配件|滤芯|濾芯|滤瓶|濾瓶|屏幕|螢幕|主板|电路板|電路板|电机|電機|马达|馬達|压缩机|壓縮機|灯管|燈管|灯泡|燈泡|按键|按鍵|轮子|輪子|刷头|刷頭|碳刷|风扇|風扇|` +
		`门板|門板|面板|外壳|外殼|壳|殼|握把|把手|拉手|扶手|喉头|喉頭|出水喉|水喉|盖子|蓋子|盖板|蓋板|玻璃|刀片|刀头|刀頭|插头|插頭|电源线|電源線|水管|排水管|进水管|進水管|铰链|鉸鏈|合页|合頁|支架|底座|喷头|噴頭|开关|開關|阀门|閥門|水泵|加热管|加熱管|发热管|發熱管|皮带|皮帶|齿轮|齒輪|桌腿|椅腿|脚轮|腳輪|弹簧|彈簧)|` +
		`\breplace (?:the|a|my|its|that|this) (?:[a-z]+ )?(?:battery|seal|gasket|part|screen|pump|motor|filter|fan|cable|door seal|leather|door|panel|board|handle|hinge|glass|lid|hose|valve|element|belt|wheel|leg|armrest|cover|casing|shell|housing|nozzle|blade|plug|cord|spring|caster|castor)\b|` +
		`\b(?:door|panel|board|handle|hinge|glass|lid|hose|valve|element|belt|wheel|leg|armrest|cover|casing|seal|gasket|battery|screen|part) (?:replaced|swapped)\b|` +
		`\b(?:new|replacement) (?:[a-z]+ )?(?:battery|seal|gasket|pump|motor|filter|fan|board|door|panel|handle|hinge|lid|hose|valve|element|belt|wheel|leg|armrest|cover|casing|nozzle|blade|plug|spring|caster|castor)\b|` +
		`(?:技术|技術)(?:人员|人員)|(?:来|來)(?:个|個|一个|一個)(?:人|师傅|師傅)|安排(?:技术支持|技術支持|技術支援|技术支援)|` +
		// "收費都想整", "拜託今天一定要來": the repair wished, paid or not
		`(?:都|也|还是|還是)想整(?:[^壞坏爛烂]|$)|一定要(?:来|來|到)|今天(?:一定)?要(?:来|來)|` +
		`派(?:个|個|一个|一個|几个|幾個)?(?:人|师傅|師傅|技术员|技術員|工程师|工程師|维修|維修|技师|技師)|` +
		`(?:安排|找|叫|搵)(?:个|個|一个|一個|一下)?(?:人|师傅|師傅|技术员|技術員|工程师|工程師|技师|技師|人員|人员|售后|售後)|` +
		`(?:师傅|師傅|工程师|工程師|人)(?:来|來|过来|過來)(?:看|修|检|檢|处理|處理|一趟)|` +
		`(?:来|來)人|` +
		`(?:过来|過來|来|來)(?:看一下|看看|看下|检查|檢查|检测|檢測|瞧瞧)|(?:上门|上門|帮我|幫我|给我|給我|安排)(?:检测|檢測)|` +
		`(?:能|可以|就|才)(?:来|來|过来|過來)(?:吗|嗎|看|睇|[?？]|\s*$)|` +
		`(?:帮我|幫我|帮忙|幫忙|给我|給我|顺便|順便)(?:看看|看一下|看下|检查|檢查)|(?:来|來)看(?:就好|就行|吧)|拎去整|整好|整返|整番|(?:要|幫我|帮我|幫手|快啲|唔該|點樣|点样)整|(?:^|[^\d一二两兩三四五六七八九十〇零])(?:點|点)整|` +
		// "怎么修 要寄回去吗": how it gets repaired is asking for the repair
		`(?:怎么|怎麼|如何|点样|點樣)(?:去)?修|` +
		`(?:^|[\s,，。!！?？])修(?:\s|$|[,，。!！])|` +
		// "师傅能不能明天来", "工程师什么时候能到": asking when the visit is, is asking for it
		`(?:师傅|師傅|工程师|工程師|技术员|技術員)(?:能不能|可不可以|会不会|會不會|[^\s不没沒还還,，。!！?？]){0,6}?(?:来|來|到|上门|上門)(?:吗|嗎|不|呢|啊|[?？]|\s|$)|` +
		`\brepair(?:s|ed|ing)?\b|\bsend (?:someone|somebody|a tech|an engineer|a repair ?man|over someone|out someone|a technician)\b|` +
		`\b(?:need|get|want|send|have) (?:a |an )?(?:tech|techie|sparky|repairman|repair ?person|serviceman|service ?person) (?:out|over|round|here|to come|today|tonight|asap)\b|` +
		`\btechnicians\b|\bengineers\b|\b(?:tech|techie|technician|engineer|repairman|someone) (?:come|to come) (?:up|out|over|round|by|today|tomorrow)\b|\b(?:need|want|get) (?:it|them) working(?: again)?\b|\b(?:get|getting) it (?:seen to|working again|going again|looked at)\b|\bin working order\b|\bget someone round\b|\bsend it back (?:to me )?when it works\b|` +
		`\bcome (?:and|to) (?:fix|look at|check|repair)\b|\bcome out\b|\bfix\b|\bfixed\b|\bget it fixed\b|\bhave it fixed\b|` +
		`\btechnician\b|\bengineer\b|\bservice visit\b|\b(?:check|look at|inspect) (?:it|them|this|the unit|the machine)\b|` +
		`\bsomeone (?:to )?(?:check|look|come|have a look)\b|\bhave a look\b|\bneed (?:someone|somebody|a tech\w*|an engineer|a repair\w*) (?:this|today|tomorrow|asap|out|here|to come)\b|\b(?:have|get) (?:it|them|someone) (?:looked at|checked)\b`), cases.DemandRepair},
	{mustWordSet(`(?i)退款|退钱|退錢|返钱|返錢|退费|退費|把钱退|把錢退|钱能不能退回来|錢能不能退回來|钱能不能退回|錢能不能退回|钱能不能退给我|錢能不能退給我|钱退给我|錢退給我|钱退回来|錢退回來|钱还给我|錢還給我|\brefund(?:ed)?\b|\bmoney back\b|\bgive me back my\b|\bback my (?:money|[a-z-]+ (?:pounds|dollars|euros|quid|bucks))\b`), cases.DemandRefund},
	{mustWordSet(`(?i)退货|退貨|退掉|退回|退机|退機|退换|退換|退吧|退了吧|退了算了|退咗|` +
		`(?:` + extDemandLeadWords + `)+退(?:货|貨|掉|回|机|機)?|` +
		`\breturn(?:ing)?\b|\b(?:want|like|have) (?:it|them) returned\b|\bsend (?:it|them|this) back\b|\btake (?:it|them|this) back\b|\b(?:like|want) (?:it|them) (?:collected|taken away|picked up)\b`), cases.DemandReturn},
	{mustWordSet(`(?i)换货|換貨|换新|換新|更换|更換|调换|調換|` +
		`(?:弄|换|換|发|發|寄)(?:个|個|一个|一個|台|一台|把|一把|张|一張|一张)新的|全(?:给我|給我|部)?(?:换|換)了|先发一台|先發一台|` +
		`(?:` + extDemandLeadWords + `)+(?:换|換)|` +
		`(?:换|換)(?:个|個|一个|一個|一台|台|一张|张|張|一把|把|一根|根|一套|套|一副|副|一只|只|隻|一块|块|塊|一件|件|一条|条|條|一部|部|过部|過部|过个|過個|成|掉|新|货|貨|机|機|吗|嗎|吧|嘛|一下)|` +
		`(?:^|[\s,，。!！?？;；])(?:就|那|直接)?(?:换|換)|` +
		`(?:寄|发|發|送|补|補|补发|補發|补寄|補寄|重发|重發)(?:[一两二三四五六七八九十几幾]?(?:个|個|台|张|張|把|根|套|副|只|隻|块|塊|件|条|條|支|部))?新|` +
		`重新(?:发|發|寄)(?:[一两二三四五六七八九十几幾]?(?:个|個|台|张|張|把|根|套|副|只|隻|块|塊|件|条|條|支|部))|` +
		`\bexchange(?:d)?\b|\breplace(?:d)?\b|\breplacements?\b|\bswap(?:ped)?\b|` +
		`\bsend (?:me |us )?(?:one|a new one|another one) (?:that|which|thats|that's)\b|\bone (?:that|thats|that's|which) (?:works|isn'?t|is not|isnt|not|'s not|s not|'s genuinely new|is genuinely new)\b|\brather have (?:a|one) [a-z ]{0,20}(?:that|which) (?:isn'?t|works)\b|\bswap unit\b|` +
		`\b(?:get|send|want|need|give|like|have|prefer) (?:me |us )?a new (?:one|unit|frame|device|machine)\b`), cases.DemandExchange},
	{mustWordSet(`(?i)补发|補發|(?:帮我|幫我|帮忙|幫忙|麻烦|麻煩|请|請)?跟(?:进|進)(?:一下|下)?|\b(?:like|want|need|give me|get) a (?:delivery )?date\b|退(?:点|點|些)?差(?:价|價)|补返|補返|核实|核實|\blook into (?:it|this|that)\b|\b(?:need|want) to know when\b|补寄|補寄|补(?:一个|一個|个|個|一根|根|一套|套|一台|台|一张|張|张|一只|只|一块|一塊)|` +
		`重新(?:发|發|寄|送)|再(?:寄|发|發|送)(?:一|个|個|次|过来|過來)|` +
		`寄(?:个|個|一个|一個|两个|兩個|一根|一套|一只|一隻)?\p{Han}{0,6}?(?:过来|過來|给我|給我|俾我|来|來)|寄(?:个|個|一个|一個|两个|兩個|一根|一套|一只|一隻)|` +
		`(?:我要|要|想)投(?:诉|訴)|\bcomplain(?:t)?\b|` +
		`催(?:一下|一催|促|单|單|件|下|快递|快遞|物流)?|加急|` +
		`(?:能不能|可不可以|可以|麻烦|麻煩|请|請)(?:快点|快點|快一点|快一點)(?:啊|吧|呀|嘛|好吗|行吗|\s|$|[,，。!！?？])|` +
		`(?:赶紧|趕緊|尽快|盡快|快点|快點)(?:给我|給我)?(?:送|发货|發貨|发|發|寄)|` +
		`补偿|補償|赔偿|賠償|赔钱|賠錢|赔我|賠我|补差价|補差價|补点|補點|保价|保價|` +
		// the rest of an order brought
		`(?:把|将|將)\p{Han}{0,8}?(?:送来|送來|送过来|送過來|补上|補上|补齐|補齊)|` +
		`(?:开|開|补开|補開|申请|申請|要|寄)(?:[一两兩]?[张張个個份])?(?:增值税|增值稅)?(?:专用|專用|普通)?(?:发票|發票|专票|專票)|` +
		`(?:还|還|都)?(?:是)?(?:没|沒)(?:有)?人(?:来|來|管|联系|聯繫|聯絡|理|处理|處理|回|上门|上門)|` +
		`(?:到底|究竟)(?:什么时候|什麼時候|几时|幾時|啥时候)|给(?:个|我个|我一个)?准话|給(?:個|我個)?準話|准确时间|準確時間|` +
		`(?:帮我|幫我|帮忙|幫忙|麻烦|麻煩|请|請|给我|給我|你们|你們)查(?:一下|一查|查|下)?|(?:^|[\s,，。!！?？])查(?:一下|一查|下)|` +
		`改(?:一下)?(?:收货|收貨)?地址|地址\p{Han}{0,4}改|搬(?:上去|上来|上來|上楼|上樓)|` +
		// chasing a delivery or a visit, an address to change, a note for the record, a promise kept
		`(?:什么时候|什麼時候|几时|幾時|啥时候|啥時候)(?:先|才)?(?:能|可以|会|會)?(?:到|寄|发货|發貨|发出|發出|出货|出貨|送|来|來)|还不来|還不來|仲未到|` +
		`地址(?:写|寫|填|打)(?:错|錯)|(?:写|寫|填|打)(?:错|錯)(?:了|咗)?地址|退一赔|退一賠|假一赔|假一賠|` +
		`留(?:个|個)(?:纪录|紀錄|记录|記錄|底)|(?:记录|記錄|登记|登記)一下|备(?:个)?案|` +
		`(?:说好|說好|讲好|講好)的|怎么赔|怎麼賠|點賠|点赔|` +
		`\b(?:noted|on record|on file|for the record)\b|\b(?:change|update|correct) (?:the|my) (?:delivery |shipping )?address\b|\bwrong address\b|` +
		`\bredeliver\w*|\breschedul\w*|\bdelivery slot\b|\b(?:bring|carry) it (?:up|upstairs)\b|\bsort it out\b|\bgo back (?:and|n) get it\b|` +
		`\b(?:pls|plz|please|can you|could you|can u|could u) check\b|\bis it (?:even )?(?:sent|shipped)\b|\bchange (?:the|my) delivery (?:date|day|time|slot|address)\b|` +
		`\b(?:need|needs|want) (?:the |a |some )?(?:new )?(?:batteries|battery|parts?|cable|charger|remote|hose|screws|fittings|legs?) sent\b|\b(?:need|needs) a (?:proper |correct )?(?:vat |tax )?invoice\b|` +
		`\bchase\b|\bchasing\b|\bgive it a (?:nudge|push|poke)\b|\b(?:chase|hurry|speed) (?:it|this|them) up\b|只寄|只要寄|单独寄|單獨寄|寄一片|\bresend\b|\bre-send\b|\bsend (?:me |us )?(?:the|a|an|one|it|them|those)\b|\bget (?:it|them) sent\b|\bpost (?:one|it|me)\b|\bnew (?:delivery )?date\b|` +
		`\b(?:find out|tell me|let me know) where\b|` +
		`\bcompensat\w*|\bwho (?:will|is going to|'s going to) pay\b|\bpay for\b|\bexpedite\b|` +
		`\bpartial refund\b|\b(?:courier|post|ship|mail) (?:a|the|me|us|one|it|them) (?:new |replacement |missing )?[a-z-]*\s?(?:out|over|across)?\b|` +
		`\b(?:know|tell me|find out) (?:where it is|when it(?:'s| is| will be| will)? (?:actually )?(?:come|coming|arriv\w*|deliver\w*|be delivered))\b|\bwhere (?:it|my order|my parcel) is\b|` +
		`\bwhere is (?:my|the) (?:order|parcel|package|delivery|other)\b|\bwhen (?:will|is) (?:it|my order|the order|my parcel) (?:coming|arriv\w*|deliver\w*|ship\w*)\b|` +
		`\b(?:need|send me|issue|request) (?:an? |the )?(?:vat |tax )?invoice\b|\binvoice (?:needed|required)\b|` +
		// the goods brought, a missing piece sent, where the parcel is, a
		// report or a certificate, a delivery held
		`\bget (?:it|them) (?:here|to me|delivered)\b|\bmissing (?:one|ones|part|parts|piece|pieces|item|items) sent\b|` +
		`补过来|補過來|补给我|補給我|` +
		`(?:提供|出具|出示|给我|給我|俾我)\p{Han}{0,4}(?:检测报告|檢測報告|质检报告|質檢報告|报告|報告|证书|證書|证明|證明)|` +
		`(?:能不能|可不可以|能唔能|可唔可以)\p{Han}{0,3}(?:送到|送来|送來|送过来|送過來|到货|到貨)|` +
		`追踪号|追蹤號|追踪单号|追蹤單號|物流单号|物流單號|(?:去咗|去了|到咗)(?:边|邊|哪)|\btracking (?:number|no\.?|code|link)\b|` +
		`\bhold (?:the|my|our) (?:delivery|order|shipment)\b`), cases.DemandOther},
	{mustWordSet(`(?i)咨询|諮詢|咨詢|想问|想問|想了解|问一下|問一下|如何|(?:怎么|怎麼|怎样|怎樣)(?:用|使用|设置|設置|操作|安装|安裝|清洗|清理|调|調|连|連|选|選|弄|开|開|关|關|下载|下載|申请|申請|保养|保養)|` +
		`正常吗|正常嗎|正常的吗|正常的嗎|正不正常|正唔正常|\bis (?:that|this|it) normal\b|` +
		`怎么解决|怎麼解決|如何解决|如何解決|咋解决|有没有办法|有沒有辦法|有什么办法|有什麼辦法|有啥办法|是不是要|是不是得|是否需要|需不需要|` +
		`\b(?:can|could) (?:put|use|wash|leave|charge|run|plug)\b[^.?!]{0,40}\bor not\b|\bor not\s*\?|\bi want (?:to )?ask\b|\bis (?:this|it|that) (?:a known (?:issue|problem|fault)|a setting|faulty|normal)\b|\bdo i need (?:a|an|to)\b|` +
		`\bhow do i\b|\bhow to\b|\b(?:know|tell me|advise|advice on) what (?:to do|i should do|i can do)\b|\bwhat (?:should|can|do) i do\b|\bhow can i\b|\bhow should i\b|\bquestion\b|\bconsult(?:ation)?\b|\binquiry\b|\benquiry\b`), cases.DemandConsultation},
}

// extDemandCues rules out, in one pass, the demands a text has no cue of.
var extDemandCues = func() *setCues {
	sets := make([]*wordSet, len(extDemandWords))
	for i, w := range extDemandWords {
		sets[i] = w.re
	}
	return newSetCues(sets)
}()

var (
	extDemandLead  = mustRx(`^(?:` + extDemandLeadWords + `)+`)
	extDemandNegZh = mustRx(`(?:不想|不要|不用|不需要|不打算|不必|别|別|不是要|不是想|无需|無需|不考虑|不考慮|不接受|而不是|不愿意|不願意|不愿|不願|不想要|没必要|沒必要|不能|不可以|不给|不給|不肯|唔使|唔駛|唔要|唔想|没|沒|不)\s*(?:要|想|去|再|申请|申請|做|进行|進行|办理|辦理|给我|給我|给|給|帮我|幫我|让我|讓我|让|讓)?\s*$`)
	extDemandNegEn = mustRx(`(?i)(?:don't want|do not want|dont want|don't need|do not need|no need|not interested in|rather than|instead of|\bnot|without|done with|\bno|\bdon't|\bdont|\bdo not)\s*(?:to\s+|for\s+)?(?:an?\s+|any\s+|it\s+|more\s+|another\s+|anything\s+|something\s+)?(?:get\s+|have\s+)?(?:it\s+)?(?:[a-z]+\s+or\s+)?$`)
	// "能不能给我换", "可不可以退" ask for it: the 不 is no negation.
	extDemandANotA = mustRx(`(?:能不能|可不可以|可唔可以|肯不肯|愿不愿意|願不願意|行不行|好不好)\s*\P{P}{0,4}$`)
	// A demand that happened already: "已经报修", "之前修过", "被退回",
	// "每次修好"; "I replaced the batteries", "the engineer came out".
	extDemandPast    = mustRx(`(?:已经|已經|已|之前|上次|曾经|曾經|被|给退|給退|每次|每回)\s*$`)
	extDemandPastEn  = mustRx(`(?i)\b(?:i've|i have|we've|we have|already|i|we|they|been|was|were|had)\s+$`)
	extDemandPastEn2 = mustRx(`(?i)^\s+(?:came|visited|was|were|has|had|did|said|note)\b`)
	// "退了吧", "退了算了" ask for it; any other 了 right after says it is done.
	extDemandToward = mustRx(`^(?:过|過)(?:来|來|去|部|个|個|啲|隻|台)`)
	extDemandAsk    = mustRx(`^了\s*(?:吧|算了|得了|啦|拉倒)`)
	// A segment that ends in 了 tells what was done: "电池都换新的了",
	// "报修三天了".
	extDemandReported = mustRx(`报修|報修|送修`)
	extDemandSince    = mustRx(`^[^\s,，。;；!！?？]{0,8}了`)
	extDemandDoneSeg  = mustRx(`^[^\s,，。;；!！?？]{0,4}[^好行算得以\s,，。;；!！?？]了\s*(?:$|[\s,，。;；!！?？])`)
	// "换主板之前", "修好以后": a time clause, not a request.
	extDemandWhen = mustRx(`^[^\s,，。;；!！?？]{0,8}?(?:之前|以前|之后|之後|以后|以後|的时候|的時候)`)
	// A threat or fallback governs what follows closely: "不然我就退了",
	// "不能换就退", "修不好就换", "要改的话你们能上门改吗".
	// "自己能换吗 还是要叫师傅" offers a choice, which the choice rules read.
	extDemandThenChoice = mustRx(`^[^，,。.!！?？\n]{0,4}[\s，,]*(?:还是|還是|或者|或是|\bor\b)`)
	extDemandSelf       = mustRx(`(?:自己|自已|自行)\s*(?:能|可以|会|會|能不能|可不可以|怎么|怎麼|如何)?\s*$`)
	// "方便的话派人来看看", "如果還在保固的話想送修": a courtesy or the
	// warranty is the condition, not another remedy failing first.
	extDemandPolite = mustRx(`(?:方便|可以|可能|有空|有时间|有時間|得闲|得閒|在保|保内|保內|还在|還在|还保|還保|不在|过保|過保|没保|沒保|出保|有|保固期?|保修期?|保质期|保質期)(?:内|內)?(?:的话|的話)[^\s\p{P}]{0,4}$`)
	extDemandCond   = mustRx(`(?i)(?:(?:不然|否则|否則|要不然|如果|要是|假如|万一|萬一|的话|的話|有需要|如有需要|\bin case\b|\bif\b|\botherwise\b|\bor else\b|\bunless\b)\P{P}{0,6}|不\p{Han}{1,3}\s*(?:就|我就|那就)\s*(?:先|直接|再)?|(?:不行|不成|唔得|修不好|修唔好)\s*(?:的话|的話)?\s*(?:就|我就|那就|再|才)?\s*(?:先|直接|给我|給我)?\s*)$`)
	// Asking whether it is needed asks for advice: "需要上门换吗",
	// "要不要全部换掉", "是不是要换".
	extDemandAsked = mustRx(`(?i)(?:\bis there (?:a|an|any)\b|需不需要|要不要|用不用|是不是要|是不是得|是否需要|是否要|是否提供|是否有|有没有|有沒有|有冇|提不提供|能否提供|得不得|\bdo i (?:need|have) to\b|\bshould i\b|\bis it worth\b)\P{P}{0,6}$`)
	// "需要维修" asks for it; "需要上门换吗" asks whether it is needed.
	extDemandNeed  = mustRx(`(?:需要|要先)\P{P}{0,6}$`)
	extDemandQMark = mustRx(`^[^,，。;；!！]*(?:吗|嗎|[?？]|呢)`)
	// "Is battery replacement covered?" asks about the policy.
	extDemandCovered = mustRx(`(?i)^\s*(?:is\s+|be\s+)?(?:covered|included|free|possible|available)\b`)
	// A choice between demands asks which one; a preference settles it.
	extDemandChoice     = mustRx(`(?i)还是|還是|定係|都行|都可以|都好|无所谓|無所謂|随便|隨便|\beither\b|don't mind|dont mind|whichever|\bor\b[^?]*\?`)
	extDemandChoicePair = mustRx(`[修退换換]\p{Han}{0,2}?(?:还是|還是|定係)|(?:还是|還是|定係)(?:要|能|想)?[修退换換]`)
	extDemandPrefer     = mustRx(`(?i)(?:尽量|盡量|更想|比较想|比較想|最好|优先|優先|宁愿|寧願|宁可|寧可|\bprefer(?:ably)?\b|\bideally\b|\brather\b)\P{P}{0,4}$`)
	// Longer words a cue's last character starts without asking for
	// anything, read from that character on: 修改, 上门安装, 换季, 多久换一次,
	// 退出, 寄回 (that is how a return travels), 寄来的 (what was sent),
	// 催我, 找人工, 派人来搬.
	extDemandFalseAfter = mustRx(`^(?:修(?:改|饰|飾|正|订|訂|剪|建|养|養|复|復|车|車)|[门門府](?:安装|安裝|保养|保養|取|送|收|测量|測量|量|改|服务费|服務費)|` +
		`[换換](?:季|算|行|挡|擋|气|氣|水|位|人|一次)|退(?:出|休|烧|燒|化|步)|寄回|[来來]的|催我|人(?:工|家)|人(?:来|來)?(?:给我|給我|帮我|幫我)?(?:搬|送|打电话|打電話|回电|回電|联系|聯繫))`)
)

// extDemandFalseBefore lists, for a cue's first character, the characters
// before it that make it part of another word: 装修 (decoration), 保修
// (warranty), 切换 and 交换机 (switching), 以旧换新, 检查, 送货上门.
var extDemandFalseBefore = map[rune]string{
	'修': "装裝翻整保",
	'换': "切转轉交兑兌替旧舊",
	'換': "切转轉交兑兌替旧舊",
	'查': "检檢调調排",
	'上': "货貨到",
}

// extDemandVague asks for something without saying what ("你们得给个说法"):
// other, unless a concrete demand is said with it ("给个说法，换个新的").
var extDemandVague = mustRx(`(?:给|給|俾)(?:我|我们|我們)?(?:一)?(?:个|個)?(?:说法|說法|交代)`)

// extDemandOr joins two wishes as alternatives.
var extDemandOr = mustRx(`(?i)\bor\b|或者|或是|还是|還是|定係`)

// extDemandHit is one demand cue found in a text.
type extDemandHit struct {
	start, end int
	d          cases.Demand
	rank       int // position of the cue list entry, for ties
}

// ParseDemand maps zh-CN/zh-TW/en words to a demand. A demand word right
// after a negation ("不想维修", "don't want a refund"), a past marker
// ("已经报修", "维修过"), a threat or fallback ("不然我就退了") is not the
// demand; one only asked about ("需要上门换吗", "is a replacement covered")
// is a consultation; a choice between demands ("要换还是能修？") is none,
// unless a preference settles it ("退货换货都行，最好换"). Consultation words
// lose to any concrete demand ("请问怎么退货" is a return).
func ParseDemand(text string) (cases.Demand, bool) {
	s := extNormalize(text)
	var hits []extDemandHit
	consult := false
	may := extDemandCues.may(s)
	for rank, w := range extDemandWords {
		if !mayMatch(may, rank) {
			continue
		}
		for _, idx := range w.re.FindAllStringIndex(s, -1) {
			d, ok := extDemandAt(s, idx[0], idx[1], w.demand)
			switch {
			case !ok:
			case d == cases.DemandConsultation:
				consult = true
			default:
				hits = append(hits, extDemandHit{idx[0], idx[1], d, rank})
			}
		}
	}
	if best, ok := extDemandResolve(s, hits); ok {
		return best, true
	}
	if extDemandVague.MatchString(s) {
		return cases.DemandOther, true
	}
	if consult {
		return cases.DemandConsultation, true
	}
	return "", false
}

// extDemandAt judges one cue at s[start:end]: whether it asks for d, for
// advice, or for nothing.
func extDemandAt(s string, start, end int, d cases.Demand) (cases.Demand, bool) {
	cs, _ := extClause(s, start, end)
	hit := strings.TrimLeft(s[start:end], " \t,，。!！?？;；")
	start = end - len(hit)
	core := start + len(extDemandLead.FindString(hit)) // where the verb itself starts
	if core == end {
		core = start
	}
	before, lead, rest := s[cs:start], s[cs:core], s[end:]
	if !extDemandANotA.MatchString(lead) && extDemandNegZh.MatchString(before) || extDemandNegEn.MatchString(before) {
		return "", false
	}
	if d == cases.DemandConsultation {
		return d, true
	}
	if extDemandPast.MatchString(before) || strings.HasSuffix(hit, "ed") && extDemandPastEn.MatchString(before) ||
		!extHasHan(hit) && extDemandPastEn2.MatchString(rest) {
		return "", false
	}
	// "维修过", "换过" are history ("換過部新嘅" asks for a new one: 過 is in the cue).
	if r, _ := utf8.DecodeRuneInString(rest); (r == '过' || r == '過') && !extDemandToward.MatchString(rest) {
		return "", false
	}
	if strings.HasPrefix(rest, "了") && !extDemandAsk.MatchString(rest) && !extDemandOrder(before, lead) ||
		d == cases.DemandExchange && extHasHan(hit) && extDemandDoneSeg.MatchString(rest) ||
		extDemandReported.MatchString(hit) && extDemandSince.MatchString(rest) || extDemandWhen.MatchString(rest) {
		return "", false
	}
	// "想退" before 款/货 is the start of a more specific word.
	if r, _ := utf8.DecodeRuneInString(rest); strings.HasSuffix(hit, "退") && strings.ContainsRune("款钱錢费費货貨回掉机機换換", r) {
		return "", false
	}
	_, size := utf8.DecodeLastRuneInString(hit)
	if extDemandFalseAfter.MatchString(hit[len(hit)-size:] + rest) {
		return "", false
	}
	first, _ := utf8.DecodeRuneInString(hit)
	if prev, _ := utf8.DecodeLastRuneInString(before); strings.ContainsRune(extDemandFalseBefore[first], prev) {
		return "", false
	}
	if extDemandCond.MatchString(lead) && !extDemandANotA.MatchString(lead) && !extDemandPolite.MatchString(lead) {
		return "", false
	}
	if extDemandSelf.MatchString(before) && !extDemandThenChoice.MatchString(rest) {
		return cases.DemandConsultation, true // "自己能换吗": doing it oneself is asking how
	}
	if extDemandAsked.MatchString(lead) || extDemandCovered.MatchString(rest) || extDemandANotAAfter(rest) ||
		extDemandNeed.MatchString(lead) && extDemandQMark.MatchString(s[core:]) {
		return cases.DemandConsultation, true
	}
	return d, true
}

// extDemandOrder reports whether the clause opens with "给我"/"帮我": "给我退了",
// "帮我换了" tell us what to do, the 了 does not say it is done.
func extDemandOrder(before, lead string) bool {
	return strings.TrimSpace(before) == "" && extDemandOrderRx.MatchString(lead)
}

var extDemandOrderRx = mustRx(`^(?:赶紧|趕緊|快点|快點|直接)?(?:给我|給我|帮我|幫我)`)

// extDemandANotAAfter reports whether a question of the form "X不X" follows
// closely ("上门维修包不包？"): it asks about the service, not for it.
func extDemandANotAAfter(rest string) bool {
	rs := []rune(rest)
	for i := 0; i+2 < len(rs) && i < 6; i++ {
		if strings.ContainsRune(" ,，。;；!！?？", rs[i]) {
			return false
		}
		if rs[i+1] == '不' && rs[i] == rs[i+2] {
			return true
		}
	}
	return false
}

// extDemandResolve picks the demand among the hits: the first one, unless
// it is one side of a choice.
func extDemandResolve(s string, hits []extDemandHit) (cases.Demand, bool) {
	if len(hits) == 0 {
		return "", false
	}
	// Sort by position, then cue rank (insertion sort: a handful of hits).
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && (hits[j].start < hits[j-1].start || hits[j].start == hits[j-1].start && hits[j].rank < hits[j-1].rank); j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	// "退货退款", "return it and refund me": the money back is the wish.
	refund := slices.ContainsFunc(hits, func(h extDemandHit) bool { return h.d == cases.DemandRefund })
	if refund {
		kept := hits[:0]
		for _, h := range hits {
			if h.d != cases.DemandReturn {
				kept = append(kept, h)
			}
		}
		hits = kept
	}
	skip := make([]bool, len(hits))
	// Where a repair cue and another lie on the same words ("帮我换条胶条":
	// the exchange cue 帮我换, the repair cue 换条胶条), the repair is meant.
	for i := range hits {
		for j := range hits {
			if hits[i].d != cases.DemandRepair && hits[j].d == cases.DemandRepair &&
				hits[j].start < hits[i].end && hits[i].start < hits[j].end {
				skip[i] = true
			}
		}
	}
	// "send us a replacement", "补发一台新的": the sending (other) is how
	// the exchange the next words name is done.
	for i := range hits {
		for j := range hits {
			if hits[i].d == cases.DemandOther && hits[j].d == cases.DemandExchange &&
				hits[j].start >= hits[i].start && hits[j].start <= hits[i].end+1 {
				skip[i] = true
			}
		}
	}
	var first cases.Demand
	found, firstEnd := false, 0
	for i, h := range hits {
		if skip[i] {
			continue
		}
		cs, ce := extClause(s, h.start, h.end)
		clause := s[cs:ce]
		// Other demands of the same clause: a choice among them asks which.
		var rivals []int
		for j := i + 1; j < len(hits); j++ {
			if hits[j].start >= ce {
				break
			}
			if hits[j].start >= h.end && hits[j].d != h.d {
				rivals = append(rivals, j)
			}
		}
		if ce < len(s) && (s[ce] == '?' || strings.HasPrefix(s[ce:], "？")) {
			clause += "?"
		}
		if len(rivals) > 0 && (extDemandChoice.MatchString(clause) || extDemandChoicePair.MatchString(clause)) {
			for _, j := range append([]int{i}, rivals...) {
				pcs, _ := extClause(s, hits[j].start, hits[j].end)
				if extDemandPrefer.MatchString(s[pcs:hits[j].start]) {
					return hits[j].d, true
				}
			}
			for _, j := range rivals {
				skip[j] = true
			}
			continue
		}
		if h.d == cases.DemandRepair && !found {
			// "派人来检测，并把这批全部换掉": the visit checks, the wish is
			// the remedy said after it. A cue inside this one ("换" of
			// "换电池") is this one.
			first, found, firstEnd = h.d, true, h.end
			for j := i + 1; j < len(hits) && hits[j].start < h.end; j++ {
				skip[j] = true
			}
			continue
		}
		if found && (h.d == cases.DemandOther || h.d == cases.DemandRepair) {
			continue
		}
		if found && extDemandOr.MatchString(s[firstEnd:h.start]) {
			return first, true // "a technician or a replacement": the first asked
		}
		return h.d, true
	}
	return first, found
}
