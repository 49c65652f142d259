package backend_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/stretchr/testify/require"
)

// TestUpdateLeftJoinMissing: UPDATE a LEFT JOIN b ... SET b.x = ... over a lookup join
// leaves the rows of a that match nothing in b as MySQL does (updatejoin.go): the other
// table's matched rows change once each, nothing is written for the missing ones, and
// the count is MySQL's (seeded, against a model). GMS tried to update the NULL row.
func TestUpdateLeftJoinMissing(t *testing.T) {
	e, ctx := setup(t, memStores{})
	e.exec(ctx,
		"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, KEY t1_b (b))",
		"CREATE TABLE t2 (id INT PRIMARY KEY, t1id INT, x INT, s VARCHAR(8), KEY t2_t1id (t1id))",
	)
	rng := rand.New(rand.NewPCG(20261127, 3))
	type r1 struct{ a, b any }
	t1 := map[int]*r1{}
	var vals []string
	for id := 1; id <= 300; id++ {
		r := &r1{a: int32(rng.IntN(100)), b: nil}
		if rng.IntN(3) > 0 {
			r.b = int32(rng.IntN(10))
		}
		t1[id] = r
		b := "NULL"
		if r.b != nil {
			b = fmt.Sprint(r.b)
		}
		vals = append(vals, fmt.Sprintf("(%d, %d, %s)", id, r.a, b))
	}
	e.exec(ctx, "INSERT INTO t1 VALUES "+strings.Join(vals, ", "))
	type r2 struct {
		t1id any
		x    any
		s    any
	}
	t2 := map[int]*r2{}
	vals = vals[:0]
	for id := 1; id <= 60; id++ {
		r := &r2{t1id: int32(rng.IntN(400)), x: int32(0), s: "s"} // ids above 300 match nothing
		if rng.IntN(5) == 0 {
			r.t1id = nil
		}
		if rng.IntN(6) == 0 {
			r.s = nil
		}
		t2[id] = r
		tid, s := "NULL", "NULL"
		if r.t1id != nil {
			tid = fmt.Sprint(r.t1id)
		}
		if r.s != nil {
			s = "'s'"
		}
		vals = append(vals, fmt.Sprintf("(%d, %s, 0, %s)", id, tid, s))
	}
	e.exec(ctx, "INSERT INTO t2 VALUES "+strings.Join(vals, ", "))
	const q = "UPDATE t2 LEFT JOIN t1 ON t1.id = t2.t1id SET t2.x = t1.a, t1.b = IFNULL(t1.b, 0) + 1 WHERE t2.s IS NOT NULL"
	var plan strings.Builder
	for _, r := range e.rows(ctx, "EXPLAIN PLAN "+q) {
		plan.WriteString(r[0].(string) + "\n")
	}
	require.Contains(t, plan.String(), "LeftOuterLookupJoin", "the case needs a lookup join:\n%s", plan.String())

	// The model: each t2 row with s set takes its t1 row's a (NULL if none); each t1 row
	// matched by such a row gets b = IFNULL(b, 0) + 1 once.
	changed := 0
	bumped := map[int]bool{}
	for _, r := range t2 {
		if r.s == nil {
			continue
		}
		var a any
		if r.t1id != nil {
			if m, ok := t1[int(r.t1id.(int32))]; ok {
				a = m.a
				bumped[int(r.t1id.(int32))] = true
			}
		}
		if a != r.x {
			changed++
		}
		r.x = a
	}
	for id := range bumped {
		b := int32(1)
		if t1[id].b != nil {
			b = t1[id].b.(int32) + 1
		}
		t1[id].b = b
		changed++
	}
	res := e.rows(ctx, q)
	require.Len(t, res, 1)
	require.Equal(t, uint64(changed), res[0][0].(types.OkResult).RowsAffected)
	for id, r := range t1 {
		require.Equal(t, []sql.Row{{r.a, r.b}}, e.rows(ctx, fmt.Sprintf("SELECT a, b FROM t1 WHERE id = %d", id)), "t1 %d", id)
	}
	for id, r := range t2 {
		require.Equal(t, []sql.Row{{r.t1id, r.x, r.s}}, e.rows(ctx, fmt.Sprintf("SELECT t1id, x, s FROM t2 WHERE id = %d", id)), "t2 %d", id)
	}
	require.Equal(t, []sql.Row{{int64(300)}}, e.rows(ctx, "SELECT COUNT(*) FROM t1"))
}
