package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The understanding does not fall back: on the dev split (worked against,
// so a regression floor, not a claim) eval stays above the figures it
// reached when this floor was set.
func TestEvalDevFloor(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	err := evalCmd(t.Context(), []string{
		"-min-fields", "0.85", "-min-category", "0.92", "-min-priority", "0.88",
		"-min-p1-recall", "1", "-max-not-understood", "0.02",
		"../../testdata/corpus/dev",
	}, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "P1 recall") {
		t.Errorf("report lacks P1 recall:\n%s", out.String())
	}
}

// eval fails when a figure is below its threshold, and reports JSON.
func TestEvalThresholdFails(t *testing.T) {
	t.Parallel()
	convs := []map[string]any{{
		"id": "t-1", "lang": "zh-CN", "channel": "webchat", "now": "2026-03-10T10:00:00+08:00",
		"messages": []string{"热水器漏电了，手一碰就麻，型号DSZF-60，我叫李雷，电话13900001111，上个月买的，要上门维修", "确认"},
		"expect": map[string]any{"category": "technical", "priority": "P1", "fields": map[string]string{
			"symptom": "漏电", "product_model": "DSZF-60", "customer_name": "李雷", "phone": "13900001111",
			"purchase_date": "2026-02", "demand": "repair"}},
	}, {
		// Labelled wrong on purpose: a smoking kettle is no consultation.
		"id": "t-2", "lang": "zh-CN", "channel": "webchat", "now": "2026-03-10T10:00:00+08:00",
		"messages": []string{"水壶冒烟了"},
		"expect":   map[string]any{"category": "consultation", "priority": "P3", "fields": map[string]string{"symptom": "水壶冒烟"}},
	}}
	b, err := json.Marshal(convs)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = evalCmd(t.Context(), []string{"-json", "-min-category", "0.9", file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "category 50.0 %") {
		t.Fatalf("want a category threshold failure, got %v\n%s", err, errb.String())
	}
	var rep struct {
		Conversations int `json:"conversations"`
		Category      struct{ Right, Total int }
		P1Recall      struct{ Right, Total int } `json:"p1_recall"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if rep.Conversations != 2 || rep.Category.Right != 1 || rep.P1Recall.Right != 1 || rep.P1Recall.Total != 1 {
		t.Errorf("report %+v", rep)
	}
}
