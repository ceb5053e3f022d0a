// Package iniedit edits sections of the AWS CLI's INI files
// (~/.aws/credentials, ~/.aws/config) while keeping every other byte as it
// was: other sections, comments, blank lines, key order, spacing, line
// endings (LF or CRLF), a byte-order mark, nested settings.
//
// Parse reads a file in the AWS CLI's own dialect (Python's configparser as
// botocore uses it) and refuses, with its line number, anything the CLI
// would refuse or that would make an edit ambiguous. A File's Set and Unset
// change single keys in place, append missing keys to their section, and
// append missing sections at the end; every edit is checked by reading the
// result back. Update does a locked, atomic read-modify-write of a file on
// disk, keeping it private (0600 in a 0700 directory).
package iniedit

import (
	"bytes"
	"fmt"
	"strings"
)

// SyntaxError is a line that the AWS CLI would refuse too, or that makes an
// edit ambiguous (a section written twice).
type SyntaxError struct {
	File string // as shown to the user
	Line int    // 1-based
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: %s\nfix that line; nothing was written", e.File, e.Line, e.Msg)
}

// kind says what a line of the file is.
type kind uint8

const (
	blank        kind = iota // empty, white space or a comment
	header                   // [name]
	option                   // key = value
	continuation             // an indented line continuing the option above
)

// line is one line of the file: where it is and how it reads.
type line struct {
	start, end int // data[start:end] is the line with its line ending
	kind       kind
	pre        int    // length of a byte-order mark before the line's text
	indent     int    // blanks before the content (after any byte-order mark)
	name       string // section header, or option key as written
	value      string // option value, trimmed
	delim      int    // offset of '=' or ':' in the line (options)
}

// key is one option of a section, with its continuation lines.
type key struct {
	name        string // as written
	first, last int    // line indexes of the key line and its last continuation
	value       string // continuation lines joined with "\n"
}

// section is one [header] and its keys.
type section struct {
	name string
	head int // line index of the header
	keys []key
	// end is the line index just past the last key line (or the header);
	// new keys go there, before any comments that lead into the next
	// section.
	end int
}

// File is a parsed INI file. It keeps the file's bytes; edits splice them.
type File struct {
	name     string // for messages
	data     []byte
	lines    []line
	sections []section
	newline  string // "\n" or "\r\n": what new lines end with
}

// Parse reads data, named name in messages.
func Parse(name string, data []byte) (*File, error) {
	f := &File{name: name, data: data}
	if err := f.parse(); err != nil {
		return nil, err
	}
	return f, nil
}

