package nlu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
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
		`\border\s*(?:no\.?|number|num|id|#)|\binvoice(?:\s*(?:no\.?|number|num|#))?|` +
		`发票号码|發票號碼|发票号|發票號|发票|發票|凭证号|憑證號|凭证编号|憑證編號|购买凭证|購買憑證|` +
		`\breceipt(?:\s*(?:no\.?|number|#))?)` + extIDConnector + `([A-Za-z0-9][A-Za-z0-9-]{2,39})`
	// A bare 订单/order is only trusted with a mostly numeric id, otherwise
	// "my order XQG100 broke" would turn a model into an order number.
	extDefaultOrderWeak = `(?i)(?:订单|訂單|\border)` + extIDConnector + `([A-Za-z]{0,4}\d{6,20})`

	extDefaultModelKeyword = `(?i)(?:型号|型號|机型|機型|\bmodel(?:\s*(?:no\.?|number|#))?)` + extIDConnector +
		`([A-Za-z0-9][A-Za-z0-9/-]*[A-Za-z0-9](?:\s+(?:[A-Za-z]{0,3}\d[A-Za-z0-9/-]*|Pro|Max|Plus|Ultra|Mini|Lite|SE|Air)\b)*)`
	extDefaultModelCode = `\b[A-Za-z]{1,8}-?(?:[A-Za-z]{1,4})?\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*`

	extDefaultBatch = `(?i)(?:生产批次|生產批次|批次号|批次號|批次|批号|批號|` +
		`\bbatch(?:\s*(?:no\.?|number|code|#))?|\blot(?:\s*(?:no\.?|number|#))?)` + extIDConnector +
		`([A-Za-z0-9][A-Za-z0-9-]*)`
)

// DefaultExtractorConfig returns the built-in patterns for purchase proofs,
// product models and batch codes.
func DefaultExtractorConfig() ExtractorConfig {
	return ExtractorConfig{
		OrderPatterns: []string{extDefaultOrderStrong, extDefaultOrderWeak},
		ModelPatterns: []string{extDefaultModelKeyword, extDefaultModelCode},
		BatchPatterns: []string{extDefaultBatch},
	}
}

// Extractor pulls case fields out of free customer text. It is immutable
// after NewExtractor and safe for concurrent use.
type Extractor struct {
	order, model, batch []*regexp.Regexp
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
		dst  *[]*regexp.Regexp
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
			re, err := regexp.Compile(p)
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
	// the fault ("上个月初" on its own), as YYYY-MM-DD.
	loose string
	// masked is the text with every identifier and date blanked.
	masked string
}

func (x *Extractor) extract(text string, now time.Time) (map[cases.FieldKey]string, extraction) {
	var ex extraction
	out := map[cases.FieldKey]string{}
	work := extNormalize(text)

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
	for i, d := range dates {
		if d.date.After(today) {
			continue // a purchase or a fault is never in the future
		}
		var key cases.FieldKey
		switch roles[i] {
		case extRolePurchase:
			key = cases.FieldPurchaseDate
		case extRoleFault:
			key = cases.FieldOccurredAt
		default:
			if ex.loose == "" {
				ex.loose = d.date.Format("2006-01-02")
			}
			continue
		}
		if _, taken := out[key]; !taken {
			out[key] = d.date.Format("2006-01-02")
		}
	}
	for _, d := range dates {
		work = extMask(work, d.start, d.end)
	}

	if c, ok := extPick(work, x.findModels(work)); ok {
		out[cases.FieldProductModel] = c.value
	}
	if v := extFindName(work); v != "" {
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
	extNegBefore = regexp.MustCompile(`(?i)(?:不是|并非|並非|而非|not|isn't|wasn't|n't|instead of)\s*(?:型号|型號|号码|號碼|号|號|电话|電話|手机|手機|邮箱|郵箱|the|a|model|number)?\s*$`)
	extNegAfter  = regexp.MustCompile(`(?i)^[\s,、]*(?:不对|不對|是错的|是錯的|错了|錯了|写错|寫錯|打错|打錯|搞错|搞錯|有误|有誤|作废|作廢|is wrong|was wrong|is incorrect|was incorrect|was a typo|is a typo|wrong)`)
	extCorrect   = regexp.MustCompile(`(?i)(?:应该是|應該是|其实是|其實是|实际是|實際是|实际上是|實際上是|正确的是|正確的是|更正|改为|改為|改成|纠正|糾正|\bi mean\b|\bi meant\b|\bactually\b|\bshould be\b|\bcorrect one\b|\bcorrection\b)`)
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

// ---------------------------------------------------------------------------
// Email and phone.

var (
	extEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// Mainland mobile, optionally with +86 / 0086 / (+86), grouped 3-4-4.
	extMobileRe = regexp.MustCompile(`(?:(?:\+|00)\s*86[\s-]*|\(\s*\+?\s*86\s*\)[\s-]*)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}`)
	// Taiwan mobile (09xx-xxx-xxx), for zh-TW customers.
	extTWMobileRe = regexp.MustCompile(`(?:(?:\+|00)\s*886[\s-]*9|09)\d{2}[\s-]?\d{3}[\s-]?\d{3}`)
	// Landline with area code; the digits are re-split by area code rules.
	extLandlineRe = regexp.MustCompile(`(?:(?:\+|00)86[\s-]?\(0\)\s*\d{2,3}|\(\s*0\d{1,3}\s*\)|0\d{1,3})[\s-]?\d{3,4}[\s-]?\d{4}`)
	// Service hotlines (400/800) are the company's, never the customer's.
	extHotlineRe = regexp.MustCompile(`[48]00[\s-]?\d{3}[\s-]?\d{4}`)
	// An id keyword right before a number makes it an order number, not a phone.
	extIDKeywordTail = regexp.MustCompile(`(?i)(?:订单|訂單|单号|單號|\border|\binvoice|发票|發票|凭证|憑證|批次|批号|批號|\bbatch|\blot)[^0-9]{0,8}$`)
)

func extFindEmails(s string) []extCand {
	var out []extCand
	for _, idx := range extEmailRe.FindAllStringIndex(s, -1) {
		v := strings.ToLower(strings.TrimRight(s[idx[0]:idx[1]], "."))
		out = append(out, extCand{idx[0], idx[1], v})
	}
	return out
}

func extDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if extIsDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// extPhoneEdges rejects matches glued to letters or digits: they are slices
// of order numbers or other codes.
func extPhoneEdges(s string, start, end int) bool {
	if start > 0 && (extIsAlnum(s[start-1]) || s[start-1] == '-' && start > 1 && extIsDigit(s[start-2])) {
		return false
	}
	if end < len(s) && (extIsAlnum(s[end]) || (s[end] == '-' && end+1 < len(s) && extIsDigit(s[end+1]))) {
		return false
	}
	return true
}

func extFindPhones(s string) []extCand {
	var out []extCand
	for _, idx := range extMobileRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], d[len(d)-11:]})
	}
	for _, idx := range extTWMobileRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) || extOverlaps(out, idx[0], idx[1]) {
			continue
		}
		d := extDigits(s[idx[0]:idx[1]])
		out = append(out, extCand{idx[0], idx[1], "0" + d[len(d)-9:]})
	}
	for _, idx := range extLandlineRe.FindAllStringIndex(s, -1) {
		if !extPhoneEdges(s, idx[0], idx[1]) || extIDKeywordTail.MatchString(s[:idx[0]]) || extOverlaps(out, idx[0], idx[1]) {
			continue
		}
		if v, ok := extLandline(s[idx[0]:idx[1]]); ok {
			out = append(out, extCand{idx[0], idx[1], v})
		}
	}
	extSortCands(out)
	return out
}

// extLandline splits area code and local number: 010 and 02x are three-digit
// area codes, all others four; local numbers have 7 or 8 digits.
func extLandline(raw string) (string, bool) {
	d := extDigits(raw)
	if strings.HasPrefix(d, "860") {
		d = d[2:] // +86 (0)21 …: the trunk 0 is written in brackets
	}
	first := ""
	if m := extFirstGroup.FindStringSubmatch(raw); m != nil {
		first = m[1]
	}
	if len(first) == 2 && first[0] == '0' && len(d) >= 9 && len(d) <= 10 {
		// A two-digit area code written apart (Taiwan: 02-2345-6789, 04-…).
		return d[:2] + "-" + d[2:], true
	}
	if len(d) < 10 || d[0] != '0' {
		return "", false
	}
	area := 4
	if d[1] == '1' || d[1] == '2' {
		area = 3
	}
	local := d[area:]
	if len(local) < 7 || len(local) > 8 {
		return "", false
	}
	return d[:area] + "-" + local, true
}

