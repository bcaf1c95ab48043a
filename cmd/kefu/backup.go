package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/kefu-dev/kefu/configs"
)

// Backup and restore of the embedded SQLite database. PostgreSQL has its
// own tools (pg_dump / pg_restore, see the README); copying a live SQLite
// file can tear a page mid-write, so the backup is SQLite's VACUUM INTO:
// a consistent, compacted copy taken while kefu keeps serving.

const pgBackupHint = "the database is PostgreSQL: back it up with pg_dump -Fc and restore with pg_restore (README, \"Backup and restore\")"

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	out := fs.String("o", "", "the backup file to write (must not exist); default kefu-YYYYMMDD-HHMMSS.db next to the database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(*path, os.Environ())
	if err != nil {
		return err
	}
	if cfg.Postgres() {
		return errors.New(pgBackupHint)
	}
	src := cfg.SQLitePath()
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("database %s: %w", src, err)
	}
	dst := *out
	if dst == "" {
		dst = filepath.Join(filepath.Dir(src), "kefu-"+time.Now().Format("20060102-150405")+".db")
	}
	if err := backupSQLite(ctx, src, dst); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", dst)
	return nil
}

// backupSQLite writes a consistent copy of src to dst. VACUUM INTO refuses
// an existing file, so a backup never overwrites another.
func backupSQLite(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("backup %s: the file exists", dst)
	}
	db, err := openSQLiteFile(src, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("backup %s to %s: %w", src, dst, err)
	}
	return checkKefuDB(ctx, dst)
}

func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: kefu restore [-config FILE] BACKUP.db (stop kefu first)")
	}
	cfg, err := configs.Load(*path, os.Environ())
	if err != nil {
		return err
	}
	if cfg.Postgres() {
		return errors.New(pgBackupHint)
	}
	aside, err := restoreSQLite(ctx, fs.Arg(0), cfg.SQLitePath(), time.Now())
	if err != nil {
		return err
	}
	// An older backup is brought up to this version's schema at once.
	if err := migrate(ctx, cfg); err != nil {
		return fmt.Errorf("restored, but migrating it failed: %w", err)
	}
	if aside != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", aside)
	}
	fmt.Fprintf(stdout, "restored %s to %s\n", fs.Arg(0), cfg.SQLitePath())
	return nil
}

// restoreSQLite puts backup in place of dst, which kefu must not be using.
// The backup is checked first and copied beside dst, so a bad backup or a
// failed copy leaves dst as it was; the old database and its WAL files are
// moved aside (a WAL left next to another database would be replayed into
// it). It returns where the old database went ("" if there was none).
func restoreSQLite(ctx context.Context, backup, dst string, now time.Time) (string, error) {
	if err := checkKefuDB(ctx, backup); err != nil {
		return "", err
	}
	tmp := dst + ".restoring"
	if err := copyFile(backup, tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	aside := ""
	if _, err := os.Stat(dst); err == nil {
		aside = dst + ".before-restore-" + now.Format("20060102-150405")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(dst+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return "", fmt.Errorf("move the current database aside: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return aside, fmt.Errorf("put the backup in place: %w", err)
	}
	return aside, nil
}

// checkKefuDB refuses a file that is not a whole kefu database.
func checkKefuDB(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	db, err := openSQLiteFile(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("%s is damaged: %s", path, res)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('goose_db_version', 'cases', 'messages')`).Scan(&n); err != nil || n != 3 {
		return fmt.Errorf("%s is not a kefu database", path)
	}
	return nil
}

// openSQLiteFile opens a database file for the backup tools; readOnly
// never creates it.
func openSQLiteFile(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if readOnly {
		q.Add("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("read backup: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	return out.Close()
}
