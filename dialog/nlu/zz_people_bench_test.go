package nlu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkPeopleExtract(b *testing.B) {
	x, _ := NewExtractor(ExtractorConfig{})
	var msgs []string
	files, _ := filepath.Glob("../../testdata/corpus/train/*.json")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		var cs []struct{ Messages []string }
		json.Unmarshal(raw, &cs)
		for _, c := range cs {
			msgs = append(msgs, c.Messages...)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			x.Extract(m, testNow)
		}
	}
	b.ReportMetric(float64(len(msgs)), "msgs")
}
