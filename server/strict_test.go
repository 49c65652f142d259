package server

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// strictFixture is a server with database app holding t (two rows) and a connection on
// one session (sql_mode and warnings hold across its statements).
type strictFixture struct {
	t    *testing.T
	conn *sql.Conn
}

func newStrictFixture(t *testing.T) *strictFixture {
	t.Helper()
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	f := &strictFixture{t: t, conn: conn}
	f.exec("CREATE DATABASE app", "USE app",
		"CREATE TABLE t (id INT PRIMARY KEY, i INT, d DECIMAL(10,2), bi BIGINT, ub BIGINT UNSIGNED, ui INT UNSIGNED)",
		"INSERT INTO t VALUES (1, 1, 1.00, 9223372036854775807, 0, 0), (2, 2, 2.00, -9223372036854775808, 18446744073709551615, 4294967295)")
	return f
}

func (f *strictFixture) exec(qs ...string) {
	f.t.Helper()
	for _, q := range qs {
		if _, err := f.conn.ExecContext(context.Background(), q); err != nil {
			f.t.Fatalf("%s: %v", q, err)
		}
	}
}

// rows returns the result of q, one string per row (columns joined by |, NULL as NULL).
func (f *strictFixture) rows(q string) string {
	f.t.Helper()
	rs, err := f.conn.QueryContext(context.Background(), q)
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			f.t.Fatal(err)
		}
		var cells []string
		for _, v := range vals {
			if v.Valid {
				cells = append(cells, v.String)
			} else {
				cells = append(cells, "NULL")
			}
		}
		out = append(out, strings.Join(cells, "|"))
	}
	if err := rs.Err(); err != nil {
		f.t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// queryErr runs q and reads its rows; it returns the error of either.
func (f *strictFixture) queryErr(q string, args ...any) error {
	rs, err := f.conn.QueryContext(context.Background(), q, args...)
	if err != nil {
		return err
	}
	for rs.Next() {
	}
	if err := rs.Err(); err != nil {
		_ = rs.Close()
		return err
	}
	return rs.Close()
}

// table is the whole of t, in key order.
func (f *strictFixture) table() string { return f.rows("SELECT * FROM t ORDER BY id") }

// fails runs q, which must fail with MySQL error code (and SQLSTATE state) and leave t as
// it was.
func (f *strictFixture) fails(q string, code uint16, state string) {
	f.t.Helper()
	before := f.table()
	_, err := f.conn.ExecContext(context.Background(), q)
	if mysqlErrno(err) != code {
		f.t.Fatalf("%s: %v, want error %d", q, err, code)
	}
	if got := mysqlState(err); got != state {
		f.t.Fatalf("%s: SQLSTATE %s, want %s", q, got, state)
	}
	if after := f.table(); after != before {
		f.t.Fatalf("%s failed but changed t:\n%s\nto\n%s", q, before, after)
	}
}

// stores runs q, which must succeed, and checks what SELECT sel then returns.
func (f *strictFixture) stores(q, sel, want string) {
	f.t.Helper()
	f.exec(q)
	if got := f.rows(sel); got != want {
		f.t.Fatalf("after %s: %s = %q, want %q", q, sel, got, want)
	}
}

// warnings returns SHOW WARNINGS as code list ("1365,1365").
func (f *strictFixture) warnings() string {
	f.t.Helper()
	var codes []string
	for _, r := range strings.Split(f.rows("SHOW WARNINGS"), "; ") {
		if p := strings.Split(r, "|"); len(p) == 3 {
			codes = append(codes, p[1])
		}
	}
	return strings.Join(codes, ",")
}

func mysqlState(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return string(me.SQLState[:])
	}
	return ""
}