func extFindHotlines(s string) []extCand {
	var out []extCand
	for _, idx := range extHotlineRe.FindAllStringIndex(s, -1) {
		if extPhoneEdges(s, idx[0], idx[1]) {
			out = append(out, extCand{idx[0], idx[1], ""})
		}
	}
	return out
}

func extOverlaps(cs []extCand, start, end int) bool {
	for _, c := range cs {
		if start < c.end && c.start < end {
			return true
		}
	}
	return false
}

func extSortCands(cs []extCand) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].start < cs[j-1].start; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// ---------------------------------------------------------------------------
// Purchase proof, batch, model.

var (
	extShippingTail     = regexp.MustCompile(`(?i)(?:快递|快遞|物流|运|運|顺丰|順豐|tracking|shipping)\s*$`)
	extOrderMention     = regexp.MustCompile(`(?i)订单|訂單|单号|單號|\border|购买凭证|購買憑證`)
	extLongDigits       = regexp.MustCompile(`\d{12,20}`)
	extHasDigit         = regexp.MustCompile(`\d`)
	extHasLetter        = regexp.MustCompile(`[A-Za-z]`)
	extModelPrefixRe    = regexp.MustCompile(`^[A-Za-z]+`)
	extErrorCodeRe      = regexp.MustCompile(`^[A-Za-z]-?\d{1,3}$`)
	extModelKeywordTail = regexp.MustCompile(`(?i)(?:型号|型號|机型|機型|\bmodel)[^,;。!?]{0,8}$`)
)

// extModelStop lists letter prefixes that look like codes but are not models:
// interfaces, networks, units, priorities, OS names.
var extModelStop = map[string]bool{
	"usb": true, "wifi": true, "wlan": true, "app": true, "tv": true, "hdmi": true, "mp": true,
	"pm": true, "am": true, "co": true, "no": true, "ios": true, "android": true, "win": true,
	"windows": true, "covid": true, "sars": true, "tel": true, "fax": true, "ext": true, "room": true,
	"rm": true, "top": true, "vip": true, "day": true, "days": true, "week": true, "page": true,
	"step": true, "level": true, "gen": true, "ver": true, "version": true, "lte": true, "dc": true,
	"ac": true, "type": true, "jd": true, "tb": true, "order": true, "invoice": true, "batch": true,
	"lot": true, "ipv": true, "utf": true, "iso": true, "gb": true, "mb": true, "kb": true,
	"hz": true, "kw": true, "mm": true, "cm": true, "kg": true, "ml": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "may": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "err": true, "error": true, "code": true,
}

// extFindIDs runs id patterns and keeps captures that contain a digit.
func extFindIDs(s string, res []*regexp.Regexp, minLen int) []extCand {
	var out []extCand
	for _, re := range res {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/ ")
			if len(v) < minLen || !extHasDigit.MatchString(v) || extOverlaps(out, st, en) {
				continue
			}
			if extShippingTail.MatchString(s[:idx[0]]) {
				continue // a courier's tracking number is not a purchase proof
			}
			out = append(out, extCand{st, st + len(v), v})
		}
	}
	extSortCands(out)
	return out
}

func (x *Extractor) findProofs(s string) []extCand {
	out := extFindIDs(s, x.order, 4)
	if extOrderMention.MatchString(s) {
		for _, idx := range extLongDigits.FindAllStringIndex(s, -1) {
			if extPhoneEdges(s, idx[0], idx[1]) && !extOverlaps(out, idx[0], idx[1]) {
				out = append(out, extCand{idx[0], idx[1], s[idx[0]:idx[1]]})
			}
		}
		extSortCands(out)
	}
	return extCorrectedIDs(s, out)
}

func (x *Extractor) findBatches(s string) []extCand {
	return extCorrectedIDs(s, extFindIDs(s, x.batch, 2))
}

var extIDTokenRe = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9-]{3,39}`)

// extCorrectedIDs adds the id-shaped token that follows a negated candidate in
// the same sentence: "订单号不是JD111111，是JD222222" names the right one
// without repeating the keyword.
func extCorrectedIDs(s string, cs []extCand) []extCand {
	out := cs
	for _, c := range cs {
		cs0, _ := extClause(s, c.start, c.end)
		if !extNegBefore.MatchString(s[cs0:c.start]) {
			continue
		}
		rest := s[c.end:]
		if loc := extSentenceEnd.FindStringIndex(rest); loc != nil {
			rest = rest[:loc[0]]
		}
		for _, idx := range extIDTokenRe.FindAllStringIndex(rest, -1) {
			st, en := c.end+idx[0], c.end+idx[1]
			if (st > 0 && extIsAlnum(s[st-1])) || !extHasDigit.MatchString(s[st:en]) || extOverlaps(out, st, en) {
				continue
			}
			out = append(out, extCand{st, en, s[st:en]})
			break
		}
	}
	extSortCands(out)
	return out
}

func (x *Extractor) findModels(s string) []extCand {
	var out []extCand
	for _, re := range x.model {
		for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
			st, en := extSubmatch(s, idx)
			v := strings.Trim(s[st:en], "-/")
			en = st + len(v)
			if !extModelOK(s, st, en) || extOverlaps(out, st, en) {
				continue
			}
			out = append(out, extCand{st, en, v})
		}
	}
	extSortCands(out)
	return out
}

// extModelOK filters code-looking tokens that are not product models.
func extModelOK(s string, st, en int) bool {
	v := s[st:en]
	if !extHasDigit.MatchString(v) || !extHasLetter.MatchString(v) {
		return false
	}
	alnum := 0
	for i := 0; i < len(v); i++ {
		if extIsAlnum(v[i]) {
			alnum++
		}
	}
	// When the customer calls it the model ("型号E21", "model AC-220X") the
	// look-alike filters below do not apply.
	if extModelKeywordTail.MatchString(s[:st]) {
		return alnum >= 2
	}
	if alnum < 3 {
		return false // P1, A4, V2
	}
	if extModelStop[strings.ToLower(extModelPrefixRe.FindString(v))] {
		return false
	}
	// E21, F3: a single letter and a short number is a fault code on the display.
	if extErrorCodeRe.MatchString(v) {
		return false
	}
	// Glued to an address, a domain or a longer word: part of something else.
	if st > 0 && strings.ContainsRune("@._", rune(s[st-1])) {
		return false
	}
	if en < len(s) && strings.ContainsRune("@_", rune(s[en])) {
		return false
	}
	return true
}

// ---------------------------------------------------------------------------
// Date roles.

type extRole int

const (
	extRoleNone extRole = iota
	extRolePurchase
	extRoleFault
)

var (
	extPurchaseCue = regexp.MustCompile(`(?i)买|買|购入|購入|网购|網購|购买|購買|拍的|订的|訂的|采购|採購|购置|購置|入手|下单|下單|下的单|订购|訂購|到货|到貨|签收|簽收|收到货|收到貨|送货|送貨|送来|送來|安装的|安裝的|装的|裝的|\bbought\b|\bpurchased?\b|\bordered\b|\bbuy\b|\breceived\b|\bdelivered\b|\bgot it\b`)
	extFaultCue    = regexp.MustCompile(`(?i)开始|開始|坏|壞|出现|出現|发生|發生|不能|不会|不會|不了|不脱水|不脫水|不转|不轉|故障|漏水|漏电|漏電|停机|停機|异常|異常|报错|報錯|失灵|失靈|不工作|不亮|不制冷|不製冷|不加热|不加熱|没反应|沒反應|死机|死機|异响|異響|问题|問題|\bsince\b|\bstarted\b|\bstart\b|\bbroke\b|\bbroken\b|\bstopped\b|\bfailed\b|\bfails\b|\bbegan\b|\bhappened\b|not working|won't|\bwont\b|doesn't|does not|can't|cannot|\bleak|\berror\b|\bnoise\b|\bissue\b|\bproblem\b|\bquit\b|\bdied\b|闪退|閃退|重启|重啟|黑屏|花屏|卡死|以后|以後|之后|之後`)
	extSentenceEnd = regexp.MustCompile(`[。!?！？\n]|\.\s`)
)

