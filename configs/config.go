// Package configs holds kefu's shipped configuration (rules, FAQ, bot
// templates, an example file) and the typed loader: YAML file, then KEFU_*
// environment overrides, then KEFU_*_FILE secrets. There is no global
// config; Load returns a value the caller passes on.
package configs

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/care"
	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels/email"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/channels/webhook"
	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/dialog"
	"github.com/kefu-dev/kefu/dialog/nlu"
	"github.com/kefu-dev/kefu/service"
)

//go:embed rules.yaml model.txt faq.yaml canned.yaml care.yaml templates/*.yaml kefu.example.yaml
var files embed.FS

// Config is kefu's configuration. Durations are Go durations ("30m", "4h").
type Config struct {
	Server struct {
		Addr            string        `yaml:"addr"`
		ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
		PublicURL       string        `yaml:"public_url"`
		// AdminAddr serves /metrics and /debug/pprof/ for operators; empty
		// turns it off. Keep it off the public network: profiles show
		// what the process holds.
		AdminAddr string `yaml:"admin_addr"`
		// SpoolDir holds webhook pushes (WeChat, web chat, Telegram in
		// webhook mode) acknowledged while the database was unreachable,
		// until they are stored. One directory per process, on a disk
		// that survives a restart; "off" turns spooling off. Default:
		// "spool" beside the SQLite file, or ./spool on PostgreSQL.
		SpoolDir string `yaml:"spool_dir"`
		// SpoolAfter is how long a push waits on a database that does not
		// answer before it is spooled (0 = as long as the database takes):
		// a hung connection must not hold a push past WeChat's 5 s.
		SpoolAfter time.Duration `yaml:"spool_after"`
		// IntakeWait is how long a message may wait for its turn at the
		// database while others are taken in (0 = as long as the request
		// lasts). Past it a web chat post is answered 503 and retried by
		// the page, a WeChat push is spooled: overload is answered at once
		// instead of every customer waiting longer and longer.
		IntakeWait time.Duration `yaml:"intake_wait"`
	} `yaml:"server"`
	Database struct {
		// URL is "postgres://…" or a SQLite file ("kefu.db", "sqlite:///var/lib/kefu/kefu.db").
		URL string `yaml:"url" secret:"true"`
	} `yaml:"database"`
	Log struct {
		Level  string `yaml:"level"`  // debug, info, warn, error
		Format string `yaml:"format"` // text or json
	} `yaml:"log"`
	Telemetry struct {
		// OTLPEndpoint is an OpenTelemetry collector's OTLP/HTTP URL
		// ("http://otel-collector:4318"); empty = no traces.
		OTLPEndpoint string `yaml:"otlp_endpoint"`
		ServiceName  string `yaml:"service_name"` // default "kefu"
	} `yaml:"telemetry"`
	Dialog struct {
		MaxAttempts   int           `yaml:"max_attempts"`
		ReminderAfter time.Duration `yaml:"reminder_after"`
		Timezone      string        `yaml:"timezone"`
		RulesFile     string        `yaml:"rules_file"`
		ModelFile     string        `yaml:"model_file"`
		FAQFile       string        `yaml:"faq_file"`
		TemplatesDir  string        `yaml:"templates_dir"`
	} `yaml:"dialog"`
	Extract struct {
		OrderPatterns []string `yaml:"order_patterns"`
		ModelPatterns []string `yaml:"model_patterns"`
		BatchPatterns []string `yaml:"batch_patterns"`
	} `yaml:"extract"`
	SLA cases.SLAPolicy `yaml:"sla"`
	// QuietHours are the customers' rest hours in dialog.timezone (SPEC §8):
	// P2/P3 progress updates due inside wait for their end; P1 goes out
	// anyway unless p1_override is false.
	QuietHours cases.QuietHours `yaml:"quiet_hours"`
	// Callbacks: a P1/P2 survey unanswered survey_after after it was sent
	// becomes a phone-callback task due within "within" (SPEC §6). A call
	// of a callback or follow-up that does not reach the customer is due
	// again retry_after later (never in quiet hours); after "attempts"
	// calls the task is done as unreachable.
	Callbacks struct {
		SurveyAfter time.Duration `yaml:"survey_after"`
		Within      time.Duration `yaml:"within"`
		RetryAfter  time.Duration `yaml:"retry_after"`
		Attempts    int           `yaml:"attempts"`
	} `yaml:"callbacks"`
	// FollowUp is the post-service follow-up task: created delay after the
	// resolution, due within "within" of it (SPEC §8: within 72 h).
	FollowUp struct {
		Enabled bool          `yaml:"enabled"`
		Delay   time.Duration `yaml:"delay"`
		Within  time.Duration `yaml:"within"`
	} `yaml:"follow_up"`
	// Care is proactive care (SPEC §8): re-checks, follow-ups after
	// service and purchase, seasonal tips.
	Care struct {
		Enabled bool `yaml:"enabled"`
		// PlansFile holds the care plans; empty = the shipped
		// configs/care.yaml.
		PlansFile string `yaml:"plans_file"`
	} `yaml:"care"`
	// Console is the agents' console in the browser.
	Console struct {
		// CannedFile holds the canned replies (快捷回复); empty = the
		// shipped configs/canned.yaml.
		CannedFile string `yaml:"canned_file"`
	} `yaml:"console"`
	Webchat struct {
		Enabled         bool          `yaml:"enabled"`
		MaxMessageBytes int           `yaml:"max_message_bytes"`
		PollInterval    time.Duration `yaml:"poll_interval"`
		Title           string        `yaml:"title"`
		FrameAncestors  []string      `yaml:"frame_ancestors"`
	} `yaml:"webchat"`
	// WeChat is the Official Account channel (公众号); off unless enabled.
	WeChat wechat.Config `yaml:"wechat"`
	// Telegram is the Telegram bot channel; off unless enabled.
	Telegram telegram.Config `yaml:"telegram"`
	// Email is the mail channel (IMAP in, SMTP out); off unless enabled.
	Email email.Config `yaml:"email"`
	// Webhooks receive signed events (case.created, case.updated,
	// case.resolved, sla.breached, survey.answered, complaint.opened,
	// report.monthly, …).
	Webhooks []webhook.Endpoint `yaml:"webhooks"`
	// Reports are the scheduled reports (issue 13).
	Reports struct {
		// Monthly: on the 1st of each month, in dialog.timezone, the
		// previous month's report goes to recipients by email with the
		// Excel workbook attached (the email channel must be on), and to
		// webhooks as a report.monthly event. Once per month, whatever
		// the number of processes and restarts.
		Monthly struct {
			Enabled    bool     `yaml:"enabled"`
			Recipients []string `yaml:"recipients"`
			Language   string   `yaml:"language"` // zh-CN, zh-TW or en
			// CheckInterval is how often each process looks whether a
			// month is due.
			CheckInterval time.Duration `yaml:"check_interval"`
		} `yaml:"monthly"`
	} `yaml:"reports"`
	Outbox struct {
		PollInterval time.Duration `yaml:"poll_interval"`
		MaxAttempts  int           `yaml:"max_attempts"`
		Lease        time.Duration `yaml:"lease"`
		Batch        int           `yaml:"batch"`
		// Workers is how many conversations of one channel are delivered
		// to at once; every channel has its own lane.
		Workers int `yaml:"workers"`
	} `yaml:"outbox"`
}

