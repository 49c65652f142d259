package typeconv

import (
	"fmt"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/tuple"
)

// isPK reports whether ordinal o is in pkOrdinals (primary keys are short: a linear scan
// beats a map and does not allocate).
func isPK(pkOrdinals []int, o int) bool {
	for _, p := range pkOrdinals {
		if p == o {
			return true
		}
	}
	return false
}

// EncodeRow encodes row, a row of sch, into a key tuple (the columns pkOrdinals, in that
// order) built with keyB and a value tuple (every other column, in schema order) built with
// valB. keyB must be a Builder of KeyDesc(sch, pkOrdinals) and valB of ValueDesc(sch,
// pkOrdinals). Both builders are reset, also on error. The tuples are freshly allocated.
// For repeated use prefer a RowCodec, which resolves the column types once.
func EncodeRow(keyB, valB *tuple.Builder, sch sql.Schema, pkOrdinals []int, row sql.Row) (key, val tuple.Tuple, err error) {
	if len(row) != len(sch) {
		return nil, nil, fmt.Errorf("%w: row of %d values for a schema of %d columns", ErrValue, len(row), len(sch))
	}
	defer func() {
		if err != nil {
			keyB.Reset()
			valB.Reset()
		}
	}()
	for k, o := range pkOrdinals {
		if err := PutValue(keyB, k, sch[o].Type, row[o]); err != nil {
			return nil, nil, ColumnError(sch[o].Name, err)
		}
	}
	k := 0
	for o, col := range sch {
		if isPK(pkOrdinals, o) {
			continue
		}
		if err := PutValue(valB, k, col.Type, row[o]); err != nil {
			return nil, nil, ColumnError(col.Name, err)
		}
		k++
	}
	if key, err = keyB.Build(); err != nil {
		return nil, nil, err
	}
	if val, err = valB.Build(); err != nil {
		return nil, nil, err
	}
	return key, val, nil
}

// DecodeRow is the inverse of EncodeRow: it returns the row of sch stored as key (a tuple
// of keyD = KeyDesc(sch, pkOrdinals)) and val (of valD = ValueDesc(sch, pkOrdinals)). The
// row's values do not alias the tuples.
func DecodeRow(keyD, valD tuple.Desc, sch sql.Schema, pkOrdinals []int, key, val tuple.Tuple) (sql.Row, error) {
	row := make(sql.Row, len(sch))
	for k, o := range pkOrdinals {
		v, err := get(keyD, key, k, keyD.Field(k).Enc)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", sch[o].Name, err)
		}
		row[o] = v
	}
	k := 0
	for o := range sch {
		if isPK(pkOrdinals, o) {
			continue
		}
		v, err := get(valD, val, k, valD.Field(k).Enc)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", sch[o].Name, err)
		}
		row[o] = v
		k++
	}
	return row, nil
}

// KeyDesc returns the Desc of the key tuples of a table of sch with primary key
// pkOrdinals: one field per key column, in key order.
func KeyDesc(sch sql.Schema, pkOrdinals []int) (tuple.Desc, error) {
	return Desc(sch, pkOrdinals)
}

// ValueDesc returns the Desc of the value tuples of a table of sch with primary key
// pkOrdinals: one field per non-key column, in schema order.
func ValueDesc(sch sql.Schema, pkOrdinals []int) (tuple.Desc, error) {
	return Desc(sch, ValueOrdinals(sch, pkOrdinals))
}

// ValueOrdinals returns the ordinals of the columns of sch that are not in pkOrdinals, in
// schema order.
func ValueOrdinals(sch sql.Schema, pkOrdinals []int) []int {
	out := make([]int, 0, len(sch))
	for o := range sch {
		if !isPK(pkOrdinals, o) {
			out = append(out, o)
		}
	}
	return out
}

// RowCodec encodes and decodes the rows of one table schema: EncodeRow and DecodeRow with
// the column types resolved once. A RowCodec is immutable and safe for concurrent use; the
// Builders passed to Encode are not.
type RowCodec struct {
	sch              sql.Schema
	keyOrd, valOrd   []int
	keyEnc, valEnc   []tuple.Encoding
	keyDesc, valDesc tuple.Desc
	// field[o] locates column o: key field k as -(k+1), value field k as k.
	field []int
}

// NewRowCodec returns the codec of the rows of sch keyed by the columns pkOrdinals.
func NewRowCodec(sch sql.Schema, pkOrdinals []int) (*RowCodec, error) {
	for _, o := range pkOrdinals {
		if o < 0 || o >= len(sch) {
			return nil, fmt.Errorf("typeconv: primary key ordinal %d outside schema of %d columns", o, len(sch))
		}
	}
	c := &RowCodec{sch: sch, keyOrd: append([]int(nil), pkOrdinals...), valOrd: ValueOrdinals(sch, pkOrdinals)}
	var err error
	if c.keyDesc, err = Desc(sch, c.keyOrd); err != nil {
		return nil, err
	}
	if c.valDesc, err = Desc(sch, c.valOrd); err != nil {
		return nil, err
	}
	c.keyEnc = encodings(c.keyDesc)
	c.valEnc = encodings(c.valDesc)
	c.field = make([]int, len(sch))
	for k, o := range c.keyOrd {
		c.field[o] = -(k + 1)
	}
	for k, o := range c.valOrd {
		c.field[o] = k
	}
	return c, nil
}

