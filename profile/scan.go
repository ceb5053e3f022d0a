package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/bits"
	"os"
	"strings"
	"unsafe"
)

// Reading a file (see the file type): whole, or streamed through a small
// buffer. Either way every line is checked by the scanner, the fast path of
// the lexer's grammar, which keeps only the section headers; the lexer
// reads the bodies of the sections looked up, and says what is wrong with
// a line the scanner refuses.
//
// On the cache-hit path of `awsmfa env` this is most of what a large
// config file costs (BenchmarkResolveBench): for 10000 profiles (1.9 MB),
// reading it, classify's pass over it, and one hash per header.

// chunkSize is the buffer a file is streamed through: small enough to stay
// in the CPU's cache and to cost a few page faults, large enough that a
// config file of 10000 profiles takes some 30 reads.
const chunkSize = 64 << 10

// bom is the UTF-8 byte-order mark that editors on Windows may start a file
// with.
const bom = "\uFEFF"

// loadFile reads and indexes path. A missing file is an empty file with
// exists false. config says whether this is the config file, whose sections
// are named "[profile NAME]". stream lets a file larger than chunk (0 means
// chunkSize, less than 0 never) be streamed rather than read whole; the
// caller must then close it.
func loadFile(path, display string, config, stream bool, chunk int) (*file, error) {
	f := &file{path: path, display: display}
	src, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f, nil
		}
		return nil, f.openError(err, config)
	}
	f.exists = true
	if chunk < 0 {
		stream = false
	} else if chunk == 0 {
		chunk = chunkSize
	}
	chunk = max(chunk, 16)
	fi, err := src.Stat()
	if err == nil && !readable(fi) {
		src.Close()
		return nil, f.typeError(fi.Mode(), config)
	}
	// Marks hold 32-bit offsets: a file of 4 GB is read whole (or not at all).
	if !stream || err != nil || !fi.Mode().IsRegular() || fi.Size() <= int64(chunk) || fi.Size() >= 1<<32-1 {
		defer src.Close()
		raw, err := readAll(src, fi)
		if lt := (*lineTooLong)(nil); errors.As(err, &lt) {
			return nil, f.lineError(lt.line, config)
		}
		if err != nil {
			return nil, f.openError(err, config)
		}
		return f, f.parse(raw, config)
	}
	if err := f.stream(src, config, chunk, fi.Size()); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

func (f *file) openError(err error, config bool) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	env := EnvCredentialsFile
	if config {
		env = EnvConfigFile
	}
	return fmt.Errorf("cannot read %s: %v\ncheck the file's permissions, or point %s at another file", f.display, err, env)
}

// maxLine is the longest line a file may have: a real one is far shorter,
// and a file with no end of line (AWS_CONFIG_FILE=/dev/zero, or a pipe fed
// by a runaway command) must not fill the memory.
const maxLine = 1 << 20

// maxPipe is the most read from a named pipe, whose size is not known
// beforehand: a config of 10000 profiles is 2 MB.
const maxPipe = 64 << 20

// readable reports whether fi is a file awsmfa reads profiles from: a
// regular file, a named pipe (AWS_CONFIG_FILE=<(command)), or /dev/null.
// A device or a directory is a mistake, and /dev/zero or /dev/urandom
// would be read forever.
func readable(fi fs.FileInfo) bool {
	m := fi.Mode()
	if m.IsRegular() || m&fs.ModeNamedPipe != 0 {
		return true
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(fi, null)
}

// typeError refuses a file that is neither regular nor a pipe.
func (f *file) typeError(m fs.FileMode, config bool) error {
	what := "a special file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	env := EnvCredentialsFile
	if config {
		env = EnvConfigFile
	}
	return fmt.Errorf("cannot read %s: is %s, not a regular file\npoint %s at your file", f.display, what, env)
}

// lineError refuses a file with a line longer than maxLine.
func (f *file) lineError(line int, config bool) error {
	what, env := "credentials", EnvCredentialsFile
	if config {
		what, env = "config", EnvConfigFile
	}
	return fmt.Errorf("%s:%d: line longer than %d bytes, so this is no AWS %s file\ncheck the file, or point %s at another one", f.display, line, maxLine, what, env)
}

// readError is a streamed file failing after it was opened.
func (f *file) readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %v\ncheck the file and run the command again", f.display, err)
}

// close releases a streamed file's descriptor.
func (f *file) close() {
	if f != nil && f.src != nil {
		f.src.Close()
		f.src = nil
	}
}

