package dataio_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/dataio"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

type env struct {
	t    *testing.T
	eng  *sqle.Engine
	prov *backend.Provider
}

func newEnv(t *testing.T) *env {
	t.Helper()
	p, err := backend.NewProvider(context.Background(), backend.Options{Stores: map[string]storage.Store{
		"a": memstore.New(), "b": memstore.New()}})
	require.NoError(t, err)
	e := sqle.NewDefault(p)
	t.Cleanup(func() { _ = e.Close() })
	return &env{t: t, eng: e, prov: p}
}

func (e *env) ctx(db string) *sql.Context {
	ctx := sql.NewContext(context.Background(), sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(e.prov))))
	ctx.SetCurrentDatabase(db)
	return ctx
}

func (e *env) exec(db string, qs ...string) {
	e.t.Helper()
	ctx := e.ctx(db)
	for _, q := range qs {
		_, iter, _, err := e.eng.Query(ctx, q)
		require.NoError(e.t, err, q)
		_, err = sql.RowIterToRows(ctx, iter)
		require.NoError(e.t, err, q)
	}
}

func (e *env) rows(db, q string) []sql.Row {
	e.t.Helper()
	ctx := e.ctx(db)
	_, iter, _, err := e.eng.Query(ctx, q)
	require.NoError(e.t, err, q)
	rows, err := sql.RowIterToRows(ctx, iter)
	require.NoError(e.t, err, q)
	return rows
}

// importText imports text (format f) into table of db in one transaction, committed on
// success.
func (e *env) importText(db, table string, f dataio.Format, text string, opts dataio.ImportOptions) (dataio.ImportResult, error) {
	e.t.Helper()
	ctx := e.ctx(db)
	d, ok := e.prov.Lookup(db)
	require.True(e.t, ok)
	r, err := dataio.NewReader(strings.NewReader(text), f, "in."+string(f))
	if err != nil {
		return dataio.ImportResult{}, err
	}
	opts.Table = table
	res, err := dataio.Import(ctx, d, r, "in."+string(f), opts)
	if err != nil {
		return res, err
	}
	return res, ctx.Session.(*session.Session).EndTransaction(ctx)
}

// tableHash is the hash of the table in db's working root (zero: no table); it covers
// schema, rows, indexes and the auto-increment counter.
func (e *env) tableHash(db, table string) hash.Hash {
	e.t.Helper()
	ctx := e.ctx(db)
	d, _ := e.prov.Lookup(db)
	root, err := ctx.Session.(*session.Session).WorkingRoot(ctx, d)
	require.NoError(e.t, err)
	require.NoError(e.t, backend.CheckIndexes(ctx, root))
	t, ok, err := root.Table(ctx, table)
	require.NoError(e.t, err)
	if !ok {
		return hash.Hash{}
	}
	return t.Hash()
}

const fiveCols = "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME, KEY ns (n, s), UNIQUE KEY us (s))"

// rowsCSV returns n rows of the benchmark's shape in key order (or shuffled).
func rowsCSV(n int, shuffle bool, seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("%d,%d,%g,name %d,2024-%02d-%02d %02d:%02d:%02d", i+1, rng.Intn(1000)-500,
			float64(rng.Intn(1000000))/1000, i, 1+i%12, 1+i%28, i%24, i%60, (i*7)%60)
		if i%17 == 0 {
			lines[i] = fmt.Sprintf("%d,,,,", i+1) // NULLs (empty fields)
		}
	}
	if shuffle {
		rng.Shuffle(n, func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	}
	return "id,n,d,s,dt\n" + strings.Join(lines, "\n") + "\n"
}

func insertStatements(csv string) []string {
	var out []string
	var vals []string
	for i, l := range strings.Split(strings.TrimSpace(csv), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(l, ",")
		q := make([]string, len(f))
		for j, v := range f {
			switch {
			case v == "":
				q[j] = "NULL"
			case j == 3 || j == 4:
				q[j] = "'" + v + "'"
			default:
				q[j] = v
			}
		}
		vals = append(vals, "("+strings.Join(q, ",")+")")
		if len(vals) == 500 {
			out = append(out, "INSERT INTO t VALUES "+strings.Join(vals, ","))
			vals = nil
		}
	}
	if len(vals) > 0 {
		out = append(out, "INSERT INTO t VALUES "+strings.Join(vals, ","))
	}
	return out
}

