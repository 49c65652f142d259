package merge

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// fkInfo is the violation_info of a foreign-key violation.
type fkInfo struct {
	ForeignKey        string   `json:"ForeignKey"`
	Table             string   `json:"Table"`
	Columns           []string `json:"Columns"`
	ReferencedTable   string   `json:"ReferencedTable"`
	ReferencedColumns []string `json:"ReferencedColumns"`
	OnDelete          string   `json:"OnDelete"`
	OnUpdate          string   `json:"OnUpdate"`
}

func fkAction(a repo.FKAction) string {
	switch a {
	case repo.FKDefault:
		return "DEFAULT"
	}
	return fmt.Sprint(a)
}

// recordForeignKeyViolations records in res (Violations, ViolationNotes) every child row
// of the merged root out whose parent row is missing, for each foreign key the merge
// added or redefined (every child row is checked) or whose child or parent table it
// changed relative to ours (ours is taken as consistent):
// the child rows the merge added or changed are looked up in the parent (by key when
// the foreign key references the parent's primary key, else in a set of the parent's
// values), and when the merge removed or changed parent rows, the child table is scanned
// for rows referencing a value no parent row holds any more. A row whose foreign-key
// columns hold a NULL never violates.
func recordForeignKeyViolations(ctx context.Context, ours, out repo.Root, res *Result) (repo.Root, error) {
	for _, fk := range out.ForeignKeys() {
		mc, okC, err := out.Table(ctx, fk.Table)
		if err != nil {
			return repo.Root{}, err
		}
		mp, okP, err := out.Table(ctx, fk.ParentTable)
		if err != nil {
			return repo.Root{}, err
		}
		if !okC || !okP {
			continue
		}
		oc, inOC, err := ours.Table(ctx, fk.Table)
		if err != nil {
			return repo.Root{}, err
		}
		op, inOP, err := ours.Table(ctx, fk.ParentTable)
		if err != nil {
			return repo.Root{}, err
		}
		childChanged := !inOC || oc.Hash() != mc.Hash()
		parentChanged := !inOP || op.Hash() != mp.Hash()
		ofk, inOFK := ours.ForeignKey(fk.Name)
		newFK := !SameForeignKey(ofk, inOFK, fk, true) // added or redefined by the merge: check every child row
		if !childChanged && !parentChanged && !newFK {
			continue
		}
		c, err := newFKChecker(ctx, fk, mc, mp)
		if err != nil || c == nil {
			if err != nil {
				return repo.Root{}, err
			}
			continue
		}
		// Child rows the merge added or changed.
		if childChanged || newFK {
			if inOC && oc.SchemaHash() == mc.SchemaHash() && !newFK {
				if err := c.checkDiff(ctx, oc.Rows(), mc.Rows()); err != nil {
					return repo.Root{}, err
				}
			} else if err := c.checkAll(ctx, nil); err != nil {
				return repo.Root{}, err
			}
		}
		// Parent values the merge removed.
		if parentChanged && inOP {
			gone, err := c.removedParents(ctx, op)
			if err != nil {
				return repo.Root{}, err
			}
			if len(gone) > 0 {
				if err := c.checkAll(ctx, gone); err != nil {
					return repo.Root{}, err
				}
			}
		}
		if len(c.bad) == 0 {
			continue
		}
		i := slices.IndexFunc(res.Violations, func(tv TableViolations) bool { return strings.EqualFold(tv.Table, mc.Name()) })
		var vm prolly.Map
		if i >= 0 {
			vm = res.Violations[i].Map
		} else if vm, err = NewViolationMap(ctx, out.NodeStore()); err != nil {
			return repo.Root{}, err
		}
		ed := vm.Edit()
		info := fkInfo{ForeignKey: fk.Name, Table: fk.Table, Columns: fk.Columns, ReferencedTable: fk.ParentTable,
			ReferencedColumns: fk.ParentColumns, OnDelete: fkAction(fk.OnDelete), OnUpdate: fkAction(fk.OnUpdate)}
		for _, b := range c.bad {
			if err := putViolation(ed, ForeignKeyViolation, fk.Name, b[0], b[1], info); err != nil {
				return repo.Root{}, err
			}
		}
		if vm, err = ed.Flush(ctx); err != nil {
			return repo.Root{}, err
		}
		if i >= 0 {
			res.Violations[i].Map = vm
		} else {
			res.Violations = append(res.Violations, TableViolations{Table: mc.Name(), Map: vm})
			slices.SortFunc(res.Violations, func(a, b TableViolations) int {
				return strings.Compare(strings.ToLower(a.Table), strings.ToLower(b.Table))
			})
		}
		res.ViolationNotes = append(res.ViolationNotes, fmt.Sprintf("foreign key %s: %d rows of %s reference missing rows of %s", fk.Name, len(c.bad), mc.Name(), mp.Name()))
	}
	return out, nil
}

// fkChecker checks the rows of one foreign key's child table against its parent.
type fkChecker struct {
	child, parent repo.Table
	cget, pget    *converter
	ccols, pcols  []int
	byKey         bool            // the foreign key references the parent's primary key
	parentVals    map[string]bool // lazily: every parent value (when !byKey)
	bad           [][2][]byte     // violating child rows (key, value)
	seen          map[string]bool // child keys already recorded
	parentKeyDesc tuple.Desc
}

