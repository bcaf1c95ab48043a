package dialog

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

// nameFromChannel takes the sender's display name (Event.DisplayName, the
// mail's From name "赵磊 <zhaolei@example.com>") as the customer's name
// when no name is known yet and it reads as a person's name, so the name
// is not asked again: it shows in the confirmation, where the customer
// corrects it. It counts as guessed: a name the customer says replaces it.
func (s *step) nameFromChannel() {
	if s.st.Fields[cases.FieldCustomerName] != "" || slices.Contains(s.st.Declined, cases.FieldCustomerName) {
		return
	}
	if name, ok := s.e.personalName(s.ev.DisplayName, s.now); ok {
		s.st.Fields[cases.FieldCustomerName] = name
		s.st.NameGuessed = true
	}
}

var (
	// roleNameRe: display names of mailboxes, shops and companies rather
	// than of a person ("Customer Service", "ACME Support", "京东客服").
	roleNameRe = regexp.MustCompile(`(?i)\b(service|services|support|team|sales|info|admin|administrator|office|customer|customers|help|helpdesk|desk|shop|store|department|dept|hr|marketing|billing|accounts?|finance|reply|mail|mailer|notifications?|system|ltd|inc|llc|co|corp|company|gmbh|group|official|contact|orders?|hotel|restaurant|school|studio|family)\b|客服|服务|服務|部门|部門|中心|公司|店|团队|團隊|官方|系统|系統|通知|小组|小組|售后|售後|商城|旗舰|旗艦|工作室|集团|集團|部$`)
	// notNameRe: addresses, numbers and markup are never a name.
	notNameRe = regexp.MustCompile(`[@\d<>/\\|:;_=+#&]`)
)

// personalName reads a display name as a person's name with the same
// reading as an answer to "your name?" (nlu), but stricter, since nobody
// was asked: the whole display name must be the name (not "Best Buy" read
// as "Buy"), a Latin name has at least two words ("Apple", "Marketing"
// are not names), and no word of a role or company may be in it.
func (e *Engine) personalName(display string, now time.Time) (string, bool) {
	v := strings.TrimSpace(strings.Trim(strings.TrimSpace(display), `"'“”‘’`))
	if v == "" || utf8.RuneCountInString(v) > 40 || notNameRe.MatchString(v) || roleNameRe.MatchString(v) {
		return "", false
	}
	if !hasHan(v) && len(strings.Fields(v)) < 2 {
		return "", false
	}
	name, ok, _ := e.cfg.Extractor.ParseFieldAnswer(cases.FieldCustomerName, v, now)
	if !ok || !strings.EqualFold(strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(v), " ")) {
		return "", false
	}
	return name, true
}
