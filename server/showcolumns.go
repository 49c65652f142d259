package server

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/rowexec"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// showColumnsBuilder is a GMS priority exec builder (rowexec.BaseBuilder.PriorityBuilder)
// that answers SHOW [FULL] COLUMNS and DESCRIBE as MySQL does, and hands every other node
// to next (nil: GMS's own builder).
//
// GMS's Type column is the type's String(), which adds COLLATE (and CHARACTER SET) to a
// string column of any collation other than GMS's default utf8mb4_0900_bin: under MySQL
// 8's default utf8mb4_0900_ai_ci every VARCHAR showed as "varchar(32) COLLATE
// utf8mb4_0900_ai_ci". MySQL shows the bare type ("varchar(32)"), as information_schema
// COLUMNS.COLUMN_TYPE already does in GMS. The Collation column of SHOW FULL COLUMNS was
// utf8mb4_0900_bin for every string column, whatever its collation; it is the column's
// own. The rows are GMS's otherwise (keys, defaults, extra, comments).
type showColumnsBuilder struct {
	next sql.NodeExecBuilder
	gms  *rowexec.BaseBuilder // without a priority builder: GMS's SHOW COLUMNS rows
}

func newShowColumnsBuilder(next sql.NodeExecBuilder) showColumnsBuilder {
	return showColumnsBuilder{next: next, gms: rowexec.NewBuilder(nil, sql.EngineOverrides{})}
}

var _ sql.NodeExecBuilder = showColumnsBuilder{}

// Build implements sql.NodeExecBuilder.
func (b showColumnsBuilder) Build(ctx *sql.Context, n sql.Node, row sql.Row) (sql.RowIter, error) {
	sc, ok := n.(*plan.ShowColumns)
	if !ok {
		if b.next == nil {
			return nil, nil
		}
		return b.next.Build(ctx, n, row)
	}
	iter, err := b.gms.Build(ctx, sc, row)
	if err != nil {
		return nil, err
	}
	rows, err := sql.RowIterToRows(ctx, iter)
	if err != nil {
		return nil, err
	}
	cols := map[string]*sql.Column{}
	for _, c := range sc.TargetSchema() {
		cols[strings.ToLower(c.Name)] = c
	}
	for _, r := range rows {
		name, _ := r[0].(string)
		c := cols[strings.ToLower(name)]
		if c == nil {
			continue
		}
		if s, ok := r[1].(string); ok {
			r[1] = bareTypeName(s)
		}
		if sc.Full && types.IsTextOnly(c.Type) {
			if tc, ok := c.Type.(sql.TypeWithCollation); ok {
				r[2] = tc.Collation().Name()
			}
		}
	}
	return sql.RowsToRowIter(rows...), nil
}

// bareTypeName is a column type's text without its CHARACTER SET and COLLATE clauses
// ("varchar(32) COLLATE utf8mb4_0900_ai_ci" -> "varchar(32)"), as MySQL's SHOW COLUMNS
// and GMS's information_schema COLUMNS.COLUMN_TYPE print it.
// The clauses are looked for after the last ')', so an ENUM member's text is kept.
func bareTypeName(s string) string {
	from := strings.LastIndex(s, ")") + 1
	for _, clause := range []string{" CHARACTER SET ", " COLLATE "} {
		if i := strings.Index(s[from:], clause); i >= 0 {
			s = s[:from+i]
		}
	}
	return s
}