// TestStrictDivisionByZero: under MySQL 8.0's default sql_mode (strict,
// ERROR_FOR_DIVISION_BY_ZERO) a division by zero fails an INSERT, REPLACE or UPDATE with
// 1365 (22012) and changes nothing; a SELECT returns NULL with warning 1365; IGNORE stores
// NULL with the warning; without ERROR_FOR_DIVISION_BY_ZERO or without strict mode NULL
// is stored without an error. dsql's default sql_mode is MySQL 8.0's.
func TestStrictDivisionByZero(t *testing.T) {
	f := newStrictFixture(t)
	// dsql's default sql_mode is MySQL 8.0's.
	modes := func(m string) string { // GMS lists the modes in alphabetical order
		l := strings.Split(m, ",")
		sort.Strings(l)
		return strings.Join(l, ",")
	}
	if got, want := f.rows("SELECT @@sql_mode, @@GLOBAL.sql_mode"), modes(DefaultSQLMode)+"|"+modes(DefaultSQLMode); got != want {
		t.Fatalf("dsql's default sql_mode is %s, want %s", got, want)
	}
	// Without ERROR_FOR_DIVISION_BY_ZERO: NULL, no error.
	f.exec("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'")
	f.stores("INSERT INTO t (id, i) VALUES (10, 1/0)", "SELECT i FROM t WHERE id = 10", "NULL")
	f.exec("DELETE FROM t WHERE id = 10")

	f.exec("SET SESSION sql_mode = '" + mysql8SQLMode + "'")
	if got := f.rows("SELECT 1/0, 5 DIV 0, 5 % 0, MOD(5, 0), 1.5/0"); got != "NULL|NULL|NULL|NULL|NULL" {
		t.Fatalf("SELECT of divisions by zero: %s", got)
	}
	if w := f.warnings(); !strings.HasPrefix(w, "1365") {
		t.Fatalf("SELECT 1/0: warnings %q, want 1365", w)
	}
	for _, q := range []string{
		"INSERT INTO t (id, i) VALUES (10, 1/0)",
		"INSERT INTO t (id, d) VALUES (10, 2.5/0)",
		"INSERT INTO t (id, i) VALUES (10, 5 DIV 0)",
		"INSERT INTO t (id, i) VALUES (10, 5 % 0)",
		"INSERT INTO t (id, i) VALUES (10, MOD(5, 0))",
		"INSERT INTO t (id, i) VALUES (10, (1/0) + 1)",
		"INSERT INTO t (id, i) VALUES (10, ROUND(7/0))",
		"INSERT INTO t (id, i) VALUES (10, 1), (11, 1/0)", // row 2: row 1 is not kept
		"INSERT INTO t (id, i) SELECT id + 10, i / (i - i) FROM t",
		"INSERT INTO t (id, i) VALUES (1, 5) ON DUPLICATE KEY UPDATE i = i / 0",
		"REPLACE INTO t (id, i) VALUES (1, 1/0)",
		"UPDATE t SET i = 1/0",
		"UPDATE t SET i = i / (id - 1)", // row 1 divides by zero, row 2 does not
		"UPDATE t SET d = d / 0 WHERE id = 2",
		"UPDATE t SET i = 7, d = d / 0",
	} {
		f.fails(q, 1365, "22012")
	}
	// A prepared statement, with the divisor bound.
	before := f.table()
	if _, err := f.conn.ExecContext(context.Background(), "UPDATE t SET i = i / ?", 0); mysqlErrno(err) != 1365 {
		t.Fatalf("prepared UPDATE t SET i = i / 0: %v, want 1365", err)
	}
	if after := f.table(); after != before {
		t.Fatalf("prepared UPDATE changed t: %s", after)
	}
	// Dividing a NULL, or by a non-zero value, is no error.
	f.stores("UPDATE t SET i = NULL / 0 WHERE id = 2", "SELECT i FROM t WHERE id = 2", "NULL")
	f.stores("UPDATE t SET i = 10 / 4 WHERE id = 2", "SELECT i FROM t WHERE id = 2", "3")
	// In a transaction, the failed statement is undone, not the transaction.
	f.exec("BEGIN", "INSERT INTO t (id, i) VALUES (20, 20)")
	f.fails("INSERT INTO t (id, i) VALUES (21, 1/0)", 1365, "22012")
	f.exec("COMMIT")
	if got := f.rows("SELECT id, i FROM t WHERE id >= 20"); got != "20|20" {
		t.Fatalf("after the transaction: %s", got)
	}
	// IGNORE: NULL with warning 1365.
	for _, q := range []string{"INSERT IGNORE INTO t (id, i) VALUES (30, 1/0)", "UPDATE IGNORE t SET i = 1/0 WHERE id = 1"} {
		f.exec(q)
		if w := f.warnings(); !strings.Contains(w, "1365") {
			t.Fatalf("%s: warnings %q, want 1365", q, w)
		}
	}
	if got := f.rows("SELECT id, i FROM t WHERE id IN (1, 30)"); got != "1|NULL; 30|NULL" {
		t.Fatalf("after INSERT IGNORE and UPDATE IGNORE: %s", got)
	}
	// Strict without ERROR_FOR_DIVISION_BY_ZERO, and ERROR_FOR_DIVISION_BY_ZERO without
	// strict mode: NULL.
	f.exec("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'")
	f.stores("UPDATE t SET i = 1/0 WHERE id = 2", "SELECT i FROM t WHERE id = 2", "NULL")
	f.exec("SET SESSION sql_mode = 'ERROR_FOR_DIVISION_BY_ZERO'")
	f.stores("INSERT INTO t (id, i) VALUES (31, 1/0)", "SELECT i FROM t WHERE id = 31", "NULL")
	// TRADITIONAL holds both.
	f.exec("SET SESSION sql_mode = 'TRADITIONAL'")
	f.fails("INSERT INTO t (id, i) VALUES (32, 1/0)", 1365, "22012")
	// A trigger's assignment, and CREATE TABLE ... SELECT.
	f.exec("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.i = NEW.i / NEW.id")
	f.fails("INSERT INTO t (id, i) VALUES (0, 5)", 1365, "22012")
	f.exec("DROP TRIGGER tr")
	if _, err := f.conn.ExecContext(context.Background(), "CREATE TABLE c AS SELECT 1/0 AS v"); mysqlErrno(err) != 1365 {
		t.Fatalf("CREATE TABLE c AS SELECT 1/0: %v, want 1365", err)
	}
}

