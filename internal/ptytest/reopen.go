//go:build unix

package ptytest

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Reopen returns an opener of tty, the terminal side of a pty, in place of
// opening /dev/tty: each call hands out a descriptor of its own, which the
// caller may close, as opening /dev/tty would.
func Reopen(tty *os.File) func() (io.ReadWriteCloser, error) {
	return func() (io.ReadWriteCloser, error) {
		fd, err := unix.Dup(int(tty.Fd()))
		if err != nil {
			return nil, err
		}
		return os.NewFile(uintptr(fd), tty.Name()), nil
	}
}