// readAll reads src, which fi describes (if not nil), to its end, as
// os.ReadFile does (AWS_CONFIG_FILE may name a pipe). Past what a regular
// file said its size was, it stops at a line longer than maxLine (a
// *lineTooLong) and, for a pipe, after maxPipe bytes.
func readAll(src *os.File, fi fs.FileInfo) ([]byte, error) {
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
			if len(data)-lineStart > maxLine {
				return nil, &lineTooLong{line: bytes.Count(data[:lineStart], []byte{'\n'}) + 1}
			}
			if !regular && len(data) > maxPipe {
				return nil, fmt.Errorf("more than %d MiB read from it and no end in sight; an AWS file is far smaller", maxPipe>>20)
			}
			data = append(data, 0)[:len(data)]
		}
	}
}

// lineTooLong is readAll meeting a line longer than maxLine.
type lineTooLong struct{ line int }

func (e *lineTooLong) Error() string { return fmt.Sprintf("line %d is too long", e.line) }

// readWhole turns a streamed file into a whole one, for the callers that
// read every section (checkAll) and for the message of a bad line. It
// indexes the file again from what it holds now.
func (f *file) readWhole() error {
	_, err := f.src.Seek(0, io.SeekStart)
	var raw []byte
	if err == nil {
		fi, _ := f.src.Stat()
		raw, err = readAll(f.src, fi)
	}
	f.close()
	if lt := (*lineTooLong)(nil); errors.As(err, &lt) {
		return f.lineError(lt.line, f.isConfig)
	}
	if err != nil {
		return f.readError(err)
	}
	f.index, f.marks, f.read = nil, nil, nil
	return f.parse(raw, f.isConfig)
}

// parse indexes raw as a whole file, checking the syntax of every line.
func (f *file) parse(raw []byte, config bool) error {
	f.isConfig = config
	// The file's bytes are viewed as one string without a copy, so that
	// headers, names, keys and values are substrings of it and parsing a
	// large file allocates almost nothing. This is safe because raw is
	// never written to after this point: loadFile hands over the buffer it
	// read into, and nothing else holds it.
	data := ""
	if len(raw) > 0 {
		data = unsafe.String(unsafe.SliceData(raw), len(raw))
	}
	data = strings.TrimPrefix(data, bom)
	f.data, f.size, f.bom = data, len(data), 0
	// Filler profiles take 150 to 250 bytes each; memory reserved beyond
	// that is never touched.
	f.sections = make([]section, 0, len(data)/128+1)
	f.defaults = nil
	sc := scanner{f: f}
	if sc.scan(data, 0) {
		return nil
	}
	// The line scan refused a line: the lexer says which line and why.
	return f.lex()
}

// stream reads src, of about size bytes, through a buffer of chunk bytes,
// scanning its lines and indexing its sections, and keeps src open for
// body.
//
// (Reading the two halves of a large file at once, the second from a
// section header on, was tried: on a machine of two cores that are not
// both idle it was slower.)
func (f *file) stream(src *os.File, config bool, chunk int, size int64) error {
	f.isConfig = config
	f.src = src
	var head [len(bom)]byte
	if n, _ := src.ReadAt(head[:], 0); n == len(bom) && string(head[:]) == bom {
		f.bom = len(bom)
	}
	f.marks = make([]mark, 0, int(size/128)+1)
	f.defaults = nil
	sc := scanner{f: f, streamed: true}
	end, ok, err := f.scanRange(&sc, chunk, int64(f.bom))
	if err != nil {
		return err
	}
	if !ok {
		// A bad line: read the file whole to say which one.
		return f.readWhole()
	}
	f.size = int(end) - f.bom
	return nil
}

// scanRange reads src from offset from, the start of a line, to its end,
// through a buffer of chunk bytes, scanning the lines with sc. It returns
// the offset it read to, and false at a bad line.
func (f *file) scanRange(sc *scanner, chunk int, from int64) (int64, bool, error) {
	buf := make([]byte, chunk)
	pos, n := from, 0 // buf[:n] holds the bytes from pos
	for {
		want := len(buf) - n
		k, err := f.src.ReadAt(buf[n:], pos+int64(n))
		n += k
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, false, f.readError(err)
		}
		eof := k < want
		text := unsafe.String(unsafe.SliceData(buf), n)
		end := n
		if !eof {
			end = strings.LastIndexByte(text, '\n') + 1
		}
		if end > 0 && !sc.scan(text[:end], int(pos)-f.bom) {
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
			if n > maxLine {
				return 0, false, f.lineError(sc.line+1, f.isConfig)
			}
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
}

// addSection records the section whose header line, starting at offset at,
// is line; header is the text between its brackets.
func (f *file) addSection(header string, line, at int) {
	if header == "DEFAULT" {
		f.defaults = append(f.defaults, len(f.sections))
	}
	f.sections = append(f.sections, section{header: header, name: f.sectionName(header), line: line, at: at})
}

// addMark is addSection for a streamed file.
func (f *file) addMark(header string, line, at int) {
	if header == "DEFAULT" {
		f.defaults = append(f.defaults, len(f.marks))
	}
	f.marks = append(f.marks, mark{at: uint32(at), line: uint32(line), key: f.sectionKey(header)})
}

// plainProfileName is configProfileName for the usual header, "profile
// NAME" with one space and no quotes, backslashes or blanks in NAME; for
// any other header it returns "".
func plainProfileName(header string) string {
	if len(header) <= len("profile ") || header[:len("profile ")] != "profile " {
		return ""
	}
	name := header[len("profile "):]
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == '"' || c == '\'' || c == '\\' {
			return ""
		}
	}
	return name
}

