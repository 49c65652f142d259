package backend

import "github.com/dolthub/go-mysql-server/sql"

var _ sql.TemporaryTable = (*Table)(nil)

// IsTemporary implements sql.TemporaryTable: dsql has no temporary tables yet. GMS's
// read-only-transaction check (analyzer validateReadOnlyTransaction) type-asserts every
// written table to sql.TemporaryTable and dereferences the result, so without this method
// any write in a START TRANSACTION READ ONLY transaction panics instead of failing with
// sql.ErrReadOnlyTransaction.
func (t *Table) IsTemporary() bool { return false }
