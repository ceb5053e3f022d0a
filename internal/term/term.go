package setup

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

// Terminal is where setup asks its questions: the user's terminal, never
// stdout or stderr. Tests drive Run through their own Terminal.
type Terminal interface {
	// Ask shows question and reads one line, echoed.
	Ask(question string) (string, error)
	// Secret shows question and reads one line without echo.
	Secret(question string) (string, error)
	// Say shows text.
	Say(text string)
	// Close gives the terminal back.
	Close() error
}

// ErrCancelled is the user's Ctrl-C at the secret's question; nothing was
// written. The command exits with status 130 for it, as a shell does.
var ErrCancelled = errors.New("cancelled; nothing was written")

// errNoAnswer is an end of input at a question.
var errNoAnswer = errors.New("no answer (end of input); nothing was written")

// ReadLine reads one line from r, without its line ending: a secret given
// on stdin. An empty r is an error.
func ReadLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		if err == io.EOF {
			return "", errors.New("nothing there")
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// tty is the controlling terminal, /dev/tty.
type tty struct{ f *os.File }

// OpenTTY opens the controlling terminal, /dev/tty, for Input.Open. It
// fails where there is none: a cron job, a CI runner, setsid.
func OpenTTY() (Terminal, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &tty{f}, nil
}

func (t *tty) Say(text string) { fmt.Fprint(t.f, text) }

func (t *tty) Close() error { return t.f.Close() }

// Ask reads byte by byte, so that nothing typed ahead for the next
// question is swallowed by a buffer.
func (t *tty) Ask(question string) (string, error) {
	fmt.Fprint(t.f, question)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := t.f.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSpace(string(line)), nil
			}
			line = append(line, b[0])
			continue
		}
		if err != nil {
			if len(line) > 0 {
				return strings.TrimSpace(string(line)), nil
			}
			fmt.Fprintln(t.f)
			return "", errNoAnswer
		}
	}
}

// Secret turns echo off before it shows the question, so that nothing
// typed or pasted early is echoed, and reads the line itself in raw mode:
// Enter ends it, Backspace and Ctrl-U edit it, Ctrl-C cancels with
// ErrCancelled (the terminal is restored and nothing is written). SIGTERM
// and SIGHUP restore the terminal before the process dies of them.
func (t *tty) Secret(question string) (string, error) {
	fd := int(t.f.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("cannot turn echo off on the terminal: %v", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			_ = term.Restore(fd, state)
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
		_ = term.Restore(fd, state)
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
				return "", errNoAnswer
			}
			return string(line), nil
		case c == 3: // Ctrl-C
			return "", ErrCancelled
		case c == 4 && len(line) == 0: // Ctrl-D
			return "", errNoAnswer
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