// TestImportEqualsInsert: an imported table (sorted input through the bulk path,
// shuffled input through sort runs spilled to disk) is exactly the table INSERTs of the
// same rows make: same schema, rows, secondary indexes (CheckIndexes passes) and hash.
func TestImportEqualsInsert(t *testing.T) {
	e := newEnv(t)
	const n = 3000
	sorted := rowsCSV(n, false, 1)
	e.exec("b", fiveCols)
	e.exec("b", insertStatements(sorted)...)
	want := e.tableHash("b", "t")

	schema, err := dataio.SchemaFromDDL(context.Background(), fiveCols, "t")
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		text     string
		memLimit int
		sorted   bool
	}{
		{"sorted", sorted, 0, true},
		{"shuffled in memory", rowsCSV(n, true, 1), 0, false},
		{"shuffled spilled", rowsCSV(n, true, 1), 16 << 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.exec("a", "DROP TABLE IF EXISTS t")
			res, err := e.importText("a", "t", dataio.CSV, tc.text, dataio.ImportOptions{Mode: dataio.Create, Schema: schema, MemLimit: tc.memLimit, TempDir: t.TempDir()})
			require.NoError(t, err)
			require.Equal(t, int64(n), res.Rows)
			require.Equal(t, tc.sorted, res.Sorted)
			require.Equal(t, want, e.tableHash("a", "t"))
		})
	}

	// -r onto a table holding other rows gives the same table again.
	e.exec("a", "DELETE FROM t WHERE id < 100", "INSERT INTO t VALUES (100000, 1, 1, 'x', NULL)")
	_, err = e.importText("a", "t", dataio.CSV, sorted, dataio.ImportOptions{Mode: dataio.Replace})
	require.NoError(t, err)
	require.Equal(t, want, e.tableHash("a", "t"))

	// -u of a few changed rows with only some columns equals the same UPDATEs.
	upd := "id,s\n5,changed five\n7,\n" + fmt.Sprintf("%d,new row\n", n+1)
	_, err = e.importText("a", "t", dataio.CSV, upd, dataio.ImportOptions{Mode: dataio.Update})
	require.NoError(t, err)
	e.exec("b", "UPDATE t SET s = 'changed five' WHERE id = 5", "UPDATE t SET s = NULL WHERE id = 7",
		fmt.Sprintf("INSERT INTO t (id, s) VALUES (%d, 'new row')", n+1))
	require.Equal(t, e.rows("b", "SELECT * FROM t WHERE id IN (5, 7, 3001)"), e.rows("a", "SELECT * FROM t WHERE id IN (5, 7, 3001)"))
	require.Equal(t, e.rows("b", "SELECT count(*) FROM t"), e.rows("a", "SELECT count(*) FROM t"))
	require.Equal(t, e.tableHash("b", "t"), e.tableHash("a", "t"))
}