func newFKChecker(ctx context.Context, fk repo.ForeignKey, child, parent repo.Table) (*fkChecker, error) {
	c := &fkChecker{child: child, parent: parent, seen: map[string]bool{}}
	c.cget = &converter{from: child.Schema(), fkd: child.KeyDesc(), fvd: child.ValueDesc()}
	c.pget = &converter{from: parent.Schema(), fkd: parent.KeyDesc(), fvd: parent.ValueDesc()}
	for _, n := range fk.Columns {
		o := child.Schema().Column(n)
		if o < 0 {
			return nil, nil
		}
		c.ccols = append(c.ccols, o)
	}
	for _, n := range fk.ParentColumns {
		o := parent.Schema().Column(n)
		if o < 0 {
			return nil, nil
		}
		c.pcols = append(c.pcols, o)
	}
	if len(c.ccols) != len(c.pcols) {
		return nil, nil
	}
	c.byKey = slices.Equal(parent.Schema().PrimaryKey, c.pcols)
	c.parentKeyDesc = parent.KeyDesc()
	return c, nil
}

// values returns the foreign-key values of a row (ok false if any is NULL).
func values(get *converter, cols []int, key, val []byte) ([]any, bool, error) {
	all, _, err := get.columns(key, val)
	if err != nil {
		return nil, false, err
	}
	out := make([]any, len(cols))
	for i, o := range cols {
		if all[o] == nil {
			return nil, false, nil
		}
		out[i] = all[o]
	}
	return out, true, nil
}

func valueString(vs []any) string {
	var b strings.Builder
	for _, v := range vs {
		switch x := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "%q|", x)
		default:
			fmt.Fprintf(&b, "%v|", x)
		}
	}
	return b.String()
}

// hasParent reports whether some parent row holds vs.
func (c *fkChecker) hasParent(ctx context.Context, vs []any) (bool, error) {
	if c.byKey {
		b := tuple.NewBuilder(c.parentKeyDesc)
		for i, v := range vs {
			b.Put(i, v)
		}
		if k, err := b.Build(); err == nil {
			_, found, err := c.parent.Rows().Get(ctx, k)
			return found, err
		}
	}
	if c.parentVals == nil {
		c.parentVals = map[string]bool{}
		it, err := c.parent.Rows().Iter(ctx, prolly.All)
		if err != nil {
			return false, err
		}
		for {
			k, v, err := it.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return false, err
			}
			pv, ok, err := values(c.pget, c.pcols, k, v)
			if err != nil {
				return false, err
			}
			if ok {
				c.parentVals[valueString(pv)] = true
			}
		}
	}
	return c.parentVals[valueString(vs)], nil
}

// check records the child row (key, val) if it references a missing parent; only
// rows whose value string is in only (when non-nil) are checked.
func (c *fkChecker) check(ctx context.Context, key, val []byte, only map[string]bool) error {
	vs, ok, err := values(c.cget, c.ccols, key, val)
	if err != nil || !ok {
		return err
	}
	if only != nil && !only[valueString(vs)] {
		return nil
	}
	found, err := c.hasParent(ctx, vs)
	if err != nil || found {
		return err
	}
	if !c.seen[string(key)] {
		c.seen[string(key)] = true
		c.bad = append(c.bad, [2][]byte{append([]byte(nil), key...), append([]byte(nil), val...)})
	}
	return nil
}

func (c *fkChecker) checkDiff(ctx context.Context, from, to prolly.Map) error {
	d, err := prolly.DiffMaps(ctx, from, to)
	if err != nil {
		return err
	}
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if df.To != nil {
			if err := c.check(ctx, df.Key, df.To, nil); err != nil {
				return err
			}
		}
	}
}

func (c *fkChecker) checkAll(ctx context.Context, only map[string]bool) error {
	it, err := c.child.Rows().Iter(ctx, prolly.All)
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
		if err := c.check(ctx, k, v, only); err != nil {
			return err
		}
	}
}

// removedParents returns the parent values that rows of ours' parent held and that the
// merged parent lost (compared by diff when the schemas agree, else every value).
func (c *fkChecker) removedParents(ctx context.Context, op repo.Table) (map[string]bool, error) {
	gone := map[string]bool{}
	oget := &converter{from: op.Schema(), fkd: op.KeyDesc(), fvd: op.ValueDesc()}
	ocols := make([]int, len(c.pcols))
	for i, o := range c.pcols {
		if ocols[i] = op.Schema().Column(c.parent.Schema().Columns[o].Name); ocols[i] < 0 {
			return nil, nil
		}
	}
	add := func(k, v []byte) error {
		vs, ok, err := values(oget, ocols, k, v)
		if err != nil || !ok {
			return err
		}
		found, err := c.hasParent(ctx, vs)
		if err == nil && !found {
			gone[valueString(vs)] = true
		}
		return err
	}
	if op.SchemaHash() == c.parent.SchemaHash() {
		d, err := prolly.DiffMaps(ctx, op.Rows(), c.parent.Rows())
		if err != nil {
			return nil, err
		}
		for {
			df, err := d.Next(ctx)
			if err == io.EOF {
				return gone, nil
			}
			if err != nil {
				return nil, err
			}
			if df.From != nil {
				if err := add(df.Key, df.From); err != nil {
					return nil, err
				}
			}
		}
	}
	it, err := op.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return nil, err
	}
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			return gone, nil
		}
		if err != nil {
			return nil, err
		}
		if err := add(k, v); err != nil {
			return nil, err
		}
	}
}
