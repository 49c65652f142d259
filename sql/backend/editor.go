package backend

import (
	"context"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/plan"

	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// EditSet holds one statement's unflushed row edits of one database, per table: a prolly
// Editor over the table's rows as the statement began and the table's AUTO_INCREMENT
// counter. Every editor GMS opens for the statement (the inserter and updater of INSERT
// ... ON DUPLICATE KEY UPDATE, say) shares it, so each sees the others' edits.
// StatementComplete applies it to the session's root (Apply); DiscardChanges drops it
// (Discard): that is statement atomicity.
//
// An EditSet belongs to one session and is not safe for concurrent use.
type EditSet struct {
	tables map[string]*tableEdit // by folded table name
	// replacing: the running REPLACE statement's notes of its target table (by folded
	// name; replacecount.go). Not cleared by Apply or Discard: a trigger body that ends
	// its own statement applies the edit set in the middle of the REPLACE.
	replacing map[string]*replaceCount
	ixBuf     []repo.IndexMap // Apply's reused list of a table's new index maps
}

type tableEdit struct {
	base         repo.Table
	ed           *prolly.Editor
	ix           *indexEdits // secondary index edits, started lazily (index_edit.go)
	autoInc      uint64      // the stored AUTO_INCREMENT counter (autoinc.go)
	autoIncDirty bool
	ai           *autoIncCounter // the live counter; nil: none (autoinc.go)
	flushed      bool            // base holds edits flushed mid-statement (foreignkey_editor.go)
	replace      *replaceCount   // EditSet.replacing's entry of this table; nil: none
}

// NewEditSet returns an empty EditSet.
func NewEditSet() *EditSet {
	return &EditSet{tables: map[string]*tableEdit{}, replacing: map[string]*replaceCount{}}
}

// Pending reports whether there are edits to apply.
func (es *EditSet) Pending() bool { return len(es.tables) > 0 }

// Discard drops every pending edit.
func (es *EditSet) Discard() { clear(es.tables) }

func (es *EditSet) get(name string) *tableEdit { return es.tables[strings.ToLower(name)] }

func (es *EditSet) drop(name string) { delete(es.tables, strings.ToLower(name)) }

// Apply writes the pending edits into root and returns the new root; the EditSet is then
// empty. A table dropped from root since its edits began is skipped.
func (es *EditSet) Apply(ctx context.Context, root repo.Root) (repo.Root, error) {
	names := make([]string, 0, len(es.tables))
	for n := range es.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		te := es.tables[n]
		if te.ed.Pending() == 0 && !te.autoIncDirty && !te.flushed {
			continue
		}
		if !root.HasTable(n) {
			continue
		}
		rows, err := te.ed.Flush(ctx)
		if err != nil {
			return repo.Root{}, err
		}
		// One table chunk for rows, indexes and counter together.
		edits := repo.TableEdits{Rows: &rows, AutoInc: te.autoInc, SetAutoInc: te.autoIncDirty}
		if edits.Indexes, err = te.flushIndexes(ctx, es.ixBuf[:0]); err != nil {
			return repo.Root{}, err
		}
		t, err := te.base.WithEdits(ctx, edits)
		clear(edits.Indexes) // keep no maps alive
		es.ixBuf = edits.Indexes[:0]
		if err != nil {
			return repo.Root{}, err
		}
		if root, err = root.PutTable(ctx, t); err != nil {
			return repo.Root{}, err
		}
	}
	es.Discard()
	return root, nil
}

// tableEditor is every editor of a Table: RowInserter, RowUpdater, RowDeleter,
// RowReplacer and AutoIncrementSetter. It keeps no state of its own: edits live in the
// session's EditSet. Not safe for concurrent use.
type tableEditor struct {
	t *Table
}

var (
	_ sql.RowInserter         = (*tableEditor)(nil)
	_ sql.RowUpdater          = (*tableEditor)(nil)
	_ sql.RowDeleter          = (*tableEditor)(nil)
	_ sql.RowReplacer         = (*tableEditor)(nil)
	_ sql.TableEditor         = (*tableEditor)(nil)
	_ sql.AutoIncrementSetter = (*tableEditor)(nil)
)

// edit returns the statement's tableEdit of the table, starting it from the session's
// current root.
func (e *tableEditor) edit(ctx *sql.Context) (*tableEdit, error) {
	s, err := sessionOf(ctx)
	if err != nil {
		return nil, err
	}
	es, err := s.Edits(ctx, e.t.db)
	if err != nil {
		return nil, err
	}
	if te := es.get(e.t.meta.name); te != nil {
		return te, nil
	}
	_, _, rt, err := e.t.current(ctx)
	if err != nil {
		return nil, err
	}
	ai, err := e.t.autoIncCounter(ctx)
	if err != nil {
		return nil, err
	}
	name := strings.ToLower(e.t.meta.name)
	te := &tableEdit{base: rt, ed: rt.Rows().Edit(), autoInc: initialAutoInc(e.t.meta, rt), ai: ai, replace: es.replacing[name]}
	es.tables[name] = te
	return te, nil
}

