package merge

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// checkInfo is the violation_info of a CHECK violation.
type checkInfo struct {
	Name       string `json:"Name"`
	Expression string `json:"Expression"`
}

// recordCheckViolations records in res the rows of the merged table mt that violate an
// enforced CHECK (Options.CheckRow evaluates them): the rows the merge added or changed
// relative to ours' table ot, or every row when the merge changed the table's checks or
// schema.
func recordCheckViolations(ctx context.Context, ot, mt repo.Table, opts Options, res *Result) error {
	sch := mt.Schema()
	if opts.CheckRow == nil || !slices.ContainsFunc(sch.Checks, func(c repo.Check) bool { return c.Enforced }) || ot.Rows().Hash() == mt.Rows().Hash() && ot.SchemaHash() == mt.SchemaHash() {
		return nil
	}
	type bad struct {
		key, val []byte
		checks   []int
	}
	var found []bad
	check := func(k, v []byte) error {
		cs, err := opts.CheckRow(ctx, sch, k, v)
		if err != nil || len(cs) == 0 {
			return err
		}
		found = append(found, bad{append([]byte(nil), k...), append([]byte(nil), v...), cs})
		return nil
	}
	if ot.SchemaHash() == mt.SchemaHash() || reflect.DeepEqual(ot.Schema().Checks, sch.Checks) && sameRowLayout(ot.Schema(), sch) {
		d, err := prolly.DiffMaps(ctx, ot.Rows(), mt.Rows())
		if err != nil {
			return err
		}
		for {
			df, err := d.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if df.To != nil {
				if err := check(df.Key, df.To); err != nil {
					return err
				}
			}
		}
	} else {
		it, err := mt.Rows().Iter(ctx, prolly.All)
		if err != nil {
			return err
		}
		for {
			k, v, err := it.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if err := check(k, v); err != nil {
				return err
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	counts := map[int]int{}
	for _, b := range found {
		for _, i := range b.checks {
			counts[i]++
		}
	}
	for i, c := range sch.Checks {
		if counts[i] > 0 {
			res.ViolationNotes = append(res.ViolationNotes, fmt.Sprintf("check %s: %d rows of %s violate it", c.Name, counts[i], sch.Name))
		}
	}
	return editViolations(ctx, res, mt, func(ed *prolly.Editor) error {
		for _, b := range found {
			for _, i := range b.checks {
				c := sch.Checks[i]
				if err := putViolation(ed, CheckViolation, c.Name, b.key, b.val, checkInfo{Name: c.Name, Expression: c.Expr}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// editViolations applies fn to the violation map of table t in res (created if needed).
func editViolations(ctx context.Context, res *Result, t repo.Table, fn func(*prolly.Editor) error) error {
	i := slices.IndexFunc(res.Violations, func(tv TableViolations) bool { return strings.EqualFold(tv.Table, t.Name()) })
	var vm prolly.Map
	var err error
	if i >= 0 {
		vm = res.Violations[i].Map
	} else if vm, err = NewViolationMap(ctx, t.Rows().NodeStore()); err != nil {
		return err
	}
	ed := vm.Edit()
	if err := fn(ed); err != nil {
		return err
	}
	if vm, err = ed.Flush(ctx); err != nil {
		return err
	}
	switch {
	case i >= 0:
		res.Violations[i].Map = vm
	case vm.Count() > 0:
		res.Violations = append(res.Violations, TableViolations{Table: t.Name(), Map: vm})
		slices.SortFunc(res.Violations, func(a, b TableViolations) int {
			return strings.Compare(strings.ToLower(a.Table), strings.ToLower(b.Table))
		})
	}
	return nil
}
