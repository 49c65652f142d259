package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

func (e *env) plan(ctx *sql.Context, q string) string {
	e.t.Helper()
	var b strings.Builder
	for _, r := range e.rows(ctx, "EXPLAIN PLAN "+q) {
		fmt.Fprintln(&b, r[0])
	}
	return b.String()
}

func TestIndexSmoke(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, s VARCHAR(20), KEY ia (a), UNIQUE KEY us (s))",
		"INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 10, NULL), (4, NULL, NULL)",
	)
	t.Log(e.plan(ctx, "SELECT * FROM t WHERE a = 10"))
	t.Log(e.rows(ctx, "SELECT * FROM t WHERE a = 10"))
	t.Log(e.plan(ctx, "SELECT * FROM t WHERE id > 1 AND id < 4"))
	t.Log(e.rows(ctx, "SELECT * FROM t WHERE id > 1 AND id < 4"))
	t.Log(e.rows(ctx, "SHOW CREATE TABLE t"))
	_, err := e.query(ctx, "INSERT INTO t VALUES (5, 1, 'x')")
	t.Log(err)
	require.Error(t, err)
}
