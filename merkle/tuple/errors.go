package tuple

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them; test with errors.Is.
var (
	// ErrCorrupt marks bytes that are not the canonical encoding of any row for the Desc
	// they were checked against (Validate, Values). It is never retried.
	ErrCorrupt = errors.New("tuple: corrupt tuple")
	// ErrInvalidValue marks a value a Builder cannot encode: out of range for the field's
	// width, NaN, a date that does not exist, more fractional digits than the field's scale,
	// a missing non-nullable field, a Put of the wrong kind, ...
	ErrInvalidValue = errors.New("tuple: invalid value")
	// ErrInvalidDesc marks a Field list NewDesc refuses (unknown encoding, DECIMAL(70,2),
	// a String field without a collation, ...).
	ErrInvalidDesc = errors.New("tuple: invalid descriptor")
	// ErrInvalidJSON marks a JSON document CanonicalJSON cannot parse. Builder and Validate
	// errors about JSON also wrap ErrInvalidValue or ErrCorrupt.
	ErrInvalidJSON = errors.New("tuple: invalid JSON")
)

// FieldError reports a problem with one field of a tuple. Kind is ErrCorrupt,
// ErrInvalidValue or ErrInvalidDesc, and errors.Is(err, Kind) holds.
type FieldError struct {
	Kind  error    // ErrCorrupt, ErrInvalidValue or ErrInvalidDesc
	Field int      // index of the field in the Desc, or -1 for the tuple as a whole
	Enc   Encoding // encoding of the field (0 when Field is -1)
	Msg   string   // what is wrong
	Err   error    // optional cause
}

func (e *FieldError) Error() string {
	var s string
	if e.Field < 0 {
		s = fmt.Sprintf("%v: %s", e.Kind, e.Msg)
	} else {
		s = fmt.Sprintf("%v: field %d (%v): %s", e.Kind, e.Field, e.Enc, e.Msg)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause, so errors.Is matches either.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

func corruptf(field int, enc Encoding, format string, args ...any) error {
	return &FieldError{Kind: ErrCorrupt, Field: field, Enc: enc, Msg: fmt.Sprintf(format, args...)}
}

func invalidf(field int, enc Encoding, format string, args ...any) error {
	return &FieldError{Kind: ErrInvalidValue, Field: field, Enc: enc, Msg: fmt.Sprintf(format, args...)}
}

func descf(field int, enc Encoding, format string, args ...any) error {
	return &FieldError{Kind: ErrInvalidDesc, Field: field, Enc: enc, Msg: fmt.Sprintf(format, args...)}
}
