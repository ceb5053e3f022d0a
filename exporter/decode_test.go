package exporter

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file holds reference decoders: small models of how each consumer
// reads what the formats write. They parse a whole script back into the
// statements it runs, so the fuzz targets can check the quoting round trip
// without starting a shell. They are strict on purpose: outside quotes they
// accept only the statement keywords, names and terminators the formats
// emit, so an unquoted character that a shell would expand or split on is an
// error here rather than a silent pass.

// stmt is one decoded statement: a variable set to a value, or unset.
type stmt struct {
	unset       bool
	name, value string
}

func (s stmt) String() string {
	if s.unset {
		return "unset " + s.name
	}
	return fmt.Sprintf("set %s=%q", s.name, s.value)
}

// stmts is what a consumer should do for c, in the order the formats write
// it: unsets first, then sets.
func stmts(c Changes) []stmt {
	var out []stmt
	for _, n := range c.Unset {
		out = append(out, stmt{unset: true, name: n})
	}
	for _, v := range c.Set {
		out = append(out, stmt{name: v.Name, value: v.Value})
	}
	return out
}

// decodePOSIX parses `unset NAME` and `export NAME=WORD` lines as bash and
// zsh do: inside single quotes every byte is literal up to the next quote;
// outside, a backslash escapes the next byte (and with a newline continues
// the line), a newline ends the statement, letters and digits are literal,
// and any other byte is refused.
func decodePOSIX(script string) ([]stmt, error) {
	var out []stmt
	for script != "" {
		switch {
		case strings.HasPrefix(script, "unset "):
			name, rest, err := lineName(script[len("unset "):], '\n')
			if err != nil {
				return nil, err
			}
			out, script = append(out, stmt{unset: true, name: name}), rest
		case strings.HasPrefix(script, "export "):
			name, rest, err := lineName(script[len("export "):], '=')
			if err != nil {
				return nil, err
			}
			value, rest, err := posixWord(rest)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out, script = append(out, stmt{name: name, value: value}), rest
		default:
			return nil, fmt.Errorf("unexpected statement at %.20q", script)
		}
	}
	return out, nil
}

// posixWord decodes one POSIX shell word up to and including the newline
// that ends it.
func posixWord(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", "", errors.New("unterminated single quote")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '\\':
			if i+1 == len(s) {
				return "", "", errors.New("backslash at end of input")
			}
			if s[i+1] != '\n' {
				b.WriteByte(s[i+1])
			}
			i++
		case c == '\n':
			return b.String(), s[i+1:], nil
		case isAlnum(c):
			b.WriteByte(c)
		default:
			return "", "", fmt.Errorf("unquoted %q would be interpreted by the shell", c)
		}
	}
	return "", "", errors.New("statement does not end with a newline")
}

// decodeFish parses `set -e -g NAME` and `set -gx NAME WORD` lines, and the
// `true` line that must end a non-empty script, as fish does: inside single
// quotes \\ is a backslash, \' a quote, any other backslash literal; outside
// quotes only the newline that ends the statement is accepted.
func decodeFish(script string) ([]stmt, error) {
	var out []stmt
	if script != "" {
		var ok bool
		if script, ok = strings.CutSuffix(script, "\ntrue\n"); !ok {
			return nil, errors.New("a fish script must end with a line that is true, to reset $status")
		}
		script += "\n"
	}
	for script != "" {
		switch {
		case strings.HasPrefix(script, "set -e -g "):
			name, rest, err := lineName(script[len("set -e -g "):], '\n')
			if err != nil {
				return nil, err
			}
			out, script = append(out, stmt{unset: true, name: name}), rest
		case strings.HasPrefix(script, "set -gx "):
			name, rest, err := lineName(script[len("set -gx "):], ' ')
			if err != nil {
				return nil, err
			}
			value, rest, err := fishWord(rest)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out, script = append(out, stmt{name: name, value: value}), rest
		default:
			return nil, fmt.Errorf("unexpected statement at %.20q", script)
		}
	}
	return out, nil
}

