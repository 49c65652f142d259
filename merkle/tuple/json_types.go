package tuple

import (
	"bytes"
	"fmt"
	"strconv"
)

// JSON number types. A JSON field holds the canonical text of its document, optionally
// followed by a NUL byte (which canonical text never contains) and one type tag per number
// of the text, in text order, for the SQL layer's JSON values whose numbers have a type
// the text alone does not give (MySQL's JSON keeps INTEGER, UNSIGNED INTEGER, DOUBLE and
// DECIMAL apart). Tags past the last one given are JSONNumberText; trailing
// JSONNumberText tags are not stored, so a document without typed numbers is its text
// alone.
const (
	// JSONNumberText: the number is whatever its canonical text says (the SQL layer reads
	// every such number as a float64, as GMS's own JSON parser does).
	JSONNumberText byte = 'N'
	// JSONNumberInt: a signed integer; its text is an integer that fits int64.
	JSONNumberInt byte = 'I'
	// JSONNumberUint: an unsigned integer; its text is a non-negative integer that fits
	// uint64.
	JSONNumberUint byte = 'U'
	// JSONNumberDecimal: a DECIMAL value (its text is the canonical float text).
	JSONNumberDecimal byte = 'D'
)

// PutJSONTyped sets a JSON field to the canonical form of doc with the number type tags
// tags (see JSONNumberText); an error if doc is not valid JSON or a tag does not fit its
// number or there are more tags than numbers.
func (b *Builder) PutJSONTyped(i int, doc, tags []byte) {
	f := b.field(i, isJSON, "PutJSONTyped")
	if f == nil {
		return
	}
	s := len(b.buf)
	out, err := appendCanonicalJSON(b.buf, doc)
	if err != nil {
		b.fail(&FieldError{Kind: ErrInvalidValue, Field: i, Enc: f.Enc, Msg: "invalid JSON document", Err: err})
		return
	}
	for len(tags) > 0 && tags[len(tags)-1] == JSONNumberText {
		tags = tags[:len(tags)-1]
	}
	if len(tags) > 0 {
		if err := checkJSONTags(out[s:], tags); err != nil {
			b.buf = out[:s]
			b.fail(&FieldError{Kind: ErrInvalidValue, Field: i, Enc: f.Enc, Msg: "invalid JSON number types", Err: err})
			return
		}
		out = append(out, 0)
		out = append(out, tags...)
	}
	b.buf = out
	b.set(i, s)
}

// splitJSON splits a JSON field's bytes into its canonical text and its number tags.
func splitJSON(b []byte) (text, tags []byte) {
	if k := bytes.IndexByte(b, 0); k >= 0 {
		return b[:k], b[k+1:]
	}
	return b, nil
}

// GetJSONTags returns the number type tags of a JSON field (see JSONNumberText): nil if
// every number is JSONNumberText. The slice aliases t.
func (d Desc) GetJSONTags(t Tuple, i int) ([]byte, bool) {
	_, b, ok := d.fixed(t, i, isJSON)
	if !ok {
		return nil, false
	}
	_, tags := splitJSON(b)
	return tags, true
}

// validJSON checks the bytes of a JSON field: canonical text, then, if any, a NUL and
// valid, trimmed number tags.
func validJSON(b []byte) error {
	text, tags := splitJSON(b)
	c, err := CanonicalJSON(text)
	if err != nil {
		return err
	}
	if !bytes.Equal(c, text) {
		return fmt.Errorf("JSON %.40q is not canonical (want %.40q)", text, c)
	}
	if len(text) < len(b) {
		if len(tags) == 0 || tags[len(tags)-1] == JSONNumberText {
			return fmt.Errorf("JSON number tags %q are not trimmed", tags)
		}
		return checkJSONTags(text, tags)
	}
	return nil
}

// checkJSONTags checks tags against the numbers of the canonical text.
func checkJSONTags(text, tags []byte) error {
	k := 0
	err := jsonNumbers(text, func(num []byte) error {
		if k >= len(tags) {
			return nil
		}
		tag := tags[k]
		k++
		switch tag {
		case JSONNumberText, JSONNumberDecimal:
			return nil
		case JSONNumberInt:
			if _, err := strconv.ParseInt(string(num), 10, 64); err != nil {
				return fmt.Errorf("number %s is not an int64", num)
			}
			return nil
		case JSONNumberUint:
			if _, err := strconv.ParseUint(string(num), 10, 64); err != nil {
				return fmt.Errorf("number %s is not a uint64", num)
			}
			return nil
		}
		return fmt.Errorf("unknown JSON number tag %q", tag)
	})
	if err != nil {
		return err
	}
	if k < len(tags) {
		return fmt.Errorf("%d number tags for %d numbers", len(tags), k)
	}
	return nil
}

// jsonNumbers calls fn with each number of the canonical JSON text, in text order.
func jsonNumbers(text []byte, fn func(num []byte) error) error {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			for i++; i < len(text) && text[i] != '"'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(text) && bytes.IndexByte([]byte("+-.eE0123456789"), text[j]) >= 0 {
				j++
			}
			if err := fn(text[i:j]); err != nil {
				return err
			}
			i = j - 1
		}
	}
	return nil
}
