package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/report"
)

// The reports (service.ReportStore) aggregate in SQL; the statements
// mirror the SQLite store's, with timestamptz arithmetic instead of
// milliseconds.

// reportCases is the CTE f of the selected cases; $1–$7 are reportArgs.
const reportCases = `f AS (
	SELECT * FROM cases
	WHERE created_at >= $1 AND created_at < $2 AND ($3 = '' OR department = $3) AND ($4 = '' OR channel = $4)
		AND ($5 = '' OR category = $5) AND ($6 = '' OR priority = $6) AND ($7::bigint = 0 OR assignee_id = $7))`

func reportArgs(p service.ReportParams) []any {
	return []any{p.From, p.To, string(p.Department), p.Channel, string(p.Category), string(p.Priority), p.Assignee}
}

const reportVolumeSQL = `WITH ` + reportCases + `,
days AS (SELECT * FROM unnest($8::text[], $9::timestamptz[], $10::timestamptz[]) AS d (day, lo, hi))
SELECT 'total', '', count(*) FROM f
UNION ALL SELECT 'category', category, count(*) FROM f GROUP BY category
UNION ALL SELECT 'subtype', category || '/' || subtype, count(*) FROM f GROUP BY category, subtype
UNION ALL SELECT 'priority', priority, count(*) FROM f GROUP BY priority
UNION ALL SELECT 'department', department, count(*) FROM f GROUP BY department
UNION ALL SELECT 'channel', channel, count(*) FROM f GROUP BY channel
UNION ALL SELECT 'source', source, count(*) FROM f GROUP BY source
UNION ALL SELECT 'day', d.day, count(f.id) FROM days d JOIN f ON f.created_at >= d.lo AND f.created_at < d.hi GROUP BY d.day`

