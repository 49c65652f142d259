package merge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// ViolationKind is the kind of a recorded constraint violation.
type ViolationKind uint8

// The violation kinds; their values are stored.
const (
	UniqueViolation     ViolationKind = 1
	ForeignKeyViolation ViolationKind = 2
	CheckViolation      ViolationKind = 3
	NotNullViolation    ViolationKind = 4
)

// String returns the kind as dsql_constraint_violations_<t>.violation_type shows it.
func (k ViolationKind) String() string {
	switch k {
	case UniqueViolation:
		return "unique index"
	case ForeignKeyViolation:
		return "foreign key"
	case CheckViolation:
		return "check constraint"
	case NotNullViolation:
		return "not null"
	}
	return fmt.Sprintf("violation %d", uint8(k))
}

// A table's violation map (repo.TableViolations.Map) holds one entry per (row,
// constraint) violated: key (row key Bytes, kind Uint8, constraint name Bytes), value
// (row value Bytes, info JSON Bytes). The row key and value are the row's tuples in the
// merged table (its KeyDesc / ValueDesc); info describes the constraint as JSON.
var (
	violationKeyDesc = mustDesc(tuple.Field{Enc: tuple.BytesEnc}, tuple.Field{Enc: tuple.Uint8Enc}, tuple.Field{Enc: tuple.BytesEnc})
	violationValDesc = mustDesc(tuple.Field{Enc: tuple.BytesEnc, Nullable: true}, tuple.Field{Enc: tuple.BytesEnc, Nullable: true})
)

// mustDesc builds the fixed descriptors above at package init. Their field lists are
// constants, so an error is a programming mistake caught by every test run (a static
// invariant, like regexp.MustCompile), never a runtime condition.
func mustDesc(fs ...tuple.Field) tuple.Desc {
	d, err := tuple.NewDesc(fs...)
	if err != nil {
		panic(err)
	}
	return d
}

// ViolationRow is one recorded violation.
type ViolationRow struct {
	ID         []byte // the violation map's key (identifies the entry)
	Kind       ViolationKind
	Constraint string
	Key, Value []byte // the row, as in the merged table
	Info       string // JSON
}

// TableViolations is the violation map of one table of a merge result.
type TableViolations struct {
	Table string
	Map   prolly.Map
}

// ViolationTable is the recorded violations of one table of a merge in progress.
type ViolationTable struct {
	Name string
	Map  prolly.Map
}

// NewViolationMap returns an empty violation map.
func NewViolationMap(ctx context.Context, ns *prolly.NodeStore) (prolly.Map, error) {
	return prolly.NewEmpty(ctx, ns, violationKeyDesc.Compare)
}

// putViolation records one violation in ed.
func putViolation(ed *prolly.Editor, kind ViolationKind, name string, key, val []byte, info any) error {
	kb := tuple.NewBuilder(violationKeyDesc)
	kb.PutBytes(0, key)
	kb.PutUint(1, uint64(kind))
	kb.PutBytes(2, []byte(name))
	k, err := kb.Build()
	if err != nil {
		return err
	}
	js, err := json.Marshal(info)
	if err != nil {
		return err
	}
	vb := tuple.NewBuilder(violationValDesc)
	if val != nil {
		vb.PutBytes(0, val)
	}
	vb.PutBytes(1, js)
	v, err := vb.Build()
	if err != nil {
		return err
	}
	return ed.Put(k, v)
}

// Rows calls fn with every violation in map order; fn returning false stops.
func (vt ViolationTable) Rows(ctx context.Context, fn func(ViolationRow) (bool, error)) error {
	it, err := vt.Map.Iter(ctx, prolly.All)
	if err != nil {
		return err
	}
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		kv, err := violationKeyDesc.Values(k)
		if err != nil {
			return err
		}
		vv, err := violationValDesc.Values(v)
		if err != nil {
			return err
		}
		row := ViolationRow{ID: append([]byte(nil), k...)}
		row.Key, _ = kv[0].([]byte)
		if u, ok := kv[1].(uint64); ok {
			row.Kind = ViolationKind(u)
		} else if u, ok := kv[1].(uint8); ok {
			row.Kind = ViolationKind(u)
		}
		if b, ok := kv[2].([]byte); ok {
			row.Constraint = string(b)
		}
		if len(vv) > 0 {
			row.Value, _ = vv[0].([]byte)
		}
		if len(vv) > 1 {
			if b, ok := vv[1].([]byte); ok {
				row.Info = string(b)
			}
		}
		more, err := fn(row)
		if err != nil || !more {
			return err
		}
	}
}

