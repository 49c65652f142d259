package systables_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
)

// history builds
//
//	main:     init - m1 - m2 ------- merge - m3
//	                   \            /
//	feature:            f1 - f2 - f3
//
// and returns its commits by name.
func history(t *testing.T, e *env) map[string]repo.Commit {
	ctx := e.session()
	cs := map[string]repo.Commit{}
	var err error
	cs["init"], err = e.repo().Branch(ctx, "main")
	require.NoError(t, err)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	cs["m1"] = e.commit(ctx, "m1")
	e.branch("feature", "main")
	cs["m2"] = e.commit(ctx, "m2")
	e.checkout(ctx, "feature")
	for _, n := range []string{"f1", "f2", "f3"} {
		cs[n] = e.commit(ctx, n)
	}
	cs["merge"] = e.mergeCommit("main", "feature", "merge")
	e.checkout(ctx, "main")
	cs["m3"] = e.commit(ctx, "m3")
	return cs
}

func TestLogFunction(t *testing.T) {
	e := newEnv(t)
	cs := history(t, e)
	ctx := e.session()
	names := func(ns ...string) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = cs[n].Hash().String()
		}
		return out
	}
	for _, tc := range []struct {
		args string
		want []string
	}{
		{"", names("m3", "merge", "f3", "f2", "f1", "m2", "m1", "init")},
		{"'main'", names("m3", "merge", "f3", "f2", "f1", "m2", "m1", "init")},
		{"'feature'", names("f3", "f2", "f1", "m1", "init")},
		{"'HEAD~1'", names("merge", "f3", "f2", "f1", "m2", "m1", "init")},
		{"'feature', '--not', 'main~2'", names("f3", "f2", "f1")},
		{"'feature', '--not', 'main~1'", nil},
		{"'--not', 'main~2', '--not', 'feature'", names("f3", "f2", "f1")},
		{"'main', '--not', 'feature'", names("m3", "merge", "m2")},
		{"'main..feature'", nil},
		{"'main~2..feature'", names("f3", "f2", "f1")},
		{"'feature~1..feature'", names("f3")},
		{"'feature..main'", names("m3", "merge", "m2")},
		{"'feature..'", names("m3", "merge", "m2")},
		{"'main', '^feature'", names("m3", "merge", "m2")},
		{"'" + cs["m2"].Hash().String() + "...feature'", names("f3", "f2", "f1", "m2")},
		{"'m2tag...feature'", names("f3", "f2", "f1", "m2")},
		{"'-n', '2'", names("m3", "merge")},
		{"'--max-count=3', 'feature'", names("f3", "f2", "f1")},
		{"'-n1'", names("m3")},
		{"'-2', 'feature'", names("f3", "f2")},
		{"'-n', 0", nil},
		{"'--merges'", names("merge")},
		{"'--min-parents', '2'", names("merge")},
		{"'--min-parents=2', 'feature'", nil},
		{"'--no-merges', '-n', '3'", names("m3", "f3", "f2")},
		{"'--max-parents', '0'", names("init")},
		{"'--all', '-n', '2'", names("m3", "merge")},
		{"'--parents', '--decorate', 'feature', '--not', 'feature~1'", names("f3")},
	} {
		require.NoError(t, e.repo().CreateTag(ctx, "m2tag", cs["m2"], nil, "")) // idempotent below
		got := e.strs(ctx, "SELECT commit_hash FROM dsql_log("+tc.args+")")
		if tc.want == nil {
			require.Empty(t, got, tc.args)
		} else {
			require.Equal(t, tc.want, got, tc.args)
		}
		require.Equal(t, got, e.strs(ctx, "SELECT commit_hash FROM dolt_log("+tc.args+")"), tc.args)
		require.NoError(t, e.repo().DeleteTag(ctx, "m2tag"))
	}

	// The rows are those of dsql_log.
	require.Equal(t, e.rows(ctx, "SELECT * FROM dsql_log"), e.rows(ctx, "SELECT * FROM dsql_log()"))
	require.Equal(t, e.rows(ctx, "SELECT * FROM dsql_log LIMIT 3"), e.rows(ctx, "SELECT * FROM dsql_log('main') AS l LIMIT 3"))
	require.Equal(t, []string{"m3"}, e.strs(ctx, "SELECT l.message FROM dsql_log('-n', '1') AS l"))

	// In a revision database HEAD is the revision.
	rev := e.session()
	rev.SetCurrentDatabase("mydb/" + cs["f2"].Hash().String())
	require.Equal(t, names("f2", "f1"), e.strs(rev, "SELECT commit_hash FROM dsql_log('HEAD', '--not', 'HEAD~2')"))
	require.Equal(t, names("f2", "f1", "m1", "init"), e.strs(rev, "SELECT commit_hash FROM dsql_log()"))
	require.Equal(t, names("m3"), e.strs(rev, "SELECT commit_hash FROM dsql_log('main', '-n', '1')"))

	// Errors.
	for _, args := range []string{"'nosuch'", "'--bogus'", "'-n'", "'-n', 'x'", "'main..nosuch'", "NULL"} {
		_, err := e.query(ctx, "SELECT * FROM dsql_log("+args+")")
		require.Error(t, err, args)
	}
}

func TestLogFunctionBindVars(t *testing.T) {
	e := newEnv(t)
	cs := history(t, e)
	ctx := e.session()
	_, iter, _, err := e.engine.QueryWithBindings(ctx, "SELECT commit_hash FROM dsql_log(?, ?, ?)", nil,
		map[string]sqlparser.Expr{
			"v1": sqlparser.NewStrVal([]byte("feature")),
			"v2": sqlparser.NewStrVal([]byte("-n")),
			"v3": sqlparser.NewIntVal([]byte("2")),
		}, nil)
	require.NoError(t, err)
	rows, err := sql.RowIterToRows(ctx, iter)
	require.NoError(t, err)
	require.Equal(t, []sql.Row{{cs["f3"].Hash().String()}, {cs["f2"].Hash().String()}}, rows)
}
