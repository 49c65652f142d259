package server

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestTxNode: the statements txExecute takes, and some it leaves to GMS.
func TestTxNode(t *testing.T) {
	for q, want := range map[string]string{
		"BEGIN": "StartTransaction", "begin work": "StartTransaction", " Start  Transaction ;": "StartTransaction",
		"COMMIT": "Commit", "commit work;": "Commit", "ROLLBACK": "Rollback", "\trollback\n": "Rollback",
		"START TRANSACTION READ ONLY": "", "BEGIN; SELECT 1": "", "COMMIT AND CHAIN": "", "ROLLBACK RELEASE": "",
		"/* c */ COMMIT": "", "ROLLBACK TO SAVEPOINT s": "", "SAVEPOINT s": "", "COMMIT;;": "", "": "",
		"START TRANSACTION WITH CONSISTENT SNAPSHOT": "",
	} {
		got := ""
		if n := txNode(q); n != nil {
			got = strings.TrimPrefix(fmt.Sprintf("%T", n), "*plan.")
		}
		if got != want {
			t.Errorf("txNode(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestTxStatements runs the same seeded sequence of transaction statements (text and
// prepared, every spelling txExecute takes), inserts and updates on two connections
// twice: through txExecute, and with the fast paths off (GMS's handler runs them). Each
// step's outcome (its MySQL error number, or the rows a connection sees) and the final
// table must be the same, and txExecute must have run the transaction statements.
func TestTxStatements(t *testing.T) {
	run := func(fast bool) []string {
		noFastSelect.Store(!fast)
		defer noFastSelect.Store(false)
		s, _ := startServer(t, testConfig(t.TempDir()))
		root := connect(t, s, "root", "", "")
		mustExec(t, root, "CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v INT)", "INSERT INTO d.t VALUES (1, 0), (2, 0), (3, 0)")
		db := connect(t, s, "root", "", "d")
		ctx := context.Background()
		var conns [2]*sql.Conn
		stmts := [2]map[string]*sql.Stmt{{}, {}}
		for i := range conns {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns[i] = c
		}
		rng := rand.New(rand.NewPCG(9, uint64(len("tx"))))
		spellings := [][]string{
			{"BEGIN", "begin work", "START TRANSACTION", " start  transaction;"},
			{"COMMIT", "commit work", "COMMIT;"},
			{"ROLLBACK", "rollback work"},
		}
		var log []string
		outcome := func(err error) string {
			if err != nil {
				return fmt.Sprintf("error %d", mysqlErrno(err))
			}
			return "ok"
		}
		before := preparedStats.tx.Load()
		for step := range 400 {
			i := rng.IntN(2)
			c := conns[i]
			var q, res string
			switch op := rng.IntN(7); op {
			case 0, 1, 2:
				sp := spellings[op]
				q = sp[rng.IntN(len(sp))]
				var err error
				if rng.IntN(2) == 0 {
					_, err = c.ExecContext(ctx, q)
				} else {
					st := stmts[i][q]
					if st == nil {
						if st, err = c.PrepareContext(ctx, q); err != nil {
							t.Fatalf("prepare %q: %v", q, err)
						}
						stmts[i][q] = st
					}
					_, err = st.ExecContext(ctx)
				}
				res = outcome(err)
			case 3, 4:
				q = fmt.Sprintf("UPDATE t SET v = v + %d WHERE id = %d", 1+rng.IntN(9), 1+rng.IntN(3))
				_, err := c.ExecContext(ctx, q)
				res = outcome(err)
			case 5:
				q = fmt.Sprintf("INSERT INTO t VALUES (%d, %d)", 4+step, rng.IntN(100))
				_, err := c.ExecContext(ctx, q)
				res = outcome(err)
			case 6:
				q = "SELECT id, v FROM t ORDER BY id"
				rows, err := c.QueryContext(ctx, q)
				if err != nil {
					res = outcome(err)
					break
				}
				var sb strings.Builder
				for rows.Next() {
					var id, v int
					if err := rows.Scan(&id, &v); err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&sb, "%d:%d ", id, v)
				}
				rows.Close()
				res = sb.String()
			}
			log = append(log, fmt.Sprintf("step %d conn %d %q: %s", step, i, q, res))
		}
		for i, c := range conns {
			if _, err := c.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Fatalf("conn %d ROLLBACK: %v", i, err)
			}
		}
		log = append(log, "final "+strings.Join(queryRows(t, root, "SELECT id, v FROM d.t ORDER BY id"), " "))
		ran := preparedStats.tx.Load() - before
		if fast && ran < 100 {
			t.Errorf("txExecute ran %d transaction statements, want most of them", ran)
		}
		if !fast && ran != 0 {
			t.Errorf("txExecute ran %d statements with the fast paths off", ran)
		}
		return log
	}
	fast, gms := run(true), run(false)
	conflicts := 0
	for i := range gms {
		if fast[i] != gms[i] {
			t.Fatalf("outcomes differ at\n  txExecute: %s\n  GMS:       %s", fast[i], gms[i])
		}
		if strings.HasSuffix(gms[i], "error 1213") {
			conflicts++
		}
	}
	if conflicts == 0 {
		t.Errorf("no COMMIT failed with 1213: the sequence does not test conflicts")
	}
	t.Logf("%d steps, %d conflicts (1213), final: %s", len(gms), conflicts, gms[len(gms)-1])
}
