package profile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa/awsmfa/exporter"
)

// ErrNotFound is matched (errors.Is) by an *UnknownProfileError.
var ErrNotFound = errors.New("profile not found")

// UnknownProfileError is a profile name that matches nothing in either file.
// It never falls back to [default].
type UnknownProfileError struct {
	Name  string
	Known []string // every name that does resolve, sorted
	Files Files    // the files searched, as shown to the user
	// NoFiles is set when neither file exists.
	NoFiles bool
	// Misplaced is set ("~/.aws/config:3") when the config file has a
	// section [NAME], which is not a profile there: profiles in the config
	// file are written [profile NAME].
	Misplaced string
}

// maxListed is how many known names the message shows.
const maxListed = 12

// Error names the files searched and lists the profiles that exist.
func (e *UnknownProfileError) Error() string {
	where := e.Files.Config + " or " + e.Files.Credentials
	if e.NoFiles {
		return fmt.Sprintf("no profile named %q: neither %s nor %s exists\ncreate one with: awsmfa setup %s",
			e.Name, e.Files.Config, e.Files.Credentials, commandArg(e.Name))
	}
	if len(e.Known) == 0 && e.Misplaced == "" {
		return fmt.Sprintf("no profile named %q: %s define no profiles\ncreate one with: awsmfa setup %s", e.Name, where, commandArg(e.Name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no profile named %q in %s", e.Name, where)
	if e.Misplaced != "" {
		fmt.Fprintf(&b, " ([%s] at %s is not a profile: in the config file write [profile %s])", e.Name, e.Misplaced, e.Name)
	} else if s := closest(e.Name, e.Known); s != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", s)
	}
	if len(e.Known) == 0 {
		b.WriteString("\nthere are no profiles yet")
		return b.String()
	}
	b.WriteString("\nprofiles: ")
	for i, n := range e.Known {
		if i == maxListed {
			fmt.Fprintf(&b, " … and %d more (awsmfa list)", len(e.Known)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	return b.String()
}

// commandArg shows a profile name, typed on the command line or read from
// a config file, in a command a message tells the user to run: one word
// that bash and zsh read back as the name, expanding nothing in it. A plain
// name is shown as it is, any other in single quotes (exporter.Quote), and
// one with a control character, which would break the message's lines or
// reach the terminal, as $'...' with escapes. A name that starts with a
// dash goes after --.
func commandArg(name string) string {
	q := exporter.Quote(exporter.Bash{}, name)
	if strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		var b strings.Builder
		b.WriteString("$'")
		for i := 0; i < len(name); i++ {
			c := name[i]
			switch {
			case c == '\\' || c == '\'':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < ' ' || c == 0x7f:
				fmt.Fprintf(&b, "\\x%02x", c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('\'')
		q = b.String()
	}
	if strings.HasPrefix(name, "-") {
		return "-- " + q
	}
	return q
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *UnknownProfileError) Is(target error) bool { return target == ErrNotFound }

// closest returns the known name nearest to name when it is a likely typo
// (at most 2 edits, and fewer than half the name), else "".
func closest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(name, k, bestD); d < bestD && 2*d < len(name) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or limit when it
// is at least limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
