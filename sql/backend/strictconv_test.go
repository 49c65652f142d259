package backend_test

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

// mysql8Mode is MySQL 8.0's default sql_mode (server.DefaultSQLMode).
const mysql8Mode = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

// strictSetup is setup with dsql's strict checks installed (as server.NewEngine does)
// and the session under MySQL 8.0's default sql_mode.
func strictSetup(t *testing.T) (*env, *sql.Context) {
	t.Helper()
	e := newEnv(t, memStores{})
	backend.InstallStrictChecks(e.engine.Analyzer)
	ctx := e.session()
	e.exec(ctx, "CREATE DATABASE IF NOT EXISTS mydb", "USE mydb", "SET SESSION sql_mode = '"+mysql8Mode+"'")
	return e, ctx
}

// wantSQLError runs q, which must fail with MySQL error code and a message beginning
// with text, and leave the rows of sel as they were.
func (e *env) wantSQLError(ctx *sql.Context, q string, code int, text, sel string) {
	e.t.Helper()
	before := e.rows(ctx, sel)
	_, err := e.query(ctx, q)
	require.Error(e.t, err, q)
	var se *mysql.SQLError
	if !errors.As(backend.MySQLError(sql.CastSQLError(err)), &se) {
		e.t.Fatalf("%s: %v (%T), want MySQL error %d", q, err, err, code)
	}
	require.Equal(e.t, code, se.Num, "%s: %s", q, se.Message)
	require.True(e.t, strings.HasPrefix(se.Message, text), "%s:\n got %q\nwant %q...", q, se.Message, text)
	require.Equal(e.t, before, e.rows(ctx, sel), "%s failed but changed %s", q, sel)
}

