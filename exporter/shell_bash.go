package exporter

import (
	"io"
	"strings"
)

// Bash is the format for bash, and for any POSIX shell: `export NAME='value'`
// and `unset NAME` lines, for eval "$(awsmfa env)".
type Bash struct{}

// Name returns "bash".
func (Bash) Name() string { return "bash" }

// Write writes c as POSIX shell code: unsets first, then exports.
func (Bash) Write(w io.Writer, c Changes) error { return writePOSIX(w, c) }

// writePOSIX writes c for bash and zsh. Unsets come first so that the last
// statement is an export, which leaves $? at 0.
func writePOSIX(w io.Writer, c Changes) error {
	if err := check(c, nil); err != nil {
		return err
	}
	b := make([]byte, 0, size(c, len("export ='\n")+len("'\\''")))
	for _, name := range c.Unset {
		b = append(b, "unset "...)
		b = append(b, name...)
		b = append(b, '\n')
	}
	for _, v := range c.Set {
		b = append(b, "export "...)
		b = append(b, v.Name...)
		b = append(b, '=')
		b = appendPOSIXQuoted(b, v.Value)
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// appendPOSIXQuoted appends s as one single-quoted POSIX shell word. Inside
// single quotes every byte but the quote itself is literal, so each quote in
// s is written as four bytes: a quote that closes, a backslash-escaped
// quote, a quote that reopens. Nothing else changes. This holds for bash and
// zsh in every locale and option setting, including zsh's RC_QUOTES (the
// output never has two quotes in a row inside a quoted string) and bash's
// interactive history expansion, which does not look inside single quotes.
func appendPOSIXQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			break
		}
		b = append(b, s[:i]...)
		b = append(b, `'\''`...)
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '\'')
}