// extDateRoles decides for each date whether it is when the product was
// bought or when the fault appeared, from the nearest cue word in its clause.
// A date with no cue in its clause borrows one from the sentence, then from
// the message, ignoring clauses that hold another date: their cues are taken.
func extDateRoles(s string, ms []dtMention) []extRole {
	roles := make([]extRole, len(ms))
	others := make([]string, len(ms)) // s with the clauses of other dates blanked
	for i, m := range ms {
		cs, ce := extClause(s, m.start, m.end)
		if roles[i] = extNearestCue(s, cs, ce, m.start, m.end); roles[i] != extRoleNone {
			continue
		}
		o := s
		for j, n := range ms {
			if j != i {
				a, b := extClause(s, n.start, n.end)
				o = extMask(o, a, b)
			}
		}
		others[i] = o
	}
	for i, m := range ms {
		if roles[i] != extRoleNone {
			continue
		}
		o := others[i]
		ss, se := 0, len(o)
		for _, idx := range extSentenceEnd.FindAllStringIndex(o, -1) {
			if idx[1] <= m.start {
				ss = idx[1]
			} else if idx[0] >= m.end {
				se = idx[0]
				break
			}
		}
		if roles[i] = extNearestCue(o, ss, se, m.start, m.end); roles[i] == extRoleNone {
			roles[i] = extNearestCue(o, 0, len(o), m.start, m.end)
		}
	}
	return roles
}

func extNearestCue(s string, lo, hi, start, end int) extRole {
	dist := func(re *regexp.Regexp) int {
		best := -1
		for _, idx := range re.FindAllStringIndex(s[lo:hi], -1) {
			a, b := idx[0]+lo, idx[1]+lo
			d := 0
			switch {
			case b <= start:
				d = utf8.RuneCountInString(s[b:start])
			case a >= end:
				d = utf8.RuneCountInString(s[end:a])
			}
			if best < 0 || d < best {
				best = d
			}
		}
		return best
	}
	p, f := dist(extPurchaseCue), dist(extFaultCue)
	switch {
	case p < 0 && f < 0:
		return extRoleNone
	case p < 0:
		return extRoleFault
	case f < 0:
		return extRolePurchase
	case p < f:
		return extRolePurchase
	}
	return extRoleFault
}

// ---------------------------------------------------------------------------
// Demand.

type extDemandWord struct {
	re     *regexp.Regexp
	demand cases.Demand
}

var extDemandWords = []extDemandWord{
	{regexp.MustCompile(`(?i)维修|維修|修理|修一下|修好|修修|来修|來修|帮我修|幫我修|帮忙修|幫忙修|上门|上門|报修|報修|派(?:个|個|一个|一個)?(?:人|师傅|師傅|技术员|技術員|工程师|工程師|维修)|(?:过来|過來|来|來)(?:看一下|看看|检查|檢查)|\brepair(?:s|ed)?\b|\bsend (?:someone|somebody|a tech|an engineer|a repair ?man|over someone|out someone)\b|\bcome (?:and|to) (?:fix|look at|check|repair)\b|\bfix\b|\bfixed\b|\bget it fixed\b|\bhave it fixed\b|\btechnician\b|\bservice visit\b`), cases.DemandRepair},
	{regexp.MustCompile(`(?i)退款|退钱|退錢|返钱|返錢|退费|退費|把钱退|把錢退|\brefund\b|\bmoney back\b`), cases.DemandRefund},
	{regexp.MustCompile(`(?i)退货|退貨|退掉|退回|退机|退機|(?:能|可以|要|想|申请|申請|给我|給我)退(?:货|貨|掉|回|机|機)?|\breturn\b|\bsend it back\b|\btake it back\b`), cases.DemandReturn},
	{regexp.MustCompile(`(?i)换货|換貨|换一台|換一台|换一个|換一個|换个新|換個新|换台新|換台新|换新|換新|更换|更換|调换|調換|\bexchange\b|\breplace\b|\breplacement\b|\bswap\b|\ba new one\b`), cases.DemandExchange},
	{regexp.MustCompile(`(?i)咨询|諮詢|咨詢|想问|想問|想了解|问一下|問一下|如何|(?:怎么|怎麼|怎样|怎樣)(?:用|使用|设置|設置|操作|安装|安裝|清洗|清理|调|調|连|連|选|選|弄|开|開|关|關|下载|下載|申请|申請|保养|保養)|\bhow do i\b|\bhow to\b|\bhow can i\b|\bhow should i\b|\bquestion\b|\bconsult(?:ation)?\b|\binquiry\b|\benquiry\b`), cases.DemandConsultation},
}

var (
	extDemandNegZh = regexp.MustCompile(`(?:不想|不要|不用|不需要|不打算|不必|别|別|不是要|不是想|无需|無需|不考虑|不考慮|不接受|而不是|不愿意|不願意|不愿|不願|不想要|没必要|沒必要|不)\s*(?:要|想|去|再|申请|申請|做|进行|進行|办理|辦理|给我|給我)?\s*$`)
	extDemandNegEn = regexp.MustCompile(`(?i)(?:don't want|do not want|dont want|don't need|do not need|no need|not interested in|rather than|instead of|\bnot|without)\s*(?:to\s+|for\s+)?(?:an?\s+|any\s+|it\s+)?(?:get\s+|have\s+)?(?:it\s+)?$`)
	extDemandPast  = regexp.MustCompile(`(?:已经|已經|已)\s*$`)
)

// ParseDemand maps zh-CN/zh-TW/en words to a demand. A demand word right after
// a negation ("不想维修", "don't want a refund") or a past-tense marker
// ("维修过") is not the demand; consultation words lose to any concrete demand
// ("请问怎么退货" is a return).
func ParseDemand(text string) (cases.Demand, bool) {
	s := extNormalize(text)
	type hit struct {
		pos int
		d   cases.Demand
	}
	var best, consult *hit
	for _, w := range extDemandWords {
		for _, idx := range w.re.FindAllStringIndex(s, -1) {
			cs, _ := extClause(s, idx[0], idx[1])
			before := s[cs:idx[0]]
			if extDemandNegZh.MatchString(before) || extDemandNegEn.MatchString(before) || extDemandPast.MatchString(before) {
				continue
			}
			rest := s[idx[1]:]
			if strings.HasPrefix(rest, "过") || strings.HasPrefix(rest, "過") {
				continue
			}
			// "想退" before 款/货 is the start of a more specific word.
			if r, _ := utf8.DecodeRuneInString(rest); strings.HasSuffix(s[idx[0]:idx[1]], "退") && strings.ContainsRune("款钱錢费費货貨回掉机機", r) {
				continue
			}
			h := &hit{idx[0], w.demand}
			if w.demand == cases.DemandConsultation {
				if consult == nil || h.pos < consult.pos {
					consult = h
				}
				continue
			}
			if best == nil || h.pos < best.pos {
				best = h
			}
		}
	}
	switch {
	case best != nil:
		return best.d, true
	case consult != nil:
		return consult.d, true
	}
	return "", false
}

// ---------------------------------------------------------------------------
// Customer name.

// extSurnames holds common Chinese surnames (simplified and traditional); a
// bare "我是XX" is only a name when it starts with one.
var extSurnames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺" {
		m[string(r)] = true
	}
	for _, s := range []string{"欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "令狐", "慕容", "公孙", "公孫", "司徒", "尉迟", "尉遲", "夏侯"} {
		m[s] = true
	}
	return m
}()

