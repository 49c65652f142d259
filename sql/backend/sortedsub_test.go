package backend_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// TestSortedSubqueries: a sorted, limited subquery over a string column (a derived table,
// a CTE over a view, a union branch) placed in an outer query that sorts again returns
// MySQL's rows. A sort key that hid its GetField from GMS's index fixing (a reverted
// change) failed these with "unable to find field with index N" or sorted by the wrong
// column; integration-tests/difffuzz_test.go found it against MariaDB.
func TestSortedSubqueries(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, c VARCHAR(10))",
		"INSERT INTO t1 VALUES (1, 3, 1, 'dog'), (2, 1, 2, 'bee'), (3, 2, 3, 'cat'), (4, 1, 4, 'ant')",
		"CREATE VIEW v1 AS SELECT id, a, c FROM t1",
	)
	for _, c := range []struct {
		q    string
		want []sql.Row
	}{
		{"SELECT d.a FROM (SELECT * FROM v1 WHERE c BETWEEN 'bee' AND 'dog' ORDER BY a DESC, c, id DESC LIMIT 23) d ORDER BY d.id",
			[]sql.Row{{int32(3)}, {int32(1)}, {int32(2)}}},
		{"WITH c1 AS (SELECT * FROM v1 WHERE c < 'gnu' ORDER BY c, id LIMIT 3), c2 AS (SELECT * FROM c1 WHERE c > 'ant') SELECT c, id, a FROM c2 ORDER BY a ASC",
			[]sql.Row{{"bee", int32(2), int32(1)}, {"cat", int32(3), int32(2)}}},
		{"SELECT d.c FROM (SELECT * FROM t1 WHERE c < 'fox' ORDER BY b, c LIMIT 3) d ORDER BY d.c DESC",
			[]sql.Row{{"dog"}, {"cat"}, {"bee"}}},
		{"(SELECT b, c FROM t1 ORDER BY c DESC LIMIT 2) UNION ALL (SELECT a, c FROM v1 ORDER BY c LIMIT 1) ORDER BY 2, 1",
			[]sql.Row{{int32(1), "ant"}, {int32(3), "cat"}, {int32(1), "dog"}}},
	} {
		require.Equal(t, c.want, e.rows(ctx, c.q), c.q)
	}
}
