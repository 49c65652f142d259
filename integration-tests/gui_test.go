package integration

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
)

// guiStatement is one statement of testdata/gui-metadata.sql with the tool that sends it.
type guiStatement struct {
	tool, sql string
	line      int
}

// guiCorpus reads a statement file: statements end with ';' at the end of a line, lines
// starting with "--" are comments, and "-- @tool NAME" names the tool of what follows.
func guiCorpus(t *testing.T, path string) []guiStatement {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []guiStatement
	var cur strings.Builder
	tool, start, n := "", 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 {
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, "--") {
				if name, ok := strings.CutPrefix(trimmed, "-- @tool "); ok {
					tool = strings.TrimSpace(name)
				}
				continue
			}
			start = n
		} else {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, guiStatement{tool: tool, sql: strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"), line: start})
			cur.Reset()
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur.Len() > 0 {
		t.Fatalf("%s:%d: statement without a closing ';'", path, start)
	}
	return out
}

// guiSetup runs testdata/gui-schema.sql on db.
func guiSetup(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, st := range guiCorpus(t, "testdata/gui-schema.sql") {
		if _, err := db.Exec(st.sql); err != nil {
			t.Fatalf("gui-schema.sql:%d: %s: %v", st.line, st.sql, err)
		}
	}
}

// TestGUIMetadataCorpus runs every query of testdata/gui-metadata.sql (what DBeaver, MySQL
// Workbench, DataGrip/Connector/J and TablePlus send on connect and while browsing) on one
// connection through the text protocol; every one must succeed. All failures are listed.
func TestGUIMetadataCorpus(t *testing.T) {
	dir := itNewRepo(t, "gui")
	s := itStart(t, dir)
	db := s.db("gui")
	guiSetup(t, db)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stmts := guiCorpus(t, "testdata/gui-metadata.sql")
	if len(stmts) < 100 {
		t.Fatalf("gui-metadata.sql has %d statements, expected the full corpus", len(stmts))
	}
	var failed []string
	for _, st := range stmts {
		if err := guiRun(conn, st.sql); err != nil {
			failed = append(failed, fmt.Sprintf("gui-metadata.sql:%d [%s]: %v\n    %s", st.line, st.tool, err, guiShort(st.sql)))
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d GUI metadata queries failed:\n%s", len(failed), len(stmts), strings.Join(failed, "\n"))
	}
	s.stop()
}

// guiRun executes q and reads every row of every result set.
func guiRun(conn *sql.Conn, q string) error {
	rows, err := conn.QueryContext(context.Background(), q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !rows.NextResultSet() {
			break
		}
	}
	return rows.Err()
}

func guiShort(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 160 {
		q = q[:157] + "..."
	}
	return q
}

// TestGUIMetadataAnswers checks the answers GUI tools rely on, beyond mere success.
func TestGUIMetadataAnswers(t *testing.T) {
	dir := itNewRepo(t, "gui")
	s := itStart(t, dir)
	db := s.db("gui")
	guiSetup(t, db)
	check := func(q string, want ...string) {
		t.Helper()
		got, err := ccRows(db, q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			return
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", q, got, want)
		}
	}
	check("SHOW FULL TABLES FROM `gui` WHERE Table_type = 'BASE TABLE'", "customers|BASE TABLE", "orders|BASE TABLE")
	check("SHOW FULL TABLES WHERE Table_type != 'VIEW' AND Tables_in_gui LIKE 'cust%'", "customers|BASE TABLE")
	check("SHOW FULL TABLES FROM `gui` LIKE 'big%'", "big_orders|VIEW")
	check("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'gui' ORDER BY TABLE_NAME",
		"big_orders|VIEW", "customers|BASE TABLE", "orders|BASE TABLE")
	check("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'gui'", "order_count|PROCEDURE")
	check("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'customers' ORDER BY INDEX_NAME",
		"idx_name|1|name", "PRIMARY|0|id", "uq_email|0|email")
	check("SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'orders' AND REFERENCED_TABLE_NAME IS NOT NULL",
		"fk_cust|customers|id")
	check("SELECT DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'gui' AND CONSTRAINT_NAME = 'fk_cust'", "CASCADE")
	check("SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'status'",
		"status|enum('new','paid','shipped')|new")
	check("SELECT COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'customers' AND COLUMN_NAME = 'name'", "display name")
	// What the server calls itself: tools show @@version_comment next to @@version.
	var version, comment string
	if err := db.QueryRow("SELECT @@version, @@version_comment").Scan(&version, &comment); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(version, "8.0.") || !strings.Contains(strings.ToLower(version+" "+comment), "dsql") ||
		strings.Contains(strings.ToLower(comment), "dolt") {
		t.Errorf("@@version = %q, @@version_comment = %q: want a MySQL 8.0 version naming dsql (not Dolt)", version, comment)
	}
	s.stop()
}

// TestClientQueryShapes: query shapes clients and notebooks send that MySQL accepts.
func TestClientQueryShapes(t *testing.T) {
	dir := itNewRepo(t, "shapes")
	s := itStart(t, dir)
	db := s.db("shapes")
	itExec(t, db, "CREATE TABLE pk (id INT PRIMARY KEY, v INT)", "CREATE TABLE kl (v INT)",
		"INSERT INTO pk VALUES (1, 10), (2, 20)", "INSERT INTO kl VALUES (10), (20)")
	for _, c := range []struct{ q, want string }{
		// Functions without arguments are constants of the query: MySQL allows them next
		// to an aggregate without GROUP BY under ONLY_FULL_GROUP_BY.
		{"SELECT COUNT(*), DATABASE() FROM pk", "2|shapes"},
		{"SELECT COUNT(*), DATABASE() FROM pk WHERE v > 0", "2|shapes"},
		{"SELECT COUNT(*), DATABASE() FROM kl", "2|shapes"},
		{"SELECT SUM(v), NOW() IS NOT NULL FROM kl", "30|1"},
		{"SELECT MAX(v), CURRENT_USER() LIKE 'root@%' FROM pk WHERE id > 0", "20|1"},
	} {
		got, err := ccRows(db, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if strings.Join(got, "\n") != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	s.stop()
}