// TestStrictIntegerOverflow: integer +, - and * whose result does not fit BIGINT (BIGINT
// UNSIGNED for two unsigned operands) fail an INSERT or UPDATE with 1690 (22003) and change
// nothing, where GMS let the value wrap around and stored it.
func TestStrictIntegerOverflow(t *testing.T) {
	f := newStrictFixture(t)
	for _, q := range []string{
		"INSERT INTO t (id, bi) VALUES (10, 9223372036854775807 + 1)",
		"INSERT INTO t (id, bi) VALUES (10, -9223372036854775807 - 2)",
		"INSERT INTO t (id, bi) VALUES (10, 4611686018427387904 * 2)",
		"INSERT INTO t (id, bi) VALUES (10, 1), (11, 9223372036854775807 + 1)",
		"INSERT INTO t (id, bi) SELECT id + 10, bi + 1 FROM t",
		"INSERT INTO t (id, bi) VALUES (1, 0) ON DUPLICATE KEY UPDATE bi = bi + 1",
		"UPDATE t SET bi = bi + 1",
		"UPDATE t SET bi = bi - 1",
		"UPDATE t SET bi = bi * 2 WHERE id = 1",
		"UPDATE t SET bi = bi * -1 WHERE id = 2",
		"UPDATE t SET i = 5, bi = (bi + 1) - 1 WHERE id = 1",
		"UPDATE t SET ub = ub + 1 WHERE id = 2",
		"UPDATE t SET ub = ub * 2 WHERE id = 2",
		"UPDATE t SET ub = ub - CAST(1 AS UNSIGNED) WHERE id = 1", // BIGINT UNSIGNED 0 - 1
	} {
		f.fails(q, 1690, "22003")
	}
	// An unsigned and a signed operand: BIGINT UNSIGNED, as in MySQL, so a negative result
	// fails with 1690 (GMS computed in BIGINT, and the assignment failed with 1264).
	f.fails("UPDATE t SET ub = ub - 1 WHERE id = 1", 1690, "22003")
	f.fails("UPDATE t SET ui = ui - 1 WHERE id = 1", 1690, "22003")
	f.fails("UPDATE t SET i = ui - 5 WHERE id = 1", 1690, "22003")
	if _, err := f.conn.ExecContext(context.Background(), "UPDATE t SET bi = bi + ?", 1); mysqlErrno(err) != 1690 {
		t.Fatalf("prepared UPDATE t SET bi = bi + 1: %v, want 1690", err)
	}
	// Results that fit are computed as before, down to the limits.
	f.stores("UPDATE t SET bi = bi - 1 WHERE id = 1", "SELECT bi FROM t WHERE id = 1", "9223372036854775806")
	f.stores("UPDATE t SET bi = -9223372036854775807 - 1 WHERE id = 1", "SELECT bi FROM t WHERE id = 1", "-9223372036854775808")
	f.stores("UPDATE t SET bi = -(bi + 1) * -1 - 1 WHERE id = 1", "SELECT bi FROM t WHERE id = 1", "-9223372036854775808")
	f.stores("UPDATE t SET ub = ub - CAST(1 AS UNSIGNED) WHERE id = 2", "SELECT ub FROM t WHERE id = 2", "18446744073709551614")
	f.stores("UPDATE t SET ub = 9223372036854775807 + ub WHERE id = 1", "SELECT ub FROM t WHERE id = 1", "9223372036854775807")
	// An unsigned and a signed operand whose result is above BIGINT: stored, as in MySQL
	// (GMS computed in BIGINT and clamped the value).
	f.stores("UPDATE t SET ub = ub + 2 WHERE id = 1", "SELECT ub FROM t WHERE id = 1", "9223372036854775809")
	f.stores("UPDATE t SET ub = ub - 1 WHERE id = 2", "SELECT ub FROM t WHERE id = 2", "18446744073709551613")
	f.fails("UPDATE t SET ub = ub + 3 WHERE id = 2", 1690, "22003")
	f.stores("UPDATE t SET i = i * 3 + 1, d = d + 1 WHERE id = 2", "SELECT i, d FROM t WHERE id = 2", "7|3.00")
	f.stores("INSERT INTO t (id, bi) VALUES (12, 3037000499 * 3037000499)", "SELECT bi FROM t WHERE id = 12", "9223372030926249001")

	// A trigger's assignment, a stored procedure's variable.
	f.exec("CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW SET NEW.bi = NEW.bi - NEW.id",
		"CREATE PROCEDURE p() BEGIN DECLARE x BIGINT; SET x = 9223372036854775807; SET x = x + 1; INSERT INTO t (id, bi) VALUES (20, x); END")
	f.fails("UPDATE t SET i = 0 WHERE id = 1", 1690, "22003") // bi is -9223372036854775808
	f.fails("CALL p()", 1690, "22003")
	f.exec("DROP TRIGGER tr")

	// SELECT (and the other statements that are not DDL) fail too.
	for _, q := range []string{
		"SELECT 9223372036854775807 + 1",
		"SELECT bi * 2 FROM t",
		"SELECT id FROM t WHERE bi - 10 < 0",
		"DELETE FROM t WHERE bi - 10 < 0",
		"SELECT (SELECT MAX(bi) FROM t) + 9223372036854775807",
		"SELECT id, (SELECT bi + bi FROM t AS u WHERE u.id = t.id) FROM t",
		"SELECT SUM(id) FROM t GROUP BY bi * 3",
		"SET @v = 9223372036854775807 * 9223372036854775807",
		"SELECT CAST(0 AS UNSIGNED) - CAST(1 AS UNSIGNED)",
		"SELECT 4294967296 * 4294967295",
	} {
		if err := f.queryErr(q); mysqlErrno(err) != 1690 {
			t.Fatalf("%s: %v, want error 1690", q, err)
		}
	}
	if err := f.queryErr("SELECT ? + 1", int64(9223372036854775807)); mysqlErrno(err) != 1690 {
		t.Fatalf("prepared SELECT 9223372036854775807 + 1: %v, want error 1690", err)
	}
	if got := f.rows("SELECT 9223372036854775806 + 1, -9223372036854775807 - 1, 4294967296 * 2147483647, CAST(4294967296 AS UNSIGNED) * CAST(4294967295 AS UNSIGNED), bi DIV 2 + 1 FROM t WHERE id = 12"); got != "9223372036854775807|-9223372036854775808|9223372032559808512|18446744069414584320|4611686015463124501" {
		t.Fatalf("SELECT of results that fit: %s", got)
	}
}

