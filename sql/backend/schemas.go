package backend

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	sqltypes "github.com/dolthub/vitess/go/sqltypes"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// SchemasTable is the table that holds a database's views, triggers, stored procedures,
// events and non-default database collation as rows, so that they are versioned, merged,
// committed and rolled back like any other rows. SchemasTableAlias (Dolt's name) names
// the same table.
//
// Columns (Dolt's dolt_schemas layout):
//
//	type      VARCHAR(64) NOT NULL   'view', 'trigger', 'procedure', 'event' or 'collation'
//	name      VARCHAR(64) NOT NULL   the object's name (utf8mb4_0900_ai_ci, so case-insensitive)
//	fragment  LONGTEXT               the CREATE statement (collation: the collation's name)
//	extra     JSON                   {"CreatedAt": unix seconds, "created_us": unix µs, ...}
//	sql_mode  VARCHAR(256)           the SQL_MODE the statement was defined under
//	PRIMARY KEY (type, name)
//
// The table is created in the session's working root by the first CREATE of an object and
// removed again when its last row is deleted, so a database that never had a view (or
// that dropped all of them) has the same root as before. Users may SELECT from it and may
// write rows directly (as in Dolt); CREATE/DROP/RENAME TABLE of either name is refused.
//
// extra keys: "CreatedAt" (unix seconds, as Dolt writes it), "created_us" (unix
// microseconds; the creation order of triggers, which is their firing order, is
// (created_us, name)), "modified_us" (procedures), "definition" (events: the whole
// sql.EventDefinition as JSON).
const (
	SchemasTable      = "dsql_schemas"
	SchemasTableAlias = "dolt_schemas"
)

// The values of the type column.
const (
	fragView      = "view"
	fragTrigger   = "trigger"
	fragProcedure = "procedure"
	fragEvent     = "event"
	fragCollation = "collation"
)

// collationRowName is the name column of the database collation's row.
const collationRowName = "database"

// isSchemasTable reports whether name is SchemasTable or its alias (case-insensitive).
func isSchemasTable(name string) bool {
	return strings.EqualFold(name, SchemasTable) || strings.EqualFold(name, SchemasTableAlias)
}

var schemasRepoSchema = func() repo.Schema {
	str := func(n int64) sql.Type {
		return types.MustCreateString(sqltypes.VarChar, n, sql.Collation_utf8mb4_0900_ai_ci)
	}
	ps := sql.NewPrimaryKeySchema(sql.Schema{
		{Name: "type", Type: str(64), PrimaryKey: true, Source: SchemasTable},
		{Name: "name", Type: str(64), PrimaryKey: true, Source: SchemasTable},
		{Name: "fragment", Type: types.LongText, Nullable: true, Source: SchemasTable},
		{Name: "extra", Type: types.JSON, Nullable: true, Source: SchemasTable},
		{Name: "sql_mode", Type: str(256), Nullable: true, Source: SchemasTable},
	}, 0, 1)
	rs, err := toRepoSchema(SchemasTable, ps, sql.Collation_utf8mb4_0900_ai_ci, "")
	if err != nil {
		panic(fmt.Sprintf("backend: dsql_schemas schema: %v", err)) // a programming error, caught by every test
	}
	return rs
}()

// fragment is one row of SchemasTable.
type fragment struct {
	typ, name string
	fragment  string
	extra     map[string]any // nil: NULL
	sqlMode   string
}

func (f fragment) createdAt() time.Time {
	if us, ok := f.extra["created_us"].(float64); ok {
		return time.UnixMicro(int64(us)).UTC()
	}
	if s, ok := f.extra["CreatedAt"].(float64); ok {
		return time.Unix(int64(s), 0).UTC()
	}
	return time.Time{}
}

func (f fragment) modifiedAt() time.Time {
	if us, ok := f.extra["modified_us"].(float64); ok {
		return time.UnixMicro(int64(us)).UTC()
	}
	return f.createdAt()
}

