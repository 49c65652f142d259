package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

func TestViewsAreVersionedRows(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, v INT)",
		"INSERT INTO t VALUES (1, 10), (2, 20)",
		"CREATE VIEW big AS SELECT id FROM t WHERE v > 15",
	)
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT * FROM big"))
	// The view is a row of dsql_schemas, also reachable as dolt_schemas.
	rows := e.rows(ctx, "SELECT type, name, fragment FROM dsql_schemas")
	require.Equal(t, []sql.Row{{"view", "big", "CREATE VIEW big AS SELECT id FROM t WHERE v > 15"}}, rows)
	require.Equal(t, rows, e.rows(ctx, "SELECT type, name, fragment FROM dolt_schemas"))
	require.Equal(t, []sql.Row{{int64(1)}}, e.rows(ctx, "SELECT COUNT(*) FROM dsql_schemas WHERE JSON_EXTRACT(extra, '$.CreatedAt') > 0 AND sql_mode != ''"))
	// SHOW CREATE VIEW and information_schema see the body.
	require.Contains(t, e.rows(ctx, "SHOW CREATE VIEW big")[0][1], "SELECT id FROM t WHERE v > 15")
	require.Equal(t, []sql.Row{{"big", "VIEW"}, {"t", "BASE TABLE"}}, e.rows(ctx, "SHOW FULL TABLES"))

	// A restart (a new Provider over the same stores) still has the view.
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, []sql.Row{{int32(2)}}, e2.rows(ctx2, "SELECT * FROM big"))

	// Drop: the view is gone, and with the last row so is dsql_schemas.
	e.exec(ctx, "DROP VIEW big")
	_, err := e.query(ctx, "SELECT * FROM big")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{"t"}}, e.rows(ctx, "SHOW TABLES"))
	_, err = e.query(ctx, "DROP VIEW big")
	require.Error(t, err)
}

// Views are written to the session's transaction root, so a transaction that is rolled
// back before it commits leaves no view. Through SQL, CREATE VIEW (like all DDL in MySQL
// and GMS) commits the transaction implicitly, so ROLLBACK after it has nothing to undo.
func TestRollbackUndoesCreateView(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "CREATE VIEW keep AS SELECT 1")

	// Directly through the backend inside a transaction: ROLLBACK drops the view.
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (1)")
	db, ok := e.prov.Lookup("mydb")
	require.True(t, ok)
	require.NoError(t, db.CreateView(ctx, "v", "SELECT id FROM t", "CREATE VIEW v AS SELECT id FROM t"))
	// (Not SELECT * FROM v: GMS flags a query reading a view as DDL, because it binds the
	// view's CREATE VIEW statement, and so commits the transaction implicitly.)
	require.Equal(t, []sql.Row{{"keep"}, {"v"}}, e.rows(ctx, "SELECT name FROM dsql_schemas"))
	other := e.session()
	_, err := e.query(other, "SELECT * FROM v") // uncommitted: invisible to others
	require.Error(t, err)
	e.exec(ctx, "ROLLBACK")
	_, err = e.query(ctx, "SELECT * FROM v")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{"keep"}}, e.rows(ctx, "SELECT name FROM dsql_schemas"))
	require.Empty(t, e.rows(ctx, "SELECT * FROM t"))

	// Through SQL: the implicit commit keeps the view and the earlier insert.
	e.exec(ctx, "START TRANSACTION", "INSERT INTO t VALUES (2)", "CREATE VIEW v AS SELECT id FROM t", "ROLLBACK")
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(other, "SELECT * FROM v"))
}

func TestTriggers(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(20))",
		"CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.note = CONCAT('v=', NEW.v)",
		"CREATE TRIGGER t_bi2 BEFORE INSERT ON t FOR EACH ROW SET NEW.v = NEW.v * 10",
		"INSERT INTO t (id, v) VALUES (1, 5)",
	)
	// Triggers fire in creation order: the note sees the value before t_bi2 multiplies it.
	require.Equal(t, []sql.Row{{int32(1), int32(50), "v=5"}}, e.rows(ctx, "SELECT * FROM t"))
	rows := e.rows(ctx, "SHOW TRIGGERS")
	require.Len(t, rows, 2)
	require.Equal(t, "t_bi", rows[0][0])
	require.Equal(t, "t_bi2", rows[1][0])
	require.Equal(t, []sql.Row{{"trigger", "t_bi"}, {"trigger", "t_bi2"}}, e.rows(ctx, "SELECT type, name FROM dsql_schemas ORDER BY name"))

	// Persisted: a restart keeps both, in order.
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	e2.exec(ctx2, "INSERT INTO t (id, v) VALUES (2, 7)")
	require.Equal(t, []sql.Row{{int32(70), "v=7"}}, e2.rows(ctx2, "SELECT v, note FROM t WHERE id = 2"))

	e.exec(ctx, "DROP TRIGGER t_bi2", "INSERT INTO t (id, v) VALUES (3, 1)")
	require.Equal(t, []sql.Row{{int32(1), "v=1"}}, e.rows(ctx, "SELECT v, note FROM t WHERE id = 3"))
	e.exec(ctx, "DROP TRIGGER t_bi")
	require.Empty(t, e.rows(ctx, "SHOW TRIGGERS"))
	_, err := e.query(ctx, "DROP TRIGGER t_bi")
	require.Error(t, err)
}

