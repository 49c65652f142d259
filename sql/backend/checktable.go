package backend

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
)

// CHECK TABLE and CHECKSUM TABLE (server/tablemaint.go runs the statements).

// ErrNotChecked marks a table VerifyTable and TableChecksum cannot look into: a system
// table, a view's rows, any sql.Table that is not this package's.
var ErrNotChecked = errors.New("backend: not a dsql table")

// VerifyTable checks table t (as the session's transaction sees it) and returns what it
// found wrong, nothing for a sound table:
//
//   - every secondary index has a map, and (unless quick) holds exactly one entry per
//     row, the key the table editor writes for it, no entry for a missing row and no
//     two equal keys in a unique index (CheckTableIndexes);
//   - unless quick, every node of the row map and of each index map, read from the
//     store rather than from a cache, hashes to its address (prolly.Map.Verify): the
//     bytes on disk are the bytes that were written.
//
// quick (CHECK TABLE ... QUICK or FAST) only compares each index's entry count with the
// row count, which costs no reads. The full check reads every node once per map and
// holds one index's keys of every row in memory at a time (CheckTableIndexes sorts
// them), so it needs memory in proportion to the table. err is for failures to check (a cancelled context).
func VerifyTable(ctx *sql.Context, t sql.Table, quick bool) (problems []string, err error) {
	bt, ok := unwrapTable(t)
	if !ok {
		return nil, ErrNotChecked
	}
	_, _, rt, err := bt.current(ctx)
	if err != nil {
		return nil, err
	}
	m := bt.meta
	ixs, err := m.indexes()
	if err != nil {
		return nil, err
	}
	rows := rt.Rows()
	if !quick {
		if err := rows.Verify(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			problems = append(problems, fmt.Sprintf("rows: %v", err))
		}
	}
	for _, ix := range ixs {
		if ix.primary {
			continue
		}
		mp, ok := rt.Index(ix.name)
		if !ok {
			problems = append(problems, fmt.Sprintf("index %s: missing", ix.name))
			continue
		}
		if mp.Count() != rows.Count() {
			problems = append(problems, fmt.Sprintf("index %s: %d entries for %d rows", ix.name, mp.Count(), rows.Count()))
		}
		if quick {
			continue
		}
		if err := mp.Verify(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			problems = append(problems, fmt.Sprintf("index %s: %v", ix.name, err))
			continue // its entries cannot be read reliably
		}
		if err := checkIndex(ctx, m, ix, rows, mp); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			problems = append(problems, strings.TrimPrefix(err.Error(), ErrIndexInconsistent.Error()+": "))
		}
	}
	return problems, nil
}

// TableChecksum returns CHECKSUM TABLE's value for t: 0 for a table without rows, else
// the first 63 bits of the row map's root hash (never 0). A prolly tree's root hash is
// a function of its entries alone (history independence), so two tables with the same
// rows, encoded the same way, have the same checksum in any repository and on any
// branch, and any change to a row changes it; it costs no reads.
func TableChecksum(ctx *sql.Context, t sql.Table) (uint64, error) {
	bt, ok := unwrapTable(t)
	if !ok {
		return 0, ErrNotChecked
	}
	_, _, rt, err := bt.current(ctx)
	if err != nil {
		return 0, err
	}
	rows := rt.Rows()
	if rows.Count() == 0 {
		return 0, nil
	}
	h := rows.Hash()
	sum := binary.BigEndian.Uint64(h[:8]) >> 1
	if sum == 0 {
		sum = 1
	}
	return sum, nil
}

// unwrapTable returns the *Table under t (through sql.TableWrappers).
func unwrapTable(t sql.Table) (*Table, bool) {
	for {
		switch x := t.(type) {
		case *Table:
			return x, true
		case sql.TableWrapper:
			t = x.Underlying()
		default:
			return nil, false
		}
	}
}
