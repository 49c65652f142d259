package backend

import (
	"io"
	"math"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/shopspring/decimal"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// AUTO_INCREMENT.
//
// MySQL (InnoDB) hands AUTO_INCREMENT values out of one counter per table that is not
// transactional: concurrent transactions get distinct values, and a value handed to a
// transaction that rolls back is not handed out again. dsql keeps two counters per table:
//
//   - the stored counter, repo.Table.AutoIncrement(): part of the table's version, so it
//     lives in the session's transaction, is merged by max when transactions commit
//     (sql/session.MergeRoots) and when branches merge, and persists with the working
//     set. Every write of a value v into the column raises it above v (to v itself if v
//     is the column's largest value), so in every root it exceeds every value of the
//     column, or equals the largest;
//   - the live counter (autoIncCounter), in memory, one per (repository, branch, table),
//     shared by every session of the Provider (repoHandle.autoIncs). A generated value is
//     max(live, stored counter of the session's view), and the live counter moves past it
//     at once, under its mutex; an explicit value moves it past that value too, unless
//     the value is out of the column's range (the INSERT fails: 999 into a TINYINT moves
//     nothing). Nothing moves it back except ALTER TABLE ... AUTO_INCREMENT = n and
//     TRUNCATE (which set it, as InnoDB does, to max(n, the column's largest value + 1):
//     never to a value in use; autoIncFloor), and DROP/CREATE/RENAME TABLE (which forget
//     it).
//
// Both counters stop at the column's largest value: once it is in the column the counter
// stays there (SHOW CREATE TABLE says AUTO_INCREMENT=127 for a full TINYINT, as in
// MySQL), and the next generated value is that value again, whose insert fails as a
// duplicate.
//
// Consequences: two sessions inserting concurrently get distinct values (no 1213 at
// COMMIT); rolled-back values leave gaps; a merge from another branch raises the stored
// counter, and so the next value, to at least the merged rows' maximum + 1; after a
// restart the live counters start from the stored ones, so values a rolled-back
// transaction took before the restart may be handed out again (as in MySQL 5.7), but
// never a value present in a committed or working row. Values of one multi-row INSERT
// are consecutive unless another session inserts into the table at the same time
// (innodb_autoinc_lock_mode = 2, "interleaved"). Temporary tables use their stored
// counter only (no other session sees them).

// autoIncTracker holds the live counters of one repository, by branch and folded table
// name. The zero value is ready; safe for concurrent use.
type autoIncTracker struct {
	m sync.Map // autoIncKey -> *autoIncCounter
}

type autoIncKey struct{ branch, table string }

// autoIncCounter is one table's live counter.
type autoIncCounter struct {
	mu   sync.Mutex
	next uint64 // the smallest value not yet handed out or seen (0: none yet)
}

func (tr *autoIncTracker) counter(branch, table string) *autoIncCounter {
	k := autoIncKey{branch, strings.ToLower(table)}
	if c, ok := tr.m.Load(k); ok {
		return c.(*autoIncCounter)
	}
	c, _ := tr.m.LoadOrStore(k, &autoIncCounter{})
	return c.(*autoIncCounter)
}

func (tr *autoIncTracker) lookup(branch, table string) (*autoIncCounter, bool) {
	c, ok := tr.m.Load(autoIncKey{branch, strings.ToLower(table)})
	if !ok {
		return nil, false
	}
	return c.(*autoIncCounter), true
}

func (tr *autoIncTracker) forget(branch, table string) {
	tr.m.Delete(autoIncKey{branch, strings.ToLower(table)})
}

// allocate hands out the next value: max(live, stored, 1), at most limit (the column's
// largest value: once there, the same value is handed out again and its insert fails as
// a duplicate, as in MySQL).
func (c *autoIncCounter) allocate(stored, limit uint64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := min(max(c.next, stored, 1), limit)
	c.next = max(c.next, min(v+1, limit))
	if v == math.MaxUint64 {
		c.next = v
	}
	return v
}

// observe records that v is in the column, whose largest value is limit: later values
// are larger, up to limit.
func (c *autoIncCounter) observe(v, limit uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = max(c.next, nextAutoInc(v, limit))
}

// nextAutoInc is the counter after value v of a column whose largest value is limit:
// v+1, but at most max(v, limit) (and no overflow).
func nextAutoInc(v, limit uint64) uint64 {
	if v >= limit {
		return v
	}
	return v + 1
}

// autoIncFloor returns v, a counter asked for by ALTER TABLE ... AUTO_INCREMENT = v
// (or TRUNCATE, CREATE TABLE ... AUTO_INCREMENT = v), raised to the counter after the
// largest value of m's AUTO_INCREMENT column in the statement's rows, as InnoDB does:
// a value at or below it would hand out an id in use (1062) or reuse a gap.
func (te *tableEdit) autoIncFloor(ctx *sql.Context, m *tableMeta, v uint64) (uint64, error) {
	if m.autoCol < 0 {
		return v, nil
	}
	rows, err := te.ed.Flush(ctx) // the base rows and the statement's edits
	if err != nil {
		return 0, err
	}
	if rows.Count() == 0 {
		return v, nil
	}
	// The column leading the primary key: its largest value is the last row's (the key
	// orders integers numerically). Otherwise every row is read.
	var it *prolly.Iter
	if !m.keyless && len(m.sch.PkOrdinals) > 0 && m.sch.PkOrdinals[0] == m.autoCol {
		it, err = rows.IterOrdinal(ctx, rows.Count()-1, rows.Count())
	} else {
		it, err = rows.Iter(ctx, prolly.All)
	}
	if err != nil {
		return 0, err
	}
	var top uint64
	for {
		k, val, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		var row sql.Row
		if m.keyless {
			row, _, err = m.decodeKeyless(val)
		} else {
			row, err = m.codec.Decode(k, val, nil)
		}
		if err != nil {
			return 0, err
		}
		if u, ok := autoIncValue(row[m.autoCol]); ok && u > top {
			top = u
		}
	}
	if top == 0 {
		return v, nil
	}
	return max(v, nextAutoInc(top, m.autoIncLimit())), nil
}

// set makes v the next value (ALTER TABLE ... AUTO_INCREMENT = v, TRUNCATE).
func (c *autoIncCounter) set(v uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = v
}

func (c *autoIncCounter) peek() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.next
}

