package backend

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"
)

// InsertUntrimmedForTest inserts row into the primary-key table t (a *Table) in the
// session's working root exactly as given, CHAR trailing spaces included, with its
// secondary index entries: a row as a dsql from before CHAR values were trimmed on write
// stored it.
func InsertUntrimmedForTest(ctx *sql.Context, t sql.Table, row sql.Row) error {
	bt, ok := t.(*Table)
	if !ok || bt.meta.keyless {
		return fmt.Errorf("InsertUntrimmedForTest: %T is not a primary-key *Table", t)
	}
	e := &tableEditor{t: bt}
	te, err := e.edit(ctx)
	if err != nil {
		return err
	}
	key, val, err := bt.meta.encodePK(row)
	if err != nil {
		return err
	}
	if err := e.indexInsert(ctx, te, row, key); err != nil {
		return err
	}
	if err := te.ed.Put(key, val); err != nil {
		return err
	}
	return e.StatementComplete(ctx)
}
