package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestUnionTypes: a UNION column of integers and DECIMALs is DECIMAL(max integer digits +
// max scale, max scale), of a number and a FLOAT/DOUBLE is DOUBLE (backend uniontype.go),
// in plain unions, nested ones, derived tables, views, CTEs (SUM over them) and CREATE
// TABLE ... AS SELECT; values print with the column's scale. Values and types are
// MariaDB 10.11's (MySQL 8 uses the same rules), except where a comment says.
func TestUnionTypes(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b BIGINT, d DECIMAL(10,2), e DECIMAL(5,4), f DOUBLE, v VARCHAR(10), ub BIGINT UNSIGNED, ti TINYINT)",
		"INSERT INTO t VALUES (1, 1, 2, 3.25, 1.2345, 1.5, 'x', 18446744073709551615, 7)")

	check := func(q string, want ...string) {
		t.Helper()
		got := exactRows(t, db, q)
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", q, got, want)
		}
	}
	checkCols := func(q string, want ...string) {
		t.Helper()
		if got := exactColumns(t, db, q); !slices.Equal(got, want) {
			t.Errorf("%s columns\n got %q\nwant %q", q, got, want)
		}
	}

	// The brief's recursive CTEs (their second part does not refer to the CTE, so they
	// are plain unions): SUM over the column keeps its scale.
	q := "WITH RECURSIVE c(n) AS (SELECT SUM(1) FROM dual UNION ALL SELECT 2.00) SELECT SUM(n) FROM c"
	check(q, "3.00")
	checkCols(q, "DECIMAL(49,2)") // MySQL: DECIMAL(47,2) (GMS types the literal 1 TINYINT, so SUM(1) is DECIMAL(25,0), not (23,0))
	q = "WITH RECURSIVE c(n) AS (SELECT SUM(1) FROM dual UNION ALL SELECT 2.00/3.0) SELECT SUM(n) FROM c"
	check(q, "1.666667")
	checkCols(q, "DECIMAL(53,6)") // MySQL: DECIMAL(51,6), as above

	// Integers and DECIMALs.
	q = "SELECT SUM(a) FROM t UNION ALL SELECT 2.5"
	check(q, "1.0", "2.5")
	checkCols(q, "DECIMAL(33,1)")
	q = "SELECT 1.5 UNION SELECT 2.25"
	check(q, "1.50", "2.25")
	checkCols(q, "DECIMAL(3,2)")
	q = "SELECT CAST(1 AS DECIMAL(10,2)) UNION SELECT 3"
	check(q, "1.00", "3.00")
	checkCols(q, "DECIMAL(10,2)")
	q = "SELECT 1.5 UNION SELECT 2" // an integer literal counts its own digits
	check(q, "1.5", "2.0")
	checkCols(q, "DECIMAL(2,1)")
	q = "SELECT d FROM t UNION ALL SELECT a FROM t UNION ALL SELECT b FROM t"
	check(q, "3.25", "1.00", "2.00")
	checkCols(q, "DECIMAL(21,2)")
	checkCols("SELECT d FROM t UNION ALL SELECT a FROM t", "DECIMAL(12,2)")
	q = "SELECT e FROM t UNION ALL SELECT ti FROM t"
	check(q, "1.2345", "7.0000")
	checkCols(q, "DECIMAL(7,4)")
	q = "SELECT e FROM t UNION ALL SELECT d FROM t"
	check(q, "1.2345", "3.2500")
	checkCols(q, "DECIMAL(12,4)")
	q = "SELECT d FROM t UNION ALL SELECT ub FROM t"
	check(q, "3.25", "18446744073709551615.00")
	checkCols(q, "DECIMAL(22,2)")
	q = "SELECT 1.5 UNION SELECT 2 UNION SELECT 0.125"
	check(q, "1.500", "2.000", "0.125")
	checkCols(q, "DECIMAL(4,3)")
	q = "SELECT NULL UNION SELECT 1.5"
	check(q, "NULL", "1.5")
	checkCols(q, "DECIMAL(2,1)")
	// BIGINT with BIGINT UNSIGNED: DECIMAL(20,0) (GMS clamped the unsigned value to BIGINT).
	q = "SELECT b FROM t UNION SELECT ub FROM t"
	check(q, "2", "18446744073709551615")
	checkCols(q, "DECIMAL(20,0)")
	// Two integer types keep GMS's type.
	checkCols("SELECT a FROM t UNION SELECT ti FROM t", "BIGINT") // GMS's; MySQL: INT

	// With a DOUBLE: DOUBLE (GMS made an INT with a DOUBLE LONGTEXT).
	q = "SELECT d FROM t UNION ALL SELECT f FROM t"
	check(q, "3.25", "1.5")
	checkCols(q, "DOUBLE")
	q = "SELECT a FROM t UNION ALL SELECT f FROM t"
	check(q, "1", "1.5")
	checkCols(q, "DOUBLE")
	checkCols("SELECT 1e0 UNION SELECT 2.5", "DOUBLE")
	// With a string: a string (GMS's LONGTEXT; MySQL's VARCHAR).
	check("SELECT d FROM t UNION ALL SELECT v FROM t", "3.25", "x")

	// Derived tables, scalar subqueries, views, CTEs.
	q = "SELECT x + 0 FROM (SELECT 1.5 AS x UNION ALL SELECT 2) dt"
	check(q, "1.5", "2.0")
	check("SELECT SUM(x) FROM (SELECT d AS x FROM t UNION ALL SELECT a FROM t) dt", "4.25")
	checkCols("SELECT x FROM (SELECT d AS x FROM t UNION ALL SELECT a FROM t) dt", "DECIMAL(12,2)")
	check("SELECT (SELECT 1.5 UNION SELECT 2 LIMIT 1)", "1.5")
	checkCols("SELECT (SELECT 1.5 UNION SELECT 2 LIMIT 1)", "DECIMAL(2,1)")
	mustExec(t, db, "CREATE VIEW vu AS SELECT d FROM t UNION ALL SELECT a FROM t")
	check("SELECT d FROM vu", "3.25", "1.00")
	checkCols("SELECT d FROM vu", "DECIMAL(12,2)")
	check("SELECT SUM(d) FROM vu", "4.25")
	q = "WITH c AS (SELECT d AS n FROM t UNION ALL SELECT 0.125) SELECT n, n * 2 FROM c"
	check(q, "3.250|6.500", "0.125|0.250")
	// A recursive CTE's column has its non-recursive part's scale (precision 65: GMS's).
	check("WITH RECURSIVE c(n) AS (SELECT 1.5 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c", "1.5", "2.5", "3.5")

	// CREATE TABLE ... AS SELECT ... UNION stores MySQL's type.
	mustExec(t, db, "CREATE TABLE ct AS SELECT d FROM t UNION ALL SELECT a FROM t UNION ALL SELECT 1.125")
	check("SELECT column_type FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'ct'", "decimal(13,3)")
	check("SELECT d FROM ct", "3.250", "1.000", "1.125")

	// Prepared statements.
	for range 2 {
		if got := exactRows(t, db, "SELECT d FROM t WHERE id = ? UNION ALL SELECT a FROM t", 1); !slices.Equal(got, []string{"3.25", "1.00"}) {
			t.Errorf("prepared: got %q", got)
		}
	}
}

