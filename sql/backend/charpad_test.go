package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
)

// charpadValues is every string of up to three characters of 'a', ' ' and '\t': CHAR(3)
// values with and without trailing spaces, spaces before a tab and a tab before spaces.
func charpadValues() []string {
	out := []string{""}
	prev := []string{""}
	for n := 1; n <= 3; n++ {
		var next []string
		for _, p := range prev {
			for _, ch := range []string{"a", " ", "\t"} {
				next = append(next, p+ch)
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// charLit quotes s as an SQL string literal.
func charLit(s string) string {
	return "'" + strings.NewReplacer("\t", `\t`, "'", "''").Replace(s) + "'"
}

// TestCharTrailingSpacesAcrossLayouts writes every CHAR(3) value of charpadValues through
// INSERT, UPDATE, INSERT ... ON DUPLICATE KEY UPDATE and REPLACE into tables that keep c
// in no index, in a secondary index, in the primary key and in a keyless table's index,
// under the default collation (NO PAD), utf8mb4_general_ci and utf8mb4_bin (PAD SPACE).
// Every table returns the values without their trailing spaces (as MySQL 8 does), and
// the same answers to equality, IN, range and LIKE queries whether they scan or use an
// index; under NO PAD, `c = L` matches exactly the rows whose value is L (so never one
// for an L with a trailing space).
func TestCharTrailingSpacesAcrossLayouts(t *testing.T) {
	vals := charpadValues()
	layouts := []struct{ name, ddl string }{
		{"t_scan", "CREATE TABLE %s (id INT NOT NULL, c CHAR(3) %s, PRIMARY KEY (id))"},
		{"t_index", "CREATE TABLE %s (id INT NOT NULL, c CHAR(3) %s, PRIMARY KEY (id), KEY ic (c))"},
		{"t_pk", "CREATE TABLE %s (id INT NOT NULL, c CHAR(3) %s NOT NULL, PRIMARY KEY (c, id), UNIQUE KEY uid (id))"},
		{"t_keyless", "CREATE TABLE %s (id INT NOT NULL, c CHAR(3) %s, UNIQUE KEY uid (id), KEY ic (c))"},
	}
	want := make([]sql.Row, len(vals))
	for i, v := range vals {
		s := strings.TrimRight(v, " ")
		want[i] = sql.Row{int32(i), "[" + s + "]", int32(len(s))}
	}
	for _, coll := range []string{"", "COLLATE utf8mb4_general_ci", "COLLATE utf8mb4_bin"} {
		name := strings.TrimPrefix(coll, "COLLATE ")
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			e, ctx := setup(t, memStores{})
			for _, l := range layouts {
				e.exec(ctx, fmt.Sprintf(l.ddl, l.name, coll))
				for i, v := range vals {
					q := []string{fmt.Sprintf("INSERT INTO %s VALUES (%d, %s)", l.name, i, charLit(v))}
					switch i % 4 {
					case 1:
						q = []string{
							fmt.Sprintf("INSERT INTO %s VALUES (%d, 'zz')", l.name, i),
							fmt.Sprintf("UPDATE %s SET c = %s WHERE id = %d", l.name, charLit(v), i),
						}
					case 2:
						q = []string{
							fmt.Sprintf("INSERT INTO %s VALUES (%d, 'zz')", l.name, i),
							fmt.Sprintf("INSERT INTO %s VALUES (%d, %s) ON DUPLICATE KEY UPDATE c = VALUES(c)", l.name, i, charLit(v)),
						}
					case 3:
						q = []string{
							fmt.Sprintf("INSERT INTO %s VALUES (%d, 'zz')", l.name, i),
							fmt.Sprintf("REPLACE INTO %s VALUES (%d, %s)", l.name, i, charLit(v)),
						}
					}
					e.exec(ctx, q...)
				}
				require.Equal(t, want, e.rows(ctx, fmt.Sprintf("SELECT id, CONCAT('[', c, ']'), LENGTH(c) FROM %s ORDER BY id", l.name)), l.name)
			}
			e.checkIndexes(ctx)
			// Each query, as a template over the table name, on every layout.
			//
			// Under PAD SPACE, ranges leave out values with a tab: storage orders 'a\t'
			// before 'a' as MySQL does (the tab is compared with the pad space), and so
			// do =, <, >=, IN and BETWEEN (padspace.go); but LIKE 'a%' by index misses
			// 'a\t', which MySQL matches (the range lookup's bounds follow the storage
			// order there).
			noTab := ""
			if coll != "" {
				noTab = " AND c NOT LIKE '%%\t%%'"
			}
			var queries []string
			for _, v := range vals {
				queries = append(queries, "SELECT id FROM %s WHERE c = "+charLit(v)+" ORDER BY id")
				if noTab != "" && strings.Contains(v, "\t") {
					continue
				}
				queries = append(queries,
					"SELECT id FROM %s WHERE c < "+charLit(v)+noTab+" ORDER BY id",
					"SELECT id FROM %s WHERE c >= "+charLit(v)+noTab+" ORDER BY id",
				)
			}
			queries = append(queries,
				"SELECT id FROM %s WHERE c IN ('a', 'a ', ' a', '') ORDER BY id",
				"SELECT id FROM %s WHERE c BETWEEN 'a' AND 'a  '"+noTab+" ORDER BY id",
				"SELECT id FROM %s WHERE c LIKE 'a%%'"+noTab+" ORDER BY id",
				"SELECT id FROM %s WHERE c LIKE '%% ' ORDER BY id",
				"SELECT id FROM %s WHERE c = 'a' OR c = 'aa ' ORDER BY id",
				"SELECT COUNT(*), COUNT(DISTINCT c) FROM %s",
			)
			for _, q := range queries {
				scan := e.rows(ctx, fmt.Sprintf(q, "t_scan"))
				for _, l := range layouts[1:] {
					require.Equal(t, scan, e.rows(ctx, fmt.Sprintf(q, l.name)), "%s on %s", fmt.Sprintf(q, l.name), coll)
				}
			}
			if coll != "" {
				return
			}
			// NO PAD: equality is exact on the stored (trimmed) value.
			for _, v := range vals {
				var ids []sql.Row
				for i, w := range vals {
					if strings.TrimRight(w, " ") == v {
						ids = append(ids, sql.Row{int32(i)})
					}
				}
				for _, l := range layouts {
					q := fmt.Sprintf("SELECT id FROM %s WHERE c = %s ORDER BY id", l.name, charLit(v))
					require.Equal(t, ids, e.rows(ctx, q), q)
				}
			}
		})
	}
}

// TestCharTrailingSpacesKeys: 'ab' and 'ab ' are the same stored CHAR value, so they are
// duplicates in a UNIQUE index and in the primary key (MySQL's 1062), and INSERT ... ON
// DUPLICATE KEY UPDATE and REPLACE find the existing row.
func TestCharTrailingSpacesKeys(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE u (id INT PRIMARY KEY, c CHAR(3), UNIQUE KEY uc (c))",
		"CREATE TABLE p (c CHAR(3) PRIMARY KEY, n INT)",
		"CREATE TABLE g (c CHAR(3) COLLATE utf8mb4_general_ci PRIMARY KEY, n INT)",
		"INSERT INTO u VALUES (1, 'ab'), (3, 'x')",
		"INSERT INTO p VALUES ('ab ', 1)",
		"INSERT INTO g VALUES ('AB ', 1)",
	)
	for _, q := range []string{
		"INSERT INTO u VALUES (2, 'ab ')",
		"UPDATE u SET c = 'ab ' WHERE id = 3",
		"INSERT INTO p VALUES ('ab', 2)",
		"INSERT INTO g VALUES ('ab', 2)",
	} {
		_, err := e.query(ctx, q)
		requireDupEntry(t, err)
	}
	e.exec(ctx,
		"UPDATE u SET c = 'ab ' WHERE id = 1",
		"INSERT INTO p VALUES ('ab', 5) ON DUPLICATE KEY UPDATE n = n + 10",
		"REPLACE INTO p VALUES ('cd ', 7), ('cd', 8)",
		"INSERT INTO g VALUES ('AB ', 5) ON DUPLICATE KEY UPDATE n = n + 10",
	)
	require.Equal(t, []sql.Row{{int32(1), "ab"}, {int32(3), "x"}}, e.rows(ctx, "SELECT * FROM u ORDER BY id"))
	require.Equal(t, []sql.Row{{"ab", int32(11)}, {"cd", int32(8)}}, e.rows(ctx, "SELECT * FROM p ORDER BY c"))
	require.Equal(t, []sql.Row{{"AB", int32(11)}}, e.rows(ctx, "SELECT * FROM g"))
	require.Equal(t, []sql.Row{{"ab", int32(11)}}, e.rows(ctx, "SELECT * FROM p WHERE c = 'ab'"))
	require.Empty(t, e.rows(ctx, "SELECT * FROM p WHERE c = 'ab '"))
	// A CHAR key value of spaces only is the empty string.
	e.exec(ctx, "INSERT INTO p VALUES ('   ', 0)")
	_, err := e.query(ctx, "INSERT INTO p VALUES ('', 0)")
	requireDupEntry(t, err)
	require.Equal(t, []sql.Row{{"", int32(0)}}, e.rows(ctx, "SELECT * FROM p WHERE c = ''"))
	// Deleting and updating by the stored value work.
	e.exec(ctx, "DELETE FROM p WHERE c = ''", "UPDATE p SET c = 'ef ' WHERE c = 'cd'")
	require.Equal(t, []sql.Row{{"ab", int32(11)}, {"ef", int32(8)}}, e.rows(ctx, "SELECT * FROM p ORDER BY c"))
	e.checkIndexes(ctx)
}

// TestCharTrailingSpacesAlter: a column changed to CHAR (MODIFY, CHANGE) loses its rows'
// trailing spaces, and its indexes are rebuilt from the new values; VARCHAR keeps them.
func TestCharTrailingSpacesAlter(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5), w VARCHAR(5), KEY iv (v), KEY iw (w))",
		"INSERT INTO t VALUES (1, 'ab  ', 'ab  '), (2, 'ab', 'x '), (3, ' ', '\t ')",
		"ALTER TABLE t MODIFY v CHAR(5)",
		"ALTER TABLE t CHANGE w w2 CHAR(5)",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{
		{int32(1), "[ab]", "[ab]"}, {int32(2), "[ab]", "[x]"}, {int32(3), "[]", "[\t]"},
	}, e.rows(ctx, "SELECT id, CONCAT('[', v, ']'), CONCAT('[', w2, ']') FROM t ORDER BY id"))
	require.Equal(t, []sql.Row{{int32(1)}, {int32(2)}}, e.rows(ctx, "SELECT id FROM t WHERE v = 'ab' ORDER BY id"))
	require.Empty(t, e.rows(ctx, "SELECT id FROM t WHERE v = 'ab  '"))
	// A UNIQUE index added over the now-equal values is refused.
	_, err := e.query(ctx, "ALTER TABLE t ADD UNIQUE KEY uv (v)")
	require.Error(t, err)
	// Back to VARCHAR: the values stay as stored.
	e.exec(ctx, "ALTER TABLE t MODIFY v VARCHAR(5)")
	require.Equal(t, []sql.Row{{"[ab]"}, {"[ab]"}, {"[]"}}, e.rows(ctx, "SELECT CONCAT('[', v, ']') FROM t ORDER BY id"))
	e.checkIndexes(ctx)
}

