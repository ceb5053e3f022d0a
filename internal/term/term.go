// Package term is awsmfa's access to the person at the terminal: it opens
// the controlling terminal (/dev/tty, never stdout, which belongs to eval),
// asks a question on it, reads a secret without echo, and puts it in the
// line mode a question needs. Package setup asks its questions through it
// and package mfa asks for MFA codes.
package term

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	xterm "golang.org/x/term"
)

// ErrInterrupted is the user's Ctrl-C at a secret's question.
var ErrInterrupted = errors.New("interrupted")

// ErrNoAnswer is an end of input at a question.
var ErrNoAnswer = errors.New("no answer (end of input)")

// ErrLineTooLong is ReadLine's error for a line longer than its bound.
var ErrLineTooLong = errors.New("line too long")

// IsTerminal reports whether v is a terminal. A value that is not a file
// (a test's buffer) is not one.
func IsTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && xterm.IsTerminal(int(f.Fd()))
}

// OpenFile opens the controlling terminal, /dev/tty, for reading and
// writing. It fails where there is none: a cron job, a CI runner, setsid.
func OpenFile() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}

// TTY is the controlling terminal, as Open returns it.
type TTY struct{ f *os.File }

// Open opens the controlling terminal (OpenFile).
func Open() (*TTY, error) {
	f, err := OpenFile()
	if err != nil {
		return nil, err
	}
	return &TTY{f}, nil
}

// Say shows text.
func (t *TTY) Say(text string) { fmt.Fprint(t.f, text) }

// Close gives the terminal back.
func (t *TTY) Close() error { return t.f.Close() }

// Ask shows question and reads one line, echoed, without its surrounding
// spaces. It reads byte by byte, so that nothing typed ahead for the next
// question is swallowed by a buffer. An end of input before anything was
// typed is ErrNoAnswer.
func (t *TTY) Ask(question string) (string, error) {
	fmt.Fprint(t.f, question)
	line, err := ReadLine(t.f, 0)
	if err != nil && line == "" {
		fmt.Fprintln(t.f)
		return "", ErrNoAnswer
	}
	return strings.TrimSpace(line), nil
}

// Secret turns echo off before it shows the question, so that nothing
// typed or pasted early is echoed, and reads the line itself in raw mode:
// Enter ends it, Backspace and Ctrl-U edit it, Ctrl-C returns
// ErrInterrupted (the terminal is restored first), and Enter or Ctrl-D on
// an empty line returns ErrNoAnswer. SIGTERM and SIGHUP restore the
// terminal before the process dies of them.
func (t *TTY) Secret(question string) (string, error) {
	fd := int(t.f.Fd())
	state, err := xterm.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("cannot turn echo off on the terminal: %v", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			_ = xterm.Restore(fd, state)
			fmt.Fprintln(t.f)
			signal.Reset(s)
			if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(s) == nil {
				time.Sleep(time.Second)
			}
			os.Exit(128 + 15)
		case <-done:
		}
	}()
	defer func() {
		close(done)
		signal.Stop(sigs)
		_ = xterm.Restore(fd, state)
		fmt.Fprint(t.f, "\r\n")
	}()
	fmt.Fprint(t.f, question)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := t.f.Read(b)
		if err != nil {
			return "", fmt.Errorf("cannot read the secret from the terminal: %v", err)
		}
		if n == 0 {
			continue
		}
		switch c := b[0]; {
		case c == '\r' || c == '\n':
			if len(line) == 0 {
				return "", ErrNoAnswer
			}
			return string(line), nil
		case c == 3: // Ctrl-C
			return "", ErrInterrupted
		case c == 4 && len(line) == 0: // Ctrl-D
			return "", ErrNoAnswer
		case c == 0x7f || c == 8: // Backspace: drop the last character
			line = dropLast(line)
		case c == 0x15: // Ctrl-U
			line = line[:0]
		case c >= 0x20:
			line = append(line, c)
		}
	}
}

// dropLast drops the last UTF-8 character of line.
func dropLast(line []byte) []byte {
	for len(line) > 0 {
		last := line[len(line)-1]
		line = line[:len(line)-1]
		if last < 0x80 || last >= 0xC0 {
			break
		}
	}
	return line
}

// ReadLine reads from r up to and including the first newline, one byte at
// a time so that nothing after it is consumed, and returns the line without
// the newline. With max > 0 it fails with ErrLineTooLong after max bytes
// without one. It returns io.EOF (or r's error) with what it read when r
// ends first.
func ReadLine(r io.Reader, max int) (string, error) {
	var line []byte
	var b [1]byte
	for max <= 0 || len(line) < max {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return string(line), nil
			}
			line = append(line, b[0])
			continue
		}
		if err != nil {
			return string(line), err
		}
	}
	return "", ErrLineTooLong
}
