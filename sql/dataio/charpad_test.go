package dataio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/dataio"
)

// charpadDDL has CHAR columns in the primary key, in a secondary and in a unique index,
// beside a VARCHAR that keeps its trailing spaces.
const charpadDDL = "CREATE TABLE t (k CHAR(4) PRIMARY KEY, c CHAR(3), v VARCHAR(5), u CHAR(2), KEY ic (c), UNIQUE KEY iu (u))"

// charpadInserts are the rows of charpadTSV written by INSERT (GMS's row path through the
// table editor): the reference the other write paths must store byte for byte.
var charpadInserts = []string{
	"INSERT INTO t VALUES ('a  ', 'ab ', 'ab ', 'x '), ('b', '  ', '  ', 'y'), ('c \t', 'c\t ', 'c  ', NULL), ('   ', 'abc', 'q', 'z ')",
}

// charpadTSV holds the same rows as charpadInserts: trailing spaces on CHAR values, a tab
// before them, and on a VARCHAR.
const charpadTSV = "a  \tab \tab \tx \n" +
	"b\t  \t  \ty\n" +
	"c \\t\tc\\t \tc  \t\\N\n" +
	"   \tabc\tq\tz \n"

func charpadRows(e *env, db string) string {
	rows := e.rows(db, "SELECT CONCAT('[',k,']'), CONCAT('[',c,']'), CONCAT('[',v,']'), CONCAT('[',u,']') FROM t ORDER BY k")
	return fmt.Sprint(rows)
}

// TestCharTrailingSpacesOnImportAndLoadData: `dsql table import` (Create, Replace and
// Update) and LOAD DATA (the bulk path into an empty table and GMS's row path) store CHAR
// values without their trailing spaces, exactly as INSERT does: same rows, same table hash
// (rows and index entries byte for byte).
func TestCharTrailingSpacesOnImportAndLoadData(t *testing.T) {
	e := newEnv(t)
	e.eng.Analyzer.ExecBuilder.PriorityBuilder = dataio.LoadDataBuilder{Base: e.eng.Analyzer.ExecBuilder}
	e.exec("b", charpadDDL)
	e.exec("b", charpadInserts...)
	got := charpadRows(e, "b")
	// As MySQL 8 returns them: CHAR without trailing spaces, VARCHAR as written.
	require.Equal(t, "[[[] [abc] [q] [z]] [[a] [ab] [ab ] [x]] [[b] [] [  ] [y]] [[c \t] [c\t] [c  ] <nil>]]", got, "INSERT")
	want := e.tableHash("b", "t")

	// The CHAR primary key '   ' is stored as ''.
	require.Len(t, e.rows("b", "SELECT k FROM t WHERE k = ''"), 1)

	dir := t.TempDir()
	path := filepath.Join(dir, "t.tsv")
	require.NoError(t, os.WriteFile(path, []byte(charpadTSV), 0o644))
	load := fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t", path)

	// LOAD DATA, bulk path (empty table).
	e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL)
	require.NoError(t, e.load("a", load))
	require.Equal(t, got, charpadRows(e, "a"), "LOAD DATA bulk")
	require.Equal(t, want, e.tableHash("a", "t"), "LOAD DATA bulk")

	// LOAD DATA, row path (a table holding a row).
	e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL, "INSERT INTO t (k) VALUES ('zz')")
	require.NoError(t, e.load("a", load))
	e.exec("a", "DELETE FROM t WHERE k = 'zz'")
	require.Equal(t, got, charpadRows(e, "a"), "LOAD DATA row path")
	require.Equal(t, want, e.tableHash("a", "t"), "LOAD DATA row path")

	// Import, replacing the rows of an existing table.
	csv := "k,c,v,u\n\"a  \",\"ab \",\"ab \",\"x \"\n\"b\",\"  \",\"  \",\"y\"\n\"c \t\",\"c\t \",\"c  \",\n\"   \",\"abc\",\"q\",\"z \"\n"
	e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL, "INSERT INTO t (k) VALUES ('zz')")
	_, err := e.importText("a", "t", dataio.CSV, csv, dataio.ImportOptions{Mode: dataio.Replace})
	require.NoError(t, err)
	require.Equal(t, got, charpadRows(e, "a"), "import replace")
	require.Equal(t, want, e.tableHash("a", "t"), "import replace")

	// Import, upserting: rows keyed 'a  ' and 'a' are the same row.
	e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL, "INSERT INTO t VALUES ('a', 'old', 'old', 'o')")
	_, err = e.importText("a", "t", dataio.CSV, csv, dataio.ImportOptions{Mode: dataio.Update})
	require.NoError(t, err)
	require.Equal(t, got, charpadRows(e, "a"), "import update")
	require.Equal(t, want, e.tableHash("a", "t"), "import update")

	// Spaces past a CHAR column's length are no error, on both paths (MySQL drops
	// them; GMS's INSERT would refuse the value as too long).
	long := filepath.Join(dir, "long.tsv")
	require.NoError(t, os.WriteFile(long, []byte("a\tab    \tv\tz   \n"), 0o644))
	for _, rowPath := range []bool{false, true} {
		e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL)
		if rowPath {
			e.exec("a", "INSERT INTO t (k) VALUES ('zz')")
		}
		require.NoError(t, e.load("a", fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t", long)), "row path %v", rowPath)
		e.exec("a", "DELETE FROM t WHERE k = 'zz'")
		require.Equal(t, "[[[a] [ab] [v] [z]]]", charpadRows(e, "a"), "row path %v", rowPath)
	}

	// A unique CHAR index: 'x' and 'x ' are the same stored value.
	e.exec("a", "DROP TABLE IF EXISTS t", charpadDDL)
	dup := filepath.Join(dir, "dup.tsv")
	require.NoError(t, os.WriteFile(dup, []byte("a\ta\ta\tx\nb\tb\tb\tx \n"), 0o644))
	require.Error(t, e.load("a", fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE t", dup)))
	require.Empty(t, e.rows("a", "SELECT * FROM t"))
	// And so are primary keys 'a' and 'a   '.
	_, err = e.importText("a", "t", dataio.CSV, "k,c,v,u\na,1,1,1\n\"a   \",2,2,2\n", dataio.ImportOptions{Mode: dataio.Replace})
	require.Error(t, err)
}
