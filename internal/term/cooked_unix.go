//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package session

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// cooked puts the terminal behind rw in the line mode a question needs
// (Enter ends the line, the answer is echoed, Ctrl-C interrupts) and returns
// a function that restores what it found. Prompt hooks run awsmfa from
// places where the shell has the terminal in raw mode, fish's prompt events
// among them; without this, Enter would never end the code.
func cooked(rw io.ReadWriter) (restore func()) {
	f, ok := rw.(*os.File)
	if !ok {
		return func() {}
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return func() {}
	}
	t := *old
	t.Iflag |= unix.ICRNL
	t.Lflag |= unix.ICANON | unix.ECHO | unix.ISIG
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }
}
