package cli

import (
	"context"
	gosql "database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	_ "github.com/go-sql-driver/mysql" // the MySQL driver for running verbs through a server

	"github.com/dsqldb/dsql/server"
)

// When a dsql sql-server holds a repository (its store is locked), the verbs run through
// that server instead of an embedded engine: the server leaves its address and an
// ephemeral credential in <data dir>/.dsqlcfg/sql-server.json (server.LocalServer), and
// the verb opens one MySQL connection with it and runs the same statements. The verbs
// cannot tell the difference, except that the repository's local configuration
// (dsql config --local) is not reachable while the server holds the store.

// errServerHoldsConfig is returned by database() through a server.
var errServerHoldsConfig = errors.New("a running dsql sql-server holds this repository, so its local configuration cannot be read or changed now; stop the server, or use dsql config --global")

// remoteSession is a vcsSession's connection to the server holding its repository.
type remoteSession struct {
	db   *gosql.DB
	conn *gosql.Conn
	info server.LocalInfo
}

// openRemote connects to the server that holds the repository in dir, if there is one.
func openRemote(ctx context.Context, dir string) (*vcsSession, error) {
	li, dbName, err := server.LocalServer(dir)
	if err != nil {
		return nil, err
	}
	db, err := gosql.Open("mysql", li.DSN(dbName))
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connecting to the %s that holds this repository: %w", li, err)
	}
	return &vcsSession{
		remote: &remoteSession{db: db, conn: conn, info: li},
		ctx:    sql.NewContext(ctx),
		dbName: dbName,
	}, nil
}

func (r *remoteSession) close() error {
	return errors.Join(r.conn.Close(), r.db.Close())
}

// query runs stmt with bound args on the server and returns the result with a schema of
// GMS types close to the columns' (so formatting matches the embedded engine).
func (r *remoteSession) query(ctx context.Context, stmt string, args ...any) (sql.Schema, []sql.Row, error) {
	rows, err := r.conn.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	sch := make(sql.Schema, len(cts))
	for i, ct := range cts {
		sch[i] = &sql.Column{Name: ct.Name(), Type: remoteType(ct.DatabaseTypeName()), Nullable: true}
	}
	var out []sql.Row
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make(sql.Row, len(vals))
		for i, v := range vals {
			row[i] = remoteValue(sch[i].Type, v)
		}
		out = append(out, row)
	}
	return sch, out, rows.Err()
}

// remoteType maps a MySQL column type name to the GMS type the formatter uses.
func remoteType(name string) sql.Type {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToUpper(name), "UNSIGNED ")) {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "YEAR":
		return types.Int64
	case "FLOAT", "DOUBLE", "DECIMAL":
		return types.Float64
	case "DATETIME", "TIMESTAMP":
		return types.DatetimeMaxPrecision
	case "DATE":
		return types.Date
	default:
		return types.LongText
	}
}

// remoteValue converts a value scanned by the driver to the Go type the embedded engine
// returns for t.
func remoteValue(t sql.Type, v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case []byte:
		s := string(v)
		if t == types.Float64 {
			var f float64
			if _, err := fmt.Sscan(s, &f); err == nil {
				return f
			}
		}
		return s
	case time.Time:
		return v.UTC()
	default:
		return v
	}
}