func encodings(d tuple.Desc) []tuple.Encoding {
	out := make([]tuple.Encoding, d.Len())
	for i := range out {
		out[i] = d.Field(i).Enc
	}
	return out
}

// KeyDesc returns the Desc of the key tuples.
func (c *RowCodec) KeyDesc() tuple.Desc { return c.keyDesc }

// ValueDesc returns the Desc of the value tuples.
func (c *RowCodec) ValueDesc() tuple.Desc { return c.valDesc }

// Encode is EncodeRow for the codec's schema. keyB and valB must be Builders of KeyDesc and
// ValueDesc; they are reset, also on error.
func (c *RowCodec) Encode(keyB, valB *tuple.Builder, row sql.Row) (key, val tuple.Tuple, err error) {
	if len(row) != len(c.sch) {
		return nil, nil, fmt.Errorf("%w: row of %d values for a schema of %d columns", ErrValue, len(row), len(c.sch))
	}
	for k, o := range c.keyOrd {
		if err := put(keyB, k, c.keyEnc[k], c.sch[o].Type, row[o]); err != nil {
			keyB.Reset()
			return nil, nil, ColumnError(c.sch[o].Name, err)
		}
	}
	for k, o := range c.valOrd {
		if err := put(valB, k, c.valEnc[k], c.sch[o].Type, row[o]); err != nil {
			keyB.Reset()
			valB.Reset()
			return nil, nil, ColumnError(c.sch[o].Name, err)
		}
	}
	if key, err = keyB.Build(); err != nil {
		valB.Reset()
		return nil, nil, err
	}
	if val, err = valB.Build(); err != nil {
		return nil, nil, err
	}
	return key, val, nil
}

// Decode is DecodeRow for the codec's schema. It decodes into dst if it has room for the
// schema's columns (reusing it), else into a new row, and returns the row.
func (c *RowCodec) Decode(key, val tuple.Tuple, dst sql.Row) (sql.Row, error) {
	if cap(dst) >= len(c.sch) {
		dst = dst[:len(c.sch)]
	} else {
		dst = make(sql.Row, len(c.sch))
	}
	for k, o := range c.keyOrd {
		v, err := get(c.keyDesc, key, k, c.keyEnc[k])
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.sch[o].Name, err)
		}
		dst[o] = v
	}
	for k, o := range c.valOrd {
		v, err := get(c.valDesc, val, k, c.valEnc[k])
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.sch[o].Name, err)
		}
		dst[o] = v
	}
	return dst, nil
}

// DecodeIn is Decode into a new row that a hands out, with the strings of String
// columns also taken from a (see Arena).
func (c *RowCodec) DecodeIn(a *Arena, key, val tuple.Tuple) (sql.Row, error) {
	dst := a.Row(len(c.sch))
	for k, o := range c.keyOrd {
		v, err := getIn(a, c.keyDesc, key, k, c.keyEnc[k])
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.sch[o].Name, err)
		}
		dst[o] = v
	}
	for k, o := range c.valOrd {
		v, err := getIn(a, c.valDesc, val, k, c.valEnc[k])
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.sch[o].Name, err)
		}
		dst[o] = v
	}
	return dst, nil
}

// DecodeColumns decodes only the columns cols (schema ordinals) of the row stored as key
// and val: out[i] is column cols[i]. It decodes into dst if it has room for len(cols)
// values (reusing it), else into a new row. With place set, out is instead a row of the
// whole schema in which only the columns cols are set (the others are nil), so that
// expressions over the schema's ordinals can read it.
func (c *RowCodec) DecodeColumns(key, val tuple.Tuple, cols []int, place bool, dst sql.Row) (sql.Row, error) {
	n := len(cols)
	if place {
		n = len(c.sch)
	}
	if cap(dst) >= n {
		dst = dst[:n]
		if place {
			clear(dst)
		}
	} else {
		dst = make(sql.Row, n)
	}
	return c.decodeColumns(nil, key, val, cols, place, dst)
}

// DecodeColumnsIn is DecodeColumns into a new row that a hands out, with the strings of
// String columns also taken from a (see Arena): a scan decoding many rows allocates a
// few chunks instead of a row, a string and its interface box per row.
func (c *RowCodec) DecodeColumnsIn(a *Arena, key, val tuple.Tuple, cols []int, place bool) (sql.Row, error) {
	n := len(cols)
	if place {
		n = len(c.sch)
	}
	return c.decodeColumns(a, key, val, cols, place, a.Row(n))
}

func (c *RowCodec) decodeColumns(a *Arena, key, val tuple.Tuple, cols []int, place bool, dst sql.Row) (sql.Row, error) {
	for i, o := range cols {
		if o < 0 || o >= len(c.sch) {
			return nil, fmt.Errorf("%w: column %d outside schema of %d columns", ErrValue, o, len(c.sch))
		}
		var v any
		var err error
		if f := c.field[o]; f < 0 {
			v, err = getIn(a, c.keyDesc, key, -f-1, c.keyEnc[-f-1])
		} else {
			v, err = getIn(a, c.valDesc, val, f, c.valEnc[f])
		}
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.sch[o].Name, err)
		}
		if place {
			dst[o] = v
		} else {
			dst[i] = v
		}
	}
	return dst, nil
}
