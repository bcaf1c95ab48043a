package web

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// translations hold the console's texts per language (i18n/*.yaml); the
// texts live there, not in code, so a team can reword them.
type translations map[string]map[string]string

var consoleLangs = []string{"zh-CN", "zh-TW", "en"}

func loadTranslations() (translations, error) {
	tr := translations{}
	for _, l := range consoleLangs {
		b, err := assets.ReadFile("i18n/" + l + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("console texts %s: %w", l, err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("console texts %s: %w", l, err)
		}
		tr[l] = m
	}
	// Every language has every key, so no viewer meets a raw key.
	for key := range tr["zh-CN"] {
		for _, l := range consoleLangs {
			if _, ok := tr[l][key]; !ok {
				return nil, fmt.Errorf("console texts %s: %q is missing", l, key)
			}
		}
	}
	return tr, nil
}

func (t translations) get(lang, key string) string {
	if s, ok := t[lang][key]; ok {
		return s
	}
	if s, ok := t["zh-CN"][key]; ok {
		return s
	}
	// A value the texts do not know yet (a new history action, say) shows
	// as itself rather than as an empty cell.
	if i := strings.LastIndexByte(key, '.'); i >= 0 && i < len(key)-1 {
		return key[i+1:]
	}
	return key
}
