package server

import (
	"database/sql"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// exactRows returns q's rows (with args: a prepared statement) as "a|b" strings, NULL
// for NULL.
func exactRows(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	return charpadRows(t, db, q, args...)
}

// exactColumns returns "DATABASETYPENAME(p,s)" for each column of q's result as
// go-sql-driver reports it ("DOUBLE" when it reports no decimal size).
func exactColumns(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ct := range cts {
		s := ct.DatabaseTypeName()
		if p, sc, ok := ct.DecimalSize(); ok && s == "DECIMAL" {
			s += fmt.Sprintf("(%d,%d)", p, sc)
		}
		out = append(out, s)
	}
	for rows.Next() {
	}
	return out
}

// TestExactSumAvg: SUM and AVG of exact types (integers, DECIMAL, BIT, YEAR) are exact
// DECIMALs with MySQL's precision and scale (backend exactsum.go), in every form: plain,
// GROUP BY, DISTINCT, HAVING, ORDER BY, windows, prepared; over no rows they are NULL;
// arithmetic on them is decimal; FLOAT, DOUBLE and strings stay DOUBLE; a sum that
// overflows DECIMAL(65) is error 1690.
func TestExactSumAvg(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE s (id INT PRIMARY KEY, a BIGINT, g INT, d DECIMAL(30,10), u BIGINT UNSIGNED, f DOUBLE, v VARCHAR(10), y YEAR, b BIT(8), ti TINYINT)",
		"INSERT INTO s VALUES (1, 9007199254740993, 1, 1.5, 18446744073709551615, 1.5, '1.5', 2000, 1, 1),"+
			"(2, 1, 1, 2, 18446744073709551615, 2, '2', 2001, 2, 2),"+
			"(3, 1, 2, 2.0000000001, 3, 3, 'x', 2002, 3, 3),"+
			"(4, NULL, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")

	check := func(q string, want ...string) {
		t.Helper()
		if got := exactRows(t, db, q); !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", q, got, want)
		}
	}
	checkCols := func(q string, want ...string) {
		t.Helper()
		if got := exactColumns(t, db, q); !slices.Equal(got, want) {
			t.Errorf("%s columns\n got %q\nwant %q", q, got, want)
		}
	}

	// The brief's example, and every exact type (values and wire types as MariaDB 10.11
	// reports them; MySQL 8 uses the same rules).
	check("SELECT SUM(a), AVG(a) FROM s WHERE id <= 2", "9007199254740994|4503599627370497.0000")
	q := "SELECT SUM(a), AVG(a), SUM(d), AVG(d), SUM(u), AVG(u), SUM(y), SUM(b), SUM(ti), AVG(ti) FROM s"
	check(q, "9007199254740995|3002399751580331.6667|5.5000000001|1.83333333336667|36893488147419103233|12297829382473034411.0000|6003|6|6|2.0000")
	checkCols(q, "DECIMAL(41,0)", "DECIMAL(23,4)", "DECIMAL(52,10)", "DECIMAL(34,14)", "DECIMAL(42,0)", "DECIMAL(24,4)",
		"DECIMAL(26,0)", "DECIMAL(30,0)", "DECIMAL(25,0)", "DECIMAL(7,4)")
	// Approximate types stay DOUBLE.
	check("SELECT SUM(f), AVG(f), SUM(v), AVG(v) FROM s", "6.5|2.1666666666666665|3.5|1.1666666666666667")
	checkCols("SELECT SUM(f), AVG(f), SUM(v) FROM s", "DOUBLE", "DOUBLE", "DOUBLE")

	// No rows, only NULLs.
	check("SELECT SUM(a), AVG(a), SUM(d), AVG(d) FROM s WHERE id > 10", "NULL|NULL|NULL|NULL")
	check("SELECT SUM(a), AVG(d) FROM s WHERE id = 4", "NULL|NULL")
	check("SELECT g, SUM(a), AVG(d) FROM s WHERE id > 2 GROUP BY g", "2|1|2.00000000010000")

	// GROUP BY, DISTINCT, HAVING, ORDER BY.
	check("SELECT g, SUM(a), AVG(a), SUM(d) FROM s GROUP BY g ORDER BY g",
		"1|9007199254740994|4503599627370497.0000|3.5000000000", "2|1|1.0000|2.0000000001")
	check("SELECT SUM(DISTINCT a), AVG(DISTINCT a), SUM(DISTINCT u) FROM s", "9007199254740994|4503599627370497.0000|18446744073709551618")
	check("SELECT g FROM s GROUP BY g HAVING SUM(a) > 9007199254740993", "1")
	check("SELECT g FROM s GROUP BY g HAVING SUM(a) = 9007199254740994", "1")
	check("SELECT g FROM s GROUP BY g ORDER BY SUM(a) DESC, g", "1", "2")
	check("SELECT g FROM s GROUP BY g ORDER BY AVG(d) DESC, g", "2", "1")

	// Arithmetic on the result is decimal.
	q = "SELECT SUM(a)+1, SUM(a)/2, SUM(a)-SUM(a), SUM(a)*2, SUM(d)*SUM(d) FROM s WHERE id <= 2"
	check(q, "9007199254740995|4503599627370497.0000|0|18014398509481988|12.25000000000000000000")
	checkCols("SELECT SUM(a)+1, SUM(a)/2 FROM s", "DECIMAL(41,0)", "DECIMAL(45,4)") // MySQL: (42,0), (45,4): GMS's + keeps its operand's precision

	// Windows.
	check("SELECT id, SUM(a) OVER (ORDER BY id), AVG(a) OVER (PARTITION BY g) FROM s ORDER BY id",
		"1|9007199254740993|4503599627370497.0000", "2|9007199254740994|4503599627370497.0000",
		"3|9007199254740995|1.0000", "4|9007199254740995|1.0000")
	check("SELECT id, SUM(d) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), AVG(d) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM s ORDER BY id",
		"1|1.5000000000|1.75000000000000", "2|3.5000000000|2.00000000005000", "3|4.0000000001|2.00000000010000", "4|2.0000000001|NULL")
	check("SELECT id, SUM(a) OVER (ORDER BY id ROWS BETWEEN 3 FOLLOWING AND 4 FOLLOWING) FROM s ORDER BY id",
		"1|NULL", "2|NULL", "3|NULL", "4|NULL")
	checkCols("SELECT SUM(a) OVER (), AVG(d) OVER () FROM s", "DECIMAL(41,0)", "DECIMAL(34,14)")

	// Derived tables and views keep the type.
	check("SELECT x + 1 FROM (SELECT SUM(a) AS x FROM s WHERE id <= 2) dt", "9007199254740995")
	mustExec(t, db, "CREATE VIEW sv AS SELECT g, SUM(a) AS total FROM s GROUP BY g")
	check("SELECT total FROM sv WHERE g = 1", "9007199254740994")

	// Prepared statements (the server's plan cache).
	for range 3 {
		if got := exactRows(t, db, "SELECT SUM(a), AVG(a) FROM s WHERE id <= ?", 2); !slices.Equal(got, []string{"9007199254740994|4503599627370497.0000"}) {
			t.Errorf("prepared: got %q", got)
		}
		if got := exactRows(t, db, "SELECT SUM(a) FROM s WHERE id = ?", 1); !slices.Equal(got, []string{"9007199254740993"}) {
			t.Errorf("prepared lookup: got %q", got)
		}
	}

	// @@div_precision_increment sets AVG's scale.
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "SET div_precision_increment = 8"); err != nil {
		t.Fatal(err)
	}
	var avg string
	if err := conn.QueryRowContext(t.Context(), "SELECT AVG(ti) FROM app.s").Scan(&avg); err != nil || avg != "2.00000000" {
		t.Errorf("AVG with div_precision_increment 8: %q, %v", avg, err)
	}

	// Overflow past DECIMAL(65): error 1690.
	nines := strings.Repeat("9", 65)
	mustExec(t, db, "CREATE TABLE big (d DECIMAL(65,0))", "INSERT INTO big VALUES ("+nines+"), ("+nines+")")
	check("SELECT SUM(d) FROM big LIMIT 0")
	_, err = db.Query("SELECT SUM(d) FROM big")
	if mysqlErrno(err) != 1690 {
		rows := exactRows(t, db, "SELECT SUM(d) FROM big")
		t.Errorf("SUM past DECIMAL(65): err %v, rows %q; want error 1690", err, rows)
	}
	check("SELECT SUM(d) - "+nines+" FROM (SELECT d FROM big LIMIT 1) x", "0")
}

