package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// The implicit default of a NOT NULL ENUM column.
//
// MySQL gives an ENUM column declared NOT NULL without a DEFAULT its first member as
// default: ALTER TABLE ... ADD COLUMN e ENUM('red','green') NOT NULL fills the existing
// rows with 'red', as an INSERT that omits e stores 'red'. GMS fills them with the type's
// zero value, the empty error value '' (index 0). A NOT NULL SET column without a default
// gets '' in both (its zero value is right).

// implicitEnumDefault returns the stored value of c's first member when c is a NOT NULL
// ENUM column without a default or generation expression; ok=false otherwise.
func implicitEnumDefault(ctx *sql.Context, c *sql.Column) (any, bool) {
	if c == nil || c.Nullable || c.Default != nil || c.Generated != nil {
		return nil, false
	}
	et, ok := c.Type.(sql.EnumType)
	if !ok || !types.IsEnum(c.Type) {
		return nil, false
	}
	first, ok := et.At(1)
	if !ok {
		return nil, false
	}
	v, _, err := c.Type.Convert(ctx, first)
	if err != nil {
		return nil, false
	}
	return v, true
}

// addedEnumFill returns, for a rewrite that adds column added to schema sch, the ordinal
// of the column and the value its existing rows take when it is a NOT NULL ENUM without
// default (its first member); -1 otherwise.
func addedEnumFill(ctx *sql.Context, sch sql.Schema, added *sql.Column) (int, any) {
	v, ok := implicitEnumDefault(ctx, added)
	if !ok {
		return -1, nil
	}
	return sch.IndexOfColName(added.Name), v
}