// forgetAutoIncrement drops the live counter of table name on the session's branch of
// db (CREATE, DROP and RENAME TABLE call it: a new table with that name starts from its
// stored counter).
func (db *Database) forgetAutoIncrement(ctx *sql.Context, name string) {
	if db.temp || db.rev != nil {
		return
	}
	if b, err := db.Branch(ctx); err == nil {
		db.autoIncs.forget(b, name)
	}
}

// autoIncCounter returns the live counter of the table on the session's branch and the
// largest value of its AUTO_INCREMENT column; nil for tables without one, temporary
// tables and revisions.
func (t *Table) autoIncCounter(ctx *sql.Context) (*autoIncCounter, error) {
	if t.meta.autoCol < 0 || t.db.temp || t.db.rev != nil {
		return nil, nil
	}
	b, err := t.db.Branch(ctx)
	if err != nil {
		return nil, err
	}
	return t.db.autoIncs.counter(b, t.meta.name), nil
}

// autoIncLimit is the largest value of an AUTO_INCREMENT column of type typ.
func autoIncLimit(typ sql.Type) uint64 {
	switch typ.Type() {
	case query.Type_INT8:
		return math.MaxInt8
	case query.Type_UINT8:
		return math.MaxUint8
	case query.Type_INT16:
		return math.MaxInt16
	case query.Type_UINT16:
		return math.MaxUint16
	case query.Type_INT24:
		return 1<<23 - 1
	case query.Type_UINT24:
		return 1<<24 - 1
	case query.Type_INT32:
		return math.MaxInt32
	case query.Type_UINT32:
		return math.MaxUint32
	case query.Type_INT64:
		return math.MaxInt64
	case query.Type_FLOAT32:
		return 1 << 24 // integers a float holds exactly
	case query.Type_FLOAT64:
		return 1 << 53
	}
	return math.MaxUint64
}

// autoIncValue returns v, a value of an AUTO_INCREMENT column, as a counter value;
// ok=false for NULL, zero and negative values (which MySQL does not count).
func autoIncValue(v any) (uint64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case int8:
		return uint64(x), x > 0
	case int16:
		return uint64(x), x > 0
	case int32:
		return uint64(x), x > 0
	case int64:
		return uint64(x), x > 0
	case int:
		return uint64(x), x > 0
	case uint8:
		return uint64(x), x > 0
	case uint16:
		return uint64(x), x > 0
	case uint32:
		return uint64(x), x > 0
	case uint64:
		return x, x > 0
	case uint:
		return uint64(x), x > 0
	case float32:
		return floatAutoInc(float64(x))
	case float64:
		return floatAutoInc(x)
	case decimal.Decimal:
		if !x.IsPositive() {
			return 0, false
		}
		f, _ := x.Float64()
		return floatAutoInc(f)
	}
	return 0, false // not a type MySQL allows for AUTO_INCREMENT
}

