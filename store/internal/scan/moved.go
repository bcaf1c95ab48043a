package scan

import "github.com/kefu-dev/kefu/service"

// Moved is the moved column of customer_merges in both stores: what a
// merge moved, so that its undo moves exactly that back.
type Moved struct {
	Identities    []service.IdentityKey `json:"identities"`
	Conversations []int64               `json:"conversations"`
	Cases         []int64               `json:"cases"`
}

// Of fills the lists of m into a merge record, never nil.
func (mv Moved) Of(m *service.CustomerMerge) {
	m.Identities, m.Conversations, m.Cases = mv.Identities, mv.Conversations, mv.Cases
	if m.Identities == nil {
		m.Identities = []service.IdentityKey{}
	}
	if m.Conversations == nil {
		m.Conversations = []int64{}
	}
	if m.Cases == nil {
		m.Cases = []int64{}
	}
}
