package profile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"
)

// file is one parsed INI file: its sections, indexed by name, with the body
// of each left unparsed until a caller needs its keys.
//
// A file is held in one of two ways (see loadFile). Whole, data is all of
// it, indexed by sections. Streamed, as Resolve reads a file too large for
// one read (a config with thousands of profiles), data is empty: the lines
// were checked as they went past a small buffer, each section header left
// only a mark, and src stays open to read the header and body of the few
// sections a caller looks up. A process pays for every page of memory it
// touches first, as much as for scanning the bytes on it: streaming spares
// it a buffer the size of the file, and marks the strings of 10000 headers.
type file struct {
	path    string // as opened
	display string // for messages: ~ for the home directory
	exists  bool
	// isConfig says whether this is the config file, whose sections are
	// named "[profile NAME]".
	isConfig bool
	data     string // whole: the file's bytes, shared by every string parsed from it
	// src is the open file of a streamed file, nil for a whole one. size is
	// the length of its text and bom the length of the byte-order mark
	// before it: offsets count from the end of the mark, as in data.
	src       *os.File
	size, bom int
	sections  []section        // whole: every section
	marks     []mark           // streamed: every section
	read      map[int]*section // streamed: the sections of marks read so far
	// index maps lookup names to sections once checkAll has run, for
	// callers that look up every name (Names, List).
	index map[string]int
	// defaults are the [DEFAULT] sections, whose keys every section of the
	// file inherits.
	defaults []int
}

// section is one [header] and where it starts.
type section struct {
	header string // exactly as written between the brackets
	// name is what lookup finds the section by: in the credentials file
	// the header; in the config file the profile name ("dev" for
	// [profile dev], "default" for [default]), or "" for sections that are
	// not profiles ([sso-session x], [DEFAULT]).
	name string
	line int // line of the header
	at   int // offset of the header line; the section ends where the next one starts
}

// mark is a section of a streamed file: where its header line is, and key,
// a hash of its name (see sectionKey) by which lookup finds the few marks
// whose header it reads.
type mark struct {
	at, line, key uint32
}

// count is the number of sections.
func (f *file) count() int {
	if f.src != nil {
		return len(f.marks)
	}
	return len(f.sections)
}

// section returns section i, reading a streamed file's header line.
func (f *file) section(i int) (*section, error) {
	if f.src == nil {
		return &f.sections[i], nil
	}
	if s := f.read[i]; s != nil {
		return s, nil
	}
	m := f.marks[i]
	end := f.size
	if i+1 < len(f.marks) {
		end = int(f.marks[i+1].at)
	}
	// The header line, in 256 bytes unless it is long.
	var line string
	for n := 256; ; n *= 4 {
		n = min(n, end-int(m.at))
		buf := make([]byte, n)
		k, err := f.src.ReadAt(buf, int64(f.bom)+int64(m.at))
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, f.readError(err)
		}
		text := unsafe.String(unsafe.SliceData(buf), k)
		if j := strings.IndexByte(text, '\n'); j >= 0 || k < n || n == end-int(m.at) {
			if j >= 0 {
				text = text[:j]
			}
			line = text
			break
		}
	}
	header, ok := "", false
	if t := trimLeft(line); strings.HasPrefix(t, "[") {
		if k := strings.LastIndexByte(t, ']'); k > 1 {
			header, ok = t[1:k], true
		}
	}
	s := &section{header: header, name: f.sectionName(header), line: int(m.line), at: int(m.at)}
	if !ok || f.sectionKey(header) != m.key {
		return nil, f.changed()
	}
	if f.read == nil {
		f.read = make(map[int]*section)
	}
	f.read[i] = s
	return s, nil
}

// changed is the error for a streamed file rewritten in place since it was
// scanned.
func (f *file) changed() error {
	return fmt.Errorf("%s changed while awsmfa was reading it\nrun the command again", f.display)
}

// sectionName is the name lookup finds a section by (see section.name).
func (f *file) sectionName(header string) string {
	switch {
	case header == "DEFAULT":
		return ""
	case f.isConfig:
		if name := plainProfileName(header); name != "" {
			return name
		}
		return configProfileName(header)
	}
	return header
}

// sectionKey is the key of a mark: a hash of nameKey(name) for the section's
// name (or of the header itself, which is the same string for the usual
// "profile NAME").
func (f *file) sectionKey(header string) uint32 {
	if !f.isConfig {
		return hashKey(header)
	}
	if key, ok := plainKey(header); ok {
		return key
	}
	return hashKey(f.nameKey(f.sectionName(header)))
}

// nameKey is the string whose hash is the key of the sections named name.
func (f *file) nameKey(name string) string {
	if f.isConfig {
		return "profile " + name
	}
	return name
}

// hashKey is a quick hash of a short string, for the keys of marks. Two
// names with one key only cost lookup a header line read in vain.
func hashKey(s string) uint32 {
	h := uint64(len(s)) * 0x9e3779b97f4a7c15
	for ; len(s) >= 8; s = s[8:] {
		h = hashWord(h, word(s))
	}
	return hashTail(h, s)
}

func hashWord(h, w uint64) uint64 {
	h = (h ^ w) * 0xff51afd7ed558ccd
	return h ^ h>>32
}

