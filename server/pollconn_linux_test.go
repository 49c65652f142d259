package server

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
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
