// Package earlyinit turns the garbage collector off while the Go runtime initialises the
// packages of the dsql binary; cmd/dsql's main turns it back on (Restore) before doing
// anything else.
//
// Why: starting dsql is dominated by package initialisation, most of it in
// go-mysql-server (sql/types, sql/variables and sql/information_schema build large maps
// and tables: ~4.4 MB of the ~6.3 MB that init allocates). With the default GOGC=100 the
// collector starts its first cycle at 4 MB, so it ran two cycles during init, marking
// memory that is all still live. With it off until main, init allocates the same and
// the first cycle runs once main has started: GODEBUG=gctrace=1 shows 2 cycles during
// init without this package and none with it, and at most one during a short verb such
// as `dsql diff` (bench/README.md, "diffcli_test.go: dsql diff end to end", has the
// figures).
//
// How it runs early: Go initialises packages in import-path order, each as soon as the
// packages it imports (directly or not, with or without init work) are done. A package
// inside the dsql module sorts after github.com/dolthub, so it could only run after
// go-mysql-server's. This one is a tiny module of its own, dsql.dev/earlyinit (replaced by
// ./internal/earlyinit in dsql's go.mod), and imports only runtime/debug. runtime/debug's
// own imports (fmt, os, slices, strconv, strings, time) sort after github.com, so this
// init does not run before every third-party package: in the dsql binary it runs after
// about 1.9 MB of init allocations (pebble, protobuf, apd, GMS's sql/encodings), under
// the 4 MB at which the first GC cycle would start, and before GMS's sql/types,
// sql/variables and sql/information_schema. (A //go:linkname to the runtime's
// setGCPercent would run it first of all, but saved no more in measurements and leans on
// runtime internals.)
//
// The replace directive has one cost: `go install github.com/dsqldb/dsql/cmd/dsql@version`
// refuses modules with replace directives; build from a checkout (go build ./cmd/dsql).
//
// It changes nothing but the GC percentage between its init and Restore; Restore puts
// back exactly what the runtime had set from $GOGC (100 if unset, and a user's GOGC=off or
// GOGC=50 stays so). A test binary that imports it must call Restore itself.
package earlyinit

import "runtime/debug"

// configured is the GC percentage the runtime set from $GOGC before this init ran.
var configured = 100

func init() {
	configured = debug.SetGCPercent(-1)
}

// Restore turns the garbage collector back on with the percentage $GOGC configured. Call
// it first thing in main. Calling it again sets the same percentage again.
func Restore() {
	debug.SetGCPercent(configured)
}
