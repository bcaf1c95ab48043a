// Package reportxlsx writes a supervisor report (service.Report, issue 13)
// as an Excel workbook: one sheet each for volume, SLA compliance,
// satisfaction, complaints, workload and the bot, and the case list, with
// sheet names, headers and the names of values in the reader's language
// (i18n/*.yaml). Figures are numbers (shares with a percent format), so a
// manager can chart them in Excel. Every sheet goes through excelize's
// stream writer, which keeps rows on disk past a small buffer: a year of
// cases fits in memory.
//
// The console's report.xlsx endpoint and the monthly report mail
// (service.MonthlyReport) both use it; the package also says what the mail
// says around the file (Mail).
package reportxlsx

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/service"
)

// ContentType is the media type of the workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Write writes r as a workbook in lang (one of Languages; another gets the
// default); each calls its fn with every case of the report, oldest first
// (service.Team.ReportCases).
func Write(w io.Writer, lang string, r service.Report, each func(fn func(service.ReportCase) error) error) error {
	t, err := TextsFor(lang)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f, t: t, r: r}
	if b.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if b.pct, err = f.NewStyle(&excelize.Style{NumFmt: 10}); err != nil { // 0.00%
		return fmt.Errorf("xlsx: %w", err)
	}
	if b.dec, err = f.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 0.00
		return fmt.Errorf("xlsx: %w", err)
	}
	sheets := []struct {
		key   string
		write func(s *sheet)
	}{
		{"sheet.volume", b.volume}, {"sheet.sla", b.sla}, {"sheet.satisfaction", b.satisfaction},
		{"sheet.complaints", b.complaints}, {"sheet.workload", b.workload}, {"sheet.bot", b.bot},
		{"sheet.care", b.care},
	}
	for i, sh := range sheets {
		s, err := b.sheet(t.Get(sh.key), i == 0, 28)
		if err != nil {
			return err
		}
		sh.write(s)
		if err := s.flush(); err != nil {
			return err
		}
	}
	if err := b.cases(each); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// book is a workbook being written.
type book struct {
	f              *excelize.File
	t              Texts
	r              service.Report
	bold, pct, dec int
}

// sheet is one sheet's stream writer; the first error sticks.
type sheet struct {
	b   *book
	sw  *excelize.StreamWriter
	row int
	err error
}

// sheet starts the sheet name (renaming the workbook's first sheet when
// first), its first column width wide.
func (b *book) sheet(name string, first bool, wide float64) (*sheet, error) {
	if first {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("xlsx: sheet %s: %w", name, err)
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %s: %w", name, err)
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx: sheet %s: %w", name, err)
	}
	if err := sw.SetColWidth(1, 1, wide); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %s: %w", name, err)
	}
	if err := sw.SetColWidth(2, 12, 14); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %s: %w", name, err)
	}
	return &sheet{b: b, sw: sw}, nil
}

// put writes the next row; strings are stored as text, never run as
// formulas.
func (s *sheet) put(cells ...any) {
	s.row++
	if s.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(1, s.row)
	if err == nil {
		err = s.sw.SetRow(ref, cells)
	}
	if err != nil {
		s.err = fmt.Errorf("xlsx: row %d: %w", s.row, err)
	}
}

// head writes a row of bold texts.
func (s *sheet) head(texts ...string) {
	cells := make([]any, len(texts))
	for i, x := range texts {
		cells[i] = excelize.Cell{StyleID: s.b.bold, Value: x}
	}
	s.put(cells...)
}

func (s *sheet) skip() { s.row++ }

