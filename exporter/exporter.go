// Package exporter turns credentials into text for one consumer: shell code
// for bash, zsh, fish or PowerShell to evaluate, a dotenv file, or the JSON
// document an AWS SDK reads from credential_process.
//
// The variables to set and unset are a Changes value, built by Session (the
// whole exported session, in the order docs/internals.md lists) or Clear (what
// `awsmfa env --unset` removes). A Format renders Changes as text. Each format
// lives in its own file; a new shell is one new file and one case in Lookup.
//
// Every format checks every name and value before it writes anything, and
// then writes its output in one Write call, so an error never leaves half a
// script for eval. Names must match [A-Za-z_][A-Za-z0-9_]*. No format accepts
// a NUL byte in a value, since no environment variable can hold one. Errors
// name the variable, never its value: the values are secrets.
//
// The shell formats round-trip any other byte string exactly, including
// newlines, quotes of every kind, backslashes, $(...), backticks, control
// characters and invalid UTF-8: values are always single-quoted, so the shell
// expands nothing inside them.
package exporter

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Var is one environment variable to set.
type Var struct {
	Name, Value string
}

// Changes is what a consumer should do to its environment: set the
// variables in Set, in that order, and remove those named in Unset.
type Changes struct {
	Set   []Var
	Unset []string
}

// Format renders Changes as text for one consumer.
type Format interface {
	// Name is the name Lookup knows the format by.
	Name() string
	// Write checks c and writes it to w in a single Write call. On an error
	// from the check it writes nothing.
	Write(w io.Writer, c Changes) error
}

// Names lists the names Lookup accepts, in the order help text shows them.
// Lookup also accepts "pwsh" for "powershell".
func Names() []string {
	return []string{"bash", "zsh", "fish", "powershell", "dotenv", "json"}
}

// Lookup returns the format called name (case does not matter). An unknown
// name is an error that lists the valid ones.
func Lookup(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "bash":
		return Bash{}, nil
	case "zsh":
		return Zsh{}, nil
	case "fish":
		return Fish{}, nil
	case "powershell", "pwsh":
		return PowerShell{}, nil
	case "dotenv":
		return Dotenv{}, nil
	case "json":
		return JSON{}, nil
	}
	return nil, fmt.Errorf("unknown shell %q: use one of bash, zsh, fish, powershell (or pwsh), dotenv, json", name)
}

// Detect picks the shell format from the value of $SHELL: a path such as
// /usr/bin/zsh or /opt/homebrew/bin/fish, a login shell's "-bash", or a
// versioned name such as zsh-5.9. Anything it does not recognise, including
// an empty value, gets bash, whose output every POSIX shell (sh, dash, ksh)
// also reads.
func Detect(shellEnv string) Format {
	name := shellEnv
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToLower(strings.TrimLeft(name, "-"))
	name = strings.TrimSuffix(name, ".exe")
	switch {
	case strings.HasPrefix(name, "zsh"):
		return Zsh{}
	case strings.HasPrefix(name, "fish"):
		return Fish{}
	case strings.HasPrefix(name, "pwsh"), strings.HasPrefix(name, "powershell"):
		return PowerShell{}
	}
	return Bash{}
}

// Environ applies c to base, an environment in os.Environ form, and returns
// the result for a child process (awsmfa exec): every variable c names is
// removed from base, then the variables in c.Set are appended in order. base
// is not modified. It fails, naming the variable, on an invalid name or a
// value holding a NUL byte.
func (c Changes) Environ(base []string) ([]string, error) {
	if err := check(c, nil); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(base)+len(c.Set))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if c.names(name) {
			continue
		}
		out = append(out, kv)
	}
	for _, v := range c.Set {
		out = append(out, v.Name+"="+v.Value)
	}
	return out, nil
}

// names reports whether c sets or unsets name.
func (c Changes) names(name string) bool {
	if slices.Contains(c.Unset, name) {
		return true
	}
	for _, v := range c.Set {
		if v.Name == name {
			return true
		}
	}
	return false
}

// check validates every name in c, refuses a name that appears twice, and
// refuses a value with a NUL byte. valueOK, when not nil, adds the rules of
// one format; it returns the reason a value is refused, or "".
func check(c Changes, valueOK func(value string) string) error {
	seen := make([]string, 0, 16) // a session has 14 names; a scan beats a map
	name := func(n string) error {
		if !validName(n) {
			return fmt.Errorf("invalid variable name %q: a name is letters, digits and _, and does not start with a digit", n)
		}
		if slices.Contains(seen, n) {
			return fmt.Errorf("variable %s is named twice in one export; each variable may be set or unset once", n)
		}
		seen = append(seen, n)
		return nil
	}
	for _, n := range c.Unset {
		if err := name(n); err != nil {
			return err
		}
	}
	for _, v := range c.Set {
		if err := name(v.Name); err != nil {
			return err
		}
		if strings.IndexByte(v.Value, 0) >= 0 {
			return fmt.Errorf("the value of %s contains a NUL byte, which no environment variable can hold", v.Name)
		}
		if valueOK != nil {
			if reason := valueOK(v.Value); reason != "" {
				return fmt.Errorf("the value of %s %s", v.Name, reason)
			}
		}
	}
	return nil
}

// validName reports whether n matches [A-Za-z_][A-Za-z0-9_]*.
func validName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// notUTF8 is a valueOK rule for formats whose readers decode text as UTF-8.
func notUTF8(value string) string {
	if !utf8.ValidString(value) {
		return "is not valid UTF-8 text, which this format cannot hold; use --shell bash, zsh or fish"
	}
	return ""
}

// size estimates the bytes c takes in a format whose statements cost
// perLine bytes beside the name and value, so that Write allocates once.
func size(c Changes, perLine int) int {
	n := 0
	for _, v := range c.Set {
		n += len(v.Name) + len(v.Value) + perLine + len(v.Value)/8
	}
	for _, u := range c.Unset {
		n += len(u) + perLine
	}
	return n
}

// Quote returns s as one word for the shell of format f to read back as s,
// expanding nothing in it: fish's quoting for Fish, PowerShell's for
// PowerShell (s must then be valid UTF-8), and POSIX single quotes for every
// other format. A word of letters, digits and _ - . , / : @ + is returned
// as it is. It is for the commands that messages
// tell the user to run, with a name that came from a file or the command
// line.
func Quote(f Format, s string) string {
	if plainWord(s) {
		return s
	}
	switch f.(type) {
	case Fish:
		return string(appendFishQuoted(nil, s))
	case PowerShell:
		return string(appendPowerShellQuoted(nil, s))
	}
	return string(appendPOSIXQuoted(nil, s))
}

// plainWord reports whether s needs no quotes in any shell Quote knows.
func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.,/:@+", c) >= 0) {
			return false
		}
	}
	return true
}
