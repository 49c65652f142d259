package server

import (
	"database/sql"
	"fmt"
	"testing"
)

// charpadRows returns the rows of q (with args: a prepared statement) as "a|b" strings.
func charpadRows(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s %v: %v", q, args, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := ""
		for i, v := range vals {
			if i > 0 {
				s += "|"
			}
			if v.Valid {
				s += v.String
			} else {
				s += "NULL"
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestServerCharTrailingSpaces: over the wire, in plain and prepared statements (and
// through the server's point-select caches), CHAR values come back without their
// trailing spaces as in MySQL 8, `c = 'ab'` finds a value written as 'ab ', and under
// the default collation (NO PAD) `c = 'ab '` finds nothing, by primary key, secondary
// index or scan; 'ab' and 'ab ' are one value of a UNIQUE index (1062).
func TestServerCharTrailingSpaces(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db,
		"CREATE DATABASE app",
		"CREATE TABLE app.ch (id INT PRIMARY KEY, c CHAR(3))",
		"CREATE TABLE app.ci (id INT PRIMARY KEY, c CHAR(3), KEY ic (c))",
		"CREATE TABLE app.cp (c CHAR(3) PRIMARY KEY, id INT)",
		"CREATE TABLE app.cu (id INT PRIMARY KEY, c CHAR(3), v VARCHAR(3), UNIQUE KEY uc (c))",
	)
	for _, tb := range []string{"ch", "ci"} {
		mustExec(t, db, fmt.Sprintf("INSERT INTO app.%s VALUES (1,'ab '),(2,'a'),(3,'  ')", tb))
	}
	mustExec(t, db, "INSERT INTO app.cp VALUES ('ab ', 1), ('a', 2), ('  ', 3)")
	// Prepared inserts too: the same stored values.
	if _, err := db.Exec("INSERT INTO app.cu VALUES (?, ?, ?)", 1, "ab ", "ab "); err != nil {
		t.Fatal(err)
	}

	want := []string{"1|[ab]|2", "2|[a]|1", "3|[]|0"}
	for _, tb := range []string{"ch", "ci", "cp"} {
		q := fmt.Sprintf("SELECT id, CONCAT('[',c,']'), LENGTH(c) FROM app.%s ORDER BY id", tb)
		if got := charpadRows(t, db, q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
		for _, c := range []struct {
			lit  string
			want string
		}{{"ab", "[1]"}, {"ab ", "[]"}, {"", "[3]"}, {"   ", "[]"}, {"a", "[2]"}} {
			q := fmt.Sprintf("SELECT id FROM app.%s WHERE c = '%s' ORDER BY id", tb, c.lit)
			if got := fmt.Sprint(charpadRows(t, db, q)); got != c.want {
				t.Errorf("%s: %v, want %v", q, got, c.want)
			}
			// Twice prepared: the second execution may come from the server's caches.
			for range 2 {
				qp := fmt.Sprintf("SELECT id FROM app.%s WHERE c = ? ORDER BY id", tb)
				if got := fmt.Sprint(charpadRows(t, db, qp, c.lit)); got != c.want {
					t.Errorf("%s [%q]: %v, want %v", qp, c.lit, got, c.want)
				}
			}
		}
	}
	if got := charpadRows(t, db, "SELECT CONCAT('[',c,']'), CONCAT('[',v,']') FROM app.cu"); fmt.Sprint(got) != "[[ab]|[ab ]]" {
		t.Errorf("CHAR and VARCHAR: %v", got)
	}
	for _, q := range []string{
		"INSERT INTO app.cu VALUES (2, 'ab', NULL)",
		"INSERT INTO app.cu VALUES (2, 'ab  ', NULL)",
		"INSERT INTO app.cp VALUES ('ab', 9)",
	} {
		if _, err := db.Exec(q); mysqlErrno(err) != 1062 {
			t.Errorf("%s: err = %v, want MySQL error 1062", q, err)
		}
	}
	if _, err := db.Exec("INSERT INTO app.cu VALUES (?, ?, NULL)", 2, "ab "); mysqlErrno(err) != 1062 {
		t.Errorf("prepared duplicate: err = %v, want MySQL error 1062", err)
	}
	// Spaces past the length are cut silently (no error, no warning), then removed.
	mustExec(t, db,
		"INSERT INTO app.cu VALUES (3, 'xy     ', NULL)",
		"UPDATE app.cp SET c = 'z    ' WHERE id = 2",
		"INSERT INTO app.cp VALUES ('ab', 9) ON DUPLICATE KEY UPDATE id = id + 10",
		"REPLACE INTO app.ch VALUES (2, 'q  ')",
	)
	if got := charpadRows(t, db, "SELECT id, CONCAT('[',c,']') FROM app.cu ORDER BY id"); fmt.Sprint(got) != "[1|[ab] 3|[xy]]" {
		t.Errorf("cu: %v", got)
	}
	if got := charpadRows(t, db, "SELECT CONCAT('[',c,']'), id FROM app.cp ORDER BY id"); fmt.Sprint(got) != "[[z]|2 []|3 [ab]|11]" {
		t.Errorf("cp: %v", got)
	}
	if got := charpadRows(t, db, "SELECT id, CONCAT('[',c,']') FROM app.ch WHERE c = 'q'"); fmt.Sprint(got) != "[2|[q]]" {
		t.Errorf("ch: %v", got)
	}
}
