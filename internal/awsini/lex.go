// Package awsini is the one reader of the INI dialect of ~/.aws/config and
// ~/.aws/credentials: a lexer that reads every line with its number (Lexer),
// a fast index of a file's section headers, read whole or streamed through
// a small buffer (Index), and a lossless editor (File).
//
// Parse reads a file for an edit and refuses, with its line number,
// anything the CLI would refuse or that would make an edit ambiguous. A
// File's Set and Unset change single keys in place, append missing keys to
// their section, and append missing sections at the end, keeping every
// other byte as it was: other sections, comments, blank lines, key order,
// spacing, line endings (LF or CRLF), a byte-order mark, nested settings;
// every edit is checked by reading the result back. Update does a locked,
// atomic read-modify-write of a file on disk, keeping it private (0600 in a
// 0700 directory).
//
// The grammar is the AWS CLI's: botocore hands the files to Python's
// configparser.RawConfigParser with its defaults, so that is the grammar
// matched here, rule by rule:
//
//   - A line whose first non-blank character is '#' or ';' is a comment.
//     There are no inline comments: in "region = x # note" the value is
//     "x # note".
//   - A line indented deeper than the option line above it (in the same
//     section) continues that option's value. This is how the CLI's nested
//     settings are written ("s3 =\n  max_concurrent_requests = 10"). Blank
//     and comment lines do not end a value.
//   - "[header]" starts a section: the header is the text between the first
//     '[' and the last ']' on the line, kept exactly (case and inner blanks);
//     anything after the last ']' is ignored.
//   - Any other line is "key = value" or "key: value": the key is the text
//     before the first '=' or ':', right-trimmed; the value is the trimmed
//     rest.
//   - An option line before any section header, a line with no '=' or ':',
//     and an empty key are errors: the CLI refuses such a file. (A section
//     header seen twice, except [DEFAULT], and a key seen twice in one
//     section are errors too; the callers check those, for the sections they
//     read.)
//
// Two small differences are deliberate: white space is ASCII white space
// (Python's strip also takes Unicode spaces such as U+00A0), and only "\n"
// ends a line ("\r\n" works because "\r" is trimmed; Python would also break
// lines at a lone "\r", which no editor writes). A UTF-8 byte-order mark at
// the start of a file is skipped (TrimBOM), where the CLI refuses the file.
//
// gopkg.in/ini.v1 reads a different dialect (inline comments, no error on
// duplicates), keeps no line numbers, and is over a hundred times slower on a
// file with thousands of profiles; see profile's BenchmarkParse.
package awsini

import (
	"fmt"
	"strings"
)

// BOM is the UTF-8 byte-order mark that editors on Windows may start a
// file with.
const BOM = "\uFEFF"

// TrimBOM returns data without the byte-order mark it may start with, and
// the length of the mark removed (0 or len(BOM)).
func TrimBOM(data string) (string, int) {
	if strings.HasPrefix(data, BOM) {
		return data[len(BOM):], len(BOM)
	}
	return data, 0
}

// Kind says what a line is.
type Kind uint8

// The kinds of line.
const (
	SectionLine      Kind = iota + 1 // "[name]"
	OptionLine                       // "key = value"
	ContinuationLine                 // an indented line that continues the option above
	BlankLine                        // empty, white space or a comment (only with Lexer.Blanks)
)

// Token is one line. Its strings share the data's memory.
type Token struct {
	Kind   Kind
	Line   int    // 1-based line number
	Name   string // section header, or option key as written
	Value  string // option value (trimmed); for a continuation, the trimmed line
	Start  int    // offset of the line's first byte
	End    int    // offset just past the line's newline
	Indent int    // blanks before the line's content
	Delim  int    // offset of the option's '=' or ':'
}

// Lexer reads the lines of an INI file. Its state is the part of
// configparser's state that decides how the next line reads.
type Lexer struct {
	// Blanks makes Next return blank and comment lines too, as BlankLine.
	Blanks bool

	file      string // names the file in errors
	data      string
	pos       int  // offset of the next line
	line      int  // number of the last line read
	inSection bool // a section header has been seen
	haveOpt   bool // an option line has been seen since that header
	indent    int  // indentation of the last section or option line

	tok Token        // the line Next returned last
	err *SyntaxError // why Next returned 0 before the end, if it did
}

// NewLexer starts a lexer at offset pos of data (without a byte-order
// mark: see TrimBOM), line being the number of the line before pos, outside
// any section. file names the data in errors.
func NewLexer(file, data string, pos, line int) Lexer {
	return Lexer{file: file, data: data, pos: pos, line: line}
}

// SyntaxError is a line of an AWS file that the AWS CLI would refuse too,
// or that would make an edit ambiguous (a section written twice).
type SyntaxError struct {
	File string // as shown to the user (~ for the home directory)
	Line int    // 1-based
	Msg  string
	// Edit says the file was read for an edit, which was not made.
	Edit bool
}

