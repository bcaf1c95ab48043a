package dialog

import (
	"regexp"
	"strings"
	"time"
)

// humanRe matches a request for a person. "人工" alone is enough in Chinese;
// English needs a word that cannot be part of a product problem.
var humanRe = regexp.MustCompile(`(?i)(转人工|轉人工|人工客服|人工服务|人工服務|找人工|要人工|^人工$|真人|找客服|活人|(talk|speak|chat) (to|with) (a |an )?(human|person|agent|someone|representative)|real (person|human)|human agent|live agent|^(human|agent|representative)[.!]?$)`)

func wantsHuman(text string) bool { return humanRe.MatchString(strings.TrimSpace(text)) }

var yesRe = regexp.MustCompile(`(?i)^(是|是的|对|對|对的|對的|对啊|對啊|没错|沒錯|没问题|沒問題|确认|確認|确定|確定|正确|正確|好|好的|可以|行|嗯|嗯嗯|都对|都對|全对|全對|ok|okay|yes|yep|yeah|y|correct|confirm|confirmed|right|that's right|that is right|that's correct|that is correct|all correct|exactly|sure|looks good|all good|all correct|已解决|已解決|解决了|解決了|好了)[\s,，。.!！~～]*(无误|無誤|没错|沒錯|没问题|沒問題|正确|正確|的|了|啊|呀|提交|登记吧|登記吧|please|thanks|thank you|that's right|that is right|that's correct|it's correct|correct|right|exactly|go ahead|all good)?[\s。.!！~～]*$|^(信息|资料|資料|資訊)?(无误|無誤|正确|正確|没问题|沒問題)[\s。.!！~～]*$`)
var noRe = regexp.MustCompile(`(?i)^(不|不是|不对|不對|错了|錯了|有误|有誤|不正确|不正確|否|没有|沒有|没解决|沒解決|不行|no|nope|n|wrong|not solved|incorrect|not right)[\s。.!！~～]*$`)

func isYes(t string) bool { return yesRe.MatchString(strings.TrimSpace(t)) }
func isNo(t string) bool  { return noRe.MatchString(strings.TrimSpace(t)) }

var correctionRe = regexp.MustCompile(`(?i)(不对|不對|错了|錯了|有误|有誤|不是|应该是|應該是|改成|改为|改為|更正|写错|寫錯|wrong|not correct|actually|should be|change)`)

// hasCorrection reports whether the text corrects something ("型号不对，是XQG80").
func hasCorrection(t string) bool { return correctionRe.MatchString(t) }

func stripCorrection(t string) string { return correctionRe.ReplaceAllString(t, "") }

// engineLocation is the default customer time zone: China Standard Time,
// fixed when the zone database is missing (a static binary in a scratch
// image has none).
func engineLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
