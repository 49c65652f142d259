package server

import (
	"net"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Waiting for the client's next packet in the connection's own thread.
//
// A connection's goroutine reads the client's next command through Go's network
// poller: it parks, its thread looks for other work and sleeps on a futex, and when
// the packet arrives the thread blocked in epoll readies the goroutine, often waking
// another thread (and the runtime's sysmon, which sleeps whenever every P is idle) to
// run it. On a request-response protocol with one busy client that is several thread
// wake-ups per statement, each a context switch, which dominates a cached point
// select's CPU on a virtual machine. pollConn instead has the reading goroutine's
// thread wait in poll(2) for up to the listener's wait (listener.poll_wait, default
// DefaultPollWait): the packet wakes that thread directly, as a thread-per-connection
// server's read does; only a client that stays silent longer costs the netpoller
// path. The thread is blocked in the kernel, not spinning, and Go's scheduler hands
// its P to other goroutines that need it.
//
// Deadlines and Close stay prompt: SetDeadline, SetReadDeadline and Close signal the
// connection's eventfd, which the poll also waits on, so a vitess read interrupt (a
// deadline in the past) or a KILL ends the wait at once and the read then runs with
// Go's deadline semantics.

// pollListener wraps the TCP connections it accepts in pollConn (wait 0: not at all).
type pollListener struct {
	net.Listener
	wait time.Duration
}

func (l pollListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || l.wait <= 0 {
		return c, err
	}
	return newPollConn(c, l.wait), nil
}

// newPollConn wraps c, or returns it unchanged if it is not a TCP connection or the
// eventfd cannot be made.
func newPollConn(c net.Conn, wait time.Duration) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return c
	}
	ms := int(wait / time.Millisecond)
	if ms < 1 {
		ms = 1
	}
	return &pollConn{TCPConn: tc, raw: raw, efd: efd, waitMs: ms}
}

// pollConn is a TCP connection whose Read first waits in poll(2); see above.
type pollConn struct {
	*net.TCPConn
	raw    syscall.RawConn
	waitMs int

	// mu guards efd, the eventfd that ends a wait early: readers and wakers hold it
	// shared, Close exclusively to close it, so no write lands on a reused number.
	mu        sync.RWMutex
	efd       int
	efdClosed bool
	closeOnce sync.Once
	closeErr  error
}

func (c *pollConn) Read(p []byte) (int, error) {
	c.mu.RLock()
	if !c.efdClosed {
		_ = c.raw.Control(func(fd uintptr) {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(c.efd), Events: unix.POLLIN}}
			for {
				if _, err := unix.Poll(fds, c.waitMs); err != unix.EINTR {
					break
				}
			}
			if fds[1].Revents != 0 {
				var b [8]byte
				_, _ = unix.Read(c.efd, b[:]) // reset the signal
			}
		})
	}
	c.mu.RUnlock()
	return c.TCPConn.Read(p)
}

// wake ends a wait in progress (or the next one, at once).
func (c *pollConn) wake() {
	c.mu.RLock()
	if !c.efdClosed {
		one := [8]byte{1}
		_, _ = unix.Write(c.efd, one[:])
	}
	c.mu.RUnlock()
}

func (c *pollConn) SetDeadline(t time.Time) error {
	err := c.TCPConn.SetDeadline(t)
	c.wake()
	return err
}

func (c *pollConn) SetReadDeadline(t time.Time) error {
	err := c.TCPConn.SetReadDeadline(t)
	c.wake()
	return err
}

// Close closes the connection. A wait in progress ends first: the socket's close
// waits for the wait's reference to the descriptor.
func (c *pollConn) Close() error {
	c.closeOnce.Do(func() {
		c.wake()
		c.closeErr = c.TCPConn.Close()
		c.mu.Lock()
		c.efdClosed = true
		_ = unix.Close(c.efd)
		c.mu.Unlock()
	})
	return c.closeErr
}