func TestStoredProcedures(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY)",
		"CREATE PROCEDURE add_row(x INT) BEGIN INSERT INTO t VALUES (x); SELECT COUNT(*) FROM t; END",
		"CALL add_row(7)",
	)
	require.Equal(t, []sql.Row{{int32(7)}}, e.rows(ctx, "SELECT * FROM t"))
	require.Equal(t, []sql.Row{{int64(2)}}, e.rows(ctx, "CALL add_row(8)"))
	_, err := e.query(ctx, "CREATE PROCEDURE add_row() SELECT 1")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{"procedure", "add_row"}}, e.rows(ctx, "SELECT type, name FROM dsql_schemas"))

	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	e2.exec(ctx2, "CALL add_row(9)")
	require.Equal(t, []sql.Row{{int64(3)}}, e2.rows(ctx2, "SELECT COUNT(*) FROM t"))

	e.exec(ctx, "DROP PROCEDURE add_row")
	_, err = e.query(ctx, "CALL add_row(10)")
	require.Error(t, err)
	_, err = e.query(ctx, "DROP PROCEDURE add_row")
	require.Error(t, err)
	e.exec(ctx, "DROP PROCEDURE IF EXISTS add_row")
}

func TestEvents(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY)",
		"CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO INSERT INTO t VALUES (1)",
	)
	rows := e.rows(ctx, "SHOW EVENTS")
	require.Len(t, rows, 1)
	require.Equal(t, "ev", rows[0][1])
	rows = e.rows(ctx, "SELECT type, name, fragment FROM dsql_schemas")
	require.Len(t, rows, 1)
	require.Equal(t, "event", rows[0][0])
	require.Contains(t, strings.ToUpper(rows[0][2].(string)), "CREATE")
	e.exec(ctx, "ALTER EVENT ev RENAME TO ev2")
	require.Equal(t, []sql.Row{{"ev2"}}, e.rows(ctx, "SELECT name FROM dsql_schemas"))
	e.exec(ctx, "DROP EVENT ev2")
	require.Empty(t, e.rows(ctx, "SHOW EVENTS"))
}

// The database collation: DefaultCollation (MySQL 8's utf8mb4_0900_ai_ci) is no row of
// dsql_schemas, any other collation is a row, persisted and reverted like other rows.
func TestDatabaseCollationPersists(t *testing.T) {
	stores := memStores{}
	e, ctx := setup(t, stores)
	// CREATE DATABASE without COLLATE: the default, stored as no row at all.
	_, err := e.query(ctx, "SELECT * FROM dsql_schemas")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{"utf8mb4_0900_ai_ci"}}, e.rows(ctx, "SELECT @@collation_database"))
	e.exec(ctx, "ALTER DATABASE mydb COLLATE utf8mb4_0900_bin")
	require.Equal(t, []sql.Row{{"collation", "database", "utf8mb4_0900_bin"}}, e.rows(ctx, "SELECT type, name, fragment FROM dsql_schemas"))
	e2 := newEnv(t, stores)
	ctx2 := e2.session()
	require.Equal(t, []sql.Row{{"utf8mb4_0900_bin"}}, e2.rows(ctx2, "SELECT DEFAULT_COLLATION_NAME FROM information_schema.schemata WHERE schema_name = 'mydb'"))
	e.exec(ctx, "ALTER DATABASE mydb COLLATE utf8mb4_0900_ai_ci")
	_, err = e.query(ctx, "SELECT * FROM dsql_schemas")
	require.Error(t, err)
}