// TestUnionTypesModel: seeded random pairs of column types (integers, DECIMAL(p,s),
// DOUBLE) in a UNION ALL, checked against the rule (type and printed values).
func TestUnionTypesModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 5))
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")

	type kind struct {
		sql         string
		intD, scale int // integer digits and scale; intD 0 for DOUBLE
		val         string
		integer     bool
	}
	ints := []kind{
		{"TINYINT", 3, 0, "-7", true}, {"SMALLINT", 5, 0, "300", true}, {"MEDIUMINT", 8, 0, "-70000", true},
		{"INT", 10, 0, "2147483647", true}, {"BIGINT", 19, 0, "-9223372036854775808", true},
	}
	randKind := func() kind {
		switch rng.IntN(3) {
		case 0:
			return ints[rng.IntN(len(ints))]
		case 1:
			p := 1 + rng.IntN(30)
			sc := rng.IntN(min(p, 12) + 1)
			intPart := "0"
			if p > sc {
				intPart = strings.Repeat("9", p-sc)
			}
			v := "-" + intPart
			if sc > 0 {
				v += "." + strings.Repeat("1", sc)
			}
			return kind{fmt.Sprintf("DECIMAL(%d,%d)", p, sc), p - sc, sc, v, false}
		}
		return kind{"DOUBLE", 0, 0, "0.5", false}
	}
	// format is v printed in a DECIMAL column of scale sc.
	format := func(v string, sc int) string {
		ip, fp, _ := strings.Cut(v, ".")
		if sc == 0 {
			return ip
		}
		return ip + "." + fp + strings.Repeat("0", sc-len(fp))
	}
	for i := range 30 {
		a, b := randKind(), randKind()
		mustExec(t, db, fmt.Sprintf("CREATE TABLE m%d (x %s, y %s)", i, a.sql, b.sql),
			fmt.Sprintf("INSERT INTO m%d VALUES (%s, %s)", i, a.val, b.val))
		q := fmt.Sprintf("SELECT x FROM m%d UNION ALL SELECT y FROM m%d", i, i)
		var wantCol string
		var want []string
		switch {
		case a.sql == "DOUBLE" || b.sql == "DOUBLE":
			if a.integer && b.integer {
				continue
			}
			wantCol = "DOUBLE"
		case a.integer && b.integer:
			continue // GMS's integer rules
		default:
			sc := max(a.scale, b.scale)
			wantCol = fmt.Sprintf("DECIMAL(%d,%d)", min(max(a.intD, b.intD)+sc, 65), sc)
			want = []string{format(a.val, sc), format(b.val, sc)}
		}
		if got := exactColumns(t, db, q); !slices.Equal(got, []string{wantCol}) {
			t.Errorf("%s (%s, %s): column %q, want %s", q, a.sql, b.sql, got, wantCol)
		}
		if want != nil {
			if got := exactRows(t, db, q); !slices.Equal(got, want) {
				t.Errorf("%s (%s, %s): %q, want %q", q, a.sql, b.sql, got, want)
			}
		}
	}
}

