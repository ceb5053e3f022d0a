package awsini

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unsafe"
)

// An Index is a file's section headers, found by a scan that checks the
// syntax of every line with no more work than the grammar needs; the
// bodies of the sections a caller reads are lexed when it reads them
// (Body). When the scan refuses a line, the lexer says which and why.
//
// A file is indexed in one of two ways. Whole (Parse), Data is all of it
// and Sections its sections. Streamed (Stream), as a file too large for one
// read (a config with thousands of profiles), Data is empty: the lines were
// checked as they went past a small buffer, each section header left only a
// mark (its offset, line, and the caller's 32-bit key of the header), and
// the file stays open to read the header and body of the few sections a
// caller looks up. A process pays for every page of memory it touches
// first, as much as for scanning the bytes on it: streaming spares it a
// buffer the size of the file, and marks the strings of 10000 headers.
//
// On the cache-hit path of `awsmfa env` this is most of what a large
// config file costs: for 10000 profiles (1.9 MB), reading it, one pass over
// its lines, and one key per header.
type Index struct {
	// File names the file in errors.
	File string
	// Name is the name a caller finds a section by, given its header;
	// nil means the header itself.
	Name func(header string) string
	// Key is the key a mark keeps of a streamed section, given its
	// header (Stream needs it); the caller finds marks by key (MarkKey)
	// and reads their headers (Section) to be sure.
	Key func(header string) uint32

	// Data is the text of a whole file (without a byte-order mark), shared
	// by every string parsed from it.
	Data string
	// Sections are the sections of a whole file.
	Sections []Section
	// Defaults are the indexes of the [DEFAULT] sections.
	Defaults []int

	// src is the open file of a streamed file, nil for a whole one. size
	// is the length of its text and bom the length of the byte-order mark
	// before it: offsets count from the end of the mark, as in Data.
	src       *os.File
	size, bom int
	marks     []mark           // streamed: every section
	read      map[int]*Section // streamed: the sections of marks read so far
}

// Section is one [header] and where it starts.
type Section struct {
	Header string // exactly as written between the brackets
	Name   string // Index.Name of the header
	Line   int    // line of the header
	At     int    // offset of the header line; the section ends where the next one starts
}

// mark is a section of a streamed file: where its header line is, and
// key, Index.Key of its header.
type mark struct {
	at, line, key uint32
}

// ChunkSize is the buffer a file is streamed through: small enough to stay
// in the CPU's cache and to cost a few page faults, large enough that a
// config file of 10000 profiles takes some 30 reads.
const ChunkSize = 64 << 10

// MaxLine is the longest line a file may have: a real one is far shorter,
// and a file with no end of line (AWS_CONFIG_FILE=/dev/zero, or a pipe fed
// by a runaway command) must not fill the memory.
const MaxLine = 1 << 20

// maxPipe is the most read from a named pipe, whose size is not known
// beforehand: a config of 10000 profiles is 2 MB.
const maxPipe = 64 << 20

// ErrChanged is a streamed file rewritten in place since it was scanned.
var ErrChanged = errors.New("the file changed while it was being read")

// LineTooLongError is a line longer than MaxLine.
type LineTooLongError struct{ Line int }

func (e *LineTooLongError) Error() string { return fmt.Sprintf("line %d is too long", e.Line) }

// ReadAll reads src, which fi describes (if not nil), to its end, as
// os.ReadFile does (AWS_CONFIG_FILE may name a pipe). Past what a regular
// file said its size was, it stops at a line longer than MaxLine (a
// *LineTooLongError) and, for a pipe, after 64 MiB.
func ReadAll(src *os.File, fi fs.FileInfo) ([]byte, error) {
	size := 512
	regular := fi != nil && fi.Mode().IsRegular()
	if regular && int64(int(fi.Size())) == fi.Size() {
		size = max(size, int(fi.Size())+1)
	}
	data := make([]byte, 0, size)
	lineStart := 0 // where the last line read begins
	for {
		n, err := src.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return data, nil
			}
			return nil, err
		}
		if len(data) == cap(data) {
			// Only a file that is longer than it said, or a pipe, gets
			// here: its lines are checked as they come.
			if i := bytes.LastIndexByte(data[lineStart:], '\n'); i >= 0 {
				lineStart += i + 1
			}
			if len(data)-lineStart > MaxLine {
				return nil, &LineTooLongError{Line: bytes.Count(data[:lineStart], []byte{'\n'}) + 1}
			}
			if !regular && len(data) > maxPipe {
				return nil, fmt.Errorf("more than %d MiB read from it and no end in sight; an AWS file is far smaller", maxPipe>>20)
			}
			data = append(data, 0)[:len(data)]
		}
	}
}