// TestInferredSchema: -c without a schema chooses the narrowest types.
func TestInferredSchema(t *testing.T) {
	text := "id,big,f,flag,day,at,at3,name,zip,doc,empty\n" +
		"1,3000000000,1.5,true,2024-01-02,2024-01-02 03:04:05,2024-01-02 03:04:05.123,Ada,02134,,\n" +
		"2,-1,2,FALSE,2024-12-31,2024-12-31T23:59:59,2024-01-02 03:04:05.1,Grace Hopper,10001,,\n"
	r, err := dataio.NewReader(strings.NewReader(text), dataio.CSV, "x.csv")
	require.NoError(t, err)
	in, err := dataio.InferFrom(r, nil)
	require.NoError(t, err)
	ddl, err := in.CreateTable("t", nil)
	require.NoError(t, err)
	require.Equal(t, "CREATE TABLE `t` (\n  `id` INT NOT NULL,\n  `big` BIGINT,\n  `f` DOUBLE,\n  `flag` TINYINT(1),\n  `day` DATE,\n"+
		"  `at` DATETIME,\n  `at3` DATETIME(3),\n  `name` VARCHAR(16),\n  `zip` VARCHAR(16),\n  `doc` VARCHAR(255),\n  `empty` VARCHAR(255),\n  PRIMARY KEY (`id`)\n)", ddl)

	e := newEnv(t)
	schema, err := dataio.SchemaFromDDL(context.Background(), ddl, "t")
	require.NoError(t, err)
	_, err = e.importText("a", "t", dataio.CSV, text, dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	require.Equal(t, "[[1 3000000000 1.5 1 2 02134] [2 -1 2 0 31 10001]]",
		fmt.Sprint(e.rows("a", "SELECT id, big, f, flag, DAY(day), zip FROM t ORDER BY id")))
}

// TestJSONFormats: arrays, {"rows": [...]} and JSONL give the same table.
func TestJSONFormats(t *testing.T) {
	e := newEnv(t)
	e.exec("b", "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), ok BOOL, doc JSON)")
	e.exec("b", `INSERT INTO t VALUES (1, 'a', true, '{"x": [1, 2]}'), (2, NULL, false, NULL)`)
	want := e.tableHash("b", "t")
	schema, err := dataio.SchemaFromDDL(context.Background(), "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), ok BOOL, doc JSON)", "t")
	require.NoError(t, err)
	for f, text := range map[dataio.Format]string{
		dataio.JSON:  `[{"id": 1, "name": "a", "ok": true, "doc": {"x": [1, 2]}}, {"id": 2, "name": null, "ok": false}]`,
		dataio.JSONL: "{\"ok\": true, \"id\": 1, \"name\": \"a\", \"doc\": {\"x\": [1,2]}}\n{\"id\": 2, \"ok\": false}\n",
	} {
		e.exec("a", "DROP TABLE IF EXISTS t")
		_, err := e.importText("a", "t", f, text, dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
		require.NoError(t, err, f)
		require.Equal(t, want, e.tableHash("a", "t"), f)
	}
	e.exec("a", "DROP TABLE IF EXISTS t")
	_, err = e.importText("a", "t", dataio.JSON, `{"meta": 1, "rows": [{"id": 1, "name": "a", "ok": 1, "doc": {"x": [1, 2]}}, {"id": 2, "ok": 0}]}`,
		dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	require.Equal(t, want, e.tableHash("a", "t"))
}

// TestMalformedCorpus: every malformed input gets a clear error naming the line (or is
// imported correctly where it is valid), and the table is unchanged after an error.
func TestMalformedCorpus(t *testing.T) {
	bigField := strings.Repeat("x", 10<<20)
	cases := []struct {
		name, text string
		err        string // "" = imports fine
		rows       int64  // rows after a successful import
		cont       int64  // with --continue: rows skipped (-1: still an error)
	}{
		{name: "wrong column count", text: "id,v\n10,a\n11,b,extra\n", err: "in.csv:3: the row has 3 fields but the header names 2 columns", cont: 1},
		{name: "non-number", text: "id,v\n10,a\nten,b\n", err: `in.csv:3:1: column "id": "ten" is not a valid int value`, cont: 1},
		{name: "invalid date", text: "id,v,day\n10,a,2024-02-30\n", err: `in.csv:2:6: column "day": "2024-02-30" is not a valid date value`, cont: 1},
		{name: "invalid UTF-8", text: "id,v\n10,caf\xe9\n", err: `in.csv:2:4: column "v": invalid UTF-8 at byte 4 of the value`, cont: 1},
		{name: "unterminated quote", text: "id,v\n10,\"abc\n11,d\n", err: `in.csv:3:6: extraneous or missing " in quoted-field (a field that contains quotes must be quoted as a whole`, cont: -1},
		{name: "duplicate key", text: "id,v\n10,a\n11,b\n10,c\n", err: `in.csv:4: duplicate primary key (10): the same key is on line 2`, cont: 1},
		{name: "duplicate key unsorted", text: "id,v\n12,a\n11,b\n12,c\n", err: `in.csv:4: duplicate primary key (12): the same key is on line 2`, cont: 1},
		{name: "empty file", text: "", err: "in.csv:1: the file is empty", cont: -1},
		{name: "header only", text: "id,v\n", rows: 0},
		{name: "CRLF", text: "id,v\r\n10,a\r\n11,\"b\r\nc\"\r\n", rows: 2},
		{name: "BOM", text: "\xef\xbb\xbfid,v\n10,a\n", rows: 1},
		{name: "unknown column", text: "id,w\n10,a\n", err: `in.csv:1: column "w" of the file is not a column of table "t"`, cont: -1},
		{name: "too long", text: "id,v\n10," + strings.Repeat("y", 300) + "\n", err: `in.csv:2:4: column "v": the value (300 characters) is too long for varchar(255)`, cont: 1},
		{name: "10 MB field", text: "id,v,doc\n10,a," + bigField + "\n11,b,small\n", err: "in.csv:2: the row is", cont: 1},
		{name: "NOT NULL", text: "id,v,n\n10,a,\n", err: `column "n": the column is NOT NULL but the value is empty (NULL)`, cont: 1},
	}
	const ddl = "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(255), day DATE, doc LONGTEXT, n INT NOT NULL DEFAULT 7)"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.exec("a", ddl, "INSERT INTO t (id, v) VALUES (1, 'before'), (2, 'before')")
			before := e.tableHash("a", "t")
			_, err := e.importText("a", "t", dataio.CSV, tc.text, dataio.ImportOptions{Mode: dataio.Replace})
			if tc.err == "" {
				require.NoError(t, err)
				require.Equal(t, tc.rows, int64(len(e.rows("a", "SELECT * FROM t"))))
				return
			}
			require.ErrorContains(t, err, tc.err)
			require.Equal(t, before, e.tableHash("a", "t"), "the table changed")
			res, err := e.importText("a", "t", dataio.CSV, tc.text, dataio.ImportOptions{Mode: dataio.Replace, Continue: true})
			if tc.cont < 0 {
				require.Error(t, err)
				require.Equal(t, before, e.tableHash("a", "t"), "the table changed")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.cont, res.Skipped)
		})
	}
}

