package procedures_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestForeignKeyResolutionIsAChange: a foreign key created with foreign_key_checks=0 is
// stored unresolved and resolved by its first checked use. A working root that differs
// from HEAD only by that resolution has a changed table: dsql_commit('-a') commits the
// resolution (HEAD's key is resolved after it), and dsql_merge's refusal names the table.
func TestForeignKeyResolutionIsAChange(t *testing.T) {
	e := newEnv(t)
	a := e.session("a")
	e.exec(a,
		"SET foreign_key_checks = 0",
		"CREATE TABLE c (pk INT PRIMARY KEY, v INT, CONSTRAINT fk_d FOREIGN KEY (v) REFERENCES p (v))",
		"CREATE TABLE p (pk INT PRIMARY KEY, v INT, INDEX (v))",
		"INSERT INTO p VALUES (1, 2)",
		"SET foreign_key_checks = 1",
		"CALL dsql_commit('-Am', 'unresolved key')",
		"CALL dsql_branch('other')",
	)
	e.exec(e.session("b"), "CALL dsql_checkout('other')", "CREATE TABLE o (id INT PRIMARY KEY)", "CALL dsql_commit('-Am', 'o')")
	headKey := func() bool {
		t.Helper()
		db, ok := e.prov.Lookup("mydb")
		require.True(t, ok)
		ctx := context.Background()
		head, err := db.Repo().Branch(ctx, "main")
		require.NoError(t, err)
		root, err := db.Repo().Root(ctx, head.RootHash())
		require.NoError(t, err)
		fk, ok := root.ForeignKey("fk_d")
		require.True(t, ok)
		return fk.Unresolved
	}
	require.True(t, headKey(), "HEAD's key is unresolved")

	// A checked INSERT resolves the key; the DELETE puts c's rows back as they were.
	e.exec(a, "INSERT INTO c VALUES (1, 2)", "DELETE FROM c WHERE pk = 1")
	_, err := e.query(a, "CALL dsql_merge('other')")
	require.ErrorContains(t, err, "uncommitted changes (c)")
	e.exec(a, "CALL dsql_commit('-am', 'resolved key')")
	require.False(t, headKey(), "HEAD's key is resolved")
}

// TestMergeCarriesForeignKeyResolution: a branch that resolved a foreign key (created with
// foreign_key_checks=0) merges into one that did not: the merged key is resolved, and the
// merge has no conflict.
func TestMergeCarriesForeignKeyResolution(t *testing.T) {
	e := newEnv(t)
	a, b := e.session("a"), e.session("b")
	e.exec(a,
		"SET foreign_key_checks = 0",
		"CREATE TABLE c (pk INT PRIMARY KEY, v INT, CONSTRAINT fk_d FOREIGN KEY (v) REFERENCES p (v))",
		"CREATE TABLE p (pk INT PRIMARY KEY, v INT, INDEX (v))",
		"INSERT INTO p VALUES (1, 2)",
		"SET foreign_key_checks = 1",
		"CREATE TABLE o (id INT PRIMARY KEY)",
		"CALL dsql_commit('-Am', 'unresolved key')",
		"CALL dsql_branch('other')",
	)
	e.exec(b, "CALL dsql_checkout('other')", "INSERT INTO c VALUES (1, 2)", "CALL dsql_commit('-am', 'resolve')")
	e.exec(a, "INSERT INTO o VALUES (1)", "CALL dsql_commit('-am', 'main')")
	rows := e.rows(a, "CALL dsql_merge('other')")
	require.Len(t, rows, 1)
	require.Equal(t, int64(0), rows[0][2], "conflicts: %v", rows)
	db, ok := e.prov.Lookup("mydb")
	require.True(t, ok)
	ctx := context.Background()
	head, err := db.Repo().Branch(ctx, "main")
	require.NoError(t, err)
	require.Len(t, head.Parents(), 2, "a merge commit")
	root, err := db.Repo().Root(ctx, head.RootHash())
	require.NoError(t, err)
	fk, ok := root.ForeignKey("fk_d")
	require.True(t, ok)
	require.False(t, fk.Unresolved, "the merged key is resolved")
}
