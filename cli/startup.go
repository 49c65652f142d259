package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DSQL_TRACE_STARTUP=1 makes dsql print, on stderr, how long each step between the start
// of Main and the verb's result took (building the command tree, opening the store,
// building the engine, each query, closing). It is how the start-up cost of short verbs
// such as `dsql diff HEAD~1 HEAD` is measured: Go's own GODEBUG=inittrace=1 covers what
// happens before main.
const envTraceStartup = "DSQL_TRACE_STARTUP"

// startupTrace times the steps of one Main.
type startupTrace struct {
	mu    sync.Mutex
	w     io.Writer // Main's stderr
	start time.Time
	last  time.Time
}

// tracer is the trace of the running Main; nil (the normal case) when tracing is off.
var tracer atomic.Pointer[startupTrace]

// startTrace begins tracing at t, to w, if $DSQL_TRACE_STARTUP is set.
func startTrace(t time.Time, w io.Writer) {
	if os.Getenv(envTraceStartup) == "" {
		if tracer.Load() != nil {
			tracer.Store(nil)
		}
		return
	}
	tracer.Store(&startupTrace{w: w, start: t, last: t})
}

// traceStep records that the step called what has just ended.
func traceStep(what string) {
	t := tracer.Load()
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	fmt.Fprintf(t.w, "dsql: startup: %-28s %7.2f ms  (at %7.2f ms)\n", what,
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
