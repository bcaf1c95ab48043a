package dialog

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"
)

// Languages kefu speaks; the first is the fallback.
var Languages = []string{"zh-CN", "zh-TW", "en"}

// Templates renders bot texts per language. Texts live in configs/templates,
// never in code, so a new wording or language needs no release.
type Templates struct {
	byLang map[string]map[string]*template.Template
}

// ParseTemplates parses sets (language -> key -> text/template source). Every
// language must define every key the fallback language defines.
func ParseTemplates(sets map[string]map[string]string) (*Templates, error) {
	base, ok := sets[Languages[0]]
	if !ok {
		return nil, fmt.Errorf("templates: language %s is required", Languages[0])
	}
	t := &Templates{byLang: map[string]map[string]*template.Template{}}
	for lang, set := range sets {
		m := map[string]*template.Template{}
		for k, src := range set {
			tpl, err := template.New(k).Option("missingkey=zero").Parse(src)
			if err != nil {
				return nil, fmt.Errorf("templates.%s.%s: %w", lang, k, err)
			}
			m[k] = tpl
		}
		t.byLang[lang] = m
	}
	var missing []string
	for lang, set := range sets {
		for k := range base {
			if _, ok := set[k]; !ok {
				missing = append(missing, lang+"."+k)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("templates: missing keys: %s", strings.Join(missing, ", "))
	}
	return t, nil
}

// Has reports whether key exists in the fallback language.
func (t *Templates) Has(key string) bool {
	_, ok := t.byLang[Languages[0]][key]
	return ok
}

// Render renders key in lang, falling back to zh-CN; an unknown key renders
// as the key itself so a typo shows instead of an empty message.
func (t *Templates) Render(lang, key string, data any) string {
	tpl, ok := t.byLang[lang][key]
	if !ok {
		if tpl, ok = t.byLang[Languages[0]][key]; !ok {
			return key
		}
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, data); err != nil {
		return key
	}
	return strings.TrimSpace(b.String())
}