func (s *sheet) flush() error {
	if s.err != nil {
		return s.err
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

func (b *book) percent(v float64) excelize.Cell { return excelize.Cell{StyleID: b.pct, Value: v} }
func (b *book) decimal(v float64) excelize.Cell { return excelize.Cell{StyleID: b.dec, Value: v} }

// counts writes a titled two-column table; name turns a key into its text.
func (s *sheet) counts(title string, l []service.ReportCount, name func(string) string) {
	s.skip()
	s.head(title, s.b.t.Get("col.count"))
	for _, c := range l {
		s.put(name(c.Key), c.Count)
	}
}

func (b *book) value(kind string) func(string) string {
	return func(v string) string { return b.t.Value(kind, v) }
}

func (b *book) volume(s *sheet) {
	t, r := b.t, b.r
	s.head(t.Get("title"))
	const at = "2006-01-02 15:04"
	s.put(t.Get("label.period"), r.From.Format(at)+" – "+r.To.Format(at))
	s.put(t.Get("label.zone"), r.Zone)
	s.skip()
	v := r.Volume
	s.put(excelize.Cell{StyleID: b.bold, Value: t.Get("volume.total")}, v.Total)
	s.counts(t.Get("volume.by_category"), v.ByCategory, b.value("category"))
	s.counts(t.Get("volume.by_subtype"), v.BySubtype, func(k string) string {
		cat, sub, _ := strings.Cut(k, "/")
		if sub == "" {
			return t.Value("category", cat)
		}
		return t.Value("category", cat) + " / " + sub
	})
	s.counts(t.Get("volume.by_priority"), v.ByPriority, b.value("priority"))
	s.counts(t.Get("volume.by_department"), v.ByDepartment, b.value("dept"))
	s.counts(t.Get("volume.by_channel"), v.ByChannel, b.value("channel"))
	s.counts(t.Get("volume.by_source"), v.BySource, b.value("channel"))
	s.skip()
	s.head(t.Get("volume.per_day"))
	s.head(t.Get("col.day"), t.Get("col.count"))
	for _, d := range v.PerDay {
		s.put(d.Key, d.Count)
	}
}

func (b *book) sla(s *sheet) {
	t := b.t
	s.head(t.Get("sla.clock"), t.Get("sla.met"), t.Get("sla.missed"), t.Get("sla.pending"), t.Get("sla.rate"),
		t.Get("sla.median"), t.Get("sla.p90"))
	for _, k := range b.r.SLA {
		s.put(t.Value("clock", string(k.Clock)), k.Met, k.Missed, k.Pending, b.percent(k.Rate),
			b.decimal(k.MedianMinutes), b.decimal(k.P90Minutes))
	}
}

func (b *book) satisfaction(s *sheet) {
	t, sv := b.t, b.r.Satisfaction
	s.put(t.Get("sat.asked"), sv.Asked)
	s.put(t.Get("sat.answered"), sv.Answered)
	s.put(t.Get("sat.response_rate"), b.percent(sv.ResponseRate))
	s.skip()
	head := []string{t.Get("sat.dimension"), t.Get("sat.answers"), t.Get("sat.mean")}
	for n := 1; n <= 5; n++ {
		head = append(head, t.Get("sat.score", "n", fmt.Sprint(n)))
	}
	s.head(head...)
	for _, d := range sv.Dimensions {
		row := []any{t.Value("dim", d.Dimension), d.Answers, b.decimal(d.Mean)}
		for _, n := range d.Distribution {
			row = append(row, n)
		}
		s.put(row...)
	}
	s.skip()
	s.head(t.Get("sat.comments"))
	s.head(t.Get("sat.case"), t.Get("sat.at"), t.Get("sat.scores"), t.Get("sat.comment"))
	for _, c := range sv.Comments {
		var scores []string
		for _, d := range service.SurveyDimensionNames() {
			if n, ok := c.Scores[d]; ok {
				scores = append(scores, fmt.Sprintf("%s %d", t.Value("dim", d), n))
			}
		}
		s.put(c.Number, c.At.In(b.r.From.Location()).Format("2006-01-02 15:04"), strings.Join(scores, ", "), c.Comment)
	}
}

func (b *book) complaints(s *sheet) {
	t, k := b.t, b.r.Complaints
	s.put(t.Get("complaints.total"), k.Total)
	s.put(t.Get("complaints.hours_to_judge"), b.decimal(k.HoursToJudge))
	s.put(t.Get("complaints.hours_to_close"), b.decimal(k.HoursToClose))
	s.counts(t.Get("complaints.by_classification"), k.ByClassification, b.value("class"))
	s.counts(t.Get("complaints.by_validity"), k.ByValidity, b.value("validity"))
	s.counts(t.Get("complaints.by_source"), k.BySource, b.value("csource"))
	s.counts(t.Get("complaints.by_stage"), k.ByStage, b.value("stage"))
}

func (b *book) workload(s *sheet) {
	t, w := b.t, b.r.Workload
	figures := func(x service.ReportWorkload) []any {
		return []any{x.Cases, x.Open, x.Overdue, x.Resolved, b.decimal(x.MedianHoursToResolve)}
	}
	cols := []string{t.Get("work.cases"), t.Get("work.open"), t.Get("work.overdue"), t.Get("work.resolved"), t.Get("work.median_hours")}
	s.head(t.Get("work.handlers"))
	s.head(append([]string{t.Get("work.handler"), t.Get("work.user_id")}, cols...)...)
	for _, h := range w.Handlers {
		s.put(append([]any{h.Name, h.Key}, figures(h)...)...)
	}
	s.skip()
	s.head(t.Get("work.departments"))
	s.head(append([]string{t.Get("work.department")}, cols...)...)
	for _, d := range w.Departments {
		s.put(append([]any{t.Value("dept", d.Key)}, figures(d)...)...)
	}
}

func (b *book) bot(s *sheet) {
	t, x := b.t, b.r.Bot
	for _, f := range []struct {
		key string
		v   any
	}{
		{"bot.conversations", x.Conversations}, {"bot.intakes", x.Intakes}, {"bot.alone", x.Alone},
		{"bot.alone_share", b.percent(x.AloneShare)}, {"bot.registered", x.Registered}, {"bot.for_agent", x.ForAgent},
		{"bot.questions", x.Questions}, {"bot.questions_per_case", b.decimal(x.QuestionsPerCase)},
		{"bot.handoffs", x.Handoffs}, {"bot.messages", x.Messages}, {"bot.not_understood", x.NotUnderstood},
		{"bot.not_understood_rate", b.percent(x.NotUnderstoodRate)},
	} {
		s.put(t.Get(f.key), f.v)
	}
	s.counts(t.Get("bot.handoff_reasons"), x.HandoffsByReason, b.value("reason"))
}

func (b *book) care(s *sheet) {
	t, x := b.t, b.r.Care
	s.put(t.Get("care.members_served"), x.MembersServed)
	s.put(t.Get("care.members_followed_up"), x.MembersFollowedUp)
	s.put(t.Get("care.members_share"), b.percent(x.MembersShare))
	s.skip()
	s.head(t.Get("care.touchpoint"), t.Get("care.due"), t.Get("care.sent"), t.Get("care.answered"), t.Get("care.tasks"),
		t.Get("care.no_answer"), t.Get("care.skipped"), t.Get("care.planned"), t.Get("care.outcomes"))
	for _, r := range x.Touchpoints {
		var outs []string
		for _, k := range sortedKeys(r.Outcomes) {
			outs = append(outs, fmt.Sprintf("%s %d", t.Value("care_outcome", k), r.Outcomes[k]))
		}
		s.put(r.Touchpoint, r.Due, r.Sent, r.Answered, r.Tasks, r.NoAnswer, r.Skipped, r.Planned, strings.Join(outs, ", "))
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cases writes the case list: one row per case, values named in the
// workbook's language except what customers typed.
func (b *book) cases(each func(fn func(service.ReportCase) error) error) error {
	s, err := b.sheet(b.t.Get("sheet.cases"), false, 14)
	if err != nil {
		return err
	}
	cols := CaseColumns(service.SurveyDimensionNames())
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Label(b.t)
	}
	s.head(head...)
	row := make([]any, len(cols))
	err = each(func(rc service.ReportCase) error {
		for i, v := range CaseRow(rc, cols, func(s string) string { return s }) {
			if k := cols[i].kind; k != "" && v != "" {
				v = b.t.Value(k, v)
			}
			row[i] = v
		}
		s.put(row...)
		return s.err
	})
	if err != nil {
		return err
	}
	return s.flush()
}

// Mail is what the monthly mail says around the workbook of r, in lang:
// its subject, its text and the file's name.
func Mail(lang string, r service.Report) (service.ReportMail, error) {
	t, err := TextsFor(lang)
	if err != nil {
		return service.ReportMail{}, err
	}
	month := r.From.Format("2006-01")
	last := r.To.Add(-time.Nanosecond) // the period is [From, To)
	kv := []string{"month", month, "from", r.From.Format(time.DateOnly), "to", last.Format(time.DateOnly), "zone", r.Zone,
		"cases", fmt.Sprint(r.Volume.Total), "complaints", fmt.Sprint(r.Complaints.Total)}
	return service.ReportMail{Subject: t.Get("mail.subject", kv...), Body: t.Get("mail.body", kv...),
		FileName: "kefu-report-" + month + ".xlsx", ContentType: ContentType}, nil
}

// Book is the report's workbook and mail for service.MonthlyReport.
type Book struct{}

var _ service.ReportBook = Book{}

// Workbook writes r as Write does.
func (Book) Workbook(w io.Writer, lang string, r service.Report, each func(fn func(service.ReportCase) error) error) error {
	return Write(w, lang, r, each)
}

// Mail is Mail.
func (Book) Mail(lang string, r service.Report) (service.ReportMail, error) { return Mail(lang, r) }