// CREATE DATABASE takes @@collation_server (MySQL 8's utf8mb4_0900_ai_ci) without COLLATE
// or CHARACTER SET, the given collation with COLLATE, and the character set's default
// collation with CHARACTER SET alone; tables without COLLATE take the database's.
func TestCreateDatabaseCollation(t *testing.T) {
	e, ctx := setup(t, memStores{})
	require.Equal(t, []sql.Row{{"utf8mb4_0900_ai_ci", "utf8mb4"}}, e.rows(ctx, "SELECT @@collation_server, @@character_set_server"))
	e.exec(ctx,
		"CREATE DATABASE dflt",
		"CREATE DATABASE bin COLLATE utf8mb4_0900_bin",
		"CREATE DATABASE lat CHARACTER SET latin1",
		"CREATE TABLE dflt.t (s VARCHAR(10))",
		"CREATE TABLE bin.t (s VARCHAR(10))",
	)
	require.Equal(t, []sql.Row{
		{"bin", "utf8mb4", "utf8mb4_0900_bin"},
		{"dflt", "utf8mb4", "utf8mb4_0900_ai_ci"},
		{"lat", "latin1", "latin1_swedish_ci"},
	}, e.rows(ctx, "SELECT schema_name, default_character_set_name, default_collation_name FROM information_schema.schemata WHERE schema_name IN ('dflt', 'bin', 'lat') ORDER BY 1"))
	require.Equal(t, []sql.Row{
		{"bin", "utf8mb4_0900_bin", "utf8mb4_0900_bin"},
		{"dflt", "utf8mb4_0900_ai_ci", "utf8mb4_0900_ai_ci"},
	}, e.rows(ctx, "SELECT t.table_schema, t.table_collation, c.collation_name FROM information_schema.tables t JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name WHERE t.table_schema IN ('dflt', 'bin') ORDER BY 1"))
	e.exec(ctx, "USE dflt")
	require.Equal(t, []sql.Row{{"utf8mb4_0900_ai_ci", "utf8mb4"}}, e.rows(ctx, "SELECT @@collation_database, @@character_set_database"))
	e.exec(ctx, "USE bin")
	require.Equal(t, []sql.Row{{"utf8mb4_0900_bin"}}, e.rows(ctx, "SELECT @@collation_database"))
	// The default database has no collation row; the others have one.
	_, err := e.query(ctx, "SELECT * FROM dflt.dsql_schemas")
	require.Error(t, err)
	require.Equal(t, []sql.Row{{"utf8mb4_0900_bin"}}, e.rows(ctx, "SELECT fragment FROM bin.dsql_schemas"))
}

// dsql_schemas cannot be created, dropped or renamed by DDL; it is selectable.
func TestSchemasTableIsProtected(t *testing.T) {
	e, ctx := setup(t, memStores{})
	for _, q := range []string{
		"CREATE TABLE dsql_schemas (id INT PRIMARY KEY)",
		"CREATE TABLE dolt_schemas (id INT PRIMARY KEY)",
	} {
		_, err := e.query(ctx, q)
		require.Error(t, err, q)
	}
	e.exec(ctx, "CREATE VIEW v AS SELECT 1 AS one")
	for _, q := range []string{
		"DROP TABLE dsql_schemas",
		"DROP TABLE dolt_schemas",
		"RENAME TABLE dsql_schemas TO x",
		"CREATE TABLE dsql_schemas (id INT PRIMARY KEY)",
	} {
		_, err := e.query(ctx, q)
		require.Error(t, err, q)
	}
	require.Equal(t, []sql.Row{{int8(1)}}, e.rows(ctx, "SELECT * FROM v"))
}

// Two sessions creating different views concurrently both commit: their rows of
// dsql_schemas merge like any other rows, also when both created the table.
func TestConcurrentCreateView(t *testing.T) {
	for _, existing := range []bool{true, false} {
		e, ctx := setup(t, memStores{})
		e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)")
		if existing {
			e.exec(ctx, "CREATE VIEW v0 AS SELECT 0")
		}
		a, b := e.session(), e.session()
		// b's snapshot predates a's view; its CREATE VIEW commits (implicitly) by merging.
		e.exec(b, "START TRANSACTION", "SELECT * FROM t")
		e.exec(a, "CREATE VIEW va AS SELECT id FROM t WHERE id = 1")
		e.exec(b, "CREATE VIEW vb AS SELECT id FROM t WHERE id = 2")
		require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT * FROM va"))
		require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT * FROM vb"))
		// The same name from a stale snapshot is a serialization failure (1213).
		e.exec(b, "START TRANSACTION", "SELECT * FROM t")
		e.exec(a, "CREATE VIEW vc AS SELECT 1")
		_, err := e.query(b, "CREATE VIEW vc AS SELECT 2")
		require.Error(t, err)
		require.True(t, sql.ErrLockDeadlock.Is(err), "%v", err)
	}
}

// Many sessions creating views at the same time: every one commits.
func TestParallelCreateView(t *testing.T) {
	e, _ := setup(t, memStores{})
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := e.query(e.session(), fmt.Sprintf("CREATE VIEW v%d AS SELECT %d AS x", i, i))
			errs <- err
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	ctx := e.session()
	require.Equal(t, []sql.Row{{int64(n)}}, e.rows(ctx, "SELECT COUNT(*) FROM dsql_schemas WHERE type = 'view'"))
	require.Equal(t, []sql.Row{{int8(5)}}, e.rows(ctx, "SELECT x FROM v5"))
}
