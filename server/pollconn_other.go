//go:build !linux

package server

import (
	"net"
	"time"
)

// pollListener is the listener itself where pollConn is not implemented (it needs
// Linux's eventfd): reads wait in Go's network poller.
type pollListener struct {
	net.Listener
	wait time.Duration
	spin time.Duration
}
