package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDsqlDumpLoadsIntoMariaDB writes a database with dsql dump --mariadb (a foreign key
// whose child sorts first, several types, a keyless table, views on views, a trigger) and
// loads it with the mysql CLI into a private MariaDB and into a fresh dsql sql-server:
// the same answers everywhere.
func TestDsqlDumpLoadsIntoMariaDB(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	mport := ccStartMariaDB(t)
	src := itNewRepo(t, "dsrc")
	itRun(t, src, "sql", "-q", `CREATE TABLE parent (id INT PRIMARY KEY AUTO_INCREMENT, v INT, s VARCHAR(20), d DATETIME(3), dc DECIMAL(10,2), bl BLOB, j JSON, e ENUM('x','y'), KEY (v), UNIQUE KEY us (s));
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, note TEXT, FOREIGN KEY (parent_id) REFERENCES parent(id));
CREATE TABLE keyless (x INT, y INT);
CREATE VIEW v1 AS SELECT id, s FROM parent WHERE v > 1;
CREATE VIEW v0 AS SELECT * FROM v1;
CREATE TRIGGER tr BEFORE INSERT ON keyless FOR EACH ROW SET NEW.y = NEW.x * 2;
INSERT INTO parent (v, s, d, dc, bl, j, e) VALUES (1, 'it''s', '2024-01-02 03:04:05.678', 12.5, 0x00ff275c0a, '{"k": [1, 2]}', 'y'), (2, 'grüße\n\ttab', NULL, -0.01, '', '[]', NULL), (3, NULL, NULL, NULL, NULL, NULL, 'x');
INSERT INTO child VALUES (1, 1, 'x\\y'), (2, 2, '"'), (3, NULL, '');
INSERT INTO keyless (x) VALUES (1), (1), (2)`)
	file := filepath.Join(t.TempDir(), "maria.sql")
	itRun(t, src, "dump", "--mariadb", "--batch", "2", file)
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := ccMySQL(mport, nil, "-e", "CREATE DATABASE dsrc"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := ccMySQL(mport, dump, "-D", "dsrc"); err != nil {
		t.Fatalf("loading dsql dump --mariadb into MariaDB: %v\n%s", err, out)
	}
	s := itStart(t, filepath.Dir(src))
	checks := []string{
		"SELECT id, v, s, d, dc, HEX(bl), j, e FROM parent ORDER BY id",
		"SELECT * FROM child ORDER BY id",
		"SELECT x, y, COUNT(*) FROM keyless GROUP BY x, y ORDER BY x",
		"SELECT * FROM v0 ORDER BY id",
		"SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
		"SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
		"SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
	}
	for _, q := range checks {
		want, err := ccMySQL(s.port, nil, "-D", "dsrc", "-e", q)
		if err != nil {
			t.Fatalf("dsql: %s: %v\n%s", q, err, want)
		}
		got, err := ccMySQL(mport, nil, "-D", "dsrc", "-e", q)
		if err != nil {
			t.Fatalf("MariaDB: %s: %v\n%s", q, err, got)
		}
		if got != want {
			t.Errorf("%s:\nMariaDB:\n%s\ndsql:\n%s", q, got, want)
		}
	}
	// The trigger works in MariaDB after the load.
	if out, err := ccMySQL(mport, nil, "-D", "dsrc", "-N", "-e", "INSERT INTO keyless (x) VALUES (5); SELECT y FROM keyless WHERE x = 5"); err != nil || out != "10\n" {
		t.Errorf("trigger in MariaDB: %q %v", out, err)
	}
	s.stop()
}
