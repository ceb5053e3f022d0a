package mfa

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/awsmfa/awsmfa/internal/term"
)

// Static is a code given on the command line (--code).
type Static string

// Code implements Source.
func (c Static) Code(context.Context, string) (string, error) {
	code := strings.TrimSpace(string(c))
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("--code: %w", err)
	}
	return code, nil
}

// Describe implements Source.
func (Static) Describe() string { return "--code" }

// Renewal implements Source: a given code cannot be renewed.
func (Static) Renewal() Renewal { return Refuse }

// Stdin reads one line from R when a code is needed (--code -). It is
// read only once: a second request for a code fails. It reads a byte at a
// time and stops at the newline, so what follows the code on R (the rest of
// stdin, which exec hands to its child) is left unread.
type Stdin struct {
	R io.Reader
	// AsAWSMFA is set when R is read because awsmfa runs as aws-mfa and
	// stdin is not a terminal, as aws-mfa reads it, rather than because
	// --code - asked for it; the errors then say why stdin was read.
	AsAWSMFA bool
	used     bool
}

// Code implements Source.
func (c *Stdin) Code(context.Context, string) (string, error) {
	code, err := c.read()
	switch {
	case err != nil && c.AsAWSMFA:
		return "", fmt.Errorf("stdin is not a terminal, so the MFA code is read from it, as aws-mfa does: %s\n"+
			"pipe the code in, or pass --token CODE", err)
	case err != nil:
		return "", fmt.Errorf("--code -: %w", err)
	}
	return code, nil
}

func (c *Stdin) read() (string, error) {
	if c.used {
		return "", errors.New("standard input holds one code, and it was used already")
	}
	c.used = true
	line, err := term.ReadLine(c.R, maxCodeLine)
	switch {
	case errors.Is(err, term.ErrLineTooLong):
		return "", fmt.Errorf("the first line of standard input is longer than %d bytes, so it is not a code; give the 6 digits on a line of their own", maxCodeLine)
	case err != nil && !(errors.Is(err, io.EOF) && line != ""):
		return "", errors.New("standard input ended before a code was read")
	}
	code := strings.TrimSpace(line)
	if err := ValidCode(code); err != nil {
		return "", err
	}
	return code, nil
}

// Describe implements Source.
func (c *Stdin) Describe() string {
	if c.AsAWSMFA {
		return "standard input, as aws-mfa reads it (it is not a terminal)"
	}
	return "--code - (standard input)"
}

// Renewal implements Source: standard input holds one code.
func (*Stdin) Renewal() Renewal { return Refuse }

// maxCodeLine bounds the line Stdin reads: a code with its spaces and
// line ending is far shorter, and stdin may be endless.
const maxCodeLine = 64