// Default returns the built-in defaults: SQLite file, web chat on localhost.
func Default() Config {
	var c Config
	c.Server.Addr = "localhost:8080"
	c.Server.ShutdownTimeout = 15 * time.Second
	c.Server.SpoolAfter = 3 * time.Second
	c.Server.IntakeWait = time.Second
	c.Database.URL = "kefu.db"
	c.Log.Level, c.Log.Format = "info", "text"
	c.Dialog.MaxAttempts = 3
	c.Dialog.ReminderAfter = 30 * time.Minute
	c.Dialog.Timezone = "Asia/Shanghai"
	c.SLA = cases.DefaultSLA()
	c.QuietHours = cases.DefaultQuietHours()
	c.Callbacks.SurveyAfter, c.Callbacks.Within = 24*time.Hour, 24*time.Hour
	c.Callbacks.RetryAfter, c.Callbacks.Attempts = 2*time.Hour, 3
	c.FollowUp.Enabled, c.FollowUp.Delay, c.FollowUp.Within = true, 24*time.Hour, 72*time.Hour
	c.Care.Enabled = true
	c.Webchat.Enabled = true
	c.Webchat.MaxMessageBytes = 4096
	c.Webchat.PollInterval = 2 * time.Second
	c.Webchat.Title = "在线客服"
	c.Reports.Monthly.Language, c.Reports.Monthly.CheckInterval = "zh-CN", time.Minute
	c.Outbox.PollInterval = time.Second
	c.Outbox.MaxAttempts = 10
	c.Outbox.Lease = 30 * time.Second
	c.Outbox.Batch = 50
	c.Outbox.Workers = 4
	return c
}

