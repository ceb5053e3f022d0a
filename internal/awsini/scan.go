package awsini

import "strings"

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

// lines is the fast path of Parse and Stream, run on every file on every
// run: it indexes the section headers in data, whose first byte is at
// offset base of the file's text, and checks the syntax of every other
// line with no more work than the grammar needs (is there a '=' or ':'
// after a first character that is not one), without parsing keys or
// values; the sections a caller reads are lexed by Body. data holds whole
// lines; only the last line of the file may lack its newline. lines
// accepts exactly the lines the lexer accepts, indexing the same sections
// (TestScanMatchesLexer and FuzzScan check this), and returns false at the
// first line the lexer refuses, leaving the message to lex.
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
