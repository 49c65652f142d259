package server

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// openRowChange starts a server on a repository made by dsql init (repo.Init: MySQL 8's
// default collation, utf8mb4_0900_ai_ci) and returns a connection to it, and one with
// CLIENT_FOUND_ROWS (go-sql-driver leaves it off by default).
func openRowChange(t *testing.T) (db, found *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db = connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "tcp", s.Addr().String(), "app"
	cfg.ClientFoundRows = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	found = sql.OpenDB(conn)
	t.Cleanup(func() { _ = found.Close() })
	return db, found
}

func wantAffected(t *testing.T, db *sql.DB, want int64, q string, args ...any) {
	t.Helper()
	if got := execAffected(t, db, q, args...); got != want {
		t.Errorf("%s %v: %d rows affected, want %d", q, args, got, want)
	}
}

// TestUpdateChangesBytes: invariant "changed means changed bytes" (sql/backend
// rowchange.go). Under the default, case- and accent-insensitive collation, an UPDATE
// that changes only the case, the accents or the trailing spaces of a value stores the
// new value and counts the row as changed, as MySQL 8 does (it compares the records'
// bytes), bumps ON UPDATE CURRENT_TIMESTAMP and hands the trigger the new value; the
// row is modified in dsql's diff. An UPDATE to the same bytes changes nothing (0 rows
// affected; 1 with CLIENT_FOUND_ROWS). GMS compared the rows under the collation, kept
// the old value and reported 0 rows changed.
func TestUpdateChangesBytes(t *testing.T) {
	db, found := openRowChange(t)
	const old = "'2001-01-01 00:00:00'"
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), g VARCHAR(20) COLLATE utf8mb4_general_ci,"+
			" ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
		"INSERT INTO t VALUES (1, 'alice', 'x', "+old+"), (2, 'emile', 'x', "+old+"), (3, 'a', 'a', "+old+"),"+
			" (4, 'bob', 'x', "+old+"), (5, 'carol', 'x', "+old+")",
		"CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, id INT, o VARCHAR(20), v VARCHAR(20))",
		"CREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW INSERT INTO log (id, o, v) VALUES (NEW.id, OLD.name, NEW.name)",
		"CALL dsql_commit('-Am', 'init')",
	)
	wantAffected(t, db, 1, "UPDATE t SET name = 'Alice' WHERE id = 1")           // case
	wantAffected(t, db, 1, "UPDATE t SET name = 'Émile' WHERE id = 2")           // accents
	wantAffected(t, db, 1, "UPDATE t SET name = 'a ' WHERE id = 3")              // trailing space, NO PAD
	wantAffected(t, db, 1, "UPDATE t SET g = 'a ' WHERE id = 3")                 // trailing space, PAD SPACE
	wantAffected(t, db, 1, "UPDATE t SET name = ? WHERE id = ?", "BOB", 4)       // prepared
	wantAffected(t, db, 0, "UPDATE t SET name = 'carol' WHERE id = 5")           // the same bytes
	wantAffected(t, found, 1, "UPDATE t SET name = 'carol' WHERE id = 5")        // CLIENT_FOUND_ROWS: matched
	wantAffected(t, found, 1, "UPDATE t SET name = 'CAROL' WHERE id = 5")        // and changed
	wantAffected(t, db, 2, "UPDATE t SET name = LOWER(name) WHERE id IN (4, 5)") // both change back

	wantRows(t, db, "SELECT id, name, CONCAT('[', g, ']'), ts > '2020-01-01' FROM t ORDER BY id",
		"1|Alice|[x]|1", "2|Émile|[x]|1", "3|a |[a ]|1", "4|bob|[x]|1", "5|carol|[x]|1")
	mustExec(t, db, "UPDATE t SET ts = "+old+" WHERE id = 1")
	wantAffected(t, db, 0, "UPDATE t SET name = 'Alice', g = 'x' WHERE id = 1")
	wantRows(t, db, "SELECT ts > '2020-01-01' FROM t WHERE id = 1", "0") // not bumped
	wantRows(t, db, "SELECT id, o, v FROM log WHERE o <> v COLLATE utf8mb4_0900_bin ORDER BY n",
		"1|alice|Alice", "2|emile|Émile", "3|a|a ", "4|bob|BOB", "5|carol|CAROL", "4|BOB|bob", "5|CAROL|carol")
	// A BEFORE UPDATE trigger that changes only the case of NEW's value changes the row.
	mustExec(t, db,
		"CREATE TABLE up (id INT PRIMARY KEY, name VARCHAR(20))",
		"CREATE TRIGGER upper BEFORE UPDATE ON up FOR EACH ROW SET NEW.name = UPPER(NEW.name)",
		"INSERT INTO up VALUES (1, 'x'), (2, 'Y')",
	)
	wantAffected(t, db, 1, "UPDATE up SET name = name")
	wantRows(t, db, "SELECT name FROM up ORDER BY id", "X", "Y")

	wantRows(t, db, "SELECT to_id, from_name, to_name, diff_type FROM dsql_diff('HEAD', 'WORKING', 't') ORDER BY to_id",
		"1|alice|Alice|modified", "2|emile|Émile|modified", "3|a|a |modified",
		"4|bob|bob|modified", "5|carol|carol|modified") // names changed back, ts bumped
}

