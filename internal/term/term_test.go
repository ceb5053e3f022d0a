package term

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDropLast(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ab", "a"},
		{"aé", "a"},
		{"a€", "a"},
		{"a😀", "a"},
	}
	for _, tc := range tests {
		if got := string(dropLast([]byte(tc.in))); got != tc.want {
			t.Errorf("dropLast(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
		err  error
		rest string
	}{
		{"123456\nrest", 64, "123456", nil, "rest"},
		{"123456", 64, "123456", io.EOF, ""},
		{"", 64, "", io.EOF, ""},
		{strings.Repeat("1", 70) + "\n", 64, "", ErrLineTooLong, strings.Repeat("1", 6) + "\n"},
		{strings.Repeat("1", 70) + "\nx", 0, strings.Repeat("1", 70), nil, "x"},
	}
	for _, tc := range tests {
		r := strings.NewReader(tc.in)
		got, err := ReadLine(r, tc.max)
		rest, _ := io.ReadAll(r)
		if got != tc.want || !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) || string(rest) != tc.rest {
			t.Errorf("ReadLine(%q, %d) = %q, %v, leaving %q; want %q, %v, leaving %q", tc.in, tc.max, got, err, rest, tc.want, tc.err, tc.rest)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(strings.NewReader("")) {
		t.Error("a reader that is not a file is a terminal")
	}
}
