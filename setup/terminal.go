package setup

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/awsmfa/awsmfa/internal/term"
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

// OpenTTY opens the controlling terminal, /dev/tty, for Input.Open. It
// fails where there is none: a cron job, a CI runner, setsid.
func OpenTTY() (Terminal, error) {
	t, err := term.Open()
	if err != nil {
		return nil, err
	}
	return tty{t}, nil
}

// tty is the controlling terminal, with its errors told as setup tells
// them: nothing was written.
type tty struct{ *term.TTY }

func (t tty) Ask(question string) (string, error) {
	s, err := t.TTY.Ask(question)
	return s, setupError(err)
}

func (t tty) Secret(question string) (string, error) {
	s, err := t.TTY.Secret(question)
	return s, setupError(err)
}

func setupError(err error) error {
	switch {
	case errors.Is(err, term.ErrInterrupted):
		return ErrCancelled
	case errors.Is(err, term.ErrNoAnswer):
		return errNoAnswer
	}
	return err
}
