package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pollPair returns a pollConn (server side, waiting up to wait) and its client.
func pollPair(t *testing.T, wait time.Duration) (*pollConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	sc, err := pollListener{Listener: ln, wait: wait}.Accept()
	if err != nil {
		t.Fatal(err)
	}
	pc, ok := sc.(*pollConn)
	if !ok {
		t.Fatalf("accepted %T, want *pollConn", sc)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc, client
}

// readAsync runs Read on c in a goroutine and gives its error.
func readAsync(c net.Conn) <-chan error {
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 16)
		_, err := c.Read(buf)
		done <- err
	}()
	return done
}

// awaitRead waits for readAsync's Read; the test fails if it has not returned after a
// minute (the tests' poll waits are an hour, so only a working wake returns it).
func awaitRead(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("Read still waiting in poll(2): nothing ended the wait")
		return nil
	}
}

// TestPollConnReads: data sent while the reader waits in poll, and data already there,
// are read whole; EOF is reported.
func TestPollConnReads(t *testing.T) {
	pc, client := pollPair(t, time.Hour)
	done := make(chan []byte)
	go func() {
		buf := make([]byte, 5)
		_, err := io.ReadFull(pc, buf)
		if err != nil {
			buf = []byte(err.Error())
		}
		done <- buf
	}()
	time.Sleep(10 * time.Millisecond) // let it reach the wait (either way is correct)
	if _, err := client.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if got := <-done; string(got) != "hello" {
		t.Fatalf("read %q", got)
	}
	if _, err := client.Write([]byte("again")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(pc, buf); err != nil || string(buf) != "again" {
		t.Fatalf("read %q, %v", buf, err)
	}
	_ = client.Close()
	if err := awaitRead(t, readAsync(pc)); !errors.Is(err, io.EOF) {
		t.Fatalf("after the client closed: %v, want EOF", err)
	}
}

// TestPollConnDeadlineEndsWait: a read deadline set in the past while a Read waits in
// poll (vitess's interrupt of its client-activity watch) ends the Read with a timeout,
// and a later Read without a deadline still gets the data.
func TestPollConnDeadlineEndsWait(t *testing.T) {
	pc, client := pollPair(t, time.Hour)
	done := readAsync(pc)
	time.Sleep(10 * time.Millisecond)
	if err := pc.SetReadDeadline(time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, done); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read = %v, want a deadline error", err)
	}
	if err := pc.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, readAsync(pc)); err != nil {
		t.Fatalf("Read after clearing the deadline: %v", err)
	}
}

// TestPollConnCloseEndsWait: Close while a Read waits returns, and so does the Read
// (with an error); Close is idempotent and later Reads and deadline changes fail
// cleanly.
func TestPollConnCloseEndsWait(t *testing.T) {
	pc, _ := pollPair(t, time.Hour)
	done := readAsync(pc)
	time.Sleep(10 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- pc.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Close still waiting for the Read's poll")
	}
	if err := awaitRead(t, done); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close = %v, want net.ErrClosed", err)
	}
	if err := pc.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := pc.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read on a closed conn = %v", err)
	}
	if err := pc.SetReadDeadline(time.Now()); err == nil {
		t.Fatal("SetReadDeadline on a closed conn succeeded")
	}
}

// TestPollConnParkedRead: a read that outwaits the poll wait is parked in Go's poller
// and still gets data sent later; a deadline and Close end a parked wait too.
func TestPollConnParkedRead(t *testing.T) {
	pc, client := pollPair(t, time.Millisecond)
	done := readAsync(pc)
	time.Sleep(50 * time.Millisecond) // well past the wait: parked
	if _, err := client.Write([]byte("late")); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, done); err != nil {
		t.Fatalf("parked Read: %v", err)
	}

	done = readAsync(pc)
	time.Sleep(50 * time.Millisecond)
	if err := pc.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, done); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("parked Read after a past deadline = %v, want a deadline error", err)
	}
	if err := pc.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, readAsync(pc)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past a future deadline = %v, want a deadline error", err)
	}
	_ = pc.SetReadDeadline(time.Time{})

	done = readAsync(pc)
	time.Sleep(50 * time.Millisecond)
	if err := pc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, done); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("parked Read after Close = %v, want net.ErrClosed", err)
	}
}

// TestPollConnWrites: a write larger than the socket buffers waits (in poll, then
// parked) until the client reads, and every byte arrives in order; a write deadline
// ends a blocked write with a deadline error.
func TestPollConnWrites(t *testing.T) {
	pc, client := pollPair(t, time.Millisecond)
	rng := rand.New(rand.NewPCG(7, 9))
	data := make([]byte, 16<<20)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	wrote := make(chan error, 1)
	go func() {
		n, err := pc.Write(data)
		if err == nil && n != len(data) {
			err = fmt.Errorf("wrote %d of %d", n, len(data))
		}
		wrote <- err
	}()
	time.Sleep(50 * time.Millisecond) // the buffers are full: the write is parked
	got := make([]byte, len(data))
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("the client read other bytes than were written")
	}

	if err := pc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	n, err := pc.Write(data) // nobody reads: blocks until the deadline
	if !errors.Is(err, os.ErrDeadlineExceeded) || n >= len(data) {
		t.Fatalf("Write with nobody reading = %d, %v; want a deadline error", n, err)
	}
}

// TestPollConnOutsidePoller: the connection's socket is in no epoll set while nobody
// waits on it, so the client's packets wake no thread but the reader's. (The client's
// socket, an ordinary Go connection, is found in Go's set: the check works.)
func TestPollConnOutsidePoller(t *testing.T) {
	pc, client := pollPair(t, time.Hour)
	if _, err := client.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadDir("/proc/self/fdinfo"); err != nil {
		t.Skip("no /proc:", err)
	}
	inode := func(fd int) string {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatUint(st.Ino, 16)
	}
	craw, err := client.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var clientIno string
	_ = craw.Control(func(fd uintptr) { clientIno = inode(int(fd)) })
	watched := epollWatched(t)
	if !watched[clientIno] {
		t.Fatalf("the client's socket (inode %s) is not in Go's epoll set: cannot read the sets", clientIno)
	}
	if watched[inode(pc.fd)] {
		t.Fatal("the connection's socket is in an epoll set")
	}
}

// epollWatched returns the inodes (hex, as /proc prints them) of the files watched by
// this process's epoll sets.
func epollWatched(t *testing.T) map[string]bool {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range ents {
		if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); l != "anon_inode:[eventpoll]" {
			continue
		}
		info, err := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		if err != nil {
			continue
		}
		// Each watched file is a line "tfd: N events: ... ino:HEX sdev:...".
		for _, line := range strings.Split(string(info), "\n") {
			if !strings.HasPrefix(line, "tfd:") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if ino, ok := strings.CutPrefix(f, "ino:"); ok {
					out[ino] = true
				}
			}
		}
	}
	return out
}