// lex indexes f.data with the lexer, which reads every line into a token:
// the slow path of parse, for the message of a line the scan refused.
func (f *file) lex() error {
	f.sections = f.sections[:0]
	f.defaults = nil
	lx := newLexer(f.data, 0, 0, false)
	for {
		kind := lx.next()
		if kind == 0 {
			return f.lexError(&lx)
		}
		if kind == tokSection {
			f.addSection(lx.tok.name, lx.tok.line, lx.tok.start)
		}
	}
}

// scanner checks lines as the lexer would read them, carrying the lexer's
// state from one buffer to the next.
type scanner struct {
	f         *file
	streamed  bool // the buffer is reused: mark the sections (addMark)
	inSection bool // a section header has been seen
	haveOpt   bool // an option line has been seen since that header
	indent    int  // indentation of the last section or option line
	line      int  // number of the last line scanned
}

// lines is the fast path of parse, run on every file on every run: it
// indexes the section headers in data, whose first byte is at offset base
// of the file's text, and checks the syntax of every other line with no
// more work than the grammar needs (is there a '=' or ':' after a first
// character that is not one), without parsing keys or values; the sections
// a caller reads are parsed by body. data holds whole lines; only the last
// line of the file may lack its newline. lines accepts exactly the lines
// the lexer accepts, indexing the same sections (TestScanMatchesLexer and
// FuzzResolve check this), and returns false at the first line the lexer
// refuses, leaving the message to lex.
func (sc *scanner) lines(data string, base int) bool {
	inSection, haveOpt, indent, line := sc.inSection, sc.haveOpt, sc.indent, sc.line
	defer func() { sc.inSection, sc.haveOpt, sc.indent, sc.line = inSection, haveOpt, indent, line }()
	pos := 0
	for pos < len(data) {
		line++
		start := pos
		i := start
		for i < len(data) && isBlank(data[i]) {
			i++
		}
		if i == len(data) {
			break // a last line of blanks
		}
		c := data[i]
		if c == '\n' {
			pos = i + 1 // a blank line
			continue
		}
		if c == '#' || c == ';' || inSection && haveOpt && i-start > indent {
			// A comment, or a continuation line: skipped unread.
			pos = nextLine(data, i)
			continue
		}
		indent = i - start
		if c == '[' {
			end := strings.IndexByte(data[i:], '\n')
			next := len(data)
			if end < 0 {
				end = len(data)
			} else {
				end += i
				next = end + 1
			}
			pos = next
			if k := strings.LastIndexByte(data[i:end], ']'); k > 1 {
				sc.header(data[i+1:i+k], line, base+start)
				inSection, haveOpt = true, false
				continue
			}
			// "[..." with no closing bracket reads as an option line in a
			// section, its key starting with '['.
			if !inSection || indexDelim(data[i+1:end]) < 0 {
				return false
			}
			haveOpt = true
			continue
		}
		if !inSection || c == '=' || c == ':' {
			return false // an option before any header, or with no key
		}
		// The key is not empty (c is neither blank nor a delimiter); the line
		// needs a delimiter after it.
		j := i + 1
		for ; j < len(data); j++ {
			if b := data[j]; b == '=' || b == ':' {
				break
			} else if b == '\n' {
				return false
			}
		}
		if j == len(data) {
			return false
		}
		haveOpt = true
		pos = nextLine(data, j)
	}
	return true
}

// header records a section header found at the given line and offset.
func (sc *scanner) header(header string, line, at int) {
	if sc.streamed {
		sc.f.addMark(header, line, at)
	} else {
		sc.f.addSection(header, line, at)
	}
}

// nextLine returns the offset of the line after the one holding offset i.
func nextLine(data string, i int) int {
	if k := strings.IndexByte(data[i:], '\n'); k >= 0 {
		return i + k + 1
	}
	return len(data)
}

// blockMasks describe 64 bytes of a file, one bit a byte (bit i for byte
// i): its newlines, the starts of its ordinary option lines, and the starts
// of its other lines but empty ones. An ordinary option line is one whose
// first byte is '@' or above but not '[': not blank, nor any of "#;=:" (nor
// a digit or other punctuation below '@', which lines then reads).
type blockMasks struct {
	n, plain, others uint64
}