// extNotNames are words that follow 我是/我叫 but are roles or places.
var extNotNames = map[string]bool{
	"车主": true, "車主": true, "房东": true, "房東": true, "商家": true, "师傅": true, "師傅": true,
	"司机": true, "司機": true, "高手": true, "文员": true, "文員": true, "全职": true, "管理员": true,
	"管理員": true, "江苏": true, "江蘇": true, "江西": true, "安徽": true, "温州": true, "溫州": true,
	"常州": true, "金华": true, "金華": true, "武汉": true, "武漢": true, "成都": true, "宁波": true,
	"寧波": true, "宁夏": true, "寧夏": true, "苏州": true, "蘇州": true, "徐州": true, "吉林": true,
	"郑州": true, "鄭州": true, "沈阳": true, "瀋陽": true, "江门": true, "江門": true, "柳州": true,
	"桂林": true, "黄山": true, "黃山": true, "石家庄": true, "连云港": true, "龙岩": true, "洛阳": true,
	"安装工": true, "安裝工": true, "程序员": true, "程序員": true, "马上": true, "馬上": true,
	"方便": true, "何必": true, "万一": true, "萬一": true, "单身": true, "單身": true, "华为": true,
	"華為": true, "小米": true, "美的": true, "格力": true, "海尔": true, "海爾": true,
	"应该": true, "應該": true, "写错": true, "寫錯": true, "打错": true, "打錯": true, "不对": true,
	"不對": true, "更正": true, "改成": true, "其实": true, "其實": true,
}

var (
	extNameCallRe  = regexp.MustCompile(`(?:我叫|我的名字是|我的名字叫|我名字叫|名字叫|本人叫)\s*(\p{Han}{2,4})`)
	extNameIAmRe   = regexp.MustCompile(`我是\s*(\p{Han}{2,4})\s*(?:[,.;!?。、\s]|$)`)
	extNameLabelRe = regexp.MustCompile(`(?i)(?:姓名|名字|联系人|聯繫人|聯絡人|联络人|客户名|客戶名|称呼|稱呼)\s*(?:是|为|為|:)?\s*(\p{Han}{1,4}|[A-Za-z][A-Za-z .'-]{1,40})`)
	extNameFixRe   = regexp.MustCompile(`(?:名字|姓名|名)[^,;。]{0,6}(?:写错|寫錯|错了|錯了|不对|不對)[^,;。]{0,3}[,;]?\s*(?:是|应该是|應該是|叫)\s*(\p{Han}{2,4})`)
	extNameNotRe   = regexp.MustCompile(`不是(\p{Han}{2,4})[,;]\s*(?:是|而是)\s*(\p{Han}{2,4})\s*(?:[,.;!?。]|$)`)
	extNameTitleRe = regexp.MustCompile(`(\p{Han}{1,2})(先生|女士|小姐)`)
	extNameMyRe    = regexp.MustCompile(`(?i)\b(?:my name is|my name's|name's|name is|name\s*:)\s*([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,3})`)
	extNameIntroRe = regexp.MustCompile(`\b(?:[Tt]his is|I'm|I am|[Ii]t's)\s+([A-Z][a-zA-Z'-]+\b(?:\s+[A-Z][a-zA-Z'-]+\b){0,2})`)
	extNameMrRe    = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-zA-Z'-]+`)
	// A name ends where the next thing (phone, email, company…) starts.
	extNameTails = []string{"电话", "電話", "手机", "手機", "联系", "聯繫", "邮箱", "郵箱", "今年", "来自", "來自", "的", "是", "在", "住", "从", "從", "想", "要", "家", "我", "买", "買", "购", "購", "号", "號", "和", "跟", "了", "啊", "呀", "哈", "吧", "呢", "就", "即"}
)

// extEnNotName lists words that follow "I'm"/"this is" without being a name.
var extEnNotName = map[string]bool{
	"not": true, "very": true, "so": true, "really": true, "just": true, "calling": true, "writing": true,
	"here": true, "sorry": true, "happy": true, "unhappy": true, "angry": true, "upset": true, "trying": true,
	"from": true, "the": true, "a": true, "an": true, "in": true, "at": true, "still": true, "also": true,
	"using": true, "having": true, "looking": true, "contacting": true, "interested": true, "going": true,
	"getting": true, "unable": true, "afraid": true, "glad": true, "sure": true, "fine": true, "good": true,
	"ok": true, "okay": true, "done": true, "back": true, "your": true, "our": true, "my": true, "this": true,
	"that": true, "it": true, "is": true, "disappointed": true, "frustrated": true, "annoyed": true,
	"confused": true, "tired": true, "waiting": true, "following": true, "reaching": true, "emailing": true,
	"messaging": true, "wondering": true, "customer": true, "client": true, "user": true, "owner": true,
	"buyer": true, "new": true, "old": true, "regular": true, "hi": true, "hello": true, "dear": true,
	"and": true, "or": true, "but": true, "with": true, "for": true, "to": true, "of": true, "on": true,
	"phone": true, "email": true, "mobile": true, "tel": true, "number": true, "model": true, "order": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true,
	"sunday": true, "thanks": true, "thank": true, "please": true, "urgent": true, "broken": true,
	"english": true, "chinese": true, "about": true, "i": true, "we": true, "you": true, "he": true, "she": true,
	"worried": true, "concerned": true, "extremely": true, "quite": true, "pretty": true, "totally": true,
	"mad": true, "furious": true, "sad": true, "done.": true, "available": true, "sending": true,
}

func extCutNameTail(name string) string {
	rs := []rune(name)
	for i := 2; i < len(rs); i++ {
		rest := string(rs[i:])
		for _, t := range extNameTails {
			if strings.HasPrefix(rest, t) {
				return string(rs[:i])
			}
		}
	}
	return name
}

func extHasSurname(name string) bool {
	rs := []rune(name)
	if len(rs) >= 3 && extSurnames[string(rs[:2])] {
		return true
	}
	return len(rs) >= 1 && extSurnames[string(rs[0])]
}