// Load reads path (empty = defaults only), applies environment overrides
// from env (os.Environ() form) and validates. Errors name the key.
func Load(path string, env []string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&c, env); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate checks values that cannot be checked by type; errors name the key.
func (c *Config) Validate() error {
	if c.Server.Addr == "" {
		return fmt.Errorf("server.addr: required")
	}
	if c.Database.URL == "" {
		return fmt.Errorf("database.url: required")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("log.format: %q is not text or json", c.Log.Format)
	}
	if c.Dialog.MaxAttempts < 1 {
		return fmt.Errorf("dialog.max_attempts: must be at least 1")
	}
	if c.Dialog.ReminderAfter < 0 {
		return fmt.Errorf("dialog.reminder_after: must not be negative")
	}
	if _, err := time.LoadLocation(c.Dialog.Timezone); err != nil {
		return fmt.Errorf("dialog.timezone: %w", err)
	}
	if err := c.SLA.Validate(); err != nil {
		return err
	}
	if err := c.QuietHours.Validate(); err != nil {
		return err
	}
	if c.Callbacks.SurveyAfter <= 0 || c.Callbacks.Within <= 0 {
		return fmt.Errorf("callbacks: survey_after and within must be positive durations")
	}
	if c.Callbacks.RetryAfter <= 0 || c.Callbacks.Attempts < 1 {
		return fmt.Errorf("callbacks: retry_after must be a positive duration and attempts at least 1")
	}
	if c.FollowUp.Delay <= 0 || c.FollowUp.Within <= 0 || c.FollowUp.Delay > c.FollowUp.Within {
		return fmt.Errorf("follow_up: delay and within must be positive, and delay at most within")
	}
	if c.Webchat.MaxMessageBytes < 16 {
		return fmt.Errorf("webchat.max_message_bytes: must be at least 16")
	}
	if c.WeChat.Enabled {
		if err := c.WeChat.Validate(); err != nil {
			return err
		}
	}
	if c.Telegram.Enabled {
		if err := c.Telegram.Validate(); err != nil {
			return err
		}
	}
	if c.Email.Enabled {
		if err := c.Email.Validate(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for i, w := range c.Webhooks {
		key := fmt.Sprintf("webhooks[%d]", i)
		switch {
		case w.Name == "" || seen[w.Name]:
			return fmt.Errorf("%s.name: required and unique", key)
		case !strings.HasPrefix(w.URL, "https://") && !strings.HasPrefix(w.URL, "http://"):
			return fmt.Errorf("%s.url: must be an http(s) URL", key)
		case len(w.Secret) < 16:
			return fmt.Errorf("%s.secret: at least 16 characters", key)
		}
		seen[w.Name] = true
	}
	if err := c.validateReports(); err != nil {
		return err
	}
	if c.Outbox.MaxAttempts < 1 || c.Outbox.Batch < 1 || c.Outbox.Lease <= 0 || c.Outbox.PollInterval <= 0 || c.Outbox.Workers < 1 {
		return fmt.Errorf("outbox: max_attempts, batch, lease, poll_interval and workers must be positive")
	}
	return nil
}

// validateReports checks reports.monthly when it is on.
func (c *Config) validateReports() error {
	m := c.Reports.Monthly
	if !m.Enabled {
		return nil
	}
	if !slices.Contains(dialog.Languages, m.Language) {
		return fmt.Errorf("reports.monthly.language: %q is not one of %s", m.Language, strings.Join(dialog.Languages, ", "))
	}
	if m.CheckInterval <= 0 {
		return fmt.Errorf("reports.monthly.check_interval: must be a positive duration")
	}
	if len(m.Recipients) == 0 && len(c.Webhooks) == 0 {
		return fmt.Errorf("reports.monthly.recipients: required when no webhook is configured (nobody would get the report)")
	}
	if len(m.Recipients) > 0 && !c.Email.Enabled {
		return fmt.Errorf("reports.monthly.recipients: the report goes by mail, so email.enabled must be true")
	}
	for i, r := range m.Recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Name != "" || a.Address != r {
			return fmt.Errorf("reports.monthly.recipients[%d]: %q is not a bare email address (name@example.com)", i, r)
		}
	}
	return nil
}

// SpoolPath is the spool directory (see Server.SpoolDir); empty when
// spooling is off.
func (c *Config) SpoolPath() string {
	switch d := c.Server.SpoolDir; {
	case d == "off":
		return ""
	case d != "":
		return d
	case c.Postgres():
		return "spool"
	}
	return filepath.Join(filepath.Dir(c.SQLitePath()), "spool")
}

// Postgres reports whether the database URL points at PostgreSQL.
func (c *Config) Postgres() bool {
	u := c.Database.URL
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// SQLitePath returns the SQLite file path of a non-Postgres URL.
func (c *Config) SQLitePath() string {
	p := c.Database.URL
	for _, pre := range []string{"sqlite://", "sqlite:", "file:"} {
		if rest, ok := strings.CutPrefix(p, pre); ok {
			return rest
		}
	}
	return p
}

// Redacted returns a copy safe to print: secrets are masked.
func (c Config) Redacted() Config {
	hooks := make([]webhook.Endpoint, len(c.Webhooks))
	for i, w := range c.Webhooks {
		w.Secret = "xxxxx"
		hooks[i] = w
	}
	c.Webhooks = hooks
	c.WeChat = c.WeChat.Redacted()
	c.Telegram = c.Telegram.Redacted()
	c.Email = c.Email.Redacted()
	if u, err := url.Parse(c.Database.URL); err == nil {
		masked := false
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User, masked = url.UserPassword(u.User.Username(), "xxxxx"), true
			}
		}
		// pgx also takes the password as a query parameter.
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery, masked = q.Encode(), true
		}
		if masked { // a SQLite path is printed as written
			c.Database.URL = u.String()
		}
	}
	return c
}

