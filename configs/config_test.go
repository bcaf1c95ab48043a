package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/configs"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kefu.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsBuildAnEngine(t *testing.T) {
	t.Parallel()
	cfg, err := configs.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Postgres() || cfg.SQLitePath() != "kefu.db" || cfg.Server.Addr != "localhost:8080" {
		t.Errorf("defaults: %+v", cfg)
	}
	if _, err := cfg.Engine(); err != nil {
		t.Fatal(err)
	}
}

func TestExampleFileLoads(t *testing.T) {
	t.Parallel()
	cfg, err := configs.Load(write(t, string(configs.Example())), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SLA.StartBy["P1"] != 4*time.Hour || cfg.Dialog.ReminderAfter != 30*time.Minute {
		t.Errorf("example values: %+v", cfg.SLA)
	}
}

func TestEnvironmentOverridesAndSecretFiles(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(secret, []byte("postgres://kefu:s3cret@db:5432/kefu\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Load(write(t, "server:\n  addr: \":9000\"\n"), []string{
		"KEFU_DATABASE_URL_FILE=" + secret,
		"KEFU_SLA_REGISTRATION=90m",
		"KEFU_DIALOG_MAX_ATTEMPTS=5",
		"KEFU_EXTRACT_ORDER_PATTERNS=PO-\\d+, SO-\\d+",
		"OTHER=1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Postgres() || cfg.SLA.Registration != 90*time.Minute || cfg.Dialog.MaxAttempts != 5 || cfg.Server.Addr != ":9000" {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	if len(cfg.Extract.OrderPatterns) != 2 || cfg.Extract.OrderPatterns[1] != `SO-\d+` {
		t.Errorf("list override: %q", cfg.Extract.OrderPatterns)
	}
	if red := cfg.Redacted(); strings.Contains(red.Database.URL, "s3cret") {
		t.Errorf("redacted config shows the password: %s", red.Database.URL)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		env  []string
		key  string
	}{
		{"log:\n  level: loud\n", nil, "log.level"},
		{"sla:\n  start_by: {P2: 0s}\n", nil, "sla.start_by.P2"},
		{"dialog:\n  timezone: Mars/Olympus\n", nil, "dialog.timezone"},
		{"webchat:\n  max_mesage_bytes: 10\n", nil, "max_mesage_bytes"},
		{"", []string{"KEFU_DIALOG_MAX_ATTEMPTS=many"}, "dialog.max_attempts"},
		{"dialog:\n  max_attempts: 0\n", nil, "dialog.max_attempts"},
		{"reports:\n  monthly: {enabled: true, language: fr, recipients: [a@b.test]}\n", nil, "reports.monthly.language"},
		{"reports:\n  monthly: {enabled: true}\n", nil, "reports.monthly.recipients"},
		{"reports:\n  monthly: {enabled: true, recipients: [boss@corp.test]}\n", nil, "email.enabled"},
		{monthlyWithMail + "    recipients: [\"Boss <boss@corp.test>\"]\n", nil, "reports.monthly.recipients[0]"},
		{monthlyWithMail + "    recipients: [boss@corp.test]\n", []string{"KEFU_REPORTS_MONTHLY_RECIPIENTS=boss@corp.test,not-an-address"}, "reports.monthly.recipients[1]"},
	}
	for _, tc := range tests {
		_, err := configs.Load(write(t, tc.file), tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%q %v: err %v, want it to name %s", tc.file, tc.env, err, tc.key)
		}
	}
	cfg, _ := configs.Load(write(t, "extract:\n  model_patterns: [\"(\"]\n"), nil)
	if _, err := cfg.Engine(); err == nil || !strings.Contains(err.Error(), "model_patterns") {
		t.Errorf("bad pattern: %v", err)
	}
}

// monthlyWithMail turns the monthly report and the email channel on; the
// recipients follow.
const monthlyWithMail = `email:
  enabled: true
  address: service@kefu.test
  imap: {addr: "imap.kefu.test:993", username: service}
  smtp: {addr: "smtp.kefu.test:587"}
reports:
  monthly:
    enabled: true
`

// The monthly report's recipients come from the file or the environment.
func TestMonthlyReportConfig(t *testing.T) {
	t.Parallel()
	cfg, err := configs.Load(write(t, monthlyWithMail+"    language: en\n"), []string{"KEFU_REPORTS_MONTHLY_RECIPIENTS=boss@corp.test, ops@corp.test"})
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Reports.Monthly
	if !m.Enabled || m.Language != "en" || len(m.Recipients) != 2 || m.Recipients[1] != "ops@corp.test" || m.CheckInterval != time.Minute {
		t.Errorf("reports.monthly = %+v", m)
	}
}

// The shipped canned replies load in every language; a broken file is
// refused with the key and the entry named.
func TestCanned(t *testing.T) {
	t.Parallel()
	c := configs.Default()
	got, err := c.Canned()
	if err != nil {
		t.Fatal(err)
	}
	perLang := map[string]int{}
	for _, r := range got {
		perLang[r.Lang]++
	}
	if perLang["zh-CN"] < 8 || perLang["zh-CN"] > 12 || perLang["zh-TW"] != perLang["zh-CN"] || perLang["en"] != perLang["zh-CN"] {
		t.Errorf("shipped canned replies per language: %v", perLang)
	}
	for _, tc := range []struct{ file, want string }{
		{"- key: a\n  texts: {fr: {title: x, text: y}}\n", `[0].texts: "fr"`},
		{"- key: a\n  departments: [sales]\n  texts: {en: {title: x, text: y}}\n", `[0].departments: "sales"`},
		{"- key: a\n  texts: {en: {title: x, text: y}}\n- key: a\n  texts: {en: {title: x, text: y}}\n", `[1].key: "a" is used twice`},
		{"- key: a\n  texts: {en: {title: x}}\n", `[0].texts.en: title and text are required`},
		{"- key: a\n  text: hello\n", `console.canned_file`},
	} {
		path := filepath.Join(t.TempDir(), "canned.yaml")
		if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		c.Console.CannedFile = path
		if _, err := c.Canned(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.file, err, tc.want)
		}
	}
}
