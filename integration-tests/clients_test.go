package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestMySQLCLI drives the server with the mysql command-line client (mariadb-client).
func TestMySQLCLI(t *testing.T) {
	mysqlBin := itNeed(t, "mysql", "mariadb-client")
	dir := itNewRepo(t, "clidb")
	s := itStart(t, dir)
	run := func(sql string) string {
		t.Helper()
		cmd := exec.Command(mysqlBin, "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", "--batch", "clidb", "-e", sql)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mysql -e %q: %v\n%s", sql, err, out)
		}
		return string(out)
	}
	run("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, score DOUBLE)")
	run("INSERT INTO people VALUES (1, 'Ada', 9.5), (2, 'Grace', 8.25), (3, 'Edsger', NULL)")
	got := run("SELECT id, name, score FROM people ORDER BY id")
	want := "id\tname\tscore\n1\tAda\t9.5\n2\tGrace\t8.25\n3\tEdsger\tNULL\n"
	if got != want {
		t.Fatalf("SELECT through mysql CLI:\n got %q\nwant %q", got, want)
	}
	if got := run("SELECT COUNT(*) FROM people WHERE score > 9"); got != "COUNT(*)\n1\n" {
		t.Fatalf("count: %q", got)
	}
	// FLOAT and DOUBLE as MySQL writes them (server/floattext.go), not as Go's %g:
	// the same text MariaDB 10.11's mysql client shows for these values.
	run("CREATE TABLE f (id INT PRIMARY KEY, x FLOAT, d DOUBLE)")
	run("INSERT INTO f VALUES (1, 1234567, 1234567), (2, 3.4028234e38, 1e300), (3, 1.5e-7, 1e-16), (4, 0.1, 100000000000000)")
	for _, q := range []string{
		"SELECT x, d FROM f ORDER BY id",
		"SELECT x, d FROM f WHERE id = 1 UNION ALL SELECT x, d FROM f WHERE id = 2 UNION ALL SELECT x, d FROM f WHERE id = 3 UNION ALL SELECT x, d FROM f WHERE id = 4",
	} {
		if got, want := run(q), "x\td\n1234570\t1234567\n3.40282e38\t1e300\n0.00000015\t1e-16\n0.1\t100000000000000\n"; got != want {
			t.Fatalf("%s:\n got %q\nwant %q", q, got, want)
		}
	}
	for range 2 { // the second time from the text plan cache
		if got := run("SELECT d FROM f WHERE id = 1"); got != "d\n1234567\n" {
			t.Fatalf("point select of a DOUBLE: %q", got)
		}
	}
	if got := run("SELECT 1234567e0 * 10 AS e, 1e15 AS big, 0.00001e0 AS small"); got != "e\tbig\tsmall\n12345670\t1e15\t0.00001\n" {
		t.Fatalf("DOUBLE expressions: %q", got)
	}
	// A bad statement is an error with MySQL's code, and the server keeps serving.
	cmd := exec.Command(mysqlBin, "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", "clidb", "-e", "INSERT INTO people VALUES (1, 'dup', 0)")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "1062") {
		t.Fatalf("duplicate key through mysql CLI: err=%v out=%s", err, out)
	}
	if got := run("SELECT COUNT(*) FROM people"); got != "COUNT(*)\n3\n" {
		t.Fatalf("after failed insert: %q", got)
	}
	s.stop()
}

