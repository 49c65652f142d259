package server

import (
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
)

// Memory of an idle server.
//
// A scan of a large table leaves the repositories' node caches full (up to
// prolly.DefaultCacheBytes each, in Go's heap) and the Go runtime holding the heap it grew
// to, which it returns to the operating system only slowly: a server that scanned a
// 1M-row table kept an RSS of 180 MB while idle. When the server has run no statement
// for Config.IdleRelease (DefaultIdleRelease) and has run one since its last release,
// releaseIdle drops every repository's cached nodes and chunks (NodeStore.Release: they
// refill on demand), empties each store's block cache (pebblestore.Store.ReleaseMemory)
// and returns free memory (debug.FreeOSMemory for Go's heap, malloc_trim for the C heap
// that Pebble's cache allocates from). A server under steady load is never idle that
// long and never pays for it; an idle one releases once per idle period, and its next
// statements read from the operating system's file cache until the caches refill.
type idleState struct {
	active   atomic.Int64 // statements running
	last     atomic.Int64 // when the last statement ended (Unix nanoseconds)
	released int64        // last at the latest release (the watcher's own)
	releases atomic.Int64 // releases so far (tests)
}

// statementEnded records the end of a statement.
func (s *Server) statementEnded() {
	s.idle.last.Store(time.Now().UnixNano())
	s.idle.active.Add(-1)
}

// watchIdle releases memory whenever the server has been idle for after, until stop is
// closed.
func (s *Server) watchIdle(after time.Duration, stop <-chan struct{}) {
	tick := max(after/4, 100*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		last := s.idle.last.Load()
		if last == 0 || last == s.idle.released || s.idle.active.Load() > 0 ||
			time.Since(time.Unix(0, last)) < after {
			continue
		}
		s.idle.released = last
		s.releaseIdle()
	}
}

// memoryReleaser is a store that can empty its caches (pebblestore.Store).
type memoryReleaser interface{ ReleaseMemory() }

// releaseIdle drops the node caches and block caches of every repository and returns
// free memory to the operating system.
func (s *Server) releaseIdle() {
	for _, db := range s.engine.Provider.AllDatabases(sql.NewEmptyContext()) {
		if d, ok := db.(*backend.Database); ok {
			d.Repo().NodeStore().Release()
			if m, ok := d.Repo().Store().(memoryReleaser); ok {
				m.ReleaseMemory()
			}
		}
	}
	debug.FreeOSMemory()
	mallocTrim()
	s.idle.releases.Add(1)
	s.log.Debug("idle: released the node caches and free memory")
}