// Error says where the line is and what to do.
func (e *SyntaxError) Error() string {
	if e.Edit {
		return fmt.Sprintf("%s:%d: %s\nfix that line (the AWS CLI refuses the file too); nothing was written", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s\nfix that line (the AWS CLI refuses the file too)", e.File, e.Line, e.Msg)
}

// Token returns the line Next read last.
func (l *Lexer) Token() *Token { return &l.tok }

// Err returns the *SyntaxError of a lexer that stopped at a bad line, or
// nil.
func (l *Lexer) Err() error {
	if l.err != nil {
		return l.err
	}
	return nil
}

// Next reads the next line into Token and returns its kind, or 0 at the end
// of the data or at a syntax error (then Err says which).
func (l *Lexer) Next() Kind {
	data := l.data
	for l.pos < len(data) {
		start := l.pos
		end := len(data)
		next := end
		if i := strings.IndexByte(data[start:], '\n'); i >= 0 {
			end = start + i
			next = end + 1
		}
		l.pos = next
		l.line++

		// Indentation and the trimmed content of the line.
		i := start
		for i < end && isBlank(data[i]) {
			i++
		}
		j := end
		for j > i && isBlank(data[j-1]) {
			j--
		}
		indent := i - start
		if i == j || data[i] == '#' || data[i] == ';' {
			if l.Blanks {
				l.tok = Token{Kind: BlankLine, Line: l.line, Start: start, End: next, Indent: indent}
				return BlankLine
			}
			continue
		}
		content := data[i:j]

		if l.inSection && l.haveOpt && indent > l.indent {
			l.tok = Token{Kind: ContinuationLine, Line: l.line, Value: content, Start: start, End: next, Indent: indent}
			return ContinuationLine
		}
		l.indent = indent

		if content[0] == '[' {
			if k := strings.LastIndexByte(content, ']'); k > 1 {
				l.inSection = true
				l.haveOpt = false
				l.tok = Token{Kind: SectionLine, Line: l.line, Name: content[1:k], Start: start, End: next, Indent: indent}
				return SectionLine
			}
		}
		d := indexDelim(content)
		if content[0] == '[' && (d < 0 || !l.inSection) {
			if strings.IndexByte(content, ']') == 1 {
				return l.fail("empty section header []")
			}
			return l.fail(fmt.Sprintf("unclosed section header %s", quoteLine(content)))
		}
		if !l.inSection {
			return l.fail(fmt.Sprintf("%s comes before any [section] header", quoteLine(content)))
		}
		if d < 0 {
			return l.fail(fmt.Sprintf("%s is not a [section] header or a key = value line", quoteLine(content)))
		}
		key := trimRight(content[:d])
		if len(key) == 0 {
			return l.fail(fmt.Sprintf("%s has no key before the %q", quoteLine(content), content[d]))
		}
		l.haveOpt = true
		l.tok = Token{Kind: OptionLine, Line: l.line, Name: key, Value: trimLeft(content[d+1:]),
			Start: start, End: next, Indent: indent, Delim: i + d}
		return OptionLine
	}
	return 0
}

func (l *Lexer) fail(msg string) Kind {
	l.err = &SyntaxError{File: l.file, Line: l.line, Msg: msg}
	return 0
}

// quoteLine shows a line that failed to parse in an error message. A
// malformed line may be a pasted secret, so only a section header without
// a delimiter is shown (shortened if long); of any other line, only the key
// before its '=' or ':', else only its length.
func quoteLine(b string) string {
	const max = 60
	d := indexDelim(b)
	if strings.HasPrefix(b, "[") && d < 0 {
		if len(b) > max {
			return fmt.Sprintf("%q…", b[:max])
		}
		return fmt.Sprintf("%q", b)
	}
	if d >= 0 {
		key := trimRight(b[:d])
		if len(key) > max {
			key = key[:max]
		}
		return fmt.Sprintf("%q", key+" "+string(b[d])+" …")
	}
	return fmt.Sprintf("a line of %d characters (not shown: it may hold a secret)", len(b))
}

// isBlank reports whether c is white space as Python's str.strip sees it
// (the ASCII part).
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// indexDelim finds the first '=' or ':' in an option line, or returns -1.
func indexDelim(b string) int {
	i := strings.IndexByte(b, '=')
	if i < 0 {
		return strings.IndexByte(b, ':')
	}
	if j := strings.IndexByte(b[:i], ':'); j >= 0 {
		return j
	}
	return i
}

// trim removes white space (isBlank) from both ends of s.
func trim(s string) string { return trimLeft(trimRight(s)) }

func trimLeft(b string) string {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRight(b string) string {
	for len(b) > 0 && isBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
