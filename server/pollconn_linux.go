package server

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Connection I/O in the connection's own thread.
//
// Through Go's network poller, a connection's goroutine that reads the client's next
// command parks; its thread looks for other work and sleeps on a futex; when the
// packet arrives, the thread blocked in epoll readies the goroutine, often waking
// another thread to run it. Even a reader that waits in poll(2) itself (as this file
// did first) still has its socket in the poller's epoll set, and every packet the
// client sends then also wakes the thread blocked in epoll, to find nobody waiting.
// On a request-response protocol with one busy client that is one or more needless
// thread wake-ups per statement, each a pair of context switches, which on a virtual
// machine cost about as much as a cached point select's own work.
//
// pollConn therefore takes the accepted socket out of Go's poller (it keeps a
// duplicate of the descriptor and closes the net.TCPConn, which removes it from the
// epoll set) and does its own reads and writes with nonblocking system calls. A read
// with no data waits in ppoll(2) on the socket and an eventfd for up to the listener's
// wait (listener.poll_wait, DefaultPollWait): the client's packet wakes that thread
// directly, as a thread-per-connection server's read does, and nothing else. A client
// silent for longer (an idle pooled connection) is parked: the wait moves to Go's
// poller on a duplicate descriptor registered for the wait only, so an idle
// connection holds no thread. A write that finds the socket's buffer full waits the
// same way.
//
// Invariants:
//   - Deadlines and Close are prompt: SetDeadline, SetReadDeadline, SetWriteDeadline
//     and Close signal the direction's eventfd, which every ppoll also waits on, and
//     set the same deadline on a parked wait's descriptor; a wait re-checks the
//     deadline and the closed state after every wake. A passed deadline fails the
//     operation with os.ErrDeadlineExceeded (a timeout net.Error), as Go's does: a
//     vitess read interrupt (a deadline in the past) and a KILL work as before.
//   - Reads are serialized with reads and writes with writes (as Go's poller does), so
//     one eventfd per direction cannot lose a wake to another waiter.
//   - Close waits until no read or write is using the descriptor before closing it, so
//     no system call ever lands on a reused descriptor number.
//
// Spinning. Even a direct wake-up is a pair of context switches, and inside a
// transaction a client usually sends its next statement within a few microseconds
// of reading the last answer. So a read that finds no data first spins: it retries
// the nonblocking read for up to the listener's spin wait (listener.spin_wait,
// DefaultSpinWait) before the ppoll, and a packet arriving meanwhile costs no sleep
// and no wake-up. Bounds on the CPU this burns:
//   - a spin that ends without data makes the connection skip spinning in its next
//     1, 2, 4, ... up to maxSpinSkip reads that find no data (reset by a spin that
//     gets data), so a
//     client that answers slowly or sits idle costs one spin now and then;
//   - at most spinSlots() connections spin at once (half of GOMAXPROCS, at least
//     one), so spinning never holds every processor from runnable work;
//   - a spin holds the read's lock and re-checks nothing: it is as short as the spin
//     wait, after which deadlines and Close are handled as above.

// pollListener wraps the TCP connections it accepts in pollConn (wait 0: not at all).
type pollListener struct {
	net.Listener
	wait time.Duration
	spin time.Duration // spin wait of the connections (0: none)
}

func (l pollListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || l.wait <= 0 {
		return c, err
	}
	pc := newPollConn(c, l.wait)
	if p, ok := pc.(*pollConn); ok {
		p.spin = l.spin
	}
	return pc, nil
}

// newPollConn takes c's socket out of Go's poller into a pollConn, or returns c
// unchanged if it is not a TCP connection or a descriptor cannot be made.
func newPollConn(c net.Conn, wait time.Duration) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	fd := -1
	var derr error
	if err := raw.Control(func(s uintptr) { fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || derr != nil {
		return c
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return c
	}
	var efds [2]int
	for i := range efds {
		if efds[i], err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
			for _, e := range efds[:i] {
				_ = unix.Close(e)
			}
			_ = unix.Close(fd)
			return c
		}
	}
	pc := &pollConn{fd: fd, wait: wait, local: c.LocalAddr(), remote: c.RemoteAddr()}
	pc.rd.efd, pc.wr.efd = efds[0], efds[1]
	_ = tc.Close() // leaves the poller; the duplicate keeps the connection open
	return pc
}

