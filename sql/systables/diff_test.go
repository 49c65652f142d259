package systables_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/stretchr/testify/require"
)

// fmtRows renders rows as one line each ("a|b|NULL"), for compact expectations.
func fmtRows(rows []sql.Row) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case nil:
				parts[i] = "NULL"
			case []byte:
				parts[i] = string(v)
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

// diffFixture makes two commits of table t:
//
//	c1: t = (1,a,10) (2,b,20) (3,c,30)
//	c2: t = (1,a,10) (2,B,20) (4,d,40)     2 modified, 3 removed, 4 added
func diffFixture(t *testing.T) (*env, *sql.Context, string, string) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT)",
		"INSERT INTO t VALUES (1,'a',10),(2,'b',20),(3,'c',30)")
	c1 := e.commit(ctx, "c1")
	e.exec(ctx, "UPDATE t SET name = 'B' WHERE id = 2", "DELETE FROM t WHERE id = 3", "INSERT INTO t VALUES (4,'d',40)")
	c2 := e.commit(ctx, "c2")
	return e, ctx, c1.Hash().String(), c2.Hash().String()
}

func TestDiffFunctionRows(t *testing.T) {
	e, ctx, c1, c2 := diffFixture(t)
	want := []string{
		"2|B|20|" + c2 + "|2|b|20|" + c1 + "|modified",
		"NULL|NULL|NULL|" + c2 + "|3|c|30|" + c1 + "|removed",
		"4|d|40|" + c2 + "|NULL|NULL|NULL|" + c1 + "|added",
	}
	const cols = "to_id, to_name, to_n, to_commit, from_id, from_name, from_n, from_commit, diff_type"
	for _, q := range []string{
		"SELECT " + cols + " FROM dsql_diff('" + c1 + "', '" + c2 + "', 't') ORDER BY coalesce(to_id, from_id)",
		"SELECT " + cols + " FROM dolt_diff('HEAD~1', 'HEAD', 't') ORDER BY coalesce(to_id, from_id)",
		"SELECT " + cols + " FROM dsql_diff('HEAD~1..HEAD', 't') ORDER BY coalesce(to_id, from_id)",
		"SELECT " + cols + " FROM dsql_diff('HEAD~1...main', 'T') ORDER BY coalesce(to_id, from_id)",
	} {
		require.Equal(t, want, fmtRows(e.rows(ctx, q)), q)
	}
	// Column layout.
	sch, _, _, err := e.engine.Query(ctx, "SELECT * FROM dsql_diff('HEAD~1', 'HEAD', 't')")
	require.NoError(t, err)
	var names []string
	for _, c := range sch {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"to_id", "to_name", "to_n", "to_commit", "to_commit_date",
		"from_id", "from_name", "from_n", "from_commit", "from_commit_date", "diff_type"}, names)
	// Commit dates are the commits'.
	rows := e.rows(ctx, "SELECT DISTINCT to_commit_date, from_commit_date FROM dsql_diff('HEAD~1', 'HEAD', 't')")
	require.Len(t, rows, 1)
	require.NotNil(t, rows[0][0])
	// Reversed: the other way round.
	require.Equal(t, []string{"2|modified", "3|added", "4|removed"},
		fmtRows(e.rows(ctx, "SELECT coalesce(to_id, from_id), diff_type FROM dsql_diff('HEAD', 'HEAD~1', 't') ORDER BY 1")))
	// No change.
	require.Empty(t, e.rows(ctx, "SELECT * FROM dsql_diff('HEAD', 'HEAD', 't')"))
}

func TestDiffFunctionWorkingStaged(t *testing.T) {
	e, ctx, _, c2 := diffFixture(t)
	e.exec(ctx, "INSERT INTO t VALUES (5,'e',50)", "UPDATE t SET n = 11 WHERE id = 1")
	require.Equal(t, []string{
		"1|11|WORKING|NULL|10|" + c2 + "|modified",
		"5|50|WORKING|NULL|NULL|" + c2 + "|added",
	}, fmtRows(e.rows(ctx, "SELECT coalesce(to_id, from_id), to_n, to_commit, to_commit_date, from_n, from_commit, diff_type "+
		"FROM dsql_diff('HEAD', 'WORKING', 't') ORDER BY 1")))
	require.Empty(t, e.rows(ctx, "SELECT * FROM dsql_diff('HEAD', 'staged', 't')"))
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_diff('STAGED', 'WORKING', 't')"), 2)
	// Bound parameters work like literals.
	_, iter, _, err := e.engine.QueryWithBindings(ctx, "SELECT count(*) FROM dsql_diff(?, ?, ?)", nil, bindStrings("HEAD", "WORKING", "t"), nil)
	require.NoError(t, err)
	rows, err := sql.RowIterToRows(ctx, iter)
	require.NoError(t, err)
	require.Equal(t, []string{"2"}, fmtRows(rows))
}

func TestDiffFunctionErrors(t *testing.T) {
	e, ctx, _, _ := diffFixture(t)
	for q, msg := range map[string]string{
		"SELECT * FROM dsql_diff('HEAD', 'nope', 't')":     "nope",
		"SELECT * FROM dsql_diff('HEAD~1', 'HEAD', 'zzz')": "not found",
		"SELECT * FROM dsql_diff('HEAD~1', 'HEAD')":        "expected",
		"SELECT * FROM dsql_diff('HEAD')":                  "two revisions",
	} {
		_, err := e.query(ctx, q)
		require.Error(t, err, q)
		require.Contains(t, err.Error(), msg, q)
	}
}

