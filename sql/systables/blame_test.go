package systables_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBlameTable(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c'),(9,'z')")
	c1 := e.commit(ctx, "c1").Hash().String()
	e.exec(ctx, "UPDATE t SET v = 'B' WHERE id = 2")
	c2 := e.commit(ctx, "c2").Hash().String()
	e.branch("feature", "main")
	e.checkout(ctx, "feature")
	e.exec(ctx, "UPDATE t SET v = 'C' WHERE id = 3")
	c3 := e.commit(ctx, "c3").Hash().String()
	e.checkout(ctx, "main")
	e.exec(ctx, "INSERT INTO t VALUES (4,'d')", "DELETE FROM t WHERE id = 9")
	c4 := e.commit(ctx, "c4").Hash().String()
	e.exec(ctx, "CALL dsql_merge('feature', '--no-ff', '-m', 'merge feature')")
	e.exec(ctx, "UPDATE t SET v = 'A' WHERE id = 1")
	c5 := e.commit(ctx, "c5").Hash().String()
	e.exec(ctx, "UPDATE t SET v = 'uncommit' WHERE id = 2") // blame is of HEAD

	want := []string{
		"1|" + c5 + "|alice|alice@example.com|c5",
		"2|" + c2 + "|alice|alice@example.com|c2",
		"3|" + c3 + "|alice|alice@example.com|c3", // through the merge's second parent
		"4|" + c4 + "|alice|alice@example.com|c4",
	}
	for _, tbl := range []string{"dsql_blame_t", "dolt_blame_t"} {
		require.Equal(t, want, fmtRows(e.rows(ctx, "SELECT id, `commit`, committer, email, message FROM "+tbl)), tbl)
	}
	sch, _, _, err := e.engine.Query(ctx, "SELECT * FROM dsql_blame_t")
	require.NoError(t, err)
	var names []string
	for _, c := range sch {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"id", "commit", "commit_date", "committer", "email", "message"}, names)

	// Point filters blame only those rows; the same answer.
	require.Equal(t, want[2:3], fmtRows(e.rows(ctx, "SELECT id, `commit`, committer, email, message FROM dsql_blame_t WHERE id = 3")))
	require.Equal(t, []string{"1", "4"}, fmtRows(e.rows(ctx, "SELECT id FROM dsql_blame_t WHERE id IN (1, 4, 9)")))
	require.Contains(t, strings.Join(e.strs(ctx, "EXPLAIN PLAN SELECT * FROM dsql_blame_t WHERE id = 3"), "\n"), "IndexedTableAccess")

	// As of an older commit.
	require.Equal(t, []string{"1|" + c1, "2|" + c2, "3|" + c3, "9|" + c1},
		fmtRows(e.rows(ctx, "SELECT id, `commit` FROM `mydb/"+c3+"`.dsql_blame_t")))

	_, err = e.query(ctx, "SELECT * FROM dsql_blame_nosuchtable")
	require.Error(t, err)
	e.exec(ctx, "CREATE TABLE k (a INT)")
	e.commit(ctx, "k")
	_, err = e.query(ctx, "SELECT * FROM dsql_blame_k")
	require.ErrorContains(t, err, "primary key")
}

// TestBlameTableManyRows blames more rows than are compared by point reads, so that
// commits are compared with their parents by diffs of the row maps.
func TestBlameTableManyRows(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (a INT, b INT, v INT, PRIMARY KEY (a, b))")
	var vals []string
	for i := range 300 {
		vals = append(vals, fmt.Sprintf("(%d, %d, 0)", i%7, i))
	}
	e.exec(ctx, "INSERT INTO t VALUES "+strings.Join(vals, ","))
	c1 := e.commit(ctx, "c1").Hash().String()
	e.exec(ctx, "UPDATE t SET v = 1 WHERE b % 10 = 0")
	c2 := e.commit(ctx, "c2").Hash().String()
	e.exec(ctx, "CREATE TABLE other (x INT PRIMARY KEY)")
	e.commit(ctx, "unrelated")
	e.exec(ctx, "UPDATE t SET v = 2 WHERE b % 100 = 0", "DELETE FROM t WHERE b = 1")
	c4 := e.commit(ctx, "c4").Hash().String()
	require.Equal(t, []string{c1 + "|269", c2 + "|27", c4 + "|3"},
		fmtRows(e.rows(ctx, "SELECT `commit`, count(*) FROM dsql_blame_t GROUP BY `commit` ORDER BY 2 DESC")))
	require.Equal(t, []string{"0|0|" + c4, "2|2|" + c1, "3|10|" + c2},
		fmtRows(e.rows(ctx, "SELECT a, b, `commit` FROM dsql_blame_t WHERE (a, b) IN ((0, 0), (3, 10), (2, 2), (1, 1)) ORDER BY b")))
}