// pollConn is a TCP connection whose socket is outside Go's network poller; see above.
type pollConn struct {
	fd            int
	wait          time.Duration
	spin          time.Duration // the spin wait; 0: never spin
	local, remote net.Addr

	mu     sync.Mutex // guards closed, the deadlines and the parked descriptors
	closed bool
	rd, wr direction

	closeOnce sync.Once

	// Spin state, guarded by rd.op: reads left to skip spinning, the skip after the
	// next spin that ends without data, and counts for tests.
	spinSkip, spinBackoff int
	spinHits, spinMisses  int
}

// direction is the state of one direction (read or write) of a pollConn.
type direction struct {
	op       sync.Mutex // held by the one Read (or Write) in progress, and by Close
	efd      int        // eventfd: signalled when the deadline changes or the conn closes
	deadline time.Time  // guarded by pollConn.mu
	parked   *os.File   // guarded by pollConn.mu: the descriptor of a parked wait
}

func (c *pollConn) LocalAddr() net.Addr  { return c.local }
func (c *pollConn) RemoteAddr() net.Addr { return c.remote }

// opError wraps err as Go's network operations do.
func (c *pollConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.local, Addr: c.remote, Err: err}
}

// check returns the error a new attempt of d's operation must fail with (closed, or
// past its deadline), and the deadline otherwise.
func (c *pollConn) check(d *direction) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return time.Time{}, net.ErrClosed
	}
	if !d.deadline.IsZero() && !time.Now().Before(d.deadline) {
		return time.Time{}, os.ErrDeadlineExceeded
	}
	return d.deadline, nil
}

func (c *pollConn) Read(p []byte) (int, error) {
	d := &c.rd
	d.op.Lock()
	defer d.op.Unlock()
	var waited time.Duration
	spun := false
	for {
		deadline, err := c.check(d)
		if err != nil {
			return 0, c.opError("read", err)
		}
		n, err := unix.Read(c.fd, p)
		if err == unix.EAGAIN && !spun && len(p) > 0 {
			spun = true
			n, err = c.spinRead(p)
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
		case err != nil:
			return 0, c.opError("read", os.NewSyscallError("read", err))
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		default:
			return n, nil
		}
		if err := c.await(d, unix.POLLIN, deadline, &waited); err != nil {
			return 0, c.opError("read", err)
		}
	}
}

func (c *pollConn) Write(p []byte) (int, error) {
	d := &c.wr
	d.op.Lock()
	defer d.op.Unlock()
	var waited time.Duration
	written := 0
	for written < len(p) {
		deadline, err := c.check(d)
		if err != nil {
			return written, c.opError("write", err)
		}
		n, err := unix.Write(c.fd, p[written:])
		if n > 0 {
			written += n
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
		case err != nil:
			return written, c.opError("write", os.NewSyscallError("write", err))
		default:
			continue
		}
		if err := c.await(d, unix.POLLOUT, deadline, &waited); err != nil {
			return written, c.opError("write", err)
		}
	}
	return written, nil
}

// maxSpinSkip is the most reads a connection skips spinning after a spin without data.
const maxSpinSkip = 64

// spinning counts the connections spinning now (see "Spinning").
var spinning atomic.Int32

// spinSlots is how many connections may spin at once: half the processors Go runs
// goroutines on, at least one.
func spinSlots() int32 { return int32(max(1, runtime.GOMAXPROCS(0)/2)) }

// spinRead retries the nonblocking read of p for up to c.spin, unless the connection
// is backing off or all spin slots are taken. It returns what the last read returned
// (EAGAIN if nothing came). The caller holds c.rd.op.
func (c *pollConn) spinRead(p []byte) (int, error) {
	if c.spin <= 0 {
		return 0, unix.EAGAIN
	}
	if c.spinSkip > 0 {
		c.spinSkip--
		return 0, unix.EAGAIN
	}
	if spinning.Add(1) > spinSlots() {
		spinning.Add(-1)
		return 0, unix.EAGAIN
	}
	defer spinning.Add(-1)
	start := time.Now()
	for {
		n, err := unix.Read(c.fd, p)
		if err != unix.EAGAIN && err != unix.EINTR {
			c.spinHits++
			c.spinBackoff = 0
			return n, err
		}
		if time.Since(start) >= c.spin {
			c.spinMisses++
			c.spinBackoff = min(max(1, 2*c.spinBackoff), maxSpinSkip)
			c.spinSkip = c.spinBackoff
			return 0, unix.EAGAIN
		}
	}
}

