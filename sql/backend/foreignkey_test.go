package backend_test

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

func requireSQLErr(t *testing.T, err error, code int) {
	t.Helper()
	require.Error(t, err)
	require.EqualValues(t, code, sql.CastSQLError(err).Num, "%v", err)
}

func fkSetup(t *testing.T, stores memStores) (*env, *sql.Context) {
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE parent (id INT PRIMARY KEY, v INT)",
		"CREATE TABLE child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE)",
		"CREATE TABLE nullchild (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE SET NULL)",
		"CREATE TABLE rchild (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES parent (id))",
		"INSERT INTO parent VALUES (1, 10), (2, 20), (3, 30)",
	)
	return e, ctx
}

func TestForeignKeyInsertChecksParent(t *testing.T) {
	e, ctx := fkSetup(t, memStores{})
	e.exec(ctx, "INSERT INTO child VALUES (1, 1), (2, NULL)")
	_, err := e.query(ctx, "INSERT INTO child VALUES (3, 2), (4, 99)")
	requireSQLErr(t, err, 1452)
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), nil}}, e.rows(ctx, "SELECT * FROM child ORDER BY id"))
	_, err = e.query(ctx, "UPDATE child SET pid = 42 WHERE id = 1")
	requireSQLErr(t, err, 1452)
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), nil}}, e.rows(ctx, "SELECT * FROM child ORDER BY id"))
	// With foreign_key_checks=0 anything goes.
	e.exec(ctx, "SET foreign_key_checks = 0", "INSERT INTO child VALUES (5, 77)", "SET foreign_key_checks = 1")
	require.Equal(t, []sql.Row{{int32(5), int32(77)}}, e.rows(ctx, "SELECT * FROM child WHERE id = 5"))
}

func TestForeignKeyCascadeSetNullRestrict(t *testing.T) {
	e, ctx := fkSetup(t, memStores{})
	e.exec(ctx,
		"INSERT INTO child VALUES (1, 1), (2, 2), (3, 2)",
		"INSERT INTO nullchild VALUES (1, 1), (2, 2)",
	)
	e.exec(ctx, "UPDATE parent SET id = 22 WHERE id = 2")
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), int32(22)}, {int32(3), int32(22)}}, e.rows(ctx, "SELECT * FROM child ORDER BY id"))
	require.Equal(t, []sql.Row{{int32(1), int32(1)}, {int32(2), nil}}, e.rows(ctx, "SELECT * FROM nullchild ORDER BY id"))
	e.exec(ctx, "DELETE FROM parent WHERE id = 1")
	require.Equal(t, []sql.Row{{int32(2), int32(22)}, {int32(3), int32(22)}}, e.rows(ctx, "SELECT * FROM child ORDER BY id"))
	require.Equal(t, []sql.Row{{int32(1), nil}, {int32(2), nil}}, e.rows(ctx, "SELECT * FROM nullchild ORDER BY id"))
	// The secondary index GMS created for the foreign key follows the cascades.
	require.Equal(t, []sql.Row{{int32(2)}, {int32(3)}}, e.rows(ctx, "SELECT id FROM child WHERE pid = 22 ORDER BY id"))

	// RESTRICT (the default): a referenced parent cannot be deleted or re-keyed.
	e.exec(ctx, "INSERT INTO rchild VALUES (1, 3)")
	_, err := e.query(ctx, "DELETE FROM parent WHERE id = 3")
	requireSQLErr(t, err, 1451)
	_, err = e.query(ctx, "UPDATE parent SET id = 33 WHERE id = 3")
	requireSQLErr(t, err, 1451)
	require.Equal(t, []sql.Row{{int32(3), int32(30)}, {int32(22), int32(20)}}, e.rows(ctx, "SELECT * FROM parent ORDER BY id"))
	// Updating a non-key column is fine.
	e.exec(ctx, "UPDATE parent SET v = 31 WHERE id = 3")
}