func hashTail(h uint64, s string) uint32 {
	var t uint64
	for i := 0; i < len(s); i++ {
		t |= uint64(s[i]) << (8 * i)
	}
	h = (h ^ t) * 0xc4ceb9fe1a85ec53
	return uint32(h ^ h>>29)
}

// word is the first 8 bytes of s, little-endian.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plainKey is hashKey(header) when plainProfileName(header) is not "", in
// one pass over the header, which is all the scan of a config file does
// with most headers.
func plainKey(header string) (uint32, bool) {
	const (
		ones   = 0x0101010101010101
		highs  = 0x8080808080808080
		prefix = 0x20656c69666f7270 // "profile "
	)
	if len(header) <= 8 || word(header) != prefix {
		return 0, false
	}
	// odd has the high bit of each byte of w that is below '!', a quote or
	// a backslash (see plainProfileName); maybe also of a byte above one.
	odd := func(w uint64) uint64 {
		q, a, b := w^'"'*ones, w^'\''*ones, w^'\\'*ones
		return ((w-'!'*ones)&^w | (q-ones)&^q | (a-ones)&^a | (b-ones)&^b) & highs
	}
	h := hashWord(uint64(len(header))*0x9e3779b97f4a7c15, prefix)
	s := header[8:]
	for ; len(s) >= 8; s = s[8:] {
		w := word(s)
		if odd(w) != 0 {
			return 0, false
		}
		h = hashWord(h, w)
	}
	// The rest, as the last bytes of the header's last 8.
	t := uint64(0)
	if r := uint(len(s)); r > 0 {
		w := word(header[len(header)-8:])
		if odd(w)>>(8*(8-r)) != 0 {
			return 0, false
		}
		t = w >> (8 * (8 - r))
	}
	h = (h ^ t) * 0xc4ceb9fe1a85ec53
	return uint32(h ^ h>>29), true
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
//
// In a streamed file it reads the header lines of the marks whose key is
// that of name: in practice, of the sections named name and no other.
func (f *file) lookup(name string) (int, error) {
	if f.index != nil {
		if i, ok := f.index[name]; ok {
			return i, nil
		}
		return -1, nil
	}
	if f.src != nil && name == "" {
		// The sections that are not profiles: too many to read one by one.
		if err := f.readWhole(); err != nil {
			return -1, err
		}
	}
	key := uint32(0)
	if f.src != nil {
		key = hashKey(f.nameKey(name))
	}
	found := -1
	var p *section
	for i, n := 0, f.count(); i < n; i++ {
		var s *section
		if f.src == nil {
			if s = &f.sections[i]; s.name != name {
				continue
			}
		} else {
			if f.marks[i].key != key {
				continue
			}
			var err error
			if s, err = f.section(i); err != nil {
				return -1, err
			}
			if s.name != name {
				continue
			}
		}
		if found < 0 {
			found, p = i, s
			continue
		}
		if p.header == s.header {
			return -1, f.duplicate(s.line, s.header, p.line)
		}
		if p.header == "default" || s.header != "default" {
			found, p = i, s
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

// body parses the body of section i, appending to p. The file passed parse,
// so for a whole file only a duplicate key can fail.
func (f *file) body(i int, p props) (props, error) {
	lx, err := f.bodyLexer(i)
	if err != nil {
		return nil, err
	}
	s, _ := f.section(i) // read by bodyLexer
	first := len(p)
	for {
		kind := lx.next()
		if kind == 0 || kind == tokSection {
			return p, f.lexError(&lx)
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

// bodyLexer returns a lexer past the header line of section i: in data, or
// in the section's bytes read from a streamed file.
func (f *file) bodyLexer(i int) (lexer, error) {
	s, err := f.section(i)
	if err != nil {
		return lexer{}, err
	}
	text, at := f.data, s.at
	if f.src != nil {
		end := f.size
		if i+1 < len(f.marks) {
			end = int(f.marks[i+1].at)
		}
		buf := make([]byte, end-s.at)
		n, err := f.src.ReadAt(buf, int64(f.bom+s.at))
		if err != nil && !errors.Is(err, io.EOF) {
			return lexer{}, f.readError(err)
		}
		text, at = unsafe.String(unsafe.SliceData(buf), n), 0
	}
	lx := newLexer(text, at, s.line-1, false)
	if lx.next() != tokSection || lx.tok.name != s.header {
		if err := f.lexError(&lx); err != nil {
			return lexer{}, err
		}
		// Only a streamed file, rewritten in place since it was scanned.
		return lexer{}, f.changed()
	}
	return lx, nil
}

// lexError is the *SyntaxError of a lexer that stopped at a bad line, or nil.
func (f *file) lexError(lx *lexer) error {
	if le := lx.err; le != nil {
		return &SyntaxError{File: f.display, Line: le.line, Msg: le.msg}
	}
	return nil
}

// checkAll checks what parse and lookup leave to the sections that are
// read: that no header and no key within a section is written twice.
func (f *file) checkAll() error {
	if f.index != nil {
		return nil
	}
	if f.src != nil {
		if err := f.readWhole(); err != nil {
			return err
		}
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
		lx, err := f.bodyLexer(i)
		if err != nil {
			return err
		}
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