// TestGoDriverPreparedTypes round-trips a value of every column type family through
// server-side prepared statements (go-sql-driver's binary protocol).
func TestGoDriverPreparedTypes(t *testing.T) {
	dir := itNewRepo(t, "typesdb")
	s := itStart(t, dir)
	db := s.db("typesdb")
	itExec(t, db, `CREATE TABLE typed (
		id BIGINT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, i INT, bu BIGINT UNSIGNED,
		f FLOAT, d DOUBLE, dec_ DECIMAL(12,3), vc VARCHAR(64), tx TEXT, ch CHAR(4),
		vb VARBINARY(16), bl BLOB, dt DATE, tm TIME, dtm DATETIME(6), ts TIMESTAMP, yr YEAR,
		en ENUM('red','green','blue'), st SET('a','b','c'), bt BIT(8), js JSON)`)
	ins, err := db.Prepare("INSERT INTO typed VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	rows := [][]any{
		{int64(1), int8(-128), int16(32767), int32(-8388608), int32(2147483647), uint64(18446744073709551615),
			float32(1.5), 2.25, "123456789.125", "héllo 🌍", "long text", "abcd",
			[]byte{0, 1, 2, 255}, []byte("blob\x00data"), "2024-02-29", "-838:59:59", "2024-02-29 23:59:59.123456",
			"2038-01-19 03:14:07", 2155, "green", "a,c", []byte{0xA5}, `{"b": [1, 2], "a": null}`},
		{int64(2), nil, nil, nil, nil, nil, nil, nil, nil, "", nil, nil, []byte{}, nil, nil, nil, nil, nil, nil, nil, "", nil, nil},
	}
	for _, r := range rows {
		if _, err := ins.Exec(r...); err != nil {
			t.Fatalf("prepared insert %v: %v", r[0], err)
		}
	}
	q, err := db.Prepare(`SELECT ti, si, mi, i, bu, f, d, dec_, vc, tx, ch, HEX(vb), HEX(bl), dt, tm,
		DATE_FORMAT(dtm, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s'), yr, en, st, bt+0, JSON_EXTRACT(js, '$.b[1]'), js IS NULL FROM typed WHERE id = ?`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	scan := func(id int) []string {
		vals := make([]any, 23)
		ptrs := make([]*string, 23)
		for i := range vals {
			var s *string
			ptrs[i] = s
			vals[i] = &ptrs[i]
		}
		if err := q.QueryRow(id).Scan(vals...); err != nil {
			t.Fatalf("select %d: %v", id, err)
		}
		out := make([]string, 23)
		for i, p := range ptrs {
			if p == nil {
				out[i] = "NULL"
			} else {
				out[i] = *p
			}
		}
		return out
	}
	want1 := []string{"-128", "32767", "-8388608", "2147483647", "18446744073709551615", "1.5", "2.25", "123456789.125",
		"héllo 🌍", "long text", "abcd", "000102FF", "626C6F620064617461", "2024-02-29", "-838:59:59",
		"2024-02-29 23:59:59.123456", "2038-01-19 03:14:07", "2155", "green", "a,c", "165", "2", "0"}
	if got := scan(1); fmt.Sprint(got) != fmt.Sprint(want1) {
		t.Fatalf("row 1:\n got %q\nwant %q", got, want1)
	}
	want2 := []string{"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "", "NULL", "NULL", "", "NULL",
		"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "", "NULL", "NULL", "1"}
	if got := scan(2); fmt.Sprint(got) != fmt.Sprint(want2) {
		t.Fatalf("row 2 (NULLs and empty values):\n got %q\nwant %q", got, want2)
	}
	s.stop()
}

// TestPandas reads and writes DataFrames through SQLAlchemy + PyMySQL.
func TestPandas(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		itNeed(t, "python3-pandas-missing", "python3-pandas python3-sqlalchemy python3-pymysql")
	}
	if err := exec.Command(py, "-c", "import pandas, sqlalchemy, pymysql").Run(); err != nil {
		itNeed(t, "python3-pandas-missing", "python3-pandas python3-sqlalchemy python3-pymysql")
	}
	dir := itNewRepo(t, "pandasdb")
	s := itStart(t, dir)
	script := filepath.Join(t.TempDir(), "roundtrip.py")
	if err := os.WriteFile(script, []byte(pandasScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, script, fmt.Sprintf("mysql+pymysql://root@127.0.0.1:%d/pandasdb", s.port))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pandas script: %v\n%s\nserver log:\n%s", err, out, s.output())
	}
	var res map[string]any
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("pandas output %q: %v", out, err)
	}
	if res["equal"] != true || res["rows"] != float64(1000) || res["appended_rows"] != float64(1500) {
		t.Fatalf("pandas round trip: %v", res)
	}
	s.stop()
}

