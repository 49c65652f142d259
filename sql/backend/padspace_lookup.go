package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// Lookups over a column of a PAD SPACE collation (see padspace.go).
//
// GMS builds a lookup's ranges and merges them (AND intersects, OR unions) with its own
// string order, which ignores the pad, and drops the filters the ranges cover (string
// comparisons are "precise" to it). `v IN ('a', 'a ')` is two ranges that are one in
// storage: a lookup of several ranges over such an index returns each index entry once
// (lookupIter.seen). Each range's own filter compares with PAD SPACE (lookup.go).
//
// Known difference left: two comparisons of the same column joined by AND whose values
// GMS orders otherwise than PAD SPACE does (they differ only past the shorter one's end,
// by spaces or characters below the space) are intersected wrongly: `v = '' AND v <=
// '\t'` becomes the point '' (so '' and ' ' are returned, although '' > '\t' under PAD
// SPACE), `v >= 'a\t' AND v <= 'a'` becomes empty (MySQL: 'a\t', 'a', 'a '). A scan
// answers as MySQL. Keeping GMS's filters above such lookups (PreciseMatch false) would
// fix the first kind only, at the cost of evaluating them again for every lookup.

// isPadSpaceText reports whether t is a text type whose collation is PAD SPACE.
func isPadSpaceText(t sql.Type) bool {
	if !types.IsTextOnly(t) {
		return false
	}
	st, ok := t.(sql.StringType)
	return ok && st.Collation().PadAttribute() == "PAD SPACE"
}

// hasPadSpace reports whether a key field of ix is a column of a PAD SPACE text type.
func (ix *indexMeta) hasPadSpace(m *tableMeta) bool {
	for _, o := range ix.ext {
		if o < len(m.sch.Schema) && isPadSpaceText(m.sch.Schema[o].Type) {
			return true
		}
	}
	return false
}
