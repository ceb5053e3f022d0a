package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unsafe"
)

// file is one parsed INI file: its sections, indexed by name, with the body
// of each left unparsed until a caller needs its keys.
type file struct {
	path     string // as opened
	display  string // for messages: ~ for the home directory
	exists   bool
	data     string // the file's bytes, shared by every string parsed from it
	sections []section
	// index maps lookup names to sections once checkAll has run, for
	// callers that look up every name (Names, List).
	index map[string]int
	// defaults are the [DEFAULT] sections, whose keys every section of the
	// file inherits.
	defaults []int
}

// section is one [header] and where its body starts.
type section struct {
	header string // exactly as written between the brackets
	// name is what lookup finds the section by: in the credentials file
	// the header; in the config file the profile name ("dev" for
	// [profile dev], "default" for [default]), or "" for sections that are
	// not profiles ([sso-session x], [DEFAULT]).
	name string
	line int // line of the header
	body int // offset just past the header line
}

// entry is one key of a section.
type entry struct {
	key       string // lower case
	value     string
	line      int
	multiline bool // continued on indented lines (a nested setting)
}

// props are the keys of one section, in file order, then those it inherits
// from [DEFAULT].
type props []entry

func (p props) get(key string) (entry, bool) {
	for _, e := range p {
		if e.key == key {
			return e, true
		}
	}
	return entry{}, false
}

// SyntaxError is a line of an AWS file that the AWS CLI would refuse too.
type SyntaxError struct {
	File string // as shown to the user (~ for the home directory)
	Line int
	Msg  string
}

// Error says where the line is and what to do.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: %s\nfix that line (the AWS CLI refuses the file too)", e.File, e.Line, e.Msg)
}

// loadFile reads and indexes path. A missing file is an empty file with
// exists false. config says whether this is the config file, whose sections
// are named "[profile NAME]".
func loadFile(path, display string, config bool) (*file, error) {
	f := &file{path: path, display: display}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f, nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		env := EnvCredentialsFile
		if config {
			env = EnvConfigFile
		}
		return nil, fmt.Errorf("cannot read %s: %v\ncheck the file's permissions, or point %s at another file", display, err, env)
	}
	f.exists = true
	if err := f.parse(data, config); err != nil {
		return nil, err
	}
	return f, nil
}

// parse indexes data, checking the syntax of every line.
func (f *file) parse(raw []byte, config bool) error {
	// The file's bytes are viewed as one string without a copy, so that
	// headers, names, keys and values are substrings of it and parsing a
	// large file allocates almost nothing. This is safe because raw is
	// never written to after this point: loadFile hands over the buffer
	// os.ReadFile returned, and nothing else holds it.
	data := ""
	if len(raw) > 0 {
		data = unsafe.String(unsafe.SliceData(raw), len(raw))
	}
	// Editors on Windows may start the file with a byte-order mark.
	data = strings.TrimPrefix(data, "\uFEFF")
	f.data = data
	// A rough guess at the number of sections saves regrowing the slice.
	f.sections = make([]section, 0, len(data)/128+1)
	lx := newLexer(data, 0, 0, false)
	for {
		kind := lx.next()
		if kind == 0 {
			if le := lx.err; le != nil {
				return &SyntaxError{File: f.display, Line: le.line, Msg: le.msg}
			}
			break
		}
		if kind == tokSection {
			tok := &lx.tok
			header := tok.name
			if header == "DEFAULT" {
				f.defaults = append(f.defaults, len(f.sections))
				f.sections = append(f.sections, section{header: header, line: tok.line, body: tok.end})
				continue
			}
			s := section{header: header, name: header, line: tok.line, body: tok.end}
			if config {
				s.name = configProfileName(header)
			}
			f.sections = append(f.sections, s)
		}
	}
	return nil
}

// keySet finds a key set twice in one section. Sections hold a handful of
// keys, so a slice is searched; past that a map keeps a hostile file from
// costing quadratic time.
type keySet struct {
	list []string
	big  map[string]struct{}
}

func (s *keySet) reset() {
	s.list = s.list[:0]
	s.big = nil
}

// add records key and reports whether it was there already.
func (s *keySet) add(key string) (dup bool) {
	if s.big != nil {
		k := lowerASCII(key)
		if _, dup = s.big[k]; !dup {
			s.big[k] = struct{}{}
		}
		return dup
	}
	for _, k := range s.list {
		if equalFoldKey(k, key) {
			return true
		}
	}
	s.list = append(s.list, key)
	if len(s.list) > 32 {
		s.big = make(map[string]struct{}, 64)
		for _, k := range s.list {
			s.big[lowerASCII(k)] = struct{}{}
		}
	}
	return false
}

func (f *file) duplicate(line int, header string, first int) error {
	return &SyntaxError{File: f.display, Line: line,
		Msg: fmt.Sprintf("section [%s] appears again (first at line %d); merge the two", header, first)}
}

