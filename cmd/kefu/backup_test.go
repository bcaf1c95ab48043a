package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// TestBackupWhileServingAndRestore: a backup taken while kefu serves holds
// what was registered; after more work, restoring it (kefu stopped) brings
// that state back, keeps the replaced database aside, and kefu serves on
// it. A file that is not a kefu database is refused and changes nothing.
func TestBackupWhileServingAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "kefu.db")
	conf := filepath.Join(dir, "kefu.yaml")
	if err := os.WriteFile(conf, []byte("database:\n  url: "+db+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	count := func(m *Main) int {
		t.Helper()
		n, err := m.Service().Team().CaseCount(ctx, cases.System, service.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	register := func(m *Main, session string, n int) {
		t.Helper()
		c := &chat{t: t, base: "http://" + m.Addr(), session: session, n: n}
		c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
		_, after := c.waitReply(0, field("confirm"))
		c.post("确认")
		c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })
	}

	m := startMain(t, db)
	register(m, "backup-test-session-1", 0)
	backup := filepath.Join(dir, "snapshot.db")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"backup", "-config", conf, "-o", backup}, &out, &errOut); err != nil {
		t.Fatalf("backup: %v %s", err, errOut.String())
	}
	if err := run(ctx, []string{"backup", "-config", conf, "-o", backup}, &out, &errOut); err == nil {
		t.Errorf("a second backup overwrote the first")
	}
	register(m, "backup-test-session-2", 100)
	if n := count(m); n != 2 {
		t.Fatalf("%d cases before the restore", n)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all, but long enough to look like one............"), 0o600)
	if err := run(ctx, []string{"restore", "-config", conf, junk}, &out, &errOut); err == nil {
		t.Errorf("a junk file was restored")
	}
	m = startMain(t, db)
	if n := count(m); n != 2 {
		t.Errorf("a refused restore changed the database: %d cases", n)
	}
	m.Close()

	out.Reset()
	if err := run(ctx, []string{"restore", "-config", conf, backup}, &out, &errOut); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), ".before-restore-") {
		t.Errorf("restore does not say where the old database went: %s", out.String())
	}
	aside, _ := filepath.Glob(db + ".before-restore-*")
	if len(aside) == 0 {
		t.Errorf("the replaced database was not kept")
	}
	m = startMain(t, db)
	defer m.Close()
	if n := count(m); n != 1 {
		t.Errorf("after the restore: %d cases, want the 1 of the backup", n)
	}
	register(m, "backup-test-session-3", 200) // and it serves on
}

// TestBackupOnPostgresPointsToPgDump: kefu does not pretend to back up
// PostgreSQL; it names the tool that does.
func TestBackupOnPostgresPointsToPgDump(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "kefu.yaml")
	os.WriteFile(conf, []byte("database:\n  url: postgres://127.0.0.1:5432/kefu\n"), 0o600)
	var out, errOut bytes.Buffer
	for _, cmd := range []string{"backup", "restore"} {
		args := []string{cmd, "-config", conf}
		if cmd == "restore" {
			args = append(args, "x.db")
		}
		if err := run(context.Background(), args, &out, &errOut); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("%s on PostgreSQL: %v", cmd, err)
		}
	}
}
