package systables_test

import (
	"testing"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
)

func TestBranches(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	c1 := e.commit(ctx, "create t")
	e.branch("feature", "main")
	d1 := t0.Add(time.Minute)
	want := []sql.Row{
		{"feature", c1.Hash().String(), "alice", "alice@example.com", d1, "create t", "", "", false},
		{"main", c1.Hash().String(), "alice", "alice@example.com", d1, "create t", "", "", false},
	}
	require.Equal(t, want, e.rows(ctx, "SELECT * FROM dsql_branches ORDER BY name"))
	require.Equal(t, want, e.rows(ctx, "SELECT * FROM dolt_branches ORDER BY name"))

	// Uncommitted changes make a branch dirty: for the session inside its transaction...
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (1)")
	require.Equal(t, []sql.Row{{"feature", false}, {"main", true}},
		e.rows(ctx, "SELECT name, dirty FROM dsql_branches ORDER BY name"))
	other := e.session()
	require.Equal(t, []sql.Row{{"feature", false}, {"main", false}},
		e.rows(other, "SELECT name, dirty FROM dsql_branches ORDER BY name"))
	// ... and for everyone once the SQL transaction commits.
	e.exec(ctx, "COMMIT")
	require.Equal(t, []sql.Row{{"feature", false}, {"main", true}},
		e.rows(other, "SELECT name, dirty FROM dsql_branches ORDER BY name"))
	require.Equal(t, []string{"main"}, e.strs(other, "SELECT name FROM dsql_branches WHERE dirty = true"))

	// A commit on feature moves its hash; a new branch appears in the next query.
	e.checkout(other, "feature")
	f1 := e.commit(other, "on feature")
	e.branch("third", "feature")
	require.Equal(t, []sql.Row{
		{"feature", f1.Hash().String(), "on feature"},
		{"main", c1.Hash().String(), "create t"},
		{"third", f1.Hash().String(), "on feature"},
	}, e.rows(ctx, "SELECT name, hash, latest_commit_message FROM dsql_branches ORDER BY name"))
	// Revision databases list the same branches.
	require.Len(t, e.rows(ctx, "SELECT * FROM `mydb/"+c1.Hash().String()+"`.dsql_branches"), 3)
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	c1 := e.commit(ctx, "one")
	c2 := e.commit(ctx, "two")
	require.NoError(t, e.repo().CreateTag(ctx, "v1", c1, nil, ""))
	tagger := e.sig("tagger")
	require.NoError(t, e.repo().CreateTag(ctx, "v2", c2, &tagger, "release 2"))
	want := []sql.Row{
		{"v1", c1.Hash().String(), nil, nil, nil, nil},
		{"v2", c2.Hash().String(), "tagger", "tagger@example.com", tagger.Time, "release 2"},
	}
	require.Equal(t, want, e.rows(ctx, "SELECT * FROM dsql_tags"))
	require.Equal(t, want, e.rows(ctx, "SELECT * FROM dolt_tags ORDER BY tag_name"))
	require.NoError(t, e.repo().DeleteTag(ctx, "v1"))
	require.Equal(t, []string{"v2"}, e.strs(ctx, "SELECT tag_name FROM dsql_tags"))
}

