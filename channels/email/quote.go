package email

import (
	"regexp"
	"strings"
)

// Reply headers mail clients put above the quoted message. Everything
// from such a line on is the earlier conversation, not what the customer
// wrote now.
var (
	onWroteRe    = regexp.MustCompile(`(?i)^\s*On\b.*\bwrote:\s*$`)
	onStartRe    = regexp.MustCompile(`(?i)^\s*On\s.*\d`) // Gmail wraps "On …" / "… wrote:" over two lines
	wroteEndRe   = regexp.MustCompile(`(?i)^.*\bwrote:\s*$`)
	originalRe   = regexp.MustCompile(`(?i)^\s*-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}`)
	zhWroteRe    = regexp.MustCompile(`^\s*在.*写道[:：]?\s*$|^\s*在.*寫道[:：]?\s*$`)
	zhFromRe     = regexp.MustCompile(`^\s*(发件人|寄件者|寄件人)\s*[:：]`)
	enFromRe     = regexp.MustCompile(`^\s*\*?From:\*?\s`)
	headerNextRe = regexp.MustCompile(`(?i)^\s*\*?(Sent|Date|To|Subject|发送时间|日期|收件人|主题)\*?\s*[:：]`)
	underlineRe  = regexp.MustCompile(`^\s*_{10,}\s*$`)
	sentFromRe   = regexp.MustCompile(`(?i)^\s*(Sent from my .*|Get Outlook for .*|发自我的.*|从我的.*发送|来自.*的邮件)\s*$`)
)

// StripQuoted returns what the customer wrote in a reply: the text above
// the quoted earlier message (English and Chinese reply headers,
// "-----Original Message-----", Outlook's header block), without "> "
// quoted lines or a "Sent from my phone" line. The signature stays (its
// "-- " separator goes): it names the customer, their company and phone.
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
cut:
	for i, l := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		switch {
		case l == "-- " || l == "--":
			continue // the signature separator (RFC 3676); the signature is kept
		case onWroteRe.MatchString(l), onStartRe.MatchString(l) && wroteEndRe.MatchString(next):
			break cut
		case originalRe.MatchString(l), zhWroteRe.MatchString(l), zhFromRe.MatchString(l):
			break cut
		case enFromRe.MatchString(l) && headerFollows(lines[i+1:]):
			break cut
		case underlineRe.MatchString(l) && (zhFromRe.MatchString(next) || enFromRe.MatchString(next)):
			break cut
		case strings.HasPrefix(strings.TrimLeft(l, " "), ">"):
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && (strings.TrimSpace(out[len(out)-1]) == "" || sentFromRe.MatchString(out[len(out)-1])) {
		out = out[:len(out)-1]
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// headerFollows tells Outlook's quoted header block ("From: …" then
// "Sent: …", "To: …") from a customer's own line starting with "From:".
func headerFollows(lines []string) bool {
	for i := 0; i < len(lines) && i < 4; i++ {
		if headerNextRe.MatchString(lines[i]) {
			return true
		}
	}
	return false
}
