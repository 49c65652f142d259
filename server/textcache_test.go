package server

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// TestTextCacheMatchesGMS: text statements served from the plan cache (textExecute)
// give what GMS gives for the same statement: each seeded random statement runs on
// table a as plain text (cached) and on its twin b behind a comment (which keeps it on
// GMS's path), and the two must agree on the error, the affected rows, the rows read,
// LAST_INSERT_ID and both tables' rows. The constants include quoted and escaped
// strings, non-ASCII text, strings too long for the column (1406), 0 and omitted
// AUTO_INCREMENT values, integers out of the column's range (1264), negative numbers
// and decimals (not normalized), and NULL. It runs twice: on a connection without and
// on one with multi-statement queries (which the mysql client, sysbench and PyMySQL
// use: every query then comes as COM_QUERY with CLIENT_MULTI_STATEMENTS).
func TestTextCacheMatchesGMS(t *testing.T) {
	for _, multi := range []bool{false, true} {
		t.Run(fmt.Sprintf("multi=%v", multi), func(t *testing.T) { textCacheMatchesGMS(t, multi) })
	}
}

func textCacheMatchesGMS(t *testing.T, multi bool) {
	c := twinTables(t, "(id INT PRIMARY KEY AUTO_INCREMENT, k INT, c VARCHAR(10), KEY k (k))", multi)
	rng := rand.New(rand.NewSource(3))
	num := func() string {
		switch rng.Intn(12) {
		case 0:
			return "0"
		case 1:
			return fmt.Sprint(-rng.Intn(5))
		case 2:
			return "1099511627776" // 1<<40
		case 3:
			return "2.5"
		case 4:
			return "NULL"
		default:
			return fmt.Sprint(rng.Intn(60))
		}
	}
	str := func() string {
		switch rng.Intn(8) {
		case 0:
			return "'it''s'"
		case 1:
			return `'back\\slash'`
		case 2:
			return "'héllo wörld'"
		case 3:
			return "'much-too-long-here'"
		default:
			return fmt.Sprintf("'w%d'", rng.Intn(50))
		}
	}
	templates := []string{
		"SELECT c, k FROM {T} WHERE id = %n",
		"SELECT c FROM {T} WHERE id BETWEEN %n AND %n ORDER BY c, id",
		"SELECT COUNT(*), SUM(k) FROM {T} WHERE k BETWEEN %n AND %n",
		"SELECT id FROM {T} WHERE c = %s ORDER BY id",
		"UPDATE {T} SET c = %s WHERE id = %n",
		"UPDATE {T} SET k = k + 1 WHERE id BETWEEN %n AND %n",
		"UPDATE {T} SET k = %n, c = %s WHERE k = %n",
		"DELETE FROM {T} WHERE id = %n",
		"INSERT INTO {T} (id, k, c) VALUES (%n, %n, %s)",
		"INSERT INTO {T} (k, c) VALUES (%n, %s)",
	}
	hits := preparedStats.hits.Load()
	for round := 0; round < 600; round++ {
		q := templates[rng.Intn(len(templates))]
		for strings.Contains(q, "%n") || strings.Contains(q, "%s") {
			n, s := strings.Index(q, "%n"), strings.Index(q, "%s")
			if n >= 0 && (s < 0 || n < s) {
				q = q[:n] + num() + q[n+2:]
			} else {
				q = q[:s] + str() + q[s+2:]
			}
		}
		qa, qb := strings.ReplaceAll(q, "{T}", "a"), "/* GMS */ "+strings.ReplaceAll(q, "{T}", "b")
		var ga, gb string
		if strings.HasPrefix(q, "SELECT") {
			ga, gb = c.rowsOrErr(qa), c.rowsOrErr(qb)
		} else {
			ra, ea := c.conn.ExecContext(c.ctx, qa)
			rb, eb := c.conn.ExecContext(c.ctx, qb)
			ga, gb = errCode(ea), errCode(eb)
			if ea == nil && eb == nil {
				na, _ := ra.RowsAffected()
				nb, _ := rb.RowsAffected()
				ga, gb = fmt.Sprint(ga, na, c.rows("SELECT LAST_INSERT_ID()")), fmt.Sprint(gb, nb, c.rows("SELECT LAST_INSERT_ID()"))
			}
		}
		if ga != gb {
			t.Fatalf("round %d: %s:\ncached %s\nGMS    %s", round, q, ga, gb)
		}
		if a, b := c.rows("SELECT * FROM a ORDER BY id"), c.rows("SELECT * FROM b ORDER BY id"); a != b {
			t.Fatalf("round %d: after %s:\ncached table\n%s\nGMS table\n%s", round, q, a, b)
		}
	}
	if n := preparedStats.hits.Load() - hits; n < 150 {
		t.Fatalf("only %d text statements ran from a cached plan", n)
	}
}

// rowsOrErr is rows, or the error's code if the query fails.
func (c *preparedConn) rowsOrErr(q string) string {
	c.t.Helper()
	r, err := c.conn.QueryContext(c.ctx, q)
	if err != nil {
		return errCode(err)
	}
	_, vals, rerr := readResult(c.t, r)
	if rerr != "" {
		return rerr
	}
	return fmt.Sprint(vals)
}

// TestTextCandidate: which texts textExecute parses at all.
func TestTextCandidate(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT c FROM t WHERE id = 1":            true,
		"  insert into t (a) values (1)":          true,
		"UPDATE t SET c = 'x' WHERE id = 2":       true,
		"delete from t where id = 3":              true,
		"SELECT 1; SELECT 2":                      false,
		"/* hint */ SELECT c FROM t WHERE id = 1": false,
		"SELECT c FROM t WHERE id = 1 -- note":    false,
		"SELECT c FROM t WHERE id = 1 # note":     false,
		"SHOW TABLES":                             false,
		"BEGIN":                                   false,
		"INSERT INTO t VALUES " + strings.Repeat("(1, 'abc'),", 400) + "(1, 'abc')": false,
	} {
		if got := textCandidate(q); got != want {
			t.Errorf("textCandidate(%.60q) = %v, want %v", q, got, want)
		}
	}
}
