package email

import "github.com/kefu-dev/kefu/channels"

// Policy implements channels.PolicyHaver: mail is not chat, so what kefu
// says in one step goes as one email.
func (c *Channel) Policy() channels.Policy {
	return channels.Policy{OneMessagePerStep: true}
}
