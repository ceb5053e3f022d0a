//go:build linux || darwin

package term

import (
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	xterm "golang.org/x/term"
)

// TestCooked: on a raw terminal, Cooked turns on what a question needs
// (Enter ends the line, echo, Ctrl-C), and restore gives back the mode it
// found.
func TestCooked(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	fd := int(tty.Fd())
	if _, err := xterm.MakeRaw(fd); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	restore := Cooked(tty)
	during, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	const lflags = unix.ICANON | unix.ECHO | unix.ISIG
	if during.Lflag&lflags != lflags || during.Iflag&unix.ICRNL == 0 {
		t.Errorf("cooked mode: lflag %#x, iflag %#x; want ICANON, ECHO, ISIG and ICRNL on", during.Lflag, during.Iflag)
	}
	restore()
	after, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
		t.Errorf("terminal mode not restored: lflag %#x -> %#x, iflag %#x -> %#x", before.Lflag, after.Lflag, before.Iflag, after.Iflag)
	}
}