// Parse indexes raw as a whole file, checking the syntax of every line.
// raw must not be written to afterwards: the strings of the index share
// its memory.
func (x *Index) Parse(raw []byte) error {
	// The file's bytes are viewed as one string without a copy, so that
	// headers, names, keys and values are substrings of it and parsing a
	// large file allocates almost nothing.
	data := ""
	if len(raw) > 0 {
		data = unsafe.String(unsafe.SliceData(raw), len(raw))
	}
	data, _ = TrimBOM(data)
	x.Data, x.size, x.bom = data, len(data), 0
	// Filler profiles take 150 to 250 bytes each; memory reserved beyond
	// that is never touched.
	x.Sections = make([]Section, 0, len(data)/128+1)
	x.Defaults = nil
	sc := scanner{x: x}
	if sc.scan(data, 0) {
		return nil
	}
	// The line scan refused a line: the lexer says which line and why.
	return x.lex()
}

// lex indexes x.Data with the lexer, which reads every line into a token:
// the slow path of Parse, for the message of a line the scan refused.
func (x *Index) lex() error {
	x.Sections = x.Sections[:0]
	x.Defaults = nil
	lx := NewLexer(x.File, x.Data, 0, 0)
	for {
		kind := lx.Next()
		if kind == 0 {
			return lx.Err()
		}
		if kind == SectionLine {
			x.addSection(lx.tok.Name, lx.tok.Line, lx.tok.Start)
		}
	}
}

// Stream indexes src, of about size bytes, reading it through a buffer of
// chunk bytes, and keeps src open to read the sections looked up; Close
// closes it. A file of 4 GB or more is not streamed: marks hold 32-bit
// offsets.
//
// (Reading the two halves of a large file at once, the second from a
// section header on, was tried: on a machine of two cores that are not
// both idle it was slower.)
func (x *Index) Stream(src *os.File, chunk int, size int64) error {
	x.src = src
	var head [len(BOM)]byte
	if n, _ := src.ReadAt(head[:], 0); n == len(BOM) && string(head[:]) == BOM {
		x.bom = len(BOM)
	}
	x.marks = make([]mark, 0, int(size/128)+1)
	x.Defaults = nil
	sc := scanner{x: x, streamed: true}
	end, ok, err := x.scanRange(&sc, chunk, int64(x.bom))
	if err != nil {
		return err
	}
	if !ok {
		// A bad line: read the file whole to say which one.
		return x.ReadWhole()
	}
	x.size = int(end) - x.bom
	return nil
}

// Streamed reports whether the file is streamed (and open).
func (x *Index) Streamed() bool { return x.src != nil }

// Close releases a streamed file's descriptor.
func (x *Index) Close() {
	if x != nil && x.src != nil {
		x.src.Close()
		x.src = nil
	}
}

// ReadWhole turns a streamed file into a whole one, for callers that read
// every section. It indexes the file again from what it holds now.
func (x *Index) ReadWhole() error {
	_, err := x.src.Seek(0, io.SeekStart)
	var raw []byte
	if err == nil {
		fi, _ := x.src.Stat()
		raw, err = ReadAll(x.src, fi)
	}
	x.Close()
	if err != nil {
		return err
	}
	x.marks, x.read = nil, nil
	return x.Parse(raw)
}