// isBlank is white space as Python's str.strip sees it (the ASCII part).
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func trim(s string) string {
	for len(s) > 0 && isBlank(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isBlank(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// indexDelim finds the first '=' or ':' of an option line.
func indexDelim(s string) int {
	return strings.IndexAny(s, "=:")
}

func (f *File) parse() error {
	f.lines, f.sections = f.lines[:0], f.sections[:0]
	f.newline = "\n"
	if i := bytes.IndexByte(f.data, '\n'); i > 0 && f.data[i-1] == '\r' {
		f.newline = "\r\n"
	}
	data := string(f.data)
	inSection, haveOpt, lastIndent := false, false, 0
	for pos, n := 0, 0; pos < len(data); n++ {
		start := pos
		end, next := len(data), len(data)
		if i := strings.IndexByte(data[start:], '\n'); i >= 0 {
			end, next = start+i, start+i+1
		}
		pos = next
		text := data[start:end]
		ln := line{start: start, end: next}
		if n == 0 && strings.HasPrefix(text, "\uFEFF") {
			text, ln.pre = text[len("\uFEFF"):], len("\uFEFF")
		}
		i := 0
		for i < len(text) && isBlank(text[i]) {
			i++
		}
		content := trim(text)
		ln.indent = i
		lineNo := n + 1
		switch {
		case content == "" || content[0] == '#' || content[0] == ';':
			ln.kind = blank
		case inSection && haveOpt && i > lastIndent:
			ln.kind = continuation
			ln.value = content
		default:
			lastIndent = i
			d := indexDelim(content)
			if content[0] == '[' {
				if k := strings.LastIndexByte(content, ']'); k > 1 {
					ln.kind, ln.name = header, content[1:k]
					inSection, haveOpt = true, false
					break
				}
				if d < 0 || !inSection {
					if strings.IndexByte(content, ']') == 1 {
						return &SyntaxError{f.name, lineNo, "empty section header []"}
					}
					shown := content
					if d >= 0 {
						shown = trim(content[:d]) + " …"
					}
					return &SyntaxError{f.name, lineNo, fmt.Sprintf("unclosed section header %s", quote(shown))}
				}
			}
			// The line may hold a secret: show at most its key.
			if !inSection {
				if d > 0 {
					return &SyntaxError{f.name, lineNo, fmt.Sprintf("%s comes before any [section] header", quote(trim(content[:d])+" "+content[d:d+1]+" …"))}
				}
				return &SyntaxError{f.name, lineNo, "this line comes before any [section] header"}
			}
			if d < 0 {
				return &SyntaxError{f.name, lineNo, "this line is not a [section] header or a key = value line"}
			}
			k := trim(content[:d])
			if k == "" {
				return &SyntaxError{f.name, lineNo, fmt.Sprintf("this line has no key before the %q", content[d])}
			}
			ln.kind, ln.name, ln.value = option, k, trim(content[d+1:])
			ln.delim = ln.pre + i + d
			haveOpt = true
		}
		f.lines = append(f.lines, ln)
	}
	return f.index()
}

// index groups the lines into sections and keys, and refuses a key set
// twice in one section (the AWS CLI refuses the file).
func (f *File) index() error {
	var seen map[string]int // lower-case key -> line index, in this section
	for i, ln := range f.lines {
		switch ln.kind {
		case header:
			f.sections = append(f.sections, section{name: ln.name, head: i, end: i + 1})
			seen = map[string]int{}
		case option:
			s := &f.sections[len(f.sections)-1]
			lower := strings.ToLower(ln.name)
			if first, dup := seen[lower]; dup {
				return &SyntaxError{f.name, i + 1, fmt.Sprintf("%s is set twice in [%s] (first at line %d); remove one",
					lower, s.name, first+1)}
			}
			seen[lower] = i
			s.keys = append(s.keys, key{name: ln.name, first: i, last: i, value: ln.value})
			s.end = i + 1
		case continuation:
			s := &f.sections[len(f.sections)-1]
			k := &s.keys[len(s.keys)-1]
			k.last = i
			k.value += "\n" + ln.value
			s.end = i + 1
		}
	}
	return nil
}

// quote shows part of a line that failed to parse, shortened if long. It is
// never given a value: a value may be a secret.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// lookup returns the index of the section named name, -1 when there is
// none, or an error when the name heads two sections.
func (f *File) lookup(name string) (int, error) {
	found := -1
	for i, s := range f.sections {
		if s.name != name {
			continue
		}
		if found >= 0 {
			return -1, &SyntaxError{f.name, f.sections[i].head + 1,
				fmt.Sprintf("section [%s] appears again (first at line %d); merge the two", name, f.sections[found].head+1)}
		}
		found = i
	}
	return found, nil
}

// Sections returns the section names in file order, duplicates included.
func (f *File) Sections() []string {
	out := make([]string, len(f.sections))
	for i, s := range f.sections {
		out[i] = s.name
	}
	return out
}

// Has reports whether the file has a section named name.
func (f *File) Has(name string) bool {
	i, err := f.lookup(name)
	return i >= 0 || err != nil
}

// Get returns the value of key (compared without regard to case) in
// section name. A nested setting's value is its lines joined with "\n".
func (f *File) Get(name, k string) (string, bool) {
	i, err := f.lookup(name)
	if err != nil || i < 0 {
		return "", false
	}
	for _, kk := range f.sections[i].keys {
		if strings.EqualFold(kk.name, k) {
			return kk.value, true
		}
	}
	return "", false
}

// Line returns the 1-based line of section name's header, or 0.
func (f *File) Line(name string) int {
	i, err := f.lookup(name)
	if err != nil || i < 0 {
		return 0
	}
	return f.sections[i].head + 1
}

// Bytes returns the file's content. The caller must not modify it.
func (f *File) Bytes() []byte { return f.data }
