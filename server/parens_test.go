package server

import (
	"context"
	"strings"
	"testing"

	gms "github.com/dolthub/go-mysql-server/sql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// TestParenthesizedQueries: a parenthesized query expression as a statement, as MySQL 8
// accepts it (parens.go), by COM_QUERY, multi-statement queries and PREPARE ... FROM;
// shapes that are not queries stay syntax errors (1064).
func TestParenthesizedQueries(t *testing.T) {
	f := newStrictFixture(t)
	f.exec("CREATE TABLE p (a INT PRIMARY KEY, s VARCHAR(10))",
		"INSERT INTO p VALUES (3, 'c'), (1, 'a'), (2, 'b'), (4, ')(')")
	for q, want := range map[string]string{
		"(SELECT 1)":                                                            "1",
		"((SELECT 1))":                                                          "1",
		"  /* lead ( */ ( ( SELECT 2 ) ) ; ":                                    "2",
		"(SELECT a FROM p ORDER BY a LIMIT 2)":                                  "1; 2",
		"(SELECT a FROM p) ORDER BY a":                                          "1; 2; 3; 4",
		"(SELECT a FROM p ORDER BY a LIMIT 3) ORDER BY a DESC":                  "3; 2; 1",
		"(SELECT a FROM p ORDER BY a DESC LIMIT 3) ORDER BY a LIMIT 2":          "2; 3",
		"((SELECT a FROM p ORDER BY a LIMIT 1)) ORDER BY a":                     "1",
		"(SELECT 1) UNION (SELECT 2)":                                           "1; 2",
		"(SELECT a FROM p ORDER BY a LIMIT 1) UNION ALL SELECT 2 ORDER BY 1":    "1; 2",
		"((SELECT 5)) UNION SELECT 6":                                           "5; 6",
		"(SELECT s FROM p WHERE s = ')(')":                                      ")(",
		"(WITH x AS (SELECT 7 AS c) SELECT c FROM x)":                           "7",
		"(SELECT a FROM p WHERE a IN (SELECT a FROM p WHERE a > 2)) ORDER BY a": "3; 4",
	} {
		if got := f.rows(q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	// Column names are the query's.
	rs, err := f.conn.QueryContext(context.Background(), "(SELECT a AS x, s FROM p ORDER BY a LIMIT 1) ORDER BY x")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rs.Columns()
	_ = rs.Close()
	if strings.Join(cols, ",") != "x,s" {
		t.Errorf("columns %v, want x,s", cols)
	}

	for _, q := range []string{"(SELECT 1", "(SELECT 1))", "(SELECT 1) garbage", "(1)", "(UPDATE p SET a = 1)", "(SELECT 1) ORDER BY"} {
		err := f.queryErr(q)
		wantErr(t, q, err, 1064, "42000", "")
	}

	// PREPARE ... FROM and EXECUTE.
	f.exec("PREPARE ps FROM '(SELECT a FROM p WHERE a > ? ORDER BY a LIMIT 2)'", "SET @x = 1")
	if got := f.rows("EXECUTE ps USING @x"); got != "2; 3" {
		t.Errorf("EXECUTE ps = %q", got)
	}
	// COM_STMT_PREPARE: vitess's connection parses the statement with its own grammar
	// before dsql sees it, and sends its syntax error itself (as 1105, not 1064: the
	// same for every syntax error in a COM_STMT_PREPARE).
	if _, err := f.conn.PrepareContext(context.Background(), "(SELECT ?)"); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("COM_STMT_PREPARE (SELECT ?): %v, want vitess's syntax error", err)
	}
}

// TestParenthesizedMultiStatement: the statements of a multi-statement query each
// parse on their own, the parenthesized ones included.
func TestParenthesizedMultiStatement(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connectMulti(t, s)
	rs, err := db.Query("(SELECT 1); SELECT 2; ((SELECT 3)) ; (SELECT 4 AS x) ORDER BY x")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var got []string
	for {
		for rs.Next() {
			var v string
			if err := rs.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if !rs.NextResultSet() {
			break
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "1,2,3,4" {
		t.Fatalf("results %v, want 1,2,3,4", got)
	}
}

// TestUnparenStep: the rewrites, on the tokenizer's tokens: parentheses in strings and
// comments are not the statement's, the rewrite stops at the statement's ';', and
// shapes that are not a parenthesized query are left alone.
func TestUnparenStep(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"(SELECT 1)", " SELECT 1 "},
		{"((SELECT 1))", " (SELECT 1) "},
		{"/* ( */ (SELECT ')' )", "/* ( */  SELECT ')'  "},
		{"(SELECT a FROM t) ORDER BY a; (SELECT 2)", " SELECT a FROM t  ORDER BY a; (SELECT 2)"},
		{"(SELECT a FROM t LIMIT 1) ORDER BY a; SELECT ')'", "SELECT * FROM (SELECT a FROM t LIMIT 1) AS dsql_paren_query ORDER BY a; SELECT ')'"},
		{"(SELECT (a) FROM t WHERE a IN (1, 2) ORDER BY a) LIMIT 1", "SELECT * FROM (SELECT (a) FROM t WHERE a IN (1, 2) ORDER BY a) AS dsql_paren_query LIMIT 1"},
		{"((SELECT 1)) UNION SELECT 2", " (SELECT 1)  UNION SELECT 2"},
		{"(SELECT 1) UNION (SELECT 2)", ""}, // parses as it is; no rewrite applies
		{"(1)", ""},
		{"(SELECT 1", ""},
		{"SELECT (1)", ""},
		{"(UPDATE t SET a = 1)", ""},
		{"/*!80000 (SELECT 1) */", ""},
	} {
		got, _, ok := unparenStep(c.in, ';')
		if !ok {
			got = ""
		}
		if got != c.out {
			t.Errorf("unparenStep(%q) = %q, want %q", c.in, got, c.out)
		}
	}
}

// TestParenParserNext: ParseOneWithOptions reports where the next statement starts in
// the text as sent, whatever the rewrite added.
func TestParenParserNext(t *testing.T) {
	p := parenParser{Parser: gms.DefaultMySQLParser}
	for _, q := range []string{"(SELECT 1) LIMIT 1; SELECT 2", "(SELECT 1 LIMIT 1) LIMIT 1; SELECT 2", "((SELECT 1)); SELECT 2"} {
		_, next, err := p.ParseOneWithOptions(context.Background(), q, ast.ParserOptions{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if rest := strings.TrimSpace(q[next:]); rest != "SELECT 2" && rest != "; SELECT 2" {
			t.Errorf("%s: next statement at %d: %q", q, next, q[next:])
		}
	}
}
