package server

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestForeignKeySetDefault: a foreign key with ON DELETE or ON UPDATE SET DEFAULT is
// refused with 1215 (HY000), as GMS's plan builder refuses it under GMS's own parser
// (parenschecks.go: the server's parser wraps GMS's, so GMS skipped the check): in
// CREATE TABLE and ALTER TABLE ... ADD [CONSTRAINT] FOREIGN KEY, in a multi-statement
// query, in PREPARE ... FROM and a COM_STMT_PREPARE, and in a procedure's body when CALL
// runs it; the statement changes nothing. Other referential actions, and SET DEFAULT
// in a comment or a string, are accepted.
func TestForeignKeySetDefault(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE par (id INT PRIMARY KEY)", "INSERT INTO par VALUES (1), (2)",
		"CREATE TABLE c2 (id INT PRIMARY KEY, p INT)", "INSERT INTO c2 VALUES (1, 1)")

	refused := func(err error, q string) {
		t.Helper()
		var me *mysql.MySQLError
		if !errors.As(err, &me) {
			t.Errorf("%s: error %v, want 1215", q, err)
			return
		}
		if me.Number != 1215 || string(me.SQLState[:]) != "HY000" ||
			!strings.HasPrefix(me.Message, "Cannot add foreign key constraint") || !strings.Contains(me.Message, "SET DEFAULT is not supported") {
			t.Errorf("%s: error %d (%s) %q, want 1215 (HY000) Cannot add foreign key constraint ... SET DEFAULT is not supported", q, me.Number, me.SQLState[:], me.Message)
		}
	}
	tables := func() string {
		t.Helper()
		return strings.Join(exactRows(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'app' ORDER BY table_name"), ",")
	}
	createC2 := func() string {
		t.Helper()
		var name, ddl string
		if err := db.QueryRow("SHOW CREATE TABLE c2").Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		return ddl
	}
	before, beforeTables := createC2(), tables()

	for _, q := range []string{
		"CREATE TABLE c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT)",
		"CREATE TABLE c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON UPDATE SET DEFAULT)",
		"CREATE TABLE c (id INT PRIMARY KEY, p INT, CONSTRAINT fk1 FOREIGN KEY (p) REFERENCES par(id) ON UPDATE SET DEFAULT ON DELETE SET DEFAULT)",
		"CREATE TABLE c (id INT PRIMARY KEY, p INT DEFAULT 1, FOREIGN KEY (p) REFERENCES par(id) ON DELETE CASCADE ON UPDATE SET DEFAULT)",
		"CREATE TABLE IF NOT EXISTS c (id INT PRIMARY KEY, p INT, q INT, FOREIGN KEY (p) REFERENCES par(id), FOREIGN KEY (q) REFERENCES par(id) ON DELETE SET DEFAULT)",
		"create table `c` (id int primary key, p int, foreign key (p) references app.par (id) on delete set default)",
		"ALTER TABLE c2 ADD FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT",
		"ALTER TABLE c2 ADD FOREIGN KEY (p) REFERENCES par(id) ON UPDATE SET DEFAULT",
		"ALTER TABLE c2 ADD CONSTRAINT fk2 FOREIGN KEY (p) REFERENCES par(id) ON UPDATE SET DEFAULT ON DELETE SET DEFAULT",
		"ALTER TABLE c2 ADD COLUMN x INT, ADD FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT",
		"ALTER TABLE c2 ADD INDEX (p), ADD CONSTRAINT fk3 FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET NULL ON UPDATE SET DEFAULT",
	} {
		_, err := db.Exec(q)
		refused(err, q)
	}
	if got := tables(); got != beforeTables {
		t.Errorf("tables after the refused statements: %s, want %s", got, beforeTables)
	}
	if got := createC2(); got != before {
		t.Errorf("c2 after the refused ALTERs:\n%s\nwant\n%s", got, before)
	}
	// The message names the table; a long name is left out (MESSAGE_TEXT's 128 characters).
	_, err := db.Exec("CREATE TABLE c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT)")
	if err == nil || !strings.Contains(err.Error(), "on 'c': SET DEFAULT is not supported; use NO ACTION, CASCADE or SET NULL") {
		t.Errorf("message %v", err)
	}
	long := strings.Repeat("x", 60)
	_, err = db.Exec("CREATE TABLE " + long + " (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT)")
	refused(err, "CREATE TABLE "+long)

	// In a multi-statement query (the statement before it ran; the one after it runs
	// too, as after any failing statement of a multi-statement query: vitess's loop
	// goes on, where MySQL stops at the first error).
	multi := connectMulti(t, s)
	_, err = multi.Exec("INSERT INTO app.par VALUES (3); CREATE TABLE app.c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES app.par(id) ON DELETE SET DEFAULT)")
	refused(err, "multi-statement")
	if got := strings.Join(exactRows(t, db, "SELECT id FROM par ORDER BY id"), ","); got != "1,2,3" {
		t.Errorf("par after the multi-statement query: %s, want 1,2,3", got)
	}
	if got := tables(); got != beforeTables {
		t.Errorf("tables after the multi-statement query: %s, want %s", got, beforeTables)
	}

	// PREPARE ... FROM, and a COM_STMT_PREPARE (the prepare succeeds, the execute fails,
	// as for any DDL GMS checks when it builds the statement).
	c := newPreparedConn(t, db)
	c.exec("PREPARE s FROM 'ALTER TABLE c2 ADD FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT'")
	_, err = c.conn.ExecContext(c.ctx, "EXECUTE s")
	refused(err, "EXECUTE s")
	if st, err := db.Prepare("CREATE TABLE c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET DEFAULT)"); err != nil {
		refused(err, "COM_STMT_PREPARE")
	} else {
		_, err = st.Exec()
		refused(err, "COM_STMT_EXECUTE")
		st.Close()
	}

	// A procedure's body: CREATE PROCEDURE succeeds, CALL fails at the statement.
	mustExec(t, db, "CREATE PROCEDURE addfk() BEGIN INSERT INTO par VALUES (10); ALTER TABLE c2 ADD FOREIGN KEY (p) REFERENCES par(id) ON UPDATE SET DEFAULT; INSERT INTO par VALUES (11); END")
	_, err = db.Exec("CALL addfk()")
	refused(err, "CALL addfk()")
	if got := strings.Join(exactRows(t, db, "SELECT id FROM par WHERE id >= 10"), ","); got != "10" {
		t.Errorf("par after CALL: %s, want 10 (the statements before the failing one ran)", got)
	}
	if got := createC2(); got != before {
		t.Errorf("c2 after CALL:\n%s\nwant\n%s", got, before)
	}
	if got := tables(); got != beforeTables {
		t.Errorf("tables: %s, want %s", got, beforeTables)
	}

	// Other referential actions, and SET DEFAULT where it is no referential action.
	mustExec(t, db,
		"CREATE TABLE c (id INT PRIMARY KEY, p INT DEFAULT 1 COMMENT 'ON DELETE SET DEFAULT', FOREIGN KEY (p) REFERENCES par(id) ON DELETE SET NULL ON UPDATE CASCADE)",
		"CREATE TABLE d (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par(id) ON DELETE RESTRICT ON UPDATE NO ACTION)",
		"ALTER TABLE c2 ADD CONSTRAINT fk4 FOREIGN KEY (p) REFERENCES par(id) ON DELETE CASCADE",
		"ALTER TABLE c2 ALTER COLUMN p SET DEFAULT 2",
		"INSERT INTO c VALUES (1, 2)", "INSERT INTO d VALUES (1, 1)",
		"DELETE FROM par WHERE id = 2")
	if got := strings.Join(exactRows(t, db, "SELECT p FROM c"), ","); got != "NULL" {
		t.Errorf("c after ON DELETE SET NULL: %s", got)
	}
	if _, err := db.Exec("DELETE FROM par WHERE id = 1"); mysqlErrno(err) != 1451 {
		t.Errorf("DELETE of a parent row RESTRICT keeps: %v, want 1451", err)
	}
}
