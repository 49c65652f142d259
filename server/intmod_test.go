package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestIntegerMod: MOD of two integers (`a % b`, `a MOD b`, MOD(a, b)) is a BIGINT with the
// sign of the dividend, never "-0", NULL for MOD by 0, as in MySQL; a hash join on
// k.r = n.a MOD 4 finds every row (GMS computed it as a DECIMAL: -0 missed the 0 keys and
// k.r >= 10 failed with 1264; sql/backend/intmod.go). Seeded random rows and divisors
// checked against Go's % (which truncates, as MySQL does).
func TestIntegerMod(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app",
		"CREATE TABLE n (id INT PRIMARY KEY, a INT, u INT UNSIGNED, f DOUBLE)",
		"CREATE TABLE k (id INT PRIMARY KEY, r INT, q INT)")
	rng := rand.New(rand.NewPCG(20261126, 3))
	type nrow struct{ id, a, u int }
	var ns []nrow
	var vals []string
	for i := 1; i <= 60; i++ {
		r := nrow{id: i, a: rng.IntN(41) - 20, u: rng.IntN(50)}
		ns = append(ns, r)
		vals = append(vals, fmt.Sprintf("(%d, %d, %d, 2.5)", r.id, r.a, r.u))
	}
	mustExec(t, db, "INSERT INTO n VALUES "+strings.Join(vals, ", "))
	type krow struct{ id, r, q int }
	var ks []krow
	vals = nil
	for i := 1; i <= 30; i++ {
		r := krow{id: i, r: rng.IntN(16) - 3, q: rng.IntN(100)} // -3..12: some >= 10
		ks = append(ks, r)
		vals = append(vals, fmt.Sprintf("(%d, %d, %d)", r.id, r.r, r.q))
	}
	mustExec(t, db, "INSERT INTO k VALUES "+strings.Join(vals, ", "))

	// literals: no -0, NULL for 0
	for q, want := range map[string]string{
		"SELECT -3 % 3":                    "0",
		"SELECT MOD(5, 5) * -1":            "0",
		"SELECT MOD(-6, 3)":                "0",
		"SELECT -7 % 3, 7 MOD -3":          "-1|1",
		"SELECT 7 % 0, MOD(NULL, 2)":       "NULL|NULL",
		"SELECT 7.5 % 2, MOD(-6.0, 4)":     "1.5|-2.0",
		"SELECT -9223372036854775808 % 10": "-8",
	} {
		if got := queryRows(t, db, q); !slices.Equal(got, []string{want}) {
			t.Errorf("%s = %v, want %s", q, got, want)
		}
	}
	// result types: BIGINT for integers, DECIMAL with a DECIMAL operand, DOUBLE with a float,
	// in GMS's short analysis of a bare SELECT ... FROM one table (with or without a WHERE)
	// as in the full one (ORDER BY); the short one sent DECIMAL for `a % 3` (intmod.go's
	// intModParser)
	for q, want := range map[string]string{
		"SELECT a % 3 FROM n":                            "BIGINT",
		"SELECT a MOD 3 FROM n WHERE id > 5":             "BIGINT",
		"SELECT (a % 7) % 3 FROM n":                      "BIGINT",
		"SELECT u % 3 FROM n":                            "UNSIGNED BIGINT",
		"SELECT a % 2.5 FROM n":                          "DECIMAL",
		"SELECT a % f FROM n":                            "DOUBLE",
		"SELECT a % 3 FROM n ORDER BY id":                "BIGINT",
		"SELECT MOD(a, 3) FROM n":                        "BIGINT",
		"SELECT u MOD 3 FROM n ORDER BY id":              "UNSIGNED BIGINT",
		"SELECT a % 2.5 FROM n ORDER BY id":              "DECIMAL",
		"SELECT a % f FROM n ORDER BY id":                "DOUBLE",
		"SELECT d.m FROM (SELECT a MOD 3 AS m FROM n) d": "BIGINT",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		ct, err := rows.ColumnTypes()
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := ct[0].DatabaseTypeName(); got != want {
			t.Errorf("%s: column type %s, want %s", q, got, want)
		}
	}
	// the column keeps the name it was written with
	rows, err := db.Query("SELECT a % 3, a MOD 3, a%3 AS m, MOD(a,3) FROM n")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := rows.Columns()
	rows.Close()
	if want := []string{"a % 3", "a MOD 3", "m", "MOD(a,3)"}; !slices.Equal(names, want) {
		t.Errorf("column names %q, want %q", names, want)
	}
	// a prepared statement's bound integers
	if got := queryStringsArgs(t, db, "SELECT ? % ?", -6, 3); !slices.Equal(got, []string{"0"}) {
		t.Errorf("SELECT ? %% ? with -6, 3 = %v, want 0", got)
	}

	// joins on a MOD (hash joins over a derived table or CTE): every k.r (some negative,
	// some >= 10) compared as an integer
	var cnt, ids []int
	for i := -20; i <= 20; i++ {
		cnt = append(cnt, i)
		ids = append(ids, i)
	}
	var na, nid []int
	for _, r := range ns {
		na, nid = append(na, r.a), append(nid, r.id)
	}
	rec := "WITH RECURSIVE cnt (n) AS (SELECT -20 UNION ALL SELECT n + 1 FROM cnt WHERE n < 20) "
	for _, c := range []struct {
		q      string
		id, vs []int
	}{
		{"SELECT n.id, k.id FROM n JOIN k ON k.r = n.a MOD 4", nid, na},
		{"SELECT n.id, k.id FROM k JOIN n ON k.r = MOD(n.a, 4)", nid, na},
		{"SELECT d.id, k.id FROM (SELECT id, a FROM n ORDER BY id LIMIT 100) d JOIN k ON k.r = d.a % 4", nid, na},
		{rec + "SELECT cnt.n, k.id FROM cnt JOIN k ON k.r = cnt.n MOD 4", ids, cnt},
		{rec + "SELECT cnt.n, k.id FROM cnt JOIN k ON k.id = cnt.n + 5 AND k.r = cnt.n MOD 4", ids, cnt},
	} {
		var want []string
		for i, v := range c.vs {
			for _, b := range ks {
				if b.r == v%4 && (!strings.Contains(c.q, "n + 5") || b.id == v+5) {
					want = append(want, fmt.Sprintf("%d|%d", c.id[i], b.id))
				}
			}
		}
		sort.Strings(want)
		rows, err := db.Query(c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		rows.Close()
		got := queryRows(t, db, c.q)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %d rows, want %d", c.q, len(got), len(want))
		}
	}

	mod := func(a, d int) string {
		if d == 0 {
			return "NULL"
		}
		return fmt.Sprint(a % d)
	}
	for i := range 200 {
		d := rng.IntN(15) - 7
		var q string
		var want []string
		switch i % 4 {
		case 0, 1:
			form := []string{"a %% %d", "a MOD %d", "MOD(a, %d)", "-a %% %d"}[rng.IntN(4)]
			e := fmt.Sprintf(form, d)
			q = fmt.Sprintf("SELECT id, %s, (%s) * -1 FROM n ORDER BY id", e, e)
			for _, r := range ns {
				a := r.a
				if strings.HasPrefix(form, "-") {
					a = -a
				}
				m := mod(a, d)
				neg := "NULL"
				if m != "NULL" {
					neg = fmt.Sprint(-(a % d))
				}
				want = append(want, fmt.Sprintf("%d|%s|%s", r.id, m, neg))
			}
		case 2: // a filter on MOD
			m := rng.IntN(4)
			q = fmt.Sprintf("SELECT id FROM n WHERE a %% 4 = %d OR u MOD 3 = %d ORDER BY id", m, m)
			for _, r := range ns {
				if r.a%4 == m || r.u%3 == m {
					want = append(want, fmt.Sprint(r.id))
				}
			}
		case 3: // a join on MOD: hash join keys
			m := 2 + rng.IntN(11)
			q = fmt.Sprintf("SELECT n.id, k.id FROM n JOIN k ON k.r = n.a MOD %d", m)
			for _, a := range ns {
				for _, b := range ks {
					if b.r == a.a%m {
						want = append(want, fmt.Sprintf("%d|%d", a.id, b.id))
					}
				}
			}
			sort.Strings(want)
		}
		got := queryRows(t, db, q)
		if i%4 == 3 {
			sort.Strings(got)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("query %d: %s\ngot  %v\nwant %v", i, q, got, want)
		}
	}
}
