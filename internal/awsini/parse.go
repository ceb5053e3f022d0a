package awsini

import (
	"bytes"
	"fmt"
	"strings"
)

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

func (f *File) parse() error {
	f.lines, f.sections = f.lines[:0], f.sections[:0]
	f.newline = "\n"
	if i := bytes.IndexByte(f.data, '\n'); i > 0 && f.data[i-1] == '\r' {
		f.newline = "\r\n"
	}
	// A byte-order mark belongs to the first line, before its text.
	data, pre := TrimBOM(string(f.data))
	lx := NewLexer(f.name, data, 0, 0)
	lx.Blanks = true
	for {
		k := lx.Next()
		if k == 0 {
			break
		}
		t := lx.Token()
		ln := line{start: pre + t.Start, end: pre + t.End, indent: t.Indent, name: t.Name, value: t.Value}
		switch k {
		case SectionLine:
			ln.kind = header
		case OptionLine:
			ln.kind, ln.delim = option, t.Delim-t.Start
		case ContinuationLine:
			ln.kind = continuation
		}
		if t.Start == 0 {
			// The first line holds the byte-order mark, if any.
			ln.start, ln.pre, ln.delim = 0, pre, ln.delim+pre
		}
		f.lines = append(f.lines, ln)
	}
	if lx.err != nil {
		lx.err.Edit = true
		return lx.err
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
				return &SyntaxError{File: f.name, Line: i + 1, Edit: true,
					Msg: fmt.Sprintf("%s is set twice in [%s] (first at line %d); remove one", lower, s.name, first+1)}
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

// lookup returns the index of the section named name, -1 when there is
// none, or an error when the name heads two sections.
func (f *File) lookup(name string) (int, error) {
	found := -1
	for i, s := range f.sections {
		if s.name != name {
			continue
		}
		if found >= 0 {
			return -1, &SyntaxError{File: f.name, Line: f.sections[i].head + 1, Edit: true,
				Msg: fmt.Sprintf("section [%s] appears again (first at line %d); merge the two", name, f.sections[found].head+1)}
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
