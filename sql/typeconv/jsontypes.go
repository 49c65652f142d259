package typeconv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/cockroachdb/apd/v3"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// JSON number types (tuple.JSONNumberText): a JSON document GMS built from typed values
// (CAST(x AS JSON), JSON_OBJECT('a', 1), ...) holds int64, uint64 or *apd.Decimal
// numbers, which MySQL's JSON_TYPE tells apart (INTEGER, UNSIGNED INTEGER, DECIMAL) and
// the canonical text does not. jsonTags lists their types in the canonical text's order
// of numbers; typedJSON puts them back.

// jsonKeysCanonical returns the keys of m in the canonical text's member order: shorter
// keys first, keys of equal length bytewise.
func jsonKeysCanonical[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

// jsonTags returns the number tags of a GMS JSON value, with ok false if the value holds
// anything whose written form is not known here (the document is then stored untyped).
// The tags are nil if no number needs one.
func jsonTags(v any) (tags []byte, ok bool) {
	tags, ok = appendJSONTags(nil, v)
	if !ok || bytes.IndexFunc(tags, func(r rune) bool { return r != rune(tuple.JSONNumberText) }) < 0 {
		return nil, ok
	}
	return tags, true
}

func appendJSONTags(tags []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil, bool, string, map[string]string:
		return tags, true
	case float64, float32:
		return append(tags, tuple.JSONNumberText), true
	case int64, int32, int16, int8, int:
		return append(tags, tuple.JSONNumberInt), true
	case uint64, uint32, uint16, uint8:
		return append(tags, tuple.JSONNumberUint), true
	case *apd.Decimal:
		if x == nil {
			return nil, false
		}
		return append(tags, tuple.JSONNumberDecimal), true
	case []any:
		for _, e := range x {
			var ok bool
			if tags, ok = appendJSONTags(tags, e); !ok {
				return nil, false
			}
		}
		return tags, true
	case map[string]any:
		for _, k := range jsonKeysCanonical(x) {
			var ok bool
			if tags, ok = appendJSONTags(tags, x[k]); !ok {
				return nil, false
			}
		}
		return tags, true
	}
	return nil, false
}

// typedJSON decodes canonical JSON text whose numbers have the given tags: numbers tagged
// JSONNumberInt become int64, JSONNumberUint uint64, JSONNumberDecimal *apd.Decimal, and
// the others float64 (as json.Unmarshal makes them).
func typedJSON(text, tags []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	k := 0
	var walk func(v any) (any, error)
	walk = func(v any) (any, error) {
		switch x := v.(type) {
		case json.Number:
			tag := tuple.JSONNumberText
			if k < len(tags) {
				tag = tags[k]
			}
			k++
			switch tag {
			case tuple.JSONNumberInt:
				return strconv.ParseInt(string(x), 10, 64)
			case tuple.JSONNumberUint:
				return strconv.ParseUint(string(x), 10, 64)
			case tuple.JSONNumberDecimal:
				d, _, err := apd.NewFromString(string(x))
				return d, err
			}
			return x.Float64()
		case []any:
			for i, e := range x {
				w, err := walk(e)
				if err != nil {
					return nil, err
				}
				x[i] = w
			}
		case map[string]any:
			for _, key := range jsonKeysCanonical(x) {
				w, err := walk(x[key])
				if err != nil {
					return nil, err
				}
				x[key] = w
			}
		}
		return v, nil
	}
	out, err := walk(v)
	if err != nil {
		return nil, fmt.Errorf("JSON number: %w", err)
	}
	return out, nil
}
