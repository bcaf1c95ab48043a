package cases

import "errors"

// Error codes, mapped to HTTP statuses or polite questions at the edges.
const (
	EInvalid  = "invalid"
	ENotFound = "not_found"
	EConflict = "conflict"
	EInternal = "internal"
	ETooLarge = "too_large"
	// EBusy: too many messages are waiting for the database to take this
	// one now; the same message offered again shortly will do (503).
	EBusy = "busy"

	EUnauthorized = "unauthorized" // no or unknown user: the API answers 401
	EForbidden    = "forbidden"    // a known user whose role or department does not allow it: 403
)

// Error is a domain error with a code the edges translate.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Busy reports whether the error asks to try again shortly (EBusy);
// channels read it through channels.Busy.
func (e *Error) Busy() bool { return e.Code == EBusy }

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// Errorf builds an *Error.
func Errorf(code, msg string) error { return &Error{Code: code, Message: msg} }