// TestExportRoundTrip: a CSV imported and exported again is byte for byte the same (its
// values are in MySQL's canonical text); JSONL and SQL exports load back into the same
// table.
func TestExportRoundTrip(t *testing.T) {
	e := newEnv(t)
	text := rowsCSV(500, false, 2)
	schema, err := dataio.SchemaFromDDL(context.Background(), fiveCols, "t")
	require.NoError(t, err)
	_, err = e.importText("a", "t", dataio.CSV, text, dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
	require.NoError(t, err)
	want := e.tableHash("a", "t")

	export := func(f dataio.Format) string {
		ctx := e.ctx("a")
		d, _ := e.prov.Lookup("a")
		root, err := ctx.Session.(*session.Session).WorkingRoot(ctx, d)
		require.NoError(t, err)
		tbl, _, err := root.Table(ctx, "t")
		require.NoError(t, err)
		var b bytes.Buffer
		n, err := dataio.Export(ctx, tbl, &b, dataio.ExportOptions{Format: f, CreateTable: fiveCols})
		require.NoError(t, err)
		require.Equal(t, int64(500), n)
		return b.String()
	}
	require.Equal(t, text, export(dataio.CSV))
	for _, f := range []dataio.Format{dataio.JSONL, dataio.JSON, dataio.TSV} {
		out := export(f)
		e.exec("b", "DROP TABLE IF EXISTS t")
		_, err := e.importText("b", "t", f, out, dataio.ImportOptions{Mode: dataio.Create, Schema: schema})
		require.NoError(t, err, f)
		require.Equal(t, want, e.tableHash("b", "t"), f)
	}
	sqlText := export(dataio.SQL)
	e.exec("b", "DROP TABLE IF EXISTS t")
	for _, stmt := range strings.Split(strings.TrimSpace(sqlText), ";\n") {
		e.exec("b", stmt)
	}
	require.Equal(t, want, e.tableHash("b", "t"))
}

// TestSortRunsCleanedUp: spilled sort runs leave no files behind.
func TestSortRunsCleanedUp(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	schema, err := dataio.SchemaFromDDL(context.Background(), fiveCols, "t")
	require.NoError(t, err)
	_, err = e.importText("a", "t", dataio.CSV, rowsCSV(2000, true, 3), dataio.ImportOptions{Mode: dataio.Create, Schema: schema, MemLimit: 8 << 10, TempDir: dir})
	require.NoError(t, err)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, left, filepath.Join(dir, "*"))
}