// await waits until the socket may be ready for events, d's eventfd is signalled, or
// the deadline passes (the caller then re-checks; err is only a failure to wait). It
// waits in ppoll while the operation's total wait (*waited) is within c.wait, and
// parked in Go's poller after that.
func (c *pollConn) await(d *direction, events int16, deadline time.Time, waited *time.Duration) error {
	if *waited >= c.wait {
		return c.park(d, events == unix.POLLOUT)
	}
	limit := c.wait - *waited
	if !deadline.IsZero() {
		if until := time.Until(deadline); until < limit {
			limit = max(until, 0)
		}
	}
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: events}, {Fd: int32(d.efd), Events: unix.POLLIN}}
	ts := unix.NsecToTimespec(int64(limit))
	start := time.Now()
	_, err := unix.Ppoll(fds, &ts, nil)
	*waited += time.Since(start)
	if err != nil && err != unix.EINTR {
		return os.NewSyscallError("ppoll", err)
	}
	if fds[1].Revents != 0 {
		var b [8]byte
		_, _ = unix.Read(d.efd, b[:]) // reset the signal; the caller re-checks the state
	}
	return nil
}

// park waits for the socket to become readable (or writable) in Go's poller, through a
// duplicate descriptor registered for this wait only, so the waiting goroutine holds no
// thread. The wait ends with the readiness, at d's deadline, or when Close sets a past
// deadline on it.
func (c *pollConn) park(d *direction, write bool) error {
	dup, err := unix.FcntlInt(uintptr(c.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	f := os.NewFile(uintptr(dup), "dsql-conn") // nonblocking: registered in Go's poller
	defer f.Close()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil // the caller's check reports it
	}
	if write {
		_ = f.SetWriteDeadline(d.deadline)
	} else {
		_ = f.SetReadDeadline(d.deadline)
	}
	d.parked = f
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		d.parked = nil
		c.mu.Unlock()
	}()
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	events := int16(unix.POLLIN)
	if write {
		events = unix.POLLOUT
	}
	// ready reports whether the socket is ready now; false makes Go's poller wait.
	ready := func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: events}}
		n, err := unix.Poll(fds, 0)
		return err != nil && err != unix.EINTR || n > 0
	}
	if write {
		err = rc.Write(ready)
	} else {
		err = rc.Read(ready)
	}
	if err != nil && !os.IsTimeout(err) {
		return err
	}
	return nil // ready, or a deadline: the caller re-checks
}

// setDeadline sets the deadline of the directions named and wakes their waits.
func (c *pollConn) setDeadline(t time.Time, read, write bool) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.opError("set", net.ErrClosed)
	}
	for _, d := range []struct {
		on  bool
		dir *direction
	}{{read, &c.rd}, {write, &c.wr}} {
		if !d.on {
			continue
		}
		d.dir.deadline = t
		if d.dir.parked != nil {
			if d.dir == &c.rd {
				_ = d.dir.parked.SetReadDeadline(t)
			} else {
				_ = d.dir.parked.SetWriteDeadline(t)
			}
		}
		signal(d.dir.efd)
	}
	c.mu.Unlock()
	return nil
}

func (c *pollConn) SetDeadline(t time.Time) error      { return c.setDeadline(t, true, true) }
func (c *pollConn) SetReadDeadline(t time.Time) error  { return c.setDeadline(t, true, false) }
func (c *pollConn) SetWriteDeadline(t time.Time) error { return c.setDeadline(t, false, true) }

// signal wakes a ppoll waiting on the eventfd efd (or the next one, at once).
func signal(efd int) {
	one := [8]byte{1}
	_, _ = unix.Write(efd, one[:])
}

// Close closes the connection: waits in progress end (with net.ErrClosed), then the
// descriptors close.
func (c *pollConn) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		past := time.Unix(1, 0)
		if c.rd.parked != nil {
			_ = c.rd.parked.SetReadDeadline(past)
		}
		if c.wr.parked != nil {
			_ = c.wr.parked.SetWriteDeadline(past)
		}
		signal(c.rd.efd)
		signal(c.wr.efd)
		c.mu.Unlock()
		c.rd.op.Lock()
		c.wr.op.Lock()
		_ = unix.Close(c.fd)
		_ = unix.Close(c.rd.efd)
		_ = unix.Close(c.wr.efd)
		c.wr.op.Unlock()
		c.rd.op.Unlock()
	})
	return nil
}
