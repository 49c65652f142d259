package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer/analyzererrors"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/vt/proto/query"
)

// MySQL limits a row to 65,535 bytes counting every column at its maximum width (BLOB
// and TEXT columns count only their pointer). dsql has no such storage limit, but ALTER
// TABLE refuses a change that takes a table over it, as MySQL does
// (analyzererrors.ErrInvalidRowLength), so schemas stay portable to MySQL.

// rowSize is the maximum row size of sch as InnoDB counts it.
func rowSize(sch sql.Schema) int64 {
	var n, nullable int64
	for _, c := range sch {
		if c.Virtual {
			continue
		}
		if c.Nullable {
			nullable++
		}
		n += columnSize(c.Type)
	}
	return n + (nullable+7)/8
}

// columnSize is the most bytes a value of typ takes in a MySQL row.
func columnSize(typ sql.Type) int64 {
	switch t := typ.(type) {
	case sql.StringType:
		if types.IsTextBlob(t) {
			return 12 // length + pointer
		}
		if m := t.MaxByteLength(); m > 255 {
			return m + 2 // two length bytes
		}
		return t.MaxByteLength() + 1
	case sql.DecimalType:
		return decimalSize(int64(t.Precision()-t.Scale())) + decimalSize(int64(t.Scale()))
	}
	switch typ.Type() {
	case query.Type_INT8, query.Type_UINT8, query.Type_YEAR:
		return 1
	case query.Type_INT16, query.Type_UINT16, query.Type_ENUM:
		return 2
	case query.Type_INT24, query.Type_UINT24, query.Type_DATE:
		return 3
	case query.Type_INT32, query.Type_UINT32, query.Type_FLOAT32:
		return 4
	case query.Type_TIME, query.Type_TIMESTAMP:
		return 7
	case query.Type_DATETIME:
		return 8
	case query.Type_BIT:
		return 8
	case query.Type_JSON, query.Type_GEOMETRY:
		return 12
	}
	return 8
}

// decimalSize is the bytes of digits decimal digits in MySQL's packed DECIMAL format
// (4 bytes per 9 digits, the rest in 1-4 bytes).
func decimalSize(digits int64) int64 {
	rest := [...]int64{0, 1, 1, 2, 2, 3, 3, 4, 4}
	return digits/9*4 + rest[digits%9]
}

// checkRowSize refuses a schema change that takes a table's rows over MySQL's limit.
func checkRowSize(oldSch, newSch sql.Schema) error {
	if n := rowSize(newSch); n > types.MaxRowLength && n > rowSize(oldSch) {
		return analyzererrors.ErrInvalidRowLength.New(types.MaxRowLength, n)
	}
	return nil
}
