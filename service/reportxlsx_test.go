package service_test

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/service"
)

// workbook is a report workbook read back: each sheet's rows with raw
// values (numbers as numbers, not as formatted).
type workbook struct {
	t      *testing.T
	sheets []string
	rows   map[string][][]string
}

func readWorkbook(t *testing.T, b []byte) *workbook {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &workbook{t: t, sheets: f.GetSheetList(), rows: map[string][][]string{}}
	for _, s := range w.sheets {
		if w.rows[s], err = f.GetRows(s); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// value is the cell right of the row labelled label.
func (w *workbook) value(sheet, label string) string {
	w.t.Helper()
	for _, r := range w.rows[sheet] {
		if len(r) > 1 && r[0] == label {
			return r[1]
		}
	}
	w.t.Errorf("%s: no row %q", sheet, label)
	return ""
}

// table is the rows under the heading row whose first cell is title, up
// to the next empty row.
func (w *workbook) table(sheet, title string) [][]string {
	w.t.Helper()
	rows := w.rows[sheet]
	for i, r := range rows {
		if len(r) > 0 && r[0] == title {
			var out [][]string
			for _, x := range rows[i+1:] {
				if len(x) == 0 {
					break
				}
				out = append(out, x)
			}
			return out
		}
	}
	w.t.Errorf("%s: no table %q", sheet, title)
	return nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// cellEq compares a cell with what it should hold: numbers to Excel's 15
// significant digits.
func cellEq(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w))
}

// TestReportWorkbook writes the seeded month's report as a workbook and
// reads every figure back against the summary.
func TestReportWorkbook(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := reportSetup(t, be)
			// A few conversations, so that the bot's figures differ.
			for _, c := range []struct {
				ch    channels.ID
				user  string
				turns []string
			}{
				{channels.Telegram, "x1", []string{"转人工", "还在吗"}},
				{channels.WebChat, "x2", []string{"你好"}},
				{channels.WebChat, "x3", []string{"你好", "转人工"}},
				{channels.WebChat, "x4", []string{"你好", "asdfgh", "我叫韩梅梅，电话13700001111，洗衣机XQG80不脱水了，上个月买的，想上门维修", "确认"}},
			} {
				for i, text := range c.turns {
					if _, err := b.svc.Receive(b.ctx, channels.Inbound{Channel: c.ch, ExternalUserID: c.user, ExternalMessageID: fmt.Sprint(c.user, i), Text: text}); err != nil {
						t.Fatal(err)
					}
				}
			}
			sup := b.user("张主管", cases.RoleSupervisor, cases.DeptCustomerService)
			f := service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01"}
			rep := b.report(sup, f)
			if bot := rep.Bot; bot.Conversations != 4 || bot.Handoffs != 2 || bot.Messages != 9 || bot.Questions != 3 {
				t.Fatalf("bot %+v, want 4 conversations, 2 handoffs, 9 messages, 3 questions", bot)
			}
			var buf bytes.Buffer
			err := reportxlsx.Write(&buf, "en", rep, func(fn func(service.ReportCase) error) error {
				return b.svc.Team().ReportCases(b.ctx, sup, f, fn)
			})
			if err != nil {
				t.Fatal(err)
			}
			w := readWorkbook(t, buf.Bytes())
			if want := []string{"Volume", "SLA compliance", "Satisfaction", "Complaints", "Workload", "Bot", "Care", "Cases"}; !slices.Equal(w.sheets, want) {
				t.Fatalf("sheets %q, want %q", w.sheets, want)
			}
			tx, err := reportxlsx.TextsFor("en")
			if err != nil {
				t.Fatal(err)
			}
			same := func(what string, got [][]string, want [][]string) {
				t.Helper()
				if len(got) != len(want) {
					t.Errorf("%s: %d rows %q, want %q", what, len(got), got, want)
					return
				}
				for i := range want {
					if !slices.EqualFunc(got[i], want[i], cellEq) {
						t.Errorf("%s row %d: %q, want %q", what, i, got[i], want[i])
					}
				}
			}
			countRows := func(l []service.ReportCount, kind string) [][]string {
				out := [][]string{}
				for _, c := range l {
					out = append(out, []string{tx.Value(kind, c.Key), strconv.Itoa(c.Count)})
				}
				return out
			}

			v := rep.Volume
			if got := w.value("Volume", "Cases"); got != strconv.Itoa(v.Total) {
				t.Errorf("total %s, want %d", got, v.Total)
			}
			same("by category", w.table("Volume", "By category"), countRows(v.ByCategory, "category"))
			same("by priority", w.table("Volume", "By priority"), countRows(v.ByPriority, "priority"))
			same("by department", w.table("Volume", "By department"), countRows(v.ByDepartment, "dept"))
			same("by channel", w.table("Volume", "By channel"), countRows(v.ByChannel, "channel"))
			same("by source", w.table("Volume", "By source"), countRows(v.BySource, "channel"))
			if got := w.table("Volume", "By subtype"); len(got) != len(v.BySubtype) || got[5][0] != "Technical fault / crash" || got[5][1] != "2" {
				t.Errorf("by subtype %q", got)
			}
			days := w.table("Volume", "Day")
			if len(days) != len(v.PerDay) {
				t.Fatalf("%d days, want %d", len(days), len(v.PerDay))
			}
			for i, d := range v.PerDay {
				if days[i][0] != d.Key || days[i][1] != strconv.Itoa(d.Count) {
					t.Errorf("day %q, want %+v", days[i], d)
				}
			}

			var sla [][]string
			for _, k := range rep.SLA {
				sla = append(sla, []string{tx.Value("clock", string(k.Clock)), strconv.Itoa(k.Met), strconv.Itoa(k.Missed),
					strconv.Itoa(k.Pending), num(k.Rate), num(k.MedianMinutes), num(k.P90Minutes)})
			}
			same("sla", w.table("SLA compliance", "Deadline"), sla)

			s := rep.Satisfaction
			for label, want := range map[string]string{"Surveys asked": strconv.Itoa(s.Asked), "Surveys answered": strconv.Itoa(s.Answered),
				"Response rate": num(s.ResponseRate)} {
				if got := w.value("Satisfaction", label); !cellEq(got, want) {
					t.Errorf("%s: %s, want %s", label, got, want)
				}
			}
			var dims [][]string
			for _, d := range s.Dimensions {
				row := []string{tx.Value("dim", d.Dimension), strconv.Itoa(d.Answers), num(d.Mean)}
				for _, n := range d.Distribution {
					row = append(row, strconv.Itoa(n))
				}
				dims = append(dims, row)
			}
			same("dimensions", w.table("Satisfaction", "Dimension"), dims)
			var comments [][]string
			for _, c := range s.Comments {
				var sc []string
				for _, d := range service.SurveyDimensionNames() {
					if n, ok := c.Scores[d]; ok {
						sc = append(sc, fmt.Sprintf("%s %d", tx.Value("dim", d), n))
					}
				}
				comments = append(comments, []string{c.Number, c.At.In(b.sh).Format("2006-01-02 15:04"), joinComma(sc), c.Comment})
			}
			same("comments", w.table("Satisfaction", "Case"), comments)

			k := rep.Complaints
			for label, want := range map[string]string{"Complaints": strconv.Itoa(k.Total),
				"Mean hours to judgement": num(k.HoursToJudge), "Mean hours to close": num(k.HoursToClose)} {
				if got := w.value("Complaints", label); !cellEq(got, want) {
					t.Errorf("%s: %s, want %s", label, got, want)
				}
			}
			same("by classification", w.table("Complaints", "By classification"), countRows(k.ByClassification, "class"))
			same("by validity", w.table("Complaints", "By validity"), countRows(k.ByValidity, "validity"))
			same("by complaint source", w.table("Complaints", "By source"), countRows(k.BySource, "csource"))
			same("by stage", w.table("Complaints", "By stage"), countRows(k.ByStage, "stage"))

			work := func(x service.ReportWorkload) []string {
				return []string{strconv.Itoa(x.Cases), strconv.Itoa(x.Open), strconv.Itoa(x.Overdue), strconv.Itoa(x.Resolved), num(x.MedianHoursToResolve)}
			}
			var hs, ds [][]string
			for _, h := range rep.Workload.Handlers {
				hs = append(hs, append([]string{h.Name, h.Key}, work(h)...))
			}
			for _, d := range rep.Workload.Departments {
				ds = append(ds, append([]string{tx.Value("dept", d.Key)}, work(d)...))
			}
			same("handlers", w.table("Workload", "Handler"), hs)
			same("departments", w.table("Workload", "Department"), ds)

			x := rep.Bot
			for label, want := range map[string]string{
				"Conversations the bot answered": strconv.Itoa(x.Conversations), "Intakes ended (registered or handed off)": strconv.Itoa(x.Intakes),
				"Conversations registered by the bot alone": strconv.Itoa(x.Alone), "Share registered without a person": num(x.AloneShare),
				"Cases the bot registered alone": strconv.Itoa(x.Registered), "Drafts filed for an agent at a handoff": strconv.Itoa(x.ForAgent),
				"Questions before those registrations": strconv.Itoa(x.Questions), "Questions per case": num(x.QuestionsPerCase),
				"Handoffs to a person": strconv.Itoa(x.Handoffs), "Customer messages the bot answered": strconv.Itoa(x.Messages),
				"\"Didn't understand\" replies": strconv.Itoa(x.NotUnderstood), "\"Didn't understand\" rate": num(x.NotUnderstoodRate),
			} {
				if got := w.value("Bot", label); !cellEq(got, want) {
					t.Errorf("bot %s: %s, want %s", label, got, want)
				}
			}
			same("handoff reasons", w.table("Bot", "Why handed off"), countRows(x.HandoffsByReason, "reason"))

			// The case list: every case of the period, oldest first, in
			// English.
			var numbers []string
			if err := b.svc.Team().ReportCases(b.ctx, sup, f, func(rc service.ReportCase) error {
				numbers = append(numbers, rc.Case.Number)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			list := w.rows["Cases"]
			if len(list) != v.Total+1 || len(numbers) != v.Total {
				t.Fatalf("%d rows in the case list, want a header and %d cases", len(list), v.Total)
			}
			head := list[0]
			col := func(name string) int {
				i := slices.Index(head, name)
				if i < 0 {
					t.Fatalf("no column %q in %q", name, head)
				}
				return i
			}
			for i, n := range numbers {
				if list[i+1][col("Case")] != n {
					t.Errorf("case row %d: %q, want %s", i, list[i+1][col("Case")], n)
				}
			}
			c1 := list[1]
			if c1[col("Category")] != "Technical fault" || c1[col("Priority")] != "P1 urgent" || c1[col("State")] != "closed" ||
				c1[col("First response")] != "met" || c1[col("Timeliness")] != "5" || c1[col("Registered at")] != "2026-11-01T00:00:00+08:00" {
				t.Errorf("first case %q", c1)
			}

			// The same report in Chinese names its sheets so.
			buf.Reset()
			if err := reportxlsx.Write(&buf, "zh-CN", rep, func(func(service.ReportCase) error) error { return nil }); err != nil {
				t.Fatal(err)
			}
			zh := readWorkbook(t, buf.Bytes())
			if want := []string{"工单量", "时限达成", "满意度", "投诉", "工作量", "机器人", "回访与提醒", "工单明细"}; !slices.Equal(zh.sheets, want) {
				t.Errorf("sheets %q, want %q", zh.sheets, want)
			}
			if got := zh.value("工单量", "工单总数"); got != strconv.Itoa(v.Total) {
				t.Errorf("工单总数 %s, want %d", got, v.Total)
			}
		})
	}
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
