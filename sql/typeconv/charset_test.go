package typeconv_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// TestIncorrectStringValue: a character above U+FFFF (4 bytes of UTF-8) for a utf8mb3
// column is MySQL's error 1366, "Incorrect string value: '\xF0\x9F\x98\x80' for column
// 'c' at row 1", for INSERT and UPDATE, in primary-key and keyless tables, in the key and
// in other columns; the table is unchanged, and utf8mb4 columns and utf8mb3 characters up
// to U+FFFF are stored as before.
func TestIncorrectStringValue(t *testing.T) {
	p, err := backend.NewProvider(context.Background(), backend.Options{Stores: map[string]storage.Store{"db": memstore.New()}})
	require.NoError(t, err)
	e := sqle.NewDefault(p)
	t.Cleanup(func() { _ = e.Close() })
	ctx := sql.NewContext(context.Background(), sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(p))))
	ctx.SetCurrentDatabase("db")
	query := func(q string) ([]sql.Row, error) {
		_, iter, _, err := e.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		return sql.RowIterToRows(ctx, iter)
	}
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(10) CHARACTER SET utf8mb3, m VARCHAR(10) CHARACTER SET utf8mb4, x TEXT CHARACTER SET utf8)",
		"CREATE TABLE k (c VARCHAR(10) CHARACTER SET utf8mb3)",
		"CREATE TABLE pk (c VARCHAR(10) CHARACTER SET utf8mb3 PRIMARY KEY)",
		"INSERT INTO t VALUES (1, 'grüße €', '😀', 'ok')",
		"INSERT INTO k VALUES ('日本')",
		"INSERT INTO pk VALUES ('a')",
	} {
		_, err := query(q)
		require.NoError(t, err, q)
	}
	for _, c := range []struct{ q, msg string }{
		{"INSERT INTO t (id, c) VALUES (2, '😀')", `Incorrect string value: '\xF0\x9F\x98\x80' for column 'c' at row 1`},
		{"INSERT INTO t (id, c) VALUES (2, 'a😀b')", `Incorrect string value: '\xF0\x9F\x98\x80b' for column 'c' at row 1`},
		{"INSERT INTO t (id, x) VALUES (2, '😀😀')", `Incorrect string value: '\xF0\x9F\x98\x80\xF0\x9F...' for column 'x' at row 1`},
		{"UPDATE t SET c = CONCAT(c, '🦀') WHERE id = 1", `Incorrect string value: '\xF0\x9F\xA6\x80' for column 'c' at row 1`},
		{"INSERT INTO k VALUES ('😀')", `Incorrect string value: '\xF0\x9F\x98\x80' for column 'c' at row 1`},
		{"INSERT INTO pk VALUES ('😀')", `Incorrect string value: '\xF0\x9F\x98\x80' for column 'c' at row 1`},
	} {
		_, err := query(c.q)
		require.Error(t, err, c.q)
		require.Equal(t, c.msg, err.Error(), c.q)
		// As the server sends it: GMS's handler casts (1105 for a kind it does not know),
		// then the server maps with backend.MySQLError.
		var se *mysql.SQLError
		require.True(t, errors.As(backend.MySQLError(sql.CastSQLError(err)), &se), c.q)
		require.Equal(t, mysql.ERTruncatedWrongValueForField, se.Num, c.q)
		require.Equal(t, "HY000", se.State, c.q)
		require.Equal(t, c.msg, se.Message, c.q)
		// And the error value itself, as the engine returns it.
		require.True(t, errors.As(backend.MySQLError(err), &se), c.q)
		require.Equal(t, mysql.ERTruncatedWrongValueForField, se.Num, c.q)
	}
	// Nothing changed; utf8mb3 holds characters up to U+FFFF, utf8mb4 columns hold emoji.
	for q, want := range map[string]string{
		"SELECT id, c, m, x FROM t": "[[1 grüße € 😀 ok]]",
		"SELECT c FROM k":           "[[日本]]",
		"SELECT c FROM pk":          "[[a]]",
	} {
		rows, err := query(q)
		require.NoError(t, err, q)
		require.Equal(t, want, fmt.Sprint(rows), q)
	}
	_, err = query("INSERT INTO t (id, c, m) VALUES (3, '\uFFFD ＡＢ', '🦀')")
	require.NoError(t, err)
	// A lookup of a value no utf8mb3 column can hold finds nothing (no error).
	rows, err := query("SELECT c FROM pk WHERE c = '😀'")
	require.NoError(t, err)
	require.Empty(t, rows)
}
