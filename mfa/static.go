package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// StaticCode is a code given on the command line (--code).
type StaticCode string

// Code implements CodeSource.
func (c StaticCode) Code(context.Context, string) (string, error) {
	code := strings.TrimSpace(string(c))
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("--code: %w", err)
	}
	return code, nil
}

// ReaderCode reads one line from R when a code is needed (--code -). It is
// read only once: a second request for a code fails. It reads a byte at a
// time and stops at the newline, so what follows the code on R (the rest of
// stdin, which exec hands to its child) is left unread.
type ReaderCode struct {
	R    io.Reader
	used bool
}

// Code implements CodeSource.
func (c *ReaderCode) Code(context.Context, string) (string, error) {
	if c.used {
		return "", errors.New("--code -: standard input holds one code, and it was used already")
	}
	c.used = true
	line, err := readLine(c.R, maxCodeLine)
	switch {
	case errors.Is(err, errLineTooLong):
		return "", fmt.Errorf("--code -: the first line of standard input is longer than %d bytes, so it is not a code; give the 6 digits on a line of their own", maxCodeLine)
	case err != nil && !(errors.Is(err, io.EOF) && line != ""):
		return "", errors.New("--code -: standard input ended before a code was read")
	}
	code := strings.TrimSpace(line)
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("--code -: %w", err)
	}
	return code, nil
}

// maxCodeLine bounds the line ReaderCode reads: a code with its spaces and
// line ending is far shorter, and stdin may be endless.
const maxCodeLine = 64

var errLineTooLong = errors.New("line too long")

// readLine reads from r up to and including the first newline, one byte at
// a time so that nothing after it is consumed, and returns the line without
// the newline. It fails with errLineTooLong after max bytes without one, and
// returns io.EOF (with what it read) when r ends first.
func readLine(r io.Reader, max int) (string, error) {
	var line []byte
	var b [1]byte
	for len(line) < max {
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
	return "", errLineTooLong
}