// TestDiffFunctionSchemas checks that each side of a diff has its own revision's schema.
func TestDiffFunctionSchemas(t *testing.T) {
	e, ctx, _, _ := diffFixture(t)
	e.exec(ctx, "ALTER TABLE t ADD COLUMN extra INT", "UPDATE t SET extra = 7 WHERE id = 1")
	e.commit(ctx, "c3")
	sch, iter, _, err := e.engine.Query(ctx, "SELECT * FROM dsql_diff('HEAD~1', 'HEAD', 't')")
	require.NoError(t, err)
	rows, err := sql.RowIterToRows(ctx, iter)
	require.NoError(t, err)
	var names []string
	for _, c := range sch {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"to_id", "to_name", "to_n", "to_extra", "to_commit", "to_commit_date",
		"from_id", "from_name", "from_n", "from_commit", "from_commit_date", "diff_type"}, names)
	require.Len(t, rows, 1)
	require.Equal(t, int32(7), rows[0][3])
	require.Equal(t, "modified", rows[0][11])
}

func TestDiffFunctionKeyless(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE k (a INT, b VARCHAR(10))", "INSERT INTO k VALUES (1,'x'),(1,'x'),(1,'x'),(2,'y')")
	e.commit(ctx, "c1")
	e.exec(ctx, "DELETE FROM k WHERE a = 1 LIMIT 2", "INSERT INTO k VALUES (3,'z'),(3,'z')")
	e.commit(ctx, "c2")
	require.Equal(t, []string{
		"NULL|NULL|1|x|removed",
		"NULL|NULL|1|x|removed",
		"3|z|NULL|NULL|added",
		"3|z|NULL|NULL|added",
	}, fmtRows(e.rows(ctx, "SELECT to_a, to_b, from_a, from_b, diff_type FROM dsql_diff('HEAD~1', 'HEAD', 'k') ORDER BY diff_type DESC, coalesce(to_a, from_a)")))
	require.Equal(t, []string{"k|2|2|2|0|4|4|0|4|4|8|8"},
		fmtRows(e.rows(ctx, "SELECT * FROM dsql_diff_stat('HEAD~1', 'HEAD')")))
}

func TestDiffStatAndSummary(t *testing.T) {
	e, ctx, _, _ := diffFixture(t)
	require.Equal(t, []string{"t|1|1|1|1|3|3|1|3|3|9|9"},
		fmtRows(e.rows(ctx, "SELECT * FROM dsql_diff_stat('HEAD~1', 'HEAD')")))
	require.Equal(t, []string{"t|1|1|1|1|3|3|1|3|3|9|9"},
		fmtRows(e.rows(ctx, "SELECT * FROM dolt_diff_stat('HEAD~1..HEAD', 't')")))
	require.Equal(t, []string{"t|t|modified|true|false"},
		fmtRows(e.rows(ctx, "SELECT * FROM dsql_diff_summary('HEAD~1', 'HEAD')")))

	// Created, dropped, renamed, schema-only.
	e.exec(ctx, "CREATE TABLE nu (id INT PRIMARY KEY)", "INSERT INTO nu VALUES (1),(2)",
		"CREATE TABLE gone (id INT PRIMARY KEY)", "CREATE TABLE old (id INT PRIMARY KEY)", "INSERT INTO old VALUES (9)")
	e.commit(ctx, "c3")
	e.exec(ctx, "DROP TABLE gone", "RENAME TABLE old TO renamed", "ALTER TABLE t ADD COLUMN z INT")
	e.exec(ctx, "CREATE TABLE nu2 (id INT PRIMARY KEY)", "INSERT INTO nu2 VALUES (5)")
	require.Equal(t, []string{
		"gone||dropped|false|true",
		"|nu2|added|true|true",
		"old|renamed|renamed|false|true",
		"t|t|modified|false|true",
	}, fmtRows(e.rows(ctx, "SELECT coalesce(from_table_name, ''), coalesce(to_table_name, ''), diff_type, data_change, schema_change "+
		"FROM dsql_diff_summary('HEAD', 'WORKING')")))
	require.Equal(t, []string{"nu2|0|1|0|0|1|0|0|0|1|0|1"},
		fmtRows(e.rows(ctx, "SELECT * FROM dsql_diff_stat('HEAD', 'WORKING')")))
	require.Equal(t, []string{"old|renamed|renamed"},
		fmtRows(e.rows(ctx, "SELECT from_table_name, to_table_name, diff_type FROM dsql_diff_summary('HEAD', 'WORKING', 'renamed')")))
	// A renamed table's rows diff against its old name: nothing changed.
	require.Empty(t, e.rows(ctx, "SELECT * FROM dsql_diff('HEAD', 'WORKING', 'renamed')"))
	// A dropped table: every row removed.
	require.Equal(t, []string{"NULL|9|removed"},
		fmtRows(e.rows(ctx, "SELECT to_id, from_id, diff_type FROM dsql_diff('HEAD', 'WORKING', 'old')")))
}

func bindStrings(vals ...string) map[string]sqlparser.Expr {
	m := make(map[string]sqlparser.Expr, len(vals))
	for i, v := range vals {
		m[fmt.Sprintf("v%d", i+1)] = sqlparser.NewStrVal([]byte(v))
	}
	return m
}
