//go:build linux

package server

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// spinPair is pollPair with a spin wait.
func spinPair(t *testing.T, spin time.Duration) (*pollConn, interface {
	Write([]byte) (int, error)
}) {
	t.Helper()
	pc, client := pollPair(t, time.Hour)
	pc.spin = spin
	return pc, client
}

// TestPollConnSpinHit: a packet that arrives while the reader spins is read whole,
// counted as a hit, and keeps the connection spinning.
func TestPollConnSpinHit(t *testing.T) {
	pc, client := spinPair(t, 10*time.Second) // a spin longer than the test: only data ends it
	for i := range 20 {
		got := make(chan []byte, 1)
		go func() {
			buf := make([]byte, 3)
			_, err := io.ReadFull(pc, buf)
			if err != nil {
				buf = []byte(err.Error())
			}
			got <- buf
		}()
		time.Sleep(time.Millisecond) // let the reader start spinning
		want := []byte{byte(i), 'x', 'y'}
		if _, err := client.Write(want); err != nil {
			t.Fatal(err)
		}
		if b := <-got; !bytes.Equal(b, want) {
			t.Fatalf("read %q, want %q", b, want)
		}
	}
	if pc.spinHits != 20 || pc.spinMisses != 0 || pc.spinSkip != 0 {
		t.Errorf("hits %d misses %d skip %d, want 20 hits, no miss, no skip", pc.spinHits, pc.spinMisses, pc.spinSkip)
	}
	if n := spinning.Load(); n != 0 {
		t.Errorf("%d connections still counted as spinning", n)
	}
}

// TestPollConnSpinBackoff: a spin that ends without data makes the connection skip
// spinning in its next 1, 2, 4, ... reads that find no data (up to maxSpinSkip), the read still gets its data (from
// ppoll), and the next hit resets the back-off.
func TestPollConnSpinBackoff(t *testing.T) {
	pc, client := spinPair(t, 20*time.Microsecond)
	readAfter := func(delay time.Duration) {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			buf := make([]byte, 1)
			_, err := io.ReadFull(pc, buf)
			done <- err
		}()
		time.Sleep(delay)
		if _, err := client.Write([]byte{1}); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// On a loaded machine the reader may only start once the data is there; such a read
	// neither spins nor skips (nothing to wait for), so the loops below repeat a read
	// until it waited, and the assertions hold however late the reader runs.
	wantSkips := []int{1, 2, 4, 8, 16, 32, 64, 64}
	for i, want := range wantSkips {
		for try := 0; pc.spinMisses == i && try < 50; try++ {
			readAfter(20 * time.Millisecond) // far past the spin: a miss
		}
		if pc.spinMisses != i+1 || pc.spinSkip != want {
			t.Fatalf("miss %d: misses %d skip %d, want %d misses, skip %d", i+1, pc.spinMisses, pc.spinSkip, i+1, want)
		}
		// The skipped reads wait without spinning, so they count nothing; each read that
		// waited takes one skip.
		reads := 0
		for pc.spinSkip > 0 && reads < want+200 {
			readAfter(2 * time.Millisecond)
			reads++
		}
		if pc.spinSkip != 0 || pc.spinMisses != i+1 || reads < want {
			t.Fatalf("after %d reads (%d skips): skip %d, misses %d", reads, want, pc.spinSkip, pc.spinMisses)
		}
	}
	// A hit resets the back-off: data already there when the spin starts.
	pc.spin = 10 * time.Second
	hits := pc.spinHits
	readAfter(time.Millisecond)
	if pc.spinHits != hits+1 || pc.spinBackoff != 0 {
		t.Errorf("after a hit: hits %d (was %d), backoff %d, want one more hit and no backoff", pc.spinHits, hits, pc.spinBackoff)
	}
}

// TestPollConnSpinSlots: a connection does not spin while every spin slot is taken;
// its read waits in ppoll and still gets the data.
func TestPollConnSpinSlots(t *testing.T) {
	pc, client := spinPair(t, 10*time.Second)
	spinning.Add(spinSlots())
	defer spinning.Add(-spinSlots())
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 2)
		_, err := io.ReadFull(pc, buf)
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	if _, err := client.Write([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	if err := awaitRead(t, done); err != nil {
		t.Fatal(err)
	}
	if pc.spinHits != 0 || pc.spinMisses != 0 {
		t.Errorf("hits %d misses %d with every slot taken, want no spin", pc.spinHits, pc.spinMisses)
	}
}

// TestPollConnSpinEOF: a client that closes while the reader spins ends the read with
// io.EOF at once.
func TestPollConnSpinEOF(t *testing.T) {
	pc, client := pollPair(t, time.Hour)
	pc.spin = 10 * time.Second
	done := readAsync(pc)
	time.Sleep(time.Millisecond)
	_ = client.(io.Closer).Close()
	if err := awaitRead(t, done); err != io.EOF {
		t.Fatalf("read after the client closed: %v, want io.EOF", err)
	}
}
