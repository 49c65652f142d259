package typeconv

import (
	"unsafe"

	"github.com/dolthub/go-mysql-server/sql"
)

// Arena sizes: a decoded row's values, and the bytes of its short strings, are carved
// from chunks that double from arenaFirstSlots slots and arenaFirstBytes bytes (a point
// lookup's one row costs no more than before) up to arenaSlots slots and arenaBytes
// bytes, so that a scan of n rows allocates about n/64 value chunks and n*len/2048 byte
// chunks instead of one row and one string per row. A string longer than
// arenaMaxString, or a row wider than arenaSlots/4, gets its own allocation.
const (
	arenaFirstSlots = 8
	arenaSlots      = 64
	arenaFirstBytes = 256
	arenaBytes      = 2048
	arenaMaxString  = 256
)

// Arena hands out the memory of decoded rows: their value slots and the bytes of their
// String fields, in chunks (RowCodec.DecodeColumnsIn). Every row and string handed out
// is distinct memory that the Arena never writes again, so callers own what they get
// exactly as if it had been allocated on its own (rows may be kept, modified in place
// and sent to other goroutines); the only difference is that a value kept alive keeps
// its chunk alive (at most arenaSlots values or arenaBytes bytes). Use one Arena per
// row stream (a table or index scan). The zero Arena is ready to use; an Arena is not
// safe for concurrent use.
//
// With Immutable set, the caller promises that the tuples it decodes through the Arena
// are Go memory that is never modified while anything can reach it (prolly's node
// bytes: its Immutability invariant), and String then returns a string over the
// tuple's own bytes instead of a copy (a scan of a text column copies nothing; a kept
// string keeps its node's bytes alive, as a copy in a chunk keeps its chunk).
type Arena struct {
	// Immutable: the decoded tuples' bytes never change (see above).
	Immutable bool
	vals      []any  // unused value slots
	buf       []byte // bytes of the current chunk; buf[len(buf):cap(buf)] is free
	// nvals and nbuf are the sizes of the last chunks made (they double).
	nvals, nbuf int
}

// Row returns a row of n nil values.
func (a *Arena) Row(n int) sql.Row {
	if n > arenaSlots/4 {
		return make(sql.Row, n)
	}
	if len(a.vals) < n {
		a.nvals = min(max(2*a.nvals, arenaFirstSlots), arenaSlots)
		a.vals = make([]any, max(a.nvals, n))
	}
	r := a.vals[:n:n]
	a.vals = a.vals[n:]
	return r
}

// String returns a string holding a copy of b, or, with a.Immutable, holding b itself.
func (a *Arena) String(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if a.Immutable {
		return unsafe.String(&b[0], n)
	}
	if n > arenaMaxString {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < n {
		a.nbuf = min(max(2*a.nbuf, arenaFirstBytes), arenaBytes)
		a.buf = make([]byte, 0, max(a.nbuf, n))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	// a.buf[start:start+n] is never written again: appends only write past len(a.buf),
	// and a new chunk replaces a full one. So the string is immutable, as Go requires.
	return unsafe.String(&a.buf[start], n)
}

// box returns the string of b as an interface value.
func (a *Arena) box(b []byte) any {
	return a.String(b)
}
