package procedures

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
)

const addUsage = "dsql_add([-A | --all | '.'] | TABLE...)"

// add stages tables: staged[t] = working[t] for each named table (a table deleted in the
// working root is removed from the staged one); '.', -A and --all stage every table.
func add(ctx *sql.Context, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_add", addUsage)
	all := f.BoolP("all", "A", false, "stage every table")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	names := f.Args()
	for _, n := range names {
		if n == "." {
			*all = true
		}
	}
	if !*all && len(names) == 0 {
		return nil, f.usageError("nothing specified, nothing added (name tables, or '.' for all)")
	}
	e, err := writable(ctx, "dsql_add")
	if err != nil {
		return nil, err
	}
	working, staged, _, err := e.sess.Roots(ctx, e.db)
	if err != nil {
		return nil, err
	}
	if *all {
		staged = working
	} else {
		for _, n := range names {
			if !working.HasTable(n) && !staged.HasTable(n) {
				return nil, fmt.Errorf("dsql_add: table %q not found", n)
			}
		}
		if staged, err = copyTables(ctx, staged, working, names); err != nil {
			return nil, err
		}
	}
	if err := e.sess.SetRoots(ctx, e.db, working, staged); err != nil {
		return nil, err
	}
	return ok()
}