// TestDecimalNegativeZero: a DECIMAL zero made by a multiplication with a negative
// number or by rounding a negative number is 0, not -0 (backend negzero.go), as in
// MySQL and MariaDB; other values keep their sign.
func TestDecimalNegativeZero(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE nz (id INT PRIMARY KEY, d DECIMAL(5,2))", "INSERT INTO nz VALUES (1, 0), (2, -1.5)")

	check := func(q string, want ...string) {
		t.Helper()
		if got := exactRows(t, db, q); !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", q, got, want)
		}
	}
	check("SELECT 0.0 * -1, SUM(0) * -1, -0.0, CAST(-0.0 AS DECIMAL(5,2)), 0.00 / -3, ROUND(-0.4), ROUND(-0.04, 1), -0.4 * 0, 0 * -0.5",
		"0.0|0|0.0|0.00|0.000000|0|0.0|0.0|0.0")
	check("SELECT CONCAT(0.0 * -1), (SELECT 0.0 * -1), 1.5 * -2, ROUND(-1.45, 1), ROUND(-0.5)", "0.0|0.0|-3.0|-1.5|-1")
	check("SELECT id, d * -1, ROUND(d / 10) FROM nz ORDER BY id", "1|0.00|0", "2|1.50|0")
	check("SELECT id FROM nz WHERE d * -1 = 0", "1")
	check("SELECT 0.0 * -1 UNION ALL SELECT 1", "0.0", "1.0")
	mustExec(t, db, "CREATE TABLE st (id INT PRIMARY KEY, d DECIMAL(5,2))", "INSERT INTO st SELECT 1, 0.0 * -1", "INSERT INTO st VALUES (2, ROUND(-0.4))")
	check("SELECT d FROM st ORDER BY id", "0.00", "0.00")
	for range 2 {
		if got := exactRows(t, db, "SELECT d * ? FROM nz WHERE id = 1", -1); !slices.Equal(got, []string{"0.00"}) {
			t.Errorf("prepared: got %q", got)
		}
	}
}