// applyEnv walks the struct and sets a field from KEFU_<SECTION>_<KEY>, or
// from the file named by KEFU_<SECTION>_<KEY>_FILE (for secrets).
func applyEnv(c *Config, env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "KEFU_") {
			vars[k] = v
		}
	}
	if len(vars) == 0 {
		return nil
	}
	return walk(reflect.ValueOf(c).Elem(), "", func(key string, f reflect.Value) error {
		name := "KEFU_" + strings.ToUpper(strings.NewReplacer(".", "_").Replace(key))
		val, ok := vars[name]
		if file, fok := vars[name+"_FILE"]; fok {
			b, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("%s_FILE (%s): %w", name, key, err)
			}
			val, ok = strings.TrimSpace(string(b)), true
		}
		if !ok {
			return nil
		}
		if err := setValue(f, val); err != nil {
			return fmt.Errorf("%s (%s): %w", name, key, err)
		}
		return nil
	})
}

func walk(v reflect.Value, prefix string, fn func(key string, f reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := tag
		if prefix != "" {
			key = prefix + "." + tag
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != reflect.TypeOf(time.Time{}) {
			if err := walk(f, key, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, f); err != nil {
			return err
		}
	}
	return nil
}

func setValue(f reflect.Value, s string) error {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		f.SetInt(int64(n))
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

// Rules loads the classification rules (the file named in the config, or
// the shipped default) and compiles them.
func (c *Config) Rules() (*cases.Rules, error) {
	b, name, err := c.read(c.Dialog.RulesFile, "rules.yaml")
	if err != nil {
		return nil, fmt.Errorf("dialog.rules_file: %w", err)
	}
	var r cases.Rules
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("dialog.rules_file (%s): %w", name, err)
	}
	if err := r.Compile(); err != nil {
		return nil, fmt.Errorf("dialog.rules_file (%s): %w", name, err)
	}
	return &r, nil
}

// FAQ loads the FAQ entries.
func (c *Config) FAQ() ([]dialog.FAQEntry, error) {
	b, name, err := c.read(c.Dialog.FAQFile, "faq.yaml")
	if err != nil {
		return nil, fmt.Errorf("dialog.faq_file: %w", err)
	}
	var out []dialog.FAQEntry
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("dialog.faq_file (%s): %w", name, err)
	}
	return out, nil
}

// cannedEntry is one canned reply as the file has it: its texts per
// language.
type cannedEntry struct {
	Key         string             `yaml:"key"`
	Departments []cases.Department `yaml:"departments"`
	Texts       map[string]struct {
		Title string `yaml:"title"`
		Text  string `yaml:"text"`
	} `yaml:"texts"`
}

// maxCannedText bounds a canned reply: it goes into a reply box.
const maxCannedText = 2000

// Canned loads and checks the canned replies (console.canned_file, or the
// shipped configs/canned.yaml), one per key and language, in the file's
// order.
func (c *Config) Canned() ([]service.CannedReply, error) {
	b, name, err := c.read(c.Console.CannedFile, "canned.yaml")
	if err != nil {
		return nil, fmt.Errorf("console.canned_file: %w", err)
	}
	var entries []cannedEntry
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("console.canned_file (%s): %w", name, err)
	}
	var out []service.CannedReply
	seen := map[string]bool{}
	for i, e := range entries {
		where := fmt.Sprintf("console.canned_file (%s) [%d]", name, i)
		switch {
		case strings.TrimSpace(e.Key) == "":
			return nil, fmt.Errorf("%s.key: required", where)
		case seen[e.Key]:
			return nil, fmt.Errorf("%s.key: %q is used twice", where, e.Key)
		case len(e.Texts) == 0:
			return nil, fmt.Errorf("%s.texts: at least one language", where)
		}
		seen[e.Key] = true
		for _, d := range e.Departments {
			if !d.Valid() {
				return nil, fmt.Errorf("%s.departments: %q is not one of %v", where, d, cases.Departments)
			}
		}
		// Languages in dialog order, so the result does not depend on map order.
		for l := range e.Texts {
			if !slices.Contains(dialog.Languages, l) {
				return nil, fmt.Errorf("%s.texts: %q is not one of %v", where, l, dialog.Languages)
			}
		}
		for _, l := range dialog.Languages {
			t, ok := e.Texts[l]
			if !ok {
				continue
			}
			title, text := strings.TrimSpace(t.Title), strings.TrimSpace(t.Text)
			if title == "" || text == "" {
				return nil, fmt.Errorf("%s.texts.%s: title and text are required", where, l)
			}
			if utf8.RuneCountInString(text) > maxCannedText {
				return nil, fmt.Errorf("%s.texts.%s.text: at most %d characters", where, l, maxCannedText)
			}
			out = append(out, service.CannedReply{Key: e.Key, Lang: l, Title: title, Text: text, Departments: e.Departments})
		}
	}
	return out, nil
}

