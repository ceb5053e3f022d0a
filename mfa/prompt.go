package mfa

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/awsmfa/awsmfa/internal/term"
)

// Prompt asks for the code on the controlling terminal, never on stdout
// (stdout belongs to eval). A malformed answer is asked again, up to Tries
// times; Ctrl-C returns ErrCancelled without changing anything.
type Prompt struct {
	// Open opens the terminal; nil means /dev/tty (term.OpenFile).
	Open func() (io.ReadWriteCloser, error)
	// Tries is how many answers are read before giving up; 0 means 3.
	Tries int
	// Label names what the code is for, e.g. the profile; optional.
	Label string
	// NoTerminal, when set, is asked instead when there is no terminal
	// (a desktop Dialog); nil makes that an error.
	NoTerminal Source
}

// Describe implements Source.
func (p Prompt) Describe() string {
	if p.NoTerminal != nil {
		return "a question on the terminal (/dev/tty); with no terminal, " + p.NoTerminal.Describe()
	}
	return "a question on the terminal (/dev/tty)"
}

// Renewal implements Source: the person is asked again.
func (Prompt) Renewal() Renewal { return AskAgain }

// Code implements Source.
func (p Prompt) Code(ctx context.Context, serial string) (string, error) {
	open := p.Open
	if open == nil {
		open = func() (io.ReadWriteCloser, error) { return term.OpenFile() }
	}
	tty, err := open()
	if err != nil && p.NoTerminal != nil {
		return p.NoTerminal.Code(ctx, serial)
	}
	if err != nil {
		return "", fmt.Errorf("an MFA code is needed for %s but there is no terminal to ask on; pass --code or set mfa_process", serial)
	}
	defer tty.Close()
	restore := term.Cooked(tty)
	defer restore()

	// Ctrl-C at the question cancels the question, not the process: the
	// caller gets ErrCancelled and leaves everything as it was.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	type answer struct {
		line string
		err  error
	}
	lines := make(chan answer, 1)
	r := bufio.NewReader(tty)
	tries := p.Tries
	if tries <= 0 {
		tries = 3
	}
	what := serial
	if p.Label != "" {
		what = p.Label + " (" + serial + ")"
	}
	for try := 1; try <= tries; try++ {
		fmt.Fprintf(tty, "awsmfa: MFA code for %s: ", what)
		go func() {
			line, err := r.ReadString('\n')
			lines <- answer{line, err}
		}()
		select {
		case <-ctx.Done():
			fmt.Fprintln(tty)
			restore()
			tty.Close() // unblocks the read
			return "", ErrCancelled
		case a := <-lines:
			if a.err != nil && a.line == "" {
				fmt.Fprintln(tty)
				return "", ErrCancelled
			}
			code := strings.TrimSpace(a.line)
			err := ValidCode(code)
			if err == nil {
				return code, nil
			}
			if try < tries {
				fmt.Fprintf(tty, "awsmfa: %v; try again\n", err)
			} else {
				return "", fmt.Errorf("%w (asked %d times)", err, tries)
			}
		}
	}
	panic("unreachable")
}