func TestForeignKeySelfReferenceInOneStatement(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE tree (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES tree (id) ON DELETE CASCADE)",
		"INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2), (4, 3)",
	)
	_, err := e.query(ctx, "INSERT INTO tree VALUES (5, 6), (6, NULL)")
	requireSQLErr(t, err, 1452)
	e.exec(ctx, "DELETE FROM tree WHERE id = 2")
	require.Equal(t, []sql.Row{{int32(1), nil}}, e.rows(ctx, "SELECT * FROM tree"))
}

func TestForeignKeyDDL(t *testing.T) {
	e, ctx := fkSetup(t, memStores{})
	rows := e.rows(ctx, "SHOW CREATE TABLE child")
	require.Contains(t, rows[0][1], "CONSTRAINT `fk_p` FOREIGN KEY (`pid`) REFERENCES `parent` (`id`) ON DELETE CASCADE ON UPDATE CASCADE")

	// DROP TABLE of a referenced parent fails unless foreign_key_checks=0.
	_, err := e.query(ctx, "DROP TABLE parent")
	require.ErrorContains(t, err, "referenced in foreign key")
	e.exec(ctx, "DROP TABLE rchild") // a child can go; its foreign key goes with it
	rows = e.rows(ctx, "SELECT constraint_name FROM information_schema.referential_constraints WHERE constraint_schema = 'mydb' ORDER BY 1")
	require.Equal(t, []sql.Row{{"fk_p"}, {"nullchild_ibfk_1"}}, rows)

	// RENAME TABLE keeps the foreign keys pointing at the new name.
	e.exec(ctx, "RENAME TABLE parent TO parent2")
	rows = e.rows(ctx, "SHOW CREATE TABLE child")
	require.Contains(t, rows[0][1], "REFERENCES `parent2` (`id`)")
	_, err = e.query(ctx, "INSERT INTO child VALUES (9, 9)")
	requireSQLErr(t, err, 1452)
	e.exec(ctx, "INSERT INTO child VALUES (9, 1)")

	// ALTER TABLE ... DROP / ADD FOREIGN KEY.
	e.exec(ctx, "ALTER TABLE child DROP FOREIGN KEY fk_p", "INSERT INTO child VALUES (10, 100)")
	_, err = e.query(ctx, "ALTER TABLE child ADD CONSTRAINT fk_again FOREIGN KEY (pid) REFERENCES parent2 (id)")
	requireSQLErr(t, err, 1452) // existing row (10, 100) violates it
	e.exec(ctx, "DELETE FROM child WHERE id = 10",
		"ALTER TABLE child ADD CONSTRAINT fk_again FOREIGN KEY (pid) REFERENCES parent2 (id)")
	_, err = e.query(ctx, "INSERT INTO child VALUES (11, 100)")
	requireSQLErr(t, err, 1452)

	// With foreign_key_checks=0 the parent can be dropped; the foreign key dangles
	// (unresolved) and blocks writes to the child once checks are back on.
	e.exec(ctx, "SET foreign_key_checks = 0", "DROP TABLE nullchild", "DROP TABLE parent2", "SET foreign_key_checks = 1")
	_, err = e.query(ctx, "INSERT INTO child VALUES (12, 1)")
	require.Error(t, err)
}

func TestForeignKeysSurviveRestart(t *testing.T) {
	stores := memStores{}
	e, ctx := fkSetup(t, stores)
	e.exec(ctx, "INSERT INTO child VALUES (1, 1)")
	_ = e.engine.Close()

	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	e2.exec(ctx2, "USE mydb")
	rows := e2.rows(ctx2, "SHOW CREATE TABLE child")
	require.Contains(t, rows[0][1], "CONSTRAINT `fk_p` FOREIGN KEY (`pid`) REFERENCES `parent` (`id`) ON DELETE CASCADE ON UPDATE CASCADE")
	_, err := e2.query(ctx2, "INSERT INTO child VALUES (2, 99)")
	requireSQLErr(t, err, 1452)
	e2.exec(ctx2, "DELETE FROM parent WHERE id = 1")
	require.Empty(t, e2.rows(ctx2, "SELECT * FROM child"))
}

