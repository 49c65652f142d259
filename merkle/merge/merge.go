package merge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// ErrSchemaConflict marks a merge refused because of schema changes it cannot combine
// (see the package doc); the error is a *SchemaConflictError.
var ErrSchemaConflict = errors.New("merge: schema conflict")

// SchemaConflict is one table (or foreign key) whose changes cannot be merged.
type SchemaConflict struct {
	Table  string // table name (for a foreign key: the foreign key's name)
	Reason string
}

// SchemaConflictError lists every schema conflict of a merge, sorted by name.
type SchemaConflictError struct{ Conflicts []SchemaConflict }

func (e *SchemaConflictError) Error() string {
	var b strings.Builder
	b.WriteString("merge: schema conflict in ")
	b.WriteString(strings.Join(e.Tables(), ", "))
	for _, c := range e.Conflicts {
		fmt.Fprintf(&b, "; %s: %s", c.Table, c.Reason)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrSchemaConflict) hold.
func (e *SchemaConflictError) Unwrap() error { return ErrSchemaConflict }

// Tables returns the names of the conflicted tables.
func (e *SchemaConflictError) Tables() []string {
	out := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		out[i] = c.Table
	}
	return out
}

// TableStats counts what the merge did to one table's rows.
type TableStats struct {
	Table      string
	Applied    int // row changes taken from theirs as they were
	Convergent int // rows both sides changed identically
	CellMerged int // rows both sides changed in different columns, merged cell by cell
	Conflicts  int // rows left in conflict (ours kept)
}

// TableConflicts holds the conflicted rows of one table: the keys (row-map keys of the
// table in ours) of every row both sides changed incompatibly. Keys has empty values.
type TableConflicts struct {
	Table string
	Keys  prolly.Map
}

// Result is the outcome of Merge.
type Result struct {
	// Root is the merged root; conflicted rows hold ours' version.
	Root repo.Root
	// Conflicts lists the tables with conflicted rows, sorted by folded name.
	Conflicts []TableConflicts
	// Stats has one entry per table whose rows were merged three-way (both sides changed
	// them), sorted by folded name.
	Stats []TableStats
	// SchemaConflicts lists the tables (or foreign keys) whose changes could not be
	// merged, sorted by folded name (Options.Record; ours' version is kept).
	SchemaConflicts []SchemaConflict
	// Violations lists the tables whose merged rows break a constraint, sorted by folded
	// name (Options.Record).
	Violations []TableViolations
	// UniqueViolations lists the duplicated unique-index values behind Violations.
	UniqueViolations []Violation
	// ViolationNotes describes the foreign-key and CHECK violations behind Violations.
	ViolationNotes []string
	// converted holds, when some table whose schema the merge combined has row
	// conflicts, roots with those tables' base, ours and theirs versions converted to the
	// merged schema (see repo.MergeState.ConvertedBase).
	converted [3]repo.Root
	hasConv   bool
}

// Unresolved reports whether r has row conflicts, schema conflicts or violations.
func (r Result) Unresolved() bool {
	return len(r.Conflicts) > 0 || len(r.SchemaConflicts) > 0 || len(r.Violations) > 0
}

// SchemaConflictTables returns the names of the tables in schema conflict.
func (r Result) SchemaConflictTables() []string {
	out := make([]string, len(r.SchemaConflicts))
	for i, c := range r.SchemaConflicts {
		out[i] = c.Table
	}
	return out
}

// ViolationTables returns the names of the tables with constraint violations.
func (r Result) ViolationTables() []string {
	out := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		out[i] = v.Table
	}
	return out
}

// NumViolations returns the number of recorded constraint violations.
func (r Result) NumViolations() uint64 {
	var n uint64
	for _, v := range r.Violations {
		n += v.Map.Count()
	}
	return n
}

// HasConflicts reports whether any row is in conflict.
func (r Result) HasConflicts() bool { return len(r.Conflicts) > 0 }

// ConflictedTables returns the names of the tables with conflicts.
func (r Result) ConflictedTables() []string {
	out := make([]string, len(r.Conflicts))
	for i, c := range r.Conflicts {
		out[i] = c.Table
	}
	return out
}

// NumConflicts returns the number of conflicted rows of every table.
func (r Result) NumConflicts() uint64 {
	var n uint64
	for _, c := range r.Conflicts {
		n += c.Keys.Count()
	}
	return n
}

