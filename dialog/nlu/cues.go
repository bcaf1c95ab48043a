package nlu

// cueTrie finds, in one pass over a text, which of up to 64 groups of
// words it holds: one prefilter for many patterns run on the same text,
// instead of a pass of each.
type cueTrie struct {
	root  cueNode
	first [256]*cueNode // the root's children by byte, upper-case ASCII too
}

type cueNode struct {
	keys   []byte
	kids   []*cueNode
	groups uint64 // the groups one of whose words ends here
}

func (n *cueNode) kid(b byte) *cueNode {
	for i, k := range n.keys {
		if k == b {
			return n.kids[i]
		}
	}
	return nil
}

// add adds a word of group g (0–63). Words are matched ASCII-folded: a
// word with an upper-case ASCII letter is taken lower-cased.
func (t *cueTrie) add(word string, g int) {
	word = asciiLower(word)
	n := &t.root
	for i := 0; i < len(word); i++ {
		next := n.kid(word[i])
		if next == nil {
			next = &cueNode{}
			n.keys, n.kids = append(n.keys, word[i]), append(n.kids, next)
		}
		n = next
	}
	n.groups |= 1 << g
	for i, b := range t.root.keys {
		t.first[b] = t.root.kids[i]
		if b >= 'a' && b <= 'z' {
			t.first[b-'a'+'A'] = t.root.kids[i]
		}
	}
}

// find returns the groups with a word in s (ASCII folded), at any byte.
func (t *cueTrie) find(s string) uint64 {
	groups := t.root.groups // an empty word is in every text
	for i := 0; i < len(s); i++ {
		for n, j := t.first[s[i]], i+1; n != nil; j++ {
			groups |= n.groups
			if j >= len(s) {
				break
			}
			n = n.kid(lowerByte(s[j]))
		}
	}
	return groups
}

// setCues says in one pass over a text which of a few wordSets may match
// it: a set matches nothing in a text holding none of its words, none of
// its branches' literal starts and none of the words its other branches'
// prefilter requires.
type setCues struct {
	trie   cueTrie
	always uint64 // sets with a branch no word decides on
	n      int
}

// maxCueSets is how many sets setCues tells apart; any more always may.
const maxCueSets = 64

func newSetCues(sets []*wordSet) *setCues {
	c := &setCues{n: len(sets)}
	for g, w := range sets {
		if g >= maxCueSets {
			break
		}
		eachWord(w.root, "", func(word string, n *wsNode) {
			if n.end || len(n.branches) > 0 {
				c.trie.add(word, g)
			}
		})
		switch {
		case w.rest == nil:
		case w.rest.pre.set == nil:
			c.always |= 1 << g
		default:
			eachWord(w.rest.pre.set.root, "", func(word string, n *wsNode) {
				if n.end {
					c.trie.add(word, g)
				}
			})
		}
	}
	return c
}

// eachWord calls f with the path to every node under n.
func eachWord(n *wsNode, prefix string, f func(string, *wsNode)) {
	for i, k := range n.keys {
		word := prefix + string([]byte{k})
		f(word, n.kids[i])
		eachWord(n.kids[i], word, f)
	}
}

// may returns the sets that may match s, as a test for mayMatch.
func (c *setCues) may(s string) uint64 { return c.trie.find(s) | c.always }

// mayMatch reports whether the g-th set may match the text may was
// computed for.
func mayMatch(may uint64, g int) bool { return g >= maxCueSets || may&(1<<g) != 0 }
