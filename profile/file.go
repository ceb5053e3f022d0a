package profile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// file is one AWS file, indexed (awsini.Index): its sections by name, with
// the body of each left unread until a caller needs its keys. A file too
// large for one read is streamed (see loadFile), and stays open until
// close.
type file struct {
	path    string // as opened
	display string // for messages: ~ for the home directory
	exists  bool
	// isConfig says whether this is the config file, whose sections are
	// named "[profile NAME]".
	isConfig bool
	ix       awsini.Index
	// index maps lookup names to sections once checkAll has run, for
	// callers that look up every name (Names, List).
	index map[string]int
}

// newFile returns the file at path, not yet read.
func newFile(path, display string, config bool) *file {
	f := &file{path: path, display: display, isConfig: config}
	f.ix = awsini.Index{File: display, Name: f.sectionName, Key: f.sectionKey}
	return f
}

// section returns section i, reading a streamed file's header line.
func (f *file) section(i int) (*awsini.Section, error) {
	s, err := f.ix.Section(i)
	if err != nil {
		return nil, f.indexError(err)
	}
	return s, nil
}

// indexError is the message of an error of f.ix, which leaves saying
// what to do to its callers.
func (f *file) indexError(err error) error {
	var lt *awsini.LineTooLongError
	switch {
	case errors.As(err, new(*SyntaxError)):
		return err
	case errors.As(err, &lt):
		return f.lineError(lt.Line)
	case errors.Is(err, awsini.ErrChanged):
		return f.changed()
	}
	return f.readError(err)
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
type SyntaxError = awsini.SyntaxError

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
	streamed := f.ix.Streamed()
	if streamed && name == "" {
		// The sections that are not profiles: too many to read one by one.
		if err := f.readWhole(); err != nil {
			return -1, err
		}
		streamed = false
	}
	key := uint32(0)
	if streamed {
		key = hashKey(f.nameKey(name))
	}
	found := -1
	var p *awsini.Section
	for i, n := 0, f.ix.Len(); i < n; i++ {
		var s *awsini.Section
		if !streamed {
			if s = &f.ix.Sections[i]; s.Name != name {
				continue
			}
		} else {
			if f.ix.MarkKey(i) != key {
				continue
			}
			var err error
			if s, err = f.section(i); err != nil {
				return -1, err
			}
			if s.Name != name {
				continue
			}
		}
		if found < 0 {
			found, p = i, s
			continue
		}
		if p.Header == s.Header {
			return -1, f.duplicate(s.Line, s.Header, p.Line)
		}
		if p.Header == "default" || s.Header != "default" {
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
	if err != nil || len(f.ix.Defaults) == 0 {
		return p, err
	}
	var d props
	for _, j := range f.ix.Defaults {
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

// body parses the body of section i, appending to p. The file passed its
// scan, so for a whole file only a duplicate key can fail.
func (f *file) body(i int, p props) (props, error) {
	lx, err := f.bodyLexer(i)
	if err != nil {
		return nil, err
	}
	s, _ := f.section(i) // read by bodyLexer
	first := len(p)
	for {
		kind := lx.Next()
		if kind == 0 || kind == awsini.SectionLine {
			return p, lx.Err()
		}
		tok := lx.Token()
		switch kind {
		case awsini.OptionLine:
			key := lowerASCII(tok.Name)
			if first < len(p) && len(p)-first < 64 {
				if _, dup := p[first:].get(key); dup {
					return nil, &SyntaxError{File: f.display, Line: tok.Line,
						Msg: fmt.Sprintf("%s is set twice in [%s]; remove one", key, s.Header)}
				}
			}
			p = append(p, entry{key: key, value: tok.Value, line: tok.Line})
		case awsini.ContinuationLine:
			if len(p) > first {
				p[len(p)-1].multiline = true
			}
		}
	}
}

// bodyLexer returns a lexer past the header line of section i.
func (f *file) bodyLexer(i int) (awsini.Lexer, error) {
	lx, err := f.ix.Body(i)
	if err != nil {
		return lx, f.indexError(err)
	}
	return lx, nil
}

// checkAll checks what the scan and lookup leave to the sections that are
// read: that no header and no key within a section is written twice.
func (f *file) checkAll() error {
	if f.index != nil {
		return nil
	}
	if f.ix.Streamed() {
		if err := f.readWhole(); err != nil {
			return err
		}
	}
	sections := f.ix.Sections
	seen := make(map[string]int, len(sections))
	index := make(map[string]int, len(sections))
	var keys keySet
	for i, s := range sections {
		if s.Header != "DEFAULT" {
			if j, dup := seen[s.Header]; dup {
				return f.duplicate(s.Line, s.Header, sections[j].Line)
			}
			seen[s.Header] = i
		}
		if s.Name != "" {
			// The same precedence as lookup.
			if j, ok := index[s.Name]; !ok || sections[j].Header == "default" || s.Header != "default" {
				index[s.Name] = i
			}
		}
		keys.reset()
		lx, err := f.bodyLexer(i)
		if err != nil {
			return err
		}
		for {
			kind := lx.Next()
			if kind == 0 || kind == awsini.SectionLine {
				break
			}
			tok := lx.Token()
			if kind == awsini.OptionLine && keys.add(tok.Name) {
				return &SyntaxError{File: f.display, Line: tok.Line,
					Msg: fmt.Sprintf("%s is set twice in [%s]; remove one", lowerASCII(tok.Name), s.Header)}
			}
		}
	}
	f.index = index
	return nil
}

// equalFoldKey compares two option keys without regard to ASCII case.
func equalFoldKey(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// lowerASCII returns an option key in lower case, as keys are compared.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			buf := []byte(s)
			for j := i; j < len(buf); j++ {
				if c := buf[j]; 'A' <= c && c <= 'Z' {
					buf[j] = c + 'a' - 'A'
				}
			}
			return string(buf)
		}
	}
	return s
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
