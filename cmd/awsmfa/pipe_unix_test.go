//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// endlessPipe makes a named pipe (outside the world's snapshot: writing
// moves its mtime) that yields head and
// then "a" without end, until its reader goes away, and returns its path.
func endlessPipe(t *testing.T, head string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "endless")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		if _, err := f.WriteString(head); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for {
			if _, err := f.Write(chunk); err != nil {
				return // the reader closed the pipe
			}
		}
	}()
	t.Cleanup(func() {
		// Unblock a writer still waiting for a reader, then wait for it.
		if r, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
		<-done
	})
	return p
}
