package wechat

import "github.com/kefu-dev/kefu/channels"

// Policy implements channels.PolicyHaver: a reply to a push can go back in
// the push's own request (the passive reply) for ReplyBudget, which only
// the process holding the request can do.
//
// A send holds its outbox worker while the waiting request writes the
// reply or the API answers. With 4 workers, WeChat pushes offered at
// 200/s (BenchmarkWeChatOpenLoop) waited p99 2.4-3.0 s for the webhook's
// answer and replies left the outbox p50 2.6 s after they were made;
// with 48, p99 0.28-1.1 s, which is what sendWorkers keeps.
func (c *Channel) Policy() channels.Policy {
	return channels.Policy{ReplyInRequest: c.cfg.ReplyBudget, SendWorkers: sendWorkers}
}

const sendWorkers = 48