// TestStrictMultiplePrimaryKeys: a second primary key is error 1068 (42000), in CREATE
// TABLE (where GMS kept one of the keys and dropped the others silently) and in ALTER
// TABLE; nothing is created or changed.
func TestStrictMultiplePrimaryKeys(t *testing.T) {
	f := newStrictFixture(t)
	for _, q := range []string{
		"CREATE TABLE x (a INT PRIMARY KEY, b INT PRIMARY KEY)",
		"CREATE TABLE x (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))",
		"CREATE TABLE x (a INT, b INT, PRIMARY KEY (a), PRIMARY KEY (b))",
		"CREATE TEMPORARY TABLE x (a INT PRIMARY KEY, b INT PRIMARY KEY)",
		"CREATE TABLE x (a INT PRIMARY KEY, b INT PRIMARY KEY) AS SELECT 1 AS a, 2 AS b",
	} {
		f.fails(q, 1068, "42000")
		if got := f.rows("SHOW TABLES LIKE 'x'"); got != "" {
			t.Fatalf("%s created x", q)
		}
	}
	f.exec("CREATE TABLE k (a INT PRIMARY KEY, b INT, c INT)", "INSERT INTO k VALUES (1, 2, 3)")
	schema := f.rows("SHOW CREATE TABLE k")
	for _, q := range []string{
		"ALTER TABLE k ADD PRIMARY KEY (b)",
		"ALTER TABLE k ADD COLUMN d INT PRIMARY KEY",
		"ALTER TABLE k MODIFY COLUMN b INT PRIMARY KEY",
		"ALTER TABLE k CHANGE COLUMN c c2 INT PRIMARY KEY",
	} {
		_, err := f.conn.ExecContext(context.Background(), q)
		if mysqlErrno(err) != 1068 {
			t.Fatalf("%s: %v, want 1068", q, err)
		}
		if got := f.rows("SHOW CREATE TABLE k"); got != schema {
			t.Fatalf("%s changed k:\n%s", q, got)
		}
	}
	// One key, however it is written, is fine; so is a composite key.
	f.exec("CREATE TABLE one (a INT PRIMARY KEY, b INT)", "CREATE TABLE two (a INT, b INT, PRIMARY KEY (b, a))",
		"ALTER TABLE k MODIFY COLUMN a BIGINT PRIMARY KEY", "CREATE TABLE nokey (a INT)",
		"ALTER TABLE nokey ADD PRIMARY KEY (a)")
	if got := f.rows("SHOW CREATE TABLE two"); !strings.Contains(got, "PRIMARY KEY (`b`,`a`)") {
		t.Fatalf("composite key: %s", got)
	}
}

