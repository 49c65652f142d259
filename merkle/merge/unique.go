package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// ErrConstraintViolation marks a merge (or a resolution) refused because its result
// would break a unique index; the error is a *ViolationError. (Recording violations in
// dsql_constraint_violations instead needs a place for them in repo.MergeState.)
var ErrConstraintViolation = errors.New("merge: constraint violation")

// Violation is one unique-index value held by more than one row of a merged table.
type Violation struct {
	Table, Index string
	Value        string // the index columns' values, formatted
	// Entries are the index entries holding Value (one per row).
	Entries [][]byte
}

// ViolationError lists the unique-key violations a merge would produce.
type ViolationError struct{ Violations []Violation }

func (e *ViolationError) Error() string {
	var b strings.Builder
	b.WriteString("merge: unique-key violations")
	for i, v := range e.Violations {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-i)
			break
		}
		fmt.Fprintf(&b, "; table %s, unique index %s: several rows have %s", v.Table, v.Index, v.Value)
	}
	b.WriteString("; nothing was changed: make the values distinct on one side, then merge again")
	return b.String()
}

// Unwrap makes errors.Is(err, ErrConstraintViolation) hold.
func (e *ViolationError) Unwrap() error { return ErrConstraintViolation }

// checkUnique looks up, in every unique index m of a table, each entry of added (index
// entries just written, per index position) and reports the index values that more than
// one entry holds. Entries with a NULL in an index column never collide. The cost is one
// seek per added entry.
func checkUnique(ctx context.Context, sch repo.Schema, maps []prolly.Map, added [][][]byte) ([]Violation, error) {
	var out []Violation
	for i, ix := range sch.Indexes {
		if !ix.Unique || len(added[i]) == 0 {
			continue
		}
		kd, err := sch.IndexKeyDesc(i)
		if err != nil {
			return nil, err
		}
		n := len(ix.Columns)
		seen := map[string]bool{}
		for _, k := range added[i] {
			if hasNull(kd, k, n) {
				continue
			}
			cmp := func(e []byte) int {
				for f := 0; f < n; f++ {
					if c := kd.CompareField(f, e, k); c != 0 {
						return c
					}
				}
				return 0
			}
			it, err := maps[i].IterFrom(ctx, func(e []byte) bool { return cmp(e) < 0 })
			if err != nil {
				return nil, err
			}
			count := 0
			var first []byte
			var entries [][]byte
			for {
				e, _, err := it.Next(ctx)
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, err
				}
				if cmp(e) != 0 {
					break
				}
				if first == nil {
					first = e
				}
				entries = append(entries, append([]byte(nil), e...))
				count++
			}
			if count > 1 && !seen[string(first)] {
				seen[string(first)] = true
				out = append(out, Violation{Table: sch.Name, Index: ix.Name, Value: prefixString(kd, k, n), Entries: entries})
			}
		}
	}
	return out, nil
}

func hasNull(kd tuple.Desc, k []byte, n int) bool {
	for f := 0; f < n; f++ {
		if kd.IsNull(k, f) {
			return true
		}
	}
	return false
}

// prefixString formats the first n fields of index entry k as (v1, v2, ...).
func prefixString(kd tuple.Desc, k []byte, n int) string {
	vals, err := kd.Values(k)
	if err != nil {
		return kd.Format(k)
	}
	parts := make([]string, n)
	for i := 0; i < n && i < len(vals); i++ {
		switch v := vals[i].(type) {
		case []byte:
			parts[i] = fmt.Sprintf("%q", v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
