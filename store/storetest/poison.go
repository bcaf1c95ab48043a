package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the "sqlite" driver, for a Poison on an SQLite file
)

// Poison makes the database of dbURL (a postgres:// URL or an SQLite file
// path) misbehave for one message, as a real deployment can: Refuse makes
// it refuse any inbound message whose text contains marker for good (a
// CHECK constraint fails inside the insert, as for a value the store
// cannot hold), Fail makes it fail such an insert with an error that may
// pass on retry (a trigger's own exception, as when the database goes
// away mid-transaction). Clear removes both. The tables and triggers are
// named h12b_… so they are clearly a test's.
type Poison struct {
	tb     testing.TB
	exec   func(ctx context.Context, sql string) error
	query  func(ctx context.Context, sql string) ([]Rejected, error)
	sqlite bool
}

// Rejected is a row of inbound_rejected.
type Rejected struct {
	Channel, Reason string
	Raw             []byte
}

// NewPoison connects to the database of dbURL; the connection is closed
// after the test.
func NewPoison(tb testing.TB, dbURL string) *Poison {
	tb.Helper()
	p := &Poison{tb: tb}
	if strings.HasPrefix(dbURL, "postgres") {
		conn, err := pgxpool.New(context.Background(), dbURL)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(conn.Close)
		p.exec = func(ctx context.Context, q string) error { _, err := conn.Exec(ctx, q); return err }
		p.query = func(ctx context.Context, q string) ([]Rejected, error) {
			rows, err := conn.Query(ctx, q)
			if err != nil {
				return nil, err
			}
			return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Rejected, error) {
				var x Rejected
				return x, r.Scan(&x.Channel, &x.Reason, &x.Raw)
			})
		}
		return p
	}
	p.sqlite = true
	db, err := sql.Open("sqlite", "file:"+dbURL+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	p.exec = func(ctx context.Context, q string) error { _, err := db.ExecContext(ctx, q); return err }
	p.query = func(ctx context.Context, q string) ([]Rejected, error) {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Rejected
		for rows.Next() {
			var x Rejected
			if err := rows.Scan(&x.Channel, &x.Reason, &x.Raw); err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, rows.Err()
	}
	return p
}

func (p *Poison) run(q string) {
	p.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.exec(ctx, q); err != nil {
		p.tb.Fatalf("%s: %v", q, err)
	}
}

// Refuse makes every later insert of an inbound message containing marker
// fail with a constraint violation: permanently.
func (p *Poison) Refuse(marker string) {
	p.tb.Helper()
	quoted := strings.ReplaceAll(marker, "'", "''")
	p.run(`CREATE TABLE IF NOT EXISTS h12b_refused (v text CHECK (v <> 'refused'))`)
	if p.sqlite {
		p.run(fmt.Sprintf(`CREATE TRIGGER h12b_refuse BEFORE INSERT ON messages
WHEN NEW.direction = 'in' AND instr(NEW.text, '%s') > 0 BEGIN INSERT INTO h12b_refused VALUES ('refused'); END`, quoted))
		return
	}
	p.run(`CREATE OR REPLACE FUNCTION h12b_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO h12b_refused VALUES ('refused'); RETURN NEW; END $$`)
	p.run(fmt.Sprintf(`CREATE TRIGGER h12b_refuse BEFORE INSERT ON messages FOR EACH ROW
WHEN (NEW.direction = 'in' AND strpos(NEW.text, '%s') > 0) EXECUTE FUNCTION h12b_refuse()`, quoted))
}

// Fail makes every later insert of an inbound message containing marker
// fail with an error that is not the data's fault: transiently.
func (p *Poison) Fail(marker string) {
	p.tb.Helper()
	quoted := strings.ReplaceAll(marker, "'", "''")
	if p.sqlite {
		p.run(fmt.Sprintf(`CREATE TRIGGER h12b_fail BEFORE INSERT ON messages
WHEN NEW.direction = 'in' AND instr(NEW.text, '%s') > 0 BEGIN SELECT RAISE(ABORT, 'h12b: the database went away'); END`, quoted))
		return
	}
	p.run(`CREATE OR REPLACE FUNCTION h12b_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'h12b: the database went away' USING ERRCODE = 'admin_shutdown'; END $$`)
	p.run(fmt.Sprintf(`CREATE TRIGGER h12b_fail BEFORE INSERT ON messages FOR EACH ROW
WHEN (NEW.direction = 'in' AND strpos(NEW.text, '%s') > 0) EXECUTE FUNCTION h12b_fail()`, quoted))
}

// Clear drops what Refuse and Fail installed.
func (p *Poison) Clear() {
	p.tb.Helper()
	if p.sqlite {
		p.run(`DROP TRIGGER IF EXISTS h12b_refuse`)
		p.run(`DROP TRIGGER IF EXISTS h12b_fail`)
		return
	}
	p.run(`DROP TRIGGER IF EXISTS h12b_refuse ON messages`)
	p.run(`DROP TRIGGER IF EXISTS h12b_fail ON messages`)
}

// Rejected lists what the store keeps as rejected, oldest first.
func (p *Poison) Rejected() []Rejected {
	p.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := p.query(ctx, `SELECT channel, reason, raw FROM inbound_rejected ORDER BY id`)
	if err != nil {
		p.tb.Fatal(err)
	}
	return rs
}