// Templates loads the bot texts of every language.
func (c *Config) Templates() (*dialog.Templates, error) {
	var fsys fs.FS = files
	dir := "templates"
	if c.Dialog.TemplatesDir != "" {
		fsys, dir = os.DirFS(c.Dialog.TemplatesDir), "."
	}
	sets := map[string]map[string]string{}
	for _, lang := range dialog.Languages {
		b, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, lang+".yaml")))
		if err != nil {
			return nil, fmt.Errorf("dialog.templates_dir: %w", err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("dialog.templates_dir (%s.yaml): %w", lang, err)
		}
		sets[lang] = m
	}
	t, err := dialog.ParseTemplates(sets)
	if err != nil {
		return nil, fmt.Errorf("dialog.templates_dir: %w", err)
	}
	return t, nil
}

// Location returns the configured customer time zone.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Dialog.Timezone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// shippedModel is the classifier shipped in configs/model.txt, parsed
// once: it is immutable and every engine of the process may share it.
var shippedModel = sync.OnceValues(func() (*nlu.Model, error) {
	b, err := files.ReadFile("model.txt")
	if err != nil {
		return nil, err
	}
	return nlu.ReadModel(bytes.NewReader(b))
})

// Model loads the statistical classifier: dialog.model_file, the shipped
// one when empty, none when "none" (rules only).
func (c *Config) Model() (*nlu.Model, error) {
	switch c.Dialog.ModelFile {
	case "none":
		return nil, nil
	case "":
		m, err := shippedModel()
		if err != nil {
			return nil, fmt.Errorf("dialog.model_file (shipped): %w", err)
		}
		return m, nil
	}
	f, err := os.Open(c.Dialog.ModelFile)
	if err != nil {
		return nil, fmt.Errorf("dialog.model_file: %w", err)
	}
	defer f.Close()
	m, err := nlu.ReadModel(f)
	if err != nil {
		return nil, fmt.Errorf("dialog.model_file (%s): %w", c.Dialog.ModelFile, err)
	}
	return m, nil
}

