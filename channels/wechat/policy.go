package wechat

import "github.com/kefu-dev/kefu/channels"

// Policy implements channels.PolicyHaver: a reply to a push can go back in
// the push's own request (the passive reply) for ReplyBudget, which only
// the process holding the request can do.
func (c *Channel) Policy() channels.Policy {
	return channels.Policy{ReplyInRequest: c.cfg.ReplyBudget}
}
