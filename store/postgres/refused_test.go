package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestClassify: which PostgreSQL errors mark a message as refused for good
// (quarantined) and which may pass on retry (the channel offers it again).
func TestClassify(t *testing.T) {
	t.Parallel()
	permanent := func(err error) bool {
		var p interface{ Permanent() bool }
		return errors.As(err, &p) && p.Permanent()
	}
	for _, tt := range []struct {
		code string
		want bool
	}{
		{"22021", true},  // character_not_in_repertoire: NUL, bad UTF-8
		{"22001", true},  // string_data_right_truncation
		{"22003", true},  // numeric_value_out_of_range
		{"23514", true},  // check_violation
		{"23502", true},  // not_null_violation
		{"23503", true},  // foreign_key_violation
		{"54000", true},  // program_limit_exceeded: index row too big
		{"40001", false}, // serialization_failure
		{"40P01", false}, // deadlock_detected
		{"08006", false}, // connection_failure
		{"57P01", false}, // admin_shutdown
		{"53300", false}, // too_many_connections
		{"P0001", false}, // a trigger's RAISE: not kefu's schema speaking
		{"", false},
	} {
		err := fmt.Errorf("postgres: insert message: %w", &pgconn.PgError{Code: tt.code, Message: "x"})
		if got := permanent(classify(err)); got != tt.want {
			t.Errorf("SQLSTATE %q: permanent = %v, want %v", tt.code, got, tt.want)
		}
	}
	for _, err := range []error{context.Canceled, context.DeadlineExceeded, errors.New("dial tcp: connection refused")} {
		if permanent(classify(err)) {
			t.Errorf("%v classified permanent", err)
		}
	}
	if classify(nil) != nil {
		t.Error("classify(nil) != nil")
	}
}
