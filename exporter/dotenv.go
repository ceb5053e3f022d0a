package exporter

import (
	"io"
	"strings"
)

// Dotenv is the .env file format: one `NAME=value` line per variable set,
// the value written as it is, unquoted: everything after the first = up to
// the end of the line, as `docker run --env-file` reads it.
//
// A dotenv file cannot remove a variable, so Unset is written as nothing,
// and `awsmfa env --unset --shell dotenv` prints nothing. A value with a
// line break or that is not UTF-8 text is refused. Readers that interpret
// quotes, $ or # (python-dotenv, compose) may change a value that holds
// them; the values awsmfa exports (keys, tokens, times, names, paths) do not
// usually do.
type Dotenv struct{}

// Name returns "dotenv".
func (Dotenv) Name() string { return "dotenv" }

// Write writes the NAME=value lines of c.Set.
func (Dotenv) Write(w io.Writer, c Changes) error {
	if err := check(c, dotenvValueOK); err != nil {
		return err
	}
	b := make([]byte, 0, size(c, len("=\n")))
	for _, v := range c.Set {
		b = append(b, v.Name...)
		b = append(b, '=')
		b = append(b, v.Value...)
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// dotenvValueOK refuses what a line-based text format cannot hold.
func dotenvValueOK(value string) string {
	if strings.ContainsAny(value, "\n\r") {
		return "contains a line break, which a dotenv file cannot hold; use --shell bash, zsh or fish"
	}
	return notUTF8(value)
}
