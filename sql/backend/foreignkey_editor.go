package backend

import (
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// fkEditor is the editor GMS uses on tables with foreign keys: the ordinary tableEditor
// plus index lookups (sql.ForeignKeyEditor). GMS looks rows up through it to check a
// child's parent, to find the children of a changed parent and to cascade, all within one
// statement, so its lookups see the statement's own pending edits (statementView): a
// self-referencing row inserted earlier in the statement is a valid parent, and a child
// already deleted by a cascade is not found again. Not safe for concurrent use.
type fkEditor struct {
	*tableEditor
}

var _ sql.ForeignKeyEditor = (*fkEditor)(nil)

// GetIndexes implements sql.IndexAddressable.
func (e *fkEditor) GetIndexes(ctx *sql.Context) ([]sql.Index, error) { return e.t.GetIndexes(ctx) }

// PreciseMatch implements sql.IndexAddressable.
func (e *fkEditor) PreciseMatch() bool { return true }

// IndexedAccess implements sql.IndexAddressable.
func (e *fkEditor) IndexedAccess(_ *sql.Context, lookup sql.IndexLookup) sql.IndexedTable {
	if _, ok := lookup.Index.(*Index); !ok {
		return nil
	}
	return &fkIndexedTable{IndexedTable: &IndexedTable{Table: e.t, lookup: lookup}, ed: e}
}

// fkIndexedTable is an IndexedTable reading the statement's view of the table.
type fkIndexedTable struct {
	*IndexedTable
	ed *fkEditor
}

// PartitionRows implements sql.Table.
func (t *fkIndexedTable) PartitionRows(ctx *sql.Context, p sql.Partition) (sql.RowIter, error) {
	lp, ok := p.(lookupPartition)
	if !ok {
		return t.IndexedTable.PartitionRows(ctx, p)
	}
	rt, err := t.ed.statementView(ctx)
	if err != nil {
		return nil, err
	}
	return t.Table.lookupRowsIn(ctx, rt, trimCharLookup(lp.lookup))
}

// trimCharLookup returns lookup with the trailing spaces of its CHAR bounds removed
// (typeconv.TrimChar). GMS builds a foreign key's lookup from the row being written
// before the table editor trims it (typeconv.TrimCharRow), so a child written as 'ab '
// must find its parent stored as 'ab', as in MySQL, where both read back as 'ab'. The
// lookup is returned as it is when nothing changes.
func trimCharLookup(lookup sql.IndexLookup) sql.IndexLookup {
	rc, ok := lookup.Ranges.(sql.MySQLRangeCollection)
	if !ok {
		return lookup
	}
	var out sql.MySQLRangeCollection
	for ri, r := range rc {
		for ci, ce := range r {
			if !typeconv.IsChar(ce.Typ) {
				continue
			}
			lo, hi, changed := ce.LowerBound, ce.UpperBound, false
			if b, ok := lo.(sql.Below); ok {
				if k, cut := typeconv.TrimChar(b.Key); cut {
					b.Key = k
					lo, changed = b, true
				}
			}
			if a, ok := hi.(sql.Above); ok {
				if k, cut := typeconv.TrimChar(a.Key); cut {
					a.Key = k
					hi, changed = a, true
				}
			}
			if !changed {
				continue
			}
			if out == nil {
				out = make(sql.MySQLRangeCollection, len(rc))
				for i := range rc {
					out[i] = append(sql.MySQLRange(nil), rc[i]...)
				}
			}
			out[ri][ci].LowerBound, out[ri][ci].UpperBound = lo, hi
		}
	}
	if out == nil {
		return lookup
	}
	lookup.Ranges = out
	return lookup
}

// statementView returns the table as the current statement sees it: the session's root
// plus the statement's pending edits. Pending edits are flushed into new maps for that
// (the tableEdit keeps them as its base and marks itself flushed, so that Apply still
// writes them and DiscardChanges still drops them).
func (e *fkEditor) statementView(ctx *sql.Context) (repo.Table, error) {
	s, err := sessionOf(ctx)
	if err != nil {
		return repo.Table{}, err
	}
	es, err := s.Edits(ctx, e.t.db)
	if err != nil {
		return repo.Table{}, err
	}
	te := es.get(e.t.meta.name)
	if te == nil {
		_, _, rt, err := e.t.current(ctx)
		return rt, err
	}
	pending := te.ed.Pending() > 0
	if te.ix != nil {
		for _, ed := range te.ix.eds {
			pending = pending || ed.Pending() > 0
		}
	}
	if !pending {
		return te.base, nil
	}
	rows, err := te.ed.Flush(ctx)
	if err != nil {
		return repo.Table{}, err
	}
	base, err := te.base.WithRows(ctx, rows)
	if err != nil {
		return repo.Table{}, err
	}
	if te.ix != nil {
		for i, ed := range te.ix.eds {
			if ed.Pending() == 0 {
				continue
			}
			mp, err := ed.Flush(ctx)
			if err != nil {
				return repo.Table{}, err
			}
			if base, err = base.WithIndex(ctx, te.ix.ixs[i].name, mp); err != nil {
				return repo.Table{}, err
			}
		}
	}
	te.base, te.flushed = base, true
	return base, nil
}
