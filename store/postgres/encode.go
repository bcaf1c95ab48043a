package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// tsOrNull stores the zero time as NULL.
func tsOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
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

// jsonb encodes v for a jsonb parameter (pgx sends []byte as raw JSON).
func jsonb(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("postgres: encode json: %w", err)
	}
	return b, nil
}

// timeCol scans a (nullable) timestamptz in UTC; NULL becomes the zero time.
type timeCol struct{ dst *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.dst = time.Time{}
	case time.Time:
		*c.dst = v.UTC()
	default:
		return fmt.Errorf("postgres: cannot scan %T into time", v)
	}
	return nil
}

func notFound(what string, id any) error {
	return &cases.Error{Code: cases.ENotFound, Message: fmt.Sprintf("%s %v not found", what, id)}
}

// userNotFound does not echo the token hash it looked for.
func userNotFound() error {
	return &cases.Error{Code: cases.ENotFound, Message: "no enabled user with this token"}
}

// jsonbOrNull sends nil JSON as NULL.
func jsonbOrNull(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