// extEnName keeps the leading capitalised words that are not stop words.
func extEnName(words []string, needCap bool) string {
	var keep []string
	for _, w := range words {
		if extIsCompanySuffix(w) {
			return "" // "This is Acme Corp" introduces a company
		}
	}
	for _, w := range words {
		if extEnNotName[strings.ToLower(w)] || extIsCompanySuffix(w) {
			break
		}
		if needCap && !unicode.IsUpper([]rune(w)[0]) {
			break
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 {
		return ""
	}
	for i, w := range keep {
		keep[i] = extCapitalize(w)
	}
	return strings.Join(keep, " ")
}

// extFirstGroup is the first digit group of a landline as written.
var extFirstGroup = regexp.MustCompile(`^(?:\+?0{0,2}86[\s-]?\(0\)\s*)?\D*(\d+)`)

// extModelLead is the talk before a model answer: "it's a DW-60M2", "好像是…".
var extModelLead = regexp.MustCompile(`(?i)^(?:(?:i think|i believe|maybe|probably)\s+)?(?:it'?s|it is|its|that'?s|this is|the model is|model is|model number is|model no\.? is|the number is)\s+(?:an?\s+|the\s+)?|^(?:好像是|应该是|應該是|大概是|可能是|我看了一?下[,，]?是?|上面写的?是|上面寫的?是|上面写着|上面寫著|铭牌上写的?是|銘牌上寫的?是|就是)\s*`)

var extModelAnswerRe = regexp.MustCompile(`(?i)^(?:型号|型號|model|是|is|:|\s)*([A-Za-z0-9][A-Za-z0-9 ._/+()-]{1,39})$`)

// extNameSurnameRe reads "我姓罗，罗志勇" / "我姓罗叫罗志勇": the full name repeats the surname.
// extSurnameOnlyRe reads the polite "免贵姓张" / "我姓张" / "敝姓張".
var extSurnameOnlyRe = regexp.MustCompile(`(?:免贵|免貴|敝|我|本人)\s*姓\s*(\p{Han}{1,2}?)(?:[^\p{Han}]|$|叫|名|的|先生|女士|小姐|，|。)`)

var extNameSurnameRe = regexp.MustCompile(`我姓(\p{Han})[^\p{Han}]{0,3}(?:叫|名叫|全名)?\s*(\p{Han}{2,3})`)

func extFindName(s string) string {
	if m := extNameSurnameRe.FindStringSubmatch(s); m != nil && strings.HasPrefix(m[2], m[1]) {
		return extCutNameTail(m[2])
	}
	if m := extSurnameOnlyRe.FindStringSubmatch(s); m != nil && extSurnames[m[1]] {
		// "免贵姓张": the surname is all the customer offers; with a title
		// right after it ("姓张，张先生") the title form is kept.
		if t := extNameTitleRe.FindStringSubmatch(s[len(m[0]):]); t != nil && strings.HasSuffix(t[1], m[1]) {
			return m[1] + t[2]
		}
		return m[1]
	}
	if m := extNameFixRe.FindStringSubmatch(s); m != nil {
		if n := extCutNameTail(m[1]); !extNotNames[n] {
			return n
		}
	}
	if m := extNameNotRe.FindStringSubmatch(s); m != nil && extHasSurname(m[1]) && extHasSurname(m[2]) {
		return m[2]
	}
	if m := extNameLabelRe.FindStringSubmatch(s); m != nil {
		v := strings.TrimSpace(m[1])
		if utf8.RuneCountInString(v) > 0 && unicode.Is(unicode.Han, []rune(v)[0]) {
			// "名字写错了" is not a name: without a colon, only surname-led words.
			if n := extCutNameTail(v); !extNotNames[n] && (extHasSurname(n) || strings.Contains(m[0], ":")) {
				return n
			}
		} else if n := extEnName(strings.Fields(v), false); n != "" {
			return n
		}
	}
	if m := extNameCallRe.FindStringSubmatch(s); m != nil {
		if n := extCutNameTail(m[1]); !extNotNames[n] && !strings.ContainsAny(n[:3], "了过過你他她它") {
			return n
		}
	}
	if m := extNameIAmRe.FindStringSubmatch(s); m != nil {
		// Only short, surname-led words: "我是你们的老客户" is not a name.
		n := m[1]
		if (utf8.RuneCountInString(n) <= 3 || extSurnames[string([]rune(n)[:2])]) && extHasSurname(n) && !extNotNames[n] && !strings.ContainsAny(n, "的人们們") {
			return n
		}
	}
	for _, idx := range extNameTitleRe.FindAllStringSubmatchIndex(s, -1) {
		sur := s[idx[2]:idx[3]]
		if !extSurnames[sur] {
			// Two Han before 先生: keep only the last one when it is a surname.
			rs := []rune(sur)
			sur = string(rs[len(rs)-1])
			if !extSurnames[sur] {
				continue
			}
		}
		return sur + s[idx[4]:idx[5]]
	}
	if m := extNameMyRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), false); n != "" {
			return n
		}
	}
	for _, m := range extNameIntroRe.FindAllStringSubmatch(s, -1) {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	if m := extNameMrRe.FindString(s); m != "" {
		return m
	}
	if m := extSignOffRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	// A role before a name: "manager Mike Chen", "店长李娜".
	if m := extNameRoleEnRe.FindStringSubmatch(s); m != nil {
		if n := extEnName(strings.Fields(m[1]), true); n != "" {
			return n
		}
	}
	if m := extNameRoleZhRe.FindStringSubmatch(s); m != nil && extHasSurname(m[1]) && !extNotNames[m[1]] {
		return m[1]
	}
	return ""
}

var (
	extNameRoleEnRe = regexp.MustCompile(`\b(?i:store manager|general manager|manager|owner|director|supervisor|head chef|contact person|contact)[:\s]+([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})`)
	extNameRoleZhRe = regexp.MustCompile(`(?:店长|店長|经理|經理|老板|老闆|负责人|負責人|主管|厂长|廠長)(?:是|叫)?\s*(\p{Han}{2,3})`)
)

var (
	extCoVenueEnRe = regexp.MustCompile(`\b((?:[A-Z][\w&'.-]*\s+){1,4}(?:Restaurant|Hotel|Cafe|Café|Store|Shop|Clinic|Hospital|Factory|Bakery|Bar|Supermarket|Market|School|Gym|Salon|Studio|Pharmacy|Canteen|Diner))\b`)
	extCoVenueZhRe = regexp.MustCompile(`(?:我们是|我們是|我是|这里是|這裡是|来自|來自)\s*([\p{Han}A-Za-z0-9]{2,12}?(?:分店|店|餐厅|餐廳|饭店|飯店|酒店|超市|医院|醫院|学校|學校|诊所|診所|药店|藥店|食堂))`)
)

// extSignOffRe reads the name under an email's sign-off ("Thanks,\nLaura Chen").
var extSignOffRe = regexp.MustCompile(`(?:^|[\n.!,;]\s*)(?i:many thanks|thanks again|thanks|thank you|best regards|kind regards|warm regards|regards|best wishes|best|cheers|sincerely|yours sincerely|yours truly|yours)[\s,.!]*[-–—~]*\s*([A-Z][a-zA-Z'-]+(?:[ \t]+[A-Z][a-zA-Z'-]+){0,2})[\s.!]*$`)

// ---------------------------------------------------------------------------
// Company.

var (
	extCoSuffixRe = regexp.MustCompile(`股份有限公司|有限责任公司|有限責任公司|有限公司|集团|集團|公司|工厂|工廠`)
	extCoLeadRe   = regexp.MustCompile(`(?:我们是|我們是|我司是|我司|我们公司是|我們公司是|我们单位是|我們單位是|我们公司叫|我們公司叫|来自|來自|公司名称是|公司名稱是|企业名称是|企業名稱是|单位是|單位是)\s*:?\s*([\p{Han}A-Za-z0-9()]{1,30}?(?:科技|实业|實業|电子|電子|电器|電器|贸易|貿易|集团|集團|酒店|医院|醫院|学校|學校|餐厅|餐廳|商行|商贸|商貿|物业|物業|中心|工作室|门店|門店|超市|制造|製造|工程|建设|建設|设备|設備|机械|機械|控股|网络|網絡|传媒|傳媒|服务|服務|研究所|大学|大學))`)
	extCoLabelRe  = regexp.MustCompile(`(?i)(?:公司名称|公司名稱|企业名称|企業名稱|单位名称|單位名稱|\bcompany(?:\s+name)?)\s*:\s*([^,;。!?\n]{2,60})`)
	extCoEnRe     = regexp.MustCompile(`((?:[A-Z][A-Za-z0-9&'-]*\s+){0,4}[A-Z][A-Za-z0-9&'-]*),?\s+(Co\.?,?\s*Ltd\.?|Co\.?,?\s*Limited|Corporation|Corp\.?|Incorporated|Inc\.?|Ltd\.?|LLC|GmbH|Limited|Company|Group|PLC|AG|Pty\.?\s*Ltd\.?|Technologies|Electronics|Co\.)`)
	extCoWorkRe   = regexp.MustCompile(`\b(?:work|working|I'm|I am)\s+(?:at|for|with)\s+([A-Z][A-Za-z0-9&'-]*(?:\s+[A-Z][A-Za-z0-9&'-]*){0,3})`)
	// Characters that end a company name when reading backwards from 公司.
	extCoStopRunes = "是在的们們我你他她给給找从從向对對帮幫让讓这這那贵貴该該此家个個买買到被把由和跟叫为為于於本去来來全整"
	extCoNotNames  = map[string]bool{"快递": true, "快遞": true, "物流": true, "保险": true, "保險": true,
		"电力": true, "電力": true, "供电": true, "供電": true, "燃气": true, "燃氣": true, "自来水": true,
		"自來水": true, "售后": true, "售後": true, "分": true, "总": true, "總": true, "子": true, "母": true,
		"上市": true, "大": true, "小": true, "新": true, "老": true, "原": true, "合作": true, "外包": true}
	extEnCoLead = map[string]bool{"I": true, "The": true, "My": true, "Our": true, "Your": true, "This": true,
		"Hi": true, "Hello": true, "Dear": true, "From": true, "At": true, "For": true, "With": true, "We": true,
		"A": true, "An": true, "Thanks": true, "Regards": true}
)

func extIsCompanySuffix(w string) bool {
	switch strings.TrimRight(strings.ToLower(w), ".,") {
	case "co", "corp", "corporation", "inc", "incorporated", "ltd", "llc", "gmbh", "limited", "company", "group", "plc":
		return true
	}
	return false
}

