package typeconv

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// TypeString returns the column definition text of t that TypeFor turns back into an
// equal type (types.TypesEqual, same collation): GMS's own rendering, with the character
// set and collation of string, ENUM and SET types spelled out whenever the type has one
// (so that the text does not depend on a table or server default; GMS leaves the
// collation of a column declared without one unspecified until the table's applies) and ENUM and SET members quoted so that
// any member (quotes and backslashes included) parses back unchanged, and the SRID of a
// spatial type that defines one appended ("point srid 4326").
func TypeString(t sql.Type) string {
	switch tt := t.(type) {
	case sql.SpatialColumnType:
		if srid, defined := tt.GetSpatialTypeSRID(); defined {
			return fmt.Sprintf("%s srid %d", t.String(), srid)
		}
	case types.EnumType:
		return membersString("enum", tt.Values(), tt.Collation())
	case types.SetType:
		return membersString("set", tt.Values(), tt.Collation())
	case sql.TypeWithCollation:
		if st, ok := t.(sql.StringType); ok && st.CharacterSet() == sql.CharacterSet_binary {
			return t.String()
		}
		return tt.StringWithTableCollation(sql.Collation_Unspecified)
	}
	return t.String()
}

func membersString(kind string, members []string, coll sql.CollationID) string {
	var sb strings.Builder
	sb.WriteString(kind)
	sb.WriteByte('(')
	for i, m := range members {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('\'')
		for _, c := range []byte(m) {
			switch c {
			case '\'':
				sb.WriteString("''")
			case '\\':
				sb.WriteString(`\\`)
			default:
				sb.WriteByte(c)
			}
		}
		sb.WriteByte('\'')
	}
	sb.WriteByte(')')
	if coll != sql.Collation_Unspecified {
		fmt.Fprintf(&sb, " CHARACTER SET %s COLLATE %s", coll.CharacterSet(), coll.Name())
	}
	return sb.String()
}

// TypeFor parses a column definition's type text (as written by TypeString, or as a user
// writes it in CREATE TABLE: "varchar(64) COLLATE utf8mb4_0900_ai_ci", "decimal(65,30)",
// "enum('a','b')", "int unsigned", ...) with GMS's parser and returns the GMS type, as
// GMS's planner would for that column (types.ColumnTypeToType). Text without a character
// set or collation gets GMS's defaults, so a persisted schema should store TypeString.
func TypeFor(sqlText string) (sql.Type, error) {
	stmt, err := sqlparser.Parse("CREATE TABLE t (c " + sqlText + ")")
	if err != nil {
		return nil, fmt.Errorf("typeconv: parse column type %q: %w", sqlText, err)
	}
	ddl, ok := stmt.(*sqlparser.DDL)
	if !ok || ddl.TableSpec == nil || len(ddl.TableSpec.Columns) != 1 {
		return nil, fmt.Errorf("typeconv: column type %q is not a single column type", sqlText)
	}
	ct := ddl.TableSpec.Columns[0].Type
	t, err := types.ColumnTypeToType(&ct)
	if err != nil {
		return nil, fmt.Errorf("typeconv: column type %q: %w", sqlText, err)
	}
	if ct.SRID != nil {
		// ColumnTypeToType ignores the SRID attribute; GMS's planner applies it after.
		st, ok := t.(sql.SpatialColumnType)
		if !ok {
			return nil, fmt.Errorf("typeconv: column type %q: SRID on a non-spatial type", sqlText)
		}
		srid, err := strconv.ParseUint(string(ct.SRID.Val), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("typeconv: column type %q: SRID: %w", sqlText, err)
		}
		t = st.SetSRID(uint32(srid))
	}
	return t, nil
}
