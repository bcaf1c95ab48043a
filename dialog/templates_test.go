package dialog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Rendered without text/template, a plain text or a text of string fields
// reads as text/template renders it.
func TestTemplatesRenderAsExecute(t *testing.T) {
	files, _ := filepath.Glob("../configs/templates/*.yaml")
	sets := map[string]map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]string{}
		if err := yaml.Unmarshal(b, &set); err != nil {
			t.Fatal(err)
		}
		sets[strings.TrimSuffix(filepath.Base(f), ".yaml")] = set
	}
	tpls, err := ParseTemplates(sets)
	if err != nil {
		t.Fatal(err)
	}
	datas := []any{nil, map[string]any{}, map[string]any{"Field": "型号", "Value": "XQG100", "Summary": " a，b ", "Question": "?", "Number": 7}}
	fast := 0
	for lang, set := range tpls.byLang {
		for key, tp := range set {
			for _, data := range datas {
				var b bytes.Buffer
				want := key
				if err := tp.Execute(&b, data); err == nil {
					want = strings.TrimSpace(b.String())
				}
				if got := tpls.Render(lang, key, data); got != want {
					t.Errorf("%s.%s with %v: %q, want %q", lang, key, data, got, want)
				}
				if tp.plain {
					fast++
				} else if tp.fields {
					if _, ok := tp.render(data); ok {
						fast++
					}
				}
			}
		}
	}
	if fast == 0 {
		t.Error("no template rendered without text/template")
	}
}
