package dialog

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
)

// Languages kefu speaks; the first is the fallback.
var Languages = []string{"zh-CN", "zh-TW", "en"}

// Templates renders bot texts per language. Texts live in configs/templates,
// never in code, so a new wording or language needs no release.
type Templates struct {
	byLang map[string]map[string]tmpl
}

// tmpl is one parsed text. Most texts are plain (no action) and are
// rendered once, when parsed; most others only print fields of the map
// they are given ("{{.Field}}：{{.Value}}"), which is done here without the
// reflection of text/template when the fields hold strings.
type tmpl struct {
	*template.Template
	plain bool
	text  string // the rendered text of a plain template
	// fields: texts[i] comes before the field keys[i], and the last text
	// after the last field.
	fields bool
	texts  []string
	keys   []string
}

// newTmpl wraps a parsed template, rendering it now if it is plain text.
func newTmpl(t *template.Template) tmpl {
	if t.Tree == nil || t.Tree.Root == nil {
		return tmpl{Template: t} // an empty template: Execute says so
	}
	tp := tmpl{Template: t, fields: true}
	text := ""
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			text += string(n.Text)
		case *parse.ActionNode:
			key, ok := fieldKey(n)
			if !ok {
				return tmpl{Template: t}
			}
			tp.texts, tp.keys, text = append(tp.texts, text), append(tp.keys, key), ""
		default:
			return tmpl{Template: t}
		}
	}
	tp.texts = append(tp.texts, text)
	if len(tp.keys) > 0 {
		return tp
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return tmpl{Template: t}
	}
	return tmpl{Template: t, plain: true, text: strings.TrimSpace(b.String())}
}

// fieldKey returns Key when the action is just {{.Key}}.
func fieldKey(a *parse.ActionNode) (string, bool) {
	p := a.Pipe
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

// render renders a template of fields with data; ok is false when data
// is not a map holding a string for every field.
func (tp tmpl) render(data any) (string, bool) {
	m, ok := data.(map[string]any)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i, k := range tp.keys {
		v, ok := m[k].(string)
		if !ok {
			return "", false
		}
		b.WriteString(tp.texts[i])
		b.WriteString(v)
	}
	b.WriteString(tp.texts[len(tp.keys)])
	return strings.TrimSpace(b.String()), true
}

// ParseTemplates parses sets (language -> key -> text/template source). Every
// language must define every key the fallback language defines.
func ParseTemplates(sets map[string]map[string]string) (*Templates, error) {
	base, ok := sets[Languages[0]]
	if !ok {
		return nil, fmt.Errorf("templates: language %s is required", Languages[0])
	}
	t := &Templates{byLang: map[string]map[string]tmpl{}}
	for lang, set := range sets {
		m := map[string]tmpl{}
		for k, src := range set {
			tpl, err := template.New(k).Option("missingkey=zero").Parse(src)
			if err != nil {
				return nil, fmt.Errorf("templates.%s.%s: %w", lang, k, err)
			}
			m[k] = newTmpl(tpl)
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
	if tpl.plain {
		return tpl.text
	}
	if tpl.fields {
		if out, ok := tpl.render(data); ok {
			return out
		}
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, data); err != nil {
		return key
	}
	return strings.TrimSpace(b.String())
}
