package integration

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExactSumMariaDB: SUM and AVG of exact types against a private MariaDB 10.11 with
// the same rows: the values (a BIGINT sum past 2^53, DECIMAL(30,10), BIGINT UNSIGNED,
// YEAR, BIT, TINYINT; GROUP BY, DISTINCT, HAVING, windows, NULL over no rows) and the
// result columns' types as go-sql-driver reports them (DECIMAL with MySQL's precision
// and scale; DOUBLE for DOUBLE and strings). MariaDB follows the same rules as MySQL 8
// for these; the result types of arithmetic on a sum are GMS's and not compared.
func TestExactSumMariaDB(t *testing.T) {
	itNeed(t, "mysql", "mariadb-client")
	mdPort := ccStartMariaDB(t)
	dir := itNewRepo(t, "sums")
	s := itStart(t, filepath.Dir(dir))
	dsqlDB := s.db("sums")
	if out, err := ccMySQL(mdPort, nil, "-e", "CREATE DATABASE sums"); err != nil {
		t.Fatalf("CREATE DATABASE on MariaDB: %v\n%s", err, out)
	}
	mdDB, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/sums", mdPort))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mdDB.Close() })
	dsqlDB.SetMaxOpenConns(1)
	mdDB.SetMaxOpenConns(1)

	for _, stmt := range []string{
		"CREATE TABLE s (id INT PRIMARY KEY, g INT, a BIGINT, u BIGINT UNSIGNED, d DECIMAL(30,10), f DOUBLE, v VARCHAR(20), y YEAR, b BIT(8), ti TINYINT, m MEDIUMINT)",
		"INSERT INTO s VALUES (1, 1, 9007199254740993, 18446744073709551615, 12345678901234567890.1234567891, 1.5, '2.5', 2000, 1, 1, -8388608)," +
			"(2, 1, 1, 18446744073709551615, -0.0000000001, 2, '3', 2001, 2, 2, 8388607)," +
			"(3, 2, 9223372036854775807, 3, 99999999999999999999.9999999999, 3, 'x', 2002, 255, -128, 5)," +
			"(4, 2, 9223372036854775807, NULL, 99999999999999999999.9999999999, NULL, NULL, NULL, NULL, 127, NULL)," +
			"(5, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)," +
			"(6, 3, -9223372036854775808, 7, -1, 0, '-1', 1999, 0, 0, 0)",
	} {
		for name, db := range map[string]*sql.DB{"dsql": dsqlDB, "MariaDB": mdDB} {
			if _, err := db.Exec(stmt); err != nil {
				t.Fatalf("setup on %s: %s: %v", name, stmt, err)
			}
		}
	}

	queries := []string{
		"SELECT SUM(a), AVG(a), SUM(u), AVG(u), SUM(d), AVG(d) FROM s",
		"SELECT SUM(y), AVG(y), SUM(b), AVG(b), SUM(ti), AVG(ti), SUM(m), AVG(m) FROM s",
		"SELECT SUM(f), AVG(f), SUM(v), AVG(v) FROM s",
		"SELECT SUM(a), AVG(d) FROM s WHERE id > 100",
		"SELECT SUM(a), AVG(d) FROM s WHERE id = 5",
		"SELECT g, SUM(a), AVG(a), SUM(d), AVG(d) FROM s GROUP BY g ORDER BY g",
		"SELECT SUM(DISTINCT a), AVG(DISTINCT a), SUM(DISTINCT d), AVG(DISTINCT u) FROM s",
		"SELECT g FROM s GROUP BY g HAVING SUM(a) > 9007199254740993 ORDER BY g",
		"SELECT g, SUM(d) FROM s GROUP BY g ORDER BY SUM(d) DESC",
		"SELECT SUM(a)-9007199254740993, SUM(d)*2 FROM s WHERE id <= 2",
		"SELECT id, SUM(a) OVER (ORDER BY id), AVG(d) OVER (PARTITION BY g) FROM s ORDER BY id",
		"SELECT id, SUM(d) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), AVG(a) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM s ORDER BY id",
		"SELECT t, t + 1 FROM (SELECT SUM(a) AS t FROM s WHERE id <= 2) x",
	}
	for _, q := range queries {
		if diff, _ := dfCompareQuery(dsqlDB, mdDB, q, true); diff != "" {
			t.Errorf("%s\n%s", q, diff)
		}
		got, err := esColumnTypes(dsqlDB, q)
		if err != nil {
			t.Errorf("%s: dsql: %v", q, err)
			continue
		}
		want, err := esColumnTypes(mdDB, q)
		if err != nil {
			t.Errorf("%s: MariaDB: %v", q, err)
			continue
		}
		if strings.ContainsAny(q, "+-*") { // GMS's arithmetic types: SUM(a)+1 keeps SUM(a)'s precision
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: column types\n dsql    %q\n MariaDB %q", q, got, want)
		}
	}
	s.stop()
}

// esColumnTypes is "TYPE(p,s)" for each column of q's result as go-sql-driver reports it
// (just the type name when it reports no decimal size for a DECIMAL).
func esColumnTypes(db *sql.DB, q string) ([]string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ct := range cts {
		s := ct.DatabaseTypeName()
		if p, sc, ok := ct.DecimalSize(); ok && s == "DECIMAL" {
			s += fmt.Sprintf("(%d,%d)", p, sc)
		}
		out = append(out, s)
	}
	for rows.Next() {
	}
	return out, rows.Err()
}