// newExtra returns extra for an object created at t.
func newExtra(t time.Time) map[string]any {
	return map[string]any{"CreatedAt": float64(t.Unix()), "created_us": float64(t.UnixMicro())}
}

// fragments is the decoded content of one version of SchemasTable. It is immutable and
// shared (cached by the table's hash).
type fragments struct {
	views      map[string]sql.ViewDefinition // by folded name
	viewList   []sql.ViewDefinition          // by name
	triggers   []sql.TriggerDefinition       // in creation order
	procs      map[string]sql.StoredProcedureDetails
	procList   []sql.StoredProcedureDetails // by name
	events     map[string]sql.EventDefinition
	eventList  []sql.EventDefinition // by name
	collation  sql.CollationID       // 0: none stored
	lastCreate time.Time             // the latest creation time of any row
}

var noFragments = &fragments{}

// fragmentCache caches decoded SchemasTable versions by table hash. Entries are
// immutable; the cache is cleared when it grows past fragmentCacheSize.
type fragmentCache struct {
	mu sync.Mutex
	m  map[hash.Hash]*fragments
}

const fragmentCacheSize = 64

func (c *fragmentCache) get(h hash.Hash) (*fragments, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.m[h]
	return f, ok
}

func (c *fragmentCache) put(h hash.Hash, f *fragments) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= fragmentCacheSize {
		c.m = map[hash.Hash]*fragments{}
	}
	c.m[h] = f
}

// schemaFragments returns the views, triggers, procedures, events and collation of the
// session's current root.
func (db *Database) schemaFragments(ctx *sql.Context) (*fragments, error) {
	_, root, err := db.root(ctx)
	if err != nil {
		return nil, err
	}
	t, ok, err := root.Table(ctx, SchemasTable)
	if err != nil || !ok {
		return noFragments, err
	}
	if f, ok := db.frags.get(t.Hash()); ok {
		return f, nil
	}
	rows, err := db.readFragments(ctx, t)
	if err != nil {
		return nil, err
	}
	f := buildFragments(ctx, rows)
	db.frags.put(t.Hash(), f)
	return f, nil
}

// schemaColumns maps the columns of t's schema to fragment fields (by name, so that a
// table written by another version with extra columns still reads).
type schemaColumns struct{ typ, name, fragment, extra, sqlMode int }

func columnsOf(m *tableMeta) (schemaColumns, error) {
	c := schemaColumns{-1, -1, -1, -1, -1}
	for i, col := range m.sch.Schema {
		switch strings.ToLower(col.Name) {
		case "type":
			c.typ = i
		case "name":
			c.name = i
		case "fragment":
			c.fragment = i
		case "extra":
			c.extra = i
		case "sql_mode":
			c.sqlMode = i
		}
	}
	if c.typ < 0 || c.name < 0 || c.fragment < 0 || m.keyless {
		return c, fmt.Errorf("backend: table %s has an unexpected schema", SchemasTable)
	}
	return c, nil
}

func (db *Database) readFragments(ctx *sql.Context, t repo.Table) ([]fragment, error) {
	m, err := db.meta(t)
	if err != nil {
		return nil, err
	}
	cols, err := columnsOf(m)
	if err != nil {
		return nil, err
	}
	it, err := t.Rows().Iter(ctx, prolly.All)
	if err != nil {
		return nil, err
	}
	var out []fragment
	for {
		k, v, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row, err := m.codec.Decode(k, v, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, rowToFragment(cols, row))
	}
}

func rowToFragment(c schemaColumns, row sql.Row) fragment {
	s := func(i int) string {
		if i < 0 {
			return ""
		}
		v, _ := row[i].(string)
		return v
	}
	f := fragment{typ: strings.ToLower(s(c.typ)), name: s(c.name), fragment: s(c.fragment), sqlMode: s(c.sqlMode)}
	if c.extra >= 0 && row[c.extra] != nil {
		if doc, ok := row[c.extra].(sql.JSONWrapper); ok {
			if v, err := doc.ToInterface(nil); err == nil {
				f.extra, _ = v.(map[string]any)
			}
		}
	}
	return f
}

