package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/internal/report"
)

// The reports (service.ReportStore) aggregate in SQL. Times compare as
// integer milliseconds: the deadline columns are fixed-width UTC text, the
// milestones Go's RFC 3339 in the case's JSON (any offset), and
// julianday() reads both.

// reportCases is the CTE f of the selected cases; ?1–?7 are reportArgs.
const reportCases = `f AS (
	SELECT * FROM cases
	WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR department = ?3) AND (?4 = '' OR channel = ?4)
		AND (?5 = '' OR category = ?5) AND (?6 = '' OR priority = ?6) AND (?7 = 0 OR assignee_id = ?7))`

func reportArgs(p service.ReportParams) []any {
	return []any{ts(p.From), ts(p.To), string(p.Department), p.Channel, string(p.Category), string(p.Priority), p.Assignee}
}

// query runs a report query in the caller's transaction when there is
// one: SQLite has one connection.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t := s.ctxTx(ctx); t != nil {
		return t.tx.QueryContext(ctx, q, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

const reportVolumeSQL = `WITH ` + reportCases + `,
days AS (SELECT json_extract(value, '$[0]') AS day, json_extract(value, '$[1]') AS lo, json_extract(value, '$[2]') AS hi
	FROM json_each(?8))
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
	days := make([][3]string, len(p.Days))
	for i, d := range p.Days {
		days[i] = [3]string{d.Day, ts(d.From), ts(d.To)}
	}
	dj, err := jsonText(days)
	if err != nil {
		return service.ReportVolume{}, err
	}
	rows, err := s.query(ctx, reportVolumeSQL, append(reportArgs(p), dj)...)
	if err != nil {
		return service.ReportVolume{}, fmt.Errorf("sqlite: report volume: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		if err := rows.Scan(&r.Group, &r.Key, &r.Count); err != nil {
			return service.ReportVolume{}, fmt.Errorf("sqlite: report volume: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportVolume{}, fmt.Errorf("sqlite: report volume: %w", err)
	}
	return report.Volume(out, p.Days), nil
}

// msOf is x as integer milliseconds since the epoch, NULL for NULL.
func msOf(x string) string {
	return "CAST(round((julianday(" + x + ") - 2440587.5) * 86400000.0) AS INTEGER)"
}

func milestone(name string) string { return msOf("json_extract(milestones, '$." + name + "')") }

// reportClocks restates cases.SLAPolicy.Clocks and Clock.status in SQL:
// k has one row per case and clock with its start, due and done times
// (NULL for zero). ?8 is now; ?9 the first-response, ?10 the plan and ?11
// the resolve-notice durations; ?12–?14 start-by for P1–P3 (NULL: none),
// all in milliseconds. A change to Clocks must be made here and in the
// PostgreSQL store; the report tests compare the three.
var reportClocks = `WITH ` + reportCases + `,
m AS (SELECT id, assignee_id, state, category, priority, department,
	` + msOf("created_at") + ` AS created, ` + msOf("deadline_first_response") + ` AS dfr,
	` + msOf("deadline_registration") + ` AS dreg, ` + msOf("deadline_classification") + ` AS dcls,
	` + msOf("deadline_start_by") + ` AS dsb,
	` + milestone("first_response") + ` AS first_response, ` + milestone("registered") + ` AS registered,
	` + milestone("classified") + ` AS classified, ` + milestone("assigned") + ` AS assigned,
	` + milestone("plan_written") + ` AS plan_written, ` + milestone("started") + ` AS started,
	` + milestone("resolved") + ` AS resolved, ` + milestone("resolve_notified") + ` AS resolve_notified,
	` + milestone("notice_from") + ` AS notice_from, ` + milestone("closed") + ` AS closed
	FROM f),
r AS (SELECT *, COALESCE(registered, created) AS reg FROM m),
a AS (SELECT *, COALESCE(assigned, CASE WHEN state <> 'registered' AND department <> '' THEN reg END) AS asg FROM r),
k AS (
	SELECT id, 'first_response' AS clock, dfr - ?9 AS start, dfr AS due, first_response AS done, closed FROM a
	UNION ALL SELECT id, 'registration', dfr - ?9, dreg, reg, closed FROM a
	UNION ALL SELECT id, 'classification', reg, dcls,
		COALESCE(classified, CASE WHEN registered IS NULL AND category <> '' AND priority <> '' THEN created END), closed FROM a
	UNION ALL SELECT id, 'start_by', reg,
		COALESCE(dsb, reg + CASE priority WHEN 'P1' THEN ?12 WHEN 'P2' THEN ?13 WHEN 'P3' THEN ?14 END),
		CASE WHEN started IS NULL OR resolved < started THEN resolved ELSE started END, closed FROM a
	UNION ALL SELECT id, 'plan', asg, asg + ?10,
		CASE WHEN plan_written IS NULL OR resolved < plan_written THEN resolved ELSE plan_written END, closed FROM a
	UNION ALL SELECT id, 'resolve_notice', resolved, max(resolved, COALESCE(notice_from, resolved)) + ?11, resolve_notified, closed FROM a),
st AS (SELECT id, clock, start, done, CASE
	WHEN due IS NULL OR start IS NULL THEN 'none'
	WHEN done IS NOT NULL AND done <= due THEN 'met'
	WHEN done IS NOT NULL THEN 'missed'
	WHEN closed IS NOT NULL AND closed < due THEN 'none'
	WHEN ?8 >= due THEN 'missed'
	ELSE 'pending' END AS status FROM k)`

// reportSLASQL adds the median and 90th percentile of the actual times
// (start to done of the met and missed-late clocks) by nearest rank.
var reportSLASQL = reportClocks + `,
pc AS (SELECT clock, dur, row_number() OVER (PARTITION BY clock ORDER BY dur) AS rn, count(*) OVER (PARTITION BY clock) AS n
	FROM (SELECT clock, done - start AS dur FROM st WHERE status IN ('met', 'missed') AND done IS NOT NULL))
SELECT clock, sum(status = 'met'), sum(status = 'missed'), sum(status = 'pending'),
	(SELECT dur FROM pc WHERE pc.clock = st.clock AND rn = (n * 50 + 99) / 100),
	(SELECT dur FROM pc WHERE pc.clock = st.clock AND rn = (n * 90 + 99) / 100)
FROM st GROUP BY clock`

// clockArgs are the parameters of reportClocks.
func clockArgs(p service.ReportParams) []any {
	ms := func(d time.Duration) int64 { return int64(d / time.Millisecond) }
	return append(reportArgs(p), p.Now.UnixMilli(), ms(p.SLA.FirstResponse), ms(p.SLA.PlanWithin), ms(p.SLA.ResolveNotice),
		report.StartBy(p, cases.P1, time.Millisecond), report.StartBy(p, cases.P2, time.Millisecond), report.StartBy(p, cases.P3, time.Millisecond))
}

// reportWorkloadSQL counts per handler (assignee) and per department the
// selected cases, the open ones, the overdue ones (a missed deadline still
// live, as cases.SLAPolicy.Breaches decides) and the resolved ones, with
// the median time from registration to resolution (the mean of the middle
// one or two: SQLite has no percentile function).
var reportWorkloadSQL = reportClocks + `,
-- A case is overdue when one of its deadlines is missed and still open
-- (of a resolved case only the resolution notice counts): grouped once,
-- not looked up per case, which is quadratic in the month's cases.
ov AS (SELECT st.id FROM st JOIN a ON a.id = st.id
	WHERE st.status = 'missed' AND st.done IS NULL AND a.state <> 'closed' AND (a.state <> 'resolved' OR st.clock = 'resolve_notice')
	GROUP BY st.id),
per AS (SELECT a.id, a.assignee_id, a.department, a.state, a.resolved - a.reg AS dur, ov.id IS NOT NULL AS overdue
	FROM a LEFT JOIN ov ON ov.id = a.id),
g AS (SELECT 'handler' AS grp, CAST(assignee_id AS TEXT) AS key, per.* FROM per WHERE assignee_id IS NOT NULL
	UNION ALL SELECT 'department', department, per.* FROM per),
md AS (SELECT grp, key, CAST(round(avg(dur)) AS INTEGER) AS median FROM (
	SELECT grp, key, dur, row_number() OVER (PARTITION BY grp, key ORDER BY dur) AS rn,
		count(*) OVER (PARTITION BY grp, key) AS n FROM g WHERE dur IS NOT NULL)
	WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp, key)
SELECT g.grp, g.key, count(*), count(*) FILTER (WHERE g.state NOT IN ('resolved', 'closed')),
	count(*) FILTER (WHERE g.overdue), count(*) FILTER (WHERE g.dur IS NOT NULL), md.median
FROM g LEFT JOIN md ON md.grp = g.grp AND md.key = g.key GROUP BY g.grp, g.key, md.median`

// ReportWorkload counts the cases per handler and per department.
func (s *Store) ReportWorkload(ctx context.Context, p service.ReportParams) ([]service.ReportWorkloadRow, error) {
	rows, err := s.query(ctx, reportWorkloadSQL, clockArgs(p)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: report workload: %w", err)
	}
	defer rows.Close()
	var out []service.ReportWorkloadRow
	for rows.Next() {
		var w service.ReportWorkloadRow
		var median sql.NullInt64
		if err := rows.Scan(&w.Group, &w.Key, &w.Cases, &w.Open, &w.Overdue, &w.Resolved, &median); err != nil {
			return nil, fmt.Errorf("sqlite: report workload: %w", err)
		}
		if median.Valid {
			w.MedianToResolve = time.Duration(median.Int64) * time.Millisecond
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: report workload: %w", err)
	}
	return out, nil
}

// ReportSLA counts met, missed and pending deadlines per clock.
func (s *Store) ReportSLA(ctx context.Context, p service.ReportParams) ([]service.ReportClock, error) {
	rows, err := s.query(ctx, reportSLASQL, clockArgs(p)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: report sla: %w", err)
	}
	defer rows.Close()
	got := map[string]service.ReportClock{}
	for rows.Next() {
		var name string
		var k service.ReportClock
		var p50, p90 sql.NullInt64
		if err := rows.Scan(&name, &k.Met, &k.Missed, &k.Pending, &p50, &p90); err != nil {
			return nil, fmt.Errorf("sqlite: report sla: %w", err)
		}
		k.Median, k.P90 = time.Duration(p50.Int64)*time.Millisecond, time.Duration(p90.Int64)*time.Millisecond
		got[name] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: report sla: %w", err)
	}
	return report.SLA(got), nil
}

// reportSurveySQL reads the latest survey answer of each selected case from
// its history entry ("timeliness=5,professionalism=4,…", see
// service.afterResolution); ?8 is the JSON list of dimensions. A case
// counts as asked when it is resolved, or was surveyed and reopened since.
const reportSurveySQL = `WITH ` + reportCases + `,
s AS (SELECT h.case_id, ',' || h.to_value || ',' AS v FROM case_history h JOIN f ON f.id = h.case_id
	WHERE h.action = 'survey'
		AND h.id = (SELECT max(h2.id) FROM case_history h2 WHERE h2.case_id = h.case_id AND h2.action = 'survey')),
dims AS (SELECT value AS dim FROM json_each(?8)),
rest AS (SELECT dims.dim, substr(s.v, instr(s.v, ',' || dims.dim || '=') + length(dims.dim) + 2) AS r
	FROM s JOIN dims ON instr(s.v, ',' || dims.dim || '=') > 0),
sc AS (SELECT dim, CAST(substr(r, 1, instr(r, ',') - 1) AS INTEGER) AS score FROM rest)
SELECT 'asked', '', 0, count(*) FROM f WHERE json_extract(milestones, '$.resolved') IS NOT NULL OR id IN (SELECT case_id FROM s)
UNION ALL SELECT 'answered', '', 0, count(*) FROM s
UNION ALL SELECT 'score', dim, score, count(*) FROM sc GROUP BY dim, score`

// ReportSatisfaction counts the latest survey answers per dimension and score.
func (s *Store) ReportSatisfaction(ctx context.Context, p service.ReportParams) (service.ReportSurveys, error) {
	dims, err := json.Marshal(p.Dimensions)
	if err != nil {
		return service.ReportSurveys{}, fmt.Errorf("sqlite: report satisfaction: %w", err)
	}
	rows, err := s.query(ctx, reportSurveySQL, append(reportArgs(p), string(dims))...)
	if err != nil {
		return service.ReportSurveys{}, fmt.Errorf("sqlite: report satisfaction: %w", err)
	}
	defer rows.Close()
	var out service.ReportSurveys
	for rows.Next() {
		var kind string
		var sc service.ReportScore
		if err := rows.Scan(&kind, &sc.Dimension, &sc.Score, &sc.Count); err != nil {
			return service.ReportSurveys{}, fmt.Errorf("sqlite: report satisfaction: %w", err)
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
		return service.ReportSurveys{}, fmt.Errorf("sqlite: report satisfaction: %w", err)
	}
	rows.Close() // SQLite has one connection: the next query needs it
	if out.Comments, err = s.reportComments(ctx, p); err != nil {
		return service.ReportSurveys{}, err
	}
	return out, nil
}

// reportComplaintSQL reads the complaints out of each case's JSON array
// (json_each): they live on the case (cases.Case.Complaints) and a month
// has few, so a table of their own would buy little. The partial index of
// migration 00014 keeps cases without complaints out of the scan.
var reportComplaintSQL = `WITH c AS (
	SELECT complaints FROM cases
	WHERE complaints IS NOT NULL AND (?3 = '' OR department = ?3) AND (?4 = '' OR channel = ?4)
		AND (?5 = '' OR category = ?5) AND (?6 = '' OR priority = ?6) AND (?7 = 0 OR assignee_id = ?7)),
j AS (SELECT json_extract(j.value, '$.classification') AS cls, json_extract(j.value, '$.valid') AS valid,
	json_extract(j.value, '$.source') AS source, json_extract(j.value, '$.stage') AS stage,
	` + msOf("json_extract(j.value, '$.opened_at')") + ` AS opened, ` + msOf("json_extract(j.value, '$.judged_at')") + ` AS judged,
	` + msOf("json_extract(j.value, '$.follow_up_at')") + ` AS followed
	FROM c, json_each(c.complaints) AS j),
k AS (SELECT * FROM j WHERE opened >= ` + msOf("?1") + ` AND opened < ` + msOf("?2") + `)
SELECT 'total', '', count(*) FROM k
UNION ALL SELECT 'classification', COALESCE(cls, ''), count(*) FROM k GROUP BY COALESCE(cls, '')
UNION ALL SELECT 'validity', v, count(*) FROM (SELECT CASE WHEN judged IS NULL THEN 'not_judged' WHEN valid THEN 'valid' ELSE 'invalid' END AS v FROM k) GROUP BY v
UNION ALL SELECT 'source', COALESCE(source, ''), count(*) FROM k GROUP BY COALESCE(source, '')
UNION ALL SELECT 'stage', COALESCE(stage, ''), count(*) FROM k GROUP BY COALESCE(stage, '')
UNION ALL SELECT 'mean_judge', '', CAST(round(avg(judged - opened)) AS INTEGER) FROM k WHERE judged IS NOT NULL
UNION ALL SELECT 'mean_close', '', CAST(round(avg(followed - opened)) AS INTEGER) FROM k WHERE stage = 'closed' AND followed IS NOT NULL`

// ReportComplaints counts the complaints opened in the period.
func (s *Store) ReportComplaints(ctx context.Context, p service.ReportParams) (service.ReportComplaints, error) {
	rows, err := s.query(ctx, reportComplaintSQL, reportArgs(p)...)
	if err != nil {
		return service.ReportComplaints{}, fmt.Errorf("sqlite: report complaints: %w", err)
	}
	defer rows.Close()
	var out []report.Row
	for rows.Next() {
		var r report.Row
		var n sql.NullInt64 // a mean over no complaints is NULL
		if err := rows.Scan(&r.Group, &r.Key, &n); err != nil {
			return service.ReportComplaints{}, fmt.Errorf("sqlite: report complaints: %w", err)
		}
		r.Count = int(n.Int64)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return service.ReportComplaints{}, fmt.Errorf("sqlite: report complaints: %w", err)
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
	r      rowScanner
	survey *string
}

func (w withSurvey) Scan(dest ...any) error { return w.r.Scan(append(dest, w.survey)...) }

// ReportCases calls fn with each selected case, oldest first, while the
// rows stream: fn must not use the store (SQLite has one connection).
func (s *Store) ReportCases(ctx context.Context, p service.ReportParams, fn func(c *cases.Case, survey string) error) error {
	rows, err := s.query(ctx, reportCasesSQL, reportArgs(p)...)
	if err != nil {
		return fmt.Errorf("sqlite: report cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var survey string
		c, err := scanCase(withSurvey{rows, &survey})
		if err != nil {
			return fmt.Errorf("sqlite: report cases: %w", err)
		}
		if err := fn(c, survey); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: report cases: %w", err)
	}
	return nil
}

// reportCommentSQL lists the latest survey answer of each selected case
// that came with a comment, newest first; ?8 is the limit.
const reportCommentSQL = `WITH ` + reportCases + `
SELECT f.number, h.at, h.to_value, h.reason FROM case_history h JOIN f ON f.id = h.case_id
WHERE h.action = 'survey' AND h.reason <> ''
	AND h.id = (SELECT max(h2.id) FROM case_history h2 WHERE h2.case_id = h.case_id AND h2.action = 'survey')
ORDER BY h.at DESC, h.id DESC LIMIT ?8`

func (s *Store) reportComments(ctx context.Context, p service.ReportParams) ([]service.ReportComment, error) {
	rows, err := s.query(ctx, reportCommentSQL, append(reportArgs(p), p.Comments)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: report comments: %w", err)
	}
	defer rows.Close()
	var out []service.ReportComment
	for rows.Next() {
		var c service.ReportComment
		if err := rows.Scan(&c.Number, timeCol{&c.At}, &c.Answer, &c.Comment); err != nil {
			return nil, fmt.Errorf("sqlite: report comments: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: report comments: %w", err)
	}
	return out, nil
}