// ReportVolume counts the selected cases by each dimension and per day.
func (s *Store) ReportVolume(ctx context.Context, p service.ReportParams) (service.ReportVolume, error) {
	names := make([]string, len(p.Days))
	los := make([]time.Time, len(p.Days))
	his := make([]time.Time, len(p.Days))
	for i, d := range p.Days {
		names[i], los[i], his[i] = d.Day, d.From, d.To
	}
	rows, err := s.q(ctx).Query(ctx, reportVolumeSQL, append(reportArgs(p), names, los, his)...)
	if err != nil {
		return service.ReportVolume{}, fmt.Errorf("postgres: report volume: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		if err := rows.Scan(&r.Group, &r.Key, &r.Count); err != nil {
			return service.ReportVolume{}, fmt.Errorf("postgres: report volume: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportVolume{}, fmt.Errorf("postgres: report volume: %w", err)
	}
	return report.Volume(out, p.Days), nil
}

func milestone(name string) string { return "(milestones->>'" + name + "')::timestamptz" }

// reportClocks restates cases.SLAPolicy.Clocks and Clock.status in SQL, as
// the SQLite store does: $8 is now; $9 the first-response, $10 the plan and
// $11 the resolve-notice durations; $12–$14 start-by for P1–P3 (NULL:
// none), all in microseconds.
var reportClocks = `WITH ` + reportCases + `,
m AS (SELECT id, assignee_id, state, category, priority, department, created_at AS created,
	deadline_first_response AS dfr, deadline_registration AS dreg, deadline_classification AS dcls,
	deadline_start_by AS dsb,
	` + milestone("first_response") + ` AS first_response, ` + milestone("registered") + ` AS registered,
	` + milestone("classified") + ` AS classified, ` + milestone("assigned") + ` AS assigned,
	` + milestone("plan_written") + ` AS plan_written, ` + milestone("started") + ` AS started,
	` + milestone("resolved") + ` AS resolved, ` + milestone("resolve_notified") + ` AS resolve_notified,
	` + milestone("notice_from") + ` AS notice_from, ` + milestone("closed") + ` AS closed
	FROM f),
r AS (SELECT *, COALESCE(registered, created) AS reg FROM m),
a AS (SELECT *, COALESCE(assigned, CASE WHEN state <> 'registered' AND department <> '' THEN reg END) AS asg FROM r),
k AS (
	SELECT id, 'first_response' AS clock, dfr - $9::bigint * interval '1 microsecond' AS start, dfr AS due, first_response AS done, closed FROM a
	UNION ALL SELECT id, 'registration', dfr - $9::bigint * interval '1 microsecond', dreg, reg, closed FROM a
	UNION ALL SELECT id, 'classification', reg, dcls,
		COALESCE(classified, CASE WHEN registered IS NULL AND category <> '' AND priority <> '' THEN created END), closed FROM a
	UNION ALL SELECT id, 'start_by', reg,
		COALESCE(dsb, reg + (CASE priority WHEN 'P1' THEN $12::bigint WHEN 'P2' THEN $13::bigint WHEN 'P3' THEN $14::bigint END) * interval '1 microsecond'),
		CASE WHEN started IS NULL OR resolved < started THEN resolved ELSE started END, closed FROM a
	UNION ALL SELECT id, 'plan', asg, asg + $10::bigint * interval '1 microsecond',
		CASE WHEN plan_written IS NULL OR resolved < plan_written THEN resolved ELSE plan_written END, closed FROM a
	UNION ALL SELECT id, 'resolve_notice', resolved, GREATEST(resolved, notice_from) + $11::bigint * interval '1 microsecond', resolve_notified, closed FROM a),
st AS (SELECT id, clock, start, done, CASE
	WHEN due IS NULL OR start IS NULL THEN 'none'
	WHEN done IS NOT NULL AND done <= due THEN 'met'
	WHEN done IS NOT NULL THEN 'missed'
	WHEN closed IS NOT NULL AND closed < due THEN 'none'
	WHEN $8 >= due THEN 'missed'
	ELSE 'pending' END AS status FROM k)`

// reportSLASQL adds the median and 90th percentile of the actual times by
// nearest rank, as the SQLite store does, in microseconds.
var reportSLASQL = reportClocks + `,
pc AS (SELECT clock, dur, row_number() OVER (PARTITION BY clock ORDER BY dur) AS rn, count(*) OVER (PARTITION BY clock) AS n
	FROM (SELECT clock, (extract(epoch FROM done - start) * 1000000)::bigint AS dur FROM st
		WHERE status IN ('met', 'missed') AND done IS NOT NULL) AS x)
SELECT clock, count(*) FILTER (WHERE status = 'met'), count(*) FILTER (WHERE status = 'missed'),
	count(*) FILTER (WHERE status = 'pending'),
	(SELECT dur FROM pc WHERE pc.clock = st.clock AND rn = (n * 50 + 99) / 100),
	(SELECT dur FROM pc WHERE pc.clock = st.clock AND rn = (n * 90 + 99) / 100)
FROM st GROUP BY clock`

// clockArgs are the parameters of reportClocks.
func clockArgs(p service.ReportParams) []any {
	us := func(d time.Duration) int64 { return int64(d / time.Microsecond) }
	return append(reportArgs(p), p.Now, us(p.SLA.FirstResponse), us(p.SLA.PlanWithin), us(p.SLA.ResolveNotice),
		report.StartBy(p, cases.P1, time.Microsecond), report.StartBy(p, cases.P2, time.Microsecond), report.StartBy(p, cases.P3, time.Microsecond))
}

// reportWorkloadSQL: see the SQLite store; the median is computed the same
// way (the mean of the middle one or two), in microseconds.
var reportWorkloadSQL = reportClocks + `,
-- A case is overdue when one of its deadlines is missed and still open
-- (of a resolved case only the resolution notice counts): grouped once,
-- not looked up per case, which is quadratic in the month's cases.
ov AS (SELECT st.id FROM st JOIN a ON a.id = st.id
	WHERE st.status = 'missed' AND st.done IS NULL AND a.state <> 'closed' AND (a.state <> 'resolved' OR st.clock = 'resolve_notice')
	GROUP BY st.id),
per AS (SELECT a.id, a.assignee_id, a.department, a.state, extract(epoch FROM a.resolved - a.reg) * 1000000 AS dur, ov.id IS NOT NULL AS overdue
	FROM a LEFT JOIN ov ON ov.id = a.id),
g AS (SELECT 'handler' AS grp, assignee_id::text AS key, per.* FROM per WHERE assignee_id IS NOT NULL
	UNION ALL SELECT 'department', department, per.* FROM per),
md AS (SELECT grp, key, round(avg(dur))::bigint AS median FROM (
	SELECT grp, key, dur, row_number() OVER (PARTITION BY grp, key ORDER BY dur) AS rn,
		count(*) OVER (PARTITION BY grp, key) AS n FROM g WHERE dur IS NOT NULL) AS x
	WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp, key)
SELECT g.grp, g.key, count(*), count(*) FILTER (WHERE g.state NOT IN ('resolved', 'closed')),
	count(*) FILTER (WHERE g.overdue), count(*) FILTER (WHERE g.dur IS NOT NULL), md.median
FROM g LEFT JOIN md ON md.grp = g.grp AND md.key = g.key GROUP BY g.grp, g.key, md.median`

// ReportWorkload counts the cases per handler and per department.
func (s *Store) ReportWorkload(ctx context.Context, p service.ReportParams) ([]service.ReportWorkloadRow, error) {
	rows, err := s.q(ctx).Query(ctx, reportWorkloadSQL, clockArgs(p)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: report workload: %w", err)
	}
	defer rows.Close()
	var out []service.ReportWorkloadRow
	for rows.Next() {
		var w service.ReportWorkloadRow
		var median *int64
		if err := rows.Scan(&w.Group, &w.Key, &w.Cases, &w.Open, &w.Overdue, &w.Resolved, &median); err != nil {
			return nil, fmt.Errorf("postgres: report workload: %w", err)
		}
		if median != nil {
			w.MedianToResolve = time.Duration(*median) * time.Microsecond
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: report workload: %w", err)
	}
	return out, nil
}

// ReportSLA counts met, missed and pending deadlines per clock.
func (s *Store) ReportSLA(ctx context.Context, p service.ReportParams) ([]service.ReportClock, error) {
	rows, err := s.q(ctx).Query(ctx, reportSLASQL, clockArgs(p)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: report sla: %w", err)
	}
	defer rows.Close()
	got := map[string]service.ReportClock{}
	for rows.Next() {
		var name string
		var k service.ReportClock
		var p50, p90 *int64
		if err := rows.Scan(&name, &k.Met, &k.Missed, &k.Pending, &p50, &p90); err != nil {
			return nil, fmt.Errorf("postgres: report sla: %w", err)
		}
		if p50 != nil && p90 != nil {
			k.Median, k.P90 = time.Duration(*p50)*time.Microsecond, time.Duration(*p90)*time.Microsecond
		}
		got[name] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: report sla: %w", err)
	}
	return report.SLA(got), nil
}

// reportSurveySQL: see the SQLite store; $8 is the list of dimensions.
const reportSurveySQL = `WITH ` + reportCases + `,
s AS (SELECT h.case_id, ',' || h.to_value || ',' AS v FROM case_history h JOIN f ON f.id = h.case_id
	WHERE h.action = 'survey'
		AND h.id = (SELECT max(h2.id) FROM case_history h2 WHERE h2.case_id = h.case_id AND h2.action = 'survey')),
sc AS (SELECT dims.dim, substring(s.v FROM ',' || dims.dim || '=([0-9]+),')::int AS score
	FROM s CROSS JOIN unnest($8::text[]) AS dims (dim) WHERE strpos(s.v, ',' || dims.dim || '=') > 0)
SELECT 'asked', '', 0, count(*) FROM f WHERE milestones->>'resolved' IS NOT NULL OR id IN (SELECT case_id FROM s)
UNION ALL SELECT 'answered', '', 0, count(*) FROM s
UNION ALL SELECT 'score', dim, score, count(*) FROM sc GROUP BY dim, score`

// ReportSatisfaction counts the latest survey answers per dimension and score.
func (s *Store) ReportSatisfaction(ctx context.Context, p service.ReportParams) (service.ReportSurveys, error) {
	rows, err := s.q(ctx).Query(ctx, reportSurveySQL, append(reportArgs(p), p.Dimensions)...)
	if err != nil {
		return service.ReportSurveys{}, fmt.Errorf("postgres: report satisfaction: %w", err)
	}
	defer rows.Close()
	var out service.ReportSurveys
	for rows.Next() {
		var kind string
		var sc service.ReportScore
		if err := rows.Scan(&kind, &sc.Dimension, &sc.Score, &sc.Count); err != nil {
			return service.ReportSurveys{}, fmt.Errorf("postgres: report satisfaction: %w", err)
		}
		switch kind {
		case "asked":
			out.Asked = sc.Count
		case "answered":
			out.Answered = sc.Count
		default:
			out.Scores = append(out.Scores, sc)
		}
	}
	if err := rows.Err(); err != nil {
		return service.ReportSurveys{}, fmt.Errorf("postgres: report satisfaction: %w", err)
	}
	rows.Close() // the next query needs the connection (in a transaction)
	if out.Comments, err = s.reportComments(ctx, p); err != nil {
		return service.ReportSurveys{}, err
	}
	return out, nil
}

// reportComplaintSQL reads the complaints out of each case's JSON array;
// see the SQLite store for why they have no table of their own.
const reportComplaintSQL = `WITH c AS (
	SELECT complaints FROM cases
	WHERE complaints IS NOT NULL AND ($3 = '' OR department = $3) AND ($4 = '' OR channel = $4)
		AND ($5 = '' OR category = $5) AND ($6 = '' OR priority = $6) AND ($7::bigint = 0 OR assignee_id = $7)),
k AS (SELECT j->>'classification' AS cls, (j->>'valid')::boolean AS valid, j->>'source' AS source, j->>'stage' AS stage,
	(j->>'opened_at')::timestamptz AS opened, (j->>'judged_at')::timestamptz AS judged,
	(j->>'follow_up_at')::timestamptz AS followed
	FROM c, jsonb_array_elements(c.complaints) AS j
	WHERE (j->>'opened_at')::timestamptz >= $1 AND (j->>'opened_at')::timestamptz < $2)
SELECT 'total', '', count(*) FROM k
UNION ALL SELECT 'classification', COALESCE(cls, ''), count(*) FROM k GROUP BY COALESCE(cls, '')
UNION ALL SELECT 'validity', v, count(*) FROM (SELECT CASE WHEN judged IS NULL THEN 'not_judged' WHEN valid THEN 'valid' ELSE 'invalid' END AS v FROM k) AS x GROUP BY v
UNION ALL SELECT 'source', COALESCE(source, ''), count(*) FROM k GROUP BY COALESCE(source, '')
UNION ALL SELECT 'stage', COALESCE(stage, ''), count(*) FROM k GROUP BY COALESCE(stage, '')
UNION ALL SELECT 'mean_judge', '', round(avg(extract(epoch FROM judged - opened)) * 1000)::bigint FROM k WHERE judged IS NOT NULL
UNION ALL SELECT 'mean_close', '', round(avg(extract(epoch FROM followed - opened)) * 1000)::bigint FROM k WHERE stage = 'closed' AND followed IS NOT NULL`

// ReportComplaints counts the complaints opened in the period.
func (s *Store) ReportComplaints(ctx context.Context, p service.ReportParams) (service.ReportComplaints, error) {
	rows, err := s.q(ctx).Query(ctx, reportComplaintSQL, reportArgs(p)...)
	if err != nil {
		return service.ReportComplaints{}, fmt.Errorf("postgres: report complaints: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		var n *int64 // a mean over no complaints is NULL
		if err := rows.Scan(&r.Group, &r.Key, &n); err != nil {
			return service.ReportComplaints{}, fmt.Errorf("postgres: report complaints: %w", err)
		}
		if n != nil {
			r.Count = int(*n)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportComplaints{}, fmt.Errorf("postgres: report complaints: %w", err)
	}
	return report.Complaints(out), nil
}

// reportCasesSQL lists the selected cases, oldest first, each with its
// latest survey answer (” when none).
const reportCasesSQL = `WITH ` + reportCases + `
SELECT ` + caseCols + `, COALESCE((SELECT h.to_value FROM case_history h WHERE h.case_id = f.id AND h.action = 'survey'
	ORDER BY h.id DESC LIMIT 1), '') FROM f ORDER BY created_at, id`

// withSurvey scans the case columns and then the survey answer.
type withSurvey struct {
	r      pgx.Row
	survey *string
}

func (w withSurvey) Scan(dest ...any) error { return w.r.Scan(append(dest, w.survey)...) }

// ReportCases calls fn with each selected case, oldest first, while the
// rows stream.
func (s *Store) ReportCases(ctx context.Context, p service.ReportParams, fn func(c *cases.Case, survey string) error) error {
	rows, err := s.q(ctx).Query(ctx, reportCasesSQL, reportArgs(p)...)
	if err != nil {
		return fmt.Errorf("postgres: report cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var survey string
		c, err := scanCase(withSurvey{rows, &survey})
		if err != nil {
			return fmt.Errorf("postgres: report cases: %w", err)
		}
		if err := fn(c, survey); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: report cases: %w", err)
	}
	return nil
}

// reportCommentSQL lists the latest survey answer of each selected case
// that came with a comment, newest first; $8 is the limit.
const reportCommentSQL = `WITH ` + reportCases + `
SELECT f.number, h.at, h.to_value, h.reason FROM case_history h JOIN f ON f.id = h.case_id
WHERE h.action = 'survey' AND h.reason <> ''
	AND h.id = (SELECT max(h2.id) FROM case_history h2 WHERE h2.case_id = h.case_id AND h2.action = 'survey')
ORDER BY h.at DESC, h.id DESC LIMIT $8`

func (s *Store) reportComments(ctx context.Context, p service.ReportParams) ([]service.ReportComment, error) {
	rows, err := s.q(ctx).Query(ctx, reportCommentSQL, append(reportArgs(p), p.Comments)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: report comments: %w", err)
	}
	defer rows.Close()
	var out []service.ReportComment
	for rows.Next() {
		var c service.ReportComment
		if err := rows.Scan(&c.Number, timeCol{&c.At}, &c.Answer, &c.Comment); err != nil {
			return nil, fmt.Errorf("postgres: report comments: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: report comments: %w", err)
	}
	return out, nil
}
