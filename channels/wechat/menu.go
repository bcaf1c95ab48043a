package wechat

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/kefu-dev/kefu/channels"
)

// Menu is the Official Account's custom menu (自定义菜单).
type Menu struct {
	Buttons []Button `yaml:"buttons" json:"button"`
}

// Button is a menu button: a CLICK button (Key comes back as the
// Inbound.Choice), a VIEW button (opens URL) or, with SubButtons, a
// submenu.
type Button struct {
	Type       string   `yaml:"type" json:"type,omitempty"` // click, view; empty for a submenu
	Name       string   `yaml:"name" json:"name"`
	Key        string   `yaml:"key" json:"key,omitempty"`
	URL        string   `yaml:"url" json:"url,omitempty"`
	SubButtons []Button `yaml:"sub_buttons" json:"sub_button,omitempty"`
}

// Menu keys of DefaultMenu, handed on as Inbound.Choice.
const (
	MenuRepair = channels.IntentRepair
	MenuStatus = channels.IntentStatus
	MenuHuman  = channels.IntentHuman
)

// DefaultMenu is 报修 / 查询进度 / 人工客服.
func DefaultMenu() Menu {
	return Menu{Buttons: []Button{
		{Type: "click", Name: "报修", Key: MenuRepair},
		{Type: "click", Name: "查询进度", Key: MenuStatus},
		{Type: "click", Name: "人工客服", Key: MenuHuman},
	}}
}

// Validate checks WeChat's limits: 1–3 buttons, up to 5 in a submenu,
// names of at most 16 (top) or 60 (sub) bytes, keys up to 128 bytes.
func (m Menu) Validate() error {
	if len(m.Buttons) == 0 || len(m.Buttons) > 3 {
		return errors.New("1 to 3 buttons")
	}
	for i, b := range m.Buttons {
		if err := b.validate(16, len(b.SubButtons) > 0); err != nil {
			return fmt.Errorf("buttons[%d]: %w", i, err)
		}
		if len(b.SubButtons) > 5 {
			return fmt.Errorf("buttons[%d]: at most 5 sub_buttons", i)
		}
		for j, s := range b.SubButtons {
			if len(s.SubButtons) > 0 {
				return fmt.Errorf("buttons[%d].sub_buttons[%d]: menus are two levels deep", i, j)
			}
			if err := s.validate(60, false); err != nil {
				return fmt.Errorf("buttons[%d].sub_buttons[%d]: %w", i, j, err)
			}
		}
	}
	return nil
}

func (b Button) validate(maxName int, submenu bool) error {
	if b.Name == "" || len(b.Name) > maxName || !utf8.ValidString(b.Name) {
		return fmt.Errorf("name: 1 to %d bytes", maxName)
	}
	if submenu {
		if b.Type != "" {
			return errors.New("a button with sub_buttons has no type")
		}
		return nil
	}
	switch b.Type {
	case "click":
		if b.Key == "" || len(b.Key) > 128 {
			return errors.New("key: 1 to 128 bytes")
		}
	case "view":
		if b.URL == "" || len(b.URL) > 1024 {
			return errors.New("url: 1 to 1024 bytes")
		}
	default:
		return fmt.Errorf("type: %q is not click or view", b.Type)
	}
	return nil
}

// PushMenu replaces the account's custom menu (`kefu wechat menu push`).
func (c *Channel) PushMenu(ctx context.Context, m Menu) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("wechat menu: %w", err)
	}
	if err := c.api.call(ctx, "/cgi-bin/menu/create", m, nil); err != nil {
		return err
	}
	c.log.InfoContext(ctx, "wechat: menu pushed", "buttons", len(m.Buttons))
	return nil
}