const pandasScript = `
import json, sys
import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

engine = create_engine(sys.argv[1])
rng = np.random.default_rng(20261125)
n = 1000
df = pd.DataFrame({
    "id": np.arange(n, dtype="int64"),
    "x": rng.integers(-10**9, 10**9, n),
    "y": rng.random(n),
    "label": [f"row-{i}" for i in range(n)],
    "at": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
})
df.to_sql("samples", engine, index=False, if_exists="replace", chunksize=250)
back = pd.read_sql("SELECT id, x, y, label, at FROM samples ORDER BY id", engine)
equal = bool(
    (back["id"].to_numpy() == df["id"].to_numpy()).all()
    and (back["x"].to_numpy() == df["x"].to_numpy()).all()
    and np.allclose(back["y"].to_numpy(), df["y"].to_numpy(), rtol=0, atol=0)
    and (back["label"] == df["label"]).all()
    and (pd.to_datetime(back["at"]) == df["at"]).all()
)
more = df.iloc[:500].copy()
more["id"] = more["id"] + n
more.to_sql("samples", engine, index=False, if_exists="append", chunksize=100)
with engine.connect() as c:
    appended = c.execute(text("SELECT COUNT(*) FROM samples")).scalar()
print(json.dumps({"equal": equal, "rows": len(back), "appended_rows": int(appended)}))
`

// TestConcurrentClients: two clients updating the same row in overlapping transactions:
// one commits, the other gets error 1213 and its change is not applied; on different rows
// both succeed.
func TestConcurrentClients(t *testing.T) {
	dir := itNewRepo(t, "concdb")
	s := itStart(t, dir)
	db := s.db("concdb")
	itExec(t, db, "CREATE TABLE acct (id INT PRIMARY KEY, bal INT NOT NULL)",
		"INSERT INTO acct VALUES (1, 100), (2, 200)")
	ctx := t.Context()
	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	step := func(c *sqlConn, q string) error {
		_, err := c.ExecContext(ctx, q)
		return err
	}
	a, b := &sqlConn{c1}, &sqlConn{c2}
	// Same row.
	if err := step(a, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if err := step(b, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if err := step(a, "UPDATE acct SET bal = bal + 10 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := step(b, "UPDATE acct SET bal = bal + 20 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := step(a, "COMMIT"); err != nil {
		t.Fatalf("first commit: %v", err)
	}
	err = step(b, "COMMIT")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1213 {
		t.Fatalf("second commit on the same row: %v, want error 1213", err)
	}
	var bal int
	if err := db.QueryRow("SELECT bal FROM acct WHERE id = 1").Scan(&bal); err != nil || bal != 110 {
		t.Fatalf("balance after conflict = %d (%v), want 110 (only the first commit applied)", bal, err)
	}
	// Different rows, committed concurrently.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []*sqlConn{a, b} {
		wg.Add(1)
		go func(i int, c *sqlConn) {
			defer wg.Done()
			for _, q := range []string{"BEGIN", fmt.Sprintf("UPDATE acct SET bal = bal + 1 WHERE id = %d", i+1), "COMMIT"} {
				if err := step(c, q); err != nil {
					errs[i] = fmt.Errorf("%s: %w", q, err)
					return
				}
			}
		}(i, c)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("different rows: %v", err)
		}
	}
	var b1, b2 int
	if err := db.QueryRow("SELECT (SELECT bal FROM acct WHERE id = 1), (SELECT bal FROM acct WHERE id = 2)").Scan(&b1, &b2); err != nil || b1 != 111 || b2 != 201 {
		t.Fatalf("balances = %d, %d (%v), want 111, 201", b1, b2, err)
	}
	s.stop()
}
