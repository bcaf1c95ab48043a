// Package scan holds the column scanners both stores use: the same nullable
// id and JSON columns, read the same way from database/sql and pgx.
package scan

import (
	"database/sql"
	"encoding/json"
	"fmt"
)

// ID scans a nullable id column into dst; NULL becomes 0.
func ID(dst *int64) sql.Scanner { return idCol{dst} }

type idCol struct{ dst *int64 }

func (c idCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.dst = 0
	case int64:
		*c.dst = v
	default:
		return fmt.Errorf("cannot scan %T into id", v)
	}
	return nil
}

// JSON scans a JSON column (text, blob or jsonb) into dst; NULL leaves dst
// as it is.
func JSON(dst any) sql.Scanner { return jsonCol{dst} }

type jsonCol struct{ dst any }

func (c jsonCol) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("cannot scan %T into json", v)
	}
	if err := json.Unmarshal(b, c.dst); err != nil {
		return fmt.Errorf("decode json: %w", err)
	}
	return nil
}

// NullIfEmpty stores "" as NULL, so a unique column allows many unset rows
// (a user without a console login).
func NullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