// TestExactSumModel: seeded random BIGINT, BIGINT UNSIGNED and DECIMAL(30,10) values
// near their limits, summed and averaged per group and in total, against math/big.
func TestExactSumModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "app")
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	mustExec(t, db, "CREATE TABLE m (id INT PRIMARY KEY, g INT, a BIGINT, u BIGINT UNSIGNED, d DECIMAL(30,10))")

	const n, groups = 300, 7
	type row struct {
		g       int
		a, u, d *big.Int // d in units of 10^-10
	}
	var rows []row
	for i := range n {
		r := row{g: rng.IntN(groups)}
		switch rng.IntN(3) {
		case 0: // near the limits
			r.a = big.NewInt(int64(rng.Uint64()>>1) | 1<<62)
			if rng.IntN(2) == 0 {
				r.a.Neg(r.a)
			}
		default:
			r.a = big.NewInt(rng.Int64() - (1 << 62))
		}
		r.u = new(big.Int).SetUint64(rng.Uint64() | 1<<63)
		digits := []byte{byte('1' + rng.IntN(9))}
		for range 29 - rng.IntN(3)*rng.IntN(10) { // mostly 30 digits: |d| near 10^20
			digits = append(digits, byte('0'+rng.IntN(10)))
		}
		r.d, _ = new(big.Int).SetString(string(digits), 10)
		if rng.IntN(2) == 0 {
			r.d.Neg(r.d)
		}
		rows = append(rows, r)
		if _, err := db.Exec("INSERT INTO m VALUES (?, ?, ?, ?, ?)", i, r.g, r.a.String(), r.u.String(), decimalText(r.d, 10)); err != nil {
			t.Fatal(err)
		}
	}
	want := map[int][]string{}
	var all []string
	for g := -1; g < groups; g++ {
		sa, su, sd := new(big.Int), new(big.Int), new(big.Int)
		cnt := int64(0)
		for _, r := range rows {
			if g >= 0 && r.g != g {
				continue
			}
			sa.Add(sa, r.a)
			su.Add(su, r.u)
			sd.Add(sd, r.d)
			cnt++
		}
		if cnt == 0 {
			continue
		}
		line := []string{decimalText(sa, 0), roundedAvg(sa, cnt, 0, 4), decimalText(su, 0), decimalText(sd, 10), roundedAvg(sd, cnt, 10, 14)}
		if g < 0 {
			all = line
		} else {
			want[g] = append([]string{fmt.Sprint(g)}, line...)
		}
	}
	got := exactRows(t, db, "SELECT SUM(a), AVG(a), SUM(u), SUM(d), AVG(d) FROM m")
	if w := strings.Join(all, "|"); len(got) != 1 || got[0] != w {
		t.Errorf("totals\n got %q\nwant %q", got, w)
	}
	var wantGroups []string
	for g := range groups {
		if w, ok := want[g]; ok {
			wantGroups = append(wantGroups, strings.Join(w, "|"))
		}
	}
	if got := exactRows(t, db, "SELECT g, SUM(a), AVG(a), SUM(u), SUM(d), AVG(d) FROM m GROUP BY g ORDER BY g"); !slices.Equal(got, wantGroups) {
		t.Errorf("groups\n got %q\nwant %q", got, wantGroups)
	}
	// Running sums (a window) against prefix sums of the model.
	got = exactRows(t, db, "SELECT SUM(a) OVER (ORDER BY id), SUM(d) OVER (ORDER BY id) FROM m ORDER BY id")
	sa, sd := new(big.Int), new(big.Int)
	for i, r := range rows {
		sa.Add(sa, r.a)
		sd.Add(sd, r.d)
		if w := decimalText(sa, 0) + "|" + decimalText(sd, 10); i >= len(got) || got[i] != w {
			t.Fatalf("running sum at row %d: got %v, want %q", i, got[min(i, len(got)-1)], w)
		}
	}
}

// decimalText writes v·10^-scale with scale digits after the point.
func decimalText(v *big.Int, scale int) string {
	s := new(big.Int).Abs(v).String()
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if v.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// roundedAvg is (sum·10^-scale)/n rounded half away from zero to outScale digits.
func roundedAvg(sum *big.Int, n int64, scale, outScale int) string {
	num := new(big.Int).Mul(new(big.Int).Abs(sum), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(outScale-scale)), nil))
	q, r := new(big.Int).QuoRem(num, big.NewInt(n), new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(big.NewInt(n)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if sum.Sign() < 0 {
		q.Neg(q)
	}
	return decimalText(q, outScale)
}
