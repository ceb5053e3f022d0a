//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package term

import "golang.org/x/sys/unix"

// Cooked puts the terminal v is (an *os.File, or anything with its Fd
// method) in the line mode a question needs (Enter ends the line, the
// answer is echoed, Ctrl-C interrupts) and returns a function that restores
// what it found. Anything else, or a file that is no terminal, is left
// alone. Prompt hooks run awsmfa from places where the shell has the
// terminal in raw mode, fish's prompt events among them; without this,
// Enter would never end an answer.
//
// golang.org/x/term cannot do this: it only makes a terminal raw and
// restores a state it keeps opaque, so the line mode is set here with the
// termios ioctls.
func Cooked(v any) (restore func()) {
	f, ok := v.(interface{ Fd() uintptr })
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
