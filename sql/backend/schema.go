package backend

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/sqltypes"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// tableMeta is the SQL view of one repo.Schema: the GMS schema and the codecs of its rows.
// It is immutable and shared by every Table value of that schema.
type tableMeta struct {
	name      string
	sch       sql.PrimaryKeySchema
	rsch      repo.Schema
	collation sql.CollationID
	keyless   bool
	codec     *typeconv.RowCodec // primary-key tables
	colsDesc  tuple.Desc         // keyless: every column (the tuple KeylessKey hashes)
	kvalDesc  tuple.Desc         // keyless: count + every column
	autoCol   int                // ordinal of the AUTO_INCREMENT column, or -1
	ix        indexCache         // PRIMARY and secondary indexes, computed on first use (index.go)
}

// toRepoSchema converts a GMS schema of a new table to a repo.Schema. Column defaults,
// generation and ON UPDATE expressions are stored as their SQL text and re-parsed on
// load. Secondary indexes, foreign keys and checks are added by their own DDL paths.
func toRepoSchema(name string, ps sql.PrimaryKeySchema, coll sql.CollationID, comment string) (repo.Schema, error) {
	rs := repo.Schema{Name: name, Comment: comment, PrimaryKey: slices.Clone(ps.PkOrdinals)}
	if rs.PrimaryKey == nil {
		rs.PrimaryKey = []int{}
	}
	if _, ok := tuple.CollationByName(coll.Name()); ok && coll != sql.Collation_Unspecified {
		rs.Collation = coll.Name()
	}
	for _, c := range ps.Schema {
		f, err := typeconv.FieldFor(c.Type)
		if err != nil {
			return repo.Schema{}, fmt.Errorf("column %q: %w", c.Name, err)
		}
		f.Nullable = c.Nullable
		rc := repo.Column{
			Name:          c.Name,
			SQLType:       typeconv.TypeString(c.Type),
			Type:          f,
			AutoIncrement: c.AutoIncrement,
			Comment:       c.Comment,
		}
		if c.Default != nil {
			rc.Default = storedDefault(c.Default.String(), c.Nullable)
		}
		if c.Generated != nil {
			rc.Generated = c.Generated.String()
			rc.GeneratedStored = !c.Virtual
		}
		if c.OnUpdate != nil {
			rc.OnUpdate = c.OnUpdate.String()
		}
		rs.Columns = append(rs.Columns, rc)
	}
	if len(rs.PrimaryKey) == 0 {
		rs.PrimaryKey = nil
	}
	return rs, rs.Validate()
}

// storedDefault is the default text to store for a column whose default is text: ""
// (no default) for DEFAULT NULL on a nullable column, which MySQL does not tell apart
// from no default (both read DEFAULT NULL in SHOW CREATE TABLE, server/showcreate.go).
// A table then has the same schema, and hash, whether its nullable columns were
// declared DEFAULT NULL or not: a dump (which writes DEFAULT NULL for them) loads back
// into the same tables. (NULL) is an expression, kept.
func storedDefault(text string, nullable bool) string {
	if nullable && strings.EqualFold(text, "NULL") {
		return ""
	}
	return text
}

// IsBlobOrText reports whether t is a BLOB or TEXT type. MySQL 8's SHOW CREATE TABLE
// gives a nullable BLOB or TEXT column without a default no DEFAULT NULL (`t` text),
// where it gives one to every other nullable column (JSON and spatial ones included),
// but AUTO_INCREMENT and generated ones.
func IsBlobOrText(t sql.Type) bool {
	switch t.Type() {
	case sqltypes.Blob, sqltypes.Text:
		return true
	}
	return false
}

// newTableMeta builds the SQL view of rs for database dbName.
func newTableMeta(dbName string, rs repo.Schema) (*tableMeta, error) {
	m := &tableMeta{name: rs.Name, rsch: rs, keyless: rs.Keyless(), autoCol: -1, collation: sql.Collation_Default}
	if rs.Collation != "" {
		if c, err := sql.ParseCollation("", rs.Collation, false); err == nil {
			m.collation = c
		}
	}
	sch := make(sql.Schema, len(rs.Columns))
	for i, c := range rs.Columns {
		typ, err := typeconv.TypeFor(c.SQLType)
		if err != nil {
			return nil, fmt.Errorf("backend: table %q column %q: %w", rs.Name, c.Name, err)
		}
		col := &sql.Column{
			Name:           c.Name,
			Type:           typ,
			Nullable:       c.Type.Nullable,
			Source:         rs.Name,
			DatabaseSource: dbName,
			PrimaryKey:     slices.Contains(rs.PrimaryKey, i),
			AutoIncrement:  c.AutoIncrement,
			Comment:        c.Comment,
		}
		if c.AutoIncrement {
			col.Extra = "auto_increment"
			m.autoCol = i
		}
		if c.Default != "" {
			col.Default = sql.NewUnresolvedColumnDefaultValue(c.Default)
		}
		if c.Generated != "" {
			col.Generated = sql.NewUnresolvedColumnDefaultValue(c.Generated)
			col.Virtual = !c.GeneratedStored
		}
		if c.OnUpdate != "" {
			col.OnUpdate = sql.NewUnresolvedColumnDefaultValue(c.OnUpdate)
			col.Extra = onUpdateExtra(c)
		}
		sch[i] = col
	}
	m.sch = sql.NewPrimaryKeySchema(sch, rs.PrimaryKey...)
	if m.sch.PkOrdinals == nil {
		m.sch.PkOrdinals = []int{}
	}
	var err error
	if m.keyless {
		if m.colsDesc, err = rs.ColumnsDesc(); err != nil {
			return nil, err
		}
		if m.kvalDesc, err = rs.ValueDesc(); err != nil {
			return nil, err
		}
		return m, nil
	}
	if m.codec, err = typeconv.NewRowCodec(sch, rs.PrimaryKey); err != nil {
		return nil, fmt.Errorf("backend: table %q: %w", rs.Name, err)
	}
	return m, nil
}

// onUpdateExtra is the Extra of SHOW COLUMNS and information_schema.COLUMNS for column c,
// which has an ON UPDATE expression: as in MySQL 8, "on update CURRENT_TIMESTAMP(3)",
// preceded by "DEFAULT_GENERATED " when the default is an expression. (GMS computes
// DEFAULT_GENERATED itself only for a column whose Extra is empty.) A stored default is
// an expression when GMS wrote it in parentheses or as CURRENT_TIMESTAMP[(n)], which
// is how it spells the expressions MySQL allows without them (NOW(), LOCALTIME, ...).
func onUpdateExtra(c repo.Column) string {
	extra := "on update " + c.OnUpdate
	d := strings.ToUpper(c.Default)
	for _, p := range []string{"(", "CURRENT_TIMESTAMP", "NOW(", "LOCALTIME"} {
		if strings.HasPrefix(d, p) {
			return "DEFAULT_GENERATED " + extra
		}
	}
	return extra
}
