package server

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSnapshotReuse: a session reuses its last transaction-start snapshot of every
// database whose store has not committed since (sql/session/snapcache.go). Two
// sessions run seeded random statements over several databases (autocommit and
// explicit transactions, reads of every database, writes to rows each session owns,
// databases created and dropped, a branch checked out and back) and every read is
// checked against a model: an autocommit read sees every acknowledged write, and a
// transaction reads the state of every database, touched or not, as of its BEGIN plus
// its own writes.
func TestSnapshotReuse(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	ctx := context.Background()
	admin := connect(t, s, "root", "", "")
	const rows = 6
	type state map[string]map[int]int // database -> id -> v
	committed := state{}
	create := func(name string) {
		mustExec(t, admin, "CREATE DATABASE "+name,
			fmt.Sprintf("CREATE TABLE %s.t (id INT PRIMARY KEY, v INT)", name))
		committed[name] = map[int]int{}
		for id := range rows {
			mustExec(t, admin, fmt.Sprintf("INSERT INTO %s.t VALUES (%d, 0)", name, id))
			committed[name][id] = 0
		}
	}
	for i := range 4 {
		create(fmt.Sprintf("db%d", i))
	}
	type actor struct {
		name  string
		conn  *sql.Conn
		own   int   // writes go to ids with id%2 == own: no write conflicts
		view  state // in a transaction: the snapshot plus own writes; nil otherwise
		wrote map[[2]any]int
	}
	var actors []*actor
	for i, name := range []string{"A", "B"} {
		c, err := connect(t, s, "root", "", "").Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		actors = append(actors, &actor{name: name, conn: c, own: i})
	}
	clone := func(st state) state {
		out := state{}
		for db, m := range st {
			out[db] = maps.Clone(m)
		}
		return out
	}
	exec := func(a *actor, q string) {
		t.Helper()
		if _, err := a.conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %s: %v", a.name, q, err)
		}
	}
	read := func(a *actor, db string, id int, step int) {
		t.Helper()
		var got int
		q := fmt.Sprintf("SELECT v FROM %s.t WHERE id = %d", db, id)
		if err := a.conn.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatalf("step %d: %s: %s: %v", step, a.name, q, err)
		}
		want := committed[db][id]
		if a.view != nil {
			want = a.view[db][id]
		}
		if got != want {
			t.Fatalf("step %d: %s (in transaction: %v): %s = %d, want %d", step, a.name, a.view != nil, q, got, want)
		}
	}
	dbNames := func(st state) []string { // sorted: the seed fixes the whole run
		return slices.Sorted(maps.Keys(st))
	}
	rng := rand.New(rand.NewPCG(20261126, 3))
	nextDB := 4
	for step := range 600 {
		a := actors[rng.IntN(len(actors))]
		view := committed
		if a.view != nil {
			view = a.view
		}
		names := dbNames(view)
		db := names[rng.IntN(len(names))]
		if _, ok := committed[db]; !ok { // dropped since a's BEGIN: read another
			continue
		}
		switch op := rng.IntN(20); {
		case op < 8:
			read(a, db, rng.IntN(rows), step)
		case op < 14:
			id := 2*rng.IntN(rows/2) + a.own
			exec(a, fmt.Sprintf("UPDATE %s.t SET v = v + 1 WHERE id = %d", db, id))
			if a.view != nil {
				a.view[db][id]++
				a.wrote[[2]any{db, id}]++
			} else {
				committed[db][id]++
			}
		case op < 16 && a.view == nil:
			exec(a, "BEGIN")
			a.view, a.wrote = clone(committed), map[[2]any]int{}
		case op < 18 && a.view != nil:
			exec(a, "COMMIT")
			for k, n := range a.wrote {
				if m, ok := committed[k[0].(string)]; ok {
					m[k[1].(int)] += n
				}
			}
			a.view, a.wrote = nil, nil
		case op == 18 && a.view == nil && actors[0].view == nil && actors[1].view == nil:
			if rng.IntN(2) == 0 || len(committed) < 3 {
				name := fmt.Sprintf("db%d", nextDB)
				nextDB++
				create(name)
			} else {
				mustExec(t, admin, "DROP DATABASE "+db)
				delete(committed, db)
			}
		case op == 19 && a.view == nil:
			// A branch of db (from a commit of main as it is now), read through the
			// session's checkout, then main again: the branch starts as main is now; main's later writes do not reach it.
			br := fmt.Sprintf("b%d", step)
			exec(a, "USE "+db)
			// (--allow-empty: db may have no change since its last commit)
			exec(a, fmt.Sprintf("CALL dsql_commit('-Am', 'step %d', '--allow-empty')", step))
			exec(a, fmt.Sprintf("CALL dsql_checkout('-b', '%s')", br))
			snap := maps.Clone(committed[db])
			other := actors[1-a.own]
			if other.view == nil {
				id := 2*rng.IntN(rows/2) + other.own
				exec(other, fmt.Sprintf("UPDATE %s.t SET v = v + 1 WHERE id = %d", db, id))
				committed[db][id]++
			}
			for id := range rows {
				var got int
				if err := a.conn.QueryRowContext(ctx, fmt.Sprintf("SELECT v FROM t WHERE id = %d", id)).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != snap[id] {
					t.Fatalf("step %d: %s on branch %s of %s: id %d = %d, want %d", step, a.name, br, db, id, got, snap[id])
				}
			}
			exec(a, "CALL dsql_checkout('main')")
			exec(a, "USE mysql")
			read(a, db, rng.IntN(rows), step)
		}
	}
}