// Engine builds the dialog engine from this configuration.
func (c *Config) Engine() (*dialog.Engine, error) {
	rules, err := c.Rules()
	if err != nil {
		return nil, err
	}
	faq, err := c.FAQ()
	if err != nil {
		return nil, err
	}
	tpl, err := c.Templates()
	if err != nil {
		return nil, err
	}
	xc := nlu.DefaultExtractorConfig()
	if len(c.Extract.OrderPatterns) > 0 {
		xc.OrderPatterns = c.Extract.OrderPatterns
	}
	if len(c.Extract.ModelPatterns) > 0 {
		xc.ModelPatterns = c.Extract.ModelPatterns
	}
	if len(c.Extract.BatchPatterns) > 0 {
		xc.BatchPatterns = c.Extract.BatchPatterns
	}
	xc.Location = c.Location()
	x, err := nlu.NewExtractor(xc)
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	model, err := c.Model()
	if err != nil {
		return nil, err
	}
	return dialog.NewEngine(dialog.Config{
		Rules: rules, SLA: c.SLA, Extractor: x, Templates: tpl, FAQ: faq, Model: model,
		MaxAttempts: c.Dialog.MaxAttempts, ReminderAfter: c.Dialog.ReminderAfter, Location: c.Location(),
	})
}

// CarePlan loads and checks the care plans (care.plans_file, or the shipped
// configs/care.yaml); nil when care is off.
func (c *Config) CarePlan() (*care.Plan, error) {
	if !c.Care.Enabled {
		return nil, nil
	}
	b, name, err := c.read(c.Care.PlansFile, "care.yaml")
	if err != nil {
		return nil, fmt.Errorf("care.plans_file: %w", err)
	}
	p, err := care.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("care.plans_file (%s): %w", name, err)
	}
	return p, nil
}

func (c *Config) read(path, embedded string) ([]byte, string, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		return b, path, err
	}
	b, err := files.ReadFile(embedded)
	return b, embedded, err
}

// Example returns the annotated example configuration file.
func Example() []byte {
	b, _ := files.ReadFile("kefu.example.yaml")
	return b
}