// TestStrictUnsignedArithmetic: +, - and * with an unsigned operand are BIGINT UNSIGNED,
// as in MySQL: a negative result fails with 1690 (22003) "BIGINT UNSIGNED value is out
// of range" in a SELECT and in DML (which changes nothing); under sql_mode
// NO_UNSIGNED_SUBTRACTION a subtraction is signed. Other operations are unaffected.
func TestStrictUnsignedArithmetic(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE u (id INT PRIMARY KEY, u INT UNSIGNED, ub BIGINT UNSIGNED, s INT)",
		"INSERT INTO u VALUES (1, 1, 18446744073709551614, -3)")
	for _, q := range []string{
		"SELECT CAST(1 AS UNSIGNED) - 2",
		"SELECT u - 5 FROM u",
		"SELECT u + s FROM u",
		"SELECT u * s FROM u",
		"SELECT id FROM u WHERE u - 2 > 0",
		"SELECT u - 5 FROM u WHERE id IN (SELECT 1)",
		"SELECT (SELECT u FROM u) - 2",
		"SELECT ub + 2 FROM u",
	} {
		err := f.queryErr(q)
		if mysqlErrno(err) != 1690 || !strings.Contains(err.Error(), "BIGINT UNSIGNED value is out of range in '") {
			t.Fatalf("%s: %v, want error 1690 BIGINT UNSIGNED value is out of range", q, err)
		}
		if got := mysqlState(err); got != "22003" {
			t.Fatalf("%s: SQLSTATE %s, want 22003", q, got)
		}
	}
	before := f.rows("SELECT * FROM u")
	for _, q := range []string{
		"UPDATE u SET u = u - 5 WHERE id = 1",
		"UPDATE u SET s = u - 5",
		"INSERT INTO u (id, s) SELECT 2, u - 2 FROM u",
		"DELETE FROM u WHERE u - 2 < 0",
	} {
		if _, err := f.conn.ExecContext(context.Background(), q); mysqlErrno(err) != 1690 {
			t.Fatalf("%s: %v, want error 1690", q, err)
		}
		if after := f.rows("SELECT * FROM u"); after != before {
			t.Fatalf("%s failed but changed u: %s", q, after)
		}
	}
	// The same prepared UPDATE, the second time with a value that makes it negative.
	f.stores("UPDATE u SET s = 1 WHERE id = 1", "SELECT s FROM u", "1")
	for i, arg := range []int{1, 5} {
		_, err := f.conn.ExecContext(context.Background(), "UPDATE u SET s = u - ? WHERE id = 1", arg)
		if i == 0 && err != nil || i == 1 && mysqlErrno(err) != 1690 {
			t.Fatalf("prepared UPDATE u SET s = u - %d: %v", arg, err)
		}
	}
	if got := f.rows("SELECT s FROM u"); got != "0" {
		t.Fatalf("after the prepared UPDATEs: s = %s, want 0", got)
	}
	// Results that fit; DIV, unary minus, decimals and floats are as before.
	if got := f.rows("SELECT u + s + 3, u * 2, u - 1, -u, u DIV 2, u - 1.5, u - 2e0, ub - 18446744073709551613 FROM u"); got != "4|2|0|-1|0|-0.5|-1|1" {
		t.Fatalf("SELECT of results that fit: %s", got)
	}
	if got := f.rows("SELECT ub + 1 FROM u WHERE id IN (SELECT 1)"); got != "18446744073709551615" {
		t.Fatalf("SELECT ub + 1: %s", got)
	}
	// A simple SELECT of one table describes the column as GMS typed it, BIGINT: a result
	// above BIGINT's range fails there rather than be clamped.
	if err := f.queryErr("SELECT ub + 1 FROM u"); mysqlErrno(err) != 1690 {
		t.Fatalf("SELECT ub + 1 FROM u: %v, want 1690", err)
	}
	// NO_UNSIGNED_SUBTRACTION: subtraction is signed (even of two unsigned operands);
	// addition is still unsigned.
	f.exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_UNSIGNED_SUBTRACTION')")
	if got := f.rows("SELECT CAST(1 AS UNSIGNED) - 2, u - 5, u - CAST(3 AS UNSIGNED) FROM u WHERE id IN (SELECT 1)"); got != "-1|-4|-2" {
		t.Fatalf("under NO_UNSIGNED_SUBTRACTION: %s", got)
	}
	// (A simple SELECT describes two unsigned operands' column as BIGINT UNSIGNED.)
	if err := f.queryErr("SELECT u - CAST(3 AS UNSIGNED) FROM u"); mysqlErrno(err) != 1690 {
		t.Fatalf("SELECT u - CAST(3 AS UNSIGNED) FROM u: %v, want 1690", err)
	}
	if err := f.queryErr("SELECT u + -5 FROM u"); mysqlErrno(err) != 1690 {
		t.Fatalf("SELECT u + -5 under NO_UNSIGNED_SUBTRACTION: %v, want 1690", err)
	}
	if err := f.queryErr("SELECT ub - 1 FROM u WHERE id IN (SELECT 1)"); mysqlErrno(err) != 1690 {
		t.Fatalf("SELECT ub - 1 under NO_UNSIGNED_SUBTRACTION: %v, want 1690 (BIGINT)", err)
	}
	f.stores("UPDATE u SET s = u - 5", "SELECT s FROM u", "-4")
}

