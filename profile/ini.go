package profile

import (
	"fmt"
	"strings"
)

// This file is a line scanner for the INI dialect of ~/.aws/config and
// ~/.aws/credentials, as the AWS CLI reads them: botocore hands the files to
// Python's configparser.RawConfigParser with its defaults, so that is the
// grammar matched here, rule by rule:
//
//   - A line whose first non-blank character is '#' or ';' is a comment.
//     There are no inline comments: in "region = x # note" the value is
//     "x # note".
//   - A line indented deeper than the option line above it (in the same
//     section) continues that option's value. This is how the CLI's nested
//     settings are written ("s3 =\n  max_concurrent_requests = 10"); they are
//     skipped without error. Blank and comment lines do not end a value.
//   - "[header]" starts a section: the header is the text between the first
//     '[' and the last ']' on the line, kept exactly (case and inner blanks);
//     anything after the last ']' is ignored.
//   - Any other line is "key = value" or "key: value": the key is the text
//     before the first '=' or ':', right-trimmed and compared without regard
//     to case; the value is the trimmed rest.
//   - An option line before any section header, a line with no '=' or ':',
//     an empty key, a section header seen twice (except [DEFAULT]) and a key
//     seen twice in one section are errors: the CLI refuses such a file.
//   - [DEFAULT] is not a section of its own: its keys are the fallback for
//     every section of the same file.
//
// Two small differences are deliberate: white space is ASCII white space
// (Python's strip also takes Unicode spaces such as U+00A0), and only "\n"
// ends a line ("\r\n" works because "\r" is trimmed; Python would also break
// lines at a lone "\r", which no editor writes). A UTF-8 byte-order mark at
// the start of a file is skipped, where the CLI refuses the file.
//
// gopkg.in/ini.v1 reads a different dialect (inline comments, no error on
// duplicates), keeps no line numbers, and is too slow for a file with
// thousands of profiles; see BenchmarkParse for the comparison.

// tokenKind says what a scanned line is.
type tokenKind uint8

const (
	tokSection      tokenKind = iota + 1 // "[name]"
	tokOption                            // "key = value"
	tokContinuation                      // an indented line that continues the option above
)

// token is one significant line. Its strings share the file's memory.
type token struct {
	kind  tokenKind
	line  int    // 1-based line number
	name  string // section header, or option key (original case)
	value string // option value (trimmed); "" for sections and continuations
	start int    // offset of the line's first byte
	end   int    // offset just past the line's newline
}

// lexer walks the lines of an INI file. Its state is the part of
// configparser's state that decides how the next line reads.
type lexer struct {
	data      string
	pos       int  // offset of the next line
	line      int  // number of the last line read
	inSection bool // a section header has been seen
	haveOpt   bool // an option line has been seen since that header
	indent    int  // indentation of the last section or option line

	tok token      // the line next returned
	err *lineError // why next returned 0 before the end, if it did
}

// newLexer starts a lexer at offset pos of data, line being the number of
// the line before pos. inSection says whether pos is inside a section body.
func newLexer(data string, pos, line int, inSection bool) lexer {
	return lexer{data: data, pos: pos, line: line, inSection: inSection}
}

// lineError is a syntax error at one line; the caller adds the file name.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// next reads the next significant line into l.tok and returns its kind, or
// 0 at the end of the data or at a syntax error (then l.err is set).
func (l *lexer) next() tokenKind {
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
		if i == j || data[i] == '#' || data[i] == ';' {
			continue // blank line or comment
		}
		indent := i - start
		content := data[i:j]

		if l.inSection && l.haveOpt && indent > l.indent {
			l.tok = token{kind: tokContinuation, line: l.line, end: next}
			return tokContinuation
		}
		l.indent = indent

		if content[0] == '[' {
			if k := strings.LastIndexByte(content, ']'); k > 1 {
				l.inSection = true
				l.haveOpt = false
				l.tok = token{kind: tokSection, line: l.line, name: content[1:k], start: start, end: next}
				return tokSection
			}
		}
		d := indexDelim(content)
		if content[0] == '[' && (d < 0 || !l.inSection) {
			if strings.IndexByte(content, ']') == 1 {
				return l.fail(&lineError{l.line, "empty section header []"})
			}
			return l.fail(&lineError{l.line, fmt.Sprintf("unclosed section header %s", quoteLine(content))})
		}
		if !l.inSection {
			return l.fail(&lineError{l.line, fmt.Sprintf("%s comes before any [section] header", quoteLine(content))})
		}
		if d < 0 {
			return l.fail(&lineError{l.line, fmt.Sprintf("%s is not a [section] header or a key = value line", quoteLine(content))})
		}
		key := trimRight(content[:d])
		if len(key) == 0 {
			return l.fail(&lineError{l.line, fmt.Sprintf("%s has no key before the %q", quoteLine(content), content[d])})
		}
		l.haveOpt = true
		l.tok = token{kind: tokOption, line: l.line, name: key, value: trimLeft(content[d+1:]), end: next}
		return tokOption
	}
	return 0
}

func (l *lexer) fail(err *lineError) tokenKind {
	l.err = err
	return 0
}

// quoteLine shows a line that failed to parse in an error message. A
// malformed line may be a pasted secret, so only a section header is shown
// (shortened if long); of any other line, only the key before its '=' or
// ':', else only its length.
func quoteLine(b string) string {
	const max = 60
	if strings.HasPrefix(b, "[") {
		if len(b) > max {
			return fmt.Sprintf("%q…", b[:max])
		}
		return fmt.Sprintf("%q", b)
	}
	if d := indexDelim(b); d >= 0 {
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

// indexDelim finds the first '=' or ':' in an option line.
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
