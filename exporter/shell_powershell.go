package exporter

import (
	"io"
	"unicode/utf8"
)

// PowerShell is the format for PowerShell (Windows PowerShell and pwsh):
// `$Env:NAME = 'value'` and `Remove-Item Env:NAME -ErrorAction
// SilentlyContinue` lines, for
// `awsmfa env --shell powershell | Out-String | Invoke-Expression`.
//
// PowerShell strings are UTF-16, so a value that is not valid UTF-8 is
// refused. Note that PowerShell removes an environment variable that is
// assigned the empty string.
type PowerShell struct{}

// Name returns "powershell".
func (PowerShell) Name() string { return "powershell" }

// Write writes c as PowerShell code: removals first, then assignments.
func (PowerShell) Write(w io.Writer, c Changes) error {
	if err := check(c, notUTF8); err != nil {
		return err
	}
	b := make([]byte, 0, size(c, len("Remove-Item Env: -ErrorAction SilentlyContinue\n")))
	for _, name := range c.Unset {
		b = append(b, "Remove-Item Env:"...)
		b = append(b, name...)
		b = append(b, " -ErrorAction SilentlyContinue\n"...)
	}
	for _, v := range c.Set {
		b = append(b, "$Env:"...)
		b = append(b, v.Name...)
		b = append(b, " = "...)
		b = appendPowerShellQuoted(b, v.Value)
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// appendPowerShellQuoted appends s, valid UTF-8, as one single-quoted
// PowerShell string. PowerShell ends a single-quoted string at any of five
// characters: ' and the typographic U+2018, U+2019, U+201A, U+201B. Two of
// them in a row stand for the second one, so each is doubled; every other
// character, newlines and control characters included, is literal.
func appendPowerShellQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	for _, r := range s {
		if isPowerShellQuote(r) {
			b = utf8.AppendRune(b, r)
		}
		b = utf8.AppendRune(b, r)
	}
	return append(b, '\'')
}

// isPowerShellQuote reports whether PowerShell treats r as a single quote.
func isPowerShellQuote(r rune) bool {
	return r == '\'' || ('\u2018' <= r && r <= '\u201B')
}
