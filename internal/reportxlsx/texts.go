package reportxlsx

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The workbook's words live in i18n/*.yaml, one file per language, so a
// team can reword them; none is in the code.

//go:embed i18n/*.yaml
var files embed.FS

// Languages are the languages a workbook is written in; the first is the
// default.
var Languages = []string{"zh-CN", "zh-TW", "en"}

// Texts are the words of one language.
type Texts struct {
	lang string
	m    map[string]string
}

var catalogue = sync.OnceValues(func() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		b, err := files.ReadFile("i18n/" + l + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("report texts %s: %w", l, err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("report texts %s: %w", l, err)
		}
		out[l] = m
	}
	// Every language has every key, so no reader meets a raw key.
	for _, a := range Languages {
		for key := range out[a] {
			for _, b := range Languages {
				if _, ok := out[b][key]; !ok {
					return nil, fmt.Errorf("report texts %s: %q is missing", b, key)
				}
			}
		}
	}
	return out, nil
})

// TextsFor returns the words of lang (Lang picks it from a tag); an
// unknown language gets the default's.
func TextsFor(lang string) (Texts, error) {
	c, err := catalogue()
	if err != nil {
		return Texts{}, err
	}
	if _, ok := c[lang]; !ok {
		lang = Languages[0]
	}
	return Texts{lang: lang, m: c[lang]}, nil
}

// Lang picks the workbook language for a language tag or an
// Accept-Language header ("en-US,en;q=0.9", "zh-Hant-TW", "zh-HK"); ""
// when none of them is spoken.
func Lang(header string) string {
	for part := range strings.SplitSeq(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		t := strings.ToLower(tag)
		switch {
		case t == "":
		case t == "en" || strings.HasPrefix(t, "en-"):
			return "en"
		case t == "zh-tw" || t == "zh-hk" || t == "zh-mo" || strings.HasPrefix(t, "zh-hant"):
			return "zh-TW"
		case t == "zh" || strings.HasPrefix(t, "zh-"):
			return "zh-CN"
		}
	}
	return ""
}

// Lang is the language of t.
func (t Texts) Lang() string { return t.lang }

// Get returns key's text with each {name} replaced by the value after it
// in kv; a key the catalogue lacks is returned as is.
func (t Texts) Get(key string, kv ...string) string {
	s, ok := t.m[key]
	if !ok {
		return key
	}
	if len(kv) > 0 {
		pairs := make([]string, 0, len(kv))
		for i := 0; i+1 < len(kv); i += 2 {
			pairs = append(pairs, "{"+kv[i]+"}", kv[i+1])
		}
		s = strings.NewReplacer(pairs...).Replace(s)
	}
	return s
}

// Value names a value of a kind ("category", "dept", "channel", …): its
// text when the catalogue has one, the value itself otherwise (a subtype,
// a channel added later).
func (t Texts) Value(kind, v string) string {
	if s, ok := t.m[kind+"."+v]; ok {
		return s
	}
	return v
}

// Has reports whether the catalogue has key.
func (t Texts) Has(key string) bool {
	_, ok := t.m[key]
	return ok
}