// Without returns vt with the violations of the given ids removed.
func (vt ViolationTable) Without(ctx context.Context, ids ...[]byte) (ViolationTable, error) {
	ed := vt.Map.Edit()
	for _, id := range ids {
		ed.Delete(id)
	}
	m, err := ed.Flush(ctx)
	if err != nil {
		return ViolationTable{}, err
	}
	vt.Map = m
	return vt, nil
}

// LoadViolations reads the violations recorded in ms (by folded table name).
func LoadViolations(ctx context.Context, r *repo.Repo, ms repo.MergeState) ([]ViolationTable, error) {
	out := make([]ViolationTable, 0, len(ms.Violations))
	for _, tv := range ms.Violations {
		m, err := prolly.Load(ctx, r.NodeStore(), tv.Map, violationKeyDesc.Compare)
		if err != nil {
			return nil, err
		}
		out = append(out, ViolationTable{Name: tv.Table, Map: m})
	}
	return out, nil
}

// FindViolations returns the violations of the table named name (case-insensitive).
func FindViolations(vts []ViolationTable, name string) (ViolationTable, bool) {
	for _, vt := range vts {
		if strings.EqualFold(vt.Name, name) {
			return vt, true
		}
	}
	return ViolationTable{}, false
}

// WithViolations returns ms with the violation map of table name replaced by m (the
// table's entry removed if m is empty).
func WithViolations(ms repo.MergeState, name string, m prolly.Map) repo.MergeState {
	vs := slices.Clone(ms.Violations)
	i := slices.IndexFunc(vs, func(tv repo.TableViolations) bool { return strings.EqualFold(tv.Table, name) })
	switch {
	case i >= 0 && m.Count() == 0:
		vs = slices.Delete(vs, i, i+1)
	case i >= 0:
		vs[i].Map = m.Hash()
	case m.Count() > 0:
		vs = repo.SortViolations(append(vs, repo.TableViolations{Table: name, Map: m.Hash()}))
	}
	if len(vs) == 0 {
		vs = nil
	}
	ms.Violations = vs
	return ms
}

// WithoutSchemaConflict returns ms without the schema conflict of table name.
func WithoutSchemaConflict(ms repo.MergeState, name string) repo.MergeState {
	cs := slices.DeleteFunc(slices.Clone(ms.SchemaConflicts), func(c repo.SchemaConflict) bool { return strings.EqualFold(c.Table, name) })
	if len(cs) == 0 {
		cs = nil
	}
	ms.SchemaConflicts = cs
	return ms
}

// uniqueInfo is the violation_info of a unique-index violation.
type uniqueInfo struct {
	Name    string   `json:"Name"`
	Columns []string `json:"Columns"`
	Unique  bool     `json:"Unique"`
}

// recordUnique adds to ed one violation per row holding a duplicated unique value.
func recordUnique(ctx context.Context, ed *prolly.Editor, t repo.Table, vs []Violation) error {
	sch := t.Schema()
	for _, v := range vs {
		i := sch.Index(v.Index)
		if i < 0 {
			continue
		}
		ix := sch.Indexes[i]
		kd, err := sch.IndexKeyDesc(i)
		if err != nil {
			return err
		}
		info := uniqueInfo{Name: ix.Name, Unique: true}
		for _, c := range ix.Columns {
			info.Columns = append(info.Columns, c.Name)
		}
		for _, e := range v.Entries {
			key, err := rowKeyOfEntry(sch, i, kd, t.KeyDesc(), e)
			if err != nil {
				return err
			}
			val, found, err := t.Rows().Get(ctx, key)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			if err := putViolation(ed, UniqueViolation, ix.Name, key, val, info); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowKeyOfEntry returns the row-map key of the row an entry of index i points at.
func rowKeyOfEntry(sch repo.Schema, i int, ikd, kd tuple.Desc, e []byte) ([]byte, error) {
	vals, err := ikd.Values(e)
	if err != nil {
		return nil, err
	}
	ix := sch.Indexes[i]
	n := len(ix.Columns)
	b := tuple.NewBuilder(kd)
	if sch.Keyless() {
		if n < len(vals) && vals[n] != nil {
			b.Put(0, vals[n])
		}
		return b.Build()
	}
	pos := n
	for p, o := range sch.PrimaryKey {
		at := -1
		for j, ic := range ix.Columns {
			if strings.EqualFold(ic.Name, sch.Columns[o].Name) {
				if ic.Prefix > 0 {
					return nil, fmt.Errorf("merge: index %q holds a prefix of primary-key column %q", ix.Name, ic.Name)
				}
				at = j
			}
		}
		if at < 0 {
			at = pos
			pos++
		}
		if at < len(vals) && vals[at] != nil {
			b.Put(p, vals[at])
		}
	}
	return b.Build()
}