func extFindCompany(s string) string {
	type found struct {
		start, end int
		v          string
	}
	var best *found
	consider := func(st, en int, v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		if best == nil || st < best.start || (st == best.start && en > best.end) {
			best = &found{st, en, v}
		}
	}
	for _, idx := range extCoSuffixRe.FindAllStringIndex(s, -1) {
		st := idx[0]
		for n := 0; st > 0 && n < 30; n++ {
			r, size := utf8.DecodeLastRuneInString(s[:st])
			if !(unicode.Is(unicode.Han, r) || (r < 128 && extIsAlnum(byte(r))) || strings.ContainsRune("()&", r)) ||
				strings.ContainsRune(extCoStopRunes, r) {
				break
			}
			st -= size
		}
		prefix := s[st:idx[0]]
		if utf8.RuneCountInString(prefix) < 2 || extCoNotNames[prefix] {
			continue
		}
		consider(st, idx[1], s[st:idx[1]])
	}
	for _, idx := range extCoLeadRe.FindAllStringSubmatchIndex(s, -1) {
		consider(idx[2], idx[3], s[idx[2]:idx[3]])
	}
	for _, idx := range extCoLabelRe.FindAllStringSubmatchIndex(s, -1) {
		consider(idx[2], idx[3], s[idx[2]:idx[3]])
	}
	for _, idx := range extCoEnRe.FindAllStringSubmatchIndex(s, -1) {
		words := strings.Fields(s[idx[2]:idx[3]])
		for len(words) > 0 && extEnCoLead[words[0]] {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		st := idx[3] - len(strings.Join(words, " "))
		consider(st, idx[1], s[st:idx[1]])
	}
	if best == nil {
		if m := extCoWorkRe.FindStringSubmatchIndex(s); m != nil {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	// Businesses that are not companies by name: "Golden Dragon Restaurant",
	// "我们是海底捞王府井店". Only when nothing better was found, because
	// "在XX门店买的" names the seller, not the customer.
	if best == nil {
		if m := extCoVenueEnRe.FindStringSubmatchIndex(s); m != nil && !extPurchaseCue.MatchString(s) {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	if best == nil {
		if m := extCoVenueZhRe.FindStringSubmatchIndex(s); m != nil {
			consider(m[2], m[3], s[m[2]:m[3]])
		}
	}
	if best == nil {
		return ""
	}
	return best.v
}

// ---------------------------------------------------------------------------
// Environment and what was tried.

var (
	extEnvZhRe = regexp.MustCompile(`(?:放在|装在|裝在|安装在|安裝在|用在|摆在|擺在|在)?(浴室|卫生间|衛生間|洗手间|洗手間|厨房|廚房|户外|戶外|室外|露天|工厂车间|工廠車間|车间|車間|生产线|生產線|工地|仓库|倉庫|阳台|陽台|地下室|海边|海邊|机房|機房|办公室|辦公室|车上|車上|船上|潮湿|潮濕|高温|高溫|低温|低溫|零下|粉尘|粉塵|油烟大|油煙大|油烟重|油煙重|灰尘大|灰塵大|灰尘多|灰塵多|多尘|多塵|淋雨|雨天|暴晒|暴曬|曝晒|曝曬|寒冷|湿度大|濕度大|温度高|溫度高|温度低|溫度低|工厂|工廠)(?:里|裡|中|内|內|上)?`)
	extEnvEnRe = regexp.MustCompile(`(?i)\b(?:(?:used|using|use|kept|keep|installed|placed|stored|it's|is|it is|sits)\s+)?(?:outdoors|outdoor|(?:outside)\s+(?:the\s+)?(?:house|home|building)|in (?:the |a |my |our )?(?:bathroom|kitchen|basement|garage|balcony|warehouse|workshop|factory|office|car|yard|garden|shower|laundry room|server room)|(?:very |quite |really |pretty |a )?(?:humid|damp|dusty)(?: environment| conditions| area| room| climate| place)?|high humidity|humidity|high temperatures?|low temperatures?|freezing temperatures?|below freezing|by the sea|near the sea|coastal|salty air|in the rain|under the sun|direct sunlight)\b`)
	// Washing programmes are features, not surroundings.
	extEnvNotAfter = regexp.MustCompile(`^(?:洗|模式|档|檔|消毒|烘|杀菌|殺菌|功能)`)

	extTriedRe     = regexp.MustCompile(`(?i)重启|重啟|重新启动|重新啟動|重开机|重開機|断电|斷電|拔插|插拔|拔掉电源|拔掉電源|拔了电源|拔了電源|拔电源|拔電源|恢复出厂|恢復出廠|出厂设置|出廠設置|复位|復位|重置|重装|重裝|清洗|清理过|清理過|换了?个?插座|換了?個?插座|换了?个?电池|換了?個?電池|试了|試了|试过|試過|尝试了|嘗試了|调过|調過|升级|升級|刷机|刷機|检查了|檢查了|查看了|关机再开|關機再開|重新插|重新连接|重新連接|重新配网|重新配網|\btried\b|\brestarted\b|\brestarting\b|\brestart\b|\brebooted\b|\brebooting\b|\breboot\b|\breset\b|\bresetting\b|\bunplugged\b|\bunplugging\b|\bplugged it back\b|\bpower[- ]cycled\b|\bpower[- ]cycling\b|\bcleaned\b|\breinstalled\b|\bupdated\b|\bchecked\b|\breplaced the\b`)
	extTriedAuto   = regexp.MustCompile(`(?i)突然|忽然|用着用着|用著用著|\bsuddenly\b|以后|以後|之后|之後|后就|後就|完就|\bafter\b|\bsince\b|自动|自動|自己|一直|老是|总是|總是|反复|反復|频繁|頻繁|不停|经常|經常|动不动|動不動|\bkeeps\b|\bkeep\b|\brandomly\b|by itself|by themselves|themselves|on its own|on their own|\bconstantly\b|\brepeatedly\b|tried to (?:call|contact|reach|email)`)
	extTriedNeg    = regexp.MustCompile(`(?i)没|沒|未|别|別|不想|不敢|haven't|have not|hasn't|has not|isn't|wasn't|won't|didn't|did not|not yet|\bnever\b|don't|do not`)
	extTriedAsk    = regexp.MustCompile(`(?i)吗|嗎|要不要|需不需要|需要|怎么|怎麼|如何|\bhow\b|\bshould i\b|\bcan i\b|\bdo i need\b|\bshall i\b`)
	extTriedCut    = regexp.MustCompile(`(?i)但是|但|可是|还是|還是|也不|也没|也沒|都不|都没|都沒|仍然|依然|不过|不過|\s+but\b|\s+still\b|\s+and it\b`)
	extTriedLeadZh = regexp.MustCompile(`^(?:我们|我們|我|也|还|還|又)+`)
)

// extJoin joins distinct phrases, with the separator matching the script.
func extJoin(parts []string) string {
	ascii := true
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if p[i] >= 0x80 {
				ascii = false
			}
		}
	}
	if ascii {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts, "；")
}

func extAppendUnique(parts []string, v string) []string {
	for _, p := range parts {
		if strings.Contains(p, v) {
			return parts
		}
	}
	return append(parts, v)
}

func extFindEnvironment(s string) string {
	var parts []string
	for _, idx := range extEnvZhRe.FindAllStringSubmatchIndex(s, -1) {
		kw := s[idx[2]:idx[3]]
		if extEnvNotAfter.MatchString(s[idx[3]:]) {
			continue
		}
		if (kw == "工厂" || kw == "工廠") && idx[2] == idx[0] {
			continue // a bare 工厂 is usually part of a company name
		}
		parts = extAppendUnique(parts, s[idx[0]:idx[1]])
	}
	for _, m := range extEnvEnRe.FindAllString(s, -1) {
		parts = extAppendUnique(parts, strings.TrimSpace(m))
	}
	return extJoin(parts)
}

// extTriedSegment narrows a clause of Chinese text to the space-separated
// run holding the match: customers who skip punctuation separate thoughts
// with spaces ("一开机就蓝屏 然后自动重启 已经重装过系统了"). near is the
// text just before the run, so "一直 重启" still reads as automatic.
func extTriedSegment(s string, cs, ce, ms, me int) (int, int, string) {
	if !extHasHan(s[cs:ce]) || !extHasHan(s[ms:me]) {
		return cs, ce, ""
	}
	st := ms
	for st > cs && !(s[st-1] == ' ' || s[st-1] == '\t') {
		st--
	}
	en := me
	for en < ce && !(s[en] == ' ' || s[en] == '\t') {
		en++
	}
	before := []rune(strings.TrimRight(s[cs:st], " \t"))
	if len(before) > 2 {
		before = before[len(before)-2:]
	}
	return st, en, string(before)
}

func extHasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func extFindTried(s string) string {
	var parts []string
	lastEnd := -1
	for _, idx := range extTriedRe.FindAllStringIndex(s, -1) {
		cs, ce := extClause(s, idx[0], idx[1])
		if cs < lastEnd {
			continue // one phrase per clause
		}
		question := ce < len(s) && (s[ce] == '?' || strings.HasPrefix(s[ce:], "？"))
		cs, ce, near := extTriedSegment(s, cs, ce, idx[0], idx[1])
		clause := s[cs:ce]
		if extTriedAuto.MatchString(near+clause) || extTriedNeg.MatchString(s[cs:idx[0]]) ||
			extTriedAsk.MatchString(clause) || question {
			continue
		}
		v := clause
		if loc := extTriedCut.FindStringIndex(s[idx[1]:ce]); loc != nil {
			v = s[cs : idx[1]+loc[0]]
		}
		v = strings.TrimSpace(v)
		if loc := extTriedCut.FindStringIndex(v); loc != nil && loc[0] == 0 {
			v = strings.TrimSpace(v[loc[1]:]) // "但我重启过" keeps the action
		}
		v = strings.TrimSpace(extTriedLeadZh.ReplaceAllString(v, ""))
		v = strings.Join(strings.Fields(v), " ") // masked dates leave runs of spaces
		if v != "" {
			parts = extAppendUnique(parts, v)
			lastEnd = ce
		}
	}
	return extJoin(parts)
}

// ---------------------------------------------------------------------------
// Answers to a specific question.

var (
	extUnknownRe = regexp.MustCompile(`(?i)不知道|不清楚|不记得|不記得|记不清|記不清|记不得|記不得|忘了|忘记|忘記|不确定|不確定|不晓得|不曉得|找不到|没有|沒有|没留|沒留|不知|\bunknown\b|not sure|don't know|dont know|do not know|no idea|\bidk\b|\bn/?a\b|don't remember|can't remember|cannot remember|\bforgot|not available|\bnone\b`)
	extNoneRe    = regexp.MustCompile(`(?i)^(?:没有|沒有|没|沒|无|無|都没有|都沒有|none|nothing|no|nope|not yet|还没|還沒)$|没试|沒試|没有试|沒有試|没做|沒做|什么都没|什麼都沒|haven't tried|have not tried|didn't try|did not try|not tried|haven't done|nothing yet|not yet`)
	extNameStrip = regexp.MustCompile(`(?i)^(?:我叫|我是|我的名字是|我的名字叫|名字是|名字叫|姓名是?|姓名:|叫我|称呼我|稱呼我|本人|my name is|my name's|i'm|i am|this is|name:|it's)\s*`)
	extHanName   = regexp.MustCompile(`^\p{Han}{1,4}(?:先生|女士|小姐)?$`)
	extEnNameRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z.'-]*(?:\s+[A-Za-z][A-Za-z.'-]*){0,3}$`)
	extBareIDRe  = regexp.MustCompile(`^(?:是|就是)?[#:\s]*([A-Za-z0-9][A-Za-z0-9/._-]{0,39})[\s.。吧啊呀哦呢的了嘛]*$`)
	// Refusals and negations are not names ("不想说", "保密").
	extRefuseRe  = regexp.MustCompile(`^[不没沒无無别別]|保密|不方便|算了|匿名`)
	extNotAnswer = map[string]bool{"好的": true, "好": true, "你好": true, "您好": true, "是的": true, "对": true,
		"對": true, "嗯": true, "ok": true, "okay": true, "yes": true, "no": true, "hello": true, "hi": true,
		"谢谢": true, "謝謝": true, "thanks": true, "什么": true, "什麼": true, "为什么": true, "為什麼": true}
	extCoStrip = regexp.MustCompile(`(?i)^(?:我们是|我們是|我司是|公司是|公司叫|我们公司叫|我們公司叫|我们公司是|我們公司是|我在|来自|來自|from|i work at|i work for)\s*`)
	extOtherRe = regexp.MustCompile(`(?i)^(?:其他|其它|别的|別的|other|others|something else)`)
	extNoCoRe  = regexp.MustCompile(`(?i)^(?:个人|個人|个人用户|個人用戶|私人|家用|没有|沒有|无|無|none|n/?a|personal|individual|private)$|不是公司|不是企业|不是企業|非企业|非企業|个人购买|個人購買|not a company|personal use`)
	// One-character demand answers to a choice question.
	extDemandShort = map[string]cases.Demand{"修": cases.DemandRepair, "退": cases.DemandReturn,
		"换": cases.DemandExchange, "換": cases.DemandExchange, "问": cases.DemandConsultation, "問": cases.DemandConsultation}
)

// extTrimAnswer strips surrounding space and closing punctuation.
func extTrimAnswer(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ".。!！~～,，"))
}