// TestCharTrailingSpacesLegacyRows: CHAR values stored with trailing spaces by a dsql
// from before they were trimmed on write read back as stored; they can be found, updated
// and deleted (by primary key and through a secondary index), and a write of the row
// stores the value trimmed.
func TestCharTrailingSpacesLegacyRows(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE p (c CHAR(3) PRIMARY KEY, n INT, d CHAR(3), KEY id (d))",
	)
	db, err := e.prov.Database(ctx, "mydb")
	require.NoError(t, err)
	tbl, ok, err := db.GetTableInsensitive(ctx, "p")
	require.NoError(t, err)
	require.True(t, ok)
	for _, r := range []sql.Row{{"ab ", int32(1), "x "}, {"cd ", int32(2), "y "}, {"ef ", int32(3), "z "}} {
		require.NoError(t, backend.InsertUntrimmedForTest(ctx, tbl, r))
	}
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{"[ab ]", "[x ]"}, {"[cd ]", "[y ]"}, {"[ef ]", "[z ]"}},
		e.rows(ctx, "SELECT CONCAT('[', c, ']'), CONCAT('[', d, ']') FROM p ORDER BY c"))
	require.Equal(t, []sql.Row{{int32(1)}}, e.rows(ctx, "SELECT n FROM p WHERE c = 'ab '"))
	require.Equal(t, []sql.Row{{int32(2)}}, e.rows(ctx, "SELECT n FROM p WHERE d = 'y '"))
	// A write of the row stores every CHAR value of it trimmed (the key too: the row
	// moves from 'ab ' to 'ab'); an UPDATE that changes nothing writes nothing.
	e.exec(ctx,
		"UPDATE p SET n = 10 WHERE c = 'ab '",
		"UPDATE p SET d = d WHERE c = 'cd '",
		"UPDATE p SET c = 'gh ' WHERE d = 'z '",
	)
	e.checkIndexes(ctx)
	require.Equal(t, []sql.Row{{"[cd ]", int32(2), "[y ]"}, {"[gh]", int32(3), "[z]"}, {"[ab]", int32(10), "[x]"}},
		e.rows(ctx, "SELECT CONCAT('[', c, ']'), n, CONCAT('[', d, ']') FROM p ORDER BY n"))
	require.Empty(t, e.rows(ctx, "SELECT n FROM p WHERE c = 'ab '"))
	require.Equal(t, []sql.Row{{int32(10)}}, e.rows(ctx, "SELECT n FROM p WHERE c = 'ab'"))
	// Deletes by primary key and through the secondary index find the stored values.
	e.exec(ctx, "DELETE FROM p WHERE c = 'cd '", "DELETE FROM p WHERE d = 'z'", "DELETE FROM p WHERE d = 'x'")
	require.Empty(t, e.rows(ctx, "SELECT * FROM p"))
	e.checkIndexes(ctx)
}