// warnings returns the session's warnings, oldest first, as "Level code message".
func warnings(ctx *sql.Context) []string {
	ws := ctx.Session.Warnings()
	out := make([]string, 0, len(ws))
	for i := len(ws) - 1; i >= 0; i-- {
		out = append(out, ws[i].Level+" "+itoa(ws[i].Code)+" "+ws[i].Message)
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestStrictBlankNumbers: a blank string (empty, spaces, tabs) for a number column fails
// INSERT, REPLACE and UPDATE in strict mode with MySQL's 1366 (1265 for FLOAT and
// DOUBLE) at its row, changing nothing; INSERT IGNORE, UPDATE IGNORE and a non-strict
// sql_mode store 0 with the same text as a warning (GMS stored 0 silently).
func TestStrictBlankNumbers(t *testing.T) {
	e, ctx := strictSetup(t)
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, a INT, u INT UNSIGNED, d DECIMAL(5,2), f DOUBLE, fl FLOAT, b BIGINT)",
		"INSERT INTO t (id, a) VALUES (1, 1)")
	const sel = "SELECT * FROM t ORDER BY id"
	for _, c := range []struct {
		q    string
		code int
		text string
	}{
		{"INSERT INTO t (id, a) VALUES (2, '')", 1366, "Incorrect integer value: '' for column 'a' at row 1"},
		{"INSERT INTO t (id, a) VALUES (2, '  ')", 1366, "Incorrect integer value: '  ' for column 'a' at row 1"},
		{"INSERT INTO t (id, u) VALUES (2, '')", 1366, "Incorrect integer value: '' for column 'u' at row 1"},
		{"INSERT INTO t (id, b) VALUES (2, '\t')", 1366, "Incorrect integer value: '\t' for column 'b' at row 1"},
		{"INSERT INTO t (id, d) VALUES (2, '')", 1366, "Incorrect decimal value: '' for column 'd' at row 1"},
		{"INSERT INTO t (id, d) VALUES (2, ' ')", 1366, "Incorrect decimal value: ' ' for column 'd' at row 1"},
		{"INSERT INTO t (id, f) VALUES (2, '')", 1265, "Data truncated for column 'f' at row 1"},
		{"INSERT INTO t (id, fl) VALUES (2, '   ')", 1265, "Data truncated for column 'fl' at row 1"},
		// A multi-row INSERT fails at its row and keeps none of the rows before it.
		{"INSERT INTO t (id, a) VALUES (2, 2), (3, 3), (4, '')", 1366, "Incorrect integer value: '' for column 'a' at row 3"},
		{"REPLACE INTO t (id, a) VALUES (1, 5), (2, '')", 1366, "Incorrect integer value: '' for column 'a' at row 2"},
		{"INSERT INTO t (id, a) SELECT id + 10, '' FROM t", 1366, "Incorrect integer value: '' for column 'a' at row 1"},
		{"UPDATE t SET a = ''", 1366, "Incorrect integer value: '' for column 'a' at row 1"},
		{"UPDATE t SET d = ' ' WHERE id = 1", 1366, "Incorrect decimal value: ' ' for column 'd' at row 1"},
		{"UPDATE t SET f = ''", 1265, "Data truncated for column 'f' at row 1"},
		{"INSERT INTO t (id, a) VALUES (1, 7) ON DUPLICATE KEY UPDATE a = ''", 1366, "Incorrect integer value: '' for column 'a' at row 1"},
	} {
		e.wantSQLError(ctx, c.q, c.code, c.text, sel)
	}
	// Values that are numbers still convert.
	e.exec(ctx, "INSERT INTO t (id, a, d, f) VALUES (2, ' 5 ', ' 1.5', '2 ')")
	require.Equal(t, []sql.Row{{int32(5), "1.50", 2.0}}, stringDecimals(e.rows(ctx, "SELECT a, d, f FROM t WHERE id = 2")))

	// IGNORE: 0 with a warning each, as MySQL.
	e.exec(ctx, "INSERT IGNORE INTO t (id, a, u, d, f) VALUES (3, '', ' ', '', '')")
	require.Equal(t, []string{
		"Warning 1366 Incorrect integer value: '' for column 'a' at row 1",
		"Warning 1366 Incorrect integer value: ' ' for column 'u' at row 1",
		"Warning 1366 Incorrect decimal value: '' for column 'd' at row 1",
		"Warning 1265 Data truncated for column 'f' at row 1",
	}, warnings(ctx))
	require.Equal(t, []sql.Row{{int32(0), uint32(0), "0.00", 0.0}}, stringDecimals(e.rows(ctx, "SELECT a, u, d, f FROM t WHERE id = 3")))
	e.exec(ctx, "UPDATE IGNORE t SET a = '' WHERE id = 2")
	require.Equal(t, []string{"Warning 1366 Incorrect integer value: '' for column 'a' at row 1"}, warnings(ctx))
	require.Equal(t, []sql.Row{{int32(0)}}, e.rows(ctx, "SELECT a FROM t WHERE id = 2"))

	// Without strict mode: 0 with a warning.
	e.exec(ctx, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")
	e.exec(ctx, "INSERT INTO t (id, a, d) VALUES (4, '', '  ')")
	require.Equal(t, []string{
		"Warning 1366 Incorrect integer value: '' for column 'a' at row 1",
		"Warning 1366 Incorrect decimal value: '  ' for column 'd' at row 1",
	}, warnings(ctx))
	require.Equal(t, []sql.Row{{int32(0), "0.00"}}, stringDecimals(e.rows(ctx, "SELECT a, d FROM t WHERE id = 4")))

	// Seeded random blank strings, in random rows of a multi-row INSERT: the statement
	// fails at the first blank row and changes nothing.
	e.exec(ctx, "SET SESSION sql_mode = '"+mysql8Mode+"'")
	seed := int64(20261127)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	cols := []struct{ name, word string }{{"a", "integer"}, {"u", "integer"}, {"b", "integer"}, {"d", "decimal"}}
	for i := 0; i < 40; i++ {
		c := cols[rng.Intn(len(cols))]
		nrows, bad := 1+rng.Intn(5), 0
		var blank string
		var vals []string
		for r := 1; r <= nrows; r++ {
			v := itoa(rng.Intn(100))
			if bad == 0 && (r == nrows || rng.Intn(3) == 0) {
				bad = r
				b := make([]byte, rng.Intn(4))
				for j := range b {
					b[j] = " \t"[rng.Intn(2)]
				}
				blank = string(b)
				v = "'" + blank + "'"
			}
			vals = append(vals, "("+itoa(100+r)+", "+v+")")
		}
		q := "INSERT INTO t (id, " + c.name + ") VALUES " + strings.Join(vals, ", ")
		e.wantSQLError(ctx, q, 1366, "Incorrect "+c.word+" value: '"+blank+"' for column '"+c.name+"' at row "+itoa(bad), sel)
	}
}

// TestStrictBlankNumbersAlter: ALTER TABLE ... MODIFY of a string column holding a blank
// value to a number type fails in strict mode and leaves the table as it was; without
// strict mode the value becomes 0 with a warning.
func TestStrictBlankNumbersAlter(t *testing.T) {
	e, ctx := strictSetup(t)
	e.exec(ctx, "CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO s VALUES (1, '7'), (2, ''), (3, '8')")
	e.wantSQLError(ctx, "ALTER TABLE s MODIFY v INT", 1366, "Incorrect integer value: '' for column 'v' at row 2", "SELECT * FROM s ORDER BY id")
	e.wantSQLError(ctx, "ALTER TABLE s CHANGE v w DECIMAL(4,1)", 1366, "Incorrect decimal value: '' for column 'w' at row 2", "SELECT * FROM s ORDER BY id")
	require.Equal(t, []sql.Row{{int32(1), "7"}, {int32(2), ""}, {int32(3), "8"}}, e.rows(ctx, "SELECT * FROM s ORDER BY id"))
	require.Equal(t, []sql.Row{{"varchar(10)"}}, e.rows(ctx, "SELECT COLUMN_TYPE FROM information_schema.columns WHERE table_name = 's' AND column_name = 'v'"))

	e.exec(ctx, "SET SESSION sql_mode = ''", "ALTER TABLE s MODIFY v INT")
	require.Equal(t, []string{"Warning 1366 Incorrect integer value: '' for column 'v' at row 2"}, warnings(ctx))
	require.Equal(t, []sql.Row{{int32(1), int32(7)}, {int32(2), int32(0)}, {int32(3), int32(8)}}, e.rows(ctx, "SELECT * FROM s ORDER BY id"))
}

// stringDecimals returns rows with their DECIMAL values as strings.
func stringDecimals(rows []sql.Row) []sql.Row {
	for _, r := range rows {
		for i, v := range r {
			if d, ok := v.(interface{ String() string }); ok {
				if _, isStr := v.(string); !isStr {
					r[i] = d.String()
				}
			}
		}
	}
	return rows
}

// TestStrictZeroDates: under NO_ZERO_DATE with strict mode the zero date fails INSERT,
// REPLACE and UPDATE of a DATE, DATETIME or TIMESTAMP column with MySQL's 1292 at its
// row, changing nothing; IGNORE or a non-strict sql_mode store it with Warning 1264;
// without NO_ZERO_DATE it is stored silently. ALTER TABLE ADD COLUMN of a DATE/DATETIME
// NOT NULL without a default fails on a table with rows (MySQL 8.0), not on an empty one.
func TestStrictZeroDates(t *testing.T) {
	e, ctx := strictSetup(t)
	e.exec(ctx, "CREATE TABLE n (id INT PRIMARY KEY, dt DATETIME, d DATE, ts TIMESTAMP NULL)",
		"INSERT INTO n (id, dt, d) VALUES (1, '2020-01-02 03:04:05', '2020-01-02')")
	const sel = "SELECT * FROM n ORDER BY id"
	for _, c := range []struct {
		q    string
		text string
	}{
		{"INSERT INTO n (id, dt) VALUES (2, '0000-00-00')", "Incorrect datetime value: '0000-00-00' for column 'dt' at row 1"},
		{"INSERT INTO n (id, dt) VALUES (2, '0000-00-00 00:00:00')", "Incorrect datetime value: '0000-00-00 00:00:00' for column 'dt' at row 1"},
		{"INSERT INTO n (id, d) VALUES (2, '0000-00-00')", "Incorrect date value: '0000-00-00' for column 'd' at row 1"},
		{"INSERT INTO n (id, d) VALUES (2, 0)", "Incorrect date value: '0' for column 'd' at row 1"},
		{"INSERT INTO n (id, ts) VALUES (2, '0000-00-00 00:00:00')", "Incorrect datetime value: '0000-00-00 00:00:00' for column 'ts' at row 1"},
		{"INSERT INTO n (id, d) VALUES (2, '2021-01-01'), (3, '0000-00-00')", "Incorrect date value: '0000-00-00' for column 'd' at row 2"},
		{"REPLACE INTO n (id, d) VALUES (1, '0000-00-00')", "Incorrect date value: '0000-00-00' for column 'd' at row 1"},
		{"UPDATE n SET dt = '0000-00-00'", "Incorrect datetime value: '0000-00-00' for column 'dt' at row 1"},
		{"INSERT INTO n (id, d) VALUES (1, '2021-01-01') ON DUPLICATE KEY UPDATE d = '0000-00-00'", "Incorrect date value: '0000-00-00' for column 'd' at row 1"},
	} {
		e.wantSQLError(ctx, c.q, 1292, c.text, sel)
	}
	// A date with a leading zero is no zero date.
	e.exec(ctx, "INSERT INTO n (id, d) VALUES (2, '0001-01-01')")

	// IGNORE: stored, with Warning 1264.
	e.exec(ctx, "INSERT IGNORE INTO n (id, dt, d) VALUES (3, '0000-00-00', '0000-00-00')")
	require.Equal(t, []string{
		"Warning 1264 Out of range value for column 'dt' at row 1",
		"Warning 1264 Out of range value for column 'd' at row 1",
	}, warnings(ctx))
	require.Equal(t, []sql.Row{{types.ZeroTime, types.ZeroTime}}, e.rows(ctx, "SELECT dt, d FROM n WHERE id = 3"))
	// Copying a stored zero date is refused too.
	e.wantSQLError(ctx, "INSERT INTO n (id, d) SELECT 4, d FROM n WHERE id = 3", 1292, "Incorrect date value: '0000-00-00' for column 'd' at row 1", sel)

	// Not strict, NO_ZERO_DATE: stored with the warning; without NO_ZERO_DATE: silently.
	e.exec(ctx, "SET SESSION sql_mode = 'NO_ZERO_DATE'", "INSERT INTO n (id, dt) VALUES (4, '0000-00-00')")
	require.Equal(t, []string{"Warning 1264 Out of range value for column 'dt' at row 1"}, warnings(ctx))
	e.exec(ctx, "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'", "INSERT INTO n (id, dt) VALUES (5, '0000-00-00')")
	require.Empty(t, warnings(ctx))

	// ALTER TABLE ADD COLUMN ... NOT NULL without a default.
	e.exec(ctx, "SET SESSION sql_mode = '"+mysql8Mode+"'")
	e.wantSQLError(ctx, "ALTER TABLE n ADD COLUMN c DATETIME NOT NULL", 1292, "Incorrect datetime value: '0000-00-00 00:00:00' for column 'c' at row 1", sel)
	e.wantSQLError(ctx, "ALTER TABLE n ADD COLUMN c DATE NOT NULL", 1292, "Incorrect date value: '0000-00-00' for column 'c' at row 1", sel)
	e.exec(ctx, "ALTER TABLE n ADD COLUMN c DATE NOT NULL DEFAULT '2000-01-01'", "ALTER TABLE n ADD COLUMN c2 DATE NULL")
	e.exec(ctx, "CREATE TABLE n2 (id INT PRIMARY KEY)", "ALTER TABLE n2 ADD COLUMN c DATETIME NOT NULL")
	e.exec(ctx, "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'", "ALTER TABLE n ADD COLUMN c3 DATE NOT NULL")
}

// TestStrictCharsets: a character its column's character set cannot hold (日 for latin1
// and ascii, é for ascii, an emoji for utf8mb3) fails INSERT and UPDATE in strict mode
// with MySQL's 1366 "Incorrect string value" at its row, changing nothing (GMS stored it
// and every HEX of the row failed); IGNORE and a non-strict sql_mode store '?' for each
// such character with the warning; ALTER TABLE ... MODIFY to such a character set fails
// in strict mode and leaves the table as it was.
func TestStrictCharsets(t *testing.T) {
	e, ctx := strictSetup(t)
	e.exec(ctx, "CREATE TABLE cs3 (id INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET latin1, a VARCHAR(20) CHARACTER SET ascii, u VARCHAR(20) CHARACTER SET utf8mb3, m VARCHAR(20))",
		"INSERT INTO cs3 VALUES (1, 'é', 'x', 'é', '日本語😀')")
	const sel = "SELECT id, HEX(s), HEX(a), HEX(u), m FROM cs3 ORDER BY id"
	for _, c := range []struct{ q, text string }{
		{"INSERT INTO cs3 (id, s) VALUES (2, '日本語')", `Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC...' for column 's' at row 1`},
		{"INSERT INTO cs3 (id, s) VALUES (2, 'abc'), (3, 'ab日')", `Incorrect string value: '\xE6\x97\xA5' for column 's' at row 2`},
		{"INSERT INTO cs3 (id, a) VALUES (2, 'café')", `Incorrect string value: '\xC3\xA9' for column 'a' at row 1`},
		{"INSERT INTO cs3 (id, u) VALUES (2, 'a😀b')", `Incorrect string value: '\xF0\x9F\x98\x80b' for column 'u' at row 1`},
		{"INSERT INTO cs3 (id, s) SELECT 2, m FROM cs3", `Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC...' for column 's' at row 1`},
		{"UPDATE cs3 SET s = CONCAT(s, '€日')", `Incorrect string value: '\xE6\x97\xA5' for column 's' at row 1`},
		{"REPLACE INTO cs3 (id, a) VALUES (1, 'ü')", `Incorrect string value: '\xC3\xBC' for column 'a' at row 1`},
	} {
		e.wantSQLError(ctx, c.q, 1366, c.text, sel)
	}
	// latin1 holds é and € (MySQL's latin1 is cp1252).
	e.exec(ctx, "INSERT INTO cs3 (id, s, a) VALUES (2, 'é€', 'plain')")
	require.Equal(t, []sql.Row{{"E980", "706C61696E"}}, e.rows(ctx, "SELECT HEX(s), HEX(a) FROM cs3 WHERE id = 2"))

	// IGNORE: '?' for each character, with the warning.
	e.exec(ctx, "INSERT IGNORE INTO cs3 (id, s, a) VALUES (3, 'a日本b', 'café')")
	require.Equal(t, []string{
		`Warning 1366 Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC...' for column 's' at row 1`,
		`Warning 1366 Incorrect string value: '\xC3\xA9' for column 'a' at row 1`,
	}, warnings(ctx))
	require.Equal(t, []sql.Row{{"a??b", "caf?", "613F3F62"}}, e.rows(ctx, "SELECT s, a, HEX(s) FROM cs3 WHERE id = 3"))
	e.exec(ctx, "UPDATE IGNORE cs3 SET s = 'x語' WHERE id = 3")
	require.Equal(t, []sql.Row{{"x?"}}, e.rows(ctx, "SELECT s FROM cs3 WHERE id = 3"))
	// Not strict: the same.
	e.exec(ctx, "SET SESSION sql_mode = ''", "INSERT INTO cs3 (id, u) VALUES (4, '😀!')")
	require.Equal(t, []string{`Warning 1366 Incorrect string value: '\xF0\x9F\x98\x80!' for column 'u' at row 1`}, warnings(ctx))
	require.Equal(t, []sql.Row{{"?!"}}, e.rows(ctx, "SELECT u FROM cs3 WHERE id = 4"))

	// ALTER TABLE ... MODIFY to latin1 or ascii.
	e.exec(ctx, "SET SESSION sql_mode = '"+mysql8Mode+"'",
		"CREATE TABLE cs4 (id INT PRIMARY KEY, s VARCHAR(20))", "INSERT INTO cs4 VALUES (1, 'abc'), (2, 'é'), (3, '日本')")
	const sel4 = "SELECT id, s, HEX(s) FROM cs4 ORDER BY id"
	e.wantSQLError(ctx, "ALTER TABLE cs4 MODIFY s VARCHAR(20) CHARACTER SET latin1", 1366, `Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC' for column 's' at row 3`, sel4)
	e.wantSQLError(ctx, "ALTER TABLE cs4 MODIFY s VARCHAR(20) CHARACTER SET ascii", 1366, `Incorrect string value: '\xC3\xA9' for column 's' at row 2`, sel4)
	e.wantSQLError(ctx, "ALTER TABLE cs4 CHANGE s t TEXT CHARACTER SET latin1", 1366, `Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC' for column 't' at row 3`, sel4)
	require.Equal(t, []sql.Row{{"utf8mb4"}}, e.rows(ctx, "SELECT CHARACTER_SET_NAME FROM information_schema.columns WHERE table_name = 'cs4' AND column_name = 's'"))
	e.exec(ctx, "SET SESSION sql_mode = ''", "ALTER TABLE cs4 MODIFY s VARCHAR(20) CHARACTER SET latin1")
	require.Equal(t, []string{`Warning 1366 Incorrect string value: '\xE6\x97\xA5\xE6\x9C\xAC' for column 's' at row 3`}, warnings(ctx))
	require.Equal(t, []sql.Row{{int32(1), "abc", "616263"}, {int32(2), "é", "E9"}, {int32(3), "??", "3F3F"}}, e.rows(ctx, sel4))
}

// TestIgnoreDecimalOutOfRange: INSERT IGNORE and UPDATE IGNORE of a DECIMAL out of its
// column's range store the largest value of the column's precision and scale on the
// value's side, with Warning 1264, as MySQL does (GMS stored 0.00 with Note 1105);
// without IGNORE the statement fails and changes nothing.
func TestIgnoreDecimalOutOfRange(t *testing.T) {
	e, ctx := strictSetup(t)
	e.exec(ctx, "CREATE TABLE dd (id INT PRIMARY KEY, d DECIMAL(5,2), z DECIMAL(3,0))")
	e.exec(ctx, "INSERT IGNORE INTO dd VALUES (1, 12345.678, 1), (2, -12345.678, -5000), (3, '99999', 999), (4, 999.994, 1e10)")
	require.Equal(t, []string{
		"Warning 1264 Out of range value for column 'd' at row 1",
		"Warning 1264 Out of range value for column 'd' at row 2",
		"Warning 1264 Out of range value for column 'z' at row 2",
		"Warning 1264 Out of range value for column 'd' at row 3",
		"Warning 1264 Out of range value for column 'z' at row 4",
	}, warnings(ctx))
	require.Equal(t, []sql.Row{
		{int32(1), "999.99", "1"}, {int32(2), "-999.99", "-999"}, {int32(3), "999.99", "999"}, {int32(4), "999.99", "999"},
	}, stringDecimals(e.rows(ctx, "SELECT * FROM dd ORDER BY id")))
	e.exec(ctx, "UPDATE IGNORE dd SET d = d * -100, z = 5 WHERE id = 1")
	require.Equal(t, []string{"Warning 1264 Out of range value for column 'd' at row 1"}, warnings(ctx))
	require.Equal(t, []sql.Row{{"-999.99", "5"}}, stringDecimals(e.rows(ctx, "SELECT d, z FROM dd WHERE id = 1")))

	const sel = "SELECT * FROM dd ORDER BY id"
	for _, q := range []string{
		"INSERT INTO dd (id, d) VALUES (5, 12345.678)",
		"INSERT INTO dd (id, d) VALUES (5, 1), (6, 1000)",
		"UPDATE dd SET d = 12345.678",
	} {
		e.wantSQLError(ctx, q, 1264, "Out of range value for column", sel)
	}
}
