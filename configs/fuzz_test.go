package configs_test

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kefu-dev/kefu/configs"
)

// secretPair is a secret field's value before and after Redacted.
type secretPair struct{ key, before, after string }

// secrets walks two configs side by side and returns every field tagged
// secret:"true".
func secrets(before, after reflect.Value, prefix string, out *[]secretPair) {
	switch before.Kind() {
	case reflect.Struct:
		t := before.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			key := prefix + "." + strings.Split(f.Tag.Get("yaml"), ",")[0]
			if f.Tag.Get("secret") == "true" && f.Type.Kind() == reflect.String {
				*out = append(*out, secretPair{key, before.Field(i).String(), after.Field(i).String()})
				continue
			}
			secrets(before.Field(i), after.Field(i), key, out)
		}
	case reflect.Slice:
		for i := range min(before.Len(), after.Len()) {
			secrets(before.Index(i), after.Index(i), prefix, out)
		}
	}
}

// FuzzLoad: any config file and environment override either fails to
// load or gives a valid config that prints no secret (Redacted masks
// every secret:"true" field, a URL's password included) and that written
// back as YAML loads to the same config (compared as YAML). Seeds: kefu.example.yaml and the
// overrides operators use.
func FuzzLoad(f *testing.F) {
	example := configs.Example()
	f.Add(example, "KEFU_SERVER_ADDR", ":9090")
	f.Add(example, "KEFU_DATABASE_URL", "postgres://kefu:s3cret@db:5432/kefu")
	f.Add(example, "KEFU_DATABASE_URL", "postgres://kefu@db:5432/kefu?password=s3cret")
	f.Add([]byte("wechat:\n  redis_url: redis://pw:pw@cache:6379/0\n"), "KEFU_LOG_LEVEL", "debug")
	f.Add([]byte("webhooks:\n  - name: crm\n    url: https://crm.example.com/hook\n    secret: 0123456789abcdef\n"), "KEFU_OUTBOX_BATCH", "10")
	f.Add([]byte(""), "KEFU_DIALOG_REMINDER_AFTER", "45m")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, file []byte, envKey, envVal string) {
		if strings.HasSuffix(envKey, "_FILE") {
			return // names a file to read: not the YAML parser's business
		}
		path := filepath.Join(dir, "kefu.yaml")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := configs.Load(path, []string{envKey + "=" + envVal})
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Load returned a config that does not validate: %v", err)
		}

		var pairs []secretPair
		secrets(reflect.ValueOf(cfg), reflect.ValueOf(cfg.Redacted()), "", &pairs)
		for _, p := range pairs {
			if p.before == "" || p.before == "xxxxx" {
				continue
			}
			if strings.HasSuffix(p.key, "url") {
				u, err := url.Parse(p.before)
				if err != nil {
					continue
				}
				r, err := url.Parse(p.after)
				if err != nil {
					continue // not a URL any more: nothing of it shows
				}
				if u.User != nil {
					if pw, has := u.User.Password(); has && pw != "xxxxx" && r.User != nil {
						if rpw, _ := r.User.Password(); rpw == pw || r.User.Username() == pw && u.User.Username() != pw {
							t.Errorf("%s: redacted %q still shows the password of %q", p.key, p.after, p.before)
						}
					}
				}
				if pw := u.Query().Get("password"); pw != "" && pw != "xxxxx" && r.Query().Get("password") == pw {
					t.Errorf("%s: redacted %q still shows the password parameter of %q", p.key, p.after, p.before)
				}
				continue
			}
			if p.after != "xxxxx" {
				t.Errorf("%s: redacted to %q", p.key, p.after)
			}
		}

		b, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		back, err := configs.Load(path, nil)
		if err != nil {
			t.Fatalf("the config written back does not load: %v\n%s", err, b)
		}
		// Compared as YAML: an empty list and no list are the same setting.
		b2, err := yaml.Marshal(back)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(b2) {
			t.Errorf("written back and loaded, the config differs:\n%s\n%s", b, b2)
		}
	})
}