func floatAutoInc(f float64) (uint64, bool) {
	if !(f >= 1) { // NaN, zero, negative, fractions below 1
		return 0, false
	}
	if f >= math.MaxUint64 {
		return math.MaxUint64, true
	}
	return uint64(f), true
}

// noteAutoInc records that the statement wrote value v into the AUTO_INCREMENT column of
// table m: the stored and the live counter move past it (up to the column's largest
// value).
func (te *tableEdit) noteAutoInc(m *tableMeta, v any) {
	u, ok := autoIncValue(v)
	if !ok {
		return
	}
	limit := m.autoIncLimit()
	if next := nextAutoInc(u, limit); next > te.autoInc {
		te.autoInc, te.autoIncDirty = next, true
	}
	if te.ai != nil {
		te.ai.observe(u, limit)
	}
}

// autoIncLimit is the largest value of m's AUTO_INCREMENT column (MaxUint64 if none).
func (m *tableMeta) autoIncLimit() uint64 {
	if m.autoCol < 0 {
		return math.MaxUint64
	}
	return autoIncLimit(m.sch.Schema[m.autoCol].Type)
}

func initialAutoInc(m *tableMeta, rt repo.Table) uint64 {
	n := rt.AutoIncrement()
	if n == 0 && m.autoCol >= 0 {
		n = 1
	}
	return n
}

// PeekNextAutoIncrementValue implements sql.AutoIncrementGetter: the value the next
// generated row would get (SHOW CREATE TABLE, information_schema.tables).
func (t *Table) PeekNextAutoIncrementValue(ctx *sql.Context) (uint64, error) {
	var stored uint64
	if t.db.rev == nil {
		s, err := sessionOf(ctx)
		if err != nil {
			return 0, err
		}
		es, err := s.Edits(ctx, t.db)
		if err != nil {
			return 0, err
		}
		if te := es.get(t.meta.name); te != nil {
			stored = te.autoInc
		}
	}
	if stored == 0 {
		_, _, rt, err := t.current(ctx)
		if err != nil {
			return 0, err
		}
		stored = initialAutoInc(t.meta, rt)
	}
	if t.meta.autoCol >= 0 && !t.db.temp && t.db.rev == nil {
		if b, err := t.db.Branch(ctx); err == nil {
			if c, ok := t.db.autoIncs.lookup(b, t.meta.name); ok {
				stored = max(stored, c.peek())
			}
		}
	}
	return stored, nil
}

// GetNextAutoIncrementValue implements sql.AutoIncrementTable. insertVal nil asks for a
// generated value (handed out now, see the AUTO_INCREMENT notes above); an explicit value
// moves the live counter past it and is returned as is. An explicit value out of the
// column's range moves nothing: GMS refuses it right after this call (and the live
// counter is not transactional, so moving it would outlive the failed statement).
func (t *Table) GetNextAutoIncrementValue(ctx *sql.Context, insertVal any) (uint64, error) {
	te, err := (&tableEditor{t: t}).edit(ctx)
	if err != nil {
		return 0, err
	}
	limit := t.meta.autoIncLimit()
	if insertVal != nil {
		u, ok := autoIncValue(insertVal)
		if !ok {
			return 0, nil
		}
		if te.ai != nil && t.meta.autoCol >= 0 {
			typ := t.meta.sch.Schema[t.meta.autoCol].Type
			if _, inRange, err := typ.Convert(ctx, insertVal); err == nil && inRange == sql.InRange {
				te.ai.observe(u, limit)
			}
		}
		return u, nil
	}
	if te.ai != nil {
		return te.ai.allocate(te.autoInc, limit), nil
	}
	// A temporary table: its stored counter is the session's own.
	v := min(max(te.autoInc, 1), limit)
	if v < limit && v+1 > te.autoInc {
		te.autoInc, te.autoIncDirty = v+1, true
	}
	return v, nil
}
