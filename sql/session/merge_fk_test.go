package session_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/storage/memstore"
)

// TestMergeCarriesForeignKeyResolution: a foreign key created with foreign_key_checks=0
// is stored unresolved and resolved by its first checked use; when the transaction that
// resolved it commits concurrently with another (the second COMMIT merges three-way), the
// committed key is resolved whichever transaction commits first.
func TestMergeCarriesForeignKeyResolution(t *testing.T) {
	for _, resolverFirst := range []bool{true, false} {
		name := "resolver commits second"
		if resolverFirst {
			name = "resolver commits first"
		}
		t.Run(name, func(t *testing.T) {
			e, ctx := setup(t, disks{"mydb": memstore.New()})
			e.exec(ctx,
				"CREATE TABLE other (id INT PRIMARY KEY)",
				"SET foreign_key_checks = 0",
				"CREATE TABLE c (pk INT PRIMARY KEY, v INT, CONSTRAINT fk_d FOREIGN KEY (v) REFERENCES p (v))",
				"CREATE TABLE p (pk INT PRIMARY KEY, v INT, INDEX (v))",
				"INSERT INTO p VALUES (1, 2)",
				"SET foreign_key_checks = 1",
			)
			fk, ok := committedRoot(t, e, "mydb").ForeignKey("fk_d")
			require.True(t, ok)
			require.True(t, fk.Unresolved, "created with foreign_key_checks=0")

			resolver, other := e.session(), e.session()
			e.exec(resolver, "BEGIN", "INSERT INTO c VALUES (1, 2)") // validates and resolves fk_d
			e.exec(other, "BEGIN", "INSERT INTO other VALUES (1)")
			if resolverFirst {
				e.exec(resolver, "COMMIT")
				e.exec(other, "COMMIT")
			} else {
				e.exec(other, "COMMIT")
				e.exec(resolver, "COMMIT")
			}
			fk, ok = committedRoot(t, e, "mydb").ForeignKey("fk_d")
			require.True(t, ok)
			require.False(t, fk.Unresolved, "the resolution is lost in the merge")
			check := e.session()
			require.Len(t, e.rows(check, "SELECT * FROM other"), 1)
			require.Len(t, e.rows(check, "SELECT * FROM c"), 1)
		})
	}
}
