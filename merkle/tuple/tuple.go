package tuple

import (
	"bytes"
	"encoding/binary"
)

// Tuple is the encoding of one row's fields (a key or a value of a table or index); see
// the package documentation for its bytes. A Tuple means nothing without the Desc it was
// built with. Tuples are immutable once built: readers may share them freely, and slices
// returned by getters alias the tuple's bytes.
type Tuple []byte

// Layout constants; see the package documentation.
const (
	footerSize   = 2
	wideOffsets  = 0x8000 // footer flag: offsets are 4 bytes instead of 2
	countMask    = 0x7FFF // footer bits holding the stored field count
	narrowMaxEnd = 0xFFFF // the largest data size that uses 2-byte offsets
)

// view locates the regions of a tuple. A view of bytes that do not parse has no fields,
// so every field reads as NULL: accessors never panic on corrupt input.
type view struct {
	t     []byte
	n     int // stored field count: fields n.. are NULL (trimmed)
	w     int // offset width: 2 or 4
	end   int // end of the field data = start of the offsets
	nulls int // start of the null bitmap, or -1 if the Desc has no nullable field
}

func (d *desc) view(t []byte) view {
	var v view
	d.initView(&v, t)
	return v
}

// initView sets *v to the view of t (writing in place avoids copying views around).
func (d *desc) initView(v *view, t []byte) {
	*v = view{}
	if len(t) < footerSize {
		return
	}
	f := int(t[len(t)-2])<<8 | int(t[len(t)-1])
	n := f & countMask
	if n > len(d.fields) {
		return
	}
	w := 2
	if f&wideOffsets != 0 {
		w = 4
	}
	end := len(t) - footerSize
	nulls := -1
	if d.hasNullable {
		end -= (n + 7) >> 3
		nulls = end
	}
	if n > 0 {
		end -= (n - 1) * w
	}
	if end < 0 {
		return
	}
	v.t, v.n, v.w, v.end, v.nulls = t, n, w, end, nulls
}

// offsetAt reads the stored end offset of field i (i < n-1).
func (v *view) offsetAt(i int) int {
	p := v.end + i*v.w
	if v.w == 2 {
		return int(v.t[p])<<8 | int(v.t[p+1])
	}
	return int(binary.BigEndian.Uint32(v.t[p:]))
}

// fieldEnd returns the end offset of field i (i < n).
func (v *view) fieldEnd(i int) int {
	if i == v.n-1 {
		return v.end
	}
	return v.offsetAt(i)
}

func (v *view) isNull(i int) bool {
	if i < 0 || i >= v.n {
		return true
	}
	return v.nulls >= 0 && v.t[v.nulls+i>>3]&(1<<(i&7)) != 0
}

// field returns the bytes of field i and true, or nil and false if it is NULL (or its
// offsets are corrupt).
func (v *view) field(i int) ([]byte, bool) {
	if v.isNull(i) {
		return nil, false
	}
	s := 0
	if i > 0 {
		s = v.offsetAt(i - 1)
	}
	e := v.fieldEnd(i)
	if s > e || e > v.end {
		return nil, false
	}
	return v.t[s:e], true
}

// Compare orders tuples of this Desc field by field: the first field that differs decides;
// NULL sorts before every value; each field compares as its encoding orders (see the
// package documentation, "Order matches MySQL"). It is the comparator of prolly tree keys:
// its parameters are []byte (Tuples convert implicitly) so that the method value d.Compare
// is a prolly.Compare.
//
// Compare does not allocate. When every field is fixed-width and non-nullable it is a
// single bytes.Compare of the tuples; leading fixed-width non-nullable fields are compared
// with one bytes.Compare of their region. It never panics: bytes that Validate would refuse
// compare in some unspecified but deterministic way.
func (d Desc) Compare(a, b []byte) int {
	dd := d.d
	if dd == nil {
		return bytes.Compare(a, b)
	}
	if dd.allFixed {
		// Every valid tuple has the same length and the same offsets and footer bytes, and
		// every fixed-width encoding is memcmp-ordered.
		return bytes.Compare(a, b)
	}
	if dd.tailVar {
		if c, ok := dd.compareTail(a, b); ok {
			return c
		}
	}
	from := 0
	if p := dd.prefixLen; p > 0 && len(a) >= p && len(b) >= p {
		if c := bytes.Compare(a[:p], b[:p]); c != 0 {
			return c
		}
		from = dd.prefixFields
	}
	return dd.compareFrom(a, b, from)
}

// compareTail compares tuples of a Desc whose fields are a fixed-width non-nullable prefix
// and one non-nullable variable-width field. ok is false for bytes too short to hold them.
func (d *desc) compareTail(a, b []byte) (c int, ok bool) {
	p := d.prefixLen
	ea, eb := tailEnd(a, d.tailNarrow, d.tailWide), tailEnd(b, d.tailNarrow, d.tailWide)
	if ea < p || eb < p {
		return 0, false
	}
	if c := bytes.Compare(a[:p], b[:p]); c != 0 {
		return c, true
	}
	if d.tailColl != nil {
		return d.tailColl.Compare(a[p:ea], b[p:eb]), true
	}
	return bytes.Compare(a[p:ea], b[p:eb]), true
}

// tailEnd returns where the field data of t ends given the trailer sizes for narrow and
// wide offsets, or -1 if t is too short.
func tailEnd(t []byte, narrow, wide int) int {
	if len(t) < footerSize {
		return -1
	}
	if t[len(t)-2]&(wideOffsets>>8) != 0 {
		return len(t) - wide
	}
	return len(t) - narrow
}

func (d *desc) compareFrom(a, b []byte, from int) int {
	var va, vb view
	d.initView(&va, a)
	d.initView(&vb, b)
	n := max(va.n, vb.n)
	for i := from; i < n; i++ {
		fa, oka := va.field(i)
		fb, okb := vb.field(i)
		if !oka || !okb {
			if oka == okb {
				continue
			}
			if !oka {
				return -1
			}
			return 1
		}
		var c int
		if coll := d.fields[i].coll; coll != nil {
			c = coll.Compare(fa, fb)
		} else {
			c = bytes.Compare(fa, fb)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// CompareField compares field i of a and b as Compare would (NULL first). It returns 0 if
// i is out of range.
func (d Desc) CompareField(i int, a, b Tuple) int {
	if d.d == nil || i < 0 || i >= len(d.d.fields) {
		return 0
	}
	va, vb := d.d.view(a), d.d.view(b)
	fa, oka := va.field(i)
	fb, okb := vb.field(i)
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return -1
	case !okb:
		return 1
	}
	if coll := d.d.fields[i].coll; coll != nil {
		return coll.Compare(fa, fb)
	}
	return bytes.Compare(fa, fb)
}

// Count returns the number of fields stored in t: fields past it are NULL (trailing NULLs
// are trimmed). It returns 0 for bytes that do not parse.
func (d Desc) Count(t Tuple) int {
	if d.d == nil {
		return 0
	}
	v := d.d.view(t)
	return v.n
}

// IsNull reports whether field i of t is NULL. Out-of-range fields read as NULL.
func (d Desc) IsNull(t Tuple, i int) bool {
	if d.d == nil {
		return true
	}
	v := d.d.view(t)
	return v.isNull(i)
}

// Raw returns the encoded bytes of field i of t and true, or nil and false if the field is
// NULL. The slice aliases t.
func (d Desc) Raw(t Tuple, i int) ([]byte, bool) {
	if d.d == nil {
		return nil, false
	}
	v := d.d.view(t)
	return v.field(i)
}
