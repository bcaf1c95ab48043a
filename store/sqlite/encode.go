package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// timeFormat is fixed-width so stored times compare correctly as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

// tsOrNull stores the zero time as NULL.
func tsOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// orNow replaces a zero time by the store's clock.
func (s *Store) orNow(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t
}

// idOrNull stores the id 0 ("none") as NULL.
func idOrNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode json: %w", err)
	}
	return string(b), nil
}

// timeCol scans a nullable time column; NULL becomes the zero time.
type timeCol struct{ dst *time.Time }

func (c timeCol) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*c.dst = time.Time{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("sqlite: cannot scan %T into time", v)
	}
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return fmt.Errorf("sqlite: parse time %q: %w", s, err)
	}
	*c.dst = t.UTC()
	return nil
}

func notFound(what string, id any) error {
	return &cases.Error{Code: cases.ENotFound, Message: fmt.Sprintf("%s %v not found", what, id)}
}

// userNotFound does not echo the token hash it looked for.
func userNotFound() error {
	return &cases.Error{Code: cases.ENotFound, Message: "no enabled user with this token"}
}

// textOrNull stores nil JSON as NULL and the rest as TEXT.
func textOrNull(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
