package dialog_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/dialog"
)

func benchEngine(b *testing.B) *dialog.Engine {
	b.Helper()
	cfg := configs.Default()
	e, err := cfg.Engine()
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkStepFirstMessage is the heaviest step: a long first message with
// most fields in it (extraction, classification, first question).
func BenchmarkStepFirstMessage(b *testing.B) {
	e := benchEngine(b)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	ev := dialog.Event{Kind: dialog.EventMessage, Text: "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"}
	b.ReportAllocs()
	for b.Loop() {
		e.Step(dialog.State{}, ev, now)
	}
}

// BenchmarkStepShortAnswer answers one open question.
func BenchmarkStepShortAnswer(b *testing.B) {
	e := benchEngine(b)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	st, _ := e.Step(dialog.State{}, dialog.Event{Kind: dialog.EventMessage, Text: "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"}, now)
	ev := dialog.Event{Kind: dialog.EventMessage, Text: "张三"}
	b.ReportAllocs()
	for b.Loop() {
		e.Step(st, ev, now)
	}
}

// BenchmarkBaselineStateJSON is the baseline for the step figures: the JSON
// round trip of a state that the service does around every step anyway.
func BenchmarkBaselineStateJSON(b *testing.B) {
	e := benchEngine(b)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	st, _ := e.Step(dialog.State{}, dialog.Event{Kind: dialog.EventMessage, Text: "你好，我家XQG100洗衣机昨天开始不脱水了，电话13812345678，想上门维修"}, now)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ := json.Marshal(st)
		var back dialog.State
		_ = json.Unmarshal(buf, &back)
	}
}
