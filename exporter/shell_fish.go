package exporter

import "io"

// Fish is the format for fish: `set -gx NAME 'value'` and `set -e -g NAME`
// lines and a closing `true`, for `awsmfa env | source`.
//
// Unsets erase the global variable only (-g). A bare `set -e` would erase a
// universal variable of the same name when no global one exists, which
// changes every fish session on the machine, for good; a user's universal
// AWS_PROFILE is theirs to keep.
type Fish struct{}

// Name returns "fish".
func (Fish) Name() string { return "fish" }

// Write writes c as fish code: unsets, then sets, then a last `true` line.
// In fish `set -e` of a variable that does not exist returns status 4, and
// an assigning `set` passes along whatever status came before it, even from
// before `source`; the `true` makes `awsmfa env | source; and cmd` work.
func (Fish) Write(w io.Writer, c Changes) error {
	if err := check(c, nil); err != nil {
		return err
	}
	b := make([]byte, 0, size(c, len("set -gx  ''\n")))
	for _, name := range c.Unset {
		b = append(b, "set -e -g "...)
		b = append(b, name...)
		b = append(b, '\n')
	}
	for _, v := range c.Set {
		b = append(b, "set -gx "...)
		b = append(b, v.Name...)
		b = append(b, ' ')
		b = appendFishQuoted(b, v.Value)
		b = append(b, '\n')
	}
	if len(b) > 0 {
		b = append(b, "true\n"...)
	}
	_, err := w.Write(b)
	return err
}

// appendFishQuoted appends s as one single-quoted fish word. Inside fish's
// single quotes only \\ and \' are escapes (any other backslash is literal),
// so \ becomes \\ and ' becomes \'. Fish keeps every other byte as it is, in
// every locale: bytes that are not UTF-8, and UTF-8 for the code points fish
// uses internally (U+F600–U+F6FF, U+FDD0–U+FDEF), come back byte-exact from
// its printf builtin and in the environment of its children.
func appendFishQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return append(b, '\'')
}
