//go:build linux || darwin

package mfa

import (
	"context"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// TestPromptFromRawTerminal: a prompt hook may run awsmfa while the
// shell holds the terminal in raw mode (fish does, in its prompt events).
// The question must still end at Enter (a CR in raw mode), and the
// terminal's mode must be restored afterwards (internal/term's TestCooked
// checks the mode in between).
func TestPromptFromRawTerminal(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	if _, err := term.MakeRaw(int(tty.Fd())); err != nil {
		t.Fatal(err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, master) // the question and the echo

	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	p := Prompt{Open: ptytest.Reopen(tty)}
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
	after, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("terminal mode not restored: %+v -> %+v", before, after)
	}
}