func buildFragments(ctx *sql.Context, rows []fragment) *fragments {
	f := &fragments{
		views:  map[string]sql.ViewDefinition{},
		procs:  map[string]sql.StoredProcedureDetails{},
		events: map[string]sql.EventDefinition{},
	}
	for _, r := range rows {
		if c := r.createdAt(); c.After(f.lastCreate) {
			f.lastCreate = c
		}
		switch r.typ {
		case fragView:
			v := sql.ViewDefinition{
				Name:                r.name,
				TextDefinition:      viewBody(ctx, r.fragment, r.sqlMode),
				CreateViewStatement: r.fragment,
				SqlMode:             r.sqlMode,
			}
			f.views[strings.ToLower(r.name)] = v
			f.viewList = append(f.viewList, v)
		case fragTrigger:
			f.triggers = append(f.triggers, sql.TriggerDefinition{
				Name: r.name, CreateStatement: r.fragment, CreatedAt: r.createdAt(), SqlMode: r.sqlMode,
			})
		case fragProcedure:
			p := sql.StoredProcedureDetails{
				Name: r.name, CreateStatement: r.fragment, CreatedAt: r.createdAt(),
				ModifiedAt: r.modifiedAt(), SqlMode: r.sqlMode,
			}
			f.procs[strings.ToLower(r.name)] = p
			f.procList = append(f.procList, p)
		case fragEvent:
			if ev, ok := eventFromFragment(r); ok {
				f.events[strings.ToLower(r.name)] = ev
				f.eventList = append(f.eventList, ev)
			}
		case fragCollation:
			if strings.EqualFold(r.name, collationRowName) {
				if c, err := sql.ParseCollation("", r.fragment, false); err == nil {
					f.collation = c
				}
			}
		}
	}
	// Rows come in key order (type, name); triggers fire in creation order.
	sort.SliceStable(f.triggers, func(i, j int) bool {
		a, b := f.triggers[i], f.triggers[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	return f
}

// viewBody returns the SELECT of a CREATE VIEW statement ("" if it does not parse; GMS
// then parses CreateViewStatement itself).
func viewBody(ctx *sql.Context, create, sqlMode string) string {
	stmt, _, _, err := sql.DefaultMySQLParser.ParseWithOptions(ctx, create, ';', false, sql.NewSqlModeFromString(sqlMode).ParserOptions())
	if err != nil {
		return ""
	}
	ddl, ok := stmt.(*ast.DDL)
	if !ok || ddl.SubStatementPositionEnd <= ddl.SubStatementPositionStart || int(ddl.SubStatementPositionEnd) > len(create) {
		return ""
	}
	return create[ddl.SubStatementPositionStart:ddl.SubStatementPositionEnd]
}

// editSchemas applies fn to the rows of SchemasTable in the session's working root
// (creating the table if needed, removing it if it ends up empty) and stores the result
// as the transaction's root. fn gets the editor and a function to encode a fragment.
func (db *Database) editSchemas(ctx *sql.Context, fn func(ed *schemaEditor) error) error {
	s, root, err := db.root(ctx)
	if err != nil {
		return err
	}
	if es, err := s.Edits(ctx, db); err == nil && es.get(SchemasTable) != nil {
		// The statement wrote rows of the table directly: apply them first.
		if root, err = es.Apply(ctx, root); err != nil {
			return err
		}
	}
	t, ok, err := root.Table(ctx, SchemasTable)
	if err != nil {
		return err
	}
	if !ok {
		if t, err = repo.NewTable(ctx, root.NodeStore(), schemasRepoSchema); err != nil {
			return err
		}
	}
	m, err := db.meta(t)
	if err != nil {
		return err
	}
	cols, err := columnsOf(m)
	if err != nil {
		return err
	}
	se := &schemaEditor{m: m, cols: cols, ed: t.Rows().Edit()}
	if err := fn(se); err != nil {
		return err
	}
	rows, err := se.ed.Flush(ctx)
	if err != nil {
		return err
	}
	switch {
	case rows.Count() == 0 && ok:
		root, err = root.RemoveTable(ctx, SchemasTable)
	case rows.Count() == 0:
		return nil
	default:
		if t, err = t.WithRows(ctx, rows); err == nil {
			root, err = root.PutTable(ctx, t)
		}
	}
	if err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, db, root)
}

// schemaEditor edits the rows of one SchemasTable version. Not safe for concurrent use.
type schemaEditor struct {
	m    *tableMeta
	cols schemaColumns
	ed   *prolly.Editor
}

func (se *schemaEditor) row(f fragment) sql.Row {
	row := make(sql.Row, len(se.m.sch.Schema))
	row[se.cols.typ], row[se.cols.name] = f.typ, f.name
	row[se.cols.fragment] = f.fragment
	if se.cols.extra >= 0 && f.extra != nil {
		row[se.cols.extra] = types.JSONDocument{Val: f.extra}
	}
	if se.cols.sqlMode >= 0 {
		row[se.cols.sqlMode] = f.sqlMode
	}
	return row
}

// get returns the row of (typ, name), if any.
func (se *schemaEditor) get(ctx *sql.Context, typ, name string) (fragment, bool, error) {
	k, _, err := se.m.encodePK(se.row(fragment{typ: typ, name: name}))
	if err != nil {
		return fragment{}, false, err
	}
	v, ok, err := se.ed.Get(ctx, k)
	if err != nil || !ok {
		return fragment{}, false, err
	}
	row, err := se.m.codec.Decode(k, v, nil)
	if err != nil {
		return fragment{}, false, err
	}
	return rowToFragment(se.cols, row), true, nil
}

func (se *schemaEditor) put(f fragment) error {
	k, v, err := se.m.encodePK(se.row(f))
	if err != nil {
		return err
	}
	return se.ed.Put(k, v)
}

func (se *schemaEditor) delete(typ, name string) error {
	k, _, err := se.m.encodePK(se.row(fragment{typ: typ, name: name}))
	if err != nil {
		return err
	}
	se.ed.Delete(k)
	return nil
}

// createFragment adds a new row of type typ; exists is returned if (typ, name) is taken.
func (db *Database) createFragment(ctx *sql.Context, f fragment, exists error) error {
	if len(f.name) > 64 {
		return sql.ErrInvalidIdentifier.New(f.name)
	}
	frags, err := db.schemaFragments(ctx)
	if err != nil {
		return err
	}
	now := creationTime(frags.lastCreate)
	if f.extra == nil {
		f.extra = newExtra(now)
	} else {
		for k, v := range newExtra(now) {
			f.extra[k] = v
		}
	}
	return db.editSchemas(ctx, func(se *schemaEditor) error {
		if _, found, err := se.get(ctx, f.typ, f.name); err != nil {
			return err
		} else if found {
			return exists
		}
		return se.put(f)
	})
}

// dropFragment deletes the row (typ, name); missing is returned if there is none.
func (db *Database) dropFragment(ctx *sql.Context, typ, name string, missing error) error {
	return db.editSchemas(ctx, func(se *schemaEditor) error {
		if _, found, err := se.get(ctx, typ, name); err != nil {
			return err
		} else if !found {
			return missing
		}
		return se.delete(typ, name)
	})
}

// creationTime is now, at microsecond precision, but strictly after last, so that
// creation order (trigger firing order) survives a clock that steps back.
func creationTime(last time.Time) time.Time {
	now := time.Now().UTC().Truncate(time.Microsecond)
	if !now.After(last) {
		now = last.Add(time.Microsecond)
	}
	return now
}

// errSchemasTableReserved is returned for DDL naming SchemasTable or its alias.
func errSchemasTableReserved(name string) error {
	return fmt.Errorf("backend: %s is a system table (it holds views, triggers and procedures) and cannot be created, dropped or renamed", name)
}

// jsonRoundTrip converts v to plain JSON values (maps, slices, float64, string, bool).
func jsonRoundTrip(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