func TestStatus(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	q := "SELECT table_name, staged, status FROM dsql_status ORDER BY staged DESC, table_name"
	require.Empty(t, e.rows(ctx, q))

	e.exec(ctx, "CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY, v INT)")
	require.Equal(t, []sql.Row{{"a", false, "new table"}, {"b", false, "new table"}}, e.rows(ctx, q))
	require.Equal(t, e.rows(ctx, q), e.rows(ctx, "SELECT * FROM dolt_status ORDER BY staged DESC, table_name"))

	// Stage a only.
	stage(t, e, ctx, "a")
	require.Equal(t, []sql.Row{{"a", true, "new table"}, {"b", false, "new table"}}, e.rows(ctx, q))
	require.Equal(t, []string{"a"}, e.strs(ctx, "SELECT table_name FROM dsql_status WHERE staged = true"))
	e.commit(ctx, "a and b")
	require.Empty(t, e.rows(ctx, q))

	// Modified, renamed, new (a rename is recognised by unchanged content: a renamed table
	// that also changed is a deleted table and a new one); then some of them staged.
	e.exec(ctx,
		"INSERT INTO a VALUES (1)",
		"RENAME TABLE b TO c",
		"CREATE TABLE d (id INT PRIMARY KEY)",
	)
	require.Equal(t, []sql.Row{
		{"a", false, "modified"},
		{"b -> c", false, "renamed"},
		{"d", false, "new table"},
	}, e.rows(ctx, q))
	e.commit(ctx, "changes")
	e.exec(ctx, "RENAME TABLE c TO cc", "DROP TABLE d", "INSERT INTO a VALUES (2)")
	stage(t, e, ctx, "cc", "d")
	e.exec(ctx, "INSERT INTO a VALUES (3)", "INSERT INTO cc VALUES (5, 5)")
	require.Equal(t, []sql.Row{
		{"c -> cc", true, "renamed"},
		{"d", true, "deleted"},
		{"a", false, "modified"},
		{"cc", false, "modified"},
	}, e.rows(ctx, q))
	// Another session sees the persisted working set once the transaction commits (here:
	// autocommit already did).
	require.Len(t, e.rows(e.session(), q), 4)
}

// stage copies tables (present or deleted in the working root) into the staged root, as
// dsql_add does.
func stage(t *testing.T, e *env, ctx *sql.Context, tables ...string) {
	t.Helper()
	s := sess(ctx)
	working, staged, _, err := s.Roots(ctx, e.db)
	require.NoError(t, err)
	for _, n := range tables {
		if tbl, ok, err := working.Table(ctx, n); err != nil {
			t.Fatal(err)
		} else if ok {
			staged, err = staged.PutTable(ctx, tbl)
			require.NoError(t, err)
		} else if staged.HasTable(n) {
			staged, err = staged.RemoveTable(ctx, n)
			require.NoError(t, err)
		}
	}
	// A staged rename: the old name goes when the new one is staged.
	for _, n := range staged.TableNames() {
		if !working.HasTable(n) {
			if old, ok, _ := staged.Table(ctx, n); ok {
				for _, m := range tables {
					if nt, ok, _ := working.Table(ctx, m); ok && nt.Rows().Hash() == old.Rows().Hash() {
						staged, err = staged.RemoveTable(ctx, n)
						require.NoError(t, err)
						break
					}
				}
			}
		}
	}
	require.NoError(t, s.SetRoots(ctx, e.db, working, staged))
	e.exec(ctx, "COMMIT")
}

func TestStatusFunction(t *testing.T) {
	e := newEnv(t)
	ctx := e.session()
	e.exec(ctx, "CREATE TABLE Foo (id INT PRIMARY KEY)", "CREATE TABLE e1 (id INT PRIMARY KEY)",
		"CREATE TABLE keep (id INT PRIMARY KEY)", "INSERT INTO keep VALUES (1)")
	working, _, _, err := sess(ctx).Roots(ctx, e.db)
	require.NoError(t, err)
	head := working

	// A case-only rename is a rename; a changed table under a new case is modified.
	e.exec(ctx, "RENAME TABLE Foo TO foo", "RENAME TABLE keep TO KEEP", "INSERT INTO KEEP VALUES (2)")
	// A deleted table and a new table with different content: not a rename.
	e.exec(ctx, "DROP TABLE e1", "CREATE TABLE e2 (id BIGINT PRIMARY KEY)")
	working, _, _, err = sess(ctx).Roots(ctx, e.db)
	require.NoError(t, err)
	got, err := statusOf(ctx, head, head, working)
	require.NoError(t, err)
	require.Equal(t, []string{
		"e1 false deleted",
		"e2 false new table",
		"Foo -> foo false renamed",
		"KEEP false modified",
	}, got)
	// The same changes seen as staged.
	got, err = statusOf(ctx, head, working, working)
	require.NoError(t, err)
	require.Equal(t, []string{
		"e1 true deleted",
		"e2 true new table",
		"Foo -> foo true renamed",
		"KEEP true modified",
	}, got)
}

func statusOf(ctx *sql.Context, head, staged, working repo.Root) ([]string, error) {
	es, err := systablesStatus(ctx, head, staged, working)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		s := "false"
		if e.Staged {
			s = "true"
		}
		out = append(out, e.Name()+" "+s+" "+e.Status)
	}
	return out, nil
}