// blockState is what classify carries from one block to the next: whether
// the block before ended with a newline, the carry of the delimiter check,
// and the newlines that ended an ordinary option line without a delimiter.
type blockState struct {
	nl, run, bad uint64
}

// classifyGo fills out[0:blocks] with the masks of the 64-byte blocks that
// start at data, and checks that every ordinary option line has a
// delimiter ('=' or ':'): adding the start bit of such a line to the mask
// of the bytes that are neither delimiters nor newlines carries up to the
// first one of either, and landing on a newline means a line without one.
// classify is this in assembly where there is some.
func classifyGo(data *byte, blocks int, out *blockMasks, st *blockState) {
	b := unsafe.Slice(data, blocks*64)
	m := unsafe.Slice(out, blocks)
	for k := range m {
		var n, d, s uint64
		for i, c := range b[k*64 : k*64+64] {
			bit := uint64(1) << i
			switch c {
			case '\n':
				n |= bit
			case '=', ':':
				d |= bit
			}
			if c < '@' || c == '[' {
				s |= bit
			}
		}
		starts := n<<1 | st.nl
		st.nl = n >> 63
		plain := starts &^ s
		sum, carry := bits.Add64(^(d | n), plain, st.run)
		st.run = carry
		st.bad |= sum & n
		m[k] = blockMasks{n: n, plain: plain, others: starts & s &^ n}
	}
}

// useMasked is haveClassify; tests turn it off to run lines in its place.
var useMasked = haveClassify

// scan checks and indexes data as lines does, by masked where it can.
func (sc *scanner) scan(data string, base int) bool {
	if useMasked {
		return sc.masked(data, base)
	}
	return sc.lines(data, base)
}

// masked is lines for a whole buffer at once. classify checks every
// ordinary option line ("key = value" at the start of the line, by far the
// most common line) of 64 bytes at a time, and marks the start of every
// other line but empty ones. Those are read one by one: section headers
// here, the rest (comments, indented and odd lines) by lines.
func (sc *scanner) masked(data string, base int) bool {
	const batch = 16 // blocks classified at a time
	var (
		m   [batch]blockMasks
		pad [64]byte
	)
	st := blockState{nl: 1} // data starts at the start of a line
	line := sc.line         // lines before the current block
	pending := uint64(0)    // ordinary option lines since the last other line
	for o := 0; o < len(data); o += batch * 64 {
		n := min(len(data)-o, batch*64)
		full := n / 64
		if full > 0 {
			classify(unsafe.StringData(data[o:]), full, &m[0], &st)
		}
		blocks := full
		beyond := uint64(0)
		if n%64 != 0 {
			// The end of data: past it, newlines (the end of a line, that
			// no line starts after).
			for i := range pad {
				pad[i] = '\n'
			}
			copy(pad[:], data[o+full*64:o+n])
			classify(&pad[0], 1, &m[full], &st)
			beyond = ^uint64(0) << (n % 64)
			blocks++
		}
		if st.bad != 0 {
			return false // an option line without a delimiter
		}
		for b := range blocks {
			nl, plain, others := m[b].n, m[b].plain, m[b].others
			w := o + b*64
			for others != 0 {
				p := bits.TrailingZeros64(others)
				others &= others - 1
				below := uint64(1)<<p - 1
				if pending|plain&below != 0 {
					// Ordinary option lines came before this line.
					if !sc.inSection {
						return false // an option line before any header
					}
					sc.haveOpt, sc.indent = true, 0
					pending, plain = 0, plain&^below
				}
				start := w + p
				// The line's end, from the masks when they have it.
				end := -1
				if after := nl &^ (below<<1 | 1); after != 0 {
					end = min(w+bits.TrailingZeros64(after), len(data))
				} else if b+1 < blocks && m[b+1].n != 0 {
					end = min(w+64+bits.TrailingZeros64(m[b+1].n), len(data))
				}
				lines := line + bits.OnesCount64(nl&below)
				// The common special line, "[header]" at the start of the
				// line, is read here; any other by lines.
				if data[start] == '[' && end > start+2 && data[end-1] == ']' {
					sc.line = lines + 1
					sc.header(data[start+1:end-1], sc.line, base+start)
					sc.inSection, sc.haveOpt, sc.indent = true, false, 0
					continue
				}
				if end < 0 || end == len(data) {
					end = nextLine(data, start)
				} else {
					end++
				}
				sc.line = lines
				if !sc.lines(data[start:end], base+start) {
					return false
				}
			}
			pending |= plain
			line += bits.OnesCount64(nl)
		}
		line -= bits.OnesCount64(beyond)
	}
	if pending != 0 {
		if !sc.inSection {
			return false
		}
		sc.haveOpt, sc.indent = true, 0
	}
	sc.line = line
	return true
}
