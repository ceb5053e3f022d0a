//go:build linux || darwin

package session

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// TestTTYPromptFromRawTerminal: a prompt hook may run awsmfa while the
// shell holds the terminal in raw mode (fish does, in its prompt events).
// The question must still end at Enter (a CR in raw mode), and the
// terminal's mode must be restored afterwards.
func TestTTYPromptFromRawTerminal(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	if _, err := term.MakeRaw(int(tty.Fd())); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, master) // the question and the echo

	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	p := TTYPrompt{Open: reopen(tty)}
	go func() {
		code, err := p.Code(context.Background(), "arn:aws:iam::123456789012:mfa/me")
		done <- result{code, err}
	}()
	time.Sleep(200 * time.Millisecond)
	if _, err := master.Write([]byte("123456\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || r.code != "123456" {
			t.Fatalf("Code() = %q, %v; want 123456", r.code, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Enter did not end the answer on a raw terminal")
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
		t.Errorf("terminal mode not restored: lflag %#x -> %#x, iflag %#x -> %#x", before.Lflag, after.Lflag, before.Iflag, after.Iflag)
	}
}

// reopen is a TTYPrompt.Open for the pty tty: each call hands the prompt a
// descriptor of its own, which it may close, as opening /dev/tty would.
func reopen(tty *os.File) func() (io.ReadWriteCloser, error) {
	return func() (io.ReadWriteCloser, error) {
		fd, err := unix.Dup(int(tty.Fd()))
		if err != nil {
			return nil, err
		}
		return os.NewFile(uintptr(fd), tty.Name()), nil
	}
}
