// Package corpus reads the labelled conversations kefu is measured on
// (testdata/corpus, format in its README) and scores what the engine made
// of them: `kefu eval` replays, this package compares and counts, and
// `kefu train` trains the classifier on the same files.
package corpus

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Conversation is one labelled conversation.
type Conversation struct {
	ID       string    `json:"id"`
	Lang     string    `json:"lang"`
	Channel  string    `json:"channel"`
	Now      time.Time `json:"now"`
	Messages []string  `json:"messages"`
	Expect   Expect    `json:"expect"`
	// File is where the conversation was read from.
	File string `json:"-"`
}

// Expect is what a good agent would have understood.
type Expect struct {
	Category cases.Category    `json:"category"`
	Priority cases.Priority    `json:"priority"`
	Fields   map[string]string `json:"fields"`
	Handoff  bool              `json:"handoff"`
	Notes    string            `json:"notes,omitempty"`
}

var dateLabel = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)

// Validate reports the first problem of c, naming the key.
func (c *Conversation) Validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("id: missing")
	case c.Lang != "zh-CN" && c.Lang != "zh-TW" && c.Lang != "en":
		return fmt.Errorf("%s: lang: %q is not zh-CN, zh-TW or en", c.ID, c.Lang)
	case c.Channel != "wechat" && c.Channel != "webchat" && c.Channel != "email" && c.Channel != "telegram":
		return fmt.Errorf("%s: channel: %q is not wechat, webchat, email or telegram", c.ID, c.Channel)
	case c.Now.IsZero():
		return fmt.Errorf("%s: now: missing", c.ID)
	case len(c.Messages) == 0:
		return fmt.Errorf("%s: messages: none", c.ID)
	case !c.Expect.Category.Valid():
		return fmt.Errorf("%s: expect.category: %q is not a category", c.ID, c.Expect.Category)
	case !c.Expect.Priority.Valid():
		return fmt.Errorf("%s: expect.priority: %q is not a priority", c.ID, c.Expect.Priority)
	}
	for k, v := range c.Expect.Fields {
		key := cases.FieldKey(k)
		if !key.Valid() {
			return fmt.Errorf("%s: expect.fields.%s: not a case field", c.ID, k)
		}
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%s: expect.fields.%s: empty", c.ID, k)
		}
		if (key == cases.FieldPurchaseDate || key == cases.FieldOccurredAt) && v != cases.Unknown && !dateLabel.MatchString(v) {
			return fmt.Errorf("%s: expect.fields.%s: %q is not YYYY-MM-DD or YYYY-MM", c.ID, k, v)
		}
		if key == cases.FieldDemand && !cases.Demand(v).Valid() {
			return fmt.Errorf("%s: expect.fields.demand: %q is not a demand", c.ID, v)
		}
	}
	return nil
}

// Load reads conversations from files and directories (every *.json below
// a directory), validating each; ids must be unique.
func Load(paths ...string) ([]Conversation, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	var out []Conversation
	seen := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var cs []Conversation
		if err := json.Unmarshal(b, &cs); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for i := range cs {
			cs[i].File = f
			if err := cs[i].Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if prev, dup := seen[cs[i].ID]; dup {
				return nil, fmt.Errorf("%s: %s: id already used in %s", f, cs[i].ID, prev)
			}
			seen[cs[i].ID] = f
		}
		out = append(out, cs...)
	}
	return out, nil
}
