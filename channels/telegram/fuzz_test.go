package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// FuzzUpdate: the update JSON Telegram sends (webhook body or one element
// of getUpdates). Whatever decodes: the update id read on its own agrees
// with the decoded one; an update handed on names its chat and an id
// under it and carries something (text, a choice or a file); and what is
// handed on depends only on the update's data: the update encoded again
// and decoded normalizes the same. Seeds: testdata/*.json.
func FuzzUpdate(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no testdata: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	arrived := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	c := &Channel{}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u tgbotapi.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			return // kept as invalid_json, the offset moves on
		}
		if id, err := updateID(raw); err == nil && id != u.UpdateID {
			t.Errorf("updateID = %d, the decoded update says %d", id, u.UpdateID)
		}
		n := c.normalize(&u, raw, arrived, "kefu_demo_bot")
		if n.verdict == handOn {
			in := n.in
			if in.Channel != channels.Telegram {
				t.Errorf("channel %q", in.Channel)
			}
			if _, err := strconv.ParseInt(in.ExternalUserID, 10, 64); err != nil {
				t.Errorf("user id %q is not a chat id", in.ExternalUserID)
			}
			if !strings.Contains(in.ExternalMessageID, in.ExternalUserID+":") {
				t.Errorf("message id %q is not under chat %q", in.ExternalMessageID, in.ExternalUserID)
			}
			if in.Text == "" && in.Choice == "" && len(n.files) == 0 {
				t.Errorf("handed on with nothing in it: %+v", n)
			}
		}
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatalf("encode the decoded update: %v", err)
		}
		var u2 tgbotapi.Update
		if err := json.Unmarshal(b, &u2); err != nil {
			t.Fatalf("decode the encoded update %s: %v", b, err)
		}
		n2 := c.normalize(&u2, raw, arrived, "kefu_demo_bot")
		n.callback, n2.callback = nil, nil
		if !reflect.DeepEqual(n, n2) {
			t.Errorf("normalized differently after a round trip:\n%+v\n%+v", n, n2)
		}
	})
}