// fishWord decodes one fish word up to and including the newline that ends
// it.
func fishWord(s string) (value, rest string, err error) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '\''):
			b.WriteByte(s[i+1])
			i++
		case c == '\'':
			quoted = !quoted
		case quoted:
			b.WriteByte(c)
		case c == '\n':
			return b.String(), s[i+1:], nil
		default:
			return "", "", fmt.Errorf("unquoted %q would be interpreted by fish", c)
		}
	}
	if quoted {
		return "", "", errors.New("unterminated single quote")
	}
	return "", "", errors.New("statement does not end with a newline")
}

// decodePowerShell parses `Remove-Item Env:NAME -ErrorAction
// SilentlyContinue` and `$Env:NAME = 'WORD'` lines as PowerShell's tokenizer
// does: a single-quoted string starts and ends at any of ' U+2018 U+2019
// U+201A U+201B, and two of them in a row stand for the second.
func decodePowerShell(script string) ([]stmt, error) {
	if !utf8.ValidString(script) {
		return nil, errors.New("script is not UTF-8")
	}
	const removePrefix, removeSuffix = "Remove-Item Env:", " -ErrorAction SilentlyContinue\n"
	var out []stmt
	for script != "" {
		switch {
		case strings.HasPrefix(script, removePrefix):
			name, rest, err := lineName(script[len(removePrefix):], ' ')
			if err != nil {
				return nil, err
			}
			rest, ok := strings.CutPrefix(" "+rest, removeSuffix)
			if !ok {
				return nil, fmt.Errorf("%s: unexpected text after Remove-Item", name)
			}
			out, script = append(out, stmt{unset: true, name: name}), rest
		case strings.HasPrefix(script, "$Env:"):
			name, rest, err := lineName(script[len("$Env:"):], ' ')
			if err != nil {
				return nil, err
			}
			rest, ok := strings.CutPrefix(rest, "= ")
			if !ok {
				return nil, fmt.Errorf("%s: no assignment", name)
			}
			value, rest, err := powerShellString(rest)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out, script = append(out, stmt{name: name, value: value}), rest
		default:
			return nil, fmt.Errorf("unexpected statement at %.20q", script)
		}
	}
	return out, nil
}

// powerShellString decodes one single-quoted PowerShell string and the
// newline after it.
func powerShellString(s string) (value, rest string, err error) {
	r, n := utf8.DecodeRuneInString(s)
	if !isPowerShellQuote(r) {
		return "", "", errors.New("value does not start with a single quote")
	}
	s = s[n:]
	var b strings.Builder
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if isPowerShellQuote(r) {
			r2, n2 := utf8.DecodeRuneInString(s)
			if !isPowerShellQuote(r2) {
				rest, ok := strings.CutPrefix(s, "\n")
				if !ok {
					return "", "", errors.New("text after the closing quote")
				}
				return b.String(), rest, nil
			}
			r, s = r2, s[n2:]
		}
		b.WriteRune(r)
	}
	return "", "", errors.New("unterminated single quote")
}

// decodeDotenv parses NAME=value lines: the value is everything after the
// first = up to the end of the line.
func decodeDotenv(script string) ([]stmt, error) {
	var out []stmt
	for script != "" {
		line, rest, ok := strings.Cut(script, "\n")
		if !ok {
			return nil, errors.New("last line does not end with a newline")
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || !validName(name) {
			return nil, fmt.Errorf("line %.20q is not NAME=value", line)
		}
		out, script = append(out, stmt{name: name, value: value}), rest
	}
	return out, nil
}

// lineName reads a variable name up to the byte end, which it consumes.
func lineName(s string, end byte) (name, rest string, err error) {
	i := strings.IndexByte(s, end)
	if i < 0 {
		return "", "", fmt.Errorf("no %q after the name in %.20q", end, s)
	}
	if !validName(s[:i]) {
		return "", "", fmt.Errorf("invalid name %q", s[:i])
	}
	return s[:i], s[i+1:], nil
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
