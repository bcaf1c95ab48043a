package nlu

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/cases"
)

// ExtractorConfig is data from the config file. Empty pattern lists fall back
// to the defaults of DefaultExtractorConfig, so the zero value works.
type ExtractorConfig struct {
	OrderPatterns []string       `yaml:"order_patterns"` // regexps; first capture group (or whole match) is the purchase proof number
	ModelPatterns []string       `yaml:"model_patterns"` // regexps for product models; same capture rule
	BatchPatterns []string       `yaml:"batch_patterns"` // regexps for batch / lot codes; same capture rule
	Location      *time.Location `yaml:"-"`              // customer's zone for dates; nil = Asia/Shanghai
}

// The default patterns run on text whose full-width characters were already
// folded to ASCII, so they only need to spell ":" and "#" once.
const (
	extIDConnector = `[\s:#=]*(?:(?:不是|是|为|為|isn't|is not|is|:)[\s:#]*)?`

	extDefaultOrderStrong = `(?i)(?:订单编号|訂單編號|订单号码|訂單號碼|订单号|訂單號|单号|單號|` +
		`\border\s*(?:no\b\.?|number|num|id|#)|\binvoice(?:\s*(?:no\b\.?|number|num|#))?|` +
		`发票号码|發票號碼|发票号|發票號|发票|發票|凭证号|憑證號|凭证编号|憑證編號|购买凭证|購買憑證|` +
		`\breceipt(?:\s*(?:no\b\.?|number|#))?)` + extIDConnector + `([A-Za-z0-9][A-Za-z0-9-]{2,39})`
	// A bare 订单/order is only trusted with a mostly numeric id, otherwise
	// "my order XQG100 broke" would turn a model into an order number.
	extDefaultOrderWeak = `(?i)(?:订单|訂單|\border)` + extIDConnector + `([A-Za-z]{0,4}\d{6,20})`

	// "ref RG-77123", "reference no. 4471-22": a reference with digits in it.
	extDefaultOrderRef = `(?i)\bref(?:erence)?(?:\s*(?:no\b\.?|number|#))?[\s:#.]*([A-Za-z]{0,6}-?\d[A-Za-z0-9-]{3,30})`

	extDefaultModelKeyword = `(?i)(?:型号|型號|机型|機型|\bmodel(?:\s*(?:no\b\.?|number|#))?)` + extIDConnector +
		`([A-Za-z0-9][A-Za-z0-9/-]*[A-Za-z0-9](?:\s+(?:[A-Za-z]{0,3}\d[A-Za-z0-9/-]*|Pro|Max|Plus|Ultra|Mini|Lite|SE|Air)\b)*)`
	extDefaultModelCode = `\b[A-Za-z]{1,8}-?(?:[A-Za-z]{1,4})?\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*`

	extDefaultBatch = `(?i)(?:生产批次|生產批次|批次号|批次號|批次|批号|批號|` +
		`\bbatch(?:\s*(?:no\b\.?|number|code|#))?|\blot(?:\s*(?:no\b\.?|number|#))?)` + extIDConnector +
		`([A-Za-z0-9][A-Za-z0-9-]*)`
)

// DefaultExtractorConfig returns the built-in patterns for purchase proofs,
// product models and batch codes.
func DefaultExtractorConfig() ExtractorConfig {
	return ExtractorConfig{
		OrderPatterns: []string{extDefaultOrderStrong, extDefaultOrderWeak, extDefaultOrderRef},
		ModelPatterns: []string{extDefaultModelKeyword, extDefaultModelCode},
		BatchPatterns: []string{extDefaultBatch},
	}
}

// Extractor pulls case fields out of free customer text. It is immutable
// after NewExtractor and safe for concurrent use.
type Extractor struct {
	order, model, batch []*rx
	loc                 *time.Location
}

