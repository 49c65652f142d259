package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dumpSetup = `CREATE TABLE parent (id INT PRIMARY KEY AUTO_INCREMENT, v INT, s VARCHAR(20), d DATETIME(3), j JSON, bl BLOB, vb VARBINARY(8), dc DECIMAL(10,2), f DOUBLE, e ENUM('x','y'), b BIT(4), KEY (v), UNIQUE KEY us (s));
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, note TEXT, FOREIGN KEY (parent_id) REFERENCES parent(id));
CREATE TABLE keyless (x INT, y INT);
CREATE VIEW v1 AS SELECT id FROM parent WHERE v > 1;
CREATE VIEW v0 AS SELECT * FROM v1;
CREATE TRIGGER tr BEFORE INSERT ON keyless FOR EACH ROW SET NEW.y = NEW.x * 2;
INSERT INTO parent (v, s, d, j, bl, vb, dc, f, e, b) VALUES
  (1, 'it''s', '2024-01-02 03:04:05.678', '{"k": [1, 2], "q": "a\\\"b"}', 0x00ff275c0a, 0xdeadbeef, 12.5, 1.25e-7, 'y', b'1010'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 'grüße\n\ttab', '1999-12-31 23:59:59', '[]', '', '', -0.01, -3, 'x', 0);
INSERT INTO child VALUES (1, 1, 'x\\y'), (2, 2, '"'), (3, NULL, '');
INSERT INTO keyless (x) VALUES (1), (1), (2)`

// TestDumpLoadsBack dumps a database with a foreign key (child sorts before its parent),
// keyless and binary data, views on views and a trigger, loads the dump into a fresh
// repository with dsql sql, and compares every table's hash, the views and the trigger.
// A small --batch spreads the rows over several INSERTs.
func TestDumpLoadsBack(t *testing.T) {
	src := newRepo(t, "src")
	mustSQL(t, src, dumpSetup)
	file := filepath.Join(t.TempDir(), "db.sql")
	var stderr bytes.Buffer
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: file, batch: 2}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if got := stderr.String(); !strings.Contains(got, "Dumped 3 tables and 9 rows") {
		t.Errorf("summary: %q", got)
	}
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(dump)
	if p, c := strings.Index(text, "CREATE TABLE `parent`"), strings.Index(text, "CREATE TABLE `child`"); p < 0 || c < p {
		t.Errorf("parent must be created before child:\n%s", text)
	}
	if v1, v0 := strings.Index(text, "CREATE VIEW v1"), strings.Index(text, "CREATE VIEW v0"); v1 < 0 || v0 < v1 {
		t.Errorf("v1 must come before v0, which uses it:\n%s", text)
	}
	if !strings.Contains(text, "X'00ff275c0a'") {
		t.Errorf("blob not a hex literal:\n%s", text)
	}
	// The same dump again is refused without --force.
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: file, batch: 2}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwrite without --force: %v", err)
	}

	dst := newRepo(t, "dst")
	if _, stderr, err := sqlIn(t, dst, sqlOptions{}, text); err != nil {
		t.Fatalf("loading the dump: %v\n%s", err, stderr)
	}
	for _, q := range []string{
		"SELECT dsql_hashof_table('parent')", "SELECT dsql_hashof_table('child')", "SELECT dsql_hashof_table('keyless')",
		"SELECT id, v, s, d, j, HEX(bl), HEX(vb), dc, f, e, b+0 FROM parent ORDER BY id", "SELECT * FROM v0", "SHOW CREATE TABLE parent", "SHOW CREATE TABLE child",
		"SELECT type, name, fragment FROM dsql_schemas ORDER BY type, name",
	} {
		want, _, err := sqlIn(t, src, sqlOptions{query: q, format: formatCSV}, "")
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := sqlIn(t, dst, sqlOptions{query: q, format: formatCSV}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: loaded\n%s\nsource\n%s", q, got, want)
		}
	}
	// The trigger came back after the rows (it would have changed y otherwise) and works.
	mustSQL(t, dst, "INSERT INTO keyless (x) VALUES (5)")
	if got, _, _ := sqlIn(t, dst, sqlOptions{query: "SELECT y FROM keyless WHERE x = 5", format: formatCSV}, ""); got != "y\n10\n" {
		t.Errorf("trigger after load: %q", got)
	}

	// --rev: the dump of an earlier commit.
	mustSQL(t, src, "CALL dsql_commit('-Am', 'v1')")
	mustSQL(t, src, "DELETE FROM child")
	var out bytes.Buffer
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: "-", rev: "HEAD", batch: 1000}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "INSERT INTO `child`") || !strings.Contains(out.String(), "at revision HEAD") {
		t.Errorf("dump --rev HEAD lacks child's rows:\n%s", out.String())
	}
}