// TestUnionTypesColumnOrder: the UNION column types hold when the first SELECT lists a
// table's columns out of their order (their column ids then do not ascend with the
// position: backend setOpColumnIds), in plain unions, ORDER BY, derived tables (also
// with their own ORDER BY ... LIMIT and a third SELECT), CTEs, views, SUM over them,
// CREATE TABLE ... AS SELECT and prepared. Values and types are MariaDB 10.11's.
func TestUnionTypesColumnOrder(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b DECIMAL(5,2), c DECIMAL(10,4), f DOUBLE)",
		"INSERT INTO t VALUES (1, 7, 3.25, 1.5, 0.5), (2, 1, 1.60, 22.125, 2.5), (3, 1, 1.40, 0, 1e0)",
		"CREATE VIEW v AS SELECT b, a FROM t UNION SELECT 1.5, 2.125",
		"CREATE VIEW v2 AS SELECT c, f, b, a FROM t UNION ALL SELECT 1, 2, 3.5, 4.25")

	check := func(q string, ordered bool, cols []string, want ...string) {
		t.Helper()
		got := exactRows(t, db, q)
		if !ordered {
			slices.Sort(got)
			want = slices.Clone(want)
			slices.Sort(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", q, got, want)
		}
		if cols == nil {
			return
		}
		if got := exactColumns(t, db, q); !slices.Equal(got, cols) {
			t.Errorf("%s columns\n got %q\nwant %q", q, got, cols)
		}
	}
	cols := func(c ...string) []string { return c }
	ba := cols("DECIMAL(5,2)", "DECIMAL(13,3)")
	ab := cols("DECIMAL(13,3)", "DECIMAL(5,2)")

	check("SELECT b, a FROM t UNION SELECT 1.5, 2.125", false, ba,
		"3.25|7.000", "1.60|1.000", "1.40|1.000", "1.50|2.125")
	check("SELECT c, b, a FROM t UNION ALL SELECT a, b, c FROM t", false, cols("DECIMAL(14,4)", "DECIMAL(5,2)", "DECIMAL(14,4)"),
		"1.5000|3.25|7.0000", "22.1250|1.60|1.0000", "0.0000|1.40|1.0000",
		"7.0000|3.25|1.5000", "1.0000|1.60|22.1250", "1.0000|1.40|0.0000")
	check("SELECT b, id, a FROM t UNION SELECT a, b, 0.5 FROM t", false, cols("DECIMAL(12,2)", "DECIMAL(12,2)", "DECIMAL(11,1)"),
		"3.25|1.00|7.0", "1.60|2.00|1.0", "1.40|3.00|1.0", "7.00|3.25|0.5", "1.00|1.60|0.5", "1.00|1.40|0.5")
	check("SELECT b, a FROM t UNION SELECT 1.5, 2.125 ORDER BY a DESC, b", true, ba,
		"3.25|7.000", "1.50|2.125", "1.40|1.000", "1.60|1.000")
	check("SELECT b, a FROM t UNION SELECT 1.5, 2.125 ORDER BY b DESC LIMIT 2", true, ba,
		"3.25|7.000", "1.60|1.000")

	// Derived tables, CTEs, views.
	check("SELECT x, y FROM (SELECT b AS y, a AS x FROM t UNION SELECT 1.5, 2.125) d", false, ab,
		"7.000|3.25", "1.000|1.60", "1.000|1.40", "2.125|1.50")
	check("SELECT a, b FROM (SELECT b, a FROM t UNION SELECT 1.5, 2.125) d", false, ab,
		"7.000|3.25", "1.000|1.60", "1.000|1.40", "2.125|1.50")
	check("SELECT * FROM (SELECT b, a FROM t UNION SELECT 1.5, 2.125 ORDER BY b DESC LIMIT 2) d", false, ba,
		"3.25|7.000", "1.60|1.000")
	check("SELECT a, b FROM (SELECT b, a FROM t UNION SELECT 1.5, 2.125 UNION SELECT 10, 0.5) d", false, ab,
		"7.000|3.25", "1.000|1.60", "1.000|1.40", "2.125|1.50", "0.500|10.00")
	check("WITH w AS (SELECT b, a FROM t UNION SELECT 1.5, 2.125) SELECT a, b FROM w", false, ab,
		"7.000|3.25", "1.000|1.60", "1.000|1.40", "2.125|1.50")
	check("WITH w AS (SELECT b, a FROM t UNION SELECT 1.5, 2.125) SELECT a, b FROM w WHERE a > 1 ORDER BY a", true, ab,
		"2.125|1.50", "7.000|3.25")
	check("SELECT a, b FROM v", false, ab, "7.000|3.25", "1.000|1.60", "1.000|1.40", "2.125|1.50")
	check("SELECT a, b, c, f FROM v2", false, cols("DECIMAL(12,2)", "DECIMAL(5,2)", "DECIMAL(10,4)", "DOUBLE"),
		"7.00|3.25|1.5000|0.5", "1.00|1.60|22.1250|2.5", "1.00|1.40|0.0000|1", "4.25|3.50|1.0000|2")
	check("SELECT SUM(a), SUM(b) FROM v", false, cols("DECIMAL(35,3)", "DECIMAL(27,2)"), "11.125|7.75")

	// CREATE TABLE ... AS SELECT stores each column's type by position.
	mustExec(t, db, "CREATE TABLE ct AS SELECT b, a FROM t UNION SELECT 1.5, 2.125")
	check("SELECT column_name, column_type FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'ct' ORDER BY ordinal_position",
		true, nil, "b|decimal(5,2)", "a|decimal(13,3)")

	// Prepared (binary protocol).
	rows, err := db.Query("SELECT b, a FROM t WHERE id = ? UNION SELECT 1.5, 2.125", 1)
	if err != nil {
		t.Fatal(err)
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ct := range cts {
		p, sc, _ := ct.DecimalSize()
		got = append(got, fmt.Sprintf("%s(%d,%d)", ct.DatabaseTypeName(), p, sc))
	}
	var vals []string
	for rows.Next() {
		var x, y string
		if err := rows.Scan(&x, &y); err != nil {
			t.Fatal(err)
		}
		vals = append(vals, x+"|"+y)
	}
	rows.Close()
	slices.Sort(vals)
	if want := []string{"DECIMAL(5,2)", "DECIMAL(13,3)"}; !slices.Equal(got, want) {
		t.Errorf("prepared columns %q, want %q", got, want)
	}
	if want := []string{"1.50|2.125", "3.25|7.000"}; !slices.Equal(vals, want) {
		t.Errorf("prepared rows %q, want %q", vals, want)
	}
}
