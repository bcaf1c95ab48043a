package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// kefu customers import FILE.csv|xlsx: a brand's sales records into the
// customer archive, each purchase planning its care (SPEC §8).

// importColumns maps header names (English or Chinese, any case) to the
// field they fill.
var importColumns = map[string]string{
	"name": "name", "姓名": "name", "客户": "name", "客户名称": "name",
	"phone": "phone", "电话": "phone", "手机": "phone", "手机号": "phone", "電話": "phone",
	"email": "email", "邮箱": "email", "電郵": "email", "郵箱": "email",
	"wechat_openid": "wechat", "openid": "wechat", "wechat": "wechat", "微信": "wechat",
	"telegram_chat_id": "telegram", "telegram": "telegram",
	"product": "product", "产品": "product", "產品": "product", "品类": "product",
	"model": "model", "型号": "model", "型號": "model",
	"purchase_date": "bought", "购买日期": "bought", "購買日期": "bought",
	"member": "member", "会员": "member", "會員": "member",
	"language": "language", "语言": "language", "語言": "language",
}

func customersImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("customers import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("customers import: give one FILE.csv or FILE.xlsx")
	}
	records, err := readTable(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("customers import: %w", err)
	}
	rows, err := importRows(records)
	if err != nil {
		return fmt.Errorf("customers import: %s: %w", fs.Arg(0), err)
	}
	cfg, err := configs.Load(*path, os.Environ())
	if err != nil {
		return err
	}
	engine, err := cfg.Engine()
	if err != nil {
		return err
	}
	plan, err := cfg.CarePlan()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(service.Options{Store: st, Engine: engine, SLA: cfg.SLA, Care: plan, Lifecycle: lifecycle(cfg)})
	res, err := svc.ImportCustomers(ctx, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d rows: %d new customers, %d matched existing ones, %d new purchases, %d care touchpoints planned\n",
		res.Rows, res.Created, res.Matched, res.Purchases, res.Touchpoints)
	return nil
}

// readTable reads a CSV file or the first sheet of a workbook.
func readTable(path string) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		return r.ReadAll()
	case ".xlsx":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%s has no sheet", path)
		}
		return f.GetRows(sheets[0])
	}
	return nil, fmt.Errorf("%s: only .csv and .xlsx files can be imported", path)
}

var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006/01/02", "2006.1.2", "2006年1月2日", "1/2/2006"}

// importRows checks every row before anything is stored: a file with a bad
// row imports nothing, and every bad row is named.
func importRows(records [][]string) ([]service.CustomerImport, error) {
	if len(records) < 1 {
		return nil, errors.New("the file is empty")
	}
	cols := map[string]int{}
	for i, h := range records[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		f, ok := importColumns[h]
		if !ok {
			return nil, fmt.Errorf("column %d: unknown header %q", i+1, h)
		}
		cols[f] = i
	}
	if _, ok := cols["name"]; !ok {
		return nil, errors.New("a name column is required")
	}
	var out []service.CustomerImport
	var bad []string
	for n, rec := range records[1:] {
		get := func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		r := service.CustomerImport{Name: get("name"), Phone: get("phone"), Email: get("email"), WeChat: get("wechat"),
			Telegram: get("telegram"), Product: get("product"), Model: get("model"), Language: get("language")}
		line := n + 2
		if r.Name == "" && r.Phone == "" && r.Email == "" && r.WeChat == "" && r.Telegram == "" {
			bad = append(bad, fmt.Sprintf("row %d: no name, phone, email or channel id", line))
			continue
		}
		if r.Phone != "" && service.ContactValue(service.ContactPhone, r.Phone) == "" {
			bad = append(bad, fmt.Sprintf("row %d: phone %q has no digits", line, r.Phone))
		}
		if r.Email != "" && service.ContactValue(service.ContactEmail, r.Email) == "" {
			bad = append(bad, fmt.Sprintf("row %d: %q is not an email address", line, r.Email))
		}
		switch r.Language {
		case "", "zh-CN", "zh-TW", "en":
		default:
			bad = append(bad, fmt.Sprintf("row %d: language %q is not zh-CN, zh-TW or en", line, r.Language))
		}
		switch strings.ToLower(get("member")) {
		case "", "0", "false", "no", "n", "否":
		case "1", "true", "yes", "y", "是":
			r.Member = true
		default:
			bad = append(bad, fmt.Sprintf("row %d: member %q is not yes or no", line, get("member")))
		}
		if d := get("bought"); d != "" {
			ok := false
			for _, l := range dateLayouts {
				if t, err := time.Parse(l, d); err == nil {
					r.Bought, ok = t, true
					break
				}
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("row %d: purchase date %q is not a date like 2026-03-02", line, d))
			}
		}
		out = append(out, r)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("nothing imported:\n  %s", strings.Join(bad, "\n  "))
	}
	return out, nil
}