// TestImportFirstErrorAcrossBatches: with many batches converted at once, the error is
// the first bad row of the file, not the first one a converting goroutine finds; with
// --continue, skipped rows are reported in file order, reader and converter problems
// and duplicate keys interleaved as in the file, and the rows kept are the others.
func TestImportFirstErrorAcrossBatches(t *testing.T) {
	const n = 50000 // about a dozen batches
	bad := map[int]string{
		30001: "x,1,1.5,a,2024-01-01 00:00:00",     // non-number key (line 30002)
		12345: "12345,1,1.5,a,2024-02-30 00:00:00", // invalid date (line 12346): the first
		40000: "40000,1,1.5",                       // wrong field count
		45000: "44999,1,1.5,a,2024-01-01 00:00:00", // duplicate key
	}
	var b strings.Builder
	b.WriteString("id,n,d,s,dt\n")
	for i := 1; i <= n; i++ {
		if l, ok := bad[i]; ok {
			b.WriteString(l + "\n")
			continue
		}
		fmt.Fprintf(&b, "%d,%d,%d.5,name %d,2024-01-02 03:04:05\n", i, i%100, i, i)
	}
	e := newEnv(t)
	e.exec("a", "CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME)")
	before := e.tableHash("a", "t")
	for range 3 {
		_, err := e.importText("a", "t", dataio.CSV, b.String(), dataio.ImportOptions{Mode: dataio.Replace})
		require.ErrorContains(t, err, `in.csv:12346:15: column "dt": "2024-02-30 00:00:00" is not a valid datetime value`)
		require.Equal(t, before, e.tableHash("a", "t"))
	}
	var skipped []int
	res, err := e.importText("a", "t", dataio.CSV, b.String(), dataio.ImportOptions{Mode: dataio.Replace, Continue: true,
		OnSkip: func(re *dataio.RowError) { skipped = append(skipped, re.Line) }})
	require.NoError(t, err)
	require.Equal(t, []int{12346, 30002, 40001, 45001}, skipped)
	require.Equal(t, int64(4), res.Skipped)
	require.Equal(t, int64(n-4), res.Rows)
	require.Equal(t, []sql.Row{{int64(n - 4)}}, e.rows("a", "SELECT count(*) FROM t"))
}

// TestJSONKeyOrderPerObject: each JSON object's keys map to columns by name, whatever
// their order in the object before it.
func TestJSONKeyOrderPerObject(t *testing.T) {
	e := newEnv(t)
	e.exec("a", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(8), n INT)")
	_, err := e.importText("a", "t", dataio.JSONL, `{"id":1,"v":"a","n":10}`+"\n"+`{"n":20,"id":2,"v":"b"}`+"\n"+`{"v":"c","n":30,"id":3}`+"\n",
		dataio.ImportOptions{Mode: dataio.Replace})
	require.NoError(t, err)
	require.Equal(t, []sql.Row{{int32(1), "a", int32(10)}, {int32(2), "b", int32(20)}, {int32(3), "c", int32(30)}},
		e.rows("a", "SELECT * FROM t ORDER BY id"))
}