// NewExtractor compiles cfg; the error names the pattern that did not compile.
func NewExtractor(cfg ExtractorConfig) (*Extractor, error) {
	def := DefaultExtractorConfig()
	x := &Extractor{loc: cfg.Location}
	if x.loc == nil {
		x.loc = extDefaultLocation()
	}
	lists := []struct {
		name string
		pats []string
		def  []string
		dst  *[]*rx
	}{
		{"order_patterns", cfg.OrderPatterns, def.OrderPatterns, &x.order},
		{"model_patterns", cfg.ModelPatterns, def.ModelPatterns, &x.model},
		{"batch_patterns", cfg.BatchPatterns, def.BatchPatterns, &x.batch},
	}
	for _, l := range lists {
		pats := l.pats
		if len(pats) == 0 {
			pats = l.def
		}
		for i, p := range pats {
			re, err := compileRx(p)
			if err != nil {
				return nil, fmt.Errorf("dialog: %s[%d] %q: %w", l.name, i, p, err)
			}
			*l.dst = append(*l.dst, re)
		}
	}
	return x, nil
}

// extCand is a candidate value found at text[start:end].
type extCand struct {
	start, end int
	value      string
}

// Extract returns every field it can find in text, with normalized values;
// now anchors relative dates. The symptom is left to the dialog engine.
func (x *Extractor) Extract(text string, now time.Time) map[cases.FieldKey]string {
	out, _ := x.extract(text, now)
	return out
}

// extraction is what extract found besides the field values.
type extraction struct {
	// loose is the first past date that no cue tied to the purchase or to
	// the fault ("上个月初" on its own), as YYYY-MM-DD or YYYY-MM.
	loose string
	// purchaseYear is the year of the purchase when only the year is known
	// ("前年买的", "bought it in 2023", or a lone "去年"): no purchase_date
	// can be set, but the customer can be told what was understood. 0 when
	// unknown or when the message gives a purchase date.
	purchaseYear int
	// purchaseVague: the purchase was placed in time too loosely for a
	// month ("去年夏天买的", "a couple of months ago"), and no year either.
	purchaseVague bool
	// arrival is the day the product arrived or was unpacked.
	arrival string
	// masked is the text with every identifier and date blanked.
	masked string
}