// StatementBegin implements sql.EditOpenerCloser. Edits start lazily at the first write.
func (e *tableEditor) StatementBegin(*sql.Context) {}

// DiscardChanges implements sql.EditOpenerCloser: the statement's edits are dropped.
func (e *tableEditor) DiscardChanges(ctx *sql.Context, _ error) error {
	s, err := sessionOf(ctx)
	if err != nil {
		return err
	}
	es, err := s.Edits(ctx, e.t.db)
	if err != nil {
		return err
	}
	es.Discard()
	return nil
}

// StatementComplete implements sql.EditOpenerCloser: the statement's edits become part of
// the transaction's root.
func (e *tableEditor) StatementComplete(ctx *sql.Context) error { return e.flush(ctx) }

// Close implements sql.Closer: anything not yet flushed (an editor used outside GMS's
// statement protocol) is flushed.
func (e *tableEditor) Close(ctx *sql.Context) error { return e.flush(ctx) }

func (e *tableEditor) flush(ctx *sql.Context) error {
	fixDupWarnings(ctx) // dupkey.go
	s, err := sessionOf(ctx)
	if err != nil {
		return err
	}
	es, err := s.Edits(ctx, e.t.db)
	if err != nil || !es.Pending() {
		return err
	}
	// Row changes of permanent tables are refused in a READ ONLY transaction (GMS's
	// analyzer refuses them first; DDL, which commits implicitly, is allowed).
	if tx := ctx.GetTransaction(); tx != nil && tx.IsReadOnly() && !e.t.db.temp {
		es.Discard()
		return sql.ErrReadOnlyTransaction.New()
	}
	root, err := s.WorkingRoot(ctx, e.t.db)
	if err != nil {
		return err
	}
	if root, err = es.Apply(ctx, root); err != nil {
		return err
	}
	return s.SetWorkingRoot(ctx, e.t.db, root)
}

// Insert implements sql.RowInserter. A duplicate primary key is sql.NewUniqueKeyErr with
// the existing row, which INSERT ... ON DUPLICATE KEY UPDATE and REPLACE act on. CHAR
// values are stored without trailing spaces (typeconv.TrimCharRow; row is not modified).
func (e *tableEditor) Insert(ctx *sql.Context, row sql.Row) error {
	te, err := e.edit(ctx)
	if err != nil {
		return err
	}
	te.replace.noteTry()
	m := e.t.meta
	row = typeconv.TrimCharRow(m.sch.Schema, row)
	if m.keyless {
		if err := e.insertKeyless(ctx, te, row); err != nil {
			return err
		}
	} else {
		key, val, err := m.encodePK(row)
		if err != nil {
			return err
		}
		// The existing row is decoded from its stored key: under a case-insensitive or
		// PAD SPACE collation it may be spelled differently from row's ('abc' stored,
		// 'ABC' inserted), and ON DUPLICATE KEY UPDATE keeps the stored spelling.
		stored, old, found, err := te.ed.GetEntry(ctx, key)
		if err != nil {
			return err
		}
		if found {
			existing, err := m.codec.Decode(stored, old, nil)
			if err != nil {
				return err
			}
			return dupKeyErr(ctx, m, nil, row, existing)
		}
		if err := e.indexInsert(ctx, te, row, key); err != nil {
			return err
		}
		if err := te.ed.Put(key, val); err != nil {
			return err
		}
	}
	te.replace.noteInsert(row)
	if m.autoCol >= 0 {
		te.noteAutoInc(m, row[m.autoCol])
	}
	return nil
}

func (e *tableEditor) insertKeyless(ctx *sql.Context, te *tableEdit, row sql.Row) error {
	m := e.t.meta
	key, _, err := m.encodeKeyless(row, 1)
	if err != nil {
		return err
	}
	var n uint64
	if old, found, err := te.ed.Get(ctx, key); err != nil {
		return err
	} else if found {
		n, _ = m.kvalDesc.GetUint(old, 0)
	}
	if err := e.indexInsert(ctx, te, row, key); err != nil {
		return err
	}
	_, val, err := m.encodeKeyless(row, n+1)
	if err != nil {
		return err
	}
	return te.ed.Put(key, val)
}