// State returns the merge state recording r's conflicts for a merge of commit into a
// working root ours, from the merge base's root base.
func (r Result) State(commit hash.Hash, ours, base repo.Root) repo.MergeState {
	ms := repo.MergeState{Commit: commit, PreMergeWorking: ours.Hash()}
	if r.Unresolved() {
		ms.Base = base.Hash()
		for _, c := range r.Conflicts {
			ms.Conflicts = append(ms.Conflicts, repo.TableConflicts{Table: c.Table, Keys: c.Keys.Hash()})
		}
		repo.SortConflicts(ms.Conflicts)
		for _, c := range r.SchemaConflicts {
			ms.SchemaConflicts = append(ms.SchemaConflicts, repo.SchemaConflict{Table: c.Table, Description: c.Reason})
		}
		repo.SortSchemaConflicts(ms.SchemaConflicts)
		for _, v := range r.Violations {
			ms.Violations = append(ms.Violations, repo.TableViolations{Table: v.Table, Map: v.Map.Hash()})
		}
		repo.SortViolations(ms.Violations)
		if r.hasConv {
			ms.ConvertedBase, ms.ConvertedOurs, ms.ConvertedTheirs = r.converted[0].Hash(), r.converted[1].Hash(), r.converted[2].Hash()
		}
	}
	return ms
}