// scanRange reads src from offset from, the start of a line, to its end,
// through a buffer of chunk bytes, scanning the lines with sc. It returns
// the offset it read to, and false at a bad line.
func (x *Index) scanRange(sc *scanner, chunk int, from int64) (int64, bool, error) {
	buf := make([]byte, chunk)
	pos, n := from, 0 // buf[:n] holds the bytes from pos
	for {
		want := len(buf) - n
		k, err := x.src.ReadAt(buf[n:], pos+int64(n))
		n += k
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, false, err
		}
		eof := k < want
		text := unsafe.String(unsafe.SliceData(buf), n)
		end := n
		if !eof {
			end = strings.LastIndexByte(text, '\n') + 1
		}
		if end > 0 && !sc.scan(text[:end], int(pos)-x.bom) {
			return 0, false, nil
		}
		pos += int64(end)
		if eof {
			return pos, true, nil
		}
		// Keep the unfinished last line, and read on after it.
		n = copy(buf, buf[end:n])
		if n == len(buf) {
			// A line longer than the buffer.
			if n > MaxLine {
				return 0, false, &LineTooLongError{Line: sc.line + 1}
			}
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
}

func (x *Index) name(header string) string {
	if x.Name == nil {
		return header
	}
	return x.Name(header)
}

// addSection records the section whose header line, starting at offset at,
// is line; header is the text between its brackets.
func (x *Index) addSection(header string, line, at int) {
	if header == "DEFAULT" {
		x.Defaults = append(x.Defaults, len(x.Sections))
	}
	x.Sections = append(x.Sections, Section{Header: header, Name: x.name(header), Line: line, At: at})
}

// addMark is addSection for a streamed file.
func (x *Index) addMark(header string, line, at int) {
	if header == "DEFAULT" {
		x.Defaults = append(x.Defaults, len(x.marks))
	}
	x.marks = append(x.marks, mark{at: uint32(at), line: uint32(line), key: x.Key(header)})
}

// Len is the number of sections.
func (x *Index) Len() int {
	if x.src != nil {
		return len(x.marks)
	}
	return len(x.Sections)
}

// MarkKey returns the key (Index.Key) of section i of a streamed file.
func (x *Index) MarkKey(i int) uint32 { return x.marks[i].key }

// Section returns section i, reading a streamed file's header line. It
// returns ErrChanged when that line is no longer the header scanned.
func (x *Index) Section(i int) (*Section, error) {
	if x.src == nil {
		return &x.Sections[i], nil
	}
	if s := x.read[i]; s != nil {
		return s, nil
	}
	m := x.marks[i]
	end := x.end(i)
	// The header line, in 256 bytes unless it is long.
	var line string
	for n := 256; ; n *= 4 {
		n = min(n, end-int(m.at))
		buf := make([]byte, n)
		k, err := x.src.ReadAt(buf, int64(x.bom)+int64(m.at))
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
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
	if !ok || x.Key(header) != m.key {
		return nil, ErrChanged
	}
	s := &Section{Header: header, Name: x.name(header), Line: int(m.line), At: int(m.at)}
	if x.read == nil {
		x.read = make(map[int]*Section)
	}
	x.read[i] = s
	return s, nil
}

// end is the offset where section i of a streamed file ends.
func (x *Index) end(i int) int {
	if i+1 < len(x.marks) {
		return int(x.marks[i+1].at)
	}
	return x.size
}

// Body returns a lexer past the header line of section i, which reads the
// section's lines up to the next header (Next returns SectionLine) or the
// end. The lexer reads Data, or the section's bytes read from a streamed
// file. It returns ErrChanged when a streamed file no longer holds the
// section there.
func (x *Index) Body(i int) (Lexer, error) {
	s, err := x.Section(i)
	if err != nil {
		return Lexer{}, err
	}
	text, at := x.Data, s.At
	if x.src != nil {
		buf := make([]byte, x.end(i)-s.At)
		n, err := x.src.ReadAt(buf, int64(x.bom+s.At))
		if err != nil && !errors.Is(err, io.EOF) {
			return Lexer{}, err
		}
		text, at = unsafe.String(unsafe.SliceData(buf), n), 0
	}
	lx := NewLexer(x.File, text, at, s.Line-1)
	if lx.Next() != SectionLine || lx.tok.Name != s.Header {
		if err := lx.Err(); err != nil {
			return Lexer{}, err
		}
		// Only a streamed file, rewritten in place since it was scanned.
		return Lexer{}, ErrChanged
	}
	return lx, nil
}
