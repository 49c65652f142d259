package server

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestServerOnUpdateCurrentTimestamp: a client sees ON UPDATE CURRENT_TIMESTAMP as in
// MySQL 8, through text and prepared statements (the second execution of a prepared
// UPDATE runs from the cached plan), and after a restart: an UPDATE that changes a row
// sets the column, one that leaves the row as it was does not, an explicit value wins;
// SHOW CREATE TABLE, SHOW COLUMNS and information_schema.COLUMNS show the clause.
// Timestamps are compared with a value from 2001 inserted explicitly, not the clock.
func TestServerOnUpdateCurrentTimestamp(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	s, _ := startServer(t, cfg)
	db := connect(t, s, "root", "", "")
	const old = "'2001-01-01 00:00:00'"
	mustExec(t, db, "CREATE DATABASE app",
		"CREATE TABLE app.ou (id INT PRIMARY KEY, v INT,"+
			" c6 TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"+
			" d3 DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))")
	for id := range 6 {
		mustExec(t, db, "INSERT INTO app.ou VALUES ("+string(rune('1'+id))+", 1, "+old+", "+old+")")
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
	}
	exec("USE app")
	exec("UPDATE ou SET v = 2 WHERE id = 1") // text: a change
	stmt, err := conn.PrepareContext(ctx, "UPDATE ou SET v = ? WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	hits := preparedStats.hits.Load()
	for _, args := range [][]any{{1, 2} /* the same value */, {2, 3} /* a change */} {
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			t.Fatalf("prepared UPDATE %v: %v", args, err)
		}
	}
	_ = stmt.Close()
	if preparedStats.hits.Load() == hits {
		t.Errorf("the prepared UPDATE never ran from a cached plan")
	}
	exec("UPDATE ou SET v = 3, c6 = '2002-02-02 00:00:00' WHERE id = 4")
	exec("INSERT INTO ou (id, v) VALUES (5, 1) ON DUPLICATE KEY UPDATE v = VALUES(v)") // no change
	exec("INSERT INTO ou (id, v) VALUES (6, 7) ON DUPLICATE KEY UPDATE v = VALUES(v)") // a change
	// Per row: c6 and d3 newer than 2020 (1) or not (0), and c6 if not.
	const stamps = "SELECT id, c6 > '2020-01-01', d3 > '2020-01-01', IF(c6 > '2020-01-01', '', c6) FROM ou ORDER BY id"
	want := []string{"1\t1\t1\t", "2\t0\t0\t2001-01-01 00:00:00", "3\t1\t1\t", "4\t0\t1\t2002-02-02 00:00:00", "5\t0\t0\t2001-01-01 00:00:00", "6\t1\t1\t"}
	if got := ouRows(t, conn, stamps); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after the updates:\n%q\nwant\n%q", got, want)
	}

	const wantCreate = "ou\tCREATE TABLE `ou` (\n  `id` int NOT NULL,\n  `v` int DEFAULT NULL,\n" +
		"  `c6` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
		"  `d3` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n" +
		"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
	wantExtra := []string{"c6\tDEFAULT_GENERATED on update CURRENT_TIMESTAMP", "d3\tDEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)", "id\t", "v\t"}
	check := func(label string, q querier) {
		t.Helper()
		if got := ouRows(t, q, "SHOW CREATE TABLE ou"); len(got) != 1 || got[0] != wantCreate {
			t.Errorf("%s: SHOW CREATE TABLE:\n%q\nwant\n%q", label, got, wantCreate)
		}
		var show []string
		for _, r := range ouRows(t, q, "SHOW COLUMNS FROM ou") { // Field Type Null Key Default Extra
			f := strings.Split(r, "\t")
			show = append(show, f[0]+"\t"+f[5])
		}
		if want := "id\t|v\t|" + strings.Join(wantExtra[:2], "|"); strings.Join(show, "|") != want {
			t.Errorf("%s: SHOW COLUMNS: %q, want %q", label, show, want)
		}
		got := ouRows(t, q, "SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'ou' ORDER BY 1")
		if strings.Join(got, "|") != strings.Join(wantExtra, "|") {
			t.Errorf("%s: information_schema.COLUMNS: %q, want %q", label, got, wantExtra)
		}
	}
	check("before the restart", conn)
	conn.Close()
	_ = db.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, _ := startServer(t, cfg) // restart over the same directory
	db2 := connect(t, s2, "root", "", "app")
	check("after the restart", db2)
	mustExec(t, db2, "UPDATE ou SET v = 9 WHERE id = 2")
	want[1] = "2\t1\t1\t"
	if got := ouRows(t, db2, stamps); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after the restart:\n%q\nwant\n%q", got, want)
	}
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// queryStrings runs q and returns each row's columns as text joined by spaces (NULL as
// "NULL").
func ouRows(t *testing.T, db querier, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
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
			t.Fatalf("%s: %v", q, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
			if !v.Valid {
				parts[i] = "NULL"
			}
		}
		out = append(out, strings.Join(parts, "\t"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}
