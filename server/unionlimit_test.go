package server

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
)

// TestPreparedUnionLimit: a prepared statement (COM_STMT_PREPARE, go-sql-driver without
// InterpolateParams) whose set operation has ? in its LIMIT or OFFSET counts those
// placeholders (preparecount.go; vitess counted none of them): plain and parenthesized
// unions, UNION ALL, INTERSECT, EXCEPT, with parameters in the arms too, in a derived
// table, with a ? in a string or a comment, executed again with other values; PREPARE
// ... FROM and EXECUTE ... USING in SQL.
func TestPreparedUnionLimit(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	mustExec(t, connect(t, s, "root", "", ""), "CREATE DATABASE app")
	db := connect(t, s, "root", "", "app")
	mustExec(t, db, "CREATE TABLE t (a INT PRIMARY KEY)", "CREATE TABLE u (b INT PRIMARY KEY)",
		"INSERT INTO t VALUES (1), (3), (5)", "INSERT INTO u VALUES (2), (4), (5)")

	query := func(q string, args ...any) ([]string, error) {
		t.Helper()
		rows, err := db.Query(q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v sql.NullString
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, v.String)
		}
		return out, rows.Err()
	}
	check := func(q string, want string, args ...any) {
		t.Helper()
		got, err := query(q, args...)
		if err != nil {
			t.Errorf("%s %v: %v", q, args, err)
			return
		}
		if g := strings.Join(got, ","); g != want {
			t.Errorf("%s %v\n got %s\nwant %s", q, args, g, want)
		}
	}

	check("SELECT 1 UNION SELECT 2 LIMIT ?", "1", 1)
	check("SELECT 1 UNION SELECT 2 LIMIT ?", "1,2", 5)
	check("SELECT 1 UNION SELECT 2 LIMIT ?", "", 0)
	check("SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT ?", "2", 1)
	q := "(SELECT a FROM t) UNION (SELECT b FROM u) ORDER BY 1 LIMIT ? OFFSET ?"
	check(q, "2,3", 2, 1)
	check(q, "5", 3, 4)
	check(q, "", 1, 10)
	check("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT ?, ?", "3,4,5", 2, 5)
	check("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 DESC LIMIT ?", "5,5,4", 3)
	check("SELECT a FROM t WHERE a > ? UNION SELECT b FROM u WHERE b < ? ORDER BY 1 LIMIT ?", "2,3", 1, 5, 2)
	check("SELECT a FROM t INTERSECT SELECT b FROM u LIMIT ?", "5", 1)
	check("SELECT a FROM t EXCEPT SELECT b FROM u ORDER BY 1 LIMIT ? OFFSET ?", "3", 1, 1)
	check("SELECT * FROM (SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 DESC LIMIT ?) d ORDER BY 1", "4,5", 2)
	check("SELECT x FROM (SELECT a AS x FROM t UNION SELECT b FROM u) d WHERE x > ? ORDER BY x LIMIT ?", "4,5", 3, 5)
	// A ? in a string or a comment is no placeholder.
	check("SELECT '?' UNION SELECT 'x?' /* ? */ LIMIT ?", "?", 1)
	// Too few or too many arguments still fail (in the client).
	if _, err := query("SELECT 1 UNION SELECT 2 LIMIT ?"); err == nil {
		t.Error("no argument for LIMIT ?: no error")
	}
	if _, err := query("SELECT 1 UNION SELECT 2 LIMIT ?", 1, 2); err == nil {
		t.Error("two arguments for one LIMIT ?: no error")
	}

	// One statement executed again and again.
	st, err := db.Prepare("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for n := 0; n <= 6; n++ {
		rows, err := st.Query(n)
		if err != nil {
			t.Fatalf("LIMIT %d: %v", n, err)
		}
		var got []int
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		rows.Close()
		if want := []int{1, 2, 3, 4, 5}[:min(n, 5)]; !slices.Equal(got, want) {
			t.Errorf("LIMIT %d: got %v, want %v", n, got, want)
		}
	}

	// PREPARE ... FROM and EXECUTE ... USING (one connection: user variables).
	c := newPreparedConn(t, db)
	c.exec("SET @n = 1, @m = 2",
		"PREPARE s1 FROM 'SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT ?'",
		"PREPARE s2 FROM '(SELECT a FROM t) UNION (SELECT b FROM u) ORDER BY 1 LIMIT ? OFFSET ?'")
	for _, tc := range []struct{ q, want string }{
		{"EXECUTE s1 USING @n", "2"},
		{"EXECUTE s1 USING @m", "2,1"},
		{"EXECUTE s2 USING @m, @n", "2,3"},
		{"EXECUTE s2 USING @n, @m", "3"},
	} {
		rows, err := c.conn.QueryContext(c.ctx, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		var got []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		rows.Close()
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("%s: got %s, want %s", tc.q, g, tc.want)
		}
	}
}

// TestCountPlaceholders: the tokenizer's count of ? (preparecount.go).
func TestCountPlaceholders(t *testing.T) {
	for q, want := range map[string]int{
		"SELECT 1":                        0,
		"SELECT ?":                        1,
		"SELECT 1 UNION SELECT 2 LIMIT ?": 1,
		"SELECT ? UNION SELECT ? LIMIT ? OFFSET ?":  4,
		"SELECT '?', \"?\", `?` FROM t WHERE a = ?": 1,
		"SELECT 1 /* ? */ -- ?\n UNION SELECT ?":    1,
		"SELECT 1 # ?\n":                            0,
		"SELECT 'unterminated ?":                    0,
	} {
		if got := countPlaceholders(q); got != want {
			t.Errorf("countPlaceholders(%q) = %d, want %d", q, got, want)
		}
	}
}