// Merge merges theirs into ours three-way against base (see the package doc for the
// rules). Without Options.Record, a schema conflict fails the whole merge with a
// *SchemaConflictError and a unique-key violation with a *ViolationError; row conflicts
// do not fail it: they are in Result.Conflicts. With Options.Record, schema conflicts
// and violations are recorded in the Result too.
func Merge(ctx context.Context, base, ours, theirs repo.Root, opts ...Options) (Result, error) {
	opt := options(opts)
	names := map[string]string{}
	for _, r := range []repo.Root{base, theirs, ours} {
		for _, n := range r.TableNames() {
			names[strings.ToLower(n)] = n
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	res := Result{Root: ours}
	var schemaConflicts []SchemaConflict
	var violations []Violation
	conflict := func(k, format string, args ...any) {
		schemaConflicts = append(schemaConflicts, SchemaConflict{Table: names[k], Reason: fmt.Sprintf(format, args...)})
	}
	out := ours
	for _, k := range keys {
		bh, inB := base.TableHash(k)
		oh, inO := ours.TableHash(k)
		th, inT := theirs.TableHash(k)
		same := func(h1 hash.Hash, in1 bool, h2 hash.Hash, in2 bool) bool { return in1 == in2 && (!in1 || h1 == h2) }
		var err error
		switch {
		case same(bh, inB, th, inT), same(oh, inO, th, inT):
			continue // theirs did not change it, or both made the same change
		case same(bh, inB, oh, inO): // only theirs changed it
			if inT {
				var t repo.Table
				if t, _, err = theirs.Table(ctx, k); err == nil {
					out, err = out.PutTable(ctx, t)
				}
			} else {
				out, err = out.RemoveTable(ctx, k)
			}
			if err != nil {
				return Result{}, err
			}
			continue
		case !inO || !inT:
			conflict(k, "deleted on one side and modified on the other")
			continue
		}
		ot, _, err := ours.Table(ctx, k)
		if err != nil {
			return Result{}, err
		}
		tt, _, err := theirs.Table(ctx, k)
		if err != nil {
			return Result{}, err
		}
		var bt repo.Table
		if inB {
			if bt, _, err = base.Table(ctx, k); err != nil {
				return Result{}, err
			}
		} else if ot.SchemaHash() == tt.SchemaHash() {
			// Created on both sides with the same schema: merge against an empty table.
			if bt, err = repo.NewTable(ctx, ours.NodeStore(), ot.Schema()); err != nil {
				return Result{}, err
			}
		} else {
			conflict(k, "created on both sides with different schemas")
			continue
		}
		var (
			mt  repo.Table
			st  TableStats
			ck  prolly.Map
			vs  []Violation
			cv  converted
			why string
		)
		if bt.SchemaHash() != ot.SchemaHash() || bt.SchemaHash() != tt.SchemaHash() {
			m, reason := mergeSchemas(bt.Schema(), ot.Schema(), tt.Schema())
			if reason != "" {
				conflict(k, "%s", reason)
				continue
			}
			mt, st, ck, cv, vs, why, err = mergeTableSchemas(ctx, bt, ot, tt, m, opt)
			if err == nil && why != "" {
				conflict(k, "%s", why)
				continue
			}
		} else {
			mt, st, ck, vs, err = mergeTable(ctx, bt, ot, tt)
		}
		if err != nil {
			return Result{}, fmt.Errorf("merge: table %q: %w", ot.Name(), err)
		}
		if len(vs) > 0 {
			violations = append(violations, vs...)
			if opt.Record {
				if err := editViolations(ctx, &res, mt, func(ed *prolly.Editor) error { return recordUnique(ctx, ed, mt, vs) }); err != nil {
					return Result{}, err
				}
			}
		}
		if opt.Record {
			if err := recordCheckViolations(ctx, ot, mt, opt, &res); err != nil {
				return Result{}, err
			}
		}
		if ck.Count() > 0 && cv.ours.Name() != "" {
			if !res.hasConv {
				for i := range res.converted {
					if res.converted[i], err = repo.EmptyRoot(ctx, ours.NodeStore()); err != nil {
						return Result{}, err
					}
				}
				res.hasConv = true
			}
			for i, t := range []repo.Table{cv.base, cv.ours, cv.theirs} {
				if res.converted[i], err = res.converted[i].PutTable(ctx, t); err != nil {
					return Result{}, err
				}
			}
		}
		res.Stats = append(res.Stats, st)
		if ck.Count() > 0 {
			res.Conflicts = append(res.Conflicts, TableConflicts{Table: ot.Name(), Keys: ck})
		}
		if mt.Hash() != ot.Hash() {
			if out, err = out.PutTable(ctx, mt); err != nil {
				return Result{}, err
			}
		}
	}
	out, fkConflicts, err := mergeForeignKeys(ctx, base, ours, theirs, out)
	if err != nil {
		return Result{}, err
	}
	schemaConflicts = append(schemaConflicts, fkConflicts...)
	slices.SortFunc(schemaConflicts, func(a, b SchemaConflict) int {
		return strings.Compare(strings.ToLower(a.Table), strings.ToLower(b.Table))
	})
	if !opt.Record {
		if len(schemaConflicts) > 0 {
			return Result{}, &SchemaConflictError{Conflicts: schemaConflicts}
		}
		if len(violations) > 0 {
			return Result{}, &ViolationError{Violations: violations}
		}
	}
	res.SchemaConflicts = schemaConflicts
	res.UniqueViolations = violations
	if opt.Record {
		if out, err = recordForeignKeyViolations(ctx, ours, out, &res); err != nil {
			return Result{}, err
		}
	}
	res.Root = out
	return res, nil
}

// mergeTable merges the rows of one table whose schema is the same on all three sides.
func mergeTable(ctx context.Context, base, ours, theirs repo.Table) (repo.Table, TableStats, prolly.Map, []Violation, error) {
	t, st, ck, err := mergeTableRows(ctx, base, ours, theirs)
	var ve *ViolationError
	if errors.As(err, &ve) {
		return t, st, ck, ve.Violations, nil
	}
	return t, st, ck, nil, err
}

func mergeTableRows(ctx context.Context, base, ours, theirs repo.Table) (repo.Table, TableStats, prolly.Map, error) {
	st := TableStats{Table: ours.Name()}
	ck, err := prolly.NewEmpty(ctx, ours.Rows().NodeStore(), ours.KeyDesc().Compare)
	if err != nil {
		return repo.Table{}, st, prolly.Map{}, err
	}
	t := ours
	var verr error
	fastForward := base.Rows().Hash() == ours.Rows().Hash()
	if ours.Schema().Keyless() || fastForward {
		// Keyless rows merge by counts; a fast-forward takes theirs' rows as they are.
		// Either way the indexes follow from one diff of ours' rows against the result.
		var rows prolly.Map
		if ours.Schema().Keyless() {
			rows, err = mergeKeyless(ctx, base.Rows(), ours.Rows(), theirs.Rows(), ours.ValueDesc(), &st)
		} else {
			rows, ck, err = mergeKeyed(ctx, base.Rows(), ours.Rows(), theirs.Rows(), ours.ValueDesc(), ck, &st)
		}
		if err != nil {
			return repo.Table{}, st, prolly.Map{}, err
		}
		if rows.Hash() != ours.Rows().Hash() {
			t, err = UpdateRows(ctx, ours, rows)
		}
	} else {
		t, ck, err = mergeKeyedTable(ctx, base, ours, theirs, ck, &st)
	}
	if err != nil {
		var ve *ViolationError
		if !errors.As(err, &ve) {
			return repo.Table{}, st, prolly.Map{}, err
		}
		verr = err
	}
	if ai := max(ours.AutoIncrement(), theirs.AutoIncrement()); ai != t.AutoIncrement() {
		if t, err = t.WithAutoIncrement(ctx, ai); err != nil {
			return repo.Table{}, st, prolly.Map{}, err
		}
	}
	return t, st, ck, verr
}
