package integration

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMySQLDumpOnUpdate: ON UPDATE CURRENT_TIMESTAMP survives mysqldump and a reload
// with the mysql CLI (the dump's CREATE TABLE carries it, the restored table has the same
// SHOW CREATE TABLE and SHOW COLUMNS), and an UPDATE through the mysql CLI in the
// restored table sets the column when it changes the row and not when it does not.
// Timestamps are compared with a value from 2001 inserted explicitly, not the clock.
func TestMySQLDumpOnUpdate(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	itNeed(t, "mysqldump", "mariadb-client")
	dir := itNewRepo(t, "ousrc")
	s := itStart(t, filepath.Dir(dir))
	defer s.stop()
	const create = "CREATE TABLE ou (id INT PRIMARY KEY, v INT," +
		" c6 TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP," +
		" d3 DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3));" +
		" INSERT INTO ou VALUES (1, 1, '2001-01-01 00:00:00', '2001-01-01 00:00:00'), (2, 1, '2001-01-01 00:00:00', '2001-01-01 00:00:00')"
	if out, err := ccMySQL(s.port, nil, "-D", "ousrc", "-e", create); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd := exec.Command("mysqldump", "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", "--skip-dump-date", "ousrc")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dump, err := cmd.Output()
	if err != nil {
		t.Fatalf("mysqldump: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{
		"`c6` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,",
		"`d3` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),",
	} {
		if !bytes.Contains(dump, []byte(want)) {
			t.Errorf("the dump lacks %q:\n%s", want, dump)
		}
	}
	if out, err := ccMySQL(s.port, nil, "-e", "CREATE DATABASE oudst"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := ccMySQL(s.port, dump, "-D", "oudst"); err != nil {
		t.Fatalf("loading the dump: %v\n%s", err, out)
	}
	for _, q := range []string{"SHOW CREATE TABLE ou", "SHOW COLUMNS FROM ou", "SELECT * FROM ou ORDER BY id"} {
		want, err := ccMySQL(s.port, nil, "-D", "ousrc", "-e", q)
		if err != nil {
			t.Fatalf("%s: %v\n%s", q, err, want)
		}
		got, err := ccMySQL(s.port, nil, "-D", "oudst", "-e", q)
		if err != nil || got != want {
			t.Errorf("%s after the reload: %v\n%s\nwant\n%s", q, err, got, want)
		}
	}
	out, err := ccMySQL(s.port, nil, "-D", "oudst", "-e",
		"UPDATE ou SET v = 2 WHERE id = 1; UPDATE ou SET v = 1 WHERE id = 2; "+
			"SELECT id, c6 > '2020-01-01', d3 > '2020-01-01' FROM ou ORDER BY id")
	if want := "id\tc6 > '2020-01-01'\td3 > '2020-01-01'\n1\t1\t1\n2\t0\t0\n"; err != nil || out != want {
		t.Errorf("UPDATE in the restored table: %v\n%q\nwant\n%q", err, out, want)
	}
	if !strings.Contains(string(dump), "INSERT INTO `ou`") {
		t.Errorf("the dump has no rows of ou")
	}
}