// TestCharTrailingSpacesForeignKeys: a child written as 'ab ' finds its parent stored as
// 'ab' (GMS looks the parent up with the row before the editor trims it: trimCharLookup),
// by INSERT and by UPDATE, and is stored as 'ab'; a child with no parent still fails with
// 1452, and a cascade from the parent reaches it.
func TestCharTrailingSpacesForeignKeys(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE par (c CHAR(3) PRIMARY KEY)",
		"CREATE TABLE chi (id INT PRIMARY KEY, c CHAR(3), FOREIGN KEY (c) REFERENCES par (c) ON UPDATE CASCADE ON DELETE CASCADE)",
		"INSERT INTO par VALUES ('ab'), ('cd ')",
		"INSERT INTO chi VALUES (1, 'ab '), (2, 'cd'), (3, 'ab')",
		"UPDATE chi SET c = 'cd ' WHERE id = 3",
	)
	require.Equal(t, []sql.Row{{int32(1), "ab"}, {int32(2), "cd"}, {int32(3), "cd"}}, e.rows(ctx, "SELECT * FROM chi ORDER BY id"))
	for _, q := range []string{"INSERT INTO chi VALUES (4, 'zz ')", "UPDATE chi SET c = 'a ' WHERE id = 1"} {
		_, err := e.query(ctx, q)
		require.Error(t, err, q)
		require.Contains(t, strings.ToLower(err.Error()), "foreign key", q)
	}
	e.exec(ctx, "UPDATE par SET c = 'xy ' WHERE c = 'cd'", "DELETE FROM par WHERE c = 'ab'")
	require.Equal(t, []sql.Row{{int32(2), "xy"}, {int32(3), "xy"}}, e.rows(ctx, "SELECT * FROM chi ORDER BY id"))
	e.checkIndexes(ctx)
}