// A foreign key created in one transaction survives a commit that has to merge with a
// concurrent transaction's commit.
func TestForeignKeyCommitMerge(t *testing.T) {
	e, a := setup(t, memStores{})
	e.exec(a, "CREATE TABLE p (id INT PRIMARY KEY)", "CREATE TABLE c (id INT PRIMARY KEY, pid INT)", "CREATE TABLE other (id INT PRIMARY KEY)")
	b := e.session()
	e.exec(a, "START TRANSACTION")
	e.exec(b, "START TRANSACTION")
	e.exec(a, "ALTER TABLE c ADD CONSTRAINT fk_c FOREIGN KEY (pid) REFERENCES p (id)")
	e.exec(b, "INSERT INTO other VALUES (1)", "COMMIT")
	e.exec(a, "COMMIT")
	fresh := e.session()
	rows := e.rows(fresh, "SHOW CREATE TABLE c")
	require.Contains(t, rows[0][1], "CONSTRAINT `fk_c` FOREIGN KEY (`pid`) REFERENCES `p` (`id`)")
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(fresh, "SELECT * FROM other"))
	_, err := e.query(fresh, "INSERT INTO c VALUES (1, 1)")
	requireSQLErr(t, err, 1452)
}

// A foreign key created with foreign_key_checks=0 is stored unresolved and validated when
// first used with checks on: while a child row has no parent the write is refused with
// ErrForeignKeyNotResolved (also after a restart: the flag is persisted); once every
// child row has its parent, the key resolves, stays resolved and is enforced as usual.
func TestForeignKeyDelayedResolution(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"SET foreign_key_checks = 0",
		"CREATE TABLE c (pk INT PRIMARY KEY, v INT, CONSTRAINT fk_d FOREIGN KEY (v) REFERENCES p (v))",
		"CREATE TABLE p (pk INT PRIMARY KEY, v INT, INDEX (v))",
		"INSERT INTO c VALUES (1, 2)",
		"SET foreign_key_checks = 1",
	)
	notResolved := func(e *env, ctx *sql.Context, q string) {
		t.Helper()
		_, err := e.query(ctx, q)
		require.True(t, sql.ErrForeignKeyNotResolved.Is(err), "%s: %v", q, err)
	}
	notResolved(e, ctx, "INSERT INTO c VALUES (2, 3)")

	// Restart: still unresolved.
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	notResolved(e2, ctx2, "INSERT INTO c VALUES (2, 3)")
	e2.exec(ctx2, "INSERT INTO p VALUES (1, 2), (2, 3)", "INSERT INTO c VALUES (2, 3)")
	require.Equal(t, []sql.Row{{int32(1), int32(2)}, {int32(2), int32(3)}}, e2.rows(ctx2, "SELECT * FROM c ORDER BY pk"))

	// Resolved and persisted: after another restart the key is enforced without a new
	// validation (a dangling row written with checks off is not found again).
	e3 := newEnv(t, stores)
	ctx3 := e3.session()
	e3.exec(ctx3, "SET foreign_key_checks = 0", "INSERT INTO c VALUES (3, 99)", "SET foreign_key_checks = 1")
	_, err := e3.query(ctx3, "INSERT INTO c VALUES (4, 98)")
	requireSQLErr(t, err, 1452)
	e3.exec(ctx3, "INSERT INTO c VALUES (4, 3)")
	_, err = e3.query(ctx3, "DELETE FROM p WHERE pk = 2")
	requireSQLErr(t, err, 1451)

	// ALTER TABLE ... ADD FOREIGN KEY with checks off: unresolved too, even with its
	// parent present, until an INSERT finds every child row's parent.
	e3.exec(ctx3, "CREATE TABLE c2 (pk INT PRIMARY KEY, v INT)", "INSERT INTO c2 VALUES (1, 77), (2, 3)",
		"SET foreign_key_checks = 0", "ALTER TABLE c2 ADD CONSTRAINT fk_c2 FOREIGN KEY (v) REFERENCES p (v)",
		"SET foreign_key_checks = 1")
	notResolved(e3, ctx3, "INSERT INTO c2 VALUES (4, 3)")
	e3.exec(ctx3, "DELETE FROM c2 WHERE pk = 1", "INSERT INTO c2 VALUES (4, 3)")
	_, err = e3.query(ctx3, "INSERT INTO c2 VALUES (5, 55)")
	requireSQLErr(t, err, 1452)
}