// TestDumpFiles writes one CSV and one JSON file per table.
func TestDumpFiles(t *testing.T) {
	src := newRepo(t, "src")
	mustSQL(t, src, "CREATE TABLE a (id INT PRIMARY KEY, s VARCHAR(10)); CREATE TABLE b (k VARCHAR(5) PRIMARY KEY, n INT); INSERT INTO a VALUES (1, 'x,y'), (2, NULL); INSERT INTO b VALUES ('z', 7)")
	out := filepath.Join(t.TempDir(), "out")
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "csv", directory: out, batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a.csv": "id,s\n1,\"x,y\"\n2,\n", "b.csv": "k,n\nz,7\n"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "json", directory: out, batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	b, err := os.ReadFile(filepath.Join(out, "a.json"))
	if err != nil || json.Unmarshal(b, &doc) != nil || len(doc.Rows) != 2 || doc.Rows[0]["s"] != "x,y" {
		t.Errorf("a.json: %s (%v)", b, err)
	}
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "csv", directory: out, batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("second csv dump without --force succeeded")
	}
	// Parquet files import back into a fresh repository as the same tables.
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "parquet", directory: out, batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(out, "a.parquet")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("a.parquet: %v %v", fi, err)
	}
	dst := newRepo(t, "dst")
	mustSQL(t, dst, "CREATE TABLE a (id INT PRIMARY KEY, s VARCHAR(10)); CREATE TABLE b (k VARCHAR(5) PRIMARY KEY, n INT)")
	for _, tbl := range []string{"a", "b"} {
		opts := tableImportOptions{replace: true, table: tbl, file: filepath.Join(out, tbl+".parquet"), dir: dst, isTerminal: func(io.Writer) bool { return false }}
		if err := runTableImport(context.Background(), opts, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatalf("import %s: %v", tbl, err)
		}
		q := "SELECT dsql_hashof_table('" + tbl + "')"
		want, _, _ := sqlIn(t, src, sqlOptions{query: q, format: formatCSV}, "")
		if got, _, _ := sqlIn(t, dst, sqlOptions{query: q, format: formatCSV}, ""); got != want {
			t.Errorf("%s after parquet round trip: %s, want %s", tbl, got, want)
		}
	}
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "csv", file: "x.sql", batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("-r csv with FILE accepted")
	}
}

// TestDumpSpatialVector dumps spatial (a geographic SRID 4326 POINT among them) and VECTOR
// columns as hex literals, loads the dump into a fresh repository with the same table
// hashes, writes them as WKT and arrays in CSV files, and refuses VECTOR with --mariadb.
func TestDumpSpatialVector(t *testing.T) {
	src := newRepo(t, "src")
	mustSQL(t, src, `CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY, p POINT SRID 4326 NOT NULL, l LINESTRING);
CREATE TABLE emb (id INT PRIMARY KEY, v VECTOR(3));
CREATE TABLE kl (g GEOMETRY, v VECTOR(2));
INSERT INTO geo VALUES (1, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), ST_GeomFromText('POINT(45.5 -120.25)', 4326), ST_GeomFromText('LINESTRING(0 0,1 1)')),
  (2, NULL, ST_GeomFromText('POINT(0 0)', 4326), NULL);
INSERT INTO emb VALUES (1, STRING_TO_VECTOR('[1,2.5,-0.125]')), (2, NULL);
INSERT INTO kl VALUES (ST_GeomFromText('POINT(1 2)'), STRING_TO_VECTOR('[3,4]')), (NULL, NULL)`)
	var out bytes.Buffer
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: "-", batch: 1000}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "X'e610000001010000000000000000105ec00000000000c04640'") || !strings.Contains(text, "X'0000803f00002040000000be'") || strings.Contains(text, "\x00") {
		t.Errorf("spatial/vector values not hex literals:\n%s", text)
	}
	dst := newRepo(t, "dst")
	if _, stderr, err := sqlIn(t, dst, sqlOptions{}, text); err != nil {
		t.Fatalf("loading the dump: %v\n%s\n%s", err, stderr, text)
	}
	for _, q := range []string{
		"SELECT dsql_hashof_table('geo')", "SELECT dsql_hashof_table('emb')", "SELECT dsql_hashof_table('kl')",
		"SELECT id, ST_AsText(g), ST_AsText(p), ST_SRID(p), ST_AsText(l) FROM geo ORDER BY id", "SELECT id, VECTOR_TO_STRING(v) FROM emb ORDER BY id",
	} {
		want, _, err := sqlIn(t, src, sqlOptions{query: q, format: formatCSV}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got, _, _ := sqlIn(t, dst, sqlOptions{query: q, format: formatCSV}, ""); got != want {
			t.Errorf("%s: loaded\n%s\nsource\n%s", q, got, want)
		}
	}

	dir := filepath.Join(t.TempDir(), "csv")
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "csv", directory: dir, batch: 1}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"geo.csv": "id,g,p,l\n1,\"POLYGON((0 0,1 0,1 1,0 0))\",POINT(45.5 -120.25),\"LINESTRING(0 0,1 1)\"\n2,,POINT(0 0),\n",
		"emb.csv": "id,v\n1,\"[1,2.5,-0.125]\"\n2,\n",
	} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}

	// --mariadb: MariaDB 10.11 has no VECTOR; the dump fails and names the column.
	err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: "-", batch: 1000, mariadb: true}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "column `v` is VECTOR(3)") || !strings.Contains(err.Error(), "MariaDB") {
		t.Errorf("--mariadb with a VECTOR column: %v", err)
	}
	// Without the VECTOR tables, the --mariadb dump writes the spatial values the same way.
	mustSQL(t, src, "DROP TABLE emb; DROP TABLE kl")
	out.Reset()
	if err := runDump(context.Background(), dumpOptions{dir: src, format: "sql", file: "-", batch: 1000, mariadb: true}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "X'e610000001010000000000000000105ec00000000000c04640'") {
		t.Errorf("--mariadb spatial values:\n%s", out.String())
	}
}
