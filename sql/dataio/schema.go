package dataio

import (
	"context"
	"fmt"
	"strings"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
)

// SchemaFromDDL returns the stored schema that CREATE TABLE ddl gives a table: the
// statement runs in a scratch in-memory database through the same engine and backend as
// any CREATE TABLE, so the schema (types, collations, defaults, indexes, checks) is exactly
// the one SQL would have made. The table is renamed to table if table is not "". Foreign
// keys in ddl are refused (add them with ALTER TABLE after the import). The statement
// runs in a database of backend.DefaultCollation; SchemaFromDDLIn takes the collation of
// the database the table goes to.
func SchemaFromDDL(ctx context.Context, ddl, table string) (repo.Schema, error) {
	return SchemaFromDDLIn(ctx, ddl, table, backend.DefaultCollation)
}

// SchemaFromDDLIn is SchemaFromDDL in a database of collation dbColl: a table and its
// string columns declared without COLLATE get dbColl, as CREATE TABLE in a database of
// that collation gives them.
func SchemaFromDDLIn(ctx context.Context, ddl, table string, dbColl sql.CollationID) (repo.Schema, error) {
	stmt := strings.TrimSpace(ddl)
	stmt = strings.TrimSuffix(stmt, ";")
	if strings.Contains(stmt, ";") {
		// Several statements: take the CREATE TABLE (scripts from SHOW CREATE TABLE and
		// mysqldump hold other statements too).
		found := ""
		for _, s := range strings.Split(stmt, ";") {
			if t := strings.TrimSpace(s); len(t) > 12 && strings.EqualFold(t[:12], "create table") {
				if found != "" {
					return repo.Schema{}, fmt.Errorf("the schema file holds more than one CREATE TABLE")
				}
				found = t
			}
		}
		stmt = found
	}
	if len(stmt) < 12 || !strings.EqualFold(stmt[:12], "create table") {
		return repo.Schema{}, fmt.Errorf("the schema file must hold a CREATE TABLE statement")
	}
	prov, err := backend.NewProvider(ctx, backend.Options{Stores: map[string]storage.Store{"scratch": memstore.New()}})
	if err != nil {
		return repo.Schema{}, err
	}
	eng := sqle.NewDefault(prov)
	defer func() { _ = eng.Close() }()
	sctx := sql.NewContext(ctx, sql.WithSession(session.New(sql.NewBaseSession(), session.WithProvider(prov))))
	sctx.SetCurrentDatabase("scratch")
	scratch, ok := prov.Lookup("scratch")
	if !ok {
		return repo.Schema{}, fmt.Errorf("dataio: scratch database missing")
	}
	if err := scratch.SetCollation(sctx, dbColl); err != nil {
		return repo.Schema{}, err
	}

	if _, iter, _, err := eng.Query(sctx, stmt); err != nil {
		return repo.Schema{}, fmt.Errorf("the schema: %w", err)
	} else if _, err := sql.RowIterToRows(sctx, iter); err != nil {
		return repo.Schema{}, fmt.Errorf("the schema: %w", err)
	}
	root, err := sctx.Session.(*session.Session).WorkingRoot(sctx, scratch)
	if err != nil {
		return repo.Schema{}, err
	}
	if len(root.ForeignKeys()) > 0 {
		return repo.Schema{}, fmt.Errorf("the schema declares foreign keys: import without them, then add them with ALTER TABLE ... ADD FOREIGN KEY")
	}
	var names []string
	for _, n := range root.TableNames() {
		if !strings.EqualFold(n, backend.SchemasTable) { // the scratch database's collation
			names = append(names, n)
		}
	}
	if len(names) != 1 {
		return repo.Schema{}, fmt.Errorf("the schema file must create exactly one table")
	}
	t, _, err := root.Table(sctx, names[0])
	if err != nil {
		return repo.Schema{}, err
	}
	rs := t.Schema().Clone()
	if table != "" {
		rs.Name = table
	}
	return rs, nil
}