// Delete implements sql.RowDeleter; sql.ErrDeleteRowNotFound if the row is absent. A
// REPLACE's delete of the row it collided with fires the table's DELETE triggers around it
// (replacetrigger.go).
func (e *tableEditor) Delete(ctx *sql.Context, row sql.Row) error {
	te, err := e.edit(ctx)
	if err != nil {
		return err
	}
	rc := te.replace
	if !rc.noteDelete(row) {
		return e.delete(ctx, te, row)
	}
	// The triggers' reads see the statement's writes so far: the edit set is applied to
	// the session's root before they run (GMS's savepoint undoes it if the statement
	// fails), as a trigger body's own writes apply it.
	if rc.trig != nil {
		if err := e.flush(ctx); err != nil {
			return err
		}
	}
	if err := rc.fireDelete(ctx, plan.BeforeTrigger, row); err != nil {
		return err
	}
	if te, err = e.edit(ctx); err != nil { // the edit set may have been applied
		return err
	}
	if err := e.delete(ctx, te, row); err != nil {
		return err
	}
	if rc.trig != nil {
		if err := e.flush(ctx); err != nil {
			return err
		}
	}
	return rc.fireDelete(ctx, plan.AfterTrigger, row)
}

func (e *tableEditor) delete(ctx *sql.Context, te *tableEdit, row sql.Row) error {
	m := e.t.meta
	if !m.keyless {
		key, _, err := m.encodePK(row)
		if err != nil {
			return err
		}
		found, err := editorHas(ctx, te.ed, key)
		if err != nil {
			return err
		}
		if !found {
			return sql.ErrDeleteRowNotFound.New()
		}
		if err := e.indexDelete(te, row, key); err != nil {
			return err
		}
		te.ed.Delete(key)
		return nil
	}
	key, _, err := m.encodeKeyless(row, 1)
	if err != nil {
		return err
	}
	old, found, err := te.ed.Get(ctx, key)
	if err != nil {
		return err
	}
	if !found {
		return sql.ErrDeleteRowNotFound.New()
	}
	n, _ := m.kvalDesc.GetUint(old, 0)
	if n <= 1 {
		if err := e.indexDelete(te, row, key); err != nil {
			return err
		}
		te.ed.Delete(key)
		return nil
	}
	_, val, err := m.encodeKeyless(row, n-1)
	if err != nil {
		return err
	}
	return te.ed.Put(key, val)
}

func editorHas(ctx context.Context, ed *prolly.Editor, key []byte) (bool, error) {
	_, found, err := ed.Get(ctx, key)
	return found, err
}

// Update implements sql.RowUpdater. Changing a primary key onto an existing row is a
// duplicate-key error. old is the row as stored (as Delete's row is: it is encoded as it
// is, so that a CHAR value stored with trailing spaces before they were removed on write
// is still found); new's CHAR values are stored without trailing spaces.
func (e *tableEditor) Update(ctx *sql.Context, old, new sql.Row) error {
	te, err := e.edit(ctx)
	if err != nil {
		return err
	}
	m := e.t.meta
	new = typeconv.TrimCharRow(m.sch.Schema, new)
	if m.keyless {
		if err := e.indexCheckUpdate(ctx, te, old, new); err != nil {
			return err
		}
		if err := e.delete(ctx, te, old); err != nil {
			return err
		}
		return e.insertKeyless(ctx, te, new)
	}
	oldKey, _, err := m.encodePK(old)
	if err != nil {
		return err
	}
	key, val, err := m.encodePK(new)
	if err != nil {
		return err
	}
	if string(oldKey) != string(key) {
		// A key spelled differently but equal under the collation ('abc' -> 'ABC') finds
		// the row itself: that is a change of spelling, not a duplicate.
		stored, prev, found, err := te.ed.GetEntry(ctx, key)
		if err != nil {
			return err
		}
		if found && string(stored) != string(oldKey) {
			existing, err := m.codec.Decode(key, prev, nil)
			if err != nil {
				return err
			}
			return dupKeyErr(ctx, m, nil, new, existing)
		}
	}
	if err := e.indexUpdate(ctx, te, old, oldKey, new, key); err != nil {
		return err
	}
	if string(oldKey) != string(key) {
		te.ed.Delete(oldKey)
	}
	if m.autoCol >= 0 { // MySQL 8: an UPDATE of the column moves the counter too
		te.noteAutoInc(m, new[m.autoCol])
	}
	return te.ed.Put(key, val)
}

// SetAutoIncrementValue implements sql.AutoIncrementSetter (ALTER TABLE ...
// AUTO_INCREMENT = v, CREATE TABLE ... AUTO_INCREMENT = v, TRUNCATE): both counters
// become v, but never a value at or below the largest in the column (InnoDB: the
// counter becomes max(v, max(column)+1); autoinc.go).
func (e *tableEditor) SetAutoIncrementValue(ctx *sql.Context, v uint64) error {
	te, err := e.edit(ctx)
	if err != nil {
		return err
	}
	if v, err = te.autoIncFloor(ctx, e.t.meta, v); err != nil {
		return err
	}
	te.autoInc, te.autoIncDirty = v, true
	if te.ai != nil {
		te.ai.set(v)
	}
	return nil
}

// AcquireAutoIncrementLock implements sql.AutoIncrementSetter. The live counter takes
// its own short lock per value (autoinc.go), so no statement-long lock is needed.
func (e *tableEditor) AcquireAutoIncrementLock(*sql.Context) (func(), error) {
	return func() {}, nil
}
