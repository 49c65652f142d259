package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestWindowDefaultFrame: an aggregate over a window with an ORDER BY and no frame
// covers the partition up to the current row's last peer (rows equal on every ORDER BY
// expression), in either direction, as MySQL does. GMS's default framer compared the
// first ORDER BY expression only and as if ascending, so a descending order gave every
// row the whole partition (backend.InstallPlannerFixes, sql/backend/windowframe.go).
// 200 seeded random COUNT/MIN/MAX/SUM windows checked against a model (SUM and MIN/MAX
// are the backend's own wrappers of GMS's aggregates, exactsum.go and nullagg.go).
func TestWindowDefaultFrame(t *testing.T) {
	s, _ := startServer(t, testConfig(t.TempDir()))
	db := connect(t, s, "root", "", "")
	mustExec(t, db, "CREATE DATABASE app", "USE app", "CREATE TABLE t (id INT PRIMARY KEY, b INT, c INT)")
	rng := rand.New(rand.NewPCG(23, 5))
	type row struct{ id, b, c int } // b 0 stands for NULL
	var rows []row
	var vals []string
	for i := 1; i <= 40; i++ {
		r := row{id: i, b: rng.IntN(7), c: rng.IntN(3)}
		rows = append(rows, r)
		vals = append(vals, fmt.Sprintf("(%d, %s, %d)", r.id, nullIfZero(r.b), r.c))
	}
	mustExec(t, db, "INSERT INTO t VALUES "+strings.Join(vals, ", "))

	// key orders rows as the ORDER BY (b[, id]) does, NULL first ascending.
	type order struct {
		sql   string
		desc  bool
		total bool // id breaks ties
	}
	orders := []order{{"b", false, false}, {"b DESC", true, false}, {"b, id", false, true}, {"b DESC, id DESC", true, true}}
	for i := range 200 {
		o := orders[rng.IntN(len(orders))]
		fn := []string{"COUNT(*)", "COUNT(b)", "MIN(id)", "MAX(id)", "SUM(id)"}[rng.IntN(5)]
		part := rng.IntN(2) == 0
		over := "ORDER BY " + o.sql
		if part {
			over = "PARTITION BY c " + over
		}
		q := fmt.Sprintf("SELECT id, %s OVER (%s) FROM t ORDER BY id", fn, over)
		var want []string
		for _, r := range rows {
			// the frame: rows of r's partition that sort before r or are its peers
			var frame []row
			for _, o2 := range rows {
				if part && o2.c != r.c {
					continue
				}
				cmp := o2.b - r.b
				if o.desc {
					cmp = -cmp
				}
				if cmp == 0 && o.total {
					cmp = o2.id - r.id
					if o.desc {
						cmp = -cmp
					}
				}
				if cmp <= 0 {
					frame = append(frame, o2)
				}
			}
			var v string
			switch fn {
			case "COUNT(*)":
				v = fmt.Sprint(len(frame))
			case "COUNT(b)":
				v = fmt.Sprint(len(slices.DeleteFunc(frame, func(f row) bool { return f.b == 0 })))
			case "SUM(id)":
				sum := 0
				for _, f := range frame {
					sum += f.id
				}
				v = fmt.Sprint(sum)
			case "MIN(id)":
				v = fmt.Sprint(slices.MinFunc(frame, func(x, y row) int { return x.id - y.id }).id)
			default:
				v = fmt.Sprint(slices.MaxFunc(frame, func(x, y row) int { return x.id - y.id }).id)
			}
			want = append(want, fmt.Sprintf("%d|%s", r.id, v))
		}
		if got := queryPairs(t, db, q); !slices.Equal(got, want) {
			t.Fatalf("query %d: %s\ngot  %v\nwant %v", i, q, got, want)
		}
	}
}
