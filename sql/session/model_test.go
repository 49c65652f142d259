package session_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// seed returns DSQL_SEED if set, else a fresh seed; it is logged so a failure replays.
func seed(t *testing.T) uint64 {
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("DSQL_SEED"); v != "" {
		var err error
		s, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("seed %d (replay with DSQL_SEED=%d)", s, s)
	return s
}

type rowsModel map[int]int // id -> v; absent: no row

func (m rowsModel) clone() rowsModel {
	c := make(rowsModel, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (m rowsModel) rows() []gmssql.Row {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	var out []gmssql.Row
	for _, k := range ks {
		out = append(out, gmssql.Row{int32(k), int32(m[k])})
	}
	return out
}

// nonEmpty returns nil for an empty result (the model's form of "no rows").
func nonEmpty(rows []gmssql.Row) []gmssql.Row {
	if len(rows) == 0 {
		return nil
	}
	return rows
}

func same(a, b rowsModel, k int) bool {
	va, ina := a[k]
	vb, inb := b[k]
	return ina == inb && va == vb
}

// op is one random DML statement and its effect on a view of the table.
type op struct {
	sql   string
	apply func(view rowsModel) (dup bool) // mutates view; dup: duplicate-key error
}

func randomOp(rng *rand.Rand, keys int) op {
	k, v := rng.IntN(keys), rng.IntN(3) // few values: convergent changes happen
	switch rng.IntN(4) {
	case 0:
		return op{fmt.Sprintf("INSERT INTO t VALUES (%d, %d)", k, v), func(m rowsModel) bool {
			if _, ok := m[k]; ok {
				return true
			}
			m[k] = v
			return false
		}}
	case 1:
		return op{fmt.Sprintf("UPDATE t SET v = %d WHERE id = %d", v, k), func(m rowsModel) bool {
			if _, ok := m[k]; ok {
				m[k] = v
			}
			return false
		}}
	case 2:
		return op{fmt.Sprintf("UPDATE t SET v = v + 1 WHERE id = %d", k), func(m rowsModel) bool {
			if _, ok := m[k]; ok {
				m[k]++
			}
			return false
		}}
	default:
		return op{fmt.Sprintf("DELETE FROM t WHERE id = %d", k), func(m rowsModel) bool {
			delete(m, k)
			return false
		}}
	}
}

// Isolation, randomized: N sessions run interleaved explicit transactions and autocommit
// statements on a small key space. A serial model applies the successful commits in
// commit order. For every statement the model predicts the outcome: reads see the
// transaction's snapshot (taken at BEGIN) plus its own writes; a COMMIT fails with 1213
// exactly when a row it changed was changed differently by a transaction that committed
// since its snapshot, or inserted or updated by both, even to the same row (that would
// hide lost increments; see checkConvergent), and then applies nothing; otherwise the commit's changes are
// applied over everything committed before. The table must equal the model at the end,
// so no update is ever lost.
func TestRandomTransactionsMatchSerialModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(seed(t), 1))
	e, ctx := setup(t, disks{})
	e.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	const keys, sessions, steps = 6, 4, 1500
	type client struct {
		ctx        *gmssql.Context
		inTx       bool
		snap, view rowsModel
	}
	committed := rowsModel{}
	clients := make([]*client, sessions)
	for i := range clients {
		clients[i] = &client{ctx: e.session()}
	}
	var commits, aborts, convergent int
	for step := range steps {
		c := clients[rng.IntN(sessions)]
		where := func(q string) string { return fmt.Sprintf("step %d: %s", step, q) }
		if !c.inTx {
			if rng.IntN(3) == 0 { // an autocommit statement
				o := randomOp(rng, keys)
				next := committed.clone()
				dup := o.apply(next)
				_, err := e.query(c.ctx, o.sql)
				if dup {
					require.ErrorContains(t, err, "duplicate", where(o.sql))
					continue
				}
				require.NoError(t, err, where(o.sql))
				committed = next
				continue
			}
			e.exec(c.ctx, "BEGIN")
			c.inTx, c.snap, c.view = true, committed.clone(), committed.clone()
			continue
		}
		switch r := rng.IntN(12); {
		case r < 7:
			o := randomOp(rng, keys)
			dup := o.apply(c.view)
			_, err := e.query(c.ctx, o.sql)
			if dup {
				require.ErrorContains(t, err, "duplicate", where(o.sql))
			} else {
				require.NoError(t, err, where(o.sql))
			}
		case r < 8:
			require.Equal(t, c.view.rows(), nonEmpty(e.rows(c.ctx, "SELECT * FROM t ORDER BY id")), where("SELECT (repeatable read)"))
		case r < 11:
			ok := true
			changed := map[int]bool{}
			for k := range keys {
				if !same(c.view, c.snap, k) {
					changed[k] = true
					_, inView := c.view[k]
					_, inCommitted := committed[k]
					switch {
					case same(committed, c.snap, k):
					case !inView && !inCommitted: // both deleted it: merged
						convergent++
					default: // changed on both sides, even to the same row: 1213
						ok = false
					}
				}
			}
			_, err := e.query(c.ctx, "COMMIT")
			if ok {
				require.NoError(t, err, where("COMMIT"))
				for k := range changed {
					if v, in := c.view[k]; in {
						committed[k] = v
					} else {
						delete(committed, k)
					}
				}
				commits++
			} else {
				require.Error(t, err, where("COMMIT should fail with 1213"))
				require.True(t, gmssql.ErrLockDeadlock.Is(err), "%s: %v", where("COMMIT"), err)
				require.EqualValues(t, 1213, gmssql.CastSQLError(err).Num)
				aborts++
			}
			c.inTx = false
		default:
			e.exec(c.ctx, "ROLLBACK")
			c.inTx = false
		}
		if step%50 == 0 {
			require.Equal(t, committed.rows(), nonEmpty(e.rows(ctx, "SELECT * FROM t ORDER BY id")), where("committed state"))
		}
	}
	require.Equal(t, committed.rows(), nonEmpty(e.rows(ctx, "SELECT * FROM t ORDER BY id")))
	t.Logf("%d commits, %d aborted with 1213, %d rows deleted on both sides", commits, aborts, convergent)
	require.Positive(t, aborts)
	require.Positive(t, commits)
}

// Isolation under true concurrency: goroutines run read-modify-write increments (in
// explicit transactions and as autocommit statements) and unique inserts at the same
// time, so commits race on the working set's compare-and-swap and retry by merging. A
// counter must end equal to the number of increments whose commit succeeded (a lost
// update would make it smaller); every successfully inserted row must be there.
func TestConcurrentCommitsLoseNoUpdate(t *testing.T) {
	base := seed(t)
	e, ctx := setup(t, disks{})
	const counters, workers, iters = 3, 6, 60
	e.exec(ctx, "CREATE TABLE c (id INT PRIMARY KEY, v INT)", "CREATE TABLE ins (id INT PRIMARY KEY, w INT)")
	for k := range counters {
		e.exec(ctx, fmt.Sprintf("INSERT INTO c VALUES (%d, 0)", k))
	}
	var mu sync.Mutex
	incs := make([]int, counters)
	var inserted []int
	var aborts int
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(base, uint64(w)+100))
			s := e.session()
			for i := range iters {
				k, id := rng.IntN(counters), w*10000+i
				insertedID := -1
				var err error
				switch rng.IntN(3) {
				case 0: // autocommit read-modify-write
					_, err = e.query(s, fmt.Sprintf("UPDATE c SET v = v + 1 WHERE id = %d", k))
				case 1: // explicit transaction: read, write what was read + 1, insert a row
					var rows []gmssql.Row
					if _, err = e.query(s, "BEGIN"); err == nil {
						rows, err = e.query(s, fmt.Sprintf("SELECT v FROM c WHERE id = %d", k))
					}
					if err == nil {
						_, err = e.query(s, fmt.Sprintf("UPDATE c SET v = %d WHERE id = %d", rows[0][0].(int32)+1, k))
					}
					if err == nil {
						_, err = e.query(s, fmt.Sprintf("INSERT INTO ins VALUES (%d, %d)", id, w))
					}
					if err == nil {
						_, err = e.query(s, "COMMIT")
					}
					insertedID = id
				default: // autocommit insert: different rows never conflict
					_, err = e.query(s, fmt.Sprintf("INSERT INTO ins VALUES (%d, %d)", id, w))
					k, insertedID = -1, id
				}
				if err != nil && !gmssql.ErrLockDeadlock.Is(err) {
					errs <- fmt.Errorf("worker %d: %w", w, err)
					return
				}
				mu.Lock()
				switch {
				case err != nil:
					aborts++
				default:
					if k >= 0 {
						incs[k]++
					}
					if insertedID >= 0 {
						inserted = append(inserted, insertedID)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for k := range counters {
		got := e.rows(ctx, fmt.Sprintf("SELECT v FROM c WHERE id = %d", k))
		require.Equal(t, []gmssql.Row{{int32(incs[k])}}, got, "counter %d", k)
	}
	sort.Ints(inserted)
	want := make([]gmssql.Row, len(inserted))
	for i, id := range inserted {
		want[i] = gmssql.Row{int32(id)}
	}
	require.Equal(t, want, e.rows(ctx, "SELECT id FROM ins ORDER BY id"), "every committed insert is kept")
	t.Logf("increments %v, %d aborted with 1213, %d inserts", incs, aborts, len(inserted))
}