func (x *Extractor) extract(text string, now time.Time) (map[cases.FieldKey]string, extraction) {
	var ex extraction
	out := map[cases.FieldKey]string{}
	work := extNormalize(extDropQuoted(text))

	// Identifiers are found first and blanked out of the working copy so later
	// patterns cannot read pieces of them (an 11-digit slice of an order
	// number as a phone, the user part of an address as a model).
	emails := extFindEmails(work)
	if c, ok := extPick(work, emails); ok {
		out[cases.FieldEmail] = c.value
	}
	work = extMaskAll(work, emails)

	phones := extFindPhones(work)
	if c, ok := extPick(work, phones); ok {
		out[cases.FieldPhone] = c.value
	}
	work = extMaskAll(work, phones)
	work = extMaskAll(work, extFindHotlines(work))

	proofs := x.findProofs(work)
	if c, ok := extPick(work, proofs); ok {
		out[cases.FieldPurchaseProof] = c.value
	}
	work = extMaskAll(work, proofs)

	batches := x.findBatches(work)
	if c, ok := extPick(work, batches); ok {
		out[cases.FieldBatch] = c.value
	}
	work = extMaskAll(work, batches)

	dates := dtFind(work, now, x.loc)
	n := now.In(x.loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, x.loc)
	roles := extDateRoles(work, dates)
	extRefineMonths(work, dates, roles)
	bare := dtBare(work, dates)
	installed := "" // the first date something was installed
	for i, d := range dates {
		if d.future(today) {
			continue // a purchase or a fault is never in the future
		}
		v := d.value()
		// The first date of a role wins, unless a later one corrects it
		// ("去年618买的 不对 是前年618").
		set := func(k cases.FieldKey) {
			// A day said after its month refines it ("6月底…小票上写的是6月27号").
			if old, taken := out[k]; !taken || extDateCorrects(work, d.start) || d.fest == "" && len(old) == len("2006-01") && len(v) > len(old) && strings.HasPrefix(v, old) {
				out[k] = v
			}
		}
		switch roles[i] {
		case extRolePurchase:
			if v != "" {
				set(cases.FieldPurchaseDate)
			} else if d.prec == dtYear && ex.purchaseYear == 0 {
				ex.purchaseYear = d.date.Year()
			} else if d.prec == dtVague {
				ex.purchaseVague = true
			}
		case extRoleFault:
			if v != "" && !d.few {
				set(cases.FieldOccurredAt)
			}
		case extRoleArrival:
			if v != "" && ex.arrival == "" {
				ex.arrival = v
			}
		case extRoleOther:
			if len(v) == len("2006-01") && installed == "" && extWhenInstalled.MatchString(work[d.end:]) {
				installed = v
			}
		case extRoleNone:
			// Only a date said on its own is loose: "今天" or "刚才" is a
			// deadline or a circumstance more often than a date, and so
			// is any date inside a longer message. A lone year ("前年")
			// most likely answers when it was bought.
			switch {
			case d.kind == dtNow || d.kind == dtClock || !bare:
			case v != "" && ex.loose == "":
				ex.loose = v
			case d.prec == dtYear && ex.purchaseYear == 0:
				ex.purchaseYear = d.date.Year()
			case d.prec == dtVague:
				ex.purchaseVague = true
			}
		}
	}
	if _, ok := out[cases.FieldPurchaseDate]; !ok && installed != "" && ex.purchaseYear == 0 && !ex.purchaseVague {
		// Installed goods are bought for the installation: the month of
		// "前年11月装的" with no purchase said dates the purchase, as an
		// agent takes it; an installation day ("昨天装好的") stays its own.
		out[cases.FieldPurchaseDate] = installed
	}
	if _, ok := out[cases.FieldPurchaseDate]; ok {
		ex.purchaseYear, ex.purchaseVague = 0, false
	}
	if ex.purchaseYear != 0 {
		ex.purchaseVague = false
	}
	for _, d := range dates {
		work = extMask(work, d.start, d.end)
	}

	if c, ok := extPick(work, x.findModels(work)); ok {
		out[cases.FieldProductModel] = c.value
	}
	if v := extFindName(extMaskPlaces(work)); v != "" && !extIsPlace(v) {
		out[cases.FieldCustomerName] = v
	}
	if v := extFindCompany(work); v != "" {
		out[cases.FieldCompany] = v
	}
	if v := extFindEnvironment(work); v != "" {
		out[cases.FieldEnvironment] = v
	}
	if v := extFindTried(work); v != "" {
		out[cases.FieldTried] = v
	}
	if d, ok := ParseDemand(work); ok {
		out[cases.FieldDemand] = string(d)
	}
	ex.masked = work
	return out, ex
}

// ---------------------------------------------------------------------------
// Text helpers.

// extMaskPlaces blanks a place written beside contact details, in
// brackets or after a comma at the end of a line ("0403 118 270 (Sydney)",
// "07400 123987, Bristol", "(Austin TX)"), so it is not read as a name.
func extMaskPlaces(s string) string {
	for _, re := range []*rx{extPlaceParen, extPlaceTail} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			if extIsPlace(s[m[2]:m[3]]) {
				s = extMask(s, m[2], m[3])
			}
		}
	}
	return s
}

var (
	extPlaceParen = mustRx(`[(（]([^()（）\n]{2,30})[)）]`)
	extPlaceTail  = mustRx(`(?m),\s*([A-Z][A-Za-z .]{1,25}?)\s*$`)
)

// extDropQuoted drops the header lines a mail reply or forward quotes
// ("On Wed, 14 Jan 2026 … wrote:", "Sent: Monday, …"): their dates are when
// mail was written, not when anything was bought or went wrong. The quoted
// text itself stays (it may hold the order number).
func extDropQuoted(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if extQuoteHeader.MatchString(strings.TrimLeft(t, "> ")) {
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "\n")
}

var extQuoteHeader = mustRx(`(?i)^(?:on .{4,80} wrote:$|(?:date|sent|发送时间|發送時間|时间|時間)\s*[:：]|.{0,60}於.{4,40}寫道[:：]$|.{0,60}于.{4,40}写道[:：]$)`)

