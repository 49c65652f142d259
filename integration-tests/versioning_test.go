package integration

// Version control over the wire: a dataset committed in four tagged versions and read back
// by every route a client has (AS OF, a revision database in the connection string, USE,
// dsql_checkout, pandas through SQLAlchemy), writers on branches and on one branch at the
// same time, and the mysql CLI running a script of procedure calls.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// vtOpen opens a go-sql-driver pool to database name, which may be "db/branch" or
// "db/<tag or commit>": the DSN carries it path-escaped (repo%2FA), which go-sql-driver
// unescapes before sending it in the handshake.
func vtOpen(t *testing.T, s *itServer, name string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", s.port, url.PathEscape(name)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// vtQuerier is a *sql.DB, *sql.Conn or *sql.Tx.
type vtQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// vtRows runs q and returns its rows, each as its columns joined by "|" (NULL as "NULL").
func vtRows(t *testing.T, db vtQuerier, q string, args ...any) []string {
	t.Helper()
	got, err := vtRowsErr(db, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return got
}

func vtRowsErr(db vtQuerier, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			if v.Valid {
				parts[i] = v.String
			} else {
				parts[i] = "NULL"
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out, rows.Err()
}

func vtExec(t *testing.T, db vtQuerier, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func vtSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// vtSession opens a connection of its own to database name (see vtOpen), for statements
// that change the session (USE, dsql_checkout): a *sql.Conn of a shared pool would go back
// to the pool on Close and carry the change into later queries of the pool.
func vtSession(t *testing.T, s *itServer, name string) *sql.Conn {
	t.Helper()
	db := vtOpen(t, s, name)
	db.SetMaxIdleConns(0)
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The four versions of the dataset, each a set of changes on the previous one, and the
// rows (id|name|qty, by id) each must read back as.
var vtVersions = []struct {
	tag   string
	stmts []string
	rows  []string
}{
	{"A", []string{
		"INSERT INTO fruit VALUES (1, 'apple', 10), (2, 'banana', 20), (3, 'cherry', 30)",
	}, []string{"1|apple|10", "2|banana|20", "3|cherry|30"}},
	{"B", []string{
		"INSERT INTO fruit VALUES (4, 'date', 40)",
		"UPDATE fruit SET qty = 11 WHERE id = 1",
		"DELETE FROM fruit WHERE id = 2",
	}, []string{"1|apple|11", "3|cherry|30", "4|date|40"}},
	{"C", []string{
		"INSERT INTO fruit VALUES (5, 'elder', 50), (6, 'fig', NULL)",
		"UPDATE fruit SET name = 'cherry2' WHERE id = 3",
		"DELETE FROM fruit WHERE id = 4",
	}, []string{"1|apple|11", "3|cherry2|30", "5|elder|50", "6|fig|NULL"}},
	{"D", []string{
		"DELETE FROM fruit WHERE id = 1",
		"UPDATE fruit SET qty = 55 WHERE id = 5",
		"ALTER TABLE fruit ADD COLUMN note VARCHAR(10)",
		"INSERT INTO fruit VALUES (7, 'grape', 70, 'new')",
	}, []string{"3|cherry2|30", "5|elder|55", "6|fig|NULL", "7|grape|70"}},
}

func vtVersion(tag string) []string {
	for _, v := range vtVersions {
		if v.tag == tag {
			return v.rows
		}
	}
	panic(tag)
}

// vtDataset makes table fruit in database "repo" of s and commits and tags the four
// versions on main. It returns the commit hash of each tag.
func vtDataset(t *testing.T, s *itServer) map[string]string {
	t.Helper()
	c := vtSession(t, s, "repo")
	vtExec(t, c, "CREATE TABLE fruit (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT)")
	hashes := map[string]string{}
	for i, v := range vtVersions {
		vtExec(t, c, v.stmts...)
		flag := "-am"
		if i == 0 {
			flag = "-Am" // the table is new
		}
		got := vtRows(t, c, fmt.Sprintf("CALL dsql_commit('%s', 'version %s')", flag, v.tag))
		if len(got) != 1 || len(got[0]) != 32 {
			t.Fatalf("dsql_commit returned %q, want one 32-character hash", got)
		}
		hashes[v.tag] = got[0]
		vtSame(t, "dsql_tag", vtRows(t, c, fmt.Sprintf("CALL dsql_tag('%s')", v.tag)), []string{"0"})
		vtSame(t, "rows of "+v.tag+" on main", vtRows(t, c, "SELECT id, name, qty FROM fruit ORDER BY id"), v.rows)
	}
	return hashes
}

// TestVersionedDataset is the dataset story: four tagged versions, then versions A and C
// read back row for row through every route a client has.
func TestVersionedDataset(t *testing.T) {
	dir := itNewRepo(t, "repo")
	s := itStart(t, dir)
	hashes := vtDataset(t, s)
	db := s.db("repo")
	const q = "SELECT id, name, qty FROM fruit %s ORDER BY id"

	t.Run("log and tags", func(t *testing.T) {
		vtSame(t, "dsql_log", vtRows(t, db, "SELECT commit_hash, message FROM dsql_log ORDER BY commit_order DESC"), []string{
			hashes["D"] + "|version D", hashes["C"] + "|version C", hashes["B"] + "|version B", hashes["A"] + "|version A",
			vtRows(t, db, "SELECT dsql_hashof('HEAD~4')")[0] + "|Initialize data repository",
		})
		vtSame(t, "dsql_tags", vtRows(t, db, "SELECT tag_name, tag_hash FROM dsql_tags ORDER BY tag_name"), []string{
			"A|" + hashes["A"], "B|" + hashes["B"], "C|" + hashes["C"], "D|" + hashes["D"],
		})
		vtSame(t, "dolt_ names", vtRows(t, db, "SELECT COUNT(*) FROM dolt_log"), []string{"5"})
		for _, tag := range []string{"A", "C"} {
			vtSame(t, "dsql_hashof("+tag+")", vtRows(t, db, "SELECT dsql_hashof(?)", tag), []string{hashes[tag]})
		}
	})

	t.Run("AS OF", func(t *testing.T) {
		for _, tc := range []struct{ rev, want string }{
			{"A", "A"}, {"C", "C"},
			{hashes["A"], "A"}, {hashes["C"][:12], "C"}, // a hash and a unique prefix
			{"HEAD~3", "A"}, {"main~1", "C"}, {"D^", "C"},
			{"main", "D"}, {"B", "B"},
		} {
			vtSame(t, "AS OF '"+tc.rev+"'", vtRows(t, db, fmt.Sprintf(q, "AS OF '"+tc.rev+"'")), vtVersion(tc.want))
		}
		// A timestamp between two commits reads the older one.
		var at string
		if err := db.QueryRow("SELECT date FROM dsql_log WHERE commit_hash = ?", hashes["C"]).Scan(&at); err != nil {
			t.Fatal(err)
		}
		vtSame(t, "AS OF TIMESTAMP(date of C)", vtRows(t, db, fmt.Sprintf(q, "AS OF TIMESTAMP('"+at+"')")), vtVersion("C"))
		// Schema as of a revision: D added column note.
		for _, tc := range []struct{ rev, cols string }{{"A", "id,name,qty"}, {"C", "id,name,qty"}, {"D", "id,name,qty,note"}} {
			var cols []string
			for _, r := range vtRows(t, db, "DESCRIBE fruit AS OF '"+tc.rev+"'") {
				cols = append(cols, strings.Split(r, "|")[0])
			}
			vtSame(t, "DESCRIBE fruit AS OF '"+tc.rev+"'", []string{strings.Join(cols, ",")}, []string{tc.cols})
			vtSame(t, "SHOW TABLES AS OF '"+tc.rev+"'", vtRows(t, db, "SHOW TABLES AS OF '"+tc.rev+"'"), []string{"fruit"})
			create, err := vtRowsErr(db, "SHOW CREATE TABLE fruit AS OF '"+tc.rev+"'")
			if err != nil || len(create) != 1 || strings.Contains(create[0], "`note`") != (tc.rev == "D") {
				t.Errorf("SHOW CREATE TABLE fruit AS OF '%s': %q, %v", tc.rev, create, err)
			}
		}
		vtSame(t, "SELECT * AS OF 'C'", vtRows(t, db, "SELECT * FROM fruit AS OF 'C' ORDER BY id"), vtVersion("C"))
		vtSame(t, "SELECT * AS OF 'D'", vtRows(t, db, "SELECT * FROM fruit AS OF 'D' WHERE id = 7"), []string{"7|grape|70|new"})
		// Versions side by side in one join.
		vtSame(t, "join A with C", vtRows(t, db,
			"SELECT a.id, a.qty, c.name FROM fruit AS OF 'A' a JOIN fruit AS OF 'C' c ON a.id = c.id ORDER BY a.id"),
			[]string{"1|10|apple", "3|30|cherry2"})
	})

	t.Run("revision database in the DSN", func(t *testing.T) {
		for _, tag := range []string{"A", "C"} {
			rdb := vtOpen(t, s, "repo/"+tag)
			vtSame(t, "DSN repo/"+tag, vtRows(t, rdb, fmt.Sprintf(q, "")), vtVersion(tag))
			vtSame(t, "DATABASE() in repo/"+tag, vtRows(t, rdb, "SELECT DATABASE()"), []string{"repo/" + tag})
			vtSame(t, "SELECT * in repo/"+tag, vtRows(t, rdb, "SELECT * FROM fruit ORDER BY id"), vtVersion(tag))
			if create, err := vtRowsErr(rdb, "SHOW CREATE TABLE fruit"); err != nil || len(create) != 1 || strings.Contains(create[0], "`note`") {
				t.Errorf("SHOW CREATE TABLE fruit in repo/%s: %q, %v", tag, create, err)
			}
			// HEAD in a revision database is its commit; its log starts there.
			vtSame(t, "dsql_hashof('HEAD') in repo/"+tag, vtRows(t, rdb, "SELECT dsql_hashof('HEAD')"), []string{hashes[tag]})
			vtSame(t, "dsql_log in repo/"+tag, vtRows(t, rdb, "SELECT message FROM dsql_log ORDER BY commit_order DESC LIMIT 1"), []string{"version " + tag})
		}
		hdb := vtOpen(t, s, "repo/"+hashes["C"])
		vtSame(t, "DSN repo/<hash of C>", vtRows(t, hdb, fmt.Sprintf(q, "")), vtVersion("C"))
	})

	t.Run("USE and qualified names", func(t *testing.T) {
		c := vtSession(t, s, "repo")
		vtExec(t, c, "USE `repo/C`")
		vtSame(t, "USE repo/C", vtRows(t, c, fmt.Sprintf(q, "")), vtVersion("C"))
		vtExec(t, c, "USE `repo/A`")
		vtSame(t, "USE repo/A", vtRows(t, c, fmt.Sprintf(q, "")), vtVersion("A"))
		vtExec(t, c, "USE repo")
		vtSame(t, "USE repo", vtRows(t, c, fmt.Sprintf(q, "")), vtVersion("D"))
		vtSame(t, "`repo/A`.fruit", vtRows(t, c, "SELECT id, name, qty FROM `repo/A`.fruit ORDER BY id"), vtVersion("A"))
		vtSame(t, "`repo/C`.fruit", vtRows(t, c, "SELECT id, name, qty FROM `repo/C`.fruit ORDER BY id"), vtVersion("C"))
	})

	t.Run("checkout of a new branch at a tag", func(t *testing.T) {
		c := vtSession(t, s, "repo")
		if got := vtRows(t, c, "CALL dsql_checkout('-b', 'from-a', 'A')"); len(got) != 1 || !strings.HasPrefix(got[0], "0|Switched to ") || !strings.HasSuffix(got[0], "branch 'from-a'") {
			t.Errorf("dsql_checkout('-b', 'from-a', 'A') = %q", got)
		}
		vtSame(t, "active_branch()", vtRows(t, c, "SELECT active_branch()"), []string{"from-a"})
		vtSame(t, "@@repo_head_ref", vtRows(t, c, "SELECT @@repo_head_ref"), []string{"refs/heads/from-a"})
		vtSame(t, "@@repo_head", vtRows(t, c, "SELECT @@repo_head"), []string{hashes["A"]})
		vtSame(t, "from-a", vtRows(t, c, fmt.Sprintf(q, "")), vtVersion("A"))
		// A commit on the branch moves it and leaves main and the tag alone.
		vtExec(t, c, "INSERT INTO fruit (id, name, qty) VALUES (100, 'kiwi', 1)")
		vtRows(t, c, "CALL dsql_commit('-am', 'kiwi on from-a')")
		vtSame(t, "from-a after commit", vtRows(t, c, fmt.Sprintf(q, "")), append(append([]string{}, vtVersion("A")...), "100|kiwi|1"))
		vtSame(t, "main", vtRows(t, db, fmt.Sprintf(q, "")), vtVersion("D"))
		vtSame(t, "tag A", vtRows(t, db, fmt.Sprintf(q, "AS OF 'A'")), vtVersion("A"))
		vtSame(t, "from-a in repo/from-a", vtRows(t, vtOpen(t, s, "repo/from-a"), "SELECT message FROM dsql_log ORDER BY commit_order DESC LIMIT 2"),
			[]string{"kiwi on from-a", "version A"})
		vtSame(t, "main's log", vtRows(t, db, "SELECT message FROM dsql_log ORDER BY commit_order DESC LIMIT 1"), []string{"version D"})
	})

	t.Run("tag database is read-only", func(t *testing.T) {
		rdb := vtOpen(t, s, "repo/A")
		for _, stmt := range []string{
			"INSERT INTO fruit (id, name, qty) VALUES (200, 'lime', 2)",
			"UPDATE fruit SET qty = 0",
			"DELETE FROM fruit",
			"CREATE TABLE extra (id INT PRIMARY KEY)",
		} {
			_, err := rdb.Exec(stmt)
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("%s in repo/A: %v, want a read-only error", stmt, err)
			}
		}
		c := vtSession(t, s, "repo")
		vtExec(t, c, "USE `repo/C`")
		if _, err := c.ExecContext(context.Background(), "INSERT INTO fruit (id, name, qty) VALUES (200, 'lime', 2)"); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("INSERT after USE `repo/C`: %v, want a read-only error", err)
		}
		vtSame(t, "A unchanged", vtRows(t, db, fmt.Sprintf(q, "AS OF 'A'")), vtVersion("A"))
		vtSame(t, "C unchanged", vtRows(t, db, fmt.Sprintf(q, "AS OF 'C'")), vtVersion("C"))
	})

	t.Run("branch database in the DSN writes to the branch", func(t *testing.T) {
		c := vtSession(t, s, "repo/main")
		vtSame(t, "active_branch() in repo/main", vtRows(t, c, "SELECT active_branch()"), []string{"main"})
		vtExec(t, c, "INSERT INTO fruit (id, name, qty) VALUES (8, 'honeydew', 80)")
		// The write is in main's working set: a session of plain "repo" sees it.
		vtSame(t, "main's working set", vtRows(t, db, "SELECT name FROM fruit WHERE id = 8"), []string{"honeydew"})
		h := vtRows(t, c, "CALL dsql_commit('-am', 'honeydew via repo/main')")[0]
		vtSame(t, "main's head", vtRows(t, db, "SELECT dsql_hashof('main')"), []string{h})
		vtSame(t, "main's log", vtRows(t, db, "SELECT message FROM dsql_log ORDER BY commit_order DESC LIMIT 2"),
			[]string{"honeydew via repo/main", "version D"})
		vtSame(t, "status clean", vtRows(t, db, "SELECT COUNT(*) FROM dsql_status"), []string{"0"})
	})

	t.Run("pandas", func(t *testing.T) {
		py := vtPython(t)
		script := filepath.Join(t.TempDir(), "versions.py")
		if err := os.WriteFile(script, []byte(vtPandasScript), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, script, fmt.Sprint(s.port)).CombinedOutput()
		if err != nil {
			t.Fatalf("pandas script: %v\n%s\nserver log:\n%s", err, out, s.output())
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		var res map[string][]string
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
			t.Fatalf("pandas output %q: %v", out, err)
		}
		for _, tc := range []struct{ key, tag string }{
			{"as_of_A", "A"}, {"as_of_C", "C"},
			{"url_repo/C", "C"}, {"url_create_repo/C", "C"}, {"url_repo/A", "A"},
		} {
			vtSame(t, "pandas "+tc.key, res[tc.key], vtVersion(tc.tag))
		}
		// SQLAlchemy 1.4 does not unescape the database of a URL: repo%2FC reaches the
		// server as a database named "repo%2FC", which does not exist. (2.x does unescape.)
		t.Logf("pandas with repo%%2FC in the URL: %q", res["url_repo%2FC"])
	})
	s.stop()
}

func vtPython(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		itNeed(t, "python3-pandas-missing", "python3-pandas python3-sqlalchemy python3-pymysql")
	}
	if err := exec.Command(py, "-c", "import pandas, sqlalchemy, pymysql").Run(); err != nil {
		itNeed(t, "python3-pandas-missing", "python3-pandas python3-sqlalchemy python3-pymysql")
	}
	return py
}

// vtPandasScript reads fruit at versions A and C with pandas.read_sql and prints a JSON
// object: key -> rows as "id|name|qty" (or ["error: ..."]).
const vtPandasScript = `
import json, sys
import pandas as pd
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

port = int(sys.argv[1])
def rows(engine, q):
    try:
        df = pd.read_sql(q, engine)
    except Exception as e:
        return ["error: %s" % type(e).__name__ + ": " + str(e).splitlines()[0]]
    finally:
        engine.dispose()
    out = []
    for r in df.itertuples(index=False):
        qty = "NULL" if pd.isna(r.qty) else str(int(r.qty))
        out.append("%d|%s|%s" % (r.id, r.name, qty))
    return out

q = "SELECT id, name, qty FROM fruit %s ORDER BY id"
base = "mysql+pymysql://root@127.0.0.1:%d/" % port
res = {
    "as_of_A": rows(create_engine(base + "repo"), q % "AS OF 'A'"),
    "as_of_C": rows(create_engine(base + "repo"), q % "AS OF 'C'"),
    "url_repo/C": rows(create_engine(base + "repo/C"), q % ""),
    "url_repo/A": rows(create_engine(base + "repo/A"), q % ""),
    "url_create_repo/C": rows(create_engine(URL.create("mysql+pymysql", username="root", host="127.0.0.1", port=port, database="repo/C")), q % ""),
    "url_repo%2FC": rows(create_engine(base + "repo%2FC"), q % ""),
}
print(json.dumps(res))
`

// vtIsDeadlock reports MySQL error 1213 (a transaction that conflicted with a concurrent
// one and was rolled back; the client may retry it).
func vtIsDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1213
}

// TestVersionedConcurrentBranches: two clients, each connected to its own branch through
// the DSN, insert and commit 20 times at the same time. Each branch's log holds exactly its
// own commits, and its table exactly its own rows.
func TestVersionedConcurrentBranches(t *testing.T) {
	const n = 20
	dir := itNewRepo(t, "repo")
	s := itStart(t, dir)
	db := s.db("repo")
	vtExec(t, db, "CREATE TABLE ev (id INT PRIMARY KEY, who VARCHAR(8) NOT NULL)")
	vtRows(t, db, "CALL dsql_commit('-Am', 'base')")
	vtRows(t, db, "CALL dsql_branch('b1')")
	vtRows(t, db, "CALL dsql_branch('b2')")
	branches := []string{"b1", "b2"}
	errs := make([]error, len(branches))
	var wg sync.WaitGroup
	for w, br := range branches {
		c := vtSession(t, s, "repo/"+br)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if _, err := c.ExecContext(context.Background(), "INSERT INTO ev VALUES (?, ?)", w*1000+i, br); err != nil {
					errs[w] = fmt.Errorf("%s insert %d: %w", br, i, err)
					return
				}
				if _, err := vtRowsErr(c, fmt.Sprintf("CALL dsql_commit('-am', '%s %d')", br, i)); err != nil {
					errs[w] = fmt.Errorf("%s commit %d: %w", br, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for w, br := range branches {
		bdb := vtOpen(t, s, "repo/"+br)
		var want, wantRows []string
		for i := n - 1; i >= 0; i-- {
			want = append(want, fmt.Sprintf("%s %d", br, i))
		}
		for i := 0; i < n; i++ {
			wantRows = append(wantRows, fmt.Sprintf("%d|%s", w*1000+i, br))
		}
		want = append(want, "base", "Initialize data repository")
		vtSame(t, br+"'s log", vtRows(t, bdb, "SELECT message FROM dsql_log ORDER BY commit_order DESC"), want)
		vtSame(t, br+"'s rows", vtRows(t, bdb, "SELECT id, who FROM ev ORDER BY id"), wantRows)
		vtSame(t, br+" clean", vtRows(t, bdb, "SELECT COUNT(*) FROM dsql_status"), []string{"0"})
		// The history is linear: one dsql_commit_ancestors row per commit (the first with a
		// NULL parent), none a second parent.
		vtSame(t, br+" linear", vtRows(t, bdb, `SELECT COUNT(*), SUM(a.parent_index) FROM dsql_log l JOIN dsql_commit_ancestors a ON a.commit_hash = l.commit_hash`), []string{fmt.Sprint(n+2) + "|0"})
	}
	vtSame(t, "main untouched", vtRows(t, db, "SELECT message FROM dsql_log ORDER BY commit_order DESC"), []string{"base", "Initialize data repository"})
	vtSame(t, "main's rows", vtRows(t, db, "SELECT COUNT(*) FROM ev"), []string{"0"})
	s.stop()
}

// TestVersionedConcurrentSameBranch: two clients on main, each inserting its own rows and
// committing after every insert at the same time. No commit is lost: every hash that
// dsql_commit returned is in main's log, in each client's order, and every row is in the
// table. A 1213 (the transaction conflicted and was rolled back) is retried and counted.
//
// Two ways to write: "txn" runs BEGIN; INSERT; CALL dsql_commit('-am', ...), so each commit
// holds exactly its client's row; "autocommit" runs the INSERT on its own (it lands in
// main's shared working set at once) and then CALL dsql_commit('--allow-empty', '-am', ...):
// the other client's -a may already have committed the row, so a commit may be empty.
func TestVersionedConcurrentSameBranch(t *testing.T) {
	for _, mode := range []string{"txn", "autocommit"} {
		t.Run(mode, func(t *testing.T) { vtConcurrentSameBranch(t, mode) })
	}
}

func vtConcurrentSameBranch(t *testing.T, mode string) {
	const n = 20
	dir := itNewRepo(t, "repo")
	s := itStart(t, dir)
	db := s.db("repo")
	vtExec(t, db, "CREATE TABLE ev (id INT PRIMARY KEY, who INT NOT NULL)")
	vtRows(t, db, "CALL dsql_commit('-Am', 'base')")
	const workers = 2
	errs := make([]error, workers)
	retries := make([]int, workers)
	hashes := make([][]string, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		c := vtSession(t, s, "repo")
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < n; i++ {
				inserted := false
				for attempt := 0; ; attempt++ {
					if attempt == 10 {
						errs[w] = fmt.Errorf("worker %d commit %d: still 1213 after 10 attempts", w, i)
						return
					}
					var err error
					if mode == "txn" {
						_, err = c.ExecContext(ctx, "BEGIN")
					}
					if err == nil && !inserted {
						_, err = c.ExecContext(ctx, "INSERT INTO ev VALUES (?, ?)", w*1000+i, w)
						inserted = err == nil && mode == "autocommit"
					}
					var h []string
					if err == nil {
						flags := "'-am'"
						if mode == "autocommit" {
							flags = "'--allow-empty', '-am'"
						}
						h, err = vtRowsErr(c, fmt.Sprintf("CALL dsql_commit(%s, 'w%d c%d')", flags, w, i))
					}
					if err == nil {
						hashes[w] = append(hashes[w], h[0])
						break
					}
					_, _ = c.ExecContext(ctx, "ROLLBACK")
					if !vtIsDeadlock(err) {
						errs[w] = fmt.Errorf("worker %d commit %d: %w", w, i, err)
						return
					}
					retries[w]++
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	log := vtRows(t, db, "SELECT commit_hash, message FROM dsql_log ORDER BY commit_order DESC")
	t.Logf("1213 retries per worker: %v; newest commits: %q", retries, log[:6])
	if len(log) != workers*n+2 {
		t.Errorf("main's log has %d commits, want %d", len(log), workers*n+2)
	}
	inLog := map[string]bool{}
	for _, l := range log {
		inLog[l] = true
	}
	var wantRows []string
	for w := 0; w < workers; w++ {
		for i := 0; i < n; i++ {
			if h := hashes[w][i]; !inLog[fmt.Sprintf("%s|w%d c%d", h, w, i)] {
				t.Errorf("commit %s (w%d c%d) returned by dsql_commit is not in main's log", h, w, i)
			}
			wantRows = append(wantRows, fmt.Sprintf("%d|%d", w*1000+i, w))
		}
	}
	vtSame(t, "rows at main's head", vtRows(t, db, "SELECT id, who FROM ev AS OF 'main' ORDER BY id"), wantRows)
	vtSame(t, "rows in main's working set", vtRows(t, db, "SELECT id, who FROM ev ORDER BY id"), wantRows)
	vtSame(t, "status clean", vtRows(t, db, "SELECT COUNT(*) FROM dsql_status"), []string{"0"})
	// Each worker's commits are in its order along main's history, and each holds its row.
	for w := 0; w < workers; w++ {
		for i := 0; i < n; i++ {
			h := hashes[w][i]
			if i > 0 {
				q := fmt.Sprintf("SELECT COUNT(*) FROM dsql_log('%s') WHERE commit_hash = '%s'", h, hashes[w][i-1])
				vtSame(t, fmt.Sprintf("w%d c%d is an ancestor of c%d", w, i-1, i), vtRows(t, db, q), []string{"1"})
			}
			q := fmt.Sprintf("SELECT COUNT(*) FROM ev AS OF '%s' WHERE id = %d", h, w*1000+i)
			vtSame(t, fmt.Sprintf("row of w%d c%d in its commit", w, i), vtRows(t, db, q), []string{"1"})
		}
	}
	s.stop()
}

// TestVersionedConflictingCommits: two clients change the same row in overlapping
// transactions and both CALL dsql_commit. The first commits; the second fails with 1213
// and leaves no commit and no change behind, and retried it commits on top of the first.
func TestVersionedConflictingCommits(t *testing.T) {
	dir := itNewRepo(t, "repo")
	s := itStart(t, dir)
	db := s.db("repo")
	vtExec(t, db, "CREATE TABLE acct (id INT PRIMARY KEY, bal INT NOT NULL)", "INSERT INTO acct VALUES (1, 100)")
	base := vtRows(t, db, "CALL dsql_commit('-Am', 'base')")[0]
	c1, c2 := vtSession(t, s, "repo"), vtSession(t, s, "repo")
	vtExec(t, c1, "BEGIN", "UPDATE acct SET bal = 110 WHERE id = 1")
	vtExec(t, c2, "BEGIN", "UPDATE acct SET bal = 120 WHERE id = 1")
	h1 := vtRows(t, c1, "CALL dsql_commit('-am', 'first')")
	_, err := vtRowsErr(c2, "CALL dsql_commit('-am', 'second')")
	if !vtIsDeadlock(err) {
		t.Fatalf("second dsql_commit on the same row: %v, want error 1213", err)
	}
	_, _ = c2.ExecContext(context.Background(), "ROLLBACK")
	vtSame(t, "log after the conflict", vtRows(t, db, "SELECT commit_hash, message FROM dsql_log ORDER BY commit_order DESC LIMIT 2"),
		[]string{h1[0] + "|first", base + "|base"})
	vtSame(t, "row after the conflict", vtRows(t, db, "SELECT bal FROM acct AS OF 'main'"), []string{"110"})
	vtSame(t, "working set after the conflict", vtRows(t, db, "SELECT bal FROM acct"), []string{"110"})
	vtExec(t, c2, "BEGIN", "UPDATE acct SET bal = bal + 20 WHERE id = 1")
	h2 := vtRows(t, c2, "CALL dsql_commit('-am', 'second')")
	vtSame(t, "log after the retry", vtRows(t, db, "SELECT commit_hash, parents, message FROM dsql_log ORDER BY commit_order DESC LIMIT 1"),
		[]string{h2[0] + "|" + h1[0] + "|second"})
	vtSame(t, "row after the retry", vtRows(t, db, "SELECT bal FROM acct AS OF 'main'"), []string{"130"})
	s.stop()
}

// TestVersionedConflictsUpdate: a conflicting merge over the wire, resolved by UPDATE of the
// our_ columns of dsql_conflicts_<t> in autocommit mode (the row is written through t's
// index), then committed.
func TestVersionedConflictsUpdate(t *testing.T) {
	dir := itNewRepo(t, "repo")
	s := itStart(t, dir)
	c := vtSession(t, s, "repo")
	vtExec(t, c, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, INDEX iv (v))", "INSERT INTO t VALUES (1, 1), (2, 2)",
		"CALL dsql_commit('-Am', 'base')", "CALL dsql_branch('feature')",
		"UPDATE t SET v = 10 WHERE id = 1", "CALL dsql_commit('-am', 'ours')",
		"CALL dsql_checkout('feature')", "UPDATE t SET v = 20 WHERE id = 1", "CALL dsql_commit('-am', 'theirs')",
		"CALL dsql_checkout('main')", "SET autocommit = 0", "CALL dsql_merge('feature')", "COMMIT", "SET autocommit = 1")
	vtSame(t, "conflict", vtRows(t, c, "SELECT base_v, our_v, their_v FROM dolt_conflicts_t"), []string{"1|10|20"})
	if _, err := vtRowsErr(c, "UPDATE dsql_conflicts_t SET their_v = 0"); err == nil || !strings.Contains(err.Error(), "only our_v can") {
		t.Fatalf("UPDATE of their_v: %v, want an error naming our_v", err)
	}
	if _, err := vtRowsErr(c, "UPDATE dsql_conflicts_t SET our_v = NULL"); err == nil {
		t.Fatal("UPDATE of our_v to NULL (t.v is NOT NULL) succeeded")
	}
	vtExec(t, c, "UPDATE dsql_conflicts_t SET our_v = 15")
	vtSame(t, "conflicts after the UPDATE", vtRows(t, c, "SELECT * FROM dsql_conflicts"), []string{})
	vtSame(t, "row by index", vtRows(t, c, "SELECT id FROM t WHERE v = 15"), []string{"1"})
	vtRows(t, c, "CALL dsql_commit('-am', 'merged')")
	vtSame(t, "committed", vtRows(t, c, "SELECT id, v FROM t AS OF 'HEAD' ORDER BY id"), []string{"1|15", "2|2"})
	s.stop()
}

// TestVersionedMySQLCLI runs a script of version-control procedures through the mysql
// command-line client and checks its whole output (commit hashes masked).
func TestVersionedMySQLCLI(t *testing.T) {
	mysqlBin := itNeed(t, "mysql", "mariadb-client")
	dir := itNewRepo(t, "clirepo")
	s := itStart(t, dir)
	const script = `
CREATE TABLE k (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO k VALUES (1, 'one');
CALL dsql_commit('-Am', 'first');
CALL dsql_tag('v1');
CALL dsql_branch('feat');
CALL dsql_checkout('feat');
SELECT active_branch();
INSERT INTO k VALUES (2, 'two');
UPDATE k SET v = 'uno' WHERE id = 1;
SELECT table_name, staged, status FROM dsql_status;
CALL dsql_commit('-am', 'second on feat');
SELECT id, v FROM k ORDER BY id;
CALL dsql_checkout('main');
SELECT active_branch();
SELECT id, v FROM k ORDER BY id;
SELECT id, v FROM k AS OF 'feat' ORDER BY id;
SELECT id, v FROM k AS OF 'v1' ORDER BY id;
SELECT message FROM dsql_log('feat') ORDER BY commit_order DESC;
SELECT name FROM dsql_branches ORDER BY name;
CALL dolt_checkout('-b', 'fix', 'feat~1');
DELETE FROM k;
CALL dolt_commit('-am', 'emptied');
SELECT COUNT(*) FROM k;
SELECT COUNT(*) FROM k AS OF 'HEAD~1';
CALL dsql_reset('--hard', 'HEAD~1');
SELECT id, v FROM k;
SELECT dsql_hashof('fix') = dsql_hashof('v1') AS same;
`
	cmd := exec.Command(mysqlBin, "-h127.0.0.1", fmt.Sprintf("-P%d", s.port), "-uroot", "--batch", "clirepo")
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mysql < script: %v\n%s\nserver log:\n%s", err, out, s.output())
	}
	got := regexp.MustCompile(`\b[0-9a-v]{32}\b`).ReplaceAllString(string(out), "<hash>")
	// Dolt's dolt_checkout('-b', ...) says "Switched to branch", git's "a new branch": accept both.
	got = strings.Replace(got, "Switched to a new branch 'fix'", "Switched to branch 'fix'", 1)
	want := `hash
<hash>
status
0
status
0
status	message
0	Switched to branch 'feat'
active_branch()
feat
table_name	staged	status
k	0	modified
hash
<hash>
id	v
1	uno
2	two
status	message
0	Switched to branch 'main'
active_branch()
main
id	v
1	one
id	v
1	uno
2	two
id	v
1	one
message
second on feat
first
Initialize data repository
name
feat
main
status	message
0	Switched to branch 'fix'
hash
<hash>
COUNT(*)
0
COUNT(*)
1
status
0
id	v
1	one
same
1
`
	if got != want {
		t.Errorf("mysql output:\n%s\nwant:\n%s", got, want)
	}
	s.stop()
}