// lookup returns the index of the section named name, or -1.
//
// It scans the section list rather than keeping a map: Resolve looks up a
// handful of names, and building a map of 10000 profiles would cost more
// than all the scans together. The scan also finds a header written twice,
// which the AWS CLI refuses; two spellings of one profile ([profile a] and
// [profile  a]) resolve as in the CLI, the later one winning, except that
// [profile default] always beats [default].
func (f *file) lookup(name string) (int, error) {
	if f.index != nil {
		if i, ok := f.index[name]; ok {
			return i, nil
		}
		return -1, nil
	}
	found := -1
	for i := range f.sections {
		s := &f.sections[i]
		if s.name != name {
			continue
		}
		if found < 0 {
			found = i
			continue
		}
		p := &f.sections[found]
		if p.header == s.header {
			return -1, f.duplicate(s.line, s.header, p.line)
		}
		if p.header == "default" || s.header != "default" {
			found = i
		}
	}
	return found, nil
}

// props parses the keys of section i, then appends those of [DEFAULT] that
// it does not set itself. A key set twice in one section is an error, as in
// the AWS CLI (checked here, for the sections awsmfa reads, rather than for
// every section on every run; checkAll checks them all).
func (f *file) props(i int) (props, error) {
	p, err := f.body(i, nil)
	if err != nil || len(f.defaults) == 0 {
		return p, err
	}
	var d props
	for _, j := range f.defaults {
		if d, err = f.body(j, d); err != nil {
			return nil, err
		}
	}
	for _, e := range d {
		if _, ok := p.get(e.key); !ok {
			p = append(p, e)
		}
	}
	return p, nil
}

// body parses the body of section i, appending to p. The file already
// passed parse, so only a duplicate key can fail.
func (f *file) body(i int, p props) (props, error) {
	s := f.sections[i]
	first := len(p)
	lx := newLexer(f.data, s.body, s.line, true)
	for {
		kind := lx.next()
		if kind == 0 || kind == tokSection {
			return p, nil
		}
		tok := &lx.tok
		switch kind {
		case tokOption:
			key := lowerASCII(tok.name)
			if first < len(p) && len(p)-first < 64 {
				if _, dup := p[first:].get(key); dup {
					return nil, &SyntaxError{File: f.display, Line: tok.line,
						Msg: fmt.Sprintf("%s is set twice in [%s]; remove one", key, s.header)}
				}
			}
			p = append(p, entry{key: key, value: tok.value, line: tok.line})
		case tokContinuation:
			if len(p) > first {
				p[len(p)-1].multiline = true
			}
		}
	}
}

// checkAll checks what parse and lookup leave to the sections that are
// read: that no header and no key within a section is written twice.
func (f *file) checkAll() error {
	if f.index != nil {
		return nil
	}
	seen := make(map[string]int, len(f.sections))
	index := make(map[string]int, len(f.sections))
	var keys keySet
	for i, s := range f.sections {
		if s.header != "DEFAULT" {
			if j, dup := seen[s.header]; dup {
				return f.duplicate(s.line, s.header, f.sections[j].line)
			}
			seen[s.header] = i
		}
		if s.name != "" {
			// The same precedence as lookup.
			if j, ok := index[s.name]; !ok || f.sections[j].header == "default" || s.header != "default" {
				index[s.name] = i
			}
		}
		keys.reset()
		lx := newLexer(f.data, s.body, s.line, true)
		for {
			kind := lx.next()
			if kind == 0 || kind == tokSection {
				break
			}
			tok := &lx.tok
			if kind == tokOption && keys.add(tok.name) {
				return &SyntaxError{File: f.display, Line: tok.line,
					Msg: fmt.Sprintf("%s is set twice in [%s]; remove one", lowerASCII(tok.name), s.header)}
			}
		}
	}
	f.index = index
	return nil
}

// configProfileName is the profile a config-file section header names, as
// botocore reads it: "default", or "profile NAME" split as a shell would
// split it (so [profile "my name"] is the profile my name). Any other header
// ([sso-session x], [services x], [profile a b]) is not a profile: "".
func configProfileName(header string) string {
	if header == "default" {
		return "default"
	}
	rest, ok := strings.CutPrefix(header, "profile")
	if !ok {
		return ""
	}
	// Fast path, no allocation: "profile NAME" with plain blanks and no
	// quotes or backslashes.
	i := 0
	for i < len(rest) && isSplitBlank(rest[i]) {
		i++
	}
	if i == 0 {
		return "" // [profileNAME]
	}
	j := i
	for j < len(rest) && !isSplitBlank(rest[j]) && rest[j] != '"' && rest[j] != '\'' && rest[j] != '\\' {
		j++
	}
	k := j
	for k < len(rest) && isSplitBlank(rest[k]) {
		k++
	}
	if k == len(rest) {
		return rest[i:j]
	}
	if !strings.ContainsAny(rest[j:], "\"'\\") {
		return "" // a third word
	}
	parts, ok := shellSplit(header)
	if !ok || len(parts) != 2 {
		return ""
	}
	return parts[1]
}

// shellSplit splits s into words like Python's shlex.split (POSIX mode, no
// comments). ok is false where shlex raises an error (an open quote, a
// trailing backslash).
func shellSplit(s string) (words []string, ok bool) {
	var (
		w      strings.Builder
		inWord bool
		quote  byte
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
				i++
				w.WriteByte(s[i])
			default:
				w.WriteByte(c)
			}
		case isSplitBlank(c):
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, false
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == '\'' || c == '"':
			quote = c
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, false
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, true
}

// isSplitBlank reports whether shlex splits words at c.
func isSplitBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