// extNormalize folds full-width ASCII (１３８, ：, ＃) and typographic quotes to
// plain ASCII so every pattern can be written once.
func extNormalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000 || r == 0x00A0:
			b.WriteByte(' ')
		case r == '\u2018' || r == '\u2019':
			b.WriteByte('\'')
		case r == '\u201C' || r == '\u201D':
			b.WriteByte('"')
		case r == '\u200B' || r == '\uFEFF':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// extMask blanks text[start:end] with spaces of the same byte length, so
// offsets stay valid across masking.
func extMask(s string, start, end int) string {
	if start < 0 || end > len(s) || start >= end {
		return s
	}
	return s[:start] + strings.Repeat(" ", end-start) + s[end:]
}

func extMaskAll(s string, cs []extCand) string {
	for _, c := range cs {
		s = extMask(s, c.start, c.end)
	}
	return s
}

func extIsAlnum(b byte) bool {
	return extIsDigit(b) || (b|0x20 >= 'a' && b|0x20 <= 'z')
}

// extIsBoundary reports whether r ends a clause. A '.' counts only when a
// space or the end follows, so "2023.11.11" stays one clause.
func extIsBoundary(s string, i int, r rune) bool {
	switch r {
	case ',', '，', '。', ';', '；', '!', '！', '?', '？', '\n', '\r':
		return true
	case '.':
		next := i + 1
		return next >= len(s) || s[next] == ' ' || s[next] == '\n'
	}
	return false
}

// extClause returns the bounds of the clause around text[start:end].
func extClause(s string, start, end int) (int, int) {
	cs := start
	for cs > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:cs])
		if extIsBoundary(s, cs-size, r) {
			break
		}
		cs -= size
	}
	ce := end
	for ce < len(s) {
		r, size := utf8.DecodeRuneInString(s[ce:])
		if extIsBoundary(s, ce, r) {
			break
		}
		ce += size
	}
	return cs, ce
}

// extSubmatch returns the first capture group of a match (or the whole match)
// with its span.
func extSubmatch(s string, idx []int) (int, int) {
	if len(idx) >= 4 && idx[2] >= 0 {
		return idx[2], idx[3]
	}
	return idx[0], idx[1]
}

// ---------------------------------------------------------------------------
// Picking among candidates: customers correct themselves ("不是XQG100，是XQG80",
// "sorry, it's XQG80 not XQG100"), so the asserted value wins over the negated one.

var (
	extNegBefore = mustRx(`(?i)(?:不是|并非|並非|而非|not|isn't|wasn't|n't|instead of)\s*(?:型号|型號|号码|號碼|号|號|电话|電話|手机|手機|邮箱|郵箱|the|a|model|number)?\s*$`)
	extNegAfter  = mustRx(`(?i)^[\s,、]*(?:不对|不對|是错的|是錯的|错了|錯了|写错|寫錯|打错|打錯|搞错|搞錯|有误|有誤|作废|作廢|is wrong|was wrong|is incorrect|was incorrect|was a typo|is a typo|wrong)`)
	extCorrect   = mustRx(`(?i)(?:应该是|應該是|其实是|其實是|实际是|實際是|实际上是|實際上是|正确的是|正確的是|更正|改为|改為|改成|纠正|糾正|\bi mean\b|\bi meant\b|\bactually\b|\bshould be\b|\bcorrect one\b|\bcorrection\b)`)
)

// extPick chooses the candidate the customer asserts: the last one introduced
// by a correction phrase, else the first one not negated.
func extPick(s string, cs []extCand) (extCand, bool) {
	var firstOK, corrected *extCand
	for i := range cs {
		c := &cs[i]
		cs0, _ := extClause(s, c.start, c.end)
		before := s[cs0:c.start]
		if extNegBefore.MatchString(before) || extNegAfter.MatchString(s[c.end:]) {
			continue
		}
		if extCorrect.MatchString(before) {
			corrected = c
		}
		if firstOK == nil {
			firstOK = c
		}
	}
	switch {
	case corrected != nil:
		return *corrected, true
	case firstOK != nil:
		return *firstOK, true
	}
	return extCand{}, false
}
