package server

import (
	"path/filepath"
	"testing"
)

// TestGroupConcatArgs: GROUP_CONCAT of several arguments joins them per row and skips
// rows where one is NULL, with DISTINCT, ORDER BY, SEPARATOR and GROUP BY, as a text
// statement and prepared (groupconcatargs.go).
func TestGroupConcatArgs(t *testing.T) {
	dir := t.TempDir()
	initRepo(t, filepath.Join(dir, "app"))
	s, _ := startServer(t, testConfig(dir))
	db := connect(t, s, "root", "", "app")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE g (id INT PRIMARY KEY, a VARCHAR(5), b INT)",
		"INSERT INTO g VALUES (1, 'x', 1), (2, 'y', NULL), (3, 'x', 1), (4, 'z', 3)")
	wantRows(t, db, "SELECT GROUP_CONCAT(a, b), GROUP_CONCAT(a, '-', b ORDER BY id DESC SEPARATOR ';'), GROUP_CONCAT(DISTINCT a, b), GROUP_CONCAT(a) FROM g",
		"x1,x1,z3|z-3;x-1;x-1|x1,z3|x,y,x,z")
	wantRows(t, db, "SELECT a, GROUP_CONCAT(id, ':', b) FROM g GROUP BY a ORDER BY a", "x|1:1,3:1", "y|NULL", "z|4:3")
	var got string
	if err := db.QueryRow("SELECT GROUP_CONCAT(a, b) FROM g WHERE id > ?", 1).Scan(&got); err != nil || got != "x1,z3" {
		t.Errorf("prepared: %q, %v; want x1,z3", got, err)
	}
}
