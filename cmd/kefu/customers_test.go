package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestImportRowsReadHeadersInEitherLanguage(t *testing.T) {
	rows, err := importRows([][]string{
		{"\ufeff姓名", "手机", "型号", "产品", "购买日期", "会员", "语言"},
		{"王芳", "138 0013 8000", "KFR-35GW", "空调", "2026年3月2日", "是", "zh-CN"},
		{"", "", "", "", "", "", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "王芳" || !rows[0].Member || rows[0].Bought.Format("2006-01-02") != "2026-03-02" || rows[0].Model != "KFR-35GW" {
		t.Fatalf("rows: %+v", rows)
	}
}

func TestImportRowsNameEveryBadRowAndImportNothing(t *testing.T) {
	_, err := importRows([][]string{
		{"name", "phone", "email", "purchase_date", "member"},
		{"A", "abc", "", "", ""},
		{"B", "", "not-mail", "2026-02-30", "maybe"},
	})
	if err == nil {
		t.Fatal("bad rows accepted")
	}
	for _, want := range []string{"nothing imported", "row 2: phone", "row 3: \"not-mail\"", "row 3: purchase date", "row 3: member"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := importRows([][]string{{"name", "shoe size"}}); err == nil || !strings.Contains(err.Error(), "shoe size") {
		t.Errorf("an unknown column: %v", err)
	}
}

// kefu customers import reads a workbook into the archive; the same file
// twice adds nothing.
func TestCustomersImportCommand(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "sales.xlsx")
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"name", "phone", "telegram_chat_id", "product", "model", "purchase_date", "member"},
		{"王芳", "13800138000", "1001", "空调", "KFR-35GW", "2026-11-30", "yes"},
		{"John Smith", "", "1002", "Heater", "HX-2", "2026-11-20", "no"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KEFU_DATABASE_URL", filepath.Join(dir, "kefu.db"))
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"customers", "import", book}, &out, &errs); err != nil {
		t.Fatalf("%v: %s", err, errs.String())
	}
	if !strings.Contains(out.String(), "2 rows: 2 new customers") || strings.Contains(out.String(), " 0 care touchpoints") {
		t.Errorf("first import: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"customers", "import", book}, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 new customers, 2 matched existing ones, 0 new purchases, 0 care touchpoints") {
		t.Errorf("second import: %s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "kefu.db")); err != nil {
		t.Error(err)
	}
}