// TestStrictValuesThatDoNotFit: INSERT IGNORE and UPDATE IGNORE store the nearest value
// that fits with MySQL's warnings (Warning 1264 "Out of range value for column 'c' at
// row N", Warning 1265 "Data truncated for column 'c' at row N" for a string cut to the
// column's length in characters), where GMS sent Note 1105 and cut strings by bytes;
// without IGNORE a too long string fails with 1406 (22001) "Data too long for column 'c'
// at row N" and changes nothing; a string too long only by trailing spaces is cut with
// Note 1265 (none for CHAR). Prepared statements served from the plan cache behave alike.
func TestStrictValuesThatDoNotFit(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE r (id INT PRIMARY KEY, ti TINYINT, ui INT UNSIGNED, c VARCHAR(3), ch CHAR(3), b VARBINARY(3), tt TINYTEXT)")
	ctx := context.Background()
	warns := func(q string) string { // SHOW WARNINGS after q, sorted
		t.Helper()
		// SHOW TABLES (through GMS) clears the warnings: a SELECT or INSERT that the
		// server runs from its caches leaves the previous statement's in place.
		f.exec("SHOW TABLES", q)
		rows := strings.Split(f.rows("SHOW WARNINGS"), "; ")
		sort.Strings(rows)
		return strings.Join(rows, "; ")
	}
	check := func(q, wantWarnings, sel, want string) {
		t.Helper()
		if got := warns(q); got != wantWarnings {
			t.Fatalf("%s: warnings\n%s\nwant\n%s", q, got, wantWarnings)
		}
		if got := f.rows(sel); got != want {
			t.Fatalf("after %s: %s = %q, want %q", q, sel, got, want)
		}
	}
	check("INSERT IGNORE INTO r (id, ti) VALUES (4, 300)",
		"Warning|1264|Out of range value for column 'ti' at row 1",
		"SELECT ti FROM r WHERE id = 4", "127")
	check("INSERT IGNORE INTO r (id, ti, ui) VALUES (5, 1, 1), (6, -300, -1)",
		"Warning|1264|Out of range value for column 'ti' at row 2; Warning|1264|Out of range value for column 'ui' at row 2",
		"SELECT id, ti, ui FROM r WHERE id IN (5, 6) ORDER BY id", "5|1|1; 6|-128|0")
	check("INSERT IGNORE INTO r (id, ti) SELECT id + 100, ti * 100 FROM r WHERE id IN (5, 6) ORDER BY id",
		"Warning|1264|Out of range value for column 'ti' at row 2",
		"SELECT id, ti FROM r WHERE id > 100 ORDER BY id", "105|100; 106|-128")
	check("UPDATE IGNORE r SET ti = ti * 10 WHERE id IN (4, 5, 6)",
		"Warning|1264|Out of range value for column 'ti' at row 1; Warning|1264|Out of range value for column 'ti' at row 3",
		"SELECT id, ti FROM r WHERE id IN (4, 5, 6) ORDER BY id", "4|127; 5|10; 6|-128")
	check("INSERT IGNORE INTO r (id, c, b, tt) VALUES (8, 'toolong', 'toolong', REPEAT('x', 300))",
		"Warning|1265|Data truncated for column 'b' at row 1; Warning|1265|Data truncated for column 'c' at row 1; Warning|1265|Data truncated for column 'tt' at row 1",
		"SELECT c, b, LENGTH(tt) FROM r WHERE id = 8", "too|too|255")
	check("INSERT IGNORE INTO r (id, c) VALUES (9, 'ab'), (10, 'éééé')", // characters, not bytes
		"Warning|1265|Data truncated for column 'c' at row 2",
		"SELECT id, c FROM r WHERE id IN (9, 10) ORDER BY id", "9|ab; 10|ééé")
	check("UPDATE IGNORE r SET c = 'toolong' WHERE id = 9",
		"Warning|1265|Data truncated for column 'c' at row 1",
		"SELECT c FROM r WHERE id = 9", "too")
	// Too long only by trailing spaces: cut, Note 1265 for VARCHAR, nothing for CHAR.
	check("INSERT INTO r (id, c, ch) VALUES (11, 'ab   ', 'ab    ')",
		"Note|1265|Data truncated for column 'c' at row 1",
		"SELECT CONCAT('[', c, ']'), RTRIM(ch) FROM r WHERE id = 11", "[ab ]|ab")

	// Without IGNORE: 1406 with MySQL's text and row, and nothing changes.
	before := f.rows("SELECT * FROM r ORDER BY id")
	for q, want := range map[string]string{
		"INSERT INTO r (id, c) VALUES (20, 'toolong')":                                       "Data too long for column 'c' at row 1; ",
		"INSERT INTO r (id, c) VALUES (20, 'ok'), (21, 'abcd')":                              "Data too long for column 'c' at row 2; ",
		"INSERT INTO r (id, b) VALUES (20, 'ok'), (21, 'ok'), (22, 'abcd')":                  "Data too long for column 'b' at row 3; ",
		"REPLACE INTO r (id, c) VALUES (4, 'toolong')":                                       "Data too long for column 'c' at row 1; ",
		"INSERT INTO r (id, c) SELECT id + 200, CONCAT(c, 'xyz') FROM r WHERE id IN (9, 10)": "Data too long for column 'c' at row 1; ",
		"UPDATE r SET c = 'toolong' WHERE id = 4":                                            "Data too long for column 'c' at row 1; ",
		"UPDATE r SET c = IF(id = 10, 'toolong', 'ok') WHERE id IN (9, 10)":                  "Data too long for column 'c' at row 2; ",
		"UPDATE r SET ti = 1000 WHERE id = 4":                                                "Out of range value for column 'ti' at row 1; ",
	} {
		_, err := f.conn.ExecContext(ctx, q)
		code, state := uint16(1406), "22001"
		if strings.HasPrefix(want, "Out of range") {
			code, state = 1264, "22003"
		}
		if mysqlErrno(err) != code || mysqlState(err) != state || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: %v, want %d (%s) %q", q, err, code, state, want)
		}
		if !strings.Contains(err.Error(), "widen the column (ALTER TABLE ... MODIFY)") {
			t.Fatalf("%s: %v: no hint", q, err)
		}
		if after := f.rows("SELECT * FROM r ORDER BY id"); after != before {
			t.Fatalf("%s failed but changed r:\n%s", q, after)
		}
	}

	// The same prepared statements executed again from the plan cache, the last time
	// with a value that does not fit: the same errors.
	for _, c := range []struct {
		q        string
		ok, bad  []any
		code     uint16
		contains string
	}{
		{"UPDATE r SET ui = ? WHERE id = ?", []any{5, 4}, []any{-5, 4}, 1264, "Out of range value for column 'ui' at row 1"},
		{"UPDATE r SET c = ? WHERE id = ?", []any{"ab", 4}, []any{"toolong", 4}, 1406, "Data too long for column 'c' at row 1"},
		{"INSERT INTO r (id, c) VALUES (?, ?)", []any{30, "ok"}, []any{31, "toolong"}, 1406, "Data too long for column 'c' at row 1"},
	} {
		stmt, err := f.conn.PrepareContext(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		for i := 0; i < 2; i++ {
			if _, err := stmt.ExecContext(ctx, c.ok...); err != nil {
				t.Fatalf("%s %v: %v", c.q, c.ok, err)
			}
			if c.ok[0] == 30 {
				f.exec("DELETE FROM r WHERE id = 30")
			}
		}
		before, hits := f.rows("SELECT * FROM r ORDER BY id"), preparedStats.hits.Load()
		_, err = stmt.ExecContext(ctx, c.bad...)
		if preparedStats.hits.Load() == hits {
			t.Fatalf("%s %v: not run from the plan cache", c.q, c.bad)
		}
		if mysqlErrno(err) != c.code || !strings.Contains(err.Error(), c.contains) {
			t.Fatalf("%s %v: %v, want %d %q", c.q, c.bad, err, c.code, c.contains)
		}
		if after := f.rows("SELECT * FROM r ORDER BY id"); after != before {
			t.Fatalf("%s %v failed but changed r:\n%s", c.q, c.bad, after)
		}
	}
}
