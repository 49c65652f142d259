package cli

import (
	"fmt"
	"os"
	"time"
)

// DSQL_TRACE_STARTUP=1 makes dsql print, on stderr, how long each step between the start
// of Main and the verb's result took (building the command tree, opening the store,
// building the engine, each query, closing). It is how the start-up cost of short verbs
// such as `dsql diff HEAD~1 HEAD` is measured: Go's own GODEBUG=inittrace=1 covers what
// happens before main.
const envTraceStartup = "DSQL_TRACE_STARTUP"

// startupTrace prints the steps when tracing is on; the zero value is off.
type startupTrace struct {
	on    bool
	start time.Time
	last  time.Time
}

// trace is the process's trace; Main starts it.
var trace startupTrace

// startTrace begins tracing at t if $DSQL_TRACE_STARTUP is set.
func startTrace(t time.Time) {
	if os.Getenv(envTraceStartup) == "" {
		trace = startupTrace{}
		return
	}
	trace = startupTrace{on: true, start: t, last: t}
}

// step records that the step called what has just ended.
func (t *startupTrace) step(what string) {
	if !t.on {
		return
	}
	now := time.Now()
	fmt.Fprintf(os.Stderr, "dsql: startup: %-28s %7.2f ms  (at %7.2f ms)\n", what,
		float64(now.Sub(t.last).Microseconds())/1000, float64(now.Sub(t.start).Microseconds())/1000)
	t.last = now
}

// traceStmt shortens a statement for the trace.
func traceStmt(stmt string) string {
	if len(stmt) > 40 {
		return stmt[:40] + "..."
	}
	return stmt
}