// ParseFieldAnswer interprets text as the answer to a question about field.
// It is more lenient than Extract: a bare "张三" answers customer_name, "不知道"
// answers batch, purchase_proof, occurred_at, environment and tried with
// cases.Unknown, and "没有"/"none" answers tried with "none". On an invalid
// answer ok is false and hint is a template hint key ("phone.invalid",
// "email.invalid", "date.invalid", "demand.invalid", or "generic").
func (x *Extractor) ParseFieldAnswer(field cases.FieldKey, text string, now time.Time) (value string, ok bool, hint string) {
	s := extTrimAnswer(extNormalize(text))
	lower := strings.ToLower(s)
	if s == "" {
		switch field {
		case cases.FieldPhone:
			return "", false, "phone.invalid"
		case cases.FieldEmail:
			return "", false, "email.invalid"
		case cases.FieldPurchaseDate, cases.FieldOccurredAt:
			return "", false, "date.invalid"
		case cases.FieldDemand:
			return "", false, "demand.invalid"
		}
		return "", false, "generic"
	}
	unknown := extUnknownRe.MatchString(s)
	switch field {
	case cases.FieldCustomerName:
		if v, ok, hint := extAnswerName(s); ok || !extHasContact(s) && len(x.findModels(s)) == 0 {
			return v, ok, hint
		}
		// "孙丽 15900001234", "JOHN SMITH 13900001111", "赵敏 手机号:+86-186…",
		// "何平 15012345678 型号TO-32L", "XX门店 店长 赵刚 电话 010-…": the
		// name is what is left once contact details and codes are taken out.
		if v := x.nameBesideDetails(s); v != "" {
			return v, true, ""
		}
		return "", false, "generic"

	case cases.FieldCompany:
		if extNoCoRe.MatchString(s) {
			return "none", true, ""
		}
		if v := extFindCompany(s); v != "" {
			return v, true, ""
		}
		v := strings.TrimSpace(extCoStrip.ReplaceAllString(s, ""))
		if n := utf8.RuneCountInString(v); n < 2 || n > 60 || extNotAnswer[strings.ToLower(v)] || extDigits(v) == v || unknown {
			return "", false, "generic"
		}
		return v, true, ""

	case cases.FieldPhone:
		if ps := extFindPhones(s); len(ps) > 0 {
			if c, ok := extPick(s, ps); ok {
				return c.value, true, ""
			}
		}
		return "", false, "phone.invalid"

	case cases.FieldEmail:
		if es := extFindEmails(s); len(es) > 0 {
			if c, ok := extPick(s, es); ok {
				return c.value, true, ""
			}
		}
		return "", false, "email.invalid"

	case cases.FieldPurchaseProof:
		if c, ok := extPick(s, x.findProofs(s)); ok {
			return c.value, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && extHasDigit.MatchString(m[1]) && len(m[1]) >= 4 {
			return m[1], true, ""
		}
		return "", false, "generic"

	case cases.FieldProductModel:
		// Asked for the model, a bare code with words in it ("HP-N30 Pro")
		// is the answer as written.
		if m := extModelAnswerRe.FindStringSubmatch(extModelLead.ReplaceAllString(strings.TrimSpace(s), "")); m != nil && extHasDigit.MatchString(m[1]) && !unknown {
			return strings.TrimSpace(m[1]), true, ""
		}
		if c, ok := extPick(s, x.findModels(s)); ok {
			return c.value, true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && !unknown && !extNotAnswer[strings.ToLower(m[1])] &&
			(extHasDigit.MatchString(m[1]) || (len(m[1]) >= 2 && strings.ToUpper(m[1]) == m[1])) {
			return m[1], true, ""
		}
		return "", false, "generic"

	case cases.FieldBatch:
		if c, ok := extPick(s, x.findBatches(s)); ok {
			return c.value, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if m := extBareIDRe.FindStringSubmatch(s); m != nil && extHasDigit.MatchString(m[1]) {
			return m[1], true, ""
		}
		return "", false, "generic"

	case cases.FieldPurchaseDate, cases.FieldOccurredAt:
		ms := dtFind(s, now, x.loc)
		if len(ms) == 0 {
			// A purchase date is often forgotten; the proof of purchase settles it later.
			if unknown {
				return cases.Unknown, true, ""
			}
			return "", false, "date.invalid"
		}
		n := now.In(x.loc)
		today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, x.loc)
		if ms[0].date.After(today) {
			return "", false, "date.invalid" // neither a purchase nor a fault lies ahead
		}
		return ms[0].date.Format("2006-01-02"), true, ""

	case cases.FieldEnvironment:
		if v := extFindEnvironment(s); v != "" {
			return v, true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldTried:
		if v := extFindTried(s); v != "" {
			return v, true, ""
		}
		if extNoneRe.MatchString(lower) {
			return "none", true, ""
		}
		if unknown {
			return cases.Unknown, true, ""
		}
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldSymptom:
		if extNotAnswer[lower] {
			return "", false, "generic"
		}
		return s, true, ""

	case cases.FieldDemand:
		if d, ok := ParseDemand(s); ok {
			return string(d), true, ""
		}
		if extOtherRe.MatchString(s) {
			return string(cases.DemandOther), true, ""
		}
		if d, ok := extDemandShort[strings.TrimRight(s, "吧啊呀了的嘛")]; ok {
			return string(d), true, ""
		}
		// A choice number, in the order cases.Demands offers them.
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(cases.Demands) {
			return string(cases.Demands[n-1]), true, ""
		}
		if d := cases.Demand(lower); d.Valid() {
			return string(d), true, ""
		}
		return "", false, "demand.invalid"
	}
	return "", false, "generic"
}

// extCapitalize capitalises a name word; one typed in capitals ("SMITH")
// is written "Smith".
func extCapitalize(w string) string {
	if len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
		w = strings.ToLower(w)
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

var (
	// extContactLabel names a contact detail: 电话, 手机号, tel, my number is.
	extContactLabel = regexp.MustCompile(`(?i)(?:我的)?(?:微信同号|微信同號|同微信|微信号同手机|微信號同手機|联系电话|聯絡電話|聯繫電話|联系方式|聯絡方式|聯繫方式|手机号码|手機號碼|手机号|手機號|电话号码|電話號碼|电话|電話|手机|手機|座机|座機|市话|市話|邮箱|郵箱|号码|號碼|微信|\b(?:my\s+)?(?:phone|mobile|cell|cellphone|tel|telephone|landline|whatsapp|wechat|line|number|email|e-mail|contact)(?:\s+(?:number|no\.?|is|:))*\b)[\s:：]*(?:是|is\b)?`)
	extContactSep   = regexp.MustCompile(`[\s,，、;；:/|()（）]+`)
)

// extDetailLabel is a label left behind once a code was masked, or a role
// that stands next to a name ("店长 赵刚").
var extDetailLabel = regexp.MustCompile(`^(?i:型号|型號|机型|機型|订单号?|訂單號?|订单编号|訂單編號|单号|單號|批次号?|批次號?|model|order|no\.?|店长|店長|经理|經理|老板|老闆|主管|负责人|負責人|联系人|聯繫人|聯絡人|工程师|工程師|采购|採購|厂长|廠長|总监|總監|主任|前台|行政|助理|秘书|秘書|师傅|師傅|老师|老師|先生|女士|小姐)$`)

// extNameSplit separates the parts of a short reply.
var extNameSplit = regexp.MustCompile(`[\s,，、;；/|()（）]+`)

// extNameLike reports whether v reads as a person's name: Latin letters, or
// Chinese led by a surname ("孙丽", "小陈", "王先生").
func extNameLike(v string) bool {
	if !extHasHan(v) {
		return true
	}
	if m := extMixedNameRe.FindStringSubmatch(v); m != nil {
		v = m[2] + m[3] // "Kevin 吴": the Chinese part is the surname
	}
	rs := []rune(v)
	if len(rs) >= 2 && strings.ContainsRune("小老阿", rs[0]) && extSurnames[string(rs[1])] {
		return true
	}
	return extHasSurname(v)
}

// nameBesideDetails reads the name in a reply that also holds a phone
// number, an email address, a model or an order number.
func (x *Extractor) nameBesideDetails(s string) string {
	rest := extStripContacts(s)
	rest = extMaskAll(rest, x.findProofs(rest))
	rest = extMaskAll(rest, x.findBatches(rest))
	rest = extMaskAll(rest, x.findModels(rest))
	whole := strings.Join(strings.Fields(rest), " ")
	if v, ok, _ := extAnswerName(whole); ok && extNameLike(v) && !extDetailLabel.MatchString(v) {
		return v
	}
	var found []string
	for _, tok := range extNameSplit.Split(rest, -1) {
		if tok == "" || extDetailLabel.MatchString(tok) {
			continue
		}
		if v, ok, _ := extAnswerName(tok); ok && extNameLike(v) && extHasHan(v) {
			found = append(found, v)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// extHasContact reports whether s holds a phone number or an email address.
func extHasContact(s string) bool {
	return len(extFindPhones(s)) > 0 || len(extFindEmails(s)) > 0
}

// extStripContacts removes phone numbers, email addresses and their labels
// from a short reply, leaving what else it says (usually a name).
func extStripContacts(s string) string {
	s = extMaskAll(s, extFindEmails(s))
	s = extMaskAll(s, extFindPhones(s))
	s = extContactLabel.ReplaceAllString(s, " ")
	return strings.TrimSpace(extContactSep.ReplaceAllString(s, " "))
}

// extMixedNameRe is an English given name with a Chinese surname, either order.
var extMixedNameRe = regexp.MustCompile(`^(?:([A-Za-z]{2,15})\s*(\p{Han}{1,3})|(\p{Han}{1,3})\s*([A-Za-z]{2,15}))$`)

func extAnswerName(s string) (string, bool, string) {
	if v := extFindName(s); v != "" {
		return v, true, ""
	}
	v := extTrimAnswer(extNameStrip.ReplaceAllString(s, ""))
	if extNotAnswer[strings.ToLower(v)] || extUnknownRe.MatchString(v) || extRefuseRe.MatchString(v) {
		return "", false, "generic"
	}
	if extHanName.MatchString(v) {
		if n := extCutNameTail(v); utf8.RuneCountInString(n) > 1 || extSurnames[n] {
			return n, true, ""
		}
		return "", false, "generic"
	}
	if m := extMixedNameRe.FindStringSubmatch(v); m != nil && extHasSurname(m[2]+m[3]) && !extEnNotName[strings.ToLower(m[1]+m[4])] && !extNotAnswer[strings.ToLower(m[1]+m[4])] {
		if m[1] != "" {
			return extCapitalize(m[1]) + " " + m[2], true, "" // "Kevin 吴"
		}
		return m[3] + " " + extCapitalize(m[4]), true, ""
	}
	if extEnNameRe.MatchString(v) {
		words := strings.Fields(v)
		for i, w := range words {
			words[i] = extCapitalize(w)
		}
		return strings.Join(words, " "), true, ""
	}
	return "", false, "generic"
}
