package nlu

// Whether a date is the purchase or the fault.

import (
	"regexp"
	"unicode/utf8"
)

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