// TestUpdateChangesBytesKeys: an UPDATE of a primary-key or UNIQUE key value to another
// spelling equal under the collation ('abc' to 'ABC') stores the new spelling and is no
// duplicate of its own row; onto another row's value it is still 1062. Lookups find the
// row by either spelling afterwards. So in tables with foreign keys.
func TestUpdateChangesBytesKeys(t *testing.T) {
	db, _ := openRowChange(t)
	mustExec(t, db,
		"CREATE TABLE k (k VARCHAR(10) PRIMARY KEY, v INT)",
		"CREATE TABLE u (id INT PRIMARY KEY, s VARCHAR(10), UNIQUE KEY uq (s))",
		"INSERT INTO k VALUES ('abc', 1), ('xyz', 2)",
		"INSERT INTO u VALUES (1, 'abc'), (2, 'def')",
	)
	wantAffected(t, db, 1, "UPDATE k SET k = 'ABC' WHERE k = 'abc'")
	wantAffected(t, db, 1, "UPDATE u SET s = 'ABC' WHERE id = 1")
	wantRows(t, db, "SELECT k, v FROM k ORDER BY k", "ABC|1", "xyz|2")
	wantRows(t, db, "SELECT id, s FROM u ORDER BY id", "1|ABC", "2|def")
	wantRows(t, db, "SELECT v FROM k WHERE k = 'abc'", "1")
	wantRows(t, db, "SELECT id FROM u WHERE s = 'abc'", "1")
	wantRows(t, db, "SELECT id FROM u WHERE s = 'ABC'", "1")
	for _, q := range []string{"UPDATE k SET k = 'Abc' WHERE k = 'xyz'", "UPDATE u SET s = 'DEF' WHERE id = 1"} {
		if _, err := db.Exec(q); mysqlErrno(err) != 1062 {
			t.Errorf("%s: %v, want error 1062", q, err)
		}
	}
	wantRows(t, db, "SELECT k FROM k ORDER BY k", "ABC", "xyz")
	wantRows(t, db, "SELECT s FROM u ORDER BY id", "ABC", "def")

	// Tables with foreign keys (GMS updates them through its foreign-key handler).
	mustExec(t, db,
		"CREATE TABLE c (id INT PRIMARY KEY, pk VARCHAR(10), note VARCHAR(10), FOREIGN KEY (pk) REFERENCES k (k))",
		"INSERT INTO c VALUES (1, 'xyz', 'note')",
	)
	wantAffected(t, db, 1, "UPDATE c SET note = 'Note' WHERE id = 1")
	wantAffected(t, db, 0, "UPDATE c SET note = 'Note' WHERE id = 1")
	wantAffected(t, db, 1, "UPDATE k SET k = 'abc' WHERE k = 'ABC'") // referenced by no row
	wantRows(t, db, "SELECT note FROM c", "Note")
	wantRows(t, db, "SELECT k FROM k ORDER BY k", "abc", "xyz")
}

// TestUpdateJoinChangesBytes: an UPDATE with a join counts and stores a row whose bytes
// change, in each table it updates.
func TestUpdateJoinChangesBytes(t *testing.T) {
	db, _ := openRowChange(t)
	mustExec(t, db,
		"CREATE TABLE a (id INT PRIMARY KEY, name VARCHAR(20))",
		"CREATE TABLE b (id INT PRIMARY KEY, name VARCHAR(20))",
		"INSERT INTO a VALUES (1, 'alice'), (2, 'bob'), (3, 'carol')",
		"INSERT INTO b VALUES (1, 'x'), (2, 'y'), (3, 'z')",
	)
	wantAffected(t, db, 2, "UPDATE a JOIN b ON a.id = b.id SET a.name = UPPER(a.name) WHERE b.name IN ('x', 'y')")
	wantAffected(t, db, 0, "UPDATE a JOIN b ON a.id = b.id SET a.name = UPPER(a.name) WHERE b.name IN ('x', 'y')")
	wantAffected(t, db, 4, "UPDATE a JOIN b ON a.id = b.id SET a.name = 'Carol', b.name = 'Y' WHERE b.id >= 2")            // a.2, a.3, b.2, b.3
	wantAffected(t, db, 2, "UPDATE a JOIN b ON a.id = b.id SET a.name = 'Carol', b.name = 'Y' WHERE b.id = 3 OR a.id = 1") // a.1, b.1; a.3, b.3 as they were
	wantAffected(t, db, 1, "UPDATE a LEFT JOIN b ON a.id = b.id SET a.name = 'Alice' WHERE a.id = 1")
	wantAffected(t, db, 0, "UPDATE a LEFT JOIN b ON a.id = b.id SET a.name = 'Alice' WHERE a.id = 1")
	wantRows(t, db, "SELECT a.name, b.name FROM a JOIN b ON a.id = b.id ORDER BY a.id", "Alice|Y", "Carol|Y", "Carol|Y")
}

// TestOnDuplicateKeyChangesBytes: INSERT ... ON DUPLICATE KEY UPDATE that changes only
// the case of a value counts 2 affected rows (GMS: 0) and bumps ON UPDATE
// CURRENT_TIMESTAMP; the same bytes count 0 (1 with CLIENT_FOUND_ROWS).
func TestOnDuplicateKeyChangesBytes(t *testing.T) {
	db, found := openRowChange(t)
	mustExec(t, db,
		"CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
		"INSERT INTO t VALUES (1, 'alice', '2001-01-01 00:00:00'), (2, 'bob', '2001-01-01 00:00:00')",
	)
	const q = "INSERT INTO t (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)"
	wantAffected(t, db, 2, q, 1, "ALICE")
	wantAffected(t, db, 0, q, 2, "bob")
	wantAffected(t, found, 1, q, 2, "bob")
	wantAffected(t, db, 2, "INSERT INTO t (id, name) VALUES (2, 'Bob') ON DUPLICATE KEY UPDATE name = VALUES(name)")
	wantRows(t, db, "SELECT id, name, ts > '2020-01-01' FROM t ORDER BY id", "1|ALICE|1", "2|Bob|1")
}
