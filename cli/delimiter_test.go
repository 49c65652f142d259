package cli

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitScriptDelimiters(t *testing.T) {
	script := "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);\n" +
		"DELIMITER ;;\n" +
		"CREATE PROCEDURE p() BEGIN SELECT ';;' FROM t; SELECT 2; END;;\n" +
		"/* a ;; comment */ CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1; END ;;\n" +
		"delimiter ;\n" +
		"CALL p(); SELECT 'x;y'"
	got, err := splitScript(script)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	want := []string{
		"CREATE TABLE t (id INT PRIMARY KEY)",
		"INSERT INTO t VALUES (1)",
		"CREATE PROCEDURE p() BEGIN SELECT ';;' FROM t; SELECT 2; END",
		"/* a ;; comment */ CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1; END",
		"CALL p()",
		"SELECT 'x;y'",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("split\n%q\nwant\n%q", got, want)
	}
}

// TestSQLRunsScriptsWithDelimiters: a script that defines a procedure between DELIMITER
// lines (as dsql dump and mysqldump write them) runs in dsql sql.
func TestSQLRunsScriptsWithDelimiters(t *testing.T) {
	dir := newRepo(t, "delims")
	script := "CREATE TABLE t (id INT PRIMARY KEY);\nDELIMITER ;;\n" +
		"CREATE PROCEDURE fill() BEGIN INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END;;\n" +
		"DELIMITER ;\nCALL fill();\nSELECT COUNT(*) AS n FROM t;\n"
	out, stderr, err := sqlIn(t, dir, sqlOptions{format: formatCSV}, script)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "n\n2\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}
