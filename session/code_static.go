package session

import (
	"bufio"
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
// read only once: a second request for a code fails.
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
	line, err := bufio.NewReader(c.R).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("--code -: standard input ended before a code was read")
	}
	code := strings.TrimSpace(line)
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("--code -: %w", err)
	}
	return code, nil
}
