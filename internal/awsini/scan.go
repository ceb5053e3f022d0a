package awsini

import (
	"math/bits"
	"strings"
	"unsafe"
)

// scanner checks lines as the lexer would read them, carrying the lexer's
// state from one buffer to the next, and records the section headers.
type scanner struct {
	x         *Index
	streamed  bool // the buffer is reused: mark the sections (addMark)
	inSection bool // a section header has been seen
	haveOpt   bool // an option line has been seen since that header
	indent    int  // indentation of the last section or option line
	line      int  // number of the last line scanned
}

// scan is the fast path of Parse and Stream, run on every file on every
// run: it checks and indexes data as lines does, by masked where classify
// has assembly and data's lines are not long.
func (sc *scanner) scan(data string, base int) bool {
	if haveClassify && !longLines(data) {
		return sc.masked(data, base)
	}
	return sc.lines(data, base)
}

// longLines reports whether the lines of data's first KiB are 128 bytes or
// longer on average, as in a credentials file of session tokens (about
// 1 KB each). lines costs some 15 ns a line, finding its end with vector
// instructions, and masked some 0.15 ns a byte: masked is faster on a
// config file (lines of 30 bytes on average) and slower on lines of 100
// bytes or more (BenchmarkScan). Streamed, a file is judged one buffer at
// a time.
func longLines(data string) bool {
	const sample = 1 << 10
	return len(data) >= sample && strings.Count(data[:sample], "\n") < sample/128
}

// lines indexes the section headers in data, whose first byte is at
// offset base of the file's text, and checks the syntax of every other
// line with no more work than the grammar needs (is there a '=' or ':'
// after a first character that is not one), without parsing keys or
// values; the sections a caller reads are lexed by Body. data holds whole
// lines; only the last line of the file may lack its newline. lines
// accepts exactly the lines the lexer accepts, indexing the same sections
// (TestScanMatchesLexer and FuzzScan check this, and that masked does
// too), and returns false at the first line the lexer refuses, leaving the
// message to lex.
//
// Each line costs a search for its end and, for an option line, one for
// its delimiter within it: strings.IndexByte runs vector instructions, so
// long lines (a session token) cost little more than short ones.
func (sc *scanner) lines(data string, base int) bool {
	inSection, haveOpt, indent, line := sc.inSection, sc.haveOpt, sc.indent, sc.line
	defer func() { sc.inSection, sc.haveOpt, sc.indent, sc.line = inSection, haveOpt, indent, line }()
	pos := 0
	for pos < len(data) {
		line++
		start := pos
		end, next := len(data), len(data)
		if k := strings.IndexByte(data[start:], '\n'); k >= 0 {
			end, next = start+k, start+k+1
		}
		pos = next
		i := start
		for i < end && isBlank(data[i]) {
			i++
		}
		if i == end {
			continue // a blank line
		}
		c := data[i]
		if c == '#' || c == ';' || inSection && haveOpt && i-start > indent {
			continue // a comment, or a continuation line: skipped unread
		}
		indent = i - start
		rest := data[i+1 : end]
		if c == '[' {
			if k := strings.LastIndexByte(rest, ']'); k > 0 {
				sc.header(rest[:k], line, base+start)
				inSection, haveOpt = true, false
				continue
			}
			// "[..." with no closing bracket reads as an option line in a
			// section, its key starting with '['.
			if !inSection || indexDelim(rest) < 0 {
				return false
			}
			haveOpt = true
			continue
		}
		if !inSection || c == '=' || c == ':' {
			return false // an option before any header, or with no key
		}
		// The key is not empty (c is neither blank nor a delimiter); the
		// line needs a delimiter after it.
		if strings.IndexByte(rest, '=') < 0 && strings.IndexByte(rest, ':') < 0 {
			return false
		}
		haveOpt = true
	}
	return true
}

// header records a section header found at the given line and offset.
func (sc *scanner) header(header string, line, at int) {
	if sc.streamed {
		sc.x.addMark(header, line, at)
	} else {
		sc.x.addSection(header, line, at)
	}
}

// nextLine returns the offset of the line after the one holding offset i.
func nextLine(data string, i int) int {
	if k := strings.IndexByte(data[i:], '\n'); k >= 0 {
		return i + k + 1
	}
	return len(data)
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
	if st.run != 0 {
		// data ends, at the end of a block, in an ordinary option line
		// that has no delimiter and no newline.
		return false
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
