package postgres_test

import (
	"context"
	"flag"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/storetest"
)

var (
	reportCases  = flag.Int("report.cases", 1_000_000, "cases seeded for BenchmarkReportMonth")
	reportMonths = flag.Int("report.months", 12, "months the seeded cases spread over")
)

// BenchmarkReportMonth times one month's full report (volume, SLA,
// workload, satisfaction, complaints) over a table of -report.cases cases
// spread over -report.months months, against the simplest aggregate over
// the same rows: SELECT category, count(*) … GROUP BY for that month. The
// figure to read is x-groupby, the report's time as a multiple of the
// baseline's, both measured in the same loop (the machines are shared).
//
//	go test ./store/postgres -run '^$' -bench ReportMonth -benchtime 10x
func BenchmarkReportMonth(b *testing.B) {
	ctx := context.Background()
	url := storetest.PostgresDB(b)
	s, err := postgres.Open(ctx, url, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()

	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Duration(*reportMonths) * 30 * 24 * time.Hour
	t0 := time.Now()
	// Cases of every category, priority, department and channel; half with
	// milestones met or late, some assigned, surveyed or complained about.
	if _, err := pool.Exec(ctx, `
INSERT INTO users (name, role, department, token_hash, created_at)
SELECT 'Handler ' || g, 'specialist', 'technical', decode(md5('h' || g), 'hex'), now() FROM generate_series(1, 20) g`); err != nil {
		b.Fatalf("seed users: %v", err)
	}
	if _, err := pool.Exec(ctx, `
INSERT INTO cases (number, channel, source, language, fields, category, subtype, priority, department, state,
	deadline_first_response, deadline_registration, deadline_classification, deadline_start_by,
	created_at, updated_at, milestones, assignee_id, complaints)
SELECT 'B' || g,
	(ARRAY['wechat','email','telegram','webchat','hotline'])[1 + g % 5], (ARRAY['','hotline','dealer'])[1 + g % 3], 'zh-CN',
	'{"symptom":"x"}', c.cat, 'other', (ARRAY['P1','P2','P3'])[1 + g % 3], c.dept,
	(ARRAY['registered','assigned','in_progress','resolved','closed'])[1 + g % 5],
	t + interval '30 minutes', t + interval '2 hours', t + interval '1 hour', t + interval '8 hours',
	t, t,
	CASE WHEN g % 2 = 0 THEN jsonb_build_object(
		'first_response', t + ((g % 50) || ' minutes')::interval,
		'registered', t + ((g % 150) || ' minutes')::interval,
		'classified', t + ((g % 70) || ' minutes')::interval,
		'assigned', t + interval '2 hours',
		'plan_written', t + ((120 + g % 200) || ' minutes')::interval,
		'started', t + ((g % 600) || ' minutes')::interval,
		'resolved', t + ((g % 3000) || ' minutes')::interval) END,
	(SELECT id FROM users ORDER BY id LIMIT 1 OFFSET g % 20),
	CASE WHEN g % 40 = 0 THEN '[{"classification":"service_attitude","valid":true,"stage":"closed","source":"customer"}]'::jsonb END
FROM generate_series(1, $1::int) g,
	LATERAL (SELECT $2::timestamptz + (g::float8 / $1) * $3::bigint * interval '1 microsecond' AS t) AS tt,
	LATERAL (SELECT (ARRAY['technical','logistics','quality','consultation'])[1 + g % 4] AS cat,
		(ARRAY['technical','logistics','quality','service'])[1 + g % 4] AS dept) AS c`,
		*reportCases, start, int64(span/time.Microsecond)); err != nil {
		b.Fatalf("seed cases: %v", err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE cases`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d cases in %s", *reportCases, time.Since(t0).Round(time.Second))

	from := start.AddDate(0, *reportMonths/2, 0)
	p := service.ReportParams{From: from, To: from.AddDate(0, 1, 0), SLA: cases.DefaultSLA(), Now: from.AddDate(0, 1, 5),
		Dimensions: []string{"timeliness", "professionalism", "effectiveness"}, Comments: service.MaxReportComments}
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		p.Days = append(p.Days, service.ReportDay{Day: d.Format("2006-01-02"), From: d, To: d.AddDate(0, 0, 1)})
	}
	if testing.Verbose() {
		for name, f := range map[string]func() error{
			"volume":       func() error { _, err := s.ReportVolume(ctx, p); return err },
			"sla":          func() error { _, err := s.ReportSLA(ctx, p); return err },
			"workload":     func() error { _, err := s.ReportWorkload(ctx, p); return err },
			"satisfaction": func() error { _, err := s.ReportSatisfaction(ctx, p); return err },
			"complaints":   func() error { _, err := s.ReportComplaints(ctx, p); return err },
		} {
			t := time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %s", name, time.Since(t).Round(time.Millisecond))
		}
	}
	var report, baseline time.Duration
	var total int64
	for b.Loop() {
		t := time.Now()
		var n int64
		rows, err := pool.Query(ctx, `SELECT category, count(*) FROM cases WHERE created_at >= $1 AND created_at < $2 GROUP BY category`, p.From, p.To)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var cat string
			var c int64
			if err := rows.Scan(&cat, &c); err != nil {
				b.Fatal(err)
			}
			n += c
		}
		rows.Close()
		baseline += time.Since(t)

		t = time.Now()
		v, err := s.ReportVolume(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ReportSLA(ctx, p); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ReportWorkload(ctx, p); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ReportSatisfaction(ctx, p); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ReportComplaints(ctx, p); err != nil {
			b.Fatal(err)
		}
		report += time.Since(t)
		if int64(v.Total) != n {
			b.Fatalf("report counts %d cases, the baseline %d", v.Total, n)
		}
		total = n
	}
	b.ReportMetric(float64(total), "cases/month")
	b.ReportMetric(float64(report)/float64(baseline), "x-groupby")
	b.ReportMetric(float64(report.Milliseconds())/float64(b.N), "ms/report")
}
