package service

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kefu-dev/kefu/channels"
)

// The monthly report (issue 13, SPEC §9): on the 1st of each month, in the
// deployment's zone, the previous month's report goes to the configured
// recipients by mail with the workbook attached, and to webhooks as a
// report.monthly event. Every process looks now and then
// (RunMonthlyReport); the month's row in monthly_reports is written in
// the transaction that queues the mails and the event, so a month goes out
// once however many processes look, and a process that was down on the
// 1st sends it when it comes back. Only the month just ended is sent:
// turning the report on mid-month sends last month's at once, never older
// ones. The mails ride the outbox like every other message, so a crash
// after the commit sends nothing twice (the mail channel records what the
// SMTP server accepted).

// EventReportMonthly is the webhook event of the monthly report: data
// holds the period and the report (Report's JSON, as
// /api/v1/reports/summary returns it).
const EventReportMonthly = "report.monthly"

// KindReport is the outbox kind of the report mail.
const KindReport = "report"

// MonthlyReport configures the monthly report.
type MonthlyReport struct {
	Enabled bool
	// Recipients are mail addresses; none: the webhook event only.
	Recipients []string
	Lang       string // the workbook's and the mail's language
	// Book renders the workbook and the mail (internal/reportxlsx).
	Book ReportBook
	// CheckEvery is how often a process looks whether a month is due
	// (default a minute).
	CheckEvery time.Duration
}

// ReportBook renders a report for the monthly mail.
type ReportBook interface {
	// Workbook writes r and its cases (each calls its fn with every one,
	// oldest first) as a file in lang.
	Workbook(w io.Writer, lang string, r Report, each func(fn func(ReportCase) error) error) error
	// Mail is what the mail says around the workbook of r, in lang.
	Mail(lang string, r Report) (ReportMail, error)
}

// ReportMail is the monthly mail: its subject and text, and the file's
// name and media type.
type ReportMail struct {
	Subject, Body         string
	FileName, ContentType string
}

// RunMonthlyReport sends each month's report when it is due, looking at
// once and then every CheckEvery until ctx ends. It does nothing when the
// report is not enabled.
func (s *Service) RunMonthlyReport(ctx context.Context) error {
	m := s.opt.Monthly
	if !m.Enabled {
		return nil
	}
	every := m.CheckEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.MonthlyReportDue(ctx); err != nil && ctx.Err() == nil {
			s.opt.Logger.Error("monthly report", "err", err) // tried again at the next look
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// MonthlyReportDue queues the report of the month before now's (in the
// deployment's zone) unless it was queued already; it returns the month
// (2006-01) when this call queued it, "" otherwise.
func (s *Service) MonthlyReportDue(ctx context.Context) (string, error) {
	m := s.opt.Monthly
	if !m.Enabled {
		return "", nil
	}
	loc := s.lc().Location
	now := s.opt.Now()
	l := now.In(loc)
	to := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
	from := to.AddDate(0, -1, 0)
	month := from.Format("2006-01")
	if done, err := s.opt.Store.MonthlyReportSent(ctx, month); err != nil || done {
		return "", err
	}
	p, err := s.periodParams(ReportFilter{From: from, To: to})
	if err != nil {
		return "", err
	}
	rep, err := s.summary(ctx, p)
	if err != nil {
		return "", fmt.Errorf("monthly report %s: %w", month, err)
	}
	var mail ReportMail
	var file bytes.Buffer
	if len(m.Recipients) > 0 {
		if m.Book == nil {
			return "", fmt.Errorf("monthly report %s: recipients but no ReportBook", month)
		}
		if mail, err = m.Book.Mail(m.Lang, rep); err != nil {
			return "", fmt.Errorf("monthly report %s: %w", month, err)
		}
		// Written before the transaction: the store is free to stream the
		// cases (SQLite has one connection).
		if err := m.Book.Workbook(&file, m.Lang, rep, func(fn func(ReportCase) error) error {
			return s.reportCases(ctx, p, fn)
		}); err != nil {
			return "", fmt.Errorf("monthly report %s: workbook: %w", month, err)
		}
	}
	queued := false
	err = s.opt.Store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		first, err := tx.MonthlyReportInsert(ctx, month, now)
		if err != nil || !first {
			return err // another process queued it meanwhile
		}
		for _, to := range m.Recipients {
			if _, err := tx.OutboxInsert(ctx, OutboxParams{
				Channel: channels.Email, ExternalUserID: to, Text: mail.Body, Kind: KindReport, Lang: m.Lang,
				Facts: channels.Facts{Subject: mail.Subject}, CreatedAt: now,
				Files: []channels.Attachment{{Name: mail.FileName, ContentType: mail.ContentType, Data: file.Bytes()}},
			}); err != nil {
				return err
			}
		}
		period := map[string]any{"month": month, "from": rep.From, "to": rep.To, "zone": rep.Zone}
		queued = true
		return s.emit(ctx, tx, EventReportMonthly, nil, map[string]any{"period": period, "summary": rep}, now)
	})
	if err != nil {
		return "", fmt.Errorf("monthly report %s: %w", month, err)
	}
	if !queued {
		return "", nil
	}
	s.opt.Logger.Info("monthly report queued", "month", month, "recipients", len(m.Recipients), "cases", rep.Volume.Total)
	s.Wake()
	return month, nil
}
