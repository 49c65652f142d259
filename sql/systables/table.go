package systables

import (
	"io"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"

	"github.com/dsqldb/dsql/sql/backend"
)

// table is a read-only system table: a schema and a function that produces its rows when
// a scan starts (so each query reads the repository afresh).
type table struct {
	name   string
	schema sql.Schema
	rows   func(ctx *sql.Context) (sql.RowIter, error)
}

var _ sql.Table = (*table)(nil)

// newTable returns a table named name whose columns (built by cols) carry name as source.
func newTable(name, db string, cols []column, rows func(ctx *sql.Context) (sql.RowIter, error)) *table {
	return &table{name: name, schema: schemaOf(name, db, cols), rows: rows}
}

// Name implements sql.Table.
func (t *table) Name() string { return t.name }

// String implements sql.Table.
func (t *table) String() string { return t.name }

// Schema implements sql.Table.
func (t *table) Schema(*sql.Context) sql.Schema { return t.schema }

// Collation implements sql.Table.
func (t *table) Collation() sql.CollationID { return sql.Collation_Default }

// Partitions implements sql.Table: one partition.
func (t *table) Partitions(*sql.Context) (sql.PartitionIter, error) {
	return sql.PartitionsToPartitionIter(partition{}), nil
}

// PartitionRows implements sql.Table.
func (t *table) PartitionRows(ctx *sql.Context, _ sql.Partition) (sql.RowIter, error) {
	return t.rows(ctx)
}

type partition struct{}

func (partition) Key() []byte { return []byte("systable") }

// column describes one column of a system table.
type column struct {
	name     string
	typ      sql.Type
	pk       bool
	nullable bool
}

var (
	textType     = types.LongText
	datetimeType = types.Datetime3
	boolType     = types.Boolean
	uint64Type   = types.Uint64
	intType      = types.Int32
)

func schemaOf(source, db string, cols []column) sql.Schema {
	s := make(sql.Schema, len(cols))
	for i, c := range cols {
		s[i] = &sql.Column{
			Name:           c.name,
			Type:           c.typ,
			Source:         source,
			DatabaseSource: db,
			PrimaryKey:     c.pk,
			Nullable:       c.nullable,
		}
	}
	return s
}

// sqlTime is a commit time as a DATETIME(3) value: UTC, rounded up to the millisecond
// (commit times are kept to the microsecond, so that AS OF a listed date still finds the
// listed commit).
func sqlTime(t time.Time) time.Time {
	t = t.UTC()
	if r := t.Truncate(time.Millisecond); !r.Equal(t) {
		return r.Add(time.Millisecond)
	}
	return t
}

// funcIter is a sql.RowIter over a next function (io.EOF ends it) and an optional close.
type funcIter struct {
	next  func(ctx *sql.Context) (sql.Row, error)
	close func() error
}

func (it *funcIter) Next(ctx *sql.Context) (sql.Row, error) { return it.next(ctx) }

func (it *funcIter) Close(*sql.Context) error {
	if it.close != nil {
		return it.close()
	}
	return nil
}

// sliceIter returns an iterator over rows.
func sliceIter(rows []sql.Row) sql.RowIter {
	i := 0
	return &funcIter{next: func(*sql.Context) (sql.Row, error) {
		if i >= len(rows) {
			return nil, io.EOF
		}
		i++
		return rows[i-1], nil
	}}
}

// pkLookupTable is what dsql_history_<t> and dsql_blame_<t> share: a system table over
// user table `table` (its view) whose primary-key filters GMS pushes down through a
// diffIndex as lookup (nil: read everything). The embedding type implements
// IndexedAccess (copying itself with the lookup set) and GetIndexes.
type pkLookupTable struct {
	name   string
	db     *backend.Database
	table  string
	view   *tableView
	sch    sql.Schema
	lookup *sql.IndexLookup
}

func (t *pkLookupTable) Name() string                   { return t.name }
func (t *pkLookupTable) String() string                 { return t.name }
func (t *pkLookupTable) Schema(*sql.Context) sql.Schema { return t.sch }
func (t *pkLookupTable) Collation() sql.CollationID     { return sql.Collation_Default }
func (t *pkLookupTable) PreciseMatch() bool             { return false }

// Partitions implements sql.Table: one partition, holding the lookup if there is one.
func (t *pkLookupTable) Partitions(*sql.Context) (sql.PartitionIter, error) {
	if t.lookup != nil {
		return sql.PartitionsToPartitionIter(diffLookupPartition{*t.lookup}), nil
	}
	return sql.PartitionsToPartitionIter(partition{}), nil
}

// LookupPartitions implements sql.IndexedTable.
func (t *pkLookupTable) LookupPartitions(_ *sql.Context, lookup sql.IndexLookup) (sql.PartitionIter, error) {
	return sql.PartitionsToPartitionIter(diffLookupPartition{lookup}), nil
}
